//! The Markdown plan: a pull-request comment and a job summary (SPEC 7). It starts with the
//! sticky-comment marker, collapses long lists, and stays under GitHub's comment limit.

use super::change;
use crate::apply::{ApplyReport, Outcome};
use crate::kinds;
use crate::plan::{Plan, PlanSet};
use std::fmt::Write;

/// Finds the sticky comment among a pull request's comments.
pub const MARKER: &str = "<!-- copilot-seats:plan -->";
/// GitHub refuses comments over 65,536 characters; stay clearly below.
pub const MAX_CHARS: usize = 65_000;
/// Lists longer than this are collapsed in `<details>`.
const COLLAPSE_AFTER: usize = 20;

/// GitHub takes at most 1 MiB of job summary per step.
pub const MAX_SUMMARY_BYTES: usize = 1024 * 1024;

/// Where a Markdown plan goes: each has its own size limit, and says where the rest is
/// when it had to be shortened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// A pull-request comment: at most `MAX_CHARS` characters.
    Comment,
    /// The job summary: at most `MAX_SUMMARY_BYTES` bytes.
    Summary,
}

impl Place {
    fn fits(self, text: &str) -> bool {
        match self {
            Place::Comment => text.chars().count() <= MAX_CHARS,
            Place::Summary => text.len() <= MAX_SUMMARY_BYTES,
        }
    }

    /// Said under a plan whose lists were shortened.
    fn shortened_note(self) -> &'static str {
        match self {
            Place::Comment => {
                "Lists were shortened to fit GitHub's comment limit: the job summary and `plan --format json` hold the whole plan."
            }
            Place::Summary => {
                "Lists were shortened to fit GitHub's 1 MiB job-summary limit: `plan --format json` holds the whole plan."
            }
        }
    }
}

/// The plan as a pull-request comment, shortened to fit `MAX_CHARS` when it must be.
pub fn plan(plan: &Plan) -> String {
    fit(plan, Place::Comment)
}

/// The plan for the job summary: whole, shortened only past GitHub's 1 MiB.
pub fn summary(plan: &Plan) -> String {
    fit(plan, Place::Summary)
}

fn fit(plan: &Plan, place: Place) -> String {
    fit_with(place, |limit| render(plan, limit, place))
}

/// Many targets' plans as one pull-request comment, under GitHub's limit.
pub fn plan_set(set: &PlanSet) -> String {
    fit_with(Place::Comment, |limit| {
        render_set(set, limit, Place::Comment)
    })
}

/// Many targets' plans for the job summary: whole, shortened only past 1 MiB.
pub fn plan_set_summary(set: &PlanSet) -> String {
    fit_with(Place::Summary, |limit| {
        render_set(set, limit, Place::Summary)
    })
}

/// The table, then each target's plan as a section (without its own marker).
fn render_set(set: &PlanSet, limit: Option<usize>, place: Place) -> String {
    let mut out = format!(
        "{MARKER}\n## Copilot seats plans for {} targets\n\n{} a month.\n\n",
        set.summary.targets,
        super::text::totals(&set.summary)
    );
    let others = set.other_kinds();
    let extra_heads: String = others.iter().map(|k| format!(" {k} |")).collect();
    let _ = writeln!(
        out,
        "| target | adds | removes | seats before → after | monthly cost |{extra_heads} status |\n|---|---:|---:|---:|---:|{}---|",
        "---:|".repeat(others.len())
    );
    for plan in &set.plans {
        let s = &plan.summary;
        let extra: String = others
            .iter()
            .map(|k| format!(" {} |", plan.changes_of(k).count()))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | +{} | −{} | {} → {} | {} USD |{extra} {} |",
            plan.meta.target(),
            s.added,
            s.removed,
            s.seats_before,
            s.seats_after,
            super::text::signed(s.monthly_cost_delta_usd),
            super::text::status(plan)
        );
    }
    for failed in &set.failed {
        let blanks = " |".repeat(others.len());
        let _ = writeln!(out, "| `{}` | | | | |{blanks} **FAILED** |", failed.target);
    }
    for plan in &set.plans {
        let section = render(plan, limit, place);
        let body = section.strip_prefix(MARKER).unwrap_or(&section);
        let _ = write!(out, "\n---\n{body}");
    }
    for failed in &set.failed {
        let _ = write!(
            out,
            "\n---\n## `{}`: no plan could be made\n\n```\n{}\n```\n",
            failed.target, failed.error
        );
    }
    out
}

