//! The seats as a kind: the words of their changes and headline, the check of a saved
//! seat request, and apply's hooks (what each request names, a 404 naming unknown users or
//! teams, the failures after which the seats are re-read).

use super::wire::{BATCH_SIZE, Endpoints, RequestBody, SeatChange};
use crate::apply::Outcome;
use crate::github::GitHubError;
use crate::kinds::{Failure, Item, Kind, Line, Sign};
use crate::model::{LiveState, Login};
use crate::plan::{Change, Method, Plan, PlanMeta, Request};
use std::collections::BTreeMap;

pub struct Seats;

/// The seats kind.
pub static SEATS: Seats = Seats;

impl Seats {
    /// The two seat endpoints of a plan's target.
    pub fn endpoints(meta: &PlanMeta) -> Endpoints {
        match &meta.enterprise {
            Some(enterprise) => Endpoints::enterprise(enterprise),
            None => Endpoints::org(&meta.org),
        }
    }
}

/// What a seat write does, by its method and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WriteKind {
    AddUser,
    AddTeam,
    RemoveTeam,
    RemoveUser,
}

impl WriteKind {
    pub fn of(method: Method, body: &RequestBody) -> WriteKind {
        match (method, body.is_users()) {
            (Method::Delete, true) => WriteKind::RemoveUser,
            (Method::Delete, false) => WriteKind::RemoveTeam,
            (_, true) => WriteKind::AddUser,
            (_, false) => WriteKind::AddTeam,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WriteKind::AddUser => "add user",
            WriteKind::AddTeam => "add team",
            WriteKind::RemoveTeam => "remove team",
            WriteKind::RemoveUser => "remove user",
        }
    }
}

