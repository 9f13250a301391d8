//! `status`: the org's Copilot billing settings and seat breakdown.

use crate::cli::{StatusArgs, StatusFormat};
use crate::commands::{Context, EXIT_OK};
use crate::github::owner::Owner;
use crate::github::seats::fetch_billing;
use crate::plan::seat_price;
use crate::render::{self, status::Status};
use anyhow::Context as _;

pub async fn run(ctx: &Context<'_>, args: &StatusArgs) -> anyhow::Result<i32> {
    let (org, file) = ctx.org_and_file(args.org.as_deref())?;
    // The file's price when the org is the file's; else the plan type's list price.
    let file_price = file.and_then(|file| file.desired.price_per_seat_usd);
    let client = ctx.pipeline.client(&Owner::org(&org)).await?;
    let billing = fetch_billing(&client, &org)
        .await
        .with_context(|| format!("cannot read the Copilot billing settings of `{org}`"))?;
    let price = file_price.unwrap_or_else(|| seat_price(billing.plan_type.as_deref()));
    let monthly_cost_usd = billing
        .seat_breakdown
        .total
        .map(|total| total as f64 * price);
    let status = Status {
        org,
        billing,
        price_per_seat_usd: price,
        monthly_cost_usd,
    };
    print!(
        "{}",
        match args.format {
            StatusFormat::Text => render::status::text(&status),
            StatusFormat::Json => render::status::json(&status),
        }
    );
    Ok(EXIT_OK)
}
