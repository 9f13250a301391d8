//! Budgets (SPEC 15) against the fake GitHub: created, updated, expired, warned about and
//! deleted from the file, with a cost center the same plan creates; every request checked
//! against GitHub's OpenAPI description.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, openapi, stderr, stdout};
use serde_json::{Value, json};

fn budget(scope: &str, entity: &str, amount: u64, stop: bool, alerts: &[&str]) -> Value {
    let mut b = json!({
        "budget_scope": scope, "budget_entity_name": entity, "budget_amount": amount,
        "prevent_further_usage": stop, "budget_type": "BundlePricing", "budget_product_sku": "ai_credits",
        "budget_alerting": {"will_alert": !alerts.is_empty(), "alert_recipients": alerts},
    });
    if scope == "user" {
        b["user"] = json!(entity);
        b["budget_entity_name"] = json!("");
    }
    b
}

/// initech with budgets: the enterprise (10,000), bob (100, 150 spent), carol (50), and
/// initech-old (500), plus 12 more org budgets so that the list takes two pages of 10.
fn enterprise() -> State {
    let mut state = State::new_enterprise("initech");
    state.add_members(&["alice", "bob", "carol"]);
    let b = &mut state.budgets;
    b.add(budget("enterprise", "", 10_000, false, &["alice"]));
    let mut bob = budget("user", "bob", 100, true, &[]);
    bob["consumed_amount"] = json!(150.0);
    b.add(bob);
    b.add(budget("user", "carol", 50, true, &[]));
    b.add(budget("organization", "initech-old", 500, false, &[]));
    for i in 0..12 {
        b.add(budget(
            "repository",
            &format!("initech-data/repo{i:02}"),
            10,
            false,
            &[],
        ));
    }
    state
}

const FILE: &str = "enterprise: initech
unmanaged: {seats: warn, budgets: remove}
ignore: {budgets: [repository]}
cost_centers:
  - {name: Engineering, users: [alice]}
budgets:
  - scope: enterprise
    amount_usd: 20000
    alerts: [alice]
  - {scope: user, user: bob, amount_usd: 120}
  - {scope: user, user: carol, amount_usd: 50, expires: 2026-11-01}
  - {scope: all_users, amount_usd: 30}
  - {scope: cost_center, cost_center: Engineering, amount_usd: 5000, stop_at_limit: true}
";

#[test]
fn budgets_are_created_updated_expired_and_deleted_then_converge() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(FILE);
    let plan = ws.run(&fake.url, &["plan"]);
    let text = stdout(&plan);
    assert_eq!(plan.status.code(), Some(0), "{text}{}", stderr(&plan));
    for line in [
        "Budgets: 2 to add, 2 to update, 2 to remove.",
        "+ budget all_users: none -> 30 USD (declared, stops at the limit)",
        "+ budget cost_center Engineering: none -> 5000 USD (declared, stops at the limit)",
        "~ budget enterprise: 10000 USD -> 20000 USD (changed in the file)",
        "~ budget user bob: 100 USD -> 120 USD (changed in the file; spent 150 USD this month)",
        "- budget user carol: 50 USD -> none (expired 2026-11-01)",
        "- budget organization initech-old: 500 USD -> none (not in the file (unmanaged: {budgets: remove}))",
        "! budget `user bob` goes to 120 USD, below the 150 USD already spent this month",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    assert!(!text.contains("repo0"), "ignored: {text}");

    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&apply);
    assert_eq!(apply.status.code(), Some(0), "{out}{}", stderr(&apply));
    let writes: Vec<String> = fake
        .state()
        .writes()
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w.method,
                w.path.replace("/enterprises/initech/settings/billing", "")
            )
        })
        .collect();
    // The cost center is created before the budget that names it.
    let cost_center = writes
        .iter()
        .position(|w| w == "POST /cost-centers")
        .expect("created");
    let budget_post = writes
        .iter()
        .position(|w| w == "POST /budgets")
        .expect("budget");
    assert!(cost_center < budget_post, "{writes:?}");
    let state = fake.state();
    let find =
        |scope: &str, entity: &str| state.budgets.find(scope, entity).map(|(_, b)| b.clone());
    assert_eq!(
        find("enterprise", "").expect("kept")["budget_amount"],
        20000
    );
    assert_eq!(
        find("enterprise", "").expect("kept")["prevent_further_usage"],
        false
    );
    assert_eq!(find("user", "bob").expect("kept")["budget_amount"], 120);
    assert!(find("user", "carol").is_none(), "expired: deleted");
    assert!(
        find("organization", "initech-old").is_none(),
        "unmanaged: deleted"
    );
    let all_users = find("multi_user_customer", "").expect("created");
    assert_eq!(all_users["prevent_further_usage"], true);
    assert_eq!(all_users["budget_type"], "BundlePricing");
    assert_eq!(
        find("cost_center", "Engineering").expect("created")["budget_amount"],
        5000
    );
    drop(state);
    openapi::check_all(&fake);

    let again = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}{}",
        stdout(&again),
        stderr(&again)
    );
    assert!(stdout(&again).contains("Budgets: no changes, the budgets of initech match the file."));
}

