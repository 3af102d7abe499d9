//! Sync with the ICE endpoint (sync-protocol.md): deliver the outbox, pull
//! ICE's decisions back, and show where that stands.
//!
//! The desk works offline; every custody change already sits in the outbox
//! (`events`). Sync moves it on:
//! - `decision`: the pure "what does this answer mean" function, table-tested
//!   against the protocol's status table, and the backoff;
//! - `client`: the thin HTTP edge (rustls, timeouts, Bearer token, https only
//!   except loopback);
//! - `outbox` / `pull`: the SQLite side, each answer recorded in one transaction;
//! - `session`: one exchange (`sync_once`) and `run_until_empty(max_wait)`;
//! - `background`: the app's loop (tick, "sync now", stop, health probe);
//! - `status`: what the window, the handoff sheet and `wsoctl sync` show;
//! - `anchor`: this desk's chain compared with the copy ICE holds (`audit verify --endpoint`);
//! - `check` / `settings`: "Test connection" and the endpoint settings
//!   (URL and token in the encrypted database, admins only).
//!
//! Time and randomness come in through [`Clock`] and [`Jitter`]: only the
//! edges read the real clock or draw random numbers.

pub mod anchor;
pub mod background;
pub mod check;
pub mod client;
pub mod decision;
pub mod facility;
pub mod outbox;
pub mod problem;
pub mod pull;
pub mod session;
pub mod settings;
pub mod status;

#[cfg(test)]
mod store_tests;

use chrono::{DateTime, Utc};

pub use anchor::Anchor;
pub use background::{LoopConfig, LoopStatus, SyncLoop};
pub use check::{test_connection, ConnectionCheck};
pub use client::{Endpoint, EndpointConfig};
pub use decision::BackoffPolicy;
pub use problem::{Problem, ProblemView, Rejection, Transient};
pub use session::{Round, RoundEnd, RoundReport, Session, SyncEnv};
pub use settings::{
    endpoint_config, endpoint_settings, save_endpoint_ca_file, save_endpoint_settings,
    EndpointSettings,
};
pub use status::{status, SyncStatus};

/// Where "now" comes from. The app and `wsoctl` use [`SystemClock`]; tests pass their own.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        crate::time::truncate(Utc::now())
    }
}

/// Where backoff jitter comes from: a sample in [0, 1].
pub trait Jitter: Send + Sync {
    fn sample(&self) -> f64;
}

pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn sample(&self) -> f64 {
        rand::random::<f64>()
    }
}

/// Errors of the sync layer, each naming what to do.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The endpoint settings are unusable (URL, token): nothing was sent.
    #[error("{what}: {why}")]
    Config { what: String, why: String },
    /// The desk's own database failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
    /// The endpoint refused in a way only a person can fix; events are kept.
    #[error("{}; {}; {waiting} event(s) are kept in the outbox", .problem.message(), .problem.action())]
    Stopped { problem: Problem, waiting: i64 },
    /// `--max-wait` ran out while the endpoint stayed unreachable or busy.
    #[error("gave up after {waited_seconds} s: {}; {waiting} event(s) are kept and will be sent at the next sync", .why.message())]
    GaveUp {
        why: Transient,
        waited_seconds: u64,
        waiting: i64,
    },
}

impl From<SyncError> for crate::Error {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Config { what, why } => crate::Error::invalid(what, why),
            SyncError::Store(e) => e,
            other => crate::Error::Sync {
                message: other.to_string(),
            },
        }
    }
}
