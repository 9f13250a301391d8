//! The pure cost-center planner (SPEC 14): from the file's section and the live cost
//! centers to the changes and requests, in GitHub's order: create, rename or pool change,
//! add resources (a resource in another cost center moves), remove resources, archive.
//! No I/O; the same input always gives the same plan.

use super::file::{CostCenterFile, Declared};
use super::live::{LiveCostCenter, base, digest};
use super::resource::{Resource, ResourceType};
use crate::kinds::Section;
use crate::model::RemovalLimit;
use crate::plan::{Change, Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// GitHub takes at most this many resources in one call.
pub const BATCH: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CostCenterChange {
    Create {
        name: String,
        ai_credit_pool: bool,
        reason: String,
    },
    Update {
        id: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renamed_from: Option<String>,
        /// The pool setting after, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ai_credit_pool: Option<bool>,
        reason: String,
    },
    AddResource {
        cost_center: String,
        resource_type: ResourceType,
        name: String,
        /// The cost center it sits in today, which it leaves.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        moved_from: Option<String>,
    },
    RemoveResource {
        cost_center: String,
        resource_type: ResourceType,
        name: String,
        reason: String,
    },
    Archive {
        id: String,
        name: String,
        resources: usize,
        reason: String,
    },
}

/// The placeholder of the id of a cost center this plan creates.
pub fn placeholder(name: &str) -> String {
    format!("{{cost_center:{name}}}")
}

/// What the planner needs besides the file and the live state.
pub struct Context<'a> {
    pub enterprise: &'a str,
    pub max_removals: Option<RemovalLimit>,
}

struct Target<'a> {
    declared: &'a Declared,
    live: Option<&'a LiveCostCenter>,
    /// The id, or the placeholder of the one this plan creates.
    id: String,
}

pub fn plan(file: &CostCenterFile, live: &[LiveCostCenter], context: &Context<'_>) -> Section {
    let mut warnings = Vec::new();
    let targets = match_targets(file, live, &mut warnings);
    let mut planner = Planner {
        base: base(context.enterprise),
        // Where each resource sits today, and what the file puts anywhere.
        today: live
            .iter()
            .flat_map(|c| c.resources.iter().map(move |r| (r.key(), c.name.as_str())))
            .collect(),
        declared_in: file
            .declared
            .iter()
            .flat_map(|d| d.resources.iter().map(Resource::key))
            .collect(),
        changes: Vec::new(),
        requests: Requests::default(),
        warnings,
    };
    for target in &targets {
        planner.create_or_update(target);
        planner.add_resources(target);
        planner.remove_resources(target);
    }
    let matched: BTreeSet<&str> = targets
        .iter()
        .filter_map(|t| t.live.map(|l| l.id.as_str()))
        .collect();
    for l in live {
        if !matched.contains(l.id.as_str()) && !file.ignored.contains(&l.name.to_lowercase()) {
            planner.unmanaged(l, file.remove_unmanaged);
        }
    }
    planner.finish(live, context.max_removals)
}

/// The requests by step, sent in this order.
#[derive(Default)]
struct Requests {
    creates: Vec<Request>,
    updates: Vec<Request>,
    adds: Vec<Request>,
    removes: Vec<Request>,
    /// Pools switched on once organizations and repositories are out.
    late_updates: Vec<Request>,
    archives: Vec<Request>,
}

/// The state of one planning run, carried from step to step.
struct Planner<'a> {
    base: String,
    today: BTreeMap<(ResourceType, String), &'a str>,
    declared_in: BTreeSet<(ResourceType, String)>,
    changes: Vec<CostCenterChange>,
    requests: Requests,
    warnings: Vec<String>,
}

fn request(method: Method, path: String, body: Value, creates: Option<String>) -> Request {
    Request {
        kind: None,
        method,
        path,
        body,
        creates,
    }
}

