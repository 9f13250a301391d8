//! Where a target's endpoints are: `/orgs/{org}` or `/enterprises/{enterprise}`. The read
//! paths of both shapes are built here (the write paths in `plan::Endpoints`).

use crate::model::{Login, TargetKind, TeamSlug};

/// An org or an enterprise, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub kind: TargetKind,
    pub name: String,
}

impl Owner {
    pub fn org(name: &str) -> Owner {
        Owner {
            kind: TargetKind::Org,
            name: name.to_string(),
        }
    }

    pub fn enterprise(name: &str) -> Owner {
        Owner {
            kind: TargetKind::Enterprise,
            name: name.to_string(),
        }
    }

    fn root(&self) -> String {
        match self.kind {
            TargetKind::Org => format!("/orgs/{}", self.name),
            TargetKind::Enterprise => format!("/enterprises/{}", self.name),
        }
    }

    /// The seat list (one object per seat for an org, per grant for an enterprise).
    pub fn seats(&self) -> String {
        format!("{}/copilot/billing/seats", self.root())
    }

    /// One user's seat: one seat for an org, `{total_seats, seats}` of grants for an
    /// enterprise.
    pub fn user_seat(&self, login: &Login) -> String {
        format!("{}/members/{login}/copilot", self.root())
    }

    /// The team list, 100 a page.
    pub fn teams(&self) -> String {
        format!("{}/teams", self.root())
    }

    /// One team. Enterprise team slugs keep their `ent:` prefix in the path (API.md; the
    /// preview API's assumption, kept here alone).
    pub fn team(&self, slug: &TeamSlug) -> String {
        format!("{}/teams/{slug}", self.root())
    }

    /// A team's members, 100 a page.
    pub fn team_members(&self, slug: &TeamSlug) -> String {
        match self.kind {
            TargetKind::Org => format!("{}/teams/{slug}/members?per_page=100", self.root()),
            TargetKind::Enterprise => {
                format!("{}/teams/{slug}/memberships?per_page=100", self.root())
            }
        }
    }
}
