//! Cost centers (SPEC 14) against the fake GitHub's enterprise: created, renamed, filled,
//! moved, emptied and archived from the file, in one reviewed plan with the seats; every
//! request checked against GitHub's OpenAPI description.

use crate::support::{
    FakeGitHub, Fault, State, Workspace, assert_fails_with, openapi, stderr, stdout,
};
use serde_json::Value;

/// initech: members alice..erin; enterprise team ent:platform; org initech-web; repo
/// initech-data/warehouse. Cost centers: Analytics (alice, carol, erin), Ops (bob),
/// Legacy (dave).
fn enterprise() -> State {
    let mut state = State::new_enterprise("initech");
    state.add_members(&["alice", "bob", "carol", "dave", "erin"]);
    state.add_team("ent:platform", "Platform", &["alice"], false);
    let cc = &mut state.cost_centers;
    cc.orgs.insert("initech-web".into());
    cc.repos.insert("initech-data/warehouse".into());
    cc.add(
        "Analytics",
        &[("user", "alice"), ("user", "carol"), ("user", "erin")],
    );
    cc.add("Ops", &[("user", "bob")]);
    cc.add("Legacy", &[("user", "dave")]);
    state
}

const FILE: &str = "enterprise: initech
unmanaged: {seats: warn, cost_centers: remove}
ignore: {cost_centers: [Ops]}
cost_centers:
  - name: Engineering
    users: [alice, bob]
    organizations: [initech-web]
    enterprise_teams: [ent:platform]
  - name: Data Science
    renamed_from: Analytics
    users: [carol]
";

/// GitHub's answer to a create whose name another cost center took meanwhile.
fn name_taken() -> Fault {
    Fault::status(
        "POST",
        "/enterprises/initech/settings/billing/cost-centers",
        409,
        r#"{"message": "A cost center named 'Engineering' already exists"}"#,
    )
}

fn resources(fake: &FakeGitHub, name: &str) -> Vec<String> {
    let state = fake.state();
    let mut names: Vec<String> = state
        .cost_centers
        .named(name)
        .unwrap_or_else(|| panic!("no active cost center {name}"))
        .resources
        .iter()
        .map(|(kind, name)| format!("{kind}:{name}"))
        .collect();
    names.sort();
    names
}

#[test]
fn cost_centers_are_created_renamed_filled_moved_emptied_and_archived_then_converge() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    for line in [
        "Cost centers: 3 to add, 3 to update, 2 to remove.",
        "+ cost center Engineering (declared)",
        "~ cost center Data Science: Analytics -> Data Science (renamed in the file)",
        "~ user alice (moves from Analytics to Engineering)",
        "~ user bob (moves from Ops to Engineering)",
        "+ organization initech-web (to Engineering)",
        "+ enterprise team ent:platform (to Engineering)",
        "- user erin (not in `Data Science` in the file)",
        "- cost center Legacy (not in the file (unmanaged: {cost_centers: remove}); 1 resource(s) leave it)",
        "POST /enterprises/initech/settings/billing/cost-centers {\"name\":\"Engineering\"}",
        "POST /enterprises/initech/settings/billing/cost-centers/{cost_center:Engineering}/resource {\"users\":[\"alice\",\"bob\"],\"organizations\":[\"initech-web\"],\"enterprise_teams\":[\"platform\"]}",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    let json_plan = ws.run(&fake.url, &["plan", "--format", "json"]);
    let plan: Value = serde_json::from_slice(&json_plan.stdout).expect("json");
    assert_eq!(plan["format_version"], 2);
    let methods: Vec<String> = plan["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or(""),
                r["path"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit("cost-centers")
                    .next()
                    .unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        methods,
        [
            "POST ",
            "PATCH /cc-0001",
            "POST /{cost_center:Engineering}/resource",
            "DELETE /cc-0001/resource",
            "DELETE /cc-0003",
        ]
    );
    let markdown = stdout(&ws.run(&fake.url, &["plan", "--format", "markdown"]));
    for needle in [
        "### Cost centers\n\n3 to add, 3 to update, 2 to remove.\n",
        "### Resources moved (2)\n\n- `alice`: moves from Analytics to Engineering\n- `bob`: moves from Ops to Engineering\n",
        "### Cost centers changed (1)\n\n- `Data Science`: Analytics → Data Science, renamed in the file\n",
        "live state: cost_centers `sha256:",
    ] {
        assert!(markdown.contains(needle), "{needle}:\n{markdown}");
    }
    assert!(fake.state().writes().is_empty());

    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&apply);
    assert_eq!(apply.status.code(), Some(0), "{out}{}", stderr(&apply));
    assert!(
        out.contains("add user to Engineering: done (2): alice, bob"),
        "{out}"
    );
    assert!(
        out.contains("archive cost center: done (1): Legacy"),
        "{out}"
    );
    assert!(
        !out.contains("the plan did not show"),
        "no surprise in the moves: {out}"
    );
    assert_eq!(
        resources(&fake, "Engineering"),
        [
            "organization:initech-web",
            "team:platform",
            "user:alice",
            "user:bob"
        ]
    );
    assert_eq!(resources(&fake, "Data Science"), ["user:carol"]);
    assert!(
        resources(&fake, "Ops").is_empty(),
        "bob moved out of the ignored Ops"
    );
    assert!(
        fake.state().cost_centers.named("Legacy").is_none(),
        "archived"
    );
    assert!(
        fake.state().cost_centers.named("Analytics").is_none(),
        "renamed"
    );
    openapi::check_all(&fake);

    let again = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    assert!(
        stdout(&again)
            .contains("Cost centers: no changes, the cost centers of initech match the file.")
    );
}

