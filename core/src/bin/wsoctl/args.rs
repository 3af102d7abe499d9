//! The command line as spec/cli.md defines it. Values outside an enumeration
//! are usage errors (exit 2), caught here by clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "wsoctl",
    version,
    about = "WSO Desk from the command line: holds, officers, users, audit, backup"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// The desk database (default: the app's data file)
    #[arg(long, global = true, env = "WSO_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// File holding the database key (default: PATH.key beside the database)
    #[arg(long, global = true, env = "WSO_DB_KEY_FILE", value_name = "FILE")]
    pub db_key_file: Option<PathBuf>,
    /// The user this action is attributed to
    #[arg(long = "as", global = true, env = "WSO_USER", value_name = "USERNAME")]
    pub as_user: Option<String>,
    /// Print one JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Sign in for this command alone with the password in FILE (mode 0600)
    #[arg(long, global = true, env = "WSO_PASSWORD_FILE", value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new desk database for a facility
    Init {
        #[arg(long, value_name = "FACILITY.toml")]
        facility: PathBuf,
        #[arg(long)]
        desk_id: String,
        #[arg(long, value_name = "USERNAME")]
        admin: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign in on this desk (--as USERNAME): a session for 30 idle minutes, 12 hours at most
    Login {
        #[arg(long)]
        password_stdin: bool,
    },
    /// End this user's session on this desk
    Logout,
    #[command(subcommand)]
    User(UserCommand),
    #[command(subcommand)]
    Officer(OfficerCommand),
    #[command(subcommand)]
    Hold(Box<HoldCommand>),
    #[command(subcommand)]
    Audit(AuditCommand),
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Deliver the outbox to the ICE endpoint and pull ICE updates
    Sync(crate::sync::SyncArgs),
    /// Print the shift handoff sheet to a PDF, or acknowledge a handoff
    Handoff(crate::handoff::HandoffArgs),
    /// Complaints about officers and non-designated staff (supervisors)
    #[command(subcommand)]
    Complaint(crate::complaints::ComplaintCommand),
    /// The oversight report for a period, as JSON, PDF and CSV (supervisors)
    Report(crate::report::ReportArgs),
    /// Write an encrypted copy of the live database
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        password_stdin: bool,
    },
    /// The desk's users (admins)
    List,
    /// Change your own password (--as): current and new on standard input, one a line
    Password {
        #[arg(long)]
        password_stdin: bool,
    },
    /// Unlock an account locked after failed sign-ins
    Unlock {
        username: String,
        /// No session: the database key vouches (the way back for a locked admin)
        #[arg(long)]
        with_key: bool,
    },
    /// Deactivate an account: it can no longer sign in
    Deactivate { username: String },
    /// Give an account another role
    Role {
        username: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Subcommand)]
pub enum OfficerCommand {
    Add {
        #[arg(long)]
        credential: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "DATE")]
        trained_on: String,
        #[arg(long, value_name = "DATE")]
        expires_on: String,
        /// Date of the authorization letter and ICE Form 70-006
        #[arg(long, value_name = "DATE")]
        authorized_on: String,
    },
    List,
    /// Record ICE's written withdrawal of an officer's authorization
    Withdraw {
        credential: String,
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check both hash chains (sync events and the local audit log); with
    /// --endpoint, also compare this desk's events with the copy ICE holds
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Also compare with the ICE endpoint's copy of this desk's events (exit 1 on a difference)
    #[arg(long, value_name = "URL", requires = "token_file")]
    pub endpoint: Option<String>,
    /// File holding this desk's token (first line); with --endpoint
    #[arg(long, value_name = "FILE", requires = "endpoint")]
    pub token_file: Option<PathBuf>,
    /// The agency's own CA certificate (PEM), trusted besides the public roots
    #[arg(long, value_name = "PEM", requires = "endpoint")]
    pub ca_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// Incidents, unreviewed first (supervisors)
    List {
        #[arg(long)]
        all: bool,
    },
    /// Review an incident with a note (supervisors)
    Review {
        incident_id: String,
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand)]
pub enum HoldCommand {
    /// Book a WSO arrest
    Open(Box<OpenArgs>),
    List {
        #[arg(long)]
        all: bool,
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    Show {
        hold_id: String,
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    Move {
        hold_id: String,
        #[arg(long)]
        zone: String,
        #[arg(long, value_name = "TIME")]
        at: String,
    },
    Transfer {
        hold_id: String,
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long, value_name = "NAME")]
        ice_officer: String,
        /// The ICE office or detention facility the person was taken to
        #[arg(long, value_name = "NAME")]
        destination: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record the notice to ICE of the service (when sync could not deliver it)
    Notify {
        hold_id: String,
        #[arg(long, value_enum)]
        method: MethodArg,
        #[arg(long, value_name = "NAME")]
        to: String,
        #[arg(long, value_name = "TIME")]
        at: String,
    },
    /// Record a claim of U.S. citizenship, in the person's words
    Claim {
        hold_id: String,
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long, value_name = "TEXT")]
        statement: String,
    },
    /// Record that a claim was reported to ICE
    ClaimReported {
        hold_id: String,
        #[arg(long, value_name = "CLAIM_ID")]
        claim: String,
        #[arg(long, value_enum)]
        method: MethodArg,
        #[arg(long, value_name = "NAME")]
        to: String,
        #[arg(long, value_name = "TIME")]
        at: String,
    },
    /// Place an open hold under one of the facility's agreements (supervisors)
    Agreement {
        hold_id: String,
        #[arg(long, value_name = "AGREEMENT_ID")]
        agreement: String,
        #[arg(long, value_name = "TIME")]
        at: String,
    },
    Release {
        hold_id: String,
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long, value_enum)]
        reason: ReasonArg,
        #[arg(long)]
        note: Option<String>,
    },
    /// Void a duplicate booking (supervisors): the same warrant booked at two
    /// desks while apart; name the hold that is kept
    Void {
        hold_id: String,
        #[arg(long, value_name = "HOLD_ID")]
        kept: String,
        #[arg(long)]
        note: String,
    },
    Correct {
        hold_id: String,
        #[arg(long)]
        field: String,
        #[arg(long)]
        value: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args)]
