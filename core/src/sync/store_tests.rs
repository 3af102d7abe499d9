//! The SQLite side of sync on a real (encrypted, temp) desk: delivery marks
//! follow `acked_seq` both ways, and ICE updates apply once with a receipt.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::decision::{Next, PushDecision};
use super::outbox::{self, record_push};
use super::problem::Problem;
use super::pull::{apply_page, Page, Update};
use super::status::status;
use crate::Desk;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 14, 5, 13).unwrap()
}

/// The demo desk: four open holds and what followed them (an incident,
/// notices, a claim), all in the outbox.
fn desk() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let desk = crate::demo::create(&dir.path().join("desk.db"), None, now()).unwrap();
    (dir, desk)
}

fn ack(ack_seq: i64, warnings: Vec<Problem>) -> PushDecision {
    PushDecision {
        ack_seq: Some(ack_seq),
        rejected: vec![],
        skew_seconds: Some(3),
        warnings,
        ack_hash: None,
        next: Next::Continue,
    }
}

fn delivered(desk: &Desk) -> Vec<i64> {
    let mut stmt = desk
        .conn()
        .prepare("SELECT seq FROM event WHERE delivered = 1 ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn delivered_marks_follow_the_acknowledgement_both_ways() {
    let (_dir, mut desk) = desk();
    record_push(desk.conn_mut(), &ack(3, vec![]), now()).unwrap();
    assert_eq!(delivered(&desk), vec![1, 2, 3]);
    // The endpoint lost data: 2 and 3 must be sent again, and a supervisor told.
    let lost = Problem::EndpointLostData {
        ack_seq: 1,
        previously_acked: 3,
    };
    record_push(desk.conn_mut(), &ack(1, vec![lost]), now()).unwrap();
    assert_eq!(delivered(&desk), vec![1]);
    let s = status(desk.conn()).unwrap();
    let total: i64 = desk
        .conn()
        .query_row("SELECT count(*) FROM event", [], |r| r.get(0))
        .unwrap();
    assert_eq!((s.acked_seq, s.events_waiting), (1, total - 1));
    assert!(s.problems.iter().any(|p| p.code == "endpoint_lost_data"));
    // The next batch starts right after what the endpoint holds.
    let batch = outbox::batch(desk.conn(), s.acked_seq, 500).unwrap();
    assert_eq!(batch.first().and_then(|e| e["seq"].as_i64()), Some(2));
}

#[test]
fn an_update_applies_once_with_one_receipt_and_unknown_ones_are_kept() {
    let (_dir, mut desk) = desk();
    let hold = desk.list_holds(now(), false).unwrap()[0].hold_id.clone();
    let update = |id: &str, hold: &str, kind: &str| Update {
        update_id: id.into(),
        hold_id: hold.into(),
        kind: kind.into(),
        at: "2026-11-27T14:00:00Z".into(),
        details: json!({ "ice_officer": "SDDO Ramos" })
            .as_object()
            .cloned()
            .unwrap_or_default(),
    };
    let page = Page {
        updates: vec![
            update("u1", &hold, "custody_assumed"),
            update("u2", "elsewhere", "custody_assumed"),
            update("u3", &hold, "new_kind"),
        ],
        next: Some("c1".into()),
    };
    let (desk_id, facility) = (desk.desk_id().to_owned(), desk.facility().id.clone());
    assert_eq!(
        apply_page(desk.conn_mut(), &desk_id, &facility, &page, now()).unwrap(),
        3
    );
    // The same page again (a lost answer, a replay) changes nothing.
    assert_eq!(
        apply_page(desk.conn_mut(), &desk_id, &facility, &page, now()).unwrap(),
        0
    );
    let receipts: i64 = desk
        .conn()
        .query_row("SELECT COUNT(*) FROM event WHERE type = 'hold.update_applied' AND recorded_by = 'system:sync'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        receipts, 3,
        "one receipt per update_id, unknown ones included"
    );
    assert_eq!(
        desk.hold(&hold, now())
            .unwrap()
            .custody_assumed_by
            .as_deref(),
        Some("SDDO Ramos")
    );
    let s = status(desk.conn()).unwrap();
    let unapplied: Vec<&str> = s
        .unapplied_updates
        .iter()
        .map(|u| u.update_id.as_str())
        .collect();
    assert_eq!(unapplied, vec!["u2", "u3"]);
    assert_eq!(
        super::pull::cursor(desk.conn()).unwrap().as_deref(),
        Some("c1")
    );
    desk.verify(now()).unwrap();
}

#[test]
fn a_stored_batch_carries_the_stored_envelopes_byte_for_byte() {
    let (_dir, desk) = desk();
    let parsed = outbox::batch(desk.conn(), 1, 3).unwrap();
    let stored = outbox::stored_batch(desk.conn(), 1, 3).unwrap();
    assert_eq!(stored.len, parsed.len());
    assert_eq!(
        stored.last_seq,
        parsed.last().and_then(|e| e["seq"].as_i64())
    );
    // The same events as the parsed batch, and each one's text exactly as stored.
    let back: Vec<serde_json::Value> = serde_json::from_str(&stored.events_json).unwrap();
    assert_eq!(back, parsed);
    let texts: Vec<String> = desk
        .conn()
        .prepare("SELECT envelope FROM event WHERE seq > 1 ORDER BY seq LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored.events_json, format!("[{}]", texts.join(",")));
    // Past the end: an empty array, not an error.
    let empty = outbox::stored_batch(desk.conn(), 1_000_000, 3).unwrap();
    assert_eq!(
        (empty.events_json.as_str(), empty.len, empty.last_seq),
        ("[]", 0, None)
    );
}
