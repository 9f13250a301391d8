//! The planner: a pure function from the desired state, the live state and what the
//! network told us about members and teams, to the changes and requests that reconcile
//! them. No I/O, not async; the same input always gives the same plan.

use crate::model::{
    DesiredState, Entry, LiveState, Login, RemovalLimit, SeatSource, TeamSlug, Unmanaged,
    days_since,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use time::Date;

/// GitHub documents no maximum of names per request; we send at most this many.
pub const BATCH_SIZE: usize = 100;
/// Entries expiring within this many days are warned about.
const EXPIRY_WARNING_DAYS: i64 = 14;
pub const FORMAT_VERSION: u32 = 1;

/// A team as `GET /orgs/{org}/teams/{slug}` and its members list describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamInfo {
    pub name: String,
    pub members: Vec<Login>,
}

/// What the network told us before planning. `None` fields mean "not checked" (offline).
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    /// Org membership of the users the plan adds.
    pub membership: Option<BTreeMap<Login, bool>>,
    /// Every declared team: `None` when it does not exist.
    pub teams: Option<BTreeMap<TeamSlug, Option<TeamInfo>>>,
    /// The org's `plan_type` from the billing settings, for the default seat price.
    pub plan_type: Option<String>,
}

/// The look-ups `plan` needs: membership of the users it may add, and every declared team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupsNeeded {
    pub users: Vec<Login>,
    pub teams: Vec<TeamSlug>,
}

/// Where a plan came from, stamped by the caller so that the planner stays pure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    pub format_version: u32,
    pub tool_version: String,
    pub org: String,
    pub generated_at: String,
    pub file_digest: String,
    pub live_state_digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    AddUser {
        login: String,
        reason: String,
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
    },
    RemoveTeam {
        team: String,
        name: String,
        members_losing_seat: Vec<String>,
        reason: String,
    },
    RemoveUser {
        login: String,
        reason: String,
    },
}

impl Change {
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
    Users { selected_usernames: Vec<String> },
    Teams { selected_teams: Vec<String> },
}

impl RequestBody {
    pub fn names(&self) -> &[String] {
        match self {
            RequestBody::Users { selected_usernames } => selected_usernames,
            RequestBody::Teams { selected_teams } => selected_teams,
        }
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
}

/// Writes `-19` rather than `-19.0` when the amount is whole, as SPEC 5 shows it.
fn whole_or_fraction<S: serde::Serializer>(amount: &f64, serializer: S) -> Result<S::Ok, S::Error> {
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
        let org = &self.meta.org;
        let users_path = format!("/orgs/{org}/copilot/billing/selected_users");
        let teams_path = format!("/orgs/{org}/copilot/billing/selected_teams");
        for request in &self.requests {
            let matches = match &request.body {
                RequestBody::Users { .. } => request.path == users_path,
                RequestBody::Teams { .. } => request.path == teams_path,
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

/// Problems that make a plan impossible; all of them, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PlanErrors(pub Vec<String>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

/// The team removals (step 3), before `unmanaged: warn` turns undeclared ones into warnings.
struct TeamRemoval<'a> {
    slug: &'a TeamSlug,
    name: &'a str,
    expired: Option<Date>,
}

fn team_removals<'a>(
    desired: &DesiredState,
    live: &'a LiveState,
    today: Date,
) -> Vec<TeamRemoval<'a>> {
    let mut removals = Vec::new();
    let mut seen = BTreeSet::new();
    for seat in live.active_seats() {
        let SeatSource::Team { slug, name } = &seat.source else {
            continue;
        };
        if !seen.insert(slug) || desired.ignore_teams.contains(slug) {
            continue;
        }
        let expired = match desired.teams.get(slug) {
            Some(entry) if entry.is_expired(today) => entry.expires,
            Some(_) => continue,
            None => None,
        };
        removals.push(TeamRemoval {
            slug,
            name,
            expired,
        });
    }
    removals
}

/// Teams that this plan removes: expired ones always, undeclared ones unless `unmanaged: warn`.
fn removed_team_slugs<'a>(
    desired: &DesiredState,
    removals: &[TeamRemoval<'a>],
) -> BTreeSet<&'a TeamSlug> {
    removals
        .iter()
        .filter(|r| r.expired.is_some() || desired.unmanaged == Unmanaged::Remove)
        .map(|r| r.slug)
        .collect()
}

