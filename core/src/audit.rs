//! The local audit trail: every action that is not itself a custody event
//! (sign-ins, users, officers, facility, handoffs, backups, exports, reads of
//! the audit log), with who, what, when (UTC, microseconds), where (desk) and
//! outcome. Records are hash chained like the sync events, so `audit verify`
//! finds any edited, removed or reordered record. The table's SQL is in
//! `store::audit`; every append takes the write lock before it reads the tail.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, SqlContext};
use crate::events::{canonical_json, GENESIS_HASH};
use crate::store;

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

/// Append a record. Inside a transaction (a custody change's `BEGIN
/// IMMEDIATE`, which already holds the write lock) the record joins it;
/// outside one, the append takes the write lock itself first, so the chain's
/// tail it reads is still the tail when it writes, whatever other processes
/// (the window, its sync loop, `wsoctl`) are doing.
pub fn record(conn: &Connection, desk: &str, at: DateTime<Utc>, entry: Entry<'_>) -> Result<()> {
    if !conn.is_autocommit() {
        return append(conn, desk, at, entry);
    }
    let tx = store::write_lock(conn, "writing the audit log")?;
    append(&tx, desk, at, entry)?;
    tx.commit().ctx("writing the audit log")
}

fn append(conn: &Connection, desk: &str, at: DateTime<Utc>, entry: Entry<'_>) -> Result<()> {
    let (seq, prev_hash) = match store::audit::tail(conn)? {
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
    store::audit::insert(conn, &rec, &prev_hash, &hash)
}

/// Record the writing of a file and give the file its name, both or neither:
/// the record is appended under the write lock, the file published, then the
/// record committed. A file that cannot be published leaves no record; a
/// record that cannot be committed takes the published file away again.
pub fn record_with_file(
    conn: &Connection,
    desk: &str,
    at: DateTime<Utc>,
    entry: Entry<'_>,
    file: store::files::Staged,
) -> Result<()> {
    let tx = store::write_lock(conn, "writing the audit log")?;
    append(&tx, desk, at, entry)?;
    let target = file.target().to_path_buf();
    file.publish()?;
    tx.commit().ctx("writing the audit log").inspect_err(|_| {
        let _ = std::fs::remove_file(&target);
    })
}

/// How an audit record of a custody change names its sync event:
/// `event seq N hash H`.
pub const EVENT_REF: &str = "event seq ";

/// Every audit record of a custody change must name an event that exists with
/// the same hash: the audit chain vouches for the event chain's tail.
pub fn verify_event_references(conn: &Connection) -> Result<()> {
    store::audit::event_references(conn, EVENT_REF, |seq, detail, event_hash| {
        let named = detail.rsplit(' ').next().unwrap_or_default();
        if event_hash.as_deref() != Some(named) {
            return Err(Error::Database {
                message: format!("event chain broken: audit record {seq} names an event that is missing or altered ({detail})"),
            });
        }
        Ok(())
    })
}

/// Read records, newest first, at most `limit`.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditRecord>> {
    store::audit::recent(conn, limit)
}

/// Check the audit chain; returns the number of records or names the first broken one.
pub fn verify_chain(conn: &Connection) -> Result<u64> {
    let mut expected = 1i64;
    let mut prev = GENESIS_HASH.to_owned();
    store::audit::for_each_in_order(conn, |rec, prev_hash, hash| {
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
        Ok(())
    })?;
    Ok((expected - 1) as u64)
}
