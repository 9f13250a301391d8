//! A second kind registered only here, to prove the kinds interface (SPEC 13): `widgets`,
//! a stub resource of the fake GitHub, planned with a PATCH and a create-then-use
//! placeholder. The kind is registered in this process, so the program runs in-process
//! (`copilot_seats::run`), in a test binary of its own: it sets the token in its
//! environment, which no other test may see.

#[allow(dead_code, unused_imports)]
mod support;

use copilot_seats::config::FileError;
use copilot_seats::kinds::{
    self, FileSections, Item, Kind, KindInput, Line, Section, SectionKind, Sign,
};
use copilot_seats::model::TargetKind;
use copilot_seats::plan::{Change, Method, Plan, PlanMeta, Request};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::{FakeGitHub, Fault, State, TOKEN, Workspace};

struct Widgets;

static WIDGETS: Widgets = Widgets;

#[derive(Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum WidgetChange {
    Create {
        name: String,
        size: u64,
    },
    Resize {
        name: String,
        before: u64,
        after: u64,
    },
}

#[derive(Deserialize)]
struct Listed {
    widgets: Vec<Live>,
}

#[derive(Deserialize)]
struct Live {
    id: u64,
    name: String,
    size: u64,
}

/// The file's `widgets:`: `[{name, size}]`, checked by `check`.
fn declared(root: &yaml_serde::Mapping) -> Vec<(String, u64)> {
    let Some(yaml_serde::Value::Sequence(items)) = root.get("widgets") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            Some((
                item.get("name")?.as_str()?.to_string(),
                item.get("size")?.as_u64()?,
            ))
        })
        .collect()
}

/// The pure planning of widgets: create (POST, then PATCH through its placeholder) or
/// resize (PATCH by id).
fn plan_widgets(org: &str, declared: &[(String, u64)], live: &[Live]) -> Section {
    let mut section = Section {
        digest: format!(
            "widgets:{}",
            live.iter()
                .map(|w| format!("{}={}={}", w.id, w.name, w.size))
                .collect::<Vec<_>>()
                .join(",")
        ),
        ..Section::default()
    };
    let request = |method, path: String, body: Value, creates: Option<String>| Request {
        kind: None,
        method,
        path,
        body,
        creates,
    };
    for (name, size) in declared {
        match live.iter().find(|w| w.name == *name) {
            Some(w) if w.size == *size => {}
            Some(w) => {
                section.changes.push(Change::of(&WidgetChange::Resize {
                    name: name.clone(),
                    before: w.size,
                    after: *size,
                }));
                section.requests.push(request(
                    Method::Patch,
                    format!("/orgs/{org}/widgets/{}", w.id),
                    json!({"size": size}),
                    None,
                ));
            }
            None => {
                let placeholder = format!("{{widget:{name}}}");
                section.changes.push(Change::of(&WidgetChange::Create {
                    name: name.clone(),
                    size: *size,
                }));
                section.requests.push(request(
                    Method::Post,
                    format!("/orgs/{org}/widgets"),
                    json!({"name": name}),
                    Some(placeholder.clone()),
                ));
                section.requests.push(request(
                    Method::Patch,
                    format!("/orgs/{org}/widgets/{placeholder}"),
                    json!({"size": size}),
                    None,
                ));
            }
        }
    }
    section
}

impl Kind for Widgets {
    fn name(&self) -> &'static str {
        "widgets"
    }

    fn title(&self) -> &'static str {
        "widgets"
    }

    fn check_request(&self, meta: &PlanMeta, request: &Request) -> Result<(), String> {
        let base = format!("/orgs/{}/widgets", meta.org);
        match request.method {
            Method::Post if request.path == base => Ok(()),
            Method::Patch if request.path.starts_with(&format!("{base}/")) => Ok(()),
            _ => Err(format!("not a widget request: `{}`", request.path)),
        }
    }

    fn line(&self, change: &Change) -> Line {
        let (sign, subject, before_after, group) = match change.decode::<WidgetChange>() {
            Some(WidgetChange::Create { name, size }) => (
                Sign::Add,
                name,
                Some(("none".into(), size.to_string())),
                "Widgets made",
            ),
            Some(WidgetChange::Resize {
                name,
                before,
                after,
            }) => (
                Sign::Update,
                name,
                Some((before.to_string(), after.to_string())),
                "Widgets resized",
            ),
            None => (Sign::Update, String::new(), None, "Widgets"),
        };
        Line {
            sign,
            group: group.into(),
            noun: "widget".into(),
            subject,
            label: None,
            change: before_after,
            reason: "declared".into(),
            note: None,
            details: Vec::new(),
        }
    }

    fn items(&self, request: &Request, _changes: &[Change]) -> Vec<Item> {
        let (action, name) = match request.method {
            Method::Post => ("create widget", request.body["name"].as_str().unwrap_or("")),
            _ => (
                "resize widget",
                request.path.rsplit('/').next().unwrap_or(""),
            ),
        };
        vec![Item {
            action: action.into(),
            name: name.into(),
            key: name.into(),
        }]
    }

    fn permission_hint(&self, _request: &Request, status: u16) -> Option<String> {
        (status == 403).then(|| "the token needs the widgets permission".to_string())
    }
}

