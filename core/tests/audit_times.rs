//! AU-8 (time stamps): audit records carry UTC times with microseconds; custody
//! times on the wire are whole seconds in UTC, as sync-protocol.md requires.

mod common;

use common::{now_plus, TestDesk};

fn is_utc_micros(t: &str) -> bool {
    // 2026-11-27T14:03:00.123456Z
    let b = t.as_bytes();
    t.len() == 27
        && b[10] == b'T'
        && b[19] == b'.'
        && b[26] == b'Z'
        && t[20..26].chars().all(|c| c.is_ascii_digit())
        && chrono::DateTime::parse_from_rfc3339(t).is_ok()
}

fn is_utc_seconds(t: &str) -> bool {
    // 2026-11-27T14:03:00Z
    t.len() == 20 && t.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(t).is_ok()
}

#[test]
fn audit_times_are_utc_with_microseconds_and_event_times_whole_seconds() {
    let desk = TestDesk::new();
    desk.open(&now_plus(-60), "B-AU8");
    let conn = desk.raw();
    let mut stmt = conn.prepare("SELECT at FROM audit ORDER BY seq").unwrap();
    let times: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        times.len() >= 5,
        "sign-ins, users, officer and the booking: {times:?}"
    );
    for t in &times {
        assert!(
            is_utc_micros(t),
            "audit time {t} is not UTC with microseconds"
        );
    }
    let mut stmt = conn
        .prepare("SELECT occurred_at, recorded_at FROM event ORDER BY seq")
        .unwrap();
    let events: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!events.is_empty());
    for (occurred, recorded) in &events {
        assert!(is_utc_seconds(occurred), "{occurred}");
        assert!(is_utc_seconds(recorded), "{recorded}");
    }
}
