//! What users run to install: `scripts/package-release.sh` packs the freshly built binary
//! into a release, served on loopback; `install.sh` (run by dash, with curl or with wget)
//! installs it only when its checksum matches, and the action's install step uses the
//! release, the tool cache, or the source when no release matches.

use crate::support::{repo_path, serve_on_loopback};
use axum::body::Bytes;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yaml_serde::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The archive name install.sh picks on this machine.
fn target() -> String {
    let cpu = match std::env::consts::ARCH {
        "aarch64" => "aarch64",
        _ => "x86_64",
    };
    format!("{cpu}-unknown-linux-musl")
}

fn archive_name() -> String {
    format!("copilot-seats-{VERSION}-{}.tar.gz", target())
}

/// Serves the files under `root` on loopback; a missing file is a 404.
fn serve(root: PathBuf) -> String {
    serve_on_loopback(axum::Router::new().fallback(move |uri: Uri| {
        let path = root.join(uri.path().trim_start_matches('/'));
        async move {
            match std::fs::read(&path) {
                Ok(bytes) => Bytes::from(bytes).into_response(),
                Err(_) => StatusCode::NOT_FOUND.into_response(),
            }
        }
    }))
}

/// A release of the freshly built binary in `dir/vVERSION/`, made by the packaging script.
fn release(dir: &Path) -> PathBuf {
    let out = dir.join(format!("v{VERSION}"));
    let binary = assert_cmd::cargo::cargo_bin("copilot-seats");
    let status = Command::new("sh")
        .arg(repo_path("scripts/package-release.sh"))
        .arg(target())
        .arg(&binary)
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("package");
    assert!(status.success());
    out
}

/// Where a tool is, from this process's PATH.
fn which(tool: &str) -> String {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .expect("which");
    let found = String::from_utf8_lossy(&found.stdout).trim().to_string();
    assert!(!found.is_empty(), "{tool} is needed for this test");
    found
}

fn install(url: &str, to: &Path, path: Option<&str>) -> Output {
    let mut cmd = Command::new(which("dash"));
    cmd.arg(repo_path("install.sh"))
        .args(["--version", &format!("v{VERSION}")])
        .arg("--to")
        .arg(to)
        .env("COPILOT_SEATS_DOWNLOAD_URL", url);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    cmd.output().expect("dash")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn installed_version(to: &Path) -> String {
    let output = Command::new(to.join("copilot-seats"))
        .arg("--version")
        .output()
        .expect("run the installed binary");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn the_packaged_archive_holds_the_binary_readme_and_licences_and_its_checksum() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = release(dir.path());
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(out.join(archive_name()))
        .output()
        .expect("tar");
    let mut names: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "LICENSE-APACHE",
            "LICENSE-MIT",
            "README.md",
            "copilot-seats"
        ]
    );
    let check = Command::new("sha256sum")
        .args(["--check", "SHA256SUMS"])
        .current_dir(&out)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{}", text(&check));
    // Windows archives are zip files with the .exe; SHA256SUMS gets a line each, once.
    let binary = assert_cmd::cargo::cargo_bin("copilot-seats");
    for _ in 0..2 {
        let status = Command::new("sh")
            .arg(repo_path("scripts/package-release.sh"))
            .arg("x86_64-pc-windows-msvc")
            .arg(&binary)
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("package");
        assert!(status.success());
    }
    let zip = format!("copilot-seats-{VERSION}-x86_64-pc-windows-msvc.zip");
    let listing = Command::new("unzip")
        .arg("-Z1")
        .arg(out.join(&zip))
        .output()
        .expect("unzip");
    assert!(String::from_utf8_lossy(&listing.stdout).contains("copilot-seats.exe"));
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("sums");
    assert_eq!(sums.lines().count(), 2, "{sums}");
    assert_eq!(sums.matches(&zip).count(), 1, "{sums}");
}

#[test]
fn install_sh_installs_a_verified_release_with_curl_or_wget() {
    let dir = tempfile::tempdir().expect("temp dir");
    release(dir.path());
    let url = serve(dir.path().to_path_buf());
    let to = dir.path().join("bin");
    let output = install(&url, &to, None);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("sha256 verified"),
        "{}",
        text(&output)
    );
    assert_eq!(installed_version(&to), format!("copilot-seats {VERSION}"));

    // Without curl: a PATH of the tools the script uses, wget among them.
    let tools = tools_path(dir.path(), "wget");
    let to = dir.path().join("bin-wget");
    let output = install(&url, &to, Some(&tools));
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(installed_version(&to), format!("copilot-seats {VERSION}"));
}

