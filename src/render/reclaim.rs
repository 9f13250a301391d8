//! `reclaim` output: a table for people, a pull-request body that tells each person first,
//! and JSON for scripts.

use crate::reclaim::{Action, Candidate, Reclaimed};
use std::fmt::Write;

/// Marks the reclaim pull request's body.
pub const MARKER: &str = "<!-- copilot-seats:reclaim -->";

/// One target's reclaim for people: a header with the counts, then a table.
pub fn text(reclaimed: &Reclaimed) -> String {
    let mut out = String::new();
    let removed = reclaimed.users_to_remove().len() + reclaimed.expired_teams.len();
    let _ = writeln!(
        out,
        "Reclaim in {}: {removed} entry(ies) to remove, {} listed in all.",
        reclaimed.target,
        reclaimed.users.len() + reclaimed.expired_teams.len()
    );
    if reclaimed.users.is_empty() && reclaimed.expired_teams.is_empty() {
        let _ = writeln!(out, "Nothing to reclaim in {}.", reclaimed.target);
    }
    let (no_saving, listed): (Vec<_>, Vec<_>) = reclaimed
        .users
        .iter()
        .partition(|c| matches!(c.action, Action::NoSaving(_)));
    if !listed.is_empty() {
        out.push('\n');
        out.push_str(&table(&listed));
    }
    if !no_saving.is_empty() {
        let _ = writeln!(
            out,
            "\nNo saving, not changed (unused licences of users who keep a seat through an org or a team):"
        );
        out.push_str(&table(&no_saving));
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

/// Candidates as padded columns: login, last activity, idle days, source, action, reason.
fn table(candidates: &[&Candidate]) -> String {
    let mut rows = vec![
        [
            "LOGIN",
            "LAST ACTIVITY",
            "IDLE DAYS",
            "SOURCE",
            "ACTION",
            "WHY",
        ]
        .map(String::from),
    ];
    for c in candidates {
        let action = match &c.action {
            Action::Remove => "remove".to_string(),
            Action::ThroughTeam(team) => format!("reclaim by membership of team {team}"),
            Action::NoSaving(through) => format!("no saving: keeps a seat through {through}"),
        };
        rows.push([
            c.login.clone(),
            c.last_activity
                .clone()
                .unwrap_or_else(|| "never".to_string()),
            c.idle_days.map_or("?".to_string(), |d| d.to_string()),
            c.source.clone(),
            action,
            c.reason.clone(),
        ]);
    }
    super::columns(&rows, &[])
}

/// The body of the reclaim pull request, for one target or a section per target.
pub fn markdown(found: &[(Reclaimed, String)]) -> String {
    match found {
        [(reclaimed, file)] => target_markdown(reclaimed, file),
        many => {
            let total: usize = many
                .iter()
                .map(|(r, _)| r.users_to_remove().len() + r.expired_teams.len())
                .sum();
            let mut out = format!(
                "{MARKER}\n## Reclaim {total} unused or expired Copilot seat(s) in {} target(s)\n\n",
                many.len()
            );
            for (reclaimed, file) in many {
                let section = target_markdown(reclaimed, file);
                // Each target's body, a level down, without its own marker.
                let section = section
                    .strip_prefix(&format!("{MARKER}\n"))
                    .unwrap_or(&section)
                    .replacen("## ", "### ", 1)
                    .replace("\n### ", "\n#### ");
                out.push_str(&section);
                out.push('\n');
            }
            out
        }
    }
}

/// One target's part of the body: who, since when, and how to keep a seat. Each person is
/// @-mentioned, so that GitHub notifies them before anything is removed.
fn target_markdown(reclaimed: &Reclaimed, file: &str) -> String {
    let removed: Vec<_> = reclaimed
        .users
        .iter()
        .filter(|c| c.action == Action::Remove)
        .collect();
    let through_teams: Vec<_> = reclaimed
        .users
        .iter()
        .filter(|c| matches!(c.action, Action::ThroughTeam(_)))
        .collect();
    let no_saving: Vec<_> = reclaimed
        .users
        .iter()
        .filter(|c| matches!(c.action, Action::NoSaving(_)))
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
    if !no_saving.is_empty() {
        // Not @-mentioned: nothing is asked of them.
        out.push_str("### No saving: unused licences of users who keep a seat through an org or a team (not changed here)\n\n");
        for c in &no_saving {
            if let Action::NoSaving(through) = &c.action {
                let _ = writeln!(
                    out,
                    "- `{}`: keeps a seat through `{through}`, and GitHub bills a user once ({})",
                    c.login, c.reason
                );
            }
        }
        out.push('\n');
    }
    if removed.is_empty()
        && reclaimed.expired_teams.is_empty()
        && through_teams.is_empty()
        && no_saving.is_empty()
    {
        out.push_str("Nothing to reclaim.\n");
    }
    out
}

/// One target's reclaim, or a list of them for several.
pub fn json(found: &[(Reclaimed, String)]) -> String {
    let mut json = match found {
        [(one, _)] => serde_json::to_string_pretty(one),
        many => serde_json::to_string_pretty(&many.iter().map(|(r, _)| r).collect::<Vec<_>>()),
    }
    .unwrap_or_default();
    json.push('\n');
    json
}
