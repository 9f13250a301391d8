//! `apply`: plan (or load a saved plan and check it is still current), confirm, send; for
//! many targets, one after another.

use crate::apply;
use crate::cli::ApplyArgs;
use crate::commands::{Context, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, Scope, summarize};
use crate::config::LoadedFile;
use crate::github::Client;
use crate::pipeline::{now_rfc3339, owner_of};
use crate::plan::{
    FORMAT_VERSION, FORMAT_VERSION_KINDS, FailedTarget, Method, Plan, PlanSet, SavedPlans,
};
use crate::render;
use crate::targets::Loaded;
use anyhow::{Context as _, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;
use time::Date;

pub async fn run(ctx: &Context<'_>, args: &ApplyArgs) -> anyhow::Result<i32> {
    match ctx.scope()? {
        Scope::One(ctx) => run_one(&ctx, args).await,
        Scope::Many(loaded) => run_many(ctx, args, loaded).await,
    }
}

/// One seat file: plan (or check the saved plan), confirm, send, report.
async fn run_one(ctx: &Context<'_>, args: &ApplyArgs) -> anyhow::Result<i32> {
    let today = ctx.today()?;
    let file = ctx.load_file()?;
    let client = ctx.pipeline.client(&owner_of(&file.desired)).await?;
    let plan = match &args.plan {
        Some(path) => {
            let saved = match read_saved(path)? {
                SavedPlans::One(plan) => *plan,
                SavedPlans::Set(set) => saved_for(&set.plans, &file.desired.org).ok_or_else(|| {
                    anyhow::anyhow!(
                        "the plans in `{}` hold none for `{}`: pass the seat files they were made from with -f",
                        path.display(),
                        file.desired.org
                    )
                })?,
            };
            check_saved(ctx, &client, &saved, &file, path, today).await?
        }
        None => fresh_plan(ctx, &client, &file, today).await?,
    };
    if !ctx.global.quiet {
        print!("{}", render::text::plan(&plan, ctx.color()));
    }
    summarize(&render::markdown::summary(&plan));
    if plan.requests.is_empty() {
        return Ok(EXIT_OK);
    }
    if let Some(blocked) = &plan.blocked {
        if !args.allow_mass_removal {
            bail!("refusing to apply a blocked plan: {blocked}");
        }
        ctx.info("The plan is blocked, applying anyway because of --allow-mass-removal.");
    }
    if !args.yes {
        confirm(plan.requests.len(), &format!("`{}`", plan.meta.target()))?;
    }
    let interrupt = apply::Interrupt::default();
    let listener = tokio::spawn(interrupt_on_signal(interrupt.clone()));
    let report = send(
        ctx,
        &client,
        &plan,
        &file,
        today,
        &interrupt,
        &BTreeMap::new(),
    )
    .await;
    listener.abort();
    print!("{}", render::text::apply_report(&report));
    summarize(&render::markdown::apply_report(&report));
    Ok(if report.interrupted {
        EXIT_INTERRUPTED
    } else if report.succeeded() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

/// A target of a many-target apply, ready to send.
struct Ready<'f> {
    file: &'f LoadedFile,
    client: Client,
    plan: Plan,
}

/// Many targets: each planned (or its saved plan checked), all shown, one confirmation,
/// then applied in two passes (additions, then removals), writes spaced for the whole
/// token; a blocked, refused or failing target does not stop the others; one account per
/// target.
async fn run_many(ctx: &Context<'_>, args: &ApplyArgs, loaded: Loaded) -> anyhow::Result<i32> {
    let today = ctx.today()?;
    let (ready, set) = prepare_all(ctx, args, &loaded, today).await?;
    if !ctx.global.quiet {
        print!("{}", render::text::plan_set(&set, &[], ctx.color()));
    }
    summarize(&render::markdown::plan_set_summary(&set));
    let requests: usize = ready.iter().map(|r| r.plan.requests.len()).sum();
    if requests > 0 && !args.yes {
        confirm(requests, &format!("{} target(s)", ready.len()))?;
    }
    let mut refused = Vec::new();
    let mut sending = Vec::new();
    for target in ready.iter().filter(|t| !t.plan.requests.is_empty()) {
        match &target.plan.blocked {
            Some(blocked) if !args.allow_mass_removal => refused.push(format!(
                "{}: refused, the plan is blocked: {blocked}",
                target.plan.meta.target()
            )),
            _ => sending.push(target),
        }
    }
    let accounts = send_in_two_passes(ctx, &sending, today).await;
    Ok(report_all(&accounts, &refused, &set))
}

/// Each target planned, or its saved plan checked; the targets that could not be, with
/// their annotations in Actions.
async fn prepare_all<'f>(
    ctx: &Context<'_>,
    args: &ApplyArgs,
    loaded: &'f Loaded,
    today: Date,
) -> anyhow::Result<(Vec<Ready<'f>>, PlanSet)> {
    let saved = match &args.plan {
        Some(path) => Some(match read_saved(path)? {
            SavedPlans::Set(set) => set.plans,
            SavedPlans::One(plan) => vec![*plan],
        }),
        None => None,
    };
    let mut failed = Context::broken_targets(loaded);
    let mut errors = Vec::new();
    let mut ready = Vec::new();
    for file in &loaded.targets {
        let org = &file.desired.org;
        let target_ctx = ctx.for_file(Path::new(&file.path));
        let prepared = async {
            let client = ctx.pipeline.client(&owner_of(&file.desired)).await?;
            let plan = match (&saved, &args.plan) {
                (Some(plans), Some(path)) => {
                    let plan = saved_for(plans, org).ok_or_else(|| {
                        anyhow::anyhow!("refused: `{}` holds no plan for `{org}`", path.display())
                    })?;
                    check_saved(&target_ctx, &client, &plan, file, path, today).await?
                }
                _ => fresh_plan(&target_ctx, &client, file, today).await?,
            };
            Ok::<_, anyhow::Error>(Ready { file, client, plan })
        };
        match prepared.await {
            Ok(target) => ready.push(target),
            Err(error) => {
                failed.push(FailedTarget {
                    target: org.clone(),
                    error: format!("{error:#}"),
                });
                errors.push(error);
            }
        }
    }
    Context::annotate(loaded, &errors.iter().collect::<Vec<_>>());
    let set = PlanSet::new(
        env!("CARGO_PKG_VERSION").to_string(),
        now_rfc3339(),
        ready.iter().map(|r| r.plan.clone()).collect(),
        failed,
    );
    Ok((ready, set))
}

/// Every target's additions before any target's removals: a user moving from one target
/// to another (an org file to the enterprise file, say) is seated by the new one before
/// the old one lets go, with no gap (README "Enterprise licences"). A target whose
/// additions stopped sends no removals; an interrupt stops everything.
async fn send_in_two_passes(
    ctx: &Context<'_>,
    sending: &[&Ready<'_>],
    today: Date,
) -> Vec<(String, apply::ApplyReport)> {
    let interrupt = apply::Interrupt::default();
    let listener = tokio::spawn(interrupt_on_signal(interrupt.clone()));
    let interval = Duration::from_millis(ctx.global.write_interval_ms);
    let mut accounts: Vec<(String, apply::ApplyReport)> = sending
        .iter()
        .map(|t| {
            (
                t.plan.meta.target().to_string(),
                apply::ApplyReport::default(),
            )
        })
        .collect();
    let mut wrote = false;
    for removals in [false, true] {
        for (target, (_, account)) in sending.iter().zip(accounts.iter_mut()) {
            let plan = phase_of(&target.plan, removals);
            if plan.requests.is_empty() {
                continue;
            }
            if interrupt.is_set() {
                let mut report = apply::ApplyReport::not_sent(&plan, "apply was interrupted");
                report.interrupted = true;
                account.merge(report);
                continue;
            }
            // A kind whose additions stopped sends no removals (nor do the kinds that
            // depend on it); the target's other kinds go on.
            let (held, plan) = hold_stopped(plan, &account.stopped_kinds());
            if !held.requests.is_empty() {
                account.merge(apply::ApplyReport::not_sent(
                    &held,
                    "not sent: this target's additions of this kind stopped with a failure",
                ));
            }
            if plan.requests.is_empty() {
                continue;
            }
            // Writes stay spaced across targets: GitHub counts them per token.
            if wrote && !interval.is_zero() {
                tokio::time::sleep(interval).await;
            }
            let target_ctx = ctx.for_file(Path::new(&target.file.path));
            let report = send(
                &target_ctx,
                &target.client,
                &plan,
                target.file,
                today,
                &interrupt,
                &account.created,
            )
            .await;
            wrote |= !report.sent.is_empty();
            account.merge(report);
        }
    }
    listener.abort();
    accounts
}

/// One account per target, the refused and failed ones, the last line; the exit code.
fn report_all(accounts: &[(String, apply::ApplyReport)], refused: &[String], set: &PlanSet) -> i32 {
    for (org, report) in accounts {
        print!("\n=== {org} ===\n{}", render::text::apply_report(report));
        summarize(&format!(
            "### `{org}`\n\n{}",
            render::markdown::apply_report(report)
        ));
    }
    for line in refused {
        println!("\n{line}");
    }
    for f in &set.failed {
        println!("\n{}: failed, nothing sent: {}", f.target, f.error);
    }
    let incomplete = accounts.iter().filter(|(_, r)| !r.succeeded()).count();
    println!(
        "\nTargets: {} applied, {} incomplete, {} refused, {} failed.",
        accounts.len() - incomplete,
        incomplete,
        refused.len(),
        set.failed.len()
    );
    if accounts.iter().any(|(_, r)| r.interrupted) {
        EXIT_INTERRUPTED
    } else if incomplete + refused.len() + set.failed.len() > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// `plan` split into the requests of `stopped` kinds (and of kinds that depend on one)
/// and the others.
fn hold_stopped(plan: Plan, stopped: &BTreeSet<String>) -> (Plan, Plan) {
    let held_kind = |kind: &str| {
        stopped.contains(kind)
            || crate::kinds::get(kind)
                .is_some_and(|k| k.depends_on().iter().any(|d| stopped.contains(*d)))
    };
    let mut held = plan.clone();
    held.requests.retain(|r| held_kind(r.kind()));
    let mut rest = plan;
    rest.requests.retain(|r| !held_kind(r.kind()));
    (held, rest)
}

/// The plan with only the requests of one phase: its additions and updates, or its
/// removals (DELETE), in their order.
fn phase_of(plan: &Plan, removals: bool) -> Plan {
    let mut phase = plan.clone();
    phase
        .requests
        .retain(|request| (request.method == Method::Delete) == removals);
    phase
}

/// A saved plan file: one plan (SPEC 5) or a set (SPEC 9), of this format version.
fn read_saved(path: &Path) -> anyhow::Result<SavedPlans> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the plan `{}`", path.display()))?;
    let saved: SavedPlans = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a plan written by `copilot-seats plan --out`",
            path.display()
        )
    })?;
    let versions: Vec<u32> = match &saved {
        SavedPlans::One(plan) => vec![plan.meta.format_version],
        SavedPlans::Set(set) => std::iter::once(set.format_version)
            .chain(set.plans.iter().map(|p| p.meta.format_version))
            .collect(),
    };
    if let Some(version) = versions
        .into_iter()
        .find(|v| *v != FORMAT_VERSION && *v != FORMAT_VERSION_KINDS)
    {
        bail!(
            "the plan has format_version {version}, this copilot-seats reads {FORMAT_VERSION} and {FORMAT_VERSION_KINDS}: make the plan again with this version"
        );
    }
    Ok(saved)
}

