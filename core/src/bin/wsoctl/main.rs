//! `wsoctl`: WSO Desk without a window (spec/cli.md). Thin: parse the
//! command line, open the desk, call core, print. Every rule lives in core.

mod args;
mod complaints;
mod handoff;
mod holds;
mod login;
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
    pub password_file: Option<PathBuf>,
}

impl Context {
    pub fn open(&self) -> Result<Desk> {
        Desk::open(&self.db, self.key_file.as_deref())
    }

    /// The signed-in user a command runs as (`--as` / `WSO_USER`): a live
    /// `wsoctl login` session of that user on this database, or, with
    /// `--password-file`, a sign-in for this command alone.
    pub fn actor(&self, desk: &mut Desk) -> CliResult<Actor> {
        let name = self.as_user.as_deref().ok_or_else(|| {
            Failure::Usage("this command needs --as USERNAME (or WSO_USER)".into())
        })?;
        if let Some(file) = &self.password_file {
            let password = login::password_from_file(file)?;
            return Ok(desk.one_command_sign_in(name, &password, clock_now())?);
        }
        let token = login::read_token(&self.db, name)?;
        Ok(desk.cli_session_actor(name, token.as_deref(), clock_now())?)
    }

    /// As [`Context::actor`], for a read of personal data: the read is audited.
    pub fn reader(&self, desk: &mut Desk, action: &str, target: Option<&str>) -> CliResult<Actor> {
        let actor = self.actor(desk)?;
        desk.audit_read(&actor, action, target, clock_now())?;
        Ok(actor)
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
        password_file: cli.global.password_file.clone(),
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
        Command::Login { password_stdin } => login::login(&ctx, password_stdin)?,
        Command::Logout => login::logout(&ctx)?,
        Command::User(cmd) => users(&ctx, cmd)?,
        Command::Officer(OfficerCommand::Add {
            credential,
            name,
            trained_on,
            expires_on,
            authorized_on,
        }) => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
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
            let mut desk = ctx.open()?;
            ctx.reader(&mut desk, "officer.list", None)?;
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
            let actor = ctx.actor(&mut desk)?;
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
        Command::Audit(AuditCommand::Verify(args)) => {
            let desk = ctx.open()?;
            let v = desk.verify(clock_now())?;
            let anchor = match (&args.endpoint, &args.token_file) {
                (Some(url), Some(token_file)) => Some(sync::compare_with_endpoint(
                    &desk,
                    url,
                    token_file,
                    args.ca_file.as_deref(),
                )?),
                _ => None,
            };
            let also = anchor
                .as_ref()
                .map(|a| format!("; {}", a.describe()))
                .unwrap_or_default();
            let mut report = serde_json::to_value(&v).unwrap_or_default();
            report["ok"] = serde_json::Value::Bool(true);
            report["endpoint"] = serde_json::to_value(&anchor).unwrap_or_default();
            output::print(
                &ctx,
                &report,
                &format!(
                    "ok: {} sync events and {} audit records, both chains intact; {} holds match their events; {} users and {} officers match their audited changes ({} officer names predate auditing, {} not checked){also}",
                    v.events, v.audit_records, v.holds, v.people.users, v.people.officers,
                    v.people.officer_names_not_audited, v.people.not_checked
                ),
            );
        }
        Command::Sync(args) => sync::run(&ctx, args)?,
        Command::Backup { out } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
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

pub fn read_password(password_stdin: bool) -> CliResult<String> {
    if !password_stdin {
        return Err(Failure::Usage(
            "give the password on standard input with --password-stdin".into(),
        ));
    }
    read_line("password")
}

fn read_line(field: &str) -> CliResult<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::invalid(field, format!("cannot read standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// `wsoctl user ...`
fn users(ctx: &Context, cmd: UserCommand) -> CliResult {
    match cmd {
        UserCommand::Add {
            username,
            full_name,
            role,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let user = desk.add_user(
                &actor,
                &username,
                &full_name,
                role.into(),
                &password,
                clock_now(),
            )?;
            output::print(
                ctx,
                &user,
                &format!("added {} ({})", user.username, user.role.as_str()),
            );
        }
        UserCommand::List => {
            let mut desk = ctx.open()?;
            let actor = ctx.reader(&mut desk, "user.list", None)?;
            let users = desk.users(&actor)?;
            let text = users
                .iter()
                .map(|u| {
                    let mut flags = Vec::new();
                    if !u.active {
                        flags.push("inactive");
                    }
                    if u.locked {
                        flags.push("locked");
                    }
                    if u.must_change_password {
                        flags.push("must change password");
                    }
                    format!(
                        "{}  {}  {}  {}",
                        u.username,
                        u.full_name,
                        u.role.as_str(),
                        flags.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            output::print(ctx, &users, &text);
        }
        UserCommand::Password { password_stdin } => {
            let user = ctx.as_user.as_deref().ok_or_else(|| {
                Failure::Usage("this command needs --as USERNAME (or WSO_USER)".into())
            })?;
            if !password_stdin {
                return Err(Failure::Usage(
                    "give the current and the new password on standard input, one a line, with --password-stdin".into(),
                ));
            }
            let current = read_line("current_password")?;
            let new = read_line("new_password")?;
            let mut desk = ctx.open()?;
            desk.change_own_password(user, &current, &new, clock_now())?;
            output::print(
                ctx,
                &serde_json::json!({ "password_changed": user }),
                &format!("password changed for {user}; sign in with it: wsoctl login --as {user}"),
            );
        }
        UserCommand::Unlock { username, with_key } => {
            if with_key {
                // The key file itself must be at hand and open this database.
                let key_file = ctx.key_file.clone().unwrap_or_else(|| {
                    let mut p = ctx.db.as_os_str().to_owned();
                    p.push(".key");
                    PathBuf::from(p)
                });
                let mut desk = Desk::open(&ctx.db, Some(&key_file))?;
                desk.unlock_with_key(&username, &key_file.display().to_string(), clock_now())?;
            } else {
                let mut desk = ctx.open()?;
                let actor = ctx.actor(&mut desk)?;
                desk.unlock_user(&actor, &username, clock_now())?;
            }
            output::print(
                ctx,
                &serde_json::json!({ "unlocked": username }),
                &format!("unlocked {username}"),
            );
        }
        UserCommand::Deactivate { username } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            desk.deactivate_user(&actor, &username, clock_now())?;
            output::print(
                ctx,
                &serde_json::json!({ "deactivated": username }),
                &format!("deactivated {username}"),
            );
        }
        UserCommand::Role { username, role } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let role: wso_core::auth::Role = role.into();
            desk.set_user_role(&actor, &username, role, clock_now())?;
            output::print(
                ctx,
                &serde_json::json!({ "username": username, "role": role }),
                &format!("{username} is now a {}", role.as_str()),
            );
        }
    }
    Ok(())
}
