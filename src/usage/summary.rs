//! What the report files come to (SPEC 12), pure: records go in one at a time, in any
//! order and from any number of part files; `Usage::summary` gives the daily rows, the
//! window's totals, the top lists and, on demand, one row per user. Memory holds one small
//! entry per day and per user (with a bit per day seen, to drop duplicates), never a file.

use crate::usage::records::{Aggregate, Breakdown, UserDay, UserTeam};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How many names each top list shows.
const TOP: usize = 5;

/// One target's usage, as every format shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsageSummary {
    pub target: String,
    /// The report the numbers come from (`organization-28-day`, `users-1-day`, …).
    pub report: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub days: Vec<DayRow>,
    pub totals: Totals,
    pub top: Top,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<UserRow>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DayRow {
    pub day: String,
    /// False for a day GitHub has no report of yet (204).
    pub ready: bool,
    /// A team GitHub left out of that day's report (fewer than 5 seated users).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub left_out: bool,
    pub active_users: Option<u64>,
    pub engaged_users: Option<u64>,
    pub code_suggestions: Option<u64>,
    pub code_acceptances: Option<u64>,
    pub acceptance_rate: Option<f64>,
    pub chat_interactions: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Days with a report.
    pub days: u64,
    /// Distinct users active on any day of the window (from the users report).
    pub active_users: Option<u64>,
    /// Distinct users engaged on any day of the window.
    pub engaged_users: Option<u64>,
    pub code_suggestions: u64,
    pub code_acceptances: u64,
    pub acceptance_rate: Option<f64>,
    pub chat_interactions: u64,
    /// The last day's, from the org's or enterprise's report.
    pub weekly_active_users: Option<u64>,
    pub monthly_active_users: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Top {
    /// By code suggestions.
    pub languages: Vec<Ranked>,
    /// By interactions and suggestions.
    pub editors: Vec<Ranked>,
    /// By interactions and suggestions.
    pub features: Vec<Ranked>,
    /// Chat models, by interactions.
    pub models: Vec<Ranked>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub name: String,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub login: String,
    pub days_active: u64,
    pub interactions: u64,
    pub code_suggestions: u64,
    pub code_acceptances: u64,
    pub last_active_day: Option<String>,
    /// From the seat list; `None` when it was not read (offline).
    pub holds_seat: Option<bool>,
    /// For a seat holder with no activity in the window: the seat's last activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_last_activity_at: Option<String>,
}

/// The counts of one day, from the org's (or enterprise's) report and from its users'.
#[derive(Debug, Default)]
struct Day {
    ready: bool,
    aggregate: Option<DayAggregate>,
    active: u64,
    engaged: u64,
    interactions: u64,
    suggestions: u64,
    acceptances: u64,
    completion: (u64, u64),
    /// The team filter's report listed the team that day.
    team_listed: bool,
}

#[derive(Debug, Default)]
struct DayAggregate {
    active: Option<u64>,
    weekly: Option<u64>,
    monthly: Option<u64>,
    interactions: u64,
    suggestions: u64,
    acceptances: u64,
    /// (suggestions, acceptances) of the `code_completion` feature.
    completion: Option<(u64, u64)>,
}

#[derive(Debug, Default)]
struct User {
    /// The days (by index) already counted for this user: parts and duplicates are merged
    /// on (user, day), in a bit a day.
    seen: Vec<u64>,
    login: String,
    days: u64,
    interactions: u64,
    suggestions: u64,
    acceptances: u64,
    engaged: bool,
    last_day: String,
}

/// The records read so far.
#[derive(Debug, Default)]
pub struct Usage {
    days: BTreeMap<String, Day>,
    day_index: HashMap<String, u32>,
    users: HashMap<u64, User>,
    users_read: bool,
    /// `--team`: the team's members on each day (user, day index), from `user-teams-1-day`.
    team: Option<(String, HashSet<(u64, u32)>)>,
    languages: BTreeMap<String, u64>,
    editors: BTreeMap<String, u64>,
    features: BTreeMap<String, u64>,
    models: BTreeMap<String, u64>,
    /// Lines that were not JSON, or had no user or day.
    pub unreadable: u64,
}

impl Usage {
    /// Counts only the members of `slug` (the seed's call 9).
    pub fn for_team(slug: &str) -> Usage {
        Usage {
            team: Some((slug.to_string(), HashSet::new())),
            ..Usage::default()
        }
    }

    /// Marks `day` as asked for: ready (its files are read) or not (204).
    pub fn day(&mut self, day: &str, ready: bool) {
        self.days.entry(day.to_string()).or_default().ready |= ready;
    }

    fn index(&mut self, day: &str) -> u32 {
        if let Some(index) = self.day_index.get(day) {
            return *index;
        }
        let next = self.day_index.len() as u32;
        self.day_index.insert(day.to_string(), next);
        next
    }

    /// Changes the counts of `day`, made on first sight (without allocating after that).
    fn with_day(&mut self, day: &str, change: impl FnOnce(&mut Day)) {
        if let Some(counts) = self.days.get_mut(day) {
            change(counts);
            return;
        }
        change(self.days.entry(day.to_string()).or_default());
    }

    /// One line of a users report.
    pub fn add_user_day(&mut self, record: UserDay<'_>) {
        let (Some(id), Some(day)) = (record.user_id, record.day.as_deref()) else {
            self.unreadable += 1;
            return;
        };
        self.users_read = true;
        let index = self.index(day);
        if let Some((_, members)) = &self.team
            && !members.contains(&(id, index))
        {
            return;
        }
        let user = self.users.entry(id).or_default();
        let (word, bit) = ((index / 64) as usize, 1u64 << (index % 64));
        if user.seen.len() <= word {
            user.seen.resize(word + 1, 0);
        }
        if user.seen[word] & bit != 0 {
            return; // the same (user, day) in another part, or twice
        }
        user.seen[word] |= bit;
        let engaged = record.engaged();
        if let Some(login) = record.user_login.as_deref()
            && user.login.is_empty()
        {
            user.login = login.to_string();
        }
        user.days += 1;
        user.interactions += record.user_initiated_interaction_count;
        user.suggestions += record.code_generation_activity_count;
        user.acceptances += record.code_acceptance_activity_count;
        user.engaged |= engaged;
        if day > user.last_day.as_str() {
            user.last_day = day.to_string();
        }
        self.with_day(day, |entry| {
            entry.ready = true;
            entry.active += 1;
            entry.engaged += u64::from(engaged);
            entry.interactions += record.user_initiated_interaction_count;
            entry.suggestions += record.code_generation_activity_count;
            entry.acceptances += record.code_acceptance_activity_count;
            entry.completion.0 += record.code_generation_activity_count;
            entry.completion.1 += record.code_acceptance_activity_count;
        });
    }

    /// One line of `user-teams-1-day`: read before that day's users report.
    pub fn add_user_team(&mut self, record: UserTeam<'_>) {
        let (Some(id), Some(day), Some(slug)) = (record.user_id, record.day, record.slug) else {
            self.unreadable += 1;
            return;
        };
        let Some((team, _)) = &self.team else {
            return;
        };
        if !team.eq_ignore_ascii_case(&slug) {
            return;
        }
        let index = self.index(&day);
        self.days.entry(day.to_string()).or_default().team_listed = true;
        if let Some((_, members)) = &mut self.team {
            members.insert((id, index));
        }
    }

    /// One day of the org's or enterprise's report.
    pub fn add_aggregate(&mut self, record: Aggregate<'_>) {
        let Some(day) = record.day.as_deref() else {
            self.unreadable += 1;
            return;
        };
        let completion = record
            .totals_by_feature
            .iter()
            .find(|f| f.feature.as_deref() == Some("code_completion"))
            .map(|f| {
                (
                    f.code_generation_activity_count,
                    f.code_acceptance_activity_count,
                )
            });
        let interactions = record.user_initiated_interaction_count;
        tally(
            &mut self.languages,
            &record.totals_by_language_feature,
            |b| (b.language.as_deref(), b.code_generation_activity_count),
        );
        tally(&mut self.editors, &record.totals_by_ide, |b| {
            (
                b.ide.as_deref(),
                b.user_initiated_interaction_count + b.code_generation_activity_count,
            )
        });
        tally(&mut self.features, &record.totals_by_feature, |b| {
            (
                b.feature.as_deref(),
                b.user_initiated_interaction_count + b.code_generation_activity_count,
            )
        });
        tally(&mut self.models, &record.totals_by_model_feature, |b| {
            (b.model.as_deref(), b.user_initiated_interaction_count)
        });
        let entry = self.days.entry(day.to_string()).or_default();
        entry.ready = true;
        // A day listed twice (several parts) keeps its first aggregate.
        entry.aggregate.get_or_insert(DayAggregate {
            active: record.daily_active_users,
            weekly: record.weekly_active_users,
            monthly: record.monthly_active_users,
            interactions,
            suggestions: record.code_generation_activity_count,
            acceptances: record.code_acceptance_activity_count,
            completion,
        });
    }

    /// Days and totals (and with `users`, one row per user) of what was read.
    pub fn summary(&self, target: &str, report: &str, users: bool) -> UsageSummary {
        let team = self.team.as_ref().map(|(slug, _)| slug.clone());
        let days: Vec<DayRow> = self
            .days
            .iter()
            .map(|(day, counts)| self.row(day, counts))
            .collect();
        UsageSummary {
            target: target.to_string(),
            report: report.to_string(),
            team,
            totals: self.totals(&days),
            days,
            top: Top {
                languages: top(&self.languages),
                editors: top(&self.editors),
                features: top(&self.features),
                models: top(&self.models),
            },
            users: users.then(|| self.user_rows()),
        }
    }

    fn row(&self, day: &str, d: &Day) -> DayRow {
        let left_out = self.team.is_some() && d.ready && !d.team_listed;
        if !d.ready || left_out {
            return DayRow {
                day: day.to_string(),
                ready: d.ready,
                left_out,
                ..DayRow::default()
            };
        }
        let from_users = || self.users_read.then_some(d);
        let (active, suggestions, acceptances, interactions, completion) = match &d.aggregate {
            Some(a) if self.team.is_none() => (
                a.active.or(from_users().map(|d| d.active)),
                a.suggestions,
                a.acceptances,
                a.interactions,
                a.completion.unwrap_or((a.suggestions, a.acceptances)),
            ),
            _ => (
                Some(d.active),
                d.suggestions,
                d.acceptances,
                d.interactions,
                d.completion,
            ),
        };
        DayRow {
            day: day.to_string(),
            ready: true,
            left_out: false,
            active_users: active,
            engaged_users: from_users().map(|d| d.engaged),
            code_suggestions: Some(suggestions),
            code_acceptances: Some(acceptances),
            acceptance_rate: rate(completion),
            chat_interactions: Some(interactions),
        }
    }

    fn totals(&self, days: &[DayRow]) -> Totals {
        let shown: Vec<&DayRow> = days.iter().filter(|d| d.ready && !d.left_out).collect();
        let sum = |f: fn(&DayRow) -> Option<u64>| shown.iter().filter_map(|d| f(d)).sum::<u64>();
        let completion = self
            .days
            .values()
            .fold((0, 0), |(g, a), d| match &d.aggregate {
                Some(agg) if self.team.is_none() => {
                    let (dg, da) = agg.completion.unwrap_or((agg.suggestions, agg.acceptances));
                    (g + dg, a + da)
                }
                _ => (g + d.completion.0, a + d.completion.1),
            });
        let last = self
            .days
            .values()
            .rev()
            .find_map(|d| d.aggregate.as_ref().filter(|_| d.ready));
        Totals {
            days: shown.len() as u64,
            active_users: self.users_read.then_some(self.users.len() as u64),
            engaged_users: self
                .users_read
                .then(|| self.users.values().filter(|u| u.engaged).count() as u64),
            code_suggestions: sum(|d| d.code_suggestions),
            code_acceptances: sum(|d| d.code_acceptances),
            acceptance_rate: rate(completion),
            chat_interactions: sum(|d| d.chat_interactions),
            weekly_active_users: last.and_then(|a| a.weekly).filter(|_| self.team.is_none()),
            monthly_active_users: last.and_then(|a| a.monthly).filter(|_| self.team.is_none()),
        }
    }

    /// One row per user active in the window, by login.
    fn user_rows(&self) -> Vec<UserRow> {
        let mut rows: Vec<UserRow> = self
            .users
            .iter()
            .map(|(id, u)| UserRow {
                login: if u.login.is_empty() {
                    format!("user {id}")
                } else {
                    u.login.clone()
                },
                days_active: u.days,
                interactions: u.interactions,
                code_suggestions: u.suggestions,
                code_acceptances: u.acceptances,
                last_active_day: Some(u.last_day.clone()),
                holds_seat: None,
                seat_last_activity_at: None,
            })
            .collect();
        rows.sort_by_key(|r| r.login.to_ascii_lowercase());
        rows
    }
}

/// Marks each user row with whether the login holds a seat, and appends the seat holders
/// with no activity in the window (the reclaim question), with their seat's last activity.
pub fn join_seats(rows: &mut Vec<UserRow>, seats: &BTreeMap<String, Option<String>>) {
    let active: BTreeSet<String> = rows.iter().map(|r| r.login.to_ascii_lowercase()).collect();
    for row in rows.iter_mut() {
        row.holds_seat = Some(seats.contains_key(&row.login.to_ascii_lowercase()));
    }
    for (login, last_activity) in seats {
        if !active.contains(login) {
            rows.push(UserRow {
                login: login.clone(),
                days_active: 0,
                interactions: 0,
                code_suggestions: 0,
                code_acceptances: 0,
                last_active_day: None,
                holds_seat: Some(true),
                seat_last_activity_at: Some(
                    last_activity.clone().unwrap_or_else(|| "never".into()),
                ),
            });
        }
    }
}

fn tally(
    into: &mut BTreeMap<String, u64>,
    rows: &[Breakdown<'_>],
    pick: for<'r> fn(&'r Breakdown<'_>) -> (Option<&'r str>, u64),
) {
    for row in rows {
        if let (Some(name), count) = pick(row)
            && count > 0
        {
            match into.get_mut(name) {
                Some(total) => *total += count,
                None => {
                    into.insert(name.to_string(), count);
                }
            }
        }
    }
}

/// The largest `TOP`, by count then name.
fn top(counts: &BTreeMap<String, u64>) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = counts
        .iter()
        .map(|(name, count)| Ranked {
            name: name.clone(),
            count: *count,
        })
        .collect();
    ranked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    ranked.truncate(TOP);
    ranked
}

