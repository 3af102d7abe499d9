//! Sync events: the transactional outbox and its per-desk hash chain.
//!
//! Every custody change appends one event in the same transaction as the
//! state it changes. `seq` runs 1, 2, 3, ... with no gap; `prev_hash` is the
//! previous event's `hash` (64 zeros for seq 1); `hash` is the SHA-256 of the
//! canonical JSON of the envelope without `hash` (sync-protocol.md).

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, SqlContext};
use crate::time::utc_text;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Canonical JSON: keys sorted at every level, no whitespace, UTF-8 as is.
/// Matches Python's `json.dumps(e, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` for our ASCII keys and integer numbers.
pub fn canonical_json(value: &Value) -> String {
    serde_json::to_string(&sorted(value)).unwrap_or_default()
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&map[k]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The hash of an envelope: SHA-256 over its canonical JSON without `hash`.
pub fn envelope_hash(envelope: &Value) -> String {
    let mut without = envelope.clone();
    if let Value::Object(map) = &mut without {
        map.remove("hash");
    }
    hex::encode(Sha256::digest(canonical_json(&without).as_bytes()))
}

/// What a custody change appends.
pub struct NewEvent<'a> {
    pub hold_id: &'a str,
    pub kind: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: &'a str,
    pub body: Value,
}

/// Append an event to the outbox inside the caller's transaction.
pub fn append(
    tx: &Transaction<'_>,
    desk_id: &str,
    facility_id: &str,
    event: NewEvent<'_>,
) -> Result<Value> {
    let last = crate::store::event::tail(tx)?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let event_id = uuid::Uuid::now_v7().to_string();
    let mut envelope = serde_json::json!({
        "event_id": event_id,
        "seq": seq,
        "desk_id": desk_id,
        "facility_id": facility_id,
        "hold_id": event.hold_id,
        "type": event.kind,
        "occurred_at": utc_text(event.occurred_at),
        "recorded_at": utc_text(event.recorded_at),
        "recorded_by": event.recorded_by,
        "body": event.body,
        "prev_hash": prev_hash,
    });
    let hash = envelope_hash(&envelope);
    envelope["hash"] = Value::String(hash.clone());
    crate::store::event::insert(
        tx,
        &crate::store::event::EventRow {
            seq,
            event_id: &event_id,
            hold_id: event.hold_id,
            kind: event.kind,
            occurred_at: &utc_text(event.occurred_at),
            recorded_at: &utc_text(event.recorded_at),
            recorded_by: event.recorded_by,
            envelope: &canonical_json(&envelope),
            prev_hash: &prev_hash,
            hash: &hash,
        },
    )?;
    Ok(envelope)
}

/// Check the whole event chain: contiguous seq, each hash right, each link right.
/// Returns the number of events checked, or names the first broken one.
pub fn verify_chain(conn: &rusqlite::Connection) -> Result<u64> {
    let mut stmt = conn
        .prepare("SELECT seq, envelope, hash FROM event ORDER BY seq")
        .ctx("reading events")?;
    let mut rows = stmt.query([]).ctx("reading events")?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS_HASH.to_owned();
    while let Some(row) = rows.next().ctx("reading events")? {
        let seq: i64 = row.get(0).ctx("reading events")?;
        let text: String = row.get(1).ctx("reading events")?;
        let stored_hash: String = row.get(2).ctx("reading events")?;
        let broken = |why: &str| Error::Database {
            message: format!("event chain broken at seq {seq}: {why}"),
        };
        if seq != expected_seq {
            return Err(Error::Database {
                message: format!(
                    "event chain broken: seq {expected_seq} is missing (next is {seq})"
                ),
            });
        }
        let envelope: Value =
            serde_json::from_str(&text).map_err(|_| broken("envelope is not JSON"))?;
        if envelope["seq"].as_i64() != Some(seq) {
            return Err(broken("envelope seq differs from its row"));
        }
        if envelope["prev_hash"].as_str() != Some(prev.as_str()) {
            return Err(broken("prev_hash does not match the previous event's hash"));
        }
        let hash = envelope_hash(&envelope);
        if envelope["hash"].as_str() != Some(hash.as_str()) || stored_hash != hash {
            return Err(broken("hash does not match the event's content"));
        }
        prev = hash;
        expected_seq += 1;
    }
    Ok((expected_seq - 1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_and_keeps_unicode() {
        let v = json!({"b": 1, "a": {"z": null, "y": "Nguyễn 王 محمد \"q\""}, "c": [2, {"k": true, "j": false}]});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"y":"Nguyễn 王 محمد \"q\"","z":null},"b":1,"c":[2,{"j":false,"k":true}]}"#
        );
    }

    #[test]
    fn hash_matches_the_python_recipe() {
        // Expected value computed with the normative recipe:
        // hashlib.sha256(json.dumps(e, sort_keys=True, separators=(",", ":"),
        //                ensure_ascii=False).encode()).hexdigest()
        let e = json!({
            "event_id": "0193a3c2-0000-7000-8000-000000000001", "seq": 1,
            "desk_id": "booking-desk-1", "facility_id": "pinellas-main",
            "hold_id": "0193a3c2-0000-7000-8000-0000000000aa", "type": "hold.moved",
            "occurred_at": "2026-11-27T14:03:00Z", "recorded_at": "2026-11-27T14:05:12Z",
            "recorded_by": "jdoe",
            "body": {"zone_id": "court-annex", "inside_perimeter": false, "moved_at": "2026-11-27T14:03:00Z", "note": "Đặng Thị Hương"},
            "prev_hash": GENESIS_HASH
        });
        assert_eq!(
            envelope_hash(&e),
            include_str!("../tests/fixtures/python_hash.txt").trim()
        );
    }
}
