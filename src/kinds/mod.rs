//! The kinds a plan manages (SPEC 13), one folder each: seats first, then the kinds that
//! are sections of a file beside the seats. The plan, the renderers and apply know no
//! kind: they ask the kind of each change or request, through `Kind`, for its words, its
//! endpoint checks and its apply hooks. A new kind is one folder and one line in
//! `BUILT_IN`; tests register kinds of their own with `register`.

pub mod budgets;
pub mod cost_centers;
pub mod seats;

use crate::config::FileError;
use crate::github::{Client, GitHubError};
use crate::model::TargetKind;
use crate::plan::{Change, Plan, PlanMeta, Request};
use futures::future::BoxFuture;
use std::sync::RwLock;
use time::Date;

/// The kind of a change or request that names none (a plan of format 1).
pub const FIRST: &str = "seats";

/// What the plan, the renderers and apply need of every kind.
pub trait Kind: Send + Sync {
    /// Its name in plan files and in `unmanaged:` / `ignore:` (`cost_centers`).
    fn name(&self) -> &'static str;
    /// What it manages, for people (`cost centers`).
    fn title(&self) -> &'static str;
    /// Kinds whose requests must go first: a request of this kind may need an id one of
    /// theirs creates. A failing kind stops the kinds that depend on it, and no other.
    fn depends_on(&self) -> &'static [&'static str] {
        &[]
    }
    /// Whether `request` of a saved plan is one this kind makes for the plan's target
    /// (its endpoints, its body shape, its batch size); why not, otherwise.
    fn check_request(&self, meta: &PlanMeta, request: &Request) -> Result<(), String>;
    /// The neutral line of one of its changes.
    fn line(&self, change: &Change) -> Line;
    /// Whether a change alters anything at GitHub (a re-asserted seat team does not).
    fn changes_anything(&self, _change: &Change) -> bool {
        true
    }
    /// What its changes in `plan` come to, for the headline: `2 created, 1 updated`.
    /// `None`: counted from its lines.
    fn totals(&self, _plan: &Plan) -> Option<String> {
        None
    }
    /// Its state when it has nothing to send: `the 10 active seat(s) of acme match the
    /// file`.
    fn unchanged(&self, _plan: &Plan) -> String {
        format!("the {} match the file", self.title())
    }
    /// A table for the Markdown headline (headers, cells), if it has one.
    fn table(&self, _plan: &Plan) -> Option<(Vec<String>, Vec<String>)> {
        None
    }
    /// Lines under its headline (what the totals do not say).
    fn headline_notes(&self, _plan: &Plan) -> Vec<String> {
        Vec::new()
    }
    /// A list after the warnings (suggestions), with its title, if it has one.
    fn appendix(&self, _plan: &Plan) -> Option<(String, Vec<String>)> {
        None
    }
    /// Lines under its changes (what a change means for billing, say).
    fn footnotes(&self, _plan: &Plan) -> Vec<String> {
        Vec::new()
    }
    /// What apply accounts for in `request`: one item per name it writes.
    fn items(&self, request: &Request, changes: &[Change]) -> Vec<Item>;
    /// What a failed write of `request` comes to.
    fn failure(&self, _request: &Request, _error: &GitHubError) -> Failure {
        Failure::Fatal
    }
    /// `request` without the items keyed `dropped` (after a 404 naming them); `None` when
    /// nothing of it is left to send.
    fn without(&self, _request: &Request, _dropped: &[String]) -> Option<Request> {
        None
    }
    /// What an item GitHub's answer to `request` named as unknown comes to.
    fn unknown(&self, _request: &Request, key: &str) -> crate::apply::Outcome {
        crate::apply::Outcome::Failed(format!(
            "GitHub does not know `{key}`: check it in the file"
        ))
    }
    /// Notes on a successful answer to `request` (a surprise in it); none by default.
    fn answered(
        &self,
        _request: &Request,
        _answer: &serde_json::Value,
        _changes: &[Change],
    ) -> Vec<String> {
        Vec::new()
    }
    /// The id a creating request's answer gives, which fills its placeholder.
    fn created_id(&self, _request: &Request, answer: &serde_json::Value) -> Option<String> {
        match answer.get("id")? {
            serde_json::Value::String(id) => Some(id.clone()),
            serde_json::Value::Number(id) => Some(id.to_string()),
            _ => None,
        }
    }
    /// What to do about a 401/403 from one of its endpoints (the token or App permission
    /// it needs); `None`: GitHub's message says enough.
    fn permission_hint(&self, _request: &Request, _status: u16) -> Option<String> {
        None
    }
}

