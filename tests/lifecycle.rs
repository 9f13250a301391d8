//! Seat lifecycle against the fake GitHub with dated seats (`--today 2026-11-25`): the
//! `seats` listing and its filters, one user's seat, `status`, inactive-seat suggestions
//! and `export --skip-inactive-days`.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, stderr, stdout};
use serde_json::{Value, json};

/// alice used Copilot 5 days ago, bob 177 days ago, carol never (assigned 24 days ago),
/// dave holds a seat through `platform` and last used it 319 days ago, erin's seat is
/// pending cancellation; frank is a member without a seat, gina is still invited.
fn dated_org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "bob", "carol"]);
    state.add_team("platform", "Platform", &["dave"], true);
    state.add_members(&["erin", "frank", "gina"]);
    state.pending.insert("erin".into(), "2026-12-31".into());
    state.invited.insert("gina".into());
    state.set_activity("bob", Some("2026-06-01T09:30:00Z"));
    state.set_activity("carol", None);
    state.set_assigned("carol", "2026-11-01T08:00:00Z");
    state.set_activity("dave", Some("2026-01-10T12:00:00+01:00"));
    state
}

const FILE: &str = "org: acme\nusers: [alice, bob, carol]\nteams: [platform]\n";

fn json_rows(output: &std::process::Output) -> Vec<Value> {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).expect("JSON rows")
}

fn logins(rows: &[Value]) -> Vec<&str> {
    rows.iter().filter_map(|r| r["login"].as_str()).collect()
}

#[test]
fn seats_lists_every_seat_with_source_activity_and_days_inactive() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new(FILE);
    let rows = json_rows(&ws.run(&fake.url, &["seats", "--format", "json"]));
    assert_eq!(logins(&rows), ["alice", "bob", "carol", "dave", "erin"]);
    assert_eq!(
        rows[2],
        json!({
            "login": "carol", "source": "direct", "team": null,
            "pending_cancellation_date": null, "last_activity_at": null,
            "days_inactive": 24, "last_activity_editor": null,
            "created_at": "2026-11-01T08:00:00Z",
        })
    );
    assert_eq!(rows[1]["days_inactive"], 177);
    assert_eq!(rows[3]["source"], "team");
    assert_eq!(rows[3]["team"], "platform");
    assert_eq!(rows[3]["days_inactive"], 319);
    assert_eq!(rows[4]["pending_cancellation_date"], "2026-12-31");
    // The org came from the file; the seat list was read, nothing written.
    let state = fake.state();
    assert!(state.requests.iter().all(|r| r.method == "GET"));
    assert!(
        state
            .requests
            .iter()
            .any(|r| r.path.starts_with("/orgs/acme/copilot/billing/seats"))
    );
}

