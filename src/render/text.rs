//! Plans and apply reports for people: a summary line, `+`/`-` lines, the requests.

use super::change;
use crate::apply::{ApplyReport, Outcome};
use crate::kinds;
use crate::plan::{Plan, PlanSet, Totals};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The text plan; with `color`, ANSI colours for a terminal.
pub fn plan(plan: &Plan, color: bool) -> String {
    let text = plain_plan(plan);
    if !color {
        return text;
    }
    paint_lines(&text, |line| {
        if line.starts_with("BLOCKED") {
            Some("1;31")
        } else if line.starts_with("+ ") {
            Some("32")
        } else if line.starts_with("- ") {
            Some("31")
        } else if line.starts_with("~ ") || line.starts_with("  ! ") {
            Some("33")
        } else {
            None
        }
    })
}

/// Many targets' plans: a table with a row per target, then a section per target, each
/// followed by its entry of `after_each` (the diff of what it does), when given.
pub fn plan_set(set: &PlanSet, after_each: &[String], color: bool) -> String {
    let mut out = format!(
        "Plans for {} target(s): {}/month.\n\n",
        set.summary.targets,
        totals(&set.summary)
    );
    // A column per other kind, when some plan has one.
    let others = set.other_kinds();
    let mut header: Vec<String> = ["TARGET", "ADDS", "REMOVES", "SEATS", "USD/MONTH"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    header.extend(others.iter().map(|k| k.to_uppercase()));
    header.push("STATUS".to_string());
    let mut rows = vec![header];
    for plan in &set.plans {
        let s = &plan.summary;
        let mut row = vec![
            plan.meta.target().to_string(),
            format!("+{}", s.added),
            format!("-{}", s.removed),
            format!("{} -> {}", s.seats_before, s.seats_after),
            signed(s.monthly_cost_delta_usd),
        ];
        row.extend(
            others
                .iter()
                .map(|k| format!("{} change(s)", plan.changes_of(k).count())),
        );
        row.push(status(plan).to_string());
        rows.push(row);
    }
    for failed in &set.failed {
        let mut row = vec![failed.target.clone()];
        row.extend(std::iter::repeat_n("-".to_string(), 4 + others.len()));
        row.push("FAILED".to_string());
        rows.push(row);
    }
    out.push_str(&super::columns(&rows, &[]));
    for (i, plan) in set.plans.iter().enumerate() {
        let path = plan.meta.file.as_deref().unwrap_or("");
        let _ = writeln!(out, "\n=== {} ({path}) ===", plan.meta.target());
        out.push_str(&self::plan(plan, color));
        if let Some(after) = after_each.get(i) {
            out.push_str(after);
        }
    }
    for failed in &set.failed {
        // A saved plan refused (stale, edited) is not a plan that could not be made.
        let what = if failed.error.starts_with("stale plan") || failed.error.starts_with("refusing")
        {
            "REFUSED: the saved plan is not applied:"
        } else {
            "FAILED: no plan could be made:"
        };
        let _ = writeln!(out, "\n=== {} ===\n{what}", failed.target);
        for line in failed.error.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// The totals of a plan set: `2 planned, 1 failed, 0 blocked; seats 4 -> 5; +19 USD`.
pub(crate) fn totals(t: &Totals) -> String {
    format!(
        "{} planned, {} failed, {} blocked; seats {} -> {}; {} USD",
        t.planned,
        t.failed,
        t.blocked,
        t.seats_before,
        t.seats_after,
        signed(t.monthly_cost_delta_usd)
    )
}

/// A target's state in the table.
pub(crate) fn status(plan: &Plan) -> &'static str {
    if plan.blocked.is_some() {
        "BLOCKED"
    } else if plan.has_changes() {
        "changes"
    } else {
        "no changes"
    }
}

fn plain_plan(plan: &Plan) -> String {
    let mut out = String::new();
    for (i, kind) in plan.kinds().iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let part = change::part(plan, kind);
        out.push_str(&plain_headline(plan, &part, i == 0));
        for note in kinds::get(kind)
            .map(|k| k.headline_notes(plan))
            .unwrap_or_default()
        {
            let _ = writeln!(out, "{note}");
        }
        if i == 0
            && let Some(blocked) = &plan.blocked
        {
            let _ = writeln!(out, "\nBLOCKED: {blocked}");
        }
        for line in &part.lines {
            if out.ends_with(".\n") {
                out.push('\n');
            }
            out.push_str(&change::text(line));
        }
        for note in kinds::get(kind)
            .map(|k| k.footnotes(plan))
            .unwrap_or_default()
        {
            let _ = writeln!(out, "\n{note}");
        }
    }
    out.push_str(&plain_tail(plan));
    out
}

/// What one kind's part of the plan comes to: the first kind's line names the target.
fn plain_headline(plan: &Plan, part: &change::KindPart, first: bool) -> String {
    let lead = if first {
        format!("Plan for {}", plan.meta.target())
    } else {
        change::capitalized(&part.title)
    };
    if part.sends {
        format!("{lead}: {}.\n", part.totals)
    } else if first {
        format!("No changes: {}.\n", part.unchanged)
    } else {
        format!("{lead}: no changes, {}.\n", part.unchanged)
    }
}

/// The requests, the warnings and each kind's appendix (suggestions).
fn plain_tail(plan: &Plan) -> String {
    let mut out = String::new();
    if !plan.requests.is_empty() {
        let _ = writeln!(out, "\nRequests, sent in this order:");
        for request in &plan.requests {
            let body = serde_json::to_string(&request.body).unwrap_or_default();
            let _ = writeln!(out, "  {} {} {body}", request.method, request.path);
        }
        if let Some(writes) = plan.writes_line() {
            let _ = writeln!(out, "  = {writes}");
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings:");
        for warning in &plan.warnings {
            let _ = writeln!(out, "  ! {warning}");
        }
    }
    for kind in plan.kinds() {
        if let Some((title, items)) = kinds::get(&kind).and_then(|k| k.appendix(plan)) {
            let _ = writeln!(out, "\n{title}:");
            for item in items {
                let _ = writeln!(out, "  ? {item}");
            }
        }
    }
    out
}

pub fn apply_report(report: &ApplyReport) -> String {
    let mut out = String::new();
    for sent in &report.sent {
        let request = &sent.request;
        let names = sent.names.join(", ");
        let _ = match &sent.result {
            Ok(answer) => writeln!(
                out,
                "sent   {} {} [{names}]: {answer}",
                request.method, request.path
            ),
            Err(error) if sent.recovered => writeln!(
                out,
                "retry  {} {} [{names}]: {error} (handled, see below)",
                request.method, request.path
            ),
            Err(error) => writeln!(
                out,
                "FAILED {} {} [{names}]: {error}",
                request.method, request.path
            ),
        };
    }
    for note in &report.notes {
        let _ = writeln!(out, "  ! {note}");
    }
    // Successes grouped by kind; every failure and unsent name on a line with its reason.
    let mut done: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut problems = Vec::new();
    for name in &report.names {
        match &name.outcome {
            Outcome::Done => done
                .entry(format!("{}: done", name.action))
                .or_default()
                .push(&name.name),
            Outcome::AlreadyDone => done
                .entry(format!("{}: already in effect", name.action))
                .or_default()
                .push(&name.name),
            Outcome::Accepted => done
                .entry(format!("{}: accepted, pending at GitHub", name.action))
                .or_default()
                .push(&name.name),
            Outcome::Failed(why) => {
                problems.push(format!("  FAILED   {} {}: {why}", name.action, name.name))
            }
            Outcome::NotSent(why) => {
                problems.push(format!("  not sent {} {}: {why}", name.action, name.name))
            }
        }
    }
    if !report.names.is_empty() {
        let _ = writeln!(out, "\nOutcome by name:");
    }
    for (label, names) in &done {
        let _ = writeln!(out, "  {label} ({}): {}", names.len(), names.join(", "));
    }
    for problem in &problems {
        let _ = writeln!(out, "{problem}");
    }
    let ok = report
        .names
        .iter()
        .filter(|n| n.outcome.is_success())
        .count();
    let total = report.names.len();
    if report.interrupted {
        let _ = writeln!(
            out,
            "Interrupted: {ok} of {total} name(s) in effect; the write in flight was finished and nothing more was sent. Run apply again: it plans from the new state and converges."
        );
    } else if report.succeeded() {
        let _ = writeln!(out, "Applied: {ok} of {total} name(s) in effect.");
    } else {
        let _ = writeln!(
            out,
            "Apply incomplete: {ok} of {total} name(s) in effect. Fix what failed and run apply again: it plans from the new state and converges."
        );
    }
    out
}

pub(crate) fn signed(amount: f64) -> String {
    let rounded = (amount * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{:+}", rounded as i64)
    } else {
        format!("{rounded:+.2}")
    }
}

/// A unified diff of the seats the org holds today against those after the plan.
pub fn seat_diff(today: &str, after: &str, color: bool) -> String {
    let diff = unified_diff(today, after, "seats today", "seats after this plan");
    if !color {
        return diff;
    }
    paint_lines(&diff, |line| {
        if line.starts_with("+++") || line.starts_with("---") {
            Some("1")
        } else if line.starts_with('+') {
            Some("32")
        } else if line.starts_with('-') {
            Some("31")
        } else if line.starts_with("@@") {
            Some("36")
        } else {
            None
        }
    })
}

/// A unified diff of the file before and after, for `--dry-run`.
pub fn file_diff(before: &str, after: &str, name: &str) -> String {
    unified_diff(before, after, name, &format!("{name} (edited)"))
}

/// A unified diff with two lines of context (the `similar` crate).
fn unified_diff(before: &str, after: &str, from: &str, to: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header(from, to)
        .to_string()
}

/// What the plan leaves alone, under the diff.
pub fn left_alone(lines: &[String]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nLeft alone by this plan:\n");
    for line in lines {
        let _ = writeln!(out, "  = {line}");
    }
    out
}

/// Wraps each line in the ANSI colour `style` picks for it.
fn paint_lines(text: &str, style: impl Fn(&str) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        match style(line) {
            Some(code) => {
                let _ = writeln!(out, "\x1b[{code}m{line}\x1b[0m");
            }
            None => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}
