//! The records of GitHub's usage report files (API.md "Usage metrics (reports)"), decoded
//! leniently and only in the fields the summaries use: any field may be missing, unknown
//! fields are skipped without being built, strings are borrowed from the line where they
//! can be. `Lines` cuts a stream of chunks into lines, so that no file is ever held whole.

use serde::Deserialize;
use std::borrow::Cow;

/// Cuts chunks of bytes into complete lines; a partial line waits for the next chunk.
#[derive(Debug, Default)]
pub struct Lines {
    pending: Vec<u8>,
}

impl Lines {
    /// Calls `each` with every complete line of `chunk` (without its line break).
    pub fn feed(&mut self, chunk: &[u8], each: &mut dyn FnMut(&[u8])) {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|b| *b == b'\n') {
            let (line, after) = rest.split_at(end);
            if self.pending.is_empty() {
                each(line);
            } else {
                self.pending.extend_from_slice(line);
                each(&std::mem::take(&mut self.pending));
            }
            rest = &after[1..];
        }
        self.pending.extend_from_slice(rest);
    }

    /// The last line, when the stream did not end with a line break.
    pub fn finish(&mut self, each: &mut dyn FnMut(&[u8])) {
        if !self.pending.is_empty() {
            each(&std::mem::take(&mut self.pending));
        }
    }
}

/// Decodes one line as `T`, or `None` for a blank or unreadable line (a report file is
/// read leniently: one bad line does not hide the others; the caller counts them).
pub fn decode<'a, T: Deserialize<'a>>(line: &'a [u8]) -> Option<T> {
    let trimmed = line.trim_ascii();
    if trimmed.is_empty() {
        return None;
    }
    serde_json::from_slice(trimmed).ok()
}

/// A count that may be missing, null, fractional or of another type: read as a whole
/// number, else 0, without failing the line.
fn count<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a count")
        }
        fn visit_u64<E>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E>(self, v: i64) -> Result<u64, E> {
            Ok(v.max(0) as u64)
        }
        fn visit_f64<E>(self, v: f64) -> Result<u64, E> {
            Ok(if v.is_finite() { v.max(0.0) as u64 } else { 0 })
        }
        fn visit_unit<E>(self) -> Result<u64, E> {
            Ok(0)
        }
        fn visit_none<E>(self) -> Result<u64, E> {
            Ok(0)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
            d.deserialize_any(Count)
        }
        fn visit_bool<E>(self, _: bool) -> Result<u64, E> {
            Ok(0)
        }
        fn visit_str<E>(self, v: &str) -> Result<u64, E> {
            Ok(v.trim().parse().unwrap_or(0))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(0)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(0)
        }
    }
    deserializer.deserialize_any(Count)
}

/// One user's activity on one day (`users-1-day`, `users-28-day`).
#[derive(Debug, Default, Deserialize)]
pub struct UserDay<'a> {
    #[serde(default)]
    pub user_id: Option<u64>,
    #[serde(default, borrow)]
    pub user_login: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub day: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "count")]
    pub user_initiated_interaction_count: u64,
    #[serde(default, deserialize_with = "count")]
    pub code_generation_activity_count: u64,
    #[serde(default, deserialize_with = "count")]
    pub code_acceptance_activity_count: u64,
}

impl UserDay<'_> {
    /// Our rule (SPEC 12), stated in every output's legend: a user is *engaged* on a day
    /// when they asked Copilot something or accepted a suggestion.
    pub fn engaged(&self) -> bool {
        self.user_initiated_interaction_count > 0 || self.code_acceptance_activity_count > 0
    }
}

/// One user's membership of one team on one day (`user-teams-1-day`).
#[derive(Debug, Deserialize)]
pub struct UserTeam<'a> {
    #[serde(default)]
    pub user_id: Option<u64>,
    #[serde(default, borrow)]
    pub day: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub slug: Option<Cow<'a, str>>,
}