#[test]
fn seats_as_a_table_and_as_csv() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new(FILE);
    let table = stdout(&ws.run(&fake.url, &["seats"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("LOGIN  SOURCE"), "{table}");
    assert!(
        lines[2].starts_with("bob    direct") && lines[2].contains("2026-06-01     177"),
        "{table}"
    );
    assert!(lines[3].contains("never"), "{table}");
    assert!(lines[4].contains("team:platform"), "{table}");
    assert!(
        table.ends_with("5 seat(s): 4 direct, 1 through teams, 1 pending cancellation\n"),
        "{table}"
    );

    let csv = stdout(&ws.run(&fake.url, &["seats", "--format", "csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "login,source,team,pending_cancellation_date,last_activity_at,days_inactive,last_activity_editor,created_at"
    );
    assert_eq!(lines[3], "carol,direct,,,,24,,2026-11-01T08:00:00Z");
    assert_eq!(lines.len(), 6);
}

#[test]
fn seats_filters_by_inactivity_use_and_team() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new(FILE);
    let filtered = |args: &[&str]| {
        let mut all = vec!["seats", "--format", "json"];
        all.extend_from_slice(args);
        let rows = json_rows(&ws.run(&fake.url, &all));
        logins(&rows)
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(filtered(&["--inactive-days", "90"]), ["bob", "dave"]);
    assert_eq!(
        filtered(&["--inactive-days", "20"]),
        ["bob", "carol", "dave"]
    );
    assert_eq!(filtered(&["--never-used"]), ["carol"]);
    assert_eq!(filtered(&["--team", "Platform"]), ["dave"]);
    assert_eq!(
        filtered(&["--inactive-days", "200", "--team", "platform"]),
        ["dave"]
    );
    assert!(filtered(&["--never-used", "--team", "platform"]).is_empty());
}

#[test]
fn seats_team_must_be_a_known_slug() {
    let mut state = dated_org();
    state.add_team(
        "platform-engineering",
        "Platform Engineering",
        &["walter"],
        true,
    );
    state.add_team("quiet", "Quiet", &["quinn"], false);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(FILE);
    let run = |team: &str| ws.run(&fake.url, &["seats", "--team", team]);
    assert_fails_with(
        &run("nosuch"),
        "team `nosuch` does not exist in `acme`: check the slug at github.com/orgs/acme/teams; seats come through: platform, platform-engineering",
    );
    assert_fails_with(
        &run("Platform Engineering"),
        "`Platform Engineering` is the display name of team `platform-engineering` (\"Platform Engineering\"): --team takes the slug: `--team platform-engineering`",
    );
    // A team that exists but gives no seat lists nothing, and is not an error.
    let output = run("quiet");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Offline, the snapshot is all there is to know.
    ws.write("seats.json", r#"{"total_seats": 0, "seats": []}"#);
    let output = ws.run(
        &fake.url,
        &["seats", "--state", "seats.json", "--team", "quiet"],
    );
    assert_fails_with(
        &output,
        "no seat in the snapshot comes through team `quiet`",
    );
}

#[test]
fn seats_user_asks_for_one_seat() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new(FILE);
    let rows = json_rows(&ws.run(&fake.url, &["seats", "--user", "Dave", "--format", "json"]));
    assert_eq!(logins(&rows), ["dave"]);
    assert_eq!(rows[0]["team"], "platform");
    assert_eq!(rows[0]["days_inactive"], 319);
    let paths: Vec<String> = fake
        .state()
        .requests
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, ["/orgs/acme/members/Dave/copilot"]);

    assert_fails_with(
        &ws.run(&fake.url, &["seats", "--user", "frank"]),
        "`frank` holds no Copilot seat in `acme`",
    );
    assert_fails_with(
        &ws.run(&fake.url, &["seats", "--user", "gina"]),
        "`gina` has not yet accepted the invitation to `acme`",
    );
    assert_fails_with(
        &ws.run(&fake.url, &["seats", "--user", "not a login"]),
        "is not a GitHub login",
    );
}

#[test]
fn seats_takes_the_org_from_the_flag_or_the_file() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new("org: elsewhere\nusers: [alice]\n");
    let output = ws.run(&fake.url, &["seats", "--org", "acme", "--format", "json"]);
    assert_eq!(json_rows(&output).len(), 5);
    // The file's org is not the fake's: GitHub's 404 is reported.
    assert_fails_with(
        &ws.run(&fake.url, &["seats"]),
        "cannot list the Copilot seats of `elsewhere`",
    );
    assert_fails_with(
        &ws.run(&fake.url, &["-f", "missing.yaml", "seats"]),
        "no --org given and no `missing.yaml` to read the org from",
    );
}

#[test]
fn status_shows_settings_breakdown_and_cost() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["status", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let status: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(status["org"], "acme");
    assert_eq!(status["seat_management_setting"], "assign_selected");
    assert_eq!(status["plan_type"], "business");
    assert_eq!(
        status["seat_breakdown"],
        json!({"total": 5, "added_this_cycle": 0, "pending_invitation": 1,
               "pending_cancellation": 1, "active_this_cycle": 4, "inactive_this_cycle": 0})
    );
    assert_eq!(status["price_per_seat_usd"], 19.0);
    assert_eq!(status["monthly_cost_usd"], 95.0);

    let text = stdout(&ws.run(&fake.url, &["status"]));
    assert!(text.starts_with("Copilot in acme\n"), "{text}");
    assert!(
        text.contains("assign_selected (selected members: copilot-seats can manage seats)"),
        "{text}"
    );
    assert!(text.contains("  seats billed              5\n"), "{text}");
    assert!(text.contains("95 USD (5 seats x 19 USD)"), "{text}");

    // The file's price, and a setting under which seat changes fail.
    fake.state().setting = "assign_all".into();
    ws.write(
        "copilot-seats.yaml",
        &format!("{FILE}price_per_seat_usd: 25.5\n"),
    );
    let text = stdout(&ws.run(&fake.url, &["status"]));
    assert!(text.contains("127.50 USD (5 seats x 25.50 USD)"), "{text}");
    assert!(
        text.contains("assign_all (every member: seat changes answer 422"),
        "{text}"
    );
    // Only reads.
    assert!(fake.state().writes().is_empty());
}

#[test]
fn the_plan_suggests_reclaiming_inactive_seats_and_never_removes_them() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new(&format!(
        "{FILE}reclaim: {{inactive_after_days: 90, grace_days: 30}}\n"
    ));
    let output = ws.run(&fake.url, &["plan", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: Value = serde_json::from_str(&stdout(&output)).expect("plan");
    // bob: 177 days idle. carol never used hers, but it is 24 days old: within the grace.
    assert_eq!(
        plan["suggestions"],
        json!([{"login": "bob", "reason": "no activity for 177 days"}])
    );
    assert_eq!(plan["changes"], json!([]));

    let markdown = stdout(&ws.run(&fake.url, &["plan", "--format", "markdown"]));
    assert!(
        markdown.contains("Inactive seats you may reclaim"),
        "{markdown}"
    );
    assert!(markdown.contains("bob"), "{markdown}");
    let text = stdout(&ws.run(&fake.url, &["plan"]));
    assert!(text.contains("no activity for 177 days"), "{text}");
}

#[test]
fn export_skip_inactive_days_leaves_out_idle_direct_users_ready_for_a_pr() {
    let fake = FakeGitHub::start(dated_org());
    let ws = Workspace::new("");
    let output = ws.run(
        &fake.url,
        &["export", "--org", "acme", "--skip-inactive-days", "90"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let exported = stdout(&output);
    assert!(exported.contains("#   bob: 177 days\n"), "{exported}");
    let body: Vec<&str> = exported.lines().filter(|l| !l.starts_with('#')).collect();
    // dave is idle too, but holds his seat through a team: teams are kept whole.
    assert_eq!(
        body,
        [
            "org: acme",
            "users:",
            "- alice",
            "- carol",
            "teams:",
            "- platform"
        ]
    );
    assert!(stderr(&output).contains("left out 1 direct user(s)"));

    // The exported file plans exactly the removal of bob.
    ws.write("copilot-seats.yaml", &exported);
    let output = ws.run(&fake.url, &["plan", "--format", "json"]);
    let plan: Value = serde_json::from_str(&stdout(&output)).expect("plan");
    assert_eq!(
        plan["changes"],
        json!([{"action": "remove_user", "login": "bob", "reason": "not declared"}])
    );
}

#[test]
fn seats_reads_a_snapshot_offline_as_the_readme_shows() {
    let ws = Workspace::new("");
    let output = ws
        .cmd("http://127.0.0.1:9")
        .current_dir(crate::support::repo_path("."))
        .env_remove("COPILOT_SEATS_TOKEN")
        .args([
            "seats",
            "-f",
            "examples/copilot-seats.yaml",
            "--state",
            "examples/live-seats.json",
            "--inactive-days",
            "30",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let rows = json_rows(&output);
    assert_eq!(logins(&rows), ["Dave-Ops", "heidi", "oscar"]);
    assert_eq!(rows[2]["pending_cancellation_date"], "2026-12-01");
    assert!(stderr(&output).contains("1 seat(s) have no assignee"));
}
