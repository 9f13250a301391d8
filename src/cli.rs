//! The command line: commands and flags, nothing else.

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Shown under `--help` and in the man page.
const AFTER_HELP: &str = "\
Authentication, never on the command line:
  COPILOT_SEATS_TOKEN   the token for the seat calls (classic PAT with manage_billing:copilot,
                        or fine-grained with \"GitHub Copilot Business\"); set but empty is an error
  GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_PATH
                        a GitHub App instead: its installation token on the org
  GH_TOKEN, GITHUB_TOKEN
                        used when neither of the above is set
  GITHUB_TOKEN          the workflow's token, for `plan --comment` (pull-requests: write)
Networks: HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured; SSL_CERT_FILE or SSL_CERT_DIR
add a CA (a TLS-inspecting proxy's) to the system's and the bundled roots.

Exit codes:
  0    success; with --detailed-exitcode, no changes
  1    error: invalid file, GitHub error, blocked plan, refused or partly failed apply
  2    plan --detailed-exitcode: success with changes pending
  130  apply interrupted by SIGINT or SIGTERM; run it again to converge";

/// The flags that only matter to commands that call GitHub.
const NETWORK_FLAGS: [&str; 7] = [
    "api_url",
    "allow_insecure_http",
    "request_timeout",
    "max_rate_limit_wait",
    "points_per_minute",
    "write_interval_ms",
    "max_concurrency",
];
/// Commands that never call GitHub: their help leaves the network flags out.
const OFFLINE_COMMANDS: [&str; 6] = ["validate", "add", "remove", "schema", "completions", "man"];

/// The command line as clap sees it: the derive, with the network flags hidden from the
/// help of offline commands (they are still accepted, as global flags are, so that one
/// set of flags works before any command).
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    let hidden: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| NETWORK_FLAGS.contains(&arg.get_id().as_str()))
        .map(|arg| arg.clone().hide(true))
        .collect();
    for name in OFFLINE_COMMANDS {
        // A subcommand that has an argument of the global's id keeps its own copy.
        command = command.mut_subcommand(name, |sub| sub.args(hidden.clone()));
    }
    command
}

