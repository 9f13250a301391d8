//! Adoption at scale (SPEC 4 and 9): membership and team look-ups cost at most
//! `min(names, pages) + 1` requests, by checks or by listing, and both give the same plan.

use crate::support::{FakeGitHub, State, Workspace, stderr};

/// An org with `size` members named `m0000`…, and `teams` teams `t000`… (one member each).
fn org(size: usize, teams: usize) -> State {
    let mut state = State::new("acme");
    let members: Vec<String> = (0..size).map(|i| format!("m{i:04}")).collect();
    state.add_members(&members.iter().map(String::as_str).collect::<Vec<_>>());
    for t in 0..teams {
        state.add_team(&format!("t{t:03}"), &format!("Team {t}"), &["m0000"], false);
    }
    state
}

/// Plans a file adding `users` and declaring `teams` against `state`; returns the plan's
/// errors (sorted) and the requests made to `prefix`.
fn plan(state: State, users: &[String], teams: &[String], prefix: &str) -> (Vec<String>, usize) {
    let fake = FakeGitHub::start(state);
    let file = format!(
        "org: acme\nusers: [{}]\nteams: [{}]\nlimits: {{max_seats: 100000}}\n",
        users.join(", "),
        teams.join(", ")
    );
    let ws = Workspace::new(&file);
    let output = ws.run(&fake.url, &["plan", "--format", "json"]);
    let mut errors: Vec<String> = stderr(&output)
        .lines()
        .filter(|l| l.starts_with("error: ") && !l.contains("problem(s) prevent a plan"))
        .map(|l| l.split(": invite").next().unwrap_or(l).to_string())
        .map(|l| l.split(": check the slug").next().unwrap_or(&l).to_string())
        .collect();
    errors.sort();
    let requests = fake
        .state()
        .requests
        .iter()
        .filter(|r| r.path.starts_with(prefix))
        .count();
    (errors, requests)
}

fn names(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i:04}")).collect()
}

#[test]
fn membership_costs_at_most_the_cheaper_of_checks_and_listing_plus_one() {
    // 20 member pages; each case: additions, and the bound min(additions, 20) + 1.
    for (users, strangers) in [
        (names("m", 0..2), vec![]),
        (names("m", 150..160), names("x", 0..2)),
        (names("m", 0..400), names("x", 0..3)),
        (names("m", 0..2000), vec![]),
    ] {
        let all: Vec<String> = users.iter().chain(&strangers).cloned().collect();
        let (errors, requests) = plan(org(2000, 0), &all, &[], "/orgs/acme/members");
        let expected: Vec<String> = strangers
            .iter()
            .map(|s| format!("error: user `{s}` is not a member of `acme`"))
            .collect();
        assert_eq!(errors, expected, "{} additions", all.len());
        let bound = all.len().min(20) + 1;
        assert!(
            requests <= bound,
            "{} additions: {requests} requests > {bound}",
            all.len()
        );
    }
}

#[test]
fn membership_by_listing_plans_as_membership_by_checks() {
    // The same additions and strangers, in an org where checking is cheaper (many pages)
    // and in one where listing is (few pages): the same errors, the same plan.
    let users = names("m", 100..130);
    let strangers = names("x", 0..4);
    let all: Vec<String> = users.iter().chain(&strangers).cloned().collect();
    let (by_checks, checks) = plan(org(5000, 0), &all, &[], "/orgs/acme/members/");
    let (by_listing, listed) = plan(org(300, 0), &all, &[], "/orgs/acme/members?");
    assert_eq!(by_checks, by_listing);
    assert_eq!(by_checks.len(), 4);
    assert!(
        checks > 0 && listed == 3,
        "checks {checks}, list pages {listed}"
    );
}

#[test]
fn team_look_ups_never_cost_more_than_listing() {
    // 250 teams (3 pages of the team list, by slug); 40 declared past page 1, one missing:
    // listing (3 pages) is cheaper than 41 look-ups.
    let mut teams: Vec<String> = (100..139).map(|t| format!("t{t:03}")).collect();
    teams.push("ghost".into());
    let (errors, requests) = plan(org(10, 250), &[], &teams, "/orgs/acme/teams");
    assert_eq!(errors, ["error: team `ghost` does not exist in `acme`"]);
    // The list's 3 pages, then each existing team's one member page.
    assert_eq!(requests, 3 + 39, "{requests}");
    // Declared teams found on page 1 but one: page 1, one look-up, the member pages.
    let mut teams: Vec<String> = (0..39).map(|t| format!("t{t:03}")).collect();
    teams.push("ghost".into());
    let (errors, requests) = plan(org(10, 250), &[], &teams, "/orgs/acme/teams");
    assert_eq!(errors, ["error: team `ghost` does not exist in `acme`"]);
    assert_eq!(requests, 1 + 1 + 39, "{requests}");
    let (_, requests) = plan(org(10, 250), &[], &teams[..2], "/orgs/acme/teams");
    assert_eq!(
        requests,
        2 + 2,
        "two teams: one look-up and one member page each"
    );
}
