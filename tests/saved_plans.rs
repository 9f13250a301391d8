//! A saved plan is a commitment, not a program: `apply --plan` re-derives the plan from the
//! file and the live seats and refuses one whose changes or requests were edited, with
//! nothing sent.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, stderr};
use serde_json::{Value, json};

fn logins(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:03}")).collect()
}

fn saved(ws: &Workspace, fake: &FakeGitHub) -> Value {
    let output = ws.run(&fake.url, &["plan", "--out", "plan.json", "-q"]);
    // A blocked plan exits 1 but is still written, for review.
    assert!(ws.path("plan.json").exists(), "{}", stderr(&output));
    serde_json::from_str(&std::fs::read_to_string(ws.path("plan.json")).expect("plan"))
        .expect("json")
}

fn apply_saved(ws: &Workspace, fake: &FakeGitHub, plan: &Value) -> std::process::Output {
    ws.write("plan.json", &plan.to_string());
    ws.run(&fake.url, &["apply", "--plan", "plan.json", "--yes"])
}

#[test]
fn a_blocked_plan_edited_to_unblocked_is_refused() {
    let seated = logins("m", 200);
    let mut state = State::new("acme");
    state.with_direct_seats(&seated.iter().map(String::as_str).collect::<Vec<_>>());
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(&format!(
        "org: acme\nusers: [{}]\n",
        seated[..50].join(", ")
    ));
    let mut plan = saved(&ws, &fake);
    assert!(
        plan["blocked"].is_string(),
        "150 removals are over the limit"
    );
    plan["blocked"] = Value::Null;
    let output = apply_saved(&ws, &fake, &plan);
    assert_fails_with(
        &output,
        "refusing to apply a blocked plan: 150 seats would be removed",
    );
    assert!(fake.state().writes().is_empty(), "nothing sent");
}

#[test]
fn a_removal_added_to_an_empty_plan_is_refused() {
    let seated = logins("m", 100);
    let mut state = State::new("acme");
    state.with_direct_seats(&seated.iter().map(String::as_str).collect::<Vec<_>>());
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(&format!("org: acme\nusers: [{}]\n", seated.join(", ")));
    let mut plan = saved(&ws, &fake);
    assert_eq!(plan["requests"], json!([]));
    plan["requests"] = json!([{
        "method": "DELETE",
        "path": "/orgs/acme/copilot/billing/selected_users",
        "body": {"selected_usernames": seated},
    }]);
    let output = apply_saved(&ws, &fake, &plan);
    assert_fails_with(
        &output,
        "refusing the plan `plan.json`: it holds 1 request(s) where the file gives 0, which is not what `copilot-seats.yaml` and the live seats of `acme` give: a saved plan cannot be edited",
    );
    // With a matching change too, the change is what differs.
    plan["changes"] = json!([{"action": "remove_user", "login": "m000", "reason": "not declared"}]);
    let output = apply_saved(&ws, &fake, &plan);
    assert_fails_with(&output, "it holds 1 change(s) where the file gives 0");
    assert!(fake.state().writes().is_empty(), "nothing sent");
    // The untouched plan still applies (it is empty: nothing to send).
    let output = ws.run(&fake.url, &["plan", "--out", "plan.json", "-q"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = ws.run(&fake.url, &["apply", "--plan", "plan.json", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn an_edited_request_body_is_refused() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [alice, bob]\n");
    let mut plan = saved(&ws, &fake);
    plan["requests"][1]["body"]["selected_usernames"] = json!(["alice"]);
    let output = apply_saved(&ws, &fake, &plan);
    assert_fails_with(
        &output,
        "its request 2 (DELETE /orgs/acme/copilot/billing/selected_users) differs",
    );
    assert!(fake.state().writes().is_empty(), "nothing sent");
}
