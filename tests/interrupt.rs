//! A cancelled CI job: SIGINT or SIGTERM during `apply` sends no new write, lets the one in
//! flight finish, prints the account so far and exits 130; the next `apply` converges.

use crate::support::{FakeGitHub, Fault, FaultAnswer, State, TOKEN, Workspace, stderr, stdout};
use std::time::{Duration, Instant};

const USERS: &str = "/orgs/acme/copilot/billing/selected_users";

/// 250 members to add: three POST batches.
fn org() -> (State, String) {
    let logins: Vec<String> = (0..250).map(|i| format!("m{i:03}")).collect();
    let mut state = State::new("acme");
    let refs: Vec<&str> = logins.iter().map(String::as_str).collect();
    state.add_members(&refs);
    let file = format!("org: acme\nusers: [{}]\n", logins.join(", "));
    (state, file)
}

/// `apply --yes` started in the background, writes `interval_ms` apart.
fn spawn_apply(ws: &Workspace, fake: &FakeGitHub, interval_ms: &str) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("copilot-seats"))
        .current_dir(ws.dir.path())
        .env_clear()
        .env("COPILOT_SEATS_TOKEN", TOKEN)
        .args(["--api-url", &fake.url, "--write-interval-ms", interval_ms])
        .args(["--today", "2026-11-25", "apply", "--yes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn")
}

fn wait_for_writes(fake: &FakeGitHub, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.state().writes().len() < count {
        assert!(Instant::now() < deadline, "no write reached the fake");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &std::process::Child, signal: i32) {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

fn assert_interrupted(output: &std::process::Output, fake: &FakeGitHub, writes: usize) {
    let (out, err) = (stdout(output), stderr(output));
    assert_eq!(output.status.code(), Some(130), "{out}{err}");
    assert!(
        out.contains("Interrupted: 100 of 250 name(s) in effect"),
        "{out}"
    );
    assert!(
        out.contains("not sent add user m100: apply was interrupted"),
        "{out}"
    );
    assert!(
        err.contains("interrupted: finishing the write in flight"),
        "{err}"
    );
    assert_eq!(
        fake.state().writes().len(),
        writes,
        "no new write after the signal"
    );
}

fn assert_converges(ws: &Workspace, fake: &FakeGitHub) {
    let again = ws.run(&fake.url, &["apply", "--yes"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(fake.state().active_seats().len(), 250);
}

#[test]
fn sigint_between_writes_stops_before_the_next_one() {
    let (state, file) = org();
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(&file);
    let child = spawn_apply(&ws, &fake, "60000");
    wait_for_writes(&fake, 1);
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, libc::SIGINT);
    let started = Instant::now();
    let output = child.wait_with_output().expect("wait");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the pause is cut short"
    );
    assert_interrupted(&output, &fake, 1);
    assert_converges(&ws, &fake);
}

#[test]
fn sigterm_lets_the_write_in_flight_finish() {
    let (state, file) = org();
    let fake = FakeGitHub::start(state);
    // The first POST is answered (and takes effect) 1.5 s after it arrives.
    fake.state()
        .faults
        .push(Fault::new("POST", USERS, FaultAnswer::Normal).delay_ms(1500));
    let ws = Workspace::new(&file);
    let child = spawn_apply(&ws, &fake, "0");
    wait_for_writes(&fake, 1);
    signal(&child, libc::SIGTERM);
    let output = child.wait_with_output().expect("wait");
    assert_interrupted(&output, &fake, 1);
    assert!(
        stdout(&output).contains("add user: done (100)"),
        "{}",
        stdout(&output)
    );
    assert_converges(&ws, &fake);
}
