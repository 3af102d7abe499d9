//! The other desks' chains as this desk holds them: each desk's events run
//! 1, 2, 3, ... with each `prev_hash` the hash before it and each hash the
//! hash of its content, ending where `facility_desk` says this desk last
//! heard from it. They were checked when they arrived; a copy edited since
//! shows here.

use rusqlite::Connection;
use serde_json::Value;

use super::broken;
use crate::error::{Result, SqlContext};
use crate::events::{envelope_hash, GENESIS_HASH};

/// Returns the number of other desks' events checked.
pub(super) fn check_other_desks(conn: &Connection) -> Result<u64> {
    let mut stmt = conn
        .prepare("SELECT desk_id, seq, envelope, hash FROM facility_event ORDER BY desk_id, seq")
        .ctx("reading other desks' events")?;
    let mut rows = stmt.query([]).ctx("reading other desks' events")?;
    let mut count = 0u64;
    let mut tail: Option<(String, i64, String)> = None;
    let tails = crate::store::facility::desks(conn)?;
    let ends_right = |t: &Option<(String, i64, String)>| -> Result<()> {
        if let Some((desk, seq, hash)) = t {
            let row = tails.iter().find(|d| &d.desk_id == desk);
            if row.is_none_or(|d| d.last_seq != *seq || &d.last_hash != hash) {
                return Err(broken(format!(
                    "desk {desk}'s events as held here do not end where this desk last heard from it"
                )));
            }
        }
        Ok(())
    };
    while let Some(r) = rows.next().ctx("reading other desks' events")? {
        let desk: String = r.get(0).ctx("reading other desks' events")?;
        let seq: i64 = r.get(1).ctx("reading other desks' events")?;
        let text: String = r.get(2).ctx("reading other desks' events")?;
        let hash: String = r.get(3).ctx("reading other desks' events")?;
        let (prev_seq, prev_hash) = match &tail {
            Some((d, s, h)) if *d == desk => (*s, h.clone()),
            _ => {
                ends_right(&tail)?;
                (0, GENESIS_HASH.to_owned())
            }
        };
        let envelope: Value = serde_json::from_str(&text)
            .map_err(|_| broken(format!("desk {desk}'s event {seq} is not JSON")))?;
        if seq != prev_seq + 1
            || envelope["prev_hash"].as_str() != Some(prev_hash.as_str())
            || envelope["hash"].as_str() != Some(hash.as_str())
            || envelope_hash(&envelope) != hash
        {
            return Err(broken(format!(
                "desk {desk}'s event {seq} as held here does not continue its chain"
            )));
        }
        tail = Some((desk, seq, hash));
        count += 1;
    }
    ends_right(&tail)?;
    Ok(count)
}
