//! The pure budget planner (SPEC 15): create what GitHub lacks, update only what differs,
//! delete what expired or (with `unmanaged: {budgets: remove}`) what the file does not
//! declare; warnings for a new amount below what is already spent and for hundreds of
//! per-user budgets. No I/O.

use super::budget::{Budget, Identity, alerting, create_body};
use super::file::BudgetFile;
use super::live::{LiveBudget, digest};
use crate::kinds::Section;
use crate::model::RemovalLimit;
use crate::plan::{Change, Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::Date;

/// More per-user budgets created than this draws the suggestion of the all-users layers.
const MANY_USER_BUDGETS: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BudgetChange {
    Create {
        scope: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entity: Option<String>,
        sku: String,
        amount_usd: u64,
        stop_at_limit: bool,
        reason: String,
    },
    Update {
        id: String,
        scope: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entity: Option<String>,
        sku: String,
        /// Before and after, for each field that changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_usd: Option<(u64, u64)>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stop_at_limit: Option<(bool, bool)>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alerts: Option<(Vec<String>, Vec<String>)>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        spent_usd: Option<f64>,
        reason: String,
    },
    Delete {
        id: String,
        scope: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entity: Option<String>,
        sku: String,
        amount_usd: u64,
        reason: String,
    },
}

pub struct Context<'a> {
    pub base: &'a str,
    pub today: Date,
    pub max_removals: Option<RemovalLimit>,
}

/// Whether `ignore.budgets` names this identity: `scope`, `scope:entity` or
/// `scope:entity:sku`, case-insensitively.
fn ignored(file: &BudgetFile, (scope, entity, sku): &Identity) -> bool {
    [
        scope.clone(),
        format!("{scope}:{entity}"),
        format!("{scope}:{entity}:{sku}"),
    ]
    .iter()
    .any(|form| file.ignored.contains(form))
}

fn subject(scope: &str, entity: Option<&str>, sku: &str) -> String {
    let sku = if sku == "ai_credits" {
        String::new()
    } else {
        format!(" ({sku})")
    };
    match entity {
        Some(entity) => format!("{scope} {entity}{sku}"),
        None => format!("{scope}{sku}"),
    }
}

pub fn plan(file: &BudgetFile, live: &[LiveBudget], context: &Context<'_>) -> Section {
    let mut section = Section {
        digest: digest(live),
        ..Section::default()
    };
    let mut changes = Vec::new();
    let (mut creates, mut updates, mut deletes) = (Vec::new(), Vec::new(), Vec::new());
    let request = |method, path: String, body: Value| Request {
        kind: None,
        method,
        path,
        body,
        creates: None,
    };
    let mut user_creates = 0;
    for budget in &file.budgets {
        let found = live.iter().find(|l| l.identity() == budget.identity());
        let expired = budget.expires.filter(|d| *d < context.today);
        match (found, expired) {
            (Some(l), Some(day)) => {
                changes.push(delete(l, format!("expired {day}")));
                deletes.push(request(
                    Method::Delete,
                    format!("{}/{}", context.base, l.id),
                    Value::Null,
                ));
            }
            (None, Some(_)) => {}
            (Some(l), None) => {
                if let Some((change, body)) = update(budget, l, &mut section.warnings) {
                    changes.push(change);
                    updates.push(request(
                        Method::Patch,
                        format!("{}/{}", context.base, l.id),
                        body,
                    ));
                }
            }
            (None, None) => {
                user_creates += usize::from(budget.scope == "user");
                changes.push(BudgetChange::Create {
                    scope: budget.scope.clone(),
                    entity: budget.entity.clone(),
                    sku: budget.sku.clone(),
                    amount_usd: budget.amount_usd,
                    stop_at_limit: budget.stop_at_limit,
                    reason: "declared".into(),
                });
                creates.push(request(
                    Method::Post,
                    context.base.to_string(),
                    create_body(budget),
                ));
            }
        }
    }
    for l in live {
        let declared = file.budgets.iter().any(|b| b.identity() == l.identity());
        if declared || ignored(file, &l.identity()) {
            continue;
        }
        let what = subject(&l.budget.scope, l.budget.entity.as_deref(), &l.budget.sku);
        if file.remove_unmanaged {
            changes.push(delete(
                l,
                "not in the file (unmanaged: {budgets: remove})".into(),
            ));
            deletes.push(request(
                Method::Delete,
                format!("{}/{}", context.base, l.id),
                Value::Null,
            ));
        } else {
            section.warnings.push(format!(
                "budget `{what}` ({} USD) is not in the file and is left alone (unmanaged: {{budgets: warn}}, the default): declare it, ignore it, or set `unmanaged: {{budgets: remove}}`",
                l.budget.amount_usd
            ));
        }
    }
    if user_creates > MANY_USER_BUDGETS {
        section.warnings.push(format!(
            "{user_creates} per-user budgets are {user_creates} writes: an `all_users` budget (every user's default) or `cost_center_users` budgets cover many users in one write each"
        ));
    }
    let removed = deletes.len() as u64;
    let allowed = match context.max_removals {
        Some(RemovalLimit::Count(n)) => Some(n),
        Some(RemovalLimit::Percent(p)) => Some((live.len() as f64 * p / 100.0).floor() as u64),
        None => None,
    };
    if let Some(allowed) = allowed.filter(|a| removed > *a) {
        section.blocked = Some(format!(
            "the plan deletes {removed} budget(s), more than limits.max_removals allows ({allowed}): raise the limit in the same pull request, or apply with --allow-mass-removal"
        ));
    }
    section.changes = changes.iter().map(Change::of).collect();
    section.requests = [creates, updates, deletes].concat();
    section
}

