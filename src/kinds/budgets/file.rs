//! The `budgets:` section of enterprise and org files (SPEC 15), checked offline with
//! GitHub's rules, each problem at its line; and read into budgets for the planner.

use super::budget::{Budget, ORG_SCOPES, SCOPES, user_level};
use crate::config::{FileError, is_valid_account, is_valid_login};
use crate::kinds::FileSections;
use crate::model::TargetKind;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;
use time::macros::format_description;
use yaml_serde::Value;

const KEYS: &[&str] = &[
    "scope",
    "amount_usd",
    "stop_at_limit",
    "alerts",
    "sku",
    "cost_center",
    "organization",
    "repository",
    "user",
    "expires",
    "note",
];

/// The entity key each scope needs; `None`: no entity.
fn entity_key(scope: &str, target: TargetKind) -> Option<&'static str> {
    match scope {
        "cost_center" | "cost_center_users" => Some("cost_center"),
        "organization" if target == TargetKind::Enterprise => Some("organization"),
        "repository" => Some("repository"),
        "user" => Some("user"),
        _ => None,
    }
}

/// The file's budgets (assumed checked) and the cost centers they name, lowercased.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BudgetFile {
    pub budgets: Vec<Budget>,
    pub remove_unmanaged: bool,
    /// `ignore: {budgets: ["SCOPE:ENTITY:SKU", …]}`, lowercased identities.
    pub ignored: BTreeSet<String>,
}

/// Checks the section; every problem goes to `errors`.
pub fn check(file: &FileSections<'_>, errors: &mut Vec<FileError>) {
    let items = match file.get("budgets") {
        None | Some(Value::Null) => return,
        Some(Value::Sequence(items)) => items,
        Some(_) => {
            errors.push(file.error(
                "budgets",
                "`budgets` must be a list like `- {scope: enterprise, amount_usd: 20000}`".into(),
            ));
            return;
        }
    };
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("budgets[{i}]");
        if let Some(budget) = check_entry(file, &path, item, errors) {
            if let Some(first) = seen.get(&budget.identity()).copied() {
                errors.push(file.error(
                    &path,
                    format!(
                        "this budget ({} {}{}) is declared twice (first at line {first}): one budget per scope, entity and sku",
                        budget.scope,
                        budget.entity.as_deref().map(|e| format!("`{e}` ")).unwrap_or_default(),
                        budget.sku
                    ),
                ));
            } else {
                seen.insert(budget.identity(), file.line(&path));
            }
        }
    }
}

/// One budget: its keys, scope, entity, amount, sku, stop, alerts and expiry.
fn check_entry(
    file: &FileSections<'_>,
    path: &str,
    item: &Value,
    errors: &mut Vec<FileError>,
) -> Option<Budget> {
    let mut err = |at: &str, message: String| errors.push(file.error(at, message));
    let Value::Mapping(entry) = item else {
        err(
            path,
            "a budget is a mapping like `{scope: enterprise, amount_usd: 20000}`".into(),
        );
        return None;
    };
    for key in entry.keys() {
        if !key.as_str().is_some_and(|k| KEYS.contains(&k)) {
            let shown = key.as_str().unwrap_or("?");
            err(
                &format!("{path}.{shown}#key"),
                format!(
                    "unknown key `{shown}` in a budget: allowed here: {}",
                    KEYS.join(", ")
                ),
            );
        }
    }
    let scope = check_scope(file, path, entry, errors)?;
    let entity = check_entity(file, path, entry, &scope, errors);
    let (sku, amount_usd, stop_at_limit) = check_limits(file, path, entry, &scope, errors);
    let (alerts, expires) = check_alerts_and_expiry(file, path, entry, &scope, errors);
    Some(Budget {
        scope,
        entity,
        sku,
        amount_usd,
        stop_at_limit,
        alerts,
        expires,
    })
}

/// The scope, one of those a file of its kind takes.
fn check_scope(
    file: &FileSections<'_>,
    path: &str,
    entry: &yaml_serde::Mapping,
    errors: &mut Vec<FileError>,
) -> Option<String> {
    let mut err = |at: &str, message: String| errors.push(file.error(at, message));
    let allowed: &[&str] = match file.target {
        TargetKind::Enterprise => &SCOPES,
        TargetKind::Org => &ORG_SCOPES,
    };
    let scope = match entry.get("scope").and_then(Value::as_str) {
        Some(scope) if allowed.contains(&scope) => scope.to_string(),
        Some(scope) => {
            err(
                &format!("{path}.scope"),
                format!(
                    "`{scope}` is not a budget scope of this file: use one of {}",
                    allowed.join(", ")
                ),
            );
            return None;
        }
        None => {
            err(
                path,
                format!("a budget needs a `scope`: one of {}", allowed.join(", ")),
            );
            return None;
        }
    };
    Some(scope)
}

/// The entity the scope needs, and no other.
fn check_entity(
    file: &FileSections<'_>,
    path: &str,
    entry: &yaml_serde::Mapping,
    scope: &str,
    errors: &mut Vec<FileError>,
) -> Option<String> {
    let mut err = |at: &str, message: String| errors.push(file.error(at, message));
    let needed = entity_key(scope, file.target);
    for key in ["cost_center", "organization", "repository", "user"] {
        if entry.contains_key(key) && needed != Some(key) {
            err(
                &format!("{path}.{key}#key"),
                format!("a budget of scope `{scope}` names no `{key}`"),
            );
        }
    }

    match needed {
        None => None,
        Some(key) => match entry.get(key).and_then(Value::as_str) {
            Some(name) => {
                let valid = match key {
                    "user" => is_valid_login(name),
                    "organization" => is_valid_account(name),
                    "repository" => crate::kinds::cost_centers::valid(
                        crate::kinds::cost_centers::ResourceType::Repository,
                        name,
                    ),
                    _ if name.trim().is_empty() => Err("a cost center's name".into()),
                    _ => Ok(()),
                };
                if let Err(why) = valid {
                    err(
                        &format!("{path}.{key}"),
                        format!("`{name}` is not a valid {key}: {why}"),
                    );
                }
                Some(name.to_string())
            }
            None => {
                err(
                    path,
                    format!("a budget of scope `{scope}` needs `{key}: NAME`"),
                );
                None
            }
        },
    }
}

