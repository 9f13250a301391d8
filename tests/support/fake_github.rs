//! A stateful fake of GitHub's Copilot seat API, served on loopback, that behaves as
//! `shared/docs/API.md` describes: seats derived from selected users and teams, pages with
//! `Link` headers, pending cancellations, team-derived seats, 404 for unknown names, 422
//! for a team-assigned user's DELETE and for writes under `assign_all`, and injected faults.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

pub const TOKEN: &str = "ghp_FAKE0123456789secretTOKENvalue";
/// The workflow's `GITHUB_TOKEN`: the only token the fake accepts for `/repos/` calls.
pub const WORKFLOW_TOKEN: &str = "ghs_FAKEworkflowTOKEN0123456789";
/// The start of the installation tokens the fake lends a GitHub App.
pub const INSTALLATION_TOKEN: &str = "ghs_FAKEinstallationTOKEN";
/// When a cancelled seat ends: the end of the fake's billing cycle.
pub const CYCLE_END: &str = "2026-12-31";

#[derive(Clone, Debug)]
pub struct Team {
    pub name: String,
    pub members: Vec<String>,
}

/// A GitHub App the fake knows: its ID, public key (DER `RSAPublicKey`) and installation.
#[derive(Clone, Debug)]
pub struct FakeApp {
    pub id: String,
    pub public_key: Vec<u8>,
    pub installation_id: u64,
    /// Installed on the fake's org.
    pub installed: bool,
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// When it arrived: orders the requests of several fakes.
    pub at: std::time::Instant,
}

/// A fault injected into the next `times` requests with this `method` and `path` (no query).
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: &'static str,
    pub path: String,
    pub times: usize,
    /// Wait this long before answering (past the client's timeout, say).
    pub delay_ms: u64,
    /// Change the state before the request is handled (a concurrent change).
    pub mutate: Option<fn(&mut State)>,
    /// Handle the request (its effect takes place) before answering with the fault.
    pub after_applying: bool,
    pub answer: FaultAnswer,
}

#[derive(Clone, Debug)]
pub enum FaultAnswer {
    /// Handle the request normally (with `delay_ms` or `mutate`).
    Normal,
    Status {
        status: u16,
        body: String,
        headers: Vec<(&'static str, String)>,
    },
    /// Send the status line and headers, then drop the connection mid-body.
    DropConnection,
    /// Answer `status` with the request's `Authorization` header echoed back, as some
    /// proxies and misbehaving servers do: in GitHub's JSON `message`, or in an HTML page
    /// (`html`), and in a header that `-v` and permission hints quote.
    EchoAuthorization { status: u16, html: bool },
}

impl Fault {
    pub fn new(method: &'static str, path: &str, answer: FaultAnswer) -> Fault {
        Fault {
            method,
            path: path.to_string(),
            times: 1,
            delay_ms: 0,
            mutate: None,
            after_applying: false,
            answer,
        }
    }

