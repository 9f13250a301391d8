//! What a new enterprise admin ran into, following the README (each fixed with a test that
//! failed before): annotations for directories, notes in plans, byte order marks, hidden
//! files, a file named twice, messages that said the wrong thing, plain-http API roots.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, stderr, stdout};

fn orgs_dir(ws: &Workspace) {
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("orgs")).expect("mkdir");
}

#[test]
fn a_directory_gets_annotations_for_file_errors_and_non_members_in_actions() {
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["alice"]);
    let fake = FakeGitHub::start(acme);
    let ws = Workspace::new("");
    orgs_dir(&ws);
    ws.write(
        "orgs/acme.yaml",
        "org: acme\nusers:\n  - alice\n  - stranger\n",
    );
    ws.write("orgs/broken.yaml", "org: delta\nusers:\n  - bad.login\n");
    for command in ["plan", "apply"] {
        let output = ws
            .cmd(&fake.url)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", ws.dir.path())
            .args(
                ["-f", "orgs", command, "--yes"]
                    .iter()
                    .filter(|a| command == "apply" || **a != "--yes"),
            )
            .output()
            .expect("run");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(
            err.contains(
                "::error file=orgs/broken.yaml,line=3,col=5::`bad.login` is not a valid login"
            ),
            "{command}: {err}"
        );
        assert!(
            err.contains("::error file=orgs/acme.yaml,line=4,col=1::user `stranger` is not a member of `acme`"),
            "{command}: {err}"
        );
    }
    assert!(fake.state().writes().is_empty());
}

#[test]
fn notes_are_shown_beside_their_changes_in_every_format() {
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["trent"]);
    acme.add_members(&["uma"]);
    let fake = FakeGitHub::start(acme);
    let ws = Workspace::new(
        "org: acme\nusers:\n  - login: uma\n    note: trial, INC-1234\n  - login: trent\n    expires: 2026-10-31\n    note: contract ended\n",
    );
    let text = stdout(&ws.run(&fake.url, &["plan"]));
    assert!(
        text.contains("+ user uma (declared) [note: trial, INC-1234]"),
        "{text}"
    );
    assert!(
        text.contains("- user trent (expired 2026-10-31) [note: contract ended]"),
        "{text}"
    );
    let markdown = stdout(&ws.run(&fake.url, &["plan", "--format", "markdown"]));
    assert!(
        markdown.contains("`uma`: declared [note: trial, INC-1234]"),
        "{markdown}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&ws.run(&fake.url, &["plan", "--format", "json"]).stdout)
            .expect("json");
    assert_eq!(json["changes"][0]["note"], "trial, INC-1234");
    assert_eq!(json["changes"][1]["note"], "contract ended");
}

