//! `seats`: the live seats, filtered, as a table, CSV or JSON; `--user` for one seat.

use crate::cli::{SeatsArgs, SeatsFormat};
use crate::commands::{Context, EXIT_OK};
use crate::config::is_valid_login;
use crate::github::seats::{UserSeat, fetch_user_seat};
use crate::inventory::{self, SeatFilter, SeatRow};
use crate::model::{Login, TeamSlug};
use crate::render;
use anyhow::{Context as _, bail};

pub async fn run(ctx: &Context<'_>, args: &SeatsArgs) -> anyhow::Result<i32> {
    let org = ctx.org(args.org.as_deref())?;
    let today = ctx.today()?;
    let rows = match &args.user {
        Some(login) => vec![user_seat(ctx, &org, login, today).await?],
        None => {
            let live = ctx.pipeline.seats(args.state.as_deref(), &org).await?;
            ctx.warn_unassigned(&live, "listed");
            let filter = SeatFilter {
                inactive_days: args.inactive_days,
                never_used: args.never_used,
                team: args.team.clone().map(TeamSlug::new),
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
    let client = ctx.pipeline.client(org).await?;
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
