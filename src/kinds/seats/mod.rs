//! Seats, the first kind: who holds a Copilot seat (org seats, enterprise licences).
//! The planner (`plan`), the seat changes and request bodies (`wire`), and the seats as a
//! kind: their words, their saved-request check and apply's hooks (`kind`).

mod kind;
mod plan;
mod wire;

pub use kind::{SEATS, Seats, WriteKind, settle_after_reread, with_names};
pub use plan::*;
pub use wire::*;
