//! `reclaim`: lists the unused and expired seats of the file's target, from the live
//! seats (or `--state`); `--write` removes their entries from the file (SPEC 10).

use crate::cli::{ReclaimArgs, ReclaimFormat};
use crate::commands::{Context, EXIT_OK, Scope};
use crate::edit::{self, List};
use crate::pipeline::owner_of;
use crate::reclaim;
use crate::render;
use anyhow::bail;
use std::path::Path;

pub async fn run(ctx: &Context<'_>, args: &ReclaimArgs) -> anyhow::Result<i32> {
    let contexts: Vec<Context<'_>> = match ctx.scope()? {
        Scope::One(one) => vec![one],
        Scope::Many(loaded) => {
            ctx.fail_on_broken(&loaded.broken)?;
            loaded
                .targets
                .iter()
                .map(|t| ctx.for_file(Path::new(&t.path)))
                .collect()
        }
    };
    if args.state.is_some() && contexts.len() > 1 {
        bail!(
            "--state is one target's snapshot: with several targets, run reclaim for one (--target NAME)"
        );
    }
    let mut found = Vec::new();
    for target in &contexts {
        found.push(reclaim_one(target, args).await?);
    }
    if args.write && args.dry_run {
        return Ok(EXIT_OK); // the diffs were the output
    }
    print!(
        "{}",
        match args.format {
            ReclaimFormat::Text => found
                .iter()
                .map(|(reclaimed, _)| render::reclaim::text(reclaimed))
                .collect::<Vec<_>>()
                .join("\n"),
            ReclaimFormat::Markdown => render::reclaim::markdown(&found),
            ReclaimFormat::Json => render::reclaim::json(&found),
        }
    );
    Ok(EXIT_OK)
}

/// One target: what to reclaim, and with `--write` its entries removed from its file.
async fn reclaim_one(
    ctx: &Context<'_>,
    args: &ReclaimArgs,
) -> anyhow::Result<(reclaim::Reclaimed, String)> {
    let today = ctx.today()?;
    let (text, file) = ctx.file_to_edit()?;
    let owner = owner_of(&file.desired);
    let (live, _) = ctx.pipeline.seats(args.state.as_deref(), &owner).await?;
    let reclaimed = reclaim::reclaim(&file.desired, &live, today);
    if args.write {
        let users = reclaimed.users_to_remove();
        let teams = reclaimed.teams_to_remove();
        let mut edited = text.clone();
        if !users.is_empty() {
            let list = List::of(file.desired.kind, false);
            edited = edit::remove(&edited, list.key, list.name_key, &users)?;
        }
        if !teams.is_empty() {
            let list = List::of(file.desired.kind, true);
            edited = edit::remove(&edited, list.key, list.name_key, &teams)?;
        }
        ctx.write_edited(&text, &edited, args.dry_run)?;
        if !args.dry_run {
            ctx.info(&format!(
                "{}: removed {} user(s) and {} team(s)",
                ctx.file.display(),
                users.len(),
                teams.len()
            ));
        }
    }
    Ok((reclaimed, file.path))
}
