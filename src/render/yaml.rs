//! `export`: today's seats as a valid `copilot-seats.yaml`.

use crate::kinds::budgets::Budget;
use crate::kinds::cost_centers::{LiveCostCenter, ResourceType};
use crate::model::{LiveState, Login, SeatSource};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Serialize)]
struct ExportedFile {
    org: String,
    users: Vec<String>,
    teams: Vec<String>,
}

/// Direct users and the teams seen on active seats, sorted, behind a header comment.
/// Seats pending cancellation are left out: they count as removed. So are the direct users
/// in `skipped` (login, days inactive), which the header lists.
pub fn export(org: &str, live: &LiveState, generated_on: &str, skipped: &[(Login, i64)]) -> String {
    let left_out: BTreeSet<&Login> = skipped.iter().map(|(login, _)| login).collect();
    let users: Vec<String> = live
        .active_seats()
        .filter(|seat| seat.source == SeatSource::Direct && !left_out.contains(&seat.login))
        .map(|seat| seat.login.to_string())
        .collect();
    let teams: BTreeSet<_> = live.visible_teams().into_keys().collect();
    let file = ExportedFile {
        org: org.to_string(),
        users,
        teams: teams.into_iter().map(|slug| slug.to_string()).collect(),
    };
    let body = yaml_serde::to_string(&file).unwrap_or_default();
    let mut header = format!(
        "# Copilot seats of {org}, exported by copilot-seats {} on {generated_on}.\n\
         # Users hold a seat directly; every member of a team holds one through it.\n\
         # Teams whose members all hold seats another way are invisible to GitHub's API:\n\
         # add them by hand if you use them.\n",
        env!("CARGO_PKG_VERSION")
    );
    if !skipped.is_empty() {
        header.push_str(
            "# Left out, inactive (days without Copilot activity): a plan of this file removes them.\n",
        );
        for (login, days) in skipped {
            header.push_str(&format!("#   {login}: {days} days\n"));
        }
    }
    format!("{header}{body}")
}

#[derive(Serialize)]
struct ExportedEnterprise {
    enterprise: String,
    users: Vec<String>,
    enterprise_teams: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cost_centers: Vec<ExportedCostCenter>,
}

#[derive(Serialize)]
struct ExportedCostCenter {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    users: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    organizations: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    repositories: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enterprise_teams: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    ai_credit_pool: bool,
}

/// A live cost center as the file declares it.
fn exported_cost_center(live: &LiveCostCenter) -> ExportedCostCenter {
    let names = |kind: ResourceType| -> Vec<String> {
        let mut names: Vec<String> = live
            .resources
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.name.clone())
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        names
    };
    ExportedCostCenter {
        name: live.name.clone(),
        users: names(ResourceType::User),
        organizations: names(ResourceType::Organization),
        repositories: names(ResourceType::Repository),
        enterprise_teams: names(ResourceType::Team),
        ai_credit_pool: live.ai_credit_pool,
    }
}

/// An enterprise's licences as an enterprise file: users with their own licence and the
/// enterprise teams seen on grants. Users who hold a seat only through an org are not the
/// enterprise file's to manage: the header counts them.
pub fn export_enterprise(
    enterprise: &str,
    live: &LiveState,
    cost_centers: &[LiveCostCenter],
    generated_on: &str,
) -> String {
    let users: Vec<String> = live
        .seats
        .keys()
        .filter(|login| live.holds(login, &SeatSource::Direct))
        .map(ToString::to_string)
        .collect();
    let teams: BTreeSet<_> = live.visible_teams().into_keys().collect();
    let through_orgs = live
        .seats
        .keys()
        .filter(|login| {
            let sources = live.active_sources(login);
            !sources.is_empty()
                && sources
                    .iter()
                    .all(|source| matches!(source, SeatSource::Org { .. }))
        })
        .count();
    let file = ExportedEnterprise {
        enterprise: enterprise.to_string(),
        users,
        enterprise_teams: teams.into_iter().map(|slug| slug.to_string()).collect(),
        cost_centers: cost_centers.iter().map(exported_cost_center).collect(),
    };
    let body = yaml_serde::to_string(&file).unwrap_or_default();
    format!(
        "# Copilot licences of the enterprise {enterprise}, exported by copilot-seats {} on {generated_on}.\n\
         # Users hold a licence of their own; every member of an enterprise team holds one through it.\n\
         # {through_orgs} user(s) hold a seat only through an org's own assignment: org files manage those.\n{body}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The seats a file or the org holds, as `users:` and `teams:` lists, for the diff in the
/// text plan.
pub fn seat_listing<'a>(
    users: impl IntoIterator<Item = &'a str>,
    teams: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut out = String::from("users:\n");
    for user in users {
        out.push_str(&format!("  - {user}\n"));
    }
    out.push_str("teams:\n");
    for team in teams {
        out.push_str(&format!("  - {team}\n"));
    }
    out
}

/// Budgets as the file's `budgets:` section (nothing when there are none): each with its
/// scope, entity, sku (when not `ai_credits`), amount, `stop_at_limit` where it differs
/// from the scope's default, and alerts.
pub fn budgets(budgets: &[Budget]) -> String {
    if budgets.is_empty() {
        return String::new();
    }
    let mut out = String::from("budgets:\n");
    for b in budgets {
        let mut entry = yaml_serde::Mapping::new();
        let mut put = |key: &str, value: yaml_serde::Value| {
            entry.insert(yaml_serde::Value::String(key.to_string()), value);
        };
        put("scope", b.scope.clone().into());
        if let Some(entity) = &b.entity {
            let key = match b.scope.as_str() {
                "cost_center" | "cost_center_users" => "cost_center",
                scope => scope,
            };
            put(key, entity.clone().into());
        }
        if b.sku != "ai_credits" {
            put("sku", b.sku.clone().into());
        }
        put("amount_usd", b.amount_usd.into());
        let user_level = matches!(b.scope.as_str(), "user" | "all_users" | "cost_center_users");
        if b.stop_at_limit != user_level {
            put("stop_at_limit", b.stop_at_limit.into());
        }
        if !b.alerts.is_empty() && b.scope != "user" {
            put(
                "alerts",
                yaml_serde::Value::Sequence(b.alerts.iter().map(|a| a.clone().into()).collect()),
            );
        }
        let text = yaml_serde::to_string(&entry).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            out.push_str(&format!("{lead}{line}\n"));
        }
    }
    out
}
