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
#[path = "../tests/support/fake_budgets.rs"]
mod fake_budgets;
#[allow(dead_code)]
#[path = "../tests/support/fake_cost_centers.rs"]
mod fake_cost_centers;
#[allow(dead_code)]
#[path = "../tests/support/fake_github.rs"]
mod fake_github;
#[allow(dead_code)]
#[path = "../tests/support/usage_data.rs"]
mod usage_data;

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
    /// Members a file adds to an org with no seat (adoption at scale).
    adoption: usize,
    /// Orgs planned in one run, and seats in each.
    orgs: (usize, usize),
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
    eprintln!("adoption of {} members ...", options.adoption);
    let adoption = run_adoption(&mut launcher, dir.path(), &options);
    eprintln!("{} orgs of {} seats ...", options.orgs.0, options.orgs.1);
    let many = run_many_orgs(&mut launcher, dir.path(), &options);
    launcher.finish();
    print_table(&rows, &options);
    let scale_sound = print_scale_table(&adoption, &many, &options);
    let sound = scale_sound
        && rows.iter().all(|row| {
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
        adoption: 20_000,
        orgs: (10, 2_000),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => {
                options.sizes = vec![1_000];
                options.latency_ms = 5;
                options.adoption = 1_000;
                options.orgs = (3, 500);
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
        kind: Default::default(),
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
        reclaim_exempt: Default::default(),
        root: Default::default(),
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
                enterprise: None,
                generated_at: "2026-11-25T00:00:00Z".into(),
                file_digest: String::new(),
                live_state_digest: Some(String::new()),
                live_state_digests: Default::default(),
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

/// An org of `members` members and no seat, and a file that declares all of them.
fn run_adoption(launcher: &mut Launcher, dir: &std::path::Path, options: &Options) -> Run {
    let members: Vec<String> = (0..options.adoption).map(user).collect();
    let mut state = State::new("bench");
    state.add_members(&members.iter().map(String::as_str).collect::<Vec<_>>());
    state.latency_ms = options.latency_ms;
    state.points_per_minute = Some(900);
    let fake = FakeGitHub::start(state);
    let file = dir.join("adoption.yaml");
    let mut text = String::from("org: bench\nusers:\n");
    for member in &members {
        text.push_str(&format!("  - {member}\n"));
    }
    std::fs::write(&file, text).expect("write the file");
    let run = plan_child(launcher, &fake.url, &file, dir.join("adoption.stderr"));
    let state = fake.state();
    Run {
        requests: state.requests.len(),
        secondary_limit_answers: state.secondary_limit_answers,
        ..run
    }
}

/// Many orgs in one run, against the same orgs planned one run each.
struct ManyOrgs {
    together: Run,
    separate_requests: usize,
    separate_wall: Duration,
}

fn bench_org(name: &str, seats: usize, latency_ms: u64) -> State {
    let mut state = org(seats, latency_ms);
    state.org = name.to_string();
    state
}

fn run_many_orgs(launcher: &mut Launcher, dir: &std::path::Path, options: &Options) -> ManyOrgs {
    let (count, seats) = options.orgs;
    let names: Vec<String> = (0..count).map(|i| format!("org{i:02}")).collect();
    let files = dir.join("orgs");
    std::fs::create_dir_all(&files).expect("mkdir");
    for name in &names {
        let text = desired_file(seats).replacen("org: bench", &format!("org: {name}"), 1);
        std::fs::write(files.join(format!("{name}.yaml")), text).expect("write a file");
    }
    let states = names
        .iter()
        .map(|name| bench_org(name, seats, options.latency_ms))
        .collect();
    let fakes = FakeGitHub::start_many(states);
    let together = plan_child(launcher, &fakes[0].url, &files, dir.join("orgs.stderr"));
    let together = Run {
        requests: fakes.iter().map(|f| f.state().requests.len()).sum(),
        secondary_limit_answers: fakes
            .iter()
            .map(|f| f.state().secondary_limit_answers)
            .sum(),
        ..together
    };
    let mut separate_requests = 0;
    let mut separate_wall = Duration::ZERO;
    for name in &names {
        let fake = FakeGitHub::start(bench_org(name, seats, options.latency_ms));
        let file = files.join(format!("{name}.yaml"));
        let run = plan_child(
            launcher,
            &fake.url,
            &file,
            dir.join(format!("{name}.stderr")),
        );
        separate_requests += fake.state().requests.len();
        separate_wall += run.wall;
    }
    ManyOrgs {
        together,
        separate_requests,
        separate_wall,
    }
}

/// `plan --format json` of `file` (a file or a directory) as a child; exits on failure.
fn plan_child(
    launcher: &mut Launcher,
    url: &str,
    file: &std::path::Path,
    errors: std::path::PathBuf,
) -> Run {
    let args = [
        "--api-url".to_string(),
        url.to_string(),
        "-f".into(),
        file.display().to_string(),
        "-q".into(),
        "plan".into(),
        "--format".into(),
        "json".into(),
    ];
    let (code, peak_rss_kb, wall) = launcher.run(&errors.display().to_string(), &args);
    if code != Some(0) {
        let errors = std::fs::read_to_string(&errors).unwrap_or_default();
        eprintln!("plan failed ({code:?}) for {}:\n{errors}", file.display());
        std::process::exit(1);
    }
    Run {
        wall,
        peak_rss_kb,
        requests: 0,
        secondary_limit_answers: 0,
    }
}

/// The adoption and many-org rows and their targets; whether the request counts are sound.
fn print_scale_table(adoption: &Run, many: &ManyOrgs, options: &Options) -> bool {
    let latency = options.latency_ms;
    let (count, seats) = options.orgs;
    println!(
        "\n| run | requests (at most) | secondary-limit answers | wall time (at most) | beside it | peak RSS |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let member_pages = options.adoption.div_ceil(PER_PAGE);
    // Billing, seat page 1, the member pages and one more.
    let adoption_most = 1 + 1 + member_pages + 1;
    // Billing and page 1 together, page 1 of the members, the other pages 8 at a time.
    let adoption_rounds = member_pages.div_ceil(CONCURRENCY as usize) + 3;
    let adoption_bound = Duration::from_millis(latency * adoption_rounds as u64).mul_f64(1.25);
    println!(
        "| adoption: {} members added, no seats | {} ({adoption_most}) | {} | {:.2} s ({:.2} s) | {} membership checks: {} | {:.1} MB |",
        options.adoption,
        adoption.requests,
        adoption.secondary_limit_answers,
        adoption.wall.as_secs_f64(),
        adoption_bound.as_secs_f64(),
        options.adoption,
        check_time(options.adoption, latency),
        adoption.peak_rss_kb as f64 / 1024.0,
    );
    let rounds = many.together.requests.div_ceil(CONCURRENCY as usize) + 2;
    let many_bound = Duration::from_millis(latency * rounds as u64).mul_f64(1.25);
    println!(
        "| {count} orgs of {seats} seats, one run | {} ({}) | {} | {:.2} s ({:.2} s) | {count} runs one after another: {:.2} s | {:.1} MB |",
        many.together.requests,
        many.separate_requests,
        many.together.secondary_limit_answers,
        many.together.wall.as_secs_f64(),
        many_bound.as_secs_f64(),
        many.separate_wall.as_secs_f64(),
        many.together.peak_rss_kb as f64 / 1024.0,
    );
    let adoption_sound =
        adoption.requests <= adoption_most && adoption.secondary_limit_answers == 0;
    let many_sound = many.together.requests == many.separate_requests
        && many.together.secondary_limit_answers == 0;
    println!(
        "  adoption: requests {} against at most {adoption_most}: {}; wall {:.2} s against at most {:.2} s (1.25 x {latency} ms x {adoption_rounds}): {}",
        adoption.requests,
        verdict(adoption_sound),
        adoption.wall.as_secs_f64(),
        adoption_bound.as_secs_f64(),
        verdict(adoption.wall <= adoption_bound)
    );
    println!(
        "  {count} orgs: requests {} against {} for {count} separate runs: {}; wall {:.2} s against at most {:.2} s (1.25 x {latency} ms x {rounds}): {}",
        many.together.requests,
        many.separate_requests,
        verdict(many_sound),
        many.together.wall.as_secs_f64(),
        many_bound.as_secs_f64(),
        verdict(many.together.wall <= many_bound)
    );
    adoption_sound && many_sound
}

/// What checking each addition would cost: at 8 at a time, but paced by the points budget.
fn check_time(checks: usize, latency_ms: u64) -> String {
    let unpaced = Duration::from_millis(latency_ms * checks.div_ceil(CONCURRENCY as usize) as u64);
    let paced = Duration::from_secs(60 * checks.saturating_sub(1) as u64 / BUDGET as u64);
    format!("~{:.0} s", unpaced.max(paced).as_secs_f64())
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
