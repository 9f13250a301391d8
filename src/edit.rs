//! Lossless edits of a seat file (SPEC 10): add, change and remove entries of one list
//! (`users`, `teams` or `enterprise_teams`) and touch no other byte. Positions come from
//! the same span-aware event parser that `validate` uses for its line numbers (saphyr);
//! there is no second YAML parser. Block lists are edited by whole lines (an entry's own
//! trailing comment goes with it), flow lists (`[a, b]`) by the item's text and its
//! separator. Sorted lists (case-insensitively, as the planner compares) stay sorted. The
//! caller validates the result before writing it; `render::text::file_diff` shows it.

use crate::config::{is_valid_enterprise_team, is_valid_login, is_valid_slug};
use crate::model::TargetKind;
use saphyr_parser::{Event, Parser, Span};

/// A new entry, or new values for an existing one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewEntry {
    pub name: String,
    pub expires: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error(
        "the file is not YAML the editor can follow ({0}): fix it first (`copilot-seats validate`)"
    )]
    Unparsable(String),
    #[error("`{key}` is not a list in the file: make it one (`{key}: [..]` or `- name` lines)")]
    NotAList { key: String },
    #[error("{} not in `{key}`: nothing was changed", quoted(.names))]
    NotFound { key: String, names: Vec<String> },
    #[error("no cost center `{0}` in the file's `cost_centers:`: add it first (`- name: {0}`)")]
    NoCostCenter(String),
    #[error(
        "cost center `{0}` is written on one line (`{{name: …}}`): edit it by hand, or write it as a block mapping"
    )]
    FlowCostCenter(String),
}

/// Where a list is: a top-level key, or a key of one cost center of `cost_centers:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListAt<'a> {
    Top(&'a str),
    CostCenter { name: &'a str, key: &'a str },
}

impl std::fmt::Display for ListAt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListAt::Top(key) => write!(f, "`{key}`"),
            ListAt::CostCenter { name, key } => write!(f, "`{key}` of cost center `{name}`"),
        }
    }
}

impl ListAt<'_> {
    fn key(&self) -> &str {
        match self {
            ListAt::Top(key) | ListAt::CostCenter { key, .. } => key,
        }
    }
}

fn quoted(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    names.join(", ")
}

/// One entry of a list, as found in the text.
#[derive(Clone, Debug)]
struct Item {
    name: String,
    /// Byte range of the item's node (the scalar, or the mapping's keys and values).
    start: usize,
    end: usize,
    /// 0-based lines of the node's first and last character.
    first_line: usize,
    last_line: usize,
    mapping: bool,
    /// In a mapping item: the byte ranges of the values of `expires` and `note`.
    expires: Option<(usize, usize)>,
    note: Option<(usize, usize)>,
    /// In a block mapping item: the column of its keys.
    key_column: usize,
}

#[derive(Debug)]
enum Shape {
    /// No such key at the top.
    Absent,
    /// `key:` with no value (null), on this 0-based line, the key at column `indent`.
    Empty {
        key_line: usize,
        indent: usize,
    },
    /// No such key in a nested block mapping: a new `key:` goes at byte `at`, with its
    /// keys' `indent`.
    AbsentIn {
        at: usize,
        indent: usize,
    },
    Block(Vec<Item>),
    Flow {
        /// Byte offsets of `[` and `]`.
        open: usize,
        close: usize,
        items: Vec<Item>,
    },
}

/// The text, its line starts, and char-index to byte-offset conversion.
struct Doc<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    char_bytes: Vec<usize>,
}

