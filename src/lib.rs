//! copilot-seats reads `copilot-seats.yaml` into a `DesiredState` (config), reads the
//! organization's seats from GitHub's REST API into a `LiveState` (github), computes a
//! `Plan` from the two with a pure function (plan), shapes it as text or JSON (render), and
//! on `apply` sends the plan's requests one at a time (apply). `run` is the whole program.

pub mod cli;
pub mod config;
pub mod model;
pub mod plan;
pub mod yaml_locations;
