//! The other desks of this facility as this desk knows them, in one place:
//! their events as the endpoint's facility feed gave them (`facility_event`),
//! the tail of each desk's chain and what stopped applying it
//! (`facility_desk`), the feed's cursor (`sync_state.facility_cursor`), and
//! the actions the fold found standing on closed holds (`hold_conflict`).
//! What to store and when is decided in `crate::sync::facility` and
//! `crate::desk::facility`; every write runs inside the caller's transaction.

use rusqlite::{params, Connection, OptionalExtension};

use crate::custody::fold::Conflict;
use crate::error::{Result, SqlContext};
use crate::time::utc_text;

/// Another desk's event, checked against its chain, as stored.
pub(crate) struct ForeignEvent<'a> {
    pub desk_id: &'a str,
    pub seq: i64,
    pub event_id: &'a str,
    pub hold_id: &'a str,
    pub kind: &'a str,
    pub occurred_at: &'a str,
    pub recorded_at: &'a str,
    pub envelope: &'a str,
    pub hash: &'a str,
    pub received_at: &'a str,
}

pub(crate) fn insert_event(conn: &Connection, e: &ForeignEvent<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO facility_event (desk_id, seq, event_id, hold_id, type, occurred_at, recorded_at, envelope, hash, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            e.desk_id,
            e.seq,
            e.event_id,
            e.hold_id,
            e.kind,
            e.occurred_at,
            e.recorded_at,
            e.envelope,
            e.hash,
            e.received_at
        ],
    )
    .ctx("storing another desk's event")?;
    Ok(())
}

/// One hold's events from the other desks: (envelope, received_at), each
/// desk's in seq order.
pub(crate) fn envelopes_of_hold(conn: &Connection, hold_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT envelope, received_at FROM facility_event WHERE hold_id = ?1 ORDER BY desk_id, seq",
        )
        .ctx("reading other desks' events")?;
    let rows = stmt
        .query_map([hold_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("reading other desks' events")?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .ctx("reading other desks' events")
}

/// Holds that only other desks' events name (booked elsewhere, never acted
/// on here), for `audit verify`.
pub(crate) fn holds_only_elsewhere(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT hold_id FROM facility_event
              WHERE hold_id NOT IN (SELECT hold_id FROM event) ORDER BY hold_id",
        )
        .ctx("reading other desks' holds")?;
    let rows = stmt
        .query_map([], |r| r.get(0))
        .ctx("reading other desks' holds")?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .ctx("reading other desks' holds")
}

/// Whether a hold has events of other desks.
pub(crate) fn touched_elsewhere(conn: &Connection, hold_id: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM facility_event WHERE hold_id = ?1)",
        [hold_id],
        |r| r.get(0),
    )
    .ctx("reading other desks' events")
}

/// Another desk as last heard from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRow {
    pub desk_id: String,
    pub last_seq: i64,
    pub last_hash: String,
    pub last_event_at: String,
    pub received_at: String,
    /// The seq and why applying this desk's events stopped there.
    pub problem: Option<(i64, String)>,
}

const DESK_COLUMNS: &str =
    "desk_id, last_seq, last_hash, last_event_at, received_at, problem_seq, problem";

fn desk_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeskRow> {
    let seq: Option<i64> = r.get(5)?;
    let why: Option<String> = r.get(6)?;
    Ok(DeskRow {
        desk_id: r.get(0)?,
        last_seq: r.get(1)?,
        last_hash: r.get(2)?,
        last_event_at: r.get(3)?,
        received_at: r.get(4)?,
        problem: seq.zip(why),
    })
}

pub(crate) fn desk(conn: &Connection, desk_id: &str) -> Result<Option<DeskRow>> {
    conn.query_row(
        &format!("SELECT {DESK_COLUMNS} FROM facility_desk WHERE desk_id = ?1"),
        [desk_id],
        desk_row,
    )
    .optional()
    .ctx("reading another desk's chain")
}

/// Every other desk heard from, by desk id.
pub fn desks(conn: &Connection) -> Result<Vec<DeskRow>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {DESK_COLUMNS} FROM facility_desk ORDER BY desk_id"
        ))
        .ctx("reading the other desks")?;
    let rows = stmt
        .query_map([], desk_row)
        .ctx("reading the other desks")?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .ctx("reading the other desks")
}

/// The desk's chain now ends at `seq` with `hash`.
pub(crate) fn set_tail(
    conn: &Connection,
    desk_id: &str,
    seq: i64,
    hash: &str,
    event_at: &str,
    received_at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO facility_desk (desk_id, last_seq, last_hash, last_event_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(desk_id) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash,
             last_event_at = excluded.last_event_at, received_at = excluded.received_at",
        params![desk_id, seq, hash, event_at, received_at],
    )
    .ctx("recording another desk's chain")?;
    Ok(())
}

