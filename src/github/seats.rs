//! The Copilot seat endpoints and the look-ups the planner needs, decoded into the model.
//! Payloads are decoded into small structs holding only the fields we use; unknown fields
//! are ignored and every field but `created_at` may be missing (API.md).

use crate::github::client::Client;
use crate::github::error::GitHubError;
use crate::github::owner::Owner;
use crate::github::page::{self, Pager};
use crate::model::{LiveState, Login, Seat, SeatSource, TargetKind, TeamSlug};
use futures::{StreamExt, stream};
use serde::{Deserialize, Serialize};

/// One page of `GET /orgs/{org}/copilot/billing/seats`.
#[derive(Debug, Deserialize)]
pub struct SeatPage {
    /// Counts seats pending cancellation too; never assumed to equal `seats.len()`.
    #[serde(default)]
    pub total_seats: Option<u64>,
    /// Required: an answer without it is not a seat list (a decode error naming its shape,
    /// never an empty list).
    pub seats: Vec<RawSeat>,
}

#[derive(Debug, Deserialize)]
pub struct RawSeat {
    #[serde(default)]
    created_at: Box<str>,
    #[serde(default)]
    pending_cancellation_date: Option<Box<str>>,
    #[serde(default)]
    last_activity_at: Option<Box<str>>,
    #[serde(default)]
    last_activity_editor: Option<Box<str>>,
    #[serde(default)]
    plan_type: Option<String>,
    /// Null for some seats (API.md); such seats are skipped with a warning.
    #[serde(default)]
    assignee: Option<RawUser>,
    /// Null, or missing, for a direct seat.
    #[serde(default)]
    assigning_team: Option<RawTeam>,
    /// Enterprise lists only: the org whose assignment this grant is, or null.
    #[serde(default)]
    organization: Option<RawOrg>,
}

#[derive(Debug, Deserialize)]
struct RawOrg {
    login: String,
}

#[derive(Debug, Deserialize)]
struct RawUser {
    login: String,
}

#[derive(Debug, Deserialize)]
struct RawTeam {
    slug: String,
    #[serde(default)]
    name: Option<String>,
}

/// Where an enterprise seat object's grant comes from. GitHub returns "for each
/// organization or enterprise team which grants Copilot access to a user, a seat detail
/// object" (REST docs, "List all Copilot seat assignments for an enterprise"; the
/// `copilot-seat-details` schema of the OpenAPI description has `organization` and
/// `assigning_team`). So: an `organization` is that org's own assignment; no organization
/// and an `assigning_team` is an enterprise team's; neither is the user's own
/// enterprise-level licence (how that appears is not documented: API.md). Correct the
/// classification here, and only here.
pub fn classify_grant(
    organization: Option<&str>,
    team: Option<(&str, Option<&str>)>,
) -> SeatSource {
    match (organization, team) {
        (Some(org), _) => SeatSource::Org { org: org.into() },
        (None, Some((slug, name))) => SeatSource::Team {
            name: name.unwrap_or(slug).into(),
            slug: TeamSlug::new(slug),
        },
        (None, None) => SeatSource::Direct,
    }
}

impl RawSeat {
    /// The seat, or `None` when GitHub sent no assignee. `kind` says whose list it is: an
    /// enterprise's objects are grants, classified by `classify_grant`.
    pub fn into_seat_of(self, kind: TargetKind) -> Option<Seat> {
        let assignee = self.assignee?;
        let team = self
            .assigning_team
            .as_ref()
            .map(|t| (t.slug.as_str(), t.name.as_deref()));
        let source = match kind {
            TargetKind::Org => classify_grant(None, team),
            TargetKind::Enterprise => {
                classify_grant(self.organization.as_ref().map(|o| o.login.as_str()), team)
            }
        };
        Some(Seat {
            login: Login::new(assignee.login),
            source,
            pending_cancellation_date: self.pending_cancellation_date,
            created_at: self.created_at,
            last_activity_at: self.last_activity_at,
            last_activity_editor: self.last_activity_editor,
        })
    }
}

