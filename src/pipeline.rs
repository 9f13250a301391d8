//! The steps that several commands share, in one place: a client for a target's calls,
//! the live seats (read from GitHub or from a snapshot), the billing preflight, the
//! look-ups the planner needs, and the plan with this run's metadata. Commands call these
//! and never each other; new kinds of targets plug in here.

use crate::apply::{Outcome, Replanned};
use crate::cli::GlobalArgs;
use crate::config::LoadedFile;
use crate::github::client::LogSink;
use crate::github::members;
use crate::github::owner::Owner;
use crate::github::pacing::PointsPacer;
use crate::github::seats::{self, Billing, fetch_billing, fetch_live_state};
use crate::github::{
    Client, ClientConfig, Credentials, GitHubError, Token, TokenSource, installation,
};
use crate::kinds::{self, KindInput, Section, SectionKind};
use crate::model::{DesiredState, LiveState, TargetKind};
use crate::plan::{self, FORMAT_VERSION, Lookups, Plan, PlanErrors, PlanMeta, Request, TeamLookup};
use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use time::Date;
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::sync::Semaphore;

/// The shared steps, set up from the global flags.
#[derive(Clone)]
pub struct Pipeline<'a> {
    pub global: &'a GlobalArgs,
    /// Where the client's `-v` lines go.
    pub log: Option<LogSink>,
    /// Where the client's lines for people go (`None` with `-q`).
    pub notice: Option<LogSink>,
    /// Told each token this process mints (a GitHub App's installation token), so that
    /// GitHub Actions can mask it in the job log.
    pub minted: Option<fn(&str)>,
    /// What every client of the run shares: a points pacer per token, and the places of
    /// `--max-concurrency`.
    pub shared: Arc<Shared>,
}

/// Limits that hold across the targets of a run.
#[derive(Debug)]
pub struct Shared {
    /// By token: the seat token, or an App's installation token per org.
    pacers: std::sync::Mutex<BTreeMap<String, Arc<PointsPacer>>>,
    permits: Arc<Semaphore>,
}

impl Shared {
    pub fn new(max_concurrency: usize) -> Shared {
        Shared {
            pacers: std::sync::Mutex::new(BTreeMap::new()),
            permits: Arc::new(Semaphore::new(max_concurrency.max(1))),
        }
    }

    fn pacer(&self, key: String, per_minute: u32) -> Arc<PointsPacer> {
        let mut pacers = self
            .pacers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pacers
            .entry(key)
            .or_insert_with(|| Arc::new(PointsPacer::new(per_minute)))
            .clone()
    }
}