#[test]
fn an_org_file_manages_the_orgs_own_budgets() {
    let mut state = State::new("acme");
    state.add_members(&["alice"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(
        "org: acme\nbudgets:\n  - {scope: organization, amount_usd: 3000}\n  - {scope: repository, repository: acme/api, sku: actions, amount_usd: 100}\n",
    );
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let state = fake.state();
    let org = state
        .budgets
        .find("organization", "")
        .expect("created")
        .1
        .clone();
    assert_eq!(org["budget_amount"], 3000);
    let repo = state
        .budgets
        .find("repository", "acme/api")
        .expect("created")
        .1
        .clone();
    assert_eq!(repo["budget_type"], "ProductPricing");
    assert_eq!(repo["budget_product_sku"], "actions");
    let paths: Vec<String> = state.writes().iter().map(|w| w.path.clone()).collect();
    assert!(
        paths
            .iter()
            .all(|p| p == "/organizations/acme/settings/billing/budgets"),
        "{paths:?}"
    );
    drop(state);
    openapi::check_all(&fake);
    let again = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
}

#[test]
fn undeclared_budgets_are_listed_by_default_and_a_saved_plan_is_refused_when_they_changed() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(
        "enterprise: initech\nbudgets:\n  - {scope: enterprise, amount_usd: 10000, alerts: [alice]}\n",
    );
    let plan = ws.run(&fake.url, &["plan", "--format", "json"]);
    let json: Value = serde_json::from_slice(&plan.stdout).expect("json");
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains(
            "budget `organization initech-old` (500 USD) is not in the file and is left alone"
        ),
        "{warnings}"
    );
    assert!(
        warnings.contains("budget `repository initech-data/repo11`"),
        "every page read: {warnings}"
    );
    assert_eq!(json["requests"], json!([]), "{json:#}");

    let saved = ws.path("plan.json").display().to_string();
    ws.write("copilot-seats.yaml", "enterprise: initech\nbudgets:\n  - {scope: enterprise, amount_usd: 15000, alerts: [alice]}\n");
    assert_eq!(
        ws.run(&fake.url, &["plan", "--out", &saved]).status.code(),
        Some(0)
    );
    fake.state()
        .budgets
        .add(budget("organization", "initech-new", 1, false, &[]));
    let stale = ws.run(&fake.url, &["apply", "--yes", "--plan", &saved]);
    assert_fails_with(&stale, "stale plan: the budgets of `initech` changed");
    assert!(fake.state().writes().is_empty());
}

#[test]
fn a_budget_on_an_unknown_cost_center_is_an_error_and_nothing_is_sent() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(
        "enterprise: initech\nbudgets:\n  - {scope: cost_center, cost_center: Nowhere, amount_usd: 5}\n",
    );
    let plan = ws.run(&fake.url, &["apply", "--yes"]);
    assert_fails_with(
        &plan,
        "names cost center `nowhere`, which is neither in the file's `cost_centers:` nor at GitHub",
    );
    assert!(fake.state().writes().is_empty());
}