impl Kind for Seats {
    fn name(&self) -> &'static str {
        crate::kinds::FIRST
    }

    fn title(&self) -> &'static str {
        "seats"
    }

    fn check_request(&self, meta: &PlanMeta, request: &Request) -> Result<(), String> {
        let target = meta.target();
        let endpoints = Seats::endpoints(meta);
        let foreign = || {
            format!(
                "the plan holds a request to `{}` that copilot-seats does not make for `{target}`",
                request.path
            )
        };
        let Some(body) = RequestBody::of(request) else {
            return Err(foreign());
        };
        let matches = match &body {
            RequestBody::Users { .. } => request.path == endpoints.users,
            body => {
                request.path == endpoints.teams
                    && std::mem::discriminant(body)
                        == std::mem::discriminant(&endpoints.teams_body(Vec::new()))
            }
        };
        if !matches || !matches!(request.method, Method::Post | Method::Delete) {
            return Err(foreign());
        }
        let names = body.names();
        if names.is_empty() || names.len() > BATCH_SIZE {
            return Err(format!(
                "the plan holds a request with {} names; copilot-seats sends 1 to {BATCH_SIZE}",
                names.len()
            ));
        }
        Ok(())
    }

    fn line(&self, change: &Change) -> Line {
        let line = |sign, group: &str, noun: &str, subject: &str, reason: &str| Line {
            sign,
            group: group.to_string(),
            noun: noun.to_string(),
            subject: subject.to_string(),
            label: None,
            change: None,
            reason: reason.to_string(),
            note: change.note().map(str::to_string),
            details: Vec::new(),
        };
        let Some(seat) = change.decode::<SeatChange>() else {
            return line(Sign::Update, "Changes", "seat change", change.action(), "");
        };
        match &seat {
            SeatChange::AddUser { login, reason, .. } => {
                line(Sign::Add, "Users added", "user", login, reason)
            }
            SeatChange::AddTeam {
                team,
                name,
                reason,
                reassert,
                members_gaining_seat,
                ..
            } => {
                let (sign, group) = if *reassert {
                    (Sign::Update, "Teams re-asserted (no seat changes)")
                } else {
                    (Sign::Add, "Teams added")
                };
                let mut line = line(sign, group, "team", team, reason);
                line.label = Some(name.clone());
                if !members_gaining_seat.is_empty() {
                    line.details = vec![(
                        "members gaining a seat".to_string(),
                        members_gaining_seat.clone(),
                    )];
                }
                line
            }
            SeatChange::RemoveTeam {
                team,
                name,
                members_losing_seat,
                reason,
                ..
            } => {
                let mut line = line(Sign::Remove, "Teams removed", "team", team, reason);
                line.label = Some(name.clone());
                if !members_losing_seat.is_empty() {
                    line.details = vec![(
                        "members losing their seat".to_string(),
                        members_losing_seat.clone(),
                    )];
                }
                line
            }
            SeatChange::RemoveUser { login, reason, .. } => {
                line(Sign::Remove, "Users removed", "user", login, reason)
            }
        }
    }

    fn changes_anything(&self, change: &Change) -> bool {
        change
            .decode::<SeatChange>()
            .is_none_or(|seat| seat.changes_seats())
    }

    fn totals(&self, plan: &Plan) -> Option<String> {
        let s = &plan.summary;
        Some(format!(
            "{} seat(s) added, {} removed; seats {} -> {}; {} USD/month",
            s.added,
            s.removed,
            s.seats_before,
            s.seats_after,
            crate::render::text::signed(s.monthly_cost_delta_usd)
        ))
    }

    fn unchanged(&self, plan: &Plan) -> String {
        let s = &plan.summary;
        let target = plan.meta.target();
        if s.left_alone > 0 {
            format!(
                "{} of the {} active seat(s) of {target} are not in the file and left alone (unmanaged: warn, see the warnings)",
                s.left_alone, s.seats_before
            )
        } else {
            format!(
                "the {} active seat(s) of {target} match the file",
                s.seats_before
            )
        }
    }

    fn table(&self, plan: &Plan) -> Option<(Vec<String>, Vec<String>)> {
        let s = &plan.summary;
        let cells = [
            s.seats_before.to_string(),
            s.seats_after.to_string(),
            format!("+{}", s.added),
            format!("−{}", s.removed),
            format!(
                "{} USD",
                crate::render::text::signed(s.monthly_cost_delta_usd)
            ),
        ];
        let headers = [
            "seats before",
            "seats after",
            "added",
            "removed",
            "monthly cost",
        ];
        Some((
            headers.iter().map(|h| h.to_string()).collect(),
            cells.to_vec(),
        ))
    }

    fn headline_notes(&self, plan: &Plan) -> Vec<String> {
        plan.summary
            .already_seated_elsewhere
            .filter(|n| *n > 0)
            .map(|count| {
                format!(
                    "{count} of the users this plan seats already hold a seat in another target of this run: GitHub bills them once, so the totals count them once."
                )
            })
            .into_iter()
            .collect()
    }

    fn appendix(&self, plan: &Plan) -> Option<(String, Vec<String>)> {
        if plan.suggestions.is_empty() {
            return None;
        }
        Some((
            "Inactive seats you may reclaim (suggestions only, never removed by this tool)"
                .to_string(),
            plan.suggestions
                .iter()
                .map(|s| format!("{}: {}", s.login, s.reason))
                .collect(),
        ))
    }

    fn footnotes(&self, plan: &Plan) -> Vec<String> {
        let mut notes = Vec::new();
        if plan.summary.removed > 0 {
            notes.push(
                "Removed seats stay billed, and usable, until the end of the billing cycle."
                    .to_string(),
            );
        }
        notes
    }

    fn items(&self, request: &Request, changes: &[Change]) -> Vec<Item> {
        let Some(body) = RequestBody::of(request) else {
            return Vec::new();
        };
        let kind = WriteKind::of(request.method, &body);
        // GitHub takes team *names* in requests; the report names teams by slug, as the
        // plan and the file do.
        let slugs: BTreeMap<String, String> = changes
            .iter()
            .filter(|c| c.kind() == crate::kinds::FIRST)
            .filter_map(|c| match c.decode::<SeatChange>()? {
                SeatChange::AddTeam { team, name, .. }
                | SeatChange::RemoveTeam { team, name, .. } => Some((name.to_lowercase(), team)),
                SeatChange::AddUser { .. } | SeatChange::RemoveUser { .. } => None,
            })
            .collect();
        body.names()
            .iter()
            .map(|name| Item {
                action: kind.label().to_string(),
                name: match kind {
                    WriteKind::AddTeam | WriteKind::RemoveTeam => slugs
                        .get(&name.to_lowercase())
                        .cloned()
                        .unwrap_or_else(|| name.clone()),
                    WriteKind::AddUser | WriteKind::RemoveUser => name.clone(),
                },
                key: name.clone(),
            })
            .collect()
    }

    fn failure(&self, request: &Request, error: &GitHubError) -> Failure {
        match error {
            GitHubError::Status {
                status: 404,
                message,
                ..
            } if message.contains("do not exist") => {
                // "One or more users do not exist in this organization: a, b"
                let listed = message.rsplit(':').next().unwrap_or("");
                let unknown: Vec<String> = RequestBody::of(request)
                    .map(|body| body.names().to_vec())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|name| {
                        listed
                            .split(',')
                            .any(|l| l.trim().eq_ignore_ascii_case(name))
                    })
                    .collect();
                if unknown.is_empty() {
                    Failure::Fatal
                } else {
                    Failure::Unknown(unknown)
                }
            }
            GitHubError::Status {
                status: 422,
                message,
                ..
            } if message.contains("via a team") => Failure::Unclear,
            GitHubError::Status { status, .. } if *status >= 500 => Failure::Unclear,
            GitHubError::Network { .. } => Failure::Unclear,
            _ => Failure::Fatal,
        }
    }

    /// An addition that cannot be made (say where to fix it), or a removal of something
    /// already gone there (in effect).
    fn unknown(&self, request: &Request, name: &str) -> Outcome {
        let enterprise = request.path.starts_with("/enterprises/");
        let place = if enterprise {
            "enterprise"
        } else {
            "organization"
        };
        let users = RequestBody::of(request).is_some_and(|b| b.is_users());
        match (request.method, users) {
            // Gone from the org or enterprise: no seat is left to remove.
            (Method::Delete, _) => Outcome::AlreadyDone,
            (_, true) if enterprise => Outcome::Failed(format!(
                "`{name}` is not a member of the enterprise: add them to the enterprise (or its identity provider) first, or remove them from the file (GitHub answered 404)"
            )),
            (_, true) => Outcome::Failed(format!(
                "`{name}` is not a member of the organization: invite them first or remove them from the file (GitHub answered 404)"
            )),
            (_, false) => Outcome::Failed(format!(
                "`{name}` does not exist in the {place}: check the slug or remove it from the file (GitHub answered 404)"
            )),
        }
    }

    fn without(&self, request: &Request, dropped: &[String]) -> Option<Request> {
        let body = RequestBody::of(request)?;
        let rest: Vec<String> = body
            .names()
            .iter()
            .filter(|n| !dropped.contains(n))
            .cloned()
            .collect();
        if rest.is_empty() {
            return None;
        }
        Some(with_names(request, &body, rest))
    }
}

