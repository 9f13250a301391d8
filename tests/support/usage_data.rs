//! The fake GitHub's Copilot usage: twelve developers whose activity on each day follows
//! one formula, the report envelopes and NDJSON files GitHub would make of it (API.md
//! "Usage metrics (reports)": aggregates, per user and day in two part files with a
//! duplicate, user-teams leaving out teams of fewer than 5), and 204 for days not ready.

use serde_json::{Value, json};
use time::Date;
use time::macros::date;

/// Day 0 of the formula; the latest 28-day report ends on `LAST_READY`.
pub const FIRST_DAY: Date = date!(2026 - 10 - 01);
pub const LAST_READY: Date = date!(2026 - 11 - 24);
pub const USERS: usize = 12;
/// Teams: `web` (dev01-dev06, listed), `tiny` (dev07-dev08: fewer than 5, left out).
pub const TEAMS: [(&str, u64, std::ops::Range<usize>); 2] = [("web", 42, 1..7), ("tiny", 43, 7..9)];

pub fn login(user: usize) -> String {
    format!("dev{user:02}")
}

pub fn user_id(user: usize) -> u64 {
    5000 + user as u64
}

/// What user `user` (1..=12) did on `day`, or `None` when not active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activity {
    pub interactions: u64,
    pub suggestions: u64,
    pub acceptances: u64,
}

impl Activity {
    pub fn engaged(&self) -> bool {
        self.interactions > 0 || self.acceptances > 0
    }
}

pub fn activity(user: usize, day: Date) -> Option<Activity> {
    let d = (day - FIRST_DAY).whole_days().max(0) as usize;
    if (user + d).is_multiple_of(3) {
        return None;
    }
    Some(Activity {
        interactions: ((user * d) % 4) as u64,
        suggestions: (10 + user + d % 5) as u64,
        acceptances: ((user + d) % 4) as u64,
    })
}

/// The 28 days of the latest report.
pub fn window() -> Vec<Date> {
    (0..28)
        .map(|n| LAST_READY - time::Duration::days(27 - n))
        .collect()
}

fn user_line(user: usize, day: Date, a: Activity, window: bool) -> Value {
    let mut line = json!({
        "user_id": user_id(user),
        "user_login": login(user),
        "day": day.to_string(),
        "user_initiated_interaction_count": a.interactions,
        "code_generation_activity_count": a.suggestions,
        "code_acceptance_activity_count": a.acceptances,
        "loc_suggested_to_add_sum": a.suggestions * 3,
        "totals_by_ide": [{"ide": "vscode", "code_generation_activity_count": a.suggestions}],
        "totals_by_feature": [{"feature": "code_completion", "code_generation_activity_count": a.suggestions, "code_acceptance_activity_count": a.acceptances}],
        "used_chat": a.interactions > 0,
        "a_field_from_the_future": {"nested": [1, 2, 3]},
    });
    if window {
        line["report_start_day"] = json!(window_start().to_string());
        line["report_end_day"] = json!(LAST_READY.to_string());
    }
    if user == 5 {
        // Real exports omit many fields.
        if let Some(map) = line.as_object_mut() {
            map.remove("loc_suggested_to_add_sum");
            map.remove("totals_by_ide");
            map.remove("used_chat");
        }
    }
    line
}

fn window_start() -> Date {
    LAST_READY - time::Duration::days(27)
}

/// The org's aggregate of one day.
pub fn aggregate(day: Date) -> Value {
    let active: Vec<(usize, Activity)> = (1..=USERS)
        .filter_map(|u| activity(u, day).map(|a| (u, a)))
        .collect();
    let distinct_over = |days: i64| {
        (1..=USERS)
            .filter(|u| {
                (0..days).any(|back| activity(*u, day - time::Duration::days(back)).is_some())
            })
            .count()
    };
    let sum = |f: fn(&Activity) -> u64| active.iter().map(|(_, a)| f(a)).sum::<u64>();
    let by_parity = |odd: bool| {
        active
            .iter()
            .filter(|(u, _)| (u % 2 == 1) == odd)
            .map(|(_, a)| a.suggestions)
            .sum::<u64>()
    };
    json!({
        "day": day.to_string(),
        "organization_id": "277658765",
        "daily_active_users": active.len(),
        "weekly_active_users": distinct_over(7),
        "monthly_active_users": distinct_over(28),
        "user_initiated_interaction_count": sum(|a| a.interactions),
        "code_generation_activity_count": sum(|a| a.suggestions),
        "code_acceptance_activity_count": sum(|a| a.acceptances),
        "totals_by_feature": [
            {"feature": "code_completion", "code_generation_activity_count": sum(|a| a.suggestions), "code_acceptance_activity_count": sum(|a| a.acceptances)},
            {"feature": "chat_panel_ask_mode", "user_initiated_interaction_count": sum(|a| a.interactions)},
        ],
        "totals_by_ide": [{"ide": "vscode", "code_generation_activity_count": sum(|a| a.suggestions), "user_initiated_interaction_count": sum(|a| a.interactions)}],
        "totals_by_language_feature": [
            {"language": "rust", "feature": "code_completion", "code_generation_activity_count": by_parity(true)},
            {"language": "go", "feature": "code_completion", "code_generation_activity_count": by_parity(false)},
        ],
        "totals_by_model_feature": [{"model": "gpt-5", "feature": "chat_panel_ask_mode", "user_initiated_interaction_count": sum(|a| a.interactions)}],
        "pull_requests": {"total_created": 2},
    })
}