impl Planner<'_> {
    /// A cost center GitHub lacks is created; one whose name or pool differs is updated.
    fn create_or_update(&mut self, target: &Target<'_>) {
        let d = target.declared;
        let Some(l) = target.live else {
            self.changes.push(CostCenterChange::Create {
                name: d.name.clone(),
                ai_credit_pool: d.ai_credit_pool,
                reason: "declared".into(),
            });
            let mut body = json!({"name": d.name});
            if d.ai_credit_pool {
                body["ai_credit_pool_enabled"] = json!(true);
            }
            let creates = Some(placeholder(&d.name));
            let create = request(Method::Post, self.base.clone(), body, creates);
            self.requests.creates.push(create);
            return;
        };
        let renamed = (l.name != d.name).then(|| l.name.clone());
        let pool = (l.ai_credit_pool != d.ai_credit_pool).then_some(d.ai_credit_pool);
        if renamed.is_none() && pool.is_none() {
            return;
        }
        let reason = match (&renamed, pool) {
            (Some(_), Some(_)) => "renamed, pool changed in the file",
            (Some(_), None) => "renamed in the file",
            _ => "pool changed in the file",
        };
        self.changes.push(CostCenterChange::Update {
            id: l.id.clone(),
            name: d.name.clone(),
            renamed_from: renamed.clone(),
            ai_credit_pool: pool,
            reason: reason.into(),
        });
        let mut body = Map::new();
        if renamed.is_some() {
            body.insert("name".into(), json!(d.name));
        }
        if let Some(pool) = pool {
            body.insert("ai_credit_pool_enabled".into(), json!(pool));
        }
        let path = format!("{}/{}", self.base, l.id);
        let update = request(Method::Patch, path, Value::Object(body), None);
        // GitHub allows the pool only on a cost center of users and teams: switched on
        // after its organizations and repositories are removed.
        let holds_others = l.resources.iter().any(|r| {
            matches!(
                r.kind,
                ResourceType::Organization | ResourceType::Repository
            )
        });
        if pool == Some(true) && holds_others {
            self.requests.late_updates.push(update);
        } else {
            self.requests.updates.push(update);
        }
    }

    /// The declared resources it lacks; one in another cost center today moves.
    fn add_resources(&mut self, target: &Target<'_>) {
        let d = target.declared;
        let has: BTreeSet<_> = target
            .live
            .map(|l| l.resources.iter().map(Resource::key).collect())
            .unwrap_or_default();
        let mut added = Vec::new();
        for r in sorted(&d.resources) {
            if has.contains(&r.key()) {
                continue;
            }
            let moved_from = self
                .today
                .get(&r.key())
                .filter(|from| {
                    target
                        .live
                        .is_none_or(|l| !l.name.eq_ignore_ascii_case(from))
                })
                .map(|from| from.to_string());
            self.changes.push(CostCenterChange::AddResource {
                cost_center: d.name.clone(),
                resource_type: r.kind,
                name: r.name.clone(),
                moved_from,
            });
            added.push(r);
        }
        let path = format!("{}/{}/resource", self.base, target.id);
        self.requests
            .adds
            .extend(batches(Method::Post, &path, &added));
    }

    /// The resources the file no longer lists there, unless it moves them elsewhere.
    fn remove_resources(&mut self, target: &Target<'_>) {
        let Some(l) = target.live else {
            return;
        };
        let d = target.declared;
        let wanted: BTreeSet<_> = d.resources.iter().map(Resource::key).collect();
        let mut removed = Vec::new();
        for r in sorted(&l.resources) {
            if wanted.contains(&r.key()) || self.declared_in.contains(&r.key()) {
                continue;
            }
            self.changes.push(CostCenterChange::RemoveResource {
                cost_center: d.name.clone(),
                resource_type: r.kind,
                name: r.name.clone(),
                reason: format!("not in `{}` in the file", d.name),
            });
            removed.push(r);
        }
        let path = format!("{}/{}/resource", self.base, l.id);
        self.requests
            .removes
            .extend(batches(Method::Delete, &path, &removed));
    }

    /// A live cost center the file neither declares nor ignores: archived, or listed.
    fn unmanaged(&mut self, l: &LiveCostCenter, remove: bool) {
        if !remove {
            self.warnings.push(format!(
                "cost center `{}` ({} resource(s)) is not in the file and is left alone (unmanaged: {{cost_centers: warn}}, the default): declare it, ignore it, or set `unmanaged: {{cost_centers: remove}}` to archive it",
                l.name,
                l.resources.len()
            ));
            return;
        }
        self.changes.push(CostCenterChange::Archive {
            id: l.id.clone(),
            name: l.name.clone(),
            resources: l.resources.len(),
            reason: "not in the file (unmanaged: {cost_centers: remove})".into(),
        });
        let path = format!("{}/{}", self.base, l.id);
        self.requests
            .archives
            .push(request(Method::Delete, path, Value::Null, None));
    }

    /// The changes in the order they are sent, the requests, the guard.
    fn finish(mut self, live: &[LiveCostCenter], limit: Option<RemovalLimit>) -> Section {
        self.changes.sort_by_key(|c| match c {
            CostCenterChange::Create { .. } => 0,
            CostCenterChange::Update { .. } => 1,
            CostCenterChange::AddResource { .. } => 2,
            CostCenterChange::RemoveResource { .. } => 3,
            CostCenterChange::Archive { .. } => 4,
        });
        let r = self.requests;
        Section {
            digest: digest(live),
            blocked: guard(&self.changes, live, limit),
            changes: self.changes.iter().map(Change::of).collect(),
            requests: [
                r.creates,
                r.updates,
                r.adds,
                r.removes,
                r.late_updates,
                r.archives,
            ]
            .concat(),
            warnings: self.warnings,
        }
    }
}

