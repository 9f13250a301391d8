//! The planner: a pure function from the desired state, the live state and what the
//! network told us about members and teams, to the changes and requests that reconcile
//! them. No I/O, not async; the same input always gives the same plan. The steps of SPEC 4
//! are the methods of `Planner`; the seat changes and requests are in `wire`.

use super::wire::{BATCH_SIZE, Endpoints, RequestBody, SeatChange, Seated, Suggestion, Summary};
use crate::plan::{Method, Plan, PlanMeta, Request};

use crate::model::{
    DesiredState, Entry, LiveState, Login, RemovalLimit, SeatSource, TargetKind, TeamInfo,
    TeamSlug, Unmanaged,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use time::Date;

/// Entries expiring within this many days are warned about.
const EXPIRY_WARNING_DAYS: i64 = 14;

/// What the network said of one declared team.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TeamLookup {
    /// Not looked up (an offline plan).
    #[default]
    Unchecked,
    /// `GET /orgs/{org}/teams/{slug}` answered 404.
    Missing,
    Found(TeamInfo),
}

/// What the network told us before planning. An offline plan has none of it: no
/// membership, and every team `Unchecked`.
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    /// Org membership of the users the plan adds; `None` when not checked.
    pub membership: Option<BTreeMap<Login, bool>>,
    /// The declared teams looked up; a team not in the map is `Unchecked`.
    pub teams: BTreeMap<TeamSlug, TeamLookup>,
    /// The org's `plan_type` from the billing settings, for the default seat price.
    pub plan_type: Option<String>,
}

impl Lookups {
    pub fn team(&self, slug: &TeamSlug) -> &TeamLookup {
        const UNCHECKED: TeamLookup = TeamLookup::Unchecked;
        self.teams.get(slug).unwrap_or(&UNCHECKED)
    }
}

/// The look-ups `plan` needs: membership of the users it may add, and every declared team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupsNeeded {
    pub users: Vec<Login>,
    pub teams: Vec<TeamSlug>,
}

/// A problem that makes a plan impossible, with the file line it is about, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    pub message: String,
    pub line: Option<usize>,
}

/// Problems that make a plan impossible; all of them, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join("\n"))
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

/// Declared, unexpired users that need a POST, with the reason. An org's user needs one
/// without an active seat, or when it comes only through a team this plan removes. An
/// enterprise's `users:` are its own licences (README "Enterprise licences"): a declared
/// user without an active one of their own gets it, even while they hold a seat through
/// an org or an enterprise team, so that losing that org seat or team leaves them seated.
fn users_to_add<'a>(
    desired: &'a DesiredState,
    live: &LiveState,
    removed_teams: &BTreeSet<&TeamSlug>,
    today: Date,
) -> Vec<(&'a Entry<Login>, String)> {
    let mut adds = Vec::new();
    let mut seats = Cursor::new(&live.seats);
    for entry in desired.users.values().filter(|e| !e.is_expired(today)) {
        let seat = seats.get(&entry.name);
        let reason = match desired.kind {
            TargetKind::Org => match seat {
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
            },
            TargetKind::Enterprise => match own_licence_reason(live, &entry.name) {
                Some(reason) => reason,
                None => continue,
            },
        };
        adds.push((entry, reason));
    }
    adds
}

/// Why a declared enterprise user gets a licence of their own, or `None` when they hold
/// an active one.
fn own_licence_reason(live: &LiveState, login: &Login) -> Option<String> {
    let grants = live
        .grants
        .get(login)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if grants
        .iter()
        .any(|g| g.is_active() && g.source == SeatSource::Direct)
    {
        return None;
    }
    if let Some(date) = grants
        .iter()
        .filter(|g| g.source == SeatSource::Direct)
        .find_map(|g| g.pending_cancellation_date.as_deref())
    {
        return Some(format!(
            "declared; re-activates the licence pending cancellation on {date}"
        ));
    }
    Some(match live.active_sources(login).first() {
        None => "declared".to_string(),
        Some(source) => format!(
            "declared; holds a seat only {} today, and gets a licence of their own",
            through(source)
        ),
    })
}

