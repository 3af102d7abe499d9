//! The embedded store: one plain SQLite file (`--db FILE`), one connection.
//! A push is one `BEGIN IMMEDIATE` transaction: read what `push::plan` needs,
//! plan, write. The feeds walk storage (rowid) order; the endpoint never VACUUMs.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;
use wso_core::time::utc_text;

use super::push::{self, Held, HeldEvent};
use super::{Rejected, StoreError, Stored, Update};

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

trait Ctx<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, rusqlite::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite { context, source })
    }
}

pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).ctx("opening the database")?;
    conn.busy_timeout(Duration::from_secs(10))
        .ctx("setting the busy timeout")?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .ctx("setting pragmas")?;
    conn.execute_batch(SCHEMA).ctx("creating the schema")?;
    Ok(conn)
}

pub(crate) fn store_events(
    conn: &mut Connection,
    desk_id: &str,
    facility_id: &str,
    events: &[Value],
    now: DateTime<Utc>,
) -> Result<Stored, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("starting to store events")?;
    let held = held(&tx, desk_id, events)?;
    let plan = push::plan(held, events)?;
    let stored_at = utc_text(now);
    for e in &plan.new {
        tx.execute(
            "INSERT INTO desk_event (desk_id, seq, event_id, facility_id, type, envelope, hash, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![desk_id, e.seq, e.event_id, facility_id, e.kind, e.envelope, e.hash, stored_at],
        )
        .ctx("storing an event")?;
        if let Some((code, message)) = &e.rejection {
            tx.execute(
                "INSERT INTO rejection (desk_id, seq, event_id, code, message) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![desk_id, e.seq, e.event_id, code, message],
            )
            .ctx("storing a rejection")?;
        }
    }
    tx.commit().ctx("committing events")?;
    Ok(plan.answer)
}

/// What the push rules need to know of the desk, read inside the push's transaction.
fn held(
    tx: &rusqlite::Transaction<'_>,
    desk_id: &str,
    events: &[Value],
) -> Result<Held, StoreError> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM desk_event WHERE desk_id = ?1 ORDER BY seq DESC LIMIT 1",
            [desk_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("reading the last event")?;
    let wanted = push::wanted(events, last.as_ref().map_or(0, |(s, _)| *s));
    let mut held = Held {
        last,
        ..Held::default()
    };
    let mut stored = tx
        .prepare_cached(
            "SELECT e.event_id, e.hash, r.event_id, r.code, r.message
             FROM desk_event e LEFT JOIN rejection r ON r.desk_id = e.desk_id AND r.seq = e.seq
             WHERE e.desk_id = ?1 AND e.seq = ?2",
        )
        .ctx("reading a stored event")?;
    for seq in wanted.resent {
        let row = stored
            .query_row(params![desk_id, seq], |r| {
                let rejection = match r.get::<_, Option<String>>(2)? {
                    Some(event_id) => Some(Rejected {
                        seq,
                        event_id,
                        code: r.get(3)?,
                        message: r.get(4)?,
                    }),
                    None => None,
                };
                Ok(HeldEvent {
                    event_id: r.get(0)?,
                    hash: r.get(1)?,
                    rejection,
                })
            })
            .optional()
            .ctx("reading a stored event")?;
        if let Some(row) = row {
            held.resent.insert(seq, row);
        }
    }
    let mut used = tx
        .prepare_cached("SELECT min(seq) FROM desk_event WHERE desk_id = ?1 AND event_id = ?2")
        .ctx("checking the event id")?;
    for id in wanted.event_ids {
        let seq: Option<i64> = used
            .query_row(params![desk_id, id], |r| r.get(0))
            .ctx("checking the event id")?;
        if let Some(seq) = seq {
            held.used_ids.insert(id.to_owned(), seq);
        }
    }
    Ok(held)
}

pub(crate) fn desk_events(conn: &Connection, desk_id: &str) -> Result<Vec<Value>, StoreError> {
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

pub(crate) fn forget_after(conn: &Connection, desk_id: &str, seq: i64) -> Result<u64, StoreError> {
    conn.execute(
        "DELETE FROM rejection WHERE desk_id = ?1 AND seq > ?2",
        params![desk_id, seq],
    )
    .ctx("forgetting rejections")?;
    let n = conn
        .execute(
            "DELETE FROM desk_event WHERE desk_id = ?1 AND seq > ?2",
            params![desk_id, seq],
        )
        .ctx("forgetting events")?;
    Ok(n as u64)
}

/// `(rowid, envelope)` of a facility's events after a position, in rowid order.
pub(crate) fn facility_events_after(
    conn: &Connection,
    facility_id: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT rowid, envelope FROM desk_event WHERE facility_id = ?1 AND rowid > ?2
             ORDER BY rowid LIMIT ?3",
        )
        .ctx("reading events")?;
    let rows = stmt
        .query_map(params![facility_id, after, limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ctx("reading events")?;
    rows.collect::<Result<_, _>>().ctx("reading events")
}

pub(crate) fn queue_update(
    conn: &Connection,
    facility_id: &str,
    update: &Update,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO ice_update (update_id, facility_id, hold_id, kind, at, details, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            update.update_id,
            facility_id,
            update.hold_id,
            update.kind,
            update.at,
            update.details.to_string(),
            utc_text(now)
        ],
    )
    .ctx("queueing an update")?;
    Ok(())
}

pub(crate) fn updates_after(
    conn: &Connection,
    facility_id: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<(i64, Update)>, StoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT pos, update_id, hold_id, kind, at, details FROM ice_update
             WHERE facility_id = ?1 AND pos > ?2 ORDER BY pos LIMIT ?3",
        )
        .ctx("reading updates")?;
    let rows = stmt
        .query_map(params![facility_id, after, limit], |r| {
            let details: String = r.get(5)?;
            Ok((
                r.get::<_, i64>(0)?,
                Update {
                    update_id: r.get(1)?,
                    hold_id: r.get(2)?,
                    kind: r.get(3)?,
                    at: r.get(4)?,
                    details: serde_json::from_str(&details).unwrap_or(Value::Null),
                },
            ))
        })
        .ctx("reading updates")?;
    rows.collect::<Result<_, _>>().ctx("reading updates")
}