#[test]
fn install_sh_installs_nothing_on_a_bad_checksum_a_missing_file_or_a_truncated_archive() {
    /// A way to break a release, the exit code it must give, and what it must say.
    type Case = (&'static str, fn(&Path), i32, &'static str);
    let cases: [Case; 4] = [
        (
            "tampered checksum",
            |out| {
                let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("sums");
                let tampered = format!("{}{}", "0".repeat(64), &sums[64..]);
                std::fs::write(out.join("SHA256SUMS"), tampered).expect("write");
            },
            1,
            "checksum mismatch",
        ),
        (
            "missing archive",
            |out| std::fs::remove_file(out.join(archive_name())).expect("remove"),
            3,
            "cannot download",
        ),
        (
            "missing SHA256SUMS",
            |out| std::fs::remove_file(out.join("SHA256SUMS")).expect("remove"),
            3,
            "SHA256SUMS",
        ),
        (
            "truncated archive",
            |out| {
                let path = out.join(archive_name());
                let bytes = std::fs::read(&path).expect("read");
                std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("write");
            },
            1,
            "checksum mismatch",
        ),
    ];
    for (name, break_it, code, message) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = release(dir.path());
        break_it(&out);
        let url = serve(dir.path().to_path_buf());
        let to = dir.path().join("bin");
        let output = install(&url, &to, None);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{name}: {}",
            text(&output)
        );
        assert!(text(&output).contains(message), "{name}: {}", text(&output));
        assert_eq!(
            text(&output).lines().count(),
            1,
            "{name}: one clear line: {}",
            text(&output)
        );
        let left = std::fs::read_dir(&to).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "{name}: nothing installed");
    }
}

/// Runs the action's install step (id `install`) as the runner would, with a stand-in
/// `cargo` that records a source build.
fn action_install(url: &str, work: &Path, version: &str) -> (Output, String) {
    let action: Value = yaml_serde::from_str(
        &std::fs::read_to_string(repo_path("action.yml")).expect("action.yml"),
    )
    .expect("yaml");
    let script = action["runs"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .find(|s| s.get("id").and_then(Value::as_str) == Some("install"))
        .and_then(|s| s.get("run"))
        .and_then(Value::as_str)
        .expect("the install step's script")
        .to_string();
    let stubs = work.join("stubs");
    std::fs::create_dir_all(&stubs).expect("mkdir");
    std::fs::write(
        stubs.join("cargo"),
        "#!/bin/sh\necho \"cargo $*\" >> \"$RUNNER_TEMP/cargo.log\"\n",
    )
    .expect("stub");
    Command::new("chmod")
        .arg("+x")
        .arg(stubs.join("cargo"))
        .status()
        .expect("chmod");
    let github_path = work.join("github_path");
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env(
            "PATH",
            format!(
                "{}:{}",
                stubs.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("INPUT_VERSION", version)
        .env("ACTION_REF", "main")
        .env("ACTION_REPOSITORY", "copilot-seats/copilot-seats")
        .env("COPILOT_SEATS_DOWNLOAD_URL", url)
        .env("GITHUB_ACTION_PATH", repo_path("."))
        .env("GITHUB_PATH", &github_path)
        .env("RUNNER_TOOL_CACHE", work.join("toolcache"))
        .env("RUNNER_TEMP", work)
        .env("RUNNER_ARCH", "X64")
        .output()
        .expect("bash");
    let path = std::fs::read_to_string(&github_path).unwrap_or_default();
    (output, path)
}

#[test]
fn the_action_installs_the_release_caches_it_and_builds_only_without_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = release(dir.path());
    let url = serve(dir.path().to_path_buf());
    let work = dir.path().join("runner");
    let version = format!("v{VERSION}");

    let (output, path) = action_install(&url, &work, &version);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("installed the released binary"),
        "{}",
        text(&output)
    );
    let cached = work
        .join("toolcache/copilot-seats")
        .join(VERSION)
        .join("X64");
    assert_eq!(path.trim(), cached.display().to_string());
    assert_eq!(
        installed_version(&cached),
        format!("copilot-seats {VERSION}")
    );

    let (output, _) = action_install(&url, &work, &version);
    assert!(
        text(&output).contains("from the tool cache"),
        "{}",
        text(&output)
    );
    assert!(!work.join("cargo.log").exists(), "no source build");

    // No such release: built from the action's source.
    let (output, path) = action_install(&url, &work, "v9.9.9");
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("building from the action's source (no release v9.9.9"));
    let log = std::fs::read_to_string(work.join("cargo.log")).expect("cargo ran");
    assert!(log.starts_with("cargo install --locked"), "{log}");
    assert!(path.contains("copilot-seats/bin"), "{path}");

    // A release whose checksum does not match fails; it is never replaced by a build.
    let fresh = dir.path().join("runner2");
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("sums");
    std::fs::write(
        out.join("SHA256SUMS"),
        format!("{}{}", "0".repeat(64), &sums[64..]),
    )
    .expect("write");
    let (output, _) = action_install(&url, &fresh, &version);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("checksum mismatch"),
        "{}",
        text(&output)
    );
    assert!(!fresh.join("cargo.log").exists(), "no fallback build");
}

