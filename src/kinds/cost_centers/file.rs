//! The `cost_centers:` section of an enterprise file (SPEC 14), checked offline with every
//! problem reported at its line, and read into what the planner takes.

use super::resource::{Resource, ResourceType};
use crate::config::{FileError, is_valid_account, is_valid_enterprise_team, is_valid_login};
use crate::kinds::FileSections;
use std::collections::{BTreeMap, BTreeSet};
use yaml_serde::Value;

/// GitHub's limit on a cost center's name.
const MAX_NAME: usize = 255;

/// One declared cost center.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub name: String,
    pub renamed_from: Option<String>,
    pub ai_credit_pool: bool,
    pub resources: Vec<Resource>,
}

/// The section as the planner takes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostCenterFile {
    pub declared: Vec<Declared>,
    /// `unmanaged: {cost_centers: remove}`: archive cost centers not in the file.
    pub remove_unmanaged: bool,
    /// `ignore: {cost_centers: [...]}`, lowercased.
    pub ignored: BTreeSet<String>,
}

const KEYS: &[&str] = &[
    "name",
    "renamed_from",
    "users",
    "organizations",
    "repositories",
    "enterprise_teams",
    "ai_credit_pool",
    "note",
];

/// Names declared (lowercased, with their line) and the cost center each resource is in.
#[derive(Default)]
struct Seen {
    names: BTreeMap<String, usize>,
    owners: BTreeMap<(ResourceType, String), (String, usize)>,
}

/// Checks the section; every problem goes to `errors`.
pub fn check(file: &FileSections<'_>, errors: &mut Vec<FileError>) {
    let items = match file.get("cost_centers") {
        None | Some(Value::Null) => return,
        Some(Value::Sequence(items)) => items,
        Some(_) => {
            errors.push(file.error(
                "cost_centers",
                "`cost_centers` must be a list of cost centers like `- {name: Engineering, users: [alice]}`".into(),
            ));
            return;
        }
    };
    if file.target != crate::model::TargetKind::Enterprise {
        errors.push(file.error(
            "cost_centers#key",
            "cost centers belong to an enterprise: declare them in the enterprise file (`enterprise: SLUG`)".into(),
        ));
        return;
    }
    let mut seen = Seen::default();
    for (i, item) in items.iter().enumerate() {
        check_entry(file, &format!("cost_centers[{i}]"), item, &mut seen, errors);
    }
    for name in file.ignored("cost_centers") {
        if let Some(line) = seen.names.get(&name.to_lowercase()) {
            errors.push(file.error(
                "ignore.cost_centers",
                format!("cost center `{name}` is both declared (line {line}) and ignored: remove it from one of the two"),
            ));
        }
    }
    if let Some(Value::Mapping(ignore)) = file.get("ignore")
        && let Some(listed) = ignore.get("cost_centers")
        && !matches!(listed, Value::Sequence(names) if names.iter().all(|n| n.as_str().is_some()))
    {
        errors.push(file.error(
            "ignore.cost_centers",
            "`ignore.cost_centers` is a list of cost center names, like `[Legacy]`".into(),
        ));
    }
}

/// One cost center: its keys, name, `renamed_from`, pool and resources.
fn check_entry(
    file: &FileSections<'_>,
    path: &str,
    item: &Value,
    seen: &mut Seen,
    errors: &mut Vec<FileError>,
) {
    let mut err = |path: &str, message: String| errors.push(file.error(path, message));
    let Value::Mapping(entry) = item else {
        err(
            path,
            "a cost center is a mapping like `{name: Engineering, users: [alice]}`".into(),
        );
        return;
    };
    for key in entry.keys() {
        if !key.as_str().is_some_and(|k| KEYS.contains(&k)) {
            let shown = key.as_str().unwrap_or("?");
            err(
                &format!("{path}.{shown}#key"),
                format!(
                    "unknown key `{shown}` in a cost center: allowed here: {}",
                    KEYS.join(", ")
                ),
            );
        }
    }
    let line = file.line(path);
    match entry.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() && name.len() <= MAX_NAME => {
            if let Some(first) = seen.names.insert(name.to_lowercase(), line) {
                err(
                    &format!("{path}.name"),
                    format!(
                        "cost center `{name}` is declared twice (first at line {first}): names compare case-insensitively; remove one"
                    ),
                );
            }
        }
        Some(other) => err(
            &format!("{path}.name"),
            format!(
                "a cost center's `name` is text of 1 to {MAX_NAME} characters, not {}",
                crate::config::given(other)
            ),
        ),
        None => err(path, "a cost center needs a `name`".into()),
    }
    if let Some(from) = entry.get("renamed_from")
        && !matches!(from, Value::String(s) if !s.trim().is_empty())
    {
        err(
            &format!("{path}.renamed_from"),
            "`renamed_from` is the cost center's name at GitHub today".into(),
        );
    }
    let pool = match entry.get("ai_credit_pool") {
        None => false,
        Some(Value::Bool(pool)) => *pool,
        Some(other) => {
            err(
                &format!("{path}.ai_credit_pool"),
                format!(
                    "`ai_credit_pool` is `true` or `false`, not {}",
                    crate::config::given(other)
                ),
            );
            false
        }
    };
    let name = entry.get("name").and_then(Value::as_str).unwrap_or("?");
    for kind in ResourceType::ALL {
        check_resources(file, path, entry, kind, (name, pool), seen, errors);
    }
}

