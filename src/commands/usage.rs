//! `usage` (SPEC 12): the Copilot usage reports of an org, an enterprise or every target of
//! `-f DIR`, summarised: the latest 28 days (or `--day`, `--since`/`--until`), `--users`,
//! `--team SLUG`; read from GitHub (links never shown, the token never sent to the file
//! host) or, with `--from DIR`, from files an earlier `--download DIR` kept.

use crate::cli::{UsageArgs, UsageFormat};
use crate::commands::{Context, EXIT_ERROR, EXIT_OK, Scope, summarize};
use crate::github::owner::Owner;
use crate::github::usage::{self, Downloads, Fetched};
use crate::github::{Client, GitHubError};
use crate::model::TargetKind;
use crate::render;
use crate::usage::records::{AggregateLine, UserDay, UserTeam, decode};
use crate::usage::summary::{Usage, UsageSummary, join_seats};
use anyhow::{Context as _, bail};
use futures::{StreamExt, stream};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use time::Date;
use time::macros::format_description;

/// How many days' reports are read at once.
const DAYS_AT_ONCE: usize = 4;

pub async fn run(ctx: &Context<'_>, args: &UsageArgs) -> anyhow::Result<i32> {
    let owners = owners(ctx, args)?;
    let days = window(args, ctx.today()?)?;
    let many = owners.len() > 1;
    let mut summaries = Vec::new();
    let mut failed = 0;
    for owner in &owners {
        let place = |dir: &PathBuf| {
            if many {
                dir.join(&owner.name)
            } else {
                dir.clone()
            }
        };
        let reading = Reading {
            owner,
            days: &days,
            team: args.team.as_deref(),
            save: args.download.as_ref().map(place),
            from: args.from.as_ref().map(place),
        };
        match summarise(ctx, args, &reading).await {
            Ok(summary) => summaries.push(summary),
            Err(error) if many => {
                failed += 1;
                eprintln!("error: {}: {error:#}", owner.name);
            }
            Err(error) => return Err(error),
        }
    }
    let markdown = render::usage::markdown(&summaries);
    print!(
        "{}",
        match args.format {
            UsageFormat::Text => render::usage::text(&summaries),
            UsageFormat::Csv => render::usage::csv(&summaries, args.users),
            UsageFormat::Json => render::usage::json(&summaries),
            UsageFormat::Markdown => markdown.clone(),
        }
    );
    if args.format == UsageFormat::Markdown {
        summarize(&markdown);
    }
    let shown = summaries.iter().any(|s| s.days.iter().any(|d| d.ready));
    Ok(if shown && failed == 0 {
        EXIT_OK
    } else if shown {
        EXIT_ERROR
    } else {
        if !summaries.is_empty() {
            eprintln!(
                "error: GitHub has no report for these days yet (reports come within about two full UTC days): try earlier days"
            );
        }
        EXIT_ERROR
    })
}

/// The targets: `--org`, `--enterprise`, else the file's, or every target of `-f DIR`.
fn owners(ctx: &Context<'_>, args: &UsageArgs) -> anyhow::Result<Vec<Owner>> {
    let check = |name: &str, what: &str| {
        crate::config::is_valid_account(name)
            .map_err(|why| anyhow::anyhow!("`{name}` is not {what}: {why}"))
    };
    if let Some(slug) = &args.enterprise {
        check(slug, "an enterprise slug")?;
        return Ok(vec![Owner::enterprise(slug)]);
    }
    if let Some(org) = &args.org {
        check(org, "an organization name")?;
        return Ok(vec![Owner::org(org)]);
    }
    let owner = |kind: TargetKind, name: &str| Owner {
        kind,
        name: name.to_string(),
    };
    match ctx.scope()? {
        Scope::One(one) => {
            if !one.file.exists() {
                bail!(
                    "no --org or --enterprise given and no `{}` to read the target from: pass --org ORG, --enterprise SLUG or -f FILE",
                    one.file.display()
                );
            }
            let file = one.load_file()?;
            Ok(vec![owner(file.desired.kind, &file.desired.org)])
        }
        Scope::Many(loaded) => {
            if let Some(broken) = loaded.broken.first() {
                bail!("{}: {}", broken.0, broken.1);
            }
            Ok(loaded
                .targets
                .iter()
                .map(|t| owner(t.desired.kind, &t.desired.org))
                .collect())
        }
    }
}