/// A kind that is a section of the file beside the seats (`cost_centers:`, `budgets:`):
/// it checks its sections offline, and reads and plans itself.
pub trait SectionKind: Kind {
    /// The top-level keys it owns in a file of `target` (none: not in such files).
    fn keys(&self, target: TargetKind) -> &'static [&'static str];
    /// Checks its sections offline; every problem goes to `errors`.
    fn check(&self, file: &FileSections<'_>, errors: &mut Vec<FileError>);
    /// Reads its live state and plans. Its planning is a pure function of its own.
    fn plan<'a>(&'a self, input: &'a KindInput<'a>) -> BoxFuture<'a, anyhow::Result<Section>>;
}

/// A file's sections as a kind sees them.
pub struct FileSections<'a> {
    pub file: &'a str,
    pub target: TargetKind,
    pub root: &'a yaml_serde::Mapping,
    /// The file's text, for the line of a path (`cost_centers[1].name`).
    pub locations: &'a crate::yaml_locations::YamlLocations,
}

impl FileSections<'_> {
    /// The value at top-level `key`.
    pub fn get(&self, key: &str) -> Option<&yaml_serde::Value> {
        self.root.get(key)
    }

    /// `ignore:` for `kind`: the names listed under `ignore.KIND`.
    pub fn ignored(&self, kind: &str) -> Vec<String> {
        ignored(self.root, kind)
    }

    /// The line of the node at `path`.
    pub fn line(&self, path: &str) -> usize {
        self.locations.find(path).map_or(1, |p| p.line)
    }

    /// An error at `path` (`cost_centers[1].name`, `key#key` for a key).
    pub fn error(&self, path: &str, message: String) -> FileError {
        FileError {
            file: self.file.to_string(),
            position: self
                .locations
                .find(path)
                .or(Some(crate::yaml_locations::Position { line: 1, column: 1 })),
            message,
        }
    }
}

/// What a section kind plans from.
pub struct KindInput<'a> {
    /// The file, loaded and checked.
    pub file: &'a crate::config::LoadedFile,
    /// The target's client; `None` for an offline plan (`--state`).
    pub client: Option<&'a Client>,
    pub today: Date,
}

/// What a section kind plans for one target.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub changes: Vec<Change>,
    pub requests: Vec<Request>,
    /// A digest of the live state it planned from, to refuse a stale saved plan.
    pub digest: String,
    pub warnings: Vec<String>,
    /// Why apply refuses this kind's part without `--allow-mass-removal`.
    pub blocked: Option<String>,
}

impl Section {
    /// The part of an offline plan (`--state`) for a kind read from GitHub: nothing, said;
    /// its digest never matches a live one, so that such a plan is not applied as it is.
    pub fn offline(title: &str) -> Section {
        Section {
            digest: "offline".to_string(),
            warnings: vec![format!(
                "{title} are read from GitHub: this offline plan (--state) leaves them out"
            )],
            ..Section::default()
        }
    }
}

/// A read of a kind's live state that failed: what was read, and on a 401 or 403 what the
/// token needs (`permission`).
pub fn read_error(error: GitHubError, permission: &str, what: String) -> anyhow::Error {
    let refused = error.status().is_some_and(|s| matches!(s, 401 | 403));
    let error = anyhow::Error::new(error);
    let error = if refused {
        error.context(permission.to_string())
    } else {
        error
    };
    error.context(what)
}

/// `unmanaged: {KIND: remove}` in a file's root: delete what the file does not declare.
pub fn removes_unmanaged(root: &yaml_serde::Mapping, kind: &str) -> bool {
    match root.get("unmanaged") {
        Some(yaml_serde::Value::Mapping(per_kind)) => {
            per_kind.get(kind).and_then(yaml_serde::Value::as_str) == Some("remove")
        }
        _ => false,
    }
}