#[test]
fn every_offline_rule_is_checked_with_its_line() {
    let ws = Workspace::new(
        "enterprise: initech
budgets:
  - {scope: user, user: bob, amount_usd: 10, stop_at_limit: false}
  - {scope: user, user: carol, amount_usd: 10, alerts: [alice]}
  - {scope: all_users, amount_usd: 10, sku: actions}
  - {scope: cost_center, amount_usd: 10}
  - {scope: enterprise, amount_usd: -5}
  - {scope: team, amount_usd: 1}
  - {scope: enterprise, amount_usd: 1, user: bob}
  - {scope: enterprise, amount_usd: 2}
  - {scope: user, user: dave, amount_usd: 1, expires: soon}
",
    );
    let output = ws.run("http://127.0.0.1:9", &["validate"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for needle in [
        "copilot-seats.yaml:3:",
        "a budget of scope `user` always stops at its limit (GitHub's rule)",
        "copilot-seats.yaml:4:",
        "a budget of scope `user` has no alerts (GitHub's rule)",
        "copilot-seats.yaml:5:",
        "a budget of scope `all_users` takes only `ai_credits` or `premium_requests` (GitHub's rule), not `actions`",
        "copilot-seats.yaml:6:5: a budget of scope `cost_center` needs `cost_center: NAME`",
        "copilot-seats.yaml:7:",
        "`amount_usd` is whole dollars a month, 0 or more",
        "copilot-seats.yaml:8:",
        "`team` is not a budget scope of this file",
        "copilot-seats.yaml:9:",
        "a budget of scope `enterprise` names no `user`",
        "copilot-seats.yaml:10:5: this budget (enterprise ai_credits) is declared twice (first at line 7)",
        "copilot-seats.yaml:11:",
        "`expires` is a date, YYYY-MM-DD",
    ] {
        assert!(err.contains(needle), "{needle}:\n{err}");
    }
    let org = Workspace::new(
        "org: acme\nbudgets:\n  - {scope: cost_center, cost_center: X, amount_usd: 1}\n",
    );
    let output = org.run("http://127.0.0.1:9", &["validate"]);
    assert_fails_with(&output, "`cost_center` is not a budget scope of this file");
}

#[test]
fn export_writes_the_budgets_and_plans_with_no_change() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new("");
    let export = ws.run(&fake.url, &["export", "--enterprise", "initech"]);
    let text = stdout(&export);
    assert_eq!(export.status.code(), Some(0), "{text}{}", stderr(&export));
    assert!(
        text.contains("budgets:\n- scope: enterprise\n  amount_usd: 10000\n  alerts:\n  - alice\n- scope: user\n  user: bob\n  amount_usd: 100\n"),
        "{text}"
    );
    assert!(
        text.contains("repository: initech-data/repo11"),
        "every page: {text}"
    );
    ws.write("copilot-seats.yaml", &text);
    assert_eq!(ws.run(&fake.url, &["validate"]).status.code(), Some(0));
    let plan = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}{}",
        stdout(&plan),
        stderr(&plan)
    );
    assert!(fake.state().writes().is_empty());

    // A token that cannot read billing still exports the licences, and says so.
    let mut refused = State::new_enterprise("initech");
    refused.faults.push(crate::support::Fault::status(
        "GET",
        "/enterprises/initech/settings/billing/budgets",
        403,
        r#"{"message": "Resource not accessible by personal access token"}"#,
    ));
    let fake = FakeGitHub::start(refused);
    let export = ws.run(&fake.url, &["export", "--enterprise", "initech"]);
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    assert!(
        stderr(&export).contains("warning: the budgets are not exported"),
        "{}",
        stderr(&export)
    );
    assert!(!stdout(&export).contains("budgets:"));
}

#[test]
fn status_of_an_enterprise_shows_licences_by_grant_and_each_budget() {
    let mut state = enterprise();
    state
        .selected_users
        .extend(["alice", "bob"].map(String::from));
    state.add_team("ent:eng", "Engineering", &["bob", "carol"], true);
    state.grant_through_org("initech-web", &["carol", "dave"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("");
    let status = ws.run(&fake.url, &["status", "--enterprise", "initech"]);
    let text = stdout(&status);
    assert_eq!(status.status.code(), Some(0), "{text}{}", stderr(&status));
    for line in [
        "  users with a licence              4\n",
        "    a licence of their own          2\n",
        "    through an enterprise team      2\n",
        "    through an org                  2\n",
    ] {
        assert!(text.contains(line), "{line:?}:\n{text}");
    }
    let bob = text
        .lines()
        .find(|l| l.starts_with("user bob"))
        .expect("bob's budget");
    assert!(
        bob.contains("150 USD") && bob.ends_with("100 USD"),
        "spent / amount: {text}"
    );
    let json = ws.run(
        &fake.url,
        &["status", "--enterprise", "initech", "--format", "json"],
    );
    let json: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(json["users"], 4);
    assert_eq!(
        json["budgets"][1],
        json!({"scope": "user", "entity": "bob", "sku": "ai_credits", "amount_usd": 100, "spent_usd": 150.0})
    );
}