impl Pipeline<'_> {
    /// A client for the calls on `owner`: with the seat token, or a GitHub App's
    /// installation token for that org or enterprise, renewed before it runs out.
    pub async fn client(&self, owner: &Owner) -> anyhow::Result<Client> {
        self.check_api_url()?;
        let config = self.client_config();
        let name = owner.name.as_str();
        let credentials = Credentials::from_env()?;
        let (lease, renewal) = installation::token_for(credentials, &config, owner, self.minted)
            .await
            .with_context(|| format!("cannot get a GitHub App token for `{name}`"))?;
        // GitHub counts its limits per token: an App's installation token is per org (or
        // enterprise), and so is its pacer.
        let key = match (lease.token.source(), owner.kind) {
            (TokenSource::App, TargetKind::Org) => format!("app:org:{}", name.to_ascii_lowercase()),
            (TokenSource::App, TargetKind::Enterprise) => {
                format!("app:enterprise:{}", name.to_ascii_lowercase())
            }
            _ => "token".to_string(),
        };
        let pacer = self.shared.pacer(key, self.global.points_per_minute);
        let client = match renewal {
            Some(renewal) => Client::new(&config, lease.token.clone())?.renewing(lease, renewal),
            None => Client::new(&config, lease.token)?,
        };
        Ok(client.sharing(pacer, self.shared.permits.clone()))
    }

    /// A plain-http `--api-url` sends the token in clear: allowed to this machine (tests,
    /// a local proxy), refused to another host unless `--allow-insecure-http`.
    fn check_api_url(&self) -> anyhow::Result<()> {
        let url = self.global.api_url.trim();
        let Some(rest) = url.strip_prefix("http://") else {
            return Ok(());
        };
        let authority = rest.split('/').next().unwrap_or("");
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority
                .rsplit_once(':')
                .map_or(authority, |(host, _)| host),
        };
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if loopback || self.global.allow_insecure_http {
            return Ok(());
        }
        bail!(
            "--api-url `{url}` is plain http to `{host}`: the token would cross the network in clear; use https, or pass --allow-insecure-http if this network is trusted"
        )
    }

    pub fn client_with(&self, token: Token) -> anyhow::Result<Client> {
        self.check_api_url()?;
        Ok(Client::new(&self.client_config(), token)?)
    }

    fn client_config(&self) -> ClientConfig {
        ClientConfig {
            api_url: self.global.api_url.clone(),
            request_timeout: Duration::from_secs(self.global.request_timeout),
            max_rate_limit_wait: Duration::from_secs(self.global.max_rate_limit_wait),
            points_per_minute: self.global.points_per_minute,
            log: self.log,
            notice: self.notice,
            bars: !self.global.quiet && std::io::stderr().is_terminal(),
        }
    }

    fn concurrency(&self) -> usize {
        usize::try_from(self.global.max_concurrency).unwrap_or(8)
    }

    /// All seats of `owner`, `--max-concurrency` pages at a time, with a progress bar on a
    /// terminal when there are many pages.
    pub async fn fetch_seats(
        &self,
        client: &Client,
        owner: &Owner,
    ) -> Result<LiveState, GitHubError> {
        let org = &owner.name;
        // Hidden until a read proves long: a small list draws nothing.
        let bar = ProgressBar::hidden();
        let drawable = !self.global.quiet && std::io::stderr().is_terminal();
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} pages, {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(format!("Reading the seats of {org}"));
        let progress = |done: usize, pages: usize| {
            // A bar is worth showing only for long reads.
            if pages >= 20 && drawable {
                if bar.is_hidden() {
                    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                }
                bar.set_length(pages as u64);
                bar.set_position(done as u64);
            }
        };
        let live = fetch_live_state(client, owner, self.concurrency(), &progress).await;
        bar.finish_and_clear();
        live
    }

    /// The seats of `owner` from the snapshot `state` when given, else from GitHub, with
    /// the client that read them (for further look-ups).
    pub async fn seats(
        &self,
        state: Option<&Path>,
        owner: &Owner,
    ) -> anyhow::Result<(LiveState, Option<Client>)> {
        match state {
            Some(path) => Ok((read_snapshot_of(path, owner.kind)?, None)),
            None => {
                let client = self.client(owner).await?;
                let live = self.fetch_seats(&client, owner).await.with_context(|| {
                    format!("cannot list the Copilot seats of `{}`", owner.name)
                })?;
                Ok((live, Some(client)))
            }
        }
    }

    /// The live seats of `owner`; for an org with the billing preflight (seat changes
    /// need `assign_selected`), read at the same time. An enterprise has no such setting.
    pub async fn live(
        &self,
        client: &Client,
        owner: &Owner,
    ) -> anyhow::Result<(LiveState, Option<Billing>)> {
        match owner.kind {
            TargetKind::Org => {
                let (live, billing) = self.live_and_billing(client, &owner.name).await?;
                Ok((live, Some(billing)))
            }
            TargetKind::Enterprise => {
                let live = self.fetch_seats(client, owner).await.with_context(|| {
                    format!(
                        "cannot list the Copilot licences of enterprise `{}`",
                        owner.name
                    )
                })?;
                Ok((live, None))
            }
        }
    }

    /// The billing preflight and all seat pages of an org, read at the same time.
    async fn live_and_billing(
        &self,
        client: &Client,
        org: &str,
    ) -> anyhow::Result<(LiveState, Billing)> {
        let owner = Owner::org(org);
        let (billing, live) =
            tokio::join!(fetch_billing(client, org), self.fetch_seats(client, &owner));
        let billing = billing
            .with_context(|| format!("cannot read the Copilot billing settings of `{org}`"))?;
        let setting = billing
            .seat_management_setting
            .as_deref()
            .unwrap_or("unknown");
        if setting != "assign_selected" {
            bail!(
                "`{org}` assigns Copilot seats with `{setting}`, and GitHub accepts seat changes only with `assign_selected`: in the org's settings, under Copilot > Access, choose \"Selected members\""
            );
        }
        let live = live.with_context(|| format!("cannot list the Copilot seats of `{org}`"))?;
        Ok((live, billing))
    }

    /// The live state and look-ups for a plan: the billing preflight, all seat pages, the
    /// membership of users to add and every declared team, with bounded concurrency.
    pub async fn live_and_lookups(
        &self,
        client: &Client,
        desired: &DesiredState,
        today: Date,
    ) -> anyhow::Result<(LiveState, Lookups)> {
        let owner = owner_of(desired);
        let org = desired.org.as_str();
        let (live, billing) = self.live(client, &owner).await?;
        let needed = plan::lookups_needed(desired, &live, today);
        let membership = match owner.kind {
            TargetKind::Org => {
                // Every seat holder is a member: a lower bound of the member pages.
                let seat_holders = live.seats.len() as u64;
                members::membership(client, org, needed.users, seat_holders, self.concurrency())
                    .await
                    .context("cannot check org membership of the users to add")?
            }
            // No membership check for enterprise licences: GitHub's answer to the write
            // names unknown users (404), and apply drops them.
            TargetKind::Enterprise => BTreeMap::new(),
        };
        let teams = members::teams(client, &owner, needed.teams, self.concurrency())
            .await
            .context("cannot look up the declared teams")?
            .into_iter()
            .map(|(slug, info)| {
                let lookup = match info {
                    Some(info) => TeamLookup::Found(info),
                    None => TeamLookup::Missing,
                };
                (slug, lookup)
            })
            .collect();
        let lookups = Lookups {
            membership: Some(membership),
            teams,
            plan_type: billing.and_then(|b| b.plan_type),
        };
        Ok((live, lookups))
    }
}