impl SectionKind for Widgets {
    fn keys(&self, target: TargetKind) -> &'static [&'static str] {
        match target {
            TargetKind::Org => &["widgets"],
            TargetKind::Enterprise => &[],
        }
    }

    fn check(&self, file: &FileSections<'_>, errors: &mut Vec<FileError>) {
        let Some(yaml_serde::Value::Sequence(items)) = file.get("widgets") else {
            errors.push(file.error("widgets", "`widgets` is a list".into()));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            if item
                .get("size")
                .and_then(yaml_serde::Value::as_u64)
                .is_none()
            {
                errors.push(file.error(
                    &format!("widgets[{i}]"),
                    format!("widget {} needs a whole `size`", i + 1),
                ));
            }
        }
    }

    fn plan<'a>(&'a self, input: &'a KindInput<'a>) -> BoxFuture<'a, anyhow::Result<Section>> {
        Box::pin(async move {
            let org = &input.file.desired.org;
            let client = input
                .client
                .ok_or_else(|| anyhow::anyhow!("widgets are read from GitHub"))?;
            let (listed, _) = client
                .get_json::<Listed>(&format!("/orgs/{org}/widgets"))
                .await?;
            Ok(plan_widgets(
                org,
                &declared(&input.file.desired.root),
                &listed.widgets,
            ))
        })
    }
}

/// The token in the environment and the kind registered, once, before either test reads
/// the environment or plans.
fn setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: every test of this binary calls this first, and `call_once` holds the
        // others until it returns: nothing reads the environment meanwhile.
        unsafe { std::env::set_var("COPILOT_SEATS_TOKEN", TOKEN) };
        kinds::register(&WIDGETS);
    });
}

const FILE: &str = "org: acme\nusers: [alice, bob]\nwidgets:\n  - {name: gear, size: 5}\n  - {name: cog, size: 1}\n";

fn fake() -> FakeGitHub {
    let mut state = State::new("acme");
    state.add_members(&["alice", "bob"]);
    state.with_direct_seats(&["alice"]);
    state.widgets.insert(1, ("gear".into(), 2));
    FakeGitHub::start(state)
}

/// Runs copilot-seats in this process, in `ws`, with writes 0 ms apart.
fn run(ws: &Workspace, url: &str, args: &[&str]) -> i32 {
    let file = ws.path("copilot-seats.yaml");
    let mut argv = vec![
        "copilot-seats",
        "--api-url",
        url,
        "--write-interval-ms",
        "0",
        "--today",
        "2026-11-25",
        "-q",
    ];
    argv.extend(args);
    let mut argv: Vec<std::ffi::OsString> = argv.into_iter().map(Into::into).collect();
    argv.extend(["-f".into(), file.into_os_string()]);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(copilot_seats::run(argv))
}

fn writes(fake: &FakeGitHub) -> Vec<(String, String, Value)> {
    fake.state()
        .writes()
        .iter()
        .map(|w| (w.method.clone(), w.path.clone(), w.body.clone()))
        .collect()
}