/// Declared, unexpired users that need a POST, with the reason.
fn users_to_add<'a>(
    desired: &'a DesiredState,
    live: &LiveState,
    removed_teams: &BTreeSet<&TeamSlug>,
    today: Date,
) -> Vec<(&'a Entry<Login>, String)> {
    let mut adds = Vec::new();
    let mut seats = Cursor::new(&live.seats);
    for entry in desired.users.values().filter(|e| !e.is_expired(today)) {
        let reason = match seats.get(&entry.name) {
            None => "declared".to_string(),
            Some(seat) => match (&seat.pending_cancellation_date, &seat.source) {
                (Some(date), _) => {
                    format!("declared; re-activates the seat pending cancellation on {date}")
                }
                (None, SeatSource::Team { slug, .. }) if removed_teams.contains(slug) => {
                    format!("declared; keeps the seat while team `{slug}` is removed")
                }
                (None, _) => continue,
            },
        };
        adds.push((entry, reason));
    }
    adds
}

/// The look-ups to make before `plan`.
pub fn lookups_needed(desired: &DesiredState, live: &LiveState, today: Date) -> LookupsNeeded {
    let removals = team_removals(desired, live, today);
    let removed = removed_team_slugs(desired, &removals);
    LookupsNeeded {
        users: users_to_add(desired, live, &removed, today)
            .into_iter()
            .map(|(entry, _)| entry.name.clone())
            .collect(),
        teams: desired
            .teams
            .values()
            .filter(|e| !e.is_expired(today))
            .map(|e| e.name.clone())
            .collect(),
    }
}