/// Adds a page's seats as it arrives, in any order: raw pages are not kept.
fn add_page(live: &mut LiveState, page: SeatPage, kind: TargetKind) {
    for mut raw in page.seats {
        if live.plan_type.is_none() {
            live.plan_type = raw.plan_type.take();
        }
        match raw.into_seat_of(kind) {
            Some(seat) if kind == TargetKind::Enterprise => live.add_grant(seat),
            Some(seat) => live.add(seat),
            None => live.seats_without_assignee += 1,
        }
    }
}

/// Reads an org's offline snapshot (see `live_state_from_snapshot_of`).
pub fn live_state_from_snapshot(json: &str) -> Result<LiveState, serde_json::Error> {
    live_state_from_snapshot_of(json, TargetKind::Org)
}

/// Reads an offline snapshot: one seat-list answer, an array of them (pages), or several
/// answers one after another, as `gh api --paginate /orgs/ORG/copilot/billing/seats`
/// prints them.
pub fn live_state_from_snapshot_of(
    json: &str,
    kind: TargetKind,
) -> Result<LiveState, serde_json::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Snapshot {
        Pages(Vec<SeatPage>),
        Page(SeatPage),
    }
    let mut pages = Vec::new();
    for document in serde_json::Deserializer::from_str(json).into_iter::<Snapshot>() {
        match document? {
            Snapshot::Pages(more) => pages.extend(more),
            Snapshot::Page(page) => pages.push(page),
        }
    }
    if pages.is_empty() {
        // The same error an empty text gives `serde_json::from_str`.
        pages.push(serde_json::from_str::<SeatPage>(json)?);
    }
    let mut live = LiveState::default();
    for page in pages {
        add_page(&mut live, page, kind);
    }
    Ok(live)
}

/// How many times the seat list is read when it changes while being read.
const LIST_TRIES: usize = 3;
/// The most GitHub serves in one page.
const PER_PAGE: u64 = 100;

/// All seats of `owner`, `per_page=100`, page by page as GitHub's `Link` header gives them:
/// page 1's `rel="last"` names the page count, so pages 2 to last are read `concurrency`
/// at a time, and any page after the last one that still links a `rel="next"` is followed.
/// The count is never derived from `total_seats`: an enterprise's list has one object per
/// grant while `total_seats` counts each user once (API.md "Enterprise"). Pages are
/// offsets, so a seat added or removed while they are read shifts the rest: when
/// `total_seats` (users, for an enterprise) differs between pages, the list is read again.
/// `progress` hears (pages read, pages in all).
pub async fn fetch_live_state(
    client: &Client,
    owner: &Owner,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<LiveState, GitHubError> {
    for attempt in 1..=LIST_TRIES {
        if let Some(live) = read_seat_list(client, owner, concurrency.max(1), progress).await? {
            return Ok(live);
        }
        client.log(format_args!(
            "the seat list changed while it was read (try {attempt} of {LIST_TRIES}): reading it again"
        ));
    }
    Err(GitHubError::ListKeptChanging {
        owner: owner.name.clone(),
        tries: LIST_TRIES,
    })
}

/// One reading of the list, or `None` when it changed meanwhile.
async fn read_seat_list(
    client: &Client,
    owner: &Owner,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<LiveState>, GitHubError> {
    let kind = owner.kind;
    let base = format!("{}?per_page={PER_PAGE}", owner.seats());
    let first_url = format!("{base}&page=1");
    let (first, answer): (SeatPage, _) = client.get_json(&first_url).await?;
    let total = first.total_seats;
    let mut live = LiveState::default();
    add_page(&mut live, first, kind);
    let pages = match (page::next_link(&answer), page::last_page(&answer)) {
        (None, _) => return Ok(Some(live)),
        (Some(_), Some(last)) => usize::try_from(last.max(2)).unwrap_or(usize::MAX),
        // No page count: follow the links one by one.
        (Some(_), None) => {
            let mut pager = Pager::after(client, &first_url, &answer)?;
            let mut changed = false;
            while let Some((page, _)) = pager.next::<SeatPage>().await? {
                changed |= page.total_seats != total;
                add_page(&mut live, page, kind);
            }
            return Ok((!changed).then_some(live));
        }
    };
    progress(1, pages);
    let base = &base;
    let mut fetches = stream::iter(2..=pages)
        .map(|page| async move {
            let url = format!("{base}&page={page}");
            let (seats, answer): (SeatPage, _) = client.get_json(&url).await?;
            Ok::<_, GitHubError>((page, url, seats, answer))
        })
        .buffer_unordered(concurrency);
    let mut done = 1;
    let mut changed = false;
    let mut beyond_last = None;
    while let Some(result) = fetches.next().await {
        let (page, url, seats, answer) = result?;
        // Another count: the list moved under us.
        changed |= seats.total_seats != total;
        if page == pages && page::next_link(&answer).is_some() {
            beyond_last = Some((url, answer));
        }
        add_page(&mut live, seats, kind);
        done += 1;
        progress(done, pages);
    }
    // The list grew past the last page page 1 announced: follow `next` from there.
    if let Some((url, answer)) = beyond_last {
        let mut pager = Pager::after(client, &url, &answer)?;
        while let Some((page, _)) = pager.next::<SeatPage>().await? {
            changed |= page.total_seats != total;
            add_page(&mut live, page, kind);
        }
    }
    Ok((!changed).then_some(live))
}

/// `GET /orgs/{org}/copilot/billing`: the settings and the seat breakdown. Every field
/// may be missing; unknown ones are ignored.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Billing {
    #[serde(default)]
    pub seat_management_setting: Option<String>,
    #[serde(default)]
    pub plan_type: Option<String>,
    #[serde(default)]
    pub seat_breakdown: SeatBreakdown,
    #[serde(default)]
    pub ide_chat: Option<String>,
    #[serde(default)]
    pub platform_chat: Option<String>,
    #[serde(default)]
    pub cli: Option<String>,
    #[serde(default)]
    pub public_code_suggestions: Option<String>,
}

/// Seats of the current billing cycle, as GitHub counts them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SeatBreakdown {
    /// Seats billed this cycle (those pending cancellation included).
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub added_this_cycle: Option<u64>,
    #[serde(default)]
    pub pending_invitation: Option<u64>,
    #[serde(default)]
    pub pending_cancellation: Option<u64>,
    #[serde(default)]
    pub active_this_cycle: Option<u64>,
    #[serde(default)]
    pub inactive_this_cycle: Option<u64>,
}

