//! The bad-input corpus (tests/data/bad): each file gives a clear error, with a line where
//! one exists, exit 1, no network call, in bounded time.

use crate::support::{FakeGitHub, State, Workspace, repo_path, stderr};
use std::time::Duration;

/// File, and what its first error says (with its position when it has one).
const CORPUS: &[(&str, &str)] = &[
    (
        "malformed.yaml",
        "malformed.yaml:3:6: invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "wrong-types.yaml",
        "wrong-types.yaml:1:6: expected a name (organization) here, found a list",
    ),
    (
        "unknown-keys.yaml",
        "unknown-keys.yaml:2:1: unknown key `user`: did you mean `users`?",
    ),
    (
        "bad-logins.yaml",
        "bad-logins.yaml:7:5: login `12345` is read as a number: write it in quotes",
    ),
    (
        "duplicates.yaml",
        "duplicates.yaml:4:5: `Alice` is listed twice in `users` (first as `alice` at line 3)",
    ),
    (
        "bad-dates.yaml",
        "bad-dates.yaml:4:14: `expires: 31/12/2026` is not a date",
    ),
    (
        "declared-and-ignored.yaml",
        "declared-and-ignored.yaml:4:11: user `BOB` is both declared (line 2) and ignored",
    ),
    (
        "deep-nesting.yaml",
        "deep-nesting.yaml:2:135: invalid YAML: recursion limit exceeded",
    ),
    (
        "alias-bomb.yaml",
        "alias-bomb.yaml: invalid YAML: repetition limit exceeded",
    ),
    ("binary.yaml", "binary.yaml: the file is not UTF-8 text"),
    ("empty.yaml", "empty.yaml:1:1: the file is empty"),
    (
        "not-a-mapping.yaml",
        "not-a-mapping.yaml:1:1: the file must be a mapping",
    ),
    (
        "two-documents.yaml",
        "two-documents.yaml: invalid YAML: deserializing from YAML containing more than one document",
    ),
];

fn assert_rejected(fake: &FakeGitHub, ws: &Workspace, file: &std::path::Path, expected: &str) {
    for command in ["validate", "plan", "apply"] {
        let output = ws
            .cmd(&fake.url)
            .arg("-f")
            .arg(file)
            .args(
                [command, "--yes"]
                    .iter()
                    .take(if command == "apply" { 2 } else { 1 }),
            )
            .timeout(Duration::from_secs(20))
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(1),
            "{command} {}",
            file.display()
        );
        let err = stderr(&output);
        assert!(
            err.contains(expected),
            "{command}: expected {expected:?} in:\n{err}"
        );
        assert!(err.contains("nothing was changed"), "{err}");
    }
    assert!(
        fake.state().requests.is_empty(),
        "no request for a bad file"
    );
}

#[test]
fn every_bad_file_is_rejected_with_a_clear_error_and_no_request() {
    let fake = FakeGitHub::start(State::new("acme"));
    let ws = Workspace::new("");
    let dir = repo_path("tests/data/bad");
    let mut seen = 0;
    for (name, expected) in CORPUS {
        assert_rejected(&fake, &ws, &dir.join(name), expected);
        seen += 1;
    }
    let files = std::fs::read_dir(&dir).expect("corpus").count();
    assert_eq!(seen, files, "every corpus file has an expectation");
}

#[test]
fn a_10_mb_file_and_a_directory_are_rejected() {
    let fake = FakeGitHub::start(State::new("acme"));
    let ws = Workspace::new("");
    let huge = ws.path("huge.yaml");
    let line = "  - some-user-login-here\n";
    let mut text = String::from("org: acme\nusers:\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(line);
    }
    std::fs::write(&huge, text).expect("write");
    assert_rejected(&fake, &ws, &huge, "huge.yaml: the file is 10485");
    // A directory is a set of seat files (SPEC 9); one without any is an error.
    let empty = ws.path("empty-dir");
    std::fs::create_dir(&empty).expect("mkdir");
    assert_rejected(&fake, &ws, &empty, "holds no *.yaml or *.yml file");
}