/// The names under `ignore.KIND` in a file's root.
pub fn ignored(root: &yaml_serde::Mapping, kind: &str) -> Vec<String> {
    let Some(yaml_serde::Value::Mapping(ignore)) = root.get("ignore") else {
        return Vec::new();
    };
    match ignore.get(kind) {
        Some(yaml_serde::Value::Sequence(names)) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// One change as every renderer prints it: `+ user alice (declared) [note: …]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub sign: Sign,
    /// The Markdown list it goes in: `Users added`.
    pub group: String,
    /// What the subject is: `user`, `team`, `cost center`.
    pub noun: String,
    pub subject: String,
    /// A second name: a team's display name.
    pub label: Option<String>,
    /// Before and after, for an update.
    pub change: Option<(String, String)>,
    pub reason: String,
    pub note: Option<String>,
    /// Lists under the change: `members gaining a seat`.
    pub details: Vec<(String, Vec<String>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    Add,
    Remove,
    /// An update in place, or a re-assertion.
    Update,
}

impl Sign {
    pub fn symbol(self) -> &'static str {
        match self {
            Sign::Add => "+",
            Sign::Remove => "-",
            Sign::Update => "~",
        }
    }
}

/// One thing apply accounts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// `add user`, `create cost center`.
    pub action: String,
    /// As the report shows it (a team's slug).
    pub name: String,
    /// As the request names it (a team's name), for `without` and a re-read.
    pub key: String,
}

/// How apply handles a failed write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// GitHub named these items as unknown: drop them (`without`), send the rest.
    Unknown(Vec<String>),
    /// The write may have been applied in part: re-read, plan again, send what remains.
    Unclear,
    /// Stop this kind (and the kinds that depend on it).
    Fatal,
}

/// The kinds built in, after the seats: one line each.
const BUILT_IN: &[&dyn SectionKind] = &[&cost_centers::COST_CENTERS, &budgets::BUDGETS];

/// Kinds registered at run time (tests).
static REGISTERED: RwLock<Vec<&'static dyn SectionKind>> = RwLock::new(Vec::new());

/// Adds a section kind (tests register kinds of their own).
pub fn register(kind: &'static dyn SectionKind) {
    let mut registered = REGISTERED
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !registered.iter().any(|k| k.name() == kind.name()) {
        registered.push(kind);
    }
}

/// The section kinds, in apply order (after the seats).
pub fn sections() -> Vec<&'static dyn SectionKind> {
    let registered = REGISTERED
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    BUILT_IN
        .iter()
        .copied()
        .chain(registered.iter().copied())
        .collect()
}

/// The kind named `name`.
pub fn get(name: &str) -> Option<&'static dyn Kind> {
    if name == FIRST {
        return Some(&seats::SEATS);
    }
    sections()
        .into_iter()
        .find(|k| k.name() == name)
        .map(|k| k as &dyn Kind)
}

/// The place of kind `name` in apply order: seats, then the section kinds.
pub fn order(name: &str) -> usize {
    if name == FIRST {
        return 0;
    }
    sections()
        .iter()
        .position(|k| k.name() == name)
        .map_or(usize::MAX, |i| i + 1)
}

/// The line of any change; a change of a kind this build does not know is shown as it is.
pub fn line(change: &Change) -> Line {
    match get(change.kind()) {
        Some(kind) => kind.line(change),
        None => Line {
            sign: Sign::Update,
            group: format!("Changes of kind {}", change.kind()),
            noun: change.kind().to_string(),
            subject: change.action().to_string(),
            label: None,
            change: None,
            reason: "unknown kind".to_string(),
            note: None,
            details: Vec::new(),
        },
    }
}

/// What apply accounts for in `request`.
pub fn items(request: &Request, changes: &[Change]) -> Vec<Item> {
    match get(request.kind()) {
        Some(kind) => kind.items(request, changes),
        None => vec![Item {
            action: request.method.to_string(),
            name: request.path.clone(),
            key: request.path.clone(),
        }],
    }
}
