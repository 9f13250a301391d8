//! The token for the seat calls on one org: the token given, or a GitHub App's
//! installation token. The App finds its installation on the org
//! (`GET /orgs/{org}/installation`) and asks for a token
//! (`POST /app/installations/{id}/access_tokens`), valid one hour.

use crate::github::auth::{AppKey, Credentials, Token, TokenSource};
use crate::github::client::{Client, ClientConfig};
use crate::github::error::GitHubError;
use reqwest::Method;
use serde::Deserialize;

/// The token for the seat calls on `org`: as given, or an App's installation token.
pub async fn token_for(
    credentials: Credentials,
    config: &ClientConfig,
    org: &str,
) -> Result<Token, GitHubError> {
    match credentials {
        Credentials::Token(token) => Ok(token),
        Credentials::App(app) => installation_token(&app, config, org).await,
    }
}

async fn installation_token(
    app: &AppKey,
    config: &ClientConfig,
    org: &str,
) -> Result<Token, GitHubError> {
    #[derive(Deserialize)]
    struct Installation {
        id: u64,
    }
    #[derive(Deserialize)]
    struct AccessToken {
        token: String,
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let client = Client::new(config, app.jwt(now)?)?;
    let path = format!("/orgs/{org}/installation");
    let answer = client.get(&path).await?;
    if !answer.status.is_success() {
        return Err(GitHubError::AppNotInstalled {
            app_id: app.app_id().to_string(),
            org: org.to_string(),
            path,
        });
    }
    let installation: Installation = answer.json()?;
    let path = format!("/app/installations/{}/access_tokens", installation.id);
    let token: AccessToken = client
        .write(Method::POST, &path, &serde_json::json!({}))
        .await?
        .json()?;
    client.log(format_args!(
        "GitHub App {}: installation {} on {org}, token valid one hour",
        app.app_id(),
        installation.id
    ));
    Ok(Token::new(token.token, TokenSource::App))
}
