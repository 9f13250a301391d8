//! `apply` against the fake GitHub: it reaches the declared state in one run, and a second
//! plan is empty.

use crate::support::{
    FakeGitHub, Fault, FaultAnswer, State, Workspace, assert_fails_with, stderr, stdout,
};
use std::collections::BTreeMap;

/// An org with three pages of seats, a seat pending cancellation, a seat without assignee,
/// team-derived seats, an unselected team and an invisible selected team.
fn busy_org() -> State {
    let mut state = State::new("acme");
    let direct: Vec<String> = (0..210).map(|i| format!("u{i:03}")).collect();
    state.with_direct_seats(&direct.iter().map(String::as_str).collect::<Vec<_>>());
    state.with_direct_seats(&["mallory"]);
    state.add_team("platform", "Platform", &["p1", "p2", "p3"], true);
    state.add_team("design", "Design Team", &["d1", "d2", "d3"], true);
    state.add_team("infra", "Infra", &["i1", "i2"], false);
    // Selected, but every member holds a direct seat: GitHub shows no seat through it.
    state.add_team("sre", "SRE", &["u000", "u001"], true);
    state.add_members(&["oscar", "newbie"]);
    state.pending.insert("oscar".into(), "2026-12-01".into());
    state.seats_without_assignee = 1;
    state
}

fn busy_file() -> String {
    let users: Vec<String> = (0..210).map(|i| format!("  - u{i:03}")).collect();
    format!(
        "org: acme\nusers:\n{}\n  - D1\n  - oscar\n  - login: newbie\n    expires: 2027-01-31\n  - login: gone\n    expires: 2026-01-01\nteams:\n  - platform\n  - infra\n  - sre\n",
        users.join("\n")
    )
}

#[test]
fn apply_reaches_the_declared_state_in_one_run() {
    let fake = FakeGitHub::start(busy_org());
    let ws = Workspace::new(&busy_file());

    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let out = stdout(&output);
    assert!(
        out.contains("+ user D1 (declared; keeps the seat while team `design` is removed)"),
        "{out}"
    );
    assert!(
        out.contains(
            "- team design \"Design Team\" (not declared)\n    members losing their seat: d2, d3"
        ),
        "{out}"
    );
    assert!(out.contains("~ team sre"), "{out}");
    assert!(out.contains("Applied: 7 of 7 name(s) in effect."), "{out}");
    // The report names teams by slug, as the plan does ("Design Team" is the name sent).
    assert!(out.contains("remove team: done (1): design\n"), "{out}");

    let state = fake.state();
    let seats = state.active_seats();
    let mut expected: BTreeMap<String, Option<String>> =
        (0..210).map(|i| (format!("u{i:03}"), None)).collect();
    for login in ["d1", "oscar", "newbie"] {
        expected.insert(login.into(), None);
    }
    for (login, team) in [
        ("p1", "platform"),
        ("p2", "platform"),
        ("p3", "platform"),
        ("i1", "infra"),
        ("i2", "infra"),
    ] {
        expected.insert(login.into(), Some(team.into()));
    }
    assert_eq!(seats, expected);
    for login in ["mallory", "d2", "d3"] {
        assert!(
            state.pending.contains_key(login),
            "{login} pending cancellation"
        );
    }
    let seat_pages = state
        .requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/copilot/billing/seats"))
        .count();
    assert_eq!(seat_pages, 3, "all pages read at per_page=100");
    let writes: Vec<String> = state
        .writes()
        .iter()
        .map(|w| {
            format!(
                "{} {} {}",
                w.method,
                w.path.rsplit('/').next().unwrap_or(""),
                w.body
            )
        })
        .collect();
    assert_eq!(
        writes,
        [
            r#"POST selected_users {"selected_usernames":["D1","newbie","oscar"]}"#,
            r#"POST selected_teams {"selected_teams":["Infra","SRE"]}"#,
            r#"DELETE selected_teams {"selected_teams":["Design Team"]}"#,
            r#"DELETE selected_users {"selected_usernames":["mallory"]}"#,
        ]
    );
    drop(state);

    let second = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}{}",
        stdout(&second),
        stderr(&second)
    );
    assert_eq!(fake.state().writes().len(), 4, "plan never writes");
}

#[test]
fn detailed_exitcode_is_2_with_changes_pending() {
    let fake = FakeGitHub::start(busy_org());
    let ws = Workspace::new(&busy_file());
    let output = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(fake.state().writes().is_empty());
}

#[test]
fn apply_needs_yes_without_a_terminal() {
    let fake = FakeGitHub::start(busy_org());
    let ws = Workspace::new(&busy_file());
    let output = ws.run(&fake.url, &["apply"]);
    assert_fails_with(&output, "refusing to apply without --yes");
    assert!(fake.state().writes().is_empty());
}

