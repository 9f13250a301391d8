//! Enterprises at real size (issue: "Enterprises for real"): seat lists of over 1,000
//! grant objects for 790 users read whole, Enterprise Managed User logins end to end, the
//! one rule for own licences, moves between targets, and counts across targets.

use crate::support::{FakeGitHub, State, Workspace, stderr, stdout};
use serde_json::Value;

fn logins(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("u{i:03}_initech")).collect()
}

fn refs(logins: &[String]) -> Vec<&str> {
    logins.iter().map(String::as_str).collect()
}

/// initech, an EMU enterprise of 790 users and 1,840 grant objects: own licences for
/// u000-u399 and u780-u789; org grants (org-a u000-u299, org-b u300-u599, org-c
/// u600-u699); enterprise teams ent:eng (u100-u499) and ent:ops (u450-u779).
fn big_enterprise() -> State {
    let mut state = State::new_enterprise("initech");
    state.add_members(&refs(&logins(0..790)));
    let own: Vec<String> = logins(0..400).into_iter().chain(logins(780..790)).collect();
    state
        .selected_users
        .extend(own.iter().map(|l| l.to_lowercase()));
    state.grant_through_org("org-a", &refs(&logins(0..300)));
    state.grant_through_org("org-b", &refs(&logins(300..600)));
    state.grant_through_org("org-c", &refs(&logins(600..700)));
    state.add_team("ent:eng", "Engineering", &refs(&logins(100..500)), true);
    state.add_team("ent:ops", "Operations", &refs(&logins(450..780)), true);
    state
}

/// Declares u000-u379 (u380-u399 and u780-u789 lose their own licence) and u700-u709 (who
/// hold a seat only through ent:ops today), and both teams.
fn big_file() -> String {
    let users: Vec<String> = logins(0..380).into_iter().chain(logins(700..710)).collect();
    format!(
        "enterprise: initech\nusers: [{}]\nenterprise_teams: [ent:eng, ent:ops]\n",
        users.join(", ")
    )
}

fn seat_pages_read(fake: &FakeGitHub) -> usize {
    fake.state()
        .requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/copilot/billing/seats"))
        .count()
}

#[test]
fn a_790_user_enterprise_of_1840_grants_is_read_whole_applied_and_converges() {
    let fake = FakeGitHub::start(big_enterprise());
    let ws = Workspace::new(&big_file());
    let output = ws.run(&fake.url, &["plan", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(plan["summary"]["seats_before"], 790, "every user counted");
    // u780-u789 lose their only grant; u380-u399 keep a seat through org-b (and ent:eng).
    assert_eq!(plan["summary"]["removed"], 10);
    assert_eq!(plan["summary"]["seats_after"], 780);
    let removals: Vec<&Value> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["action"] == "remove_user")
        .collect();
    assert_eq!(removals.len(), 30);
    let u390 = removals
        .iter()
        .find(|c| c["login"] == "u390_initech")
        .expect("u390");
    assert_eq!(
        u390["reason"],
        "not declared; keeps a seat through org `org-b`"
    );
    let adds: Vec<&Value> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["action"] == "add_user")
        .collect();
    assert_eq!(adds.len(), 10, "u700-u709 get a licence of their own");
    assert!(
        adds[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("holds a seat only through team `ent:ops` today")),
        "{}",
        adds[0]
    );
    // 1,840 objects at 100 a page: 19 pages, each read once.
    assert_eq!(seat_pages_read(&fake), 19);

    // seats and --team read every object too.
    let output = ws.run(
        &fake.url,
        &["seats", "--enterprise", "initech", "--format", "json"],
    );
    let rows: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(790));
    let output = ws.run(
        &fake.url,
        &[
            "seats",
            "--enterprise",
            "initech",
            "--team",
            "ent:eng",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        rows.as_array().map(Vec::len),
        Some(400),
        "every holder of the team's grant, own licence or not"
    );
    // export gives a file validate passes (EMU logins) with every own licence.
    let output = ws.run(&fake.url, &["export", "--enterprise", "initech"]);
    let exported = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(exported.matches("_initech\n").count(), 410, "{exported}");
    ws.write("exported.yaml", &exported);
    let output = ws.run(&fake.url, &["-f", "exported.yaml", "validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    {
        let state = fake.state();
        assert_eq!(state.pending.len(), 10, "u780-u789 pending cancellation");
        assert!(state.selected_users.contains("u705_initech"));
        assert!(!state.selected_users.contains("u390_initech"));
    }
    // The list now holds pending objects too, and still more than 1,000 objects.
    let output = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("No changes: the 780 active seat(s) of initech match the file."),
        "{}",
        stdout(&output)
    );
}

