//! copilot-seats reads `copilot-seats.yaml` into a `DesiredState` (config), reads the
//! organization's seats from GitHub's REST API into a `LiveState` (github), computes a
//! `Plan` from the two with a pure function (plan), shapes it as text or JSON (render), and
//! on `apply` sends the plan's requests one at a time (apply). `run` is the whole program.

pub mod actions;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod github;
pub mod inventory;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod yaml_locations;

use clap::Parser as _;
use cli::{Cli, Command};
use commands::{Context, EXIT_ERROR, EXIT_OK, Reported};
use std::ffi::OsString;

/// The whole program: parse the arguments, run the command, print a failure as one line
/// (with its causes under `-v`), and return the exit code.
#[allow(clippy::disallowed_macros)] // prints the failure
pub async fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
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
        Command::Schema => commands::docs::schema(),
        Command::Completions { shell } => commands::docs::completions(*shell),
        Command::Man => commands::docs::man(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if let Some(reported) = error.downcast_ref::<Reported>() {
                for detail in &reported.details {
                    eprintln!("error: {detail}");
                }
                if actions::in_actions() {
                    for annotation in &reported.annotations {
                        eprintln!("{annotation}");
                    }
                }
            }
            if cli.global.verbose {
                eprintln!("error: {error:?}");
            } else {
                eprintln!("error: {error:#}");
            }
            EXIT_ERROR
        }
    }
}
