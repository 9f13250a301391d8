//! Which credentials to use, from the environment: a token, or a GitHub App whose
//! installation on the org or enterprise lends one (see `installation`), renewed before it
//! runs out (`Lease`, `Renewal`). An App signs a short JWT (RS256) with its private key.
//! This module makes no request: the client imports it, not the other way round.

use crate::github::error::GitHubError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::BoxFuture;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Where a token came from, for errors and hints that say which one to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// An environment variable holding the token.
    Variable(&'static str),
    /// A GitHub App's installation token (the App is named by `GITHUB_APP_ID`).
    App,
    /// The App's own JWT, used only to get an installation token.
    AppJwt,
    /// The workflow's `GITHUB_TOKEN`, for the pull-request comment only.
    Comments,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenSource::Variable(name) => name,
            TokenSource::App => "GITHUB_APP_ID",
            TokenSource::AppJwt => "the GitHub App's JWT",
            TokenSource::Comments => "GITHUB_TOKEN",
        })
    }
}

/// The API token. Its `Debug` and `Display` never show the value.
#[derive(Clone)]
pub struct Token {
    value: String,
    source: TokenSource,
}

impl Token {
    /// A token, registered with `secrets` so that no output can show it.
    pub fn new(value: String, source: TokenSource) -> Token {
        crate::secrets::register(&value);
        Token { value, source }
    }

    /// The workflow's `GITHUB_TOKEN`, for the pull-request comment (never the seat calls).
    pub fn for_comments() -> Result<Token, GitHubError> {
        let name = "GITHUB_TOKEN";
        let value = std::env::var(name).ok().map(|v| v.trim().to_string());
        match value {
            Some(value) if !value.is_empty() => Ok(Token::new(value, TokenSource::Comments)),
            _ => Err(GitHubError::MissingVariable { name }),
        }
    }

    pub fn source(&self) -> TokenSource {
        self.source
    }

    /// The secret itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.value
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

/// A token and when it runs out, if GitHub said (an installation token's `expires_at`).
#[derive(Clone, Debug)]
pub struct Lease {
    pub token: Token,
    /// When to mint the next one: a quarter of the token's life before its end, at most
    /// five minutes before (an installation token lives an hour).
    renew_at: Option<SystemTime>,
}

impl Lease {
    /// A token that does not run out (a PAT), as far as this run knows.
    pub fn lasting(token: Token) -> Lease {
        Lease {
            token,
            renew_at: None,
        }
    }

    /// A token that ends at `expires_at`.
    pub fn until(token: Token, expires_at: SystemTime) -> Lease {
        let life = expires_at
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO);
        let margin = (life / 4).min(Duration::from_secs(300));
        Lease {
            token,
            renew_at: Some(expires_at - margin),
        }
    }

    /// Whether the token should be replaced before the next request.
    pub fn is_due(&self) -> bool {
        self.renew_at.is_some_and(|at| SystemTime::now() >= at)
    }
}

/// Mints a fresh token before the one in use runs out: a GitHub App's installation
/// (`installation` implements it). The client holds one of these, so that an apply of any
/// length never sends a request, least of all a write, with an expired token.
pub trait Renewal: fmt::Debug + Send + Sync {
    fn renew(&self) -> BoxFuture<'_, Result<Lease, GitHubError>>;
}

/// Where the seat calls get their authority.
#[derive(Debug)]
pub enum Credentials {
    Token(Token),
    App(Arc<AppKey>),
}

/// Token variables, in order of precedence around the App (see `Credentials::from_env`).
const FIRST: &str = "COPILOT_SEATS_TOKEN";
const AFTER_APP: [&str; 2] = ["GH_TOKEN", "GITHUB_TOKEN"];