    pub fn status(method: &'static str, path: &str, status: u16, body: &str) -> Fault {
        Fault::new(
            method,
            path,
            FaultAnswer::Status {
                status,
                body: body.to_string(),
                headers: Vec::new(),
            },
        )
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Fault {
        if let FaultAnswer::Status { headers, .. } = &mut self.answer {
            headers.push((name, value.to_string()));
        }
        self
    }

    pub fn times(mut self, times: usize) -> Fault {
        self.times = times;
        self
    }

    pub fn delay_ms(mut self, delay_ms: u64) -> Fault {
        self.delay_ms = delay_ms;
        self
    }

    pub fn after_applying(mut self) -> Fault {
        self.after_applying = true;
        self
    }

    pub fn mutate(mut self, mutate: fn(&mut State)) -> Fault {
        self.mutate = Some(mutate);
        self
    }
}

#[derive(Debug)]
pub struct State {
    pub org: String,
    pub setting: String,
    pub plan_type: String,
    /// Org members, in join order (the seat list's order).
    pub members: Vec<String>,
    /// By slug.
    pub teams: BTreeMap<String, Team>,
    pub selected_users: BTreeSet<String>,
    pub selected_teams: BTreeSet<String>,
    /// Lowercased login -> date the seat ends.
    pub pending: BTreeMap<String, String>,
    pub seats_without_assignee: usize,
    pub requests: Vec<Logged>,
    pub faults: Vec<Fault>,
    /// Pull-request comments by `owner/name#number`: (id, body).
    pub comments: BTreeMap<String, Vec<(u64, String)>>,
    /// Every answer waits this long (network and GitHub's own time).
    pub latency_ms: u64,
    /// Extra wait for some pages of the seat list, to shuffle their arrival.
    pub page_delays_ms: BTreeMap<usize, u64>,
    /// GitHub's secondary limit, in points per minute (GET 1, write 5); `None`: unlimited.
    pub points_per_minute: Option<u32>,
    /// Points spent in the last minute.
    pub points: std::collections::VecDeque<(std::time::Instant, u32)>,
    /// How many secondary-limit answers the fake gave.
    pub secondary_limit_answers: usize,
    /// Lowercased login -> `last_activity_at` (`None`: never used); default 2026-11-20.
    pub activity: BTreeMap<String, Option<String>>,
    /// Lowercased login -> the seat's `created_at`; default 2025-01-15.
    pub assigned_at: BTreeMap<String, String>,
    /// Lowercased logins with a pending org invitation: their seat call answers 422.
    pub invited: BTreeSet<String>,
    pub app: Option<FakeApp>,
    /// Installation tokens lent to the App; each works like `TOKEN` on this org (or
    /// enterprise) only, until it expires.
    pub issued_tokens: Vec<String>,
    /// How long an installation token lives (GitHub: one hour).
    pub token_lifetime: std::time::Duration,
    /// When each lent token expires.
    pub token_expiry: HashMap<String, std::time::SystemTime>,
    /// Requests refused because their installation token had expired.
    pub expired_token_uses: usize,
    /// Report files served (from the storage host).
    pub report_downloads: usize,
    /// The seat list, built once and dropped on every change, so that pages of a large
    /// org are cheap to serve.
    seat_cache: Option<Arc<Vec<Value>>>,
    /// An enterprise (`/enterprises/{org}/…`, API.md "Enterprise") instead of an org:
    /// `teams` are its enterprise teams (`ent:` slugs), `members` its members.
    pub enterprise: bool,
    /// Enterprise only: lowercased login -> the org whose own assignment gives a seat.
    pub org_grants: BTreeMap<String, String>,
    /// Enterprise only: a DELETE of enterprise teams answers 202 (done later, API.md).
    pub team_delete_accepted: bool,
    /// A stub resource (id -> name, size) that only the test of a kind registered in the
    /// tests uses (`tests/kinds.rs`); answered as GitHub answers its resources: 201 with
    /// the new id, 422 for a taken name, 404 for an unknown id.
    pub widgets: BTreeMap<u64, (String, u64)>,
    /// Enterprise only: its cost centers.
    pub cost_centers: super::fake_cost_centers::CostCenters,
    /// The enterprise's budgets, or the org's (`/organizations/{org}/…`).
    pub budgets: super::fake_budgets::Budgets,
}

impl State {
    pub fn new(org: &str) -> State {
        State {
            org: org.to_string(),
            setting: "assign_selected".into(),
            plan_type: "business".into(),
            members: Vec::new(),
            teams: BTreeMap::new(),
            selected_users: BTreeSet::new(),
            selected_teams: BTreeSet::new(),
            pending: BTreeMap::new(),
            seats_without_assignee: 0,
            requests: Vec::new(),
            faults: Vec::new(),
            comments: BTreeMap::new(),
            latency_ms: 0,
            page_delays_ms: BTreeMap::new(),
            points_per_minute: None,
            points: std::collections::VecDeque::new(),
            secondary_limit_answers: 0,
            activity: BTreeMap::new(),
            assigned_at: BTreeMap::new(),
            invited: BTreeSet::new(),
            app: None,
            issued_tokens: Vec::new(),
            token_lifetime: std::time::Duration::from_secs(3600),
            token_expiry: HashMap::new(),
            expired_token_uses: 0,
            report_downloads: 0,
            seat_cache: None,
            enterprise: false,
            org_grants: BTreeMap::new(),
            team_delete_accepted: false,
            widgets: BTreeMap::new(),
            cost_centers: Default::default(),
            budgets: Default::default(),
        }
    }

    /// An enterprise with Copilot licences (served under `/enterprises/{slug}`).
    pub fn new_enterprise(slug: &str) -> State {
        State {
            enterprise: true,
            plan_type: "enterprise".into(),
            ..State::new(slug)
        }
    }

    /// When the seat of (lowercased) `key` was assigned, and last used (`None`: never).
    fn dates(&self, key: &str) -> (&str, Option<&str>) {
        let created = self
            .assigned_at
            .get(key)
            .map_or("2025-01-15T10:00:00-06:00", String::as_str);
        let activity = match self.activity.get(key) {
            Some(at) => at.as_deref(),
            None => Some("2026-11-20T10:00:00Z"),
        };
        (created, activity)
    }

    /// Enterprise only: one seat object per grant (direct, each selected enterprise team,
    /// the org), for every member or just `only` (API.md).
    fn grants(&self, only: Option<&str>) -> Vec<Value> {
        let mut grants = Vec::new();
        for login in &self.members {
            let key = login.to_lowercase();
            if only.is_some_and(|o| !o.eq_ignore_ascii_case(login)) {
                continue;
            }
            let (created, activity) = self.dates(&key);
            let seat = |pending: Option<&String>, team: Value, org: Value| {
                json!({
                    "created_at": created,
                    "pending_cancellation_date": pending,
                    "last_activity_at": activity,
                    "last_activity_editor": activity.map(|_| "vscode/1.105.0/copilot/1.300.0"),
                    "plan_type": self.plan_type,
                    "assignee": {"login": login, "id": 1, "type": "User"},
                    "assigning_team": team,
                    "organization": org,
                })
            };
            let mut any = false;
            if self.selected_users.contains(&key) {
                grants.push(seat(None, Value::Null, Value::Null));
                any = true;
            }
            for slug in &self.selected_teams {
                if self.teams[slug]
                    .members
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(login))
                {
                    let team = json!({"id": 9, "slug": slug, "name": self.teams[slug].name});
                    grants.push(seat(None, team, Value::Null));
                    any = true;
                }
            }
            if let Some(org) = self.org_grants.get(&key) {
                grants.push(seat(None, Value::Null, json!({"login": org, "id": 3})));
                any = true;
            }
            if !any && let Some(date) = self.pending.get(&key) {
                grants.push(seat(Some(date), Value::Null, Value::Null));
            }
        }
        grants
    }

    /// Enterprise only: `logins` hold a seat through `org`'s own assignment.
    pub fn grant_through_org(&mut self, org: &str, logins: &[&str]) {
        self.add_members(logins);
        for login in logins {
            self.org_grants
                .insert(login.to_lowercase(), org.to_string());
        }
    }

    pub fn add_members(&mut self, logins: &[&str]) {
        let mut known: std::collections::HashSet<String> =
            self.members.iter().map(|m| m.to_lowercase()).collect();
        for login in logins {
            if known.insert(login.to_lowercase()) {
                self.members.push((*login).to_string());
            }
        }
    }