pub async fn fetch_billing(client: &Client, org: &str) -> Result<Billing, GitHubError> {
    Ok(client
        .get_json(&format!("/orgs/{org}/copilot/billing"))
        .await?
        .0)
}

/// What `GET /orgs/{org}/members/{username}/copilot` says of one user.
#[derive(Debug)]
pub enum UserSeat {
    Seat(Box<Seat>),
    /// 404: no seat (or no such member).
    NoSeat,
    /// 422: the user has not yet accepted the org's invitation.
    PendingInvitation,
}

pub async fn fetch_user_seat(
    client: &Client,
    org: &str,
    login: &Login,
) -> Result<UserSeat, GitHubError> {
    let path = format!("/orgs/{org}/members/{login}/copilot");
    let answer = match client.get(&path).await {
        Ok(answer) => answer,
        Err(e) if e.status() == Some(422) => return Ok(UserSeat::PendingInvitation),
        Err(e) => return Err(e),
    };
    if !answer.status.is_success() {
        return Ok(UserSeat::NoSeat);
    }
    let seat: RawSeat = answer.json()?;
    Ok(seat
        .into_seat_of(TargetKind::Org)
        .map_or(UserSeat::NoSeat, |seat| UserSeat::Seat(Box::new(seat))))
}

/// Every grant of one user's enterprise licence (`GET /enterprises/{e}/members/{u}/copilot`
/// answers a seat list, one object per grant), or `None` when the user holds none (404).
/// Another shape (one seat object, as the org endpoint answers) is a decode error.
pub async fn fetch_user_grants(
    client: &Client,
    owner: &Owner,
    login: &Login,
) -> Result<Option<Vec<Seat>>, GitHubError> {
    let answer = client.get(&owner.user_seat(login)).await?;
    if !answer.status.is_success() {
        return Ok(None);
    }
    let page: SeatPage = answer.json()?;
    Ok(Some(
        page.seats
            .into_iter()
            .filter_map(|raw| raw.into_seat_of(owner.kind))
            .collect(),
    ))
}
