//! `reclaim`: lists the unused and expired seats of the file's target, from the live
//! seats (or `--state`); `--write` removes their entries from the file (SPEC 10).

use crate::cli::{ReclaimArgs, ReclaimFormat};
use crate::commands::{Context, EXIT_OK};
use crate::edit::{self, List};
use crate::pipeline::owner_of;
use crate::reclaim;
use crate::render;

pub async fn run(ctx: &Context<'_>, args: &ReclaimArgs) -> anyhow::Result<i32> {
    let ctx = ctx.one_target()?;
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
        if args.dry_run {
            return Ok(EXIT_OK);
        }
        ctx.info(&format!(
            "{}: removed {} user(s) and {} team(s)",
            ctx.file.display(),
            users.len(),
            teams.len()
        ));
    }
    print!(
        "{}",
        match args.format {
            ReclaimFormat::Text => render::reclaim::text(&reclaimed),
            ReclaimFormat::Markdown => render::reclaim::markdown(&reclaimed, &file.path),
            ReclaimFormat::Json => render::reclaim::json(&reclaimed),
        }
    );
    Ok(EXIT_OK)
}