    /// Members with a direct seat.
    pub fn with_direct_seats(&mut self, logins: &[&str]) {
        self.add_members(logins);
        self.selected_users
            .extend(logins.iter().map(|l| l.to_lowercase()));
    }

    pub fn add_team(&mut self, slug: &str, name: &str, members: &[&str], selected: bool) {
        self.add_members(members);
        self.teams.insert(
            slug.to_string(),
            Team {
                name: name.to_string(),
                members: members.iter().map(|m| m.to_string()).collect(),
            },
        );
        if selected {
            self.selected_teams.insert(slug.to_string());
        }
    }

    /// When `login` last used Copilot (RFC 3339), or never (`None`).
    pub fn set_activity(&mut self, login: &str, at: Option<&str>) {
        self.activity
            .insert(login.to_lowercase(), at.map(str::to_string));
    }

    /// When `login`'s seat was assigned (RFC 3339).
    pub fn set_assigned(&mut self, login: &str, at: &str) {
        self.assigned_at
            .insert(login.to_lowercase(), at.to_string());
    }

    fn member(&self, login: &str) -> Option<&String> {
        self.members.iter().find(|m| m.eq_ignore_ascii_case(login))
    }

    /// The team through which `login` holds a seat, when not directly.
    fn seat_team(&self, login: &str) -> Option<&String> {
        self.selected_teams.iter().find(|slug| {
            self.teams[*slug]
                .members
                .iter()
                .any(|m| m.eq_ignore_ascii_case(login))
        })
    }

    fn is_active(&self, login: &str) -> bool {
        self.selected_users.contains(&login.to_lowercase())
            || self.seat_team(login).is_some()
            || self.org_grants.contains_key(&login.to_lowercase())
    }

    /// Lowercased login -> the first selected team (by slug) that gives it a seat.
    fn team_seats(&self) -> HashMap<String, &String> {
        let mut seats = HashMap::new();
        for slug in &self.selected_teams {
            for member in &self.teams[slug].members {
                seats.entry(member.to_lowercase()).or_insert(slug);
            }
        }
        seats
    }

    /// Active seats: login -> `None` for direct, or the team slug.
    pub fn active_seats(&self) -> BTreeMap<String, Option<String>> {
        let teams = self.team_seats();
        self.members
            .iter()
            .filter_map(|m| {
                let key = m.to_lowercase();
                let team = if self.selected_users.contains(&key) {
                    None
                } else if let Some(slug) = teams.get(&key) {
                    Some(slug.to_string())
                } else {
                    Some(format!("org:{}", self.org_grants.get(&key)?))
                };
                Some((key, team))
            })
            .collect()
    }

    /// Lowercased logins holding an active seat, sorted.
    pub fn seat_logins(&self) -> Vec<String> {
        self.active_seats().into_keys().collect()
    }

    pub fn writes(&self) -> Vec<&Logged> {
        self.requests.iter().filter(|r| r.method != "GET").collect()
    }

    /// The seat list as GitHub sends it: active and pending seats, then seats without assignee.
    fn seat_list(&mut self) -> Arc<Vec<Value>> {
        if let Some(cached) = &self.seat_cache {
            return cached.clone();
        }
        if self.enterprise {
            let grants = Arc::new(self.grants(None));
            self.seat_cache = Some(grants.clone());
            return grants;
        }
        let teams = self.team_seats();
        let mut seats = Vec::new();
        for login in &self.members {
            let key = login.to_lowercase();
            let (pending, team) = if self.selected_users.contains(&key) {
                (None, None)
            } else if let Some(slug) = teams.get(&key) {
                (None, Some(*slug))
            } else if let Some(date) = self.pending.get(&key) {
                (Some(date.clone()), None)
            } else {
                continue;
            };
            let (created, activity) = self.dates(&key);
            let editor = activity.map(|_| "vscode/1.105.0/copilot/1.300.0");
            let mut seat = json!({
                "created_at": created,
                "updated_at": created,
                "pending_cancellation_date": pending,
                "last_activity_at": activity,
                "last_activity_editor": editor,
                "last_authenticated_at": activity,
                "plan_type": self.plan_type,
                "assignee": {"login": login, "id": 1, "type": "User", "site_admin": false},
            });
            if let Some(slug) = team {
                seat["assigning_team"] = json!({
                    "id": 7, "slug": slug, "name": self.teams[slug].name,
                    "privacy": "closed", "parent": null,
                });
            } else if seats.len() % 2 == 0 {
                // The key may be missing for a direct seat, or null (API.md): send both.
                seat["assigning_team"] = Value::Null;
            }
            seats.push(seat);
        }
        for _ in 0..self.seats_without_assignee {
            seats.push(json!({"created_at": "2025-01-01T00:00:00Z", "pending_cancellation_date": null, "assignee": null}));
        }
        let seats = Arc::new(seats);
        self.seat_cache = Some(seats.clone());
        seats
    }
}

pub struct FakeGitHub {
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// Serves `app` on 127.0.0.1 from a thread of its own until the test process ends; its
/// `http://` URL.
pub fn serve_on_loopback(app: Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    url
}

impl FakeGitHub {
    /// Serves `state` on 127.0.0.1 from a thread of its own until the test process ends.
    pub fn start(state: State) -> FakeGitHub {
        let state = Arc::new(Mutex::new(state));
        let url = serve_on_loopback(Router::new().fallback(handle).with_state(state.clone()));
        FakeGitHub { url, state }
    }

