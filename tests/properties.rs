//! No panic on any input: the file loader and the seat-list decoder, over arbitrary text
//! and over YAML/JSON-shaped text.

use copilot_seats::config;
use copilot_seats::github::seats::live_state_from_snapshot;
use proptest::prelude::*;

/// YAML-ish text built from the file's own vocabulary, so that the validator is reached.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "org:",
        "users:",
        "teams:",
        "ignore:",
        "limits:",
        "max_removals:",
        "expires:",
        "login:",
        "slug:",
        "note:",
        "unmanaged:",
        "reclaim:",
        " acme",
        " alice",
        " Bob",
        " -",
        "  - ",
        " [",
        "]",
        " {",
        "}",
        ",",
        " &a",
        " *a",
        " 2026-12-31",
        " \"10%\"",
        " 25",
        " null",
        " ~",
        "\n",
        "\n  ",
        "\n    ",
        "#c",
        " !tag",
        "'q'",
        " :",
        "---\n",
    ]);
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

fn jsonish() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"seats\"",
        "\"total_seats\"",
        "\"assignee\"",
        "\"login\"",
        "\"assigning_team\"",
        "\"slug\"",
        "\"name\"",
        "\"created_at\"",
        "\"pending_cancellation_date\"",
        "null",
        "1",
        "-1",
        "\"x\"",
        "true",
        "1e400",
    ]);
    prop::collection::vec(token, 0..80).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_file_loader_never_panics_on_text(text in ".{0,400}") {
        let _ = config::parse("f.yaml", &text);
    }

    #[test]
    fn the_file_loader_never_panics_on_yamlish_text(text in yamlish()) {
        if let Err(errors) = config::parse("f.yaml", &text) {
            // Every error names the file.
            prop_assert!(errors.0.iter().all(|e| e.to_string().starts_with("f.yaml")));
        }
    }

    #[test]
    fn the_seat_decoder_never_panics(text in ".{0,400}") {
        let _ = live_state_from_snapshot(&text);
    }

    #[test]
    fn the_seat_decoder_never_panics_on_jsonish_text(text in jsonish()) {
        let _ = live_state_from_snapshot(&text);
    }
}
