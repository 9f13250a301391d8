//! Integration tests: the real binary against the fake GitHub on loopback.

mod support;

mod apply;
mod fake;
mod faults;
mod fixtures;
mod plan;
mod validate_export;
