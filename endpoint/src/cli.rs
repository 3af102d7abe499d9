//! `wso-endpoint serve` (run the endpoint) and `wso-endpoint queue-update`
//! (an operator queues an ICE decision for a facility, straight into the
//! endpoint's database; the running server serves it on the next pull).
//!
//! Every desk token belongs to one desk of one facility (`DESK_ID@FACILITY_ID=TOKEN`,
//! or `DESK_ID=TOKEN` with `--facility`): a token without a facility is refused
//! at start, never taken as "any facility".

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use serde_json::{Map, Value};

use crate::faults::{FaultSwitch, FaultyListener};
use crate::routes::{router, AppState, DeskScope};
use crate::serve::{self, Limits};
use crate::store::{Location, NewUpdate, Store};

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
    /// Serve the sync protocol. Prints `listening on http://ADDR` (or https) first on stdout.
    Serve {
        /// The endpoint's database: a SQLite file PATH (created if missing), or a
        /// PostgreSQL URL, postgres://USER@HOST:PORT/DATABASE (postgresql:// too;
        /// the schema is migrated at start; several endpoints may share one database).
        #[arg(long, env = "WSO_ENDPOINT_DB", value_name = "PATH|URL")]
        db: String,
        /// Address to listen on; port 0 picks a free port (printed). Plain
        /// HTTP only on a loopback address; anything else needs --tls-cert and --tls-key.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// A desk token, as DESK_ID@FACILITY_ID=TOKEN, or DESK_ID=TOKEN with --facility (repeatable).
        #[arg(long = "token", value_name = "DESK_ID@FACILITY_ID=TOKEN")]
        tokens: Vec<String>,
        /// A file of token lines as for --token (`#` starts a comment).
        #[arg(long, value_name = "FILE")]
        tokens_file: Option<PathBuf>,
        /// The facility of tokens given without `@FACILITY_ID`.
        #[arg(long, value_name = "FACILITY_ID")]
        facility: Option<String>,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key of --tls-cert (PEM).
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Whole-request limit, half-sent requests included (the protocol's 30 s; tests shrink it).
        #[arg(long, default_value_t = 30_000, value_name = "MS")]
        request_timeout_ms: u64,
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
        /// The endpoint's database, as for `serve --db`: a SQLite file PATH or a postgres:// URL.
        #[arg(long, env = "WSO_ENDPOINT_DB", value_name = "PATH|URL")]
        db: String,
        #[arg(long)]
        facility: String,
        #[arg(long)]
        hold: String,
        /// transfer_scheduled | detainer_cancelled | warrant_withdrawn | custody_assumed |
        /// release_authorized | authorization_withdrawn (others are passed on as is)
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
            facility,
            tls_cert,
            tls_key,
            request_timeout_ms,
            admin_token,
            max_batch,
            page_size,
            test_faults,
        } => serve(ServeArgs {
            db,
            listen,
            tokens,
            tokens_file,
            facility,
            tls: tls_cert.zip(tls_key),
            request_timeout: Duration::from_millis(request_timeout_ms.max(1)),
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
    db: String,
    listen: SocketAddr,
    tokens: Vec<String>,
    tokens_file: Option<PathBuf>,
    facility: Option<String>,
    tls: Option<(PathBuf, PathBuf)>,
    request_timeout: Duration,
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
    let tokens = parse_tokens(&lines, args.facility.as_deref())?;
    if tokens.is_empty() {
        return Err(
            "no desk tokens: give --token DESK_ID@FACILITY_ID=TOKEN or --tokens-file FILE".into(),
        );
    }
    // Checked before anything listens: a desk token must never cross a network in clear.
    let tls = match &args.tls {
        Some((cert, key)) => Some(serve::tls_acceptor(cert, key)?),
        None if args.listen.ip().is_loopback() => None,
        None => {
            return Err(format!(
                "refusing to serve plain HTTP on {}: plain HTTP is only for loopback \
                 addresses (127.0.0.1, [::1]); give --tls-cert and --tls-key to serve HTTPS",
                args.listen
            ))
        }
    };
    let faults = if args.test_faults {
        FaultSwitch::enabled()
    } else {
        FaultSwitch::default()
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let store = Store::open(&Location::parse(&args.db))
            .await
            .map_err(|e| e.to_string())?;
        let state = AppState {
            store,
            tokens,
            admin_token: args.admin_token,
            max_batch: args.max_batch,
            page_size: args.page_size.max(1),
            faults: faults.clone(),
        };
        let inner = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = inner.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // Tests read this line to learn the port.
        println!("listening on {scheme}://{addr}");
        let _ = std::io::stdout().flush();
        let listener = FaultyListener { inner, faults };
        let limits = Limits {
            request_timeout: args.request_timeout,
        };
        tokio::select! {
            () = serve::run(listener, router(state, limits), tls, limits) => Ok(()),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

/// `DESK_ID@FACILITY_ID=TOKEN` (or `DESK_ID TOKEN`, facility from `--facility`)
/// lines into token -> the one desk of one facility it may act for.
fn parse_tokens(
    lines: &[String],
    default_facility: Option<&str>,
) -> Result<HashMap<String, DeskScope>, String> {
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
            .ok_or_else(|| format!("token entry {} is not DESK_ID@FACILITY_ID=TOKEN", i + 1))?;
        let (desk_id, facility_id) = match desk.split_once('@') {
            Some((d, f)) => (d.trim(), f.trim()),
            None => (desk, default_facility.unwrap_or_default().trim()),
        };
        if desk_id.is_empty() || facility_id.is_empty() {
            return Err(format!(
                "token entry {} names no facility: write DESK_ID@FACILITY_ID=TOKEN or give --facility",
                i + 1
            ));
        }
        let scope = DeskScope {
            desk_id: desk_id.to_owned(),
            facility_id: facility_id.to_owned(),
        };
        if out.insert(token.to_owned(), scope).is_some() {
            return Err(format!(
                "token entry {} repeats another entry's token",
                i + 1
            ));
        }
    }
    Ok(out)
}

fn queue(
    db: &str,
    facility: String,
    hold: String,
    kind: String,
    details: &str,
    update_id: Option<String>,
    at: Option<String>,
) -> Result<(), String> {
    let details: Map<String, Value> = serde_json::from_str(details)
        .map_err(|e| format!("--details is not a JSON object: {e}"))?;
    let update = NewUpdate {
        facility_id: facility,
        hold_id: hold,
        kind,
        update_id,
        at,
        details,
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    let queued = runtime
        .block_on(async {
            let store = Store::open(&Location::parse(db)).await?;
            store
                .queue_update(&update, wso_core::time::truncate(chrono::Utc::now()))
                .await
        })
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
        let t = parse_tokens(&lines, Some("pinellas-main")).unwrap();
        let scope = |token: &str| {
            t.get(token)
                .map(|s| (s.desk_id.as_str(), s.facility_id.as_str()))
        };
        assert_eq!(scope("abc"), Some(("desk-1", "pinellas-main")));
        assert_eq!(scope("def"), Some(("desk-2", "pinellas-main")));
        assert!(parse_tokens(&["lonely".to_owned()], Some("f")).is_err());
    }

    #[test]
    fn every_token_is_scoped_to_a_facility() {
        let t = parse_tokens(&["desk-9@hillsborough=xyz".to_owned()], None).unwrap();
        assert_eq!(t["xyz"].facility_id, "hillsborough");
        assert_eq!(t["xyz"].desk_id, "desk-9");
        // Without a facility a token would read every facility's updates.
        let err = parse_tokens(&["desk-1=abc".to_owned()], None).unwrap_err();
        assert!(err.contains("names no facility"), "{err}");
        let err = parse_tokens(&["a@f=t".to_owned(), "b@f=t".to_owned()], None).unwrap_err();
        assert!(err.contains("repeats"), "{err}");
    }
}