/// The days asked for: `None` for the latest 28-day report, else each day.
fn window(args: &UsageArgs, today: Date) -> anyhow::Result<Option<Vec<Date>>> {
    let parse = |flag: &str, text: &str| {
        Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map_err(|_| anyhow::anyhow!("{flag} `{text}` is not a date: write it as YYYY-MM-DD"))
    };
    let yesterday = today.previous_day().unwrap_or(today);
    if let Some(day) = &args.day {
        return Ok(Some(vec![parse("--day", day)?]));
    }
    let until = match &args.until {
        Some(text) => parse("--until", text)?,
        None => yesterday,
    };
    let since = match (&args.since, &args.team, &args.until) {
        (Some(text), _, _) => parse("--since", text)?,
        // A team's default: the last 7 complete days.
        (None, Some(_), _) => until - time::Duration::days(6),
        (None, None, Some(_)) => until - time::Duration::days(27),
        (None, None, None) => return Ok(None),
    };
    if since > until {
        bail!("--since {since} is after --until {until}: give the earlier day first");
    }
    let count = (until - since).whole_days() + 1;
    if count > 366 {
        bail!("{count} days asked for: GitHub keeps the reports one year; ask for fewer days");
    }
    Ok(Some(
        (0..count)
            .map(|n| since + time::Duration::days(n))
            .collect(),
    ))
}

/// What one target's reading needs.
struct Reading<'a> {
    owner: &'a Owner,
    days: &'a Option<Vec<Date>>,
    team: Option<&'a str>,
    save: Option<PathBuf>,
    from: Option<PathBuf>,
}

/// Where the files come from: GitHub, or a directory of saved ones.
enum Source {
    GitHub {
        client: Box<Client>,
        downloads: Downloads,
    },
    Saved(PathBuf),
}

