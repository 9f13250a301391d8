//! What `reclaim` takes back (SPEC 10): declared users whose seat went unused (the
//! `reclaim:` rule of the file, the same as the plan's suggestions) and entries whose
//! `expires` has passed. A pure function of the file and the live seats. Users whose seat
//! comes through a team are listed but never removed from `users`: their seat goes with
//! their team membership. In an enterprise, an unused licence of a user who keeps a seat
//! through an org or a team saves nothing when removed: listed apart, never suggested.

use crate::model::{DesiredState, LiveState, Login, Seat, SeatSource, TeamSlug};
use serde::Serialize;
use time::Date;

/// One seat that `reclaim` lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub login: String,
    /// The date of the last activity, `None` when never used.
    pub last_activity: Option<String>,
    /// Days without activity (since assignment when never used).
    pub idle_days: Option<i64>,
    pub editor: Option<String>,
    /// `direct`, or `team:SLUG`.
    pub source: String,
    /// Why: `no activity for N days`, `no activity recorded`, `expired YYYY-MM-DD`.
    pub reason: String,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "team")]
pub enum Action {
    /// The entry leaves `users` (with `--write`).
    Remove,
    /// The seat comes through this team: reclaim it by team membership.
    ThroughTeam(String),
    /// An enterprise licence of the user's own that goes unused, while the user keeps a
    /// seat through an org or a team (`org:x`, `team:ent:y`): removing it saves nothing,
    /// as GitHub bills a user once. Listed apart, never removed or @-mentioned.
    NoSaving(String),
}

/// Everything `reclaim` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reclaimed {
    pub target: String,
    pub users: Vec<Candidate>,
    /// Team entries whose `expires` has passed, with the date.
    pub expired_teams: Vec<(String, String)>,
    /// Whether the file has a `reclaim:` rule (without one, only expired entries count).
    pub rule: bool,
}

impl Reclaimed {
    /// The user entries `--write` removes.
    pub fn users_to_remove(&self) -> Vec<String> {
        self.users
            .iter()
            .filter(|c| c.action == Action::Remove)
            .map(|c| c.login.clone())
            .collect()
    }

    pub fn teams_to_remove(&self) -> Vec<String> {
        self.expired_teams.iter().map(|(t, _)| t.clone()).collect()
    }
}

pub fn reclaim(desired: &DesiredState, live: &LiveState, today: Date) -> Reclaimed {
    let mut users = Vec::new();
    // Expired entries first, whatever their activity.
    for entry in desired.users.values().filter(|e| e.is_expired(today)) {
        let seat = live.active_seat(&entry.name);
        let expired = entry.expires.map(|d| d.to_string()).unwrap_or_default();
        users.push(candidate(
            &entry.name,
            seat,
            today,
            format!("expired {expired}"),
            Action::Remove,
        ));
    }
    if let Some(rule) = desired.reclaim {
        for seat in live.active_seats() {
            if desired.ignore_users.contains(&seat.login)
                || desired.reclaim_exempt.contains(&seat.login)
                || desired
                    .users
                    .get(&seat.login)
                    .is_some_and(|e| e.is_expired(today))
            {
                continue;
            }
            let Some(reason) = rule.unused(seat, today) else {
                continue;
            };
            let action = match &seat.source {
                SeatSource::Team { slug, .. } => Action::ThroughTeam(slug.to_string()),
                SeatSource::Direct if desired.users.contains_key(&seat.login) => {
                    match kept_elsewhere(live, &seat.login) {
                        Some(through) => Action::NoSaving(through),
                        None => Action::Remove,
                    }
                }
                // Undeclared direct seats are the plan's to remove; org seats an org's.
                SeatSource::Direct | SeatSource::Org { .. } => continue,
            };
            users.push(candidate(&seat.login, Some(seat), today, reason, action));
        }
    }
    users.sort_by(|a, b| {
        a.login
            .to_ascii_lowercase()
            .cmp(&b.login.to_ascii_lowercase())
    });
    let expired_teams = desired
        .teams
        .values()
        .filter(|e| e.is_expired(today))
        .map(|e| {
            (
                e.name.to_string(),
                e.expires.map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    Reclaimed {
        target: desired.org.clone(),
        users,
        expired_teams,
        rule: desired.reclaim.is_some(),
    }
}

/// Where an enterprise user keeps a seat besides their own licence (`org:x`, `team:ent:y`).
fn kept_elsewhere(live: &LiveState, login: &Login) -> Option<String> {
    live.active_sources(login)
        .into_iter()
        .find_map(|source| match source {
            SeatSource::Org { org } => Some(format!("org:{org}")),
            SeatSource::Team { slug, .. } => Some(format!("team:{slug}")),
            SeatSource::Direct => None,
        })
}

fn candidate(
    login: &Login,
    seat: Option<&Seat>,
    today: Date,
    reason: String,
    action: Action,
) -> Candidate {
    Candidate {
        login: login.to_string(),
        last_activity: seat
            .and_then(|s| s.last_activity_at.as_deref())
            .map(|at| at.chars().take(10).collect()),
        idle_days: seat.and_then(|s| s.days_inactive(today)),
        editor: seat
            .and_then(|s| s.last_activity_editor.as_deref())
            .map(str::to_string),
        source: match seat.map(|s| &s.source) {
            Some(SeatSource::Team { slug, .. }) => format!("team:{}", TeamSlug::as_str(slug)),
            Some(SeatSource::Org { org }) => format!("org:{org}"),
            Some(SeatSource::Direct) => "direct".to_string(),
            None => "no seat".to_string(),
        },
        reason,
        action,
    }
}
