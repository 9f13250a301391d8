//! Seats, the first kind: who holds a Copilot seat (org seats, enterprise licences).
//! The planner (`plan`), the seat changes and requests (`wire`).

mod plan;
mod wire;

pub use plan::*;
pub use wire::*;
