//! Integration tests: the real binary against the fake GitHub on loopback.

mod support;

mod actions;
mod admin;
mod app_auth;
mod apply;
mod bad_input;
mod budgets;
mod cost_centers;
mod docs;
mod editing;
mod enterprise;
mod enterprise_scale;
mod fake;
mod faults;
mod fixtures;
mod interrupt;
mod lifecycle;
mod membership;
mod network;
mod pages;
mod plan;
mod properties;
mod release;
mod saved_plans;
mod schema;
mod secrets;
mod targets;
mod usage;
mod validate_export;
mod workflows;
