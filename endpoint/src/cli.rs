//! `wso-endpoint serve` (run the endpoint) and `wso-endpoint queue-update`
//! (an operator queues an ICE decision for a facility, straight into the
//! endpoint's database; the running server serves it on the next pull).

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{Parser, Subcommand};
use serde_json::{Map, Value};

use crate::faults::{FaultSwitch, FaultyListener};
use crate::routes::{router, AppState};
use crate::store::{self, NewUpdate};

#[derive(Parser)]
#[command(
    name = "wso-endpoint",
    version,
    about = "Reference ICE endpoint for WSO Desk sync (demos and tests)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync protocol. Prints `listening on http://ADDR` first on stdout.
    Serve {
        #[arg(long, env = "WSO_ENDPOINT_DB", value_name = "PATH")]
        db: PathBuf,
        /// Address to listen on; port 0 picks a free port (printed).
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// A desk token, as DESK_ID=TOKEN (repeatable).
        #[arg(long = "token", value_name = "DESK_ID=TOKEN")]
        tokens: Vec<String>,
        /// A file of DESK_ID=TOKEN lines (`#` starts a comment).
        #[arg(long, value_name = "FILE")]
        tokens_file: Option<PathBuf>,
        /// Token for the /admin routes (queue updates, read events, faults).
        #[arg(long, env = "WSO_ENDPOINT_ADMIN_TOKEN")]
        admin_token: Option<String>,
        /// Largest push accepted; more events get 413.
        #[arg(long, default_value_t = 500)]
        max_batch: usize,
        /// Largest page of updates served.
        #[arg(long, default_value_t = 200)]
        page_size: u32,
        /// Enable the test-only fault switch (POST /admin/faults). Never in production.
        #[arg(long)]
        test_faults: bool,
    },
    /// Queue an ICE update for a facility's desks to pull.
    QueueUpdate {
        #[arg(long, env = "WSO_ENDPOINT_DB", value_name = "PATH")]
        db: PathBuf,
        #[arg(long)]
        facility: String,
        #[arg(long)]
        hold: String,
        /// transfer_scheduled | detainer_cancelled | warrant_withdrawn | custody_assumed (others are passed on as is)
        #[arg(long)]
        kind: String,
        /// JSON object, e.g. '{"pickup_at":"2026-11-28T10:00:00Z"}'
        #[arg(long, default_value = "{}")]
        details: String,
        #[arg(long)]
        update_id: Option<String>,
        /// When ICE decided (RFC 3339); default now.
        #[arg(long)]
        at: Option<String>,
    },
}

pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WSO_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            db,
            listen,
            tokens,
            tokens_file,
            admin_token,
            max_batch,
            page_size,
            test_faults,
        } => serve(ServeArgs {
            db,
            listen,
            tokens,
            tokens_file,
            admin_token,
            max_batch,
            page_size,
            test_faults,
        }),
        Command::QueueUpdate {
            db,
            facility,
            hold,
            kind,
            details,
            update_id,
            at,
        } => queue(&db, facility, hold, kind, &details, update_id, at),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wso-endpoint: {message}");
            ExitCode::FAILURE
        }
    }
}

struct ServeArgs {
    db: PathBuf,
    listen: SocketAddr,
    tokens: Vec<String>,
    tokens_file: Option<PathBuf>,
    admin_token: Option<String>,
    max_batch: usize,
    page_size: u32,
    test_faults: bool,
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let mut lines = args.tokens.clone();
    if let Some(file) = &args.tokens_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read --tokens-file {}: {e}", file.display()))?;
        lines.extend(text.lines().map(str::to_owned));
    }
    let tokens = parse_tokens(&lines)?;
    if tokens.is_empty() {
        return Err("no desk tokens: give --token DESK_ID=TOKEN or --tokens-file FILE".into());
    }
    let conn = store::open(&args.db).map_err(|e| e.to_string())?;
    let faults = if args.test_faults {
        FaultSwitch::enabled()
    } else {
        FaultSwitch::default()
    };
    let state = AppState {
        db: Mutex::new(conn),
        tokens,
        admin_token: args.admin_token,
        max_batch: args.max_batch,
        page_size: args.page_size.max(1),
        faults: faults.clone(),
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let inner = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = inner.local_addr().map_err(|e| e.to_string())?;
        // Tests read this line to learn the port.
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        let listener = FaultyListener { inner, faults };
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server failed: {e}"))
    })
}

/// `DESK_ID=TOKEN` (or `DESK_ID TOKEN`) lines into token -> desk.
fn parse_tokens(lines: &[String]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let (desk, token) = line
            .split_once('=')
            .or_else(|| line.split_once(char::is_whitespace))
            .map(|(d, t)| (d.trim(), t.trim()))
            .filter(|(d, t)| !d.is_empty() && !t.is_empty())
            .ok_or_else(|| format!("token entry {} is not DESK_ID=TOKEN", i + 1))?;
        out.insert(token.to_owned(), desk.to_owned());
    }
    Ok(out)
}

fn queue(
    db: &Path,
    facility: String,
    hold: String,
    kind: String,
    details: &str,
    update_id: Option<String>,
    at: Option<String>,
) -> Result<(), String> {
    let details: Map<String, Value> = serde_json::from_str(details)
        .map_err(|e| format!("--details is not a JSON object: {e}"))?;
    let conn = store::open(db).map_err(|e| e.to_string())?;
    let update = NewUpdate {
        facility_id: facility,
        hold_id: hold,
        kind,
        update_id,
        at,
        details,
    };
    let queued = store::queue_update(&conn, &update, wso_core::time::truncate(chrono::Utc::now()))
        .map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string(&queued).unwrap_or_default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_in_both_forms_and_skip_comments() {
        let lines = vec![
            "desk-1=abc".to_owned(),
            "# ops".to_owned(),
            "desk-2   def  # second".to_owned(),
        ];
        let t = parse_tokens(&lines).unwrap();
        assert_eq!(t.get("abc").map(String::as_str), Some("desk-1"));
        assert_eq!(t.get("def").map(String::as_str), Some("desk-2"));
        assert!(parse_tokens(&["lonely".to_owned()]).is_err());
    }
}
