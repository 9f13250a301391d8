//! The seats' changes and requests: what each change is, the bodies of the two seat
//! endpoints, and the seats' summary.

use crate::model::Login;
use crate::plan::{Change, Request};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SeatChange {
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

impl SeatChange {
    /// The entry's note, if the file gave one.
    pub fn note(&self) -> Option<&str> {
        match self {
            SeatChange::AddUser { note, .. }
            | SeatChange::AddTeam { note, .. }
            | SeatChange::RemoveTeam { note, .. }
            | SeatChange::RemoveUser { note, .. } => note.as_deref(),
        }
    }

    /// The change as the plan holds it.
    pub fn to_change(&self) -> Change {
        Change::of(self)
    }

    /// Whether this change can alter a seat (a re-asserted team cannot).
    pub fn changes_seats(&self) -> bool {
        !matches!(self, SeatChange::AddTeam { reassert: true, .. })
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

    /// The body of a seat request, if it is one.
    pub fn of(request: &Request) -> Option<RequestBody> {
        serde_json::from_value(request.body.clone()).ok()
    }

    pub fn is_users(&self) -> bool {
        matches!(self, RequestBody::Users { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub seats_before: u64,
    pub seats_after: u64,
    pub added: u64,
    pub removed: u64,
    #[serde(serialize_with = "crate::plan::whole_or_fraction")]
    pub monthly_cost_delta_usd: f64,
    /// Seats neither declared nor ignored that this plan keeps (`unmanaged: warn`).
    #[serde(default)]
    pub left_alone: u64,
    /// In a plan of several targets: how many of the users this plan seats already hold a
    /// seat in another target of the run (GitHub bills them once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_seated_elsewhere: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub login: String,
    pub reason: String,
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
