//! `add NAME...`: adds users (or teams, or a cost center's resources) to the file, or
//! gives existing ones a new `expires`/`note`, touching no other line (SPEC 10).

use crate::cli::AddArgs;
use crate::commands::{Context, EXIT_OK};
use crate::edit::{self, NewEntry};
use anyhow::bail;
use time::Date;
use time::macros::format_description;

pub fn run(ctx: &Context<'_>, args: &AddArgs) -> anyhow::Result<i32> {
    let ctx = ctx.one_target()?;
    let (text, file) = ctx.file_to_edit()?;
    let (list, name_key, check) = ctx.list_to_edit(
        &file,
        args.cost_center.as_deref(),
        (args.team, args.org, args.repo),
    )?;
    if args.cost_center.is_some() && (args.expires.is_some() || args.note.is_some()) {
        bail!("--expires and --note are for seats: a cost center's resources have neither");
    }
    if let Some(expires) = &args.expires
        && Date::parse(expires, format_description!("[year]-[month]-[day]")).is_err()
    {
        bail!("--expires `{expires}` is not a date: write it as YYYY-MM-DD, like 2026-12-31");
    }
    let mut entries = Vec::new();
    for name in &args.names {
        check(name)?;
        entries.push(NewEntry {
            name: name.clone(),
            expires: args.expires.clone(),
            note: args.note.clone(),
        });
    }
    let edited = edit::add_at(&text, list, name_key, &entries)?;
    ctx.write_edited(&text, &edited, args.dry_run)?;
    if !args.dry_run {
        ctx.info(&format!(
            "{}: {} in {list}",
            ctx.file.display(),
            args.names.join(", ")
        ));
    }
    Ok(EXIT_OK)
}