impl Pipeline<'_> {
    /// Adds to `plan` the part of every section kind the file declares (SPEC 13), in
    /// apply order.
    pub async fn plan_sections(
        &self,
        plan: &mut Plan,
        file: &LoadedFile,
        client: Option<&Client>,
        today: Date,
    ) -> anyhow::Result<()> {
        for kind in kinds::sections() {
            if !file.desired.declares(kind) {
                continue;
            }
            let section = self.plan_section(kind, file, client, today).await?;
            plan.add_section(kind.name(), section);
        }
        Ok(())
    }

    async fn plan_section(
        &self,
        kind: &dyn SectionKind,
        file: &LoadedFile,
        client: Option<&Client>,
        today: Date,
    ) -> anyhow::Result<Section> {
        let input = KindInput {
            file,
            client,
            today,
        };
        kind.plan(&input)
            .await
            .with_context(|| format!("cannot plan the {} of `{}`", kind.title(), file.desired.org))
    }

    /// `kind` planned again from the live state after an unclear failure at apply.
    pub async fn replan(
        &self,
        client: &Client,
        file: &LoadedFile,
        today: Date,
        kind: &str,
    ) -> anyhow::Result<Replanned> {
        if let Some(section) = kinds::sections().into_iter().find(|k| k.name() == kind) {
            let planned = self
                .plan_section(section, file, Some(client), today)
                .await?;
            let requests = planned
                .requests
                .into_iter()
                .map(|r| Request {
                    kind: Some(kind.to_string()),
                    ..r
                })
                .collect();
            // What the new plan no longer sends is in effect.
            return Ok(Replanned {
                requests,
                settle: Box::new(|_| Outcome::AlreadyDone),
            });
        }
        let (live, lookups) = self.live_and_lookups(client, &file.desired, today).await?;
        let plan = plan(file, &live, &lookups, today)?;
        Ok(Replanned {
            requests: plan.requests,
            settle: Box::new(move |item| kinds::seats::settle_after_reread(&live, item)),
        })
    }
}

/// Where the target of a file is.
pub fn owner_of(desired: &DesiredState) -> Owner {
    Owner {
        kind: desired.kind,
        name: desired.org.clone(),
    }
}

/// Runs the planner with the metadata of this run.
pub fn plan(
    file: &LoadedFile,
    live: &LiveState,
    lookups: &Lookups,
    today: Date,
) -> Result<Plan, PlanErrors> {
    let meta = PlanMeta {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        org: match file.desired.kind {
            TargetKind::Org => file.desired.org.clone(),
            TargetKind::Enterprise => String::new(),
        },
        enterprise: (file.desired.kind == TargetKind::Enterprise).then(|| file.desired.org.clone()),
        generated_at: now_rfc3339(),
        file_digest: file.digest.clone(),
        live_state_digest: Some(live.digest()),
        live_state_digests: std::collections::BTreeMap::new(),
        file: Some(file.path.clone()),
    };
    plan::plan(&file.desired, live, lookups, today, meta)
}

/// Reads an offline seat snapshot of an org or (one object per grant) an enterprise.
pub fn read_snapshot_of(path: &Path, kind: TargetKind) -> anyhow::Result<LiveState> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the seat snapshot `{}`", path.display()))?;
    seats::live_state_from_snapshot_of(&text, kind).with_context(|| {
        format!(
            "`{}` is not a seat snapshot: it must hold GitHub's seat-list answer {{\"total_seats\": N, \"seats\": [...]}}, an array of them, or the pages `gh api --paginate /orgs/ORG/copilot/billing/seats` prints",
            path.display()
        )
    })
}

/// With several targets, `--state DIR` holds one snapshot per target: `DIR/ORG.json`.
pub fn snapshot_of(dir: &Path, org: &str) -> anyhow::Result<PathBuf> {
    if !dir.is_dir() {
        bail!(
            "with several targets, --state names a directory holding a snapshot per target (`{}/{org}.json`), not a file",
            dir.display()
        );
    }
    let path = dir.join(format!("{org}.json"));
    if !path.is_file() {
        bail!(
            "no snapshot for `{org}`: --state {} holds no `{org}.json`",
            dir.display()
        );
    }
    Ok(path)
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
