//! `usage` against the fake: report envelopes and NDJSON files (two parts, a duplicate, a
//! line that is not a record, missing and unknown fields), days not ready (204), the 403 of
//! a disabled policy. The numbers must be what the fake's data implies (`usage_data`),
//! online and offline (`--from`), and no link or token may show anywhere.

use crate::support::usage_data::{self, LAST_READY, USERS, activity, login, window};
use crate::support::{FakeGitHub, Fault, State, Workspace, assert_fails_with, stderr, stdout};
use serde_json::Value;
use time::Date;

const FILE: &str = "org: acme\nusers: [dev01]\n";

/// acme: dev01-dev10 and `idle` (never used) hold seats; dev11 and dev12 do not.
fn org() -> State {
    let mut state = State::new("acme");
    let seated: Vec<String> = (1..=10).map(login).chain(["idle".to_string()]).collect();
    state.with_direct_seats(&seated.iter().map(String::as_str).collect::<Vec<_>>());
    state.set_activity("idle", None);
    state
}

fn json_of(output: &std::process::Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).expect("json")
}

/// Neither the signed links nor the token show in anything the run printed.
fn assert_no_link(output: &std::process::Output) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for secret in ["s3cr3t", "X-Amz", ".ndjson?", "latest-1.ndjson"] {
        assert!(!all.contains(secret), "{secret} shown: {all}");
    }
}

/// What the data implies for `day`: active, engaged, suggestions, acceptances, chat.
fn expected(day: Date, members: std::ops::Range<usize>) -> (u64, u64, u64, u64, u64) {
    let days: Vec<_> = members.filter_map(|u| activity(u, day)).collect();
    (
        days.len() as u64,
        days.iter().filter(|a| a.engaged()).count() as u64,
        days.iter().map(|a| a.suggestions).sum(),
        days.iter().map(|a| a.acceptances).sum(),
        days.iter().map(|a| a.interactions).sum(),
    )
}

fn row(day: &Value) -> (u64, u64, u64, u64, u64) {
    let n = |k: &str| day[k].as_u64().unwrap_or(u64::MAX);
    (
        n("active_users"),
        n("engaged_users"),
        n("code_suggestions"),
        n("code_acceptances"),
        n("chat_interactions"),
    )
}

#[test]
fn the_latest_28_days_are_summarised_as_the_data_implies() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["-v", "usage", "--format", "json"]);
    assert_no_link(&output);
    let summary = json_of(&output);
    assert_eq!(summary["target"], "acme");
    assert_eq!(summary["report"], "organization-28-day");
    let days = summary["days"].as_array().expect("days");
    assert_eq!(days.len(), 28);
    for (day, shown) in window().into_iter().zip(days) {
        assert_eq!(shown["day"], day.to_string());
        assert_eq!(shown["ready"], true);
        assert_eq!(row(shown), expected(day, 1..USERS + 1), "{day}");
        let (_, _, suggestions, acceptances, _) = expected(day, 1..USERS + 1);
        let rate = (acceptances as f64 / suggestions as f64 * 10_000.0).round() / 10_000.0;
        assert_eq!(shown["acceptance_rate"].as_f64(), Some(rate), "{day}");
    }
    let engaged: usize = (1..=USERS)
        .filter(|u| {
            window()
                .into_iter()
                .any(|d| activity(*u, d).is_some_and(|a| a.engaged()))
        })
        .count();
    let totals = &summary["totals"];
    assert_eq!(totals["days"], 28);
    assert_eq!(totals["active_users"], USERS as u64);
    assert_eq!(totals["engaged_users"], engaged as u64);
    let total_suggestions: u64 = window()
        .into_iter()
        .map(|d| expected(d, 1..USERS + 1).2)
        .sum();
    assert_eq!(totals["code_suggestions"], total_suggestions);
    let last = usage_data::aggregate(LAST_READY);
    assert_eq!(totals["weekly_active_users"], last["weekly_active_users"]);
    assert_eq!(totals["monthly_active_users"], last["monthly_active_users"]);
    let languages = summary["top"]["languages"].as_array().expect("languages");
    assert_eq!(languages.len(), 2);
    assert_eq!(summary["top"]["models"][0]["name"], "gpt-5");
    assert_eq!(summary["top"]["editors"][0]["name"], "vscode");
    // Both part files and the aggregate were read, without the token (the storage host
    // answers 400 to a request that carries one).
    assert_eq!(fake.state().report_downloads, 3);
}

