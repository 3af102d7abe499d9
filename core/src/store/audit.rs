//! The `audit` table's SQL, in one place: reading the chain's tail, appending
//! a record, reading records back. The rules (hashing, what is recorded,
//! verification) live in `crate::audit`, which is what the rest of the desk calls.

use rusqlite::{params, Connection, OptionalExtension};

use crate::audit::AuditRecord;
use crate::error::{Result, SqlContext};

const COLUMNS: &str = "seq, at, actor, action, target, desk, outcome, detail";

/// The newest record's seq and hash. Read under the write lock (see
/// `crate::audit::record`), so no other process can append in between.
pub(crate) fn tail(conn: &Connection) -> Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .ctx("reading the audit log")
}

pub(crate) fn insert(
    conn: &Connection,
    rec: &AuditRecord,
    prev_hash: &str,
    hash: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, target, desk, outcome, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            rec.seq,
            rec.at,
            rec.actor,
            rec.action,
            rec.target,
            rec.desk,
            rec.outcome,
            rec.detail,
            prev_hash,
            hash
        ],
    )
    .ctx("writing the audit log")?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        target: r.get(4)?,
        desk: r.get(5)?,
        outcome: r.get(6)?,
        detail: r.get(7)?,
    })
}

/// Records newest first, at most `limit`.
pub(crate) fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?1"
        ))
        .ctx("reading the audit log")?;
    let rows = stmt.query_map([limit], row).ctx("reading the audit log")?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .ctx("reading the audit log")
}

/// Every record in chain order with its stored `prev_hash` and `hash`.
pub(crate) fn for_each_in_order(
    conn: &Connection,
    mut each: impl FnMut(AuditRecord, String, String) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS}, prev_hash, hash FROM audit ORDER BY seq"
        ))
        .ctx("reading the audit log")?;
    let mut rows = stmt.query([]).ctx("reading the audit log")?;
    while let Some(r) = rows.next().ctx("reading the audit log")? {
        let rec = row(r).ctx("reading the audit log")?;
        let prev_hash: String = r.get(8).ctx("reading the audit log")?;
        let hash: String = r.get(9).ctx("reading the audit log")?;
        each(rec, prev_hash, hash)?;
    }
    Ok(())
}

/// Each audit record whose detail starts with `prefix` (`event seq N hash H`),
/// with the hash of event N as stored (None when that event is missing).
pub(crate) fn event_references(
    conn: &Connection,
    prefix: &str,
    mut each: impl FnMut(i64, String, Option<String>) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT a.seq, a.detail, e.hash FROM audit a LEFT JOIN event e
                  ON e.seq = CAST(substr(a.detail, length(?1) + 1, instr(substr(a.detail, length(?1) + 1), ' ') - 1) AS INTEGER)
                  WHERE a.detail LIKE ?1 || '%'")
        .ctx("reading the audit log")?;
    let mut rows = stmt.query([prefix]).ctx("reading the audit log")?;
    while let Some(r) = rows.next().ctx("reading the audit log")? {
        each(
            r.get(0).ctx("reading the audit log")?,
            r.get(1).ctx("reading the audit log")?,
            r.get(2).ctx("reading the audit log")?,
        )?;
    }
    Ok(())
}
