//! copilot-seats reads `copilot-seats.yaml` into a `DesiredState` (config), reads the
//! organization's seats from GitHub's REST API into a `LiveState` (github), computes a
//! `Plan` from the two with a pure function (plan), shapes it as text or JSON (render), and
//! on `apply` sends the plan's requests one at a time (apply). `run` is the whole program.

pub mod actions;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod edit;
pub mod github;
pub mod inventory;
pub mod kinds;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod reclaim;
pub mod render;
pub mod secrets;
pub mod targets;
pub mod usage;
pub mod yaml_locations;

use clap::FromArgMatches as _;
use cli::{Cli, Command};
use commands::{Context, EXIT_ERROR, EXIT_OK, Reported};
use secrets::redact;
use std::ffi::OsString;

/// The whole program: parse the arguments, run the command, print a failure as one line
/// (with its causes under `-v`), and return the exit code.
#[allow(clippy::disallowed_macros)] // prints the failure
pub async fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let parsed = cli::command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // Usage errors exit 1, never 2: 2 means "changes pending" (SPEC 3).
            return if error.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
        }
    };
    let ctx = Context::new(&cli.global);
    let result = match &cli.command {
        Command::Validate => commands::validate::run(&ctx),
        Command::Plan(args) => commands::plan::run(&ctx, args).await,
        Command::Apply(args) => commands::apply::run(&ctx, args).await,
        Command::Export(args) => commands::export::run(&ctx, args).await,
        Command::Seats(args) => commands::seats::run(&ctx, args).await,
        Command::Status(args) => commands::status::run(&ctx, args).await,
        Command::Usage(args) => commands::usage::run(&ctx, args).await,
        Command::Add(args) => commands::add::run(&ctx, args),
        Command::Remove(args) => commands::remove::run(&ctx, args),
        Command::Reclaim(args) => commands::reclaim::run(&ctx, args).await,
        Command::Schema => commands::docs::schema(),
        Command::Completions { shell } => commands::docs::completions(*shell),
        Command::Man { out_dir } => commands::docs::man(out_dir.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if let Some(reported) = error.downcast_ref::<Reported>() {
                for detail in &reported.details {
                    eprintln!("error: {}", redact(detail));
                }
                if actions::in_actions() {
                    for annotation in &reported.annotations {
                        eprintln!("{annotation}");
                    }
                }
            }
            eprintln!("{}", redact(&failure_text(&error, cli.global.verbose)));
            EXIT_ERROR
        }
    }
}

/// A failure for people: one line with its causes joined, or with `-v` the causes one per
/// line. Never a backtrace, whatever `RUST_BACKTRACE` says (anyhow's `Debug` would add one).
fn failure_text(error: &anyhow::Error, verbose: bool) -> String {
    if !verbose {
        return format!("error: {error:#}");
    }
    let mut text = format!("error: {error}");
    let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
    if !causes.is_empty() {
        text.push_str("\n\nCaused by:");
        for (index, cause) in causes.iter().enumerate() {
            text.push_str(&format!("\n    {index}: {cause}"));
        }
    }
    text
}

/// A panic is a bug: one line asking for a report, with the backtrace only when
/// `RUST_BACKTRACE` asks for it. Installed by `main`.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if stdout_closed(&payload) {
            // `copilot-seats plan | head`: the reader left. Not a bug: stop quietly, as
            // Unix tools do (128 + SIGPIPE).
            std::process::exit(141);
        }
        let backtrace = std::env::var_os("RUST_BACKTRACE")
            .filter(|v| !v.is_empty() && v != "0")
            .map(|_| format!("\n{}", std::backtrace::Backtrace::force_capture()))
            .unwrap_or_default();
        #[allow(clippy::disallowed_macros)] // the one line a crash prints
        {
            eprintln!("{}", redact(&panic_line(&payload, &location)));
            if !backtrace.is_empty() {
                eprintln!("{backtrace}");
            }
        }
    }));
}

/// Whether a panic is `print!` failing because standard output was closed.
fn stdout_closed(payload: &str) -> bool {
    payload.starts_with("failed printing to stdout") && payload.contains("Broken pipe")
}

/// The line a panic prints.
fn panic_line(payload: &str, location: &str) -> String {
    format!(
        "error: copilot-seats {} crashed, which is a bug ({payload}{location}): please report it to the copilot-seats maintainers with the command you ran; nothing more was sent to GitHub",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbose_failures_show_causes_and_never_a_backtrace() {
        // SAFETY: the only test of this crate that reads RUST_BACKTRACE.
        unsafe { std::env::set_var("RUST_BACKTRACE", "1") };
        let error = anyhow::anyhow!("root cause").context("cannot list the seats");
        assert_eq!(
            failure_text(&error, false),
            "error: cannot list the seats: root cause"
        );
        let verbose = failure_text(&error, true);
        assert_eq!(
            verbose,
            "error: cannot list the seats\n\nCaused by:\n    0: root cause"
        );
        assert!(!verbose.contains("backtrace"));
    }

    #[test]
    fn a_panic_is_one_line_asking_for_a_report() {
        let line = panic_line("index out of bounds", " at src/plan/mod.rs:1");
        assert!(line.starts_with("error: copilot-seats "), "{line}");
        assert!(
            line.contains("a bug (index out of bounds at src/plan/mod.rs:1): please report it")
        );
        assert!(!line.contains('\n'));
    }
}
