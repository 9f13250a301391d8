//! `validate` works offline and reports every error; `export` then `plan` shows no change.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, repo_path, stderr, stdout};

#[test]
fn validate_reports_every_error_without_network() {
    let fake = FakeGitHub::start(State::new("acme"));
    let ws = Workspace::new("org: acme\nusers:\n  - al.ice\n  - bob\n  - BOB\nteams: [Platform]\n");
    let output = ws.run(&fake.url, &["validate"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error: copilot-seats.yaml:3:5: `al.ice` is not a valid login"),
        "{err}"
    );
    assert!(err.contains("error: copilot-seats.yaml:5:5: `BOB` is listed twice in `users` (first as `bob` at line 4): remove one"), "{err}");
    assert!(err.contains("error: copilot-seats.yaml:6:9: `Platform` is not a valid team slug: slugs are lowercase: write `platform`"), "{err}");
    assert!(err.contains("3 error(s) in `copilot-seats.yaml`"), "{err}");
    assert!(
        fake.state().requests.is_empty(),
        "validate makes no request"
    );
}

#[test]
fn validate_accepts_the_example_and_warns_about_expired_entries() {
    let ws = Workspace::new("");
    let output = ws
        .cmd("http://127.0.0.1:9")
        .arg("validate")
        .arg("-f")
        .arg(repo_path("examples/copilot-seats.yaml"))
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("valid (20 user(s), 2 team(s), 1 ignored) for org `acme`"));
    assert!(
        stderr(&output).contains("user `trent` expired on 2026-10-31"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_file_says_how_to_start_one() {
    let ws = Workspace::new("");
    let output = ws.run("http://127.0.0.1:9", &["validate", "-f", "nope.yaml"]);
    assert_fails_with(&output, "copilot-seats export --org ORG > nope.yaml");
}

#[test]
fn export_then_plan_shows_no_changes() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["Alice", "bob", "123"]);
    state.add_team("platform", "Platform", &["walter", "xavier"], true);
    state.add_members(&["oscar"]);
    state.pending.insert("oscar".into(), "2026-12-01".into());
    state.seats_without_assignee = 1;
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("");
    let output = ws.run(&fake.url, &["export", "--org", "acme"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let exported = stdout(&output);
    assert!(exported.starts_with("# Copilot seats of acme, exported by copilot-seats"));
    assert!(
        exported.contains("users:\n- '123'\n- Alice\n- bob\nteams:\n- platform\n"),
        "{exported}"
    );
    ws.write("copilot-seats.yaml", &exported);

    let output = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).starts_with("No changes: the 5 active seat(s) of acme match the file.")
    );
}
