//! The file `copilot-seats.yaml`: read it, parse it with yaml_serde, and validate it into a
//! `DesiredState`, reporting every problem at once with its line and column.

use crate::kinds::{self, FileSections};
use crate::model::{
    DesiredState, Entry, Limits, Login, Reclaim, RemovalLimit, TargetKind, TeamSlug, Unmanaged,
    sha256_digest,
};
use crate::yaml_locations::{Position, YamlLocations, join};
use keys::Keys;

mod keys;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use time::Date;
use time::macros::format_description;
use yaml_serde::{Mapping, Value};

/// Files larger than this are refused before parsing: a seat file of 100,000 users is
/// about 2 MB.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// One problem in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub position: Option<Position>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found in the file, in file order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FileErrors(pub Vec<FileError>);

impl fmt::Display for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// The validated file and the digest of the bytes it was read from (for stale plans).
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub desired: DesiredState,
    pub digest: String,
    /// The path as given, for messages and annotations.
    pub path: String,
}

/// Reads and validates the file at `path`, reading it once.
pub fn load(path: &Path) -> Result<LoadedFile, FileErrors> {
    let file = path.display().to_string();
    let fail = |message: String| {
        FileErrors(vec![FileError {
            file: file.clone(),
            position: None,
            message,
        }])
    };
    let metadata = std::fs::metadata(path).map_err(|e| {
        fail(format!(
            "cannot read the file: {e}; create it with `copilot-seats export --org ORG > {file}` or point -f at it"
        ))
    })?;
    if metadata.is_dir() {
        return Err(fail(
            "is a directory, not a file: pass the path of copilot-seats.yaml with -f".to_string(),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the file is {} bytes, more than the {MAX_FILE_BYTES} this tool reads: is it the right file?",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    let digest = sha256_digest(&bytes);
    let text = String::from_utf8(bytes)
        .map_err(|_| fail("the file is not UTF-8 text: save it as UTF-8 YAML".to_string()))?;
    let desired = parse(&file, &text)?;
    Ok(LoadedFile {
        desired,
        digest,
        path: file,
    })
}

/// Parses and validates the text of a file named `file` (the name is only used in errors).
/// The UTF-8 byte order mark some editors (Windows Notepad) put first.
pub const BOM: char = '\u{feff}';

pub fn parse(file: &str, text: &str) -> Result<DesiredState, FileErrors> {
    // A byte order mark is no content (the YAML parser would read a second document).
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let value: Value = match yaml_serde::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let position = error.location().map(|l| Position {
                line: l.line(),
                column: l.column(),
            });
            // yaml_serde appends " at line L column C"; we print the position ourselves.
            let message = error.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            return Err(FileErrors(vec![FileError {
                file: file.to_string(),
                position,
                message: format!("invalid YAML: {message}"),
            }]));
        }
    };
    let mut validator = Validator {
        file,
        locations: YamlLocations::index(text),
        errors: Vec::new(),
    };
    let desired = validator.document(&value);
    let mut errors = validator.errors;
    errors.sort_by_key(|e| e.position.map(|p| (p.line, p.column)));
    match desired {
        Some(desired) if errors.is_empty() => Ok(desired),
        _ => Err(FileErrors(errors)),
    }
}

/// The parts of the file's root the section kinds read: their keys, `unmanaged` and
/// `ignore` (not the seats' long lists, which would double the file in memory).
fn for_section_kinds(root: &Mapping) -> Mapping {
    let mut keys: Vec<&str> = vec!["unmanaged", "ignore"];
    for kind in kinds::sections() {
        keys.extend(kind.keys(TargetKind::Org));
        keys.extend(kind.keys(TargetKind::Enterprise));
    }
    root.iter()
        .filter(|(key, _)| key.as_str().is_some_and(|k| keys.contains(&k)))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The other kind of file.
fn other(target: TargetKind) -> TargetKind {
    match target {
        TargetKind::Org => TargetKind::Enterprise,
        TargetKind::Enterprise => TargetKind::Org,
    }
}

/// The names of the section kinds a file of `target` may have (for `unmanaged:` and
/// `ignore:` entries).
fn section_names(target: TargetKind) -> Vec<&'static str> {
    kinds::sections()
        .into_iter()
        .filter(|kind| !kind.keys(target).is_empty())
        .map(|kind| kind.name())
        .collect()
}

/// An org file's keys; an enterprise file has `enterprise` and `enterprise_teams` instead
/// of `org` and `teams` (`top_keys`).
const TOP_KEYS: &[&str] = &[
    "org",
    "users",
    "teams",
    "ignore",
    "unmanaged",
    "limits",
    "price_per_seat_usd",
    "reclaim",
];

struct Validator<'a> {
    file: &'a str,
    locations: YamlLocations,
    errors: Vec<FileError>,
}