/// The plan for `org` among saved ones.
fn saved_for(plans: &[Plan], org: &str) -> Option<Plan> {
    plans
        .iter()
        .find(|p| p.meta.target().eq_ignore_ascii_case(org))
        .cloned()
}

/// Refuses a saved plan that is not for `file`'s org, was made from another version of
/// the file, holds requests this tool does not make, was made from other live seats, or
/// says anything else than what the file and the live seats give now. A saved plan is a
/// commitment, not a program: the plan applied is the one re-derived here (its guards
/// evaluated anew), and the saved one must equal it in every change and request.
async fn check_saved(
    ctx: &Context<'_>,
    client: &Client,
    saved: &Plan,
    file: &LoadedFile,
    path: &Path,
    today: Date,
) -> anyhow::Result<Plan> {
    let org = &file.desired.org;
    // A plan made from another file than this run's: name both.
    let other_file = saved
        .meta
        .file
        .as_deref()
        .filter(|made_from| *made_from != file.path);
    let hint = match other_file {
        Some(made_from) => format!(
            "the plan was made from `{made_from}`, not `{}`: pass `-f {made_from}`, or plan again",
            file.path
        ),
        None => "plan again with the right file".to_string(),
    };
    if !saved.meta.target().eq_ignore_ascii_case(org) {
        bail!(
            "stale plan: it is for org `{}` but `{}` is for `{org}`: {hint}",
            saved.meta.target(),
            file.path
        );
    }
    if saved.meta.file_digest != file.digest {
        match other_file {
            Some(_) => bail!("stale plan: {hint}"),
            None => bail!(
                "stale plan: `{}` changed since the plan was made: run plan again",
                file.path
            ),
        }
    }
    if let Err(why) = saved.check_requests() {
        bail!(
            "refusing the plan `{}`: {why}; make it again with `copilot-seats plan --out`",
            path.display()
        );
    }
    let derived = fresh_plan(ctx, client, file, today).await?;
    for (kind, digest) in saved.meta.digests() {
        if derived.meta.digest(kind) != Some(digest) {
            let what = crate::kinds::get(kind).map_or(kind, |k| k.title());
            bail!(
                "stale plan: the {what} of `{org}` changed since the plan was made: run plan again"
            );
        }
    }
    if let Some(difference) = difference(saved, &derived) {
        bail!(
            "refusing the plan `{}`: {difference}, which is not what `{}` and the live seats of `{org}` give: a saved plan cannot be edited; make it again with `copilot-seats plan --out`",
            path.display(),
            file.path
        );
    }
    Ok(derived)
}