#[test]
fn a_file_with_a_byte_order_mark_is_read_and_edited_keeping_it() {
    let fake = FakeGitHub::start(State::new("acme"));
    let ws = Workspace::new("\u{feff}org: acme\nusers: [alice]\n");
    let output = ws.run(&fake.url, &["validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = ws.run(&fake.url, &["add", "bob"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(ws.path("copilot-seats.yaml")).expect("file");
    assert_eq!(text, "\u{feff}org: acme\nusers: [alice, bob]\n");
}

#[test]
fn hidden_files_are_no_targets_and_a_file_named_twice_is_one() {
    let ws = Workspace::new("");
    orgs_dir(&ws);
    ws.write("orgs/acme.yaml", "org: acme\nusers: [alice]\n");
    ws.write("orgs/.acme.yaml", "org: acme\nusers: [old]\n");
    let output = ws.run(
        "http://127.0.0.1:9",
        &["-f", "orgs/", "-f", "orgs/acme.yaml", "validate"],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert_eq!(out.matches("valid").count(), 1, "{out}");
    assert!(!out.contains(".acme.yaml"), "{out}");
}

#[test]
fn messages_say_the_right_thing() {
    // validate names an enterprise as one.
    let ws =
        Workspace::new("enterprise: initech\nusers: [jdoe_initech]\nenterprise_teams: [ent:eng]\n");
    let out = stdout(&ws.run("http://127.0.0.1:9", &["validate"]));
    assert!(
        out.contains("valid (1 user(s), 1 enterprise team(s), 0 ignored) for enterprise `initech`"),
        "{out}"
    );
    // The zero-seat guard is not lifted by a limit: it does not say to raise one.
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["alice"]);
    let fake = FakeGitHub::start(acme);
    let ws = Workspace::new("org: acme\nusers: []\nlimits: {max_removals: 100}\n");
    let output = ws.run(&fake.url, &["plan"]);
    assert_fails_with(
        &output,
        "No limit lifts this guard: declare at least one seat",
    );
    assert!(!stderr(&output).contains("raise `limits.max_removals`"));
    // One target of one that fails is not "the others were planned".
    let ws = Workspace::new("");
    orgs_dir(&ws);
    ws.write("orgs/acme.yaml", "org: acme\nusers: [alice, stranger]\n");
    ws.write("orgs/zeta.yaml", "org: zeta\nusers: [zed]\n");
    let output = ws.run(&fake.url, &["-f", "orgs", "--target", "acme", "plan"]);
    let err = stderr(&output);
    assert!(err.contains("no target could be planned (acme)"), "{err}");
}

#[test]
fn a_plain_http_api_url_to_another_host_is_refused_before_the_token_is_sent() {
    let ws = Workspace::new("org: acme\nusers: [alice]\n");
    let output = ws.run("http://github.internal.example:8080", &["plan"]);
    assert_fails_with(
        &output,
        "--api-url `http://github.internal.example:8080` is plain http to `github.internal.example`: the token would cross the network in clear; use https, or pass --allow-insecure-http",
    );
    // Loopback is fine (tests, a local proxy): every other test talks plain http to the
    // fake on 127.0.0.1.
    // 0.0.0.0 is not a loopback address (though Linux connects it to this machine, where
    // nothing listens on port 9): refused, then let through by the flag.
    let output = ws.run("http://0.0.0.0:9", &["plan"]);
    assert_fails_with(&output, "is plain http to `0.0.0.0`");
    let output = ws
        .cmd("http://0.0.0.0:9")
        .args(["--allow-insecure-http", "plan"])
        .output()
        .expect("run");
    let err = stderr(&output);
    assert!(!err.contains("plain http"), "{err}");
    assert!(
        err.contains("cannot connect"),
        "it went on to connect: {err}"
    );
}

/// Two orgs with idle seats: bob (acme) and dan (beta); cat (beta) asked to keep hers.
fn idle_orgs() -> Vec<FakeGitHub> {
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["alice", "bob"]);
    acme.set_activity("bob", Some("2026-06-01T09:30:00Z"));
    let mut beta = State::new("beta");
    beta.with_direct_seats(&["cat", "dan"]);
    beta.set_activity("cat", Some("2026-05-01T09:30:00Z"));
    beta.set_activity("dan", Some("2026-05-02T09:30:00Z"));
    FakeGitHub::start_many(vec![acme, beta])
}

#[test]
fn reclaim_works_over_every_target_of_a_directory_and_honours_exemptions() {
    let fakes = idle_orgs();
    let ws = Workspace::new("");
    orgs_dir(&ws);
    ws.write(
        "orgs/acme.yaml",
        "org: acme\nusers: [alice, bob]\nreclaim: {inactive_after_days: 90}\n",
    );
    ws.write(
        "orgs/beta.yaml",
        "org: beta\nusers: [cat, dan]\nreclaim:\n  inactive_after_days: 90\n  exempt: [cat]   # asked to keep it in #42\n",
    );
    let output = ws.run(
        &fakes[0].url,
        &["-f", "orgs", "reclaim", "--format", "markdown"],
    );
    let body = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(body.starts_with("<!-- copilot-seats:reclaim -->\n## Reclaim 2 unused or expired Copilot seat(s) in 2 target(s)"), "{body}");
    assert_eq!(
        body.matches("<!-- copilot-seats:reclaim -->").count(),
        1,
        "{body}"
    );
    assert!(
        body.contains("### Reclaim 1 unused or expired Copilot seat(s) of `acme`"),
        "{body}"
    );
    assert!(
        body.contains("### Reclaim 1 unused or expired Copilot seat(s) of `beta`"),
        "{body}"
    );
    assert!(
        body.contains("| @bob |") && body.contains("| @dan |"),
        "{body}"
    );
    assert!(!body.contains("@cat"), "exempt: {body}");
    let output = ws.run(&fakes[0].url, &["-f", "orgs", "reclaim", "--write"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        text.contains("Reclaim in acme: 1 entry(ies) to remove, 1 listed in all."),
        "{text}"
    );
    assert!(
        text.contains("LOGIN  LAST ACTIVITY  IDLE DAYS  SOURCE  ACTION  WHY"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("orgs/beta.yaml")).expect("beta"),
        "org: beta\nusers: [cat]\nreclaim:\n  inactive_after_days: 90\n  exempt: [cat]   # asked to keep it in #42\n"
    );
    // The plan after the reclaim says why bob goes, not only "not declared".
    let output = ws.run(&fakes[0].url, &["-f", "orgs", "plan"]);
    let out = stdout(&output);
    assert!(
        out.contains("- user bob (not declared (reclaim: no activity for 177 days))"),
        "{out}"
    );
    // The exempt user is not suggested in plans either.
    assert!(!out.contains("cat: no activity"), "{out}");
    // Each target's section has its diff, as a single file's plan has.
    assert_eq!(out.matches("+++ seats after this plan").count(), 2, "{out}");
}

#[test]
fn a_404_at_apply_names_the_enterprise_and_a_removal_of_someone_gone_is_in_effect() {
    let mut state = State::new_enterprise("initech");
    state.add_members(&["ann", "ben"]);
    state.selected_users.insert("ben".into());
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("enterprise: initech\nusers: [ann, zed]\n");
    // ben leaves the enterprise between the plan and the write.
    fake.state().faults.push(
        crate::support::Fault::new(
            "DELETE",
            "/enterprises/initech/copilot/billing/selected_users",
            crate::support::FaultAnswer::Normal,
        )
        .mutate(|s| {
            s.members.retain(|m| m != "ben");
            s.selected_users.remove("ben");
        }),
    );
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAILED   add user zed: `zed` is not a member of the enterprise: add them to the enterprise (or its identity provider) first"),
        "{out}"
    );
    assert!(!out.contains("invite them"), "{out}");
    assert!(
        out.contains("remove user: already in effect (1): ben"),
        "{out}"
    );
}

#[test]
fn a_long_rate_limit_wait_is_said_without_v() {
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["alice"]);
    acme.faults.push(
        crate::support::Fault::status(
            "GET",
            "/orgs/acme/copilot/billing",
            429,
            r#"{"message":"API rate limit exceeded"}"#,
        )
        .header("retry-after", "6"),
    );
    let fake = FakeGitHub::start(acme);
    let ws = Workspace::new("org: acme\nusers: [alice]\n");
    let output = ws.run(&fake.url, &["plan"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "waiting 6 s for GitHub's rate limit (GET /orgs/acme/copilot/billing), until "
        ) && err.contains(" UTC\n"),
        "{err}"
    );
    assert!(
        err.contains("rate-limit wait over: resuming GET /orgs/acme/copilot/billing"),
        "{err}"
    );
}

