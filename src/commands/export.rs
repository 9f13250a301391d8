//! `export --org ORG`: today's seats as a valid file.

use crate::cli::ExportArgs;
use crate::commands::{Context, EXIT_OK};
use crate::config::is_valid_login;
use crate::inventory::SeatFilter;
use crate::model::{Login, SeatSource};
use crate::render;
use anyhow::bail;

pub async fn run(ctx: &Context<'_>, args: &ExportArgs) -> anyhow::Result<i32> {
    if let Err(why) = is_valid_login(&args.org) {
        bail!("`{}` is not an organization name: {why}", args.org);
    }
    let (live, _) = ctx.pipeline.seats(args.state.as_deref(), &args.org).await?;
    ctx.warn_unassigned(&live, "exported");
    let today = ctx.today()?;
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
