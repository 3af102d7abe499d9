//! Watching the workstation's clock (see `wso_core::clock_watch`): a task
//! samples the wall clock against a monotonic one every 10 s. A jump is
//! written to the audit log and kept here, so the window can warn the deputy
//! that "now" (the countdown, times typed as "now") moved, even though the
//! deadlines themselves, fixed UTC instants, did not.
//!
//! `Instant` is CLOCK_MONOTONIC on Linux, which stops while the machine
//! sleeps: waking from suspend reads as the wall clock jumping ahead. That
//! errs towards a warning, which is the safe side for a custody clock.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;
use tauri::{AppHandle, Manager};
use wso_core::audit::Entry;
use wso_core::auth::{Actor, Role};
use wso_core::clock_watch::{ClockJump, ClockWatch};
use wso_core::time::local_text;
use wso_core::Desk;

use crate::commands::now;

pub const SAMPLE_EVERY: Duration = Duration::from_secs(10);

/// The last clock jump not yet acknowledged by a supervisor.
#[derive(Default)]
pub struct ClockWarning(Mutex<Option<ClockJump>>);

/// What the window's banner shows.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClockJumpView {
    /// + the clock moved ahead, - back.
    #[cfg_attr(test, ts(type = "number"))]
    pub jump_seconds: i64,
    pub from_local: String,
    pub to_local: String,
}

impl ClockWarning {
    fn slot(&self) -> MutexGuard<'_, Option<ClockJump>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Record `jump` in the audit log and keep it for the banner. The newest
    /// jump replaces an older one: it is the one that explains the clock now.
    pub fn detected(&self, desk: &Desk, jump: ClockJump) -> wso_core::Result<()> {
        *self.slot() = Some(jump);
        let detail = format!(
            "wall clock moved {:+} s beyond real time ({} -> {})",
            jump.jump_seconds,
            wso_core::time::utc_text(jump.from),
            wso_core::time::utc_text(jump.to)
        );
        desk.audit(
            now(),
            Entry {
                actor: "system",
                action: "clock.jump",
                target: None,
                outcome: "detected",
                detail: Some(&detail),
            },
        )
    }

    pub fn view(&self, tz: chrono_tz::Tz) -> Option<ClockJumpView> {
        self.slot().map(|j| ClockJumpView {
            jump_seconds: j.jump_seconds,
            from_local: local_text(j.from, tz),
            to_local: local_text(j.to, tz),
        })
    }

    /// A supervisor has checked the clock: clear the warning, and say so in
    /// the audit log (who decided the clock is right again, and when).
    pub fn acknowledge(&self, desk: &Desk, by: &Actor) -> wso_core::Result<()> {
        by.require(Role::Supervisor, "acknowledging a clock warning")?;
        let Some(jump) = self.slot().take() else {
            return Ok(());
        };
        let detail = format!("jump of {:+} s acknowledged", jump.jump_seconds);
        desk.audit(
            now(),
            Entry {
                actor: &by.username,
                action: "clock.acknowledge",
                target: None,
                outcome: "success",
                detail: Some(&detail),
            },
        )
    }
}

/// Start the watch. Runs for the life of the app.
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let started = Instant::now();
        let mut watch = ClockWatch::new(Utc::now(), started.elapsed());
        let mut ticker = tokio::time::interval(SAMPLE_EVERY);
        loop {
            ticker.tick().await;
            let Some(jump) = watch.sample(Utc::now(), started.elapsed()) else {
                continue;
            };
            let (Some(shell), Some(warning)) = (
                app.try_state::<crate::state::Shell>(),
                app.try_state::<ClockWarning>(),
            ) else {
                continue;
            };
            let recorded = warning.detected(&shell.desk(), jump);
            if let Err(e) = recorded {
                eprintln!("WSO Desk: a clock jump could not be audited: {e}");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration as Span;

    fn audit_rows(desk: &Desk, action: &str) -> Vec<(String, String, Option<String>)> {
        let mut stmt = desk
            .conn()
            .prepare("SELECT actor, outcome, detail FROM audit WHERE action = ?1 ORDER BY seq")
            .unwrap();
        stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_jump_is_audited_shown_and_only_a_supervisor_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let at = wso_core::time::truncate(Utc::now());
        let desk = wso_core::demo::create(&dir.path().join("desk.db"), None, at).unwrap();
        let tz = desk.facility().timezone;
        let warning = ClockWarning::default();
        assert_eq!(warning.view(tz), None, "no jump, no banner");

        // The wall clock moved 2 h ahead while 10 s of real time passed.
        let mut watch = ClockWatch::new(at, Duration::from_secs(0));
        let jump = watch
            .sample(at + Span::seconds(7210), Duration::from_secs(10))
            .unwrap();
        warning.detected(&desk, jump).unwrap();

        let rows = audit_rows(&desk, "clock.jump");
        assert_eq!(rows.len(), 1, "exactly one audit record per jump");
        assert_eq!(
            (rows[0].0.as_str(), rows[0].1.as_str()),
            ("system", "detected")
        );
        let detail = rows[0].2.as_deref().unwrap();
        assert!(detail.starts_with("wall clock moved +7200 s"), "{detail}");
        let shown = warning.view(tz).unwrap();
        assert_eq!(shown.jump_seconds, 7200);
        assert_eq!(shown.to_local, local_text(jump.to, tz));

        // A deputy cannot clear it for everyone: core refuses the role.
        let deputy = desk.actor("dep.jones").unwrap();
        assert!(warning.acknowledge(&desk, &deputy).is_err());
        assert!(
            warning.view(tz).is_some(),
            "still shown after a deputy tried"
        );

        let supervisor = desk.actor("sgt.rivera").unwrap();
        warning.acknowledge(&desk, &supervisor).unwrap();
        assert_eq!(warning.view(tz), None);
        assert_eq!(audit_rows(&desk, "clock.acknowledge").len(), 1);
    }
}
