//! Errors from GitHub's API and from getting credentials for it, by kind, so that callers
//! can branch on them. This module imports nothing of the crate: the client builds the
//! hints that the `Status` variant carries.

#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    #[error(
        "no GitHub token: set COPILOT_SEATS_TOKEN (or GH_TOKEN, or GITHUB_TOKEN) to a token with manage_billing:copilot, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY for a GitHub App, or pass --state for an offline plan"
    )]
    NoToken,
    /// Set but empty: a workflow passed a secret that does not exist here (a fork's or
    /// Dependabot's pull request gets no secrets). Never a reason to fall back to another
    /// token.
    #[error(
        "{name} is set but empty: the workflow passed a secret that this run cannot see (pull requests from forks and Dependabot get no secrets); set the secret for this repository, or run plan with --state for an offline plan"
    )]
    EmptyToken { name: &'static str },
    /// A variable that one use needs (the workflow's `GITHUB_TOKEN` for comments).
    #[error("{name} is not set")]
    MissingVariable { name: &'static str },
    #[error(
        "GITHUB_APP_ID is set, but neither GITHUB_APP_PRIVATE_KEY (the PEM text) nor GITHUB_APP_PRIVATE_KEY_PATH (its file): set one"
    )]
    AppKeyMissing,
    #[error(
        "cannot read the GitHub App's private key at GITHUB_APP_PRIVATE_KEY_PATH `{path}`: {detail}"
    )]
    AppKeyUnreadable { path: String, detail: String },
    #[error(
        "the GitHub App's private key is not usable: {why}: give the .pem file GitHub generated for app {app_id}"
    )]
    AppKeyInvalid { app_id: String, why: String },
    #[error("cannot sign the GitHub App's JWT")]
    AppJwtUnsigned,
    #[error(
        "GitHub App {app_id} is not installed on {target} (GET {path} answered 404): install it there, with {permissions}"
    )]
    AppNotInstalled {
        app_id: String,
        /// `the org `acme`` or `the enterprise `acme-corp``.
        target: String,
        path: String,
        permissions: &'static str,
    },
    #[error("cannot build the HTTP client: {detail}")]
    HttpClient { detail: String },
    /// A `Link` (or another URL from an answer) off the API root: the token stays home.
    #[error("GitHub pointed to `{url}`, outside {base}: refusing to send the token there")]
    ForeignUrl { url: String, base: String },
    #[error("{method} {path}: GitHub answered {status}{}{}", message_suffix(.message), hint_suffix(.hint))]
    Status {
        method: String,
        path: String,
        status: u16,
        /// GitHub's `message`, or the start of a non-JSON body.
        message: String,
        hint: String,
    },
    #[error("{method} {path}: {detail}")]
    Network {
        method: String,
        path: String,
        detail: String,
    },
    #[error("{method} {path}: cannot read GitHub's answer: {detail}")]
    Decode {
        method: String,
        path: String,
        detail: String,
    },
    #[error(
        "{method} {path}: GitHub's rate limit asks to wait {wait_secs} s more after {waited_secs} s, beyond --max-rate-limit-wait ({max_secs} s): run again later"
    )]
    RateLimited {
        method: String,
        path: String,
        wait_secs: u64,
        waited_secs: u64,
        max_secs: u64,
    },
    #[error(
        "the seat list of `{owner}` changed while it was read, {tries} times in a row: run again when seat changes have settled"
    )]
    ListKeptChanging { owner: String, tries: usize },
    #[error(
        "GET {path}: GitHub answered 404: check the org or enterprise name, and that Copilot usage metrics are on for it (the \"Copilot usage metrics\" policy); org reports start on 2025-12-12, enterprise reports on 2025-10-10, and are kept one year"
    )]
    NoMetrics { path: String },
    #[error(
        "the \"Copilot usage metrics\" policy of `{target}` is disabled (GitHub answered 403): an enterprise owner enables it in the enterprise's settings, AI controls > Copilot > Metrics (\"Copilot usage metrics\"); then run usage again"
    )]
    MetricsPolicy { target: String },
    #[error("GitHub linked {file} over plain http: not downloading it")]
    InsecureLink { file: String },
    #[error("cannot read {file}: {detail}")]
    Download { file: String, detail: String },
}

impl GitHubError {
    pub fn status(&self) -> Option<u16> {
        match self {
            GitHubError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            GitHubError::Status { message, .. } => Some(message),
            _ => None,
        }
    }
}

fn message_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

fn hint_suffix(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!(" ({hint})")
    }
}

/// The start of an error body that is not GitHub's JSON (a proxy's HTML page, say).
pub fn body_excerpt(body: &str) -> String {
    let text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    let mut excerpt: String = text.chars().take(120).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    excerpt
}
