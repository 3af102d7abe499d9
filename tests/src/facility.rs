//! What the several-desk tests share (sync-protocol.md v1.1 "Several desks
//! at one facility"): desks of one facility and one endpoint, the board as
//! `hold list --json` gives it, bookings through `wsoctl`, a busy day booked
//! through core's own `Desk` (the same code `wsoctl` runs, without a process
//! per action, so a day's worth of events takes seconds), and what a desk
//! holds of the other desks' events.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::{DeskFixture, EndpointOptions, EndpointProcess, Run};

/// An endpoint in a temp dir and two desks of its facility: A (`DESK_ID`)
/// and B (`SECOND_DESK_ID`), no holds yet.
pub fn two_desks() -> (EndpointProcess, tempfile::TempDir, DeskFixture, DeskFixture) {
    let dir = tempfile::tempdir().expect("temp dir");
    let endpoint = EndpointProcess::start(dir.path(), &EndpointOptions::default());
    let a = DeskFixture::at_desk(crate::DESK_ID, crate::TOKEN, 0);
    let b = DeskFixture::at_desk(crate::SECOND_DESK_ID, crate::SECOND_TOKEN, 0);
    (endpoint, dir, a, b)
}

/// `hold list --json` (with `--all`, closed holds too).
pub fn board(desk: &DeskFixture, all: bool) -> Vec<Value> {
    let mut args = vec!["hold", "list", "--json", "--as", "admin"];
    if all {
        args.push("--all");
    }
    match desk.wsoctl(&args).success().json() {
        Value::Array(holds) => holds,
        other => panic!("hold list: {other}"),
    }
}

pub fn find<'a>(board: &'a [Value], hold_id: &str) -> Option<&'a Value> {
    board.iter().find(|h| h["hold_id"] == hold_id)
}

pub fn text_at(t: DateTime<Utc>) -> String {
    wso_core::time::utc_text(t)
}

/// `minutes` before now, as the CLI takes times.
pub fn minutes_ago(minutes: i64) -> String {
    text_at(Utc::now() - Duration::minutes(minutes))
}

/// Book warrant `warrant` (booking number `booking`) with `wsoctl hold open`,
/// served five minutes ago; returns the hold id.
pub fn book(desk: &DeskFixture, warrant: &str, booking: &str) -> String {
    desk.hold_open(
        ("Okafor", "Chidi", "1985-03-09"),
        booking,
        warrant,
        &minutes_ago(5),
    )
}

/// `wsoctl hold release ID --at AT --reason court_order`.
pub fn release(desk: &DeskFixture, hold_id: &str, at: &str) -> Run {
    desk.wsoctl(&[
        "hold",
        "release",
        hold_id,
        "--at",
        at,
        "--reason",
        "court_order",
        "--as",
        "admin",
    ])
}

/// `wsoctl hold transfer ID --at AT` to ICE at Krome.
pub fn transfer(desk: &DeskFixture, hold_id: &str, at: &str) -> Run {
    desk.wsoctl(&[
        "hold",
        "transfer",
        hold_id,
        "--at",
        at,
        "--ice-officer",
        "Deportation Officer Reyes",
        "--destination",
        "Krome",
        "--as",
        "admin",
    ])
}

/// A day at a busy desk: `holds` bookings spread over the 24 hours before
/// now, each moved to housing a minute after service and closed (released
/// or transferred in turn) a minute later; three events per hold, each
/// recorded at the time it happened. Returns the hold ids.
pub fn busy_day(desk: &DeskFixture, holds: usize) -> Vec<String> {
    let mut core = desk.open();
    let actor = core.actor("admin").expect("the admin");
    let start = wso_core::time::truncate(Utc::now()) - Duration::hours(24);
    let step = Duration::seconds(86_000 / holds.max(1) as i64);
    let tag = desk.tag();
    (0..holds)
        .map(|i| {
            let served = start + step * i as i32;
            let hold = wso_core::custody::NewHold {
                family_name: "Ólafsdóttir".into(),
                given_names: "Guðrún".into(),
                date_of_birth: "1988-07-14".into(),
                booking_number: format!("D-{tag}-{i:05}"),
                a_number: None,
                warrant_form: "I-200".into(),
                warrant_number: format!("WD-{tag}-{i:05}"),
                detainer_number: None,
                officer_credential: "WSO-1".into(),
                served_at: text_at(served),
                zone_id: "booking".into(),
                lat: None,
                lon: None,
                criminal_release_at: text_at(served),
                criminal_release_basis: "bond".into(),
                ice_supervisor: "SDDO K. Patel".into(),
                language: None,
                interpreter: None,
                interpreter_declined: false,
                agreement_id: None,
            };
            let id = core
                .open_hold(&actor, &hold, served)
                .expect("booking")
                .hold_id;
            let moved = served + Duration::minutes(1);
            core.move_hold(&actor, &id, "housing-a", &text_at(moved), moved)
                .expect("moving");
            let closed = served + Duration::minutes(2);
            let at = text_at(closed);
            if i % 2 == 0 {
                core.release_hold(&actor, &id, &at, "court_order", None, closed)
                    .expect("releasing");
            } else {
                core.transfer_hold(
                    &actor,
                    &id,
                    &at,
                    "Deportation Officer Reyes",
                    "Krome",
                    None,
                    closed,
                )
                .expect("transferring");
            }
            id
        })
        .collect()
}

/// The other desks' events a desk holds, `(desk_id, seq, hash)` in order.
pub fn facility_events(desk: &DeskFixture) -> Vec<(String, i64, String)> {
    let core = desk.open();
    let mut stmt = core
        .conn()
        .prepare("SELECT desk_id, seq, hash FROM facility_event ORDER BY desk_id, seq")
        .expect("query");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

/// A desk's own outbox as another desk should hold it: `(desk_id, seq, hash)`.
pub fn as_sent(desk_id: &str, outbox: &[Value]) -> Vec<(String, i64, String)> {
    outbox
        .iter()
        .map(|e| {
            (
                desk_id.to_owned(),
                e["seq"].as_i64().unwrap_or_default(),
                e["hash"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The keys of a hold that every desk must show alike.
pub const SHARED_KEYS: &[&str] = &[
    "status",
    "zone_id",
    "deadline_at",
    "closed_at",
    "release_reason",
    "ice_officer",
    "booked_at_desk",
    "conflicts",
    "possible_duplicate_of",
];

/// Every hold of `expected` is on `board` with the same shared keys.
#[track_caller]
pub fn assert_same_holds(board: &[Value], expected: &[Value]) {
    for e in expected {
        let id = e["hold_id"].as_str().unwrap_or_default();
        let h = find(board, id).unwrap_or_else(|| panic!("hold {id} is missing"));
        for key in SHARED_KEYS {
            assert_eq!(h[*key], e[*key], "{key} of hold {id}");
        }
    }
}

/// `wsoctl sync` (until empty, 60 s at most), successful.
pub fn sync(desk: &DeskFixture, endpoint: &EndpointProcess) -> Value {
    desk.sync(&endpoint.url, 60).success().json()
}

/// `pdftotext -layout FILE -`: what a person (or a screen reader) reads.
pub fn pdftotext(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("running pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
