//! `status`: the org's Copilot billing settings and seat breakdown; or an enterprise's
//! licences by grant and its budgets.

use crate::cli::{StatusArgs, StatusFormat};
use crate::commands::{Context, EXIT_OK};
use crate::github::owner::Owner;
use crate::github::seats::fetch_billing;
use crate::kinds::budgets;
use crate::model::TargetKind;
use crate::plan::seat_price;
use crate::render::{self, status::EnterpriseStatus, status::Status};
use anyhow::Context as _;

pub async fn run(ctx: &Context<'_>, args: &StatusArgs) -> anyhow::Result<i32> {
    if let Some(enterprise) = &args.enterprise {
        return enterprise_status(ctx, args, enterprise).await;
    }
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

/// An enterprise: users with a licence, by grant, and each budget with spent / amount.
async fn enterprise_status(
    ctx: &Context<'_>,
    args: &StatusArgs,
    enterprise: &str,
) -> anyhow::Result<i32> {
    if let Err(why) = crate::config::is_valid_account(enterprise) {
        anyhow::bail!("`{enterprise}` is not an enterprise slug: {why}");
    }
    let owner = Owner::enterprise(enterprise);
    let client = ctx.pipeline.client(&owner).await?;
    let live = ctx
        .pipeline
        .fetch_seats(&client, &owner)
        .await
        .with_context(|| {
            format!("cannot list the Copilot licences of enterprise `{enterprise}`")
        })?;
    let budgets = budgets::fetch_all(&client, TargetKind::Enterprise, enterprise).await?;
    let status = EnterpriseStatus::new(enterprise, &live, budgets);
    print!(
        "{}",
        match args.format {
            StatusFormat::Text => render::status::enterprise_text(&status),
            StatusFormat::Json => render::status::enterprise_json(&status),
        }
    );
    Ok(EXIT_OK)
}