/// The SKU (GitHub's rules per scope), the amount and whether it stops at the limit.
fn check_limits(
    file: &FileSections<'_>,
    path: &str,
    entry: &yaml_serde::Mapping,
    scope: &str,
    errors: &mut Vec<FileError>,
) -> (String, u64, bool) {
    let mut err = |at: &str, message: String| errors.push(file.error(at, message));
    let sku = match entry.get("sku") {
        None => "ai_credits".to_string(),
        Some(Value::String(sku)) if !sku.trim().is_empty() => sku.to_string(),
        Some(_) => {
            err(&format!("{path}.sku"), "`sku` is `ai_credits` (the default), `premium_requests`, a product such as `actions`, or one SKU".into());
            "ai_credits".to_string()
        }
    };
    if user_level(scope) && sku != "ai_credits" && sku != "premium_requests" {
        err(
            &format!("{path}.sku"),
            format!(
                "a budget of scope `{scope}` takes only `ai_credits` or `premium_requests` (GitHub's rule), not `{sku}`"
            ),
        );
    }
    let amount_usd = match entry.get("amount_usd") {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|a| a <= 1_000_000_000) => {
            n.as_u64().unwrap_or(0)
        }
        Some(other) => {
            err(
                &format!("{path}.amount_usd"),
                format!(
                    "`amount_usd` is whole dollars a month, 0 or more, like `5000`; not {}",
                    crate::config::given(other)
                ),
            );
            0
        }
        None => {
            err(
                path,
                "a budget needs `amount_usd` (whole dollars a month)".into(),
            );
            0
        }
    };
    let stop_at_limit = match entry.get("stop_at_limit") {
        None => user_level(scope),
        Some(Value::Bool(false)) if matches!(scope, "user" | "all_users") => {
            err(
                &format!("{path}.stop_at_limit"),
                format!(
                    "a budget of scope `{scope}` always stops at its limit (GitHub's rule): remove `stop_at_limit: false`"
                ),
            );
            true
        }
        Some(Value::Bool(stop)) => *stop,
        Some(other) => {
            err(
                &format!("{path}.stop_at_limit"),
                format!(
                    "`stop_at_limit` is `true` or `false`, not {}",
                    crate::config::given(other)
                ),
            );
            false
        }
    };
    (sku, amount_usd, stop_at_limit)
}

/// The alert recipients (none on `user`) and the expiry date.
fn check_alerts_and_expiry(
    file: &FileSections<'_>,
    path: &str,
    entry: &yaml_serde::Mapping,
    scope: &str,
    errors: &mut Vec<FileError>,
) -> (Vec<String>, Option<Date>) {
    let mut err = |at: &str, message: String| errors.push(file.error(at, message));
    let alerts = match entry.get("alerts") {
        None | Some(Value::Null) => Vec::new(),
        Some(_) if scope == "user" => {
            err(
                &format!("{path}.alerts"),
                "a budget of scope `user` has no alerts (GitHub's rule): remove `alerts`".into(),
            );
            Vec::new()
        }
        Some(Value::Sequence(names)) => names
            .iter()
            .enumerate()
            .filter_map(|(j, n)| match n.as_str().map(|s| (s, is_valid_login(s))) {
                Some((s, Ok(()))) => Some(s.to_string()),
                _ => {
                    err(
                        &format!("{path}.alerts[{j}]"),
                        "an alert recipient is a login".into(),
                    );
                    None
                }
            })
            .collect(),
        Some(_) => {
            err(
                &format!("{path}.alerts"),
                "`alerts` is a list of logins, like `[alice]`".into(),
            );
            Vec::new()
        }
    };
    let expires = match entry.get("expires") {
        None => None,
        Some(value) => match value
            .as_str()
            .and_then(|t| Date::parse(t, format_description!("[year]-[month]-[day]")).ok())
        {
            Some(date) => Some(date),
            None => {
                err(
                    &format!("{path}.expires"),
                    "`expires` is a date, YYYY-MM-DD".into(),
                );
                None
            }
        },
    };
    (alerts, expires)
}

/// Reads the (checked) section of a file of `target`.
pub fn read(root: &yaml_serde::Mapping, target: TargetKind) -> BudgetFile {
    let locations = crate::yaml_locations::YamlLocations::index("");
    let sections = FileSections {
        file: "",
        target,
        root,
        locations: &locations,
    };
    let mut ignore_errors = Vec::new();
    let budgets = match root.get("budgets") {
        Some(Value::Sequence(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                check_entry(
                    &sections,
                    &format!("budgets[{i}]"),
                    item,
                    &mut ignore_errors,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    BudgetFile {
        budgets,
        remove_unmanaged: crate::kinds::removes_unmanaged(root, "budgets"),
        ignored: crate::kinds::ignored(root, "budgets")
            .iter()
            .map(|n| n.to_lowercase())
            .collect(),
    }
}