    /// Serves several orgs (and enterprises) on one address, as GitHub does: a request goes
    /// to the org its `/orgs/{org}/` path names (case-insensitively), the enterprise of
    /// `/enterprises/{e}/`, or the App installation of `/app/installations/{id}/`; anything
    /// else to the first. One handle per org, in the order given.
    pub fn start_many(states: Vec<State>) -> Vec<FakeGitHub> {
        let states: Vec<Shared> = states
            .into_iter()
            .map(|s| Arc::new(Mutex::new(s)))
            .collect();
        let routed = states.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let parts: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
                let serves = |state: &State| match parts[..] {
                    ["orgs" | "organizations", org, ..] => {
                        !state.enterprise && state.org.eq_ignore_ascii_case(org)
                    }
                    ["enterprises", slug, ..] => {
                        state.enterprise && state.org.eq_ignore_ascii_case(slug)
                    }
                    // An installation's tokens come from the org or enterprise it is on.
                    ["app", "installations", id, ..] => state
                        .app
                        .as_ref()
                        .is_some_and(|app| id.parse() == Ok(app.installation_id)),
                    _ => false,
                };
                let state = routed
                    .iter()
                    .find(|s| serves(&s.lock().unwrap_or_else(|e| e.into_inner())))
                    .unwrap_or(&routed[0])
                    .clone();
                handle(AxumState(state), method, uri, headers, body)
            },
        );
        let url = serve_on_loopback(app);
        states
            .into_iter()
            .map(|state| FakeGitHub {
                url: url.clone(),
                state,
            })
            .collect()
    }

    /// The state, to read or change; a change is seen by the next request.
    pub fn state(&self) -> MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.seat_cache = None;
        state
    }
}

type Shared = Arc<Mutex<State>>;

async fn handle(
    AxumState(state): AxumState<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let delay = {
        let state = state.lock().unwrap_or_else(|e| e.into_inner());
        let page: usize = uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("page=")))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let page_delay = if uri.path().ends_with("/copilot/billing/seats") {
            state.page_delays_ms.get(&page).copied().unwrap_or(0)
        } else {
            0
        };
        state.latency_ms + page_delay
    };
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    // The App's own calls (with its JWT) count against the App, not the installation's
    // token whose budget this fake keeps.
    let app_call = uri.path().starts_with("/app/") || uri.path().ends_with("/installation");
    let limited = (!app_call)
        .then(|| {
            secondary_limit(
                &mut state.lock().unwrap_or_else(|e| e.into_inner()),
                &method,
            )
        })
        .flatten();
    if let Some(limited) = limited {
        return limited;
    }
    let fault = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.requests.push(Logged {
            method: method.to_string(),
            path: uri.to_string(),
            body: body.clone(),
            at: std::time::Instant::now(),
        });
        let path = uri.path();
        let index = state
            .faults
            .iter()
            .position(|f| f.method == method.as_str() && path == f.path);
        index.map(|index| {
            let fault = state.faults[index].clone();
            state.faults[index].times = state.faults[index].times.saturating_sub(1);
            if state.faults[index].times == 0 {
                state.faults.remove(index);
            }
            fault
        })
    };
    let Some(fault) = fault else {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        return route(&mut state, &method, &uri, &headers, &body);
    };
    let delay = std::time::Duration::from_millis(fault.delay_ms);
    // The request takes effect before the delay when `after_applying`, else after it.
    if !fault.after_applying {
        tokio::time::sleep(delay).await;
    }
    let routed = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mutate) = fault.mutate {
            mutate(&mut state);
            state.seat_cache = None;
        }
        let normal = matches!(fault.answer, FaultAnswer::Normal);
        (normal || fault.after_applying).then(|| route(&mut state, &method, &uri, &headers, &body))
    };
    if fault.after_applying {
        tokio::time::sleep(delay).await;
    }
    match fault.answer {
        FaultAnswer::Normal => routed.unwrap_or_else(|| error(500, "unreachable")),
        FaultAnswer::Status {
            status,
            body,
            headers,
        } => {
            let mut response = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body,
            )
                .into_response();
            for (name, value) in headers {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
        FaultAnswer::EchoAuthorization { status, html } => {
            let authorization = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = if html {
                format!(
                    "<html><body><h1>Bad gateway</h1><p>request with {authorization} failed</p></body></html>"
                )
            } else {
                serde_json::json!({
                    "message": format!("Bad credentials: {authorization}"),
                    "documentation_url": "https://docs.github.com/rest",
                })
                .to_string()
            };
            let mut response = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body,
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("copilot={authorization}")) {
                response
                    .headers_mut()
                    .insert("x-accepted-github-permissions", value);
            }
            response
        }
        FaultAnswer::DropConnection => {
            let broken = futures::stream::iter([
                Ok(Bytes::from_static(b"{\"total_seats\": ")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection reset",
                )),
            ]);
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .body(axum::body::Body::from_stream(broken))
                .unwrap_or_else(|_| error(500, "cannot build the response"))
        }
    }
}

/// GitHub's secondary limit: more than `points_per_minute` points in a minute draws a 403.
fn secondary_limit(state: &mut State, method: &Method) -> Option<Response> {
    let limit = state.points_per_minute?;
    let now = std::time::Instant::now();
    while state
        .points
        .front()
        .is_some_and(|(at, _)| now.duration_since(*at) >= std::time::Duration::from_secs(60))
    {
        state.points.pop_front();
    }
    let cost = if method == Method::GET { 1 } else { 5 };
    let spent: u32 = state.points.iter().map(|(_, p)| p).sum();
    if spent + cost > limit {
        state.secondary_limit_answers += 1;
        let mut response = error(
            403,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        );
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_static("60"));
        return Some(response);
    }
    state.points.push_back((now, cost));
    None
}

