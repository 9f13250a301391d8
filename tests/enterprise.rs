//! Enterprise-level licences (SPEC 9, API.md "Enterprise") against the fake GitHub's
//! enterprise: grants per object, enterprise teams and their memberships, seats held
//! through an org that the enterprise file never changes, 202 answers to team removals.

use crate::support::{FakeGitHub, Fault, State, Workspace, assert_fails_with, stderr, stdout};

/// acme-corp: alice (her own licence), carol (through org acme-web only), dave (through
/// ent:eng), erin (her own licence, undeclared), frank (his own licence and through
/// acme-web), gina (through ent:old, undeclared); bob and hank have none; ent:new (hank)
/// is declared but not selected.
fn enterprise() -> State {
    let mut state = State::new_enterprise("acme-corp");
    state.add_members(&["alice", "bob", "dave", "erin", "frank", "gina", "hank"]);
    state
        .selected_users
        .extend(["alice", "erin", "frank"].map(String::from));
    state.grant_through_org("acme-web", &["carol", "frank"]);
    state.add_team("ent:eng", "Engineering", &["dave"], true);
    state.add_team("ent:old", "Old Team", &["gina"], true);
    state.add_team("ent:new", "New Team", &["hank"], false);
    state.team_delete_accepted = true;
    state
}

const FILE: &str =
    "enterprise: acme-corp\nusers: [alice, bob]\nenterprise_teams: [ent:eng, ent:new]\n";

#[test]
fn an_enterprise_plans_with_its_own_endpoints_and_leaves_org_seats_alone() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    for line in [
        "Plan for acme-corp: 2 seat(s) added, 2 removed; seats 6 -> 6",
        "+ user bob (declared)",
        "+ team ent:new \"New Team\" (declared)\n    members gaining a seat: hank",
        "- team ent:old \"Old Team\" (not declared)\n    members losing their seat: gina",
        "- user erin (not declared)",
        "- user frank (not declared; keeps a seat through org `acme-web`)",
        "1 user(s) hold a licence only through an org (1 through org `acme-web`)",
        "POST /enterprises/acme-corp/copilot/billing/selected_users {\"selected_usernames\":[\"bob\"]}",
        "POST /enterprises/acme-corp/copilot/billing/selected_enterprise_teams {\"selected_enterprise_teams\":[\"New Team\"]}",
        "DELETE /enterprises/acme-corp/copilot/billing/selected_enterprise_teams {\"selected_enterprise_teams\":[\"Old Team\"]}",
        "DELETE /enterprises/acme-corp/copilot/billing/selected_users {\"selected_usernames\":[\"erin\",\"frank\"]}",
    ] {
        assert!(out.contains(line), "{line}:\n{out}");
    }
    assert!(!out.contains("carol"), "carol's seat is acme-web's: {out}");
    let json = ws.run(&fake.url, &["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(plan["enterprise"], "acme-corp");
    assert!(plan.get("org").is_none(), "{plan}");
    assert!(fake.state().writes().is_empty());
}

#[test]
fn an_enterprise_applies_with_a_202_for_teams_and_converges_in_a_mixed_directory() {
    let mut org = State::new("acme-web");
    org.with_direct_seats(&["olga"]);
    org.add_members(&["pete"]);
    let fakes = FakeGitHub::start_many(vec![enterprise(), org]);
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("seats")).expect("mkdir");
    ws.write("seats/acme-corp.yaml", FILE);
    ws.write(
        "seats/acme-web.yaml",
        "org: acme-web\nusers: [olga, pete]\n",
    );
    let url = fakes[0].url.clone();
    let output = ws.run(&url, &["-f", "seats", "apply", "--yes"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(
        out.contains("remove team: accepted, pending at GitHub (1): ent:old"),
        "{out}"
    );
    assert!(
        out.contains("Targets: 2 applied, 0 incomplete, 0 refused, 0 failed."),
        "{out}"
    );
    let seats = fakes[0].state().seat_logins();
    assert_eq!(seats, ["alice", "bob", "carol", "dave", "frank", "hank"]);
    assert_eq!(fakes[1].state().seat_logins(), ["olga", "pete"]);
    // The next plan finds nothing to do.
    let output = ws.run(&url, &["-f", "seats", "plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn enterprise_writes_drop_unknown_users_and_a_422_names_the_enterprise_settings() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(
        "enterprise: acme-corp\nusers: [alice, bob, zed, erin, frank]\nenterprise_teams: [ent:eng, ent:old]\n",
    );
    // zed is no member: GitHub's 404 names him, apply drops him and sends bob.
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("add user: done (1): bob"), "{out}");
    assert!(
        out.contains("FAILED   add user zed: `zed` is not a member"),
        "{out}"
    );
    fake.state().faults.push(Fault::status(
        "POST",
        "/enterprises/acme-corp/copilot/billing/selected_users",
        422,
        r#"{"message":"Copilot is not enabled for this enterprise"}"#,
    ));
    ws.write("copilot-seats.yaml", "enterprise: acme-corp\nusers: [alice, bob, hank, erin, frank]\nenterprise_teams: [ent:eng, ent:old]\n");
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("Copilot is not enabled for this enterprise"),
        "{out}"
    );
    assert!(
        out.contains("Enterprise settings > Policies > Copilot"),
        "{out}"
    );
}

#[test]
fn seats_and_export_of_an_enterprise_show_every_grant() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(FILE);
    let output = ws.run(
        &fake.url,
        &["seats", "--enterprise", "acme-corp", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let frank = rows
        .as_array()
        .and_then(|r| r.iter().find(|r| r["login"] == "frank"))
        .cloned()
        .expect("frank");
    assert_eq!(
        frank["grants"],
        serde_json::json!(["direct", "org:acme-web"])
    );
    let output = ws.run(
        &fake.url,
        &["seats", "--enterprise", "acme-corp", "--user", "dave"],
    );
    assert!(
        stdout(&output).contains("team:ent:eng"),
        "{}",
        stdout(&output)
    );
    let output = ws.run(
        &fake.url,
        &["seats", "--enterprise", "acme-corp", "--user", "bob"],
    );
    assert_fails_with(
        &output,
        "`bob` holds no Copilot licence in enterprise `acme-corp`",
    );
    let output = ws.run(&fake.url, &["export", "--enterprise", "acme-corp"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("enterprise: acme-corp"), "{text}");
    assert!(
        text.contains("- ent:eng") && text.contains("- ent:old"),
        "{text}"
    );
    assert!(
        text.contains("1 user(s) hold a seat only through an org"),
        "{text}"
    );
    assert!(!text.contains("carol"), "{text}");
    // Org commands do not take an enterprise file for an org.
    let output = ws.run(&fake.url, &["seats"]);
    assert_fails_with(
        &output,
        "is an enterprise file: `seats` and `export` take --enterprise acme-corp",
    );
    // The export is a valid enterprise file.
    ws.write("exported.yaml", &text);
    let output = ws.run(&fake.url, &["-f", "exported.yaml", "validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
