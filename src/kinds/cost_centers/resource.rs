//! What a cost center holds: users, organizations, repositories and enterprise teams, and
//! how each is spelt in the file, in request bodies and in GitHub's two answers (API.md:
//! `resources[].type` is `User`, `Org`, `Repo`, `Team`; `reassigned_resources[].resource_type`
//! is `user`, `organization`, `repository`, `team`).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    User,
    Organization,
    Repository,
    #[serde(rename = "enterprise_team")]
    Team,
}

impl ResourceType {
    pub const ALL: [ResourceType; 4] = [
        ResourceType::User,
        ResourceType::Organization,
        ResourceType::Repository,
        ResourceType::Team,
    ];

    /// The key in the file and in request bodies.
    pub fn key(self) -> &'static str {
        match self {
            ResourceType::User => "users",
            ResourceType::Organization => "organizations",
            ResourceType::Repository => "repositories",
            ResourceType::Team => "enterprise_teams",
        }
    }

    /// For people: `user`, `enterprise team`.
    pub fn noun(self) -> &'static str {
        match self {
            ResourceType::User => "user",
            ResourceType::Organization => "organization",
            ResourceType::Repository => "repository",
            ResourceType::Team => "enterprise team",
        }
    }

    /// From `resources[].type` of a cost center.
    pub fn from_listed(text: &str) -> Option<ResourceType> {
        match text.to_ascii_lowercase().as_str() {
            "user" => Some(ResourceType::User),
            "org" | "organization" => Some(ResourceType::Organization),
            "repo" | "repository" => Some(ResourceType::Repository),
            "team" | "enterprise_team" | "enterpriseteam" => Some(ResourceType::Team),
            _ => None,
        }
    }

    /// From `reassigned_resources[].resource_type` of an answer.
    pub fn from_reassigned(text: &str) -> Option<ResourceType> {
        ResourceType::from_listed(text)
    }
}

/// One resource, as the file names it (an enterprise team with its `ent:` slug).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resource {
    pub kind: ResourceType,
    pub name: String,
}

impl Resource {
    pub fn new(kind: ResourceType, name: &str) -> Resource {
        Resource {
            kind,
            name: name.to_string(),
        }
    }

    /// A resource GitHub listed (`{type, name}`), named as the file names it.
    pub fn listed(kind: ResourceType, name: &str) -> Resource {
        match kind {
            ResourceType::Team => Resource::new(kind, &format!("ent:{}", wire_name(kind, name))),
            _ => Resource::new(kind, name),
        }
    }

    /// The identity: names compare case-insensitively, teams with or without `ent:`.
    pub fn key(&self) -> (ResourceType, String) {
        (
            self.kind,
            wire_name(self.kind, &self.name).to_ascii_lowercase(),
        )
    }

    /// The name a request body carries.
    pub fn wire(&self) -> String {
        wire_name(self.kind, &self.name).to_string()
    }
}

/// How a resource is named in requests and in GitHub's answers. The one assumption about
/// enterprise teams (the OpenAPI description gives no format; its example lists a team as
/// `enterprise-team-1`): GitHub names them by their slug without the `ent:` prefix that
/// the seat endpoints' team slugs carry, and takes that name back in `enterprise_teams`.
pub fn wire_name(kind: ResourceType, name: &str) -> &str {
    match kind {
        ResourceType::Team => name.strip_prefix("ent:").unwrap_or(name),
        _ => name,
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// `wire_name` of a name whose type is not at hand (a team's `ent:` dropped).
pub fn wire_name_of(name: &str) -> &str {
    name.strip_prefix("ent:").unwrap_or(name)
}
