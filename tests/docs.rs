//! `schema`, `completions`, `man` and colour.

use crate::support::{Workspace, repo_path, stdout};

fn run(args: &[&str]) -> String {
    let ws = Workspace::new("");
    let output = ws
        .cmd("http://127.0.0.1:9")
        .args(args)
        .output()
        .expect("run");
    assert!(output.status.success());
    stdout(&output)
}

#[test]
fn schema_prints_the_bundled_schema() {
    let printed: serde_json::Value = serde_json::from_str(&run(&["schema"])).expect("json");
    let file =
        std::fs::read_to_string(repo_path("schema/copilot-seats.schema.json")).expect("file");
    assert_eq!(
        printed,
        serde_json::from_str::<serde_json::Value>(&file).expect("json")
    );
    assert_eq!(
        printed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn completions_and_man_page() {
    assert!(run(&["completions", "bash"]).contains("_copilot__seats()"));
    assert!(run(&["completions", "zsh"]).contains("#compdef copilot-seats"));
    assert!(run(&["completions", "fish"]).contains("complete -c copilot-seats"));
    let man = run(&["man"]);
    assert!(man.contains(".TH copilot-seats 1") && man.contains("apply"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let example = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["plan", "-f"]);
        let file = repo_path("examples/copilot-seats.yaml");
        let state = repo_path("examples/live-seats.json");
        let ws = Workspace::new("");
        let output = ws
            .cmd("http://127.0.0.1:9")
            .args(&args)
            .arg(file)
            .arg("--state")
            .arg(state)
            .output()
            .expect("run");
        stdout(&output)
    };
    let coloured = example(&["--color", "always"]);
    assert!(coloured.contains("\x1b[32m+ user oscar"), "{coloured}");
    assert!(
        coloured.contains("\x1b[31m-  - mallory\x1b[0m"),
        "the diff too: {coloured}"
    );
    assert!(!example(&[]).contains('\x1b'), "piped output is plain");
}

#[test]
fn help_names_the_token_variables_and_exit_codes_and_offline_commands_no_network_flags() {
    let help = run(&["--help"]);
    for needle in [
        "COPILOT_SEATS_TOKEN",
        "GITHUB_APP_PRIVATE_KEY_PATH",
        "pull-requests: write",
        "SSL_CERT_FILE",
        "130  apply interrupted",
        "2    plan --detailed-exitcode",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    for offline in ["validate", "schema", "man"] {
        let help = run(&[offline, "--help"]);
        assert!(!help.contains("--api-url"), "{offline}: {help}");
        assert!(!help.contains("--max-concurrency"), "{offline}: {help}");
    }
    let plan = run(&["plan", "--help"]);
    assert!(plan.contains("--api-url") && plan.contains("Reads in flight at once, 1 to 10"));
}

#[test]
fn the_man_page_links_only_to_pages_that_are_written() {
    let man = run(&["man"]);
    assert!(man.contains(".SH COMMANDS") && man.contains("COPILOT_SEATS_TOKEN"));
    assert!(
        !man.contains("copilot-seats-plan(1)"),
        "no link to a page not installed"
    );
    let ws = Workspace::new("");
    let output = ws
        .cmd("http://127.0.0.1:9")
        .args(["man", "--out-dir", "man"])
        .output()
        .expect("run");
    assert!(output.status.success());
    for page in [
        "copilot-seats.1",
        "copilot-seats-plan.1",
        "copilot-seats-apply.1",
    ] {
        assert!(ws.path("man").join(page).is_file(), "{page}");
    }
}
