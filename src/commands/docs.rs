//! `schema`, `completions SHELL` and `man`: the file's JSON Schema and the command line's
//! shell completions and man page, all printed to stdout.

use crate::cli;
use crate::commands::EXIT_OK;
use anyhow::Context as _;
use std::path::Path;

/// The JSON Schema (draft 2020-12) of `copilot-seats.yaml`.
pub const SCHEMA: &str = include_str!("../../schema/copilot-seats.schema.json");

pub fn schema() -> anyhow::Result<i32> {
    print!("{SCHEMA}");
    Ok(EXIT_OK)
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut command = cli::command();
    clap_complete::generate(shell, &mut command, "copilot-seats", &mut std::io::stdout());
    Ok(EXIT_OK)
}

/// The man page. Printed, it is one page whose COMMANDS section names no other page (none
/// is installed with it); with `out_dir`, every command's page is written beside it, and the
/// main page's links to them resolve.
pub fn man(out_dir: Option<&Path>) -> anyhow::Result<i32> {
    let command = cli::command();
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        clap_mangen::generate_to(command, dir)
            .with_context(|| format!("cannot write the man pages into `{}`", dir.display()))?;
        return Ok(EXIT_OK);
    }
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    page.extend_from_slice(b".SH COMMANDS\n");
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        page.extend_from_slice(
            format!(".TP\n\\fB{}\\fR\n{}\n", sub.get_name(), roff_text(&about)).as_bytes(),
        );
    }
    page.extend_from_slice(
        b".PP\n`copilot-seats COMMAND --help` lists each command's flags; `copilot-seats man --out-dir DIR` writes one page per command.\n",
    );
    man.render_extra_section(&mut page)?;
    man.render_version_section(&mut page)?;
    print!("{}", String::from_utf8_lossy(&page));
    Ok(EXIT_OK)
}

/// Text safe in a roff paragraph: no leading control character, backslashes escaped.
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\e");
    if text.starts_with('.') || text.starts_with('\'') {
        format!("\\&{text}")
    } else {
        text
    }
}
