//! `status`: the org's Copilot billing settings and seat breakdown, for people or as JSON.

use crate::github::seats::Billing;
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
