//! One budget as the file declares it (SPEC 15), its identity, and the one function that
//! maps it to GitHub's fields, with the assumptions that mapping makes.

use serde_json::{Value, json};
use time::Date;

/// The scopes of SPEC 15, in the file's words.
pub const SCOPES: [&str; 7] = [
    "enterprise",
    "organization",
    "repository",
    "cost_center",
    "all_users",
    "cost_center_users",
    "user",
];

/// The scopes an org file may use (its own budgets).
pub const ORG_SCOPES: [&str; 4] = ["organization", "repository", "all_users", "user"];

/// The products a budget may name as its `sku` (GitHub's `ProductPricing`).
pub const PRODUCTS: [&str; 7] = [
    "actions",
    "packages",
    "codespaces",
    "copilot",
    "git_lfs",
    "advanced_security",
    "models",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    pub scope: String,
    /// The cost center, organization, repository or user it is about; `None` for the
    /// enterprise (and an org file's own organization).
    pub entity: Option<String>,
    pub sku: String,
    pub amount_usd: u64,
    pub stop_at_limit: bool,
    pub alerts: Vec<String>,
    pub expires: Option<Date>,
}

/// How budgets are matched: scope, entity and SKU, names compared case-insensitively.
pub type Identity = (String, String, String);

impl Budget {
    pub fn identity(&self) -> Identity {
        identity(&self.scope, self.entity.as_deref(), &self.sku)
    }
}

pub fn identity(scope: &str, entity: Option<&str>, sku: &str) -> Identity {
    (
        scope.to_string(),
        entity.unwrap_or("").to_lowercase(),
        sku.to_lowercase(),
    )
}

/// Whether `scope` is one of the user-level scopes (hard stops per user).
pub fn user_level(scope: &str) -> bool {
    matches!(scope, "user" | "all_users" | "cost_center_users")
}

/// GitHub's `budget_scope` for a scope of the file. Assumptions (SPEC 15, API.md):
/// `all_users` is `multi_user_customer`, `cost_center_users` is `multi_user_cost_center`.
pub fn github_scope(scope: &str) -> &str {
    match scope {
        "all_users" => "multi_user_customer",
        "cost_center_users" => "multi_user_cost_center",
        other => other,
    }
}

/// The file's scope for GitHub's `budget_scope`.
pub fn file_scope(github: &str) -> &str {
    match github {
        "multi_user_customer" => "all_users",
        "multi_user_cost_center" => "cost_center_users",
        other => other,
    }
}

/// GitHub's `budget_type` for a SKU: `ai_credits` is `BundlePricing` (every AI-credit SKU,
/// as observed on real enterprises), a product `ProductPricing`, anything else (one SKU,
/// `premium_requests` among them) `SkuPricing`.
pub fn budget_type(sku: &str) -> &'static str {
    if sku == "ai_credits" {
        "BundlePricing"
    } else if PRODUCTS.contains(&sku) {
        "ProductPricing"
    } else {
        "SkuPricing"
    }
}

/// The body of a POST creating `budget`: every field GitHub requires, in its names.
pub fn create_body(budget: &Budget) -> Value {
    let mut body = json!({
        "budget_amount": budget.amount_usd,
        "prevent_further_usage": budget.stop_at_limit,
        "budget_alerting": alerting(budget),
        "budget_scope": github_scope(&budget.scope),
        "budget_entity_name": if budget.scope == "user" { "" } else { budget.entity.as_deref().unwrap_or("") },
        "budget_type": budget_type(&budget.sku),
        "budget_product_sku": budget.sku,
    });
    if budget.scope == "user" {
        body["user"] = json!(budget.entity.as_deref().unwrap_or(""));
    }
    body
}

/// `budget_alerting`: on with recipients, off without.
pub fn alerting(budget: &Budget) -> Value {
    json!({"will_alert": !budget.alerts.is_empty(), "alert_recipients": budget.alerts})
}
