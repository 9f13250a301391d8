//! Test support: the fake GitHub and a way to run the real binary against it.

pub mod fake_budgets;
pub mod fake_cost_centers;
pub mod fake_github;
pub mod openapi;
pub mod usage_data;

use assert_cmd::Command;
pub use fake_github::{
    FakeApp, FakeGitHub, Fault, FaultAnswer, INSTALLATION_TOKEN, State, TOKEN, WORKFLOW_TOKEN,
    serve_on_loopback,
};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A scratch directory with a `copilot-seats.yaml`.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new(file: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("copilot-seats.yaml"), file).expect("write file");
        Workspace { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write");
    }

    /// Runs the binary (see `cmd`) with `args` and waits for it.
    pub fn run(&self, api_url: &str, args: &[&str]) -> std::process::Output {
        self.cmd(api_url).args(args).output().expect("run")
    }

    /// `cmd` in a `pull_request` workflow run of acme/seats#7, with the workflow's token.
    pub fn in_pull_request(&self, api_url: &str) -> Command {
        self.write(
            "event.json",
            r#"{"action": "synchronize", "number": 7, "pull_request": {"number": 7}}"#,
        );
        let mut cmd = self.cmd(api_url);
        cmd.env("GITHUB_TOKEN", WORKFLOW_TOKEN)
            .env("GITHUB_REPOSITORY", "acme/seats")
            .env("GITHUB_EVENT_PATH", self.path("event.json"));
        cmd
    }

    /// The binary, in this directory, with only the fake's token in its environment.
    pub fn cmd(&self, api_url: &str) -> Command {
        self.cmd_spaced(api_url, "0")
    }

    /// `cmd` with writes `interval_ms` apart.
    pub fn cmd_spaced(&self, api_url: &str, interval_ms: &str) -> Command {
        let mut cmd = Command::cargo_bin("copilot-seats").expect("binary");
        cmd.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("COPILOT_SEATS_TOKEN", TOKEN)
            .args([
                "--api-url",
                api_url,
                "--write-interval-ms",
                interval_ms,
                "--today",
                "2026-11-25",
            ]);
        cmd
    }
}

/// The repository's root, for the bundled examples.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The files of a folder of the repository, by name, sorted.
pub fn files_in(relative: &str) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(repo_path(relative))
        .expect("folder")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            (name, path)
        })
        .collect();
    files.sort();
    files
}

/// The throwaway private key of the tests' GitHub App (made for these tests only).
pub fn app_key_pem() -> String {
    std::fs::read_to_string(repo_path("tests/data/test-app-key.pem")).expect("test App key")
}

/// The tests' App as the fake knows it: its public key, installed on the org.
pub fn fake_app(id: &str) -> FakeApp {
    use rustls_pki_types::pem::PemObject as _;
    let der = rustls_pki_types::PrivatePkcs1KeyDer::from_pem_slice(app_key_pem().as_bytes())
        .expect("PKCS#1 PEM");
    let key = ring::signature::RsaKeyPair::from_der(der.secret_pkcs1_der()).expect("RSA key");
    FakeApp {
        id: id.to_string(),
        public_key: ring::signature::KeyPair::public_key(&key).as_ref().to_vec(),
        installation_id: 4242,
        installed: true,
    }
}

/// Panics when `text` holds a secret: a token or a line of the App's private key.
fn assert_no_secret(text: &str, stream: &str) {
    assert!(
        !text.contains(TOKEN)
            && !text.contains(WORKFLOW_TOKEN)
            && !text.contains(INSTALLATION_TOKEN),
        "a token leaked to {stream}"
    );
    let key = app_key_pem();
    let key_lines = key.lines().filter(|l| !l.starts_with("-----"));
    assert!(
        !text.contains("PRIVATE KEY") && key_lines.clone().all(|l| !text.contains(l)),
        "the App's private key leaked to {stream}"
    );
}

/// Standard output; every test that reads it also checks that no secret is in it.
pub fn stdout(output: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_no_secret(&text, "stdout");
    text
}

/// Standard error; every test that reads it also checks that no secret is in it.
pub fn stderr(output: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_no_secret(&text, "stderr");
    text
}

/// The command exited 1 and said `needle` on stderr.
#[track_caller]
pub fn assert_fails_with(output: &std::process::Output, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
}
