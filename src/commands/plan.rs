//! `plan`: fetch the live seats (or read a snapshot), run the preflight look-ups, compute
//! and print the plan.

use crate::actions;
use crate::cli::{PlanArgs, PlanFormat};
use crate::commands::{Context, EXIT_CHANGES, EXIT_OK, Reported};
use crate::github::{Token, comments};
use crate::model::{DesiredState, LiveState};
use crate::pipeline::read_snapshot;
use crate::plan::{Lookups, Plan};
use crate::render;
use anyhow::{Context as _, bail};
use time::Date;

pub async fn run(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<i32> {
    let result = compute(ctx, args).await;
    // The Markdown plan (or failure) goes to the job summary and the sticky comment, so
    // that they never show an outdated plan.
    let (markdown, summary) = match &result {
        Ok((plan, _)) => (
            render::markdown::plan(plan),
            render::markdown::summary(plan),
        ),
        Err(error) => {
            let failure = render::markdown::failure(&failure_lines(error));
            (failure.clone(), failure)
        }
    };
    if let Err(error) = actions::append_step_summary(&summary) {
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
    // A blocked plan fails the pull-request check here, not the apply after the merge.
    if let Some(blocked) = &plan.blocked {
        bail!(
            "the plan is blocked, and apply would refuse it: {blocked}. To go ahead, raise `limits.max_removals` in {} in the same pull request (so the new limit is reviewed with the removals), or run `apply --allow-mass-removal`",
            ctx.global.file.display()
        );
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}

/// The plan, and today's seats and the file's as listings for the diff.
async fn compute(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<(Plan, (String, String))> {
    let today = ctx.today()?;
    let file = ctx.load_file()?;
    let (live, lookups) = match &args.state {
        Some(path) => (read_snapshot(path)?, Lookups::default()),
        None => {
            let client = ctx.pipeline.client(&file.desired.org).await?;
            ctx.pipeline
                .live_and_lookups(&client, &file.desired, today)
                .await?
        }
    };
    let plan = ctx.plan(&file, &live, &lookups, today)?;
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
    let token = Token::for_comments()
        .context("--comment posts with the workflow's GITHUB_TOKEN: pass it in the step's env")?;
    let client = ctx.pipeline.client_with(token)?;
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
        comments::Upserted::Updated { id, removed } if removed.is_empty() => {
            format!("updated comment {id}")
        }
        comments::Upserted::Updated { id, removed } => format!(
            "updated comment {id}, removed {} duplicate(s) left by runs at the same time",
            removed.len()
        ),
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
