//! The local audit trail: every action that is not itself a custody event
//! (sign-ins, users, officers, facility, handoffs, backups, exports, reads of
//! the audit log), with who, what, when (UTC, microseconds), where (desk) and
//! outcome. Records are hash chained like the sync events, so `audit verify`
//! finds any edited, removed or reordered record.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, SqlContext};
use crate::events::{canonical_json, GENESIS_HASH};

#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub desk: String,
    pub outcome: String,
    pub detail: Option<String>,
}

/// What is being recorded. `outcome` is "success", "failure" or "refused".
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
}

fn record_hash(r: &AuditRecord, prev_hash: &str) -> String {
    let v = json!({
        "seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action, "target": r.target,
        "desk": r.desk, "outcome": r.outcome, "detail": r.detail, "prev_hash": prev_hash,
    });
    hex::encode(Sha256::digest(canonical_json(&v).as_bytes()))
}

/// Append a record (inside the caller's transaction, when there is one).
pub fn record(conn: &Connection, desk: &str, at: DateTime<Utc>, entry: Entry<'_>) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("reading the audit log")?;
    let (seq, prev_hash) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let rec = AuditRecord {
        seq,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor: entry.actor.to_owned(),
        action: entry.action.to_owned(),
        target: entry.target.map(str::to_owned),
        desk: desk.to_owned(),
        outcome: entry.outcome.to_owned(),
        detail: entry.detail.map(str::to_owned),
    };
    let hash = record_hash(&rec, &prev_hash);
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

/// How an audit record of a custody change names its sync event:
/// `event seq N hash H`.
pub const EVENT_REF: &str = "event seq ";

/// Every audit record of a custody change must name an event that exists with
/// the same hash: the audit chain vouches for the event chain's tail.
pub fn verify_event_references(conn: &Connection) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT a.seq, a.detail, e.hash FROM audit a LEFT JOIN event e
                  ON e.seq = CAST(substr(a.detail, length(?1) + 1, instr(substr(a.detail, length(?1) + 1), ' ') - 1) AS INTEGER)
                  WHERE a.detail LIKE ?1 || '%'")
        .ctx("reading the audit log")?;
    let mut rows = stmt.query([EVENT_REF]).ctx("reading the audit log")?;
    while let Some(r) = rows.next().ctx("reading the audit log")? {
        let seq: i64 = r.get(0).ctx("audit")?;
        let detail: String = r.get(1).ctx("audit")?;
        let event_hash: Option<String> = r.get(2).ctx("audit")?;
        let named = detail.rsplit(' ').next().unwrap_or_default();
        if event_hash.as_deref() != Some(named) {
            return Err(Error::Database {
                message: format!("event chain broken: audit record {seq} names an event that is missing or altered ({detail})"),
            });
        }
    }
    Ok(())
}

/// Read records, newest first, at most `limit`.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn
        .prepare("SELECT seq, at, actor, action, target, desk, outcome, detail FROM audit ORDER BY seq DESC LIMIT ?1")
        .ctx("reading the audit log")?;
    let rows = stmt
        .query_map([limit], |r| {
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
        })
        .ctx("reading the audit log")?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .ctx("reading the audit log")
}

/// Check the audit chain; returns the number of records or names the first broken one.
pub fn verify_chain(conn: &Connection) -> Result<u64> {
    let mut stmt = conn
        .prepare("SELECT seq, at, actor, action, target, desk, outcome, detail, prev_hash, hash FROM audit ORDER BY seq")
        .ctx("reading the audit log")?;
    let mut rows = stmt.query([]).ctx("reading the audit log")?;
    let mut expected = 1i64;
    let mut prev = GENESIS_HASH.to_owned();
    while let Some(r) = rows.next().ctx("reading the audit log")? {
        let rec = AuditRecord {
            seq: r.get(0).ctx("audit")?,
            at: r.get(1).ctx("audit")?,
            actor: r.get(2).ctx("audit")?,
            action: r.get(3).ctx("audit")?,
            target: r.get(4).ctx("audit")?,
            desk: r.get(5).ctx("audit")?,
            outcome: r.get(6).ctx("audit")?,
            detail: r.get(7).ctx("audit")?,
        };
        let prev_hash: String = r.get(8).ctx("audit")?;
        let hash: String = r.get(9).ctx("audit")?;
        let broken = |why: &str| Error::Database {
            message: format!("audit chain broken at record {}: {why}", rec.seq),
        };
        if rec.seq != expected {
            return Err(Error::Database {
                message: format!(
                    "audit chain broken: record {expected} is missing (next is {})",
                    rec.seq
                ),
            });
        }
        if prev_hash != prev {
            return Err(broken("prev_hash does not match the previous record"));
        }
        if record_hash(&rec, &prev_hash) != hash {
            return Err(broken("hash does not match the record's content"));
        }
        prev = hash;
        expected += 1;
    }
    Ok((expected - 1) as u64)
}
