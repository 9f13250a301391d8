//! `seats`: the live seats, filtered, as a table, CSV or JSON; `--user` for one seat.

use crate::cli::{SeatsArgs, SeatsFormat};
use crate::commands::{Context, EXIT_OK};
use crate::config::{is_valid_account, is_valid_enterprise_team, is_valid_login, is_valid_slug};
use crate::github::Client;
use crate::github::members;
use crate::github::owner::Owner;
use crate::github::seats::{UserSeat, fetch_user_grants, fetch_user_seat};
use crate::inventory::{self, SeatFilter, SeatRow};
use crate::model::{LiveState, Login, TargetKind, TeamSlug};
use crate::render;
use anyhow::{Context as _, bail};

pub async fn run(ctx: &Context<'_>, args: &SeatsArgs) -> anyhow::Result<i32> {
    let owner = match &args.enterprise {
        Some(slug) => {
            if let Err(why) = is_valid_account(slug) {
                bail!("`{slug}` is not an enterprise slug: {why}");
            }
            Owner::enterprise(slug)
        }
        None => Owner::org(&ctx.org(args.org.as_deref())?),
    };
    let today = ctx.today()?;
    let rows = match (&args.user, owner.kind) {
        (Some(login), TargetKind::Org) => vec![user_seat(ctx, &owner.name, login, today).await?],
        (Some(login), TargetKind::Enterprise) => {
            vec![enterprise_user(ctx, &owner, login, today).await?]
        }
        (None, _) => {
            let (live, client) = ctx.pipeline.seats(args.state.as_deref(), &owner).await?;
            ctx.warn_unassigned(&live, "listed");
            let team = match &args.team {
                Some(team) => Some(known_team(&live, client.as_ref(), &owner, team).await?),
                None => None,
            };
            let filter = SeatFilter {
                inactive_days: args.inactive_days,
                never_used: args.never_used,
                team,
            };
            inventory::rows(&live, &filter, today)
        }
    };
    print!(
        "{}",
        match args.format {
            SeatsFormat::Table => render::seats::table(&rows),
            SeatsFormat::Csv => render::seats::csv(&rows),
            SeatsFormat::Json => render::seats::json(&rows),
        }
    );
    Ok(EXIT_OK)
}

/// The `--team` filter's slug, checked: a team seen on the seats, or (online) one that
/// exists but gives no seat. A display name gets a hint with the slug; an unknown team is
/// an error, not an empty list.
async fn known_team(
    live: &LiveState,
    client: Option<&Client>,
    owner: &Owner,
    given: &str,
) -> anyhow::Result<TeamSlug> {
    let org = owner.name.as_str();
    let visible = live.visible_teams();
    let slug = TeamSlug::new(given);
    if visible.contains_key(&slug) {
        return Ok(slug);
    }
    if let Some((slug, name)) = visible
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(given.trim()))
    {
        bail!(
            "`{given}` is the display name of team `{slug}` (\"{name}\"): --team takes the slug: `--team {slug}`"
        );
    }
    let seen = || {
        let slugs: Vec<String> = visible.keys().map(ToString::to_string).collect();
        if slugs.is_empty() {
            "no seat comes through a team".to_string()
        } else {
            format!("seats come through: {}", slugs.join(", "))
        }
    };
    let valid = match owner.kind {
        TargetKind::Org => is_valid_slug(given),
        TargetKind::Enterprise => is_valid_enterprise_team(given),
    };
    if let Err(why) = valid {
        bail!(
            "`{given}` is not a team slug ({why}): --team takes the slug from the team's URL, github.com/orgs/{org}/teams/SLUG; {}",
            seen()
        );
    }
    let Some(client) = client else {
        bail!(
            "no seat in the snapshot comes through team `{given}`: check the slug; {}",
            seen()
        );
    };
    let found = members::teams(client, owner, vec![slug.clone()], 1)
        .await
        .with_context(|| format!("cannot look up team `{given}` in `{org}`"))?;
    if found.get(&slug).is_none_or(Option::is_none) {
        bail!(
            "team `{given}` does not exist in `{org}`: check the slug at github.com/orgs/{org}/teams; {}",
            seen()
        );
    }
    Ok(slug)
}

/// One user's enterprise licence, with every grant, from
/// `GET /enterprises/{e}/members/{login}/copilot`; no licence is an error.
async fn enterprise_user(
    ctx: &Context<'_>,
    owner: &Owner,
    login: &str,
    today: time::Date,
) -> anyhow::Result<SeatRow> {
    if let Err(why) = is_valid_login(login) {
        bail!("`{login}` is not a GitHub login: {why}");
    }
    let client = ctx.pipeline.client(owner).await?;
    let grants = fetch_user_grants(&client, owner, &Login::new(login))
        .await
        .with_context(|| {
            format!(
                "cannot read the Copilot licence of `{login}` in `{}`",
                owner.name
            )
        })?;
    let Some(grants) = grants else {
        bail!(
            "`{login}` holds no Copilot licence in enterprise `{}`: GitHub answered 404",
            owner.name
        );
    };
    let mut live = LiveState::default();
    for grant in grants {
        live.add_grant(grant);
    }
    let filter = SeatFilter::default();
    inventory::rows(&live, &filter, today)
        .into_iter()
        .next()
        .ok_or_else(|| {
            anyhow::anyhow!(
                "`{login}` holds no Copilot licence in enterprise `{}`: GitHub answered 200 with no grant",
                owner.name
            )
        })
}

/// One user's seat from `GET /orgs/{org}/members/{login}/copilot`; no seat is an error.
async fn user_seat(
    ctx: &Context<'_>,
    org: &str,
    login: &str,
    today: time::Date,
) -> anyhow::Result<SeatRow> {
    if let Err(why) = is_valid_login(login) {
        bail!("`{login}` is not a GitHub login: {why}");
    }
    let client = ctx.pipeline.client(&Owner::org(org)).await?;
    let answer = fetch_user_seat(&client, org, &Login::new(login))
        .await
        .with_context(|| format!("cannot read the Copilot seat of `{login}` in `{org}`"))?;
    match answer {
        UserSeat::Seat(seat) => Ok(SeatRow::new(&seat, today)),
        UserSeat::NoSeat => bail!(
            "`{login}` holds no Copilot seat in `{org}` (or is not a member): GitHub answered 404"
        ),
        UserSeat::PendingInvitation => bail!(
            "`{login}` has not yet accepted the invitation to `{org}`: the seat starts when they do"
        ),
    }
}