async fn summarise(
    ctx: &Context<'_>,
    args: &UsageArgs,
    reading: &Reading<'_>,
) -> anyhow::Result<UsageSummary> {
    let owner = reading.owner;
    let source = match &reading.from {
        Some(dir) => {
            if !dir.is_dir() {
                bail!(
                    "--from `{}` is not a directory of files saved by usage --download",
                    dir.display()
                );
            }
            Source::Saved(dir.clone())
        }
        None => Source::GitHub {
            client: Box::new(ctx.pipeline.client(owner).await?),
            downloads: Downloads::new(
                &ctx.global.api_url,
                Duration::from_secs(ctx.global.request_timeout),
            )?,
        },
    };
    if let Some(dir) = &reading.save {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    let usage = Mutex::new(match reading.team {
        Some(slug) => Usage::for_team(slug),
        None => Usage::default(),
    });
    let aggregate = match owner.kind {
        TargetKind::Org => "organization",
        TargetKind::Enterprise => "enterprise",
    };
    let reports = match (reading.team, args.users) {
        (Some(_), _) => vec![Report::Teams, Report::Users],
        (None, true) => vec![Report::Users],
        (None, false) => vec![Report::Aggregate(aggregate), Report::Users],
    };
    let label = match (reading.team, args.users, reading.days) {
        (Some(_), _, _) => "user-teams-1-day".to_string(),
        (None, true, None) => "users-28-day".to_string(),
        (None, true, Some(_)) => "users-1-day".to_string(),
        (None, false, None) => format!("{aggregate}-28-day"),
        (None, false, Some(_)) => format!("{aggregate}-1-day"),
    };
    match reading.days {
        None => {
            for report in &reports {
                read(&source, reading, *report, None, &usage).await?;
            }
        }
        Some(days) => {
            let mut each_day = stream::iter(days.iter())
                .map(|day| read_day(&source, reading, &reports, *day, &usage))
                .buffer_unordered(DAYS_AT_ONCE);
            while let Some(result) = each_day.next().await {
                result?;
            }
        }
    }
    let usage = usage
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if usage.unreadable > 0 {
        ctx.info(&format!(
            "{}: {} line(s) of the report files were not records and were skipped",
            owner.name, usage.unreadable
        ));
    }
    let mut summary = usage.summary(&owner.name, &label, args.users);
    if let (Some(rows), Source::GitHub { client, .. }) = (summary.users.as_mut(), &source) {
        let live = ctx
            .pipeline
            .fetch_seats(client, owner)
            .await
            .with_context(|| format!("cannot list the Copilot seats of `{}`", owner.name))?;
        let seats: BTreeMap<String, Option<String>> = live
            .active_seats()
            .map(|s| {
                (
                    s.login.key(),
                    s.last_activity_at.as_deref().map(str::to_string),
                )
            })
            .collect();
        join_seats(rows, &seats);
    }
    Ok(summary)
}

/// A report file's kind, and how its lines are read.
#[derive(Clone, Copy, Debug)]
enum Report {
    /// `organization-…` or `enterprise-…`.
    Aggregate(&'static str),
    Users,
    Teams,
}

impl Report {
    fn name(self, daily: bool) -> String {
        let span = if daily { "1-day" } else { "28-day" };
        match self {
            Report::Aggregate(owner) => format!("{owner}-{span}"),
            Report::Users => format!("users-{span}"),
            Report::Teams => "user-teams-1-day".to_string(),
        }
    }

    fn add(self, line: &[u8], usage: &Mutex<Usage>) {
        let mut usage = usage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let read = match self {
            Report::Aggregate(_) => decode::<AggregateLine>(line).map(|record| {
                record
                    .days()
                    .into_iter()
                    .for_each(|d| usage.add_aggregate(d))
            }),
            Report::Users => decode::<UserDay>(line).map(|record| usage.add_user_day(record)),
            Report::Teams => decode::<UserTeam>(line).map(|record| usage.add_user_team(record)),
        };
        // A blank line is no record, but not a bad one either.
        if read.is_none() && !line.trim_ascii().is_empty() {
            usage.unreadable += 1;
        }
    }
}

/// One day's reports, in order (a team's memberships before its users).
async fn read_day(
    source: &Source,
    reading: &Reading<'_>,
    reports: &[Report],
    day: Date,
    usage: &Mutex<Usage>,
) -> anyhow::Result<()> {
    for report in reports {
        if !read(source, reading, *report, Some(day), usage).await? {
            break;
        }
    }
    Ok(())
}

/// Reads one report into `usage`; false when it is not ready (204).
async fn read(
    source: &Source,
    reading: &Reading<'_>,
    report: Report,
    day: Option<Date>,
    usage: &Mutex<Usage>,
) -> anyhow::Result<bool> {
    let name = report.name(day.is_some());
    let day_text = day.map(|d| d.to_string());
    let mut each = |line: &[u8]| report.add(line, usage);
    let fetched = match source {
        Source::Saved(dir) => usage::read_saved(dir, &name, day_text.as_deref(), &mut each)
            .with_context(|| {
                format!(
                    "cannot read the saved `{name}` files in `{}`",
                    dir.display()
                )
            })?,
        Source::GitHub { client, downloads } => {
            let sink: usage::Sink<'_> = Mutex::new(&mut each);
            let save = reading.save.as_deref();
            usage::read_report(
                client,
                downloads,
                reading.owner,
                &name,
                day_text.as_deref(),
                save,
                &sink,
            )
            .await
            .map_err(|e: GitHubError| anyhow::Error::new(e))
            .with_context(|| {
                format!(
                    "cannot read the `{name}` report of `{}`",
                    reading.owner.name
                )
            })?
        }
    };
    let ready = fetched != Fetched::NotReady;
    if let Some(day) = &day_text {
        usage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .day(day, ready);
    }
    Ok(ready)
}
