//! One file per subcommand: glue from the command line to the core and the renderers.
//! Shared here: the context every command gets and how failures with several details are
//! reported. The steps commands share (client, live seats, look-ups, plan) are in
//! `pipeline`; no command imports another.
#![allow(clippy::disallowed_macros)] // the command layer prints

pub mod add;
pub mod apply;
pub mod docs;
pub mod export;
pub mod plan;
pub mod reclaim;
pub mod remove;
pub mod seats;
pub mod status;
pub mod usage;
pub mod validate;

use crate::actions;
use crate::cli::{ColorChoice, GlobalArgs};
use crate::config::{self, FileErrors, LoadedFile};
use crate::edit;
use crate::model::{LiveState, TargetKind};
use crate::pipeline::{self, Pipeline, Shared};
use crate::plan::{FailedTarget, Lookups, Plan, PlanErrors};
use crate::render;
use crate::targets::{self, Loaded};
use crate::yaml_locations::Position;
use anyhow::{Context as _, bail};
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::Date;

/// Checks a name given to `add`, with the error to show.
pub type NameCheck = Box<dyn Fn(&str) -> anyhow::Result<()>>;

/// Exit codes of SPEC 3.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_CHANGES: i32 = 2;
/// `apply` stopped by SIGINT or SIGTERM.
pub const EXIT_INTERRUPTED: i32 = 130;

#[derive(Clone)]
pub struct Context<'a> {
    pub global: &'a GlobalArgs,
    pub pipeline: Pipeline<'a>,
    /// The seat file this context works on: the run's only one, or one target's.
    pub file: PathBuf,
}

/// What the run's `-f` and `--target` come to: one seat file, as always, or many targets.
pub enum Scope<'a> {
    One(Context<'a>),
    Many(Loaded),
}

/// A failure with several details (file errors, plan errors): `run` prints each detail,
/// then the summary, and in GitHub Actions the annotations.
#[derive(Debug, thiserror::Error)]
#[error("{summary}")]
pub struct Reported {
    pub details: Vec<String>,
    pub summary: String,
    pub annotations: Vec<String>,
}

impl<'a> Context<'a> {
    /// Loads the file; on errors prints each one and fails.
    pub fn load_file(&self) -> anyhow::Result<LoadedFile> {
        let path = &self.file;
        config::load(path).map_err(|FileErrors(errors)| {
            let summary = format!(
                "{} error(s) in `{}`: fix them and run again; nothing was changed",
                errors.len(),
                path.display()
            );
            file_errors(&errors.iter().collect::<Vec<_>>(), summary)
        })
    }

    /// The files that could not be read, as targets that could not be planned.
    pub fn broken_targets(loaded: &Loaded) -> Vec<FailedTarget> {
        loaded
            .broken
            .iter()
            .map(|(path, errors)| FailedTarget {
                target: path.clone(),
                error: errors.to_string(),
            })
            .collect()
    }

    /// In GitHub Actions, prints an annotation for every error of the files that could not
    /// be read and of the targets that failed with file-related errors (non-members, …),
    /// each on its file and line, as a single file's errors get.
    pub fn annotate(loaded: &Loaded, failures: &[&anyhow::Error]) {
        if !actions::in_actions() {
            return;
        }
        let broken = loaded.broken.iter().flat_map(|(_, errors)| {
            errors
                .0
                .iter()
                .map(|e| actions::error_annotation(&e.file, e.position, &e.message))
        });
        let reported = failures
            .iter()
            .filter_map(|error| error.downcast_ref::<Reported>())
            .flat_map(|reported| reported.annotations.iter().cloned());
        for annotation in broken.chain(reported) {
            eprintln!("{annotation}");
        }
    }

    /// Fails with every error of every broken file, when there are any.
    pub fn fail_on_broken(&self, broken: &[(String, FileErrors)]) -> anyhow::Result<()> {
        if broken.is_empty() {
            return Ok(());
        }
        let errors: Vec<&config::FileError> = broken.iter().flat_map(|(_, e)| &e.0).collect();
        let summary = format!(
            "{} error(s) in {} file(s): fix them and run again; nothing was changed",
            errors.len(),
            broken.len()
        );
        Err(file_errors(&errors, summary))
    }

    /// The file's text and its validated content, for editing.
    pub fn file_to_edit(&self) -> anyhow::Result<(String, LoadedFile)> {
        let file = self.load_file()?;
        let text = std::fs::read_to_string(&self.file)
            .with_context(|| format!("cannot read `{}`", self.file.display()))?;
        Ok((text, file))
    }

