#![allow(clippy::disallowed_macros)] // the benchmark prints its table
//! How fast `plan` reads a large org, against a fake GitHub in this process that answers
//! every request after a set latency and enforces the secondary limit (900 points a minute).
//!
//!     cargo bench --bench scale                       # 1,000, 20,000 and 100,000 seats at 100 ms
//!     cargo bench --bench scale -- --sizes 5000 --latency-ms 50
//!     cargo bench --bench scale -- --smoke            # 1,000 seats at 5 ms, as CI runs it
//!
//! For each size it runs the release binary twice as a child process, with the default
//! `--max-concurrency 8` and with `--max-concurrency 1` (pages one after another, as
//! `gh api --paginate` reads them), each against a fresh fake, then times the planner in
//! this process on as many declared users as live seats. It prints one table and how the
//! figures compare with the targets. It exits 1 when a plan fails, when more requests were
//! sent than needed or when GitHub's secondary limit answered: figures that do not depend
//! on the machine. Times are printed, never asserted.

#[allow(dead_code)]
#[path = "../tests/support/fake_github.rs"]
mod fake_github;

use copilot_seats::model::{
    DesiredState, Entry, Limits, LiveState, Login, RemovalLimit, Seat, SeatSource, Unmanaged,
};
use copilot_seats::plan::{self, Lookups, PlanMeta};
use fake_github::{FakeGitHub, State, TOKEN};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Users the file adds and seats it removes, so that the plan has work and look-ups.
const CHANGES: usize = 10;
const CONCURRENCY: u64 = 8;
const PER_PAGE: usize = 100;
/// The client's default budget (`--points-per-minute`), below GitHub's 900.
const BUDGET: usize = 800;

struct Options {
    sizes: Vec<usize>,
    latency_ms: u64,
}

struct Run {
    wall: Duration,
    peak_rss_kb: i64,
    requests: usize,
    secondary_limit_answers: usize,
}

struct Row {
    seats: usize,
    minimum: usize,
    parallel: Run,
    sequential: Run,
    planning: Duration,
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some(LAUNCHER) {
        return launcher();
    }
    // Started first, while this process is small: see `Launcher`.
    let mut launcher = Launcher::start();
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("a scratch directory");
    let mut rows = Vec::new();
    for &seats in &options.sizes {
        eprintln!("{seats} seats: parallel, sequential, planner ...");
        let file = dir.path().join(format!("seats-{seats}.yaml"));
        std::fs::write(&file, desired_file(seats)).expect("write the file");
        let parallel = run_plan(&mut launcher, &file, seats, options.latency_ms, CONCURRENCY);
        let sequential = run_plan(&mut launcher, &file, seats, options.latency_ms, 1);
        rows.push(Row {
            seats,
            minimum: 1 + seats.div_ceil(PER_PAGE) + CHANGES,
            parallel,
            sequential,
            planning: planning_time(seats),
        });
    }
    launcher.finish();
    print_table(&rows, &options);
    let sound = rows.iter().all(|row| {
        [&row.parallel, &row.sequential]
            .iter()
            .all(|run| run.requests == row.minimum && run.secondary_limit_answers == 0)
    });
    if !sound {
        eprintln!("FAILED: more requests than the minimum, or a secondary-limit answer");
        std::process::exit(1);
    }
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1_000, 20_000, 100_000],
        latency_ms: 100,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => {
                options.sizes = vec![1_000];
                options.latency_ms = 5;
            }
            "--sizes" => {
                options.sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .parse::<usize>()
                            .map_err(|e| format!("--sizes: {e}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--latency-ms" => {
                options.latency_ms = args
                    .next()
                    .unwrap_or_default()
                    .parse()
                    .map_err(|e| format!("--latency-ms: {e}"))?;
            }
            // `cargo bench` passes this to every bench target.
            "--bench" => {}
            other => {
                return Err(format!(
                    "unknown argument `{other}`: use --sizes N,N,... --latency-ms N or --smoke"
                ));
            }
        }
    }
    Ok(options)
}

fn user(i: usize) -> String {
    format!("user{i:06}")
}

fn newcomer(i: usize) -> String {
    format!("newcomer{i:02}")
}

/// `seats` members with a direct seat, and `CHANGES` members without one.
fn org(seats: usize, latency_ms: u64) -> State {
    let mut state = State::new("bench");
    let users: Vec<String> = (0..seats).map(user).collect();
    state.with_direct_seats(&users.iter().map(String::as_str).collect::<Vec<_>>());
    let newcomers: Vec<String> = (0..CHANGES).map(newcomer).collect();
    state.add_members(&newcomers.iter().map(String::as_str).collect::<Vec<_>>());
    state.latency_ms = latency_ms;
    state.points_per_minute = Some(900);
    state
}

/// Every seat but the last `CHANGES`, and `CHANGES` newcomers.
fn desired_file(seats: usize) -> String {
    let mut text = format!("org: bench\nlimits:\n  max_removals: {CHANGES}\nusers:\n");
    for i in 0..seats.saturating_sub(CHANGES) {
        text.push_str(&format!("  - {}\n", user(i)));
    }
    for i in 0..CHANGES {
        text.push_str(&format!("  - {}\n", newcomer(i)));
    }
    text
}

