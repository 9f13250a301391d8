//! `plan`: fetch the live seats (or read a snapshot), run the preflight look-ups, compute
//! and print the plan.

use crate::actions;
use crate::cli::{PlanArgs, PlanFormat};
use crate::commands::{Context, EXIT_CHANGES, EXIT_OK, Reported, now_rfc3339, today};
use crate::config::LoadedFile;
use crate::github::seats::{self, Billing, fetch_billing, fetch_team, is_member};
use crate::github::{Client, Token, comments};
use crate::model::{DesiredState, LiveState};
use crate::plan::{self, FORMAT_VERSION, Lookups, Plan, PlanErrors, PlanMeta};
use crate::render;
use anyhow::{Context as _, bail};
use futures::{StreamExt, TryStreamExt, stream};
use std::collections::BTreeMap;
use std::path::Path;
use time::Date;

pub async fn run(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<i32> {
    let result = compute(ctx, args).await;
    // The Markdown plan (or failure) goes to the job summary and the sticky comment, so
    // that they never show an outdated plan.
    let markdown = match &result {
        Ok((plan, _)) => render::markdown::plan(plan),
        Err(error) => render::markdown::failure(&failure_lines(error)),
    };
    if let Err(error) = actions::append_step_summary(&markdown) {
        eprintln!("warning: cannot append to GITHUB_STEP_SUMMARY: {error}");
    }
    let (plan, diff) = match result {
        Ok(planned) => planned,
        Err(error) => {
            if args.comment {
                comment(ctx, &markdown).await?;
            }
            return Err(error);
        }
    };
    if let Some(out) = &args.out {
        std::fs::write(out, render::json::plan(&plan))
            .with_context(|| format!("cannot write the plan to `{}`", out.display()))?;
        ctx.info(&format!("Plan written to {}.", out.display()));
    }
    match args.format {
        PlanFormat::Text => {
            let color = ctx.color();
            print!("{}", render::text::plan(&plan, color));
            if plan.has_changes() {
                let file_name = ctx.global.file.display().to_string();
                print!("\nSeats today against {file_name} (ignored entries left out):\n");
                print!(
                    "{}",
                    render::text::seat_diff(&diff.0, &diff.1, &file_name, color)
                );
            }
        }
        PlanFormat::Markdown => print!("{markdown}"),
        PlanFormat::Json => print!("{}", render::json::plan(&plan)),
    }
    if actions::in_actions() {
        for warning in &plan.warnings {
            eprintln!("{}", actions::warning_annotation(warning));
        }
    }
    if args.comment {
        comment(ctx, &markdown).await?;
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}

/// The plan, and today's seats and the file's as listings for the diff.
async fn compute(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<(Plan, (String, String))> {
    let today = today(ctx.global.today.as_deref())?;
    let file = ctx.load_file()?;
    let (live, lookups) = match &args.state {
        Some(path) => (read_snapshot(path)?, Lookups::default()),
        None => {
            let client = ctx.client(&file.desired.org).await?;
            fetch_for_plan(ctx, &client, &file.desired, today).await?
        }
    };
    let plan = make_plan(&file, &live, &lookups, today)?;
    let listings = seat_listings(&file.desired, &live, today);
    Ok((plan, listings))
}

/// The lines of a failure, for the Markdown shown in the pull request.
fn failure_lines(error: &anyhow::Error) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(reported) = error.downcast_ref::<Reported>() {
        lines.extend(reported.details.iter().map(|d| format!("error: {d}")));
    }
    lines.push(format!("error: {error:#}"));
    lines
}

/// Upserts the sticky pull-request comment with the workflow's `GITHUB_TOKEN`, never the
/// seat token.
async fn comment(ctx: &Context<'_>, markdown: &str) -> anyhow::Result<()> {
    let pull_request = actions::pull_request_from_env().map_err(anyhow::Error::msg)?;
    let token = Token::from_var("GITHUB_TOKEN")
        .context("--comment posts with the workflow's GITHUB_TOKEN: pass it in the step's env")?;
    let client = ctx.client_with(token)?;
    let upserted = comments::upsert(
        &client,
        &pull_request.repository,
        pull_request.number,
        render::markdown::MARKER,
        markdown,
    )
    .await
    .with_context(|| {
        format!(
            "cannot comment on pull request #{} of `{}`: the workflow needs `permissions: pull-requests: write`",
            pull_request.number, pull_request.repository
        )
    })?;
    let what = match upserted {
        comments::Upserted::Created(id) => format!("created comment {id}"),
        comments::Upserted::Updated(id) => format!("updated comment {id}"),
    };
    ctx.info(&format!(
        "Plan comment on #{}: {what}.",
        pull_request.number
    ));
    Ok(())
}

/// Today's direct users and visible teams, and the file's unexpired entries, as listings.
fn seat_listings(desired: &DesiredState, live: &LiveState, today: Date) -> (String, String) {
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
    (
        render::yaml::seat_listing(live_users, live_teams),
        render::yaml::seat_listing(file_users, file_teams),
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
    let (live, billing) = fetch_live(ctx, client, org).await?;
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

/// The billing preflight (seat changes need `assign_selected`) and all seat pages, read
/// at the same time.
pub async fn fetch_live(
    ctx: &Context<'_>,
    client: &Client,
    org: &str,
) -> anyhow::Result<(LiveState, Billing)> {
    let (billing, live) = tokio::join!(fetch_billing(client, org), ctx.fetch_seats(client, org));
    let billing =
        billing.with_context(|| format!("cannot read the Copilot billing settings of `{org}`"))?;
    let setting = billing
        .seat_management_setting
        .as_deref()
        .unwrap_or("unknown");
    if setting != "assign_selected" {
        bail!(
            "`{org}` assigns Copilot seats with `{setting}`, and GitHub accepts seat changes only with `assign_selected`: in the org's settings, under Copilot > Access, choose \"Selected members\""
        );
    }
    let live = live.with_context(|| format!("cannot list the Copilot seats of `{org}`"))?;
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
        Err(PlanErrors(errors)) => Err(Reported {
            summary: format!(
                "{} problem(s) prevent a plan; nothing was changed",
                errors.len()
            ),
            annotations: errors
                .iter()
                .map(|e| actions::error_annotation(&file.path, None, e))
                .collect(),
            details: errors,
        }
        .into()),
    }
}
