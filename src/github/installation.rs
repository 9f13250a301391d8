//! The token for the calls on one target: the token given, or a GitHub App's installation
//! token. The App finds its installation on the org (`GET /orgs/{org}/installation`) or on
//! the enterprise (`GET /enterprises/{e}/installation`: an enterprise target uses the
//! enterprise's installation, each org target its org's), and asks for a token
//! (`POST /app/installations/{id}/access_tokens`), valid one hour; `Installation` mints
//! the next one before it runs out (API.md "GitHub Apps for enterprise targets").

use crate::github::auth::{AppKey, Credentials, Lease, Renewal, Token, TokenSource};
use crate::github::client::{Client, ClientConfig};
use crate::github::error::GitHubError;
use crate::github::owner::Owner;
use crate::model::TargetKind;
use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use std::sync::Arc;
use std::time::SystemTime;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Told each installation token minted (to mask it in GitHub Actions' log).
pub type Minted = Option<fn(&str)>;

/// The token for the calls on `owner`: as given, or an App's installation token with the
/// means to renew it.
pub async fn token_for(
    credentials: Credentials,
    config: &ClientConfig,
    owner: &Owner,
    minted: Minted,
) -> Result<(Lease, Option<Arc<dyn Renewal>>), GitHubError> {
    match credentials {
        Credentials::Token(token) => Ok((Lease::lasting(token), None)),
        Credentials::App(app) => {
            let id = installation_id(&app, config, owner).await?;
            let installation = Installation {
                app,
                config: config.clone(),
                id,
                minted,
            };
            let lease = installation.mint().await?;
            let renewal: Arc<dyn Renewal> = Arc::new(installation);
            Ok((lease, Some(renewal)))
        }
    }
}

/// The App's installation on `owner`.
async fn installation_id(
    app: &AppKey,
    config: &ClientConfig,
    owner: &Owner,
) -> Result<u64, GitHubError> {
    #[derive(Deserialize)]
    struct Found {
        id: u64,
    }
    let client = Client::new(config, app.jwt(now_unix())?)?;
    let path = match owner.kind {
        TargetKind::Org => format!("/orgs/{}/installation", owner.name),
        TargetKind::Enterprise => format!("/enterprises/{}/installation", owner.name),
    };
    let answer = client.get(&path).await?;
    if !answer.status.is_success() {
        let (target, permissions) = match owner.kind {
            TargetKind::Org => (
                format!("the org `{}`", owner.name),
                "the organization permissions \"GitHub Copilot Business\" read/write and \"Members\" read",
            ),
            TargetKind::Enterprise => (
                format!("the enterprise `{}`", owner.name),
                "the enterprise permission \"Enterprise Copilot license management\" read/write",
            ),
        };
        return Err(GitHubError::AppNotInstalled {
            app_id: app.app_id().to_string(),
            target,
            path,
            permissions,
        });
    }
    Ok(answer.json::<Found>()?.id)
}

/// One installation of the App, which mints its tokens.
#[derive(Debug)]
struct Installation {
    app: Arc<AppKey>,
    config: ClientConfig,
    id: u64,
    minted: Minted,
}

impl Installation {
    async fn mint(&self) -> Result<Lease, GitHubError> {
        #[derive(Deserialize)]
        struct AccessToken {
            token: String,
            #[serde(default)]
            expires_at: Option<String>,
        }
        let client = Client::new(&self.config, self.app.jwt(now_unix())?)?;
        let path = format!("/app/installations/{}/access_tokens", self.id);
        let answer: AccessToken = client
            .write(Method::POST, &path, &serde_json::json!({}))
            .await?
            .json()?;
        let token = Token::new(answer.token, TokenSource::App);
        if let Some(minted) = self.minted {
            minted(token.expose());
        }
        let expires_at = answer
            .expires_at
            .as_deref()
            .and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok())
            .map(SystemTime::from);
        client.log(format_args!(
            "GitHub App {}: installation {}, token valid until {}",
            self.app.app_id(),
            self.id,
            answer.expires_at.as_deref().unwrap_or("(not said)")
        ));
        Ok(match expires_at {
            Some(at) => Lease::until(token, at),
            // No end given: GitHub's tokens last an hour.
            None => Lease::until(
                token,
                SystemTime::now() + std::time::Duration::from_secs(3600),
            ),
        })
    }
}

impl Renewal for Installation {
    fn renew(&self) -> BoxFuture<'_, Result<Lease, GitHubError>> {
        Box::pin(self.mint())
    }
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
