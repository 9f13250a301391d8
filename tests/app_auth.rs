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

/// An App installed on the enterprise (installation 5000) and on org-web (4242), whose
/// tokens live `lifetime`.
fn enterprise_and_org_with_app(lifetime: std::time::Duration) -> Vec<FakeGitHub> {
    let mut enterprise = State::new_enterprise("initech");
    enterprise.add_members(&["ann", "ben", "cid"]);
    enterprise.selected_users.insert("cid".into());
    enterprise.add_team("ent:eng", "Engineering", &["ben"], false);
    let mut app = fake_app("98765");
    app.installation_id = 5000;
    enterprise.app = Some(app);
    enterprise.token_lifetime = lifetime;
    let mut org = State::new("org-web");
    org.with_direct_seats(&["olga", "otto"]);
    org.add_members(&["pia"]);
    org.app = Some(fake_app("98765"));
    org.token_lifetime = lifetime;
    FakeGitHub::start_many(vec![enterprise, org])
}

fn two_targets() -> Workspace {
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("seats")).expect("mkdir");
    ws.write(
        "seats/initech.yaml",
        "enterprise: initech\nusers: [ann]\nenterprise_teams: [ent:eng]\n",
    );
    ws.write("seats/org-web.yaml", "org: org-web\nusers: [olga, pia]\n");
    ws
}

#[test]
fn an_app_uses_the_enterprise_installation_and_the_org_installation_in_one_run() {
    // Tokens of 3 s, writes 1 s apart: the tokens run out during the apply.
    let fakes = enterprise_and_org_with_app(std::time::Duration::from_secs(3));
    let ws = two_targets();
    let output = ws
        .cmd_spaced(&fakes[0].url, "1000")
        .env_remove("COPILOT_SEATS_TOKEN")
        .env("GITHUB_APP_ID", "98765")
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .args(["-v", "-f", "seats", "apply", "--yes"])
        .output()
        .expect("run");
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    let enterprise = fakes[0].state();
    let org = fakes[1].state();
    let paths = |state: &State| -> Vec<String> {
        state
            .requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    };
    assert!(paths(&enterprise).contains(&"GET /enterprises/initech/installation".to_string()));
    assert!(paths(&enterprise).contains(&"POST /app/installations/5000/access_tokens".to_string()));
    assert!(paths(&org).contains(&"GET /orgs/org-web/installation".to_string()));
    assert!(paths(&org).contains(&"POST /app/installations/4242/access_tokens".to_string()));
    // No request went out with an expired token, and every write was sent once.
    assert_eq!(enterprise.expired_token_uses + org.expired_token_uses, 0);
    assert!(
        enterprise.issued_tokens.len() + org.issued_tokens.len() >= 3,
        "a token was renewed: {:?} {:?}",
        enterprise.issued_tokens,
        org.issued_tokens
    );
    assert!(stderr(&output).contains("renewed the GITHUB_APP_ID token before it ran out"));
    let writes = |state: &State| {
        state
            .writes()
            .iter()
            .filter(|w| !w.path.starts_with("/app/"))
            .map(|w| format!("{} {} {}", w.method, w.path, w.body))
            .collect::<Vec<_>>()
    };
    assert_eq!(writes(&enterprise).len(), 3, "{:?}", writes(&enterprise));
    assert_eq!(writes(&org).len(), 2, "{:?}", writes(&org));
    assert!(enterprise.selected_users.contains("ann"));
    assert_eq!(org.seat_logins(), ["olga", "pia"]);
}

#[test]
fn an_enterprise_app_without_the_licence_permission_is_told_which_to_grant() {
    let fakes = enterprise_and_org_with_app(std::time::Duration::from_secs(3600));
    fakes[0].state().faults.push(crate::support::Fault::status(
        "POST",
        "/enterprises/initech/copilot/billing/selected_users",
        403,
        r#"{"message":"Resource not accessible by integration"}"#,
    ));
    let ws = two_targets();
    let output = with_app(&ws, &fakes[0])
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .args(["-f", "seats/initech.yaml", "apply", "--yes"])
        .output()
        .expect("run");
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("\"Enterprise Copilot license management\""),
        "{out}"
    );
    let posts = fakes[0]
        .state()
        .writes()
        .iter()
        .filter(|w| w.path.ends_with("/selected_users"))
        .count();
    assert_eq!(posts, 1, "a 403 is not retried");
}

/// Three orgs, each with its own installation: an App's budget is per installation
/// token, so 3 x 8 points fit a budget of 12 points a minute without any pacing.
#[test]
fn an_apps_points_budget_is_per_org() {
    let states: Vec<State> = (0..3)
        .map(|i| {
            let mut state = State::new(&format!("org-{i}"));
            let seated: Vec<String> = (0..250).map(|n| format!("m{n:03}")).collect();
            state.with_direct_seats(&seated.iter().map(String::as_str).collect::<Vec<_>>());
            state.add_members(&["new-a", "new-b", "new-c", "new-d"]);
            let mut app = fake_app("98765");
            app.installation_id = 4242 + i;
            state.app = Some(app);
            state.points_per_minute = Some(12);
            state
        })
        .collect();
    let fakes = FakeGitHub::start_many(states);
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("orgs")).expect("mkdir");
    let users: Vec<String> = (0..250).map(|n| format!("m{n:03}")).collect();
    for i in 0..3 {
        ws.write(
            &format!("orgs/org-{i}.yaml"),
            &format!(
                "org: org-{i}\nusers: [{}, new-a, new-b, new-c, new-d]\n",
                users.join(", ")
            ),
        );
    }
    let output = with_app(&ws, &fakes[0])
        .env("GITHUB_APP_PRIVATE_KEY", app_key_pem())
        .args(["-v", "--points-per-minute", "12", "-f", "orgs", "plan"])
        .output()
        .expect("run");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    for (i, fake) in fakes.iter().enumerate() {
        let state = fake.state();
        let points = state
            .requests
            .iter()
            .filter(|r| !r.path.ends_with("/installation") && !r.path.starts_with("/app/"))
            .count();
        assert!((7..=12).contains(&points), "org-{i}: {points} points");
        assert_eq!(state.secondary_limit_answers, 0, "org-{i}");
    }
    assert!(
        !err.contains("to stay within the secondary rate limit"),
        "one shared budget would have paced: {err}"
    );
}