/// How a saved plan differs from the plan derived now, if it does, in its changes or its
/// requests (the summary, warnings and guards are the derived plan's anyway).
fn difference(saved: &Plan, derived: &Plan) -> Option<String> {
    let count = |n: usize, what: &str| format!("{n} {what}");
    if saved.changes.len() != derived.changes.len() {
        return Some(format!(
            "it holds {} where the file gives {}",
            count(saved.changes.len(), "change(s)"),
            derived.changes.len()
        ));
    }
    if let Some(i) = (0..saved.changes.len()).find(|&i| saved.changes[i] != derived.changes[i]) {
        return Some(format!("its change {} differs", i + 1));
    }
    if saved.requests.len() != derived.requests.len() {
        return Some(format!(
            "it holds {} where the file gives {}",
            count(saved.requests.len(), "request(s)"),
            derived.requests.len()
        ));
    }
    (0..saved.requests.len())
        .find(|&i| saved.requests[i] != derived.requests[i])
        .map(|i| {
            let request = &saved.requests[i];
            format!(
                "its request {} ({} {}) differs",
                i + 1,
                request.method,
                request.path
            )
        })
}

/// A plan made now, from the live seats.
async fn fresh_plan(
    ctx: &Context<'_>,
    client: &Client,
    file: &LoadedFile,
    today: Date,
) -> anyhow::Result<Plan> {
    let (live, lookups) = ctx
        .pipeline
        .live_and_lookups(client, &file.desired, today)
        .await?;
    let mut plan = ctx.plan(file, &live, &lookups, today)?;
    ctx.pipeline
        .plan_sections(&mut plan, file, Some(client), today)
        .await?;
    Ok(plan)
}

