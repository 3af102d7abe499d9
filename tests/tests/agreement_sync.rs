//! agreement.md over the real sync: the endpoint acknowledging a hold's
//! `hold.opened` is the notice to ICE (method `sync`, first notice counts, a
//! late one records `notice_late`), and ICE's `release_authorized` and
//! `authorization_withdrawn` updates apply once with their receipt.

use serde_json::{json, Value};
use wso_tests::{assert_delivered_exactly_once, DeskFixture, EndpointOptions, EndpointProcess};

fn hold(desk: &DeskFixture, id: &str) -> Value {
    desk.wsoctl(&["hold", "show", id, "--json", "--as", "admin"])
        .success()
        .json()
}

fn book_served(desk: &DeskFixture, booking: &str, served: &str) -> String {
    let out = desk
        .wsoctl(&[
            "hold",
            "open",
            "--family-name",
            "Trần",
            "--given-names",
            "Minh",
            "--dob",
            "1985-03-03",
            "--booking-number",
            booking,
            "--warrant-form",
            "I-205",
            "--warrant-number",
            booking,
            "--officer",
            "WSO-1",
            "--served-at",
            served,
            "--criminal-release-at",
            served,
            "--criminal-release-basis",
            "sentence_complete",
            "--ice-supervisor",
            "SDDO Ramos",
            "--zone",
            "booking",
            "--as",
            "admin",
            "--json",
        ])
        .success()
        .json();
    out["hold_id"].as_str().unwrap().to_owned()
}

fn the_acknowledged_opening_is_the_notice_and_a_late_one_is_an_incident() {
    let desk = DeskFixture::new(1);
    let in_time = desk.outbox()[0]["hold_id"].as_str().unwrap().to_owned();
    let hour_ago = wso_core::time::utc_text(chrono::Utc::now() - chrono::Duration::hours(1));
    let late = book_served(&desk, "B-LATE", &hour_ago);
    let phoned = book_served(&desk, "B-PHONE", &hour_ago);
    desk.wsoctl(&[
        "hold",
        "notify",
        &phoned,
        "--method",
        "phone",
        "--to",
        "ERO duty officer",
        "--at",
        &hour_ago,
        "--as",
        "admin",
    ])
    .success();
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    desk.sync(&ep.url, 60).success();
    let h = hold(&desk, &in_time);
    assert_eq!(h["ice_notice_method"], "sync");
    assert_eq!(h["ice_notified_to"], "ICE endpoint");
    assert!(h["ice_notified_at"].is_string());
    assert_eq!(h["incidents"].as_array().unwrap().len(), 0);
    assert_eq!(h["action_required"], Value::Null);
    let l = hold(&desk, &late);
    assert_eq!(l["ice_notice_method"], "sync");
    assert_eq!(l["incidents"][0]["kind"], "notice_late");
    assert!(l["incidents"][0]["seconds"].as_i64().unwrap() >= 3600);
    let p = hold(&desk, &phoned);
    assert_eq!(p["ice_notice_method"], "phone", "the first notice counts");
    assert_eq!(p["ice_notified_at"], hour_ago.as_str());
    // The incident is an event the same sync run delivered, chain intact.
    let events = ep.events();
    assert!(events
        .iter()
        .any(|e| e["type"] == "hold.incident" && e["hold_id"] == late.as_str()));
    assert_delivered_exactly_once(&events, &desk.outbox());
    desk.wsoctl(&["audit", "verify"]).success();
}

fn release_authorized_and_authorization_withdrawn_apply_once() {
    let desk = DeskFixture::new(1);
    let id = desk.outbox()[0]["hold_id"].as_str().unwrap().to_owned();
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    let effective = wso_core::time::utc_text(chrono::Utc::now() - chrono::Duration::minutes(1));
    ep.queue_update(
        &id,
        "release_authorized",
        json!({}),
        "u-rel",
        "2026-11-27T14:00:00Z",
    );
    let withdrawn = json!({ "credential": "WSO-1", "effective_at": effective });
    ep.queue_update(
        &id,
        "authorization_withdrawn",
        withdrawn.clone(),
        "u-wd",
        "2026-11-27T14:01:00Z",
    );
    ep.queue_update(
        &id,
        "authorization_withdrawn",
        withdrawn,
        "u-wd",
        "2026-11-27T14:01:00Z",
    );
    desk.sync(&ep.url, 60).success();
    let h = hold(&desk, &id);
    assert_eq!(h["action_required"], "release");
    assert_eq!(h["release_required_because"], "release_authorized");
    let roster = desk
        .wsoctl(&["officer", "list", "--json", "--as", "admin"])
        .success()
        .json();
    assert_eq!(roster[0]["withdrawn_at"], effective.as_str());
    assert!(roster[0]["withdrawn_reason"]
        .as_str()
        .unwrap()
        .contains("u-wd"));
    let receipts = desk
        .outbox()
        .iter()
        .filter(|e| e["type"] == "hold.update_applied" && e["body"]["update_id"] == "u-wd")
        .count();
    assert_eq!(receipts, 1, "applied once, with one receipt");
    // A service after the effective time is refused at the officer.
    let now = wso_core::time::utc_text(chrono::Utc::now());
    let run = desk.wsoctl(&[
        "hold",
        "open",
        "--family-name",
        "Doe",
        "--given-names",
        "J",
        "--dob",
        "1990-01-01",
        "--booking-number",
        "B-W",
        "--warrant-form",
        "I-200",
        "--warrant-number",
        "W-W",
        "--officer",
        "WSO-1",
        "--served-at",
        &now,
        "--criminal-release-at",
        &now,
        "--criminal-release-basis",
        "bond",
        "--ice-supervisor",
        "SDDO Ramos",
        "--zone",
        "booking",
        "--as",
        "admin",
        "--json",
    ]);
    assert_eq!(run.code(), 3, "{}", run.stderr());
    assert_eq!(run.json()["error"]["field"], "officer_credential");
}

wso_tests::on_both_stores!(
    the_acknowledged_opening_is_the_notice_and_a_late_one_is_an_incident,
    release_authorized_and_authorization_withdrawn_apply_once,
);