impl Validator<'_> {
    fn error(&mut self, path: &str, message: String) {
        let position = self
            .locations
            .find(path)
            .or(Some(Position { line: 1, column: 1 }));
        self.errors.push(FileError {
            file: self.file.to_string(),
            position,
            message,
        });
    }

    fn line(&self, path: &str) -> usize {
        self.locations.find(path).map_or(1, |p| p.line)
    }

    fn document(&mut self, value: &Value) -> Option<DesiredState> {
        let root = self.root(value)?;
        let (kind, org) = self.target(root);
        let mut allowed: Vec<&str> = TOP_KEYS
            .iter()
            .map(|key| match (kind, *key) {
                (TargetKind::Enterprise, "org") => "enterprise",
                (TargetKind::Enterprise, "teams") => "enterprise_teams",
                (_, key) => key,
            })
            .collect();
        // Each section kind reads its own keys (SPEC 13); its keys of the other kind of
        // file get an error of its own, with a hint (its `check`).
        let mut other_kind = vec!["org", "enterprise", "teams", "enterprise_teams"];
        for section in kinds::sections() {
            allowed.extend(section.keys(kind));
            other_kind.extend(section.keys(other(kind)));
        }
        // The other kind's keys get an error of their own, with a hint, below.
        self.known_keys_but(root, "", &allowed, &other_kind);
        let users = self.entries(
            root.get("users"),
            "users",
            "login",
            is_valid_login,
            Login::new,
        );
        let teams_key = self.teams_key(root, kind);
        let valid_team: fn(&str) -> Result<(), String> = match kind {
            TargetKind::Org => is_valid_slug,
            TargetKind::Enterprise => is_valid_enterprise_team,
        };
        let teams = self.entries(
            root.get(teams_key),
            teams_key,
            "slug",
            valid_team,
            TeamSlug::new,
        );
        let (ignore_users, ignore_teams) = self.ignore(
            root.get("ignore"),
            &users,
            &teams,
            teams_key,
            valid_team,
            kind,
        );
        let unmanaged = self.unmanaged(root.get("unmanaged"), kind);
        self.sections(root, kind);
        let limits = self.limits(root.get("limits"));
        let price_per_seat_usd = self.price(root.get("price_per_seat_usd"));
        let (reclaim, reclaim_exempt) = self.reclaim(root.get("reclaim"));
        Some(DesiredState {
            kind,
            org: org?,
            users,
            teams,
            ignore_users,
            ignore_teams,
            unmanaged,
            limits,
            price_per_seat_usd,
            reclaim,
            reclaim_exempt,
            root: for_section_kinds(root),
        })
    }

    /// The file's top-level mapping, or an error for an empty file or another value.
    fn root<'v>(&mut self, value: &'v Value) -> Option<&'v yaml_serde::Mapping> {
        match value {
            Value::Null => {
                self.error(
                    "",
                    "the file is empty: start it with `org: YOUR-ORG` and a `users:` list".into(),
                );
                None
            }
            Value::Mapping(root) => Some(root),
            other => {
                self.error(
                    "",
                    format!(
                        "the file must be a mapping with `org:`, `users:` and `teams:`, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// The teams' key of this kind of file; the other kind's key is an error with a hint.
    fn teams_key(&mut self, root: &yaml_serde::Mapping, kind: TargetKind) -> &'static str {
        let (teams_key, other_key) = match kind {
            TargetKind::Org => ("teams", "enterprise_teams"),
            TargetKind::Enterprise => ("enterprise_teams", "teams"),
        };
        if root.get(other_key).is_some() {
            let hint = match kind {
                TargetKind::Org => {
                    "`enterprise_teams` is for enterprise files (`enterprise: SLUG`): list org teams under `teams`"
                }
                TargetKind::Enterprise => {
                    "`teams` is for org files: an enterprise file assigns licences to enterprise teams, listed under `enterprise_teams` (slugs like `ent:engineering`)"
                }
            };
            self.error(&format!("{other_key}#key"), hint.to_string());
        }
        teams_key
    }

    /// A section that is absent, a mapping, or an error showing `example`.
    fn mapping<'v>(
        &mut self,
        value: Option<&'v Value>,
        path: &str,
        example: &str,
    ) -> Option<&'v Mapping> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::Mapping(mapping)) => Some(mapping),
            Some(other) => {
                self.error(
                    path,
                    format!(
                        "`{path}` must be a mapping like `{example}`, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// `org: NAME` or `enterprise: SLUG`: exactly one of them.
    fn target(&mut self, root: &Mapping) -> (TargetKind, Option<String>) {
        match (root.get("org"), root.get("enterprise")) {
            (None, None) => {
                self.error(
                    "",
                    "missing `org`: add `org: YOUR-ORG` at the top (or `enterprise: SLUG` for enterprise-level licences)".into(),
                );
                (TargetKind::Org, None)
            }
            (Some(value), None) => (
                TargetKind::Org,
                self.name(value, "org", "organization", is_valid_account),
            ),
            (None, Some(value)) => (
                TargetKind::Enterprise,
                self.name(value, "enterprise", "enterprise slug", is_valid_account),
            ),
            (Some(_), Some(_)) => {
                self.error(
                    "enterprise#key",
                    "a file has one target: `org` or `enterprise`, not both: put the enterprise's licences in a file of their own".into(),
                );
                (TargetKind::Org, None)
            }
        }
    }

    /// `ignore:`, whose names must not also be declared.
    fn ignore(
        &mut self,
        value: Option<&Value>,
        users: &BTreeMap<Login, Entry<Login>>,
        teams: &BTreeMap<TeamSlug, Entry<TeamSlug>>,
        teams_key: &str,
        valid_team: fn(&str) -> Result<(), String>,
        target: TargetKind,
    ) -> (BTreeSet<Login>, BTreeSet<TeamSlug>) {
        let example = format!("ignore: {{users: [login], {teams_key}: [slug]}}");
        let Some(ignore) = self.mapping(value, "ignore", &example) else {
            return (BTreeSet::new(), BTreeSet::new());
        };
        let mut allowed = vec!["users", teams_key];
        allowed.extend(section_names(target));
        self.known_keys(ignore, "ignore", &allowed);
        let ignored_users =
            self.name_list(ignore.get("users"), "ignore.users", "login", is_valid_login);
        let ignored_teams = self.name_list(
            ignore.get(teams_key),
            &format!("ignore.{teams_key}"),
            "team slug",
            valid_team,
        );
        (
            self.not_declared(ignored_users, users, "user", Login::new),
            self.not_declared(ignored_teams, teams, "team", TeamSlug::new),
        )
    }

    /// Ignored names, each checked against the declared entries of the same kind.
    fn not_declared<N: Ord + fmt::Display>(
        &mut self,
        ignored: Vec<(String, String)>,
        declared: &BTreeMap<N, Entry<N>>,
        kind: &str,
        make: fn(String) -> N,
    ) -> BTreeSet<N> {
        let mut names = BTreeSet::new();
        for (name, path) in ignored {
            let name = make(name);
            if let Some(entry) = declared.get(&name) {
                self.error(
                    &path,
                    format!(
                        "{kind} `{name}` is both declared (line {}) and ignored: remove it from one of the two lists",
                        entry.line
                    ),
                );
            }
            names.insert(name);
        }
        names
    }

    /// `unmanaged: remove|warn` (the seats), or a mapping per kind:
    /// `unmanaged: {seats: remove, cost_centers: warn}`; the seats' part.
    fn unmanaged(&mut self, value: Option<&Value>, target: TargetKind) -> Unmanaged {
        match value {
            Some(Value::Mapping(per_kind)) => {
                let mut allowed = vec![kinds::FIRST];
                allowed.extend(section_names(target));
                self.known_keys(per_kind, "unmanaged", &allowed);
                let mut seats = Unmanaged::Remove;
                for (key, value) in per_kind {
                    let Some(key) = key.as_str() else { continue };
                    let path = format!("unmanaged.{key}");
                    if let Some(setting) = self.unmanaged_setting(value, &path)
                        && key == kinds::FIRST
                    {
                        seats = setting;
                    }
                }
                seats
            }
            Some(value) => self
                .unmanaged_setting(value, "unmanaged")
                .unwrap_or(Unmanaged::Remove),
            None => Unmanaged::Remove,
        }
    }

    fn unmanaged_setting(&mut self, value: &Value, path: &str) -> Option<Unmanaged> {
        match value {
            Value::String(s) if s == "remove" => Some(Unmanaged::Remove),
            Value::String(s) if s == "warn" => Some(Unmanaged::Warn),
            other => {
                self.error(
                    path,
                    format!(
                        "`{path}` is `remove` or `warn`, not {}; or, per kind, `unmanaged: {{seats: remove}}`",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// Each section kind's check of its own keys.
    fn sections(&mut self, root: &Mapping, target: TargetKind) {
        let sections = FileSections {
            file: self.file,
            target,
            root,
            locations: &self.locations,
        };
        for kind in kinds::sections() {
            let keys = kind.keys(target).iter().chain(kind.keys(other(target)));
            if keys.into_iter().any(|key| root.contains_key(*key)) {
                kind.check(&sections, &mut self.errors);
            }
        }
    }

    fn price(&mut self, value: Option<&Value>) -> Option<f64> {
        match value {
            None => None,
            Some(Value::Number(n)) if n.as_f64().is_some_and(|p| p.is_finite() && p >= 0.0) => {
                n.as_f64()
            }
            Some(other) => {
                self.error(
                    "price_per_seat_usd",
                    format!(
                        "`price_per_seat_usd` is a number of dollars, 0 or more, like `19`; not {}",
                        given(other)
                    ),
                );
                None
            }
        }
    }

    fn known_keys(&mut self, mapping: &Mapping, path: &str, allowed: &[&str]) {
        self.known_keys_but(mapping, path, allowed, &[]);
    }

    /// `known_keys`, passing over the keys in `checked_elsewhere`.
    fn known_keys_but(
        &mut self,
        mapping: &Mapping,
        path: &str,
        allowed: &[&str],
        checked_elsewhere: &[&str],
    ) {
        let mut keys = Keys::new(mapping);
        keys.read_all(allowed);
        keys.pass(checked_elsewhere);
        for unknown in keys.unknown(path) {
            self.error(&unknown.path, unknown.message);
        }
    }

    /// A scalar name (login, slug, org) checked with `valid`.
    fn name(
        &mut self,
        value: &Value,
        path: &str,
        what: &str,
        valid: fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        match value {
            Value::String(name) => match valid(name) {
                Ok(()) => Some(name.clone()),
                Err(why) => {
                    self.error(path, format!("`{name}` is not a valid {what}: {why}"));
                    None
                }
            },
            Value::Number(_) | Value::Bool(_) => {
                let text = scalar_text(value);
                self.error(
                    path,
                    format!(
                        "{what} `{text}` is read as {}: write it in quotes, `\"{text}\"`",
                        describe(value)
                    ),
                );
                None
            }
            other => {
                self.error(
                    path,
                    format!("expected a name ({what}) here, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// A `users:` or `teams:` list: bare names or mappings `{<name_key>, expires, note}`.
    fn entries<N: Ord + Clone + fmt::Display>(
        &mut self,
        value: Option<&Value>,
        path: &str,
        name_key: &str,
        valid: fn(&str) -> Result<(), String>,
        make: fn(String) -> N,
    ) -> BTreeMap<N, Entry<N>> {
        let mut entries: BTreeMap<N, Entry<N>> = BTreeMap::new();
        let what = if name_key == "login" {
            "login"
        } else {
            "team slug"
        };
        let items = match value {
            None | Some(Value::Null) => return entries,
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                self.error(
                    path,
                    format!(
                        "`{path}` must be a list (`- name` lines), not {}",
                        describe(other)
                    ),
                );
                return entries;
            }
        };
        for (index, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{index}]");
            let parsed = match item {
                Value::Mapping(mapping) => {
                    self.known_keys(mapping, &item_path, &[name_key, "expires", "note"]);
                    let name_path = join(&item_path, name_key);
                    let name = match mapping.get(name_key) {
                        Some(value) => self.name(value, &name_path, what, valid),
                        None => {
                            self.error(
                                &item_path,
                                format!("this entry has no `{name_key}`: add `{name_key}: NAME`"),
                            );
                            None
                        }
                    };
                    let expires =
                        self.expires(mapping.get("expires"), &join(&item_path, "expires"));
                    let note = match mapping.get("note") {
                        None | Some(Value::Null) => None,
                        Some(Value::String(note)) => Some(note.clone()),
                        Some(other @ (Value::Number(_) | Value::Bool(_))) => {
                            Some(scalar_text(other))
                        }
                        Some(other) => {
                            self.error(
                                &join(&item_path, "note"),
                                format!("`note` is free text, not {}", describe(other)),
                            );
                            None
                        }
                    };
                    name.map(|name| (name, expires, note, name_path))
                }
                other => self
                    .name(other, &item_path, what, valid)
                    .map(|name| (name, None, None, item_path.clone())),
            };
            let Some((name, expires, note, name_path)) = parsed else {
                continue;
            };
            let line = self.line(&name_path);
            let key = make(name.clone());
            if let Some(first) = entries.get(&key) {
                self.error(
                    &name_path,
                    format!(
                        "`{name}` is listed twice in `{path}` (first as `{}` at line {}): remove one",
                        first.name, first.line
                    ),
                );
                continue;
            }
            entries.insert(
                key.clone(),
                Entry {
                    name: key,
                    expires,
                    note,
                    line,
                },
            );
        }
        entries
    }

    /// `expires:`; `None` when absent, or when invalid (the error is recorded).
    fn expires(&mut self, value: Option<&Value>, path: &str) -> Option<Date> {
        let format = format_description!("[year]-[month]-[day]");
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => match Date::parse(text, format) {
                Ok(date) => Some(date),
                Err(_) => {
                    self.error(
                        path,
                        format!("`expires: {text}` is not a date: write it as YYYY-MM-DD, like `2026-12-31`"),
                    );
                    None
                }
            },
            Some(other) => {
                self.error(
                    path,
                    format!(
                        "`expires` is a date written as YYYY-MM-DD, like `2026-12-31`, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// `ignore.users` / `ignore.teams`: a list of bare names, without duplicates; each name
    /// with its path for later errors.
    fn name_list(
        &mut self,
        value: Option<&Value>,
        path: &str,
        what: &str,
        valid: fn(&str) -> Result<(), String>,
    ) -> Vec<(String, String)> {
        let items = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                self.error(
                    path,
                    format!(
                        "`{path}` must be a list like `[name, other]`, not {}",
                        describe(other)
                    ),
                );
                return Vec::new();
            }
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut names = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{index}]");
            let Some(name) = self.name(item, &item_path, what, valid) else {
                continue;
            };
            let line = self.line(&item_path);
            if let Some(first_line) = seen.get(&name.to_ascii_lowercase()) {
                self.error(
                    &item_path,
                    format!("`{name}` is listed twice in `{path}` (first at line {first_line}): remove one"),
                );
                continue;
            }
            seen.insert(name.to_ascii_lowercase(), line);
            names.push((name, item_path));
        }
        names
    }

    fn limits(&mut self, value: Option<&Value>) -> Limits {
        let mut limits = Limits::default();
        let Some(mapping) = self.mapping(value, "limits", "limits: {max_removals: 25}") else {
            return limits;
        };
        self.known_keys(mapping, "limits", &["max_removals", "max_seats"]);
        limits.max_removals = match mapping.get("max_removals") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if whole(n).is_some_and(|c| c > MAX_COUNT) => {
                self.error(
                    "limits.max_removals",
                    format!(
                        "`max_removals` of {} is more seats than any org holds (at most {MAX_COUNT}): to let a plan remove every seat, write `\"100%\"`",
                        given(&Value::Number(n.clone()))
                    ),
                );
                None
            }
            Some(Value::Number(n)) if whole(n).is_some() => whole(n).map(RemovalLimit::Count),
            Some(Value::String(text)) if percent(text).is_some() => {
                percent(text).map(RemovalLimit::Percent)
            }
            Some(other) => {
                self.error(
                    "limits.max_removals",
                    format!(
                        "`max_removals` is a whole number of seats, 0 or more, like `25`, or a percentage of current seats above 0% and at most 100%, like `\"10%\"`; not {}",
                        given(other)
                    ),
                );
                None
            }
        };
        limits.max_seats = match mapping.get("max_seats") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if whole(n).is_some_and(|c| c <= MAX_COUNT) => whole(n),
            Some(other) => {
                self.error(
                    "limits.max_seats",
                    format!(
                        "`max_seats` is a whole number of seats from 0 to {MAX_COUNT}, like `500`; not {}",
                        given(other)
                    ),
                );
                None
            }
        };
        limits
    }

    /// The `reclaim:` rule, and its exempt logins.
    fn reclaim(&mut self, value: Option<&Value>) -> (Option<Reclaim>, BTreeSet<Login>) {
        let Some(mapping) = self.mapping(value, "reclaim", "reclaim: {inactive_after_days: 90}")
        else {
            return (None, BTreeSet::new());
        };
        self.known_keys(
            mapping,
            "reclaim",
            &["inactive_after_days", "grace_days", "exempt"],
        );
        let exempt = self
            .name_list(
                mapping.get("exempt"),
                "reclaim.exempt",
                "login",
                is_valid_login,
            )
            .into_iter()
            .map(|(name, _)| Login::new(name))
            .collect();
        (self.reclaim_rule(mapping), exempt)
    }

    fn reclaim_rule(&mut self, mapping: &yaml_serde::Mapping) -> Option<Reclaim> {
        let mut days = |key: &str, default: Option<u32>, min: u32| -> Option<u32> {
            let path = format!("reclaim.{key}");
            match mapping.get(key) {
                None | Some(Value::Null) if default.is_some() => default,
                Some(Value::Number(n))
                    if whole(n).is_some_and(|d| d >= u64::from(min) && d <= 36_500) =>
                {
                    whole(n).and_then(|d| u32::try_from(d).ok())
                }
                None | Some(Value::Null) => {
                    self.error(
                        "reclaim",
                        format!("`reclaim` needs `{key}`: add `{key}: 90`"),
                    );
                    None
                }
                Some(other) => {
                    self.error(
                        &path,
                        format!(
                            "`{key}` is a whole number of days from {min} to 36500; not {}",
                            given(other)
                        ),
                    );
                    None
                }
            }
        };
        let inactive_after_days = days("inactive_after_days", None, 1);
        let grace_days = days("grace_days", Some(30), 0);
        Some(Reclaim {
            inactive_after_days: inactive_after_days?,
            grace_days: grace_days?,
        })
    }
}

/// `"10%"` as 10.0, for percentages above 0 and up to 100 written as plain decimals (the
/// JSON Schema's pattern accepts the same).
fn percent(text: &str) -> Option<f64> {
    let digits = text.trim().strip_suffix('%')?.trim();
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let plain = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    if !plain(whole) || !plain(fraction) || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    let number: f64 = digits.parse().ok()?;
    (number > 0.0 && number <= 100.0).then_some(number)
}

/// The largest seat count a limit takes: more than any org holds (`1e9` is a typo, or a
/// guard turned off by the back door; `"100%"` says that openly).
const MAX_COUNT: u64 = 1_000_000;

/// A whole number, written `25` or `25.0` (JSON Schema's `integer` accepts both).
fn whole(number: &yaml_serde::Number) -> Option<u64> {
    number.as_u64().or_else(|| {
        let float = number.as_f64()?;
        (float >= 0.0 && float.fract() == 0.0 && float < 9.0e15).then_some(float as u64)
    })
}

/// A user's login (SPEC 2): a handle (ASCII letters, digits and single hyphens, not at
/// either end), or for an Enterprise Managed User a handle, `_` and the enterprise's short
/// code (`jdoe_initech`); 39 characters in all.
pub fn is_valid_login(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 39 {
        return Err(
            "a login has 1 to 39 characters (for Enterprise Managed Users, with `_` and the short code)"
                .into(),
        );
    }
    match name.split_once('_') {
        // An Enterprise Managed User: the handle, `_`, the enterprise's short code.
        Some((handle, short_code)) => {
            is_valid_handle(handle)?;
            if short_code.is_empty() {
                return Err("a login cannot end with `_`: write the enterprise's short code after it (`jdoe_initech`)".into());
            }
            if let Some(c) = short_code.chars().find(|c| !c.is_ascii_alphanumeric()) {
                return Err(format!(
                    "`{}` is not allowed after `_`: an Enterprise Managed User's login ends with `_` and the enterprise's short code, ASCII letters and digits (`jdoe_initech`)",
                    c.escape_default()
                ));
            }
            Ok(())
        }
        None => is_valid_handle(name),
    }
}

/// An organization's login or an enterprise's slug: a handle, never an EMU suffix.
pub fn is_valid_account(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 39 {
        return Err("a login has 1 to 39 characters".into());
    }
    is_valid_handle(name)
}

/// ASCII letters, digits and single hyphens, not at either end.
fn is_valid_handle(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a login cannot start with `_`".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
    {
        return Err(format!(
            "`{}` is not allowed: use ASCII letters, digits and single hyphens (an Enterprise Managed User's login adds one `_` and the short code)",
            c.escape_default()
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("a login cannot start or end with a hyphen".into());
    }
    if name.contains("--") {
        return Err("a login cannot contain two hyphens in a row".into());
    }
    Ok(())
}

/// An enterprise team's slug: `ent:` and a team slug, as GitHub names them (API.md).
pub fn is_valid_enterprise_team(name: &str) -> Result<(), String> {
    match name.strip_prefix("ent:") {
        Some(slug) => is_valid_slug(slug),
        None => Err(format!(
            "enterprise team slugs start with `ent:`: write `ent:{}`",
            name.to_ascii_lowercase()
        )),
    }
}

/// A team slug: lowercase letters, digits, `-`, `_` and `.`.
pub fn is_valid_slug(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a slug cannot be empty".into());
    }
    if name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "slugs are lowercase: write `{}`",
            name.to_ascii_lowercase()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(*c)))
    {
        return Err(format!(
            "`{}` is not allowed: a slug is the team's URL name (lowercase letters, digits, `-`, `_`, `.`), as in github.com/orgs/ORG/teams/SLUG",
            c.escape_default()
        ));
    }
    Ok(())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(s) => format!("the text `{s}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(tagged) => format!("a value tagged `{}`", tagged.tag),
    }
}

/// A value as the file wrote it, for "not …" in a range error: `-1`, `150%`, else its kind.
/// A value as an error message quotes it: a scalar in backticks, else what it is.
pub fn given(value: &Value) -> String {
    match value {
        Value::Number(_) | Value::String(_) | Value::Bool(_) => {
            format!("`{}`", scalar_text(value))
        }
        other => describe(other),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TargetKind;
    use time::macros::date;

    fn errors(text: &str) -> Vec<String> {
        match parse("f.yaml", text) {
            Ok(_) => Vec::new(),
            Err(FileErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    fn one_error(text: &str) -> String {
        let errors = errors(text);
        assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
        errors[0].clone()
    }

    #[test]
    fn accepts_the_full_format() {
        let text = "org: acme\nusers:\n  - alice\n  - login: Bob\n    expires: 2026-12-31\n    note: trial, INC-1234\nteams:\n  - platform\n  - slug: contractors\n    expires: 2027-03-31\nignore:\n  users: [break-glass-admin]\n  teams: []\nunmanaged: warn\nlimits:\n  max_removals: \"10%\"\n  max_seats: 500\nprice_per_seat_usd: 19\nreclaim:\n  inactive_after_days: 90\n  grace_days: 30\n";
        let desired = parse("f.yaml", text).expect("valid");
        assert_eq!(desired.org, "acme");
        let bob = &desired.users[&Login::new("bob")];
        assert_eq!(bob.name.as_str(), "Bob", "keeps the case the file used");
        assert_eq!(bob.expires, Some(date!(2026 - 12 - 31)));
        assert_eq!(bob.note.as_deref(), Some("trial, INC-1234"));
        assert_eq!(bob.line, 4);
        assert_eq!(desired.teams.len(), 2);
        assert!(
            desired
                .ignore_users
                .contains(&Login::new("BREAK-GLASS-ADMIN"))
        );
        assert_eq!(desired.unmanaged, Unmanaged::Warn);
        assert_eq!(
            desired.limits.max_removals,
            Some(RemovalLimit::Percent(10.0))
        );
        assert_eq!(desired.limits.max_seats, Some(500));
        assert_eq!(desired.price_per_seat_usd, Some(19.0));
        assert_eq!(
            desired.reclaim,
            Some(Reclaim {
                inactive_after_days: 90,
                grace_days: 30
            })
        );
    }

    #[test]
    fn minimal_file_defaults() {
        let desired = parse("f.yaml", "org: acme\n").expect("valid");
        assert!(desired.users.is_empty() && desired.teams.is_empty());
        assert_eq!(desired.unmanaged, Unmanaged::Remove);
        assert_eq!(desired.limits, Limits::default());
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(one_error("").contains("the file is empty"));
        assert!(one_error("# only a comment\n").contains("the file is empty"));
    }

    #[test]
    fn non_mapping_file_is_an_error() {
        assert!(one_error("- alice\n- bob\n").contains("must be a mapping"));
        assert!(one_error("just text\n").contains("must be a mapping"));
    }

    #[test]
    fn missing_org_is_an_error() {
        assert!(one_error("users: [alice]\n").contains("missing `org`"));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion() {
        let error = one_error("org: acme\nuser:\n  - alice\n");
        assert_eq!(
            error,
            "f.yaml:2:1: unknown key `user`: did you mean `users`? allowed here: org, users, teams, ignore, unmanaged, limits, price_per_seat_usd, reclaim, budgets"
        );
        let error = one_error("org: acme\nusers:\n  - login: bob\n    expire: 2026-01-01\n");
        assert!(
            error.starts_with("f.yaml:4:5: unknown key `expire`: did you mean `expires`?"),
            "{error}"
        );
    }

    #[test]
    fn invalid_logins_are_errors() {
        for (login, why) in [
            ("a.b", "`.` is not allowed"),
            ("a_b_c", "`_` is not allowed after `_`"),
            ("jdoe_", "cannot end with `_`"),
            ("_initech", "cannot start with `_`"),
            ("-jdoe_initech", "cannot start or end with a hyphen"),
            ("jdoe_ini-tech", "`-` is not allowed after `_`"),
            ("-alice", "cannot start or end with a hyphen"),
            ("alice-", "cannot start or end with a hyphen"),
            ("al--ice", "two hyphens in a row"),
            (
                "a234567890123456789012345678901234567890",
                "1 to 39 characters",
            ),
            ("\"\"", "1 to 39 characters"),
        ] {
            let error = one_error(&format!("org: acme\nusers:\n  - {login}\n"));
            assert!(error.starts_with("f.yaml:3:5: "), "{error}");
            assert!(error.contains(why), "{login}: {error}");
        }
        assert!(parse("f.yaml", "org: acme\nusers: [a-b-c, A1, x]\n").is_ok());
        // Enterprise Managed Users (SPEC 2): handle, `_`, short code; 39 in all.
        let emu = "org: acme\nusers: [jdoe_initech, mary-ann_ACME2, a23456789012345678901234567890_1234567]\nignore: {users: [bot_initech]}\n";
        assert!(parse("f.yaml", emu).is_ok());
        let error = one_error("org: acme_initech\n");
        assert!(error.contains("`_` is not allowed"), "{error}");
    }

    #[test]
    fn numbers_and_booleans_must_be_quoted() {
        let error = one_error("org: acme\nusers:\n  - 1234\n");
        assert!(error.contains("write it in quotes, `\"1234\"`"), "{error}");
        assert!(parse("f.yaml", "org: acme\nusers:\n  - \"1234\"\n").is_ok());
    }

    #[test]
    fn invalid_slugs_are_errors() {
        assert!(
            one_error("org: acme\nteams: [Platform]\n")
                .contains("slugs are lowercase: write `platform`")
        );
        assert!(one_error("org: acme\nteams: [\"my team\"]\n").contains("is not allowed"));
        assert!(parse("f.yaml", "org: acme\nteams: [a.b_c-d1]\n").is_ok());
    }

    #[test]
    fn duplicates_are_errors_case_insensitively() {
        let error = one_error("org: acme\nusers:\n  - alice\n  - login: Alice\n");
        assert_eq!(
            error,
            "f.yaml:4:12: `Alice` is listed twice in `users` (first as `alice` at line 3): remove one"
        );
        assert!(one_error("org: acme\nteams: [a, a]\n").contains("listed twice in `teams`"));
        assert!(
            one_error("org: acme\nignore: {users: [x, X]}\n")
                .contains("listed twice in `ignore.users`")
        );
    }

    #[test]
    fn declared_and_ignored_is_an_error() {
        let error = one_error("org: acme\nusers: [bob]\nignore:\n  users: [BOB]\n");
        assert_eq!(
            error,
            "f.yaml:4:11: user `BOB` is both declared (line 2) and ignored: remove it from one of the two lists"
        );
        assert!(
            one_error("org: acme\nteams: [t]\nignore: {teams: [t]}\n")
                .contains("team `t` is both declared")
        );
    }

    #[test]
    fn bad_expires_is_an_error() {
        let error = one_error("org: acme\nusers:\n  - login: bob\n    expires: next week\n");
        assert!(
            error.starts_with("f.yaml:4:14: `expires: next week` is not a date"),
            "{error}"
        );
        assert!(
            one_error("org: acme\nusers:\n  - login: bob\n    expires: 2026-02-30\n")
                .contains("is not a date")
        );
    }

    #[test]
    fn unmanaged_takes_a_setting_or_a_mapping_per_kind() {
        let per_kind = parse("f.yaml", "org: acme\nunmanaged: {seats: warn}\n").expect("valid");
        assert_eq!(per_kind.unmanaged, Unmanaged::Warn);
        let absent = parse("f.yaml", "org: acme\nunmanaged: {}\n").expect("valid");
        assert_eq!(absent.unmanaged, Unmanaged::Remove);
        let typo = one_error("org: acme\nunmanaged: {seat: warn}\n");
        assert!(
            typo.contains("unknown key `seat`: did you mean `seats`?"),
            "{typo}"
        );
        let bad = one_error("org: acme\nunmanaged: {seats: keep}\n");
        assert!(
            bad.contains("`unmanaged.seats` is `remove` or `warn`"),
            "{bad}"
        );
        assert!(bad.starts_with("f.yaml:2:"), "{bad}");
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(
            one_error("org: acme\nunmanaged: keep\n").contains("`unmanaged` is `remove` or `warn`")
        );
        assert!(
            one_error("org: acme\nlimits: {max_removals: -3}\n")
                .contains("`max_removals` is a whole number")
        );
        assert!(
            one_error("org: acme\nlimits: {max_removals: \"150%\"}\n")
                .contains("`max_removals` is a whole number")
        );
        assert!(
            one_error("org: acme\nlimits: {max_seats: lots}\n")
                .contains("`max_seats` is a whole number")
        );
        assert!(
            one_error("org: acme\nprice_per_seat_usd: free\n")
                .contains("`price_per_seat_usd` is a number")
        );
        assert!(
            one_error("org: acme\nreclaim: {grace_days: 3}\n")
                .contains("needs `inactive_after_days`")
        );
        assert!(one_error("org: acme\nusers: alice\n").contains("`users` must be a list"));
    }

    #[test]
    fn enterprise_files_have_their_own_keys() {
        let desired = parse(
            "f.yaml",
            "enterprise: acme-corp\nusers: [alice, {login: bob, expires: 2027-01-31}]\nenterprise_teams: [ent:engineering]\nignore: {users: [root], enterprise_teams: [ent:admins]}\nprice_per_seat_usd: 39\n",
        )
        .expect("a valid enterprise file");
        assert_eq!(desired.kind, TargetKind::Enterprise);
        assert_eq!(desired.org, "acme-corp");
        assert!(
            desired
                .teams
                .contains_key(&TeamSlug::new("ent:engineering"))
        );
        assert!(desired.ignore_teams.contains(&TeamSlug::new("ent:admins")));
        let both = one_error("org: acme\nenterprise: acme-corp\n");
        assert!(
            both.starts_with("f.yaml:2:1: a file has one target: `org` or `enterprise`, not both"),
            "{both}"
        );
        let teams = one_error("enterprise: acme-corp\nteams: [platform]\n");
        assert!(
            teams.starts_with("f.yaml:2:1: `teams` is for org files")
                && teams.contains("`enterprise_teams`"),
            "{teams}"
        );
        let org_file = one_error("org: acme\nenterprise_teams: [ent:x]\n");
        assert!(
            org_file.contains("`enterprise_teams` is for enterprise files"),
            "{org_file}"
        );
        let prefix = one_error("enterprise: acme-corp\nenterprise_teams: [engineering]\n");
        assert!(
            prefix.contains("enterprise team slugs start with `ent:`: write `ent:engineering`"),
            "{prefix}"
        );
    }

    #[test]
    fn range_errors_say_the_allowed_range_and_the_value_given() {
        for (file, expected) in [
            (
                "limits: {max_seats: -1}",
                "`max_seats` is a whole number of seats from 0 to 1000000, like `500`; not `-1`",
            ),
            (
                "limits: {max_removals: 1e9}",
                "`max_removals` of `1000000000.0` is more seats than any org holds (at most 1000000): to let a plan remove every seat, write `\"100%\"`",
            ),
            (
                "price_per_seat_usd: -5",
                "`price_per_seat_usd` is a number of dollars, 0 or more, like `19`; not `-5`",
            ),
            (
                "reclaim: {inactive_after_days: 0}",
                "`inactive_after_days` is a whole number of days from 1 to 36500; not `0`",
            ),
            (
                "limits: {max_removals: \"150%\"}",
                "above 0% and at most 100%, like `\"10%\"`; not `150%`",
            ),
        ] {
            let error = one_error(&format!("org: acme\n{file}\n"));
            assert!(error.contains(expected), "{file}: {error}");
            assert!(!error.contains("not a number") && !error.contains("not the text"));
        }
        assert!(
            one_error("org: acme\nusers:\n  - note: x\n").contains("this entry has no `login`")
        );
    }

    #[test]
    fn every_error_is_reported_at_once_in_file_order() {
        let text = "org: acme\nusers:\n  - bad.login\n  - alice\n  - ALICE\n  - login: bob\n    expires: soon\nteams: [Ops]\nextra: 1\n";
        let errors = errors(text);
        let lines: Vec<&str> = errors
            .iter()
            .map(|e| e.split(": ").next().unwrap_or(""))
            .collect();
        assert_eq!(
            lines,
            [
                "f.yaml:3:5",
                "f.yaml:5:5",
                "f.yaml:7:14",
                "f.yaml:8:9",
                "f.yaml:9:1"
            ]
        );
    }

    #[test]
    fn yaml_syntax_errors_have_a_position() {
        let error = one_error("org: acme\nusers: [alice\n");
        assert!(error.starts_with("f.yaml:"), "{error}");
        assert!(error.contains("invalid YAML"), "{error}");
        assert!(
            !error.contains(" at line "),
            "position printed once: {error}"
        );
    }

    #[test]
    fn load_reports_missing_files_and_directories() {
        let dir = std::env::temp_dir();
        let error = load(&dir).expect_err("a directory").to_string();
        assert!(error.contains("is a directory"), "{error}");
        let error = load(&dir.join("does-not-exist.yaml"))
            .expect_err("missing")
            .to_string();
        assert!(error.contains("copilot-seats export --org ORG"), "{error}");
    }
}