/// Answers one request as GitHub would.
fn route(
    state: &mut State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Value,
) -> Response {
    if method != Method::GET {
        state.seat_cache = None;
    }
    let path = uri.path().to_string();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if let Some(file) = path.strip_prefix("/reports/") {
        // Report files sit behind signed links on a storage host, which refuses a token.
        if !header("authorization").is_empty() {
            return error(
                400,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter should be specified",
            );
        }
        state.report_downloads += 1;
        return match super::usage_data::file(file) {
            Some(body) => (StatusCode::OK, body).into_response(),
            None => error(404, "The specified key does not exist."),
        };
    }
    let repos = path.starts_with("/repos/");
    let bearer = header("authorization")
        .strip_prefix("Bearer ")
        .unwrap_or("")
        .to_string();
    let app_call = path.starts_with("/app/") || path.ends_with("/installation");
    let authorized = if repos {
        bearer == WORKFLOW_TOKEN
    } else if app_call {
        // App endpoints take the App's JWT, nothing else.
        app_jwt_is_valid(state, &bearer)
    } else if let Some(expiry) = state.token_expiry.get(&bearer).copied() {
        let current = std::time::SystemTime::now() < expiry;
        if !current {
            state.expired_token_uses += 1;
        }
        current
    } else {
        bearer == TOKEN
    };
    if !authorized {
        return error(
            401,
            if app_call {
                "A JSON web token could not be decoded"
            } else {
                "Bad credentials"
            },
        );
    }
    if header("x-github-api-version") != "2022-11-28"
        || header("accept") != "application/vnd.github+json"
    {
        return error(400, "missing Accept or X-GitHub-Api-Version header");
    }
    if header("user-agent").is_empty() {
        return error(
            403,
            "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
        );
    }
    let query: BTreeMap<String, String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let base = format!("http://{}", header("host"));
    if repos {
        return route_comments(
            state,
            method,
            &parts,
            &query,
            body,
            &format!("{base}{path}"),
        );
    }
    if let ("POST", ["app", "installations", id, "access_tokens"]) = (method.as_str(), &parts[..]) {
        let known = state
            .app
            .as_ref()
            .is_some_and(|app| app.installed && id.parse() == Ok(app.installation_id));
        if !known {
            return error(404, "Not Found");
        }
        let token = format!("{INSTALLATION_TOKEN}{id}x{}", state.issued_tokens.len());
        let expiry = std::time::SystemTime::now() + state.token_lifetime;
        state.issued_tokens.push(token.clone());
        state.token_expiry.insert(token.clone(), expiry);
        let expires_at = time::OffsetDateTime::from(expiry)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let permissions = if state.enterprise {
            json!({"enterprise_copilot_license_management": "write"})
        } else {
            json!({"organization_copilot_seat_management": "write", "members": "read"})
        };
        return json_response(
            201,
            json!({"token": token, "expires_at": expires_at, "permissions": permissions}),
        );
    }
    let enterprise_ok = state.enterprise
        && parts.len() >= 2
        && parts[0] == "enterprises"
        && parts[1].eq_ignore_ascii_case(&state.org);
    if enterprise_ok {
        return route_enterprise(
            state,
            method,
            &parts[2..],
            &query,
            body,
            &format!("{base}{path}"),
        );
    }
    if !state.enterprise
        && let [
            "organizations",
            org,
            "settings",
            "billing",
            "budgets",
            rest @ ..,
        ] = &parts[..]
        && org.eq_ignore_ascii_case(&state.org)
    {
        let (status, answer) = state
            .budgets
            .route(true, method.as_str(), rest, &query, body);
        return json_response(status, answer);
    }
    let org_ok = !state.enterprise
        && parts.len() >= 2
        && parts[0] == "orgs"
        && parts[1].eq_ignore_ascii_case(&state.org);
    if !org_ok {
        return error(404, "Not Found");
    }
    match (method.as_str(), &parts[2..]) {
        ("GET", ["widgets"]) => {
            let widgets: Vec<Value> = state
                .widgets
                .iter()
                .map(|(id, (name, size))| json!({"id": id, "name": name, "size": size}))
                .collect();
            json_response(200, json!({"widgets": widgets}))
        }
        ("POST", ["widgets"]) => {
            let name = body["name"].as_str().unwrap_or("").to_string();
            if name.is_empty() || state.widgets.values().any(|(n, _)| *n == name) {
                return error(422, "Validation Failed: name is taken or empty");
            }
            let id = state.widgets.keys().max().map_or(1, |m| m + 1);
            state.widgets.insert(id, (name.clone(), 0));
            json_response(201, json!({"id": id, "name": name, "size": 0}))
        }
        ("PATCH", ["widgets", id]) => {
            let Some((name, size)) = id
                .parse()
                .ok()
                .and_then(|id: u64| state.widgets.get_mut(&id))
            else {
                return error(404, "Not Found");
            };
            match body["size"].as_u64() {
                Some(new) => {
                    *size = new;
                    json_response(200, json!({"id": id, "name": name, "size": new}))
                }
                None => error(422, "Validation Failed: size must be a whole number"),
            }
        }
        ("GET", ["installation"]) => match &state.app {
            Some(app) if app.installed => json_response(
                200,
                json!({"id": app.installation_id, "app_id": app.id, "target_type": "Organization", "account": {"login": state.org}}),
            ),
            _ => error(404, "Not Found"),
        },
        ("GET", ["copilot", "metrics", "reports", kind, rest @ ..]) => {
            metrics_report(kind, rest, &query, &base)
        }
        ("GET", ["copilot", "billing"]) => {
            let active_seats = state.active_seats();
            let active = active_seats.len();
            let pending = state
                .pending
                .keys()
                .filter(|l| !active_seats.contains_key(*l))
                .count();
            json_response(
                200,
                json!({
                    "seat_breakdown": {"total": active + pending, "added_this_cycle": 0, "pending_invitation": state.invited.len(),
                        "pending_cancellation": pending, "active_this_cycle": active, "inactive_this_cycle": 0},
                    "seat_management_setting": state.setting,
                    "ide_chat": "enabled", "platform_chat": "enabled", "cli": "enabled",
                    "public_code_suggestions": "block", "plan_type": state.plan_type,
                }),
            )
        }
        ("GET", ["copilot", "billing", "seats"]) => {
            let seats = state.seat_list();
            let total = seats.len();
            let (items, link) = paginate(&seats, &query, &format!("{base}{path}"));
            let mut response = json_response(200, json!({"total_seats": total, "seats": items}));
            add_link(&mut response, link);
            response
        }
        (
            "POST" | "DELETE",
            [
                "copilot",
                "billing",
                kind @ ("selected_users" | "selected_teams"),
            ],
        ) => {
            if state.setting != "assign_selected" {
                return error(
                    422,
                    "Copilot Business or Enterprise is not enabled for selected members in this organization (seat management setting is not assign_selected)",
                );
            }
            let key = if *kind == "selected_users" {
                "selected_usernames"
            } else {
                "selected_teams"
            };
            let Some(names) = body.get(key).and_then(Value::as_array) else {
                return error(422, &format!("Invalid request: `{key}` is required"));
            };
            let names: Vec<String> = names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
            match (method.as_str(), *kind) {
                ("POST", "selected_users") => post_users(state, &names),
                ("DELETE", "selected_users") => delete_users(state, &names),
                ("POST", _) => post_teams(state, &names),
                _ => delete_teams(state, &names),
            }
        }
        ("GET", ["members"]) => {
            // Only the page is built: an adoption benchmark lists 20,000 members.
            let (range, link) = page_range(state.members.len(), &query, &format!("{base}{path}"));
            let items: Vec<Value> = state.members[range]
                .iter()
                .map(|m| json!({"login": m, "id": 1, "type": "User"}))
                .collect();
            let mut response = json_response(200, Value::Array(items));
            add_link(&mut response, link);
            response
        }
        ("GET", ["teams"]) => {
            let teams: Vec<Value> = state
                .teams
                .iter()
                .map(|(slug, team)| json!({"id": 7, "name": team.name, "slug": slug, "privacy": "closed"}))
                .collect();
            list_page(&teams, &query, &format!("{base}{path}"))
        }
        ("GET", ["members", login, "copilot"]) => {
            if state.invited.contains(&login.to_lowercase()) {
                return error(
                    422,
                    "This user has a pending invitation to the organization",
                );
            }
            let seats = state.seat_list();
            let seat = seats.iter().find(|seat| {
                seat["assignee"]["login"]
                    .as_str()
                    .is_some_and(|l| l.eq_ignore_ascii_case(login))
            });
            match seat {
                Some(seat) => json_response(200, seat.clone()),
                None => error(404, "Not Found"),
            }
        }
        ("GET", ["members", login]) => {
            if state.member(login).is_some() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                error(
                    404,
                    "User does not exist or is not a member of the organization",
                )
            }
        }
        ("GET", ["teams", slug]) => match state.teams.get(*slug) {
            Some(team) => json_response(
                200,
                json!({"id": 7, "name": team.name, "slug": slug, "privacy": "closed"}),
            ),
            None => error(404, "Not Found"),
        },
        ("GET", ["teams", slug, "members"]) => match state.teams.get(*slug) {
            Some(team) => list_page(&member_objects(team), &query, &format!("{base}{path}")),
            None => error(404, "Not Found"),
        },
        _ => error(404, "Not Found"),
    }
}

