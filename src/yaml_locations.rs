//! Where each node of a YAML document starts, by path (`users[3].login`), so that every
//! file error can name its line and column. yaml_serde parses the file but keeps no
//! positions; saphyr's event parser gives them.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Positions of the nodes of the first document. A path names a value (`limits.max_seats`)
/// or, with a `#key` suffix, the key that introduces it (`limits.max_seats#key`).
#[derive(Debug, Default)]
pub struct YamlLocations {
    positions: HashMap<String, Position>,
}

enum Frame {
    Sequence { path: String, next_index: usize },
    Mapping { path: String, key: Option<String> },
}

impl YamlLocations {
    /// Indexes `text`. A document the event parser rejects yields the positions seen before
    /// the error; callers then fall back to the top of the file.
    pub fn index(text: &str) -> Self {
        let mut positions = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        let mut documents = 0;
        while let Some(Ok((event, span))) = parser.next_event() {
            let position = Position {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        break;
                    }
                }
                Event::Scalar(value, ..) => {
                    if let Some(path) =
                        node_path(&mut stack, Some(&value), position, &mut positions)
                    {
                        positions.entry(path).or_insert(position);
                    }
                }
                Event::Alias(_) => {
                    if let Some(path) = node_path(&mut stack, None, position, &mut positions) {
                        positions.entry(path).or_insert(position);
                    }
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    let path = node_path(&mut stack, None, position, &mut positions)
                        .unwrap_or_else(|| "?".to_string());
                    positions.entry(path.clone()).or_insert(position);
                    stack.push(match event {
                        Event::SequenceStart(..) => Frame::Sequence {
                            path,
                            next_index: 0,
                        },
                        _ => Frame::Mapping { path, key: None },
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        YamlLocations { positions }
    }

    /// The position of the node at `path`, or of the nearest enclosing node that has one.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(position) = self.positions.get(path) {
                return Some(*position);
            }
            let cut = path.rfind(['.', '[', '#'])?;
            path = &path[..cut];
        }
    }
}

/// The path of the node that starts now, or `None` when the node is a mapping key (its
/// position is recorded under `path#key` and the key remembered for the value).
fn node_path(
    stack: &mut [Frame],
    scalar: Option<&str>,
    position: Position,
    positions: &mut HashMap<String, Position>,
) -> Option<String> {
    match stack.last_mut() {
        None => Some(String::new()),
        Some(Frame::Sequence { path, next_index }) => {
            let child = format!("{path}[{next_index}]");
            *next_index += 1;
            Some(child)
        }
        Some(Frame::Mapping { path, key }) => match key.take() {
            Some(key) => Some(join(path, &key)),
            None => {
                // A key: complex (non-scalar) keys get a placeholder name.
                let name = scalar.unwrap_or("?").to_string();
                positions
                    .entry(format!("{}#key", join(path, &name)))
                    .or_insert(position);
                *key = Some(name);
                None
            }
        },
    }
}

/// `parent.key`, or `key` at the top level.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_keys_and_sequence_items() {
        let text = "org: acme\nusers:\n  - alice\n  - login: bob\n    expires: 2026-12-31\nteams: [a, b]\n";
        let locations = YamlLocations::index(text);
        let at = |path| locations.find(path).map(|p| (p.line, p.column));
        assert_eq!(at("org"), Some((1, 6)));
        assert_eq!(at("org#key"), Some((1, 1)));
        assert_eq!(at("users[0]"), Some((3, 5)));
        assert_eq!(at("users[1].login"), Some((4, 12)));
        assert_eq!(at("users[1].expires#key"), Some((5, 5)));
        assert_eq!(at("teams[1]"), Some((6, 12)));
        // Falls back to the nearest enclosing node.
        assert_eq!(at("users[1].note"), Some((4, 5)));
    }

    #[test]
    fn broken_yaml_gives_what_was_seen() {
        let locations = YamlLocations::index("org: acme\nusers: [\n");
        assert!(locations.find("org").is_some());
    }
}
