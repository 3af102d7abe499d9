//! The desk does not trust the endpoint (issue 12, finding 8): answers are
//! capped while they stream, update pages per sync are capped, update fields
//! are bounded, an absurd `Retry-After` neither panics nor waits for ever,
//! and a malformed update is kept and shown, never applied in part.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wso_tests::{http, DeskFixture, EndpointOptions, EndpointProcess, ADMIN_TOKEN, FACILITY_ID};

fn endpoint(desk: &DeskFixture) -> EndpointProcess {
    EndpointProcess::start(desk.dir.path(), &EndpointOptions::default())
}

fn hold_column(desk: &DeskFixture, hold: &str, column: &str) -> Option<String> {
    desk.open()
        .conn()
        .query_row(
            &format!("SELECT {column} FROM hold WHERE hold_id = ?1"),
            [hold],
            |r| r.get(0),
        )
        .unwrap()
}

fn unapplied(desk: &DeskFixture) -> Vec<String> {
    desk.status()
        .unapplied_updates
        .iter()
        .map(|u| u.update_id.clone())
        .collect()
}

fn a_malformed_update_time_is_kept_and_shown_and_freezes_no_pickup() {
    let mut desk = DeskFixture::new(0);
    let hold = desk.open_holds(1).remove(0);
    let ep = endpoint(&desk);
    let pickup = |h: u32| json!({ "pickup_at": format!("2026-11-28T{h:02}:00:00Z") });
    ep.queue_update(
        &hold,
        "transfer_scheduled",
        pickup(9),
        "u-bad",
        "2026-11-27T10:00:00Z",
    );
    // A hostile or broken endpoint sends an `at` that is no time at all.
    ep.execute_sql("UPDATE ice_update SET at = 'not-a-time' WHERE update_id = 'u-bad'");
    ep.queue_update(
        &hold,
        "transfer_scheduled",
        pickup(11),
        "u-good",
        "2026-11-27T11:00:00Z",
    );
    desk.sync(&ep.url, 20).success();
    assert_eq!(
        hold_column(&desk, &hold, "pickup_at").as_deref(),
        Some("2026-11-28T11:00:00Z"),
        "the good update applies; the malformed one neither applies nor blocks it"
    );
    assert_eq!(unapplied(&desk), vec!["u-bad".to_owned()], "kept and shown");
}

fn oversized_update_fields_are_bounded_and_not_applied() {
    let mut desk = DeskFixture::new(0);
    let hold = desk.open_holds(1).remove(0);
    let ep = endpoint(&desk);
    let huge = "x".repeat(100_000);
    ep.queue_update(
        &hold,
        "custody_assumed",
        json!({ "ice_officer": huge }),
        "u-huge",
        "2026-11-27T10:00:00Z",
    );
    desk.sync(&ep.url, 20).success();
    let stored: i64 = desk
        .open()
        .conn()
        .query_row(
            "SELECT length(details) FROM ice_update WHERE update_id = 'u-huge'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored <= 4096, "the desk stored {stored} bytes of details");
    assert_eq!(hold_column(&desk, &hold, "custody_assumed_by"), None);
    assert_eq!(unapplied(&desk), vec!["u-huge".to_owned()]);
}

fn an_answer_over_16_mib_is_dropped_unread() {
    let desk = DeskFixture::new(0);
    let ep = endpoint(&desk);
    ep.set_faults(json!({ "pad_update_pages": 1000, "pad_bytes": 17 * 1024 * 1024 }));
    let out = desk.sync(&ep.url, 3);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    assert!(
        out.stderr().contains("larger than 16 MiB"),
        "{}",
        out.stderr()
    );
}

fn a_huge_retry_after_neither_panics_nor_waits_for_ever() {
    let desk = DeskFixture::new(1);
    let ep = endpoint(&desk);
    ep.set_faults(json!({ "busy": 100, "busy_status": 503, "retry_after": u64::MAX.to_string() }));
    let started = Instant::now();
    let out = desk.sync(&ep.url, 5);
    assert_eq!(out.code(), 5, "{}", out.stderr());
    assert!(!out.stderr().contains("panicked"), "{}", out.stderr());
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(desk.status().events_waiting, 1, "the event is kept");
}

fn update_pages_per_sync_are_capped_and_the_rest_come_next_time() {
    let desk = DeskFixture::new(0);
    let ep = EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            page_size: 1,
            ..Default::default()
        },
    );
    for i in 0..102 {
        let body = json!({ "facility_id": FACILITY_ID, "hold_id": format!("h-{i}"),
                           "kind": "custody_assumed", "details": { "ice_officer": "Reyes" },
                           "update_id": format!("u-{i}") });
        let (status, text) = http::request(
            "POST",
            &format!("{}/admin/updates", ep.url),
            ADMIN_TOKEN,
            Some(&body.to_string()),
        );
        assert_eq!(status, 200, "{text}");
    }
    let first = desk.sync(&ep.url, 60).success().json();
    assert_eq!(first["report"]["updates_applied"], 100);
    assert_eq!(first["report"]["pages_capped"], true);
    let second = desk.sync(&ep.url, 60).success().json();
    assert_eq!(second["report"]["updates_applied"], 2);
    assert_eq!(second["report"]["pages_capped"], Value::Bool(false));
}

wso_tests::on_both_stores!(
    a_malformed_update_time_is_kept_and_shown_and_freezes_no_pickup,
    oversized_update_fields_are_bounded_and_not_applied,
    an_answer_over_16_mib_is_dropped_unread,
    a_huge_retry_after_neither_panics_nor_waits_for_ever,
    update_pages_per_sync_are_capped_and_the_rest_come_next_time,
);
