//! Runs a plan's requests through the client in one loop, one at a time, spaced as GitHub
//! asks, and accounts for every item (each name a request writes). The kind of each
//! request supplies the hooks: what it names, what a failure comes to, the id a creating
//! request's answer gives. A write is never re-sent blindly (SPEC 8):
//! - GitHub names unknown items (a seat 404): those are dropped, the rest sent again;
//! - an unclear failure (5xx, timeout, dropped connection, the 422 for a team-assigned
//!   user): the kind's state is re-read, its plan made again, and only what remains *and
//!   was in the reviewed plan* is sent;
//! - anything else (401, 403, another 4xx): that kind stops, and so do the kinds that
//!   depend on it; the others go on.
//!
//! A request may carry placeholders (`{cost_center:NAME}`) that an earlier request's
//! answer fills; it is sent only once they are filled.
//!
//! An `Interrupt` (SIGINT or SIGTERM, as a cancelled CI job sends) stops the run between
//! two writes: the write in flight finishes and is accounted for, no new one is sent.

use crate::github::client::Answer;
use crate::github::{Client, GitHubError};
use crate::kinds::{self, Failure, Item, Kind};
use crate::plan::{Method, Plan, Request};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// How many times one apply re-reads a kind's state before it gives up.
const MAX_REPLANS: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Found in effect when the state was re-read after an unclear failure.
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

/// The outcome of one item of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameOutcome {
    /// The kind of the request that writes it.
    pub kind: String,
    /// What is done to it: `add user`, `create cost center`.
    pub action: String,
    pub name: String,
    pub outcome: Outcome,
}

/// One request as sent, with GitHub's answer or the error.
#[derive(Clone, Debug)]
pub struct SentRequest {
    pub request: Request,
    /// The names it wrote, as the report shows them.
    pub names: Vec<String>,
    pub result: Result<String, String>,
    /// A failure that apply worked around (names dropped and the rest sent again, or the
    /// state re-read and what remained sent): not the end of the story.
    pub recovered: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ApplyReport {
    pub sent: Vec<SentRequest>,
    /// Every item of the plan, in plan order.
    pub names: Vec<NameOutcome>,
    pub notes: Vec<String>,
    /// Stopped by an `Interrupt`: what was not sent is accounted as `NotSent`.
    pub interrupted: bool,
    /// The ids that creating requests' answers gave, by placeholder.
    pub created: BTreeMap<String, String>,
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

    /// The kinds that stopped: some item of theirs was not sent.
    pub fn stopped_kinds(&self) -> std::collections::BTreeSet<String> {
        self.names
            .iter()
            .filter(|n| matches!(n.outcome, Outcome::NotSent(_)))
            .map(|n| n.kind.clone())
            .collect()
    }

    /// Every item of `plan`, not sent, for `reason`.
    pub fn not_sent(plan: &Plan, reason: &str) -> ApplyReport {
        let mut run = Run::new(plan);
        for key in run.pending.clone() {
            run.settle(&key, Outcome::NotSent(reason.to_string()));
        }
        run.report
    }

    /// This account followed by `later`'s, for a target applied in two phases.
    pub fn merge(&mut self, later: ApplyReport) {
        self.sent.extend(later.sent);
        self.names.extend(later.names);
        self.notes.extend(later.notes);
        self.interrupted |= later.interrupted;
        self.created.extend(later.created);
    }
}

/// What re-reading GitHub gives after an unclear failure of one kind: that kind's requests
/// planned again, and what became of an item the new plan no longer sends.
pub struct Replanned {
    pub requests: Vec<Request>,
    pub settle: Box<dyn Fn(&Item) -> Outcome + Send + Sync>,
}

/// An item's identity in a run: kind, action and the name as the request writes it.
type Key = (String, String, String);

fn key(kind: &str, item: &Item) -> Key {
    (
        kind.to_string(),
        item.action.clone(),
        item.key.to_ascii_lowercase(),
    )
}

struct Run {
    report: ApplyReport,
    /// Index into `report.names` by key.
    index: BTreeMap<Key, usize>,
    /// The item of each key.
    items: BTreeMap<Key, Item>,
    /// Items not yet settled.
    pending: BTreeSet<Key>,
    /// Kinds stopped by a failure, with the reason.
    stopped: BTreeMap<String, String>,
    changes: Vec<crate::plan::Change>,
}

impl Run {
    /// Every item of `plan`, not sent yet.
    fn new(plan: &Plan) -> Run {
        let mut run = Run {
            report: ApplyReport::default(),
            index: BTreeMap::new(),
            items: BTreeMap::new(),
            pending: BTreeSet::new(),
            stopped: BTreeMap::new(),
            changes: plan.changes.clone(),
        };
        for request in &plan.requests {
            for item in kinds::items(request, &plan.changes) {
                let key = key(request.kind(), &item);
                if run.index.contains_key(&key) {
                    continue;
                }
                run.index.insert(key.clone(), run.report.names.len());
                run.pending.insert(key.clone());
                run.report.names.push(NameOutcome {
                    kind: request.kind().to_string(),
                    action: item.action.clone(),
                    name: item.name.clone(),
                    outcome: Outcome::NotSent(String::new()),
                });
                run.items.insert(key, item);
            }
        }
        run
    }

