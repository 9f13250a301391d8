//! `schema`, `completions SHELL` and `man`: the file's JSON Schema and the command line's
//! shell completions and man page, all printed to stdout.

use crate::cli::Cli;
use crate::commands::EXIT_OK;
use clap::CommandFactory;

/// The JSON Schema (draft 2020-12) of `copilot-seats.yaml`.
pub const SCHEMA: &str = include_str!("../../schema/copilot-seats.schema.json");

pub fn schema() -> anyhow::Result<i32> {
    print!("{SCHEMA}");
    Ok(EXIT_OK)
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "copilot-seats", &mut std::io::stdout());
    Ok(EXIT_OK)
}

pub fn man() -> anyhow::Result<i32> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    print!("{}", String::from_utf8_lossy(&page));
    Ok(EXIT_OK)
}
