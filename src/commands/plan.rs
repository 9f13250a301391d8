//! `plan`: fetch the live seats (or read a snapshot), run the preflight look-ups, compute
//! and print the plan.

use crate::cli::{PlanArgs, PlanFormat};
use crate::commands::{Context, EXIT_CHANGES, EXIT_OK, Reported, now_rfc3339, today};
use crate::config::LoadedFile;
use crate::github::Client;
use crate::github::seats::{self, Billing, fetch_billing, fetch_live_state, fetch_team, is_member};
use crate::model::{DesiredState, LiveState};
use crate::plan::{self, FORMAT_VERSION, Lookups, Plan, PlanErrors, PlanMeta};
use crate::render;
use anyhow::{Context as _, bail};
use futures::{StreamExt, TryStreamExt, stream};
use std::collections::BTreeMap;
use std::path::Path;
use time::Date;

pub async fn run(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<i32> {
    let today = today(ctx.global.today.as_deref())?;
    let file = ctx.load_file()?;
    let (live, lookups) = match &args.state {
        Some(path) => (read_snapshot(path)?, Lookups::default()),
        None => {
            let client = ctx.client()?;
            fetch_for_plan(ctx, &client, &file.desired, today).await?
        }
    };
    let plan = make_plan(&file, &live, &lookups, today)?;
    if let Some(out) = &args.out {
        std::fs::write(out, render::json::plan(&plan))
            .with_context(|| format!("cannot write the plan to `{}`", out.display()))?;
        ctx.info(&format!("Plan written to {}.", out.display()));
    }
    match args.format {
        PlanFormat::Text => {
            print!("{}", render::text::plan(&plan));
            if plan.has_changes() {
                let file_name = ctx.global.file.display().to_string();
                print!("\nSeats today against {file_name} (ignored entries left out):\n");
                print!("{}", seat_diff(&file.desired, &live, today, &file_name));
            }
        }
        PlanFormat::Json => print!("{}", render::json::plan(&plan)),
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}

/// The diff of today's direct users and visible teams against the file's unexpired entries.
fn seat_diff(desired: &DesiredState, live: &LiveState, today: Date, file_name: &str) -> String {
    let live_users = live
        .active_seats()
        .filter(|s| s.team().is_none() && !desired.ignore_users.contains(&s.login))
        // Logins compare case-insensitively: show the file's spelling on both sides.
        .map(|s| {
            desired
                .users
                .get(&s.login)
                .map_or(s.login.as_str(), |e| e.name.as_str())
        });
    let live_teams = live.visible_teams();
    let live_teams = live_teams
        .keys()
        .filter(|t| !desired.ignore_teams.contains(*t))
        .map(|t| t.as_str());
    let file_users = desired
        .users
        .values()
        .filter(|e| !e.is_expired(today))
        .map(|e| e.name.as_str());
    let file_teams = desired
        .teams
        .values()
        .filter(|e| !e.is_expired(today))
        .map(|e| e.name.as_str());
    render::text::seat_diff(
        &render::yaml::seat_listing(live_users, live_teams),
        &render::yaml::seat_listing(file_users, file_teams),
        file_name,
    )
}

/// Reads an offline seat snapshot (SPEC 6).
pub fn read_snapshot(path: &Path) -> anyhow::Result<LiveState> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the seat snapshot `{}`", path.display()))?;
    seats::live_state_from_snapshot(&text).with_context(|| {
        format!(
            "`{}` is not a seat snapshot: it must hold GitHub's seat-list answer {{\"total_seats\": N, \"seats\": [...]}} or an array of them",
            path.display()
        )
    })
}

/// The live state and look-ups for a plan: the billing preflight, all seat pages, the
/// membership of users to add and every declared team, with bounded concurrency.
pub async fn fetch_for_plan(
    ctx: &Context<'_>,
    client: &Client,
    desired: &DesiredState,
    today: Date,
) -> anyhow::Result<(LiveState, Lookups)> {
    let org = desired.org.as_str();
    let (live, billing) = fetch_live(client, org).await?;
    let needed = plan::lookups_needed(desired, &live, today);
    let concurrency = usize::try_from(ctx.global.max_concurrency).unwrap_or(8);
    let membership: BTreeMap<_, _> = stream::iter(needed.users)
        .map(|login| async move {
            let member = is_member(client, org, &login).await?;
            Ok::<_, crate::github::GitHubError>((login, member))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await
        .context("cannot check org membership of the users to add")?;
    let teams: BTreeMap<_, _> = stream::iter(needed.teams)
        .map(|slug| async move {
            let team = fetch_team(client, org, &slug).await?;
            Ok::<_, crate::github::GitHubError>((slug, team))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await
        .context("cannot look up the declared teams")?;
    let lookups = Lookups {
        membership: Some(membership),
        teams: Some(teams),
        plan_type: billing.plan_type,
    };
    Ok((live, lookups))
}

/// The billing preflight (seat changes need `assign_selected`), then all seat pages.
pub async fn fetch_live(client: &Client, org: &str) -> anyhow::Result<(LiveState, Billing)> {
    let billing = fetch_billing(client, org)
        .await
        .with_context(|| format!("cannot read the Copilot billing settings of `{org}`"))?;
    let setting = billing
        .seat_management_setting
        .as_deref()
        .unwrap_or("unknown");
    if setting != "assign_selected" {
        bail!(
            "`{org}` assigns Copilot seats with `{setting}`, and GitHub accepts seat changes only with `assign_selected`: in the org's settings, under Copilot > Access, choose \"Selected members\""
        );
    }
    let live = fetch_live_state(client, org)
        .await
        .with_context(|| format!("cannot list the Copilot seats of `{org}`"))?;
    Ok((live, billing))
}

/// Runs the planner with the metadata of this run; prints plan errors.
pub fn make_plan(
    file: &LoadedFile,
    live: &LiveState,
    lookups: &Lookups,
    today: Date,
) -> anyhow::Result<Plan> {
    let meta = PlanMeta {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        org: file.desired.org.clone(),
        generated_at: now_rfc3339(),
        file_digest: file.digest.clone(),
        live_state_digest: live.digest(),
    };
    match plan::plan(&file.desired, live, lookups, today, meta) {
        Ok(plan) => Ok(plan),
        Err(PlanErrors(errors)) => {
            for error in &errors {
                eprintln!("error: {error}");
            }
            Err(Reported(format!(
                "{} problem(s) prevent a plan; nothing was changed",
                errors.len()
            ))
            .into())
        }
    }
}