#[derive(Debug, Parser)]
#[command(
    name = "copilot-seats",
    version,
    about = "GitOps for GitHub Copilot seats: plan and apply seat assignments from a reviewed file",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The seat file, or a directory of them (every *.yaml and *.yml in it); repeatable,
    /// one target (org) per file
    #[arg(
        short = 'f',
        long = "file",
        global = true,
        default_value = "copilot-seats.yaml",
        action = clap::ArgAction::Append
    )]
    pub file: Vec<PathBuf>,
    /// Only these targets (orgs) of the files; repeatable
    #[arg(long = "target", global = true, value_name = "NAME", action = clap::ArgAction::Append)]
    pub target: Vec<String>,
    /// GitHub's REST API root (https://api.SUBDOMAIN.ghe.com for data residency)
    #[arg(
        long,
        global = true,
        env = "GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub api_url: String,
    /// Send the token over a plain-http --api-url to a host that is not this machine
    /// (refused by default: the token would cross the network in clear)
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// Colour in output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Log each request to stderr
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Timeout of one request, in seconds
    #[arg(long, global = true, default_value_t = 30, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// The longest total wait for GitHub's rate limits in one request, in seconds
    #[arg(long, global = true, default_value_t = 900, value_name = "SECONDS")]
    pub max_rate_limit_wait: u64,
    /// Secondary-rate-limit points spent at most per minute (GET 1, write 5; GitHub allows 900)
    #[arg(long, global = true, default_value_t = 800, value_name = "N",
          value_parser = clap::value_parser!(u32).range(5..=900))]
    pub points_per_minute: u32,
    /// Pause between two writes, in milliseconds (GitHub asks for at least 1000)
    #[arg(long, global = true, default_value_t = 1000, value_name = "N")]
    pub write_interval_ms: u64,
    /// Reads in flight at once, 1 to 10
    #[arg(long, global = true, default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=10))]
    pub max_concurrency: u64,
    /// The day `expires` is checked against, YYYY-MM-DD (default: today, UTC)
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the file offline; no network
    Validate,
    /// Fetch the live seats and print what apply would change
    Plan(PlanArgs),
    /// Plan (or load --plan FILE), then make the changes
    Apply(ApplyArgs),
    /// Print today's seats as a valid copilot-seats.yaml
    Export(ExportArgs),
    /// List the live seats: source, pending cancellation, last activity, editor
    Seats(SeatsArgs),
    /// Show the org's Copilot billing settings and seat breakdown
    Status(StatusArgs),
    /// Copilot usage summarised: daily active and engaged users, per user, per team
    Usage(UsageArgs),
    /// Add users (or teams with --team) to the file, or give existing ones new values
    Add(AddArgs),
    /// Remove users (or teams with --team) from the file
    Remove(RemoveArgs),
    /// List unused and expired seats; --write removes their entries from the file
    Reclaim(ReclaimArgs),
    /// Print the JSON Schema of the file (for editors: yaml-language-server)
    Schema,
    /// Print shell completions
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff); --out-dir writes it with one page per command
    Man {
        /// Write copilot-seats.1 and copilot-seats-COMMAND.1 here instead of printing
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Also write the JSON plan here, for `apply --plan`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when there are changes, 0 when there are none
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Read live seats from a snapshot file instead of the API (offline)
    #[arg(long, value_name = "SNAPSHOT.json")]
    pub state: Option<PathBuf>,
    /// Upsert the Markdown plan as one sticky comment on the pull request (GitHub Actions;
    /// uses GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_EVENT_PATH)
    #[arg(long)]
    pub comment: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Apply this saved plan (from `plan --out`) instead of planning anew
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Apply even when the plan is blocked by limits.max_removals or the zero-seat guard
    #[arg(long)]
    pub allow_mass_removal: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The organization whose seats to export; repeatable, with --out-dir
    #[arg(long, required_unless_present = "enterprise", action = clap::ArgAction::Append)]
    pub org: Vec<String>,
    /// Export an enterprise's licences as an enterprise file instead
    #[arg(long, value_name = "SLUG", conflicts_with = "org")]
    pub enterprise: Option<String>,
    /// Write DIR/ORG.yaml for each --org instead of printing
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Read live seats from a snapshot file instead of the API (offline); with several
    /// --org, a directory holding ORG.json for each
    #[arg(long, value_name = "SNAPSHOT.json")]
    pub state: Option<PathBuf>,
    /// Leave out direct users without Copilot activity for N days or more (never-used
    /// seats count from assignment)
    #[arg(long, value_name = "N")]
    pub skip_inactive_days: Option<u32>,
    /// With --out-dir: overwrite a file that exists (its comments and settings are lost)
    #[arg(long, requires = "out_dir", conflicts_with = "update")]
    pub force: bool,
    /// With --out-dir: merge today's seats into a file that exists, keeping everything else
    /// (new seat holders added, those without a seat removed)
    #[arg(long, requires = "out_dir")]
    pub update: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeatsFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct SeatsArgs {
    /// The organization (default: the file's `org`)
    #[arg(long, conflicts_with = "enterprise")]
    pub org: Option<String>,
    /// An enterprise's licences instead: one row per user, with every grant
    #[arg(long, value_name = "SLUG")]
    pub enterprise: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = SeatsFormat::Table)]
    pub format: SeatsFormat,
    /// Only seats without Copilot activity for N days or more (never-used seats count
    /// from assignment)
    #[arg(long, value_name = "N")]
    pub inactive_days: Option<u32>,
    /// Only seats with no recorded activity
    #[arg(long)]
    pub never_used: bool,
    /// Only seats held through this team
    #[arg(long, value_name = "SLUG")]
    pub team: Option<String>,
    /// One user's seat, asked of GitHub directly
    #[arg(long, value_name = "LOGIN", conflicts_with_all = ["inactive_days", "never_used", "team", "state"])]
    pub user: Option<String>,
    /// Read live seats from a snapshot file instead of the API (offline)
    #[arg(long, value_name = "SNAPSHOT.json")]
    pub state: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The organization (default: the file's `org`)
    #[arg(long, conflicts_with = "enterprise")]
    pub org: Option<String>,
    /// An enterprise instead: its licences by grant and each budget's spent / amount
    #[arg(long, value_name = "SLUG")]
    pub enterprise: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UsageFormat {
    /// A table with a sparkline of daily active users
    Text,
    /// One row per day (or user), the JSON field names as its header
    Csv,
    Json,
    /// A table and a Mermaid chart, for pull requests and job summaries
    Markdown,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Logins (or team slugs with --team)
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// Edit `teams` (`enterprise_teams` in an enterprise file) instead of `users`
    #[arg(long)]
    pub team: bool,
    /// The day the seat ends (removed from the day after), YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<String>,
    /// Free text shown in plans
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Edit the cost center NAME of an enterprise file instead: its `users`, or with
    /// --team, --org or --repo its enterprise teams, organizations or repositories
    #[arg(long, value_name = "NAME")]
    pub cost_center: Option<String>,
    /// With --cost-center: the names are organizations
    #[arg(long, requires = "cost_center", conflicts_with_all = ["team", "repo"])]
    pub org: bool,
    /// With --cost-center: the names are repositories (`owner/name`)
    #[arg(long, requires = "cost_center", conflicts_with = "team")]
    pub repo: bool,
    /// Print the diff instead of writing the file
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Logins (or team slugs with --team)
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// Edit `teams` (`enterprise_teams` in an enterprise file) instead of `users`
    #[arg(long)]
    pub team: bool,
    /// Edit the cost center NAME of an enterprise file instead: its `users`, or with
    /// --team, --org or --repo its enterprise teams, organizations or repositories
    #[arg(long, value_name = "NAME")]
    pub cost_center: Option<String>,
    /// With --cost-center: the names are organizations
    #[arg(long, requires = "cost_center", conflicts_with_all = ["team", "repo"])]
    pub org: bool,
    /// With --cost-center: the names are repositories (`owner/name`)
    #[arg(long, requires = "cost_center", conflicts_with = "team")]
    pub repo: bool,
    /// Print the diff instead of writing the file
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReclaimFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ReclaimArgs {
    /// Remove the reclaimed entries from the file
    #[arg(long)]
    pub write: bool,
    /// With --write: print the diff instead of writing the file
    #[arg(long, requires = "write")]
    pub dry_run: bool,
    /// Output format (markdown: a pull-request body that @-mentions each person)
    #[arg(long, value_enum, default_value_t = ReclaimFormat::Text)]
    pub format: ReclaimFormat,
    /// Read live seats from a snapshot file instead of the API (offline)
    #[arg(long, value_name = "SNAPSHOT.json")]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// The organization (default: the file's target, or every target of -f DIR)
    #[arg(long, conflicts_with = "enterprise")]
    pub org: Option<String>,
    /// An enterprise, by slug
    #[arg(long, value_name = "SLUG")]
    pub enterprise: Option<String>,
    /// One row per user over the window, with whether they hold a seat
    #[arg(long, conflicts_with = "team")]
    pub users: bool,
    /// One team's days: its members' activity from each day's reports (default: the last 7 complete days)
    #[arg(long, value_name = "SLUG")]
    pub team: Option<String>,
    /// One day, YYYY-MM-DD (the 1-day reports)
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with_all = ["since", "until"])]
    pub day: Option<String>,
    /// The first day, YYYY-MM-DD (default: the latest 28 days)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// The last day, YYYY-MM-DD (default: yesterday, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Keep the report files as they came (NDJSON, one per part) in this directory
    #[arg(long, value_name = "DIR", conflicts_with = "from")]
    pub download: Option<PathBuf>,
    /// Summarise files saved by --download, offline (no token, no network)
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = UsageFormat::Text)]
    pub format: UsageFormat,
}
