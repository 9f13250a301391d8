//! `usage` against the fake: the report endpoints, the default and given days, a day with
//! no report, and downloads that never carry the token.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, stderr, stdout};
use serde_json::Value;

const FILE: &str = "org: acme\nusers: [alice]\n";

fn org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice"]);
    state
}

fn paths(fake: &FakeGitHub) -> Vec<String> {
    fake.state()
        .requests
        .iter()
        .map(|r| r.path.clone())
        .collect()
}

#[test]
fn the_latest_28_day_report_shows_its_days_and_files() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["usage"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "Copilot usage report `organization-28-day` of acme: 2026-10-28 to 2026-11-24\n\n2 file(s), NDJSON"
        ),
        "{text}"
    );
    assert!(text.contains("/reports/organization-28-day-2.ndjson?X-Amz-Signature=s3cr3t"));
    assert_eq!(
        paths(&fake),
        ["/orgs/acme/copilot/metrics/reports/organization-28-day/latest"]
    );
}

#[test]
fn download_saves_the_files_without_sending_the_token() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(
        &fake.url,
        &[
            "usage",
            "--report",
            "users-28-day",
            "--download",
            "reports",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let view: Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(view["report"], "users-28-day");
    assert_eq!(view["report_end_day"], "2026-11-24");
    assert_eq!(view["downloaded"].as_array().map(Vec::len), Some(2));
    let saved = std::fs::read_to_string(ws.path("reports/users-28-day-1.ndjson")).expect("saved");
    assert_eq!(
        saved,
        "{\"file\":\"users-28-day-1.ndjson\",\"organization\":\"acme\",\"daily_active_users\":4}\n"
    );
    assert_eq!(view["downloaded"][0]["bytes"], saved.len());
    // The fake's storage answers 400 to a request with a token: both files came without.
    assert_eq!(
        paths(&fake)[1..],
        [
            "/reports/users-28-day-1.ndjson?X-Amz-Signature=s3cr3t",
            "/reports/users-28-day-2.ndjson?X-Amz-Signature=s3cr3t"
        ]
    );
}

#[test]
fn one_day_reports_take_a_day_defaulting_to_yesterday() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let run = |args: &[&str]| {
        ws.cmd(&fake.url)
            .arg("usage")
            .args(args)
            .output()
            .expect("run")
    };
    let output = run(&["--report", "organization-1-day"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("of acme: 2026-11-24\n"));
    let output = run(&["--report", "user-teams-1-day", "--day", "2026-11-02"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        paths(&fake),
        [
            "/orgs/acme/copilot/metrics/reports/organization-1-day?day=2026-11-24",
            "/orgs/acme/copilot/metrics/reports/user-teams-1-day?day=2026-11-02"
        ]
    );

    assert_fails_with(
        &run(&["--report", "repos-1-day", "--day", "2026-11-25"]),
        "GitHub has no `repos-1-day` report of `acme` for 2026-11-25 (204)",
    );
    assert_fails_with(
        &run(&["--day", "2026-11-02"]),
        "--day is for the 1-day reports; `organization-28-day` is the latest 28 days",
    );
    assert_fails_with(
        &run(&["--report", "users-1-day", "--day", "yesterday"]),
        "--day `yesterday` is not a date: write it as YYYY-MM-DD",
    );
}
