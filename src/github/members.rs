//! Org membership and team look-ups at scale (SPEC 4 and 9): whichever is cheaper of one
//! request per name and listing, so that adopting 20,000 members costs about 200 member
//! pages, not 20,000 checks. Page 1 of the list is read first: it holds some of the names
//! and its `Link rel="last"` gives the page count. Then the names not found on it are
//! checked one by one when there are fewer of them than pages left, else the other pages
//! are read (in parallel). At most `min(names, pages) + 1` requests either way.

use crate::github::client::Client;
use crate::github::error::GitHubError;
use crate::github::owner::Owner;
use crate::github::page;
use crate::model::{Login, TeamInfo, TeamSlug};
use futures::{StreamExt, TryStreamExt, stream};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const PER_PAGE: u64 = 100;
/// Up to this many names are asked for one by one without reading page 1: two requests
/// never exceed `min(2, pages) + 1`, whatever the page count.
const DIRECT_AT_MOST: usize = 2;

#[derive(Debug, Deserialize)]
struct ListedUser {
    login: String,
}

#[derive(Debug, Deserialize)]
struct ListedTeam {
    slug: String,
    name: String,
}

/// What page 1 of a list gave, and how many pages there are.
struct FirstPage<T> {
    items: Vec<T>,
    pages: u64,
}

async fn first_page<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: &str,
) -> Result<FirstPage<T>, GitHubError> {
    let (items, answer) = client
        .get_json::<Vec<T>>(&format!("{path}?per_page={PER_PAGE}&page=1"))
        .await?;
    let pages = page::last_page(&answer).unwrap_or(1).max(1);
    Ok(FirstPage { items, pages })
}

/// Pages 2..=`pages` of a list, `concurrency` at a time.
async fn other_pages<T: serde::de::DeserializeOwned + Send>(
    client: &Client,
    path: &str,
    pages: u64,
    concurrency: usize,
) -> Result<Vec<T>, GitHubError> {
    let lists: Vec<Vec<T>> = stream::iter(2..=pages)
        .map(|page| async move {
            let (items, _) = client
                .get_json::<Vec<T>>(&format!("{path}?per_page={PER_PAGE}&page={page}"))
                .await?;
            Ok::<_, GitHubError>(items)
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(lists.into_iter().flatten().collect())
}

/// Whether each of `logins` is a member of `org`, which has at least `members_at_least`
/// members (its seat holders): that many make at least that many pages, so up to that many
/// names are checked one by one without reading page 1.
pub async fn membership(
    client: &Client,
    org: &str,
    logins: Vec<Login>,
    members_at_least: u64,
    concurrency: usize,
) -> Result<BTreeMap<Login, bool>, GitHubError> {
    let check = |login: Login| async move {
        let answer = client.get(&format!("/orgs/{org}/members/{login}")).await?;
        Ok::<_, GitHubError>((login, answer.status.is_success()))
    };
    let pages_at_least = usize::try_from(members_at_least.div_ceil(PER_PAGE)).unwrap_or(usize::MAX);
    if logins.len() <= DIRECT_AT_MOST.max(pages_at_least) {
        return stream::iter(logins)
            .map(check)
            .buffer_unordered(concurrency.max(1))
            .try_collect()
            .await;
    }
    let path = format!("/orgs/{org}/members");
    let first = first_page::<ListedUser>(client, &path).await?;
    let mut members: BTreeSet<Login> = first
        .items
        .into_iter()
        .map(|u| Login::new(u.login))
        .collect();
    let rest: Vec<Login> = logins
        .iter()
        .filter(|l| !members.contains(*l))
        .cloned()
        .collect();
    let pages_left = first.pages - 1;
    if (rest.len() as u64) <= pages_left {
        let mut answers: BTreeMap<Login, bool> = stream::iter(rest)
            .map(check)
            .buffer_unordered(concurrency.max(1))
            .try_collect()
            .await?;
        for login in logins {
            let member = members.contains(&login);
            answers.entry(login).or_insert(member);
        }
        return Ok(answers);
    }
    client.log(format_args!(
        "{} users to add: listing the {} member pages of {org} instead of checking each",
        logins.len(),
        first.pages
    ));
    let listed: Vec<ListedUser> = other_pages(client, &path, first.pages, concurrency).await?;
    members.extend(listed.into_iter().map(|u| Login::new(u.login)));
    Ok(logins
        .into_iter()
        .map(|login| {
            let member = members.contains(&login);
            (login, member)
        })
        .collect())
}

/// Each of `slugs`' display name and members, or `None` when the team does not exist in
/// `org`. Names come from one `GET /orgs/{org}/teams/{slug}` each, or from listing the
/// org's teams when that is cheaper; members from each existing team's member pages.
pub async fn teams(
    client: &Client,
    owner: &Owner,
    slugs: Vec<TeamSlug>,
    concurrency: usize,
) -> Result<BTreeMap<TeamSlug, Option<TeamInfo>>, GitHubError> {
    let names = team_names(client, owner, &slugs, concurrency).await?;
    stream::iter(slugs)
        .map(|slug| {
            let name = names.get(&slug).cloned();
            async move {
                let Some(name) = name else {
                    return Ok((slug, None));
                };
                let members: Vec<ListedUser> = page::all(client, owner.team_members(&slug)).await?;
                let members = members.into_iter().map(|u| Login::new(u.login)).collect();
                Ok::<_, GitHubError>((slug, Some(TeamInfo { name, members })))
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await
}

/// The display names of those of `slugs` that exist.
async fn team_names(
    client: &Client,
    owner: &Owner,
    slugs: &[TeamSlug],
    concurrency: usize,
) -> Result<BTreeMap<TeamSlug, String>, GitHubError> {
    let get = |slug: TeamSlug| async move {
        #[derive(Deserialize)]
        struct Team {
            name: String,
        }
        let answer = client.get(&owner.team(&slug)).await?;
        if !answer.status.is_success() {
            return Ok::<_, GitHubError>(None);
        }
        let team: Team = answer.json()?;
        Ok(Some((slug, team.name)))
    };
    let by_request = |wanted: Vec<TeamSlug>| async move {
        let found: Vec<Option<(TeamSlug, String)>> = stream::iter(wanted)
            .map(get)
            .buffer_unordered(concurrency.max(1))
            .try_collect()
            .await?;
        Ok::<_, GitHubError>(found.into_iter().flatten().collect::<BTreeMap<_, _>>())
    };
    if slugs.len() <= DIRECT_AT_MOST {
        return by_request(slugs.to_vec()).await;
    }
    let path = owner.teams();
    let first = first_page::<ListedTeam>(client, &path).await?;
    let wanted: BTreeSet<&TeamSlug> = slugs.iter().collect();
    let mut names: BTreeMap<TeamSlug, String> = first
        .items
        .into_iter()
        .map(|t| (TeamSlug::new(t.slug), t.name))
        .filter(|(slug, _)| wanted.contains(slug))
        .collect();
    let rest: Vec<TeamSlug> = slugs
        .iter()
        .filter(|s| !names.contains_key(*s))
        .cloned()
        .collect();
    if (rest.len() as u64) < first.pages {
        names.extend(by_request(rest).await?);
        return Ok(names);
    }
    let listed: Vec<ListedTeam> = other_pages(client, &path, first.pages, concurrency).await?;
    names.extend(
        listed
            .into_iter()
            .map(|t| (TeamSlug::new(t.slug), t.name))
            .filter(|(slug, _)| wanted.contains(slug)),
    );
    Ok(names)
}