/// Sends `plan`'s requests (with the ids earlier phases created); after an unclear
/// failure, plans that kind again from the live state.
async fn send(
    ctx: &Context<'_>,
    client: &Client,
    plan: &Plan,
    file: &LoadedFile,
    today: Date,
    interrupt: &apply::Interrupt,
    created: &BTreeMap<String, String>,
) -> apply::ApplyReport {
    let interval = Duration::from_millis(ctx.global.write_interval_ms);
    let replan = async |kind: &str| ctx.pipeline.replan(client, file, today, kind).await;
    apply::apply(client, plan, interval, interrupt, created, replan).await
}

/// Triggers `interrupt` on SIGINT or SIGTERM (GitHub Actions sends SIGINT when a job is
/// cancelled, then SIGTERM 7.5 s later). The handlers are installed before this returns,
/// so no signal sent once the writes start can end the process: the run stops between
/// two writes and reports.
fn interrupt_on_signal(
    interrupt: apply::Interrupt,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (Ok(mut int), Ok(mut term)) = signals else {
                return;
            };
            loop {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                if !interrupt.is_set() {
                    eprintln!(
                        "copilot-seats: interrupted: finishing the write in flight, sending nothing more"
                    );
                }
                interrupt.trigger();
            }
        }
        #[cfg(not(unix))]
        while tokio::signal::ctrl_c().await.is_ok() {
            interrupt.trigger();
        }
    }
}

/// Asks on the terminal; without a terminal, `--yes` is required.
fn confirm(requests: usize, to: &str) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "refusing to apply without --yes: standard input is not a terminal, so nobody can confirm"
        );
    }
    print!("\nSend these {requests} request(s) to {to}? Type `yes` to apply: ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        bail!("not applied: the answer was not `yes`");
    }
    Ok(())
}