/// A PATH holding the tools install.sh uses, with curl or (without it) wget.
fn tools_path(dir: &Path, fetcher: &str) -> String {
    let tools = dir.join(format!("tools-{fetcher}"));
    std::fs::create_dir_all(&tools).expect("mkdir");
    for tool in [
        fetcher,
        "uname",
        "mktemp",
        "rm",
        "awk",
        "sha256sum",
        "cut",
        "mkdir",
        "tar",
        "gzip",
        "cp",
        "chmod",
        "mv",
        "head",
        "tail",
        "grep",
        "cat",
    ] {
        let _ = std::os::unix::fs::symlink(which(tool), tools.join(tool));
    }
    tools.display().to_string()
}

#[test]
fn install_sh_exits_3_only_for_a_404_and_1_with_the_cause_otherwise() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A server in trouble: 502 for everything.
    let broken = serve_on_loopback(
        axum::Router::new()
            .fallback(|| async { (StatusCode::BAD_GATEWAY, "upstream down").into_response() }),
    );
    for fetcher in ["curl", "wget"] {
        let path = tools_path(dir.path(), fetcher);
        let to = dir.path().join(format!("bin-{fetcher}"));
        let output = install(&broken, &to, Some(&path));
        assert_eq!(
            output.status.code(),
            Some(1),
            "{fetcher}: {}",
            text(&output)
        );
        assert!(
            text(&output).contains("the server answered HTTP 502; try again later"),
            "{fetcher}: {}",
            text(&output)
        );
        // Nothing listens on port 9: a connection failure, with its cause.
        let output = install("http://127.0.0.1:9", &to, Some(&path));
        assert_eq!(
            output.status.code(),
            Some(1),
            "{fetcher}: {}",
            text(&output)
        );
        let said = text(&output);
        let reason = said.rsplit(": ").next().unwrap_or("").trim();
        assert!(
            said.starts_with("install.sh: cannot download http://127.0.0.1:9/"),
            "{fetcher}: {said}"
        );
        assert!(reason.len() > 5, "{fetcher}: a cause is given: {said}");
        // A missing release is still exit 3.
        let empty = serve(dir.path().join("nothing"));
        let output = install(&empty, &to, Some(&path));
        assert_eq!(
            output.status.code(),
            Some(3),
            "{fetcher}: {}",
            text(&output)
        );
        assert!(
            text(&output).contains("(HTTP 404)"),
            "{fetcher}: {}",
            text(&output)
        );
    }
}

#[test]
fn install_sh_says_when_the_directory_is_not_on_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    release(dir.path());
    let url = serve(dir.path().to_path_buf());
    let path = tools_path(dir.path(), "curl");
    let to = dir.path().join("bin");
    let output = install(&url, &to, Some(&path));
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("`{}` is not on PATH", to.display())),
        "{}",
        text(&output)
    );
    let output = install(&url, &to, Some(&format!("{}:{path}", to.display())));
    assert!(!text(&output).contains("not on PATH"), "{}", text(&output));
}

#[test]
fn the_action_used_by_commit_sha_installs_its_crate_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    release(dir.path());
    let url = serve(dir.path().to_path_buf());
    let work = dir.path().join("runner");
    // action_install gives ACTION_REF `main`: not a tag; no version input.
    let (output, path) = action_install(&url, &work, "");
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!(
            "not a version tag: using its crate version v{VERSION}"
        )),
        "{}",
        text(&output)
    );
    assert!(
        text(&output).contains("installed the released binary"),
        "{}",
        text(&output)
    );
    assert!(!work.join("cargo.log").exists(), "no source build");
    assert!(path.contains("toolcache"), "{path}");
}

#[test]
fn install_sh_defaults_to_this_version_and_rejects_bad_options() {
    let script = std::fs::read_to_string(repo_path("install.sh")).expect("install.sh");
    assert!(
        script.contains(&format!("\nVERSION=v{VERSION}\n")),
        "install.sh's default VERSION is the crate's"
    );
    for (args, message) in [
        (&["--version", "latest"][..], "is not a version"),
        (&["--frobnicate"][..], "unknown option"),
    ] {
        let output = Command::new(which("dash"))
            .arg(repo_path("install.sh"))
            .args(args)
            .output()
            .expect("dash");
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        assert!(text(&output).contains(message), "{}", text(&output));
    }
}
