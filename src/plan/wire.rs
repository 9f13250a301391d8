//! The plan as users and scripts read it (SPEC 5, SPEC 13): its metadata, its changes and
//! requests of every kind, exactly as they are sent, the seats' summary, and the check
//! that a saved plan holds only requests this tool makes. A plan of seats only is format 1
//! (no `kind` anywhere); a plan with another kind is format 2: `kind` on every change and
//! request, and a live-state digest per kind.

use crate::kinds::{self, seats::Seated, seats::Suggestion, seats::Summary};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A plan of seats only.
pub const FORMAT_VERSION: u32 = 1;
/// A plan with another kind than seats.
pub const FORMAT_VERSION_KINDS: u32 = 2;

/// Where a plan came from, stamped by the caller so that the planner stays pure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    pub format_version: u32,
    pub tool_version: String,
    /// The org planned; empty for an enterprise's plan.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub org: String,
    /// The enterprise planned (SPEC 9), instead of an org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<String>,
    pub generated_at: String,
    pub file_digest: String,
    /// Format 1: the digest of the live seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_state_digest: Option<String>,
    /// Format 2: the digest of each kind's live state.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub live_state_digests: BTreeMap<String, String>,
    /// The seat file the plan was made from, as it was named; for messages when a saved
    /// plan is applied with another file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl PlanMeta {
    /// The target's name: the org, or the enterprise.
    pub fn target(&self) -> &str {
        self.enterprise.as_deref().unwrap_or(&self.org)
    }

    /// The digest of `kind`'s live state the plan was made from.
    pub fn digest(&self, kind: &str) -> Option<&str> {
        match self.live_state_digests.get(kind) {
            Some(digest) => Some(digest),
            None if kind == kinds::FIRST => self.live_state_digest.as_deref(),
            None => None,
        }
    }

    /// Every kind with a digest, and its digest.
    pub fn digests(&self) -> BTreeMap<&str, &str> {
        let mut all: BTreeMap<&str, &str> = self
            .live_state_digests
            .iter()
            .map(|(k, d)| (k.as_str(), d.as_str()))
            .collect();
        if let Some(seats) = &self.live_state_digest {
            all.entry(kinds::FIRST).or_insert(seats);
        }
        all
    }
}

/// Writes `-19` rather than `-19.0` when the amount is whole, as SPEC 5 shows it.
pub(crate) fn whole_or_fraction<S: serde::Serializer>(
    amount: &f64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        serializer.serialize_i64(*amount as i64)
    } else {
        serializer.serialize_f64(*amount)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Post,
    Patch,
    Put,
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        })
    }
}

/// One change of any kind: its kind (format 2), its `action` and the kind's own fields,
/// in the kind's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl Change {
    /// A change from the kind's own serialisable change (with its `action`); its kind is
    /// set when the plan takes it (`Plan::add_section`).
    pub fn of<T: Serialize>(change: &T) -> Change {
        let fields = match serde_json::to_value(change) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        Change { kind: None, fields }
    }

    /// The kind's own change, read back.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(Value::Object(self.fields.clone())).ok()
    }

    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or(kinds::FIRST)
    }

    pub fn action(&self) -> &str {
        self.fields
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The entry's note, if the file gave one.
    pub fn note(&self) -> Option<&str> {
        self.fields.get("note").and_then(Value::as_str)
    }
}

/// One write the plan makes, exactly as it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub method: Method,
    /// May hold placeholders (`{cost_center:Engineering}`) that an earlier request's
    /// answer fills.
    pub path: String,
    pub body: Value,
    /// The placeholder this request's answer fills (the id it creates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creates: Option<String>,
}

impl Request {
    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or(kinds::FIRST)
    }

    /// The placeholders in its path and body, in order.
    pub fn placeholders(&self) -> Vec<String> {
        let mut found = Vec::new();
        collect_placeholders(&self.path, &mut found);
        collect_in_value(&self.body, &mut found);
        found
    }

    /// This request with each placeholder replaced by its id in `ids`; the first
    /// placeholder not in `ids`, if any.
    pub fn filled(&self, ids: &BTreeMap<String, String>) -> Result<Request, String> {
        if let Some(missing) = self
            .placeholders()
            .into_iter()
            .find(|p| !ids.contains_key(p))
        {
            return Err(missing);
        }
        let mut filled = self.clone();
        filled.path = fill(&self.path, ids);
        fill_value(&mut filled.body, ids);
        Ok(filled)
    }
}

