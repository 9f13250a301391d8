//! The plan as users and scripts read it (SPEC 5): its metadata, changes, the requests
//! exactly as they are sent, the summary, and the check that a saved plan holds only
//! requests this tool makes.

use crate::model::Login;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

pub const FORMAT_VERSION: u32 = 1;
/// GitHub documents no maximum of names per request; we send at most this many.
pub const BATCH_SIZE: usize = 100;

/// The two seat endpoints of a target, built here and nowhere else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// `selected_usernames` go here.
    pub users: String,
    /// Team names go here: `selected_teams` for an org, `selected_enterprise_teams` for an
    /// enterprise.
    pub teams: String,
    enterprise: bool,
}

impl Endpoints {
    pub fn org(org: &str) -> Endpoints {
        Endpoints {
            users: format!("/orgs/{org}/copilot/billing/selected_users"),
            teams: format!("/orgs/{org}/copilot/billing/selected_teams"),
            enterprise: false,
        }
    }

    pub fn enterprise(enterprise: &str) -> Endpoints {
        Endpoints {
            users: format!("/enterprises/{enterprise}/copilot/billing/selected_users"),
            teams: format!("/enterprises/{enterprise}/copilot/billing/selected_enterprise_teams"),
            enterprise: true,
        }
    }

    /// The body that names `names` for the teams endpoint.
    pub fn teams_body(&self, names: Vec<String>) -> RequestBody {
        if self.enterprise {
            RequestBody::EnterpriseTeams {
                selected_enterprise_teams: names,
            }
        } else {
            RequestBody::Teams {
                selected_teams: names,
            }
        }
    }
}

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    AddUser {
        login: String,
        reason: String,
        /// The entry's `note:` in the file, shown beside the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    AddTeam {
        team: String,
        name: String,
        reason: String,
        /// Every member already holds a seat: the POST is sent, but changes no seat.
        #[serde(default)]
        reassert: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members_gaining_seat: Vec<String>,
        /// The entry's `note:` in the file, shown beside the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    RemoveTeam {
        team: String,
        name: String,
        members_losing_seat: Vec<String>,
        reason: String,
        /// The entry's `note:` in the file, shown beside the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    RemoveUser {
        login: String,
        reason: String,
        /// The entry's `note:` in the file, shown beside the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl Change {
    /// The entry's note, if the file gave one.
    pub fn note(&self) -> Option<&str> {
        match self {
            Change::AddUser { note, .. }
            | Change::AddTeam { note, .. }
            | Change::RemoveTeam { note, .. }
            | Change::RemoveUser { note, .. } => note.as_deref(),
        }
    }

    /// Whether this change can alter a seat (a re-asserted team cannot).
    pub fn changes_seats(&self) -> bool {
        !matches!(self, Change::AddTeam { reassert: true, .. })
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestBody {
    Users {
        selected_usernames: Vec<String>,
    },
    Teams {
        selected_teams: Vec<String>,
    },
    /// An enterprise's teams, by name.
    EnterpriseTeams {
        selected_enterprise_teams: Vec<String>,
    },
}

impl RequestBody {
    pub fn names(&self) -> &[String] {
        match self {
            RequestBody::Users { selected_usernames } => selected_usernames,
            RequestBody::Teams { selected_teams } => selected_teams,
            RequestBody::EnterpriseTeams {
                selected_enterprise_teams,
            } => selected_enterprise_teams,
        }
    }

    pub fn is_users(&self) -> bool {
        matches!(self, RequestBody::Users { .. })
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
pub struct Summary {
    pub seats_before: u64,
    pub seats_after: u64,
    pub added: u64,
    pub removed: u64,
    #[serde(serialize_with = "whole_or_fraction")]
    pub monthly_cost_delta_usd: f64,
    /// Seats neither declared nor ignored that this plan keeps (`unmanaged: warn`).
    #[serde(default)]
    pub left_alone: u64,
    /// In a plan of several targets: how many of the users this plan seats already hold a
    /// seat in another target of the run (GitHub bills them once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_seated_elsewhere: Option<u64>,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub login: String,
    pub reason: String,
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

/// The users a plan finds seated and leaves seated, and the price of one of its seats.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seated {
    /// False for a plan read from a file.
    pub known: bool,
    pub before: BTreeSet<Login>,
    pub after: BTreeSet<Login>,
    pub price: f64,
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
