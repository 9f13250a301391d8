//! `apply`: plan (or load a saved plan and check it is still current), confirm, send.

use crate::actions;
use crate::apply;
use crate::cli::ApplyArgs;
use crate::commands::{Context, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK};
use crate::plan::{FORMAT_VERSION, Plan};
use crate::render;
use anyhow::{Context as _, bail};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

pub async fn run(ctx: &Context<'_>, args: &ApplyArgs) -> anyhow::Result<i32> {
    let today = ctx.today()?;
    let file = ctx.load_file()?;
    let client = ctx.pipeline.client(&file.desired.org).await?;
    let plan = match &args.plan {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the plan `{}`", path.display()))?;
            let saved: Plan = serde_json::from_str(&text).with_context(|| {
                format!(
                    "`{}` is not a plan written by `copilot-seats plan --out`",
                    path.display()
                )
            })?;
            if saved.meta.format_version != FORMAT_VERSION {
                bail!(
                    "the plan has format_version {}, this copilot-seats reads {FORMAT_VERSION}: make the plan again with this version",
                    saved.meta.format_version
                );
            }
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
            if !saved.meta.org.eq_ignore_ascii_case(org) {
                bail!(
                    "stale plan: it is for org `{}` but `{}` is for `{org}`: {hint}",
                    saved.meta.org,
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
            let (live, _) = ctx.pipeline.live_and_billing(&client, org).await?;
            if live.digest() != saved.meta.live_state_digest {
                bail!(
                    "stale plan: the seats of `{org}` changed since the plan was made: run plan again"
                );
            }
            saved
        }
        None => {
            let (live, lookups) = ctx
                .pipeline
                .live_and_lookups(&client, &file.desired, today)
                .await?;
            ctx.plan(&file, &live, &lookups, today)?
        }
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
        confirm(&plan)?;
    }
    let interval = Duration::from_millis(ctx.global.write_interval_ms);
    let replan = async || {
        let (live, lookups) = ctx
            .pipeline
            .live_and_lookups(&client, &file.desired, today)
            .await?;
        let plan = ctx.plan(&file, &live, &lookups, today)?;
        Ok(apply::Replanned { plan, live })
    };
    let interrupt = apply::Interrupt::default();
    let listener = tokio::spawn(interrupt_on_signal(interrupt.clone()));
    let report = apply::apply(&client, &plan, interval, &interrupt, replan).await;
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

/// Appends to the GitHub Actions job summary, when there is one.
fn summarize(markdown: &str) {
    if let Err(error) = actions::append_step_summary(markdown) {
        eprintln!("warning: cannot append to GITHUB_STEP_SUMMARY: {error}");
    }
}

/// Asks on the terminal; without a terminal, `--yes` is required.
fn confirm(plan: &Plan) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "refusing to apply without --yes: standard input is not a terminal, so nobody can confirm"
        );
    }
    print!(
        "\nSend these {} request(s) to `{}`? Type `yes` to apply: ",
        plan.requests.len(),
        plan.meta.org
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        bail!("not applied: the answer was not `yes`");
    }
    Ok(())
}
