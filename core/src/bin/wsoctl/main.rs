//! `wsoctl`: WSO Desk without a window (spec/cli.md). Thin: parse the
//! command line, open the desk, call core, print. Every rule lives in core.

mod args;
mod complaints;
mod handoff;
mod holds;
mod output;
mod report;
mod sync;

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Parser;

use args::{AuditCommand, Cli, Command, OfficerCommand, UserCommand};
use wso_core::auth::Actor;
use wso_core::{Desk, Error, Result};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("wsoctl: {}", one_sentence(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    let json = cli.global.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("wsoctl: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Core(e)) => {
            if json {
                // Machine readers get the code and field too; stdout stays one document.
                println!("{}", serde_json::json!({ "error": e.to_public() }));
            }
            eprintln!("wsoctl: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

pub enum Failure {
    Usage(String),
    Core(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

pub type CliResult<T = ()> = std::result::Result<T, Failure>;

/// The clock is read here, at the edge, and nowhere in core. Sub-second
/// precision is kept for the audit log (AU-8); custody times are whole seconds.
pub fn clock_now() -> DateTime<Utc> {
    Utc::now()
}

pub struct Context {
    pub db: PathBuf,
    pub key_file: Option<PathBuf>,
    pub as_user: Option<String>,
    pub json: bool,
}

impl Context {
    pub fn open(&self) -> Result<Desk> {
        Desk::open(&self.db, self.key_file.as_deref())
    }

    /// The user a mutating command runs as (`--as` / `WSO_USER`).
    pub fn actor(&self, desk: &Desk) -> CliResult<Actor> {
        let name = self.as_user.as_deref().ok_or_else(|| {
            Failure::Usage("this command needs --as USERNAME (or WSO_USER)".into())
        })?;
        Ok(desk.actor(name)?)
    }

    /// `--now` for read commands, else the clock.
    pub fn now_or(&self, now: Option<&str>) -> CliResult<DateTime<Utc>> {
        match now {
            Some(t) => Ok(wso_core::time::parse_instant("now", t)?),
            None => Ok(clock_now()),
        }
    }
}

fn run(cli: Cli) -> CliResult {
    let ctx = Context {
        db: cli
            .global
            .db
            .clone()
            .unwrap_or_else(wso_core::store::default_db_path),
        key_file: cli.global.db_key_file.clone(),
        as_user: cli.global.as_user.clone(),
        json: cli.global.json,
    };
    match cli.command {
        Command::Init {
            facility,
            desk_id,
            admin,
            password_stdin,
        } => {
            let text = std::fs::read_to_string(&facility).map_err(|e| {
                Error::invalid(
                    "facility",
                    format!("cannot read {}: {e}", facility.display()),
                )
            })?;
            let password = read_password(password_stdin)?;
            let (desk, key) = Desk::init(
                &ctx.db,
                ctx.key_file.as_deref(),
                &text,
                &desk_id,
                &admin,
                &password,
                clock_now(),
            )?;
            if key.created {
                eprintln!(
                    "wsoctl: warning: no OS keyring is used on this desk; the database key was written to {} (mode 0600). Keep it apart from backups.",
                    key.path.display()
                );
            }
            output::print(
                &ctx,
                &serde_json::json!({
                    "db": ctx.db, "key_file": key.path, "facility_id": desk.facility().id, "desk_id": desk.desk_id(),
                }),
                &format!(
                    "initialised {} for {} (desk {})",
                    ctx.db.display(),
                    desk.facility().name,
                    desk.desk_id()
                ),
            );
        }
        Command::User(UserCommand::Add {
            username,
            full_name,
            role,
            password_stdin,
        }) => {
            let password = read_password(password_stdin)?;
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            let user = desk.add_user(
                &actor,
                &username,
                &full_name,
                role.into(),
                &password,
                clock_now(),
            )?;
            output::print(
                &ctx,
                &user,
                &format!("added {} ({})", user.username, user.role.as_str()),
            );
        }
        Command::User(UserCommand::Unlock { username }) => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            desk.unlock_user(&actor, &username, clock_now())?;
            output::print(
                &ctx,
                &serde_json::json!({ "unlocked": username }),
                &format!("unlocked {username}"),
            );
        }
        Command::Officer(OfficerCommand::Add {
            credential,
            name,
            trained_on,
            expires_on,
            authorized_on,
        }) => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            let o = desk.add_officer(
                &actor,
                &credential,
                &name,
                &trained_on,
                &expires_on,
                &authorized_on,
                clock_now(),
            )?;
            output::print(
                &ctx,
                &o,
                &format!(
                    "added officer {} (valid {} to {})",
                    o.credential, o.trained_on, o.expires_on
                ),
            );
        }
        Command::Officer(OfficerCommand::List) => {
            let desk = ctx.open()?;
            let officers = desk.officers()?;
            let text = officers
                .iter()
                .map(|o| {
                    format!(
                        "{}  {}  {} to {}  authorized {}{}{}",
                        o.credential,
                        o.name,
                        o.trained_on,
                        o.expires_on,
                        o.authorized_on
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| o.authorization_note.unwrap_or_default().into()),
                        o.withdrawn_at
                            .map(|w| format!("  WITHDRAWN {}", wso_core::time::utc_text(w)))
                            .unwrap_or_default(),
                        if o.active { "" } else { "  (inactive)" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            output::print(&ctx, &officers, &text);
        }
        Command::Officer(OfficerCommand::Withdraw {
            credential,
            at,
            reason,
        }) => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            let o = desk.withdraw_officer(&actor, &credential, &at, &reason, clock_now())?;
            output::print(
                &ctx,
                &o,
                &format!("authorization of {} withdrawn", o.credential),
            );
        }
        Command::Incident(cmd) => holds::incidents(&ctx, cmd)?,
        Command::Hold(cmd) => holds::run(&ctx, *cmd)?,
        Command::Handoff(a) => handoff::run(&ctx, a)?,
        Command::Complaint(cmd) => complaints::run(&ctx, cmd)?,
        Command::Report(a) => report::run(&ctx, a)?,
        Command::Audit(AuditCommand::Verify) => {
            let desk = ctx.open()?;
            let (events, records) = desk.verify()?;
            output::print(
                &ctx,
                &serde_json::json!({ "ok": true, "events": events, "audit_records": records }),
                &format!(
                    "ok: {events} sync events and {records} audit records, both chains intact"
                ),
            );
        }
        Command::Sync(args) => sync::run(&ctx, args)?,
        Command::Backup { out } => {
            let desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            desk.backup(&actor, &out, clock_now())?;
            output::print(
                &ctx,
                &serde_json::json!({ "backup": out }),
                &format!("backup written to {}", out.display()),
            );
        }
    }
    Ok(())
}

/// clap's usage errors span several lines; cli.md wants one sentence.
fn one_sentence(rendered: &str) -> String {
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut first = lines
        .next()
        .unwrap_or("usage error")
        .trim_start_matches("error: ")
        .to_owned();
    // "the following required arguments were not provided:" names them on the next line.
    if first.ends_with(':') {
        if let Some(named) = lines.next() {
            first = format!("{first} {named}");
        }
    }
    match lines.find(|l| l.starts_with("[possible values:")) {
        Some(values) => format!("{first} {}", values.replace('[', "(").replace(']', ")")),
        None => first,
    }
}

fn read_password(password_stdin: bool) -> CliResult<String> {
    if !password_stdin {
        return Err(Failure::Usage(
            "give the password on standard input with --password-stdin".into(),
        ));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::invalid("password", format!("cannot read standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
