//! Desktop notifications for holds crossing a threshold (4 h left, 1 h left,
//! overdue), sent from a background task so they fire while the window is
//! minimized or hidden. Each hold is announced once per threshold; what was
//! sent is remembered in memory only, so a restart re-announces holds that
//! are still past a threshold, which errs on the side of telling the deputy.
//!
//! Notifications name the booking number, never the person: a desktop
//! notification can show on a screen anyone at the desk can see.

use std::collections::BTreeSet;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use wso_core::custody::Urgency;
use wso_core::desk::HoldSummary;

use crate::commands::now;
use crate::state::Shell;
use crate::watch::DeskChanges;

/// The longest the check sleeps: a wall-clock step or a hold booked by
/// another process is seen within this even if nothing else wakes it.
pub const CHECK_AT_LEAST_EVERY: Duration = Duration::from_secs(60);

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub hold_id: String,
    pub urgency: Urgency,
    pub title: String,
    pub body: String,
}

/// Which thresholds have been announced, per hold.
#[derive(Default)]
pub struct Announced(BTreeSet<(String, Urgency)>);

impl Announced {
    /// The alerts due for `holds` (open holds as core computed them), marking
    /// them sent. A hold first seen past several thresholds gets one alert,
    /// for the most pressing one: three at once would only be noise.
    pub fn due(&mut self, holds: &[HoldSummary]) -> Vec<Alert> {
        // Forget holds that were closed, so memory stays as small as the board.
        self.0
            .retain(|(id, _)| holds.iter().any(|h| &h.hold_id == id));
        let mut alerts = Vec::new();
        for hold in holds {
            let Some(urgency) = hold.urgency else {
                continue;
            };
            if urgency < Urgency::Warning {
                continue;
            }
            let key = (hold.hold_id.clone(), urgency);
            if self.0.contains(&key) {
                continue;
            }
            for lower in [Urgency::Warning, Urgency::Urgent, Urgency::Overdue] {
                if lower <= urgency {
                    self.0.insert((hold.hold_id.clone(), lower));
                }
            }
            alerts.push(alert_for(hold, urgency));
        }
        alerts
    }
}

fn alert_for(hold: &HoldSummary, urgency: Urgency) -> Alert {
    let deadline = hold.deadline_local.as_deref().unwrap_or("-");
    let (title, body) = match urgency {
        Urgency::Overdue => (
            "RELEASE REQUIRED".to_owned(),
            format!(
                "Hold {}: the 48-hour deadline passed at {deadline}. Record a transfer or release now.",
                hold.booking_number
            ),
        ),
        Urgency::Urgent => (
            "Hold due within 1 hour".to_owned(),
            format!("Hold {}: ICE must take custody by {deadline}.", hold.booking_number),
        ),
        _ => (
            "Hold due within 4 hours".to_owned(),
            format!("Hold {}: ICE must take custody by {deadline}.", hold.booking_number),
        ),
    };
    Alert {
        hold_id: hold.hold_id.clone(),
        urgency,
        title,
        body,
    }
}

/// How long until the first open hold crosses one of core's urgency edges
/// (`edges`, remaining seconds): the check sleeps until then instead of
/// looking every few seconds. At least a second, at most
/// [`CHECK_AT_LEAST_EVERY`].
pub fn until_next_edge(holds: &[HoldSummary], edges: &[i64]) -> Duration {
    let next = holds
        .iter()
        .filter_map(|h| h.remaining_seconds)
        .flat_map(|left| {
            edges
                .iter()
                .filter(move |&&e| left > e)
                .map(move |e| left - e)
        })
        .min();
    let wait = next.map_or(CHECK_AT_LEAST_EVERY, |s| {
        Duration::from_secs(u64::try_from(s).unwrap_or(0))
    });
    wait.clamp(Duration::from_secs(1), CHECK_AT_LEAST_EVERY)
}

