//! Fault injection: every fault ends in success, or in exit 1 with an exact account and no
//! unplanned removal; a second apply converges.

use crate::support::{
    FakeGitHub, Fault, FaultAnswer, State, Workspace, assert_fails_with, stderr, stdout,
};

const SEATS: &str = "/orgs/acme/copilot/billing/seats";
const BILLING: &str = "/orgs/acme/copilot/billing";
const USERS: &str = "/orgs/acme/copilot/billing/selected_users";
const FILE: &str = "org: acme\nusers: [alice, bob]\nteams: [platform]\n";
const HTML_502: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// Plan: add bob, remove mallory.
fn org(faults: Vec<Fault>) -> FakeGitHub {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob"]);
    state.add_team("platform", "Platform", &["walter"], true);
    state.faults = faults;
    FakeGitHub::start(state)
}

fn count(fake: &FakeGitHub, method: &str, path: &str) -> usize {
    fake.state()
        .requests
        .iter()
        .filter(|r| r.method == method && r.path.split('?').next() == Some(path))
        .count()
}

/// Runs `apply --yes`, then checks the org reached the file's state and a plan is empty.
fn apply_converges(fake: &FakeGitHub, extra: &[&str]) -> std::process::Output {
    let ws = Workspace::new(FILE);
    let output = ws
        .cmd(&fake.url)
        .args(extra)
        .args(["apply", "--yes"])
        .output()
        .expect("run");
    let seats = fake.state().seat_logins();
    assert_eq!(
        seats,
        ["alice", "bob", "walter"],
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(fake.state().pending.contains_key("mallory"));
    let again = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    output
}

#[test]
fn reads_are_retried_after_a_5xx_with_an_html_body() {
    let fake = org(vec![
        Fault::status("GET", SEATS, 502, HTML_502).header("content-type", "text/html"),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(count(&fake, "GET", SEATS), 2);
}

#[test]
fn a_lasting_5xx_is_reported_with_the_status_and_the_body() {
    let fake = org(vec![
        Fault::status(
            "GET",
            SEATS,
            503,
            "<html><body>Service Unavailable</body></html>",
        )
        .times(10),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    assert_fails_with(
        &output,
        "cannot list the Copilot seats of `acme`: GET /orgs/acme/copilot/billing/seats?per_page=100&page=1: GitHub answered 503: <html><body>Service Unavailable</body></html>",
    );
    assert_eq!(count(&fake, "GET", SEATS), 4, "a bounded number of tries");
}

#[test]
fn a_connection_reset_on_a_read_is_retried() {
    let fake = org(vec![Fault::new("GET", SEATS, FaultAnswer::DropConnection)]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["-v", "plan"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("retry 1 of 3"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_connection_dropped_every_time_says_what_happened() {
    let fake = org(vec![
        Fault::new("GET", SEATS, FaultAnswer::DropConnection).times(10),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("the connection failed ("), "{text}");
    assert!(text.to_ascii_lowercase().contains("connection"), "{text}");
}

#[test]
fn a_read_slower_than_the_timeout_is_retried() {
    let fake = org(vec![
        Fault::new("GET", SEATS, FaultAnswer::Normal).delay_ms(2500),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["--request-timeout", "1", "plan"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(count(&fake, "GET", SEATS), 2);
}

#[test]
fn truncated_json_is_a_clear_error() {
    let fake = org(vec![Fault::status(
        "GET",
        BILLING,
        200,
        "{\"seat_management_setting\": \"assign_sel",
    )]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    assert_fails_with(
        &output,
        "GET /orgs/acme/copilot/billing: cannot read GitHub's answer: EOF while parsing",
    );
}

#[test]
fn a_403_without_rate_limit_signs_is_a_permission_error_not_retried() {
    let fake = org(vec![
        Fault::status(
            "GET",
            BILLING,
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        )
        .header(
            "x-accepted-github-permissions",
            "organization_copilot_seat_management=read",
        ),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    assert_fails_with(
        &output,
        "GitHub answered 403: Resource not accessible by personal access token (the token in COPILOT_SEATS_TOKEN lacks permission: it needs manage_billing:copilot",
    );
    assert_fails_with(
        &output,
        "GitHub accepts the permissions: organization_copilot_seat_management=read",
    );
    assert_eq!(count(&fake, "GET", BILLING), 1);
}

#[test]
fn a_secondary_rate_limit_with_retry_after_is_waited_out() {
    let fake = org(vec![
        Fault::status(
            "GET",
            SEATS,
            403,
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        )
        .header("retry-after", "1"),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["-v", "plan"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("rate limited (403), waiting 1 s"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_exhausted_primary_limit_waits_until_the_reset() {
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let fake = org(vec![
        Fault::status(
            "POST",
            USERS,
            403,
            r#"{"message":"API rate limit exceeded"}"#,
        )
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-reset", &reset.to_string()),
    ]);
    let output = apply_converges(&fake, &["-v"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains(
        "POST /orgs/acme/copilot/billing/selected_users: rate limited (403), waiting 1 s"
    ));
    assert_eq!(
        count(&fake, "POST", USERS),
        2,
        "a rate-limited write was not processed: sent again"
    );
}

#[test]
fn a_rate_limit_beyond_the_allowed_wait_stops_with_a_clear_message() {
    let fake = org(vec![Fault::status("GET", SEATS, 429, "")]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["--max-rate-limit-wait", "5", "plan"]);
    assert_fails_with(
        &output,
        "GitHub's rate limit asks to wait 60 s more after 0 s, beyond --max-rate-limit-wait (5 s): run again later",
    );
}

#[test]
fn seats_changing_between_pages_are_read_again() {
    let mut state = State::new("acme");
    let logins: Vec<String> = (0..150).map(|i| format!("u{i:03}")).collect();
    state.with_direct_seats(&logins.iter().map(String::as_str).collect::<Vec<_>>());
    state.faults = vec![
        Fault::new("GET", SEATS, FaultAnswer::Normal),
        // Someone adds a seat by hand between page 1 and page 2.
        Fault::new("GET", SEATS, FaultAnswer::Normal).mutate(|state| {
            state.members.insert(0, "hand-added".into());
            state.selected_users.insert("hand-added".into());
        }),
    ];
    let fake = FakeGitHub::start(state);
    let file = format!("org: acme\nusers: [{}]\n", logins.join(", "));
    let ws = Workspace::new(&file);
    let output = ws.run(&fake.url, &["plan", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(plan["summary"]["seats_before"], 151);
    assert_eq!(
        plan["changes"],
        serde_json::json!([{"action": "remove_user", "login": "hand-added", "reason": "not declared"}])
    );
    assert_eq!(count(&fake, "GET", SEATS), 4, "two pages, twice");
}

#[test]
fn a_write_that_failed_after_applying_is_not_sent_again() {
    let fake = org(vec![
        Fault::status("POST", USERS, 500, HTML_502).after_applying(),
    ]);
    let output = apply_converges(&fake, &[]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let out = stdout(&output);
    assert!(out.contains("may have been applied in part"), "{out}");
    assert!(
        out.contains("add user: already in effect (1): bob"),
        "{out}"
    );
    assert_eq!(count(&fake, "POST", USERS), 1);
}

#[test]
fn a_write_that_failed_before_applying_is_planned_again_and_sent() {
    let fake = org(vec![Fault::status("DELETE", USERS, 502, HTML_502)]);
    let output = apply_converges(&fake, &[]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(count(&fake, "DELETE", USERS), 2);
}

#[test]
fn a_write_slower_than_the_timeout_is_checked_by_re_reading() {
    let fake = org(vec![
        // Applied at once, answered too late.
        Fault::new("POST", USERS, FaultAnswer::Normal)
            .after_applying()
            .delay_ms(2500),
    ]);
    let output = apply_converges(&fake, &["--request-timeout", "1"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("no answer within the request timeout"),
        "{}",
        stdout(&output)
    );
    assert_eq!(count(&fake, "POST", USERS), 1);
}

#[test]
fn a_connection_dropped_after_a_write_is_checked_by_re_reading() {
    let fake = org(vec![
        Fault::new("POST", USERS, FaultAnswer::DropConnection).after_applying(),
    ]);
    let output = apply_converges(&fake, &[]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(count(&fake, "POST", USERS), 1);
}

#[test]
fn assign_all_set_during_apply_stops_with_an_account() {
    let fake = org(vec![
        Fault::new("POST", USERS, FaultAnswer::Normal)
            .mutate(|state| state.setting = "assign_all".into()),
    ]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(out.contains("FAILED   add user bob: POST /orgs/acme/copilot/billing/selected_users: GitHub answered 422"), "{out}");
    assert!(out.contains("not sent remove user mallory: apply stopped after `POST /orgs/acme/copilot/billing/selected_users` failed"), "{out}");
    assert!(
        fake.state().active_seats().contains_key("mallory"),
        "nothing sent after the failure"
    );
}

#[test]
fn a_partial_422_in_the_middle_of_a_batch_is_accounted_for_and_converges() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "a1", "b1", "c1"]);
    state.add_team("platform", "Platform", &["walter"], true);
    // Between plan and DELETE, b1's seat moves to the platform team.
    state.faults = vec![
        Fault::new("DELETE", USERS, FaultAnswer::Normal).mutate(|state| {
            state.selected_users.remove("b1");
            if let Some(team) = state.teams.get_mut("platform") {
                team.members.push("b1".into());
            }
        }),
    ];
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [alice]\nteams: [platform]\n");
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let out = stdout(&output);
    assert!(
        out.contains("remove user: already in effect (1): a1"),
        "{out}"
    );
    assert!(out.contains("remove user: done (1): c1"), "{out}");
    assert!(
        out.contains("FAILED   remove user b1: `b1` keeps the seat through team `platform`: GitHub does not cancel a team-assigned seat; remove them from the team"),
        "{out}"
    );
    let seats = fake.state().seat_logins();
    assert_eq!(seats, ["alice", "b1", "walter"]);
    // b1 is now covered by a declared team: nothing is left to do.
    let again = ws.run(&fake.url, &["apply", "--yes"]);
    assert!(again.status.success(), "{}", stdout(&again));
    let plan = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", stdout(&plan));
}

#[test]
fn saml_sso_and_ip_allow_list_refusals_say_what_to_do_without_asking_for_scopes() {
    let sso = Fault::status(
        "GET",
        BILLING,
        403,
        r#"{"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization."}"#,
    )
    .header(
        "x-github-sso",
        "required; url=https://github.com/orgs/acme/sso?authorization_request=A1B2C3",
    )
    .header("x-accepted-oauth-scopes", "manage_billing:copilot");
    let fake = org(vec![sso]);
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the organization enforces SAML single sign-on and the token is not authorised for it: open https://github.com/orgs/acme/sso?authorization_request=A1B2C3 to authorise it"),
        "{err}"
    );
    assert!(
        !err.contains("scope") && !err.contains("lacks permission"),
        "{err}"
    );
    assert_eq!(count(&fake, "GET", BILLING), 1, "not retried");

    let allow_list = Fault::status(
        "GET",
        BILLING,
        403,
        r#"{"message":"Although you appear to have the correct authorization credentials, the `acme` organization has an IP allow list enabled, and your IP address is not permitted to access this resource."}"#,
    );
    fake.state().faults.push(allow_list);
    let output = ws.run(&fake.url, &["plan"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the IP allow list of the organization or enterprise does not allow this machine's address"),
        "{err}"
    );
    assert!(
        !err.contains("manage_billing") && !err.contains("lacks permission"),
        "{err}"
    );
}