#[test]
fn a_cost_center_of_120_users_is_filled_in_three_posts_of_at_most_50() {
    let mut state = State::new_enterprise("initech");
    let users: Vec<String> = (0..120).map(|i| format!("user{i:03}")).collect();
    state.add_members(&users.iter().map(String::as_str).collect::<Vec<_>>());
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(&format!(
        "enterprise: initech\ncost_centers:\n  - name: Everyone\n    users: [{}]\n",
        users.join(", ")
    ));
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let sizes: Vec<usize> = fake
        .state()
        .writes()
        .iter()
        .filter(|w| w.path.ends_with("/resource"))
        .map(|w| w.body["users"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [50, 50, 20]);
    assert_eq!(resources(&fake, "Everyone").len(), 120);
    openapi::check_all(&fake);
    // Planned again: the 120 resources are read over two pages of 100, and match.
    let again = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    let pages = fake
        .state()
        .requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/cost-centers/cc-"))
        .count();
    assert_eq!(pages, 2, "every page of the declared cost center");
}

#[test]
fn a_saved_plan_fills_the_created_id_and_is_refused_when_cost_centers_changed() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(FILE);
    let saved = ws.path("plan.json").display().to_string();
    let plan = ws.run(&fake.url, &["plan", "--out", &saved]);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    let text = std::fs::read_to_string(&saved).expect("plan");
    assert!(
        text.contains("\"creates\": \"{cost_center:Engineering}\""),
        "{text}"
    );

    // A change at GitHub since the plan: refused by the cost centers' digest.
    fake.state().cost_centers.add("Newcomer", &[]);
    let stale = ws.run(&fake.url, &["apply", "--yes", "--plan", &saved]);
    assert_fails_with(&stale, "stale plan: the cost centers of `initech` changed");
    assert!(fake.state().writes().is_empty());
    fake.state()
        .cost_centers
        .all
        .retain(|c| c.name != "Newcomer");

    let apply = ws.run(&fake.url, &["apply", "--yes", "--plan", &saved]);
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let created = fake
        .state()
        .cost_centers
        .named("Engineering")
        .expect("created")
        .id
        .clone();
    let paths: Vec<String> = fake
        .state()
        .writes()
        .iter()
        .map(|w| w.path.clone())
        .collect();
    assert!(
        paths.contains(&format!(
            "/enterprises/initech/settings/billing/cost-centers/{created}/resource"
        )),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.contains('{')), "{paths:?}");
    openapi::check_all(&fake);
}