fn delete(l: &LiveBudget, reason: String) -> BudgetChange {
    BudgetChange::Delete {
        id: l.id.clone(),
        scope: l.budget.scope.clone(),
        entity: l.budget.entity.clone(),
        sku: l.budget.sku.clone(),
        amount_usd: l.budget.amount_usd,
        reason,
    }
}

/// What differs between `budget` and the live one: the change and the PATCH body.
fn update(
    budget: &Budget,
    l: &LiveBudget,
    warnings: &mut Vec<String>,
) -> Option<(BudgetChange, Value)> {
    let mut body = Map::new();
    let amount = (l.budget.amount_usd != budget.amount_usd)
        .then_some((l.budget.amount_usd, budget.amount_usd));
    if amount.is_some() {
        body.insert("budget_amount".into(), json!(budget.amount_usd));
    }
    let stop = (l.budget.stop_at_limit != budget.stop_at_limit)
        .then_some((l.budget.stop_at_limit, budget.stop_at_limit));
    if stop.is_some() {
        body.insert("prevent_further_usage".into(), json!(budget.stop_at_limit));
    }
    let sorted = |names: &[String]| {
        let mut names: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        names.sort();
        names
    };
    let alerts = (sorted(&l.budget.alerts) != sorted(&budget.alerts) && budget.scope != "user")
        .then(|| (l.budget.alerts.clone(), budget.alerts.clone()));
    if alerts.is_some() {
        body.insert("budget_alerting".into(), alerting(budget));
    }
    if body.is_empty() {
        return None;
    }
    let what = subject(&budget.scope, budget.entity.as_deref(), &budget.sku);
    if let Some(spent) = l.spent_usd
        && (budget.amount_usd as f64) < spent
    {
        warnings.push(format!(
            "budget `{what}` goes to {} USD, below the {spent} USD already spent this month: with stop_at_limit its users are blocked at once",
            budget.amount_usd
        ));
    }
    let change = BudgetChange::Update {
        id: l.id.clone(),
        scope: budget.scope.clone(),
        entity: budget.entity.clone(),
        sku: budget.sku.clone(),
        amount_usd: amount,
        stop_at_limit: stop,
        alerts,
        spent_usd: l.spent_usd,
        reason: "changed in the file".into(),
    };
    Some((change, Value::Object(body)))
}

/// The subject of a change, for its line and the account.
pub fn subject_of(change: &BudgetChange) -> String {
    match change {
        BudgetChange::Create {
            scope, entity, sku, ..
        }
        | BudgetChange::Update {
            scope, entity, sku, ..
        }
        | BudgetChange::Delete {
            scope, entity, sku, ..
        } => subject(scope, entity.as_deref(), sku),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn user(name: &str, amount: u64) -> Budget {
        Budget {
            scope: "user".into(),
            entity: Some(name.into()),
            sku: "ai_credits".into(),
            amount_usd: amount,
            stop_at_limit: true,
            alerts: Vec::new(),
            expires: None,
        }
    }

    fn live(name: &str, amount: u64, spent: Option<f64>) -> LiveBudget {
        LiveBudget {
            id: format!("id-{name}"),
            budget: Budget {
                entity: Some(name.to_uppercase()),
                ..user(name, amount)
            },
            spent_usd: spent,
        }
    }

    fn context() -> Context<'static> {
        Context {
            base: "/enterprises/e/settings/billing/budgets",
            today: date!(2026 - 11 - 25),
            max_removals: Some(RemovalLimit::Count(1)),
        }
    }

    #[test]
    fn hundreds_of_user_budgets_draw_the_all_users_suggestion() {
        let file = BudgetFile {
            budgets: (0..101).map(|i| user(&format!("u{i}"), 10)).collect(),
            ..BudgetFile::default()
        };
        let section = plan(&file, &[], &context());
        assert_eq!(section.requests.len(), 101);
        assert!(
            section.warnings.iter().any(
                |w| w.starts_with("101 per-user budgets are 101 writes: an `all_users` budget")
            ),
            "{:?}",
            section.warnings
        );
        let fewer = BudgetFile {
            budgets: (0..100).map(|i| user(&format!("u{i}"), 10)).collect(),
            ..BudgetFile::default()
        };
        assert!(plan(&fewer, &[], &context()).warnings.is_empty());
    }

    #[test]
    fn only_what_differs_is_patched_and_expired_or_unmanaged_budgets_are_deleted() {
        let mut expired = user("carol", 50);
        expired.expires = Some(date!(2026 - 11 - 01));
        let file = BudgetFile {
            budgets: vec![user("bob", 120), user("alice", 200), expired],
            remove_unmanaged: true,
            ..BudgetFile::default()
        };
        let live = [
            live("bob", 100, Some(150.0)),
            live("alice", 200, None),
            live("carol", 50, None),
            live("dave", 5, None),
        ];
        let section = plan(&file, &live, &context());
        let requests: Vec<String> = section
            .requests
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r.method,
                    r.path.rsplit('/').next().unwrap_or(""),
                    r.body
                )
            })
            .collect();
        assert_eq!(
            requests,
            [
                "PATCH id-bob {\"budget_amount\":120}",
                "DELETE id-carol null",
                "DELETE id-dave null",
            ],
            "logins compare case-insensitively; alice is unchanged"
        );
        assert!(
            section
                .warnings
                .iter()
                .any(|w| w.contains("below the 150 USD already spent"))
        );
        assert!(
            section
                .blocked
                .as_deref()
                .is_some_and(|b| b.contains("deletes 2 budget(s)")),
            "two deletions over a limit of 1"
        );
    }
}
