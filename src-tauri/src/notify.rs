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

pub const CHECK_EVERY: Duration = Duration::from_secs(15);

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

/// Start the background check; it lives as long as the app.
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut announced = Announced::default();
        let mut ticker = tokio::time::interval(CHECK_EVERY);
        loop {
            ticker.tick().await;
            let holds = {
                let shell = app.state::<Shell>();
                let desk = shell.desk();
                desk.list_holds(now(), false)
            };
            let holds = match holds {
                Ok(holds) => holds,
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