fn lines(values: impl IntoIterator<Item = Value>) -> String {
    values.into_iter().map(|v| format!("{v}\n")).collect()
}

/// A report file by its name, `REPORT-DAY|latest-PART.ndjson`; `None` for another name.
pub fn file(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".ndjson")?;
    let (rest, part) = stem.rsplit_once('-')?;
    let part: usize = part.parse().ok()?;
    if let Some(report) = rest.strip_suffix("-latest") {
        return match (report, part) {
            ("organization-28-day", 1) => Some(lines([json!({
                "report_start_day": window_start().to_string(),
                "report_end_day": LAST_READY.to_string(),
                "created_at": "2026-11-25T03:00:00Z",
                "day_totals": window().into_iter().map(aggregate).collect::<Vec<_>>(),
            })])),
            ("users-28-day", 1 | 2) => {
                let users = if part == 1 { 1..7 } else { 7..USERS + 1 };
                let mut out = lines(users.flat_map(|u| {
                    window()
                        .into_iter()
                        .filter_map(move |d| activity(u, d).map(|a| user_line(u, d, a, true)))
                }));
                if part == 2 {
                    // A duplicate of part 1's first line, a line that is not a record, a blank.
                    let first = window()[0];
                    if let Some(a) = (1..7).find_map(|u| activity(u, first).map(|a| (u, a))) {
                        out.push_str(&lines([user_line(a.0, first, a.1, true)]));
                    }
                    out.push_str("not json\n\n");
                }
                Some(out)
            }
            _ => None,
        };
    }
    let (report, day) = (
        rest.get(..rest.len().checked_sub(11)?)?,
        rest.get(rest.len() - 10..)?,
    );
    let day = Date::parse(
        day,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    match (report, part) {
        ("organization", 1) => Some(lines([aggregate(day)])),
        ("users", 1) => Some(lines(
            (1..=USERS).filter_map(|u| activity(u, day).map(|a| user_line(u, day, a, false))),
        )),
        ("user-teams", 1) => Some(lines(TEAMS.iter().filter(|(_, _, m)| m.len() >= 5).flat_map(
            |(slug, team_id, members)| {
                members.clone().map(move |u| {
                    json!({"user_id": user_id(u), "user_login": login(u), "day": day.to_string(), "organization_id": "277658765", "team_id": team_id, "slug": slug})
                })
            },
        ))),
        _ => None,
    }
}

/// The envelope of report `kind` for `day` (`None`: latest), or `None` for 204.
pub fn envelope(base: &str, kind: &str, day: Option<&str>) -> Option<Value> {
    let link =
        |name: &str| format!("{base}/reports/{name}?X-Amz-Signature=s3cr3tSIGNATURE0123456789");
    match day {
        None => {
            let parts = if kind == "users-28-day" { 2 } else { 1 };
            Some(json!({
                "download_links": (1..=parts).map(|p| link(&format!("{kind}-latest-{p}.ndjson"))).collect::<Vec<_>>(),
                "report_start_day": window_start().to_string(),
                "report_end_day": LAST_READY.to_string(),
            }))
        }
        Some(day) => {
            let date = Date::parse(
                day,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .ok()?;
            if date > LAST_READY {
                return None;
            }
            let report = kind.strip_suffix("-1-day")?;
            Some(json!({
                "download_links": [link(&format!("{report}-{day}-1.ndjson"))],
                "report_day": day,
            }))
        }
    }
}
