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
    for name in ["command", "file", "working-directory", "comment"] {
        let input = inputs.get(name).unwrap_or_else(|| panic!("input {name}"));
        assert!(
            input.get("description").is_some(),
            "input {name} has a description"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    check_steps("action.yml", &action["runs"]["steps"], true);
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

    let drift = check_workflow("examples/workflows/copilot-seats-drift.yml");
    assert!(drift["on"]["schedule"].as_sequence().is_some());
    let text = std::fs::read_to_string(repo_path("examples/workflows/copilot-seats-drift.yml"))
        .expect("read");
    assert!(text.contains("detailed-exitcode: true") && text.contains("gh issue create"));

    check_workflow(".github/workflows/ci.yml");
}