    fn keys(&self, request: &Request) -> Vec<Key> {
        kinds::items(request, &self.changes)
            .iter()
            .map(|item| key(request.kind(), item))
            .collect()
    }

    /// Sends one write and records it as sent, with GitHub's answer or the error.
    async fn send(
        &mut self,
        client: &Client,
        request: &Request,
    ) -> Result<crate::github::client::Answer, GitHubError> {
        let method = match request.method {
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let result = client.write(method, &request.path, &request.body).await;
        self.report.sent.push(SentRequest {
            request: request.clone(),
            names: kinds::items(request, &self.changes)
                .into_iter()
                .map(|item| item.name)
                .collect(),
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
    fn finish(mut self, reason: String) -> ApplyReport {
        for key in self.pending.clone() {
            let why = self.stopped.get(&key.0).cloned().unwrap_or(reason.clone());
            self.settle(&key, Outcome::NotSent(why));
        }
        self.report
    }

    fn settle(&mut self, key: &Key, outcome: Outcome) {
        if let Some(&i) = self.index.get(key) {
            self.report.names[i].outcome = outcome;
        }
        self.pending.remove(key);
    }

    fn settle_all(&mut self, request: &Request, outcome: &Outcome) {
        for key in self.keys(request) {
            self.settle(&key, outcome.clone());
        }
    }

    /// Why `kind` may not send now: it, or a kind it depends on, stopped.
    fn blocked(&self, kind: &str) -> Option<String> {
        if let Some(why) = self.stopped.get(kind) {
            return Some(why.clone());
        }
        let depends = kinds::get(kind).map_or(&[][..], |k| k.depends_on());
        depends
            .iter()
            .find_map(|d| self.stopped.get(*d))
            .map(|why| format!("not sent: it depends on a kind that stopped ({why})"))
    }

    /// A write GitHub took: its items settled, notes on its answer, the id it created.
    fn answered(&mut self, kind: &dyn Kind, request: &Request, answer: &Answer) {
        let outcome = if answer.status.as_u16() == 202 {
            Outcome::Accepted
        } else {
            Outcome::Done
        };
        self.settle_all(request, &outcome);
        let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
        let notes = kind.answered(request, &body, &self.changes);
        self.report.notes.extend(notes);
        let Some(placeholder) = &request.creates else {
            return;
        };
        match kind.created_id(request, &body) {
            Some(id) => {
                self.report.created.insert(placeholder.clone(), id);
            }
            None => {
                self.stopped.insert(
                    request.kind().to_string(),
                    format!(
                        "not sent: the answer to {} {} gave no id for `{placeholder}`",
                        request.method, request.path
                    ),
                );
            }
        }
    }

    /// The items GitHub named unknown settled; the rest of `request`, to send again.
    fn drop_unknown(
        &mut self,
        kind: &dyn Kind,
        request: &Request,
        unknown: &[String],
    ) -> Option<Request> {
        for item in kinds::items(request, &self.changes) {
            if unknown.contains(&item.key) {
                let outcome = kind.unknown(request, &item.key);
                self.settle(&key(request.kind(), &item), outcome);
            }
        }
        let rest = kind.without(request, unknown)?;
        self.mark_recovered();
        self.report.notes.push(format!(
            "{} {}: dropped {} and sent the other names again",
            request.method,
            request.path,
            unknown.join(", ")
        ));
        Some(rest)
    }

    /// A failure that stops `kind` (and the kinds that depend on it).
    fn fail(&mut self, kind: &dyn Kind, request: &Request, error: &GitHubError) {
        let hint = error
            .status()
            .and_then(|status| kind.permission_hint(request, status))
            .map(|hint| format!(": {hint}"))
            .unwrap_or_default();
        self.settle_all(request, &Outcome::Failed(format!("{error}{hint}")));
        self.stopped.insert(
            request.kind().to_string(),
            format!(
                "apply stopped after `{} {}` failed",
                request.method, request.path
            ),
        );
    }

    fn mark_recovered(&mut self) {
        if let Some(last) = self.report.sent.last_mut() {
            last.recovered = true;
        }
    }
}

/// Sends `plan`'s requests in order with `write_interval` between two writes; `replan`
/// re-reads a kind's state after an unclear failure; `interrupt` stops the run before the
/// next write; `created` holds ids earlier phases created.
pub async fn apply<F>(
    client: &Client,
    plan: &Plan,
    write_interval: Duration,
    interrupt: &Interrupt,
    created: &BTreeMap<String, String>,
    replan: F,
) -> ApplyReport
where
    F: AsyncFn(&str) -> anyhow::Result<Replanned>,
{
    let mut run = Run::new(plan);
    run.report.created = created.clone();
    let reviewed: BTreeSet<Key> = run.pending.clone();
    let mut queue: VecDeque<Request> = plan.requests.iter().cloned().collect();
    let mut replans = 0;
    let mut stopped: Option<String> = None;

    while let Some(request) = queue.pop_front() {
        if let Some(why) = run.blocked(request.kind()) {
            run.settle_all(&request, &Outcome::NotSent(why));
            continue;
        }
        let sendable = match request.filled(&run.report.created) {
            Ok(sendable) => sendable,
            Err(missing) => {
                let why = format!("not sent: `{missing}` was not created");
                run.settle_all(&request, &Outcome::NotSent(why));
                continue;
            }
        };
        if !run.report.sent.is_empty() && !write_interval.is_zero() {
            interrupt.sleep(write_interval).await;
        }
        if interrupt.is_set() {
            run.report.interrupted = true;
            stopped = Some("apply was interrupted (SIGINT or SIGTERM) before it was sent".into());
            break;
        }
        let Some(kind) = kinds::get(request.kind()) else {
            continue;
        };
        let error = match run.send(client, &sendable).await {
            Ok(answer) => {
                run.answered(kind, &request, &answer);
                continue;
            }
            Err(error) => error,
        };
        match kind.failure(&request, &error) {
            Failure::Unknown(unknown) => {
                if let Some(rest) = run.drop_unknown(kind, &request, &unknown) {
                    queue.push_front(rest);
                }
            }
            Failure::Unclear if replans < MAX_REPLANS => {
                replans += 1;
                run.mark_recovered();
                run.report.notes.push(format!(
                    "{} {} may have been applied in part ({error}): re-read the {} and planned again what remains",
                    request.method, request.path, kind.title()
                ));
                match replan(request.kind()).await {
                    Ok(replanned) => {
                        let others: Vec<Request> = queue
                            .drain(..)
                            .filter(|r| r.kind() != request.kind())
                            .collect();
                        queue = resume(&mut run, &reviewed, request.kind(), &replanned);
                        queue.extend(others);
                    }
                    Err(reread) => {
                        stopped = Some(format!(
                            "the {} could not be re-read after a failure: {reread:#}",
                            kind.title()
                        ));
                        break;
                    }
                }
            }
            Failure::Unclear | Failure::Fatal => run.fail(kind, &request, &error),
        }
    }
    let reason = stopped.unwrap_or_else(|| "not reached".to_string());
    run.finish(reason)
}

/// After a re-read of `kind`: its items of the reviewed plan that the new plan no longer
/// needs are settled by the kind; the new plan's requests are kept only for items the
/// reviewed plan named (never more), and become the queue.
fn resume(
    run: &mut Run,
    reviewed: &BTreeSet<Key>,
    kind: &str,
    replanned: &Replanned,
) -> VecDeque<Request> {
    let Some(hooks) = kinds::get(kind) else {
        return VecDeque::new();
    };
    let mut wanted: BTreeSet<Key> = BTreeSet::new();
    let mut queue = VecDeque::new();
    for request in &replanned.requests {
        let mut drop = Vec::new();
        for item in kinds::items(request, &run.changes) {
            let key = key(kind, &item);
            if run.pending.contains(&key) {
                wanted.insert(key);
            } else {
                if !reviewed.contains(&key) {
                    run.report.notes.push(format!(
                        "the re-read plan would also {} `{}`, which the reviewed plan did not name: not sent; run plan again",
                        item.action, item.name
                    ));
                }
                drop.push(item.key);
            }
        }
        let kept = if drop.is_empty() {
            Some(request.clone())
        } else {
            hooks.without(request, &drop)
        };
        queue.extend(kept);
    }
    for key in run.pending.clone() {
        if key.0 != kind || wanted.contains(&key) {
            continue;
        }
        let outcome = match run.items.get(&key) {
            Some(item) => (replanned.settle)(item),
            None => Outcome::AlreadyDone,
        };
        run.settle(&key, outcome);
    }
    queue
}
