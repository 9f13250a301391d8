//! The live budgets of an enterprise or org: every page (`has_next_page`), read leniently
//! (GitHub's own example answer has `budget_product_skus`, an array, where its schema has
//! `budget_product_sku`).

use super::budget::{Budget, Identity, file_scope};
use crate::github::{Client, GitHubError};
use crate::model::{TargetKind, sha256_digest};
use serde::Deserialize;

const PER_PAGE: usize = 100;
const MAX_PAGES: usize = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub struct LiveBudget {
    pub id: String,
    /// As a file would declare it (no `expires`).
    pub budget: Budget,
    /// What was spent this month, when GitHub reports it.
    pub spent_usd: Option<f64>,
}

impl LiveBudget {
    pub fn identity(&self) -> Identity {
        self.budget.identity()
    }
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    budgets: Vec<Listed>,
    #[serde(default)]
    has_next_page: bool,
}

#[derive(Deserialize)]
struct Listed {
    id: String,
    #[serde(default)]
    budget_scope: String,
    #[serde(default)]
    budget_entity_name: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    budget_product_sku: Option<String>,
    #[serde(default)]
    budget_product_skus: Option<Vec<String>>,
    #[serde(default)]
    budget_amount: f64,
    #[serde(default)]
    prevent_further_usage: bool,
    #[serde(default)]
    budget_alerting: Option<Alerting>,
    #[serde(default)]
    consumed_amount: Option<f64>,
}

#[derive(Deserialize)]
struct Alerting {
    #[serde(default)]
    will_alert: bool,
    #[serde(default)]
    alert_recipients: Vec<String>,
}

/// The budgets endpoint of a target.
pub fn base(target: TargetKind, name: &str) -> String {
    match target {
        TargetKind::Enterprise => format!("/enterprises/{name}/settings/billing/budgets"),
        TargetKind::Org => format!("/organizations/{name}/settings/billing/budgets"),
    }
}

pub async fn fetch(client: &Client, base: &str) -> Result<Vec<LiveBudget>, GitHubError> {
    let mut all = Vec::new();
    for page in 1..=MAX_PAGES {
        let (answer, _) = client
            .get_json::<Page>(&format!("{base}?page={page}&per_page={PER_PAGE}"))
            .await?;
        all.extend(answer.budgets.into_iter().map(|b| {
            let scope = file_scope(&b.budget_scope).to_string();
            let entity = if scope == "user" {
                b.user.or(b.budget_entity_name)
            } else {
                b.budget_entity_name
            }
            .filter(|e| !e.is_empty());
            let sku = b
                .budget_product_sku
                .or_else(|| b.budget_product_skus.and_then(|s| s.into_iter().next()))
                .unwrap_or_else(|| "ai_credits".to_string());
            let alerting = b.budget_alerting.unwrap_or(Alerting {
                will_alert: false,
                alert_recipients: Vec::new(),
            });
            let budget = Budget {
                scope,
                entity,
                sku,
                amount_usd: b.budget_amount.max(0.0) as u64,
                stop_at_limit: b.prevent_further_usage,
                alerts: if alerting.will_alert {
                    alerting.alert_recipients
                } else {
                    Vec::new()
                },
                expires: None,
            };
            LiveBudget {
                id: b.id,
                budget,
                spent_usd: b.consumed_amount,
            }
        }));
        if !answer.has_next_page {
            break;
        }
    }
    Ok(all)
}

pub fn digest(live: &[LiveBudget]) -> String {
    let mut lines: Vec<String> = live
        .iter()
        .map(|b| {
            let mut alerts = b.budget.alerts.clone();
            alerts.sort();
            format!(
                "{}\t{:?}\t{}\t{}\t{}\t{}",
                b.id,
                b.identity(),
                b.budget.amount_usd,
                b.budget.stop_at_limit,
                alerts.join(","),
                b.budget.sku
            )
        })
        .collect();
    lines.sort();
    sha256_digest(lines.join("\n").as_bytes())
}
