//! Secrets that servers echo (SPEC 8): the fake GitHub answers with the request's token in
//! its JSON message, in an HTML page and in a header, and no output channel may show it:
//! stderr, stdout, the job summary, the pull-request comment, annotations, apply reports.
//! Also: a set-but-empty seat token, the comment token's hint, and the App token's mask.

use crate::support::{
    FakeGitHub, Fault, FaultAnswer, INSTALLATION_TOKEN, State, TOKEN, WORKFLOW_TOKEN, Workspace,
    app_key_pem, assert_fails_with, fake_app, stderr, stdout,
};

const FILE: &str = "org: acme\nusers: [alice, bob]\n";
const SEATS: &str = "/orgs/acme/copilot/billing/seats";
const USERS: &str = "/orgs/acme/copilot/billing/selected_users";

fn org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob"]);
    state
}

fn echo(method: &'static str, path: &str, status: u16, html: bool) -> Fault {
    Fault::new(
        method,
        path,
        FaultAnswer::EchoAuthorization { status, html },
    )
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn an_echoed_token_never_reaches_stderr_with_or_without_v() {
    for (status, html) in [(401, false), (403, false), (403, true), (404, false)] {
        for verbose in [false, true] {
            let fake = FakeGitHub::start(org());
            fake.state().faults.push(echo("GET", SEATS, status, html));
            let ws = Workspace::new(FILE);
            let args: &[&str] = if verbose { &["-v", "plan"] } else { &["plan"] };
            let output = ws.run(&fake.url, args);
            // `stderr` fails the test if the token is in it.
            let text = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{text}");
            assert!(
                text.contains(&format!("GitHub answered {status}")) && text.contains("***"),
                "{status} html={html} -v={verbose}: {text}"
            );
        }
    }
}

#[test]
fn an_echoed_token_never_reaches_the_comment_or_the_job_summary() {
    let fake = FakeGitHub::start(org());
    fake.state().faults.push(echo("GET", SEATS, 401, false));
    let ws = Workspace::new(FILE);
    let summary = ws.path("summary.md");
    let output = ws
        .in_pull_request(&fake.url)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["plan", "--comment"])
        .output()
        .expect("run");
    assert_fails_with(&output, "GitHub answered 401");
    let summary = read(&summary);
    assert!(summary.contains("GitHub answered 401"), "{summary}");
    assert!(!summary.contains(TOKEN), "{summary}");
    let comments = fake.state().comments.get("acme/seats#7").cloned();
    let comments = comments.unwrap_or_default();
    assert_eq!(comments.len(), 1, "the failure is posted");
    assert!(comments[0].1.contains("***"), "{}", comments[0].1);
    assert!(!comments[0].1.contains(TOKEN), "{}", comments[0].1);
}

#[test]
fn an_echoed_token_never_reaches_the_apply_report() {
    for status in [404, 422] {
        let fake = FakeGitHub::start(org());
        fake.state().faults.push(echo("POST", USERS, status, false));
        let ws = Workspace::new(FILE);
        let summary = ws.path("summary.md");
        let output = ws
            .cmd(&fake.url)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args(["apply", "--yes"])
            .output()
            .expect("run");
        let (out, err) = (stdout(&output), stderr(&output));
        assert_eq!(output.status.code(), Some(1), "{out}{err}");
        assert!(out.contains("***"), "{status}: {out}");
        let summary = read(&summary);
        assert!(
            !summary.contains(TOKEN) && summary.contains("***"),
            "{summary}"
        );
    }
}

#[test]
fn the_app_installation_token_is_masked_in_actions_and_scrubbed_when_echoed() {
    let mut state = org();
    state.app = Some(fake_app("98765"));
    let fake = FakeGitHub::start(state);
    fake.state().faults.push(echo("GET", SEATS, 403, false));
    let ws = Workspace::new(FILE);
    let output = ws
        .cmd(&fake.url)
        // Empty, as a workflow passes a missing secret: the App is used, not an error.
        .env("COPILOT_SEATS_TOKEN", "")
        .env("GITHUB_APP_ID", "98765")
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .env("GITHUB_ACTIONS", "true")
        .args(["-v", "plan"])
        .output()
        .expect("run");
    // Read raw: the one line allowed to hold the token is the runner's mask command.
    let text = String::from_utf8_lossy(&output.stderr).to_string();
    let mask = format!("::add-mask::{INSTALLATION_TOKEN}4242x0");
    assert!(text.lines().any(|l| l == mask), "{text}");
    let rest: Vec<&str> = text.lines().filter(|l| *l != mask).collect();
    let rest = rest.join("\n");
    assert!(!rest.contains(INSTALLATION_TOKEN), "{rest}");
    assert!(!rest.contains("BEGIN RSA"), "{rest}");
    assert!(
        rest.contains("GitHub answered 403") && rest.contains("***"),
        "{rest}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn an_empty_seat_token_is_an_error_and_never_falls_back_to_github_token() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws
        .cmd(&fake.url)
        .env("COPILOT_SEATS_TOKEN", "  ")
        .env("GITHUB_TOKEN", WORKFLOW_TOKEN)
        .arg("plan")
        .output()
        .expect("run");
    assert_fails_with(&output, "COPILOT_SEATS_TOKEN is set but empty");
    assert!(fake.state().requests.is_empty(), "no request is sent");
}

#[test]
fn a_comment_token_without_permission_is_told_to_ask_for_pull_requests_write() {
    let fake = FakeGitHub::start(org());
    fake.state().faults.push(Fault::status(
        "GET",
        "/repos/acme/seats/issues/7/comments",
        403,
        r#"{"message":"Resource not accessible by integration"}"#,
    ));
    let ws = Workspace::new(FILE);
    let output = ws
        .in_pull_request(&fake.url)
        .args(["plan", "--comment"])
        .output()
        .expect("run");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("pull-requests: write"), "{text}");
    assert!(!text.contains("manage_billing"), "{text}");
}
