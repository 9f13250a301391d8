//! `export --org ORG`: today's seats as a valid file.

use crate::cli::ExportArgs;
use crate::commands::plan::read_snapshot;
use crate::commands::{Context, EXIT_OK, today};
use crate::config::is_valid_login;
use crate::inventory::SeatFilter;
use crate::model::{Login, SeatSource};
use crate::render;
use anyhow::{Context as _, bail};

pub async fn run(ctx: &Context<'_>, args: &ExportArgs) -> anyhow::Result<i32> {
    if let Err(why) = is_valid_login(&args.org) {
        bail!("`{}` is not an organization name: {why}", args.org);
    }
    let live = match &args.state {
        Some(path) => read_snapshot(path)?,
        None => {
            let client = ctx.client(&args.org).await?;
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
    let today = today(ctx.global.today.as_deref())?;
    // Inactive as `seats --inactive-days` counts it; teams are kept whole.
    let skipped: Vec<(Login, i64)> = match args.skip_inactive_days {
        None => Vec::new(),
        Some(days) => {
            let inactive = SeatFilter {
                inactive_days: Some(days),
                ..SeatFilter::default()
            };
            live.active_seats()
                .filter(|seat| seat.source == SeatSource::Direct && inactive.matches(seat, today))
                .filter_map(|seat| Some((seat.login.clone(), seat.days_inactive(today)?)))
                .collect()
        }
    };
    if !skipped.is_empty() {
        ctx.info(&format!(
            "left out {} direct user(s) without Copilot activity for {} days or more",
            skipped.len(),
            args.skip_inactive_days.unwrap_or_default()
        ));
    }
    print!(
        "{}",
        render::yaml::export(&args.org, &live, &today.to_string(), &skipped)
    );
    Ok(EXIT_OK)
}
