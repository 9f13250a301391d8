#![allow(clippy::disallowed_macros)] // the benchmark prints its table
//! How fast `usage --from` summarises a large users report, beside `jq` computing the same
//! daily active and engaged users from the same files, in the same run (SPEC 12):
//!
//!     cargo bench --bench usage                  # 5,000 and 20,000 users x 28 days
//!     cargo bench --bench usage -- --smoke       # 500 users, as CI runs it
//!
//! It writes a users-28-day report of N users (one line per user and day, in two part
//! files, lines of about 700 bytes as GitHub's carry nested totals) and the org's 28-day
//! report, runs `copilot-seats usage --from DIR --format json` and `jq` as child processes,
//! reads each one's wall time and peak memory (wait4), checks that both give the same
//! numbers, and prints a table. It exits 1 when they disagree or the summary fails. Times
//! are printed, never asserted. Without `jq` (Debian package `jq`) it says so and prints
//! its own figures alone.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const DAYS: usize = 28;

/// The day `d` (0..28) of the window, 2026-10-28 onwards.
fn day(d: usize) -> String {
    let date = time::macros::date!(2026 - 10 - 28) + time::Duration::days(d as i64);
    date.to_string()
}

/// Writes the report files of `users` users into `dir`.
fn write_report(dir: &Path, users: usize) -> u64 {
    std::fs::create_dir_all(dir).expect("report dir");
    let mut bytes = 0u64;
    let half = users / 2;
    for (part, range) in [(1, 0..half), (2, half..users)] {
        let path = dir.join(format!("users-28-day-part{part}.ndjson"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("part"));
        for user in range {
            for d in 0..DAYS {
                let interactions = (user * d) % 3;
                let accepted = (user + d) % 5;
                let line = format!(
                    concat!(
                        r#"{{"report_start_day":"{start}","report_end_day":"{end}","day":"{day}","user_id":{id},"user_login":"dev{user:05}","#,
                        r#""user_initiated_interaction_count":{i},"code_generation_activity_count":{g},"code_acceptance_activity_count":{a},"#,
                        r#""loc_suggested_to_add_sum":{loc},"loc_added_sum":{a},"used_chat":{chat},"used_agent":false,"#,
                        r#""totals_by_ide":[{{"ide":"vscode","code_generation_activity_count":{g},"code_acceptance_activity_count":{a},"last_known_ide_version":{{"ide_version":"1.105.0","sampled_at":"2026-11-20T10:00:00.000Z"}}}}],"#,
                        r#""totals_by_feature":[{{"feature":"code_completion","code_generation_activity_count":{g},"code_acceptance_activity_count":{a},"user_initiated_interaction_count":0}},{{"feature":"chat_panel_ask_mode","user_initiated_interaction_count":{i}}}],"#,
                        r#""totals_by_language_feature":[{{"language":"rust","feature":"code_completion","code_generation_activity_count":{g},"code_acceptance_activity_count":{a}}}]}}"#,
                        "\n"
                    ),
                    start = day(0),
                    end = day(DAYS - 1),
                    day = day(d),
                    id = 100_000 + user,
                    user = user,
                    i = interactions,
                    g = 10 + d,
                    a = accepted,
                    loc = 30 + d,
                    chat = interactions > 0,
                );
                bytes += line.len() as u64;
                file.write_all(line.as_bytes()).expect("write");
            }
        }
        file.flush().expect("flush");
    }
    let days: Vec<String> = (0..DAYS)
        .map(|d| format!(r#"{{"day":"{}","daily_active_users":{}}}"#, day(d), users))
        .collect();
    std::fs::write(
        dir.join("organization-28-day-part1.ndjson"),
        format!("{{\"day_totals\":[{}]}}\n", days.join(",")),
    )
    .expect("aggregate");
    bytes
}

/// Runs `command`, returns its stdout, wall time in seconds and peak RSS in MB.
fn measure(mut command: Command) -> (Vec<u8>, f64, f64) {
    let out = tempfile::NamedTempFile::new().expect("temp");
    let started = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by wait4 below
    let child = command
        .stdout(out.reopen().expect("reopen"))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid; wait4 writes only into the two live locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(waited, child.id() as libc::pid_t, "wait4");
    let wall = started.elapsed().as_secs_f64();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed"
    );
    let stdout = std::fs::read(out.path()).expect("stdout");
    (stdout, wall, usage.ru_maxrss as f64 / 1024.0)
}

/// jq's daily (active, engaged): the records reduced to (day, user, engaged) as read, then
/// grouped by day, users counted distinct. (A `reduce` into an object keyed by day and
/// user is quadratic in jq 1.6: nine minutes for 105,000 lines.)
const JQ: &str = r#"[inputs | [.day, .user_id, ((.user_initiated_interaction_count // 0) > 0 or (.code_acceptance_activity_count // 0) > 0)]]
  | group_by(.[0])
  | map({day: .[0][0], active: (map(.[1]) | unique | length), engaged: (map(select(.[2]) | .[1]) | unique | length)})"#;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let sizes: &[usize] = if smoke { &[500] } else { &[5_000, 20_000] };
    let jq = Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !jq {
        println!("jq is not installed (Debian package `jq`): copilot-seats' own figures only");
    }
    let scratch = tempfile::tempdir().expect("scratch");
    println!(
        "\n`usage --from` on a users-28-day report, beside jq computing the same daily active and engaged users\n"
    );
    println!("| users | lines | MB | copilot-seats | peak RSS | jq | jq peak RSS | speed-up |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut failed = false;
    for &users in sizes {
        let dir = scratch.path().join(format!("u{users}"));
        let bytes = write_report(&dir, users);
        let lines = users * DAYS;
        let mut ours = Command::new(env!("CARGO_BIN_EXE_copilot-seats"));
        ours.env_clear()
            .args(["usage", "--org", "bench", "--format", "json", "--from"])
            .arg(&dir);
        let (json, wall, rss) = measure(ours);
        let summary: serde_json::Value = serde_json::from_slice(&json).expect("usage json");
        let (jq_cells, mut agrees) = if jq {
            let mut theirs = Command::new("jq");
            theirs
                .args(["-n", "-c", JQ])
                .arg(dir.join("users-28-day-part1.ndjson"))
                .arg(dir.join("users-28-day-part2.ndjson"));
            let (out, jq_wall, jq_rss) = measure(theirs);
            let daily: serde_json::Value = serde_json::from_slice(&out).expect("jq json");
            let agrees = daily.as_array().is_some_and(|days| {
                days.iter()
                    .zip(summary["days"].as_array().into_iter().flatten())
                    .all(|(j, o)| {
                        j["day"] == o["day"]
                            && j["active"] == o["active_users"]
                            && j["engaged"] == o["engaged_users"]
                    })
                    && days.len() == DAYS
            });
            (
                format!("{jq_wall:.2} s | {jq_rss:.1} MB | {:.1}x", jq_wall / wall),
                agrees,
            )
        } else {
            ("- | - | -".to_string(), true)
        };
        agrees &= summary["days"].as_array().map(Vec::len) == Some(DAYS);
        failed |= !agrees;
        println!(
            "| {users} | {lines} | {:.0} | {wall:.2} s | {rss:.1} MB | {jq_cells} |",
            bytes as f64 / 1e6
        );
        if !agrees {
            println!("  the daily numbers of copilot-seats and jq differ for {users} users");
        }
    }
    println!("\ntargets: at least 10x jq's speed, under 64 MB peak memory whatever the size");
    if failed {
        std::process::exit(1);
    }
}
