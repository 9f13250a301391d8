//! Copilot usage metrics: the report endpoints of an org or an enterprise (API.md "Usage
//! metrics (reports)"), which answer with signed links to NDJSON files, and the reading of
//! those files: part files fetched concurrently, each as a stream of lines, never with the
//! token (the links are on another host and are credentials themselves: they are
//! registered as secrets, and never printed, logged or written).

use crate::github::client::Client;
use crate::github::error::GitHubError;
use crate::github::owner::Owner;
use crate::model::TargetKind;
use crate::usage::records::Lines;
use futures::{StreamExt, stream};
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How many part files are fetched at once.
const PARTS_AT_ONCE: usize = 4;

/// GitHub's answer: the files of the report.
#[derive(Clone, Debug, Default, Deserialize)]
struct Report {
    #[serde(default)]
    download_links: Vec<String>,
}

/// What reading a report gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetched {
    /// 204: no report of that day yet (they come within about two full UTC days).
    NotReady,
    Read {
        parts: usize,
    },
}

/// Takes every line of a report's files, from any part, one chunk's lines at a time.
pub type Sink<'a> = Mutex<&'a mut (dyn FnMut(&[u8]) + Send)>;

/// The report's path: `{org|enterprise}-28-day/latest`, `users-1-day?day=D`, …
pub fn report_path(owner: &Owner, report: &str, day: Option<&str>) -> String {
    let root = match owner.kind {
        TargetKind::Org => format!("/orgs/{}", owner.name),
        TargetKind::Enterprise => format!("/enterprises/{}", owner.name),
    };
    match day {
        Some(day) => format!("{root}/copilot/metrics/reports/{report}?day={day}"),
        None => format!("{root}/copilot/metrics/reports/{report}/latest"),
    }
}

/// The name a part file is saved under with `--download`, and found by with `--from`:
/// `REPORT[-DAY]-partN.ndjson`.
pub fn part_name(report: &str, day: Option<&str>, part: usize) -> String {
    match day {
        Some(day) => format!("{report}-{day}-part{part}.ndjson"),
        None => format!("{report}-part{part}.ndjson"),
    }
}

/// Fetches report `report` of `owner` (for `day`, or the latest), then reads every part
/// file into `sink`; with `save`, each part is also written, as it comes, to `save`.
pub async fn read_report(
    client: &Client,
    downloads: &Downloads,
    owner: &Owner,
    report: &str,
    day: Option<&str>,
    save: Option<&Path>,
    sink: &Sink<'_>,
) -> Result<Fetched, GitHubError> {
    let path = report_path(owner, report, day);
    let answer = match client.get(&path).await {
        Ok(answer) => answer,
        Err(error) => return Err(policy_error(error, owner)),
    };
    match answer.status.as_u16() {
        204 => return Ok(Fetched::NotReady),
        404 => {
            return Err(GitHubError::NoMetrics {
                path: path.split('?').next().unwrap_or(&path).to_string(),
            });
        }
        _ => {}
    }
    let links = answer.json::<Report>()?.download_links;
    for link in &links {
        crate::secrets::register(link);
    }
    let parts = links.len();
    let mut fetches = stream::iter(links.iter().enumerate())
        .map(|(index, link)| {
            let save = save.map(|dir| dir.join(part_name(report, day, index + 1)));
            downloads.read(link, report, index + 1, save, sink)
        })
        .buffer_unordered(PARTS_AT_ONCE);
    while let Some(result) = fetches.next().await {
        result?;
    }
    Ok(Fetched::Read { parts })
}

/// 403 "The 'Copilot usage metrics' policy must be enabled to use this API": say which
/// policy, and where.
fn policy_error(error: GitHubError, owner: &Owner) -> GitHubError {
    match &error {
        GitHubError::Status {
            status: 403,
            message,
            ..
        } if message.to_ascii_lowercase().contains("usage metrics") => GitHubError::MetricsPolicy {
            target: owner.name.clone(),
        },
        _ => error,
    }
}

/// The client for report files: no token, ever, and no logging of their links.
#[derive(Debug)]
pub struct Downloads {
    http: reqwest::Client,
    /// The API root, whose own host may serve files (a local fake, a proxy).
    api_url: String,
}

impl Downloads {
    pub fn new(api_url: &str, timeout: Duration) -> Result<Downloads, GitHubError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| GitHubError::HttpClient {
                detail: e.to_string(),
            })?;
        Ok(Downloads {
            http,
            api_url: api_url.trim_end_matches('/').to_string(),
        })
    }

    /// Streams one part file into `sink` (and into `save`).
    async fn read(
        &self,
        link: &str,
        report: &str,
        part: usize,
        save: Option<PathBuf>,
        sink: &Sink<'_>,
    ) -> Result<(), GitHubError> {
        // Named by report and part: the link itself is a credential.
        let shown = format!("part {part} of the `{report}` report");
        let failed = |detail: String| GitHubError::Download {
            file: shown.clone(),
            detail,
        };
        if !link.starts_with("https://") && !link.starts_with(&format!("{}/", self.api_url)) {
            return Err(GitHubError::InsecureLink { file: shown });
        }
        let mut response = self
            .http
            .get(link)
            .send()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!(
                "the file host answered {status}: the links expire soon after they are given; run usage again"
            )));
        }
        let mut file = match &save {
            Some(path) => Some(
                std::fs::File::create(path)
                    .map_err(|e| failed(format!("cannot write `{}`: {e}", path.display())))?,
            ),
            None => None,
        };
        let mut lines = Lines::default();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?
        {
            if let (Some(file), Some(path)) = (&mut file, &save) {
                file.write_all(&chunk)
                    .map_err(|e| failed(format!("cannot write `{}`: {e}", path.display())))?;
            }
            let mut each = sink
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            lines.feed(&chunk, &mut **each);
        }
        let mut each = sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        lines.finish(&mut **each);
        Ok(())
    }
}

/// Reads saved part files of `report` (and `day`) from `dir` into `sink`, each as a stream
/// of lines; `NotReady` when there are none.
pub fn read_saved(
    dir: &Path,
    report: &str,
    day: Option<&str>,
    sink: &mut (dyn FnMut(&[u8]) + Send),
) -> std::io::Result<Fetched> {
    use std::io::BufRead as _;
    let prefix = match day {
        Some(day) => format!("{report}-{day}-part"),
        None => format!("{report}-part"),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".ndjson"))
        })
        .collect();
    files.sort();
    for path in &files {
        let mut reader = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line)? > 0 {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            sink(&line);
            line.clear();
        }
    }
    Ok(if files.is_empty() {
        Fetched::NotReady
    } else {
        Fetched::Read { parts: files.len() }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names_of_reports() {
        let org = Owner::org("acme");
        assert_eq!(
            report_path(&org, "users-1-day", Some("2026-11-24")),
            "/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-11-24"
        );
        assert_eq!(
            report_path(&Owner::enterprise("initech"), "enterprise-28-day", None),
            "/enterprises/initech/copilot/metrics/reports/enterprise-28-day/latest"
        );
        assert_eq!(
            part_name("users-28-day", None, 2),
            "users-28-day-part2.ndjson"
        );
        assert_eq!(
            part_name("users-1-day", Some("2026-11-24"), 1),
            "users-1-day-2026-11-24-part1.ndjson"
        );
    }
}
