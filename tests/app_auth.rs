//! GitHub App authentication against the fake: the JWT, the org's installation, the
//! installation token for the seat calls; precedence over the general tokens; errors that
//! never show the key or a token.

use crate::support::{
    FakeGitHub, INSTALLATION_TOKEN, State, Workspace, app_key_pem, assert_fails_with, fake_app,
    stderr, stdout,
};

fn org_with_app(installed: bool) -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob"]);
    let mut app = fake_app("98765");
    app.installed = installed;
    state.app = Some(app);
    state
}

const FILE: &str = "org: acme\nusers: [alice, bob]\n";

/// The binary with only the App's variables (and `extra`) in its environment.
fn with_app(ws: &Workspace, fake: &FakeGitHub) -> assert_cmd::Command {
    let mut cmd = ws.cmd(&fake.url);
    cmd.env_remove("COPILOT_SEATS_TOKEN")
        .env("GITHUB_APP_ID", "98765");
    cmd
}

/// `plan` as the App, its key in `GITHUB_APP_PRIVATE_KEY`, against a fake of `state`.
fn plan_as_app(state: State) -> (FakeGitHub, std::process::Output) {
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(FILE);
    let output = with_app(&ws, &fake)
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .arg("plan")
        .output()
        .expect("run");
    (fake, output)
}

fn requests(fake: &FakeGitHub) -> Vec<String> {
    fake.state()
        .requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn apply_with_a_github_app_uses_its_installation_token() {
    let fake = FakeGitHub::start(org_with_app(true));
    let ws = Workspace::new(FILE);
    ws.write("app.pem", &app_key_pem());
    let output = with_app(&ws, &fake)
        .env("GITHUB_APP_PRIVATE_KEY_PATH", ws.path("app.pem"))
        .args(["apply", "--yes"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output);
    let requests = requests(&fake);
    assert_eq!(
        requests[..2],
        [
            "GET /orgs/acme/installation",
            "POST /app/installations/4242/access_tokens"
        ]
    );
    // The fake takes seat calls only with TOKEN or a token it lent: the seats changed.
    let state = fake.state();
    assert_eq!(state.issued_tokens.len(), 1);
    assert!(state.issued_tokens[0].starts_with(INSTALLATION_TOKEN));
    let seats = state.seat_logins();
    assert_eq!(seats, ["alice", "bob"]);
}

#[test]
fn the_key_can_come_from_the_variable_itself_even_with_escaped_newlines() {
    let fake = FakeGitHub::start(org_with_app(true));
    let ws = Workspace::new(FILE);
    for key in [app_key_pem(), app_key_pem().trim_end().replace('\n', "\\n")] {
        let output = with_app(&ws, &fake)
            .env("GITHUB_APP_PRIVATE_KEY", key)
            .args(["plan", "--format", "json"])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(stdout(&output).contains("\"login\": \"bob\""));
    }
    assert_eq!(fake.state().issued_tokens.len(), 2);
}

#[test]
fn copilot_seats_token_goes_first_and_the_app_before_github_token() {
    let fake = FakeGitHub::start(org_with_app(true));
    let ws = Workspace::new(FILE);
    // COPILOT_SEATS_TOKEN (set by `cmd`) wins: no App call at all.
    let output = ws
        .cmd(&fake.url)
        .env("GITHUB_APP_ID", "98765")
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .args(["plan"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!requests(&fake).iter().any(|r| r.contains("installation")));

    // A workflow's GITHUB_TOKEN (for comments) does not shadow a configured App.
    let output = with_app(&ws, &fake)
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .env("GITHUB_TOKEN", "ghs_the_workflow_token_cannot_manage_seats")
        .args(["plan"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(fake.state().issued_tokens.len(), 1);
}

#[test]
fn an_app_not_installed_on_the_org_says_what_to_do() {
    let (fake, output) = plan_as_app(org_with_app(false));
    assert_fails_with(
        &output,
        "GitHub App 98765 is not installed on the org `acme` (GET /orgs/acme/installation answered 404): install it there, with the organization permissions",
    );
    assert_eq!(requests(&fake), ["GET /orgs/acme/installation"]);
}

#[test]
fn a_jwt_from_another_key_or_app_is_refused_by_github() {
    let mut state = org_with_app(true);
    if let Some(app) = &mut state.app {
        app.id = "11111".into();
    }
    let (fake, output) = plan_as_app(state);
    assert_fails_with(
        &output,
        "GitHub answered 401: A JSON web token could not be decoded (GitHub rejected the App's JWT: check that GITHUB_APP_ID is the App's ID",
    );
    assert!(fake.state().issued_tokens.is_empty());
}

#[test]
fn app_configuration_errors_are_clear_and_show_no_key() {
    let fake = FakeGitHub::start(org_with_app(true));
    let ws = Workspace::new(FILE);
    let run = |env: &[(&str, &str)]| {
        let mut cmd = with_app(&ws, &fake);
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd.arg("plan").output().expect("run")
    };
    assert_fails_with(
        &run(&[]),
        "GITHUB_APP_ID is set, but neither GITHUB_APP_PRIVATE_KEY (the PEM text) nor GITHUB_APP_PRIVATE_KEY_PATH (its file): set one",
    );
    assert_fails_with(
        &run(&[("GITHUB_APP_PRIVATE_KEY_PATH", "/nonexistent/app.pem")]),
        "cannot read the GitHub App's private key at GITHUB_APP_PRIVATE_KEY_PATH `/nonexistent/app.pem`",
    );
    let broken: String = app_key_pem()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 3 {
                "AAAA".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_fails_with(
        &run(&[("GITHUB_APP_PRIVATE_KEY", &broken)]),
        "the GitHub App's private key is not usable",
    );
    assert_fails_with(
        &run(&[("GITHUB_APP_PRIVATE_KEY", "my-secret-value")]),
        "no PEM private key found",
    );
    assert!(
        !stderr(&run(&[("GITHUB_APP_PRIVATE_KEY", "my-secret-value")])).contains("my-secret-value")
    );
    assert!(
        requests(&fake).is_empty(),
        "no request with a bad configuration"
    );
}
