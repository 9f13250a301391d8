//! The JSON Schema (`copilot-seats schema`) and `validate` agree on the examples, the
//! bad-input corpus and a table of edge cases; the two checks a schema cannot express
//! (duplicates and names both declared and ignored) are named here.

use crate::support::{files_in, repo_path};
use copilot_seats::commands::docs::SCHEMA;
use copilot_seats::config;

fn schema_accepts(yaml: &str) -> bool {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    match yaml_serde::from_str::<serde_json::Value>(yaml) {
        Ok(instance) => validator.is_valid(&instance),
        Err(_) => false,
    }
}

fn validate_accepts(yaml: &str) -> bool {
    config::parse("f.yaml", yaml).is_ok()
}

/// Files `validate` rejects for reasons no JSON Schema can express.
const BEYOND_SCHEMA: &[&str] = &["duplicates.yaml", "declared-and-ignored.yaml"];

#[test]
fn the_example_is_valid_for_both() {
    let text = std::fs::read_to_string(repo_path("examples/copilot-seats.yaml")).expect("example");
    assert!(validate_accepts(&text));
    assert!(schema_accepts(&text));
}

#[test]
fn the_bad_corpus_is_rejected_by_both_but_for_what_a_schema_cannot_express() {
    for (name, path) in files_in("tests/data/bad") {
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
        assert!(!validate_accepts(&text), "{name}");
        assert_eq!(
            schema_accepts(&text),
            BEYOND_SCHEMA.contains(&name.as_str()),
            "{name}"
        );
    }
}

#[test]
fn schema_and_validate_agree_on_edge_cases() {
    let cases = [
        "org: acme",
        "org: acme\nusers:\nteams:\nignore:\nlimits:\nreclaim:",
        "org: acme\nusers: [a-b, A1]\nteams: [a.b_c-d]",
        "org: acme\nusers: [-a]",
        "org: acme\nusers: [a--b]",
        "org: acme\nusers: [a_b]",
        "org: acme\nusers: [jdoe_initech, {login: mary-ann_ACME2}]",
        "org: acme\nusers: [a_b_c]",
        "org: acme\nusers: [jdoe_]",
        "org: acme\nusers: [_initech]",
        "org: acme\nusers: [jdoe_ini-tech]",
        "org: acme\nusers: [a23456789012345678901234567890_12345678]",
        "org: acme_initech",
        "enterprise: initech\nusers: [jdoe_initech]\nignore: {users: [bot_initech]}",
        "org: acme\nusers: [\"\"]",
        "org: acme\nusers: [a234567890123456789012345678901234567890]",
        "org: acme\nusers: [a23456789012345678901234567890123456789]",
        "org: acme\nusers: [1234]",
        "org: acme\nusers: [\"1234\"]",
        "org: acme\nteams: [Platform]",
        "org: acme\nusers:\n  - login: bob\n    expires: 2026-12-31\n    note: x",
        "org: acme\nusers:\n  - login: bob\n    expires: 2026-02-30",
        "org: acme\nusers:\n  - login: bob\n    expires: tomorrow",
        "org: acme\nusers:\n  - login: bob\n    expires: null\n    note: 42",
        "org: acme\nusers:\n  - note: x",
        "org: acme\nusers:\n  - login: bob\n    extra: 1",
        "org: acme\nunmanaged: warn",
        "org: acme\nunmanaged: keep",
        "org: acme\nunmanaged: null",
        "org: acme\nlimits: {max_removals: 25, max_seats: 500}",
        "org: acme\nlimits: {max_removals: 25.0}",
        "org: acme\nlimits: {max_removals: 2.5}",
        "org: acme\nlimits: {max_removals: 1e9}",
        "org: acme\nlimits: {max_removals: 1000000, max_seats: 1000000}",
        "org: acme\nlimits: {max_seats: 1000001}",
        "org: acme\nlimits: {max_removals: -1}",
        "org: acme\nlimits: {max_removals: \"10%\"}",
        "org: acme\nlimits: {max_removals: \"0.5%\"}",
        "org: acme\nlimits: {max_removals: \"100%\"}",
        "org: acme\nlimits: {max_removals: \"100.5%\"}",
        "org: acme\nlimits: {max_removals: \"0%\"}",
        "org: acme\nlimits: {max_removals: \"05%\"}",
        "org: acme\nlimits: {max_removals: \"1e1%\"}",
        "org: acme\nlimits: {max_removals: \"ten%\"}",
        "org: acme\nlimits: {max_seats: lots}",
        "org: acme\nprice_per_seat_usd: 19",
        "org: acme\nprice_per_seat_usd: 10.5",
        "org: acme\nprice_per_seat_usd: -1",
        "org: acme\nprice_per_seat_usd: null",
        "org: acme\nreclaim: {inactive_after_days: 90}",
        "org: acme\nreclaim: {inactive_after_days: 90, grace_days: 0}",
        "org: acme\nreclaim: {inactive_after_days: 0}",
        "org: acme\nreclaim: {grace_days: 3}",
        "org: acme\nignore: {users: [a], teams: [t]}",
        "org: acme\nignore: {users: [a], groups: [t]}",
        "org: acme\nignore: [a]",
        "org: a_b",
        "org: [acme]",
        "users: [a]",
        "org: acme\nusers: alice",
        "enterprise: acme-corp\nusers: [alice]\nenterprise_teams: [ent:eng]",
        "enterprise: acme-corp\nenterprise_teams:\n  - slug: ent:eng\n    expires: 2027-01-31",
        "enterprise: acme-corp\nenterprise_teams: [eng]",
        "enterprise: acme-corp\nteams: [eng]",
        "enterprise: acme-corp\nignore: {users: [a], enterprise_teams: [ent:x]}",
        "enterprise: acme-corp\nignore: {teams: [x]}",
        "org: acme\nenterprise: acme-corp",
        "org: acme\nenterprise_teams: [ent:x]",
    ];
    for yaml in cases {
        assert_eq!(
            schema_accepts(yaml),
            validate_accepts(yaml),
            "disagree on:\n{yaml}"
        );
    }
}
