//! One change of any kind, shaped once: its text line and its Markdown list item, from the
//! kind's neutral `Line`; and what a kind's part of a plan comes to, for the headlines.

use crate::kinds::{self, Line, Sign};
use crate::plan::Plan;
use std::fmt::Write;

/// `+ team platform "Platform": a -> b (declared) [note: …]`, then its lists indented.
pub fn text(line: &Line) -> String {
    let mut out = format!("{} {} {}", line.sign.symbol(), line.noun, line.subject);
    if let Some(label) = &line.label {
        let _ = write!(out, " \"{label}\"");
    }
    if let Some((before, after)) = &line.change {
        let _ = write!(out, ": {before} -> {after}");
    }
    if !line.reason.is_empty() {
        let _ = write!(out, " ({})", line.reason);
    }
    out.push_str(&noted(line));
    out.push('\n');
    for (label, names) in &line.details {
        let _ = writeln!(out, "    {label}: {}", names.join(", "));
    }
    out
}

/// `` `platform` (Platform): a -> b, declared [note: …], members gaining a seat: … ``;
/// `list` shapes a long list of names (collapsed, shortened).
pub fn markdown(line: &Line, list: impl Fn(&str, &[String]) -> String) -> String {
    let mut out = format!("`{}`", line.subject);
    if let Some(label) = &line.label {
        let _ = write!(out, " ({label})");
    }
    let mut what = Vec::new();
    if let Some((before, after)) = &line.change {
        what.push(format!("{before} → {after}"));
    }
    if !line.reason.is_empty() {
        what.push(line.reason.clone());
    }
    if !what.is_empty() {
        let _ = write!(out, ": {}", what.join(", "));
    }
    out.push_str(&noted(line));
    for (label, names) in &line.details {
        out.push_str(&list(&format!(", {label}"), names));
    }
    out
}

/// ` [note: …]` after a change whose entry has a note, else nothing.
fn noted(line: &Line) -> String {
    line.note
        .as_deref()
        .map(|note| format!(" [note: {}]", note.replace('\n', " ")))
        .unwrap_or_default()
}

/// What one kind's part of `plan` looks like in a headline.
pub struct KindPart {
    pub title: String,
    /// It sends requests.
    pub sends: bool,
    /// `2 seat(s) added, …`, or what its lines count to.
    pub totals: String,
    /// Its state with nothing to send.
    pub unchanged: String,
    pub lines: Vec<Line>,
}

/// The part of `kind` in `plan`.
pub fn part(plan: &Plan, kind: &str) -> KindPart {
    let lines: Vec<Line> = plan.changes_of(kind).map(kinds::line).collect();
    let known = kinds::get(kind);
    let counted = || {
        let count = |sign| lines.iter().filter(|l| l.sign == sign).count();
        let parts: Vec<String> = [
            (Sign::Add, "to add"),
            (Sign::Update, "to update"),
            (Sign::Remove, "to remove"),
        ]
        .into_iter()
        .filter(|(sign, _)| count(*sign) > 0)
        .map(|(sign, what)| format!("{} {what}", count(sign)))
        .collect();
        parts.join(", ")
    };
    KindPart {
        title: known.map_or(kind.to_string(), |k| k.title().to_string()),
        sends: plan.requests_of(kind).next().is_some(),
        totals: known.and_then(|k| k.totals(plan)).unwrap_or_else(counted),
        unchanged: known.map_or_else(
            || "nothing this copilot-seats knows".to_string(),
            |k| k.unchanged(plan),
        ),
        lines,
    }
}

/// `Widgets` from `widgets`.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
