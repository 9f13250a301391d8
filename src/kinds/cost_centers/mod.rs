//! Cost centers, the second kind (SPEC 14): who pays for what in an enterprise. The file's
//! section (`file`), the live cost centers (`live`), the pure planner (`plan`), the names
//! of resources (`resource`); here the kind's words, its saved-request check and apply's
//! hooks.

mod file;
mod live;
mod plan;
mod resource;

pub use file::{CostCenterFile, valid};
pub use live::LiveCostCenter;
pub use resource::ResourceType;

use plan::{BATCH, CostCenterChange};

use crate::apply::Outcome;
use crate::config::FileError;
use crate::github::GitHubError;
use crate::kinds::{
    Failure, FileSections, Item, Kind, KindInput, Line, Section, SectionKind, Sign,
};
use crate::model::TargetKind;
use crate::plan::{Change, Method, PlanMeta, Request};
use futures::future::BoxFuture;
use serde_json::Value;
use std::collections::BTreeSet;

pub struct CostCenters;

pub static COST_CENTERS: CostCenters = CostCenters;

/// What a token needs for cost centers (API.md).
const PERMISSION: &str = "cost centers need a classic PAT of an enterprise owner or billing manager with the manage_billing:enterprise scope, or an enterprise GitHub App with the \"Enterprise billing\" permission (read and write) on its enterprise installation";

impl CostCenters {
    /// The cost center a request writes: the name of its placeholder, or the name the plan
    /// gives the id in its path.
    fn cost_center_of(request: &Request, changes: &[Change]) -> String {
        let tail = request
            .path
            .split("/cost-centers/")
            .nth(1)
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("");
        if let Some(name) = tail
            .strip_prefix("{cost_center:")
            .and_then(|t| t.strip_suffix('}'))
        {
            return name.to_string();
        }
        changes
            .iter()
            .filter(|c| c.kind() == "cost_centers")
            .filter_map(|c| c.decode::<CostCenterChange>())
            .find_map(|c| match c {
                CostCenterChange::Update { id, name, .. }
                | CostCenterChange::Archive { id, name, .. }
                    if id == tail =>
                {
                    Some(name)
                }
                _ => None,
            })
            .or_else(|| {
                // A cost center whose only changes are its resources: named by the change
                // of a resource this request writes.
                let sent: BTreeSet<(ResourceType, String)> = resources_of(request)
                    .into_iter()
                    .map(|(kind, n)| (kind, n.to_lowercase()))
                    .collect();
                let adds = request.method == Method::Post;
                changes
                    .iter()
                    .filter_map(|c| c.decode::<CostCenterChange>())
                    .find_map(|c| {
                        let (cost_center, kind, name) = match c {
                            CostCenterChange::AddResource {
                                cost_center,
                                resource_type,
                                name,
                                ..
                            } if adds => (cost_center, resource_type, name),
                            CostCenterChange::RemoveResource {
                                cost_center,
                                resource_type,
                                name,
                                ..
                            } if !adds => (cost_center, resource_type, name),
                            _ => return None,
                        };
                        let key = (kind, resource::wire_name_of(&name).to_lowercase());
                        sent.contains(&key).then_some(cost_center)
                    })
            })
            .unwrap_or_else(|| tail.to_string())
    }
}

/// The resources a `/resource` request's body names.
fn resources_of(request: &Request) -> Vec<(ResourceType, String)> {
    let mut all = Vec::new();
    for kind in ResourceType::ALL {
        if let Some(Value::Array(names)) = request.body.get(kind.key()) {
            all.extend(
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|n| (kind, n.to_string())),
            );
        }
    }
    all
}