#[test]
fn saved_files_give_the_same_numbers_offline() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let online = ws.run(
        &fake.url,
        &["usage", "--format", "json", "--download", "saved"],
    );
    assert_no_link(&online);
    let online = json_of(&online);
    let mut saved: Vec<String> = std::fs::read_dir(ws.path("saved"))
        .expect("saved")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        [
            "organization-28-day-part1.ndjson",
            "users-28-day-part1.ndjson",
            "users-28-day-part2.ndjson"
        ]
    );
    let part2 = std::fs::read_to_string(ws.path("saved/users-28-day-part2.ndjson")).expect("part");
    assert_eq!(
        Some(part2.as_str()),
        usage_data::file("users-28-day-latest-2.ndjson").as_deref(),
        "kept as it came"
    );
    // Offline: no token, no network.
    let offline = ws
        .cmd("http://127.0.0.1:9")
        .env_remove("COPILOT_SEATS_TOKEN")
        .args(["usage", "--format", "json", "--from", "saved"])
        .output()
        .expect("run");
    assert_eq!(json_of(&offline), online);
}

#[test]
fn users_are_listed_with_their_seats_and_idle_seat_holders_last() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["usage", "--users", "--format", "json"]);
    assert_no_link(&output);
    let summary = json_of(&output);
    assert_eq!(summary["report"], "users-28-day");
    let users = summary["users"].as_array().expect("users");
    assert_eq!(users.len(), USERS + 1);
    for user in 1..=USERS {
        let shown = &users[user - 1];
        assert_eq!(shown["login"], login(user));
        let days: Vec<_> = window()
            .into_iter()
            .filter_map(|d| activity(user, d).map(|a| (d, a)))
            .collect();
        assert_eq!(shown["days_active"], days.len() as u64);
        assert_eq!(
            shown["interactions"],
            days.iter().map(|(_, a)| a.interactions).sum::<u64>()
        );
        assert_eq!(
            shown["code_suggestions"],
            days.iter().map(|(_, a)| a.suggestions).sum::<u64>()
        );
        assert_eq!(
            shown["last_active_day"],
            days.last().map(|(d, _)| d.to_string()).expect("a day")
        );
        assert_eq!(shown["holds_seat"], user <= 10, "{user}");
    }
    let idle = &users[USERS];
    assert_eq!(idle["login"], "idle");
    assert_eq!(idle["days_active"], 0);
    assert_eq!(idle["holds_seat"], true);
    assert_eq!(idle["seat_last_activity_at"], "never");
}

#[test]
fn a_team_joins_each_days_memberships_with_that_days_users() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["usage", "--team", "web", "--format", "json"]);
    let summary = json_of(&output);
    assert_eq!(summary["team"], "web");
    let days = summary["days"].as_array().expect("days");
    // The last 7 complete days before --today 2026-11-25.
    assert_eq!(days.len(), 7);
    assert_eq!(days[6]["day"], LAST_READY.to_string());
    for shown in days {
        let day = Date::parse(
            shown["day"].as_str().expect("day"),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .expect("date");
        assert_eq!(row(shown), expected(day, 1..7), "{day}");
    }
    // Distinct users over the week, never a sum of the days.
    assert_eq!(summary["totals"]["active_users"], 6);
    // tiny has 2 seated users: GitHub leaves it out, and so do we (no zeros).
    let output = ws.run(
        &fake.url,
        &["usage", "--team", "tiny", "--day", "2026-11-24"],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("2026-11-24  left out"), "{text}");
    assert!(text.contains("fewer than 5 seated users"), "{text}");
}