/// Acceptances over suggestions, to four places; `None` without suggestions.
fn rate((suggestions, acceptances): (u64, u64)) -> Option<f64> {
    (suggestions > 0)
        .then(|| (acceptances as f64 / suggestions as f64 * 10_000.0).round() / 10_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::records::{AggregateLine, decode};

    fn user(line: &str, usage: &mut Usage) {
        usage.add_user_day(decode(line.as_bytes()).expect("record"));
    }

    #[test]
    fn engaged_users_and_duplicates_across_parts() {
        let mut usage = Usage::default();
        user(
            r#"{"user_id":1,"user_login":"ann","day":"2026-11-01","code_acceptance_activity_count":2,"code_generation_activity_count":5}"#,
            &mut usage,
        );
        // The same user and day again (another part): counted once.
        user(
            r#"{"user_id":1,"user_login":"ann","day":"2026-11-01","code_acceptance_activity_count":2,"code_generation_activity_count":5}"#,
            &mut usage,
        );
        user(
            r#"{"user_id":2,"user_login":"bo","day":"2026-11-01","code_generation_activity_count":3}"#,
            &mut usage,
        );
        user(
            r#"{"user_id":2,"user_login":"bo","day":"2026-11-02","user_initiated_interaction_count":4}"#,
            &mut usage,
        );
        user(r#"{"user_login":"nobody"}"#, &mut usage);
        let summary = usage.summary("acme", "users-28-day", true);
        assert_eq!(usage.unreadable, 1);
        let first = &summary.days[0];
        assert_eq!(
            (
                first.active_users,
                first.engaged_users,
                first.code_suggestions,
                first.code_acceptances
            ),
            (Some(2), Some(1), Some(8), Some(2))
        );
        assert_eq!(first.acceptance_rate, Some(0.25));
        assert_eq!(summary.days[1].engaged_users, Some(1));
        assert_eq!(summary.totals.active_users, Some(2));
        assert_eq!(summary.totals.engaged_users, Some(2));
        let users = summary.users.expect("users");
        assert_eq!(users[1].login, "bo");
        assert_eq!(users[1].days_active, 2);
        assert_eq!(users[1].last_active_day.as_deref(), Some("2026-11-02"));
    }

    #[test]
    fn aggregates_give_active_users_rates_and_top_lists() {
        let mut usage = Usage::default();
        let line = r#"{"day_totals":[{"day":"2026-11-01","daily_active_users":7,"weekly_active_users":9,"monthly_active_users":12,"code_generation_activity_count":100,"code_acceptance_activity_count":40,"user_initiated_interaction_count":11,"totals_by_feature":[{"feature":"code_completion","code_generation_activity_count":80,"code_acceptance_activity_count":20},{"feature":"chat_panel_ask_mode","user_initiated_interaction_count":11}],"totals_by_language_feature":[{"language":"rust","feature":"code_completion","code_generation_activity_count":60},{"language":"go","code_generation_activity_count":20}],"totals_by_ide":[{"ide":"vscode","code_generation_activity_count":80}],"totals_by_model_feature":[{"model":"gpt-5","feature":"chat_panel_ask_mode","user_initiated_interaction_count":11}]}]}"#;
        for day in decode::<AggregateLine>(line.as_bytes())
            .expect("line")
            .days()
        {
            usage.add_aggregate(day);
        }
        usage.day("2026-11-02", false);
        let summary = usage.summary("acme", "organization-28-day", false);
        let day = &summary.days[0];
        assert_eq!(day.active_users, Some(7));
        assert_eq!(day.engaged_users, None, "no users report read");
        assert_eq!(day.acceptance_rate, Some(0.25), "of code completions only");
        assert_eq!(day.chat_interactions, Some(11));
        assert!(!summary.days[1].ready);
        assert_eq!(summary.totals.days, 1);
        assert_eq!(summary.totals.monthly_active_users, Some(12));
        assert_eq!(
            summary.top.languages[0],
            Ranked {
                name: "rust".into(),
                count: 60
            }
        );
        assert_eq!(summary.top.models[0].name, "gpt-5");
    }

    #[test]
    fn a_team_counts_its_members_of_each_day_and_is_left_out_when_github_leaves_it_out() {
        let mut usage = Usage::for_team("web");
        usage.day("2026-11-01", true);
        usage.day("2026-11-02", true);
        for line in [
            r#"{"user_id":1,"day":"2026-11-01","slug":"web"}"#,
            r#"{"user_id":2,"day":"2026-11-01","slug":"web"}"#,
            r#"{"user_id":3,"day":"2026-11-01","slug":"api"}"#,
        ] {
            usage.add_user_team(decode(line.as_bytes()).expect("record"));
        }
        user(
            r#"{"user_id":1,"day":"2026-11-01","user_initiated_interaction_count":1}"#,
            &mut usage,
        );
        user(
            r#"{"user_id":3,"day":"2026-11-01","user_initiated_interaction_count":1}"#,
            &mut usage,
        );
        user(
            r#"{"user_id":1,"day":"2026-11-02","user_initiated_interaction_count":1}"#,
            &mut usage,
        );
        let summary = usage.summary("acme", "user-teams-1-day", false);
        assert_eq!(summary.team.as_deref(), Some("web"));
        assert_eq!(summary.days[0].active_users, Some(1));
        assert_eq!(summary.days[0].engaged_users, Some(1));
        assert!(summary.days[1].left_out, "web is not listed on 11-02");
        assert_eq!(summary.days[1].active_users, None);
    }
}