/// Runs `plan` as a child against a fresh fake; its wall time and peak RSS.
fn run_plan(
    launcher: &mut Launcher,
    file: &std::path::Path,
    seats: usize,
    latency_ms: u64,
    concurrency: u64,
) -> Run {
    let fake = FakeGitHub::start(org(seats, latency_ms));
    let out = file.with_extension(format!("plan-{concurrency}.json"));
    let errors = file.with_extension(format!("stderr-{concurrency}.txt"));
    let args = [
        "--api-url".to_string(),
        fake.url.clone(),
        "--max-concurrency".into(),
        concurrency.to_string(),
        "-f".into(),
        file.display().to_string(),
        "-q".into(),
        "plan".into(),
        "--format".into(),
        "json".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    let (code, peak_rss_kb, wall) = launcher.run(&errors.display().to_string(), &args);
    if code != Some(0) {
        let errors = std::fs::read_to_string(&errors).unwrap_or_default();
        eprintln!("plan failed ({code:?}) for {seats} seats:\n{errors}");
        std::process::exit(1);
    }
    let state = fake.state();
    Run {
        wall,
        peak_rss_kb,
        requests: state.requests.len(),
        secondary_limit_answers: state.secondary_limit_answers,
    }
}

const LAUNCHER: &str = "--launcher";

/// Runs the children. A child's peak RSS as Linux counts it starts from the RSS of the
/// process that spawned it (the memory it shared before `exec`), and this process grows
/// large serving big fake orgs; so a small copy of it, started before, spawns them.
struct Launcher {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Launcher {
    fn start() -> Launcher {
        let exe = std::env::current_exe().expect("the bench's own path");
        let mut child = Command::new(exe)
            .arg(LAUNCHER)
            .env_clear()
            .env("COPILOT_SEATS_TOKEN", TOKEN)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the launcher");
        Launcher {
            stdin: child.stdin.take().expect("launcher stdin"),
            stdout: std::io::BufReader::new(child.stdout.take().expect("launcher stdout")),
            child,
        }
    }

    /// Closes its input, so that it ends, and reaps it.
    fn finish(self) {
        let Launcher {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        child.wait().expect("the launcher ends");
    }

    /// Runs copilot-seats with `args`, stderr to `errors`: exit code, peak RSS in KiB, wall.
    fn run(&mut self, errors: &str, args: &[String]) -> (Option<i32>, i64, Duration) {
        use std::io::{BufRead, Write};
        writeln!(self.stdin, "{errors}\t{}", args.join("\t")).expect("ask the launcher");
        self.stdin.flush().expect("ask the launcher");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("hear the launcher");
        let fields: Vec<i64> = line
            .split_whitespace()
            .map(|f| f.parse().expect("a number from the launcher"))
            .collect();
        let code = (fields[0] >= 0).then_some(fields[0] as i32);
        (code, fields[1], Duration::from_micros(fields[2] as u64))
    }
}

/// The launcher's loop: one line in (stderr path, then the arguments, tab-separated), one
/// line out (exit code or -1, peak RSS in KiB, wall time in microseconds).
fn launcher() {
    use std::io::{BufRead, Write};
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("read a request");
        let mut fields = line.split('\t');
        let errors = fields.next().expect("a stderr path");
        let started = Instant::now();
        // Reaped by `wait_with_rusage`: `Child::wait` returns no rusage.
        #[allow(clippy::zombie_processes)]
        let child = Command::new(env!("CARGO_BIN_EXE_copilot-seats"))
            .args(fields)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(errors).expect("stderr file"))
            .spawn()
            .expect("run copilot-seats");
        let (code, peak_rss_kb) = wait_with_rusage(child.id());
        let wall = started.elapsed().as_micros();
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{} {peak_rss_kb} {wall}", code.unwrap_or(-1)).expect("answer");
        stdout.flush().expect("answer");
    }
}

/// Waits for the child and returns its exit code and peak resident set size in KiB.
fn wait_with_rusage(pid: u32) -> (Option<i32>, i64) {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value, and wait4 only writes into the two
    // pointers, which point at live locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid as libc::pid_t, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, usage.ru_maxrss)
}

/// The median of five runs of the planner: `seats` declared users against `seats` live
/// seats, `CHANGES` of each side unmatched.
fn planning_time(seats: usize) -> Duration {
    let entry = |login: String, line: usize| Entry {
        name: Login::new(login),
        expires: None,
        note: None,
        line,
    };
    let users: BTreeMap<Login, Entry<Login>> = (0..seats.saturating_sub(CHANGES))
        .map(user)
        .chain((0..CHANGES).map(newcomer))
        .enumerate()
        .map(|(line, login)| (Login::new(login.clone()), entry(login, line + 5)))
        .collect();
    let desired = DesiredState {
        org: "bench".into(),
        users,
        teams: BTreeMap::new(),
        ignore_users: Default::default(),
        ignore_teams: Default::default(),
        unmanaged: Unmanaged::Remove,
        limits: Limits {
            max_removals: Some(RemovalLimit::Count(CHANGES as u64)),
            max_seats: None,
        },
        price_per_seat_usd: None,
        reclaim: None,
    };
    let live = LiveState::from_seats(
        (0..seats).map(|i| Seat {
            login: Login::new(user(i)),
            source: SeatSource::Direct,
            pending_cancellation_date: None,
            created_at: "2025-01-15T10:00:00Z".into(),
            last_activity_at: Some("2026-11-20T10:00:00Z".into()),
            last_activity_editor: Some("vscode/1.105.0/copilot/1.300.0".into()),
        }),
        0,
    );
    let lookups = Lookups {
        membership: Some(
            (0..CHANGES)
                .map(|i| (Login::new(newcomer(i)), true))
                .collect(),
        ),
        teams: BTreeMap::new(),
        plan_type: Some("business".into()),
    };
    let today = time::macros::date!(2026 - 11 - 25);
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let meta = PlanMeta {
                format_version: plan::FORMAT_VERSION,
                tool_version: "bench".into(),
                org: "bench".into(),
                generated_at: "2026-11-25T00:00:00Z".into(),
                file_digest: String::new(),
                live_state_digest: String::new(),
                file: None,
            };
            let started = Instant::now();
            let plan = plan::plan(&desired, &live, &lookups, today, meta).expect("a plan");
            let elapsed = started.elapsed();
            assert_eq!(
                plan.changes.len(),
                2 * CHANGES,
                "the planner saw every change"
            );
            elapsed
        })
        .collect();
    times.sort();
    times[2]
}