/// The Markdown that `render_at` gives with the longest lists that fit `place`.
fn fit_with(place: Place, render_at: impl Fn(Option<usize>) -> String) -> String {
    let full = render_at(None);
    if place.fits(&full) {
        return full;
    }
    // Cut every list to fewer names until it fits; say so, and where the rest is.
    for limit in [1000, 200, 50, 10, 0] {
        let short = render_at(Some(limit));
        if place.fits(&short) {
            return short;
        }
    }
    let mut text = render_at(Some(0));
    while !place.fits(&format!("{text}{CUT}")) && !text.is_empty() {
        let keep = text.chars().count() * 9 / 10;
        text = text.chars().take(keep).collect();
    }
    text.push_str(CUT);
    text
}

const CUT: &str =
    "\n\n… cut to fit GitHub's size limit; `plan --format json` holds the whole plan.\n";

fn render(plan: &Plan, limit: Option<usize>, place: Place) -> String {
    let mut out = headline(plan);
    for (i, kind) in plan.kinds().iter().enumerate() {
        out.push_str(&kind_section(plan, kind, i == 0, limit));
    }
    out.push_str(&tail(plan, limit, place));
    out
}

/// The marker, the title, a blocked plan's caution.
fn headline(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "## Copilot seats plan for `{}`\n", plan.meta.target());
    if let Some(blocked) = &plan.blocked {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **Blocked:** {blocked}\n> `apply` refuses this plan without `--allow-mass-removal`.\n"
        );
    }
    out
}

/// One kind's part: what it comes to, its numbers, its changes by group, its notes.
fn kind_section(plan: &Plan, kind: &str, first: bool, limit: Option<usize>) -> String {
    let mut out = String::new();
    let part = change::part(plan, kind);
    let hooks = kinds::get(kind);
    if !first {
        let _ = writeln!(out, "### {}\n", change::capitalized(&part.title));
    }
    let table = hooks.and_then(|k| k.table(plan));
    if !part.sends {
        let _ = writeln!(
            out,
            "**No changes.** {}.\n",
            change::capitalized(&part.unchanged)
        );
    } else if table.is_none() {
        let _ = writeln!(out, "{}.\n", change::capitalized(&part.totals));
    }
    if let Some((headers, cells)) = table {
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let _ = writeln!(out, "|{}", "---:|".repeat(headers.len()));
        let _ = writeln!(out, "| {} |\n", cells.join(" | "));
    }
    for note in hooks.map(|k| k.headline_notes(plan)).unwrap_or_default() {
        let _ = writeln!(out, "{note}\n");
    }
    // The groups in the order of their first change.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for line in &part.lines {
        let item = change::markdown(line, |label, names| member_list(label, names, limit));
        match groups.iter_mut().find(|(group, _)| *group == line.group) {
            Some((_, items)) => items.push(item),
            None => groups.push((line.group.clone(), vec![item])),
        }
    }
    for (group, items) in &groups {
        list_section(&mut out, group, items, limit);
    }
    for note in hooks.map(|k| k.footnotes(plan)).unwrap_or_default() {
        let _ = writeln!(out, "{note}\n");
    }
    out
}

/// The warnings, each kind's appendix (suggestions), the requests, the footer.
fn tail(plan: &Plan, limit: Option<usize>, place: Place) -> String {
    let mut out = String::new();
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "> [!WARNING]");
        for warning in &plan.warnings {
            let _ = writeln!(out, "> - {warning}");
        }
        out.push('\n');
    }
    for kind in plan.kinds() {
        if let Some((title, items)) = kinds::get(&kind).and_then(|k| k.appendix(plan)) {
            list_section(&mut out, &title, &items, limit);
        }
    }
    if !plan.requests.is_empty() {
        let requests: Vec<String> = plan
            .requests
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r.method,
                    r.path,
                    serde_json::to_string(&r.body).unwrap_or_default()
                )
            })
            .collect();
        if let Some(writes) = plan.writes_line() {
            let _ = writeln!(out, "{}.\n", change::capitalized(&writes));
        }
        let shown = limit.map_or(requests.len(), |l| l.min(requests.len()));
        let _ = writeln!(
            out,
            "<details><summary>Requests apply sends, in order ({})</summary>\n\n```\n{}\n```\n{}</details>\n",
            requests.len(),
            requests[..shown].join("\n"),
            more(requests.len() - shown)
        );
    }
    let _ = writeln!(
        out,
        "<sub>copilot-seats {} · generated {} · file `{}` · {}</sub>",
        plan.meta.tool_version,
        plan.meta.generated_at,
        short(&plan.meta.file_digest),
        live_digests(plan)
    );
    if limit.is_some() {
        let _ = writeln!(out, "\n_{}_", place.shortened_note());
    }
    out
}

