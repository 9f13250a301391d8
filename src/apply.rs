//! Runs a plan's requests through the client, one at a time, spaced as GitHub asks, and
//! accounts for every name. A write is never re-sent blindly (SPEC 8):
//! - a 404 naming unknown users or teams: those names are dropped, the rest sent again;
//! - an unclear failure (5xx, timeout, dropped connection, or the 422 for a team-assigned
//!   user, after which earlier names may be cancelled already): the seats are re-read, the
//!   plan is made again, and only what remains *and was in the reviewed plan* is sent;
//! - anything else (401, 403, another 422): stop; nothing more is sent.
//!
//! An `Interrupt` (SIGINT or SIGTERM, as a cancelled CI job sends) stops the run between
//! two writes: the write in flight finishes and is accounted for, no new one is sent.

use crate::github::{Client, GitHubError};
use crate::model::{LiveState, Login};
use crate::plan::{Change, Method, Plan, Request, RequestBody};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// How many times one apply re-reads the seats before it gives up.
const MAX_REPLANS: usize = 3;

/// What a seat write does, by its method and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WriteKind {
    AddUser,
    AddTeam,
    RemoveTeam,
    RemoveUser,
}

impl WriteKind {
    fn of(request: &Request) -> WriteKind {
        match (request.method, request.body.is_users()) {
            (Method::Post, true) => WriteKind::AddUser,
            (Method::Post, false) => WriteKind::AddTeam,
            (Method::Delete, false) => WriteKind::RemoveTeam,
            (Method::Delete, true) => WriteKind::RemoveUser,
        }
    }
}

impl fmt::Display for WriteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteKind::AddUser => "add user",
            WriteKind::AddTeam => "add team",
            WriteKind::RemoveTeam => "remove team",
            WriteKind::RemoveUser => "remove user",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Found in effect when the seats were re-read after an unclear failure.
    AlreadyDone,
    /// GitHub answered 202 (an enterprise team's removal): accepted, finished later; the
    /// next plan shows the truth.
    Accepted,
    Failed(String),
    NotSent(String),
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            Outcome::Done | Outcome::AlreadyDone | Outcome::Accepted
        )
    }
}

/// The outcome of one name of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameOutcome {
    pub kind: WriteKind,
    pub name: String,
    pub outcome: Outcome,
}

/// One request as sent, with GitHub's answer or the error.
#[derive(Clone, Debug)]
pub struct SentRequest {
    pub request: Request,
    pub result: Result<String, String>,
    /// A failure that apply worked around (names dropped and the rest sent again, or the
    /// seats re-read and what remained sent): not the end of the story.
    pub recovered: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ApplyReport {
    pub sent: Vec<SentRequest>,
    /// Every name of the plan, in plan order.
    pub names: Vec<NameOutcome>,
    pub notes: Vec<String>,
    /// Stopped by an `Interrupt`: what was not sent is accounted as `NotSent`.
    pub interrupted: bool,
}

/// A request to stop sending, shared between the signal listener and the run.
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    set: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Interrupt {
    pub fn trigger(&self) {
        self.set.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    /// Returns once triggered.
    async fn triggered(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_set() {
                return;
            }
            notified.await;
        }
    }

    /// Sleeps `duration`, or less when triggered meanwhile.
    async fn sleep(&self, duration: Duration) {
        tokio::select! {
            () = tokio::time::sleep(duration) => {}
            () = self.triggered() => {}
        }
    }
}

impl ApplyReport {
    pub fn succeeded(&self) -> bool {
        self.names.iter().all(|n| n.outcome.is_success())
    }

    /// Whether the run stopped before sending everything (a fatal failure or an
    /// interrupt): some name was not sent.
    pub fn stopped(&self) -> bool {
        self.names
            .iter()
            .any(|n| matches!(n.outcome, Outcome::NotSent(_)))
    }