fn print_table(rows: &[Row], options: &Options) {
    let latency = options.latency_ms;
    println!(
        "\nplan against a fake GitHub answering after {latency} ms; {} CPUs; `--max-concurrency {CONCURRENCY}` against 1\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "| seats | requests (minimum) | secondary-limit answers | wall time | sequential | speed-up | planning | peak RSS | peak RSS, sequential |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} ({}) | {} | {:.2} s | {:.2} s | {:.1}x | {:.1} ms | {:.1} MB | {:.1} MB |",
            row.seats,
            row.parallel.requests,
            row.minimum,
            row.parallel.secondary_limit_answers + row.sequential.secondary_limit_answers,
            row.parallel.wall.as_secs_f64(),
            row.sequential.wall.as_secs_f64(),
            row.sequential.wall.as_secs_f64() / row.parallel.wall.as_secs_f64(),
            row.planning.as_secs_f64() * 1000.0,
            row.parallel.peak_rss_kb as f64 / 1024.0,
            row.sequential.peak_rss_kb as f64 / 1024.0,
        );
    }
    println!("\ntargets (the wall-time ones are set for 20,000 seats at 100 ms):");
    for row in rows {
        let mut checks = vec![
            format!(
                "requests {} against the minimum {}: {}",
                row.parallel.requests,
                row.minimum,
                verdict(row.parallel.requests == row.minimum)
            ),
            format!(
                "secondary-limit answers {} against 0: {}",
                row.parallel.secondary_limit_answers + row.sequential.secondary_limit_answers,
                verdict(
                    row.parallel.secondary_limit_answers + row.sequential.secondary_limit_answers
                        == 0
                )
            ),
        ];
        if row.seats == 20_000 {
            // Billing and page 1 together, the other pages 8 at a time, then the look-ups.
            let rounds = row.seats.div_ceil(PER_PAGE).div_ceil(CONCURRENCY as usize) + 2;
            let bound = Duration::from_millis(latency * rounds as u64).mul_f64(1.25);
            let ratio = row.sequential.wall.as_secs_f64() / row.parallel.wall.as_secs_f64();
            checks.push(format!(
                "wall {:.2} s against at most {:.2} s (1.25 x {latency} ms x {rounds}): {}",
                row.parallel.wall.as_secs_f64(),
                bound.as_secs_f64(),
                verdict(row.parallel.wall <= bound)
            ));
            checks.push(format!(
                "{ratio:.1}x faster than sequential against at least 6x: {}",
                verdict(ratio >= 6.0)
            ));
        }
        if row.minimum > BUDGET {
            checks.push(format!(
                "{} requests exceed the {BUDGET}-point budget of a minute: paced, so at least 60 s",
                row.parallel.requests
            ));
        }
        let rss_mb = row.parallel.peak_rss_kb.max(row.sequential.peak_rss_kb) as f64 / 1024.0;
        checks.push(format!(
            "peak RSS {rss_mb:.1} MB against under 100 MB: {}",
            verdict(rss_mb < 100.0)
        ));
        checks.push(format!(
            "planning {:.1} ms against under 50 ms: {}",
            row.planning.as_secs_f64() * 1000.0,
            verdict(row.planning < Duration::from_millis(50))
        ));
        println!("  {} seats:", row.seats);
        for check in checks {
            println!("    {check}");
        }
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
