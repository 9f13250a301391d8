//! The JSON plan of SPEC 5, for `--format json`, `--out` and `apply --plan`.

use crate::plan::{Plan, PlanSet};

pub fn plan(plan: &Plan) -> String {
    // A Plan holds only strings, numbers and lists: serialising it cannot fail.
    let mut json = serde_json::to_string_pretty(plan).unwrap_or_default();
    json.push('\n');
    json
}

/// Many targets' plans (SPEC 9).
pub fn plan_set(set: &PlanSet) -> String {
    let mut json = serde_json::to_string_pretty(set).unwrap_or_default();
    json.push('\n');
    json
}