/// `through org `x`` or `through team `t``, for reasons.
fn through(source: &SeatSource) -> String {
    match source {
        SeatSource::Org { org } => format!("through org `{org}`"),
        SeatSource::Team { slug, .. } => format!("through team `{slug}`"),
        SeatSource::Direct => "directly".to_string(),
    }
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

/// Computes the plan. See SPEC 4 for the rules; `Planner`'s steps say how each is met.
pub fn plan(
    desired: &DesiredState,
    live: &LiveState,
    lookups: &Lookups,
    today: Date,
    meta: PlanMeta,
) -> Result<Plan, PlanErrors> {
    let mut planner = Planner::new(desired, live, lookups, today);
    planner.notes();
    // Step 3's decision first (`Planner::new`), because steps 1 and 4 depend on which teams go.
    planner.warn_unmanaged_teams();
    planner.add_users();
    planner.add_teams();
    planner.remove_teams();
    planner.remove_users();
    planner.finish(meta)
}

/// What step 4 does with an active seat of one's own (an org's direct seat, an
/// enterprise's own licence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OwnSeat<'a> {
    /// Declared (and current) or ignored.
    Keep,
    /// An org's undeclared user covered by a declared team: no DELETE (GitHub's seat is
    /// the team's to give).
    ThroughTeam {
        team: &'a TeamSlug,
        expired: Option<Date>,
    },
    /// Undeclared, and `unmanaged: warn`.
    LeftAlone,
    Remove {
        expired: Option<Date>,
    },
}

/// The state of one planning run, carried from step to step.
struct Planner<'a> {
    desired: &'a DesiredState,
    live: &'a LiveState,
    lookups: &'a Lookups,
    today: Date,
    /// Declared teams whose `expires` has not passed.
    active_teams: BTreeMap<&'a TeamSlug, &'a Entry<TeamSlug>>,
    /// Teams seen on active seats that are neither declared (unexpired) nor ignored.
    removals: Vec<TeamRemoval<'a>>,
    /// The subset of `removals` this plan removes.
    removed_teams: BTreeSet<&'a TeamSlug>,
    added_users: BTreeSet<&'a Login>,
    /// Members of the teams this plan adds.
    added_team_members: BTreeSet<&'a Login>,
    /// Teams seen on active seats.
    visible_teams: BTreeMap<TeamSlug, Box<str>>,
    /// The members of each declared team that was looked up, for look-ups in log time
    /// (each is asked of every seat holder).
    team_members: BTreeMap<&'a TeamSlug, BTreeSet<&'a Login>>,
    /// Undeclared seats kept because of `unmanaged: warn`.
    left_alone: u64,
    changes: Vec<SeatChange>,
    warnings: Vec<String>,
    errors: Vec<PlanError>,
}

