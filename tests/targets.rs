//! Many targets (SPEC 9): one run over several org files, against one fake GitHub serving
//! several orgs; a target that fails is reported and the others go on.

use crate::support::{FakeGitHub, Fault, State, Workspace, assert_fails_with, stderr, stdout};

/// acme: alice and mallory (bob joins); beta: carol and trent (dan joins, trent goes).
fn orgs() -> Vec<State> {
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["alice", "mallory"]);
    acme.add_members(&["bob"]);
    let mut beta = State::new("beta");
    beta.with_direct_seats(&["carol", "trent"]);
    beta.add_members(&["dan"]);
    let mut gamma = State::new("gamma");
    gamma.with_direct_seats(&["gus"]);
    vec![acme, beta, gamma]
}

/// A directory of seat files: acme, beta, gamma (whose seat list always fails) and ghost
/// (an org GitHub does not know).
fn workspace() -> Workspace {
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("orgs")).expect("mkdir");
    ws.write(
        "orgs/acme.yaml",
        "org: acme\nusers: [alice, bob, mallory]\n",
    );
    ws.write("orgs/beta.yaml", "org: beta\nusers: [carol, dan]\n");
    ws.write("orgs/gamma.yaml", "org: gamma\nusers: [gus]\n");
    ws.write("orgs/ghost.yaml", "org: ghost\nusers: [gil]\n");
    ws
}

fn failing_gamma(fakes: &[FakeGitHub]) {
    fakes[2].state().faults.push(
        Fault::status(
            "GET",
            "/orgs/gamma/copilot/billing/seats",
            500,
            r#"{"message":"Server Error"}"#,
        )
        .times(100),
    );
}

#[test]
fn three_orgs_plan_and_apply_while_a_failing_one_and_an_unknown_one_are_reported() {
    let fakes = FakeGitHub::start_many(orgs());
    failing_gamma(&fakes);
    let ws = workspace();
    let url = fakes[0].url.clone();

    let output = ws.run(&url, &["-f", "orgs", "plan"]);
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{out}{err}");
    assert!(
        out.starts_with("Plans for 4 target(s): 2 planned, 2 failed"),
        "{out}"
    );
    for row in [
        "acme +1 -0 2 -> 3 +19 changes",
        "beta +1 -1 2 -> 2 +0 changes",
        "gamma - - - - FAILED",
        "ghost - - - - FAILED",
    ] {
        let found = out
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == row);
        assert!(found, "{row}: {out}");
    }
    assert!(out.contains("=== acme (orgs/acme.yaml) ===\nPlan for acme: 1 seat(s) added"));
    assert!(
        out.contains("=== gamma ===\nFAILED: no plan could be made:"),
        "{out}"
    );
    assert!(out.contains("GitHub answered 500"), "{out}");
    assert!(
        out.contains("=== ghost ===") && out.contains("GitHub answered 404"),
        "{out}"
    );
    assert!(
        err.contains("2 of 4 target(s) could not be planned (gamma, ghost)"),
        "{err}"
    );
    assert!(fakes.iter().all(|f| f.state().writes().is_empty()));

    let output = ws.run(&url, &["-f", "orgs", "apply", "--yes"]);
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("Targets: 2 applied, 0 incomplete, 0 refused, 2 failed."),
        "{out}"
    );
    assert_eq!(fakes[0].state().seat_logins(), ["alice", "bob", "mallory"]);
    assert_eq!(fakes[1].state().seat_logins(), ["carol", "dan"]);
    assert!(fakes[2].state().writes().is_empty());
}

