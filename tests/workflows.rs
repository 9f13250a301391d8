//! The action and the example workflows parse and have the keys GitHub requires
//! (actionlint is not available from this project's registries; see the README).

use crate::support::repo_path;
use yaml_serde::Value;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_path(path)).expect("read");
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check_steps(path: &str, steps: &Value, composite: bool) {
    let steps = steps
        .as_sequence()
        .unwrap_or_else(|| panic!("{path}: steps is a list"));
    assert!(!steps.is_empty(), "{path}: no steps");
    for step in steps {
        let uses = step.get("uses").is_some();
        let run = step.get("run").is_some();
        assert!(
            uses != run,
            "{path}: a step has exactly one of uses and run: {step:?}"
        );
        if composite && run {
            assert!(
                step.get("shell").is_some(),
                "{path}: composite run steps need a shell"
            );
        }
    }
}

fn check_workflow(path: &str) -> Value {
    let workflow = load(path);
    assert!(workflow.get("name").is_some(), "{path}: name");
    assert!(workflow.get("on").is_some(), "{path}: on");
    let jobs = workflow
        .get("jobs")
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("{path}: jobs"));
    for job in jobs.values() {
        assert!(job.get("runs-on").is_some(), "{path}: runs-on");
        check_steps(path, job.get("steps").unwrap_or(&Value::Null), false);
    }
    workflow
}

#[test]
fn the_action_is_a_valid_composite_action() {
    let action = load("action.yml");
    for key in ["name", "description", "inputs", "runs"] {
        assert!(action.get(key).is_some(), "action.yml: {key}");
    }
    let inputs = action["inputs"].as_mapping().expect("inputs");
    for name in ["version", "command", "file", "working-directory", "comment"] {
        let input = inputs.get(name).unwrap_or_else(|| panic!("input {name}"));
        assert!(
            input.get("description").is_some(),
            "input {name} has a description"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    check_steps("action.yml", &action["runs"]["steps"], true);
    // Inputs reach scripts through `env`, never pasted into shell code.
    for step in action["runs"]["steps"].as_sequence().expect("steps") {
        let script = step.get("run").and_then(Value::as_str).unwrap_or("");
        assert!(
            !script.contains("${{"),
            "an expression in a script: {script}"
        );
    }
}

#[test]
fn the_example_workflows_are_valid() {
    let plan = check_workflow("examples/workflows/copilot-seats-plan.yml");
    assert!(
        plan["on"]["pull_request"]["paths"].as_sequence().is_some(),
        "plan: path filter"
    );
    assert_eq!(plan["permissions"]["pull-requests"].as_str(), Some("write"));

    let apply = check_workflow("examples/workflows/copilot-seats-apply.yml");
    assert_eq!(
        apply["concurrency"]["group"].as_str(),
        Some("copilot-seats-apply")
    );
    assert_eq!(
        apply["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    assert!(apply["on"]["push"]["branches"].as_sequence().is_some());
    // Expired entries and changes made by hand are applied without a merge.
    assert!(
        apply["on"]["schedule"].as_sequence().is_some(),
        "apply: daily"
    );
    assert!(
        apply["on"].get("workflow_dispatch").is_some(),
        "apply: on demand"
    );
    assert_eq!(
        plan["concurrency"]["group"].as_str(),
        Some("copilot-seats-plan-${{ github.event.pull_request.number }}"),
        "plan: one run per pull request at a time"
    );

    let drift = check_workflow("examples/workflows/copilot-seats-drift.yml");
    assert!(drift["on"]["schedule"].as_sequence().is_some());
    let text = std::fs::read_to_string(repo_path("examples/workflows/copilot-seats-drift.yml"))
        .expect("read");
    assert!(text.contains("detailed-exitcode: true") && text.contains("gh issue create"));
    // The drift issue says what will happen and when, not "merge to apply it".
    assert!(
        text.contains("runs every day at 07:00 UTC") && !text.contains("merge to apply it"),
        "drift issue text"
    );
    let apply_text =
        std::fs::read_to_string(repo_path("examples/workflows/copilot-seats-apply.yml"))
            .expect("read");
    assert!(
        apply_text.contains("cron: \"0 7 * * *\""),
        "the time the drift issue names"
    );

    let reclaim = check_workflow("examples/workflows/copilot-seats-reclaim.yml");
    assert!(
        reclaim["on"]["schedule"].as_sequence().is_some(),
        "reclaim: weekly"
    );
    assert!(
        reclaim["on"].get("workflow_dispatch").is_some(),
        "reclaim: on demand"
    );
    let text = std::fs::read_to_string(repo_path("examples/workflows/copilot-seats-reclaim.yml"))
        .expect("read");
    assert!(
        text.contains("reclaim -f \"$SEATS\" --write --format markdown")
            && text.contains("gh pr create"),
        "reclaim: writes the file and opens one pull request"
    );
    let usage = check_workflow("examples/workflows/copilot-usage-summary.yml");
    assert!(
        usage["on"]["schedule"].as_sequence().is_some(),
        "usage: weekly"
    );
    let text = std::fs::read_to_string(repo_path("examples/workflows/copilot-usage-summary.yml"))
        .expect("read");
    assert!(
        text.contains("usage --since") && text.contains("--format markdown"),
        "usage: the week's summary to the job summary"
    );

    check_workflow(".github/workflows/ci.yml");
}

/// Runs the action's script (the step with id `run`) with a stand-in `copilot-seats` that
/// prints its arguments one a line, and returns them.
fn action_arguments(command: &str, args: &str) -> Result<Vec<String>, String> {
    let action = load("action.yml");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let script = steps
        .iter()
        .find(|s| s.get("id").and_then(Value::as_str) == Some("run"))
        .and_then(|s| s.get("run"))
        .and_then(Value::as_str)
        .expect("the run step's script");
    let dir = tempfile::tempdir().expect("temp dir");
    let stub = dir.path().join("copilot-seats");
    std::fs::write(
        &stub,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n",
    )
    .expect("stub");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&stub)
        .status()
        .expect("chmod");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("PATH", path)
        .env("INPUT_COMMAND", command)
        .env("INPUT_FILE", "copilot-seats.yaml")
        .env("INPUT_COMMENT", "false")
        .env("INPUT_DETAILED_EXITCODE", "false")
        .env("INPUT_ARGS", args)
        .env("GITHUB_OUTPUT", dir.path().join("output"))
        .output()
        .expect("bash");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    if !output.status.success() {
        return Err(stdout);
    }
    Ok(stdout.lines().map(str::to_string).collect())
}

#[test]
fn the_action_reads_args_as_shell_like_words_over_every_line() {
    let args = action_arguments(
        "plan",
        "--target acme\n--out 'my plan.json'\n  --format \"json\"  \n",
    )
    .expect("runs");
    assert_eq!(
        args,
        [
            "-f",
            "copilot-seats.yaml",
            "plan",
            "--target",
            "acme",
            "--out",
            "my plan.json",
            "--format",
            "json"
        ]
    );
    let none = action_arguments("apply", "").expect("runs");
    assert_eq!(none, ["-f", "copilot-seats.yaml", "apply", "--yes"]);
    // Nothing is evaluated: `$(...)` and `;` are plain text.
    let literal = action_arguments("plan", "--out '$(touch x); y'").expect("runs");
    assert_eq!(literal[3..], ["--out", "$(touch x); y"]);
    let unmatched = action_arguments("plan", "--out 'open").expect_err("an error");
    assert!(unmatched.contains("::error::the args input"), "{unmatched}");
}