/// A `### Title (n)` list, collapsed in `<details>` past `COLLAPSE_AFTER` items.
fn list_section(out: &mut String, title: &str, items: &[String], limit: Option<usize>) {
    if items.is_empty() {
        return;
    }
    let shown = limit.map_or(items.len(), |l| l.min(items.len()));
    let body: String = items[..shown]
        .iter()
        .map(|item| format!("- {item}\n"))
        .collect();
    let rest = more(items.len() - shown);
    if items.len() > COLLAPSE_AFTER {
        let _ = writeln!(
            out,
            "<details><summary><b>{title} ({})</b></summary>\n\n{body}{rest}</details>\n",
            items.len()
        );
    } else {
        let _ = writeln!(out, "### {title} ({})\n\n{body}{rest}", items.len());
    }
}

/// `, label: a, b` inline, or collapsed when long.
fn member_list(label: &str, members: &[String], limit: Option<usize>) -> String {
    if members.is_empty() {
        return String::new();
    }
    let shown = limit.map_or(members.len(), |l| l.min(members.len()));
    let names = members[..shown].join(", ");
    if members.len() > COLLAPSE_AFTER {
        format!(
            "<details><summary>{label} ({})</summary>{names}{}</details>",
            members.len(),
            more(members.len() - shown)
        )
    } else {
        format!("{label}: {names}")
    }
}

fn more(hidden: usize) -> String {
    if hidden == 0 {
        String::new()
    } else {
        format!("\n… and {hidden} more\n")
    }
}

/// `live seats `sha256:…``, or one digest per kind.
fn live_digests(plan: &Plan) -> String {
    let digests = plan.meta.digests();
    if plan.meta.live_state_digests.is_empty() {
        let seats = digests.get(kinds::FIRST).copied().unwrap_or("");
        return format!("live seats `{}`", short(seats));
    }
    let each: Vec<String> = digests
        .iter()
        .map(|(kind, digest)| format!("{kind} `{}`", short(digest)))
        .collect();
    format!("live state: {}", each.join(", "))
}

fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}

/// A plan that could not be made, for the sticky comment: the comment must not keep
/// showing an older plan.
pub fn failure(lines: &[String]) -> String {
    let mut body = lines.join("\n");
    if body.chars().count() > MAX_CHARS - 500 {
        body = body.chars().take(MAX_CHARS - 500).collect();
        body.push_str("\n…");
    }
    format!(
        "{MARKER}\n## Copilot seats plan failed\n\n> [!CAUTION]\n> No plan could be made; fix the errors below and push again.\n\n```\n{body}\n```\n"
    )
}

/// The apply report for the job summary.
pub fn apply_report(report: &ApplyReport) -> String {
    let ok = report
        .names
        .iter()
        .filter(|n| n.outcome.is_success())
        .count();
    let mut out = format!(
        "## copilot-seats apply: {}\n\n{ok} of {} name(s) in effect.\n\n",
        if report.interrupted {
            "interrupted"
        } else if report.succeeded() {
            "done"
        } else {
            "incomplete"
        },
        report.names.len()
    );
    let problems: Vec<String> = report
        .names
        .iter()
        .filter_map(|n| match &n.outcome {
            Outcome::Failed(why) => Some(format!("- **failed** {} `{}`: {why}", n.action, n.name)),
            Outcome::NotSent(why) => {
                Some(format!("- **not sent** {} `{}`: {why}", n.action, n.name))
            }
            _ => None,
        })
        .collect();
    for problem in problems {
        let _ = writeln!(out, "{problem}");
    }
    let _ = writeln!(
        out,
        "\n<details><summary>Full report</summary>\n\n```\n{}```\n</details>",
        super::text::apply_report(report)
    );
    out
}
