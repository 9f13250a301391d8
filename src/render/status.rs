//! `status`: the org's Copilot billing settings and seat breakdown, for people or as JSON.

use crate::github::seats::Billing;
use crate::kinds::budgets::Budget;
use crate::model::{LiveState, SeatSource};
use serde::Serialize;

/// What `status` reports: GitHub's answer, with the price used and the monthly cost.
#[derive(Debug, Serialize)]
pub struct Status {
    pub org: String,
    #[serde(flatten)]
    pub billing: Billing,
    pub price_per_seat_usd: f64,
    /// Billed seats times the price; `None` when GitHub gave no total.
    pub monthly_cost_usd: Option<f64>,
}

pub fn text(status: &Status) -> String {
    let billing = &status.billing;
    let seats = &billing.seat_breakdown;
    let known = |value: &Option<String>| value.clone().unwrap_or_else(|| "unknown".into());
    let count = |value: Option<u64>| value.map_or_else(|| "?".into(), |n| n.to_string());
    let setting = billing.seat_management_setting.as_deref();
    let setting_note = match setting {
        Some("assign_selected") => "selected members: copilot-seats can manage seats",
        Some("assign_all") => {
            "every member: seat changes answer 422 until \"Selected members\" is chosen"
        }
        Some(_) => "seat changes answer 422 until \"Selected members\" is chosen",
        None => "not reported",
    };
    let mut out = format!("Copilot in {}\n\n", status.org);
    let mut row = |label: &str, value: String| out.push_str(&format!("  {label:<26}{value}\n"));
    row(
        "plan",
        format!(
            "{} ({} USD per seat a month)",
            known(&billing.plan_type),
            money(status.price_per_seat_usd)
        ),
    );
    row(
        "seat management",
        format!("{} ({setting_note})", setting.unwrap_or("unknown")),
    );
    row("seats billed", count(seats.total));
    row("  active this cycle", count(seats.active_this_cycle));
    row("  inactive this cycle", count(seats.inactive_this_cycle));
    row("  added this cycle", count(seats.added_this_cycle));
    row("  pending invitation", count(seats.pending_invitation));
    row("  pending cancellation", count(seats.pending_cancellation));
    row(
        "monthly cost",
        status.monthly_cost_usd.map_or_else(
            || "unknown".into(),
            |cost| {
                format!(
                    "{} USD ({} seats x {} USD)",
                    money(cost),
                    count(seats.total),
                    money(status.price_per_seat_usd)
                )
            },
        ),
    );
    row("IDE chat", known(&billing.ide_chat));
    row("github.com chat", known(&billing.platform_chat));
    row("Copilot CLI", known(&billing.cli));
    row(
        "public code suggestions",
        known(&billing.public_code_suggestions),
    );
    out
}

pub fn json(status: &Status) -> String {
    // Strings and numbers only: serialising cannot fail.
    let mut json = serde_json::to_string_pretty(status).unwrap_or_default();
    json.push('\n');
    json
}

/// `228` for whole amounts, `228.50` otherwise.
fn money(amount: f64) -> String {
    if amount.fract() == 0.0 {
        format!("{amount:.0}")
    } else {
        format!("{amount:.2}")
    }
}

/// An enterprise's licences by grant and its budgets (`status --enterprise`).
#[derive(Debug, Serialize)]
pub struct EnterpriseStatus {
    pub enterprise: String,
    /// Users holding a licence, however many grants they hold.
    pub users: u64,
    /// Users with a licence of their own.
    pub own_licence: u64,
    /// Users holding one through an enterprise team.
    pub through_enterprise_teams: u64,
    /// Users holding one through an org's own assignment.
    pub through_orgs: u64,
    pub budgets: Vec<BudgetStatus>,
}

#[derive(Debug, Serialize)]
pub struct BudgetStatus {
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    pub sku: String,
    pub amount_usd: u64,
    /// Spent this month; `None` when GitHub does not report it for this budget.
    pub spent_usd: Option<f64>,
}

impl EnterpriseStatus {
    pub fn new(
        enterprise: &str,
        live: &LiveState,
        budgets: Vec<(Budget, Option<f64>)>,
    ) -> EnterpriseStatus {
        let count = |holds: &dyn Fn(&SeatSource) -> bool| {
            live.seats
                .keys()
                .filter(|login| live.active_sources(login).iter().any(|s| holds(s)))
                .count() as u64
        };
        EnterpriseStatus {
            enterprise: enterprise.to_string(),
            users: count(&|_| true),
            own_licence: count(&|s| matches!(s, SeatSource::Direct)),
            through_enterprise_teams: count(&|s| matches!(s, SeatSource::Team { .. })),
            through_orgs: count(&|s| matches!(s, SeatSource::Org { .. })),
            budgets: budgets
                .into_iter()
                .map(|(b, spent_usd)| BudgetStatus {
                    scope: b.scope,
                    entity: b.entity,
                    sku: b.sku,
                    amount_usd: b.amount_usd,
                    spent_usd,
                })
                .collect(),
        }
    }
}

pub fn enterprise_text(status: &EnterpriseStatus) -> String {
    let mut out = format!("Copilot in the enterprise {}\n\n", status.enterprise);
    out.push_str(&format!(
        "  {:<34}{}\n",
        "users with a licence", status.users
    ));
    out.push_str(&format!(
        "    {:<32}{}\n",
        "a licence of their own", status.own_licence
    ));
    out.push_str(&format!(
        "    {:<32}{}\n",
        "through an enterprise team", status.through_enterprise_teams
    ));
    out.push_str(&format!(
        "    {:<32}{}\n",
        "through an org", status.through_orgs
    ));
    out.push_str("  (a user may hold several grants; GitHub bills each user once)\n");
    if status.budgets.is_empty() {
        out.push_str("\nNo budgets.\n");
        return out;
    }
    let mut rows = vec![[
        "BUDGET".to_string(),
        "SKU".to_string(),
        "SPENT".to_string(),
        "AMOUNT".to_string(),
    ]];
    for b in &status.budgets {
        let subject = match &b.entity {
            Some(entity) => format!("{} {entity}", b.scope),
            None => b.scope.clone(),
        };
        rows.push([
            subject,
            b.sku.clone(),
            b.spent_usd
                .map_or_else(|| "-".to_string(), |s| format!("{} USD", money(s))),
            format!("{} USD", b.amount_usd),
        ]);
    }
    out.push_str("\nBudgets this month (spent where GitHub reports it):\n");
    out.push_str(&super::columns(&rows, &[2, 3]));
    out
}

pub fn enterprise_json(status: &EnterpriseStatus) -> String {
    // Strings and numbers only: serialising cannot fail.
    let mut json = serde_json::to_string_pretty(status).unwrap_or_default();
    json.push('\n');
    json
}