#[test]
fn unknown_resources_are_dropped_and_the_rest_sent() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(
        "enterprise: initech\ncost_centers:\n  - name: Ops\n    users: [bob, ghost, dave]\n    repositories: [initech-data/warehouse, initech-data/nope]\n",
    );
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&apply);
    assert_eq!(apply.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAILED   add user to Ops ghost: GitHub does not know `ghost`"),
        "{out}"
    );
    assert!(
        out.contains("FAILED   add repository to Ops initech-data/nope"),
        "{out}"
    );
    assert!(
        out.contains("dropped ghost, initech-data/nope and sent the other names again"),
        "{out}"
    );
    assert_eq!(
        resources(&fake, "Ops"),
        ["repository:initech-data/warehouse", "user:bob", "user:dave"]
    );
    // dave moved from the undeclared Legacy (default `warn`: Legacy is kept, empty now).
    assert!(out.contains("add user to Ops: done (1): dave"), "{out}");
    assert!(fake.state().cost_centers.named("Legacy").is_some());
    openapi::check_all(&fake);
}

#[test]
fn a_failed_create_stops_its_resources_and_not_the_seats() {
    let mut state = enterprise();
    state.faults.push(name_taken());
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(
        "enterprise: initech\nusers: [alice]\nunmanaged: {seats: warn}\ncost_centers:\n  - name: Engineering\n    users: [bob]\n",
    );
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&apply);
    assert_eq!(apply.status.code(), Some(1), "{out}");
    assert!(
        out.contains("add user: done (1): alice"),
        "the seat is written: {out}"
    );
    assert!(
        out.contains("FAILED   create cost center Engineering"),
        "{out}"
    );
    assert!(
        out.contains("not sent add user to Engineering bob: apply stopped after `POST /enterprises/initech/settings/billing/cost-centers` failed"),
        "{out}"
    );
    let writes: Vec<String> = fake
        .state()
        .writes()
        .iter()
        .map(|w| w.path.clone())
        .collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
}

#[test]
fn undeclared_cost_centers_are_listed_not_archived_by_default_and_removals_are_guarded() {
    let fake = FakeGitHub::start(enterprise());
    let ws = Workspace::new(
        "enterprise: initech\ncost_centers:\n  - {name: Analytics, users: [carol]}\n",
    );
    let plan = ws.run(&fake.url, &["plan", "--format", "json"]);
    let json: Value = serde_json::from_slice(&plan.stdout).expect("json");
    let warnings = json["warnings"].to_string();
    assert!(
        warnings
            .contains("cost center `Legacy` (1 resource(s)) is not in the file and is left alone"),
        "{warnings}"
    );
    assert!(
        !json["requests"]
            .to_string()
            .contains("DELETE /enterprises/initech/settings/billing/cost-centers/cc-0003\"")
    );
    assert_eq!(json["blocked"], Value::Null);
    // Two resources leave Analytics: over a limit of 1, the plan is blocked.
    ws.write(
        "copilot-seats.yaml",
        "enterprise: initech\nlimits: {max_removals: 1}\ncost_centers:\n  - {name: Analytics, users: [carol]}\n",
    );
    let blocked = ws.run(&fake.url, &["plan", "--format", "json"]);
    let json: Value = serde_json::from_slice(&blocked.stdout).expect("json");
    assert!(
        json["blocked"]
            .as_str()
            .is_some_and(|b| b.contains("removes 2 cost-center resource(s)")),
        "{json}"
    );
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    assert_fails_with(&apply, "refusing to apply a blocked plan");
    assert!(fake.state().writes().is_empty());
}

#[test]
fn a_token_without_billing_access_is_told_what_it_needs() {
    let mut state = enterprise();
    state.faults.push(Fault::status(
        "GET",
        "/enterprises/initech/settings/billing/cost-centers",
        403,
        r#"{"message": "Resource not accessible by personal access token"}"#,
    ));
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(FILE);
    let plan = ws.run(&fake.url, &["plan"]);
    assert_fails_with(&plan, "manage_billing:enterprise");
    let err = stderr(&plan);
    assert!(err.contains("\"Enterprise billing\""), "{err}");
    assert!(
        !err.contains("manage_billing:copilot"),
        "not the seat hint: {err}"
    );
}

