//! The sticky pull-request comment: found by its marker and edited in place, created when
//! missing, so that a pull request has one comment that always shows the current plan.

use crate::github::client::Client;
use crate::github::error::GitHubError;
use crate::github::page::Pager;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upserted {
    Created(u64),
    Updated(u64),
}

/// Edits the comment of pull request `number` in `repository` whose body holds `marker`,
/// or creates one.
pub async fn upsert(
    client: &Client,
    repository: &str,
    number: u64,
    marker: &str,
    body: &str,
) -> Result<Upserted, GitHubError> {
    let payload = serde_json::json!({ "body": crate::secrets::redact(body) });
    let mut pager = Pager::new(
        client,
        format!("/repos/{repository}/issues/{number}/comments?per_page=100"),
    );
    while let Some((comments, _)) = pager.next::<Vec<Comment>>().await? {
        if let Some(comment) = comments
            .iter()
            .find(|c| c.body.as_deref().is_some_and(|b| b.contains(marker)))
        {
            let path = format!("/repos/{repository}/issues/comments/{}", comment.id);
            client
                .write(reqwest::Method::PATCH, &path, &payload)
                .await?;
            return Ok(Upserted::Updated(comment.id));
        }
    }
    let path = format!("/repos/{repository}/issues/{number}/comments");
    let created: Comment = client
        .write(reqwest::Method::POST, &path, &payload)
        .await?
        .json()?;
    Ok(Upserted::Created(created.id))
}
