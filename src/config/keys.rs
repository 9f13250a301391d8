//! The keys of one mapping of the file that its parsers read, so that a key nobody read is
//! an unknown key, with a "did you mean" among every key that was read. Each kind reads
//! its own keys of a shared mapping (the root, `unmanaged:`, `ignore:`), and the errors
//! stay right as kinds are added (the model: cargo-deny's `TableHelper`).

use yaml_serde::{Mapping, Value};

pub struct Keys<'v> {
    mapping: &'v Mapping,
    read: Vec<String>,
    /// Keys checked elsewhere, with an error of their own: neither read nor unknown.
    passed: Vec<String>,
}

/// A key no parser read: where it is and what to say.
#[derive(Debug, PartialEq, Eq)]
pub struct Unknown {
    /// `key#key` under the mapping's path, or the mapping's path for a key that is no word.
    pub path: String,
    pub message: String,
}

impl<'v> Keys<'v> {
    pub fn new(mapping: &'v Mapping) -> Keys<'v> {
        Keys {
            mapping,
            read: Vec::new(),
            passed: Vec::new(),
        }
    }

    /// Records `keys` as read (a kind that reads them later, from the same mapping).
    pub fn read_all(&mut self, keys: &[&str]) {
        for key in keys {
            if !self.read.iter().any(|k| k == key) {
                self.read.push(key.to_string());
            }
        }
    }

    /// Passes over `keys`: they get an error of their own elsewhere.
    pub fn pass(&mut self, keys: &[&str]) {
        self.passed.extend(keys.iter().map(|k| k.to_string()));
    }

    /// Every key of the mapping no one read, under `path`.
    pub fn unknown(&self, path: &str) -> Vec<Unknown> {
        let allowed: Vec<&str> = self.read.iter().map(String::as_str).collect();
        let mut unknown = Vec::new();
        for key in self.mapping.keys() {
            match key {
                Value::String(key) if self.read.contains(key) || self.passed.contains(key) => {}
                Value::String(key) => {
                    let hint = suggest(key, &allowed)
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    unknown.push(Unknown {
                        path: format!("{}#key", crate::yaml_locations::join(path, key)),
                        message: format!(
                            "unknown key `{key}`: {hint}allowed here: {}",
                            allowed.join(", ")
                        ),
                    });
                }
                other => unknown.push(Unknown {
                    path: path.to_string(),
                    message: format!(
                        "keys must be plain words, not {}; allowed here: {}",
                        super::describe(other),
                        allowed.join(", ")
                    ),
                }),
            }
        }
        unknown
    }
}

/// The allowed key closest to a misspelt one, when it is close enough to be a typo.
fn suggest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(key, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(yaml: &str) -> Mapping {
        yaml_serde::from_str(yaml).expect("a mapping")
    }

    #[test]
    fn keys_read_by_any_parser_are_known_and_suggested() {
        let m = mapping("users: []\ncost_centres: []\nbudgets: []\nlegacy: 1\n");
        let mut keys = Keys::new(&m);
        keys.read_all(&["users"]);
        // A second kind reads its own keys of the same mapping.
        keys.read_all(&["cost_centers", "budgets"]);
        keys.pass(&["legacy"]);
        let unknown = keys.unknown("");
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert_eq!(unknown[0].path, "cost_centres#key");
        assert!(
            unknown[0].message.contains(
                "did you mean `cost_centers`? allowed here: users, cost_centers, budgets"
            ),
            "{}",
            unknown[0].message
        );
    }
}
