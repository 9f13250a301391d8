//! The plan as users and scripts read it (SPEC 5): its metadata, changes, the requests
//! exactly as they are sent, the summary, and the check that a saved plan holds only
//! requests this tool makes.

use crate::kinds::seats::{Change, Endpoints, RequestBody, Seated, Suggestion, Summary};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const FORMAT_VERSION: u32 = 1;
use crate::kinds::seats::BATCH_SIZE;

/// Where a plan came from, stamped by the caller so that the planner stays pure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    pub format_version: u32,
    pub tool_version: String,
    /// The org planned; empty for an enterprise's plan.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub org: String,
    /// The enterprise planned (SPEC 9), instead of an org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<String>,
    pub generated_at: String,
    pub file_digest: String,
    pub live_state_digest: String,
    /// The seat file the plan was made from, as it was named; for messages when a saved
    /// plan is applied with another file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl PlanMeta {
    /// The target's name: the org, or the enterprise.
    pub fn target(&self) -> &str {
        self.enterprise.as_deref().unwrap_or(&self.org)
    }

    /// The two seat endpoints of the target.
    pub fn endpoints(&self) -> Endpoints {
        match &self.enterprise {
            Some(enterprise) => Endpoints::enterprise(enterprise),
            None => Endpoints::org(&self.org),
        }
    }
}

/// Writes `-19` rather than `-19.0` when the amount is whole, as SPEC 5 shows it.
pub(crate) fn whole_or_fraction<S: serde::Serializer>(
    amount: &f64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        serializer.serialize_i64(*amount as i64)
    } else {
        serializer.serialize_f64(*amount)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Post,
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Post => "POST",
            Method::Delete => "DELETE",
        })
    }
}

/// One write the plan makes, exactly as it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub body: RequestBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(flatten)]
    pub meta: PlanMeta,
    pub changes: Vec<Change>,
    pub requests: Vec<Request>,
    pub summary: Summary,
    pub warnings: Vec<String>,
    pub suggestions: Vec<Suggestion>,
    /// Why `apply` refuses this plan without `--allow-mass-removal`.
    pub blocked: Option<String>,
    /// Who holds a seat before and after, for the distinct-user totals of a run with
    /// several targets; not part of the plan file.
    #[serde(skip)]
    pub seated: Seated,
}

impl Plan {
    /// Whether applying would change any seat (what `--detailed-exitcode` reports).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(Change::changes_seats)
    }

    /// Checks that a plan read from a file only holds requests this tool makes: the two
    /// seat endpoints of its own org, with the matching body, in batches of at most 100.
    /// A plan file is a reviewed artifact, but it is also input: never send what it says
    /// blindly.
    pub fn check_requests(&self) -> Result<(), String> {
        let org = self.meta.target();
        let endpoints = self.meta.endpoints();
        for request in &self.requests {
            let matches = match &request.body {
                RequestBody::Users { .. } => request.path == endpoints.users,
                body => {
                    request.path == endpoints.teams
                        && std::mem::discriminant(body)
                            == std::mem::discriminant(&endpoints.teams_body(Vec::new()))
                }
            };
            if !matches {
                return Err(format!(
                    "the plan holds a request to `{}` that copilot-seats does not make for `{org}`",
                    request.path
                ));
            }
            let names = request.body.names();
            if names.is_empty() || names.len() > BATCH_SIZE {
                return Err(format!(
                    "the plan holds a request with {} names; copilot-seats sends 1 to {BATCH_SIZE}",
                    names.len()
                ));
            }
        }
        Ok(())
    }
}