    /// Every name of `plan`, not sent, for `reason`.
    pub fn not_sent(plan: &Plan, reason: &str) -> ApplyReport {
        let mut report = ApplyReport::default();
        for request in &plan.requests {
            for name in request.body.names() {
                report.names.push(NameOutcome {
                    kind: WriteKind::of(request),
                    name: name.clone(),
                    outcome: Outcome::NotSent(reason.to_string()),
                });
            }
        }
        name_teams_by_slug(&mut report, plan);
        report
    }

    /// This account followed by `later`'s, for a target applied in two phases.
    pub fn merge(&mut self, later: ApplyReport) {
        self.sent.extend(later.sent);
        self.names.extend(later.names);
        self.notes.extend(later.notes);
        self.interrupted |= later.interrupted;
    }
}

/// What re-reading GitHub gives after an unclear failure: the plan made again from the
/// current seats, and those seats.
pub struct Replanned {
    pub plan: Plan,
    pub live: LiveState,
}

type Key = (WriteKind, String);

fn key(kind: WriteKind, name: &str) -> Key {
    (kind, name.to_ascii_lowercase())
}

/// How a failed write is handled.
enum Failure {
    /// 404 naming some of the request's names: drop them, send the rest.
    UnknownNames(Vec<String>),
    /// The write may have been applied in part: re-read and re-plan.
    Unclear,
    /// Stop.
    Fatal,
}

fn classify(error: &GitHubError, request: &Request) -> Failure {
    match error {
        GitHubError::Status {
            status: 404,
            message,
            ..
        } if message.contains("do not exist") => {
            // "One or more users do not exist in this organization: a, b"
            let listed = message.rsplit(':').next().unwrap_or("");
            let unknown: Vec<String> = request
                .body
                .names()
                .iter()
                .filter(|name| {
                    listed
                        .split(',')
                        .any(|l| l.trim().eq_ignore_ascii_case(name))
                })
                .cloned()
                .collect();
            if unknown.is_empty() {
                Failure::Fatal
            } else {
                Failure::UnknownNames(unknown)
            }
        }
        GitHubError::Status {
            status: 422,
            message,
            ..
        } if message.contains("via a team") => Failure::Unclear,
        GitHubError::Status { status, .. } if *status >= 500 => Failure::Unclear,
        GitHubError::Network { .. } => Failure::Unclear,
        _ => Failure::Fatal,
    }
}

fn with_names(request: &Request, names: Vec<String>) -> Request {
    let body = match request.body {
        RequestBody::Users { .. } => RequestBody::Users {
            selected_usernames: names,
        },
        RequestBody::Teams { .. } => RequestBody::Teams {
            selected_teams: names,
        },
        RequestBody::EnterpriseTeams { .. } => RequestBody::EnterpriseTeams {
            selected_enterprise_teams: names,
        },
    };
    Request {
        method: request.method,
        path: request.path.clone(),
        body,
    }
}

struct Run {
    report: ApplyReport,
    /// Index into `report.names` by kind and lowercased name.
    index: BTreeMap<Key, usize>,
    /// Names not yet settled.
    pending: BTreeSet<Key>,
}

impl Run {
    /// Every name of `plan`, not sent yet.
    fn new(plan: &Plan) -> Run {
        let mut run = Run {
            report: ApplyReport::default(),
            index: BTreeMap::new(),
            pending: BTreeSet::new(),
        };
        for request in &plan.requests {
            let kind = WriteKind::of(request);
            for name in request.body.names() {
                let key = key(kind, name);
                if run.index.contains_key(&key) {
                    continue;
                }
                run.index.insert(key.clone(), run.report.names.len());
                run.pending.insert(key);
                run.report.names.push(NameOutcome {
                    kind,
                    name: name.clone(),
                    outcome: Outcome::NotSent(String::new()),
                });
            }
        }
        run
    }

    /// Sends one write and records it as sent, with GitHub's answer or the error.
    async fn send(
        &mut self,
        client: &Client,
        request: &Request,
    ) -> Result<crate::github::client::Answer, GitHubError> {
        let method = match request.method {
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        };
        let body = serde_json::to_value(&request.body).unwrap_or_default();
        let result = client.write(method, &request.path, &body).await;
        self.report.sent.push(SentRequest {
            request: request.clone(),
            result: match &result {
                Ok(answer) => Ok(format!(
                    "{} {}",
                    answer.status.as_u16(),
                    answer.shown_body()
                )),
                Err(error) => Err(error.to_string()),
            },
            recovered: false,
        });
        result
    }