impl<'a> Planner<'a> {
    fn new(
        desired: &'a DesiredState,
        live: &'a LiveState,
        lookups: &'a Lookups,
        today: Date,
    ) -> Planner<'a> {
        let removals = team_removals(desired, live, today);
        let removed_teams = removed_team_slugs(desired, &removals);
        Planner {
            desired,
            live,
            lookups,
            today,
            active_teams: desired
                .teams
                .iter()
                .filter(|(_, e)| !e.is_expired(today))
                .collect(),
            removals,
            removed_teams,
            added_users: BTreeSet::new(),
            added_team_members: BTreeSet::new(),
            visible_teams: live.visible_teams(),
            team_members: lookups
                .teams
                .iter()
                .filter_map(|(slug, lookup)| match lookup {
                    TeamLookup::Found(info) => Some((slug, info.members.iter().collect())),
                    TeamLookup::Unchecked | TeamLookup::Missing => None,
                })
                .collect(),
            left_alone: 0,
            changes: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn enterprise(&self) -> bool {
        self.desired.kind == TargetKind::Enterprise
    }

    /// What the plan could not see: seats without an assignee, and an offline plan.
    fn notes(&mut self) {
        if self.live.seats_without_assignee > 0 {
            self.warnings.push(format!(
                "{} seat(s) have no assignee in GitHub's answer and were skipped",
                self.live.seats_without_assignee
            ));
        }
        let mut through_orgs: BTreeMap<&str, usize> = BTreeMap::new();
        for login in self.live.seats.keys() {
            let sources = self.live.active_sources(login);
            if let [SeatSource::Org { org }, ..] = sources[..]
                && sources.iter().all(|s| matches!(s, SeatSource::Org { .. }))
            {
                *through_orgs.entry(org).or_default() += 1;
            }
        }
        if !through_orgs.is_empty() {
            let total: usize = through_orgs.values().sum();
            let by_org: Vec<String> = through_orgs
                .iter()
                .map(|(org, n)| format!("{n} through org `{org}`"))
                .collect();
            self.warnings.push(format!(
                "{total} user(s) hold a licence only through an org ({}): counted, and never added or removed by this file",
                by_org.join(", ")
            ));
        }
        if self.lookups.membership.is_none() {
            self.warnings.push(
                "offline plan: org membership and teams were not checked, and team members are unknown"
                    .to_string(),
            );
        }
    }

    /// Undeclared teams kept because of `unmanaged: warn`.
    fn warn_unmanaged_teams(&mut self) {
        for removal in self
            .removals
            .iter()
            .filter(|r| !self.removed_teams.contains(r.slug))
        {
            let holders = self.live.team_holders(removal.slug).count();
            self.left_alone += holders as u64;
            self.warnings.push(format!(
                "team `{}` gives {holders} seat(s) but is not declared (unmanaged: warn): declare or ignore it",
                removal.slug
            ));
        }
    }

    /// Step 1: declared users without an active seat (an enterprise: without a licence of
    /// their own), or whose seat goes with a removed team; each must be an org member.
    fn add_users(&mut self) {
        let org = &self.desired.org;
        let user_adds = users_to_add(self.desired, self.live, &self.removed_teams, self.today);
        for (entry, reason) in user_adds {
            if let Some(membership) = &self.lookups.membership
                && membership.get(&entry.name) == Some(&false)
            {
                self.errors.push(PlanError {
                    message: format!(
                        "user `{}` is not a member of `{org}`: invite them first or remove them from the file (line {})",
                        entry.name, entry.line
                    ),
                    line: Some(entry.line),
                });
            }
            self.added_users.insert(&entry.name);
            self.changes.push(SeatChange::AddUser {
                login: entry.name.to_string(),
                reason,
                note: entry.note.clone(),
            });
        }
    }

    /// Step 2: declared teams that no active seat shows. A team whose members all keep a
    /// seat otherwise is invisible at GitHub: its POST is a re-assert, not a change.
    fn add_teams(&mut self) {
        let org = &self.desired.org;
        let invisible: Vec<&Entry<TeamSlug>> = self
            .active_teams
            .values()
            .copied()
            .filter(|e| !self.visible_teams.contains_key(&e.name))
            .collect();
        for entry in invisible {
            let slug = &entry.name;
            let (name, reassert, gaining) = match self.lookups.team(slug) {
                TeamLookup::Unchecked => (slug.to_string(), false, Vec::new()),
                TeamLookup::Missing => {
                    let teams_page = match self.desired.kind {
                        TargetKind::Org => format!("github.com/orgs/{org}/teams"),
                        TargetKind::Enterprise => format!("github.com/enterprises/{org}/teams"),
                    };
                    self.errors.push(PlanError {
                        message: format!(
                            "team `{slug}` does not exist in `{org}`: check the slug at {teams_page} or remove it from the file (line {})",
                            entry.line
                        ),
                        line: Some(entry.line),
                    });
                    continue;
                }
                TeamLookup::Found(info) => {
                    let gaining: Vec<&Login> = info
                        .members
                        .iter()
                        .filter(|m| !self.seated_without_team_adds(m))
                        .collect();
                    self.added_team_members.extend(info.members.iter());
                    (info.name.clone(), gaining.is_empty(), gaining)
                }
            };
            let reason = if reassert {
                "declared; re-assert: every member already holds a seat, so GitHub shows no seat through this team".to_string()
            } else {
                "declared".to_string()
            };
            self.changes.push(SeatChange::AddTeam {
                team: slug.to_string(),
                name,
                reason,
                reassert,
                members_gaining_seat: gaining.iter().map(|l| l.to_string()).collect(),
                note: entry.note.clone(),
            });
        }
    }

    /// Which declared team covers a login: seen on its seat, or in the team's member list.
    fn covering_team(&self, login: &Login) -> Option<&'a TeamSlug> {
        let sources = self.live.active_sources(login);
        self.active_teams.keys().copied().find(|slug| {
            sources
                .iter()
                .any(|s| matches!(s, SeatSource::Team { slug: t, .. } if t == *slug))
                || self.lists(slug, login)
        })
    }

    /// Whether the looked-up members of team `slug` include `login`.
    fn lists(&self, slug: &TeamSlug, login: &Login) -> bool {
        self.team_members
            .get(slug)
            .is_some_and(|members| members.contains(login))
    }