/// `{word:NAME}` placeholders: the word is lowercase with `_`, the name has no braces.
fn collect_placeholders(text: &str, found: &mut Vec<String>) {
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            return;
        };
        let inner = &rest[start + 1..start + end];
        if let Some((word, name)) = inner.split_once(':')
            && !word.is_empty()
            && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && !name.is_empty()
        {
            found.push(rest[start..=start + end].to_string());
        }
        rest = &rest[start + end + 1..];
    }
}

fn collect_in_value(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) => collect_placeholders(text, found),
        Value::Array(items) => items.iter().for_each(|v| collect_in_value(v, found)),
        Value::Object(fields) => fields.values().for_each(|v| collect_in_value(v, found)),
        _ => {}
    }
}

fn fill(text: &str, ids: &BTreeMap<String, String>) -> String {
    ids.iter()
        .fold(text.to_string(), |text, (placeholder, id)| {
            text.replace(placeholder, id)
        })
}

fn fill_value(value: &mut Value, ids: &BTreeMap<String, String>) {
    match value {
        Value::String(text) => *text = fill(text, ids),
        Value::Array(items) => items.iter_mut().for_each(|v| fill_value(v, ids)),
        Value::Object(fields) => fields.values_mut().for_each(|v| fill_value(v, ids)),
        _ => {}
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(flatten)]
    pub meta: PlanMeta,
    pub changes: Vec<Change>,
    pub requests: Vec<Request>,
    /// The seats' summary (every file has seats).
    pub summary: Summary,
    pub warnings: Vec<String>,
    pub suggestions: Vec<Suggestion>,
    /// Why `apply` refuses this plan without `--allow-mass-removal`.
    pub blocked: Option<String>,
    /// Who holds a seat before and after, for the distinct-user totals of a run with
    /// several targets; not part of the plan file.
    #[serde(skip)]
    pub seated: Seated,
    /// The time between two writes of this run (`--write-interval-ms`), to say how long
    /// apply takes; not part of the plan file.
    #[serde(skip)]
    pub write_interval_ms: Option<u64>,
}

impl Plan {
    /// `4 write(s), about 4 s at one write every 1 s`, when the interval is known.
    pub fn writes_line(&self) -> Option<String> {
        let interval = self.write_interval_ms.filter(|ms| *ms > 0)?;
        let writes = self.requests.len() as u64;
        if writes == 0 {
            return None;
        }
        let total = writes.saturating_sub(1).saturating_mul(interval) / 1000;
        let about = match total {
            0 => "under 1 s".to_string(),
            1..60 => format!("about {total} s"),
            60..3600 => format!("about {} min", total.div_ceil(60)),
            _ => format!(
                "about {} h {} min",
                total / 3600,
                (total % 3600).div_ceil(60)
            ),
        };
        let every = if interval % 1000 == 0 {
            format!("{} s", interval / 1000)
        } else {
            format!("{interval} ms")
        };
        Some(format!(
            "{writes} write(s), {about} at one write every {every} (--write-interval-ms)"
        ))
    }

