//! Runs a plan's requests through the client, one at a time, spaced as GitHub asks.
//! A failed write is not re-sent: the remaining requests are not sent either, and the
//! report says exactly what was done. Running `apply` again plans from the new state.

use crate::github::Client;
use crate::plan::{Method, Request};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done { status: u16, detail: String },
    Failed { error: String },
    NotSent,
}

#[derive(Clone, Debug)]
pub struct RequestOutcome {
    pub request: Request,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Default)]
pub struct ApplyReport {
    pub outcomes: Vec<RequestOutcome>,
}

impl ApplyReport {
    pub fn succeeded(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.outcome, Outcome::Done { .. }))
    }
}

/// Sends `requests` in order with `write_interval` between two writes.
pub async fn apply(client: &Client, requests: &[Request], write_interval: Duration) -> ApplyReport {
    let mut report = ApplyReport::default();
    let mut failed = false;
    for (index, request) in requests.iter().enumerate() {
        if failed {
            report.outcomes.push(RequestOutcome {
                request: request.clone(),
                outcome: Outcome::NotSent,
            });
            continue;
        }
        if index > 0 && !write_interval.is_zero() {
            tokio::time::sleep(write_interval).await;
        }
        let method = match request.method {
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        };
        let body = serde_json::to_value(&request.body).unwrap_or_default();
        let outcome = match client.write(method, &request.path, &body).await {
            Ok(answer) => Outcome::Done {
                status: answer.status.as_u16(),
                detail: answer.body.trim().to_string(),
            },
            Err(error) => {
                failed = true;
                Outcome::Failed {
                    error: error.to_string(),
                }
            }
        };
        report.outcomes.push(RequestOutcome {
            request: request.clone(),
            outcome,
        });
    }
    report
}
