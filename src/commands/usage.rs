//! `usage`: a Copilot usage-metrics report's days and files, saved with `--download`.

use crate::cli::{StatusFormat, UsageArgs, UsageReport};
use crate::commands::{Context, EXIT_OK};
use crate::github::owner::Owner;
use crate::github::usage::{self, ReportKind};
use crate::render::{
    self,
    usage::{Saved, UsageView},
};
use anyhow::{Context as _, bail};
use std::path::Path;
use std::time::Duration;
use time::Date;
use time::macros::format_description;

pub async fn run(ctx: &Context<'_>, args: &UsageArgs) -> anyhow::Result<i32> {
    let org = ctx.org(args.org.as_deref())?;
    let kind = kind(args.report);
    let day = match (&args.day, kind.daily) {
        (Some(_), false) => bail!(
            "--day is for the 1-day reports; `{}` is the latest 28 days",
            kind.name
        ),
        (Some(text), true) => Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map_err(|_| anyhow::anyhow!("--day `{text}` is not a date: write it as YYYY-MM-DD"))?,
        (None, _) => ctx.today()?.previous_day().unwrap_or(Date::MIN),
    };
    let client = ctx.pipeline.client(&Owner::org(&org)).await?;
    let report = usage::fetch_report(&client, &org, kind, &day.to_string())
        .await
        .with_context(|| format!("cannot get the `{}` report of `{org}`", kind.name))?;
    let Some(report) = report else {
        bail!(
            "GitHub has no `{}` report of `{org}` for {day} (204): reports come a day or two after the day; try an earlier --day",
            kind.name
        );
    };
    let downloaded = match &args.download {
        None => Vec::new(),
        Some(dir) => {
            let files = usage::download(
                &report.download_links,
                ctx.global.api_url.trim_end_matches('/'),
                Duration::from_secs(ctx.global.request_timeout),
            )
            .await
            .context("cannot download the report's files")?;
            save(&files, dir).context("cannot download the report's files")?
        }
    };
    let view = UsageView {
        org,
        report: kind.name,
        details: report,
        downloaded,
    };
    print!(
        "{}",
        match args.format {
            StatusFormat::Text => render::usage::text(&view),
            StatusFormat::Json => render::usage::json(&view),
        }
    );
    Ok(EXIT_OK)
}

/// Writes the downloaded files into `dir`, creating it.
fn save(files: &[usage::ReportFile], dir: &Path) -> anyhow::Result<Vec<Saved>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    files
        .iter()
        .map(|file| {
            let path = dir.join(&file.name);
            std::fs::write(&path, &file.bytes)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            Ok(Saved {
                path,
                bytes: file.bytes.len() as u64,
            })
        })
        .collect()
}

fn kind(report: UsageReport) -> ReportKind {
    let (name, daily) = match report {
        UsageReport::Organization28Day => ("organization-28-day", false),
        UsageReport::Users28Day => ("users-28-day", false),
        UsageReport::Organization1Day => ("organization-1-day", true),
        UsageReport::Users1Day => ("users-1-day", true),
        UsageReport::UserTeams1Day => ("user-teams-1-day", true),
        UsageReport::Repos1Day => ("repos-1-day", true),
    };
    ReportKind { name, daily }
}
