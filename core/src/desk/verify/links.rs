//! The links between the records that no single hash chain covers: each
//! custody event and the one audit record of it, times against `now`, and
//! the sync state against the outbox.
//!
//! An insider who recomputes both chains can still not cut events off the end
//! once the endpoint acknowledged them without `acked_seq` pointing past the
//! last event, nor re-time or re-attribute an event without its audit record
//! disagreeing, unless they rewrite that too (then only the endpoint's copy,
//! sync-protocol.md "Anchoring the chain", shows it).

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::broken;
use crate::audit::EVENT_REF;
use crate::custody::hold::CLOCK_SLACK_SECONDS;
use crate::error::{Result, SqlContext};
use crate::sync::pull::{RECEIPT_TYPE, RECORDED_BY};
use crate::time::utc_text;

pub(super) fn check_links(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    nothing_after(conn, now)?;
    let named = audit_names_events(conn)?;
    every_event_named(conn, &named)?;
    sync_state_matches(conn)
}

/// How far ahead of `now` a record may lie and still be honest: a workstation
/// clock stepped forward and then back (the clock watch audits both steps)
/// stamps what was written meanwhile ahead of the corrected clock. A day
/// covers a wrong hour or date typed by hand; a history moved years ahead to
/// pass core's other rules still shows.
const CLOCK_STEP_TOLERANCE_HOURS: i64 = 24;

/// Core stamps records with its clock: none lies beyond now plus the slack and
/// the clock-step tolerance.
fn nothing_after(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let limit =
        now + Duration::seconds(CLOCK_SLACK_SECONDS) + Duration::hours(CLOCK_STEP_TOLERANCE_HOURS);
    let event: Option<i64> = conn
        .query_row(
            "SELECT seq FROM event WHERE recorded_at > ?1 ORDER BY seq LIMIT 1",
            [utc_text(limit)],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading events")?;
    if let Some(seq) = event {
        return Err(broken(format!(
            "event seq {seq} was recorded after now ({})",
            utc_text(now)
        )));
    }
    let record: Option<i64> = conn
        .query_row(
            "SELECT seq FROM audit WHERE at > ?1 ORDER BY seq LIMIT 1",
            [limit.to_rfc3339_opts(SecondsFormat::Micros, true)],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the audit log")?;
    match record {
        Some(seq) => Err(broken(format!(
            "audit record {seq} was written after now ({})",
            utc_text(now)
        ))),
        None => Ok(()),
    }
}

/// Each audit record of a custody change names its event; the event must be
/// of the same action, hold, user and second, and named in the same order.
fn audit_names_events(conn: &Connection) -> Result<HashSet<i64>> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, actor, action, target, outcome, detail FROM audit
             WHERE detail LIKE ?1 || '%' ORDER BY seq",
        )
        .ctx("reading the audit log")?;
    let mut event = conn
        .prepare("SELECT type, hold_id, recorded_at, recorded_by FROM event WHERE seq = ?1")
        .ctx("reading events")?;
    let mut rows = stmt.query([EVENT_REF]).ctx("reading the audit log")?;
    let mut named = HashSet::new();
    let mut previous = 0i64;
    while let Some(r) = rows.next().ctx("reading the audit log")? {
        let seq: i64 = r.get(0).ctx("audit")?;
        let at: String = r.get(1).ctx("audit")?;
        let record = [2, 3, 4, 5].map(|i| r.get::<_, Option<String>>(i).unwrap_or_default());
        let detail: String = r.get(6).ctx("audit")?;
        let bad = |why: &str| broken(format!("audit record {seq} {why}"));
        let event_seq: i64 = detail[EVENT_REF.len()..]
            .split(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("names no event seq"))?;
        let Some((kind, hold_id, recorded_at, recorded_by)) = event
            .query_row([event_seq], |e| {
                Ok((
                    e.get::<_, String>(0)?,
                    e.get::<_, String>(1)?,
                    e.get::<_, String>(2)?,
                    e.get::<_, String>(3)?,
                ))
            })
            .optional()
            .ctx("reading events")?
        else {
            return Err(bad(&format!(
                "names event seq {event_seq}, which is missing"
            )));
        };
        let [actor, action, target, outcome] = record;
        let second = at.get(..19).map(|s| format!("{s}Z"));
        if action.as_deref() != Some(kind.as_str())
            || target.as_deref() != Some(hold_id.as_str())
            || actor.as_deref() != Some(recorded_by.as_str())
            || outcome.as_deref() != Some("success")
            || second.as_deref() != Some(recorded_at.as_str())
        {
            return Err(bad(&format!(
                "does not describe event seq {event_seq} (action, hold, user or time differ)"
            )));
        }
        if event_seq <= previous || !named.insert(event_seq) {
            return Err(bad(&format!(
                "names event seq {event_seq} out of order or twice"
            )));
        }
        previous = event_seq;
    }
    Ok(named)
}

/// Every custody event has its audit record (incidents sync records too);
/// receipts of ICE updates are written by sync and have none.
fn every_event_named(conn: &Connection, named: &HashSet<i64>) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT seq, type, recorded_by FROM event ORDER BY seq")
        .ctx("reading events")?;
    let mut rows = stmt.query([]).ctx("reading events")?;
    while let Some(r) = rows.next().ctx("reading events")? {
        let seq: i64 = r.get(0).ctx("reading events")?;
        let kind: String = r.get(1).ctx("reading events")?;
        let by: String = r.get(2).ctx("reading events")?;
        let receipt = kind == RECEIPT_TYPE;
        if receipt && by != RECORDED_BY {
            return Err(broken(format!(
                "event seq {seq}: an ICE update receipt is recorded by {RECORDED_BY} only"
            )));
        }
        if !receipt && !named.contains(&seq) {
            return Err(broken(format!(
                "event seq {seq} has no audit record (it was added, or its record removed)"
            )));
        }
    }
    Ok(())
}

/// What the endpoint acknowledged was there: `acked_seq` never points past
/// the last event, and `delivered` marks exactly `seq <= acked_seq`.
fn sync_state_matches(conn: &Connection) -> Result<()> {
    let (acked, last): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT acked_seq FROM sync_state WHERE singleton = 1), (SELECT COALESCE(MAX(seq), 0) FROM event)",
            [],
            |r| Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(0), r.get(1)?)),
        )
        .ctx("reading the sync state")?;
    if acked > last {
        return Err(broken(format!(
            "the endpoint acknowledged events up to seq {acked} but this desk holds only {last}: events were cut off the end"
        )));
    }
    let mismatch: Option<i64> = conn
        .query_row(
            "SELECT seq FROM event WHERE delivered != (seq <= ?1) ORDER BY seq LIMIT 1",
            [acked],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading events")?;
    match mismatch {
        Some(seq) => Err(broken(format!(
            "event seq {seq}: its delivered mark disagrees with the acknowledged seq {acked}"
        ))),
        None => Ok(()),
    }
}
