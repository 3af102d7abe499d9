//! ICE updates pulled by the real `wsoctl sync` from the real endpoint:
//! applied once by `update_id` whatever the endpoint repeats or reorders,
//! shown on the hold, and receipted with one `hold.update_applied` each.

use std::collections::HashMap;

use serde_json::{json, Value};
use wso_tests::{assert_delivered_exactly_once, DeskFixture, EndpointOptions, EndpointProcess};

fn receipts(desk: &DeskFixture) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    for e in desk
        .outbox()
        .iter()
        .filter(|e| e["type"] == "hold.update_applied")
    {
        assert_eq!(e["recorded_by"], "system:sync");
        *count
            .entry(
                e["body"]["update_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
            .or_insert(0) += 1;
    }
    count
}

fn hold(desk: &DeskFixture, id: &str) -> Value {
    desk.wsoctl(&["hold", "show", id, "--json", "--as", "admin"])
        .success()
        .json()
}

fn duplicate_replayed_and_out_of_order_updates_apply_once() {
    let desk = DeskFixture::new(3);
    let ids: Vec<String> = wso_tests::DeskFixture::outbox(&desk)
        .iter()
        .map(|e| e["hold_id"].as_str().unwrap().to_owned())
        .collect();
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
    // Pages of 2: a short page is not the end, only an empty one is.
    let ep = EndpointProcess::start(
        desk.dir.path(),
        &EndpointOptions {
            page_size: 2,
            ..Default::default()
        },
    );
    let deadline_a = hold(&desk, a)["deadline_at"].as_str().unwrap().to_owned();
    let late = (chrono::DateTime::parse_from_rfc3339(&deadline_a).unwrap()
        + chrono::Duration::hours(2))
    .to_utc();
    let late = wso_core::time::utc_text(late);
    ep.queue_update(
        a,
        "transfer_scheduled",
        json!({ "pickup_at": late }),
        "u-1",
        "2026-11-27T14:00:00Z",
    );
    ep.queue_update(
        b,
        "detainer_cancelled",
        json!({}),
        "u-2",
        "2026-11-27T14:01:00Z",
    );
    ep.queue_update(
        c,
        "custody_assumed",
        json!({ "ice_officer": "SDDO Ramos" }),
        "u-3",
        "2026-11-27T14:02:00Z",
    );
    // The same update again (ICE resent it), and an older schedule arriving after a newer one.
    ep.queue_update(
        a,
        "transfer_scheduled",
        json!({ "pickup_at": late }),
        "u-1",
        "2026-11-27T14:00:00Z",
    );
    ep.queue_update(
        a,
        "transfer_scheduled",
        json!({ "pickup_at": "2026-11-27T15:00:00Z" }),
        "u-4",
        "2026-11-27T13:00:00Z",
    );
    // What the desk cannot apply is kept and shown, never dropped.
    ep.queue_update(
        a,
        "interview_requested",
        json!({}),
        "u-5",
        "2026-11-27T14:03:00Z",
    );
    ep.queue_update(
        "no-such-hold",
        "detainer_cancelled",
        json!({}),
        "u-6",
        "2026-11-27T14:04:00Z",
    );

    let out = desk.sync(&ep.url, 20).success();
    assert_eq!(
        out.json()["report"]["updates_applied"],
        6,
        "u-1 counts once"
    );

    let ha = hold(&desk, a);
    assert_eq!(
        ha["pickup_at"],
        Value::String(late.clone()),
        "the older u-4 must not overwrite u-1"
    );
    assert_eq!(
        ha["pickup_after_deadline"], true,
        "a pickup after the deadline is flagged"
    );
    let hb = hold(&desk, b);
    assert_eq!(
        hb["action_required"], "release",
        "a cancelled detainer means release now"
    );
    assert_eq!(hb["ice_release_kind"], "detainer_cancelled");
    let hc = hold(&desk, c);
    assert_eq!(hc["action_required"], "confirm_transfer");
    assert_eq!(hc["custody_assumed_by"], "SDDO Ramos");

    let status = desk.status();
    let unapplied: Vec<&str> = status
        .unapplied_updates
        .iter()
        .map(|u| u.update_id.as_str())
        .collect();
    assert_eq!(unapplied, vec!["u-5", "u-6"]);
    assert!(status
        .problems
        .iter()
        .any(|p| p.code == "unapplied_updates"));

    // The endpoint replays its pages from the start: nothing applies twice.
    ep.set_faults(json!({ "replay_updates": 1 }));
    let again = desk.sync(&ep.url, 20).success();
    assert_eq!(again.json()["report"]["updates_applied"], 0);
    let counts = receipts(&desk);
    assert_eq!(counts.len(), 6);
    assert!(
        counts.values().all(|n| *n == 1),
        "exactly one receipt per update_id: {counts:?}"
    );

    // Receipts are events too: they reach the endpoint with the rest, chain intact.
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    desk.wsoctl(&["audit", "verify"]).success();
}

fn rejected_events_are_acknowledged_and_shown() {
    let desk = DeskFixture::new(2);
    // Break event 2's hash in the desk's outbox: the endpoint stores it but rejects it.
    desk.open()
        .conn()
        .execute(
            "UPDATE event SET envelope = replace(envelope, '\"recorded_by\":\"admin\"', '\"recorded_by\":\"mallory\"') WHERE seq = 2",
            [],
        )
        .unwrap();
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    let out = desk.sync(&ep.url, 20).success();
    let status = &out.json()["status"];
    assert_eq!(
        status["events_waiting"], 0,
        "rejected events are acknowledged, not resent"
    );
    assert_eq!(status["rejected_events"][0]["seq"], 2);
    assert_eq!(status["rejected_events"][0]["code"], "hash_mismatch");
    assert!(status["problems"].to_string().contains("rejected_events"));
}

wso_tests::on_both_stores!(
    duplicate_replayed_and_out_of_order_updates_apply_once,
    rejected_events_are_acknowledged_and_shown,
);
