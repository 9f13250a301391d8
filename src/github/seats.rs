//! The Copilot seat endpoints and the look-ups the planner needs, decoded into the model.
//! Payloads are decoded into small structs holding only the fields we use; unknown fields
//! are ignored and every field but `created_at` may be missing (API.md).

use crate::github::client::Client;
use crate::github::error::GitHubError;
use crate::github::page::{self, Pager};
use crate::model::{LiveState, Login, Seat, SeatSource, TeamInfo, TeamSlug};
use futures::{StreamExt, stream};
use serde::{Deserialize, Serialize};

/// One page of `GET /orgs/{org}/copilot/billing/seats`.
#[derive(Debug, Deserialize)]
pub struct SeatPage {
    /// Counts seats pending cancellation too; never assumed to equal `seats.len()`.
    #[serde(default)]
    pub total_seats: Option<u64>,
    #[serde(default)]
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

impl RawSeat {
    /// The seat, or `None` when GitHub sent no assignee.
    pub fn into_seat(self) -> Option<Seat> {
        let assignee = self.assignee?;
        let source = match self.assigning_team {
            None => SeatSource::Direct,
            Some(team) => SeatSource::Team {
                name: team.name.unwrap_or_else(|| team.slug.clone()).into(),
                slug: TeamSlug::new(team.slug),
            },
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

/// Builds the live state from decoded pages.
pub fn live_state_from_pages(pages: impl IntoIterator<Item = SeatPage>) -> LiveState {
    let mut live = LiveState::default();
    for page in pages {
        add_page(&mut live, page);
    }
    live
}

/// Adds a page's seats as it arrives, in any order: raw pages are not kept.
fn add_page(live: &mut LiveState, page: SeatPage) {
    for mut raw in page.seats {
        if live.plan_type.is_none() {
            live.plan_type = raw.plan_type.take();
        }
        match raw.into_seat() {
            Some(seat) => live.add(seat),
            None => live.seats_without_assignee += 1,
        }
    }
}

/// Reads an offline snapshot: one seat-list answer, an array of them (pages), or several
/// answers one after another, as `gh api --paginate /orgs/ORG/copilot/billing/seats`
/// prints them.
pub fn live_state_from_snapshot(json: &str) -> Result<LiveState, serde_json::Error> {
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
        return serde_json::from_str::<SeatPage>(json).map(|page| live_state_from_pages([page]));
    }
    Ok(live_state_from_pages(pages))
}

/// How many times the seat list is read when it changes while being read.
const LIST_TRIES: usize = 3;
/// The most GitHub serves in one page.
const PER_PAGE: u64 = 100;

/// All seats of `org`, `per_page=100`. Page 1 gives `total_seats`, so the other pages are
/// read `concurrency` at a time; without it, `Link: rel="next"` is followed. Pages are
/// offsets, so a seat added or removed while they are read shifts the rest: when
/// `total_seats` differs between pages, the list is read again. `progress` hears
/// (pages read, pages in all).
pub async fn fetch_live_state(
    client: &Client,
    org: &str,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<LiveState, GitHubError> {
    for attempt in 1..=LIST_TRIES {
        if let Some(live) = read_seat_list(client, org, concurrency.max(1), progress).await? {
            return Ok(live);
        }
        client.log(format_args!(
            "the seat list changed while it was read (try {attempt} of {LIST_TRIES}): reading it again"
        ));
    }
    Err(GitHubError::ListKeptChanging {
        owner: org.to_string(),
        tries: LIST_TRIES,
    })
}

/// One reading of the list, or `None` when it changed meanwhile.
async fn read_seat_list(
    client: &Client,
    org: &str,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<LiveState>, GitHubError> {
    let base = format!("/orgs/{org}/copilot/billing/seats?per_page={PER_PAGE}");
    let first_url = format!("{base}&page=1");
    let (first, answer): (SeatPage, _) = client.get_json(&first_url).await?;
    let total = first.total_seats;
    let mut live = LiveState::default();
    add_page(&mut live, first);
    if page::next_link(&answer).is_none() {
        return Ok(Some(live));
    }
    let Some(total) = total else {
        // No count to plan the pages with: follow the links one by one.
        let mut pager = Pager::after(client, &first_url, &answer)?;
        while let Some((page, _)) = pager.next::<SeatPage>().await? {
            add_page(&mut live, page);
        }
        return Ok(Some(live));
    };
    let pages = usize::try_from(total.div_ceil(PER_PAGE).max(1)).unwrap_or(usize::MAX);
    progress(1, pages);
    let base = &base;
    let mut fetches = stream::iter(2..=pages)
        .map(|page| async move {
            let (seats, answer): (SeatPage, _) =
                client.get_json(&format!("{base}&page={page}")).await?;
            Ok::<_, GitHubError>((page, seats, page::next_link(&answer).is_some()))
        })
        .buffer_unordered(concurrency);
    let mut done = 1;
    let mut changed = false;
    while let Some(result) = fetches.next().await {
        let (page, seats, has_next) = result?;
        // Another count, or more pages than it implies: the list moved under us.
        changed |= seats.total_seats != Some(total) || (page == pages && has_next);
        add_page(&mut live, seats);
        done += 1;
        progress(done, pages);
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
        .into_seat()
        .map_or(UserSeat::NoSeat, |seat| UserSeat::Seat(Box::new(seat))))
}

/// A team's display name and members, or `None` when the team does not exist.
pub async fn fetch_team(
    client: &Client,
    org: &str,
    slug: &TeamSlug,
) -> Result<Option<TeamInfo>, GitHubError> {
    #[derive(Deserialize)]
    struct Team {
        name: String,
    }
    let answer = client.get(&format!("/orgs/{org}/teams/{slug}")).await?;
    if !answer.status.is_success() {
        return Ok(None);
    }
    let team: Team = answer.json()?;
    let members: Vec<RawUser> = page::all(
        client,
        format!("/orgs/{org}/teams/{slug}/members?per_page=100"),
    )
    .await?;
    Ok(Some(TeamInfo {
        name: team.name,
        members: members.into_iter().map(|u| Login::new(u.login)).collect(),
    }))
}