    /// Writes an edited file, or with `dry_run` prints its diff. The result must validate,
    /// else nothing is written; the write is atomic (a temporary file beside it, renamed
    /// over it) and keeps the file's permissions.
    pub fn write_edited(&self, before: &str, after: &str, dry_run: bool) -> anyhow::Result<()> {
        let name = self.file.display().to_string();
        if let Err(FileErrors(errors)) = config::parse(&name, after) {
            return Err(Reported {
                details: errors.iter().map(ToString::to_string).collect(),
                summary: format!("the edited `{name}` would not be valid: nothing was written"),
                annotations: Vec::new(),
            }
            .into());
        }
        if dry_run {
            print!("{}", render::text::file_diff(before, after, &name));
            return Ok(());
        }
        if before == after {
            return Ok(());
        }
        let permissions = std::fs::metadata(&self.file)
            .with_context(|| format!("cannot read `{name}`"))?
            .permissions();
        let file_name = self
            .file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "copilot-seats.yaml".into());
        let temporary = self
            .file
            .with_file_name(format!(".{file_name}.copilot-seats-{}", std::process::id()));
        let written = std::fs::write(&temporary, after)
            .and_then(|()| std::fs::set_permissions(&temporary, permissions))
            .and_then(|()| std::fs::rename(&temporary, &self.file));
        if let Err(error) = written {
            let _ = std::fs::remove_file(&temporary);
            bail!("cannot write `{name}`: {error}; it is unchanged");
        }
        Ok(())
    }

    /// The list that `add`/`remove` edit: a cost center's resources with `--cost-center`
    /// (an enterprise file's), else the seats' users or teams; and a check of a name.
    pub fn list_to_edit<'l>(
        &self,
        file: &LoadedFile,
        cost_center: Option<&'l str>,
        (team, org, repo): (bool, bool, bool),
    ) -> anyhow::Result<(edit::ListAt<'l>, &'static str, NameCheck)> {
        use crate::kinds::cost_centers::{ResourceType, valid};
        let Some(name) = cost_center else {
            let list = edit::List::of(file.desired.kind, team);
            let check = move |n: &str| {
                (list.valid)(n)
                    .map_err(|why| anyhow::anyhow!("`{n}` is not a valid {}: {why}", list.what))
            };
            return Ok((edit::ListAt::Top(list.key), list.name_key, Box::new(check)));
        };
        if file.desired.kind != TargetKind::Enterprise {
            bail!(
                "--cost-center edits an enterprise file (`enterprise: SLUG`): cost centers belong to the enterprise"
            );
        }
        let kind = match (team, org, repo) {
            (true, _, _) => ResourceType::Team,
            (_, true, _) => ResourceType::Organization,
            (_, _, true) => ResourceType::Repository,
            _ => ResourceType::User,
        };
        let check = move |n: &str| {
            valid(kind, n)
                .map_err(|why| anyhow::anyhow!("`{n}` is not a valid {}: {why}", kind.noun()))
        };
        Ok((
            edit::ListAt::CostCenter {
                name,
                key: kind.key(),
            },
            "name",
            Box::new(check),
        ))
    }

    /// The org of `--org`, else of the file.
    pub fn org(&self, flag: Option<&str>) -> anyhow::Result<String> {
        Ok(self.org_and_file(flag)?.0)
    }

    /// The org of `--org`, else of the file, with the file when it was read.
    pub fn org_and_file(&self, flag: Option<&str>) -> anyhow::Result<(String, Option<LoadedFile>)> {
        if let Some(org) = flag {
            if let Err(why) = config::is_valid_account(org) {
                bail!("`{org}` is not an organization name: {why}");
            }
            return Ok((org.to_string(), None));
        }
        let target = self.one_target()?;
        let path = &target.file;
        if !path.exists() {
            bail!(
                "no --org given and no `{}` to read the org from: pass --org ORG, or -f FILE",
                path.display()
            );
        }
        let file = target.load_file()?;
        if file.desired.kind == TargetKind::Enterprise {
            bail!(
                "`{}` is an enterprise file: `seats` and `export` take --enterprise {}; `status` and `usage` are for orgs (--org ORG)",
                path.display(),
                file.desired.org
            );
        }
        Ok((file.desired.org.clone(), Some(file)))
    }

    /// Colour for the text output: `--color`, else a terminal without `NO_COLOR`.
    pub fn color(&self) -> bool {
        match self.global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    /// Progress for people; silent with `-q`.
    pub fn info(&self, message: &str) {
        if !self.global.quiet {
            eprintln!("{message}");
        }
    }

    pub fn new(global: &'a GlobalArgs) -> Context<'a> {
        let log: fn(fmt::Arguments<'_>) = log_line;
        Context {
            global,
            pipeline: Pipeline {
                global,
                log: global.verbose.then_some(log),
                notice: (!global.quiet).then_some(log),
                minted: actions::in_actions().then_some(mask as fn(&str)),
                shared: Arc::new(Shared::new(
                    usize::try_from(global.max_concurrency).unwrap_or(8),
                )),
            },
            file: global
                .file
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("copilot-seats.yaml")),
        }
    }

    /// This context, for another seat file (one target's).
    pub fn for_file(&self, path: &Path) -> Context<'a> {
        Context {
            file: path.to_path_buf(),
            ..self.clone()
        }
    }

    /// The run's seat files: one (everything as it always was), or many targets, loaded and
    /// narrowed by `--target`.
    pub fn scope(&self) -> anyhow::Result<Scope<'a>> {
        let files = targets::seat_files(&self.global.file).map_err(anyhow::Error::msg)?;
        if files.len() == 1 && self.global.target.is_empty() {
            return Ok(Scope::One(self.for_file(&files[0])));
        }
        let loaded = targets::narrow(targets::load(&files), &self.global.target)
            .map_err(anyhow::Error::msg)?;
        if files.len() == 1 {
            return Ok(Scope::One(self.for_file(&files[0])));
        }
        Ok(Scope::Many(loaded))
    }

    /// The one target of a run for commands that take one (`seats`, `status`, `usage`):
    /// this context when there is one file, else the one `--target` left.
    pub fn one_target(&self) -> anyhow::Result<Context<'a>> {
        match self.scope()? {
            Scope::One(ctx) => Ok(ctx),
            Scope::Many(loaded) if loaded.targets.len() == 1 && loaded.broken.is_empty() => {
                Ok(self.for_file(Path::new(&loaded.targets[0].path)))
            }
            Scope::Many(loaded) => {
                let names: Vec<&str> = loaded
                    .targets
                    .iter()
                    .map(|t| t.desired.org.as_str())
                    .collect();
                bail!(
                    "this command works on one org, and -f names {} targets ({}): pick one with --target NAME or --org ORG",
                    loaded.targets.len() + loaded.broken.len(),
                    names.join(", ")
                )
            }
        }
    }

    /// `--today`, or today in UTC.
    pub fn today(&self) -> anyhow::Result<Date> {
        pipeline::today(self.global.today.as_deref())
    }

    /// Runs the planner for `file`; plan errors are printed each on its line.
    pub fn plan(
        &self,
        file: &LoadedFile,
        live: &LiveState,
        lookups: &Lookups,
        today: Date,
    ) -> anyhow::Result<Plan> {
        let planned = pipeline::plan(file, live, lookups, today).map(|plan| Plan {
            write_interval_ms: Some(self.global.write_interval_ms),
            ..plan
        });
        planned.map_err(|PlanErrors(errors)| {
            Reported {
                summary: format!(
                    "{} problem(s) prevent a plan; nothing was changed",
                    errors.len()
                ),
                annotations: errors
                    .iter()
                    .map(|e| {
                        let position = e.line.map(|line| Position { line, column: 1 });
                        actions::error_annotation(&file.path, position, &e.message)
                    })
                    .collect(),
                details: errors.into_iter().map(|e| e.message).collect(),
            }
            .into()
        })
    }

    /// Warns of seats GitHub listed without an assignee, which `what` leaves out.
    pub fn warn_unassigned(&self, live: &LiveState, what: &str) {
        if live.seats_without_assignee > 0 {
            eprintln!(
                "warning: {} seat(s) have no assignee in GitHub's answer and are not {what}",
                live.seats_without_assignee
            );
        }
    }
}

/// Appends to the GitHub Actions job summary, when there is one.
pub fn summarize(markdown: &str) {
    if let Err(error) = actions::append_step_summary(markdown) {
        eprintln!("warning: cannot append to GITHUB_STEP_SUMMARY: {error}");
    }
}

/// File errors as one failure: each error on its line, and an annotation each in Actions.
fn file_errors(errors: &[&config::FileError], summary: String) -> anyhow::Error {
    Reported {
        details: errors.iter().map(ToString::to_string).collect(),
        summary,
        annotations: errors
            .iter()
            .map(|e| actions::error_annotation(&e.file, e.position, &e.message))
            .collect(),
    }
    .into()
}

/// Asks the Actions runner to mask a token we minted, on stderr (the runner reads workflow
/// commands there too, and stdout may be a JSON plan).
fn mask(secret: &str) {
    eprintln!("{}", actions::mask_command(secret));
}

/// The client's `-v` lines.
fn log_line(line: fmt::Arguments<'_>) {
    eprintln!("copilot-seats: {line}");
}