/// `GET …/copilot/metrics/reports/{kind}[/latest]?day=`: the envelope with signed links
/// to the fake's files (`usage_data`), 204 for a day not ready, 422 without a day.
fn metrics_report(
    kind: &str,
    rest: &[&str],
    query: &BTreeMap<String, String>,
    base: &str,
) -> Response {
    let day = match (rest, query.get("day")) {
        (["latest"], _) if kind.ends_with("-28-day") => None,
        ([], Some(day)) if kind.ends_with("-1-day") => Some(day.as_str()),
        ([], None) => return error(422, "Invalid request: `day` is required"),
        _ => return error(404, "Not Found"),
    };
    match super::usage_data::envelope(base, kind, day) {
        Some(envelope) => json_response(200, envelope),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// `http://host` of a request's URL.
fn base_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    url[..end].to_string()
}

/// A JWT signed (RS256) by the fake's App, issued by it, current, and valid at most 10
/// minutes, as GitHub requires.
fn app_jwt_is_valid(state: &State, jwt: &str) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let Some(app) = &state.app else {
        return false;
    };
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return false;
    };
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        &app.public_key,
    );
    if key
        .verify(format!("{header}.{claims}").as_bytes(), &signature)
        .is_err()
    {
        return false;
    }
    let Some(claims) = URL_SAFE_NO_PAD
        .decode(claims)
        .ok()
        .and_then(|c| serde_json::from_slice::<Value>(&c).ok())
    else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (Some(iat), Some(exp)) = (claims["iat"].as_u64(), claims["exp"].as_u64()) else {
        return false;
    };
    claims["iss"].as_str() == Some(app.id.as_str()) && iat <= now && now < exp && exp - iat <= 600
}

