//! The HTTP client: authentication, GitHub's required headers, timeouts, retries of reads.
//! Writes are never retried here: the caller re-reads the seats instead (SPEC 8).

use crate::github::auth::{Lease, Renewal, Token, TokenSource};
use crate::github::error::{GitHubError, body_excerpt};
use crate::github::pacing::PointsPacer;
use crate::secrets::redact;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const API_VERSION: &str = "2022-11-28";
/// A rate-limit wait longer than this is announced without `-v`.
const LONG_WAIT: Duration = Duration::from_secs(5);
/// Tries of one read before giving up on network errors, timeouts and 5xx.
const READ_TRIES: u32 = 4;

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub api_url: String,
    pub request_timeout: Duration,
    /// The longest total wait for rate limits in one request before giving up.
    pub max_rate_limit_wait: Duration,
    /// Secondary-limit points spent at most in any minute (GET 1, write 5).
    pub points_per_minute: u32,
    /// Where `-v` lines go; `None` when not verbose. The client prints nothing itself.
    pub log: Option<LogSink>,
    /// Where lines for people go even without `-v` (a long rate-limit wait); `None` with
    /// `-q`.
    pub notice: Option<LogSink>,
    /// Draw a progress bar for a long rate-limit wait (stderr is a terminal, no `-q`).
    pub bars: bool,
}

