//! Many targets' plans as one reviewed artifact (SPEC 9): the plans made, the targets that
//! could not be planned, and the totals. `apply --plan` takes this shape and a single
//! plan's (SPEC 5).

use crate::plan::wire::{FORMAT_VERSION, Plan};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanSet {
    pub format_version: u32,
    pub tool_version: String,
    pub generated_at: String,
    pub plans: Vec<Plan>,
    pub failed: Vec<FailedTarget>,
    pub summary: Totals,
}

/// A target that could not be planned, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedTarget {
    /// The org, or the file when it could not be read.
    pub target: String,
    pub error: String,
}

/// The sums over the plans made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub targets: u64,
    pub planned: u64,
    pub failed: u64,
    pub blocked: u64,
    pub seats_before: u64,
    pub seats_after: u64,
    pub added: u64,
    pub removed: u64,
    #[serde(serialize_with = "crate::plan::wire::whole_or_fraction")]
    pub monthly_cost_delta_usd: f64,
}

impl PlanSet {
    pub fn new(
        tool_version: String,
        generated_at: String,
        plans: Vec<Plan>,
        failed: Vec<FailedTarget>,
    ) -> PlanSet {
        let summary = Totals {
            targets: (plans.len() + failed.len()) as u64,
            planned: plans.len() as u64,
            failed: failed.len() as u64,
            blocked: plans.iter().filter(|p| p.blocked.is_some()).count() as u64,
            seats_before: plans.iter().map(|p| p.summary.seats_before).sum(),
            seats_after: plans.iter().map(|p| p.summary.seats_after).sum(),
            added: plans.iter().map(|p| p.summary.added).sum(),
            removed: plans.iter().map(|p| p.summary.removed).sum(),
            monthly_cost_delta_usd: plans.iter().map(|p| p.summary.monthly_cost_delta_usd).sum(),
        };
        PlanSet {
            format_version: FORMAT_VERSION,
            tool_version,
            generated_at,
            plans,
            failed,
            summary,
        }
    }

    /// Whether any plan would change a seat.
    pub fn has_changes(&self) -> bool {
        self.plans.iter().any(Plan::has_changes)
    }
}

/// What `apply --plan` reads: a single plan or a set.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum SavedPlans {
    Set(PlanSet),
    One(Box<Plan>),
}
