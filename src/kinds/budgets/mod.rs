//! Budgets, the third kind (SPEC 15): how much each may spend, in AI credits and more, for
//! the enterprise, its cost centers, orgs, repositories and users, or an org's own. The
//! file's section (`file`), one budget and its mapping to GitHub's fields (`budget`), the
//! live budgets (`live`), the pure planner (`plan`); here the kind's words, its
//! saved-request check and apply's hooks.

mod budget;
mod file;
mod live;
mod plan;

pub use budget::Budget;

use plan::BudgetChange;

use crate::config::FileError;
use crate::github::GitHubError;
use crate::kinds::{FileSections, Item, Kind, KindInput, Line, Section, SectionKind, Sign};
use crate::model::TargetKind;
use crate::plan::{Change, Method, PlanMeta, Request};
use futures::future::BoxFuture;
use std::collections::BTreeSet;

pub struct Budgets;

pub static BUDGETS: Budgets = Budgets;

const PERMISSION: &str = "budgets need the token of an owner or billing manager: for an enterprise a classic PAT with manage_billing:enterprise, or an enterprise GitHub App with the \"Enterprise billing\" permission (read and write)";

/// The fields a budget request may carry (GitHub's OpenAPI description).
const FIELDS: &[&str] = &[
    "budget_amount",
    "prevent_further_usage",
    "budget_alerting",
    "budget_scope",
    "budget_entity_name",
    "budget_type",
    "budget_product_sku",
    "user",
];

fn base_of(meta: &PlanMeta) -> String {
    match &meta.enterprise {
        Some(enterprise) => live::base(TargetKind::Enterprise, enterprise),
        None => live::base(TargetKind::Org, &meta.org),
    }
}

/// The budget a PATCH or DELETE writes, by its id in the plan's changes.
fn subject_by_id(request: &Request, changes: &[Change]) -> String {
    let id = request.path.rsplit('/').next().unwrap_or("");
    changes
        .iter()
        .filter(|c| c.kind() == "budgets")
        .filter_map(|c| c.decode::<BudgetChange>())
        .find(|c| matches!(c, BudgetChange::Update { id: i, .. } | BudgetChange::Delete { id: i, .. } if i == id))
        .map_or_else(|| id.to_string(), |c| plan::subject_of(&c))
}

impl Kind for Budgets {
    fn name(&self) -> &'static str {
        "budgets"
    }

    fn title(&self) -> &'static str {
        "budgets"
    }

    /// A budget may name a cost center the same plan creates.
    fn depends_on(&self) -> &'static [&'static str] {
        &["cost_centers"]
    }

    fn check_request(&self, meta: &PlanMeta, request: &Request) -> Result<(), String> {
        let foreign = || {
            format!(
                "the plan holds a {} request to `{}` that copilot-seats does not make for the budgets of `{}`",
                request.method,
                request.path,
                meta.target()
            )
        };
        let base = base_of(meta);
        let Some(rest) = request.path.strip_prefix(&base) else {
            return Err(foreign());
        };
        let keys: BTreeSet<&str> = request
            .body
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let known = keys.iter().all(|k| FIELDS.contains(k));
        let id = rest
            .strip_prefix('/')
            .filter(|id| !id.is_empty() && !id.contains('/'));
        let fits = match (request.method, id) {
            (Method::Post, None) => rest.is_empty() && known && keys.contains("budget_amount"),
            (Method::Patch, Some(_)) => known && !keys.is_empty(),
            (Method::Delete, Some(_)) => request.body.is_null(),
            _ => false,
        };
        if fits { Ok(()) } else { Err(foreign()) }
    }

    fn line(&self, change: &Change) -> Line {
        let usd = |amount: u64| format!("{amount} USD");
        let (sign, group, before_after, reason) = match change.decode::<BudgetChange>() {
            Some(BudgetChange::Create {
                amount_usd,
                stop_at_limit,
                reason,
                ..
            }) => {
                let stop = if stop_at_limit {
                    ", stops at the limit"
                } else {
                    ""
                };
                (
                    Sign::Add,
                    "Budgets created",
                    Some(("none".into(), usd(amount_usd))),
                    format!("{reason}{stop}"),
                )
            }
            Some(BudgetChange::Update {
                amount_usd,
                stop_at_limit,
                alerts,
                spent_usd,
                reason,
                ..
            }) => {
                let mut before = Vec::new();
                let mut after = Vec::new();
                if let Some((b, a)) = amount_usd {
                    before.push(usd(b));
                    after.push(usd(a));
                }
                if let Some((b, a)) = stop_at_limit {
                    let word = |s: bool| {
                        if s {
                            "stops at the limit"
                        } else {
                            "does not stop"
                        }
                        .to_string()
                    };
                    before.push(word(b));
                    after.push(word(a));
                }
                if let Some((b, a)) = alerts {
                    let list = |l: Vec<String>| {
                        if l.is_empty() {
                            "no alerts".to_string()
                        } else {
                            format!("alerts {}", l.join(", "))
                        }
                    };
                    before.push(list(b));
                    after.push(list(a));
                }
                let spent = spent_usd
                    .map(|s| format!("; spent {s} USD this month"))
                    .unwrap_or_default();
                (
                    Sign::Update,
                    "Budgets changed",
                    Some((before.join(", "), after.join(", "))),
                    format!("{reason}{spent}"),
                )
            }
            Some(BudgetChange::Delete {
                amount_usd, reason, ..
            }) => (
                Sign::Remove,
                "Budgets deleted",
                Some((usd(amount_usd), "none".into())),
                reason,
            ),
            None => (Sign::Update, "Budget changes", None, String::new()),
        };
        Line {
            sign,
            group: group.to_string(),
            noun: "budget".to_string(),
            subject: change
                .decode::<BudgetChange>()
                .map_or_else(|| change.action().to_string(), |c| plan::subject_of(&c)),
            label: None,
            change: before_after,
            reason,
            note: change.note().map(str::to_string),
            details: Vec::new(),
        }
    }

    fn unchanged(&self, plan: &crate::plan::Plan) -> String {
        format!("the budgets of {} match the file", plan.meta.target())
    }

    fn items(&self, request: &Request, changes: &[Change]) -> Vec<Item> {
        let (action, name) = match request.method {
            Method::Post => {
                let b = &request.body;
                let scope = budget::file_scope(b["budget_scope"].as_str().unwrap_or(""));
                let entity = match scope {
                    "user" => b["user"].as_str(),
                    _ => b["budget_entity_name"].as_str(),
                }
                .filter(|e| !e.is_empty());
                let sku = b["budget_product_sku"].as_str().unwrap_or("ai_credits");
                (
                    "create budget",
                    plan::subject_of(&BudgetChange::Create {
                        scope: scope.to_string(),
                        entity: entity.map(str::to_string),
                        sku: sku.to_string(),
                        amount_usd: 0,
                        stop_at_limit: false,
                        reason: String::new(),
                    }),
                )
            }
            Method::Delete => ("delete budget", subject_by_id(request, changes)),
            _ => ("update budget", subject_by_id(request, changes)),
        };
        vec![Item {
            action: action.into(),
            name: name.clone(),
            key: name,
        }]
    }

    fn failure(&self, _request: &Request, error: &GitHubError) -> crate::kinds::Failure {
        match error {
            GitHubError::Status { status, .. } if *status >= 500 => crate::kinds::Failure::Unclear,
            GitHubError::Network { .. } => crate::kinds::Failure::Unclear,
            _ => crate::kinds::Failure::Fatal,
        }
    }

    fn permission_hint(&self, _request: &Request, status: u16) -> Option<String> {
        matches!(status, 401 | 403).then(|| PERMISSION.to_string())
    }
}

