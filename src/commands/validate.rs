//! `validate`: checks the file, or every file of the run, offline; every error of every
//! file is reported at once.

use crate::commands::{Context, EXIT_OK, Scope};
use crate::config::LoadedFile;
use time::Date;

pub fn run(ctx: &Context<'_>) -> anyhow::Result<i32> {
    let today = ctx.today()?;
    match ctx.scope()? {
        Scope::One(ctx) => {
            let file = ctx.load_file()?;
            report_valid(&ctx, &file, today);
        }
        Scope::Many(loaded) => {
            for file in &loaded.targets {
                report_valid(ctx, file, today);
            }
            ctx.fail_on_broken(&loaded.broken)?;
        }
    }
    Ok(EXIT_OK)
}

/// Warns of expired entries and says the file is valid.
fn report_valid(ctx: &Context<'_>, file: &LoadedFile, today: Date) {
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
                file.path
            );
        }
    }
    if !ctx.global.quiet {
        let (teams, target) = match desired.kind {
            crate::model::TargetKind::Org => ("team(s)", "org"),
            crate::model::TargetKind::Enterprise => ("enterprise team(s)", "enterprise"),
        };
        println!(
            "{}: valid ({} user(s), {} {teams}, {} ignored) for {target} `{}`",
            file.path,
            desired.users.len(),
            desired.teams.len(),
            desired.ignore_users.len() + desired.ignore_teams.len(),
            desired.org
        );
    }
}