    /// Whether applying would change anything (what `--detailed-exitcode` reports).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|change| {
            kinds::get(change.kind()).is_none_or(|kind| kind.changes_anything(change))
        })
    }

    /// The kinds of its changes and requests, in apply order.
    pub fn kinds(&self) -> Vec<String> {
        let mut names: Vec<&str> = self
            .changes
            .iter()
            .map(Change::kind)
            .chain(self.requests.iter().map(Request::kind))
            .chain(self.meta.digests().into_keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        names.sort_by_key(|name| kinds::order(name));
        names.into_iter().map(str::to_string).collect()
    }

    /// The changes of `kind`.
    pub fn changes_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes.iter().filter(move |c| c.kind() == kind)
    }

    /// The requests of `kind`.
    pub fn requests_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Request> + 'a {
        self.requests.iter().filter(move |r| r.kind() == kind)
    }

    /// Adds another kind's part to this (seat) plan, which becomes format 2.
    pub fn add_section(&mut self, kind: &str, section: kinds::Section) {
        if self.meta.format_version == FORMAT_VERSION {
            self.meta.format_version = FORMAT_VERSION_KINDS;
            for change in &mut self.changes {
                change.kind.get_or_insert_with(|| kinds::FIRST.to_string());
            }
            for request in &mut self.requests {
                request.kind.get_or_insert_with(|| kinds::FIRST.to_string());
            }
            if let Some(seats) = self.meta.live_state_digest.take() {
                self.meta
                    .live_state_digests
                    .insert(kinds::FIRST.to_string(), seats);
            }
        }
        let tag = || Some(kind.to_string());
        self.changes
            .extend(section.changes.into_iter().map(|change| Change {
                kind: tag(),
                ..change
            }));
        self.requests
            .extend(section.requests.into_iter().map(|request| Request {
                kind: tag(),
                ..request
            }));
        self.meta
            .live_state_digests
            .insert(kind.to_string(), section.digest);
        self.warnings.extend(section.warnings);
        if let Some(why) = section.blocked {
            self.blocked = Some(match self.blocked.take() {
                Some(seats) => format!("{seats}; {why}"),
                None => why,
            });
        }
    }

    /// Checks that a plan read from a file only holds requests this tool makes: each
    /// kind's own endpoints of its own target, bodies of the kind's shapes, the kinds in
    /// apply order, and each placeholder created by an earlier request. A plan file is a
    /// reviewed artifact, but it is also input: never send what it says blindly.
    pub fn check_requests(&self) -> Result<(), String> {
        let version = self.meta.format_version;
        let mut created: BTreeSet<&str> = BTreeSet::new();
        let mut last_order = 0;
        for request in &self.requests {
            if version == FORMAT_VERSION && request.kind.is_some() {
                return Err("a plan of format_version 1 names no `kind`".to_string());
            }
            let Some(kind) = kinds::get(request.kind()) else {
                return Err(format!(
                    "the plan holds a request of kind `{}`, which this copilot-seats does not know",
                    request.kind()
                ));
            };
            let order = kinds::order(request.kind());
            if order < last_order {
                return Err(format!(
                    "the plan sends `{}` requests after those of a kind that comes later",
                    request.kind()
                ));
            }
            last_order = order;
            kind.check_request(&self.meta, request)?;
            if let Some(missing) = request
                .placeholders()
                .into_iter()
                .find(|p| !created.contains(p.as_str()))
            {
                return Err(format!(
                    "the plan holds a request to `{}` whose `{missing}` no earlier request creates",
                    request.path
                ));
            }
            if let Some(creates) = &request.creates {
                created.insert(creates);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writes_line_says_how_long_apply_takes() {
        let mut plan: Plan = serde_json::from_value(serde_json::json!({
            "format_version": 1, "tool_version": "t", "org": "acme",
            "generated_at": "2026-12-01T00:00:00Z", "file_digest": "d", "live_state_digest": "l",
            "changes": [], "requests": [],
            "summary": {"seats_before": 0, "seats_after": 0, "added": 0, "removed": 0,
                        "monthly_cost_delta_usd": 0},
            "warnings": [], "suggestions": [], "blocked": null
        }))
        .expect("a plan");
        let write = Request {
            kind: None,
            method: Method::Post,
            path: "/p".into(),
            body: Value::Null,
            creates: None,
        };
        plan.requests = vec![write; 612];
        assert_eq!(plan.writes_line(), None, "no interval known: nothing said");
        plan.write_interval_ms = Some(1000);
        assert_eq!(
            plan.writes_line().as_deref(),
            Some("612 write(s), about 11 min at one write every 1 s (--write-interval-ms)")
        );
        plan.write_interval_ms = Some(250);
        plan.requests.truncate(3);
        assert_eq!(
            plan.writes_line().as_deref(),
            Some("3 write(s), under 1 s at one write every 250 ms (--write-interval-ms)")
        );
        plan.write_interval_ms = Some(0);
        assert_eq!(plan.writes_line(), None, "no pause: nothing to wait for");
    }
}
