//! Errors from GitHub's API, by kind, so that callers can branch on them.

#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    #[error(
        "no GitHub token: set COPILOT_SEATS_TOKEN (or GH_TOKEN, or GITHUB_TOKEN) to a token with manage_billing:copilot, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY for a GitHub App, or pass --state for an offline plan"
    )]
    NoToken,
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
    #[error("{0}")]
    Refused(String),
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

/// What a status usually means for these endpoints, and what to do about it.
pub fn hint_for(status: u16, message: &str, token_source: &str) -> String {
    use crate::github::auth::{APP_JWT_SOURCE, APP_SOURCE};
    match status {
        401 if token_source == APP_JWT_SOURCE => "GitHub rejected the App's JWT: check that GITHUB_APP_ID is the App's ID and the key its current private key, and that this machine's clock is right".to_string(),
        401 | 403 if token_source == APP_SOURCE => "the GitHub App (GITHUB_APP_ID) needs the organization permissions \"GitHub Copilot Business\" read/write and \"Members\" read on its installation; accept the new permissions in the org's settings after changing them".to_string(),
        // "One or more users do not exist in this organization: ..." says it all.
        404 if message.contains("do not exist") => String::new(),
        401 => format!(
            "the token in {token_source} is invalid or expired: create a new one with manage_billing:copilot (classic PAT) or \"GitHub Copilot Business\" read/write (fine-grained)"
        ),
        403 => format!(
            "the token in {token_source} lacks permission: it needs manage_billing:copilot (classic PAT) or the org permission \"GitHub Copilot Business\" read/write (fine-grained), and its owner must be an org owner"
        ),
        404 => "check the organization name and that it has Copilot Business or Enterprise; GitHub also answers 404 when the token cannot see the org".to_string(),
        _ => String::new(),
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
