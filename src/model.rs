//! Domain types shared by the file, the API and the planner: case-insensitive names,
//! seats as GitHub lists them, the live state and the desired state.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// Defines a name type that compares, orders and hashes case-insensitively (GitHub logins and
/// slugs are case-insensitive) but keeps the case it was written in for output.
macro_rules! case_insensitive_name {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Box<str>);

        impl $name {
            pub fn new(name: impl Into<String>) -> Self {
                Self(name.into().into_boxed_str())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The comparison key: ASCII-lowercased.
            pub fn key(&self) -> String {
                self.0.to_ascii_lowercase()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.eq_ignore_ascii_case(&other.0)
            }
        }
        impl Eq for $name {}
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $name {
            /// Byte-wise on the ASCII-lowercased names; folds case only where bytes differ,
            /// as this runs in every map look-up of the planner.
            fn cmp(&self, other: &Self) -> Ordering {
                let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
                for (x, y) in a.iter().zip(b) {
                    if x != y {
                        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
                        if x != y {
                            return x.cmp(&y);
                        }
                    }
                }
                a.len().cmp(&b.len())
            }
        }
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                for b in self.0.bytes() {
                    state.write_u8(b.to_ascii_lowercase());
                }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

case_insensitive_name!(
    /// A GitHub user login.
    Login
);
case_insensitive_name!(
    /// A GitHub team slug (the URL name, not the display name).
    TeamSlug
);

/// A team as `GET /orgs/{org}/teams/{slug}` and its members list describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamInfo {
    pub name: String,
    pub members: Vec<Login>,
}

/// How a seat was assigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeatSource {
    Direct,
    /// Through a team: GitHub reports the team's slug and display name (an org's team, or
    /// in an enterprise, an enterprise team).
    Team {
        slug: TeamSlug,
        name: Box<str>,
    },
    /// In an enterprise's list: only through this org's own seat assignment, which the
    /// enterprise file neither adds nor removes.
    Org {
        org: Box<str>,
    },
}

/// One seat from `GET /orgs/{org}/copilot/billing/seats`, reduced to the fields we use and
/// kept compact (boxed strings), as an org may hold 100,000 of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    pub login: Login,
    pub source: SeatSource,
    /// `YYYY-MM-DD` when the seat is pending cancellation; such a seat counts as removed.
    pub pending_cancellation_date: Option<Box<str>>,
    pub created_at: Box<str>,
    pub last_activity_at: Option<Box<str>>,
    pub last_activity_editor: Option<Box<str>>,
}

impl Seat {
    pub fn is_active(&self) -> bool {
        self.pending_cancellation_date.is_none()
    }

    /// Whole days without Copilot activity: since the last activity, or since the seat was
    /// assigned when it was never used. `None` when GitHub's timestamp does not parse.
    pub fn days_inactive(&self, today: Date) -> Option<i64> {
        days_since(
            self.last_activity_at.as_deref().unwrap_or(&self.created_at),
            today,
        )
    }

    pub fn team(&self) -> Option<&TeamSlug> {
        match &self.source {
            SeatSource::Direct | SeatSource::Org { .. } => None,
            SeatSource::Team { slug, .. } => Some(slug),
        }
    }

    pub fn is_direct(&self) -> bool {
        self.source == SeatSource::Direct
    }
}

/// One grant of an enterprise licence: the enterprise's seat list has one object per org,
/// enterprise team or own licence that gives the user Copilot (API.md "Enterprise").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub source: SeatSource,
    /// `YYYY-MM-DD` when this grant is pending cancellation.
    pub pending_cancellation_date: Option<Box<str>>,
}

impl Grant {
    pub fn is_active(&self) -> bool {
        self.pending_cancellation_date.is_none()
    }

    /// `direct`, `team:ent:x` or `org:acme`, with a pending cancellation after it.
    pub fn label(&self) -> String {
        let label = match &self.source {
            SeatSource::Direct => "direct".to_string(),
            SeatSource::Team { slug, .. } => format!("team:{slug}"),
            SeatSource::Org { org } => format!("org:{org}"),
        };
        match &self.pending_cancellation_date {
            Some(date) => format!("{label} (pending cancellation {date})"),
            None => label,
        }
    }
}

/// The seats of an organization as GitHub reports them now, deduplicated by login.
#[derive(Clone, Debug, Default)]
pub struct LiveState {
    pub seats: BTreeMap<Login, Seat>,
    /// Seats whose `assignee` was null: GitHub lists them, but they cannot be managed.
    pub seats_without_assignee: usize,
    /// The `plan_type` the seats show (`business`, `enterprise`), for the default price.
    pub plan_type: Option<String>,
    /// In an enterprise: every grant of each user's licence, as the list gives them (one
    /// object per grant, deduplicated). Empty for an org, whose list has one seat per user.
    pub grants: BTreeMap<Login, Vec<Grant>>,
}

