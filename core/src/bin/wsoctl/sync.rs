//! `wsoctl sync`: push the outbox to the ICE endpoint and pull ICE's updates,
//! once or (`--until-empty`) until nothing is left, with the protocol's
//! backoff, giving up with exit 5 after `--max-wait` seconds. Nothing that was
//! not acknowledged leaves the outbox; a later run picks up where this stopped.
//!
//! Hidden test knobs (also as env): `--backoff-base-ms` / `WSO_SYNC_BACKOFF_BASE_MS`,
//! `--backoff-cap-ms` / `WSO_SYNC_BACKOFF_CAP_MS` and `--request-timeout-ms` /
//! `WSO_SYNC_REQUEST_TIMEOUT_MS` shrink the protocol's 1 s / 300 s / 30 s so
//! the end-to-end tests run in seconds. Desks never set them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde_json::json;
use wso_core::sync::{
    self, BackoffPolicy, Endpoint, EndpointConfig, RoundEnd, Session, SyncEnv, SyncError,
};
use wso_core::Error;

use crate::{output, CliResult, Context};

#[derive(Args)]
pub struct SyncArgs {
    /// Base URL of the ICE endpoint (https; plain http only for loopback)
    #[arg(long, value_name = "URL")]
    pub endpoint: String,
    /// File holding this desk's token (first line)
    #[arg(long, value_name = "FILE")]
    pub token_file: PathBuf,
    /// The agency's own CA certificate (PEM), trusted besides the public roots
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Keep going (with backoff) until the outbox is empty and no update is left
    #[arg(long)]
    pub until_empty: bool,
    /// Give up after this many seconds (exit 5; events are kept)
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub max_wait: u64,
    #[arg(long, hide = true, env = "WSO_SYNC_BACKOFF_BASE_MS")]
    pub backoff_base_ms: Option<u64>,
    #[arg(long, hide = true, env = "WSO_SYNC_BACKOFF_CAP_MS")]
    pub backoff_cap_ms: Option<u64>,
    #[arg(long, hide = true, env = "WSO_SYNC_REQUEST_TIMEOUT_MS")]
    pub request_timeout_ms: Option<u64>,
}

/// The endpoint as the command line names it: URL, token file, CA file.
fn endpoint_config(
    url: &str,
    token_file: &Path,
    ca_file: Option<&Path>,
) -> Result<EndpointConfig, Error> {
    let token = std::fs::read_to_string(token_file).map_err(|e| {
        Error::invalid(
            "token_file",
            format!("cannot read {}: {e}", token_file.display()),
        )
    })?;
    let token = token.lines().next().unwrap_or_default().trim().to_owned();
    let mut config = EndpointConfig::new(url, token);
    config.ca_file = ca_file.map(Path::to_path_buf);
    Ok(config)
}

fn network_runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Sync {
            message: format!("cannot start the network runtime: {e}"),
        })
}

/// `audit verify --endpoint`: this desk's chain against the copy ICE holds.
/// A difference is a failed verification (exit 1), naming the first seq.
pub fn compare_with_endpoint(
    desk: &wso_core::Desk,
    url: &str,
    token_file: &Path,
    ca_file: Option<&Path>,
) -> Result<sync::Anchor, Error> {
    let endpoint =
        Endpoint::new(&endpoint_config(url, token_file, ca_file)?).map_err(Error::from)?;
    let anchor = network_runtime()?
        .block_on(sync::anchor::compare(desk, &endpoint, crate::clock_now()))
        .map_err(Error::from)?;
    if anchor.matches() {
        Ok(anchor)
    } else {
        Err(Error::Database {
            message: anchor.describe(),
        })
    }
}

pub fn run(ctx: &Context, args: SyncArgs) -> CliResult {
    let mut config = endpoint_config(&args.endpoint, &args.token_file, args.ca_file.as_deref())?;
    if let Some(ms) = args.request_timeout_ms {
        config.request_timeout = Duration::from_millis(ms);
        config.connect_timeout = config.connect_timeout.min(config.request_timeout);
    }
    let endpoint = Endpoint::new(&config).map_err(Error::from)?;
    let defaults = BackoffPolicy::default();
    let env = SyncEnv {
        backoff: BackoffPolicy {
            base: args
                .backoff_base_ms
                .map(Duration::from_millis)
                .unwrap_or(defaults.base),
            cap: args
                .backoff_cap_ms
                .map(Duration::from_millis)
                .unwrap_or(defaults.cap),
        },
        ..SyncEnv::default()
    };
    let mut desk = ctx.open()?;
    let runtime = network_runtime()?;
    let outcome = runtime.block_on(async {
        let mut session = Session::new(&mut desk, &endpoint, env);
        if args.until_empty {
            return session
                .run_until_empty(Duration::from_secs(args.max_wait))
                .await;
        }
        // `waiting` is filled in below, from the outbox after the run.
        let round = session.sync_once().await?;
        match round.end {
            RoundEnd::Complete => Ok(round.report),
            RoundEnd::Retry { why, .. } => Err(SyncError::GaveUp {
                why,
                waited_seconds: 0,
                waiting: 0,
            }),
            RoundEnd::Stopped(problem) => Err(SyncError::Stopped {
                problem,
                waiting: 0,
            }),
        }
    });
    let status = sync::status(desk.conn())?;
    let report = match outcome {
        Ok(report) => report,
        Err(SyncError::GaveUp {
            why,
            waited_seconds,
            ..
        }) => {
            return Err(Error::from(SyncError::GaveUp {
                why,
                waited_seconds,
                waiting: status.events_waiting,
            })
            .into())
        }
        Err(SyncError::Stopped { problem, .. }) => {
            return Err(Error::from(SyncError::Stopped {
                problem,
                waiting: status.events_waiting,
            })
            .into())
        }
        Err(other) => return Err(Error::from(other).into()),
    };
    for p in &status.problems {
        eprintln!("wsoctl: warning: {}; {}", p.message, p.action);
    }
    let facility = desk.freshness(crate::clock_now())?;
    let mut human = format!(
        "synced: {} event(s) acknowledged in total, {} waiting; {} ICE update(s) applied; {} event(s) of other desks applied\n{}",
        status.acked_seq,
        status.events_waiting,
        report.updates_applied,
        report.facility_events_applied,
        facility.summary
    );
    for d in &facility.desks {
        human.push_str(&format!("\n  {}", d.line));
    }
    output::print(
        ctx,
        &json!({ "ok": true, "report": report, "status": status, "facility": facility }),
        &human,
    );
    Ok(())
}