#[test]
fn blocked_plans_are_refused_unless_allowed() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["a", "b", "c"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: []\n");
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("BLOCKED: the plan removes every seat"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("refusing to apply a blocked plan"),
        "{}",
        stderr(&output)
    );
    assert!(fake.state().writes().is_empty());

    let output = ws.run(&fake.url, &["apply", "--yes", "--allow-mass-removal"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(fake.state().active_seats().is_empty());
}

#[test]
fn non_members_stop_the_plan_before_any_write() {
    let fake = FakeGitHub::start(busy_org());
    let ws = Workspace::new("org: acme\nusers:\n  - mallory\n  - stranger\n");
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error: user `stranger` is not a member of `acme`: invite them first or remove them from the file (line 4)"),
        "{err}"
    );
    assert!(fake.state().writes().is_empty());
}

#[test]
fn assign_all_stops_with_what_to_change() {
    let mut state = busy_org();
    state.setting = "assign_all".into();
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(&busy_file());
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_fails_with(&output, "`acme` assigns Copilot seats with `assign_all`");
    assert!(fake.state().writes().is_empty());
}

#[test]
fn a_404_at_apply_drops_the_unknown_names_and_sends_the_rest() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob", "carol"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [alice, bob, carol]\n");
    let plan = ws.run(&fake.url, &["plan", "--out", "plan.json"]);
    assert!(plan.status.success(), "{}", stderr(&plan));
    // bob leaves the org after apply re-derived the plan (its membership check passed),
    // just before the write.
    fake.state().faults.push(
        Fault::new(
            "POST",
            "/orgs/acme/copilot/billing/selected_users",
            FaultAnswer::Normal,
        )
        .mutate(|state| state.members.retain(|m| m != "bob")),
    );

    let output = ws.run(&fake.url, &["apply", "--plan", "plan.json", "--yes"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(out.contains("retry  POST /orgs/acme/copilot/billing/selected_users [bob, carol]: POST /orgs/acme/copilot/billing/selected_users: GitHub answered 404: One or more users do not exist in this organization: bob (handled, see below)\n"), "{out}");
    assert!(out.contains("! POST /orgs/acme/copilot/billing/selected_users: dropped bob and sent the other names again"), "{out}");
    assert!(
        out.contains("sent   POST /orgs/acme/copilot/billing/selected_users [carol]: 201"),
        "{out}"
    );
    assert!(out.contains("  FAILED   add user bob: `bob` is not a member of the organization: invite them first or remove them from the file (GitHub answered 404)"), "{out}");
    assert!(
        out.contains("Apply incomplete: 2 of 3 name(s) in effect."),
        "{out}"
    );
    let seats = fake.state().seat_logins();
    assert_eq!(
        seats,
        ["alice", "carol"],
        "carol added, mallory removed, bob reported"
    );
}

#[test]
fn saved_plans_apply_and_stale_ones_are_refused() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob", "carol"]);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [alice, bob]\n");
    let plan = |ws: &Workspace| {
        let output = ws.run(&fake.url, &["plan", "--out", "plan.json", "-q"]);
        assert!(output.status.success(), "{}", stderr(&output));
    };
    let apply = |ws: &Workspace| {
        ws.cmd(&fake.url)
            .args(["apply", "--plan", "plan.json", "--yes"])
            .output()
            .expect("run")
    };

    // The file changed since the plan.
    plan(&ws);
    ws.write(
        "copilot-seats.yaml",
        "org: acme\nusers: [alice, bob, carol]\n",
    );
    let output = apply(&ws);
    assert_fails_with(&output, "stale plan: `copilot-seats.yaml` changed");

    // The live seats changed since the plan.
    plan(&ws);
    fake.state().selected_users.insert("carol".into());
    let output = apply(&ws);
    assert_fails_with(&output, "stale plan: the seats of `acme` changed");

    // Another org's plan.
    plan(&ws);
    let text = std::fs::read_to_string(ws.path("plan.json")).expect("plan");
    ws.write(
        "plan.json",
        &text.replace("\"org\": \"acme\"", "\"org\": \"other\""),
    );
    let output = apply(&ws);
    assert!(
        stderr(&output).contains("stale plan: it is for org `other`"),
        "{}",
        stderr(&output)
    );
    assert!(fake.state().writes().is_empty());

    // A plan made from another file names it.
    ws.write("other.yaml", "org: acme\nusers: [alice]\n");
    let output = ws.run(
        &fake.url,
        &["-f", "other.yaml", "plan", "--out", "plan.json", "-q"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = apply(&ws);
    assert_fails_with(
        &output,
        "stale plan: the plan was made from `other.yaml`, not `copilot-seats.yaml`: pass `-f other.yaml`",
    );
    assert!(fake.state().writes().is_empty());

    // A current plan applies exactly its requests.
    plan(&ws);
    let output = apply(&ws);
    assert!(output.status.success(), "{}", stderr(&output));
    // The file now declares carol too, and mallory's seat goes.
    let seats = fake.state().seat_logins();
    assert_eq!(seats, ["alice", "bob", "carol"]);
    assert!(fake.state().pending.contains_key("mallory"));
}

#[test]
fn every_scenario_converges_in_one_apply() {
    let users: Vec<String> = (0..210).map(|i| format!("u{i:03}")).collect();
    let users = users.join(", ");
    let scenarios = [
        // unmanaged: warn keeps undeclared seats and removes expired ones.
        format!(
            "org: acme\nusers: [{users}, d1]\nteams:\n  - slug: platform\n    expires: 2026-11-01\nunmanaged: warn\n"
        ),
        // Everything declared through teams and users at once, with an ignored team.
        format!(
            "org: acme\nusers: [{users}, mallory, oscar]\nteams: [platform, infra]\nignore:\n  teams: [design]\n"
        ),
        // A file that removes a team whose members are all declared users.
        format!(
            "org: acme\nusers: [{users}, mallory, d1, d2, d3, p1, p2, p3]\nlimits: {{max_removals: 0}}\n"
        ),
    ];
    for file in scenarios {
        let fake = FakeGitHub::start(busy_org());
        let ws = Workspace::new(&file);
        let output = ws.run(&fake.url, &["apply", "--yes"]);
        assert!(
            output.status.success(),
            "{file}\n{}{}",
            stdout(&output),
            stderr(&output)
        );
        let second = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
        assert_eq!(
            second.status.code(),
            Some(0),
            "{file}\n{}{}",
            stdout(&second),
            stderr(&second)
        );
    }
}
