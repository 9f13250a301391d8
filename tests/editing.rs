//! Editing the file as code (SPEC 10): `add`, `remove` and `reclaim --write` on files
//! written the way people write them change exactly the lines concerned; add then remove
//! gives the file back byte for byte; an edit that would make the file invalid writes
//! nothing; `reclaim --write` then `plan` removes exactly the reclaimed seats.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, repo_path, stderr, stdout};
use copilot_seats::edit::{self, NewEntry};
use proptest::prelude::*;

fn corpus(name: &str) -> String {
    std::fs::read_to_string(repo_path("tests/data/edit").join(name)).expect("corpus file")
}

/// Runs the binary on a copy of corpus file `name`; the file's text afterwards.
fn edited(name: &str, args: &[&str]) -> (std::process::Output, String) {
    let ws = Workspace::new(&corpus(name));
    let output = ws.run("http://127.0.0.1:9", args);
    let text = std::fs::read_to_string(ws.path("copilot-seats.yaml")).expect("read");
    (output, text)
}

#[test]
fn each_edit_changes_exactly_its_lines_in_every_corpus_file() {
    let cases: &[(&str, &[&str], &str, &str)] = &[
        (
            "commented.yaml",
            &["add", "bea"],
            "  - alice        # lead\n",
            "  - alice        # lead\n  - bea\n",
        ),
        (
            "commented.yaml",
            &[
                "add",
                "zed",
                "--expires",
                "2027-01-31",
                "--note",
                "contractor: ACME-9",
            ],
            "  - dave\n",
            "  - dave\n  - login: zed\n    expires: 2027-01-31\n    note: \"contractor: ACME-9\"\n",
        ),
        (
            "commented.yaml",
            &["remove", "alice"],
            "  - alice        # lead\n",
            "",
        ),
        (
            "commented.yaml",
            &["remove", "BOB"],
            "  - login: bob\n    expires: 2026-12-31\n    note: \"trial: INC-1234, extended\"\n",
            "",
        ),
        ("commented.yaml", &["remove", "carol"], "  - 'carol'\n", ""),
        (
            "commented.yaml",
            &["add", "--team", "infra"],
            "teams: [design, platform]",
            "teams: [design, infra, platform]",
        ),
        (
            "commented.yaml",
            &["remove", "--team", "design"],
            "teams: [design, platform]",
            "teams: [platform]",
        ),
        (
            "commented.yaml",
            &["add", "dave", "--expires", "2027-02-28"],
            "  - dave\n",
            "  - login: dave\n    expires: 2027-02-28\n",
        ),
        (
            "crlf.yaml",
            &["add", "bob"],
            "  - alice\r\n",
            "  - alice\r\n  - bob\r\n",
        ),
        (
            "crlf.yaml",
            &["add", "--team", "platform"],
            "teams: []",
            "teams: [platform]",
        ),
        (
            "flow.yaml",
            &["remove", "dave"],
            "[alice, dave, {login: bob, note: \"a: b\"}]",
            "[alice, {login: bob, note: \"a: b\"}]",
        ),
        (
            "flow.yaml",
            &["add", "zoe"],
            "\"a: b\"}]",
            "\"a: b\"}, zoe]",
        ),
        (
            "empty.yaml",
            &["add", "alice"],
            "users:\n",
            "users:\n  - alice\n",
        ),
        (
            "empty.yaml",
            &["add", "--team", "infra"],
            "  - design\n",
            "  - design\n  - infra\n",
        ),
        (
            "no-final-newline.yaml",
            &["add", "erin"],
            "  - dave",
            "  - dave\n  - erin",
        ),
        (
            "no-final-newline.yaml",
            &["remove", "dave"],
            "\n  - dave",
            "",
        ),
    ];
    for (file, args, before, after) in cases {
        let original = corpus(file);
        assert!(original.contains(before), "{file}: {before:?}");
        let expected = original.replacen(before, after, 1);
        let (output, text) = edited(file, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file} {args:?}: {}",
            stderr(&output)
        );
        assert_eq!(text, expected, "{file} {args:?}");
        // --dry-run prints that diff and writes nothing.
        let mut dry = args.to_vec();
        dry.push("--dry-run");
        let (output, unchanged) = edited(file, &dry);
        assert_eq!(unchanged, original, "{file} {args:?} --dry-run wrote");
        // The diff is exactly the expected lines.
        assert_eq!(
            stdout(&output),
            copilot_seats::render::text::file_diff(&original, &expected, "copilot-seats.yaml"),
            "{file} {args:?}"
        );
    }
}

