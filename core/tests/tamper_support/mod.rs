//! An insider with the database key: raw SQL on the live file, then both
//! hash chains recomputed exactly as sync-protocol.md (events) and the audit
//! log (records) define them, contiguous and correctly linked, with every
//! custody audit record re-pointed at its event's new seq and hash. After
//! `rechain`, the chains and the event references all check out, so only
//! what `audit verify` rebuilds from the history can catch the change.
//! Shared by core/tests and the cross-crate tests (`#[path]`).
#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::{json, Value};
use wso_core::events::{canonical_json, envelope_hash, GENESIS_HASH};
use wso_core::Desk;

const EVENT_REF: &str = "event seq ";

/// Run raw SQL under the key.
pub fn sql(desk: &Desk, statements: &str) {
    desk.conn().execute_batch(statements).expect("raw SQL");
}

/// Edit the envelope of event `seq` (its row columns follow it); the chains
/// are not recomputed: call `rechain` for that.
pub fn edit_event(desk: &Desk, seq: i64, edit: impl FnOnce(&mut Value)) {
    let text: String = desk
        .conn()
        .query_row("SELECT envelope FROM event WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .expect("the event exists");
    let mut envelope: Value = serde_json::from_str(&text).unwrap();
    edit(&mut envelope);
    desk.conn()
        .execute(
            "UPDATE event SET envelope = ?2 WHERE seq = ?1",
            (seq, canonical_json(&envelope)),
        )
        .unwrap();
}

/// Seqs of the events of `hold_id` of type `kind`.
pub fn event_seqs(desk: &Desk, hold_id: &str, kind: &str) -> Vec<i64> {
    let mut stmt = desk
        .conn()
        .prepare("SELECT seq FROM event WHERE hold_id = ?1 AND type = ?2 ORDER BY seq")
        .unwrap();
    stmt.query_map((hold_id, kind), |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Delete events and rechain: their audit records go too, later events and
/// records are renumbered so both chains stay contiguous.
pub fn remove_events(desk: &Desk, seqs: &[i64]) {
    for seq in seqs {
        desk.conn()
            .execute("DELETE FROM event WHERE seq = ?1", [seq])
            .unwrap();
    }
    rechain(desk);
}

/// Recompute both chains from scratch over what is in the tables now.
pub fn rechain(desk: &Desk) {
    let conn = desk.conn();
    let rows: Vec<(i64, String, i64)> = {
        let mut stmt = conn
            .prepare("SELECT seq, envelope, delivered FROM event ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    conn.execute("DELETE FROM event", []).unwrap();
    let mut renamed: HashMap<i64, (i64, String)> = HashMap::new();
    let mut prev = GENESIS_HASH.to_owned();
    for (i, (old_seq, text, delivered)) in rows.into_iter().enumerate() {
        let seq = i as i64 + 1;
        let mut e: Value = serde_json::from_str(&text).unwrap();
        e["seq"] = json!(seq);
        e["prev_hash"] = json!(prev);
        let hash = envelope_hash(&e);
        e["hash"] = json!(hash);
        let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
        conn.execute(
            "INSERT INTO event (seq, event_id, hold_id, type, occurred_at, recorded_at, recorded_by, envelope, prev_hash, hash, delivered)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            (
                seq, s("event_id"), s("hold_id"), s("type"), s("occurred_at"), s("recorded_at"),
                s("recorded_by"), canonical_json(&e), &prev, &hash, delivered,
            ),
        )
        .unwrap();
        renamed.insert(old_seq, (seq, hash.clone()));
        prev = hash;
    }
    // The audit records of custody changes follow their events; those of
    // removed events are removed.
    let records: Vec<(i64, Option<String>)> = {
        let mut stmt = conn
            .prepare("SELECT seq, detail FROM audit ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    for (seq, detail) in records {
        let Some(rest) = detail.as_deref().and_then(|d| d.strip_prefix(EVENT_REF)) else {
            continue;
        };
        let old: i64 = rest.split(' ').next().unwrap().parse().unwrap();
        match renamed.get(&old) {
            Some((new, hash)) => conn
                .execute(
                    "UPDATE audit SET detail = ?2 WHERE seq = ?1",
                    (seq, format!("{EVENT_REF}{new} hash {hash}")),
                )
                .unwrap(),
            None => conn
                .execute("DELETE FROM audit WHERE seq = ?1", [seq])
                .unwrap(),
        };
    }
    rechain_audit(desk);
}

/// Recompute the audit chain: contiguous seqs, each record's hash over its
/// content and the previous record's hash.
pub fn rechain_audit(desk: &Desk) {
    let conn = desk.conn();
    type Rec = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let records: Vec<Rec> = {
        let mut stmt = conn
            .prepare(
                "SELECT at, actor, action, target, desk, outcome, detail FROM audit ORDER BY seq",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    conn.execute("DELETE FROM audit", []).unwrap();
    let mut prev = GENESIS_HASH.to_owned();
    for (i, (at, actor, action, target, desk_id, outcome, detail)) in
        records.into_iter().enumerate()
    {
        let seq = i as i64 + 1;
        let v = json!({
            "seq": seq, "at": at, "actor": actor, "action": action, "target": target,
            "desk": desk_id, "outcome": outcome, "detail": detail, "prev_hash": prev,
        });
        // The same recipe as the events': SHA-256 of the canonical JSON.
        let hash = envelope_hash(&v);
        conn.execute(
            "INSERT INTO audit (seq, at, actor, action, target, desk, outcome, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            (seq, &at, &actor, &action, &target, &desk_id, &outcome, &detail, &prev, &hash),
        )
        .unwrap();
        prev = hash;
    }
}

/// Make the sync state say the endpoint acknowledged up to `acked` (as a
/// sync would have left it): the insider covering a cut tail.
pub fn set_acked(desk: &Desk, acked: i64) {
    desk.conn()
        .execute(
            "UPDATE sync_state SET acked_seq = ?1 WHERE singleton = 1",
            [acked],
        )
        .unwrap();
    desk.conn()
        .execute("UPDATE event SET delivered = (seq <= ?1)", [acked])
        .unwrap();
}