/// Takes one verbose log line.
pub type LogSink = fn(fmt::Arguments<'_>);

/// An answer with the request it answers (method, path under the API root), its status,
/// headers and body text.
#[derive(Debug)]
pub struct Answer {
    pub method: Method,
    pub path: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body decoded as `T`; a body that does not decode is an error naming the request.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, GitHubError> {
        serde_json::from_str(&self.body).map_err(|e| GitHubError::Decode {
            method: self.method.to_string(),
            path: self.path.clone(),
            // serde quotes values from the body.
            detail: format!(
                "{} (GitHub answered {} with {})",
                redact(&e.to_string()),
                self.status.as_u16(),
                shape(&self.body)
            ),
        })
    }

    /// The body as it may be shown to people: trimmed, and scrubbed of secrets a server
    /// may have echoed. (`body` itself stays as sent, for decoding: a token GitHub mints
    /// must reach us whole.)
    pub fn shown_body(&self) -> String {
        redact(self.body.trim()).into_owned()
    }
}

/// The token the client sends, and how to renew it.
#[derive(Debug)]
struct Credential {
    /// Locked while a renewal is under way, so that concurrent requests wait for the one
    /// new token rather than each minting their own.
    lease: tokio::sync::Mutex<Lease>,
    renewal: Option<Arc<dyn Renewal>>,
    source: TokenSource,
}

#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    credential: Credential,
    max_rate_limit_wait: Duration,
    pacer: Arc<PointsPacer>,
    /// Shared by every client of a run: `--max-concurrency` requests in flight in all.
    permits: Option<Arc<Semaphore>>,
    log: Option<LogSink>,
    notice: Option<LogSink>,
    bars: bool,
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
            .map_err(|e| GitHubError::HttpClient {
                detail: e.to_string(),
            })?;
        let source = token.source();
        Ok(Client {
            http,
            base: config.api_url.trim_end_matches('/').to_string(),
            credential: Credential {
                lease: tokio::sync::Mutex::new(Lease::lasting(token)),
                renewal: None,
                source,
            },
            max_rate_limit_wait: config.max_rate_limit_wait,
            pacer: Arc::new(PointsPacer::new(config.points_per_minute)),
            permits: None,
            log: config.log,
            notice: config.notice,
            bars: config.bars,
        })
    }

    /// This client with a token that runs out, and how to get the next one.
    pub fn renewing(mut self, lease: Lease, renewal: Arc<dyn Renewal>) -> Client {
        self.credential.source = lease.token.source();
        self.credential.lease = tokio::sync::Mutex::new(lease);
        self.credential.renewal = Some(renewal);
        self
    }

    /// The token to send now: renewed first when it is due (or when `stale` says GitHub
    /// refused it), so that no request goes out with an expired token.
    async fn bearer(&self, stale: bool) -> Result<String, GitHubError> {
        let mut lease = self.credential.lease.lock().await;
        if let Some(renewal) = &self.credential.renewal
            && (stale || lease.is_due())
        {
            *lease = renewal.renew().await?;
            self.log(format_args!(
                "renewed the {} token before it ran out",
                self.credential.source
            ));
        }
        Ok(format!("Bearer {}", lease.token.expose()))
    }

    /// This client, spending from a points budget shared with other clients of the same
    /// token (GitHub counts its limits per token) and taking a place among a run's
    /// in-flight requests for each request.
    pub fn sharing(mut self, pacer: Arc<PointsPacer>, permits: Arc<Semaphore>) -> Client {
        self.pacer = pacer;
        self.permits = Some(permits);
        self
    }

    /// A GET of `path_or_url` (a path under the API root, or a `Link` URL on the same root),
    /// retried on network errors, timeouts and 5xx with exponential backoff and jitter.
    /// Answers other than 2xx (and 404, which callers interpret) are errors.
    pub async fn get(&self, path_or_url: &str) -> Result<Answer, GitHubError> {
        let mut attempt = 0;
        let mut stale = false;
        loop {
            attempt += 1;
            let result = self
                .send_limited(Method::GET, path_or_url, None, stale)
                .await;
            // An installation token GitHub no longer takes (clocks differ): a read may be
            // sent once more with a new one; a write never is.
            if !stale
                && self.credential.renewal.is_some()
                && matches!(&result, Ok(answer) if answer.status == StatusCode::UNAUTHORIZED)
            {
                stale = true;
                continue;
            }
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
        Ok((answer.json()?, answer))
    }

    /// A write (POST or DELETE with a JSON body), sent once. Non-2xx is an error.
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, GitHubError> {
        let answer = self
            .send_limited(
                method.clone(),
                path,
                Some(body).filter(|b| !b.is_null()),
                false,
            )
            .await?;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(self.status_error(method.as_str(), path, &answer))
        }
    }

    /// Sends, waiting out rate limits (SPEC 8). A rate-limited request was not processed, so
    /// sending it again is safe, for a write too.
    async fn send_limited(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<&serde_json::Value>,
        stale: bool,
    ) -> Result<Answer, GitHubError> {
        let mut waited = Duration::ZERO;
        let mut hits = 0;
        loop {
            let answer = self
                .send(method.clone(), path_or_url, body, stale && hits == 0)
                .await?;
            let Some(wait) = rate_limit_wait(&answer, hits) else {
                return Ok(answer);
            };
            hits += 1;
            if waited + wait > self.max_rate_limit_wait {
                return Err(GitHubError::RateLimited {
                    method: method.to_string(),
                    path: self.display_path(path_or_url),
                    wait_secs: wait.as_secs(),
                    waited_secs: waited.as_secs(),
                    max_secs: self.max_rate_limit_wait.as_secs(),
                });
            }
            let shown = self.display_path(path_or_url);
            self.log(format_args!(
                "{method} {shown}: rate limited ({}), waiting {} s",
                answer.status.as_u16(),
                wait.as_secs()
            ));
            // A long wait is said without -v too: a CI job must not look hung.
            let long = wait > LONG_WAIT;
            if long {
                self.say(format_args!(
                    "waiting {} s for GitHub's rate limit ({method} {shown}), until {} UTC",
                    wait.as_secs(),
                    utc_after(wait)
                ));
            }
            if long && self.bars {
                wait_with_bar(wait).await;
            } else {
                tokio::time::sleep(wait).await;
            }
            waited += wait;
            if long {
                self.say(format_args!(
                    "rate-limit wait over: resuming {method} {shown}"
                ));
            }
        }
    }

    async fn send(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<&serde_json::Value>,
        stale: bool,
    ) -> Result<Answer, GitHubError> {
        let url = self.url(path_or_url)?;
        let display = self.display_path(path_or_url);
        let points = if method == Method::GET { 1 } else { 5 };
        let paced = self.pacer.spend(points).await;
        if paced >= Duration::from_millis(100) {
            self.log(format_args!(
                "{method} {display}: paced {} ms to stay within the secondary rate limit",
                paced.as_millis()
            ));
        }
        // After pacing, so that a request waiting for the budget holds no place.
        let _place = match &self.permits {
            Some(permits) => permits.acquire().await.ok(),
            None => None,
        };
        let bearer = self.bearer(stale).await?;
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header(AUTHORIZATION, bearer);
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        let network_error = |e: reqwest::Error| GitHubError::Network {
            method: method.to_string(),
            path: display.clone(),
            detail: redact(&network_detail(e, &self.base)).into_owned(),
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
            method,
            path: display,
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
            Err(GitHubError::ForeignUrl {
                url: path_or_url.to_string(),
                base: self.base.clone(),
            })
        }
    }

    fn display_path(&self, path_or_url: &str) -> String {
        let path = path_or_url.strip_prefix(&self.base).unwrap_or(path_or_url);
        redact(path).into_owned()
    }

    fn status_error(&self, method: &str, path_or_url: &str, answer: &Answer) -> GitHubError {
        let message = serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| body_excerpt(&answer.body));
        // Servers may echo what they were sent: no error we hand out carries a secret.
        let message = redact(&message).into_owned();
        let header = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok());
        let status = answer.status.as_u16();
        let hint = match access_refused(status, &message, header("x-github-sso")) {
            // SAML SSO or an IP allow list: the token's scopes are not the problem, so no
            // word of scopes or permissions.
            Some(hint) => hint,
            None => {
                let enterprise = answer.path.starts_with("/enterprises/");
                // The seat hints are for the Copilot endpoints; another kind's endpoint
                // (billing, say) gets its kind's hint from apply, never the seats'.
                let copilot = !answer.path.contains("/settings/billing/");
                let mut hint = if !copilot {
                    String::new()
                } else if enterprise {
                    enterprise_hint(status, &message, self.credential.source)
                } else {
                    hint_for(status, &message, self.credential.source)
                };
                // GitHub names what the endpoint accepts and what the token has.
                if let Some(accepted) =
                    header("x-accepted-github-permissions").filter(|v| !v.is_empty())
                {
                    hint.push_str(&format!("; GitHub accepts the permissions: {accepted}"));
                }
                if let Some(accepted) = header("x-accepted-oauth-scopes").filter(|v| !v.is_empty())
                {
                    hint.push_str(&format!("; GitHub accepts the scopes: {accepted}"));
                    match header("x-oauth-scopes").map(str::trim) {
                        Some(has) if !has.is_empty() => {
                            hint.push_str(&format!("; the token has: {has}"))
                        }
                        _ => hint.push_str("; the token has none of them"),
                    }
                }
                hint
            }
        };
        GitHubError::Status {
            method: method.to_string(),
            path: self.display_path(path_or_url),
            status: answer.status.as_u16(),
            message,
            hint: redact(&hint).into_owned(),
        }
    }

    /// A line for people, `-v` or not (not with `-q`), scrubbed of secrets.
    fn say(&self, line: fmt::Arguments<'_>) {
        if let Some(notice) = self.notice {
            notice(format_args!("{}", redact(&line.to_string())));
        }
    }

    pub fn log(&self, line: fmt::Arguments<'_>) {
        if let Some(log) = self.log {
            log(format_args!("{}", redact(&line.to_string())));
        }
    }
}

