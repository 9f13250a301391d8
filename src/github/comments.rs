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
/// or creates one. Two runs at once can each create one: after creating its comment, a
/// run lists the comments again, keeps the oldest of ours (by the marker they start with),
/// edits it and deletes the others, so that racing runs converge on one comment.
pub async fn upsert(
    client: &Client,
    repository: &str,
    number: u64,
    marker: &str,
    body: &str,
) -> Result<Upserted, GitHubError> {
    let payload = serde_json::json!({ "body": crate::secrets::redact(body) });
    let ours = list_ours(client, repository, number, marker).await?;
    if !ours.is_empty() {
        return converge(client, repository, &ours, &payload).await;
    }
    let path = format!("/repos/{repository}/issues/{number}/comments");
    let created: Comment = client
        .write(reqwest::Method::POST, &path, &payload)
        .await?
        .json()?;
    let ours = list_ours(client, repository, number, marker).await?;
    if ours.len() <= 1 {
        return Ok(Upserted::Created(created.id));
    }
    converge(client, repository, &ours, &payload).await
}

/// The ids of our comments (those that start with `marker`), oldest first.
async fn list_ours(
    client: &Client,
    repository: &str,
    number: u64,
    marker: &str,
) -> Result<Vec<u64>, GitHubError> {
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
    Ok(ours)
}

/// Deletes every comment of `ours` but the oldest, then edits the oldest. A duplicate
/// already deleted (by the other racing run) is fine.
async fn converge(
    client: &Client,
    repository: &str,
    ours: &[u64],
    payload: &serde_json::Value,
) -> Result<Upserted, GitHubError> {
    let Some((&id, duplicates)) = ours.split_first() else {
        return Ok(Upserted::Updated {
            id: 0,
            removed: Vec::new(),
        });
    };
    for duplicate in duplicates {
        let path = format!("/repos/{repository}/issues/comments/{duplicate}");
        match client
            .write(reqwest::Method::DELETE, &path, &serde_json::json!({}))
            .await
        {
            Err(error) if error.status() == Some(404) => {}
            other => {
                other?;
            }
        }
    }
    let path = format!("/repos/{repository}/issues/comments/{id}");
    client.write(reqwest::Method::PATCH, &path, payload).await?;
    Ok(Upserted::Updated {
        id,
        removed: duplicates.to_vec(),
    })
}
