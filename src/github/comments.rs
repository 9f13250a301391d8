//! The sticky pull-request comment: found by its marker and edited in place, created when
//! missing, so that a pull request has one comment that always shows the current plan.

use crate::github::client::Client;
use crate::github::error::GitHubError;
use serde::Deserialize;
use std::collections::HashSet;

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
    let payload = serde_json::json!({ "body": body });
    let mut next = Some(format!(
        "/repos/{repository}/issues/{number}/comments?per_page=100"
    ));
    let mut visited = HashSet::new();
    while let Some(url) = next {
        let (comments, answer): (Vec<Comment>, _) = client.get_json(&url).await?;
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
        visited.insert(url);
        next = answer.next_link().filter(|n| !visited.contains(n));
    }
    let path = format!("/repos/{repository}/issues/{number}/comments");
    let answer = client.write(reqwest::Method::POST, &path, &payload).await?;
    let created: Comment = serde_json::from_str(&answer.body).map_err(|e| GitHubError::Decode {
        method: "POST".into(),
        path,
        detail: e.to_string(),
    })?;
    Ok(Upserted::Created(created.id))
}