impl Credentials {
    /// `COPILOT_SEATS_TOKEN`, else a GitHub App (`GITHUB_APP_ID` with its key), else, when
    /// `COPILOT_SEATS_TOKEN` is not set at all, `GH_TOKEN`, else `GITHUB_TOKEN`. An App configured on purpose goes before the two
    /// general tokens, since workflows set `GITHUB_TOKEN` for other uses (comments).
    pub fn from_env() -> Result<Credentials, GitHubError> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token =
            |value, name| Credentials::Token(Token::new(value, TokenSource::Variable(name)));
        if let Some(value) = var(FIRST) {
            return Ok(token(value, FIRST));
        }
        if let Some(app_id) = var("GITHUB_APP_ID") {
            let pem = match (
                var("GITHUB_APP_PRIVATE_KEY"),
                var("GITHUB_APP_PRIVATE_KEY_PATH"),
            ) {
                (Some(pem), _) => pem,
                (None, Some(path)) => {
                    std::fs::read_to_string(&path).map_err(|e| GitHubError::AppKeyUnreadable {
                        path,
                        detail: e.to_string(),
                    })?
                }
                (None, None) => return Err(GitHubError::AppKeyMissing),
            };
            return Ok(Credentials::App(Arc::new(AppKey::new(app_id, &pem)?)));
        }
        // Set on purpose for the seat calls, but empty (and no App): say so rather than
        // fall back to the workflow's GITHUB_TOKEN, which cannot manage seats.
        if std::env::var_os(FIRST).is_some() {
            return Err(GitHubError::EmptyToken { name: FIRST });
        }
        AFTER_APP
            .into_iter()
            .find_map(|name| Some(token(var(name)?, name)))
            .ok_or(GitHubError::NoToken)
    }
}

/// A GitHub App's ID and private key. `Debug` shows the ID only.
pub struct AppKey {
    app_id: String,
    key: RsaKeyPair,
}

impl fmt::Debug for AppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppKey(app {}, <private key redacted>)", self.app_id)
    }
}

impl AppKey {
    /// Parses the PEM key (PKCS#1 as GitHub hands it out, or PKCS#8). A key stored with
    /// `\n` escapes instead of line breaks is accepted too. Errors never show the key.
    pub fn new(app_id: String, pem: &str) -> Result<AppKey, GitHubError> {
        let pem = if pem.contains('\n') {
            pem.to_string()
        } else {
            pem.replace("\\n", "\n")
        };
        crate::secrets::register_pem(&pem);
        let bad = |why: &str| GitHubError::AppKeyInvalid {
            app_id: app_id.clone(),
            why: why.to_string(),
        };
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|_| bad("no PEM private key found"))?;
        let key = match &der {
            PrivateKeyDer::Pkcs1(key) => RsaKeyPair::from_der(key.secret_pkcs1_der()),
            PrivateKeyDer::Pkcs8(key) => RsaKeyPair::from_pkcs8(key.secret_pkcs8_der()),
            _ => return Err(bad("it is not an RSA key")),
        }
        .map_err(|e| bad(&format!("it is not a valid RSA key ({e})")))?;
        Ok(AppKey { app_id, key })
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// A JWT for the App, issued 60 s in the past against clock drift and valid 9 minutes
    /// (GitHub allows 10), as GitHub's documentation recommends.
    pub fn jwt(&self, now_unix: u64) -> Result<Token, GitHubError> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "iat": now_unix.saturating_sub(60),
            "exp": now_unix + 540,
            "iss": self.app_id,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let message = format!("{header}.{claims}");
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message.as_bytes(),
                &mut signature,
            )
            .map_err(|_| GitHubError::AppJwtUnsigned)?;
        let jwt = format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature));
        Ok(Token::new(jwt, TokenSource::AppJwt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

    const KEY: &str = include_str!("../../tests/data/test-app-key.pem");

    #[test]
    fn the_jwt_is_signed_by_the_app_key_and_names_the_app() {
        let app = AppKey::new("12345".into(), KEY).expect("key");
        let jwt = app.jwt(1_800_000_000).expect("jwt");
        let jwt = jwt.expose();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64"))
                .expect("claims");
        assert_eq!(
            claims,
            serde_json::json!({"iat": 1_799_999_940u64, "exp": 1_800_000_540u64, "iss": "12345"})
        );
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("base64"))
                .expect("header");
        assert_eq!(header["alg"], "RS256");
        let public = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, app.key.public());
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("base64");
        public
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .expect("a valid signature");
    }

    #[test]
    fn a_key_with_escaped_newlines_is_accepted_and_bad_keys_are_not_echoed() {
        let escaped = KEY.trim_end().replace('\n', "\\n");
        assert!(AppKey::new("1".into(), &escaped).is_ok());
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END RSA PRIVATE KEY-----\n";
        let error = AppKey::new("1".into(), garbage).expect_err("not a key");
        let message = error.to_string();
        assert!(message.contains("not a valid RSA key"), "{message}");
        assert!(!message.contains("c2VjcmV0"), "{message}");
        let error = AppKey::new("1".into(), "not pem at all").expect_err("not pem");
        assert!(error.to_string().contains("no PEM private key found"));
        let debug = format!("{:?}", AppKey::new("7".into(), KEY).expect("key"));
        assert_eq!(debug, "AppKey(app 7, <private key redacted>)");
    }
}