/// Computes the plan. See SPEC 4 for the rules; comments below say how each is met.
pub fn plan(
    desired: &DesiredState,
    live: &LiveState,
    lookups: &Lookups,
    today: Date,
    meta: PlanMeta,
) -> Result<Plan, PlanErrors> {
    let org = &desired.org;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if live.seats_without_assignee > 0 {
        warnings.push(format!(
            "{} seat(s) have no assignee in GitHub's answer and were skipped",
            live.seats_without_assignee
        ));
    }
    if lookups.membership.is_none() {
        warnings.push(
            "offline plan: org membership and teams were not checked, and team members are unknown"
                .to_string(),
        );
    }
    let active_teams: BTreeMap<&TeamSlug, &Entry<TeamSlug>> = desired
        .teams
        .iter()
        .filter(|(_, e)| !e.is_expired(today))
        .collect();
    let team_info =
        |slug: &TeamSlug| -> Option<&TeamInfo> { lookups.teams.as_ref()?.get(slug)?.as_ref() };

    // Step 3 first, because steps 1 and 4 depend on which teams go.
    let removals = team_removals(desired, live, today);
    let removed_teams = removed_team_slugs(desired, &removals);
    for removal in removals.iter().filter(|r| !removed_teams.contains(r.slug)) {
        let holders = live
            .active_seats()
            .filter(|s| s.team() == Some(removal.slug))
            .count();
        warnings.push(format!(
            "team `{}` gives {holders} seat(s) but is not declared (unmanaged: warn): declare or ignore it",
            removal.slug
        ));
    }

    // Step 1: add users.
    let mut changes = Vec::new();
    let user_adds = users_to_add(desired, live, &removed_teams, today);
    let added_users: BTreeSet<&Login> = user_adds.iter().map(|(e, _)| &e.name).collect();
    for (entry, reason) in &user_adds {
        if let Some(membership) = &lookups.membership
            && membership.get(&entry.name) == Some(&false)
        {
            errors.push(format!(
                "user `{}` is not a member of `{org}`: invite them first or remove them from the file (line {})",
                entry.name, entry.line
            ));
        }
        changes.push(Change::AddUser {
            login: entry.name.to_string(),
            reason: reason.clone(),
        });
    }
    // Seats that survive this plan before teams are added: active, and not through a removed
    // team unless the user is re-added directly.
    let keeps_seat = |login: &Login| match live.active_seat(login) {
        None => false,
        Some(seat) => {
            seat.team().is_none_or(|t| !removed_teams.contains(t)) || added_users.contains(login)
        }
    };

    // Step 2: add teams that no active seat shows.
    let visible = live.visible_teams();
    let mut gaining_through_teams: BTreeSet<&Login> = BTreeSet::new();
    for entry in active_teams
        .values()
        .filter(|e| !visible.contains_key(&e.name))
    {
        let slug = &entry.name;
        let (name, reassert, gaining) = match lookups.teams.as_ref().map(|teams| teams.get(slug)) {
            None | Some(None) => (slug.to_string(), false, Vec::new()),
            Some(Some(None)) => {
                errors.push(format!(
                    "team `{slug}` does not exist in `{org}`: check the slug at github.com/orgs/{org}/teams or remove it from the file (line {})",
                    entry.line
                ));
                continue;
            }
            Some(Some(Some(info))) => {
                let gaining: Vec<&Login> = info
                    .members
                    .iter()
                    .filter(|m| !keeps_seat(m) && !added_users.contains(m))
                    .collect();
                gaining_through_teams.extend(gaining.iter().copied());
                (info.name.clone(), gaining.is_empty(), gaining)
            }
        };
        let reason = if reassert {
            "declared; re-assert: every member already holds a seat, so GitHub shows no seat through this team".to_string()
        } else {
            "declared".to_string()
        };
        changes.push(Change::AddTeam {
            team: slug.to_string(),
            name,
            reason,
            reassert,
            members_gaining_seat: gaining.iter().map(|l| l.to_string()).collect(),
        });
    }

    // Which declared team covers a login: seen on its seat, or in the team's member list.
    let covering_team = |login: &Login| -> Option<&TeamSlug> {
        active_teams.keys().copied().find(|slug| {
            live.active_seat(login).and_then(|s| s.team()) == Some(*slug)
                || team_info(slug).is_some_and(|info| info.members.contains(login))
        })
    };

    // Step 3: remove teams, with the members who lose their seat.
    let mut losing: BTreeSet<&Login> = BTreeSet::new();
    for removal in removals.iter().filter(|r| removed_teams.contains(r.slug)) {
        let members: Vec<&Login> = live
            .active_seats()
            .filter(|s| s.team() == Some(removal.slug))
            .map(|s| &s.login)
            .filter(|l| !added_users.contains(l) && covering_team(l).is_none())
            .collect();
        losing.extend(members.iter().copied());
        changes.push(Change::RemoveTeam {
            team: removal.slug.to_string(),
            name: removal.name.to_string(),
            members_losing_seat: members.iter().map(|l| l.to_string()).collect(),
            reason: removal_reason(removal.expired),
        });
    }

    // Step 4: remove direct seats; never a DELETE for a team-assigned seat (GitHub answers 422).
    let mut declared_users = Cursor::new(&desired.users);
    for seat in live.active_seats() {
        let login = &seat.login;
        let declared = declared_users.get(login);
        if declared.is_some_and(|e| !e.is_expired(today)) || desired.ignore_users.contains(login) {
            continue;
        }
        let expired = declared.and_then(|e| e.expires);
        let through_team = match seat.team() {
            Some(team) if !removed_teams.contains(team) => Some(team),
            Some(_) => continue, // listed with its team's removal
            None => covering_team(login),
        };
        if let Some(team) = through_team {
            if let Some(date) = expired {
                warnings.push(format!(
                    "user `{login}` expired on {date} but keeps the seat through team `{team}`: remove them from the team"
                ));
            }
            continue;
        }
        if expired.is_none() && desired.unmanaged == Unmanaged::Warn {
            warnings.push(format!(
                "user `{login}` holds a seat but is not declared (unmanaged: warn): declare or ignore them"
            ));
            continue;
        }
        losing.insert(login);
        changes.push(Change::RemoveUser {
            login: login.to_string(),
            reason: removal_reason(expired),
        });
    }

    warnings.extend(expiry_warnings(desired, today));
    let requests = requests_for(org, &changes);

    let seats_before = live.active_seats().count() as u64;
    let newly_seated = added_users
        .iter()
        .filter(|l| live.active_seat(l).is_none())
        .count()
        + gaining_through_teams.len();
    let added = newly_seated as u64;
    let removed = losing.len() as u64;
    let seats_after = (seats_before + added).saturating_sub(removed);
    let price = desired
        .price_per_seat_usd
        .unwrap_or_else(|| default_price(lookups.plan_type.as_deref(), live));
    let summary = Summary {
        seats_before,
        seats_after,
        added,
        removed,
        monthly_cost_delta_usd: (seats_after as f64 - seats_before as f64) * price,
    };

    if let Some(max) = desired.limits.max_seats
        && seats_after > max
    {
        errors.push(format!(
            "the plan leaves {seats_after} seats, more than limits.max_seats ({max}): declare fewer seats or raise the limit"
        ));
    }
    if !errors.is_empty() {
        return Err(PlanErrors(errors));
    }
    let blocked = guard(desired, &summary);
    Ok(Plan {
        meta,
        changes,
        requests,
        summary,
        warnings,
        suggestions: suggestions(desired, live, today),
        blocked,
    })
}

fn removal_reason(expired: Option<Date>) -> String {
    match expired {
        Some(date) => format!("expired {date}"),
        None => "not declared".to_string(),
    }
}