    /// Step 4's decision for `login`'s active seat of their own. The same rule for an
    /// enterprise whatever else the user holds (an org's seat, an enterprise team's
    /// grant): undeclared, the own licence goes, and the plan says where they keep a seat.
    fn own_seat(&self, login: &Login) -> OwnSeat<'a> {
        let declared = self.desired.users.get(login);
        if declared.is_some_and(|e| !e.is_expired(self.today))
            || self.desired.ignore_users.contains(login)
        {
            return OwnSeat::Keep;
        }
        let expired = declared.and_then(|e| e.expires);
        if !self.enterprise()
            && let Some(team) = self.covering_team(login)
        {
            return OwnSeat::ThroughTeam { team, expired };
        }
        if expired.is_none() && self.desired.unmanaged == Unmanaged::Warn {
            return OwnSeat::LeftAlone;
        }
        OwnSeat::Remove { expired }
    }

    /// Whether `login` holds a seat after this plan, not counting the teams it adds: a
    /// seat of their own that step 4 keeps (or step 1 gives), an org's grant, a team that
    /// stays, or a declared team, seen on seats, that lists them.
    fn seated_without_team_adds(&self, login: &Login) -> bool {
        if self.added_users.contains(login) {
            return true;
        }
        self.live
            .active_sources(login)
            .iter()
            .any(|source| match source {
                SeatSource::Direct => !matches!(self.own_seat(login), OwnSeat::Remove { .. }),
                SeatSource::Org { .. } => true,
                SeatSource::Team { slug, .. } => !self.removed_teams.contains(slug),
            })
            || self
                .active_teams
                .keys()
                .any(|slug| self.visible_teams.contains_key(*slug) && self.lists(slug, login))
    }

    /// Whether `login` holds a seat after this plan.
    fn seated_after(&self, login: &Login) -> bool {
        self.added_team_members.contains(login) || self.seated_without_team_adds(login)
    }

    /// Where `login` keeps a seat after losing one of their own, if anywhere.
    fn kept_through(&self, login: &Login) -> Option<String> {
        match self.live.org_grant(login) {
            Some(org) => Some(format!("through org `{org}`")),
            None => self
                .kept_team(login)
                .map(|team| format!("through team `{team}`")),
        }
    }

    /// A team through which `login` keeps a seat: one on their seat that stays, or a
    /// declared team that lists them.
    fn kept_team(&self, login: &Login) -> Option<&TeamSlug> {
        let sources = self.live.active_sources(login);
        let kept = sources.into_iter().find_map(|source| match source {
            SeatSource::Team { slug, .. } if !self.removed_teams.contains(slug) => Some(slug),
            _ => None,
        });
        kept.or_else(|| self.covering_team(login))
    }

    /// Step 3: remove teams, with the members who lose their seat.
    fn remove_teams(&mut self) {
        for removal in self
            .removals
            .iter()
            .filter(|r| self.removed_teams.contains(r.slug))
        {
            let members: Vec<String> = self
                .live
                .team_holders(removal.slug)
                .filter(|l| !self.seated_after(l))
                .map(ToString::to_string)
                .collect();
            self.changes.push(SeatChange::RemoveTeam {
                team: removal.slug.to_string(),
                name: removal.name.to_string(),
                members_losing_seat: members,
                reason: removal_reason(removal.expired),
                note: self
                    .desired
                    .teams
                    .get(removal.slug)
                    .and_then(|e| e.note.clone()),
            });
        }
    }

    /// Step 4: remove seats of one's own; never a DELETE for a seat that comes only through
    /// a team (GitHub answers 422) or an org.
    fn remove_users(&mut self) {
        let (live, today) = (self.live, self.today);
        let mut declared_users = Cursor::new(&self.desired.users);
        for seat in live.active_seats() {
            let login = &seat.login;
            let declared = declared_users.get(login);
            let own = live.holds(login, &SeatSource::Direct);
            if !own {
                // A seat only through a team (or an org): no DELETE; an expired entry is
                // the team's membership to end.
                let expired = declared
                    .filter(|e| e.is_expired(today))
                    .and_then(|e| e.expires);
                if let (Some(date), Some(team)) = (expired, self.kept_team(login)) {
                    self.warnings.push(format!(
                        "user `{login}` expired on {date} but keeps the seat through team `{team}`: remove them from the team"
                    ));
                }
                continue;
            }
            match self.own_seat(login) {
                OwnSeat::Keep => {}
                OwnSeat::ThroughTeam { team, expired } => {
                    if let Some(date) = expired {
                        self.warnings.push(format!(
                            "user `{login}` expired on {date} but keeps the seat through team `{team}`: remove them from the team"
                        ));
                    }
                }
                OwnSeat::LeftAlone => {
                    self.left_alone += 1;
                    self.warnings.push(format!(
                        "user `{login}` holds a seat but is not declared (unmanaged: warn): declare or ignore them"
                    ));
                }
                OwnSeat::Remove { expired } => {
                    let mut reason = removal_reason(expired);
                    // What `reclaim --write` took out: say why, not just "not declared".
                    if let (None, Some(rule)) = (expired, self.desired.reclaim)
                        && let Some(unused) = rule.unused(seat, today)
                    {
                        reason.push_str(&format!(" (reclaim: {unused})"));
                    }
                    if let Some(kept) = self.kept_through(login) {
                        reason.push_str(&format!("; keeps a seat {kept}"));
                    }
                    self.changes.push(SeatChange::RemoveUser {
                        login: login.to_string(),
                        reason,
                        note: declared.and_then(|e| e.note.clone()),
                    });
                }
            }
        }
    }

    /// Who holds a seat before and after this plan.
    fn seated(&self) -> Seated {
        let before: BTreeSet<Login> = self
            .live
            .seats
            .keys()
            .filter(|login| !self.live.active_sources(login).is_empty())
            .cloned()
            .collect();
        let candidates = self
            .live
            .seats
            .keys()
            .chain(self.added_users.iter().copied())
            .chain(self.added_team_members.iter().copied());
        let after: BTreeSet<Login> = candidates
            .filter(|login| self.seated_after(login))
            .cloned()
            .collect();
        Seated {
            known: true,
            before,
            after,
            price: self.price(),
        }
    }

    fn price(&self) -> f64 {
        self.desired
            .price_per_seat_usd
            .unwrap_or_else(|| default_price(self.lookups.plan_type.as_deref(), self.live))
    }

    /// Seats before and after, and the monthly cost of the difference.
    fn summary(&self, seated: &Seated) -> Summary {
        let seats_before = seated.before.len() as u64;
        let seats_after = seated.after.len() as u64;
        Summary {
            seats_before,
            seats_after,
            added: seated.after.difference(&seated.before).count() as u64,
            removed: seated.before.difference(&seated.after).count() as u64,
            monthly_cost_delta_usd: (seats_after as f64 - seats_before as f64) * seated.price,
            left_alone: self.left_alone,
            already_seated_elsewhere: None,
        }
    }

    /// The requests, the limits and guards, and the plan, or every error found.
    fn finish(mut self, meta: PlanMeta) -> Result<Plan, PlanErrors> {
        self.warnings
            .extend(expiry_warnings(self.desired, self.today));
        let endpoints = match self.desired.kind {
            TargetKind::Org => Endpoints::org(&self.desired.org),
            TargetKind::Enterprise => Endpoints::enterprise(&self.desired.org),
        };
        let requests = requests_for(&endpoints, &self.changes);
        let seated = self.seated();
        let summary = self.summary(&seated);
        if let Some(max) = self.desired.limits.max_seats
            && summary.seats_after > max
        {
            self.errors.push(PlanError {
                message: format!(
                    "the plan leaves {} seats, more than limits.max_seats ({max}): declare fewer seats or raise the limit",
                    summary.seats_after
                ),
                line: None,
            });
        }
        if !self.errors.is_empty() {
            return Err(PlanErrors(self.errors));
        }
        let blocked = guard(self.desired, &summary);
        Ok(Plan {
            meta,
            changes: self.changes.iter().map(SeatChange::to_change).collect(),
            requests,
            summary,
            warnings: self.warnings,
            suggestions: suggestions(self.desired, self.live, self.today),
            blocked,
            seated,
            write_interval_ms: None,
        })
    }
}

