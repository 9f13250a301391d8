//! `validate`: checks the file offline.

use crate::commands::{Context, EXIT_OK};

pub fn run(ctx: &Context<'_>) -> anyhow::Result<i32> {
    let today = ctx.today()?;
    let file = ctx.load_file()?;
    let desired = &file.desired;
    let expired_users = desired.users.values().filter(|e| e.is_expired(today));
    let expired_teams = desired.teams.values().filter(|e| e.is_expired(today));
    for (kind, name, expires, line) in expired_users
        .map(|e| ("user", e.name.to_string(), e.expires, e.line))
        .chain(expired_teams.map(|e| ("team", e.name.to_string(), e.expires, e.line)))
    {
        if let Some(expires) = expires {
            eprintln!(
                "warning: {}:{line}: {kind} `{name}` expired on {expires}: the next plan removes its seat; delete the entry",
                ctx.global.file.display()
            );
        }
    }
    if !ctx.global.quiet {
        println!(
            "{}: valid ({} user(s), {} team(s), {} ignored) for org `{}`",
            ctx.global.file.display(),
            desired.users.len(),
            desired.teams.len(),
            desired.ignore_users.len() + desired.ignore_teams.len(),
            desired.org
        );
    }
    Ok(EXIT_OK)
}
