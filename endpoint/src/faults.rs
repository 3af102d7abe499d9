//! The test-only fault switch: with `serve --test-faults`, an admin may make
//! the endpoint misbehave the ways networks and servers do, so the desk's
//! sync can be tested against the real process instead of a mock:
//! - `busy`: answer the next N pushes with 429/503 (and `Retry-After`) before storing;
//! - `fail_after_store`: store the next N pushes, then answer 502 (a lost acknowledgement);
//! - `delay_after_store_ms` / `delay_count`: store, then answer only after a delay
//!   (past the desk's request timeout);
//! - `reset_connections`: reset the next N new TCP connections (RST) on accept;
//! - `ack_offset`: add this to every `ack_seq` reported (ahead: > 0);
//! - `replay_updates`: the next N update pages ignore `after` (a replayed page);
//! - `ack_hash`: answer every push with this `ack_hash` (a chain ICE holds differently);
//! - `pad_update_pages` / `pad_bytes`: the next N update pages carry this many
//!   extra bytes of blanks (an answer far larger than any page needs).
//!
//! Without `--test-faults` the admin route refuses and nothing here runs.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    pub busy: u32,
    pub busy_status: Option<u16>,
    pub retry_after: Option<String>,
    pub fail_after_store: u32,
    pub delay_after_store_ms: u64,
    pub delay_count: u32,
    pub reset_connections: u32,
    pub ack_offset: i64,
    pub replay_updates: u32,
    pub ack_hash: Option<String>,
    pub pad_update_pages: u32,
    pub pad_bytes: usize,
}

/// Shared, switchable faults; `None` inside when faults are disabled.
#[derive(Clone, Default)]
pub struct FaultSwitch(Option<Arc<Mutex<Faults>>>);

/// What a push should suffer, taken (and counted down) when it arrives.
#[derive(Debug, Default)]
pub struct PushFaults {
    pub busy: Option<(u16, Option<String>)>,
    pub fail_after_store: bool,
    pub delay_after_store: Option<Duration>,
    pub ack_offset: i64,
    pub ack_hash: Option<String>,
}

impl FaultSwitch {
    pub fn enabled() -> Self {
        FaultSwitch(Some(Arc::new(Mutex::new(Faults::default()))))
    }

    pub fn is_enabled(&self) -> bool {
        self.0.is_some()
    }

    fn lock(&self) -> Option<MutexGuard<'_, Faults>> {
        // A poisoned lock only means a test thread panicked; the data is plain counters.
        self.0
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn set(&self, faults: Faults) -> bool {
        match self.lock() {
            Some(mut f) => {
                *f = faults;
                true
            }
            None => false,
        }
    }

    pub fn get(&self) -> Option<Faults> {
        self.lock().map(|f| f.clone())
    }

    pub fn take_push(&self) -> PushFaults {
        let Some(mut f) = self.lock() else {
            return PushFaults::default();
        };
        let mut out = PushFaults {
            ack_offset: f.ack_offset,
            ack_hash: f.ack_hash.clone(),
            ..PushFaults::default()
        };
        if f.busy > 0 {
            f.busy -= 1;
            out.busy = Some((f.busy_status.unwrap_or(503), f.retry_after.clone()));
            return out;
        }
        if f.fail_after_store > 0 {
            f.fail_after_store -= 1;
            out.fail_after_store = true;
        }
        if f.delay_count > 0 {
            f.delay_count -= 1;
            out.delay_after_store = Some(Duration::from_millis(f.delay_after_store_ms));
        }
        out
    }

    pub fn take_replay(&self) -> bool {
        self.lock().is_some_and(|mut f| {
            let replay = f.replay_updates > 0;
            f.replay_updates = f.replay_updates.saturating_sub(1);
            replay
        })
    }

    /// Extra bytes for the next update page, 0 for none.
    pub fn take_padding(&self) -> usize {
        self.lock().map_or(0, |mut f| {
            if f.pad_update_pages == 0 {
                return 0;
            }
            f.pad_update_pages -= 1;
            f.pad_bytes
        })
    }

    fn take_reset(&self) -> bool {
        self.lock().is_some_and(|mut f| {
            let reset = f.reset_connections > 0;
            f.reset_connections = f.reset_connections.saturating_sub(1);
            reset
        })
    }
}

/// A TCP listener that can reset new connections on demand.
pub struct FaultyListener {
    pub inner: TcpListener,
    pub faults: FaultSwitch,
}

impl axum::serve::Listener for FaultyListener {
    type Io = TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            if self.faults.take_reset() {
                // SO_LINGER 0 makes close() send RST: the client sees "connection reset".
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                drop(stream);
                continue;
            }
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
