//! The only place output is shaped: plans and apply reports as text or JSON, the
//! exported file as YAML, seat listings, the billing status and usage reports. Every function here is `X -> String`; callers print.

pub mod change;
pub mod json;
pub mod markdown;
pub mod reclaim;
pub mod seats;
pub mod status;
pub mod text;
pub mod usage;
pub mod yaml;

/// Rows as columns padded to their widest cell, two spaces apart; the columns whose index
/// is in `right` are aligned right (numbers).
pub(crate) fn columns<R: AsRef<[String]>>(rows: &[R], right: &[usize]) -> String {
    let count = rows.first().map_or(0, |r| r.as_ref().len());
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            rows.iter()
                .map(|r| r.as_ref().get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .as_ref()
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, width))| {
                if right.contains(&i) {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Snapshots of the plan renderers for a few representative plans: a plan's wording is
/// part of what users read in every pull request.
#[cfg(test)]
mod snapshots {
    use crate::model::{LiveState, Login, TeamInfo};
    use crate::plan::{FORMAT_VERSION, Lookups, Plan, PlanMeta, TeamLookup, plan};
    use time::macros::date;

    fn live(spec: &str) -> LiveState {
        LiveState::from_spec(spec)
    }

    fn make(file: &str, seats: &str, teams: &[(&str, &str)]) -> Plan {
        let desired = crate::config::parse("copilot-seats.yaml", &format!("org: acme\n{file}"))
            .expect("valid test file");
        let live = live(seats);
        let today = date!(2026 - 11 - 25);
        let needed = crate::plan::lookups_needed(&desired, &live, today);
        let lookups = Lookups {
            membership: Some(needed.users.into_iter().map(|l| (l, true)).collect()),
            teams: needed
                .teams
                .into_iter()
                .map(|slug| {
                    let found = teams.iter().find(|(s, _)| *s == slug.as_str());
                    let lookup = found.map_or(TeamLookup::Missing, |(s, members)| {
                        TeamLookup::Found(TeamInfo {
                            name: s.to_uppercase(),
                            members: members.split_whitespace().map(Login::new).collect(),
                        })
                    });
                    (slug, lookup)
                })
                .collect(),
            plan_type: Some("business".into()),
        };
        let meta = PlanMeta {
            format_version: FORMAT_VERSION,
            tool_version: "0.1.0".into(),
            org: "acme".into(),
            enterprise: None,
            generated_at: "2026-11-25T12:00:00Z".into(),
            file_digest: "sha256:f".into(),
            live_state_digest: Some("sha256:l".into()),
            live_state_digests: Default::default(),
            file: None,
        };
        plan(&desired, &live, &lookups, today, meta).expect("a plan")
    }

    /// Every kind of change, a warning, an expiry soon and a reclaim suggestion.
    fn mixed() -> Plan {
        make(
            "users:\n  - alice\n  - oscar\n  - quinn\n  - login: trent\n    expires: 2026-10-31\n  - login: uma\n    expires: 2026-12-01\n    note: trial\n  - nick\nteams: [platform]\nreclaim: {inactive_after_days: 90}",
            "alice oscar! quinn? trent uma erin@design mallory",
            &[("platform", "walter xavier")],
        )
    }

    fn blocked() -> Plan {
        make(
            "users: [alice]\nlimits: {max_removals: 1}",
            "alice b1 b2 b3",
            &[],
        )
    }

    fn unchanged() -> Plan {
        make(
            "users: [alice, walter]\nteams: [platform]",
            "alice walter",
            &[("platform", "walter")],
        )
    }

    #[test]
    fn text_plans() {
        insta::assert_snapshot!("text_mixed", super::text::plan(&mixed(), false));
        insta::assert_snapshot!("text_mixed_color", super::text::plan(&mixed(), true));
        insta::assert_snapshot!("text_blocked", super::text::plan(&blocked(), false));
        insta::assert_snapshot!("text_unchanged", super::text::plan(&unchanged(), false));
    }

    #[test]
    fn markdown_plans() {
        insta::assert_snapshot!("markdown_mixed", super::markdown::plan(&mixed()));
        insta::assert_snapshot!("markdown_blocked", super::markdown::plan(&blocked()));
        insta::assert_snapshot!("markdown_unchanged", super::markdown::plan(&unchanged()));
    }

    #[test]
    fn the_summary_is_shortened_only_past_one_mib() {
        let mut huge = mixed();
        for i in 0..60_000 {
            huge.changes.push(
                crate::plan::SeatChange::RemoveUser {
                    login: format!("someone-with-a-long-login-{i:06}"),
                    reason: "not declared".into(),
                    note: None,
                }
                .to_change(),
            );
        }
        let summary = super::markdown::summary(&huge);
        assert!(summary.len() <= super::markdown::MAX_SUMMARY_BYTES);
        assert!(
            summary.contains("fit GitHub's 1 MiB job-summary limit"),
            "says so"
        );
        let comment = super::markdown::plan(&huge);
        assert!(comment.chars().count() <= super::markdown::MAX_CHARS);
        assert!(comment.contains("the job summary and `plan --format json` hold the whole plan"));
    }
}
