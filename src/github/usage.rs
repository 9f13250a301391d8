//! Copilot usage metrics: the report endpoints (API.md), which answer with signed links to
//! NDJSON files, and the download of those files, which never carries the token. Saving
//! them is the command's business.

use crate::github::client::Client;
use crate::github::error::GitHubError;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A report kind: its path under `/orgs/{org}/copilot/metrics/reports/` (API.md), and
/// whether it takes a `day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportKind {
    pub name: &'static str,
    pub daily: bool,
}

/// GitHub's answer: the files of the report and the days it covers.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Report {
    #[serde(default)]
    pub download_links: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_start_day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_end_day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_day: Option<String>,
}

/// The report's links, or `None` when GitHub has none for that day (204).
pub async fn fetch_report(
    client: &Client,
    org: &str,
    kind: ReportKind,
    day: &str,
) -> Result<Option<Report>, GitHubError> {
    let path = if kind.daily {
        format!(
            "/orgs/{org}/copilot/metrics/reports/{}?day={day}",
            kind.name
        )
    } else {
        format!("/orgs/{org}/copilot/metrics/reports/{}/latest", kind.name)
    };
    let answer = client.get(&path).await?;
    if answer.status.as_u16() == 204 {
        return Ok(None);
    }
    if !answer.status.is_success() {
        return Err(GitHubError::NoMetrics { path });
    }
    answer.json().map(Some)
}

/// A downloaded report file: a safe name to save it under, and its bytes.
#[derive(Clone, Debug)]
pub struct ReportFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Fetches each file of `links` without the token (the links are signed). Only `https`
/// links, or links on the API's own root (a local fake, an enterprise proxy).
pub async fn download(
    links: &[String],
    api_url: &str,
    timeout: Duration,
) -> Result<Vec<ReportFile>, GitHubError> {
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| GitHubError::HttpClient {
            detail: e.to_string(),
        })?;
    let mut files = Vec::new();
    for (index, link) in links.iter().enumerate() {
        let shown = without_query(link);
        if !link.starts_with("https://") && !link.starts_with(&format!("{api_url}/")) {
            return Err(GitHubError::InsecureLink {
                link: shown.to_string(),
            });
        }
        let failed = |detail: String| GitHubError::Network {
            method: "GET".into(),
            path: shown.to_string(),
            detail,
        };
        let response = http
            .get(link)
            .send()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!(
                "answered {status}: the links expire soon after they are given; run usage again"
            )));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        files.push(ReportFile {
            name: file_name(link, index),
            bytes: bytes.to_vec(),
        });
    }
    Ok(files)
}

/// A link without its query: the signature is a credential, for as long as it lasts.
pub fn without_query(link: &str) -> &str {
    link.split(['?', '#']).next().unwrap_or(link)
}

/// The last path segment of the link when it is a plain file name, else `report-N.ndjson`.
fn file_name(link: &str, index: usize) -> String {
    let last = without_query(link).rsplit('/').next().unwrap_or("");
    let plain = !last.is_empty()
        && !last.starts_with('.')
        && last
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if plain {
        last.to_string()
    } else {
        format!("report-{}.ndjson", index + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_plain_link_paths_only() {
        assert_eq!(
            file_name(
                "https://example.com/a/copilot-usage-report-1.ndjson?sig=x",
                0
            ),
            "copilot-usage-report-1.ndjson"
        );
        assert_eq!(file_name("https://example.com/a/..", 1), "report-2.ndjson");
        assert_eq!(file_name("https://example.com/", 2), "report-3.ndjson");
        assert_eq!(
            file_name("https://example.com/a/x%2F..%2Fy", 3),
            "report-4.ndjson"
        );
        assert_eq!(
            without_query("https://h/p.ndjson?sig=secret"),
            "https://h/p.ndjson"
        );
    }
}
