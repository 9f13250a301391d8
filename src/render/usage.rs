//! `usage` for people and scripts: a table with a sparkline (text), one row per day or user
//! (csv, the JSON field names as header), the documented JSON, and Markdown with a Mermaid
//! `xychart-beta` chart of active and engaged users, for pull requests and job summaries.

use crate::usage::summary::{DayRow, Ranked, Totals, UsageSummary, UserRow};
use std::fmt::Write;

/// What the numbers mean, under every table: our rule for engaged users among them.
pub const LEGEND: &str = "Active: users with any Copilot activity that day (daily_active_users). Engaged: users whose record that day has user_initiated_interaction_count > 0 or code_acceptance_activity_count > 0 (our rule; GitHub has no such field). Rate: acceptances over suggestions of code completions (the code_completion feature). Chat: user-initiated interactions (chat and agent prompts).";

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn number(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_string(), |n| n.to_string())
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// The window a summary covers, `first to last`.
fn span(summary: &UsageSummary) -> String {
    match (summary.days.first(), summary.days.last()) {
        (Some(first), Some(last)) if first.day != last.day => {
            format!("{} to {}", first.day, last.day)
        }
        (Some(first), _) => first.day.clone(),
        _ => "no days".to_string(),
    }
}

/// One character per day, scaled to the busiest; a space for a day without numbers.
pub fn sparkline(days: &[DayRow]) -> String {
    let max = days
        .iter()
        .filter_map(|d| d.active_users)
        .max()
        .unwrap_or(0);
    days.iter()
        .map(|d| match d.active_users {
            None => ' ',
            Some(_) if max == 0 => SPARKS[0],
            Some(n) => SPARKS[((n * 7).div_ceil(max) as usize).min(7)],
        })
        .collect()
}

fn title(summary: &UsageSummary) -> String {
    let what = match &summary.team {
        Some(team) => format!("team `{team}` of {}", summary.target),
        None => summary.target.clone(),
    };
    format!(
        "Copilot usage of {what}, {} ({})",
        span(summary),
        summary.report
    )
}

fn day_cells(d: &DayRow) -> [String; 7] {
    let status = if !d.ready {
        Some("not ready")
    } else if d.left_out {
        Some("left out")
    } else {
        None
    };
    if let Some(status) = status {
        let mut cells: [String; 7] = Default::default();
        cells[0] = d.day.clone();
        cells[1] = status.to_string();
        return cells;
    }
    [
        d.day.clone(),
        number(d.active_users),
        number(d.engaged_users),
        number(d.code_suggestions),
        number(d.code_acceptances),
        percent(d.acceptance_rate),
        number(d.chat_interactions),
    ]
}

fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    super::columns(rows, &(1..columns).collect::<Vec<_>>())
}

/// `over N day(s): … chat interactions.`, the same sentence in every format.
fn totals(t: &Totals) -> String {
    format!(
        "over {} day(s): {} active, {} engaged user(s); {} suggestions, {} accepted ({}); {} chat interactions.",
        t.days,
        number(t.active_users),
        number(t.engaged_users),
        t.code_suggestions,
        t.code_acceptances,
        percent(t.acceptance_rate),
        t.chat_interactions
    )
}

