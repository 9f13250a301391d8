//! `remove NAME...`: removes entries (bare or mapping, every line of them) from the file,
//! touching no other line (SPEC 10).

use crate::cli::RemoveArgs;
use crate::commands::{Context, EXIT_OK};
use crate::edit::{self, List};

pub fn run(ctx: &Context<'_>, args: &RemoveArgs) -> anyhow::Result<i32> {
    let ctx = ctx.one_target()?;
    let (text, file) = ctx.file_to_edit()?;
    let list = List::of(file.desired.kind, args.team);
    let edited = edit::remove(&text, list.key, list.name_key, &args.names)?;
    ctx.write_edited(&text, &edited, args.dry_run)?;
    if !args.dry_run {
        ctx.info(&format!(
            "{}: removed {} from `{}`",
            ctx.file.display(),
            args.names.join(", "),
            list.key
        ));
    }
    Ok(EXIT_OK)
}