/// Sleeps `wait` under a progress bar on stderr (a terminal's), a second at a time.
async fn wait_with_bar(wait: Duration) {
    let bar = indicatif::ProgressBar::new(wait.as_secs());
    bar.set_style(
        indicatif::ProgressStyle::with_template("rate limit: [{bar:30}] {pos}/{len} s")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    while started.elapsed() < wait {
        let left = wait.saturating_sub(started.elapsed());
        tokio::time::sleep(left.min(Duration::from_secs(1))).await;
        bar.set_position(started.elapsed().as_secs());
    }
    bar.finish_and_clear();
}

/// The time `wait` from now, `HH:MM:SS` in UTC.
fn utc_after(wait: Duration) -> String {
    let at = time::OffsetDateTime::now_utc() + wait;
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

/// The shape of a body that did not decode, for the error: its top-level type and, for an
/// object, its keys (never its values, which may hold anything).
fn shape(body: &str) -> String {
    use serde_json::Value;
    match serde_json::from_str::<Value>(body) {
        Err(_) if body.trim().is_empty() => "an empty body".to_string(),
        Err(_) => "a body that is not JSON".to_string(),
        Ok(Value::Object(map)) => {
            // Sorted: the same answer is described the same way, whatever its order.
            let mut sorted: Vec<&String> = map.keys().collect();
            sorted.sort();
            let mut keys: Vec<String> = sorted.iter().take(8).map(|k| format!("`{k}`")).collect();
            if map.len() > keys.len() {
                keys.push("…".to_string());
            }
            if keys.is_empty() {
                "an empty object".to_string()
            } else {
                format!("an object with the keys {}", keys.join(", "))
            }
        }
        Ok(Value::Array(items)) => format!("an array of {} item(s)", items.len()),
        Ok(Value::String(_)) => "a string".to_string(),
        Ok(Value::Number(_)) => "a number".to_string(),
        Ok(Value::Bool(_)) => "a boolean".to_string(),
        Ok(Value::Null) => "null".to_string(),
    }
}

/// What went wrong on the way, for people: a certificate the machine does not trust (a
/// TLS-inspecting proxy, say) and how to add its CA; a refused connection; a timeout; or
/// the innermost cause of the failure, not only "error sending request".
fn network_detail(error: reqwest::Error, base: &str) -> String {
    let mut causes = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if causes.last() != Some(&text) {
            causes.push(text);
        }
        source = cause.source();
    }
    let chain = causes.join(": ");
    if error.is_timeout() {
        "no answer within the request timeout (--request-timeout)".to_string()
    } else if chain.to_ascii_lowercase().contains("certificate") {
        format!(
            "cannot connect to {base}: its TLS certificate is not trusted here ({chain}); behind a TLS-inspecting proxy, add the proxy's CA certificate with SSL_CERT_FILE=/path/to/ca.pem (or SSL_CERT_DIR), or to the system's trust store"
        )
    } else if error.is_connect() {
        format!(
            "cannot connect to {base} ({chain}): check --api-url, the network, and HTTPS_PROXY/NO_PROXY"
        )
    } else if chain.is_empty() {
        format!("network error: {}", error.without_url())
    } else {
        format!("network error: the connection failed ({chain})")
    }
}

/// A 403 that no token permission fixes: SAML single sign-on not authorised for the token
/// (`X-GitHub-SSO: required; url=...`), or an IP allow list that does not hold this
/// machine's address. `None` for any other answer.
fn access_refused(status: u16, message: &str, sso: Option<&str>) -> Option<String> {
    if status != 403 {
        return None;
    }
    let lower = message.to_ascii_lowercase();
    if let Some(sso) = sso.filter(|v| v.trim_start().starts_with("required")) {
        let url = sso
            .split(';')
            .find_map(|part| part.trim().strip_prefix("url="))
            .map(|url| format!(": open {url} to authorise it, then run again"))
            .unwrap_or_else(|| {
                ": in GitHub, Settings > Developer settings > Personal access tokens, choose Configure SSO beside the token and authorise it for the organization".to_string()
            });
        return Some(format!(
            "the organization enforces SAML single sign-on and the token is not authorised for it{url}"
        ));
    }
    if lower.contains("saml enforcement") {
        return Some(
            "the organization enforces SAML single sign-on and the token is not authorised for it: in GitHub, Settings > Developer settings > Personal access tokens, choose Configure SSO beside the token and authorise it".to_string(),
        );
    }
    if lower.contains("ip allow list") {
        return Some(
            "the IP allow list of the organization or enterprise does not allow this machine's address (a GitHub-hosted runner's address changes from run to run): run from an allowed address, such as a self-hosted or larger runner with a static IP, or ask an owner to add it; the token's permissions are not the problem".to_string(),
        );
    }
    None
}

/// What a status means for the enterprise endpoints (API.md "Enterprise").
fn enterprise_hint(status: u16, message: &str, source: TokenSource) -> String {
    match status {
        401 | 403 if source == TokenSource::App => "the GitHub App (GITHUB_APP_ID) needs the enterprise permission \"Enterprise Copilot license management\" (read and write) on its enterprise installation: add it in the App's settings, then accept the new permissions where the App is installed on the enterprise; GitHub's description still marks some of these endpoints as not for Apps, so this 403 is not retried".to_string(),
        401 | 403 => format!(
            "the token in {source} cannot manage the enterprise's Copilot licences: it needs manage_billing:copilot or admin:enterprise (classic PAT; reads also read:enterprise), and its owner must be an enterprise owner (billing managers may only read)"
        ),
        404 if message.contains("do not exist") => String::new(),
        404 => "check the enterprise slug (github.com/enterprises/SLUG), and that the token's owner is one of its owners".to_string(),
        422 => "check the enterprise's Copilot settings (Enterprise settings > Policies > Copilot and > Licensing): Copilot enabled with billing set up, a policy chosen for suggestions matching public code, and access that lets licences be assigned to users and enterprise teams".to_string(),
        _ => String::new(),
    }
}

/// What a status usually means for these endpoints, and what to do about it.
fn hint_for(status: u16, message: &str, source: TokenSource) -> String {
    match (status, source) {
        (401, TokenSource::AppJwt) => "GitHub rejected the App's JWT: check that GITHUB_APP_ID is the App's ID and the key its current private key, and that this machine's clock is right".to_string(),
        (401 | 403, TokenSource::Comments) => "the workflow's GITHUB_TOKEN cannot comment on the pull request: give the job `permissions: pull-requests: write`".to_string(),
        (401 | 403, TokenSource::App) => "the GitHub App (GITHUB_APP_ID) needs the organization permissions \"GitHub Copilot Business\" read/write and \"Members\" read on its installation; accept the new permissions in the org's settings after changing them".to_string(),
        // "One or more users do not exist in this organization: ..." says it all.
        (404, _) if message.contains("do not exist") => String::new(),
        (401, _) => format!(
            "the token in {source} is invalid or expired: create a new one with manage_billing:copilot (classic PAT) or \"GitHub Copilot Business\" read/write (fine-grained)"
        ),
        (403, _) => format!(
            "the token in {source} lacks permission: it needs manage_billing:copilot (classic PAT) or the org permission \"GitHub Copilot Business\" read/write (fine-grained), and its owner must be an org owner"
        ),
        (404, _) => "check the organization name and that it has Copilot Business or Enterprise; GitHub also answers 404 when the token cannot see the org".to_string(),
        _ => String::new(),
    }
}

/// How long a 403 or 429 asks us to wait, or `None` when it is not a rate limit (a 403
/// without these signs is a permission error): `retry-after` seconds; else, when
/// `x-ratelimit-remaining` is 0, until `x-ratelimit-reset`; else, for a secondary limit,
/// at least 60 s, doubling on each further hit.
fn rate_limit_wait(answer: &Answer, previous_hits: u32) -> Option<Duration> {
    let status = answer.status.as_u16();
    if status != 403 && status != 429 {
        return None;
    }
    let header = |name: &str| answer.headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(seconds) = header("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(seconds.max(1)));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok())?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        return Some(Duration::from_secs(reset.saturating_sub(now) + 1));
    }
    let secondary = status == 429
        || answer
            .body
            .to_ascii_lowercase()
            .contains("secondary rate limit");
    secondary.then(|| Duration::from_secs(60u64.saturating_mul(1 << previous_hits.min(4))))
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
    fn token_is_redacted_in_the_token_and_the_client() {
        let token = Token::new("ghp_secret".into(), TokenSource::Variable("GH_TOKEN"));
        assert!(!format!("{token:?} {token}").contains("ghp_secret"));
        let config = ClientConfig {
            api_url: "http://127.0.0.1:9".into(),
            request_timeout: Duration::from_secs(1),
            max_rate_limit_wait: Duration::from_secs(1),
            points_per_minute: 800,
            log: None,
            notice: None,
            bars: false,
        };
        let client = Client::new(&config, token).expect("client");
        let debug = format!("{client:?}");
        assert!(
            debug.contains("GH_TOKEN") && !debug.contains("ghp_secret"),
            "{debug}"
        );
    }

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        Answer {
            method: Method::GET,
            path: "/x".into(),
            status: StatusCode::from_u16(status).expect("status"),
            headers: map,
            body: body.to_string(),
        }
    }

    #[test]
    fn rate_limit_waits_follow_spec_8() {
        let secs = |a: &Answer, hits| rate_limit_wait(a, hits).map(|d| d.as_secs());
        assert_eq!(secs(&answer(429, &[("retry-after", "7")], ""), 0), Some(7));
        assert_eq!(secs(&answer(403, &[("retry-after", "0")], ""), 0), Some(1));
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            + 30;
        let exhausted = answer(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &reset.to_string()),
            ],
            "",
        );
        assert!(secs(&exhausted, 0).is_some_and(|s| (29..=31).contains(&s)));
        let secondary = answer(
            403,
            &[],
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        assert_eq!(secs(&secondary, 0), Some(60));
        assert_eq!(secs(&secondary, 2), Some(240), "backs off exponentially");
        assert_eq!(secs(&answer(429, &[], ""), 0), Some(60));
        // A 403 without rate-limit signs is a permission error, not retried.
        assert_eq!(
            secs(
                &answer(
                    403,
                    &[("x-ratelimit-remaining", "4999")],
                    "Resource not accessible"
                ),
                0
            ),
            None
        );
        assert_eq!(secs(&answer(500, &[("retry-after", "5")], ""), 0), None);
    }
}
