//! `export --org ORG`: today's seats as a valid file.

use crate::cli::ExportArgs;
use crate::commands::plan::read_snapshot;
use crate::commands::{Context, EXIT_OK, today};
use crate::config::is_valid_login;
use crate::render;
use anyhow::{Context as _, bail};

pub async fn run(ctx: &Context<'_>, args: &ExportArgs) -> anyhow::Result<i32> {
    if let Err(why) = is_valid_login(&args.org) {
        bail!("`{}` is not an organization name: {why}", args.org);
    }
    let live = match &args.state {
        Some(path) => read_snapshot(path)?,
        None => {
            let client = ctx.client()?;
            ctx.fetch_seats(&client, &args.org)
                .await
                .with_context(|| format!("cannot list the Copilot seats of `{}`", args.org))?
        }
    };
    if live.seats_without_assignee > 0 {
        eprintln!(
            "warning: {} seat(s) have no assignee in GitHub's answer and are not exported",
            live.seats_without_assignee
        );
    }
    let today = today(None)?;
    print!(
        "{}",
        render::yaml::export(&args.org, &live, &today.to_string())
    );
    Ok(EXIT_OK)
}
