//! `seats`: the live seats as rows, with how long each has gone unused, filtered and sorted
//! by login. Pure, like the planner; the renderers shape the rows.

use crate::model::{Grant, LiveState, Seat, SeatSource, TeamSlug};
use serde::Serialize;
use time::Date;

/// Which seats to list; every filter given must hold.
#[derive(Clone, Debug, Default)]
pub struct SeatFilter {
    /// Seats unused for at least this many days (never-used seats count from assignment).
    pub inactive_days: Option<u32>,
    /// Seats with no recorded activity.
    pub never_used: bool,
    /// Seats held through this team.
    pub team: Option<TeamSlug>,
}

/// One seat as `seats` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SeatRow {
    pub login: String,
    /// `direct`, `team`, or (in an enterprise) `org`.
    pub source: &'static str,
    /// The assigning team's slug, for a team seat.
    pub team: Option<String>,
    /// In an enterprise: every grant of the user's licence (`direct`, `team:ent:x`,
    /// `org:acme`), as the enterprise's seat list has one object per grant.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    pub pending_cancellation_date: Option<String>,
    /// `None`: never used.
    pub last_activity_at: Option<String>,
    /// Days since the last activity, or since assignment when never used; `None` when
    /// GitHub's timestamp did not parse.
    pub days_inactive: Option<i64>,
    pub last_activity_editor: Option<String>,
    pub created_at: String,
}

impl SeatRow {
    pub fn new(seat: &Seat, today: Date) -> SeatRow {
        let (source, team) = match &seat.source {
            SeatSource::Direct => ("direct", None),
            SeatSource::Team { slug, .. } => ("team", Some(slug.to_string())),
            SeatSource::Org { .. } => ("org", None),
        };
        SeatRow {
            login: seat.login.to_string(),
            source,
            team,
            grants: Vec::new(),
            pending_cancellation_date: seat
                .pending_cancellation_date
                .as_deref()
                .map(str::to_string),
            last_activity_at: seat.last_activity_at.as_deref().map(str::to_string),
            days_inactive: seat.days_inactive(today),
            last_activity_editor: seat.last_activity_editor.as_deref().map(str::to_string),
            created_at: seat.created_at.to_string(),
        }
    }
}

impl SeatFilter {
    /// Whether `seat` passes. In an enterprise, `team` matches every user holding that
    /// team's grant, whatever else they hold (their row shows their best grant).
    pub fn matches(&self, seat: &Seat, grants: Option<&[Grant]>, today: Date) -> bool {
        let inactive = self.inactive_days.is_none_or(|days| {
            seat.days_inactive(today)
                .is_some_and(|idle| idle >= i64::from(days))
        });
        let never_used = !self.never_used || seat.last_activity_at.is_none();
        let team = self.team.as_ref().is_none_or(|slug| match grants {
            Some(grants) => grants
                .iter()
                .any(|g| matches!(&g.source, SeatSource::Team { slug: team, .. } if team == slug)),
            None => seat.team() == Some(slug),
        });
        inactive && never_used && team
    }
}

/// The seats that pass `filter`, sorted by login (seats pending cancellation included).
pub fn rows(live: &LiveState, filter: &SeatFilter, today: Date) -> Vec<SeatRow> {
    live.seats
        .values()
        .filter(|seat| {
            let grants = live.grants.get(&seat.login).map(Vec::as_slice);
            filter.matches(seat, grants, today)
        })
        .map(|seat| {
            let mut row = SeatRow::new(seat, today);
            if let Some(grants) = live.grants.get(&seat.login) {
                row.grants = grants.iter().map(Grant::label).collect();
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Login;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 25);

    fn seat(login: &str, team: Option<&str>, activity: Option<&str>, created: &str) -> Seat {
        Seat {
            login: Login::new(login),
            source: match team {
                None => SeatSource::Direct,
                Some(slug) => SeatSource::Team {
                    slug: TeamSlug::new(slug),
                    name: slug.to_uppercase().into(),
                },
            },
            pending_cancellation_date: None,
            created_at: created.into(),
            last_activity_at: activity.map(Into::into),
            last_activity_editor: activity.map(|_| "vscode/1.105.0".into()),
        }
    }

    fn live() -> LiveState {
        LiveState::from_seats(
            [
                seat(
                    "Zoe",
                    None,
                    Some("2026-11-24T10:00:00Z"),
                    "2025-01-01T00:00:00Z",
                ),
                seat(
                    "amy",
                    Some("web"),
                    Some("2026-08-01T10:00:00Z"),
                    "2025-01-01T00:00:00Z",
                ),
                seat("bob", None, None, "2026-11-20T00:00:00Z"),
                seat("cat", Some("web"), None, "2026-01-01T00:00:00-06:00"),
                seat("dan", None, Some("not a date"), "2025-01-01T00:00:00Z"),
            ],
            0,
        )
    }

    fn logins(filter: SeatFilter) -> Vec<String> {
        rows(&live(), &filter, TODAY)
            .into_iter()
            .map(|row| row.login)
            .collect()
    }

    #[test]
    fn rows_are_sorted_by_login_case_insensitively_with_days_inactive() {
        let rows = rows(&live(), &SeatFilter::default(), TODAY);
        let summary: Vec<(&str, Option<i64>)> = rows
            .iter()
            .map(|r| (r.login.as_str(), r.days_inactive))
            .collect();
        assert_eq!(
            summary,
            [
                ("amy", Some(116)),
                ("bob", Some(5)),
                ("cat", Some(328)),
                ("dan", None),
                ("Zoe", Some(1)),
            ]
        );
        assert_eq!(rows[0].source, "team");
        assert_eq!(rows[0].team.as_deref(), Some("web"));
        assert_eq!(rows[1].source, "direct");
    }

    #[test]
    fn filters_combine() {
        let inactive = |days| SeatFilter {
            inactive_days: Some(days),
            ..SeatFilter::default()
        };
        assert_eq!(logins(inactive(90)), ["amy", "cat"]);
        assert_eq!(logins(inactive(5)), ["amy", "bob", "cat"]);
        assert_eq!(logins(inactive(0)), ["amy", "bob", "cat", "Zoe"]);
        let never = SeatFilter {
            never_used: true,
            ..SeatFilter::default()
        };
        assert_eq!(logins(never.clone()), ["bob", "cat"]);
        let web = SeatFilter {
            team: Some(TeamSlug::new("WEB")),
            ..SeatFilter::default()
        };
        assert_eq!(logins(web.clone()), ["amy", "cat"]);
        let all = SeatFilter {
            inactive_days: Some(200),
            ..never
        };
        assert_eq!(
            logins(SeatFilter {
                team: web.team,
                ..all
            }),
            ["cat"]
        );
    }
}
