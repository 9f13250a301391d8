//! Link-header pagination, one way for every paginated endpoint: the next page's URL, the
//! page count from `rel="last"`, and a guard against a `Link` that points back to a page
//! already read (an endless loop otherwise).

use crate::github::client::{Answer, Client};
use crate::github::error::GitHubError;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// The URL of the `Link` header's entry with `rel`, if any.
fn link(answer: &Answer, rel: &str) -> Option<String> {
    let header = answer.headers.get("link")?.to_str().ok()?;
    let wanted = format!("rel=\"{rel}\"");
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == wanted)
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// The next page's URL, if any.
pub fn next_link(answer: &Answer) -> Option<String> {
    link(answer, "next")
}

/// The page count that page 1's `rel="last"` link gives (its `page` parameter).
pub fn last_page(answer: &Answer) -> Option<u64> {
    let url = link(answer, "last")?;
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
}

/// Walks the pages from `first`, following `rel="next"`.
pub struct Pager<'a> {
    client: &'a Client,
    next: Option<String>,
    visited: HashSet<String>,
}

impl<'a> Pager<'a> {
    pub fn new(client: &'a Client, first: String) -> Pager<'a> {
        Pager {
            client,
            next: Some(first),
            visited: HashSet::new(),
        }
    }

    /// Continues after a page the caller read itself (page 1, for its count).
    pub fn after(client: &'a Client, url: &str, answer: &Answer) -> Result<Pager<'a>, GitHubError> {
        let mut pager = Pager {
            client,
            next: None,
            visited: HashSet::new(),
        };
        pager.advance(url, answer)?;
        Ok(pager)
    }

    /// The next page decoded as `T` with its answer, or `None` after the last one.
    pub async fn next<T: DeserializeOwned>(&mut self) -> Result<Option<(T, Answer)>, GitHubError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let (page, answer) = self.client.get_json(&url).await?;
        self.advance(&url, &answer)?;
        Ok(Some((page, answer)))
    }

    fn advance(&mut self, url: &str, answer: &Answer) -> Result<(), GitHubError> {
        self.visited.insert(url.to_string());
        match next_link(answer) {
            Some(next) if self.visited.contains(&next) => Err(GitHubError::Decode {
                method: "GET".into(),
                path: url.to_string(),
                detail: format!("the `Link` header points back to `{next}`, a page already read"),
            }),
            next => {
                self.next = next;
                Ok(())
            }
        }
    }
}

/// Every item of every page of a list endpoint (team members, org members, comments).
pub async fn all<T: DeserializeOwned>(
    client: &Client,
    first: String,
) -> Result<Vec<T>, GitHubError> {
    let mut items = Vec::new();
    let mut pager = Pager::new(client, first);
    while let Some((page, _)) = pager.next::<Vec<T>>().await? {
        items.extend(page);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::{Method, StatusCode};

    fn answer(link: &'static str) -> Answer {
        let mut headers = HeaderMap::new();
        headers.insert("link", HeaderValue::from_static(link));
        Answer {
            method: Method::GET,
            path: "/x".into(),
            status: StatusCode::OK,
            headers,
            body: String::new(),
        }
    }

    #[test]
    fn next_and_last_are_found_among_others() {
        let answer = answer(
            "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=3>; rel=\"next\", <https://api.github.com/x?per_page=100&page=9>; rel=\"last\"",
        );
        assert_eq!(
            next_link(&answer).as_deref(),
            Some("https://api.github.com/x?page=3")
        );
        assert_eq!(last_page(&answer), Some(9));
    }

    #[test]
    fn a_link_back_to_a_page_read_is_an_error() {
        let config = crate::github::ClientConfig {
            api_url: "http://127.0.0.1:9".into(),
            request_timeout: std::time::Duration::from_secs(1),
            max_rate_limit_wait: std::time::Duration::from_secs(1),
            points_per_minute: 800,
            log: None,
            notice: None,
            bars: false,
        };
        let token = crate::github::auth::Token::new(
            "t".into(),
            crate::github::auth::TokenSource::Variable("T"),
        );
        let client = Client::new(&config, token).expect("client");
        let looping = answer("<https://api.github.com/x?page=1>; rel=\"next\"");
        let error = Pager::after(&client, "https://api.github.com/x?page=1", &looping)
            .err()
            .expect("a loop");
        assert!(error.to_string().contains("points back"), "{error}");
    }
}