/// One resource list of a cost center named `name` (with its pool setting).
fn check_resources(
    file: &FileSections<'_>,
    path: &str,
    entry: &yaml_serde::Mapping,
    kind: ResourceType,
    (name, pool): (&str, bool),
    seen: &mut Seen,
    errors: &mut Vec<FileError>,
) {
    let mut err = |path: &str, message: String| errors.push(file.error(path, message));
    let key = kind.key();
    let list_path = format!("{path}.{key}");
    let list = match entry.get(key) {
        None | Some(Value::Null) => return,
        Some(Value::Sequence(list)) => list,
        Some(_) => {
            err(
                &list_path,
                format!("`{key}` is a list, like `{key}: [{}]`", example(kind)),
            );
            return;
        }
    };
    let others = matches!(kind, ResourceType::Organization | ResourceType::Repository);
    if pool && others && !list.is_empty() {
        err(
            &list_path,
            format!(
                "`ai_credit_pool: true` is only for cost centers of users and enterprise teams (GitHub's rule): move the {key} of `{name}` to another cost center, or set `ai_credit_pool: false`"
            ),
        );
    }
    for (j, value) in list.iter().enumerate() {
        let item_path = format!("{list_path}[{j}]");
        let Some(text) = value.as_str() else {
            err(
                &item_path,
                format!(
                    "a {} is a name like `{}`, not {}",
                    kind.noun(),
                    example(kind),
                    crate::config::given(value)
                ),
            );
            continue;
        };
        if let Err(why) = valid(kind, text) {
            err(
                &item_path,
                format!("`{text}` is not a valid {}: {why}", kind.noun()),
            );
            continue;
        }
        let resource = Resource::new(kind, text);
        let at = file.line(&item_path);
        if let Some((other, first)) = seen.owners.insert(resource.key(), (name.to_string(), at)) {
            err(
                &item_path,
                format!(
                    "{} `{text}` is in two cost centers, `{other}` (line {first}) and `{name}`: a resource belongs to one cost center; remove it from one",
                    kind.noun()
                ),
            );
        }
    }
}

impl CostCenterFile {
    /// The (checked) section of a file's root.
    pub fn read(root: &yaml_serde::Mapping) -> CostCenterFile {
        read(root)
    }
}

/// Reads the (checked) section.
pub fn read(root: &yaml_serde::Mapping) -> CostCenterFile {
    let sections = |key: &str| root.get(key);
    let declared = match sections("cost_centers") {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|item| {
                let entry = item.as_mapping()?;
                let mut resources = Vec::new();
                for kind in ResourceType::ALL {
                    if let Some(Value::Sequence(list)) = entry.get(kind.key()) {
                        resources.extend(
                            list.iter()
                                .filter_map(Value::as_str)
                                .map(|n| Resource::new(kind, n)),
                        );
                    }
                }
                Some(Declared {
                    name: entry.get("name")?.as_str()?.to_string(),
                    renamed_from: entry
                        .get("renamed_from")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    ai_credit_pool: entry
                        .get("ai_credit_pool")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    resources,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    CostCenterFile {
        declared,
        remove_unmanaged: crate::kinds::removes_unmanaged(root, "cost_centers"),
        ignored: lowercased(crate::kinds::ignored(root, "cost_centers")),
    }
}

/// Whether `name` is a valid resource of `kind`; why not.
pub fn valid(kind: ResourceType, name: &str) -> Result<(), String> {
    match kind {
        ResourceType::User => is_valid_login(name),
        ResourceType::Organization => is_valid_account(name),
        ResourceType::Team => is_valid_enterprise_team(name),
        ResourceType::Repository => match name.split_once('/') {
            Some((owner, repo))
                if is_valid_account(owner).is_ok()
                    && !repo.is_empty()
                    && repo.len() <= 100
                    && repo
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) =>
            {
                Ok(())
            }
            _ => Err("write a repository as `owner/name`".into()),
        },
    }
}

fn example(kind: ResourceType) -> &'static str {
    match kind {
        ResourceType::User => "alice",
        ResourceType::Organization => "initech-web",
        ResourceType::Repository => "initech-data/warehouse",
        ResourceType::Team => "ent:platform",
    }
}

fn lowercased(names: Vec<String>) -> BTreeSet<String> {
    names.iter().map(|n| n.to_lowercase()).collect()
}