/// 90 users, 120 objects: own licences u000-u059 and u085-u089 (those five undeclared),
/// org-x grants u000-u024, ent:dev u060-u089. The undeclared licences sit on the last page.
#[test]
fn a_90_user_enterprise_of_120_grants_is_planned_exactly() {
    let mut state = State::new_enterprise("initech");
    state.add_members(&refs(&logins(0..90)));
    let own: Vec<String> = logins(0..60).into_iter().chain(logins(85..90)).collect();
    state
        .selected_users
        .extend(own.iter().map(|l| l.to_lowercase()));
    state.grant_through_org("org-x", &refs(&logins(0..25)));
    state.add_team("ent:dev", "Developers", &refs(&logins(60..90)), true);
    let fake = FakeGitHub::start(state);
    let file = format!(
        "enterprise: initech\nusers: [{}]\nenterprise_teams: [ent:dev]\n",
        logins(0..60).join(", ")
    );
    let ws = Workspace::new(&file);
    let output = ws.run(&fake.url, &["plan"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(
        out.contains("Plan for initech: 0 seat(s) added, 0 removed; seats 90 -> 90"),
        "{out}"
    );
    for login in logins(85..90) {
        assert!(
            out.contains(&format!(
                "- user {login} (not declared; keeps a seat through team `ent:dev`)"
            )),
            "{login}: {out}"
        );
    }
    assert_eq!(out.matches("- user ").count(), 5, "{out}");
    assert_eq!(seat_pages_read(&fake), 2);
}

#[test]
fn emu_logins_work_end_to_end() {
    let mut state = State::new("initech-web");
    state.with_direct_seats(&["jdoe_initech", "mary-ann_initech"]);
    state.add_members(&["new-hire_initech"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("");
    let output = ws.run(&fake.url, &["export", "--org", "initech-web"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let exported = stdout(&output);
    assert!(exported.contains("- jdoe_initech"), "{exported}");
    ws.write("copilot-seats.yaml", &exported);
    let output = ws.run(&fake.url, &["validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = ws.run(&fake.url, &["add", "new-hire_initech"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = ws.run(&fake.url, &["remove", "mary-ann_initech"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = ws.run(&fake.url, &["plan"]);
    let out = stdout(&output);
    assert!(out.contains("+ user new-hire_initech (declared)"), "{out}");
    assert!(
        out.contains("- user mary-ann_initech (not declared)"),
        "{out}"
    );
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        fake.state().seat_logins(),
        ["jdoe_initech", "new-hire_initech"]
    );
    let output = ws.run(&fake.url, &["seats", "--user", "jdoe_initech"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// alice: own licence and org-web's seat; bob: own licence and ent:eng's grant; neither
/// declared. The same rule for both: the own licence goes, the seat stays.
#[test]
fn own_licences_follow_one_rule_beside_org_and_team_grants() {
    let mut state = State::new_enterprise("initech");
    state.add_members(&["alice", "bob", "carol"]);
    state
        .selected_users
        .extend(["alice", "bob", "carol"].map(String::from));
    state.grant_through_org("org-web", &["alice"]);
    state.add_team("ent:eng", "Engineering", &["bob"], true);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("enterprise: initech\nusers: [carol]\nenterprise_teams: [ent:eng]\n");
    let output = ws.run(&fake.url, &["plan"]);
    let out = stdout(&output);
    assert!(
        out.contains("- user alice (not declared; keeps a seat through org `org-web`)"),
        "{out}"
    );
    assert!(
        out.contains("- user bob (not declared; keeps a seat through team `ent:eng`)"),
        "{out}"
    );
    assert!(out.contains("seats 3 -> 3"), "{out}");
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(fake.state().pending.is_empty(), "nobody lost access");
}

/// mover's seat comes from org-web's file today; one pull request moves them to the
/// enterprise file. One apply: the enterprise's POST goes before org-web's DELETE.
#[test]
fn a_user_moved_from_an_org_file_to_the_enterprise_file_is_never_without_a_seat() {
    let mut enterprise = State::new_enterprise("initech");
    enterprise.grant_through_org("org-web", &["mover", "stays"]);
    let mut org = State::new("org-web");
    org.with_direct_seats(&["mover", "stays"]);
    let fakes = FakeGitHub::start_many(vec![enterprise, org]);
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("seats")).expect("mkdir");
    // Enterprise first in name order would hide the point: the org sorts first.
    ws.write("seats/a-org-web.yaml", "org: org-web\nusers: [stays]\n");
    ws.write(
        "seats/initech.yaml",
        "enterprise: initech\nusers: [mover]\n",
    );
    let output = ws.run(&fakes[0].url, &["-f", "seats", "apply", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let post = fakes[0]
        .state()
        .writes()
        .iter()
        .find(|w| w.method == "POST")
        .map(|w| w.at)
        .expect("the enterprise's POST");
    let delete = fakes[1]
        .state()
        .writes()
        .iter()
        .find(|w| w.method == "DELETE")
        .map(|w| w.at)
        .expect("org-web's DELETE");
    assert!(post < delete, "the addition went first");
    assert!(fakes[0].state().selected_users.contains("mover"));
    // GitHub drops the org grant once org-web cancels it; the next plan has nothing to do.
    fakes[0].state().org_grants.remove("mover");
    let output = ws.run(
        &fakes[0].url,
        &["-f", "seats", "plan", "--detailed-exitcode"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// zed holds a seat in acme-data and gains one in acme-web: GitHub bills zed once.
#[test]
fn totals_of_several_targets_count_each_user_once() {
    let mut web = State::new("acme-web");
    web.with_direct_seats(&["amy"]);
    web.add_members(&["zed", "yan"]);
    let mut data = State::new("acme-data");
    data.with_direct_seats(&["zed", "bo"]);
    let fakes = FakeGitHub::start_many(vec![web, data]);
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("orgs")).expect("mkdir");
    ws.write(
        "orgs/acme-web.yaml",
        "org: acme-web\nusers: [amy, zed, yan]\n",
    );
    ws.write("orgs/acme-data.yaml", "org: acme-data\nusers: [zed, bo]\n");
    let output = ws.run(&fakes[0].url, &["-f", "orgs", "plan", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let set: Value = serde_json::from_slice(&output.stdout).expect("json");
    let totals = &set["summary"];
    // amy, zed, bo before; yan added; zed counted once.
    assert_eq!(totals["seats_before"], 3, "{totals}");
    assert_eq!(totals["seats_after"], 4, "{totals}");
    assert_eq!(totals["added"], 1, "{totals}");
    assert_eq!(totals["monthly_cost_delta_usd"], 19, "{totals}");
    let web_plan = set["plans"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["org"] == "acme-web"))
        .expect("acme-web");
    assert_eq!(web_plan["summary"]["already_seated_elsewhere"], 1);
    let output = ws.run(&fakes[0].url, &["-f", "orgs", "plan"]);
    let out = stdout(&output);
    assert!(out.contains("seats 3 -> 4; +19 USD"), "{out}");
    assert!(
        out.contains(
            "1 of the users this plan seats already hold a seat in another target of this run"
        ),
        "{out}"
    );
}

#[test]
fn an_enterprise_reclaim_lists_users_who_keep_a_seat_elsewhere_apart() {
    let mut state = State::new_enterprise("initech");
    state.add_members(&["idle-own", "idle-org", "idle-team", "busy"]);
    state
        .selected_users
        .extend(["idle-own", "idle-org", "idle-team", "busy"].map(String::from));
    state.grant_through_org("org-web", &["idle-org"]);
    state.add_team("ent:eng", "Engineering", &["idle-team"], true);
    for login in ["idle-own", "idle-org", "idle-team"] {
        state.set_activity(login, Some("2026-06-01T10:00:00Z"));
    }
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(
        "enterprise: initech\nusers: [idle-own, idle-org, idle-team, busy]\nenterprise_teams: [ent:eng]\nreclaim: {inactive_after_days: 90}\n",
    );
    let output = ws.run(&fake.url, &["reclaim", "--format", "markdown"]);
    let body = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(body.contains("| @idle-own |"), "{body}");
    assert!(
        !body.contains("@idle-org") && !body.contains("@idle-team"),
        "{body}"
    );
    assert!(body.contains("### No saving"), "{body}");
    assert!(
        body.contains("- `idle-org`: keeps a seat through `org:org-web`"),
        "{body}"
    );
    assert!(body.contains("Reclaim 1 unused"), "{body}");
    let output = ws.run(&fake.url, &["reclaim", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let file = std::fs::read_to_string(ws.path("copilot-seats.yaml")).expect("file");
    assert!(
        file.contains("users: [idle-org, idle-team, busy]"),
        "{file}"
    );
}

#[test]
fn one_users_enterprise_seat_of_an_unexpected_shape_is_a_decode_error() {
    let fake = FakeGitHub::start(State::new_enterprise("initech"));
    fake.state().faults.push(crate::support::Fault::status(
        "GET",
        "/enterprises/initech/members/jdoe_initech/copilot",
        200,
        r#"{"created_at": "2025-01-01T00:00:00Z", "assignee": {"login": "jdoe_initech"}}"#,
    ));
    let ws = Workspace::new("enterprise: initech\n");
    let output = ws.run(
        &fake.url,
        &["seats", "--enterprise", "initech", "--user", "jdoe_initech"],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot read GitHub's answer: missing field `seats`"),
        "{err}"
    );
    assert!(
        err.contains("GitHub answered 200 with an object with the keys `assignee`, `created_at`"),
        "{err}"
    );
    assert!(!err.contains("404"), "{err}");
}