/// A line of an org's or enterprise's report: one day's aggregate (1-day files), or the
/// 28-day wrapper holding one per day.
#[derive(Debug, Deserialize)]
pub struct AggregateLine<'a> {
    #[serde(default, borrow)]
    pub day_totals: Option<Vec<Aggregate<'a>>>,
    #[serde(flatten, borrow)]
    pub flat: Aggregate<'a>,
}

impl<'a> AggregateLine<'a> {
    /// The days the line holds.
    pub fn days(self) -> Vec<Aggregate<'a>> {
        match self.day_totals {
            Some(days) => days,
            None if self.flat.day.is_some() => vec![self.flat],
            None => Vec::new(),
        }
    }
}

/// One day of an org or enterprise, the fields the summaries use.
#[derive(Debug, Default, Deserialize)]
pub struct Aggregate<'a> {
    #[serde(default, borrow)]
    pub day: Option<Cow<'a, str>>,
    #[serde(default)]
    pub daily_active_users: Option<u64>,
    #[serde(default)]
    pub weekly_active_users: Option<u64>,
    #[serde(default)]
    pub monthly_active_users: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    pub user_initiated_interaction_count: u64,
    #[serde(default, deserialize_with = "count")]
    pub code_generation_activity_count: u64,
    #[serde(default, deserialize_with = "count")]
    pub code_acceptance_activity_count: u64,
    #[serde(default, borrow)]
    pub totals_by_feature: Vec<Breakdown<'a>>,
    #[serde(default, borrow)]
    pub totals_by_ide: Vec<Breakdown<'a>>,
    #[serde(default, borrow)]
    pub totals_by_language_feature: Vec<Breakdown<'a>>,
    #[serde(default, borrow)]
    pub totals_by_model_feature: Vec<Breakdown<'a>>,
}

/// A row of a `totals_by_*` array: whichever of its names is present, and its counts.
#[derive(Debug, Default, Deserialize)]
pub struct Breakdown<'a> {
    #[serde(default, borrow)]
    pub feature: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub ide: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub language: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub model: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "count")]
    pub user_initiated_interaction_count: u64,
    #[serde(default, deserialize_with = "count")]
    pub code_generation_activity_count: u64,
    #[serde(default, deserialize_with = "count")]
    pub code_acceptance_activity_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_across_chunks_and_the_last_one_kept() {
        let mut lines = Lines::default();
        let mut seen = Vec::new();
        let mut each = |line: &[u8]| seen.push(String::from_utf8_lossy(line).into_owned());
        lines.feed(b"{\"a\":1}\n{\"b\"", &mut each);
        lines.feed(b":2}\n\n{\"c\":3}", &mut each);
        lines.finish(&mut each);
        assert_eq!(seen, ["{\"a\":1}", "{\"b\":2}", "", "{\"c\":3}"]);
    }

    #[test]
    fn records_are_read_leniently() {
        let line = br#"{"user_id":2,"user_login":"bob","day":"2026-04-01","used_agent":true,"code_acceptance_activity_count":null,"code_generation_activity_count":"7","user_initiated_interaction_count":[1],"totals_by_ide":[{"ide":"vscode"}]}"#;
        let user: UserDay = decode(line).expect("a record");
        assert_eq!(user.user_login.as_deref(), Some("bob"));
        assert_eq!(user.code_acceptance_activity_count, 0);
        assert_eq!(user.code_generation_activity_count, 7);
        assert!(!user.engaged());
        assert!(decode::<UserDay>(b"not json").is_none());
        assert!(decode::<UserDay>(b"   ").is_none());
        let wrapper = br#"{"report_start_day":"2026-03-05","day_totals":[{"day":"2026-03-05","daily_active_users":3},{"day":"2026-03-06"}]}"#;
        let days = decode::<AggregateLine>(wrapper).expect("wrapper").days();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].daily_active_users, Some(3));
        let flat = br#"{"day":"2026-09-12","daily_active_users":0,"totals_by_feature":[{"feature":"code_completion","code_generation_activity_count":4.0}]}"#;
        let days = decode::<AggregateLine>(flat).expect("flat").days();
        assert_eq!(
            days[0].totals_by_feature[0].code_generation_activity_count,
            4
        );
    }
}