#[test]
fn the_section_is_checked_offline_with_lines() {
    let ws = Workspace::new(
        "enterprise: initech
cost_centers:
  - name: Engineering
    users: [alice]
    organizations: [initech-web]
    ai_credit_pool: true
  - name: engineering
    users: [Alice]
    repositories: [not-a-repo]
    budget: 5
",
    );
    let output = ws.run("http://127.0.0.1:9", &["validate"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for needle in [
        "copilot-seats.yaml:5:20: `ai_credit_pool: true` is only for cost centers of users and enterprise teams",
        "copilot-seats.yaml:7:11: cost center `engineering` is declared twice (first at line 3)",
        "copilot-seats.yaml:8:13: user `Alice` is in two cost centers, `Engineering` (line 4) and `engineering`",
        "copilot-seats.yaml:9:20: `not-a-repo` is not a valid repository: write a repository as `owner/name`",
        "copilot-seats.yaml:10:5: unknown key `budget` in a cost center",
    ] {
        assert!(err.contains(needle), "{needle}:\n{err}");
    }
    let org = Workspace::new("org: acme\ncost_centers: [{name: X}]\n");
    let output = org.run("http://127.0.0.1:9", &["validate"]);
    assert_fails_with(&output, "cost centers belong to an enterprise");
    let typo = Workspace::new("enterprise: initech\ncost_center: []\n");
    let output = typo.run("http://127.0.0.1:9", &["validate"]);
    assert_fails_with(&output, "did you mean `cost_centers`?");
}

#[test]
fn a_move_github_reports_differently_from_the_plan_is_said() {
    let mut state = enterprise();
    // Between the plan and the write, alice is moved to Legacy by someone else.
    state.faults.push(
        Fault::new(
            "POST",
            "/enterprises/initech/settings/billing/cost-centers/cc-0002/resource",
            crate::support::FaultAnswer::Normal,
        )
        .mutate(|state| {
            let cc = &mut state.cost_centers.all;
            cc[0].resources.retain(|(_, n)| n != "alice");
            cc[2].resources.push(("user".into(), "alice".into()));
        }),
    );
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(
        "enterprise: initech\ncost_centers:\n  - {name: Ops, users: [bob, alice]}\n  - {name: Analytics, users: [carol, erin]}\n",
    );
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    let out = stdout(&apply);
    assert_eq!(apply.status.code(), Some(0), "{out}");
    assert!(
        out.contains("user `alice` was moved to Ops from `legacy`, which the plan did not show"),
        "{out}"
    );
    assert!(
        out.contains(
            "the plan moved user `alice` from `analytics` to Ops, but GitHub reports no move"
        ),
        "{out}"
    );
    assert_eq!(resources(&fake, "Ops"), ["user:alice", "user:bob"]);
}

#[test]
fn export_writes_the_cost_centers_and_plans_with_no_change() {
    let mut state = enterprise();
    state.cost_centers.add(
        "Web: Platform & Ops",
        &[("organization", "initech-web"), ("team", "platform")],
    );
    let members: Vec<String> = (0..130).map(|i| format!("member{i:03}")).collect();
    state.add_members(&members.iter().map(String::as_str).collect::<Vec<_>>());
    let many: Vec<(&str, &str)> = members.iter().map(|m| ("user", m.as_str())).collect();
    state.cost_centers.add("Everyone Else", &many);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("");
    let export = ws.run(&fake.url, &["export", "--enterprise", "initech"]);
    let text = stdout(&export);
    assert_eq!(export.status.code(), Some(0), "{text}{}", stderr(&export));
    assert!(
        text.contains(
            "cost_centers:\n- name: Analytics\n  users:\n  - alice\n  - carol\n  - erin\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("enterprise_teams:\n  - ent:platform\n"),
        "{text}"
    );
    assert!(
        text.contains("member129"),
        "every page of every cost center: {text}"
    );
    ws.write("copilot-seats.yaml", &text);
    let validate = ws.run(&fake.url, &["validate"]);
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
    let plan = ws.run(&fake.url, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}{}",
        stdout(&plan),
        stderr(&plan)
    );
    assert!(fake.state().writes().is_empty());
}

#[test]
fn add_and_remove_edit_a_cost_center_losslessly() {
    let before = "enterprise: initech   # the licences
users: [alice]
cost_centers:
  - name: Engineering
    users:
      - alice   # lead
      - dave
  - name: Data Science
    users: [carol, erin]
";
    let ws = Workspace::new(before);
    let url = "http://127.0.0.1:9";
    let add = ws.run(url, &["add", "--cost-center", "engineering", "bob", "zed"]);
    assert_eq!(add.status.code(), Some(0), "{}", stderr(&add));
    let org = ws.run(
        url,
        &[
            "add",
            "--cost-center",
            "Engineering",
            "--org",
            "initech-web",
        ],
    );
    assert_eq!(org.status.code(), Some(0), "{}", stderr(&org));
    let remove = ws.run(url, &["remove", "--cost-center", "Data Science", "carol"]);
    assert_eq!(remove.status.code(), Some(0), "{}", stderr(&remove));
    let after = std::fs::read_to_string(ws.path("copilot-seats.yaml")).expect("file");
    assert_eq!(
        after,
        "enterprise: initech   # the licences
users: [alice]
cost_centers:
  - name: Engineering
    users:
      - alice   # lead
      - bob
      - dave
      - zed
    organizations:
      - initech-web
  - name: Data Science
    users: [erin]
"
    );
    assert_eq!(ws.run(url, &["validate"]).status.code(), Some(0));
    // A cost center the file lacks, a bad name, a resource in two cost centers: refused.
    assert_fails_with(
        &ws.run(url, &["add", "--cost-center", "Finance", "bob"]),
        "no cost center `Finance` in the file's `cost_centers:`",
    );
    assert_fails_with(
        &ws.run(
            url,
            &["add", "--cost-center", "Engineering", "--repo", "no-slash"],
        ),
        "`no-slash` is not a valid repository",
    );
    assert_fails_with(
        &ws.run(url, &["add", "--cost-center", "Data Science", "bob"]),
        "user `bob` is in two cost centers",
    );
    let unchanged = std::fs::read_to_string(ws.path("copilot-seats.yaml")).expect("file");
    assert_eq!(unchanged, after, "nothing written by a refused edit");
    // A flow list over several lines ends the cost center: the new key goes after it.
    let flow = Workspace::new(
        "enterprise: initech\ncost_centers:\n  - name: Ops\n    users: [bob,\n      dave]\n",
    );
    let add = flow.run(
        url,
        &["add", "--cost-center", "Ops", "--team", "ent:platform"],
    );
    assert_eq!(add.status.code(), Some(0), "{}", stderr(&add));
    assert_eq!(
        std::fs::read_to_string(flow.path("copilot-seats.yaml")).expect("file"),
        "enterprise: initech\ncost_centers:\n  - name: Ops\n    users: [bob,\n      dave]\n    enterprise_teams:\n      - ent:platform\n"
    );
    let org_file = Workspace::new("org: acme\nusers: [a]\n");
    assert_fails_with(
        &org_file.run(url, &["add", "--cost-center", "X", "a"]),
        "--cost-center edits an enterprise file",
    );
}

#[test]
fn in_a_run_of_several_targets_a_failed_kind_holds_back_only_its_own_removals() {
    let mut state = enterprise();
    state
        .selected_users
        .extend(["alice", "erin"].map(String::from));
    state.faults.push(name_taken());
    let mut org = State::new("acme");
    org.add_members(&["alice"]);
    let fakes = FakeGitHub::start_many(vec![state, org]);
    let fake = &fakes[0];
    let ws = Workspace::new("");
    std::fs::create_dir(ws.path("targets")).expect("mkdir");
    ws.write("targets/acme.yaml", "org: acme\nusers: [alice]\n");
    ws.write(
        "targets/initech.yaml",
        "enterprise: initech\nusers: [alice]\nunmanaged: {cost_centers: remove}\ncost_centers:\n  - {name: Engineering, users: [bob]}\n  - {name: Analytics, users: [carol]}\n",
    );
    let apply = ws.run(&fake.url, &["-f", "targets", "apply", "--yes"]);
    let out = stdout(&apply);
    assert_eq!(apply.status.code(), Some(1), "{out}");
    let writes: Vec<String> = fake
        .state()
        .writes()
        .iter()
        .map(|w| format!("{} {}", w.method, w.path))
        .collect();
    // The seats' removal (phase 2) is sent; the cost centers' removals are held back.
    assert!(
        writes.contains(&"DELETE /enterprises/initech/copilot/billing/selected_users".to_string()),
        "{writes:?}\n{out}"
    );
    assert!(
        !writes
            .iter()
            .any(|w| w.starts_with("DELETE /enterprises/initech/settings")),
        "{writes:?}"
    );
    assert!(
        out.contains("not sent: this target's additions of this kind stopped with a failure"),
        "{out}"
    );
}