/// Issue comments: list (paged), create, edit, delete.
fn route_comments(
    state: &mut State,
    method: &Method,
    parts: &[&str],
    query: &BTreeMap<String, String>,
    body: &Value,
    url: &str,
) -> Response {
    let text = body
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match (method.as_str(), parts) {
        ("GET", ["repos", owner, repo, "issues", number, "comments"]) => {
            let key = format!("{owner}/{repo}#{number}");
            let items: Vec<Value> = state
                .comments
                .get(&key)
                .map(|list| list.iter().map(|(id, body)| json!({"id": id, "body": body, "user": {"login": "someone"}})).collect())
                .unwrap_or_default();
            let (page, link) = paginate(&items, query, url);
            let mut response = json_response(200, Value::Array(page));
            add_link(&mut response, link);
            response
        }
        ("POST", ["repos", owner, repo, "issues", number, "comments"]) => {
            let id = 1000
                + state
                    .comments
                    .values()
                    .flatten()
                    .map(|(id, _)| *id)
                    .max()
                    .unwrap_or(0);
            let key = format!("{owner}/{repo}#{number}");
            state
                .comments
                .entry(key)
                .or_default()
                .push((id, text.clone()));
            json_response(201, json!({"id": id, "body": text}))
        }
        ("PATCH", ["repos", _, _, "issues", "comments", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            for list in state.comments.values_mut() {
                if let Some(comment) = list.iter_mut().find(|(c, _)| *c == id) {
                    comment.1 = text.clone();
                    return json_response(200, json!({"id": id, "body": text}));
                }
            }
            error(404, "Not Found")
        }
        ("DELETE", ["repos", _, _, "issues", "comments", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            for list in state.comments.values_mut() {
                if let Some(index) = list.iter().position(|(c, _)| *c == id) {
                    list.remove(index);
                    return StatusCode::NO_CONTENT.into_response();
                }
            }
            error(404, "Not Found")
        }
        _ => error(404, "Not Found"),
    }
}

/// `/enterprises/{slug}/…` as API.md "Enterprise" describes it.
fn route_enterprise(
    state: &mut State,
    method: &Method,
    parts: &[&str],
    query: &BTreeMap<String, String>,
    body: &Value,
    url: &str,
) -> Response {
    let names = |key: &str| -> Option<Vec<String>> {
        Some(
            body.get(key)?
                .as_array()?
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
        )
    };
    match (method.as_str(), parts) {
        (_, ["settings", "billing", "budgets", rest @ ..]) => {
            let (status, answer) = state
                .budgets
                .route(false, method.as_str(), rest, query, body);
            json_response(status, answer)
        }
        (_, ["settings", "billing", "cost-centers", rest @ ..]) => {
            let teams: BTreeSet<String> = state
                .teams
                .keys()
                .map(|slug| slug.trim_start_matches("ent:").to_lowercase())
                .collect();
            let members = state.members.clone();
            let (status, answer) =
                state
                    .cost_centers
                    .route(&members, &teams, method.as_str(), rest, query, body);
            json_response(status, answer)
        }
        ("GET", ["installation"]) => match &state.app {
            Some(app) if app.installed => json_response(
                200,
                json!({"id": app.installation_id, "app_id": app.id, "target_type": "Enterprise", "account": {"slug": state.org}}),
            ),
            _ => error(404, "Not Found"),
        },
        ("GET", ["copilot", "metrics", "reports", kind, rest @ ..]) => metrics_report(
            &kind.replace("enterprise", "organization"),
            rest,
            query,
            &base_of(url),
        ),
        ("GET", ["copilot", "billing", "seats"]) => {
            let seats = state.seat_list();
            let users: BTreeSet<String> = seats
                .iter()
                .filter_map(|s| s["assignee"]["login"].as_str().map(str::to_lowercase))
                .collect();
            let (items, link) = paginate(&seats, query, url);
            let mut response =
                json_response(200, json!({"total_seats": users.len(), "seats": items}));
            add_link(&mut response, link);
            response
        }
        ("POST" | "DELETE", ["copilot", "billing", "selected_users"]) => {
            let Some(names) = names("selected_usernames") else {
                return error(422, "Invalid request: `selected_usernames` is required");
            };
            if method == Method::POST {
                post_users(state, &names)
            } else {
                delete_users(state, &names)
            }
        }
        ("POST" | "DELETE", ["copilot", "billing", "selected_enterprise_teams"]) => {
            let Some(names) = names("selected_enterprise_teams") else {
                return error(
                    422,
                    "Invalid request: `selected_enterprise_teams` is required",
                );
            };
            if method == Method::POST {
                post_teams(state, &names)
            } else if state.team_delete_accepted {
                let response = delete_teams(state, &names);
                if response.status() != StatusCode::OK {
                    return response;
                }
                json_response(202, json!({"message": "Status for delete command"}))
            } else {
                delete_teams(state, &names)
            }
        }
        ("GET", ["members", login, "copilot"]) => {
            let grants = state.grants(Some(login));
            if grants.is_empty() {
                return error(404, "Not Found");
            }
            json_response(200, json!({"total_seats": 1, "seats": grants}))
        }
        ("GET", ["teams"]) => {
            let teams: Vec<Value> = state
                .teams
                .iter()
                .map(|(slug, team)| json!({"id": 9, "name": team.name, "slug": slug}))
                .collect();
            list_page(&teams, query, url)
        }
        ("GET", ["teams", slug]) => match state.teams.get(*slug) {
            Some(team) => json_response(
                200,
                json!({"id": 9, "name": team.name, "slug": slug, "group_id": null}),
            ),
            None => error(404, "Not Found"),
        },
        ("GET", ["teams", slug, "memberships"]) => match state.teams.get(*slug) {
            Some(team) => list_page(&member_objects(team), query, url),
            None => error(404, "Not Found"),
        },
        _ => error(404, "Not Found"),
    }
}

fn unknown_users(state: &State, names: &[String]) -> Option<Response> {
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| state.member(n).is_none())
        .map(String::as_str)
        .collect();
    (!unknown.is_empty()).then(|| {
        error(
            404,
            &format!(
                "One or more users do not exist in this organization: {}",
                unknown.join(", ")
            ),
        )
    })
}

fn post_users(state: &mut State, names: &[String]) -> Response {
    if let Some(response) = unknown_users(state, names) {
        return response;
    }
    let mut created = 0;
    for name in names {
        if !state.is_active(name) {
            created += 1;
        }
        state.pending.remove(&name.to_lowercase());
        state.selected_users.insert(name.to_lowercase());
    }
    json_response(201, json!({"seats_created": created}))
}

fn delete_users(state: &mut State, names: &[String]) -> Response {
    if let Some(response) = unknown_users(state, names) {
        return response;
    }
    let mut cancelled = 0;
    for name in names {
        let key = name.to_lowercase();
        if state.selected_users.remove(&key) {
            if !state.is_active(name) {
                state.pending.insert(key, CYCLE_END.to_string());
                cancelled += 1;
            }
        } else if state.seat_team(name).is_some() {
            // Names earlier in the request stay cancelled (API.md: unverified, the worse case).
            return error(
                422,
                &format!(
                    "{name}: a user's seat cannot be cancelled because it was assigned to them via a team"
                ),
            );
        }
    }
    json_response(200, json!({"seats_cancelled": cancelled}))
}

/// Slugs of the teams named, or GitHub's 404 message naming the unknown ones.
fn team_slugs(state: &State, names: &[String]) -> Result<Vec<String>, String> {
    let mut slugs = Vec::new();
    let mut unknown = Vec::new();
    for name in names {
        match state
            .teams
            .iter()
            .find(|(_, t)| t.name.eq_ignore_ascii_case(name))
        {
            Some((slug, _)) => slugs.push(slug.clone()),
            None => unknown.push(name.as_str()),
        }
    }
    if unknown.is_empty() {
        Ok(slugs)
    } else {
        Err(format!(
            "One or more teams do not exist in this organization: {}",
            unknown.join(", ")
        ))
    }
}

fn post_teams(state: &mut State, names: &[String]) -> Response {
    let slugs = match team_slugs(state, names) {
        Ok(slugs) => slugs,
        Err(message) => return error(404, &message),
    };
    let before: BTreeSet<String> = state.active_seats().into_keys().collect();
    state.selected_teams.extend(slugs);
    let after: BTreeSet<String> = state.active_seats().into_keys().collect();
    for login in &after {
        state.pending.remove(login);
    }
    json_response(
        201,
        json!({"seats_created": after.difference(&before).count()}),
    )
}

fn delete_teams(state: &mut State, names: &[String]) -> Response {
    let slugs = match team_slugs(state, names) {
        Ok(slugs) => slugs,
        Err(message) => return error(404, &message),
    };
    let before: BTreeSet<String> = state.active_seats().into_keys().collect();
    for slug in &slugs {
        state.selected_teams.remove(slug);
    }
    let after: BTreeSet<String> = state.active_seats().into_keys().collect();
    let lost: Vec<String> = before.difference(&after).cloned().collect();
    for login in &lost {
        state.pending.insert(login.clone(), CYCLE_END.to_string());
    }
    json_response(200, json!({"seats_cancelled": lost.len()}))
}

/// `per_page` (default 50, at most 100) and `page`, with a `Link` to the next page.
fn paginate(
    items: &[Value],
    query: &BTreeMap<String, String>,
    url: &str,
) -> (Vec<Value>, Option<String>) {
    let (range, link) = page_range(items.len(), query, url);
    (items[range].to_vec(), link)
}

/// The indexes of the page `query` asks for among `len` items, and its `Link` header.
fn page_range(
    len: usize,
    query: &BTreeMap<String, String>,
    url: &str,
) -> (std::ops::Range<usize>, Option<String>) {
    let per_page = query
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(50usize)
        .clamp(1, 100);
    let page = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    let start = ((page - 1) * per_page).min(len);
    let end = (start + per_page).min(len);
    let last = len.div_ceil(per_page).max(1);
    let link = (page < last).then(|| {
        format!(
            "<{url}?per_page={per_page}&page={}>; rel=\"next\", <{url}?per_page={per_page}&page={last}>; rel=\"last\"",
            page + 1
        )
    });
    (start..end, link)
}

/// A page of a list endpoint, with its `Link` header.
fn list_page(items: &[Value], query: &BTreeMap<String, String>, url: &str) -> Response {
    let (page, link) = paginate(items, query, url);
    let mut response = json_response(200, Value::Array(page));
    add_link(&mut response, link);
    response
}

/// A team's members as GitHub lists them.
fn member_objects(team: &Team) -> Vec<Value> {
    team.members
        .iter()
        .map(|m| json!({"login": m, "id": 1, "type": "User"}))
        .collect()
}

fn add_link(response: &mut Response, link: Option<String>) {
    if let Some(link) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert("link", link);
    }
}

fn json_response(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        axum::Json(body),
    )
        .into_response()
}

fn error(status: u16, message: &str) -> Response {
    json_response(
        status,
        json!({"message": message, "documentation_url": "https://docs.github.com/rest/copilot/copilot-user-management", "status": status.to_string()}),
    )
}