fn removal_reason(expired: Option<Date>) -> String {
    match expired {
        Some(date) => format!("expired {date}"),
        None => "not declared".to_string(),
    }
}

/// The start of the zero-seat guard's reason, which no limit lifts.
const NO_SEAT_LEFT: &str = "the plan removes every seat";

/// Whether raising `limits.max_removals` would lift this blocked plan's guard (the
/// zero-seat guard yields only to `--allow-mass-removal`).
pub fn limit_lifts(blocked: &str) -> bool {
    !blocked.starts_with(NO_SEAT_LEFT)
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
        return Some(format!(
            "{NO_SEAT_LEFT}, and GitHub then cancels the org's Copilot plan; apply with --allow-mass-removal if that is intended"
        ));
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
    let mut seats = Cursor::new(&live.seats);
    desired
        .users
        .values()
        .filter(|e| !e.is_expired(today) && !desired.reclaim_exempt.contains(&e.name))
        .filter_map(|entry| {
            let seat = seats.get(&entry.name)?;
            let reason = reclaim.unused(seat, today)?;
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
fn requests_for(endpoints: &Endpoints, changes: &[SeatChange]) -> Vec<Request> {
    let pick = |f: fn(&SeatChange) -> Option<&String>| -> Vec<String> {
        changes.iter().filter_map(f).cloned().collect()
    };
    let add_users = pick(|c| match c {
        SeatChange::AddUser { login, .. } => Some(login),
        _ => None,
    });
    let add_teams = pick(|c| match c {
        SeatChange::AddTeam { name, .. } => Some(name),
        _ => None,
    });
    let remove_teams = pick(|c| match c {
        SeatChange::RemoveTeam { name, .. } => Some(name),
        _ => None,
    });
    let remove_users = pick(|c| match c {
        SeatChange::RemoveUser { login, .. } => Some(login),
        _ => None,
    });
    let mut requests = Vec::new();
    let kinds = [
        (Method::Post, &endpoints.users, add_users, true),
        (Method::Post, &endpoints.teams, add_teams, false),
        (Method::Delete, &endpoints.teams, remove_teams, false),
        (Method::Delete, &endpoints.users, remove_users, true),
    ];
    for (method, path, names, users) in kinds {
        for batch in names.chunks(BATCH_SIZE) {
            let names = batch.to_vec();
            let body = if users {
                RequestBody::Users {
                    selected_usernames: names,
                }
            } else {
                endpoints.teams_body(names)
            };
            requests.push(Request {
                kind: None,
                method,
                path: path.clone(),
                body: serde_json::to_value(&body).unwrap_or_default(),
                creates: None,
            });
        }
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::FORMAT_VERSION;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 25);

    fn live(spec: &str) -> LiveState {
        LiveState::from_spec(spec)
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
                (slug, info.map_or(TeamLookup::Missing, TeamLookup::Found))
            })
            .collect();
        Lookups {
            membership: Some(membership),
            teams,
            plan_type: Some("business".into()),
        }
    }

    fn meta() -> PlanMeta {
        PlanMeta {
            format_version: FORMAT_VERSION,
            tool_version: "test".into(),
            org: "acme".into(),
            enterprise: None,
            generated_at: "2026-11-25T00:00:00Z".into(),
            file_digest: "sha256:f".into(),
            live_state_digest: Some("sha256:l".into()),
            live_state_digests: Default::default(),
            file: None,
        }
    }

    fn describe(change: &crate::plan::Change) -> String {
        let change: SeatChange = change.decode().expect("a seat change");
        match change {
            SeatChange::AddUser { login, .. } => format!("+user {login}"),
            SeatChange::AddTeam {
                team,
                reassert,
                members_gaining_seat,
                ..
            } => {
                let sign = if reassert { "~" } else { "+" };
                format!("{sign}team {team}[{}]", members_gaining_seat.join(","))
            }
            SeatChange::RemoveTeam {
                team,
                members_losing_seat,
                ..
            } => format!("-team {team}[{}]", members_losing_seat.join(",")),
            SeatChange::RemoveUser { login, reason, .. } => format!("-user {login} ({reason})"),
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
            let reasserts_only = plan
                .changes
                .iter()
                .all(|c| !c.decode::<SeatChange>().expect("seat").changes_seats());
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
                    RequestBody::of(r).expect("seat body").names().len(),
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
        let names = |i: usize| RequestBody::of(&plan.requests[i]).expect("seat body");
        assert_eq!(names(3).names(), ["PLATFORM"]);
        assert_eq!(names(4).names(), ["DESIGN"]);
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
        let errors: Vec<String> = plan(&desired, &live, &lookups, TODAY, meta())
            .expect_err("errors")
            .0
            .into_iter()
            .map(|e| e.message)
            .collect();
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
        let errors: Vec<String> = plan(&desired, &live, &lookups, TODAY, meta())
            .expect_err("too many")
            .0
            .into_iter()
            .map(|e| e.message)
            .collect();
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
        p.requests[0].body = serde_json::json!({"selected_usernames": []});
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