pub struct OpenArgs {
    #[arg(long)]
    pub family_name: String,
    #[arg(long)]
    pub given_names: String,
    #[arg(long, value_name = "DATE")]
    pub dob: String,
    #[arg(long)]
    pub booking_number: String,
    #[arg(long)]
    pub a_number: Option<String>,
    #[arg(long, value_enum)]
    pub warrant_form: FormArg,
    #[arg(long)]
    pub warrant_number: String,
    #[arg(long)]
    pub detainer_number: Option<String>,
    #[arg(long, value_name = "CREDENTIAL")]
    pub officer: String,
    #[arg(long, value_name = "TIME")]
    pub served_at: String,
    #[arg(long)]
    pub zone: String,
    #[arg(long, value_name = "DEG", allow_hyphen_values = true)]
    pub lat: Option<f64>,
    #[arg(long, value_name = "DEG", allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// When local criminal custody ended (or ends)
    #[arg(long, value_name = "TIME")]
    pub criminal_release_at: String,
    #[arg(long, value_enum)]
    pub criminal_release_basis: BasisArg,
    /// The ICE officer supervising or directing the service (name or badge)
    #[arg(long, value_name = "NAME")]
    pub ice_supervisor: String,
    /// The language the person understands
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    #[arg(long, value_name = "NAME", conflicts_with = "interpreter_declined")]
    pub interpreter: Option<String>,
    #[arg(long)]
    pub interpreter_declined: bool,
    /// Book under this agreement of the facility instead of the 48 hours
    #[arg(long, value_name = "AGREEMENT_ID")]
    pub agreement: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Deputy,
    Supervisor,
    Admin,
}

impl From<RoleArg> for wso_core::auth::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Deputy => Self::Deputy,
            RoleArg::Supervisor => Self::Supervisor,
            RoleArg::Admin => Self::Admin,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormArg {
    #[value(name = "I-200")]
    I200,
    #[value(name = "I-205")]
    I205,
}

impl FormArg {
    pub fn as_str(self) -> &'static str {
        match self {
            FormArg::I200 => "I-200",
            FormArg::I205 => "I-205",
        }
    }
}

/// Release reasons (agreement.md s5); core's `ReleaseReason` parses the name.
#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ReasonArg {
    DeadlineReached,
    DetainerCancelled,
    WarrantWithdrawn,
    IceAuthorizedRelease,
    CourtOrder,
    ReturnedToCriminalCustody,
    IdentityOrWarrantDefect,
    AuthorityLapsed,
    Other,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum BasisArg {
    Bond,
    Dismissed,
    SentenceComplete,
    CourtOrder,
    Other,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum MethodArg {
    Phone,
    Email,
    Other,
}

/// The value's name as typed: core parses it (one list of words, in core).
pub fn value_name<V: ValueEnum>(v: V) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_owned())
        .unwrap_or_default()
}
