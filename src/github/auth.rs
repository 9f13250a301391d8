//! Which credentials to use, from the environment: a token, or a GitHub App whose
//! installation on the org lends one. An App signs a short JWT (RS256) with its private key,
//! finds its installation on the org (`GET /orgs/{org}/installation`) and asks for an
//! installation token (`POST /app/installations/{id}/access_tokens`), valid one hour.

use crate::github::client::{Client, ClientConfig, Token};
use crate::github::error::GitHubError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use serde::Deserialize;
use std::fmt;

/// Where the seat calls get their authority.
#[derive(Debug)]
pub enum Credentials {
    Token(Token),
    App(Box<AppKey>),
}

/// Token variables, in order of precedence around the App (see `Credentials::from_env`).
const FIRST: &str = "COPILOT_SEATS_TOKEN";
const AFTER_APP: [&str; 2] = ["GH_TOKEN", "GITHUB_TOKEN"];

impl Credentials {
    /// `COPILOT_SEATS_TOKEN`, else a GitHub App (`GITHUB_APP_ID` with its key), else
    /// `GH_TOKEN`, else `GITHUB_TOKEN`. An App configured on purpose goes before the two
    /// general tokens, since workflows set `GITHUB_TOKEN` for other uses (comments).
    pub fn from_env() -> Result<Credentials, GitHubError> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = var(FIRST) {
            return Ok(Credentials::Token(Token::new(token, FIRST)));
        }
        if let Some(app_id) = var("GITHUB_APP_ID") {
            let pem = match (var("GITHUB_APP_PRIVATE_KEY"), var("GITHUB_APP_PRIVATE_KEY_PATH")) {
                (Some(pem), _) => pem,
                (None, Some(path)) => std::fs::read_to_string(&path).map_err(|e| {
                    GitHubError::Refused(format!(
                        "cannot read the GitHub App's private key at GITHUB_APP_PRIVATE_KEY_PATH `{path}`: {e}"
                    ))
                })?,
                (None, None) => {
                    return Err(GitHubError::Refused(
                        "GITHUB_APP_ID is set, but neither GITHUB_APP_PRIVATE_KEY (the PEM text) nor GITHUB_APP_PRIVATE_KEY_PATH (its file): set one".into(),
                    ));
                }
            };
            return Ok(Credentials::App(Box::new(AppKey::new(app_id, &pem)?)));
        }
        AFTER_APP
            .into_iter()
            .find_map(|name| Some(Credentials::Token(Token::new(var(name)?, name))))
            .ok_or(GitHubError::NoToken)
    }

    /// The token for the seat calls on `org`: as given, or an App's installation token.
    pub async fn token_for(self, config: &ClientConfig, org: &str) -> Result<Token, GitHubError> {
        match self {
            Credentials::Token(token) => Ok(token),
            Credentials::App(app) => app.installation_token(config, org).await,
        }
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

/// The variable an App's token is reported as coming from, in errors and hints.
pub const APP_SOURCE: &str = "GITHUB_APP_ID";
/// The source of the App's JWT, in errors and hints.
pub const APP_JWT_SOURCE: &str = "the GitHub App's JWT";

impl AppKey {
    /// Parses the PEM key (PKCS#1 as GitHub hands it out, or PKCS#8). A key stored with
    /// `\n` escapes instead of line breaks is accepted too. Errors never show the key.
    pub fn new(app_id: String, pem: &str) -> Result<AppKey, GitHubError> {
        let pem = if pem.contains('\n') {
            pem.to_string()
        } else {
            pem.replace("\\n", "\n")
        };
        let bad = |why: &str| {
            GitHubError::Refused(format!(
                "the GitHub App's private key is not usable: {why}: give the .pem file GitHub generated for app {app_id}"
            ))
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

    /// A JWT for the App, issued 60 s in the past against clock drift and valid 9 minutes
    /// (GitHub allows 10), as GitHub's documentation recommends.
    pub fn jwt(&self, now_unix: u64) -> Result<String, GitHubError> {
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
            .map_err(|_| GitHubError::Refused("cannot sign the GitHub App's JWT".into()))?;
        Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// The installation token for `org`.
    pub async fn installation_token(
        &self,
        config: &ClientConfig,
        org: &str,
    ) -> Result<Token, GitHubError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let app = Client::new(config, Token::new(self.jwt(now)?, APP_JWT_SOURCE))?;
        #[derive(Deserialize)]
        struct Installation {
            id: u64,
        }
        #[derive(Deserialize)]
        struct AccessToken {
            token: String,
        }
        let path = format!("/orgs/{org}/installation");
        let answer = app.get(&path).await?;
        if !answer.status.is_success() {
            return Err(GitHubError::Refused(format!(
                "GitHub App {} is not installed on `{org}` (GET {path} answered 404): install it on the org, with the organization permissions \"GitHub Copilot Business\" read/write and \"Members\" read",
                self.app_id
            )));
        }
        let installation: Installation = decode("GET", &path, &answer.body)?;
        let path = format!("/app/installations/{}/access_tokens", installation.id);
        let answer = app
            .write(Method::POST, &path, &serde_json::json!({}))
            .await?;
        let token: AccessToken = decode("POST", &path, &answer.body)?;
        app.log(format_args!(
            "GitHub App {}: installation {} on {org}, token valid one hour",
            self.app_id, installation.id
        ));
        Ok(Token::new(token.token, APP_SOURCE))
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    body: &str,
) -> Result<T, GitHubError> {
    serde_json::from_str(body).map_err(|e| GitHubError::Decode {
        method: method.into(),
        path: path.into(),
        detail: e.to_string(),
    })
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
