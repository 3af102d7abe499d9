//! The desk watch: tells the window when what it shows has changed, so the
//! board and the sync panel ask again on a change instead of polling (issue
//! 14, push not poll). Two Tauri events, no payload:
//! - [`DESK_CHANGED`]: something committed to the desk database (a custody
//!   change made in this window, the sync loop applying ICE's updates or
//!   other desks' events, a `wsoctl` on the same file);
//! - [`SYNC_CHANGED`]: the same, or the background sync's own state moved
//!   (syncing, reachable, an error, a restart);
//! - [`SESSION_LOCKED`]: core's idle clock locked the session (no input
//!   reached core for the limit), so the window covers the names at once
//!   instead of when its own timer or its next request finds out.
//!
//! How a commit is seen: `PRAGMA data_version` on the window's connection
//! changes when any *other* connection commits (the sync loop's, another
//! process's), and the connection's `total_changes` counts this window's own
//! writes. Both are read once a second with the desk lock held for
//! microseconds: no file is read, nothing is sent to the window unless one
//! moved. Reading the board writes nothing, so a refresh never wakes the
//! watch again.

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::Notify;
use wso_core::sync::LoopStatus;

use crate::state::Shell;
use crate::sync::BackgroundSync;

pub const DESK_CHANGED: &str = "desk-changed";
pub const SYNC_CHANGED: &str = "sync-changed";
pub const SESSION_LOCKED: &str = "session-locked";
pub const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Woken on every desk change: the notification check waits on it.
#[derive(Default, Clone)]
pub struct DeskChanges(pub Arc<Notify>);

/// What the desk database has seen: moves whenever anything commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Commits {
    /// Other connections' commits (`PRAGMA data_version`).
    pub others: i64,
    /// Rows this connection changed (`total_changes`).
    pub own: u64,
}

pub fn commits(conn: &rusqlite::Connection) -> wso_core::Result<Commits> {
    let others = conn
        .query_row("PRAGMA data_version", [], |r| r.get(0))
        .map_err(|e| wso_core::Error::Database {
            message: format!("reading the database's data version: {e}"),
        })?;
    Ok(Commits {
        others,
        own: conn.total_changes(),
    })
}

/// The parts of the sync loop's state the panel shows.
type SyncSeen = Option<(bool, Option<bool>, bool, Option<String>, u32)>;

fn sync_seen(status: Option<LoopStatus>) -> SyncSeen {
    status.map(|s| (s.running, s.reachable, s.syncing, s.error, s.restarts))
}

/// Start the watch; it lives as long as the app.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    let changes = DeskChanges::default();
    app.manage(changes.clone());
    tauri::async_runtime::spawn(async move {
        let mut last_commits: Option<Commits> = None;
        let mut last_sync: SyncSeen = None;
        let mut was_locked = false;
        let mut ticker = tokio::time::interval(LOOK_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let now_commits = {
                let shell = app.state::<Shell>();
                let desk = shell.desk();
                commits(desk.conn())
            };
            let now_commits = match now_commits {
                Ok(c) => Some(c),
                Err(e) => {
                    eprintln!("wso-desk: {e}");
                    None
                }
            };
            let now_sync = sync_seen(app.state::<BackgroundSync>().status());
            let desk_moved = last_commits.is_some() && now_commits != last_commits;
            if desk_moved {
                changes.0.notify_one();
                emit(&app, DESK_CHANGED);
            }
            if desk_moved || now_sync != last_sync {
                emit(&app, SYNC_CHANGED);
            }
            let locked = session_locked(&app);
            if locked && !was_locked {
                emit(&app, SESSION_LOCKED);
            }
            was_locked = locked;
            last_commits = now_commits;
            last_sync = now_sync;
        }
    });
}

/// Whether core holds the signed-in session locked now (asking writes nothing).
fn session_locked<R: Runtime>(app: &AppHandle<R>) -> bool {
    let shell = app.state::<Shell>();
    // The guard is dropped before asking: `background_actor` takes it again.
    let signed_in = shell.session().is_some();
    signed_in && matches!(shell.background_actor(), Err(e) if e.code == "locked")
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: &str) {
    if let Err(e) = app.emit(event, ()) {
        eprintln!("wso-desk: could not tell the window {event}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn reads_leave_the_watch_still_and_every_commit_moves_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let now = wso_core::time::truncate(Utc::now());
        let mut desk = wso_core::demo::create(&db, None, now).unwrap();
        let start = commits(desk.conn()).unwrap();

        // What the board reads (holds, complaints due) writes nothing: a
        // refresh the watch caused never wakes it again.
        let supervisor = desk.actor(wso_core::demo::ACCOUNTS[1].0).unwrap();
        desk.list_holds(now, false).unwrap();
        desk.complaints_due(&supervisor, now).unwrap();
        assert_eq!(commits(desk.conn()).unwrap(), start);

        // A custody change made through this connection (the window's own).
        let deputy = desk.actor(wso_core::demo::ACCOUNTS[2].0).unwrap();
        let first = desk.list_holds(now, false).unwrap()[0].clone();
        let (hold, home) = (first.hold_id, first.zone_id);
        let away = if home == "medical" {
            "booking"
        } else {
            "medical"
        };
        let at = wso_core::time::utc_text(now);
        desk.move_hold(&deputy, &hold, away, &at, now).unwrap();
        let own = commits(desk.conn()).unwrap();
        assert!(own.own > start.own, "{own:?} after {start:?}");

        // Another connection to the same file (the sync loop, a `wsoctl`).
        let mut other = wso_core::Desk::open(&db, None).unwrap();
        let deputy = other.actor(wso_core::demo::ACCOUNTS[2].0).unwrap();
        other.move_hold(&deputy, &hold, &home, &at, now).unwrap();
        let seen = commits(desk.conn()).unwrap();
        assert_ne!(
            seen.others, own.others,
            "another connection's commit is seen"
        );
        assert_eq!(seen.own, own.own);
    }
}
