//! `remove NAME...`: removes entries (bare or mapping, every line of them) from the file,
//! or resources from a cost center, touching no other line (SPEC 10).

use crate::cli::RemoveArgs;
use crate::commands::{Context, EXIT_OK};
use crate::edit;

pub fn run(ctx: &Context<'_>, args: &RemoveArgs) -> anyhow::Result<i32> {
    let ctx = ctx.one_target()?;
    let (text, file) = ctx.file_to_edit()?;
    let (list, name_key, _) = ctx.list_to_edit(
        &file,
        args.cost_center.as_deref(),
        (args.team, args.org, args.repo),
    )?;
    let edited = edit::remove_at(&text, list, name_key, &args.names)?;
    ctx.write_edited(&text, &edited, args.dry_run)?;
    if !args.dry_run {
        ctx.info(&format!(
            "{}: removed {} from {list}",
            ctx.file.display(),
            args.names.join(", ")
        ));
    }
    Ok(EXIT_OK)
}