#[test]
fn a_kind_registered_in_the_tests_plans_renders_and_applies_in_one_plan() {
    setup();

    // The section is checked offline by its kind, with the file's line.
    let bad = Workspace::new("org: acme\nwidgets:\n  - {name: gear}\n");
    let errors = copilot_seats::config::load(&bad.path("copilot-seats.yaml"))
        .expect_err("a widget without a size");
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(errors.0[0].to_string().contains(":3:"), "{errors}");
    assert!(
        errors.0[0].message.contains("needs a whole `size`"),
        "{errors}"
    );
    // A misspelt key of the kind is an unknown key with the kind's key suggested.
    let typo = Workspace::new("org: acme\nwidget: []\n");
    let errors =
        copilot_seats::config::load(&typo.path("copilot-seats.yaml")).expect_err("unknown key");
    assert!(
        errors.to_string().contains("did you mean `widgets`?"),
        "{errors}"
    );

    // Format 2: kind on every change and request, a digest per kind, PATCH, placeholder.
    let fake = fake();
    let ws = Workspace::new(FILE);
    let out = ws.path("plan.json").display().to_string();
    assert_eq!(run(&ws, &fake.url, &["plan", "--out", &out]), 0);
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("plan")).expect("json");
    assert_eq!(saved["format_version"], 2);
    assert!(saved.get("live_state_digest").is_none(), "{saved:#}");
    let digests = saved["live_state_digests"].as_object().expect("digests");
    assert_eq!(
        digests.keys().collect::<Vec<_>>(),
        ["seats", "widgets"],
        "{saved:#}"
    );
    assert_eq!(digests["widgets"], "widgets:1=gear=2");
    assert_eq!(
        saved["changes"],
        json!([
            {"kind": "seats", "action": "add_user", "login": "bob", "reason": "declared"},
            {"kind": "widgets", "action": "resize", "name": "gear", "before": 2, "after": 5},
            {"kind": "widgets", "action": "create", "name": "cog", "size": 1},
        ])
    );
    assert_eq!(
        saved["requests"],
        json!([
            {"kind": "seats", "method": "POST", "path": "/orgs/acme/copilot/billing/selected_users",
             "body": {"selected_usernames": ["bob"]}},
            {"kind": "widgets", "method": "PATCH", "path": "/orgs/acme/widgets/1", "body": {"size": 5}},
            {"kind": "widgets", "method": "POST", "path": "/orgs/acme/widgets", "body": {"name": "cog"},
             "creates": "{widget:cog}"},
            {"kind": "widgets", "method": "PATCH", "path": "/orgs/acme/widgets/{widget:cog}",
             "body": {"size": 1}},
        ])
    );

    // The renderers print the kind's lines like the seats', in a section of their own.
    let plan: Plan = serde_json::from_value(saved.clone()).expect("a plan");
    let text = copilot_seats::render::text::plan(&plan, false);
    assert!(text.starts_with("Plan for acme: 1 seat(s) added"), "{text}");
    assert!(text.contains("\n+ user bob (declared)\n"), "{text}");
    assert!(
        text.contains("\nWidgets: 1 to add, 1 to update.\n"),
        "{text}"
    );
    assert!(
        text.contains("\n~ widget gear: 2 -> 5 (declared)\n"),
        "{text}"
    );
    assert!(
        text.contains("\n+ widget cog: none -> 1 (declared)\n"),
        "{text}"
    );
    assert!(
        text.contains("  PATCH /orgs/acme/widgets/{widget:cog} {\"size\":1}\n"),
        "{text}"
    );
    let markdown = copilot_seats::render::markdown::plan(&plan);
    assert!(
        markdown.contains("### Widgets\n\n1 to add, 1 to update.\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("### Widgets resized (1)\n\n- `gear`: 2 → 5, declared\n"),
        "{markdown}"
    );
    assert!(markdown.contains("live state: seats `"), "{markdown}");

    // A widget changed at GitHub since: the widgets' digest refuses the saved plan.
    fake.state().widgets.insert(1, ("gear".into(), 3));
    assert_eq!(run(&ws, &fake.url, &["apply", "--yes", "--plan", &out]), 1);
    assert!(writes(&fake).is_empty(), "nothing sent for a stale plan");
    // Seats alone changed since: the seats' digest refuses it too.
    fake.state().widgets.insert(1, ("gear".into(), 2));
    fake.state().add_members(&["carol"]);
    fake.state().with_direct_seats(&["carol"]);
    assert_eq!(run(&ws, &fake.url, &["apply", "--yes", "--plan", &out]), 1);
    assert!(writes(&fake).is_empty(), "nothing sent for a stale plan");
    fake.state().selected_users.remove("carol");

    // Applied in plan order, the created id filling the placeholder.
    assert_eq!(run(&ws, &fake.url, &["apply", "--yes", "--plan", &out]), 0);
    assert_eq!(
        writes(&fake),
        [
            (
                "POST".into(),
                "/orgs/acme/copilot/billing/selected_users".into(),
                json!({"selected_usernames": ["bob"]})
            ),
            (
                "PATCH".into(),
                "/orgs/acme/widgets/1".into(),
                json!({"size": 5})
            ),
            (
                "POST".into(),
                "/orgs/acme/widgets".into(),
                json!({"name": "cog"})
            ),
            (
                "PATCH".into(),
                "/orgs/acme/widgets/2".into(),
                json!({"size": 1})
            ),
        ]
    );
    let widgets: BTreeMap<u64, (String, u64)> = fake.state().widgets.clone();
    assert_eq!(
        widgets,
        BTreeMap::from([(1, ("gear".into(), 5)), (2, ("cog".into(), 1))])
    );
    // Converged: planned again, no change of any kind.
    assert_eq!(run(&ws, &fake.url, &["plan", "--detailed-exitcode"]), 0);
}

#[test]
fn a_failing_kind_stops_itself_and_not_the_seats() {
    setup();
    let fake = fake();
    fake.state().faults.push(Fault::status(
        "PATCH",
        "/orgs/acme/widgets/1",
        403,
        r#"{"message": "Resource not accessible by integration"}"#,
    ));
    let ws = Workspace::new(FILE);
    assert_eq!(run(&ws, &fake.url, &["apply", "--yes"]), 1);
    let sent: Vec<(String, String)> = writes(&fake)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    // The seat is written; the widgets stop at their first failure.
    assert_eq!(
        sent,
        [
            (
                "POST".to_string(),
                "/orgs/acme/copilot/billing/selected_users".to_string()
            ),
            ("PATCH".to_string(), "/orgs/acme/widgets/1".to_string()),
        ]
    );
    assert!(fake.state().selected_users.contains("bob"));
}
