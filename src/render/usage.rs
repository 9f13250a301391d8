//! `usage`: a report's days, its files and where they were saved, for people or as JSON.

use crate::github::usage::Report;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Serialize)]
pub struct UsageView {
    pub org: String,
    pub report: &'static str,
    #[serde(flatten)]
    pub details: Report,
    /// Saved files and their sizes in bytes (`--download`).
    pub downloaded: Vec<Saved>,
}

/// A report file saved by `usage --download`.
#[derive(Clone, Debug, Serialize)]
pub struct Saved {
    pub path: PathBuf,
    pub bytes: u64,
}

pub fn text(view: &UsageView) -> String {
    let report = &view.details;
    let days = match (
        &report.report_day,
        &report.report_start_day,
        &report.report_end_day,
    ) {
        (Some(day), _, _) => day.clone(),
        (None, Some(start), Some(end)) => format!("{start} to {end}"),
        _ => "days not given".to_string(),
    };
    let mut out = format!(
        "Copilot usage report `{}` of {}: {days}\n\n{} file(s), NDJSON; the links are signed and expire soon:\n",
        view.report,
        view.org,
        report.download_links.len()
    );
    for link in &report.download_links {
        out.push_str(&format!("  {link}\n"));
    }
    if !view.downloaded.is_empty() {
        out.push_str("\nSaved:\n");
        for saved in &view.downloaded {
            out.push_str(&format!(
                "  {} ({} bytes)\n",
                saved.path.display(),
                saved.bytes
            ));
        }
    }
    out
}

pub fn json(view: &UsageView) -> String {
    // Strings and numbers only: serialising cannot fail.
    let mut json = serde_json::to_string_pretty(view).unwrap_or_default();
    json.push('\n');
    json
}
