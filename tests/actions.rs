//! GitHub Actions: the sticky plan comment, the job summary and annotations.

use crate::support::{FakeGitHub, State, Workspace, assert_fails_with, stderr, stdout};

const MARKER: &str = "<!-- copilot-seats:plan -->";
const FILE: &str = "org: acme\nusers: [alice, bob]\n";

fn org() -> State {
    let mut state = State::new("acme");
    state.with_direct_seats(&["alice", "mallory"]);
    state.add_members(&["bob"]);
    // 120 older comments: the sticky one must be searched across pages.
    let others = (0..120)
        .map(|i| (i as u64 + 1, format!("comment {i}")))
        .collect();
    state.comments.insert("acme/seats#7".into(), others);
    state
}

/// `plan --comment` in a pull_request workflow of acme/seats#7.
fn comment(ws: &Workspace, fake: &FakeGitHub) -> std::process::Output {
    ws.in_pull_request(&fake.url)
        .args(["plan", "--comment"])
        .output()
        .expect("run")
}

fn sticky(fake: &FakeGitHub) -> Vec<String> {
    fake.state().comments["acme/seats#7"]
        .iter()
        .filter(|(_, body)| body.contains(MARKER))
        .map(|(_, body)| body.clone())
        .collect()
}

#[test]
fn one_sticky_comment_always_shows_the_current_plan() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let first = comment(&ws, &fake);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("Plan comment on #7: created comment"),
        "{}",
        stderr(&first)
    );
    let bodies = sticky(&fake);
    assert_eq!(bodies.len(), 1);
    assert!(
        bodies[0].contains("- `bob`: declared") && bodies[0].contains("- `mallory`: not declared"),
        "{}",
        bodies[0]
    );

    // A new push: the same comment is edited.
    ws.write(
        "copilot-seats.yaml",
        "org: acme\nusers: [alice, bob, mallory]\n",
    );
    let second = comment(&ws, &fake);
    assert!(
        stderr(&second).contains("updated comment"),
        "{}",
        stderr(&second)
    );
    let bodies = sticky(&fake);
    assert_eq!(bodies.len(), 1);
    assert!(!bodies[0].contains("`mallory`: not declared"));

    // After apply, no changes: said in the same comment.
    let apply = ws.run(&fake.url, &["apply", "--yes"]);
    assert!(apply.status.success(), "{}", stderr(&apply));
    comment(&ws, &fake);
    let bodies = sticky(&fake);
    assert_eq!(bodies.len(), 1);
    assert!(
        bodies[0].contains("**No changes.** The 3 active seat(s) of acme match the file."),
        "{}",
        bodies[0]
    );

    // A broken file: the comment says the plan failed, instead of showing an old plan.
    ws.write("copilot-seats.yaml", "org: acme\nusers: [bad.login]\n");
    let broken = comment(&ws, &fake);
    assert_eq!(broken.status.code(), Some(1));
    let bodies = sticky(&fake);
    assert_eq!(bodies.len(), 1);
    assert!(
        bodies[0].contains("## Copilot seats plan failed")
            && bodies[0].contains("`bad.login` is not a valid login"),
        "{}",
        bodies[0]
    );
    assert_eq!(
        fake.state().comments["acme/seats#7"].len(),
        121,
        "one comment added in all"
    );
}

#[test]
fn comment_needs_the_workflow_context() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let output = ws.run(&fake.url, &["plan", "--comment"]);
    assert_fails_with(&output, "--comment needs GITHUB_REPOSITORY (owner/name)");
    assert!(
        stdout(&output).contains("+ user bob"),
        "the plan is printed first"
    );
}

#[test]
fn job_summary_and_annotations_in_actions() {
    let fake = FakeGitHub::start(org());
    let ws =
        Workspace::new("org: acme\nusers:\n  - alice\n  - login: bob\n    expires: 2026-12-01\n");
    let summary = ws.path("summary.md");
    let output = ws
        .cmd(&fake.url)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg("plan")
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        written.starts_with(MARKER) && written.contains("### Users added (1)"),
        "{written}"
    );
    assert!(
        stderr(&output).contains("::warning::user `bob` expires on 2026-12-01 (in 6 day(s))"),
        "{}",
        stderr(&output)
    );

    ws.write("copilot-seats.yaml", "org: acme\nusers:\n  - bad.login\n");
    let output = ws
        .cmd(&fake.url)
        .env("GITHUB_ACTIONS", "true")
        .arg("validate")
        .output()
        .expect("run");
    assert_fails_with(
        &output,
        "::error file=copilot-seats.yaml,line=3,col=5::`bad.login` is not a valid login",
    );
}

