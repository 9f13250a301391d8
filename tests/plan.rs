//! `plan` against the fake GitHub and offline: output, errors, secrets, retries.

use crate::support::{
    FakeGitHub, State, TOKEN, Workspace, assert_fails_with, repo_path, stderr, stdout,
};

fn small_org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_team("platform", "Platform", &["walter"], true);
    state.add_members(&["bob"]);
    state
}

const FILE: &str = "org: acme\nusers: [alice, bob]\nteams: [platform]\n";

#[test]
fn the_readme_example_plans_offline() {
    let ws = Workspace::new("");
    // From the repository's root, as the README runs it: the plan names the file as given.
    let output = ws
        .cmd("http://127.0.0.1:9")
        .current_dir(repo_path("."))
        .env_remove("COPILOT_SEATS_TOKEN")
        .args([
            "plan",
            "-f",
            "examples/copilot-seats.yaml",
            "--state",
            "examples/live-seats.json",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("example_plan_text", stdout(&output));
}

#[test]
fn json_plan_has_the_spec_fields() {
    let fake = FakeGitHub::start(small_org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(plan["format_version"], 1);
    assert_eq!(plan["org"], "acme");
    assert!(
        plan["file_digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert!(
        plan["live_state_digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert_eq!(
        plan["changes"][0],
        serde_json::json!({"action": "add_user", "login": "bob", "reason": "declared"})
    );
    assert_eq!(
        plan["changes"][1],
        serde_json::json!({"action": "remove_user", "login": "mallory", "reason": "not declared"})
    );
    assert_eq!(
        plan["requests"][0],
        serde_json::json!({"method": "POST", "path": "/orgs/acme/copilot/billing/selected_users", "body": {"selected_usernames": ["bob"]}})
    );
    assert_eq!(plan["summary"]["seats_before"], 3);
    assert_eq!(plan["summary"]["seats_after"], 3);
    assert_eq!(
        plan["summary"]["monthly_cost_delta_usd"], 0,
        "whole dollars print as integers"
    );
    assert_eq!(plan["blocked"], serde_json::Value::Null);
    assert!(!String::from_utf8_lossy(&output.stdout).contains(TOKEN));
}

#[test]
fn the_token_never_appears_in_output_logs_or_plan_files() {
    let fake = FakeGitHub::start(small_org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["-v", "plan", "--out", "plan.json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("GET /orgs/acme/copilot/billing -> 200"),
        "-v logs requests"
    );
    let plan_file = std::fs::read_to_string(ws.path("plan.json")).expect("plan file");
    for text in [stdout(&output), stderr(&output), plan_file] {
        assert!(!text.contains(TOKEN));
    }
}

#[test]
fn a_bad_token_says_where_it_came_from_and_does_not_leak() {
    let fake = FakeGitHub::start(small_org());
    let ws = Workspace::new(FILE);
    let output = ws
        .cmd(&fake.url)
        .env_remove("COPILOT_SEATS_TOKEN")
        .env("GH_TOKEN", "ghp_wrongwrongwrong")
        .args(["-v", "plan"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains(
            "GitHub answered 401: Bad credentials (the token in GH_TOKEN is invalid or expired"
        ),
        "{err}"
    );
    assert!(!err.contains("ghp_wrongwrongwrong"));
}

#[test]
fn no_token_is_a_clear_error() {
    let ws = Workspace::new(FILE);
    let output = ws
        .cmd("http://127.0.0.1:9")
        .env_remove("COPILOT_SEATS_TOKEN")
        .arg("plan")
        .output()
        .expect("run");
    assert_fails_with(&output, "no GitHub token: set COPILOT_SEATS_TOKEN");
}

#[test]
fn an_unknown_org_is_a_404_with_a_hint() {
    let fake = FakeGitHub::start(small_org());
    let ws = Workspace::new("org: nope\n");
    let output = ws.run(&fake.url, &["plan"]);
    assert_fails_with(
        &output,
        "GitHub answered 404: Not Found (check the organization name",
    );
}

#[test]
fn a_blocked_plan_fails_the_check_and_says_how_to_proceed() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "b1", "b2", "b3"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [alice]\nlimits: {max_removals: 1}\n");
    for args in [&["plan"][..], &["plan", "--detailed-exitcode"][..]] {
        let output = ws.run(&fake.url, args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: a blocked plan is not success"
        );
        assert!(
            stdout(&output).contains("BLOCKED"),
            "the plan is still shown"
        );
        let text = stderr(&output);
        assert!(
            text.contains("the plan is blocked")
                && text.contains("raise `limits.max_removals`")
                && text.contains("apply --allow-mass-removal"),
            "{text}"
        );
    }
}

#[test]
fn the_diff_shows_what_the_plan_does_and_names_what_it_leaves_alone() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "u240"]);
    state.add_team("data-sci", "Data Science", &["dora"], true);
    state.add_team("platform", "Platform", &["p001"], true);
    state.add_members(&["bob"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(
        "org: acme\nusers: [alice, bob, p001]\nteams: [platform]\nunmanaged: warn\n",
    );
    let output = ws.run(&fake.url, &["plan"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let diff = text
        .split("--- seats today")
        .nth(1)
        .expect("a diff")
        .split("Left alone by this plan:")
        .next()
        .unwrap_or_default();
    assert!(diff.contains("+  - bob"), "{diff}");
    for wrong in ["-  - u240", "-  - data-sci", "+  - p001"] {
        assert!(
            !diff.contains(wrong),
            "{wrong} is not what the plan does:\n{diff}"
        );
    }
    assert!(
        text.contains("= not declared, kept (unmanaged: warn or a seat through a declared team): u240, team data-sci"),
        "{text}"
    );
    assert!(
        text.contains("= declared, holding a seat through a team or an org (no request): p001"),
        "{text}"
    );
}

#[test]
fn a_snapshot_made_by_gh_api_paginate_plans_offline() {
    // `gh api --paginate` prints each page's answer after the other, not as one array.
    let page = |logins: &[&str]| {
        let seats: Vec<String> = logins
            .iter()
            .map(|l| {
                format!(
                    r#"{{"created_at": "2025-01-01T00:00:00Z", "assignee": {{"login": "{l}"}}}}"#
                )
            })
            .collect();
        format!(r#"{{"total_seats": 3, "seats": [{}]}}"#, seats.join(","))
    };
    let ws = Workspace::new("org: acme\nusers: [alice, bob, carol]\n");
    ws.write(
        "seats.json",
        &format!(
            "{}\n{}",
            page(&["alice", "bob"]),
            page(&["carol", "mallory"])
        ),
    );
    let output = ws.run("http://127.0.0.1:9", &["plan", "--state", "seats.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("seats 4 -> 3") && text.contains("- user mallory"),
        "{text}"
    );
    ws.write("seats.json", &format!("{}\n{{oops", page(&["alice"])));
    let output = ws.run("http://127.0.0.1:9", &["plan", "--state", "seats.json"]);
    assert_fails_with(&output, "is not a seat snapshot");
}

#[test]
fn no_changes_with_undeclared_seats_left_alone_says_so() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "u240"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [alice]\nunmanaged: warn\n");
    let output = ws.run(&fake.url, &["plan"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "No changes: 1 of the 2 active seat(s) of acme are not in the file and left alone"
        ),
        "{text}"
    );
    assert!(!text.contains("match the file"), "{text}");
}

#[test]
fn a_reader_that_leaves_early_is_no_crash() {
    // `copilot-seats seats … | head`: more output than a pipe holds, and nobody reading.
    let seats: Vec<String> = (0..3000)
        .map(|i| format!(r#"{{"created_at": "2025-01-01T00:00:00Z", "assignee": {{"login": "user-{i:05}"}}}}"#))
        .collect();
    let ws = Workspace::new("org: acme\n");
    ws.write(
        "seats.json",
        &format!(r#"{{"total_seats": 3000, "seats": [{}]}}"#, seats.join(",")),
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("copilot-seats"))
        .current_dir(ws.dir.path())
        .args(["seats", "--state", "seats.json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let err = stderr(&output);
    assert!(!err.contains("crashed"), "{err}");
    assert_eq!(output.status.code(), Some(141), "{err}");
}
