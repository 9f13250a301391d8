//! One file per subcommand: glue from the command line to the core and the renderers.
//! Shared here: the context every command gets, loading the file, the client, the date.

pub mod apply;
pub mod docs;
pub mod export;
pub mod plan;
pub mod seats;
pub mod status;
pub mod usage;
pub mod validate;

use crate::actions;
use crate::cli::{ColorChoice, GlobalArgs};
use crate::config::{self, FileErrors, LoadedFile};
use crate::github::auth::Credentials;
use crate::github::seats::fetch_live_state;
use crate::github::{Client, ClientConfig, GitHubError, Token};
use crate::model::LiveState;
use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Exit codes of SPEC 3.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_CHANGES: i32 = 2;

pub struct Context<'a> {
    pub global: &'a GlobalArgs,
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

impl Context<'_> {
    /// Loads the file; on errors prints each one and fails.
    pub fn load_file(&self) -> anyhow::Result<LoadedFile> {
        let path = &self.global.file;
        match config::load(path) {
            Ok(file) => Ok(file),
            Err(FileErrors(errors)) => Err(Reported {
                details: errors.iter().map(ToString::to_string).collect(),
                summary: format!(
                    "{} error(s) in `{}`: fix them and run again; nothing was changed",
                    errors.len(),
                    path.display()
                ),
                annotations: errors
                    .iter()
                    .map(|e| actions::error_annotation(&e.file, e.position, &e.message))
                    .collect(),
            }
            .into()),
        }
    }

    /// The org of `--org`, else of the file.
    pub fn org(&self, flag: Option<&str>) -> anyhow::Result<String> {
        Ok(self.org_and_file(flag)?.0)
    }

    /// The org of `--org`, else of the file, with the file when it was read.
    pub fn org_and_file(&self, flag: Option<&str>) -> anyhow::Result<(String, Option<LoadedFile>)> {
        if let Some(org) = flag {
            if let Err(why) = config::is_valid_login(org) {
                bail!("`{org}` is not an organization name: {why}");
            }
            return Ok((org.to_string(), None));
        }
        let path = &self.global.file;
        if !path.exists() {
            bail!(
                "no --org given and no `{}` to read the org from: pass --org ORG, or -f FILE",
                path.display()
            );
        }
        let file = self.load_file()?;
        Ok((file.desired.org.clone(), Some(file)))
    }

    /// A client for the seat calls on `org`: with the seat token, or a GitHub App's
    /// installation token for `org`.
    pub async fn client(&self, org: &str) -> anyhow::Result<Client> {
        let config = self.client_config();
        let token = Credentials::from_env()?
            .token_for(&config, org)
            .await
            .with_context(|| format!("cannot get a GitHub App token for `{org}`"))?;
        Ok(Client::new(&config, token)?)
    }

    pub fn client_with(&self, token: Token) -> anyhow::Result<Client> {
        Ok(Client::new(&self.client_config(), token)?)
    }

    fn client_config(&self) -> ClientConfig {
        ClientConfig {
            api_url: self.global.api_url.clone(),
            request_timeout: Duration::from_secs(self.global.request_timeout),
            max_rate_limit_wait: Duration::from_secs(self.global.max_rate_limit_wait),
            points_per_minute: self.global.points_per_minute,
            verbose: self.global.verbose,
        }
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

    /// All seats of `org`, `--max-concurrency` pages at a time, with a progress bar on a
    /// terminal when there are many pages.
    pub async fn fetch_seats(&self, client: &Client, org: &str) -> Result<LiveState, GitHubError> {
        let bar = if self.global.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(0)
        };
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} pages, {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(format!("Reading the seats of {org}"));
        let progress = |done: usize, pages: usize| {
            // A bar is worth showing only for long reads.
            if pages >= 20 {
                bar.set_length(pages as u64);
                bar.set_position(done as u64);
            }
        };
        let concurrency = usize::try_from(self.global.max_concurrency).unwrap_or(8);
        let live = fetch_live_state(client, org, concurrency, &progress).await;
        bar.finish_and_clear();
        live
    }

    /// Progress for people; silent with `-q`.
    pub fn info(&self, message: &str) {
        if !self.global.quiet {
            eprintln!("{message}");
        }
    }
}

/// `--today`, or today in UTC.
pub fn today(flag: Option<&str>) -> anyhow::Result<Date> {
    match flag {
        None => Ok(OffsetDateTime::now_utc().date()),
        Some(text) => match Date::parse(text, format_description!("[year]-[month]-[day]")) {
            Ok(date) => Ok(date),
            Err(_) => bail!("--today `{text}` is not a date: write it as YYYY-MM-DD"),
        },
    }
}

/// Now, as an RFC 3339 UTC timestamp to the second.
pub fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    now.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}
