//! The storing rules of one push, apart from any database: given what the
//! store holds for the desk (`Held`, read inside the push's transaction), the
//! `Plan` says which events to insert, with which rejections, and what to
//! acknowledge, or which conflict refuses the whole request. Both stores
//! read, plan and write in one transaction, so the rules live here once.

use std::collections::HashMap;

use serde_json::Value;
use wso_core::events::{canonical_json, envelope_hash, GENESIS_HASH};

use super::{Rejected, StoreError, Stored};

/// One stored event of the desk that the request sends again.
#[derive(Debug, Clone)]
pub(crate) struct HeldEvent {
    pub event_id: String,
    pub hash: String,
    pub rejection: Option<Rejected>,
}

/// What the store holds for the desk, as far as one push needs it.
#[derive(Debug, Default)]
pub(crate) struct Held {
    /// The last stored `(seq, hash)`, None before the first event.
    pub last: Option<(i64, String)>,
    /// Stored events at the request's seqs up to `last` (see `Wanted::resent`).
    pub resent: HashMap<i64, HeldEvent>,
    /// Event ids of the request already stored, with the first seq holding each.
    pub used_ids: HashMap<String, i64>,
}

/// What a store must look up for a request once it knows the last stored seq.
pub(crate) struct Wanted<'a> {
    /// The request's seqs the store already holds (up to the last stored).
    pub resent: Vec<i64>,
    pub event_ids: Vec<&'a str>,
}

pub(crate) fn wanted(events: &[Value], last_seq: i64) -> Wanted<'_> {
    Wanted {
        resent: events
            .iter()
            .filter_map(|e| e["seq"].as_i64())
            .filter(|s| *s <= last_seq)
            .collect(),
        event_ids: events
            .iter()
            .filter_map(|e| e["event_id"].as_str())
            .collect(),
    }
}

/// An event to insert, as stored.
#[derive(Debug)]
pub(crate) struct NewEvent<'a> {
    pub seq: i64,
    pub event_id: &'a str,
    pub kind: &'a str,
    /// The canonical JSON text of the envelope.
    pub envelope: String,
    pub hash: &'a str,
    pub rejection: Option<(&'static str, String)>,
}

#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub new: Vec<NewEvent<'a>>,
    pub answer: Stored,
}

/// Apply the rules (see the `store` module doc) to a shape-checked request.
pub(crate) fn plan<'a>(mut held: Held, events: &'a [Value]) -> Result<Plan<'a>, StoreError> {
    let (mut ack, mut prev) = held.last.take().unwrap_or((0, GENESIS_HASH.to_owned()));
    let mut rejected = Vec::new();
    let mut new = Vec::new();
    for e in events {
        let seq = e["seq"].as_i64().unwrap_or(0);
        let event_id = e["event_id"].as_str().unwrap_or_default();
        let claimed = e["hash"].as_str().unwrap_or_default();
        if seq <= ack {
            let stored = held.resent.get(&seq).ok_or_else(|| {
                StoreError::Inconsistent(format!("the stored chain of the desk has no seq {seq}"))
            })?;
            // Nothing of this request is kept: the desk must not renumber or rewrite.
            if stored.event_id != event_id {
                return Err(StoreError::Conflict {
                    seq,
                    code: "seq_conflict",
                    message: format!(
                        "seq {seq} is already stored with event {}, not {event_id}",
                        stored.event_id
                    ),
                });
            }
            if stored.hash != claimed {
                return Err(StoreError::Conflict {
                    seq,
                    code: "content_changed",
                    message: format!(
                        "event {event_id} (seq {seq}) is stored with hash {}; it was resent with another content (hash {claimed})",
                        stored.hash
                    ),
                });
            }
            rejected.extend(stored.rejection.clone());
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
        let rejection = judge(e, claimed, held.used_ids.get(event_id).copied());
        held.used_ids.entry(event_id.to_owned()).or_insert(seq);
        if let Some((code, message)) = &rejection {
            rejected.push(Rejected {
                seq,
                event_id: event_id.to_owned(),
                code: (*code).to_owned(),
                message: message.clone(),
            });
        }
        new.push(NewEvent {
            seq,
            event_id,
            kind: e["type"].as_str().unwrap_or_default(),
            envelope: canonical_json(e),
            hash: claimed,
            rejection,
        });
        ack = seq;
        claimed.clone_into(&mut prev);
    }
    Ok(Plan {
        new,
        answer: Stored {
            ack_seq: ack,
            ack_hash: (ack > 0).then_some(prev),
            rejected,
        },
    })
}

/// Why ICE would refuse a stored event, if it would.
fn judge(e: &Value, claimed: &str, reused_by: Option<i64>) -> Option<(&'static str, String)> {
    if envelope_hash(e) != claimed {
        return Some((
            "hash_mismatch",
            "hash does not match the event's content".into(),
        ));
    }
    if has_float(e) {
        return Some((
            "non_integer_number",
            "numbers in events must be integers".into(),
        ));
    }
    reused_by.map(|seq| {
        (
            "duplicate_event_id",
            format!("event_id was already used by seq {seq}"),
        )
    })
}

fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}