    /// The account: what is still pending was not sent, for `reason`.
    fn finish(mut self, plan: &Plan, reason: String) -> ApplyReport {
        for key in self.pending.clone() {
            if let Some(&i) = self.index.get(&key) {
                let name = self.report.names[i].name.clone();
                self.settle(key.0, &name, Outcome::NotSent(reason.clone()));
            }
        }
        name_teams_by_slug(&mut self.report, plan);
        self.report
    }

    fn settle(&mut self, kind: WriteKind, name: &str, outcome: Outcome) {
        let key = key(kind, name);
        if let Some(&i) = self.index.get(&key) {
            self.report.names[i].outcome = outcome;
        }
        self.pending.remove(&key);
    }
}

/// Sends `plan`'s requests in order with `write_interval` between two writes; `replan`
/// re-reads GitHub after an unclear failure; `interrupt` stops the run before the next
/// write.
pub async fn apply<F>(
    client: &Client,
    plan: &Plan,
    write_interval: Duration,
    interrupt: &Interrupt,
    replan: F,
) -> ApplyReport
where
    F: AsyncFn() -> anyhow::Result<Replanned>,
{
    let mut run = Run::new(plan);
    let reviewed: BTreeSet<Key> = run.pending.clone();
    let mut queue: VecDeque<Request> = plan.requests.iter().cloned().collect();
    let mut replans = 0;
    let mut stopped: Option<String> = None;

    while let Some(request) = queue.pop_front() {
        if !run.report.sent.is_empty() && !write_interval.is_zero() {
            interrupt.sleep(write_interval).await;
        }
        if interrupt.is_set() {
            run.report.interrupted = true;
            stopped = Some("apply was interrupted (SIGINT or SIGTERM) before it was sent".into());
            break;
        }
        let kind = WriteKind::of(&request);
        let error = match run.send(client, &request).await {
            Ok(answer) => {
                let outcome = if answer.status.as_u16() == 202 {
                    Outcome::Accepted
                } else {
                    Outcome::Done
                };
                for name in request.body.names() {
                    run.settle(kind, name, outcome.clone());
                }
                continue;
            }
            Err(error) => error,
        };
        match classify(&error, &request) {
            Failure::UnknownNames(unknown) => {
                for name in &unknown {
                    run.settle(kind, name, unknown_name(&request, name));
                }
                let rest: Vec<String> = request
                    .body
                    .names()
                    .iter()
                    .filter(|n| !unknown.contains(n))
                    .cloned()
                    .collect();
                if !rest.is_empty() {
                    mark_recovered(&mut run.report);
                    run.report.notes.push(format!(
                        "{} {}: dropped {} and sent the other names again",
                        request.method,
                        request.path,
                        unknown.join(", ")
                    ));
                    queue.push_front(with_names(&request, rest));
                }
            }
            Failure::Unclear if replans < MAX_REPLANS => {
                replans += 1;
                mark_recovered(&mut run.report);
                run.report.notes.push(format!(
                    "{} {} may have been applied in part ({error}): re-read the seats and planned again what remains",
                    request.method, request.path
                ));
                match replan().await {
                    Ok(replanned) => queue = resume(&mut run, &reviewed, &replanned),
                    Err(reread) => {
                        stopped = Some(format!(
                            "the seats could not be re-read after a failure: {reread:#}"
                        ));
                        break;
                    }
                }
            }
            Failure::Unclear | Failure::Fatal => {
                for name in request.body.names() {
                    run.settle(kind, name, Outcome::Failed(error.to_string()));
                }
                stopped = Some(format!(
                    "apply stopped after `{} {}` failed",
                    request.method, request.path
                ));
                break;
            }
        }
    }
    run.finish(plan, stopped.unwrap_or_else(|| "not reached".to_string()))
}

fn mark_recovered(report: &mut ApplyReport) {
    if let Some(last) = report.sent.last_mut() {
        last.recovered = true;
    }
}

/// What a name GitHub's 404 named comes to: an addition that cannot be made (say where
/// to fix it), or a removal of something already gone there (in effect).
fn unknown_name(request: &Request, name: &str) -> Outcome {
    let place = if request.path.starts_with("/enterprises/") {
        "enterprise"
    } else {
        "organization"
    };
    match (request.method, request.body.is_users()) {
        (Method::Post, true) if place == "enterprise" => Outcome::Failed(format!(
            "`{name}` is not a member of the enterprise: add them to the enterprise (or its identity provider) first, or remove them from the file (GitHub answered 404)"
        )),
        (Method::Post, true) => Outcome::Failed(format!(
            "`{name}` is not a member of the organization: invite them first or remove them from the file (GitHub answered 404)"
        )),
        (Method::Post, false) => Outcome::Failed(format!(
            "`{name}` does not exist in the {place}: check the slug or remove it from the file (GitHub answered 404)"
        )),
        // Gone from the org or enterprise: no seat is left to remove.
        (Method::Delete, _) => Outcome::AlreadyDone,
    }
}

/// GitHub takes team *names* in requests; the report names teams by slug, as the plan
/// and the file do.
fn name_teams_by_slug(report: &mut ApplyReport, plan: &Plan) {
    let slugs: BTreeMap<String, &str> = plan
        .changes
        .iter()
        .filter_map(|change| match change {
            Change::AddTeam { team, name, .. } | Change::RemoveTeam { team, name, .. } => {
                Some((name.to_lowercase(), team.as_str()))
            }
            Change::AddUser { .. } | Change::RemoveUser { .. } => None,
        })
        .collect();
    for outcome in &mut report.names {
        if matches!(outcome.kind, WriteKind::AddTeam | WriteKind::RemoveTeam)
            && let Some(slug) = slugs.get(&outcome.name.to_lowercase())
        {
            outcome.name = slug.to_string();
        }
    }
}

/// After a re-read: names of the reviewed plan that the new plan no longer needs are
/// settled from the live seats; the new plan's requests are kept only for names the
/// reviewed plan named (never more), and become the queue.
fn resume(run: &mut Run, reviewed: &BTreeSet<Key>, replanned: &Replanned) -> VecDeque<Request> {
    let mut wanted: BTreeSet<Key> = BTreeSet::new();
    let mut queue = VecDeque::new();
    for request in &replanned.plan.requests {
        let kind = WriteKind::of(request);
        let mut names = Vec::new();
        for name in request.body.names() {
            let key = key(kind, name);
            if run.pending.contains(&key) {
                wanted.insert(key);
                names.push(name.clone());
            } else if !reviewed.contains(&key) {
                run.report.notes.push(format!(
                    "the re-read plan would also {kind} `{name}`, which the reviewed plan did not name: not sent; run plan again"
                ));
            }
        }
        if !names.is_empty() {
            queue.push_back(with_names(request, names));
        }
    }
    for key in run.pending.clone() {
        if wanted.contains(&key) {
            continue;
        }
        let Some(&i) = run.index.get(&key) else {
            continue;
        };
        let name = run.report.names[i].name.clone();
        let outcome = match key.0 {
            WriteKind::RemoveUser => match replanned
                .live
                .active_seat(&Login::new(name.clone()))
                .and_then(|s| s.team())
            {
                Some(team) => Outcome::Failed(format!(
                    "`{name}` keeps the seat through team `{team}`: GitHub does not cancel a team-assigned seat; remove them from the team"
                )),
                None => Outcome::AlreadyDone,
            },
            WriteKind::AddUser
                if replanned
                    .live
                    .active_seat(&Login::new(name.clone()))
                    .is_none() =>
            {
                Outcome::Failed(format!(
                    "`{name}` still holds no seat, and the new plan no longer adds it"
                ))
            }
            _ => Outcome::AlreadyDone,
        };
        run.settle(key.0, &name, outcome);
    }
    queue
}