/// The mass-removal guards of SPEC 4: too many removals, or none left.
fn guard(desired: &DesiredState, summary: &Summary) -> Option<String> {
    let before = summary.seats_before;
    let (limit, source) = match desired.limits.max_removals {
        Some(RemovalLimit::Count(n)) => (n, "limits.max_removals".to_string()),
        Some(RemovalLimit::Percent(p)) => (
            (before as f64 * p / 100.0).floor() as u64,
            format!("limits.max_removals {p}% of {before} seats"),
        ),
        None => (
            (before / 4).max(10),
            "the default limit: 25% of current seats, at least 10".to_string(),
        ),
    };
    if summary.removed > limit {
        return Some(format!(
            "{} seats would be removed, more than {limit} ({source}); check the plan, then apply with --allow-mass-removal or raise limits.max_removals",
            summary.removed
        ));
    }
    if summary.seats_after == 0 && summary.removed > 0 {
        return Some(
            "the plan removes every seat, and GitHub then cancels the org's Copilot plan; apply with --allow-mass-removal if that is intended"
                .to_string(),
        );
    }
    None
}

/// Seat price from the org's plan type (else the seats'): see `seat_price`.
fn default_price(plan_type: Option<&str>, live: &LiveState) -> f64 {
    let plan_type = plan_type
        .map(str::to_string)
        .or_else(|| live.plan_type.clone());
    seat_price(plan_type.as_deref())
}

/// A seat's monthly list price in USD by plan type: business 19, enterprise 39.
pub fn seat_price(plan_type: Option<&str>) -> f64 {
    match plan_type {
        Some("enterprise") => 39.0,
        _ => 19.0,
    }
}

/// Warnings for entries that expire within two weeks.
fn expiry_warnings(desired: &DesiredState, today: Date) -> Vec<String> {
    let users = desired
        .users
        .values()
        .map(|e| ("user", e.name.as_str(), e.expires));
    let teams = desired
        .teams
        .values()
        .map(|e| ("team", e.name.as_str(), e.expires));
    users
        .chain(teams)
        .filter_map(|(kind, name, expires)| {
            let expires = expires?;
            let days = (expires - today).whole_days();
            (0..=EXPIRY_WARNING_DAYS).contains(&days).then(|| {
                format!("{kind} `{name}` expires on {expires} (in {days} day(s)); the seat is removed the day after")
            })
        })
        .collect()
}

/// Declared users whose seat has been unused longer than `reclaim.inactive_after_days`.
fn suggestions(desired: &DesiredState, live: &LiveState, today: Date) -> Vec<Suggestion> {
    let Some(reclaim) = desired.reclaim else {
        return Vec::new();
    };
    let days_since = |timestamp: &str| days_since(timestamp, today);
    let mut seats = Cursor::new(&live.seats);
    desired
        .users
        .values()
        .filter(|e| !e.is_expired(today))
        .filter_map(|entry| {
            let seat = seats.get(&entry.name).filter(|seat| seat.is_active())?;
            if days_since(&seat.created_at)? < i64::from(reclaim.grace_days) {
                return None;
            }
            let reason = match seat.last_activity_at.as_deref().map(days_since) {
                None => "no activity recorded".to_string(),
                Some(Some(days)) if days >= i64::from(reclaim.inactive_after_days) => {
                    format!("no activity for {days} days")
                }
                Some(_) => return None,
            };
            Some(Suggestion {
                login: entry.name.to_string(),
                reason,
            })
        })
        .collect()
}

/// Look-ups in a map by logins that come in ascending order, as when walking another map
/// keyed by login: one pass over the map in all, instead of a tree search for each.
struct Cursor<'a, V> {
    entries: std::iter::Peekable<std::collections::btree_map::Iter<'a, Login, V>>,
}

impl<'a, V> Cursor<'a, V> {
    fn new(map: &'a BTreeMap<Login, V>) -> Self {
        Cursor {
            entries: map.iter().peekable(),
        }
    }