#[test]
fn a_duplicate_target_and_a_broken_file_are_both_reported_with_file_and_line() {
    let ws = workspace();
    ws.write("orgs/acme-again.yaml", "org: ACME\nusers: [zed]\n");
    ws.write("orgs/broken.yaml", "org: delta\nusers:\n  - bad.login\n");
    let output = ws.run("http://127.0.0.1:9", &["-f", "orgs", "validate"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    // Files are read in name order: `acme-again.yaml` comes first.
    assert!(
        err.contains("orgs/acme.yaml: `acme` is also the target of `orgs/acme-again.yaml`"),
        "{err}"
    );
    assert!(
        err.contains("orgs/broken.yaml:3:5: `bad.login` is not a valid login"),
        "{err}"
    );
    assert!(err.contains("2 error(s) in 2 file(s)"), "{err}");
    let out = stdout(&output);
    assert!(
        out.contains("orgs/beta.yaml: valid"),
        "the good files are checked too: {out}"
    );
}

#[test]
fn target_narrows_and_detailed_exitcode_reports_changes_only_without_failures() {
    let fakes = FakeGitHub::start_many(orgs());
    failing_gamma(&fakes);
    let ws = workspace();
    let url = fakes[0].url.clone();
    let output = ws.run(
        &url,
        &[
            "-f",
            "orgs",
            "--target",
            "beta",
            "--target",
            "ACME",
            "plan",
            "--detailed-exitcode",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.starts_with("Plans for 2 target(s): 2 planned, 0 failed"),
        "{out}"
    );
    assert!(fakes[2].state().requests.is_empty(), "gamma is not read");
    let output = ws.run(&url, &["-f", "orgs", "--target", "nosuch", "plan"]);
    assert_fails_with(&output, "--target `nosuch` has no seat file");
    // With a failure, changes elsewhere do not make it 2.
    let output = ws.run(&url, &["-f", "orgs", "plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn a_saved_plan_set_applies_per_target_and_a_stale_target_is_refused() {
    let fakes = FakeGitHub::start_many(orgs());
    let ws = workspace();
    let url = fakes[0].url.clone();
    std::fs::remove_file(ws.path("orgs/gamma.yaml")).expect("rm");
    std::fs::remove_file(ws.path("orgs/ghost.yaml")).expect("rm");
    let output = ws.run(&url, &["-f", "orgs", "plan", "--out", "plans.json", "-q"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("plans.json")).expect("read"))
            .expect("json");
    assert_eq!(saved["plans"].as_array().map(Vec::len), Some(2));
    assert_eq!(saved["failed"], serde_json::json!([]));
    assert_eq!(saved["summary"]["added"], 2);
    // beta's file changes after the plan: its plan is stale, acme's still applies.
    ws.write("orgs/beta.yaml", "org: beta\nusers: [carol, dan, erin]\n");
    let output = ws.run(
        &url,
        &["-f", "orgs", "apply", "--plan", "plans.json", "--yes"],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}{}", stderr(&output));
    assert!(
        out.contains("beta: failed, nothing sent: stale plan: `orgs/beta.yaml` changed"),
        "{out}"
    );
    assert!(
        out.contains("=== beta ===\nREFUSED: the saved plan is not applied:"),
        "a stale plan is refused, not unplannable: {out}"
    );
    assert_eq!(fakes[0].state().seat_logins(), ["alice", "bob", "mallory"]);
    assert!(fakes[1].state().writes().is_empty());
}

#[test]
fn one_sticky_comment_holds_ten_large_targets_under_the_limit() {
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("orgs")).expect("mkdir");
    for t in 0..10 {
        let org = format!("org-{t}");
        ws.write(
            &format!("orgs/{org}.yaml"),
            &format!("org: {org}\nusers: [keep-{t}]\n"),
        );
        let seats: Vec<String> = (0..1500)
            .map(|i| {
                format!(
                    r#"{{"created_at": "2025-01-01T00:00:00Z", "assignee": {{"login": "someone-with-a-long-login-{t}-{i:04}"}}}}"#
                )
            })
            .collect();
        ws.write(
            &format!("orgs/{org}.json"),
            &format!(r#"{{"total_seats": 1500, "seats": [{}]}}"#, seats.join(",")),
        );
    }
    let fake = FakeGitHub::start(State::new("acme"));
    let output = ws
        .in_pull_request(&fake.url)
        .args(["-f", "orgs", "plan", "--state", "orgs", "--comment"])
        .output()
        .expect("run");
    // Every target removes 1500 seats: blocked, so the check fails; the comment is posted.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let comments = fake.state().comments["acme/seats#7"].clone();
    assert_eq!(comments.len(), 1);
    let body = &comments[0].1;
    assert!(
        body.chars().count() <= 65_000,
        "{} chars",
        body.chars().count()
    );
    for t in 0..10 {
        assert!(
            body.contains(&format!("| `org-{t}` | +1 | −1500 |")),
            "org-{t}"
        );
        assert!(
            body.contains(&format!("## Copilot seats plan for `org-{t}`")),
            "org-{t}"
        );
    }
}

#[test]
fn export_writes_one_file_per_org() {
    let fakes = FakeGitHub::start_many(orgs());
    let ws = workspace();
    let output = ws.run(
        &fakes[0].url,
        &[
            "export",
            "--org",
            "acme",
            "--org",
            "beta",
            "--out-dir",
            "exported",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let acme = std::fs::read_to_string(ws.path("exported/acme.yaml")).expect("acme");
    assert!(
        acme.contains("org: acme") && acme.contains("- mallory"),
        "{acme}"
    );
    let beta = std::fs::read_to_string(ws.path("exported/beta.yaml")).expect("beta");
    assert!(
        beta.contains("org: beta") && beta.contains("- trent"),
        "{beta}"
    );
    let output = ws.run(&fakes[0].url, &["export", "--org", "acme", "--org", "beta"]);
    assert_fails_with(&output, "2 orgs to export: pass --out-dir DIR");
    // The exported files are valid targets of one run.
    let output = ws.run(&fakes[0].url, &["-f", "exported", "validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn the_readme_many_orgs_example_plans_offline() {
    let ws = Workspace::new("");
    let output = ws
        .cmd("http://127.0.0.1:9")
        .current_dir(crate::support::repo_path("."))
        .env_remove("COPILOT_SEATS_TOKEN")
        .args(["plan", "-f", "examples/orgs", "--state", "examples/orgs"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.starts_with("Plans for 4 target(s): 4 planned, 0 failed, 0 blocked"),
        "{out}"
    );
    // The enterprise file beside the org files.
    assert!(
        out.contains("- user fox (not declared; keeps a seat through org `acme-web`)"),
        "{out}"
    );
    assert!(
        out.contains("=== acme-web (examples/orgs/acme-web.yaml) ==="),
        "{out}"
    );
    assert!(
        out.contains("- user old-contractor (not declared (reclaim: no activity for 269 days))"),
        "{out}"
    );
}
