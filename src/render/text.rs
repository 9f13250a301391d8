//! Plans and apply reports for people: a summary line, `+`/`-` lines, the requests.

use crate::apply::{ApplyReport, Outcome};
use crate::plan::{Change, Plan};
use std::fmt::Write;

pub fn plan(plan: &Plan) -> String {
    let mut out = String::new();
    let s = &plan.summary;
    let org = &plan.meta.org;
    if plan.requests.is_empty() {
        let _ = writeln!(
            out,
            "No changes: the {} active seat(s) of {org} match the file.",
            s.seats_before
        );
    } else {
        let _ = writeln!(
            out,
            "Plan for {org}: {} seat(s) added, {} removed; seats {} -> {}; {} USD/month.",
            s.added,
            s.removed,
            s.seats_before,
            s.seats_after,
            signed(s.monthly_cost_delta_usd)
        );
    }
    if let Some(blocked) = &plan.blocked {
        let _ = writeln!(out, "\nBLOCKED: {blocked}");
    }
    for change in &plan.changes {
        if out.ends_with(".\n") {
            out.push('\n');
        }
        let _ = match change {
            Change::AddUser { login, reason } => writeln!(out, "+ user {login} ({reason})"),
            Change::AddTeam {
                team,
                name,
                reason,
                reassert,
                members_gaining_seat,
            } => {
                let sign = if *reassert { "~" } else { "+" };
                let _ = writeln!(out, "{sign} team {team} \"{name}\" ({reason})");
                if !members_gaining_seat.is_empty() {
                    let _ = writeln!(
                        out,
                        "    members gaining a seat: {}",
                        members_gaining_seat.join(", ")
                    );
                }
                Ok(())
            }
            Change::RemoveTeam {
                team,
                name,
                members_losing_seat,
                reason,
            } => {
                let _ = writeln!(out, "- team {team} \"{name}\" ({reason})");
                if !members_losing_seat.is_empty() {
                    let _ = writeln!(
                        out,
                        "    members losing their seat: {}",
                        members_losing_seat.join(", ")
                    );
                }
                Ok(())
            }
            Change::RemoveUser { login, reason } => writeln!(out, "- user {login} ({reason})"),
        };
    }
    if s.removed > 0 {
        let _ = writeln!(
            out,
            "\nRemoved seats stay billed, and usable, until the end of the billing cycle."
        );
    }
    if !plan.requests.is_empty() {
        let _ = writeln!(out, "\nRequests, sent in this order:");
        for request in &plan.requests {
            let body = serde_json::to_string(&request.body).unwrap_or_default();
            let _ = writeln!(out, "  {} {} {body}", request.method, request.path);
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings:");
        for warning in &plan.warnings {
            let _ = writeln!(out, "  ! {warning}");
        }
    }
    if !plan.suggestions.is_empty() {
        let _ = writeln!(
            out,
            "\nInactive seats you may reclaim (suggestions only, never removed by this tool):"
        );
        for suggestion in &plan.suggestions {
            let _ = writeln!(out, "  ? {}: {}", suggestion.login, suggestion.reason);
        }
    }
    out
}

pub fn apply_report(report: &ApplyReport) -> String {
    let mut out = String::new();
    for outcome in &report.outcomes {
        let request = &outcome.request;
        let names = request.body.names().join(", ");
        let _ = match &outcome.outcome {
            Outcome::Done { status, detail } => writeln!(
                out,
                "done     {} {} [{names}]: {status} {detail}",
                request.method, request.path
            ),
            Outcome::Failed { error } => writeln!(
                out,
                "FAILED   {} {} [{names}]: {error}",
                request.method, request.path
            ),
            Outcome::NotSent => writeln!(
                out,
                "not sent {} {} [{names}]: an earlier request failed",
                request.method, request.path
            ),
        };
    }
    let done = report
        .outcomes
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Done { .. }))
        .count();
    let total = report.outcomes.len();
    if report.succeeded() {
        let _ = writeln!(out, "Applied: {done} of {total} request(s) succeeded.");
    } else {
        let _ = writeln!(
            out,
            "Apply failed: {done} of {total} request(s) succeeded. Fix the cause above and run apply again: it plans from the new state and converges."
        );
    }
    out
}

fn signed(amount: f64) -> String {
    let rounded = (amount * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{:+}", rounded as i64)
    } else {
        format!("{rounded:+.2}")
    }
}

/// A unified diff of the seats the org holds today against the file's.
pub fn seat_diff(today: &str, file: &str, file_name: &str) -> String {
    similar::TextDiff::from_lines(today, file)
        .unified_diff()
        .context_radius(2)
        .header("seats today", file_name)
        .to_string()
}
