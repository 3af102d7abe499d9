//! The outbox as sync sees it: the next batch to send, and the write that
//! carries out a push decision (acknowledgement, delivered marks, rejections,
//! clock skew, batch size, last error) in one transaction.
//!
//! `sync_state.acked_seq` is the truth about delivery; `event.delivered` is a
//! mark kept equal to `seq <= acked_seq` in the same transaction, so an
//! endpoint that lost data (ack_seq going back) un-marks what must be resent.
//! Events are never deleted: they are the desk's history (docs/adr/0011).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

use super::decision::{Next, PushDecision, MAX_BATCH};
use super::problem::{Problem, Transient};
use crate::error::{Error, Result, SqlContext};
use crate::store::{self, sync_state};
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

/// The next events from `after + 1`, parsed (for tests and tools that read
/// them); the push itself sends [`stored_batch`].
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
        let envelope = serde_json::from_str(&text).map_err(|_| not_json(seq))?;
        out.push(envelope);
    }
    Ok(out)
}

/// The next events to send, exactly as stored: each envelope's canonical
/// JSON text (hash included), joined into one JSON array without being
/// parsed into values and serialised again. The bytes on the wire are the
/// bytes that were hashed and committed (sync-protocol.md: the endpoint
/// checks the chain), and reading a batch costs a copy, not a re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBatch {
    /// `[envelope,envelope,...]`, the stored texts in `seq` order.
    pub events_json: String,
    pub len: usize,
    /// The `seq` of the last event in the batch (None when empty).
    pub last_seq: Option<i64>,
}

/// [`batch`] without parsing: the stored texts as they are. Each text is
/// still checked to be one JSON value (a syntax scan, no tree is built), so
/// a damaged row stops the push with the same error as before instead of
/// sending the endpoint a body it cannot read.
pub fn stored_batch(conn: &Connection, after: i64, limit: usize) -> Result<StoredBatch> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, envelope FROM event WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .ctx("reading the outbox")?;
    let mut rows = stmt
        .query(params![after, limit as i64])
        .ctx("reading the outbox")?;
    let mut out = StoredBatch {
        events_json: String::from("["),
        len: 0,
        last_seq: None,
    };
    while let Some(row) = rows.next().ctx("reading the outbox")? {
        let seq: i64 = row.get(0).ctx("reading the outbox")?;
        let text = row.get_ref(1).ctx("reading the outbox")?;
        let text = text.as_str().map_err(|_| not_json(seq))?;
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
            return Err(not_json(seq));
        }
        if out.len > 0 {
            out.events_json.push(',');
        }
        out.events_json.push_str(text);
        out.len += 1;
        out.last_seq = Some(seq);
    }
    out.events_json.push(']');
    Ok(out)
}

fn not_json(seq: i64) -> Error {
    Error::Database {
        message: format!("outbox event {seq} is not valid JSON; run `wsoctl audit verify`"),
    }
}

/// This desk's own hash of event `seq`, if it has that event.
pub fn hash_at(conn: &Connection, seq: i64) -> Result<Option<String>> {
    conn.query_row("SELECT hash FROM event WHERE seq = ?1", [seq], |r| r.get(0))
        .optional()
        .ctx("reading an event's hash")
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
        let previous = sync_state::acked_seq(&tx)?;
        sync_state::set_acked(&tx, ack, &at)?;
        let (low, high, mark) = if ack >= previous {
            (previous, ack, true)
        } else {
            (ack, previous, false)
        };
        store::event::mark_delivered(&tx, low, high, mark)?;
        // An acknowledged `hold.opened` is the notice to ICE (agreement.md s4).
        if ack > previous {
            crate::desk::notice_by_sync(&tx, previous, ack, now)?;
        }
    }
    for r in &d.rejected {
        sync_state::insert_rejection(
            &tx,
            r.seq,
            &r.event_id,
            &clip(&r.code, 64),
            &clip(&r.message, 500),
            &at,
        )?;
    }
    if let Some(skew) = d.skew_seconds {
        sync_state::set_skew(&tx, skew)?;
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
            sync_state::set_batch_size(&tx, *batch_size as i64)?;
        }
        Next::Stop(p) => set_error(&tx, Some((p.code(), p.message())))?,
        Next::Retry { why, .. } => set_error(&tx, Some((why.code(), why.message())))?,
        Next::Done | Next::Continue => set_error(&tx, None)?,
    }
    sync_state::set_attempt_at(&tx, &at)?;
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
    sync_state::set_failure(conn, code.as_deref(), message.as_deref(), &utc_text(now))
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
    sync_state::set_success(conn, skew_seconds, &utc_text(now))
}

/// A supervisor cleared the warning (or the endpoint recovered).
pub fn clear_warning(conn: &Connection) -> Result<()> {
    sync_state::clear_warning(conn)
}

fn set_warning(conn: &Connection, w: &Problem, now: DateTime<Utc>) -> Result<()> {
    sync_state::set_warning(conn, w.code(), &w.message(), &utc_text(now))
}

fn set_error(conn: &Connection, error: Option<(&str, String)>) -> Result<()> {
    let (code, message) = match error {
        Some((c, m)) => (Some(c), Some(m)),
        None => (None, None),
    };
    sync_state::set_error(conn, code, message.as_deref())
}

fn clip(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}