/// Applying the desk's events stopped at `seq`: shown, and nothing of it
/// from there on is applied. The first problem stays.
pub(crate) fn set_problem(
    conn: &Connection,
    desk_id: &str,
    seq: i64,
    problem: &str,
    received_at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO facility_desk (desk_id, last_seq, last_hash, last_event_at, received_at, problem_seq, problem)
         VALUES (?1, 0, ?5, ?4, ?4, ?2, ?3)
         ON CONFLICT(desk_id) DO UPDATE SET received_at = excluded.received_at,
             problem_seq = COALESCE(problem_seq, excluded.problem_seq),
             problem = COALESCE(problem, excluded.problem)",
        params![desk_id, seq, problem, received_at, crate::events::GENESIS_HASH],
    )
    .ctx("recording a break in another desk's chain")?;
    Ok(())
}

pub(crate) fn cursor(conn: &Connection) -> Result<Option<String>> {
    conn.query_row(
        "SELECT facility_cursor FROM sync_state WHERE singleton = 1",
        [],
        |r| r.get(0),
    )
    .ctx("reading the facility feed's cursor")
}

/// When the facility feed was last read to its end.
pub fn read_at(conn: &Connection) -> Result<Option<String>> {
    conn.query_row(
        "SELECT facility_read_at FROM sync_state WHERE singleton = 1",
        [],
        |r| r.get(0),
    )
    .ctx("reading when the facility feed was read")
}

pub(crate) fn set_cursor(conn: &Connection, cursor: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET facility_cursor = ?1 WHERE singleton = 1",
        [cursor],
    )
    .ctx("recording the facility feed's cursor")?;
    Ok(())
}

pub(crate) fn set_read_at(conn: &Connection, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET facility_read_at = ?1 WHERE singleton = 1",
        [at],
    )
    .ctx("recording when the facility feed was read")?;
    Ok(())
}

/// The hold's conflicts are what its fold found, no more, no less.
pub(crate) fn replace_conflicts(
    conn: &Connection,
    hold_id: &str,
    found: &[Conflict],
) -> Result<()> {
    conn.execute("DELETE FROM hold_conflict WHERE hold_id = ?1", [hold_id])
        .ctx("rewriting a hold's conflicts")?;
    for c in found {
        conn.execute(
            "INSERT INTO hold_conflict (hold_id, desk_id, seq, type, occurred_at, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                hold_id,
                c.at.desk_id,
                c.at.seq,
                c.kind,
                utc_text(c.occurred_at),
                c.why
            ],
        )
        .ctx("rewriting a hold's conflicts")?;
    }
    Ok(())
}

/// One conflict as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    pub desk_id: String,
    pub seq: i64,
    pub kind: String,
    pub occurred_at: String,
    pub detail: String,
}

pub fn conflicts_of(conn: &Connection, hold_id: &str) -> Result<Vec<ConflictRow>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT desk_id, seq, type, occurred_at, detail FROM hold_conflict
              WHERE hold_id = ?1 ORDER BY occurred_at, desk_id, seq",
        )
        .ctx("reading a hold's conflicts")?;
    let rows = stmt
        .query_map([hold_id], |r| {
            Ok(ConflictRow {
                desk_id: r.get(0)?,
                seq: r.get(1)?,
                kind: r.get(2)?,
                occurred_at: r.get(3)?,
                detail: r.get(4)?,
            })
        })
        .ctx("reading a hold's conflicts")?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .ctx("reading a hold's conflicts")
}

/// Other holds, not voided, booked on the same warrant (form and number as
/// the desk compares them) for a time that overlaps this one's: a possible
/// duplicate booking. (A warrant served again after a release is not one.)
pub fn same_warrant(conn: &Connection, hold_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT other.hold_id FROM hold AS this JOIN hold AS other
                 ON other.warrant_form = this.warrant_form AND other.warrant_key = this.warrant_key
              WHERE this.hold_id = ?1 AND other.hold_id != this.hold_id
                AND other.voided_at IS NULL AND this.voided_at IS NULL
                AND (this.closed_at IS NULL OR other.served_at < this.closed_at)
                AND (other.closed_at IS NULL OR this.served_at < other.closed_at)
              ORDER BY other.served_at, other.hold_id",
        )
        .ctx("looking for duplicate bookings")?;
    let rows = stmt
        .query_map([hold_id], |r| r.get(0))
        .ctx("looking for duplicate bookings")?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .ctx("looking for duplicate bookings")
}