#[test]
fn days_not_ready_are_listed_and_the_others_shown() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(
        &fake.url,
        &[
            "usage",
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-26",
            "--format",
            "json",
        ],
    );
    let summary = json_of(&output);
    let ready: Vec<(String, bool)> = summary["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| {
            (
                d["day"].as_str().unwrap_or("").to_string(),
                d["ready"] == true,
            )
        })
        .collect();
    assert_eq!(
        ready,
        [
            ("2026-11-23".to_string(), true),
            ("2026-11-24".to_string(), true),
            ("2026-11-25".to_string(), false),
            ("2026-11-26".to_string(), false)
        ]
    );
    assert_eq!(summary["report"], "organization-1-day");
    assert_eq!(row(&summary["days"][1]), expected(LAST_READY, 1..USERS + 1));
    let output = ws.run(&fake.url, &["usage", "--day", "2026-11-26"]);
    assert_fails_with(&output, "GitHub has no report for these days yet");
    assert!(
        stdout(&output).contains("2026-11-26  not ready"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_disabled_metrics_policy_says_which_policy_and_where() {
    let fake = FakeGitHub::start(org());
    fake.state().faults.push(Fault::status(
        "GET",
        "/orgs/acme/copilot/metrics/reports/organization-28-day/latest",
        403,
        r#"{"message":"The 'Copilot usage metrics' policy must be enabled to use this API"}"#,
    ));
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["usage"]);
    assert_fails_with(
        &output,
        "the \"Copilot usage metrics\" policy of `acme` is disabled (GitHub answered 403): an enterprise owner enables it in the enterprise's settings, AI controls > Copilot > Metrics",
    );
}

#[test]
fn text_csv_and_markdown_read_well() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let week = ["usage", "--since", "2026-11-18", "--until", "2026-11-24"];
    let run = |format: &str| {
        let output = ws
            .cmd(&fake.url)
            .args(week)
            .args(["--format", format])
            .env("GITHUB_STEP_SUMMARY", ws.path("summary.md"))
            .output()
            .expect("run");
        assert_no_link(&output);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    insta::assert_snapshot!("usage_text", run("text"));
    insta::assert_snapshot!("usage_csv", run("csv"));
    let markdown = run("markdown");
    insta::assert_snapshot!("usage_markdown", markdown);
    let summary = std::fs::read_to_string(ws.path("summary.md")).expect("job summary");
    assert!(summary.contains("xychart-beta"), "{summary}");
    let output = ws.run(&fake.url, &["usage", "--users", "--format", "csv"]);
    let csv = stdout(&output);
    assert!(
        csv.starts_with("target,login,days_active,interactions,code_suggestions,code_acceptances,last_active_day,holds_seat,seat_last_activity_at\nacme,dev01,"),
        "{csv}"
    );
}

#[test]
fn every_target_of_a_directory_is_summarised_org_and_enterprise_alike() {
    let fakes = FakeGitHub::start_many(vec![org(), State::new_enterprise("initech")]);
    let ws = Workspace::new("");
    std::fs::remove_file(ws.path("copilot-seats.yaml")).expect("rm");
    std::fs::create_dir(ws.path("seats")).expect("mkdir");
    ws.write("seats/acme.yaml", FILE);
    ws.write(
        "seats/initech.yaml",
        "enterprise: initech\nusers: [dev01]\n",
    );
    let output = ws.run(
        &fakes[0].url,
        &[
            "-f",
            "seats",
            "usage",
            "--format",
            "json",
            "--download",
            "saved",
        ],
    );
    assert_no_link(&output);
    let list = json_of(&output);
    let targets: Vec<(&str, &str)> = list
        .as_array()
        .expect("a list for several targets")
        .iter()
        .map(|s| {
            (
                s["target"].as_str().unwrap_or(""),
                s["report"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            ("acme", "organization-28-day"),
            ("initech", "enterprise-28-day")
        ]
    );
    assert_eq!(
        list[0]["days"], list[1]["days"],
        "the fake serves one formula"
    );
    assert!(ws.path("saved/initech/users-28-day-part2.ndjson").exists());
    let paths: Vec<String> = fakes[1]
        .state()
        .requests
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        paths.contains(
            &"/enterprises/initech/copilot/metrics/reports/enterprise-28-day/latest".to_string()
        ),
        "{paths:?}"
    );
}
