//! The fake's budgets, as GitHub's OpenAPI description (`tests/data/api/
//! openapi-2026-12-subset.json`) and API.md have them: pages of 10 by default (100 at
//! most) with `has_next_page` and `total_count`; GitHub's rules on scopes, SKUs, stopping
//! and alerts answered 400; every other listed budget with `budget_product_skus`, an
//! array, as GitHub's own example answers.

use super::fake_cost_centers::fail;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Budgets {
    /// id -> the budget as GitHub lists it (without `id`).
    pub all: BTreeMap<u64, Value>,
    next_id: u64,
}

impl Budgets {
    /// Adds a budget; `fields` in GitHub's names. Its id.
    pub fn add(&mut self, fields: Value) -> u64 {
        self.next_id += 1;
        self.all.insert(self.next_id, fields);
        self.next_id
    }

    /// The budget of `scope` (GitHub's word) and entity, if any.
    pub fn find(&self, scope: &str, entity: &str) -> Option<(u64, &Value)> {
        self.all
            .iter()
            .find(|(_, b)| {
                b["budget_scope"] == scope
                    && (b["budget_entity_name"].as_str() == Some(entity)
                        || b["user"].as_str() == Some(entity))
            })
            .map(|(id, b)| (*id, b))
    }

    fn listed(id: u64, budget: &Value) -> Value {
        let mut listed = budget.clone();
        listed["id"] = json!(id.to_string());
        if id.is_multiple_of(2)
            && let Some(sku) = listed
                .as_object_mut()
                .and_then(|o| o.remove("budget_product_sku"))
        {
            listed["budget_product_skus"] = json!([sku]);
        }
        listed
    }

    /// Answers `method` on `…/settings/billing/budgets/{rest}`; `org` for an org's budgets.
    pub fn route(
        &mut self,
        org: bool,
        method: &str,
        rest: &[&str],
        query: &BTreeMap<String, String>,
        body: &Value,
    ) -> (u16, Value) {
        match (method, rest) {
            ("GET", []) => {
                let per_page: usize = query
                    .get("per_page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(10)
                    .clamp(1, 100);
                let page: usize = query
                    .get("page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1)
                    .max(1);
                let all: Vec<Value> = self
                    .all
                    .iter()
                    .map(|(id, b)| Budgets::listed(*id, b))
                    .collect();
                let start = (page - 1) * per_page;
                let slice: Vec<Value> = all.iter().skip(start).take(per_page).cloned().collect();
                (
                    200,
                    json!({"budgets": slice, "has_next_page": start + per_page < all.len(), "total_count": all.len()}),
                )
            }
            ("POST", []) => {
                if let Err(why) = rules(org, body, true) {
                    return fail(400, &why);
                }
                let id = self.add(body.clone());
                (
                    200,
                    json!({"message": "Budget successfully created.", "budget": Budgets::listed(id, &self.all[&id])}),
                )
            }
            ("PATCH", [id]) => {
                let Some(id) = id
                    .parse::<u64>()
                    .ok()
                    .filter(|id| self.all.contains_key(id))
                else {
                    return fail(404, "Budget not found");
                };
                let mut merged = self.all[&id].clone();
                for (key, value) in body.as_object().into_iter().flatten() {
                    merged[key] = value.clone();
                }
                if let Err(why) = rules(org, &merged, false) {
                    return fail(400, &why);
                }
                self.all.insert(id, merged);
                (
                    200,
                    json!({"message": "Budget successfully updated.", "budget": Budgets::listed(id, &self.all[&id])}),
                )
            }
            ("DELETE", [id]) => match id.parse::<u64>().ok().and_then(|id| self.all.remove(&id)) {
                Some(_) => (
                    200,
                    json!({"message": "Budget successfully deleted.", "id": id}),
                ),
                None => fail(404, "Budget not found"),
            },
            _ => fail(404, "Not Found"),
        }
    }
}

/// GitHub's rules for a budget (API.md "Budgets").
fn rules(org: bool, b: &Value, creating: bool) -> Result<(), String> {
    let scope = b["budget_scope"].as_str().unwrap_or("");
    let scopes: &[&str] = if org {
        &["organization", "repository", "multi_user_customer", "user"]
    } else {
        &[
            "enterprise",
            "organization",
            "repository",
            "cost_center",
            "multi_user_customer",
            "multi_user_cost_center",
            "user",
        ]
    };
    if !scopes.contains(&scope) {
        return Err(format!("Invalid budget_scope '{scope}'"));
    }
    if creating && !org {
        for required in [
            "budget_amount",
            "prevent_further_usage",
            "budget_alerting",
            "budget_scope",
            "budget_type",
        ] {
            if b.get(required).is_none() {
                return Err(format!("{required} is required"));
            }
        }
    }
    if !b["budget_amount"].is_u64() {
        return Err("budget_amount must be a whole number of dollars, 0 or more".into());
    }
    let sku = b["budget_product_sku"].as_str().unwrap_or("");
    let user_level = matches!(
        scope,
        "user" | "multi_user_customer" | "multi_user_cost_center"
    );
    if user_level && sku != "ai_credits" && sku != "premium_requests" {
        return Err(format!(
            "The {scope} scope only supports the ai_credits and premium_requests SKUs"
        ));
    }
    if matches!(scope, "user" | "multi_user_customer") && b["prevent_further_usage"] != json!(true)
    {
        return Err(format!(
            "prevent_further_usage must be true for the {scope} scope"
        ));
    }
    if scope == "user" {
        if b["budget_alerting"]["will_alert"] == json!(true) {
            return Err("Alerting is not supported for user-scoped budgets".into());
        }
        if b["user"].as_str().is_none_or(str::is_empty) {
            return Err("user is required for the user scope".into());
        }
    }
    let expected_type = if sku == "ai_credits" {
        "BundlePricing"
    } else {
        ""
    };
    if !expected_type.is_empty() && b["budget_type"] != json!(expected_type) {
        return Err("ai_credits budgets are BundlePricing".into());
    }
    Ok(())
}
