//! The window's side of sync: it owns the one background loop
//! (`wso_core::sync::SyncLoop`), starts it with the app from the endpoint
//! settings stored in the desk database, restarts it when an admin changes
//! them, wakes it for "Sync now" and stops it when the app exits.
//!
//! With no endpoint stored there is no loop at all: the desk works offline
//! and the window says "No ICE endpoint configured"; events simply wait in
//! the outbox.
//!
//! Test knobs, read from the environment like `wsoctl`'s (ADR 0012; desks
//! never set them): `WSO_SYNC_INTERVAL_SECONDS` (time between exchanges when
//! all is well, default 60 s), `WSO_SYNC_BACKOFF_BASE_MS`,
//! `WSO_SYNC_BACKOFF_CAP_MS`, `WSO_SYNC_REQUEST_TIMEOUT_MS`.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use wso_core::sync::{endpoint_config, BackoffPolicy, LoopConfig, LoopStatus, SyncEnv, SyncLoop};
use wso_core::Desk;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);
/// How long exit waits for an exchange in flight before cutting it off. Cutting
/// is safe: every answer is recorded before the next request, and the endpoint
/// deduplicates whatever is resent.
pub const STOP_PATIENCE: Duration = Duration::from_secs(3);

/// The background sync of this window: at most one loop at a time.
pub struct BackgroundSync {
    db: PathBuf,
    key_file: Option<PathBuf>,
    interval: Duration,
    env: SyncEnv,
    /// Overrides the protocol's 30 s request timeout (tests only).
    request_timeout: Option<Duration>,
    running: Mutex<Option<SyncLoop>>,
    /// Why the stored settings could not start a loop, for the window to show.
    start_error: Mutex<Option<String>>,
}

impl BackgroundSync {
    pub fn new(db: PathBuf, key_file: Option<PathBuf>) -> BackgroundSync {
        let mut env = SyncEnv::default();
        let defaults = BackoffPolicy::default();
        env.backoff = BackoffPolicy {
            base: env_millis("WSO_SYNC_BACKOFF_BASE_MS").unwrap_or(defaults.base),
            cap: env_millis("WSO_SYNC_BACKOFF_CAP_MS").unwrap_or(defaults.cap),
        };
        BackgroundSync {
            db,
            key_file,
            interval: env_number("WSO_SYNC_INTERVAL_SECONDS")
                .map(Duration::from_secs)
                .unwrap_or(DEFAULT_INTERVAL),
            env,
            request_timeout: env_millis("WSO_SYNC_REQUEST_TIMEOUT_MS"),
            running: Mutex::new(None),
            start_error: Mutex::new(None),
        }
    }

    fn running(&self) -> MutexGuard<'_, Option<SyncLoop>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Start the loop from the stored settings, if there are any; replaces a
    /// running loop. Returns whether a loop now runs. Call `stop` first (it is
    /// async) when a loop may be running, so two never overlap.
    pub fn start(&self, desk: &Desk) -> wso_core::Result<bool> {
        let started = self.start_loop(desk);
        *self.start_error.lock().unwrap_or_else(|e| e.into_inner()) =
            started.as_ref().err().map(ToString::to_string);
        started
    }

    fn start_loop(&self, desk: &Desk) -> wso_core::Result<bool> {
        let Some(mut endpoint) = endpoint_config(desk)? else {
            return Ok(false);
        };
        if let Some(t) = self.request_timeout {
            endpoint.request_timeout = t;
        }
        let config = LoopConfig {
            db: self.db.clone(),
            key_file: self.key_file.clone(),
            endpoint,
            interval: self.interval,
        };
        let runtime = tauri::async_runtime::handle();
        let started = SyncLoop::start_on(runtime.inner(), config, self.env.clone())?;
        // A loop replaced here is aborted by its Drop: never two writers.
        *self.running() = Some(started);
        Ok(true)
    }

    /// Stop the running loop, if any, after its request in flight.
    pub async fn stop(&self) {
        let current = self.running().take();
        if let Some(current) = current {
            if tokio::time::timeout(STOP_PATIENCE, current.stop())
                .await
                .is_err()
            {
                // The timed-out future dropped the loop, which aborted its task.
                eprintln!("WSO Desk: the sync exchange in flight was cut off at exit");
            }
        }
    }

    /// Wake the loop now. False when no loop runs (no endpoint configured).
    pub fn sync_now(&self) -> bool {
        match self.running().as_ref() {
            Some(running) => {
                running.sync_now();
                true
            }
            None => false,
        }
    }

    pub fn status(&self) -> Option<LoopStatus> {
        self.running().as_ref().map(SyncLoop::status)
    }

    pub fn start_error(&self) -> Option<String> {
        self.start_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
}

fn env_millis(name: &str) -> Option<Duration> {
    env_number(name).map(Duration::from_millis)
}

/// Start the loop when the app starts. A broken setting must not keep the
/// desk from opening: it works offline and the window shows the error.
pub fn start_with_app<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    let (Some(sync), Some(shell)) = (
        app.try_state::<BackgroundSync>(),
        app.try_state::<crate::state::Shell>(),
    ) else {
        return;
    };
    let started = sync.start(&shell.desk());
    if let Err(e) = started {
        eprintln!("WSO Desk: background sync did not start: {e}");
    }
}

/// On exit, stop the loop cleanly (it finishes recording the answer in flight).
pub fn on_run_event<R: tauri::Runtime>(app: &tauri::AppHandle<R>, event: &tauri::RunEvent) {
    use tauri::Manager;
    if let tauri::RunEvent::Exit = event {
        if let Some(sync) = app.try_state::<BackgroundSync>() {
            tauri::async_runtime::block_on(sync.stop());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use wso_core::sync::save_endpoint_settings;

    #[test]
    fn no_settings_no_loop_then_start_sync_now_and_a_clean_stop() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let now = wso_core::time::truncate(Utc::now());
        let mut desk = wso_core::demo::create(&db, None, now).unwrap();
        let sync = BackgroundSync::new(db.clone(), None);

        // Offline desk: nothing starts and "Sync now" has nothing to wake.
        assert!(!sync.start(&desk).unwrap());
        assert!(!sync.sync_now());
        assert!(sync.status().is_none());

        // Nothing listens on port 9: the loop runs, fails its probe, backs off.
        let admin = desk.actor("admin").unwrap();
        save_endpoint_settings(&mut desk, &admin, "http://127.0.0.1:9", Some("t"), now).unwrap();
        assert!(sync.start(&desk).unwrap());
        assert!(sync.status().is_some_and(|s| s.running));
        assert!(sync.sync_now(), "a running loop takes the wake-up");

        // Exit: stop returns within the patience and leaves no loop behind.
        let stopped = std::time::Instant::now();
        tauri::async_runtime::block_on(sync.stop());
        assert!(stopped.elapsed() <= STOP_PATIENCE + Duration::from_secs(1));
        assert!(sync.status().is_none());
        assert!(!sync.sync_now(), "nothing runs after stop");
        assert!(sync.start_error().is_none());
    }
}
