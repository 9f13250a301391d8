//! The HTTP client: authentication, GitHub's required headers, timeouts, retries of reads.
//! Writes are never retried here: the caller re-reads the seats instead (SPEC 8).

use crate::github::error::{GitHubError, body_excerpt, hint_for};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::{Duration, Instant};

const API_VERSION: &str = "2022-11-28";
/// Tries of one read before giving up on network errors, timeouts and 5xx.
const READ_TRIES: u32 = 4;

/// The API token. Its `Debug` and `Display` never show the value.
#[derive(Clone)]
pub struct Token {
    value: String,
    source: &'static str,
}

impl Token {
    /// The first of `COPILOT_SEATS_TOKEN`, `GH_TOKEN`, `GITHUB_TOKEN` that is set and not empty.
    pub fn from_env() -> Result<Token, GitHubError> {
        ["COPILOT_SEATS_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"]
            .into_iter()
            .find_map(|source| {
                let value = std::env::var(source).ok()?.trim().to_string();
                (!value.is_empty()).then_some(Token { value, source })
            })
            .ok_or(GitHubError::NoToken)
    }

    /// The environment variable the token came from.
    pub fn source(&self) -> &'static str {
        self.source
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(<redacted, from {}>)", self.source)
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<token from {}>", self.source)
    }
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub api_url: String,
    pub request_timeout: Duration,
    pub verbose: bool,
}

/// An answer with its status, headers and body text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The URL of the next page from the `Link` header, if any.
    pub fn next_link(&self) -> Option<String> {
        let link = self.headers.get("link")?.to_str().ok()?;
        link.split(',').find_map(|part| {
            let (url, params) = part.split_once(';')?;
            params
                .split(';')
                .any(|p| p.trim().replace(' ', "") == "rel=\"next\"")
                .then(|| {
                    url.trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                })
        })
    }
}

#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Token,
    verbose: bool,
}

impl Client {
    pub fn new(config: &ClientConfig, token: Token) -> Result<Client, GitHubError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static(API_VERSION),
        );
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("copilot-seats/", env!("CARGO_PKG_VERSION"))),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .build()
            .map_err(|e| GitHubError::Refused(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base: config.api_url.trim_end_matches('/').to_string(),
            token,
            verbose: config.verbose,
        })
    }

    pub fn token_source(&self) -> &'static str {
        self.token.source
    }

    /// A GET of `path_or_url` (a path under the API root, or a `Link` URL on the same root),
    /// retried on network errors, timeouts and 5xx with exponential backoff and jitter.
    /// Answers other than 2xx (and 404, which callers interpret) are errors.
    pub async fn get(&self, path_or_url: &str) -> Result<Answer, GitHubError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.send(Method::GET, path_or_url, None).await;
            let retry = match &result {
                Err(GitHubError::Network { .. }) => true,
                Ok(answer) => answer.status.is_server_error(),
                Err(_) => false,
            };
            if !retry || attempt >= READ_TRIES {
                let answer = result?;
                return if answer.status.is_success() || answer.status == StatusCode::NOT_FOUND {
                    Ok(answer)
                } else {
                    Err(self.status_error("GET", path_or_url, &answer))
                };
            }
            let delay = backoff(attempt);
            self.log(format_args!(
                "GET {path_or_url}: retry {attempt} of {} in {} ms",
                READ_TRIES - 1,
                delay.as_millis()
            ));
            tokio::time::sleep(delay).await;
        }
    }

    /// A GET whose 2xx body is decoded as `T`; 404 is an error here.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path_or_url: &str,
    ) -> Result<(T, Answer), GitHubError> {
        let answer = self.get(path_or_url).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Err(self.status_error("GET", path_or_url, &answer));
        }
        let value = serde_json::from_str(&answer.body).map_err(|e| GitHubError::Decode {
            method: "GET".into(),
            path: self.display_path(path_or_url),
            detail: e.to_string(),
        })?;
        Ok((value, answer))
    }

    /// A write (POST or DELETE with a JSON body), sent once. Non-2xx is an error.
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, GitHubError> {
        let answer = self.send(method.clone(), path, Some(body)).await?;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(self.status_error(method.as_str(), path, &answer))
        }
    }

    async fn send(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, GitHubError> {
        let url = self.url(path_or_url)?;
        let display = self.display_path(path_or_url);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header(AUTHORIZATION, format!("Bearer {}", self.token.value));
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        let network_error = |e: reqwest::Error| {
            let detail = if e.is_timeout() {
                "no answer within the request timeout (--request-timeout)".to_string()
            } else if e.is_connect() {
                format!(
                    "cannot connect to {}: check --api-url and the network",
                    self.base
                )
            } else {
                format!("network error: {}", e.without_url())
            };
            GitHubError::Network {
                method: method.to_string(),
                path: display.clone(),
                detail,
            }
        };
        let response = request.send().await.map_err(network_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.map_err(network_error)?;
        self.log(format_args!(
            "{method} {display} -> {} in {} ms",
            status.as_u16(),
            started.elapsed().as_millis()
        ));
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// Resolves a path under the API root; a full URL must be on the same root, so that the
    /// token never goes to another host.
    fn url(&self, path_or_url: &str) -> Result<String, GitHubError> {
        if path_or_url.starts_with('/') {
            Ok(format!("{}{}", self.base, path_or_url))
        } else if path_or_url.starts_with(&format!("{}/", self.base)) {
            Ok(path_or_url.to_string())
        } else {
            Err(GitHubError::Refused(format!(
                "GitHub pointed to `{path_or_url}`, outside {}: refusing to send the token there",
                self.base
            )))
        }
    }

    fn display_path(&self, path_or_url: &str) -> String {
        path_or_url
            .strip_prefix(&self.base)
            .unwrap_or(path_or_url)
            .to_string()
    }

    fn status_error(&self, method: &str, path_or_url: &str, answer: &Answer) -> GitHubError {
        let message = serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| body_excerpt(&answer.body));
        GitHubError::Status {
            method: method.to_string(),
            path: self.display_path(path_or_url),
            status: answer.status.as_u16(),
            message,
            hint: hint_for(answer.status.as_u16(), self.token.source),
        }
    }

    pub fn log(&self, line: fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("copilot-seats: {line}");
        }
    }
}

/// 0.5 s, 1 s, 2 s, ... with up to 50% jitter, so that parallel clients spread out.
fn backoff(attempt: u32) -> Duration {
    let base = 500u64.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    Duration::from_millis(base + nanos % (base / 2 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_redacted() {
        let token = Token {
            value: "ghp_secret".into(),
            source: "GH_TOKEN",
        };
        assert!(!format!("{token:?} {token}").contains("ghp_secret"));
    }

    #[test]
    fn next_link_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "link",
            HeaderValue::from_static(
                "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=3>; rel=\"next\", <https://api.github.com/x?page=9>; rel=\"last\"",
            ),
        );
        let answer = Answer {
            status: StatusCode::OK,
            headers,
            body: String::new(),
        };
        assert_eq!(
            answer.next_link().as_deref(),
            Some("https://api.github.com/x?page=3")
        );
    }
}
