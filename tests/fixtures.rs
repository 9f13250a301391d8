//! GitHub's official example payloads (tests/data/api, copied from shared/api) decode.

use crate::support::{files_in, repo_path};
use copilot_seats::github::seats::{
    Billing, classify_grant, live_state_from_snapshot, live_state_from_snapshot_of,
};
use copilot_seats::model::{Login, SeatSource, TargetKind};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo_path("tests/data/api").join(name)).expect("fixture")
}

#[test]
fn seat_list_example_decodes_with_team_and_pending_seats() {
    let live = live_state_from_snapshot(&fixture(
        "copilot.list-copilot-seats.response-200.default.json",
    ))
    .expect("decodes");
    assert_eq!(live.seats.len(), 2);
    let octocat = &live.seats[&Login::new("octocat")];
    assert!(octocat.is_active());
    assert!(
        matches!(&octocat.source, SeatSource::Team { slug, name } if slug.as_str() == "justice-league" && &**name == "Justice League")
    );
    let kitten = &live.seats[&Login::new("octokitten")];
    assert_eq!(
        kitten.pending_cancellation_date.as_deref(),
        Some("2021-11-01")
    );
    assert_eq!(
        kitten.source,
        SeatSource::Direct,
        "a missing assigning_team is a direct seat"
    );
}

#[test]
fn enterprise_seat_list_example_decodes_as_grants() {
    let live = live_state_from_snapshot_of(
        &fixture("copilot.list-copilot-seats-for-enterprise.response-200.default.json"),
        TargetKind::Enterprise,
    )
    .expect("decodes");
    // No `organization` key: a team grant is an enterprise team's (classify_grant).
    let octocat = &live.seats[&Login::new("octocat")];
    assert!(
        matches!(&octocat.source, SeatSource::Team { slug, .. } if slug.as_str() == "justice-league")
    );
    assert_eq!(live.grants[&Login::new("octocat")].len(), 1);
    assert_eq!(
        live.seats[&Login::new("octokitten")].source,
        SeatSource::Direct
    );
    assert_eq!(
        classify_grant(Some("acme-web"), Some(("ent:x", None))),
        SeatSource::Org {
            org: "acme-web".into()
        },
        "an org's grant, whatever its team"
    );
}

#[test]
fn billing_example_decodes() {
    let billing: Billing = serde_json::from_str(&fixture(
        "copilot.get-copilot-organization-details.response-200.default.json",
    ))
    .expect("decodes");
    assert_eq!(
        billing.seat_management_setting.as_deref(),
        Some("assign_selected")
    );
    assert_eq!(billing.plan_type.as_deref(), Some("business"));
}

#[test]
fn every_response_example_is_json_and_seat_lists_decode() {
    let mut count = 0;
    for (name, path) in files_in("tests/data/api") {
        if !name.contains(".response-") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.contains("list-copilot-seats") {
            live_state_from_snapshot(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        if name.contains("add-copilot-seats") {
            assert!(value["seats_created"].is_u64(), "{name}");
        }
        if name.contains("cancel-copilot-seat") && name.contains("200") {
            assert!(value["seats_cancelled"].is_u64(), "{name}");
        }
        count += 1;
    }
    assert!(count >= 20, "found {count} examples");
}
