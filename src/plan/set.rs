//! Many targets' plans as one reviewed artifact (SPEC 9): the plans made, the targets that
//! could not be planned, and the totals. `apply --plan` takes this shape and a single
//! plan's (SPEC 5).

use crate::model::Login;
use crate::plan::wire::{FORMAT_VERSION, Plan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    #[serde(serialize_with = "crate::plan::whole_or_fraction")]
    pub monthly_cost_delta_usd: f64,
}

impl PlanSet {
    pub fn new(
        tool_version: String,
        generated_at: String,
        mut plans: Vec<Plan>,
        failed: Vec<FailedTarget>,
    ) -> PlanSet {
        let mut summary = Totals {
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
        if plans.len() > 1 && plans.iter().all(|p| p.seated.known) {
            distinct_users(&mut plans, &mut summary);
        }
        // A set is of format 2 when any plan in it is (SPEC 13).
        let format_version = plans
            .iter()
            .map(|p| p.meta.format_version)
            .max()
            .unwrap_or(FORMAT_VERSION);
        PlanSet {
            format_version,
            tool_version,
            generated_at,
            plans,
            failed,
            summary,
        }
    }

    /// The kinds of its plans other than the seats, in apply order (a column each in the
    /// tables of a run).
    pub fn other_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for kind in self.plans.iter().flat_map(Plan::kinds) {
            if kind != crate::kinds::FIRST && !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.sort_by_key(|k| crate::kinds::order(k));
        kinds
    }

    /// Whether any plan would change anything.
    pub fn has_changes(&self) -> bool {
        self.plans.iter().any(Plan::has_changes)
    }
}

/// GitHub bills a user once (per enterprise), however many targets seat them: the totals
/// count distinct users, and each plan says how many of the users it seats hold a seat in
/// another target already. A user's price is the highest of the targets that seat them.
fn distinct_users(plans: &mut [Plan], totals: &mut Totals) {
    let mut before: BTreeMap<&Login, f64> = BTreeMap::new();
    let mut after: BTreeMap<&Login, f64> = BTreeMap::new();
    for plan in plans.iter() {
        let price = plan.seated.price;
        for login in &plan.seated.before {
            let known = before.entry(login).or_insert(price);
            *known = known.max(price);
        }
        for login in &plan.seated.after {
            let known = after.entry(login).or_insert(price);
            *known = known.max(price);
        }
    }
    let gained: Vec<f64> = after
        .iter()
        .filter(|(login, _)| !before.contains_key(*login))
        .map(|(_, price)| *price)
        .collect();
    let lost: Vec<f64> = before
        .iter()
        .filter(|(login, _)| !after.contains_key(*login))
        .map(|(_, price)| *price)
        .collect();
    totals.seats_before = before.len() as u64;
    totals.seats_after = after.len() as u64;
    totals.added = gained.len() as u64;
    totals.removed = lost.len() as u64;
    totals.monthly_cost_delta_usd = gained.iter().sum::<f64>() - lost.iter().sum::<f64>();
    let elsewhere: Vec<u64> = (0..plans.len())
        .map(|i| {
            let plan = &plans[i];
            plan.seated
                .after
                .difference(&plan.seated.before)
                .filter(|login| {
                    plans
                        .iter()
                        .enumerate()
                        .any(|(j, other)| j != i && other.seated.before.contains(*login))
                })
                .count() as u64
        })
        .collect();
    for (plan, count) in plans.iter_mut().zip(elsewhere) {
        plan.summary.already_seated_elsewhere = Some(count);
    }
}

/// What `apply --plan` reads: a single plan or a set.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum SavedPlans {
    Set(PlanSet),
    One(Box<Plan>),
}