impl SectionKind for Budgets {
    fn keys(&self, _target: TargetKind) -> &'static [&'static str] {
        &["budgets"]
    }

    fn check(&self, sections: &FileSections<'_>, errors: &mut Vec<FileError>) {
        file::check(sections, errors);
    }

    fn plan<'a>(&'a self, input: &'a KindInput<'a>) -> BoxFuture<'a, anyhow::Result<Section>> {
        Box::pin(async move {
            let desired = &input.file.desired;
            let section = file::read(&desired.root, desired.kind);
            let Some(client) = input.client else {
                return Ok(Section::offline(self.title()));
            };
            check_cost_centers(input, client, &section).await?;
            let base = live::base(desired.kind, &desired.org);
            let live = live::fetch(client, &base)
                .await
                .map_err(|e| read_error(e, &desired.org))?;
            Ok(plan::plan(
                &section,
                &live,
                &plan::Context {
                    base: &base,
                    today: input.today,
                    max_removals: desired.limits.max_removals,
                },
            ))
        })
    }
}

/// Every budget of a target, as the file declares them (`export`, `status`), with what
/// was spent this month when GitHub reports it.
pub async fn fetch_all(
    client: &crate::github::Client,
    target: TargetKind,
    name: &str,
) -> anyhow::Result<Vec<(Budget, Option<f64>)>> {
    let live = live::fetch(client, &live::base(target, name))
        .await
        .map_err(|e| read_error(e, name))?;
    Ok(live
        .into_iter()
        .map(|live| {
            // An org file's own budget names no organization.
            let own_org = target == TargetKind::Org && live.budget.scope == "organization";
            let budget = Budget {
                entity: live.budget.entity.filter(|_| !own_org),
                ..live.budget
            };
            (budget, live.spent_usd)
        })
        .collect())
}

/// A failed read of the budgets, with what a refused token needs.
fn read_error(error: GitHubError, name: &str) -> anyhow::Error {
    crate::kinds::read_error(
        error,
        PERMISSION,
        format!("cannot list the budgets of `{name}`"),
    )
}

/// A cost center a budget names must be declared in the file or exist at GitHub.
async fn check_cost_centers(
    input: &KindInput<'_>,
    client: &crate::github::Client,
    section: &file::BudgetFile,
) -> anyhow::Result<()> {
    let named: BTreeSet<String> = section
        .budgets
        .iter()
        .filter(|b| matches!(b.scope.as_str(), "cost_center" | "cost_center_users"))
        .filter_map(|b| b.entity.as_ref().map(|e| e.to_lowercase()))
        .collect();
    if named.is_empty() {
        return Ok(());
    }
    let desired = &input.file.desired;
    let declared: BTreeSet<String> =
        crate::kinds::cost_centers::CostCenterFile::read(&desired.root)
            .declared
            .iter()
            .map(|d| d.name.to_lowercase())
            .collect();
    let live = crate::kinds::cost_centers::names(client, &desired.org).await?;
    if let Some(missing) = named
        .iter()
        .find(|n| !declared.contains(*n) && !live.contains(*n))
    {
        anyhow::bail!(
            "a budget of `{}` names cost center `{missing}`, which is neither in the file's `cost_centers:` nor at GitHub: declare it, or fix the name",
            input.file.path
        );
    }
    Ok(())
}