fn ranked(list: &[Ranked]) -> String {
    if list.is_empty() {
        return "-".to_string();
    }
    list.iter()
        .map(|r| format!("{} {}", r.name, r.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text: per target, the daily table, the sparkline, the totals and the top lists.
pub fn text(summaries: &[UsageSummary]) -> String {
    let mut out = String::new();
    for summary in summaries {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}\n", title(summary));
        match &summary.users {
            Some(users) => out.push_str(&user_table(users)),
            None => out.push_str(&day_table(summary)),
        }
        let t = &summary.totals;
        let _ = writeln!(out, "\nTotals {}", totals(t));
        if t.weekly_active_users.is_some() || t.monthly_active_users.is_some() {
            let _ = writeln!(
                out,
                "Last day: {} weekly and {} monthly active users.",
                number(t.weekly_active_users),
                number(t.monthly_active_users)
            );
        }
        if summary.team.is_none() && summary.users.is_none() {
            let top = &summary.top;
            let _ = writeln!(out, "Top languages: {}", ranked(&top.languages));
            let _ = writeln!(out, "Top editors: {}", ranked(&top.editors));
            let _ = writeln!(out, "Top features: {}", ranked(&top.features));
            let _ = writeln!(out, "Top chat models: {}", ranked(&top.models));
        }
        if summary.days.iter().any(|d| d.left_out) {
            let _ = writeln!(
                out,
                "Left out: GitHub leaves a team out of a day's report when it has fewer than 5 seated users that day."
            );
        }
        let _ = writeln!(out, "\n{}", LEGEND.replace(". ", ".\n"));
    }
    out
}

fn day_table(summary: &UsageSummary) -> String {
    let mut rows = vec![
        [
            "DAY",
            "ACTIVE",
            "ENGAGED",
            "SUGGESTIONS",
            "ACCEPTED",
            "RATE",
            "CHAT",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(summary.days.iter().map(|d| day_cells(d).to_vec()));
    let mut out = table(&rows);
    let _ = writeln!(
        out,
        "\nActive users, day by day: {}",
        sparkline(&summary.days)
    );
    out
}

fn user_table(users: &[UserRow]) -> String {
    let mut rows = vec![
        [
            "LOGIN",
            "DAYS",
            "INTERACTIONS",
            "SUGGESTIONS",
            "ACCEPTED",
            "LAST ACTIVE",
            "SEAT",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for u in users {
        rows.push(vec![
            u.login.clone(),
            u.days_active.to_string(),
            u.interactions.to_string(),
            u.code_suggestions.to_string(),
            u.code_acceptances.to_string(),
            u.last_active_day.clone().unwrap_or_else(|| {
                format!(
                    "none (seat used {})",
                    u.seat_last_activity_at.as_deref().unwrap_or("never")
                )
            }),
            match u.holds_seat {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "?".into(),
            },
        ]);
    }
    table(&rows)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// CSV: one row per day (or per user with `users`), the JSON field names as header.
pub fn csv(summaries: &[UsageSummary], users: bool) -> String {
    let mut out = String::new();
    if users {
        out.push_str("target,login,days_active,interactions,code_suggestions,code_acceptances,last_active_day,holds_seat,seat_last_activity_at\n");
        for s in summaries {
            for u in s.users.iter().flatten() {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{}",
                    csv_field(&s.target),
                    csv_field(&u.login),
                    u.days_active,
                    u.interactions,
                    u.code_suggestions,
                    u.code_acceptances,
                    opt(&u.last_active_day),
                    opt(&u.holds_seat),
                    csv_field(&opt(&u.seat_last_activity_at))
                );
            }
        }
        return out;
    }
    out.push_str("target,team,day,ready,left_out,active_users,engaged_users,code_suggestions,code_acceptances,acceptance_rate,chat_interactions\n");
    for s in summaries {
        for d in &s.days {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&s.target),
                csv_field(&opt(&s.team)),
                d.day,
                d.ready,
                d.left_out,
                opt(&d.active_users),
                opt(&d.engaged_users),
                opt(&d.code_suggestions),
                opt(&d.code_acceptances),
                opt(&d.acceptance_rate),
                opt(&d.chat_interactions)
            );
        }
    }
    out
}

/// JSON: one target's summary, or a list of them for several targets.
pub fn json(summaries: &[UsageSummary]) -> String {
    let mut json = match summaries {
        [one] => serde_json::to_string_pretty(one),
        many => serde_json::to_string_pretty(many),
    }
    .unwrap_or_default();
    json.push('\n');
    json
}

/// Markdown: per target a table and a chart of active and engaged users per day.
pub fn markdown(summaries: &[UsageSummary]) -> String {
    let mut out = String::new();
    for summary in summaries {
        let _ = writeln!(out, "## {}\n", title(summary));
        if let Some(users) = &summary.users {
            out.push_str("| login | days active | interactions | suggestions | accepted | last active | seat |\n|---|---:|---:|---:|---:|---|---|\n");
            for u in users {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} | {} | {} |",
                    u.login,
                    u.days_active,
                    u.interactions,
                    u.code_suggestions,
                    u.code_acceptances,
                    u.last_active_day.clone().unwrap_or_else(|| format!(
                        "none (seat used {})",
                        u.seat_last_activity_at.as_deref().unwrap_or("never")
                    )),
                    opt(&u.holds_seat)
                );
            }
            out.push('\n');
        } else {
            out.push_str(&chart(summary));
            out.push_str("| day | active | engaged | suggestions | accepted | rate | chat |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for d in &summary.days {
                let _ = writeln!(out, "| {} |", day_cells(d).join(" | "));
            }
            out.push('\n');
        }
        let t = &summary.totals;
        let _ = writeln!(
            out,
            "**Totals** {}{}\n",
            totals(t),
            match (t.weekly_active_users, t.monthly_active_users) {
                (None, None) => String::new(),
                (w, m) => format!(
                    " Last day: {} weekly, {} monthly active users.",
                    number(w),
                    number(m)
                ),
            }
        );
        if summary.team.is_none() && summary.users.is_none() {
            let top = &summary.top;
            let _ = writeln!(
                out,
                "Top languages: {}. Top editors: {}. Top features: {}. Top chat models: {}.\n",
                ranked(&top.languages),
                ranked(&top.editors),
                ranked(&top.features),
                ranked(&top.models)
            );
        }
        let _ = writeln!(out, "<sub>{LEGEND}</sub>\n");
    }
    out
}

/// A Mermaid `xychart-beta` of active (first line) and engaged users per day.
fn chart(summary: &UsageSummary) -> String {
    let shown: Vec<&DayRow> = summary
        .days
        .iter()
        .filter(|d| d.ready && !d.left_out)
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    let labels: Vec<String> = shown
        .iter()
        .map(|d| format!("\"{}\"", d.day.get(5..).unwrap_or(&d.day)))
        .collect();
    let series = |f: fn(&DayRow) -> Option<u64>| -> String {
        shown
            .iter()
            .map(|d| f(d).unwrap_or(0).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let max = shown
        .iter()
        .filter_map(|d| d.active_users)
        .max()
        .unwrap_or(0)
        .max(1);
    format!(
        "```mermaid\nxychart-beta\n    title \"Active (first line) and engaged users per day\"\n    x-axis [{}]\n    y-axis \"users\" 0 --> {max}\n    line [{}]\n    line [{}]\n```\n\n",
        labels.join(", "),
        series(|d| d.active_users),
        series(|d| d.engaged_users)
    )
}
