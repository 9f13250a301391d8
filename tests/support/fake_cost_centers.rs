//! The fake's cost centers, as GitHub's OpenAPI description (`tests/data/api/
//! openapi-2026-12-subset.json`) and API.md have them: the active list in one answer,
//! resources of one cost center paged (`has_next_page`), 409 on a taken name, 400 over 50
//! resources a call or naming resources it does not know, moves answered with
//! `reassigned_resources`, archive by DELETE.

use serde_json::{Value, json};
use std::collections::BTreeSet;

/// GitHub's error body, with its status.
pub fn fail(status: u16, message: &str) -> (u16, Value) {
    (
        status,
        json!({"message": message, "status": status.to_string()}),
    )
}

#[derive(Clone, Debug)]
pub struct FakeCostCenter {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub pool: bool,
    /// (`user` | `organization` | `repository` | `team`, name as GitHub lists it)
    pub resources: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct CostCenters {
    pub all: Vec<FakeCostCenter>,
    /// Organizations and repositories GitHub knows (users are the enterprise's members,
    /// teams its enterprise teams without `ent:`).
    pub orgs: BTreeSet<String>,
    pub repos: BTreeSet<String>,
    next_id: u64,
}

const LISTED: [(&str, &str, &str); 4] = [
    ("users", "user", "User"),
    ("organizations", "organization", "Org"),
    ("repositories", "repository", "Repo"),
    ("enterprise_teams", "team", "Team"),
];

fn listed_type(kind: &str) -> &'static str {
    LISTED
        .iter()
        .find(|(_, k, _)| *k == kind)
        .map_or("User", |(_, _, t)| t)
}

impl CostCenters {
    /// Adds an active cost center holding `resources` (`(type, name)`).
    pub fn add(&mut self, name: &str, resources: &[(&str, &str)]) -> String {
        self.next_id += 1;
        let id = format!("cc-{:04}", self.next_id);
        self.all.push(FakeCostCenter {
            id: id.clone(),
            name: name.to_string(),
            active: true,
            pool: false,
            resources: resources
                .iter()
                .map(|(k, n)| (k.to_string(), n.to_string()))
                .collect(),
        });
        id
    }

    /// The active cost center named `name` (case-insensitively).
    pub fn named(&self, name: &str) -> Option<&FakeCostCenter> {
        self.all
            .iter()
            .find(|c| c.active && c.name.eq_ignore_ascii_case(name))
    }

    fn json(c: &FakeCostCenter, resources: &[(String, String)]) -> Value {
        json!({
            "id": c.id, "name": c.name, "state": if c.active { "active" } else { "deleted" },
            "ai_credit_pool_enabled": c.pool,
            "resources": resources.iter().map(|(k, n)| json!({"type": listed_type(k), "name": n})).collect::<Vec<_>>(),
        })
    }

