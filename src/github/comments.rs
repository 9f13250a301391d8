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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upserted {
    Created(u64),
    /// The comment edited, and the duplicates removed (from runs that raced).
    Updated {
        id: u64,
        removed: Vec<u64>,
    },
}

/// Edits the comment of pull request `number` in `repository` that starts with `marker`,
/// or creates one. Two runs at once can each create one: the oldest is kept and edited,
/// the others (ours, by the marker they start with) are deleted, so that it converges.
pub async fn upsert(
    client: &Client,
    repository: &str,
    number: u64,
    marker: &str,
    body: &str,
) -> Result<Upserted, GitHubError> {
    let payload = serde_json::json!({ "body": crate::secrets::redact(body) });
    let mut ours = Vec::new();
    let mut pager = Pager::new(
        client,
        format!("/repos/{repository}/issues/{number}/comments?per_page=100"),
    );
    while let Some((comments, _)) = pager.next::<Vec<Comment>>().await? {
        ours.extend(
            comments
                .into_iter()
                .filter(|c| c.body.as_deref().is_some_and(|b| b.starts_with(marker)))
                .map(|c| c.id),
        );
    }
    ours.sort_unstable();
    let Some((&id, duplicates)) = ours.split_first() else {
        let path = format!("/repos/{repository}/issues/{number}/comments");
        let created: Comment = client
            .write(reqwest::Method::POST, &path, &payload)
            .await?
            .json()?;
        return Ok(Upserted::Created(created.id));
    };
    let path = format!("/repos/{repository}/issues/comments/{id}");
    client
        .write(reqwest::Method::PATCH, &path, &payload)
        .await?;
    for duplicate in duplicates {
        let path = format!("/repos/{repository}/issues/comments/{duplicate}");
        client
            .write(reqwest::Method::DELETE, &path, &serde_json::json!({}))
            .await?;
    }
    Ok(Upserted::Updated {
        id,
        removed: duplicates.to_vec(),
    })
}