#[test]
fn apply_appends_its_report_to_the_job_summary() {
    let fake = FakeGitHub::start(org());
    let ws = Workspace::new(FILE);
    let summary = ws.path("summary.md");
    let output = ws
        .cmd(&fake.url)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["apply", "--yes"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        written.contains("## copilot-seats apply: done\n\n2 of 2 name(s) in effect."),
        "{written}"
    );
}

#[test]
fn markdown_stays_under_the_comment_limit_for_huge_plans() {
    let mut state = State::new("acme");
    let logins: Vec<String> = (0..6000)
        .map(|i| format!("user-with-a-long-login-{i:05}"))
        .collect();
    state.with_direct_seats(&logins.iter().map(String::as_str).collect::<Vec<_>>());
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("org: acme\nusers: [user-with-a-long-login-00000]\n");
    let summary = ws.path("summary.md");
    let output = ws
        .cmd(&fake.url)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["plan", "--format", "markdown"])
        .output()
        .expect("run");
    // Blocked (5999 removals): the check fails, and the plan is still shown.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let markdown = stdout(&output);
    assert!(
        markdown.chars().count() <= 65_000,
        "{} chars",
        markdown.chars().count()
    );
    assert!(
        markdown.contains("<details><summary><b>Users removed (5999)</b></summary>"),
        "{markdown}"
    );
    assert!(markdown.contains("Lists were shortened to fit GitHub's comment limit"));
    assert!(
        markdown.contains("> [!CAUTION]\n> **Blocked:** 5999 seats would be removed"),
        "the guard is shown"
    );
    // The job summary holds the whole plan, as the comment says: every name, not cut.
    let summary = std::fs::read_to_string(&summary).expect("summary");
    assert!(summary.len() > 65_000 && summary.len() <= 1024 * 1024);
    assert!(summary.contains("`user-with-a-long-login-05999`"));
    assert!(!summary.contains("shortened"), "nothing was shortened");
}

#[test]
fn comment_removes_duplicates_that_runs_at_the_same_time_left() {
    let mut state = org();
    // Two runs raced and each created the sticky comment.
    let list = state.comments.get_mut("acme/seats#7").expect("comments");
    list.push((500, format!("{MARKER}\nan older plan")));
    list.push((501, format!("{MARKER}\nanother older plan")));
    list.push((502, format!("a person quoting {MARKER} is left alone")));
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(FILE);
    let output = comment(&ws, &fake);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("updated comment 500, removed 1 duplicate(s)"),
        "{}",
        stderr(&output)
    );
    let ours: Vec<(u64, String)> = fake.state().comments["acme/seats#7"]
        .iter()
        .filter(|(_, body)| body.starts_with(MARKER))
        .cloned()
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].0, 500, "the oldest is kept");
    assert!(ours[0].1.contains("- `bob`: declared"), "{}", ours[0].1);
    assert!(
        fake.state().comments["acme/seats#7"]
            .iter()
            .any(|(id, _)| *id == 502)
    );
}

#[test]
fn plan_errors_annotate_their_line_relative_to_the_repository_root() {
    let mut state = org();
    state.add_team("platform", "Platform", &["walter"], false);
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new("");
    std::fs::create_dir(ws.path("seats")).expect("mkdir");
    ws.write(
        "seats/copilot-seats.yaml",
        "org: acme\nusers:\n  - alice\n  - stranger\nteams:\n  - ghost\n",
    );
    let output = ws
        .cmd(&fake.url)
        .current_dir(ws.path("seats"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", ws.dir.path())
        .arg("plan")
        .output()
        .expect("run");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("::error file=seats/copilot-seats.yaml,line=4,col=1::user `stranger` is not a member of `acme`"),
        "{text}"
    );
    assert!(
        text.contains(
            "::error file=seats/copilot-seats.yaml,line=6,col=1::team `ghost` does not exist"
        ),
        "{text}"
    );
}

#[test]
fn two_plan_comment_runs_racing_on_a_slow_github_leave_one_comment() {
    let mut state = org();
    // Creating a comment is slow: both runs list the comments (none of ours) before
    // either one's comment exists.
    state.faults.push(
        crate::support::Fault::new(
            "POST",
            "/repos/acme/seats/issues/7/comments",
            crate::support::FaultAnswer::Normal,
        )
        .delay_ms(2000)
        .times(2),
    );
    let fake = FakeGitHub::start(state);
    let ws = Workspace::new(FILE);
    let run = || comment(&ws, &fake);
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(run);
        let second = scope.spawn(run);
        (first.join().expect("first"), second.join().expect("second"))
    });
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    let posts = fake
        .state()
        .requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/issues/7/comments"))
        .count();
    assert_eq!(posts, 2, "both runs created one: the race happened");
    assert_eq!(sticky(&fake).len(), 1, "and it converged on one comment");
}