/// Start the background check; it lives as long as the app. It looks again
/// when a hold reaches its next threshold, and whenever the desk changed
/// (`watch::DeskChanges`: a hold booked, moved or closed here or elsewhere).
pub fn spawn(app: AppHandle) {
    let edges: Vec<i64> = wso_core::vocabulary::vocabulary()
        .urgencies
        .iter()
        .filter_map(|u| u.from_remaining_seconds)
        .collect();
    tauri::async_runtime::spawn(async move {
        let mut announced = Announced::default();
        let mut wait = Duration::ZERO;
        loop {
            match app.try_state::<DeskChanges>().map(|c| c.0.clone()) {
                Some(changed) => {
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = changed.notified() => {}
                    }
                }
                None => tokio::time::sleep(wait).await,
            }
            wait = CHECK_AT_LEAST_EVERY;
            let holds = {
                let shell = app.state::<Shell>();
                let desk = shell.desk();
                desk.list_holds(now(), false)
            };
            let holds = match holds {
                Ok(holds) => {
                    wait = until_next_edge(&holds, &edges);
                    holds
                }
                Err(e) => {
                    eprintln!("wso-desk: could not read holds for notifications: {e}");
                    continue;
                }
            };
            for alert in announced.due(&holds) {
                let shown = app
                    .notification()
                    .builder()
                    .title(&alert.title)
                    .body(&alert.body)
                    .show();
                // No notification server (a kiosk, CI): the board still shows it all.
                if let Err(e) = shown {
                    eprintln!("wso-desk: desktop notification not shown: {e}");
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};
    use wso_core::time::parse_instant;

    /// The demo desk: holds served 45h17m, 41h17m, 10h17m and 2h17m before `t0`.
    fn demo() -> (tempfile::TempDir, wso_core::Desk, DateTime<Utc>) {
        let dir = tempfile::tempdir().unwrap();
        let t0 = parse_instant("t0", "2026-11-27T15:00:00Z").unwrap();
        let desk = wso_core::demo::create(&dir.path().join("d.db"), None, t0).unwrap();
        (dir, desk, t0)
    }

    fn booking_and_level(
        alerts: &[Alert],
        desk: &wso_core::Desk,
        at: DateTime<Utc>,
    ) -> Vec<(String, Urgency)> {
        let holds = desk.list_holds(at, false).unwrap();
        alerts
            .iter()
            .map(|a| {
                let h = holds.iter().find(|h| h.hold_id == a.hold_id).unwrap();
                (h.booking_number.clone(), a.urgency)
            })
            .collect()
    }

    #[test]
    fn each_threshold_is_announced_once_per_hold() {
        let (_dir, desk, t0) = demo();
        let mut announced = Announced::default();
        // 2h43m left on B26-10331: warning. The others are further off.
        let first = announced.due(&desk.list_holds(t0, false).unwrap());
        assert_eq!(
            booking_and_level(&first, &desk, t0),
            [("B26-10331".to_owned(), Urgency::Warning)]
        );
        // Fifteen seconds later nothing changed: nothing is repeated.
        let t1 = t0 + Duration::seconds(15);
        assert!(announced
            .due(&desk.list_holds(t1, false).unwrap())
            .is_empty());
        // Two hours on, 43 minutes left: urgent, announced once more.
        let t2 = t0 + Duration::hours(2);
        let second = announced.due(&desk.list_holds(t2, false).unwrap());
        assert_eq!(
            booking_and_level(&second, &desk, t2),
            [("B26-10331".to_owned(), Urgency::Urgent)]
        );
    }

    #[test]
    fn an_overdue_hold_says_release_required_and_names_no_person() {
        let (_dir, desk, t0) = demo();
        let mut announced = Announced::default();
        let t = t0 + Duration::hours(3);
        let alerts = announced.due(&desk.list_holds(t, false).unwrap());
        let levels = booking_and_level(&alerts, &desk, t);
        // First seen past several thresholds: one alert, the most pressing.
        assert!(
            levels.contains(&("B26-10331".to_owned(), Urgency::Overdue)),
            "{levels:?}"
        );
        assert!(
            levels.contains(&("B26-10298".to_owned(), Urgency::Warning)),
            "{levels:?}"
        );
        assert_eq!(levels.len(), 2);
        let overdue = alerts
            .iter()
            .find(|a| a.urgency == Urgency::Overdue)
            .unwrap();
        assert_eq!(overdue.title, "RELEASE REQUIRED");
        for a in &alerts {
            // Notifications can show on a screen anyone at the desk sees.
            assert!(
                !a.body.contains("Nguy") && !a.body.contains("Garc"),
                "{}",
                a.body
            );
        }
        // Once overdue, the lower thresholds are never announced afterwards.
        assert!(announced
            .due(&desk.list_holds(t + Duration::hours(1), false).unwrap())
            .iter()
            .all(|a| a.hold_id != overdue.hold_id));
    }

    #[test]
    fn the_check_sleeps_until_the_next_threshold() {
        let (_dir, desk, t0) = demo();
        let edges: Vec<i64> = wso_core::vocabulary::vocabulary()
            .urgencies
            .iter()
            .filter_map(|u| u.from_remaining_seconds)
            .collect();
        let holds = desk.list_holds(t0, false).unwrap();
        let wait = until_next_edge(&holds, &edges);
        // B26-10331 has 2h43m left: 43 min to the 1-hour mark, more than the cap.
        assert_eq!(wait, CHECK_AT_LEAST_EVERY);
        // 1h00m30s left: the 1-hour mark is 30 s away, and the check wakes then.
        let at = t0 + Duration::seconds(2 * 3600 + 43 * 60 - 3630);
        let holds = desk.list_holds(at, false).unwrap();
        let left = holds
            .iter()
            .filter_map(|h| h.remaining_seconds)
            .min()
            .unwrap();
        assert_eq!(left, 3630, "the fixture moved");
        assert_eq!(
            until_next_edge(&holds, &edges),
            std::time::Duration::from_secs(30)
        );
        // Overdue holds are past every edge: only the cap wakes the check.
        let late = t0 + Duration::days(3);
        assert_eq!(
            until_next_edge(&desk.list_holds(late, false).unwrap(), &edges),
            CHECK_AT_LEAST_EVERY
        );
    }
}
