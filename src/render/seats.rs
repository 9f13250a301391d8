//! `seats`: rows of live seats as an aligned table, CSV or JSON.

use crate::inventory::SeatRow;

const HEADERS: [&str; 6] = [
    "LOGIN",
    "SOURCE",
    "PENDING CANCELLATION",
    "LAST ACTIVITY",
    "DAYS INACTIVE",
    "EDITOR",
];

/// An aligned table, then a line counting the seats by source.
pub fn table(rows: &[SeatRow]) -> String {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            [
                row.login.clone(),
                match (&row.team, row.grants.is_empty()) {
                    (_, false) => row.grants.join(" "),
                    (Some(team), true) => format!("team:{team}"),
                    (None, true) => row.source.to_string(),
                },
                row.pending_cancellation_date
                    .clone()
                    .unwrap_or_else(|| "-".into()),
                row.last_activity_at
                    .as_deref()
                    .map_or_else(|| "never".into(), |at| at.chars().take(10).collect()),
                row.days_inactive
                    .map_or_else(|| "?".into(), |d| d.to_string()),
                row.last_activity_editor
                    .clone()
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&HEADERS.map(String::from));
    for row in &cells {
        out.push_str(&line(row));
    }
    let count = |f: fn(&SeatRow) -> bool| rows.iter().filter(|r| f(r)).count();
    let through_orgs = match count(|r| r.source == "org") {
        0 => String::new(),
        n => format!(", {n} only through orgs"),
    };
    out.push_str(&format!(
        "\n{} seat(s): {} direct, {} through teams{through_orgs}, {} pending cancellation\n",
        rows.len(),
        count(|r| r.source == "direct"),
        count(|r| r.team.is_some()),
        count(|r| r.pending_cancellation_date.is_some()),
    ));
    out
}

/// RFC 4180 CSV with a header line; empty fields for missing values.
pub fn csv(rows: &[SeatRow]) -> String {
    let mut out = String::from(
        "login,source,team,pending_cancellation_date,last_activity_at,days_inactive,last_activity_editor,created_at\n",
    );
    for row in rows {
        let fields = [
            row.login.clone(),
            row.source.to_string(),
            row.team.clone().unwrap_or_default(),
            row.pending_cancellation_date.clone().unwrap_or_default(),
            row.last_activity_at.clone().unwrap_or_default(),
            row.days_inactive.map(|d| d.to_string()).unwrap_or_default(),
            row.last_activity_editor.clone().unwrap_or_default(),
            row.created_at.clone(),
        ];
        let fields: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// A JSON array of rows.
pub fn json(rows: &[SeatRow]) -> String {
    // Rows hold only strings and numbers: serialising them cannot fail.
    let mut json = serde_json::to_string_pretty(rows).unwrap_or_default();
    json.push('\n');
    json
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(login: &str, team: Option<&str>, editor: Option<&str>) -> SeatRow {
        SeatRow {
            login: login.into(),
            source: if team.is_some() { "team" } else { "direct" },
            team: team.map(str::to_string),
            grants: Vec::new(),
            pending_cancellation_date: None,
            last_activity_at: editor.map(|_| "2026-11-20T10:00:00Z".to_string()),
            days_inactive: Some(5),
            last_activity_editor: editor.map(str::to_string),
            created_at: "2025-01-15T10:00:00Z".into(),
        }
    }

    #[test]
    fn table_aligns_columns_and_counts() {
        let text = table(&[
            row("alice", None, Some("vscode/1.105.0")),
            row("bo", Some("web"), None),
        ]);
        assert_eq!(
            text,
            "LOGIN  SOURCE    PENDING CANCELLATION  LAST ACTIVITY  DAYS INACTIVE  EDITOR\n\
             alice  direct    -                     2026-11-20     5              vscode/1.105.0\n\
             bo     team:web  -                     never          5              -\n\
             \n2 seat(s): 1 direct, 1 through teams, 0 pending cancellation\n"
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let text = csv(&[row("alice", None, Some("vim, \"neo\""))]);
        assert_eq!(
            text.lines().nth(1),
            Some("alice,direct,,,2026-11-20T10:00:00Z,5,\"vim, \"\"neo\"\"\",2025-01-15T10:00:00Z")
        );
    }
}
