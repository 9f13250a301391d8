//! `reclaim` output: a table for people, a pull-request body that tells each person first,
//! and JSON for scripts.

use crate::reclaim::{Action, Reclaimed};
use std::fmt::Write;

/// Marks the reclaim pull request's body.
pub const MARKER: &str = "<!-- copilot-seats:reclaim -->";

pub fn text(reclaimed: &Reclaimed) -> String {
    let mut out = String::new();
    if reclaimed.users.is_empty() && reclaimed.expired_teams.is_empty() {
        let _ = writeln!(out, "Nothing to reclaim in {}.", reclaimed.target);
    }
    for c in &reclaimed.users {
        let what = match &c.action {
            Action::Remove => "remove".to_string(),
            Action::ThroughTeam(team) => {
                format!("through team {team}: reclaim by team membership")
            }
        };
        let _ = writeln!(
            out,
            "{:<20} {:<11} {:>5} days  {:<12} {} ({})",
            c.login,
            c.last_activity.as_deref().unwrap_or("never"),
            c.idle_days.map_or("?".to_string(), |d| d.to_string()),
            c.source,
            what,
            c.reason
        );
    }
    for (team, expired) in &reclaimed.expired_teams {
        let _ = writeln!(out, "team {team}: remove (expired {expired})");
    }
    if !reclaimed.rule {
        let _ = writeln!(
            out,
            "(the file has no `reclaim:` rule, so only expired entries are listed: add `reclaim: {{inactive_after_days: 90}}` to reclaim unused seats)"
        );
    }
    out
}

/// The body of the reclaim pull request: who, since when, and how to keep a seat. Each
/// person is @-mentioned, so that GitHub notifies them before anything is removed.
pub fn markdown(reclaimed: &Reclaimed, file: &str) -> String {
    let removed: Vec<_> = reclaimed
        .users
        .iter()
        .filter(|c| c.action == Action::Remove)
        .collect();
    let through_teams: Vec<_> = reclaimed
        .users
        .iter()
        .filter(|c| c.action != Action::Remove)
        .collect();
    let mut out = format!(
        "{MARKER}\n## Reclaim {} unused or expired Copilot seat(s) of `{}`\n\n",
        removed.len() + reclaimed.expired_teams.len(),
        reclaimed.target
    );
    let _ = writeln!(
        out,
        "This pull request removes the entries below from `{file}`. **Nothing changes until someone merges it**; after the merge, apply removes the seats (they stay usable until the end of the billing cycle).\n"
    );
    if !removed.is_empty() {
        out.push_str("| login | last activity | idle days | editor | source | why |\n|---|---|---:|---|---|---|\n");
        for c in &removed {
            let _ = writeln!(
                out,
                "| @{} | {} | {} | {} | {} | {} |",
                c.login,
                c.last_activity.as_deref().unwrap_or("never"),
                c.idle_days.map_or("?".to_string(), |d| d.to_string()),
                c.editor.as_deref().unwrap_or("-"),
                c.source,
                c.reason
            );
        }
        let mentions: Vec<String> = removed.iter().map(|c| format!("@{}", c.login)).collect();
        let _ = writeln!(
            out,
            "\n{}: **to keep your seat**, comment on this pull request (a maintainer then takes your line out of it), or remove your line from `{file}` in this pull request yourself.\n",
            mentions.join(", ")
        );
    }
    if !reclaimed.expired_teams.is_empty() {
        out.push_str("### Expired teams\n\n");
        for (team, expired) in &reclaimed.expired_teams {
            let _ = writeln!(out, "- `{team}`: expired {expired}");
        }
        out.push('\n');
    }
    if !through_teams.is_empty() {
        out.push_str("### Unused seats that come through a team (not changed here)\n\n");
        for c in &through_teams {
            if let Action::ThroughTeam(team) = &c.action {
                let _ = writeln!(
                    out,
                    "- @{}: through team `{team}`: reclaim by team membership ({})",
                    c.login, c.reason
                );
            }
        }
        out.push('\n');
    }
    if removed.is_empty() && reclaimed.expired_teams.is_empty() && through_teams.is_empty() {
        out.push_str("Nothing to reclaim.\n");
    }
    out
}

pub fn json(reclaimed: &Reclaimed) -> String {
    let mut json = serde_json::to_string_pretty(reclaimed).unwrap_or_default();
    json.push('\n');
    json
}
