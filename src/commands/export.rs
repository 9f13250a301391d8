//! `export --org ORG`: today's seats as a valid file; several `--org` with `--out-dir DIR`
//! write `DIR/ORG.yaml` each.

use crate::cli::ExportArgs;
use crate::commands::{Context, EXIT_OK};
use crate::config::{self, is_valid_account};
use crate::edit::{self, List, NewEntry};
use crate::github::owner::Owner;
use crate::inventory::SeatFilter;
use crate::kinds::{budgets, cost_centers};
use crate::model::{Login, SeatSource, TargetKind};
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
        let (live, client) = ctx.pipeline.seats(args.state.as_deref(), &owner).await?;
        ctx.warn_unassigned(&live, "exported");
        // Cost centers come from GitHub only (a seat snapshot holds none).
        let cost_centers = match &client {
            Some(client) => soft(
                cost_centers::fetch_all(client, enterprise).await,
                "cost centers",
            ),
            None => Vec::new(),
        };
        let budgets = match &client {
            Some(client) => soft(
                budgets::fetch_all(client, TargetKind::Enterprise, enterprise).await,
                "budgets",
            ),
            None => Vec::new(),
        };
        let text =
            render::yaml::export_enterprise(
                enterprise,
                &live,
                &cost_centers,
                &ctx.today()?.to_string(),
            ) + &render::yaml::budgets(&budgets.into_iter().map(|(b, _)| b).collect::<Vec<_>>());
        match &args.out_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create `{}`", dir.display()))?;
                let path = dir.join(format!("{enterprise}.yaml"));
                write_export(ctx, args, &path, &text)?;
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
        write_export(ctx, args, &path, &text)?;
        ctx.info(&format!(
            "Exported the seats of {org} to {}.",
            path.display()
        ));
    }
    Ok(EXIT_OK)
}

/// What a billing read gave; a token that may read seats but not billing (or GitHub
/// Enterprise Server, which has no such endpoint) exports the seats alone, and says so.
#[allow(clippy::disallowed_macros)] // the warning, on stderr
fn soft<T>(read: anyhow::Result<Vec<T>>, what: &str) -> Vec<T> {
    read.unwrap_or_else(|error| {
        eprintln!("warning: the {what} are not exported: {error:#}");
        Vec::new()
    })
}

/// Writes an exported file to `path`. A file that exists is someone's work (comments,
/// notes, expiry dates, ignore lists, limits): refused unless `--force` overwrites it or
/// `--update` merges today's seats into it with the lossless editor.
fn write_export(
    ctx: &Context<'_>,
    args: &ExportArgs,
    path: &Path,
    exported: &str,
) -> anyhow::Result<()> {
    if !path.exists() || args.force {
        return std::fs::write(path, exported)
            .with_context(|| format!("cannot write `{}`", path.display()));
    }
    if !args.update {
        bail!(
            "`{}` exists, and overwriting it would lose its comments, notes, expiry dates, ignore lists and limits: pass --update to merge today's seats into it, or --force to overwrite it",
            path.display()
        );
    }
    let name = path.display().to_string();
    let before = std::fs::read_to_string(path).with_context(|| format!("cannot read `{name}`"))?;
    let old = config::parse(&name, &before).map_err(|errors| {
        anyhow::anyhow!(
            "`{name}` is not valid, so it cannot be updated: {errors}; fix it, or pass --force"
        )
    })?;
    let new = config::parse("the export", exported)
        .map_err(|errors| anyhow::anyhow!("the export is not valid: {errors}"))?;
    if old.org != new.org || old.kind != new.kind {
        bail!(
            "`{name}` is for `{}`, not `{}`: pass --force to overwrite it",
            old.org,
            new.org
        );
    }
    let mut after = before.clone();
    for team in [false, true] {
        let list = List::of(new.kind, team);
        let (old_names, new_names): (Vec<String>, Vec<String>) = if team {
            (
                old.teams.keys().map(ToString::to_string).collect(),
                new.teams.keys().map(ToString::to_string).collect(),
            )
        } else {
            (
                old.users.keys().map(ToString::to_string).collect(),
                new.users.keys().map(ToString::to_string).collect(),
            )
        };
        let has = |names: &[String], name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        let ignored = |name: &str| {
            old.ignore_users
                .iter()
                .any(|l| l.as_str().eq_ignore_ascii_case(name))
                || old
                    .ignore_teams
                    .iter()
                    .any(|t| t.as_str().eq_ignore_ascii_case(name))
        };
        let added: Vec<NewEntry> = new_names
            .iter()
            .filter(|n| !has(&old_names, n) && !ignored(n))
            .map(|n| NewEntry {
                name: n.clone(),
                expires: None,
                note: None,
            })
            .collect();
        let gone: Vec<String> = old_names
            .iter()
            .filter(|n| !has(&new_names, n))
            .cloned()
            .collect();
        if !added.is_empty() {
            after = edit::add(&after, list.key, list.name_key, &added)?;
        }
        if !gone.is_empty() {
            after = edit::remove(&after, list.key, list.name_key, &gone)?;
        }
    }
    ctx.for_file(path).write_edited(&before, &after, false)?;
    ctx.info(&format!("Updated {name} with today's seats."));
    Ok(())
}

/// One org's seats as a seat file.
async fn export(
    ctx: &Context<'_>,
    args: &ExportArgs,
    org: &str,
    state: Option<&Path>,
) -> anyhow::Result<String> {
    let (live, client) = ctx.pipeline.seats(state, &Owner::org(org)).await?;
    ctx.warn_unassigned(&live, "exported");
    // Budgets come from GitHub only (a seat snapshot holds none).
    let budgets = match &client {
        Some(client) => soft(
            budgets::fetch_all(client, TargetKind::Org, org).await,
            "budgets",
        ),
        None => Vec::new(),
    };
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
    Ok(
        render::yaml::export(org, &live, &today.to_string(), &skipped)
            + &render::yaml::budgets(&budgets.into_iter().map(|(b, _)| b).collect::<Vec<_>>()),
    )
}
