//! Sync status as the desk shows it (window, handoff sheet, `wsoctl sync`):
//! reachable or not, events waiting, last success, clock difference, and
//! everything that needs a supervisor, each with what to do. Read from the
//! database only, so any process (app, CLI) shows the same thing.

use rusqlite::Connection;
use serde::Serialize;

use super::decision::SKEW_WARN_SECONDS;
use super::outbox;
use super::problem::{Problem, ProblemView, Rejection};
use crate::error::{Result, SqlContext};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// `None` until the desk first tried; else whether the endpoint answered last time.
    pub reachable: Option<bool>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events_waiting: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub acked_seq: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last_seq: i64,
    pub last_success_at: Option<String>,
    pub last_attempt_at: Option<String>,
    /// Endpoint clock minus desk clock at the last answer that carried it.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub clock_skew_seconds: Option<i64>,
    pub clock_skew_warning: bool,
    /// Why the last exchange failed, when it did (transient ones included).
    pub last_error: Option<ProblemView>,
    /// What needs a supervisor or IT, each with what to do.
    pub problems: Vec<ProblemView>,
    pub rejected_events: Vec<Rejection>,
    /// ICE updates stored but not applied: unknown hold, unknown kind or unusable details.
    pub unapplied_updates: Vec<UnappliedUpdate>,
    pub batch_size: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnappliedUpdate {
    pub update_id: String,
    pub hold_id: String,
    pub kind: String,
    pub at: String,
    pub known_hold: bool,
    pub known_kind: bool,
}

/// Error codes that are only "not reachable right now", not a person's job.
const TRANSIENT_CODES: &[&str] = &[
    "unreachable",
    "timeout",
    "busy",
    "server_error",
    "bad_response",
    "no_progress",
];

pub fn status(conn: &Connection) -> Result<SyncStatus> {
    let out = outbox::state(conn)?;
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let (last_success_at, last_attempt_at, error_code, error, skew, warning_code, warning): Row = conn
        .query_row(
            "SELECT last_success_at, last_attempt_at, last_error_code, last_error, server_time_skew_s, warning_code, warning
             FROM sync_state WHERE singleton = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .ctx("reading the sync state")?;
    let reachable = match (&last_attempt_at, error_code.as_deref()) {
        (None, _) => None,
        (Some(_), Some("unreachable" | "timeout")) => Some(false),
        (Some(_), _) => Some(true),
    };
    let last_error = error_code
        .as_deref()
        .map(|c| Problem::view(c, error.as_deref().unwrap_or_default()));
    let mut problems = Vec::new();
    if let Some(e) = &last_error {
        if !TRANSIENT_CODES.contains(&e.code.as_str()) {
            problems.push(e.clone());
        }
    }
    if let Some(code) = &warning_code {
        problems.push(Problem::view(code, warning.as_deref().unwrap_or_default()));
    }
    let clock_skew_warning = skew.is_some_and(|s| s.abs() > SKEW_WARN_SECONDS);
    if let Some(seconds) = skew.filter(|_| clock_skew_warning) {
        problems.push(Problem::ClockSkew { seconds }.to_view());
    }
    let rejected_events = rejections(conn)?;
    if !rejected_events.is_empty() {
        problems.push(ProblemView {
            code: "rejected_events".into(),
            message: format!("ICE stored {} event(s) from this desk but judged them invalid", rejected_events.len()),
            action: "a supervisor must review the rejected events and correct the holds; rejected events are not resent".into(),
        });
    }
    let unapplied_updates = unapplied(conn)?;
    if !unapplied_updates.is_empty() {
        problems.push(ProblemView {
            code: "unapplied_updates".into(),
            message: format!(
                "{} ICE update(s) name a hold or kind this desk does not know",
                unapplied_updates.len()
            ),
            action: "a supervisor should review them and contact ICE; they are kept".into(),
        });
    }
    Ok(SyncStatus {
        reachable,
        events_waiting: out.waiting(),
        acked_seq: out.acked_seq,
        last_seq: out.last_seq,
        last_success_at,
        last_attempt_at,
        clock_skew_seconds: skew,
        clock_skew_warning,
        last_error,
        problems,
        rejected_events,
        unapplied_updates,
        batch_size: out.batch_size,
    })
}

fn rejections(conn: &Connection) -> Result<Vec<Rejection>> {
    let mut stmt = conn
        .prepare("SELECT seq, event_id, code, message FROM sync_rejection ORDER BY seq")
        .ctx("reading rejected events")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Rejection {
                seq: r.get(0)?,
                event_id: r.get(1)?,
                code: r.get(2)?,
                message: r.get(3)?,
            })
        })
        .ctx("reading rejected events")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("reading rejected events")
}

fn unapplied(conn: &Connection) -> Result<Vec<UnappliedUpdate>> {
    let mut stmt = conn
        .prepare(
            "SELECT update_id, hold_id, kind, at, known_hold, known_kind FROM ice_update
             WHERE known_hold = 0 OR known_kind = 0 ORDER BY applied_at, update_id",
        )
        .ctx("reading ICE updates")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(UnappliedUpdate {
                update_id: r.get(0)?,
                hold_id: r.get(1)?,
                kind: r.get(2)?,
                at: r.get(3)?,
                known_hold: r.get(4)?,
                known_kind: r.get(5)?,
            })
        })
        .ctx("reading ICE updates")?;
    rows.collect::<std::result::Result<_, _>>()
        .ctx("reading ICE updates")
}
