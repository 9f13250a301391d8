//! `plan`: fetch the live seats (or read a snapshot), run the preflight look-ups, compute
//! and print the plan.

use crate::actions;
use crate::cli::{PlanArgs, PlanFormat};
use crate::commands::{Context, EXIT_CHANGES, EXIT_OK, Reported, Scope, summarize};
use crate::config::LoadedFile;
use crate::github::{Token, comments};
use crate::model::{DesiredState, LiveState, Login, TeamSlug};
use crate::pipeline::{now_rfc3339, owner_of, read_snapshot_of, snapshot_of};
use crate::plan::{FailedTarget, Lookups, Plan, PlanSet, SeatChange};
use crate::render;
use crate::targets::Loaded;
use anyhow::{Context as _, bail};
use std::collections::BTreeMap;
use std::path::Path;
use time::Date;

pub async fn run(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<i32> {
    match ctx.scope()? {
        Scope::One(ctx) => run_one(&ctx, args).await,
        Scope::Many(loaded) => run_many(ctx, args, loaded).await,
    }
}

/// One seat file: the plan, its diff, the comment and the summary.
async fn run_one(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<i32> {
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
    summarize(&summary);
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
            print!("{}", diff_text(&diff, &plan, color));
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
        if !crate::plan::limit_lifts(blocked) {
            bail!(
                "the plan is blocked, and apply would refuse it: {blocked}. No limit lifts this guard: declare at least one seat in {}, or run `apply --allow-mass-removal`",
                ctx.file.display()
            );
        }
        bail!(
            "the plan is blocked, and apply would refuse it: {blocked}. To go ahead, raise `limits.max_removals` in {} in the same pull request (so the new limit is reviewed with the removals), or run `apply --allow-mass-removal`",
            ctx.file.display()
        );
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}

/// The plan, and the diff of what it does.
async fn compute(ctx: &Context<'_>, args: &PlanArgs) -> anyhow::Result<(Plan, SeatDiff)> {
    let today = ctx.today()?;
    let file = ctx.load_file()?;
    let (plan, live) = compute_for(ctx, args.state.as_deref(), &file, today).await?;
    let diff = seat_diff(&plan, &file.desired, &live, today);
    Ok((plan, diff))
}

/// The plan of one loaded file, from `state` (a snapshot) or GitHub, and the live state it
/// was made from.
async fn compute_for(
    ctx: &Context<'_>,
    state: Option<&Path>,
    file: &LoadedFile,
    today: Date,
) -> anyhow::Result<(Plan, LiveState)> {
    let (live, lookups, client) = match state {
        Some(path) => (
            read_snapshot_of(path, file.desired.kind)?,
            Lookups::default(),
            None,
        ),
        None => {
            let client = ctx.pipeline.client(&owner_of(&file.desired)).await?;
            let (live, lookups) = ctx
                .pipeline
                .live_and_lookups(&client, &file.desired, today)
                .await?;
            (live, lookups, Some(client))
        }
    };
    let mut plan = ctx.plan(file, &live, &lookups, today)?;
    ctx.pipeline
        .plan_sections(&mut plan, file, client.as_ref(), today)
        .await?;
    Ok((plan, live))
}

/// Many targets: planned at the same time (one `--max-concurrency`, one points budget per
/// token), one table and a section each; a target that cannot be planned is reported in
/// its section and the others are still planned.
async fn run_many(ctx: &Context<'_>, args: &PlanArgs, loaded: Loaded) -> anyhow::Result<i32> {
    let today = ctx.today()?;
    if let Some(state) = args.state.as_deref().filter(|s| !s.is_dir()) {
        bail!(
            "with several targets, --state names a directory holding a snapshot per target (ORG.json), not the file `{}`",
            state.display()
        );
    }
    let mut failed = Context::broken_targets(&loaded);
    let results = futures::future::join_all(loaded.targets.iter().map(|file| async move {
        let state = match &args.state {
            Some(dir) => Some(snapshot_of(dir, &file.desired.org)?),
            None => None,
        };
        compute_for(
            &ctx.for_file(Path::new(&file.path)),
            state.as_deref(),
            file,
            today,
        )
        .await
    }))
    .await;
    let mut plans = Vec::new();
    let mut diffs = Vec::new();
    let mut errors = Vec::new();
    for (file, result) in loaded.targets.iter().zip(results) {
        match result {
            Ok((plan, live)) => {
                diffs.push(diff_text(
                    &seat_diff(&plan, &file.desired, &live, today),
                    &plan,
                    ctx.color(),
                ));
                plans.push(plan);
            }
            Err(error) => {
                failed.push(FailedTarget {
                    target: file.desired.org.clone(),
                    error: failure_lines(&error).join("\n"),
                });
                errors.push(error);
            }
        }
    }
    Context::annotate(&loaded, &errors.iter().collect::<Vec<_>>());
    let set = PlanSet::new(
        env!("CARGO_PKG_VERSION").to_string(),
        now_rfc3339(),
        plans,
        failed,
    );
    summarize(&render::markdown::plan_set_summary(&set));
    let markdown = render::markdown::plan_set(&set);
    if let Some(out) = &args.out {
        std::fs::write(out, render::json::plan_set(&set))
            .with_context(|| format!("cannot write the plans to `{}`", out.display()))?;
        ctx.info(&format!("Plans written to {}.", out.display()));
    }
    match args.format {
        PlanFormat::Text => print!("{}", render::text::plan_set(&set, &diffs, ctx.color())),
        PlanFormat::Markdown => print!("{markdown}"),
        PlanFormat::Json => print!("{}", render::json::plan_set(&set)),
    }
    if actions::in_actions() {
        for plan in &set.plans {
            for warning in &plan.warnings {
                eprintln!(
                    "{}",
                    actions::warning_annotation(&format!("{}: {warning}", plan.meta.target()))
                );
            }
        }
    }
    if args.comment {
        comment(ctx, &markdown).await?;
    }
    set_outcome(&set)?;
    Ok(if args.detailed_exitcode && set.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}

/// A plan set's failure, if any: targets that could not be planned, or blocked plans (the
/// pull-request check fails before the merge, not the apply after it).
fn set_outcome(set: &PlanSet) -> anyhow::Result<()> {
    if !set.failed.is_empty() {
        let names: Vec<&str> = set.failed.iter().map(|f| f.target.as_str()).collect();
        if set.failed.len() as u64 == set.summary.targets {
            bail!(
                "no target could be planned ({}), see above",
                names.join(", ")
            );
        }
        bail!(
            "{} of {} target(s) could not be planned ({}); the other {} were planned, see above",
            set.failed.len(),
            set.summary.targets,
            names.join(", "),
            set.summary.planned
        );
    }
    let blocked: Vec<&str> = set
        .plans
        .iter()
        .filter(|p| p.blocked.is_some())
        .map(|p| p.meta.target())
        .collect();
    if !blocked.is_empty() {
        bail!(
            "the plans of {} are blocked, and apply would refuse them: raise `limits.max_removals` in their files in the same pull request (so the new limit is reviewed with the removals), or run `apply --allow-mass-removal` (a plan that leaves no seat yields only to that)",
            blocked.join(", ")
        );
    }
    Ok(())
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

/// The diff under a text plan: today against after the plan, and what it leaves alone.
fn diff_text(diff: &SeatDiff, plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    if plan.has_changes() {
        out.push_str(
            "\nDirect seats and teams, today against after this plan (ignored entries left out):\n",
        );
        out.push_str(&render::text::seat_diff(&diff.today, &diff.after, color));
    }
    out.push_str(&render::text::left_alone(&diff.left_alone));
    out
}

/// What the plan does to the direct seats and the teams, as two listings to diff, and
/// what it leaves alone.
struct SeatDiff {
    today: String,
    after: String,
    left_alone: Vec<String>,
}

/// Today's direct users and visible teams, and the same after the plan's changes: only
/// what a request changes, never a line for a seat the plan keeps or does not touch.
fn seat_diff(plan: &Plan, desired: &DesiredState, live: &LiveState, today: Date) -> SeatDiff {
    // Logins compare case-insensitively: show the file's spelling where it has one.
    let spelled = |login: &Login| {
        desired
            .users
            .get(login)
            .map_or(login.to_string(), |e| e.name.to_string())
    };
    let today_users: BTreeMap<Login, String> = live
        .active_seats()
        .filter(|s| s.is_direct() && !desired.ignore_users.contains(&s.login))
        .map(|s| (s.login.clone(), spelled(&s.login)))
        .collect();
    let today_teams: BTreeMap<TeamSlug, String> = live
        .visible_teams()
        .into_keys()
        .filter(|t| !desired.ignore_teams.contains(t))
        .map(|t| (t.clone(), t.to_string()))
        .collect();
    let mut after_users = today_users.clone();
    let mut after_teams = today_teams.clone();
    for change in plan.changes_of(crate::kinds::FIRST) {
        let Some(change) = change.decode::<SeatChange>() else {
            continue;
        };
        let changes_seats = change.changes_seats();
        match change {
            SeatChange::AddUser { login, .. } => {
                let login = Login::new(login.as_str());
                after_users.insert(login.clone(), spelled(&login));
            }
            SeatChange::RemoveUser { login, .. } => {
                after_users.remove(&Login::new(login.as_str()));
            }
            SeatChange::AddTeam { team, .. } if changes_seats => {
                after_teams.insert(TeamSlug::new(team.as_str()), team.clone());
            }
            SeatChange::AddTeam { .. } => {}
            SeatChange::RemoveTeam { team, .. } => {
                after_teams.remove(&TeamSlug::new(team.as_str()));
            }
        }
    }
    let mut left_alone = Vec::new();
    let undeclared_users: Vec<&str> = after_users
        .iter()
        .filter(|(login, _)| !desired.users.contains_key(*login))
        .map(|(_, name)| name.as_str())
        .collect();
    let undeclared_teams: Vec<&str> = after_teams
        .iter()
        .filter(|(slug, _)| !desired.teams.contains_key(*slug))
        .map(|(_, name)| name.as_str())
        .collect();
    if !undeclared_users.is_empty() || !undeclared_teams.is_empty() {
        let mut names: Vec<String> = undeclared_users.iter().map(|u| u.to_string()).collect();
        names.extend(undeclared_teams.iter().map(|t| format!("team {t}")));
        left_alone.push(format!(
            "not declared, kept (unmanaged: warn or a seat through a declared team): {}",
            names.join(", ")
        ));
    }
    let through_teams: Vec<&str> = desired
        .users
        .values()
        .filter(|e| !e.is_expired(today) && !after_users.contains_key(&e.name))
        .filter(|e| live.active_seat(&e.name).is_some_and(|s| !s.is_direct()))
        .map(|e| e.name.as_str())
        .collect();
    if !through_teams.is_empty() {
        left_alone.push(format!(
            "declared, holding a seat through a team or an org (no request): {}",
            through_teams.join(", ")
        ));
    }
    let listing = |users: &BTreeMap<Login, String>, teams: &BTreeMap<TeamSlug, String>| {
        render::yaml::seat_listing(
            users.values().map(String::as_str),
            teams.values().map(String::as_str),
        )
    };
    SeatDiff {
        today: listing(&today_users, &today_teams),
        after: listing(&after_users, &after_teams),
        left_alone,
    }
}