    /// Answers `method` on `…/settings/billing/cost-centers/{rest}`.
    pub fn route(
        &mut self,
        members: &[String],
        teams: &BTreeSet<String>,
        method: &str,
        rest: &[&str],
        query: &std::collections::BTreeMap<String, String>,
        body: &Value,
    ) -> (u16, Value) {
        match (method, rest) {
            ("GET", []) => {
                let state = query.get("state").map(String::as_str);
                let listed: Vec<Value> = self
                    .all
                    .iter()
                    .filter(|c| match state {
                        Some("active") => c.active,
                        Some("deleted") => !c.active,
                        _ => true,
                    })
                    .map(|c| CostCenters::json(c, &c.resources))
                    .collect();
                (200, json!({"costCenters": listed}))
            }
            ("POST", []) => {
                let Some(name) = body.get("name").and_then(Value::as_str) else {
                    return fail(400, "name is required");
                };
                if name.is_empty() || name.chars().count() > 255 {
                    return fail(400, "name must be 1 to 255 characters");
                }
                if self.named(name).is_some() {
                    return fail(409, &format!("A cost center named '{name}' already exists"));
                }
                if self.all.iter().filter(|c| c.active).count() >= 1000 {
                    return fail(
                        400,
                        "An enterprise may have at most 1000 active cost centers",
                    );
                }
                let id = self.add(name, &[]);
                let pool = body
                    .get("ai_credit_pool_enabled")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let created = self.all.last_mut().expect("just added");
                created.pool = pool;
                let _ = id;
                (200, CostCenters::json(created, &[]))
            }
            ("GET", [id]) => {
                let Some(c) = self.all.iter().find(|c| c.id == *id) else {
                    return fail(404, "Not Found");
                };
                let per_page: usize = query
                    .get("per_page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(30)
                    .clamp(1, 100);
                let page: usize = query
                    .get("page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1)
                    .max(1);
                let start = (page - 1) * per_page;
                let slice: Vec<(String, String)> = c
                    .resources
                    .iter()
                    .skip(start)
                    .take(per_page)
                    .cloned()
                    .collect();
                let mut answer = CostCenters::json(c, &slice);
                answer["has_next_page"] = json!(start + per_page < c.resources.len());
                (200, answer)
            }
            ("PATCH", [id]) => {
                let name = body.get("name").and_then(Value::as_str).map(str::to_string);
                let pool = body.get("ai_credit_pool_enabled").and_then(Value::as_bool);
                if name.is_none() && pool.is_none() {
                    return fail(
                        422,
                        "At least one of name or ai_credit_pool_enabled must be provided",
                    );
                }
                if let Some(name) = &name
                    && self
                        .all
                        .iter()
                        .any(|c| c.active && c.id != *id && c.name.eq_ignore_ascii_case(name))
                {
                    return fail(409, &format!("A cost center named '{name}' already exists"));
                }
                let Some(c) = self.all.iter_mut().find(|c| c.id == *id && c.active) else {
                    return fail(404, "Not Found");
                };
                if pool == Some(true)
                    && c.resources
                        .iter()
                        .any(|(k, _)| k == "organization" || k == "repository")
                {
                    return fail(
                        400,
                        "The AI credit pool can only be enabled for cost centers that contain only user or team resources",
                    );
                }
                if let Some(name) = name {
                    c.name = name;
                }
                if let Some(pool) = pool {
                    c.pool = pool;
                }
                let c = c.clone();
                (200, CostCenters::json(&c, &c.resources))
            }
            ("DELETE", [id]) => {
                let Some(c) = self.all.iter_mut().find(|c| c.id == *id && c.active) else {
                    return fail(404, "Not Found");
                };
                c.active = false;
                (
                    200,
                    json!({"message": "Cost center successfully deleted.", "id": c.id, "name": c.name, "costCenterState": "CostCenterArchived"}),
                )
            }
            (method @ ("POST" | "DELETE"), [id, "resource"]) => {
                self.resources(members, teams, method, id, body)
            }
            _ => fail(404, "Not Found"),
        }
    }

    fn resources(
        &mut self,
        members: &[String],
        teams: &BTreeSet<String>,
        method: &str,
        id: &str,
        body: &Value,
    ) -> (u16, Value) {
        let Some(object) = body.as_object() else {
            return fail(400, "Invalid request body");
        };
        let mut named: Vec<(String, String)> = Vec::new();
        for key in object.keys() {
            let Some((_, kind, _)) = LISTED.iter().find(|(k, _, _)| k == key) else {
                return fail(400, &format!("Unknown property '{key}'"));
            };
            let Some(names) = object[key].as_array() else {
                return fail(400, &format!("'{key}' must be an array"));
            };
            named.extend(
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|n| (kind.to_string(), n.to_string())),
            );
        }
        if named.is_empty() {
            return fail(400, "At least one resource must be provided");
        }
        if named.len() > 50 {
            return fail(
                400,
                "A maximum of 50 resources can be added or removed in a single request",
            );
        }
        let known = |kind: &str, name: &str| {
            let lower = name.to_lowercase();
            match kind {
                "user" => members.iter().any(|m| m.eq_ignore_ascii_case(name)),
                "organization" => self.orgs.iter().any(|o| o.eq_ignore_ascii_case(name)),
                "repository" => self.repos.iter().any(|r| r.eq_ignore_ascii_case(name)),
                _ => teams.contains(&lower),
            }
        };
        let unknown: Vec<String> = named
            .iter()
            .filter(|(k, n)| !known(k, n))
            .map(|(_, n)| n.clone())
            .collect();
        if !unknown.is_empty() {
            return fail(
                400,
                &format!(
                    "The following resources could not be found: {}",
                    unknown.join(", ")
                ),
            );
        }
        if !self.all.iter().any(|c| c.id == id && c.active) {
            return fail(404, "Not Found");
        }
        let same = |a: &(String, String), b: &(String, String)| {
            a.0 == b.0 && a.1.eq_ignore_ascii_case(&b.1)
        };
        if method == "DELETE" {
            let c = self.all.iter_mut().find(|c| c.id == id).expect("checked");
            c.resources.retain(|r| !named.iter().any(|n| same(r, n)));
            return (
                200,
                json!({"message": "Resources successfully removed from the cost center."}),
            );
        }
        let mut reassigned = Vec::new();
        for other in self.all.iter_mut().filter(|c| c.active && c.id != id) {
            for n in &named {
                if let Some(at) = other.resources.iter().position(|r| same(r, n)) {
                    let (kind, name) = other.resources.remove(at);
                    reassigned.push(json!({"resource_type": kind, "name": name, "previous_cost_center": other.name}));
                }
            }
        }
        let c = self.all.iter_mut().find(|c| c.id == id).expect("checked");
        if c.pool
            && named
                .iter()
                .any(|(k, _)| k == "organization" || k == "repository")
        {
            return fail(
                400,
                "The AI credit pool can only be enabled for cost centers that contain only user or team resources",
            );
        }
        for n in named {
            if !c.resources.iter().any(|r| same(r, &n)) {
                c.resources.push(n);
            }
        }
        let reassigned = if reassigned.is_empty() {
            Value::Null
        } else {
            json!(reassigned)
        };
        (
            200,
            json!({"message": "Resources successfully added to the cost center.", "reassigned_resources": reassigned}),
        )
    }
}
