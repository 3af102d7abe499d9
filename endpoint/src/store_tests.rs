//! The endpoint's storing rules on a real SQLite file: dedup, order, gaps,
//! conflicts and chain checks, with envelopes hashed by core's own code.

use super::*;
use serde_json::json;

const DESK: &str = "desk-1";
const FACILITY: &str = "pinellas-main";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T14:05:13Z")
        .unwrap()
        .to_utc()
}

/// A chain of `n` events as a desk would write them.
fn chain(n: i64, salt: &str) -> Vec<Value> {
    let mut prev = GENESIS_HASH.to_owned();
    (1..=n)
        .map(|seq| {
            let mut e = json!({
                "event_id": format!("{salt}-{seq}"), "seq": seq, "desk_id": DESK, "facility_id": FACILITY,
                "hold_id": "h1", "type": "hold.moved", "occurred_at": "2026-11-27T14:03:00Z",
                "recorded_at": "2026-11-27T14:05:12Z", "recorded_by": "jdoe",
                "body": { "zone_id": "booking", "inside_perimeter": true, "moved_at": "2026-11-27T14:03:00Z" },
                "prev_hash": prev,
            });
            let hash = envelope_hash(&e);
            e["hash"] = Value::String(hash.clone());
            prev = hash;
            e
        })
        .collect()
}

fn db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = open(&dir.path().join("e.db")).unwrap();
    (dir, conn)
}

#[test]
fn duplicates_are_acknowledged_and_stored_once() {
    let (_d, mut conn) = db();
    let events = chain(3, "a");
    assert_eq!(
        store_events(&mut conn, DESK, FACILITY, &events[..2], now())
            .unwrap()
            .ack_seq,
        2
    );
    // A resend after a lost 200 overlaps what is stored: acknowledged, not doubled.
    assert_eq!(
        store_events(&mut conn, DESK, FACILITY, &events, now())
            .unwrap()
            .ack_seq,
        3
    );
    assert_eq!(desk_events(&conn, DESK).unwrap(), events);
}

#[test]
fn nothing_is_stored_past_a_gap() {
    let (_d, mut conn) = db();
    let events = chain(4, "a");
    let stored = store_events(
        &mut conn,
        DESK,
        FACILITY,
        &[events[0].clone(), events[2].clone()],
        now(),
    )
    .unwrap();
    assert_eq!(stored.ack_seq, 1, "seq 3 after a missing 2 must wait");
    assert_eq!(desk_events(&conn, DESK).unwrap().len(), 1);
}

#[test]
fn same_seq_with_another_event_is_a_conflict_and_stores_nothing_of_the_request() {
    let (_d, mut conn) = db();
    store_events(&mut conn, DESK, FACILITY, &chain(2, "a"), now()).unwrap();
    let other = chain(3, "b");
    let err = store_events(&mut conn, DESK, FACILITY, &other, now()).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { seq: 1, .. }), "{err}");
    assert_eq!(desk_events(&conn, DESK).unwrap().len(), 2);
}

#[test]
fn a_tampered_event_is_stored_rejected_and_reported_again_on_resend() {
    let (_d, mut conn) = db();
    let mut events = chain(2, "a");
    events[1]["recorded_by"] = json!("mallory");
    let first = store_events(&mut conn, DESK, FACILITY, &events, now()).unwrap();
    assert_eq!(
        first.ack_seq, 2,
        "rejected events are still stored and acknowledged"
    );
    assert_eq!(first.rejected.len(), 1);
    assert_eq!(first.rejected[0].code, "hash_mismatch");
    // The 200 may be lost: the resend must report the rejection again.
    let again = store_events(&mut conn, DESK, FACILITY, &events, now()).unwrap();
    assert_eq!(again.rejected, first.rejected);
}

#[test]
fn a_broken_link_is_a_conflict_and_nothing_is_stored_past_it() {
    let (_d, mut conn) = db();
    let a = chain(3, "a");
    let b = chain(3, "b");
    // b's event 2 links to b's event 1, not to the stored a's event 1.
    store_events(&mut conn, DESK, FACILITY, &a[..1], now()).unwrap();
    let err = store_events(&mut conn, DESK, FACILITY, &b[1..], now()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                seq: 2,
                code: "chain_broken",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(desk_events(&conn, DESK).unwrap(), a[..1].to_vec());
}

#[test]
fn a_resent_event_with_changed_content_is_a_conflict_not_a_duplicate() {
    let (_d, mut conn) = db();
    let events = chain(2, "a");
    store_events(&mut conn, DESK, FACILITY, &events, now()).unwrap();
    // Same event_id and seq, rewritten body, hash recomputed: an insider's edit.
    let mut edited = events.clone();
    edited[1]["recorded_by"] = json!("mallory");
    let hash = envelope_hash(&edited[1]);
    edited[1]["hash"] = json!(hash);
    let err = store_events(&mut conn, DESK, FACILITY, &edited, now()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                seq: 2,
                code: "content_changed",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(desk_events(&conn, DESK).unwrap(), events);
}

#[test]
fn the_answer_names_the_stored_hash_at_ack_seq() {
    let (_d, mut conn) = db();
    let events = chain(3, "a");
    let empty = store_events(&mut conn, DESK, FACILITY, &[], now()).unwrap();
    assert_eq!((empty.ack_seq, empty.ack_hash), (0, None));
    let stored = store_events(&mut conn, DESK, FACILITY, &events[..2], now()).unwrap();
    assert_eq!(stored.ack_hash.as_deref(), events[1]["hash"].as_str());
    // A probe (no events) reports the same anchor.
    let probe = store_events(&mut conn, DESK, FACILITY, &[], now()).unwrap();
    assert_eq!((probe.ack_seq, probe.ack_hash), (2, stored.ack_hash));
}

#[test]
fn the_events_feed_walks_a_facility_in_storage_order() {
    let (_d, mut conn) = db();
    let events = chain(3, "a");
    store_events(&mut conn, DESK, FACILITY, &events, now()).unwrap();
    let first = facility_events_after(&conn, FACILITY, 0, 2).unwrap();
    assert_eq!(first.events, events[..2].to_vec());
    let after = parse_event_cursor(Some(&first.next)).unwrap();
    let rest = facility_events_after(&conn, FACILITY, after, 2).unwrap();
    assert_eq!(rest.events, events[2..].to_vec());
    assert!(facility_events_after(&conn, "other", 0, 10)
        .unwrap()
        .events
        .is_empty());
}

#[test]
fn shape_errors_are_malformed_requests() {
    let events = chain(2, "a");
    assert!(check_events(&events).is_ok());
    let reversed = vec![events[1].clone(), events[0].clone()];
    assert!(check_events(&reversed).is_err(), "ascending seq");
    assert!(check_events(&[json!({"seq": 1.5})]).is_err());
}