#[test]
fn an_edit_that_would_make_the_file_invalid_writes_nothing() {
    // root is ignored: declaring it too is an error of the result.
    let (output, text) = edited("commented.yaml", &["add", "root"]);
    assert_fails_with(&output, "is both declared (line");
    assert!(
        stderr(&output).contains("nothing was written"),
        "{}",
        stderr(&output)
    );
    assert_eq!(text, corpus("commented.yaml"));
    let (output, text) = edited("commented.yaml", &["remove", "nobody"]);
    assert_fails_with(&output, "`nobody` not in `users`: nothing was changed");
    assert_eq!(text, corpus("commented.yaml"));
    let (output, _) = edited("commented.yaml", &["add", "not_a_login"]);
    assert_fails_with(&output, "`not_a_login` is not a valid login");
}

#[test]
fn the_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new(&corpus("commented.yaml"));
    let path = ws.path("copilot-seats.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let output = ws.run("http://127.0.0.1:9", &["add", "bea"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn add_then_remove_gives_the_file_back_byte_for_byte(
        file in prop::sample::select(vec!["commented.yaml", "crlf.yaml", "flow.yaml", "empty.yaml", "no-final-newline.yaml"]),
        name in "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?",
        expires in prop::option::of(Just("2027-05-31".to_string())),
        note in prop::option::of("[a-zA-Z0-9 :,#'\"-]{1,12}"),
    ) {
        let text = corpus(file);
        let taken = ["alice", "bob", "carol", "dave", "root"];
        prop_assume!(!taken.contains(&name.as_str()));
        let entry = NewEntry { name: name.clone(), expires, note };
        let added = edit::add(&text, "users", "login", std::slice::from_ref(&entry)).expect("added");
        prop_assert!(copilot_seats::config::parse("f.yaml", &added).is_ok(), "{added}");
        let back = edit::remove(&added, "users", "login", &[name]).expect("removed");
        prop_assert_eq!(back, text);
    }
}

#[test]
fn reclaim_write_then_plan_removes_exactly_the_reclaimed_seats() {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "bob", "carol", "trent"]);
    state.add_team("platform", "Platform", &["walter"], true);
    state.set_activity("bob", Some("2026-06-01T09:30:00Z"));
    state.set_activity("carol", None);
    state.set_assigned("carol", "2026-01-01T08:00:00Z");
    state.set_activity("walter", Some("2026-01-10T12:00:00Z"));
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(
        "# acme\norg: acme\nusers:\n  - alice\n  - bob      # on leave?\n  - carol\n  - login: trent\n    expires: 2026-10-31\nteams: [platform]\nreclaim:\n  inactive_after_days: 90\n",
    );
    let output = ws.run(&fake.url, &["reclaim", "--write", "--format", "markdown"]);
    let body = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(body.starts_with("<!-- copilot-seats:reclaim -->"), "{body}");
    assert!(body.contains("| @bob | 2026-06-01 | 177 |"), "{body}");
    assert!(body.contains("| @carol | never |"), "{body}");
    assert!(
        body.contains("| @trent |") && body.contains("expired 2026-10-31"),
        "{body}"
    );
    assert!(
        body.contains("@bob, @carol, @trent: **to keep your seat**"),
        "{body}"
    );
    assert!(
        body.contains("- @walter: through team `platform`: reclaim by team membership"),
        "{body}"
    );
    let file = std::fs::read_to_string(ws.path("copilot-seats.yaml")).expect("read");
    assert_eq!(
        file,
        "# acme\norg: acme\nusers:\n  - alice\nteams: [platform]\nreclaim:\n  inactive_after_days: 90\n"
    );
    let output = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(fake.state().seat_logins(), ["alice", "walter"]);
}
