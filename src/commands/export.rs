//! `export --org ORG`: today's seats as a valid file; several `--org` with `--out-dir DIR`
//! write `DIR/ORG.yaml` each.

use crate::cli::ExportArgs;
use crate::commands::{Context, EXIT_OK};
use crate::config::is_valid_account;
use crate::github::owner::Owner;
use crate::inventory::SeatFilter;
use crate::model::{Login, SeatSource};
use crate::pipeline::snapshot_of;
use crate::render;
use anyhow::{Context as _, bail};
use std::path::Path;

pub async fn run(ctx: &Context<'_>, args: &ExportArgs) -> anyhow::Result<i32> {
    if let Some(enterprise) = &args.enterprise {
        if let Err(why) = is_valid_account(enterprise) {
            bail!("`{enterprise}` is not an enterprise slug: {why}");
        }
        let owner = Owner::enterprise(enterprise);
        let (live, _) = ctx.pipeline.seats(args.state.as_deref(), &owner).await?;
        ctx.warn_unassigned(&live, "exported");
        let text = render::yaml::export_enterprise(enterprise, &live, &ctx.today()?.to_string());
        match &args.out_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create `{}`", dir.display()))?;
                let path = dir.join(format!("{enterprise}.yaml"));
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
            }
            None => print!("{text}"),
        }
        return Ok(EXIT_OK);
    }
    for org in &args.org {
        if let Err(why) = is_valid_account(org) {
            bail!("`{org}` is not an organization name: {why}");
        }
    }
    let Some(dir) = &args.out_dir else {
        let [org] = &args.org[..] else {
            bail!(
                "{} orgs to export: pass --out-dir DIR to write DIR/ORG.yaml for each",
                args.org.len()
            );
        };
        print!("{}", export(ctx, args, org, args.state.as_deref()).await?);
        return Ok(EXIT_OK);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    for org in &args.org {
        let state = match &args.state {
            Some(state) if args.org.len() > 1 => Some(snapshot_of(state, org)?),
            other => other.clone(),
        };
        let text = export(ctx, args, org, state.as_deref()).await?;
        let path = dir.join(format!("{org}.yaml"));
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        ctx.info(&format!(
            "Exported the seats of {org} to {}.",
            path.display()
        ));
    }
    Ok(EXIT_OK)
}

/// One org's seats as a seat file.
async fn export(
    ctx: &Context<'_>,
    args: &ExportArgs,
    org: &str,
    state: Option<&Path>,
) -> anyhow::Result<String> {
    let (live, _) = ctx.pipeline.seats(state, &Owner::org(org)).await?;
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
                .filter(|seat| {
                    seat.source == SeatSource::Direct && inactive.matches(seat, None, today)
                })
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
    Ok(render::yaml::export(
        org,
        &live,
        &today.to_string(),
        &skipped,
    ))
}
