//! The endpoint's own SQLite file: events as each desk sent them, the
//! rejections it judged, and the ICE updates an operator queued. Plain
//! (unencrypted) SQLite: see docs/adr/0010-endpoint-store.md.
//!
//! Storing a push is one transaction: duplicates (same `seq`, `event_id` and
//! `hash`) are acknowledged; a `seq` already held with another `event_id` or
//! another `hash`, and an event whose `prev_hash` is not the stored hash of
//! the seq before it, are conflicts (409, nothing of the request is kept: the
//! stored chain is the anchor a rewritten desk is compared with, and nothing
//! is ever stored past a break); a gap stops the request there. Every new
//! event has its hash checked with the desk's own `wso_core::events` code; a
//! hash that does not match its content is stored and rejected (ICE keeps the
//! evidence; the desk shows it to a supervisor), never silently dropped.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;
use wso_core::events::{canonical_json, envelope_hash, GENESIS_HASH};
use wso_core::time::utc_text;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS desk_event (
    desk_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    event_id    TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    type        TEXT NOT NULL,
    envelope    TEXT NOT NULL,
    hash        TEXT NOT NULL,
    stored_at   TEXT NOT NULL,
    PRIMARY KEY (desk_id, seq)
);
CREATE INDEX IF NOT EXISTS desk_event_by_id ON desk_event(desk_id, event_id);
-- The events feed walks a facility in storage (rowid) order; the endpoint never VACUUMs.
CREATE INDEX IF NOT EXISTS desk_event_by_facility ON desk_event(facility_id);
CREATE TABLE IF NOT EXISTS rejection (
    desk_id  TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    code     TEXT NOT NULL,
    message  TEXT NOT NULL,
    PRIMARY KEY (desk_id, seq)
);
CREATE TABLE IF NOT EXISTS ice_update (
    pos         INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id   TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    hold_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    details     TEXT NOT NULL,
    queued_at   TEXT NOT NULL
);
";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the endpoint database failed while {context}: {source}; check the --db file and disk space")]
    Sqlite {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// 400: the request cannot be read as the protocol says.
    #[error("{0}")]
    Malformed(String),
    /// 409: the push does not continue the chain the endpoint holds.
    #[error("{message}")]
    Conflict {
        seq: i64,
        /// `seq_conflict`, `content_changed` or `chain_broken`.
        code: &'static str,
        message: String,
    },
}

trait Ctx<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, rusqlite::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite { context, source })
    }
}

pub fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).ctx("opening the database")?;
    conn.busy_timeout(Duration::from_secs(10))
        .ctx("setting the busy timeout")?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .ctx("setting pragmas")?;
    conn.execute_batch(SCHEMA).ctx("creating the schema")?;
    Ok(conn)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rejected {
    pub seq: i64,
    pub event_id: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub ack_seq: i64,
    /// The stored `hash` of the event at `ack_seq` (None at 0): the desk's anchor.
    pub ack_hash: Option<String>,
    pub rejected: Vec<Rejected>,
}

/// Check the request's shape: each event an object with an integer `seq`,
/// string ids and hashes, in ascending `seq`. (Whose desk and facility they
/// may name is the token's business: `routes` answers 403 for those.)
pub fn check_events(events: &[Value]) -> Result<(), StoreError> {
    let mut last = 0;
    for (i, e) in events.iter().enumerate() {
        let bad = |why: &str| StoreError::Malformed(format!("events[{i}]: {why}"));
        let seq = e["seq"]
            .as_i64()
            .filter(|s| *s >= 1)
            .ok_or_else(|| bad("seq must be an integer >= 1"))?;
        for key in ["event_id", "hash", "prev_hash", "type", "facility_id"] {
            if e[key].as_str().is_none_or(str::is_empty) {
                return Err(bad(&format!("{key} must be a non-empty string")));
            }
        }
        if e["desk_id"].as_str().is_none_or(str::is_empty) {
            return Err(bad("desk_id must be a non-empty string"));
        }
        if seq <= last {
            return Err(bad("events must be in ascending seq"));
        }
        last = seq;
    }
    Ok(())
}