impl LiveState {
    /// Builds the state from seats in any order (see `add`).
    pub fn from_seats(
        seats: impl IntoIterator<Item = Seat>,
        seats_without_assignee: usize,
    ) -> Self {
        let mut live = LiveState {
            seats_without_assignee,
            ..LiveState::default()
        };
        for seat in seats {
            live.add(seat);
        }
        live
    }

    /// Adds one grant of an enterprise's list: recorded (once: pages that shift may list it
    /// twice; an active copy wins), then merged into `seats` as `add` does.
    pub fn add_grant(&mut self, seat: Seat) {
        let grant = Grant {
            source: seat.source.clone(),
            pending_cancellation_date: seat.pending_cancellation_date.clone(),
        };
        let grants = self.grants.entry(seat.login.clone()).or_default();
        match grants.iter_mut().find(|g| g.source == grant.source) {
            Some(known) if known.is_active() => {}
            Some(known) => *known = grant,
            None => grants.push(grant),
        }
        self.add(seat);
    }

    /// Adds a seat. A login listed twice (pages shifting under concurrent changes) keeps
    /// its active entry over a pending one, so the result does not depend on arrival order.
    pub fn add(&mut self, seat: Seat) {
        match self.seats.get(&seat.login) {
            Some(existing) if rank(existing) >= rank(&seat) => {}
            _ => {
                self.seats.insert(seat.login.clone(), seat);
            }
        }
    }

    /// Where `login`'s seat comes from today, every active source: an enterprise's active
    /// grants, or an org's one seat.
    pub fn active_sources(&self, login: &Login) -> Vec<&SeatSource> {
        match self.grants.get(login) {
            Some(grants) => grants
                .iter()
                .filter(|g| g.is_active())
                .map(|g| &g.source)
                .collect(),
            None => self
                .active_seat(login)
                .map(|seat| vec![&seat.source])
                .unwrap_or_default(),
        }
    }

    /// Whether `login` holds an active seat of this source.
    pub fn holds(&self, login: &Login, source: &SeatSource) -> bool {
        self.active_sources(login).contains(&source)
    }

    /// The org through whose own assignment `login` holds an active seat, if any.
    pub fn org_grant(&self, login: &Login) -> Option<&str> {
        self.active_sources(login)
            .into_iter()
            .find_map(|source| match source {
                SeatSource::Org { org } => Some(&**org),
                _ => None,
            })
    }

    pub fn active_seats(&self) -> impl Iterator<Item = &Seat> {
        self.seats.values().filter(|seat| seat.is_active())
    }

    pub fn active_seat(&self, login: &Login) -> Option<&Seat> {
        self.seats.get(login).filter(|seat| seat.is_active())
    }

    /// Teams seen as `assigning_team` on active seats (on any active grant, in an
    /// enterprise), with their display names. GitHub has no endpoint listing selected
    /// teams, so this is all that can be known of them.
    pub fn visible_teams(&self) -> BTreeMap<TeamSlug, Box<str>> {
        let team = |source: &SeatSource| match source {
            SeatSource::Team { slug, name } => Some((slug.clone(), name.clone())),
            SeatSource::Direct | SeatSource::Org { .. } => None,
        };
        if self.grants.is_empty() {
            return self
                .active_seats()
                .filter_map(|s| team(&s.source))
                .collect();
        }
        self.grants
            .values()
            .flatten()
            .filter(|g| g.is_active())
            .filter_map(|g| team(&g.source))
            .collect()
    }

    /// The users holding an active seat through `slug` (an enterprise: every user with
    /// that team's grant, whatever else they hold).
    pub fn team_holders<'a>(&'a self, slug: &'a TeamSlug) -> impl Iterator<Item = &'a Login> {
        self.seats.keys().filter(move |login| {
            self.active_sources(login)
                .iter()
                .any(|source| matches!(source, SeatSource::Team { slug: team, .. } if team == slug))
        })
    }

    /// `sha256:` of the sorted active seats (login and source), for the stale-plan check.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for login in self.seats.keys() {
            let mut sources: Vec<String> = self
                .active_sources(login)
                .into_iter()
                .map(|source| match source {
                    SeatSource::Team { slug, .. } => format!("team:{}", slug.key()),
                    SeatSource::Direct => "direct".to_string(),
                    SeatSource::Org { org } => format!("org:{}", org.to_ascii_lowercase()),
                })
                .collect();
            // An enterprise's grants, in a stable order; an org seat has one source.
            sources.sort();
            for source in sources {
                hasher.update(format!("{}\t{}\n", login.key(), source));
            }
        }
        format!("sha256:{}", hex(&hasher.finalize()))
    }
}

