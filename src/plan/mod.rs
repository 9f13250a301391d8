//! The plan of any kind: its metadata, changes and requests (`wire`), and the plans of
//! several targets as one artifact (`set`).

mod set;
mod wire;

pub use crate::kinds::seats::{
    BATCH_SIZE, Endpoints, Lookups, LookupsNeeded, PlanError, PlanErrors, RequestBody, SeatChange,
    Seated, Suggestion, Summary, TeamLookup, limit_lifts, lookups_needed, plan, seat_price,
};
pub use set::{FailedTarget, PlanSet, SavedPlans, Totals};
pub(crate) use wire::whole_or_fraction;
pub use wire::{Change, FORMAT_VERSION, FORMAT_VERSION_KINDS, Method, Plan, PlanMeta, Request};