impl<'t> Doc<'t> {
    fn new(text: &'t str) -> Doc<'t> {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        let mut char_bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        char_bytes.push(text.len());
        Doc {
            text,
            line_starts,
            char_bytes,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.char_bytes
            .get(char_index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of 0-based line `line`, with its line break.
    fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        (start, end)
    }

    /// The end of a node's span: its last character's byte, past trailing blanks.
    fn span_end(&self, span: &Span) -> usize {
        let end = self.byte(span.end.index());
        let trimmed = self.text[..end].trim_end_matches([' ', '\t', '\n', '\r']);
        trimmed.len().max(self.byte(span.start.index()))
    }
}

/// Reads the shape of the top-level list `key`; `name_key` names a mapping entry
/// (`login` or `slug`).
fn shape(doc: &Doc<'_>, at: ListAt<'_>, name_key: &str) -> Result<Shape, EditError> {
    let mut parser = Parser::new_from_str(doc.text);
    let mut events = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| EditError::Unparsable(e.to_string()))?;
        events.push((event, span));
    }
    let root = events
        .iter()
        .position(|(e, _)| matches!(e, Event::MappingStart(..)));
    let Some(root) = root else {
        return Ok(Shape::Absent);
    };
    match at {
        ListAt::Top(key) => match entry_value(doc, &events, root, key) {
            Some((value, key_line, indent)) => {
                value_shape(doc, &events[value..], key, (key_line, indent), name_key)
            }
            None => Ok(Shape::Absent),
        },
        ListAt::CostCenter { name, key } => {
            cost_center_shape(doc, &events, root, name, key, name_key)
        }
    }
}

/// The index of the event that ends the node starting at `events[i]`.
fn node_end(events: &[(Event<'_>, Span)], i: usize) -> usize {
    if !matches!(
        events.get(i),
        Some((Event::MappingStart(..) | Event::SequenceStart(..), _))
    ) {
        return i;
    }
    let mut depth = 0usize;
    for (j, (event, _)) in events.iter().enumerate().skip(i) {
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
            Event::MappingEnd | Event::SequenceEnd => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// In the mapping starting at `events[mapping]`: the index of `key`'s value, the key's
/// 0-based line and column.
fn entry_value(
    doc: &Doc<'_>,
    events: &[(Event<'_>, Span)],
    mapping: usize,
    key: &str,
) -> Option<(usize, usize, usize)> {
    let mut i = mapping + 1;
    while i < events.len() {
        let (event, span) = &events[i];
        match event {
            Event::MappingEnd => return None,
            Event::Scalar(value, ..) => {
                if value == key {
                    let at = doc.byte(span.start.index());
                    let line = doc.line_of(at);
                    return Some((i + 1, line, at - doc.line_starts[line]));
                }
                i = node_end(events, i + 1) + 1;
            }
            _ => i = node_end(events, i) + 1,
        }
    }
    None
}

/// The list `key` of the cost center named `name` (case-insensitively).
fn cost_center_shape(
    doc: &Doc<'_>,
    events: &[(Event<'_>, Span)],
    root: usize,
    name: &str,
    key: &str,
    name_key: &str,
) -> Result<Shape, EditError> {
    let missing = || EditError::NoCostCenter(name.to_string());
    let (list, _, _) = entry_value(doc, events, root, "cost_centers").ok_or_else(missing)?;
    if !matches!(events.get(list), Some((Event::SequenceStart(..), _))) {
        return Err(missing());
    }
    let mut i = list + 1;
    while i < events.len() {
        let (event, span) = &events[i];
        match event {
            Event::SequenceEnd => break,
            Event::MappingStart(..) => {
                let end = node_end(events, i);
                let named =
                    entry_value(doc, events, i, "name").and_then(|(v, _, _)| match &events[v].0 {
                        Event::Scalar(value, ..) => Some(value.to_string()),
                        _ => None,
                    });
                if named.is_some_and(|n| n.eq_ignore_ascii_case(name)) {
                    if let Some((value, key_line, indent)) = entry_value(doc, events, i, key) {
                        return value_shape(
                            doc,
                            &events[value..],
                            key,
                            (key_line, indent),
                            name_key,
                        );
                    }
                    let start = doc.byte(span.start.index());
                    if doc.text[start..].starts_with('{') {
                        return Err(EditError::FlowCostCenter(name.to_string()));
                    }
                    // Its last line: where its last scalar ends (the end events of block
                    // nodes sit at the next token).
                    let closes_flow = |span: &Span| {
                        doc.text[doc.byte(span.start.index())..].starts_with([']', '}'])
                    };
                    let last_end = events[i..end]
                        .iter()
                        .filter(|(e, span)| match e {
                            Event::Scalar(..) => true,
                            Event::SequenceEnd | Event::MappingEnd => closes_flow(span),
                            _ => false,
                        })
                        .map(|(_, span)| doc.span_end(span).max(doc.byte(span.start.index()) + 1))
                        .max()
                        .unwrap_or(start);
                    let last = doc.line_of(last_end.saturating_sub(1).max(start));
                    let (_, after) = doc.line_range(last);
                    return Ok(Shape::AbsentIn {
                        at: after,
                        indent: start - doc.line_starts[doc.line_of(start)],
                    });
                }
                i = end + 1;
            }
            _ => i = node_end(events, i) + 1,
        }
    }
    Err(missing())
}

/// The shape of the value whose events start at `events[0]`.
fn value_shape(
    doc: &Doc<'_>,
    events: &[(Event<'_>, Span)],
    key: &str,
    (key_line, indent): (usize, usize),
    name_key: &str,
) -> Result<Shape, EditError> {
    let not_a_list = || EditError::NotAList {
        key: key.to_string(),
    };
    let Some((first, span)) = events.first() else {
        return Ok(Shape::Empty { key_line, indent });
    };
    match first {
        Event::Scalar(value, ..) if matches!(value.as_ref(), "" | "~" | "null") => {
            Ok(Shape::Empty { key_line, indent })
        }
        Event::SequenceStart(..) => {
            let open = doc.byte(span.start.index());
            let flow = doc.text[open..].starts_with('[');
            let mut items = Vec::new();
            let mut j = 1;
            let mut close = open;
            while j < events.len() {
                let (event, item_span) = &events[j];
                match event {
                    Event::SequenceEnd => {
                        close = doc.byte(item_span.start.index());
                        break;
                    }
                    Event::Scalar(value, ..) => {
                        let start = doc.byte(item_span.start.index());
                        let end = doc.span_end(item_span);
                        items.push(Item {
                            name: value.to_string(),
                            start,
                            end,
                            first_line: doc.line_of(start),
                            last_line: doc.line_of(end.saturating_sub(1).max(start)),
                            mapping: false,
                            expires: None,
                            note: None,
                            key_column: 0,
                        });
                    }
                    Event::MappingStart(..) => {
                        let (item, end_index) =
                            mapping_item(doc, events, j, name_key).ok_or_else(not_a_list)?;
                        items.push(item);
                        j = end_index;
                    }
                    _ => return Err(not_a_list()),
                }
                j += 1;
            }
            if flow {
                Ok(Shape::Flow { open, close, items })
            } else {
                Ok(Shape::Block(items))
            }
        }
        _ => Err(not_a_list()),
    }
}

/// A list entry that is a mapping (`- login: bob` with `expires:` and `note:`), from its
/// `MappingStart` at `events[at]`: the item, and the index of its `MappingEnd`. `None`
/// when a value is not a scalar (not an entry this editor can change).
fn mapping_item(
    doc: &Doc<'_>,
    events: &[(Event<'_>, Span)],
    at: usize,
    name_key: &str,
) -> Option<(Item, usize)> {
    let start = doc.byte(events[at].1.start.index());
    let mut item = Item {
        name: String::new(),
        start,
        end: start,
        first_line: doc.line_of(start),
        last_line: doc.line_of(start),
        mapping: true,
        expires: None,
        note: None,
        key_column: start - doc.line_starts[doc.line_of(start)],
    };
    let mut current_key: Option<String> = None;
    let mut j = at + 1;
    while j < events.len() {
        let (event, inner) = &events[j];
        match event {
            Event::MappingEnd => {
                if doc.text[start..].starts_with('{') {
                    item.end = doc.byte(inner.end.index());
                }
                break;
            }
            Event::Scalar(value, ..) => {
                let s = doc.byte(inner.start.index());
                let e = doc.span_end(inner);
                if item.start == start && current_key.is_none() && s < start {
                    item.start = s;
                }
                item.end = item.end.max(e);
                item.last_line = doc.line_of(e.saturating_sub(1).max(s));
                match current_key.take() {
                    None => current_key = Some(value.to_string()),
                    Some(k) if k == name_key => item.name = value.to_string(),
                    Some(k) if k == "expires" => item.expires = Some((s, e)),
                    Some(k) if k == "note" => item.note = Some((s, e)),
                    Some(_) => {}
                }
            }
            _ => return None,
        }
        j += 1;
    }
    if !doc.text[start..].starts_with('{') {
        item.last_line = doc.line_of(item.end.saturating_sub(1).max(start));
    }
    Some((item, j))
}

/// A scalar as YAML writes it: plain when that reads back as the same string, else quoted.
fn scalar(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~ ".contains(c))
        && !text.ends_with(' ')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.contains(['\n', '\t', ',', '[', ']', '{', '}'])
        && yaml_serde::from_str::<yaml_serde::Value>(text)
            .is_ok_and(|v| v == yaml_serde::Value::String(text.to_string()));
    if plain_safe {
        text.to_string()
    } else {
        let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{}\"", escaped.replace('\n', "\\n").replace('\t', "\\t"))
    }
}

/// Whether the names are in order, case-insensitively.
fn sorted(items: &[Item]) -> bool {
    items
        .windows(2)
        .all(|w| w[0].name.to_ascii_lowercase() <= w[1].name.to_ascii_lowercase())
}

/// Where a new name goes among `items`: before the first greater one when the list is
/// sorted, else at the end.
fn position(items: &[Item], name: &str) -> usize {
    if !sorted(items) {
        return items.len();
    }
    let key = name.to_ascii_lowercase();
    items
        .iter()
        .position(|item| item.name.to_ascii_lowercase() > key)
        .unwrap_or(items.len())
}

/// Text replacements, applied from the end so that offsets stay valid.
#[derive(Default)]
struct Patch {
    edits: Vec<(usize, usize, String)>,
}

impl Patch {
    fn replace(&mut self, start: usize, end: usize, with: String) {
        self.edits.push((start, end, with));
    }

    fn apply(mut self, text: &str) -> String {
        self.edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        let mut out = text.to_string();
        for (start, end, with) in self.edits {
            out.replace_range(start..end, &with);
        }
        out
    }
}

/// The flow form of an entry: `name`, or `{login: name, expires: …, note: …}`.
fn flow_entry(entry: &NewEntry, name_key: &str) -> String {
    if entry.expires.is_none() && entry.note.is_none() {
        return scalar(&entry.name);
    }
    let mut parts = vec![format!("{name_key}: {}", scalar(&entry.name))];
    if let Some(expires) = &entry.expires {
        parts.push(format!("expires: {expires}"));
    }
    if let Some(note) = &entry.note {
        parts.push(format!("note: {}", scalar(note)));
    }
    format!("{{{}}}", parts.join(", "))
}

/// The block lines of an entry after `dash` (`  - `), each ending in a line break.
fn block_entry(entry: &NewEntry, name_key: &str, dash: &str) -> String {
    if entry.expires.is_none() && entry.note.is_none() {
        return format!("{dash}{}\n", scalar(&entry.name));
    }
    let indent = " ".repeat(dash.chars().count());
    let mut out = format!("{dash}{name_key}: {}\n", scalar(&entry.name));
    if let Some(expires) = &entry.expires {
        out.push_str(&format!("{indent}expires: {expires}\n"));
    }
    if let Some(note) = &entry.note {
        out.push_str(&format!("{indent}note: {}\n", scalar(note)));
    }
    out
}

/// Adds `entries` to the list `key` (or gives existing ones the new `expires`/`note`).
pub fn add(
    text: &str,
    key: &str,
    name_key: &str,
    entries: &[NewEntry],
) -> Result<String, EditError> {
    add_at(text, ListAt::Top(key), name_key, entries)
}

/// `add`, to the list `at`.
pub fn add_at(
    text: &str,
    at: ListAt<'_>,
    name_key: &str,
    entries: &[NewEntry],
) -> Result<String, EditError> {
    with_line_endings(text, |text| {
        let mut text = text.to_string();
        // One entry at a time: each sees the positions the previous one left.
        for entry in entries {
            text = add_one(&text, at, name_key, entry)?;
        }
        Ok(text)
    })
}

fn add_one(
    text: &str,
    at: ListAt<'_>,
    name_key: &str,
    entry: &NewEntry,
) -> Result<String, EditError> {
    let doc = Doc::new(text);
    let mut patch = Patch::default();
    let wanted = entry.name.to_ascii_lowercase();
    let key = at.key();
    match shape(&doc, at, name_key)? {
        Shape::AbsentIn { at, indent } => {
            let pad = " ".repeat(indent);
            let dash = format!("{pad}  - ");
            let mut lines = format!("{pad}{key}:\n{}", block_entry(entry, name_key, &dash));
            if at == text.len() && !text.ends_with('\n') {
                lines = format!("\n{}", lines.trim_end_matches('\n'));
            }
            patch.replace(at, at, lines);
        }
        Shape::Absent => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{key}:\n{}", block_entry(entry, name_key, "  - ")));
            return Ok(out);
        }
        Shape::Empty { key_line, indent } => {
            let (_, end) = doc.line_range(key_line);
            let dash = format!("{}  - ", " ".repeat(indent));
            let mut lines = block_entry(entry, name_key, &dash);
            let at_end_without_break = end == text.len() && !text.ends_with('\n');
            if at_end_without_break {
                lines = format!("\n{}", lines.trim_end_matches('\n'));
            }
            patch.replace(end, end, lines);
        }
        Shape::Block(items) => {
            if let Some(item) = items.iter().find(|i| i.name.to_ascii_lowercase() == wanted) {
                update_block(&doc, &mut patch, item, entry, name_key);
            } else if items.is_empty() {
                return Err(EditError::NotAList {
                    key: key.to_string(),
                });
            } else {
                let first = &items[0];
                let (line_start, _) = doc.line_range(first.first_line);
                let dash = &text[line_start..first.start];
                let at = position(&items, &entry.name);
                let lines = block_entry(entry, name_key, dash);
                if at < items.len() {
                    let (start, _) = doc.line_range(items[at].first_line);
                    patch.replace(start, start, lines);
                } else {
                    let (_, end) = doc.line_range(items[items.len() - 1].last_line);
                    if end == text.len() && !text.ends_with('\n') {
                        patch.replace(end, end, format!("\n{}", lines.trim_end_matches('\n')));
                    } else {
                        patch.replace(end, end, lines);
                    }
                }
            }
        }
        Shape::Flow { open, close, items } => {
            if let Some(item) = items.iter().find(|i| i.name.to_ascii_lowercase() == wanted) {
                let merged = NewEntry {
                    name: item.name.clone(),
                    expires: entry
                        .expires
                        .clone()
                        .or_else(|| item.expires.map(|(s, e)| text[s..e].to_string())),
                    note: entry
                        .note
                        .clone()
                        .or_else(|| item.note.map(|(s, e)| unquote(&text[s..e]))),
                };
                patch.replace(item.start, item.end, flow_entry(&merged, name_key));
            } else {
                let new = flow_entry(entry, name_key);
                let at = position(&items, &entry.name);
                if items.is_empty() {
                    patch.replace(open + 1, close, new);
                } else if at < items.len() {
                    patch.replace(items[at].start, items[at].start, format!("{new}, "));
                } else {
                    let end = items[items.len() - 1].end;
                    patch.replace(end, end, format!(", {new}"));
                }
            }
        }
    }
    Ok(patch.apply(text))
}

/// A quoted scalar's text, for re-writing it.
fn unquote(text: &str) -> String {
    yaml_serde::from_str::<String>(text).unwrap_or_else(|_| text.to_string())
}

/// New `expires`/`note` for an existing block entry: a bare one becomes a mapping.
fn update_block(doc: &Doc<'_>, patch: &mut Patch, item: &Item, entry: &NewEntry, name_key: &str) {
    if entry.expires.is_none() && entry.note.is_none() {
        return;
    }
    let (_, line_end) = doc.line_range(item.last_line);
    let after_last = if line_end == doc.text.len() && !doc.text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    if !item.mapping {
        let column = item.start - doc.line_starts[item.first_line];
        let indent = " ".repeat(column);
        patch.replace(
            item.start,
            item.end,
            format!("{name_key}: {}", &doc.text[item.start..item.end]),
        );
        let mut lines = String::from(after_last);
        if let Some(expires) = &entry.expires {
            lines.push_str(&format!("{indent}expires: {expires}\n"));
        }
        if let Some(note) = &entry.note {
            lines.push_str(&format!("{indent}note: {}\n", scalar(note)));
        }
        if !after_last.is_empty() {
            lines = lines.trim_end_matches('\n').to_string();
        }
        patch.replace(line_end, line_end, lines);
        return;
    }
    let indent = " ".repeat(item.key_column);
    let mut lines = String::from(after_last);
    for (value, range, key) in [
        (entry.expires.clone(), item.expires, "expires"),
        (entry.note.as_deref().map(scalar), item.note, "note"),
    ] {
        match (value, range) {
            (Some(value), Some((s, e))) => patch.replace(s, e, value),
            (Some(value), None) => lines.push_str(&format!("{indent}{key}: {value}\n")),
            (None, _) => {}
        }
    }
    if !after_last.is_empty() {
        lines = lines.trim_end_matches('\n').to_string();
    }
    if lines != after_last {
        patch.replace(line_end, line_end, lines);
    }
}

/// Removes the entries named `names` from the list `key`, all their lines.
pub fn remove(
    text: &str,
    key: &str,
    name_key: &str,
    names: &[String],
) -> Result<String, EditError> {
    remove_at(text, ListAt::Top(key), name_key, names)
}

/// `remove`, from the list `at`.
pub fn remove_at(
    text: &str,
    at: ListAt<'_>,
    name_key: &str,
    names: &[String],
) -> Result<String, EditError> {
    let key = at.key();
    with_line_endings(text, |text| {
        let doc = Doc::new(text);
        let (items, flow) = match shape(&doc, at, name_key)? {
            Shape::Block(items) => (items, false),
            Shape::Flow { items, .. } => (items, true),
            Shape::Absent | Shape::AbsentIn { .. } | Shape::Empty { .. } => (Vec::new(), false),
        };
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !items.iter().any(|i| i.name.eq_ignore_ascii_case(n)))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(EditError::NotFound {
                key: key.to_string(),
                names: missing,
            });
        }
        let mut patch = Patch::default();
        let gone: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, i)| names.iter().any(|n| i.name.eq_ignore_ascii_case(n)))
            .map(|(index, _)| index)
            .collect();
        if flow {
            remove_flow(&items, &gone, &mut patch);
        } else {
            for &index in &gone {
                let item = &items[index];
                let (start, _) = doc.line_range(item.first_line);
                let (_, end) = doc.line_range(item.last_line);
                // The last line of a file without a final line break: take the break before.
                if end == text.len() && !text.ends_with('\n') && start > 0 {
                    patch.replace(start - 1, end, String::new());
                } else {
                    patch.replace(start, end, String::new());
                }
            }
        }
        Ok(patch.apply(text))
    })
}

/// Removes flow items with their separators: an item and the separator after it; the
/// items that end the list (all removed) together with the separator before them.
fn remove_flow(items: &[Item], gone: &[usize], patch: &mut Patch) {
    let Some(&last) = gone.last() else {
        return;
    };
    // The removed items that end the list: `first_of_tail..items.len()`.
    let mut first_of_tail = items.len();
    if last + 1 == items.len() {
        first_of_tail = last;
        while first_of_tail > 0 && gone.contains(&(first_of_tail - 1)) {
            first_of_tail -= 1;
        }
        let start = match first_of_tail {
            0 => items[0].start,
            k => items[k - 1].end,
        };
        patch.replace(start, items[items.len() - 1].end, String::new());
    }
    for &index in gone.iter().filter(|&&i| i < first_of_tail) {
        patch.replace(items[index].start, items[index + 1].start, String::new());
    }
}

/// Runs `edit` on the text with `\n` line breaks, then restores `\r\n` if the file used it.
fn with_line_endings(
    text: &str,
    edit: impl FnOnce(&str) -> Result<String, EditError>,
) -> Result<String, EditError> {
    // A byte order mark (Windows editors write one) is kept, and edited around.
    if let Some(rest) = text.strip_prefix(crate::config::BOM) {
        return Ok(format!(
            "{}{}",
            crate::config::BOM,
            with_line_endings(rest, edit)?
        ));
    }
    if !text.contains("\r\n") {
        return edit(text);
    }
    let edited = edit(&text.replace("\r\n", "\n"))?;
    Ok(edited.replace('\n', "\r\n"))
}

/// Which list of the file an edit works on.
pub struct List {
    pub key: &'static str,
    pub name_key: &'static str,
    pub what: &'static str,
    pub valid: fn(&str) -> Result<(), String>,
}

impl List {
    pub fn of(kind: TargetKind, team: bool) -> List {
        match (team, kind) {
            (false, _) => List {
                key: "users",
                name_key: "login",
                what: "login",
                valid: is_valid_login,
            },
            (true, TargetKind::Org) => List {
                key: "teams",
                name_key: "slug",
                what: "team slug",
                valid: is_valid_slug,
            },
            (true, TargetKind::Enterprise) => List {
                key: "enterprise_teams",
                name_key: "slug",
                what: "enterprise team slug",
                valid: is_valid_enterprise_team,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> NewEntry {
        NewEntry {
            name: name.into(),
            ..NewEntry::default()
        }
    }

    fn add_users(text: &str, names: &[&str]) -> String {
        let entries: Vec<NewEntry> = names.iter().map(|n| entry(n)).collect();
        add(text, "users", "login", &entries).expect("added")
    }

    fn remove_users(text: &str, names: &[&str]) -> String {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        remove(text, "users", "login", &names).expect("removed")
    }

    const COMMENTED: &str = "# Seats of acme.\norg: acme   # the org\n\nusers:\n  # engineers\n  - alice   # lead\n  - login: bob\n    expires: 2026-12-31\n    note: \"trial: INC-1, ok\"\n  - dave\n\nteams: [platform]\n";

    #[test]
    fn a_sorted_block_list_gets_the_entry_in_place_and_nothing_else_changes() {
        let added = add_users(COMMENTED, &["carol"]);
        assert_eq!(
            added,
            COMMENTED.replace("  - dave\n", "  - carol\n  - dave\n")
        );
        assert_eq!(remove_users(&added, &["carol"]), COMMENTED, "round trip");
        let last = add_users(COMMENTED, &["zed"]);
        assert_eq!(last, COMMENTED.replace("  - dave\n", "  - dave\n  - zed\n"));
    }

    #[test]
    fn removing_takes_the_entry_with_its_own_comment_and_all_its_lines() {
        assert_eq!(
            remove_users(COMMENTED, &["alice"]),
            COMMENTED.replace("  - alice   # lead\n", "")
        );
        assert_eq!(
            remove_users(COMMENTED, &["BOB"]),
            COMMENTED.replace(
                "  - login: bob\n    expires: 2026-12-31\n    note: \"trial: INC-1, ok\"\n",
                ""
            )
        );
        let error = remove(COMMENTED, "users", "login", &["nobody".into()]).expect_err("missing");
        assert_eq!(
            error.to_string(),
            "`nobody` not in `users`: nothing was changed"
        );
    }

    #[test]
    fn flow_lists_keep_their_form() {
        let text = "org: acme\nusers: [alice, bob, dave]\n";
        let added = add_users(text, &["carol"]);
        assert_eq!(added, "org: acme\nusers: [alice, bob, carol, dave]\n");
        assert_eq!(remove_users(&added, &["carol"]), text);
        assert_eq!(
            add_users(text, &["eve"]),
            "org: acme\nusers: [alice, bob, dave, eve]\n"
        );
        assert_eq!(
            remove_users(text, &["dave"]),
            "org: acme\nusers: [alice, bob]\n"
        );
        assert_eq!(
            remove_users(text, &["alice"]),
            "org: acme\nusers: [bob, dave]\n"
        );
        assert_eq!(
            remove_users(text, &["bob", "dave"]),
            "org: acme\nusers: [alice]\n"
        );
        assert_eq!(
            remove_users(text, &["alice", "bob", "dave"]),
            "org: acme\nusers: []\n"
        );
        let empty = "org: acme\nusers: []\n";
        assert_eq!(add_users(empty, &["bob"]), "org: acme\nusers: [bob]\n");
        let with = add(
            text,
            "users",
            "login",
            &[NewEntry {
                name: "bob".into(),
                expires: Some("2027-01-31".into()),
                note: Some("trial, INC-9".into()),
            }],
        )
        .expect("updated");
        assert_eq!(
            with,
            "org: acme\nusers: [alice, {login: bob, expires: 2027-01-31, note: \"trial, INC-9\"}, dave]\n"
        );
    }

    #[test]
    fn an_unsorted_list_gets_the_entry_at_its_end() {
        let text = "org: acme\nusers:\n  - zed\n  - amy\n";
        assert_eq!(
            add_users(text, &["bob"]),
            "org: acme\nusers:\n  - zed\n  - amy\n  - bob\n"
        );
    }

    #[test]
    fn crlf_a_missing_final_break_and_empty_or_absent_lists() {
        let crlf = "org: acme\r\nusers:\r\n  - alice\r\n  - carol\r\n";
        let added = add_users(crlf, &["bob"]);
        assert_eq!(
            added,
            "org: acme\r\nusers:\r\n  - alice\r\n  - bob\r\n  - carol\r\n"
        );
        assert_eq!(remove_users(&added, &["bob"]), crlf);
        let unterminated = "org: acme\nusers:\n  - alice";
        let added = add_users(unterminated, &["bob"]);
        assert_eq!(added, "org: acme\nusers:\n  - alice\n  - bob");
        assert_eq!(remove_users(&added, &["bob"]), unterminated);
        let empty = "org: acme\nusers:\nteams: [x]\n";
        let added = add_users(empty, &["bob"]);
        assert_eq!(added, "org: acme\nusers:\n  - bob\nteams: [x]\n");
        assert_eq!(remove_users(&added, &["bob"]), empty);
        assert_eq!(
            add_users("org: acme\n", &["bob"]),
            "org: acme\nusers:\n  - bob\n"
        );
    }

    #[test]
    fn an_existing_entry_gets_new_values_and_a_bare_one_becomes_a_mapping() {
        let set = |text: &str, expires: Option<&str>, note: Option<&str>| {
            add(
                text,
                "users",
                "login",
                &[NewEntry {
                    name: "alice".into(),
                    expires: expires.map(str::to_string),
                    note: note.map(str::to_string),
                }],
            )
            .expect("updated")
        };
        assert_eq!(
            set(COMMENTED, Some("2027-03-31"), None),
            COMMENTED.replace(
                "  - alice   # lead\n",
                "  - login: alice   # lead\n    expires: 2027-03-31\n"
            )
        );
        let bob = add(
            COMMENTED,
            "users",
            "login",
            &[NewEntry {
                name: "bob".into(),
                expires: Some("2027-06-30".into()),
                note: Some("renewed".into()),
            }],
        )
        .expect("updated");
        assert_eq!(
            bob,
            COMMENTED
                .replace("expires: 2026-12-31", "expires: 2027-06-30")
                .replace("note: \"trial: INC-1, ok\"", "note: renewed")
        );
    }

    #[test]
    fn scalars_are_quoted_only_when_they_must_be() {
        assert_eq!(scalar("trial"), "trial");
        assert_eq!(scalar("trial: INC-1"), "\"trial: INC-1\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("yes"), "yes", "YAML 1.2, as validate reads it");
        assert_eq!(scalar("1234"), "\"1234\"");
        assert_eq!(scalar("# x"), "\"# x\"");
        assert_eq!(
            scalar("say \"hi\""),
            "say \"hi\"",
            "inner quotes read back as they are"
        );
        assert_eq!(scalar("\"hi\" there"), "\"\\\"hi\\\" there\"");
    }
}
