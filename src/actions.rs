//! GitHub Actions: workflow-command annotations, the job summary, and the pull request a
//! workflow runs for. Only used when the environment says we run in Actions.

use crate::secrets::redact;
use crate::yaml_locations::Position;
use std::io::Write;

/// `GITHUB_ACTIONS=true`: print annotations for file errors and plan warnings.
pub fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// `::error file=F,line=L,col=C::message`, `F` relative to the repository's root.
pub fn error_annotation(file: &str, position: Option<Position>, message: &str) -> String {
    let mut properties = format!("file={}", escape_property(&repository_path(file)));
    if let Some(p) = position {
        properties.push_str(&format!(",line={},col={}", p.line, p.column));
    }
    format!("::error {properties}::{}", escape_data(&redact(message)))
}

/// `file` as the runner resolves annotation paths: relative to the repository's root,
/// `GITHUB_WORKSPACE`, not to the working directory. Unchanged outside a workspace.
fn repository_path(file: &str) -> String {
    let Some(workspace) = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()) else {
        return file.to_string();
    };
    let (Ok(workspace), Ok(path)) = (
        std::fs::canonicalize(workspace),
        std::fs::canonicalize(file),
    ) else {
        return file.to_string();
    };
    match path.strip_prefix(&workspace) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => file.to_string(),
    }
}

/// `::warning::message`
pub fn warning_annotation(message: &str) -> String {
    format!("::warning::{}", escape_data(&redact(message)))
}

/// Escapes a workflow command's message, as the Actions toolkit does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Appends Markdown to the job summary when `GITHUB_STEP_SUMMARY` names a file.
pub fn append_step_summary(markdown: &str) -> std::io::Result<bool> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(false);
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(file, "{}", redact(markdown))?;
    Ok(true)
}

/// `::add-mask::VALUE`: the runner masks secrets from `secrets.*`, not the tokens we mint.
pub fn mask_command(secret: &str) -> String {
    format!("::add-mask::{secret}")
}

/// The pull request a workflow runs for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// `owner/name`
    pub repository: String,
    pub number: u64,
}

/// From `GITHUB_REPOSITORY` and the event payload at `GITHUB_EVENT_PATH`.
pub fn pull_request_from_env() -> Result<PullRequest, String> {
    let repository = std::env::var("GITHUB_REPOSITORY")
        .ok()
        .filter(|r| r.split('/').count() == 2 && !r.starts_with('/') && !r.ends_with('/'))
        .ok_or("--comment needs GITHUB_REPOSITORY (owner/name), as GitHub Actions sets it")?;
    let event_path = std::env::var_os("GITHUB_EVENT_PATH")
        .ok_or("--comment needs GITHUB_EVENT_PATH, as GitHub Actions sets it")?;
    let event = std::fs::read_to_string(&event_path)
        .map_err(|e| format!("cannot read the event payload GITHUB_EVENT_PATH: {e}"))?;
    let event: serde_json::Value = serde_json::from_str(&event)
        .map_err(|e| format!("the event payload GITHUB_EVENT_PATH is not JSON: {e}"))?;
    let number = event["pull_request"]["number"]
        .as_u64()
        .or_else(|| {
            event["issue"]["pull_request"]
                .is_object()
                .then(|| event["issue"]["number"].as_u64())
                .flatten()
        })
        .ok_or("--comment runs on a pull_request event: this event has no pull request number")?;
    Ok(PullRequest { repository, number })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_what_the_runner_would_misread() {
        let position = Some(Position { line: 3, column: 5 });
        assert_eq!(
            error_annotation("dir:a,b.yaml", position, "50% done\nnext"),
            "::error file=dir%3Aa%2Cb.yaml,line=3,col=5::50%25 done%0Anext"
        );
        assert_eq!(warning_annotation("a: b"), "::warning::a: b");
    }
}