/// Each declared cost center with the live one it is (by name, case-insensitively, else by
/// `renamed_from`), each live one matched at most once.
fn match_targets<'a>(
    file: &'a CostCenterFile,
    live: &'a [LiveCostCenter],
    warnings: &mut Vec<String>,
) -> Vec<Target<'a>> {
    let by_name = |name: &str| live.iter().find(|l| l.name.eq_ignore_ascii_case(name));
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let mut targets = Vec::new();
    // Names first, so that a rename never takes a cost center another entry names.
    for d in &file.declared {
        if let Some(l) = by_name(&d.name) {
            taken.insert(&l.id);
        }
    }
    for d in &file.declared {
        let mut found = by_name(&d.name);
        if found.is_none()
            && let Some(from) = &d.renamed_from
        {
            found = by_name(from).filter(|l| !taken.contains(l.id.as_str()));
            if found.is_none() {
                warnings.push(format!(
                    "cost center `{}` says `renamed_from: {from}`, but no active cost center `{from}` is free to rename: it is created",
                    d.name
                ));
            }
        }
        if let Some(l) = found {
            taken.insert(&l.id);
        }
        targets.push(Target {
            declared: d,
            live: found,
            id: found.map_or_else(|| placeholder(&d.name), |l| l.id.clone()),
        });
    }
    targets
}

fn sorted(resources: &[Resource]) -> Vec<&Resource> {
    let mut sorted: Vec<&Resource> = resources.iter().collect();
    sorted.sort_by_key(|r| r.key());
    sorted.dedup_by_key(|r| r.key());
    sorted
}

/// Requests of at most `BATCH` resources each, grouped by type in each body.
fn batches(method: Method, path: &str, resources: &[&Resource]) -> Vec<Request> {
    resources
        .chunks(BATCH)
        .map(|chunk| {
            let mut body = Map::new();
            for kind in ResourceType::ALL {
                let names: Vec<String> = chunk
                    .iter()
                    .filter(|r| r.kind == kind)
                    .map(|r| r.wire())
                    .collect();
                if !names.is_empty() {
                    body.insert(kind.key().into(), json!(names));
                }
            }
            Request {
                kind: None,
                method,
                path: path.to_string(),
                body: Value::Object(body),
                creates: None,
            }
        })
        .collect()
}

/// Why apply refuses the removals without `--allow-mass-removal`, if it does: resources
/// removed and cost centers archived, against `limits.max_removals` (a percentage is of
/// the resources in cost centers today).
fn guard(
    changes: &[CostCenterChange],
    live: &[LiveCostCenter],
    limit: Option<RemovalLimit>,
) -> Option<String> {
    let removed = changes
        .iter()
        .filter(|c| {
            matches!(
                c,
                CostCenterChange::RemoveResource { .. } | CostCenterChange::Archive { .. }
            )
        })
        .count() as u64;
    let total: u64 = live.iter().map(|c| c.resources.len() as u64 + 1).sum();
    let allowed = match limit? {
        RemovalLimit::Count(n) => n,
        RemovalLimit::Percent(p) => (total as f64 * p / 100.0).floor() as u64,
    };
    (removed > allowed).then(|| {
        format!(
            "the plan removes {removed} cost-center resource(s) and cost center(s), more than limits.max_removals allows ({allowed}): raise the limit in the same pull request, or apply with --allow-mass-removal"
        )
    })
}
