//! The targets of a run (SPEC 9): `-f` names files and directories (every `*.yaml` and
//! `*.yml` directly in a directory, in name order), each file holds one target, two files
//! for one target are an error naming both, and `--target NAME` narrows the run.

use crate::config::{self, FileError, FileErrors, LoadedFile};
use std::path::{Path, PathBuf};

/// The seat files `-f` names: files as given, directories expanded.
pub fn seat_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    // One file named twice (`-f dir/ -f dir/x.yaml`) is one target, not a duplicate.
    let push = |files: &mut Vec<PathBuf>, path: PathBuf| {
        let same = |known: &PathBuf| match (known.canonicalize(), path.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => *known == path,
        };
        if !files.iter().any(same) {
            files.push(path);
        }
    };
    for path in paths {
        if !path.is_dir() {
            push(&mut files, path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read the directory `{}`: {e}", path.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.is_file() && is_yaml(p) && !is_hidden(p))
            .collect();
        if found.is_empty() {
            return Err(format!(
                "`{}` holds no *.yaml or *.yml file: pass seat files or a directory of them with -f; nothing was changed",
                path.display()
            ));
        }
        found.sort();
        for file in found {
            push(&mut files, file);
        }
    }
    Ok(files)
}

/// `.x.yaml`: an editor's backup or a file kept aside, never a target.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yaml" || e == "yml")
}

/// Every file of a run, loaded: the targets, and the files that could not be read.
#[derive(Debug, Default)]
pub struct Loaded {
    pub targets: Vec<LoadedFile>,
    /// Each broken file's path and errors, in file order.
    pub broken: Vec<(String, FileErrors)>,
}

/// Loads `files`; a file whose target another file already has is broken, naming both.
pub fn load(files: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    for path in files {
        match config::load(path) {
            Ok(file) => {
                let name = file.desired.org.clone();
                if let Some(first) = loaded.targets.iter().find(|t| {
                    t.desired.kind == file.desired.kind && t.desired.org.eq_ignore_ascii_case(&name)
                }) {
                    let error = FileError {
                        file: file.path.clone(),
                        position: None,
                        message: format!(
                            "`{name}` is also the target of `{}`: one file per target; merge the two files or remove one",
                            first.path
                        ),
                    };
                    loaded
                        .broken
                        .push((file.path.clone(), FileErrors(vec![error])));
                } else {
                    loaded.targets.push(file);
                }
            }
            Err(errors) => loaded.broken.push((path.display().to_string(), errors)),
        }
    }
    loaded
}

/// Keeps the targets `--target` names (case-insensitively); every name must have a file.
/// Broken files are kept too: their target cannot be told.
pub fn narrow(mut loaded: Loaded, names: &[String]) -> Result<Loaded, String> {
    if names.is_empty() {
        return Ok(loaded);
    }
    for name in names {
        if !loaded
            .targets
            .iter()
            .any(|t| t.desired.org.eq_ignore_ascii_case(name))
        {
            let known: Vec<&str> = loaded
                .targets
                .iter()
                .map(|t| t.desired.org.as_str())
                .collect();
            return Err(format!(
                "--target `{name}` has no seat file among those -f names (targets: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
    }
    loaded
        .targets
        .retain(|t| names.iter().any(|n| t.desired.org.eq_ignore_ascii_case(n)));
    Ok(loaded)
}