impl Kind for CostCenters {
    fn name(&self) -> &'static str {
        "cost_centers"
    }

    fn title(&self) -> &'static str {
        "cost centers"
    }

    fn check_request(&self, meta: &PlanMeta, request: &Request) -> Result<(), String> {
        let foreign = || {
            format!(
                "the plan holds a {} request to `{}` that copilot-seats does not make for cost centers of `{}`",
                request.method,
                request.path,
                meta.target()
            )
        };
        let Some(enterprise) = &meta.enterprise else {
            return Err(foreign());
        };
        let base = live::base(enterprise);
        let Some(rest) = request.path.strip_prefix(&base) else {
            return Err(foreign());
        };
        let segments: Vec<&str> = rest.split('/').skip(1).collect();
        let body_keys: BTreeSet<&str> = request
            .body
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let only = |allowed: &[&str]| body_keys.iter().all(|k| allowed.contains(k));
        let fits = match (request.method, segments.as_slice()) {
            (Method::Post, []) => {
                request.body.get("name").and_then(Value::as_str).is_some()
                    && only(&["name", "ai_credit_pool_enabled"])
            }
            (Method::Patch, [_]) => {
                !body_keys.is_empty() && only(&["name", "ai_credit_pool_enabled"])
            }
            (Method::Delete, [_]) => request.body.is_null(),
            (Method::Post | Method::Delete, [_, "resource"]) => {
                let count = resources_of(request).len();
                if count == 0 || count > BATCH {
                    return Err(format!(
                        "the plan holds a cost-center request with {count} resources; copilot-seats sends 1 to {BATCH} (GitHub's limit)"
                    ));
                }
                only(&["users", "organizations", "repositories", "enterprise_teams"])
            }
            _ => false,
        };
        if fits { Ok(()) } else { Err(foreign()) }
    }

    fn line(&self, change: &Change) -> Line {
        let (sign, group, noun, subject, before_after, reason) = match change.decode() {
            Some(change) => words(change),
            None => (
                Sign::Update,
                "Cost center changes",
                "cost center".to_string(),
                change.action().to_string(),
                None,
                String::new(),
            ),
        };
        Line {
            sign,
            group: group.to_string(),
            noun,
            subject,
            label: None,
            change: before_after,
            reason,
            note: change.note().map(str::to_string),
            details: Vec::new(),
        }
    }

    fn unchanged(&self, plan: &crate::plan::Plan) -> String {
        format!("the cost centers of {} match the file", plan.meta.target())
    }

    fn items(&self, request: &Request, changes: &[Change]) -> Vec<Item> {
        let cost_center = CostCenters::cost_center_of(request, changes);
        let item = |action: String, name: &str| Item {
            action,
            name: name.to_string(),
            key: name.to_string(),
        };
        match (request.method, request.path.ends_with("/resource")) {
            (method, true) => resources_of(request)
                .into_iter()
                .map(|(kind, name)| {
                    let action = match method {
                        Method::Delete => format!("remove {} from {cost_center}", kind.noun()),
                        _ => format!("add {} to {cost_center}", kind.noun()),
                    };
                    let shown = match kind {
                        ResourceType::Team => format!("ent:{name}"),
                        _ => name.clone(),
                    };
                    Item {
                        action,
                        name: shown,
                        key: name,
                    }
                })
                .collect(),
            (Method::Post, false) => vec![item(
                "create cost center".into(),
                &cost_center_name(request),
            )],
            (Method::Delete, false) => vec![item("archive cost center".into(), &cost_center)],
            _ => vec![item("update cost center".into(), &cost_center)],
        }
    }

    fn failure(&self, request: &Request, error: &GitHubError) -> Failure {
        match error {
            // GitHub's 400 names the resources it does not know: drop them, send the rest.
            GitHubError::Status {
                status: 400,
                message,
                ..
            } if request.path.ends_with("/resource") => {
                let unknown = unknown_resources(request, message);
                if unknown.is_empty() {
                    Failure::Fatal
                } else {
                    Failure::Unknown(unknown)
                }
            }
            GitHubError::Status { status, .. } if *status >= 500 => Failure::Unclear,
            GitHubError::Network { .. } => Failure::Unclear,
            _ => Failure::Fatal,
        }
    }

    fn unknown(&self, request: &Request, key: &str) -> Outcome {
        match request.method {
            Method::Delete => Outcome::AlreadyDone,
            _ => Outcome::Failed(format!(
                "GitHub does not know `{key}`: check the name in the cost center of the file (GitHub answered 400)"
            )),
        }
    }

    fn without(&self, request: &Request, dropped: &[String]) -> Option<Request> {
        let mut body = serde_json::Map::new();
        for kind in ResourceType::ALL {
            let kept: Vec<String> = resources_of(request)
                .into_iter()
                .filter(|(k, n)| *k == kind && !dropped.iter().any(|d| d.eq_ignore_ascii_case(n)))
                .map(|(_, n)| n)
                .collect();
            if !kept.is_empty() {
                body.insert(kind.key().into(), serde_json::json!(kept));
            }
        }
        (!body.is_empty()).then(|| Request {
            body: Value::Object(body),
            ..request.clone()
        })
    }

    fn answered(&self, request: &Request, answer: &Value, changes: &[Change]) -> Vec<String> {
        if request.method != Method::Post || !request.path.ends_with("/resource") {
            return Vec::new();
        }
        let cost_center = CostCenters::cost_center_of(request, changes);
        let sent: BTreeSet<(ResourceType, String)> = resources_of(request)
            .into_iter()
            .map(|(k, n)| (k, n.to_lowercase()))
            .collect();
        // A cost center renamed by this plan is renamed before resources move.
        let renamed: std::collections::BTreeMap<String, String> = changes
            .iter()
            .filter_map(|c| match c.decode::<CostCenterChange>()? {
                CostCenterChange::Update {
                    name,
                    renamed_from: Some(from),
                    ..
                } => Some((from.to_lowercase(), name.to_lowercase())),
                _ => None,
            })
            .collect();
        let expected: BTreeSet<(ResourceType, String, String)> = changes
            .iter()
            .filter_map(|c| c.decode::<CostCenterChange>())
            .filter_map(|c| match c {
                CostCenterChange::AddResource {
                    resource_type,
                    name,
                    moved_from: Some(from),
                    cost_center: to,
                } if to == cost_center => {
                    let key = (resource_type, resource::wire_name_of(&name).to_lowercase());
                    let from = from.to_lowercase();
                    let from = renamed.get(&from).cloned().unwrap_or(from);
                    sent.contains(&key).then_some((key.0, key.1, from))
                }
                _ => None,
            })
            .collect();
        let reported: BTreeSet<(ResourceType, String, String)> = answer
            .get("reassigned_resources")
            .and_then(Value::as_array)
            .map(|moved| {
                moved
                    .iter()
                    .filter_map(|m| {
                        Some((
                            ResourceType::from_reassigned(m.get("resource_type")?.as_str()?)?,
                            resource::wire_name_of(m.get("name")?.as_str()?).to_lowercase(),
                            m.get("previous_cost_center")?.as_str()?.to_lowercase(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut notes = Vec::new();
        for (kind, name, from) in reported.difference(&expected) {
            notes.push(format!(
                "{} `{name}` was moved to {cost_center} from `{from}`, which the plan did not show: another change happened at GitHub since the plan; review that cost center",
                kind.noun()
            ));
        }
        for (kind, name, from) in expected.difference(&reported) {
            notes.push(format!(
                "the plan moved {} `{name}` from `{from}` to {cost_center}, but GitHub reports no move: plan again to see where it is",
                kind.noun()
            ));
        }
        notes
    }

    fn permission_hint(&self, _request: &Request, status: u16) -> Option<String> {
        matches!(status, 401 | 403).then(|| PERMISSION.to_string())
    }
}

impl SectionKind for CostCenters {
    fn keys(&self, target: TargetKind) -> &'static [&'static str] {
        match target {
            TargetKind::Enterprise => &["cost_centers"],
            TargetKind::Org => &[],
        }
    }

    fn check(&self, sections: &FileSections<'_>, errors: &mut Vec<FileError>) {
        file::check(sections, errors);
    }

    fn plan<'a>(&'a self, input: &'a KindInput<'a>) -> BoxFuture<'a, anyhow::Result<Section>> {
        Box::pin(async move {
            let desired = &input.file.desired;
            let enterprise = desired.org.as_str();
            let section = file::read(&desired.root);
            let Some(client) = input.client else {
                return Ok(Section::offline(self.title()));
            };
            let declared: BTreeSet<String> = section
                .declared
                .iter()
                .flat_map(|d| {
                    std::iter::once(d.name.to_lowercase())
                        .chain(d.renamed_from.iter().map(|f| f.to_lowercase()))
                })
                .collect();
            let live = live::fetch(client, enterprise, Some(&declared))
                .await
                .map_err(|error| read_error(error, enterprise))?;
            Ok(plan::plan(
                &section,
                &live,
                &plan::Context {
                    enterprise,
                    max_removals: desired.limits.max_removals,
                },
            ))
        })
    }
}

/// The names of the active cost centers of `enterprise`, lowercased: one call, no
/// resources (a budget's cost center must exist).
pub async fn names(
    client: &crate::github::Client,
    enterprise: &str,
) -> anyhow::Result<BTreeSet<String>> {
    let listed = live::fetch(client, enterprise, Some(&BTreeSet::new()))
        .await
        .map_err(|e| read_error(e, enterprise))?;
    Ok(listed.into_iter().map(|c| c.name.to_lowercase()).collect())
}

/// Every active cost center of `enterprise` with every page of its resources (`export`).
pub async fn fetch_all(
    client: &crate::github::Client,
    enterprise: &str,
) -> anyhow::Result<Vec<LiveCostCenter>> {
    live::fetch(client, enterprise, None)
        .await
        .map_err(|e| read_error(e, enterprise))
}

/// A failed read of the cost centers, with what a refused token needs.
fn read_error(error: GitHubError, enterprise: &str) -> anyhow::Error {
    crate::kinds::read_error(
        error,
        PERMISSION,
        format!("cannot list the cost centers of enterprise `{enterprise}`"),
    )
}

/// A change's sign, group, noun, subject, before and after, and reason.
type Words = (
    Sign,
    &'static str,
    String,
    String,
    Option<(String, String)>,
    String,
);

fn words(change: CostCenterChange) -> Words {
    let cost_center = || "cost center".to_string();
    match change {
        CostCenterChange::Create {
            name,
            ai_credit_pool,
            reason,
        } => {
            let pool = if ai_credit_pool {
                ", AI-credit pool on"
            } else {
                ""
            };
            (
                Sign::Add,
                "Cost centers created",
                cost_center(),
                name,
                None,
                format!("{reason}{pool}"),
            )
        }
        CostCenterChange::Update {
            name,
            renamed_from,
            ai_credit_pool,
            reason,
            ..
        } => {
            let before_after = update_words(&name, renamed_from, ai_credit_pool);
            (
                Sign::Update,
                "Cost centers changed",
                cost_center(),
                name,
                before_after,
                reason,
            )
        }
        CostCenterChange::AddResource {
            cost_center: to,
            resource_type,
            name,
            moved_from,
        } => {
            let noun = resource_type.noun().to_string();
            match moved_from {
                Some(from) => (
                    Sign::Update,
                    "Resources moved",
                    noun,
                    name,
                    None,
                    format!("moves from {from} to {to}"),
                ),
                None => (
                    Sign::Add,
                    "Resources added",
                    noun,
                    name,
                    None,
                    format!("to {to}"),
                ),
            }
        }
        CostCenterChange::RemoveResource {
            resource_type,
            name,
            reason,
            ..
        } => (
            Sign::Remove,
            "Resources removed",
            resource_type.noun().to_string(),
            name,
            None,
            reason,
        ),
        CostCenterChange::Archive {
            name,
            resources,
            reason,
            ..
        } => (
            Sign::Remove,
            "Cost centers archived",
            cost_center(),
            name,
            None,
            format!("{reason}; {resources} resource(s) leave it"),
        ),
    }
}

/// Before and after of an update: the name, the pool, or both.
fn update_words(
    name: &str,
    renamed_from: Option<String>,
    pool: Option<bool>,
) -> Option<(String, String)> {
    match (renamed_from, pool) {
        (Some(from), None) => Some((from, name.to_string())),
        (None, Some(pool)) => Some((pool_word(!pool), pool_word(pool))),
        (Some(from), Some(pool)) => Some((
            format!("{from}, {}", pool_word(!pool)),
            format!("{name}, {}", pool_word(pool)),
        )),
        (None, None) => None,
    }
}

fn pool_word(on: bool) -> String {
    if on {
        "AI-credit pool on"
    } else {
        "AI-credit pool off"
    }
    .to_string()
}

/// The name a creating request gives its cost center.
fn cost_center_name(request: &Request) -> String {
    request
        .body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The resources of `request` that GitHub's 400 `message` names (one assumption, here: the
/// message lists the unknown names; GitHub documents no format).
fn unknown_resources(request: &Request, message: &str) -> Vec<String> {
    let words: BTreeSet<String> = message
        .split(|c: char| c.is_whitespace() || ",;:()[]\"'`".contains(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    resources_of(request)
        .into_iter()
        .filter(|(_, name)| words.contains(&name.to_lowercase()))
        .map(|(_, name)| name)
        .collect()
}
