//! The `event` table's writes (the sync outbox), in one place: the chain's
//! tail, appending an event, marking a seq range delivered. What an event
//! says and how it is hashed lives in `crate::events`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Result, SqlContext};

/// The newest event's seq and hash. Read inside the caller's write
/// transaction, so no other process can append in between.
pub(crate) fn tail(conn: &Connection) -> Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .ctx("reading the last event")
}

/// One outbox row; `envelope` is the canonical JSON that was hashed.
pub(crate) struct EventRow<'a> {
    pub seq: i64,
    pub event_id: &'a str,
    pub hold_id: &'a str,
    pub kind: &'a str,
    pub occurred_at: &'a str,
    pub recorded_at: &'a str,
    pub recorded_by: &'a str,
    pub envelope: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

pub(crate) fn insert(conn: &Connection, e: &EventRow<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO event (seq, event_id, hold_id, type, occurred_at, recorded_at, recorded_by, envelope, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            e.seq,
            e.event_id,
            e.hold_id,
            e.kind,
            e.occurred_at,
            e.recorded_at,
            e.recorded_by,
            e.envelope,
            e.prev_hash,
            e.hash
        ],
    )
    .ctx("writing the sync event")?;
    Ok(())
}

/// Set `delivered` for `low < seq <= high` (seq is the primary key, so this
/// costs the range, not the whole history).
pub(crate) fn mark_delivered(
    conn: &Connection,
    low: i64,
    high: i64,
    delivered: bool,
) -> Result<()> {
    conn.execute(
        "UPDATE event SET delivered = ?3 WHERE seq > ?1 AND seq <= ?2",
        params![low, high, i64::from(delivered)],
    )
    .ctx("marking events delivered or to resend")?;
    Ok(())
}