#[test]
fn export_never_overwrites_a_hand_edited_file_and_update_merges_into_it() {
    let mut acme = State::new("acme");
    acme.with_direct_seats(&["alice", "newcomer"]);
    acme.add_team("platform", "Platform", &["walter"], true);
    let fake = FakeGitHub::start(acme);
    let ws = Workspace::new("");
    std::fs::create_dir(ws.path("orgs")).expect("mkdir");
    let edited = "# acme's seats, reviewed by the platform team\norg: acme\nusers:\n  - alice\n  - login: gone\n    note: left in October\nteams: [platform]\nignore: {users: [root]}\nlimits: {max_removals: 5}\n";
    ws.write("orgs/acme.yaml", edited);
    let output = ws.run(&fake.url, &["export", "--org", "acme", "--out-dir", "orgs"]);
    assert_fails_with(
        &output,
        "`orgs/acme.yaml` exists, and overwriting it would lose its comments, notes, expiry dates, ignore lists and limits: pass --update to merge today's seats into it, or --force to overwrite it",
    );
    assert_eq!(
        std::fs::read_to_string(ws.path("orgs/acme.yaml")).expect("file"),
        edited
    );
    let output = ws.run(
        &fake.url,
        &["export", "--org", "acme", "--out-dir", "orgs", "--update"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(ws.path("orgs/acme.yaml")).expect("file"),
        "# acme's seats, reviewed by the platform team\norg: acme\nusers:\n  - alice\n  - newcomer\nteams: [platform]\nignore: {users: [root]}\nlimits: {max_removals: 5}\n"
    );
    let output = ws.run(
        &fake.url,
        &["export", "--org", "acme", "--out-dir", "orgs", "--force"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::read_to_string(ws.path("orgs/acme.yaml"))
            .expect("file")
            .starts_with("# Copilot seats of acme, exported by copilot-seats")
    );
}

#[test]
fn a_403_hint_says_what_the_token_has_even_when_it_has_nothing() {
    let mut acme = State::new("acme");
    acme.faults.push(
        crate::support::Fault::status(
            "GET",
            "/orgs/acme/copilot/billing",
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        )
        .header("x-accepted-oauth-scopes", "manage_billing:copilot")
        .header("x-oauth-scopes", ""),
    );
    let fake = FakeGitHub::start(acme);
    let ws = Workspace::new("org: acme\nusers: [alice]\n");
    let output = ws.run(&fake.url, &["plan"]);
    let err = stderr(&output);
    assert!(
        err.contains(
            "GitHub accepts the scopes: manage_billing:copilot; the token has none of them"
        ),
        "{err}"
    );
    assert!(
        !err.contains("the token has: )") && !err.contains("the token has: \n"),
        "{err}"
    );
}