/// Store a push (events already shape-checked) and say what is acknowledged.
pub fn store_events(
    conn: &mut Connection,
    desk_id: &str,
    facility_id: &str,
    events: &[Value],
    now: DateTime<Utc>,
) -> Result<Stored, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("starting to store events")?;
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM desk_event WHERE desk_id = ?1 ORDER BY seq DESC LIMIT 1",
            [desk_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("reading the last event")?;
    let (mut ack, mut prev) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
    let mut rejected = Vec::new();
    for e in events {
        let seq = e["seq"].as_i64().unwrap_or(0);
        let event_id = e["event_id"].as_str().unwrap_or_default();
        let claimed = e["hash"].as_str().unwrap_or_default().to_owned();
        if seq <= ack {
            let (stored_id, stored_hash): (String, String) = tx
                .query_row(
                    "SELECT event_id, hash FROM desk_event WHERE desk_id = ?1 AND seq = ?2",
                    params![desk_id, seq],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .ctx("reading a stored event")?;
            // Nothing of this request is kept: the desk must not renumber or rewrite.
            if stored_id != event_id {
                return Err(StoreError::Conflict {
                    seq,
                    code: "seq_conflict",
                    message: format!(
                        "seq {seq} is already stored with event {stored_id}, not {event_id}"
                    ),
                });
            }
            if stored_hash != claimed {
                return Err(StoreError::Conflict {
                    seq,
                    code: "content_changed",
                    message: format!(
                        "event {event_id} (seq {seq}) is stored with hash {stored_hash}; it was resent with another content (hash {claimed})"
                    ),
                });
            }
            rejected.extend(rejection(&tx, desk_id, seq)?);
            continue;
        }
        if seq > ack + 1 {
            break; // never past a gap
        }
        if e["prev_hash"].as_str() != Some(prev.as_str()) {
            return Err(StoreError::Conflict {
                seq,
                code: "chain_broken",
                message: format!(
                    "seq {seq}: prev_hash is not the stored hash of seq {ack} ({prev}); nothing is stored past a broken chain"
                ),
            });
        }
        let verdict = judge(&tx, desk_id, e, &claimed)?;
        tx.execute(
            "INSERT INTO desk_event (desk_id, seq, event_id, facility_id, type, envelope, hash, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![desk_id, seq, event_id, facility_id, e["type"].as_str(), canonical_json(e), claimed, utc_text(now)],
        )
        .ctx("storing an event")?;
        if let Some((code, message)) = verdict {
            tx.execute(
                "INSERT INTO rejection (desk_id, seq, event_id, code, message) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![desk_id, seq, event_id, code, message],
            )
            .ctx("storing a rejection")?;
            rejected.push(Rejected {
                seq,
                event_id: event_id.to_owned(),
                code: code.to_owned(),
                message,
            });
        }
        ack = seq;
        prev = claimed;
    }
    tx.commit().ctx("committing events")?;
    Ok(Stored {
        ack_seq: ack,
        ack_hash: (ack > 0).then_some(prev),
        rejected,
    })
}

/// Why ICE would refuse a stored event, if it would.
fn judge(
    tx: &rusqlite::Transaction<'_>,
    desk_id: &str,
    e: &Value,
    claimed: &str,
) -> Result<Option<(&'static str, String)>, StoreError> {
    if envelope_hash(e) != claimed {
        return Ok(Some((
            "hash_mismatch",
            "hash does not match the event's content".into(),
        )));
    }
    if has_float(e) {
        return Ok(Some((
            "non_integer_number",
            "numbers in events must be integers".into(),
        )));
    }
    let reused: Option<i64> = tx
        .query_row(
            "SELECT seq FROM desk_event WHERE desk_id = ?1 AND event_id = ?2",
            params![desk_id, e["event_id"].as_str()],
            |r| r.get(0),
        )
        .optional()
        .ctx("checking the event id")?;
    Ok(reused.map(|seq| {
        (
            "duplicate_event_id",
            format!("event_id was already used by seq {seq}"),
        )
    }))
}

fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

fn rejection(
    tx: &rusqlite::Transaction<'_>,
    desk_id: &str,
    seq: i64,
) -> Result<Option<Rejected>, StoreError> {
    tx.query_row(
        "SELECT event_id, code, message FROM rejection WHERE desk_id = ?1 AND seq = ?2",
        params![desk_id, seq],
        |r| {
            Ok(Rejected {
                seq,
                event_id: r.get(0)?,
                code: r.get(1)?,
                message: r.get(2)?,
            })
        },
    )
    .optional()
    .ctx("reading a rejection")
}

/// Everything stored for a desk, in `seq` order (admin view, tests).
pub fn desk_events(conn: &Connection, desk_id: &str) -> Result<Vec<Value>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT envelope FROM desk_event WHERE desk_id = ?1 ORDER BY seq")
        .ctx("reading events")?;
    let rows = stmt
        .query_map([desk_id], |r| r.get::<_, String>(0))
        .ctx("reading events")?;
    let mut out = Vec::new();
    for text in rows {
        out.push(serde_json::from_str(&text.ctx("reading events")?).unwrap_or(Value::Null));
    }
    Ok(out)
}

/// Simulate an endpoint that lost data: forget a desk's events after `seq`.
pub fn forget_after(conn: &Connection, desk_id: &str, seq: i64) -> Result<usize, StoreError> {
    conn.execute(
        "DELETE FROM rejection WHERE desk_id = ?1 AND seq > ?2",
        params![desk_id, seq],
    )
    .ctx("forgetting rejections")?;
    conn.execute(
        "DELETE FROM desk_event WHERE desk_id = ?1 AND seq > ?2",
        params![desk_id, seq],
    )
    .ctx("forgetting events")
}

/// Cursors of the events feed are `e<position>` (storage order).
pub fn parse_event_cursor(after: Option<&str>) -> Result<i64, StoreError> {
    crate::updates::parse_position('e', after)
}

#[derive(Debug, Clone, Serialize)]
pub struct EventPage {
    pub events: Vec<Value>,
    pub next: String,
}

/// Every stored event of a facility after a cursor, in the order stored
/// (each desk's in `seq` order, since a desk's events are stored in order).
pub fn facility_events_after(
    conn: &Connection,
    facility_id: &str,
    after: i64,
    limit: u32,
) -> Result<EventPage, StoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT rowid, envelope FROM desk_event WHERE facility_id = ?1 AND rowid > ?2
             ORDER BY rowid LIMIT ?3",
        )
        .ctx("reading events")?;
    let rows = stmt
        .query_map(params![facility_id, after, limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .ctx("reading events")?;
    let mut last = after;
    let mut events = Vec::new();
    for row in rows {
        let (pos, text) = row.ctx("reading events")?;
        last = pos;
        events.push(serde_json::from_str(&text).unwrap_or(Value::Null));
    }
    Ok(EventPage {
        events,
        next: format!("e{last}"),
    })
}

pub use crate::updates::{queue_update, updates_after, NewUpdate, Page};

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