#[cfg(test)]
impl LiveState {
    /// Seats from a compact list, for tests: `alice` direct, `bob@platform` through a team
    /// (its name the slug in capitals), `oscar!` pending cancellation, `quinn?` never used.
    pub fn from_spec(spec: &str) -> LiveState {
        let seats = spec.split_whitespace().map(|item| {
            let (item, pending) = match item.strip_suffix('!') {
                Some(item) => (item, Some("2026-12-01".into())),
                None => (item, None),
            };
            let (item, activity) = match item.strip_suffix('?') {
                Some(item) => (item, None),
                None => (item, Some("2026-11-20T09:00:00Z".into())),
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
                pending_cancellation_date: pending,
                created_at: "2025-01-01T00:00:00Z".into(),
                last_activity_at: activity,
                last_activity_editor: Some("vscode/1.95".into()),
            }
        });
        LiveState::from_seats(seats.collect::<Vec<_>>(), 0)
    }
}

/// Orders duplicate entries of one login: an active seat wins over a pending one, then a
/// direct one over a team one over an org's, then the larger `created_at`, so the choice is
/// deterministic.
fn rank(seat: &Seat) -> (bool, u8, &str) {
    let source = match seat.source {
        SeatSource::Direct => 2,
        SeatSource::Team { .. } => 1,
        SeatSource::Org { .. } => 0,
    };
    (seat.is_active(), source, &seat.created_at)
}

/// Whole days from the date of an RFC 3339 timestamp to `today`; `None` when it does not
/// parse.
pub fn days_since(timestamp: &str, today: Date) -> Option<i64> {
    OffsetDateTime::parse(timestamp, &Rfc3339)
        .ok()
        .map(|t| (today - t.date()).whole_days())
}

/// `sha256:` and the hex digest of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What to do with seats that are neither declared nor ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unmanaged {
    #[default]
    Remove,
    Warn,
}

/// `limits.max_removals`: a count, or a percentage of the active seats.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RemovalLimit {
    Count(u64),
    Percent(f64),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    pub max_removals: Option<RemovalLimit>,
    pub max_seats: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reclaim {
    pub inactive_after_days: u32,
    pub grace_days: u32,
}

impl Reclaim {
    /// Why an active seat counts as unused, or `None`: assigned at least `grace_days` ago,
    /// and never used or unused for `inactive_after_days`. The one rule for plan
    /// suggestions and `reclaim`.
    pub fn unused(&self, seat: &Seat, today: Date) -> Option<String> {
        if !seat.is_active() || days_since(&seat.created_at, today)? < i64::from(self.grace_days) {
            return None;
        }
        match seat
            .last_activity_at
            .as_deref()
            .map(|at| days_since(at, today))
        {
            None => Some("no activity recorded".to_string()),
            Some(Some(days)) if days >= i64::from(self.inactive_after_days) => {
                Some(format!("no activity for {days} days"))
            }
            Some(_) => None,
        }
    }
}

/// A user or team entry of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<N> {
    pub name: N,
    pub expires: Option<Date>,
    pub note: Option<String>,
    /// Line in the file, for messages that point back at it.
    pub line: usize,
}

impl<N> Entry<N> {
    /// An entry is expired from the day after its `expires` date (UTC).
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| today > expires)
    }
}

/// What a seat file manages: an org's seats, or an enterprise's licences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetKind {
    #[default]
    Org,
    Enterprise,
}

/// The validated file: what should hold a seat.
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredState {
    pub kind: TargetKind,
    /// The target's name: the org's login, or the enterprise's slug.
    pub org: String,
    pub users: BTreeMap<Login, Entry<Login>>,
    /// The org's teams, or the enterprise's teams (`ent:` slugs).
    pub teams: BTreeMap<TeamSlug, Entry<TeamSlug>>,
    pub ignore_users: BTreeSet<Login>,
    pub ignore_teams: BTreeSet<TeamSlug>,
    pub unmanaged: Unmanaged,
    pub limits: Limits,
    pub price_per_seat_usd: Option<f64>,
    pub reclaim: Option<Reclaim>,
    /// `reclaim.exempt`: logins never suggested for reclaim, nor written out by
    /// `reclaim --write` (people who answered "keep my seat").
    pub reclaim_exempt: BTreeSet<Login>,
    /// The file's top-level keys that section kinds (SPEC 13) read: their own sections,
    /// `unmanaged` and `ignore`.
    pub root: yaml_serde::Mapping,
}

impl DesiredState {
    /// Whether the file has a section of `kind`.
    pub fn declares(&self, kind: &dyn crate::kinds::SectionKind) -> bool {
        kind.keys(self.kind)
            .iter()
            .any(|key| self.root.contains_key(*key))
    }
}
