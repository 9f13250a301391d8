//! The fake GitHub itself behaves as API.md says, so the other tests can trust it.

use crate::support::{FakeGitHub, State, TOKEN};
use serde_json::{Value, json};

async fn send(fake: &FakeGitHub, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.url))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("accept", "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28")
        .header("user-agent", "fake-test")
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "bob"]);
    state.add_team("platform", "Platform", &["walter", "alice"], true);
    state.add_members(&["carol"]);
    state
}

#[tokio::test]
async fn delete_of_a_team_assigned_user_is_422_after_earlier_names() {
    let fake = FakeGitHub::start(org());
    let users = "/orgs/acme/copilot/billing/selected_users";
    let (status, body) = send(
        &fake,
        reqwest::Method::DELETE,
        users,
        json!({"selected_usernames": ["bob", "walter"]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("assigned to them via a team")
    );
    // bob, earlier in the request, was cancelled anyway: pending until the cycle ends.
    assert!(!fake.state().active_seats().contains_key("bob"));
    assert!(fake.state().pending.contains_key("bob"));
}

#[tokio::test]
async fn unknown_users_fail_the_whole_request_with_404() {
    let fake = FakeGitHub::start(org());
    let users = "/orgs/acme/copilot/billing/selected_users";
    let (status, body) = send(
        &fake,
        reqwest::Method::POST,
        users,
        json!({"selected_usernames": ["carol", "ghost"]}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"],
        "One or more users do not exist in this organization: ghost"
    );
    assert!(
        !fake.state().active_seats().contains_key("carol"),
        "nothing applied"
    );
}

#[tokio::test]
async fn writes_are_422_unless_assign_selected() {
    let mut state = org();
    state.setting = "assign_all".into();
    let fake = FakeGitHub::start(state);
    let (status, _) = send(
        &fake,
        reqwest::Method::POST,
        "/orgs/acme/copilot/billing/selected_users",
        json!({"selected_usernames": ["carol"]}),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn delete_then_post_re_activates_and_team_seats_follow_the_team() {
    let fake = FakeGitHub::start(org());
    let users = "/orgs/acme/copilot/billing/selected_users";
    let (status, body) = send(
        &fake,
        reqwest::Method::DELETE,
        users,
        json!({"selected_usernames": ["bob"]}),
    )
    .await;
    assert_eq!((status, body["seats_cancelled"].as_u64()), (200, Some(1)));
    let (_, listed) = send(
        &fake,
        reqwest::Method::GET,
        "/orgs/acme/copilot/billing/seats",
        Value::Null,
    )
    .await;
    assert_eq!(listed["total_seats"], 3, "pending seats are still listed");
    let (status, body) = send(
        &fake,
        reqwest::Method::POST,
        users,
        json!({"selected_usernames": ["bob"]}),
    )
    .await;
    assert_eq!((status, body["seats_created"].as_u64()), (201, Some(1)));
    // alice keeps her seat through no team when directly selected; walter loses his with the team.
    let teams = "/orgs/acme/copilot/billing/selected_teams";
    let (status, body) = send(
        &fake,
        reqwest::Method::DELETE,
        teams,
        json!({"selected_teams": ["platform"]}),
    )
    .await;
    assert_eq!((status, body["seats_cancelled"].as_u64()), (200, Some(1)));
    let seats = fake.state().active_seats();
    assert_eq!(seats.keys().collect::<Vec<_>>(), ["alice", "bob"]);
}

#[tokio::test]
async fn seat_list_pages_with_link_headers() {
    let mut state = State::new("acme");
    let logins: Vec<String> = (0..120).map(|i| format!("u{i:03}")).collect();
    state.with_direct_seats(&logins.iter().map(String::as_str).collect::<Vec<_>>());
    let fake = FakeGitHub::start(state);
    let response = reqwest::Client::new()
        .get(format!("{}/orgs/acme/copilot/billing/seats", fake.url))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("accept", "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28")
        .header("user-agent", "fake-test")
        .send()
        .await
        .expect("send");
    let link = response.headers()["link"]
        .to_str()
        .expect("link")
        .to_string();
    assert!(link.contains("per_page=50&page=2>; rel=\"next\""), "{link}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["seats"].as_array().map(Vec::len),
        Some(50),
        "per_page defaults to 50"
    );
    assert_eq!(body["total_seats"], 120);
}
