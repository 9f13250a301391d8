//! Reading many seat pages in parallel: same result as reading them one by one, whatever
//! order they arrive in, with no request more than needed.

use crate::support::{FakeGitHub, State, Workspace, stderr};
use serde_json::Value;
use std::collections::BTreeSet;

const SEATS_PATH: &str = "/orgs/acme/copilot/billing/seats";

/// 2,350 seats (24 pages): direct seats, a selected team, seats pending cancellation,
/// seats without assignee; pages answer after shuffled delays so that they arrive out of
/// order.
fn large_org() -> State {
    let mut state = State::new("acme");
    let direct: Vec<String> = (0..2000).map(|i| format!("dev{i:04}")).collect();
    let direct: Vec<&str> = direct.iter().map(String::as_str).collect();
    state.with_direct_seats(&direct);
    let team: Vec<String> = (0..300).map(|i| format!("eng{i:03}")).collect();
    let team: Vec<&str> = team.iter().map(String::as_str).collect();
    state.add_team("engineering", "Engineering", &team, true);
    for i in 0..40 {
        let login = format!("gone{i:02}");
        state.add_members(&[&login]);
        state.pending.insert(login, "2026-12-31".into());
    }
    state.add_members(&["newcomer1", "newcomer2"]);
    state.seats_without_assignee = 10;
    for page in 1..=24 {
        state.page_delays_ms.insert(page, (page as u64 * 37) % 60);
    }
    state
}

/// The file: every direct seat but the last ten, the team, and two newcomers.
fn file() -> String {
    let mut text = String::from("org: acme\nteams: [engineering]\nusers:\n");
    for i in 0..1990 {
        text.push_str(&format!("  - dev{i:04}\n"));
    }
    text.push_str("  - newcomer1\n  - newcomer2\n");
    text.push_str("limits:\n  max_removals: 20\n");
    text
}

/// The JSON plan with `--max-concurrency N`, without its timestamp, and the requests made.
fn plan_with(concurrency: &str) -> (Value, Vec<String>) {
    let fake = FakeGitHub::start(large_org());
    let ws = Workspace::new(&file());
    let output = ws.run(
        &fake.url,
        &["--max-concurrency", concurrency, "plan", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut plan: Value = serde_json::from_slice(&output.stdout).expect("json plan");
    plan.as_object_mut().expect("object").remove("generated_at");
    let requests = fake
        .state()
        .requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    (plan, requests)
}

#[test]
fn parallel_pages_give_the_plan_of_sequential_pages_with_the_minimum_of_requests() {
    let (parallel, requests) = plan_with("8");
    let (sequential, _) = plan_with("1");
    assert_eq!(parallel, sequential);

    // The plan saw every seat: ten removals, two additions, the team's seats kept.
    let changes = parallel["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 12, "{changes:#?}");
    assert_eq!(parallel["summary"]["seats_before"], 2300);

    // The minimum: billing, 24 pages once each, two member look-ups, the team and its
    // 3 member pages (per_page=100).
    let pages: BTreeSet<&String> = requests.iter().filter(|r| r.contains(SEATS_PATH)).collect();
    assert_eq!(pages.len(), 24, "every page once: {pages:#?}");
    let expected = 1 + 24 + 2 + 1 + 3;
    assert_eq!(requests.len(), expected, "{requests:#?}");
    assert!(requests.iter().all(|r| r.starts_with("GET ")));
}