/// After a re-read of the seats, what became of an item the new plan no longer sends.
pub fn settle_after_reread(live: &LiveState, item: &Item) -> Outcome {
    let login = Login::new(item.key.clone());
    let name = &item.name;
    if item.action == WriteKind::RemoveUser.label() {
        match live.active_seat(&login).and_then(|s| s.team()) {
            Some(team) => Outcome::Failed(format!(
                "`{name}` keeps the seat through team `{team}`: GitHub does not cancel a team-assigned seat; remove them from the team"
            )),
            None => Outcome::AlreadyDone,
        }
    } else if item.action == WriteKind::AddUser.label() && live.active_seat(&login).is_none() {
        Outcome::Failed(format!(
            "`{name}` still holds no seat, and the new plan no longer adds it"
        ))
    } else {
        Outcome::AlreadyDone
    }
}

/// `request` naming `names` instead.
pub fn with_names(request: &Request, body: &RequestBody, names: Vec<String>) -> Request {
    let body = match body {
        RequestBody::Users { .. } => RequestBody::Users {
            selected_usernames: names,
        },
        RequestBody::Teams { .. } => RequestBody::Teams {
            selected_teams: names,
        },
        RequestBody::EnterpriseTeams { .. } => RequestBody::EnterpriseTeams {
            selected_enterprise_teams: names,
        },
    };
    Request {
        body: serde_json::to_value(&body).unwrap_or_default(),
        ..request.clone()
    }
}
