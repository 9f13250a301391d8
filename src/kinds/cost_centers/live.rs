//! The live cost centers of an enterprise: the active ones (one call, GitHub does not page
//! it), then every page of each declared one's resources (`has_next_page`).

use super::resource::{Resource, ResourceType};
use crate::github::{Client, GitHubError};
use crate::model::sha256_digest;
use serde::Deserialize;

/// Resources read per page of a cost center (GitHub's maximum).
const PER_PAGE: usize = 100;
/// A guard against a server that always says there is a next page.
const MAX_PAGES: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveCostCenter {
    pub id: String,
    pub name: String,
    pub ai_credit_pool: bool,
    pub resources: Vec<Resource>,
}

#[derive(Deserialize)]
struct Listed {
    #[serde(rename = "costCenters", default)]
    cost_centers: Vec<ListedCostCenter>,
}

#[derive(Deserialize)]
struct ListedCostCenter {
    id: String,
    name: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    ai_credit_pool_enabled: bool,
    #[serde(default)]
    resources: Vec<ListedResource>,
}

#[derive(Deserialize)]
struct ListedResource {
    #[serde(rename = "type")]
    kind: String,
    name: String,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    resources: Vec<ListedResource>,
    #[serde(default)]
    has_next_page: bool,
}

fn resources(listed: Vec<ListedResource>) -> Vec<Resource> {
    listed
        .into_iter()
        .filter_map(|r| {
            Some(Resource::listed(
                ResourceType::from_listed(&r.kind)?,
                &r.name,
            ))
        })
        .collect()
}

/// The base path of the cost centers of `enterprise`.
pub fn base(enterprise: &str) -> String {
    format!("/enterprises/{enterprise}/settings/billing/cost-centers")
}

/// The active cost centers of `enterprise`; those named in `full` (lowercased; `None`:
/// all) with every page of their resources, the others with the resources the list gives.
pub async fn fetch(
    client: &Client,
    enterprise: &str,
    full: Option<&std::collections::BTreeSet<String>>,
) -> Result<Vec<LiveCostCenter>, GitHubError> {
    let (listed, _) = client
        .get_json::<Listed>(&format!("{}?state=active", base(enterprise)))
        .await?;
    let mut live = Vec::new();
    for cost_center in listed.cost_centers {
        if cost_center.state.as_deref().is_some_and(|s| s != "active") {
            continue;
        }
        let resources = if full.is_none_or(|names| names.contains(&cost_center.name.to_lowercase()))
        {
            every_page(client, enterprise, &cost_center.id).await?
        } else {
            resources(cost_center.resources)
        };
        live.push(LiveCostCenter {
            id: cost_center.id,
            name: cost_center.name,
            ai_credit_pool: cost_center.ai_credit_pool_enabled,
            resources,
        });
    }
    Ok(live)
}

async fn every_page(
    client: &Client,
    enterprise: &str,
    id: &str,
) -> Result<Vec<Resource>, GitHubError> {
    let mut all = Vec::new();
    for page in 1..=MAX_PAGES {
        let path = format!("{}/{id}?page={page}&per_page={PER_PAGE}", base(enterprise));
        let (answer, _) = client.get_json::<Page>(&path).await?;
        all.extend(resources(answer.resources));
        if !answer.has_next_page {
            break;
        }
    }
    Ok(all)
}

/// The digest of the live cost centers: ids, names, pools and sorted resources.
pub fn digest(live: &[LiveCostCenter]) -> String {
    let mut lines: Vec<String> = live
        .iter()
        .map(|c| {
            let mut resources: Vec<String> = c
                .resources
                .iter()
                .map(|r| format!("{:?}:{}", r.kind, r.key().1))
                .collect();
            resources.sort();
            format!(
                "{}\t{}\t{}\t{}",
                c.id,
                c.name,
                c.ai_credit_pool,
                resources.join(",")
            )
        })
        .collect();
    lines.sort();
    sha256_digest(lines.join("\n").as_bytes())
}