    /// The value for `login`; logins asked for must not decrease.
    fn get(&mut self, login: &Login) -> Option<&'a V> {
        while let Some((key, value)) = self.entries.peek() {
            match (*key).cmp(login) {
                std::cmp::Ordering::Less => {
                    self.entries.next();
                }
                std::cmp::Ordering::Equal => return Some(*value),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}

/// The writes, in SPEC order (add users, add teams, remove teams, remove users), in
/// batches of at most `BATCH_SIZE` names.
fn requests_for(org: &str, changes: &[Change]) -> Vec<Request> {
    let users_path = format!("/orgs/{org}/copilot/billing/selected_users");
    let teams_path = format!("/orgs/{org}/copilot/billing/selected_teams");
    let pick = |f: fn(&Change) -> Option<&String>| -> Vec<String> {
        changes.iter().filter_map(f).cloned().collect()
    };
    let add_users = pick(|c| match c {
        Change::AddUser { login, .. } => Some(login),
        _ => None,
    });
    let add_teams = pick(|c| match c {
        Change::AddTeam { name, .. } => Some(name),
        _ => None,
    });
    let remove_teams = pick(|c| match c {
        Change::RemoveTeam { name, .. } => Some(name),
        _ => None,
    });
    let remove_users = pick(|c| match c {
        Change::RemoveUser { login, .. } => Some(login),
        _ => None,
    });
    let mut requests = Vec::new();
    let kinds = [
        (Method::Post, &users_path, add_users, true),
        (Method::Post, &teams_path, add_teams, false),
        (Method::Delete, &teams_path, remove_teams, false),
        (Method::Delete, &users_path, remove_users, true),
    ];
    for (method, path, names, users) in kinds {
        for batch in names.chunks(BATCH_SIZE) {
            let names = batch.to_vec();
            requests.push(Request {
                method,
                path: path.clone(),
                body: if users {
                    RequestBody::Users {
                        selected_usernames: names,
                    }
                } else {
                    RequestBody::Teams {
                        selected_teams: names,
                    }
                },
            });
        }
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Seat;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 25);

    /// Seats from a compact list: `alice` direct, `bob@platform` through a team,
    /// `oscar!` pending cancellation.
    fn live(spec: &str) -> LiveState {
        let seats = spec.split_whitespace().map(|item| {
            let (item, pending) = match item.strip_suffix('!') {
                Some(item) => (item, Some("2026-12-01".to_string())),
                None => (item, None),
            };
            let (login, source) = match item.split_once('@') {
                Some((login, team)) => (
                    login,
                    SeatSource::Team {
                        slug: TeamSlug::new(team),
                        name: team.to_uppercase().into(),
                    },
                ),
                None => (item, SeatSource::Direct),
            };
            Seat {
                login: Login::new(login),
                source,
                pending_cancellation_date: pending.map(Into::into),
                created_at: "2025-01-01T00:00:00Z".into(),
                last_activity_at: Some("2026-11-20T00:00:00Z".into()),
                last_activity_editor: None,
            }
        });
        LiveState::from_seats(seats.collect::<Vec<_>>(), 0)
    }

    fn desired(yaml: &str) -> DesiredState {
        crate::config::parse("t.yaml", &format!("org: acme\n{yaml}")).expect("valid test file")
    }

    /// Online look-ups: everyone is a member unless listed in `strangers`; `teams` gives
    /// each existing team's members.
    fn online(
        desired: &DesiredState,
        live: &LiveState,
        strangers: &[&str],
        teams: &[(&str, &str)],
    ) -> Lookups {
        let needed = lookups_needed(desired, live, TODAY);
        let membership = needed
            .users
            .into_iter()
            .map(|l| {
                let member = !strangers.contains(&l.as_str());
                (l, member)
            })
            .collect();
        let teams = needed
            .teams
            .into_iter()
            .map(|slug| {
                let info = teams
                    .iter()
                    .find(|(s, _)| *s == slug.as_str())
                    .map(|(s, members)| TeamInfo {
                        name: s.to_uppercase(),
                        members: members.split_whitespace().map(Login::new).collect(),
                    });
                (slug, info)
            })
            .collect();
        Lookups {
            membership: Some(membership),
            teams: Some(teams),
            plan_type: Some("business".into()),
        }
    }

    fn meta() -> PlanMeta {
        PlanMeta {
            format_version: FORMAT_VERSION,
            tool_version: "test".into(),
            org: "acme".into(),
            generated_at: "2026-11-25T00:00:00Z".into(),
            file_digest: "sha256:f".into(),
            live_state_digest: "sha256:l".into(),
        }
    }

    fn describe(change: &Change) -> String {
        match change {
            Change::AddUser { login, .. } => format!("+user {login}"),
            Change::AddTeam {
                team,
                reassert,
                members_gaining_seat,
                ..
            } => {
                let sign = if *reassert { "~" } else { "+" };
                format!("{sign}team {team}[{}]", members_gaining_seat.join(","))
            }
            Change::RemoveTeam {
                team,
                members_losing_seat,
                ..
            } => format!("-team {team}[{}]", members_losing_seat.join(",")),
            Change::RemoveUser { login, reason } => format!("-user {login} ({reason})"),
        }
    }

    struct Case {
        name: &'static str,
        file: &'static str,
        seats: &'static str,
        teams: &'static [(&'static str, &'static str)],
        changes: &'static [&'static str],
        /// Seats before, after.
        seats_count: (u64, u64),
        /// A text every warning list must contain, if any.
        warning: Option<&'static str>,
    }

    const CASES: &[Case] = &[
        Case {
            name: "declared user without a seat is added",
            file: "users: [alice, bob]",
            seats: "alice",
            teams: &[],
            changes: &["+user bob"],
            seats_count: (1, 2),
            warning: None,
        },
        Case {
            name: "declared user pending cancellation is re-activated",
            file: "users: [oscar]",
            seats: "oscar!",
            teams: &[],
            changes: &["+user oscar"],
            seats_count: (0, 1),
            warning: None,
        },
        Case {
            name: "undeclared pending seat counts as removed already",
            file: "users: [alice]",
            seats: "alice oscar!",
            teams: &[],
            changes: &[],
            seats_count: (1, 1),
            warning: None,
        },
        Case {
            name: "undeclared direct seat is removed",
            file: "users: [alice]",
            seats: "alice mallory",
            teams: &[],
            changes: &["-user mallory (not declared)"],
            seats_count: (2, 1),
            warning: None,
        },
        Case {
            name: "logins compare case-insensitively",
            file: "users: [ALICE]",
            seats: "alice",
            teams: &[],
            changes: &[],
            seats_count: (1, 1),
            warning: None,
        },
        Case {
            name: "ignored user is never removed",
            file: "users: [alice]\nignore: {users: [root]}",
            seats: "alice root",
            teams: &[],
            changes: &[],
            seats_count: (2, 2),
            warning: None,
        },
        Case {
            name: "undeclared team is removed with the members who lose their seat",
            file: "users: [alice]",
            seats: "alice erin@design fay@design",
            teams: &[],
            changes: &["-team design[erin,fay]"],
            seats_count: (3, 1),
            warning: None,
        },
        Case {
            name: "declared user keeps the seat when their team is removed",
            file: "users: [erin]",
            seats: "erin@design fay@design",
            teams: &[],
            changes: &["+user erin", "-team design[fay]"],
            seats_count: (2, 1),
            warning: None,
        },
        Case {
            name: "ignored team is never removed",
            file: "ignore: {teams: [design]}",
            seats: "erin@design",
            teams: &[],
            changes: &[],
            seats_count: (1, 1),
            warning: None,
        },
        Case {
            name: "team-assigned user is never sent a DELETE",
            file: "teams: [platform]",
            seats: "walter@platform",
            teams: &[("platform", "walter")],
            changes: &[],
            seats_count: (1, 1),
            warning: None,
        },
        Case {
            name: "expired user holding a seat through a kept team gets a warning, not a DELETE",
            file: "users:\n  - login: walter\n    expires: 2026-11-01\nteams: [platform]",
            seats: "walter@platform",
            teams: &[("platform", "walter")],
            changes: &[],
            seats_count: (1, 1),
            warning: Some("keeps the seat through team `platform`"),
        },
        Case {
            name: "direct seat of a declared team's member is not removed",
            file: "teams: [platform]",
            seats: "walter xavier@platform",
            teams: &[("platform", "walter xavier")],
            changes: &[],
            seats_count: (2, 2),
            warning: None,
        },
        Case {
            name: "declared team not seen on seats is added with its new members",
            file: "teams: [platform]",
            seats: "",
            teams: &[("platform", "walter xavier")],
            changes: &["+team platform[walter,xavier]"],
            seats_count: (0, 2),
            warning: None,
        },
        Case {
            name: "invisible team whose members all hold seats is re-asserted",
            file: "users: [walter, xavier]\nteams: [platform]",
            seats: "walter xavier",
            teams: &[("platform", "walter xavier")],
            changes: &["~team platform[]"],
            seats_count: (2, 2),
            warning: None,
        },
        Case {
            name: "expired user with a direct seat is removed",
            file: "users:\n  - login: trent\n    expires: 2026-10-31",
            seats: "trent",
            teams: &[],
            changes: &["-user trent (expired 2026-10-31)"],
            seats_count: (1, 0),
            warning: None,
        },
        Case {
            name: "an entry expiring today still holds its seat, with a warning",
            file: "users:\n  - login: trent\n    expires: 2026-11-25",
            seats: "trent",
            teams: &[],
            changes: &[],
            seats_count: (1, 1),
            warning: Some("user `trent` expires on 2026-11-25 (in 0 day(s))"),
        },
        Case {
            name: "expired team is removed",
            file: "teams:\n  - slug: design\n    expires: 2026-01-01",
            seats: "erin@design",
            teams: &[],
            changes: &["-team design[erin]"],
            seats_count: (1, 0),
            warning: None,
        },
        Case {
            name: "unmanaged: warn lists undeclared seats as warnings",
            file: "users: [alice]\nunmanaged: warn",
            seats: "alice mallory erin@design",
            teams: &[],
            changes: &[],
            seats_count: (3, 3),
            warning: Some("user `mallory` holds a seat but is not declared (unmanaged: warn)"),
        },
        Case {
            name: "unmanaged: warn still removes expired entries",
            file: "users:\n  - login: trent\n    expires: 2026-10-31\nunmanaged: warn",
            seats: "trent",
            teams: &[],
            changes: &["-user trent (expired 2026-10-31)"],
            seats_count: (1, 0),
            warning: None,
        },
    ];

    #[test]
    fn cursor_finds_ascending_logins_as_a_lookup_would() {
        let map: BTreeMap<Login, u32> = [("alice", 1), ("Bob", 2), ("carol", 3)]
            .into_iter()
            .map(|(login, n)| (Login::new(login), n))
            .collect();
        let mut cursor = Cursor::new(&map);
        let found: Vec<Option<u32>> = ["aaron", "ALICE", "alice", "bob", "bz", "dave"]
            .into_iter()
            .map(|login| cursor.get(&Login::new(login)).copied())
            .collect();
        assert_eq!(found, [None, Some(1), Some(1), Some(2), None, None]);
    }

    #[test]
    fn each_rule_of_spec_4() {
        for case in CASES {
            let desired = desired(case.file);
            let live = live(case.seats);
            let lookups = online(&desired, &live, &[], case.teams);
            let plan = plan(&desired, &live, &lookups, TODAY, meta())
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let changes: Vec<String> = plan.changes.iter().map(describe).collect();
            assert_eq!(changes, case.changes, "{}", case.name);
            assert_eq!(
                (plan.summary.seats_before, plan.summary.seats_after),
                case.seats_count,
                "{}",
                case.name
            );
            if let Some(text) = case.warning {
                assert!(
                    plan.warnings.iter().any(|w| w.contains(text)),
                    "{}: no warning with {text:?} in {:#?}",
                    case.name,
                    plan.warnings
                );
            }
            let reasserts_only = plan.changes.iter().all(|c| !c.changes_seats());
            assert_eq!(plan.has_changes(), !reasserts_only, "{}", case.name);
        }
    }

    #[test]
    fn requests_follow_the_spec_order_and_batch_by_100() {
        let users: Vec<String> = (0..250).map(|i| format!("u{i}")).collect();
        let desired = desired(&format!("users: [{}]\nteams: [platform]", users.join(", ")));
        let live = live("mallory erin@design");
        let lookups = online(&desired, &live, &[], &[("platform", "walter")]);
        let plan = plan(&desired, &live, &lookups, TODAY, meta()).expect("plan");
        let shape: Vec<(String, &str, usize)> = plan
            .requests
            .iter()
            .map(|r| {
                (
                    r.method.to_string(),
                    r.path.rsplit('/').next().unwrap_or(""),
                    r.body.names().len(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("POST".to_string(), "selected_users", 100),
                ("POST".to_string(), "selected_users", 100),
                ("POST".to_string(), "selected_users", 50),
                ("POST".to_string(), "selected_teams", 1),
                ("DELETE".to_string(), "selected_teams", 1),
                ("DELETE".to_string(), "selected_users", 1),
            ]
        );
        // Teams are sent by display name, which the API takes.
        assert_eq!(plan.requests[3].body.names(), ["PLATFORM"]);
        assert_eq!(plan.requests[4].body.names(), ["DESIGN"]);
        assert_eq!(
            plan.requests[0].path,
            "/orgs/acme/copilot/billing/selected_users"
        );
    }

    #[test]
    fn non_members_and_missing_teams_are_errors_naming_the_line() {
        let desired = desired("users:\n  - alice\n  - stranger\nteams: [ghost]");
        let live = live("");
        let lookups = online(&desired, &live, &["stranger"], &[]);
        let errors = plan(&desired, &live, &lookups, TODAY, meta())
            .expect_err("errors")
            .0;
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].contains("user `stranger` is not a member of `acme`")
                && errors[0].contains("(line 4)")
        );
        assert!(errors[1].contains("team `ghost` does not exist in `acme`"));
    }

    #[test]
    fn max_seats_is_an_error_with_the_numbers() {
        let desired = desired("users: [a, b, c]\nlimits: {max_seats: 2}");
        let live = live("a");
        let lookups = online(&desired, &live, &[], &[]);
        let errors = plan(&desired, &live, &lookups, TODAY, meta())
            .expect_err("too many")
            .0;
        assert!(
            errors[0].contains("leaves 3 seats, more than limits.max_seats (2)"),
            "{errors:?}"
        );
    }

    #[test]
    fn mass_removal_guards_block_the_plan() {
        let many: Vec<String> = (0..40).map(|i| format!("u{i}")).collect();
        let seats = many.join(" ");
        let keep = many[..28].join(", ");
        // 12 of 40 removed: over the default max(10, 25% of 40 = 10).
        let blocked_plan = |yaml: &str| {
            let desired = desired(yaml);
            let live = live(&seats);
            let lookups = online(&desired, &live, &[], &[]);
            plan(&desired, &live, &lookups, TODAY, meta())
                .expect("plan")
                .blocked
        };
        assert!(
            blocked_plan(&format!("users: [{keep}]"))
                .is_some_and(|b| b.contains("12 seats would be removed"))
        );
        assert!(blocked_plan(&format!("users: [{keep}]\nlimits: {{max_removals: 12}}")).is_none());
        assert!(
            blocked_plan(&format!(
                "users: [{keep}]\nlimits: {{max_removals: \"25%\"}}"
            ))
            .is_some()
        );
        assert!(
            blocked_plan(&format!(
                "users: [{keep}]\nlimits: {{max_removals: \"30%\"}}"
            ))
            .is_none()
        );
        // Zero seats left: blocked even within the removal limit.
        assert!(
            blocked_plan("limits: {max_removals: 100}")
                .is_some_and(|b| b.contains("removes every seat"))
        );
    }

    #[test]
    fn saved_plans_with_foreign_requests_are_rejected() {
        let d = desired("users: [a, b]");
        let live = live("a");
        let mut p = plan(&d, &live, &Lookups::default(), TODAY, meta()).expect("plan");
        assert_eq!(p.check_requests(), Ok(()));
        p.requests[0].path = "/orgs/other/copilot/billing/selected_users".into();
        assert!(
            p.check_requests()
                .is_err_and(|e| e.contains("/orgs/other/"))
        );
        p.requests[0].path = "/orgs/acme/copilot/billing/selected_teams".into();
        assert!(
            p.check_requests().is_err(),
            "a users body sent to the teams endpoint"
        );
        p.requests[0].path = "/orgs/acme/copilot/billing/selected_users".into();
        p.requests[0].body = RequestBody::Users {
            selected_usernames: Vec::new(),
        };
        assert!(p.check_requests().is_err_and(|e| e.contains("0 names")));
    }

    #[test]
    fn offline_plans_say_what_was_not_checked() {
        let desired = desired("users: [alice]\nteams: [platform]");
        let live = live("");
        let plan = plan(&desired, &live, &Lookups::default(), TODAY, meta()).expect("plan");
        let changes: Vec<String> = plan.changes.iter().map(describe).collect();
        assert_eq!(changes, ["+user alice", "+team platform[]"]);
        assert!(plan.warnings.iter().any(|w| w.contains("offline plan")));
    }

    #[test]
    fn cost_follows_the_plan_type_or_the_file() {
        let live = live("a");
        let mut lookups = Lookups {
            plan_type: Some("enterprise".into()),
            ..Lookups::default()
        };
        let d = desired("users: [a, b]");
        let p = plan(&d, &live, &lookups, TODAY, meta()).expect("plan");
        assert_eq!(p.summary.monthly_cost_delta_usd, 39.0);
        lookups.plan_type = None;
        let d = desired("users: [a, b, c]\nprice_per_seat_usd: 10.5");
        let p = plan(&d, &live, &lookups, TODAY, meta()).expect("plan");
        assert_eq!(p.summary.monthly_cost_delta_usd, 21.0);
    }

    #[test]
    fn reclaim_suggests_but_never_removes() {
        let mut live = live("idle fresh busy");
        for (login, activity, created) in [
            ("idle", Some("2026-06-01T00:00:00Z"), "2025-01-01T00:00:00Z"),
            ("fresh", None, "2026-11-10T00:00:00Z"),
            ("busy", Some("2026-11-24T00:00:00Z"), "2025-01-01T00:00:00Z"),
        ] {
            let seat = live.seats.get_mut(&Login::new(login)).expect("seat");
            seat.last_activity_at = activity.map(Into::into);
            seat.created_at = created.into();
        }
        let d = desired(
            "users: [idle, fresh, busy]\nreclaim: {inactive_after_days: 90, grace_days: 30}",
        );
        let p = plan(&d, &live, &Lookups::default(), TODAY, meta()).expect("plan");
        assert!(p.changes.is_empty());
        assert_eq!(
            p.suggestions,
            [Suggestion {
                login: "idle".into(),
                reason: "no activity for 177 days".into()
            }]
        );
    }
}
