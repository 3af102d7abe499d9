//! The outbox as sync sees it: the next batch to send, and the write that
//! carries out a push decision (acknowledgement, delivered marks, rejections,
//! clock skew, batch size, last error) in one transaction.
//!
//! `sync_state.acked_seq` is the truth about delivery; `event.delivered` is a
//! mark kept equal to `seq <= acked_seq` in the same transaction, so an
//! endpoint that lost data (ack_seq going back) un-marks what must be resent.
//! Events are never deleted: they are the desk's history (docs/adr/0011).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, TransactionBehavior};
use serde_json::Value;

use super::decision::{Next, PushDecision, MAX_BATCH};
use super::problem::{Problem, Transient};
use crate::error::{Error, Result, SqlContext};
use crate::time::utc_text;

/// Where delivery stands, read before each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxState {
    pub acked_seq: i64,
    pub last_seq: i64,
    /// At most 500; smaller after a 413, and it stays smaller.
    pub batch_size: usize,
}

impl OutboxState {
    pub fn waiting(&self) -> i64 {
        (self.last_seq - self.acked_seq).max(0)
    }
}

pub fn state(conn: &Connection) -> Result<OutboxState> {
    let (acked_seq, batch_size): (i64, i64) = conn
        .query_row(
            "SELECT acked_seq, batch_size FROM sync_state WHERE singleton = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the sync state")?;
    let last_seq: i64 = conn
        .query_row("SELECT COALESCE(MAX(seq), 0) FROM event", [], |r| r.get(0))
        .ctx("reading the outbox")?;
    Ok(OutboxState {
        acked_seq,
        last_seq,
        batch_size: (batch_size.max(1) as usize).min(MAX_BATCH),
    })
}

/// The next events to send: ascending `seq` from `after + 1`, as stored
/// (canonical JSON, hash included: the endpoint checks the chain).
pub fn batch(conn: &Connection, after: i64, limit: usize) -> Result<Vec<Value>> {
    let mut stmt = conn
        .prepare("SELECT seq, envelope FROM event WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .ctx("reading the outbox")?;
    let rows = stmt
        .query_map(params![after, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .ctx("reading the outbox")?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, text) = row.ctx("reading the outbox")?;
        let envelope = serde_json::from_str(&text).map_err(|_| Error::Database {
            message: format!("outbox event {seq} is not valid JSON; run `wsoctl audit verify`"),
        })?;
        out.push(envelope);
    }
    Ok(out)
}

/// Carry out a push decision in one transaction.
pub fn record_push(conn: &mut Connection, d: &PushDecision, now: DateTime<Utc>) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("recording the endpoint's answer")?;
    let at = utc_text(now);
    if let Some(ack) = d.ack_seq {
        // `delivered` always equals `seq <= acked_seq`: only the seq range
        // between the old and the new acknowledgement changes, and seq is the
        // primary key, so this costs the batch, not the whole history.
        let previous: i64 = tx
            .query_row(
                "SELECT acked_seq FROM sync_state WHERE singleton = 1",
                [],
                |r| r.get(0),
            )
            .ctx("reading the acknowledgement")?;
        tx.execute(
            "UPDATE sync_state SET acked_seq = ?1, last_success_at = ?2 WHERE singleton = 1",
            params![ack, at],
        )
        .ctx("recording the acknowledgement")?;
        let (low, high, mark) = if ack >= previous {
            (previous, ack, 1)
        } else {
            (ack, previous, 0)
        };
        tx.execute(
            "UPDATE event SET delivered = ?3 WHERE seq > ?1 AND seq <= ?2",
            params![low, high, mark],
        )
        .ctx("marking events delivered or to resend")?;
        // An acknowledged `hold.opened` is the notice to ICE (agreement.md s4).
        if ack > previous {
            crate::desk::notice_by_sync(&tx, previous, ack, now)?;
        }
    }
    for r in &d.rejected {
        tx.execute(
            "INSERT OR REPLACE INTO sync_rejection (seq, event_id, code, message, seen_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![r.seq, r.event_id, clip(&r.code, 64), clip(&r.message, 500), at],
        )
        .ctx("recording a rejected event")?;
    }
    if let Some(skew) = d.skew_seconds {
        tx.execute(
            "UPDATE sync_state SET server_time_skew_s = ?1 WHERE singleton = 1",
            [skew],
        )
        .ctx("recording the clock difference")?;
    }
    for w in d
        .warnings
        .iter()
        .filter(|w| !matches!(w, Problem::ClockSkew { .. }))
    {
        set_warning(&tx, w, now)?;
    }
    match &d.next {
        Next::Shrink { batch_size } => {
            tx.execute(
                "UPDATE sync_state SET batch_size = ?1 WHERE singleton = 1",
                [*batch_size as i64],
            )
            .ctx("keeping the smaller batch size")?;
        }
        Next::Stop(p) => set_error(&tx, Some((p.code(), p.message())))?,
        Next::Retry { why, .. } => set_error(&tx, Some((why.code(), why.message())))?,
        Next::Done | Next::Continue => set_error(&tx, None)?,
    }
    tx.execute(
        "UPDATE sync_state SET last_attempt_at = ?1 WHERE singleton = 1",
        [&at],
    )
    .ctx("recording the sync attempt")?;
    tx.commit().ctx("committing the endpoint's answer")
}

/// Record why an exchange failed (or clear it), with the attempt time.
pub fn record_failure(
    conn: &Connection,
    failure: Option<Failure<'_>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (code, message) = match failure {
        Some(Failure::Problem(p)) => (Some(p.code().to_owned()), Some(p.message())),
        Some(Failure::Transient(t)) => (Some(t.code().to_owned()), Some(t.message())),
        None => (None, None),
    };
    conn.execute(
        "UPDATE sync_state SET last_error_code = ?1, last_error = ?2, last_attempt_at = ?3 WHERE singleton = 1",
        params![code, message, utc_text(now)],
    )
    .ctx("recording the sync attempt")?;
    Ok(())
}

pub enum Failure<'a> {
    Problem(&'a Problem),
    Transient(Transient),
}

pub fn record_success(
    conn: &Connection,
    skew_seconds: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = utc_text(now);
    conn.execute(
        "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1,
             server_time_skew_s = COALESCE(?2, server_time_skew_s) WHERE singleton = 1",
        params![at, skew_seconds],
    )
    .ctx("recording the sync attempt")?;
    Ok(())
}

/// A supervisor cleared the warning (or the endpoint recovered).
pub fn clear_warning(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET warning_code = NULL, warning = NULL, warning_at = NULL WHERE singleton = 1",
        [],
    )
    .ctx("clearing the sync warning")?;
    Ok(())
}

fn set_warning(conn: &Connection, w: &Problem, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET warning_code = ?1, warning = ?2, warning_at = ?3 WHERE singleton = 1",
        params![w.code(), w.message(), utc_text(now)],
    )
    .ctx("recording a sync warning")?;
    Ok(())
}

fn set_error(conn: &Connection, error: Option<(&str, String)>) -> Result<()> {
    let (code, message) = match error {
        Some((c, m)) => (Some(c), Some(m)),
        None => (None, None),
    };
    conn.execute(
        "UPDATE sync_state SET last_error_code = ?1, last_error = ?2 WHERE singleton = 1",
        params![code, message],
    )
    .ctx("recording the sync error")?;
    Ok(())
}

fn clip(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}
