//! `audit verify` after a real sync with the real endpoint, against an
//! insider with the key who cuts or rewrites what the endpoint already
//! acknowledged, or hides what ICE said (issue 12, finding 2). Locally the
//! sync state gives a cut away; an insider who rewinds that too passes the
//! local check, and only the endpoint's copy, which still holds the original
//! events, shows it: the boundary docs/adr/0017 draws, asserted here.

#[path = "../../core/tests/tamper_support/mod.rs"]
mod tamper_support;

use serde_json::json;
use tamper_support::{event_seqs, remove_events, set_acked, sql};
use wso_tests::{DeskFixture, EndpointOptions, EndpointProcess, Run};

fn synced(holds: usize) -> (DeskFixture, EndpointProcess) {
    let desk = DeskFixture::new(holds);
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    (desk, ep)
}

#[track_caller]
fn assert_caught(run: &Run, names: &[&str]) {
    assert_eq!(
        run.code(),
        1,
        "tampering must fail verification: {}",
        run.stdout()
    );
    let message = run.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for name in names {
        assert!(
            message.contains(name),
            "the message names {name}: {message}"
        );
    }
}

/// (d) The newest hold, booked and acknowledged, cut off the end with its
/// event, audit record and row: every chain and row agrees, but the desk
/// holds fewer events than the endpoint acknowledged.
fn an_acknowledged_tail_cut_off_is_caught_until_the_sync_state_is_rewound_too() {
    let (desk, ep) = synced(3);
    desk.sync(&ep.url, 20).success();
    desk.wsoctl(&["audit", "verify"]).success();
    let outbox = desk.outbox();
    let last = outbox.last().unwrap();
    let hold = last["hold_id"].as_str().unwrap().to_owned();
    let d = desk.open();
    remove_events(&d, &[last["seq"].as_i64().unwrap()]);
    sql(&d, &format!("DELETE FROM hold WHERE hold_id = '{hold}'"));
    drop(d);
    assert_caught(
        &desk.wsoctl(&["audit", "verify", "--json"]),
        &[
            "acknowledged events up to seq 3",
            "holds only 2",
            "cut off the end",
        ],
    );

    // Rewinding the sync state as well passes every local check...
    let d = desk.open();
    set_acked(&d, 2);
    drop(d);
    desk.wsoctl(&["audit", "verify"]).success();
    // ...and the endpoint's copy still holds the booking: it is what an
    // anchored verify (sync-protocol.md "Anchoring the chain") compares.
    let stored = ep.events();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[2]["hold_id"], hold.as_str());
}

/// (c) A release the endpoint acknowledged, rewritten out of the history
/// (event and audit record removed, both chains recomputed, row reopened).
fn a_release_rewritten_out_after_sync_is_caught_by_the_sync_state() {
    let (mut desk, ep) = synced(1);
    let hold = desk.outbox()[0]["hold_id"].as_str().unwrap().to_owned();
    let at = wso_core::time::utc_text(chrono::Utc::now());
    desk.wsoctl(&[
        "hold",
        "release",
        &hold,
        "--at",
        &at,
        "--reason",
        "court_order",
        "--as",
        "admin",
    ])
    .success();
    desk.open_holds(1);
    desk.sync(&ep.url, 20).success();
    desk.wsoctl(&["audit", "verify"]).success();
    let d = desk.open();
    remove_events(&d, &event_seqs(&d, &hold, "hold.released"));
    sql(&d, &format!(
        "UPDATE hold SET status = 'open', closed_at = NULL, release_reason = NULL, last_event_at = served_at WHERE hold_id = '{hold}'"
    ));
    drop(d);
    assert_caught(
        &desk.wsoctl(&["audit", "verify", "--json"]),
        &["acknowledged events up to seq 3"],
    );

    let d = desk.open();
    set_acked(&d, 2);
    drop(d);
    desk.wsoctl(&["audit", "verify"]).success();
    let stored = ep.events();
    assert_eq!(
        stored[1]["type"], "hold.released",
        "the endpoint keeps the release"
    );
    assert_ne!(
        stored[1]["hash"],
        desk.outbox()[1]["hash"],
        "and the desk's seq 2 is not it"
    );
}

/// What ICE said is held to its receipt: a "release now" hidden from the
/// board, a pickup moved, an update deleted: each is named.
fn ice_updates_hidden_or_edited_are_caught() {
    type Case = fn(&str, &str) -> (String, Vec<String>);
    let cases: [Case; 3] = [
        |a, _| {
            (
                format!("UPDATE hold SET ice_release_kind = NULL WHERE hold_id = '{a}'"),
                vec![a.to_owned(), "`ice_release_kind`".into()],
            )
        },
        |_, b| {
            (
                format!("UPDATE hold SET pickup_at = '2026-11-29T09:00:00Z' WHERE hold_id = '{b}'"),
                vec![b.to_owned(), "`pickup_at`".into()],
            )
        },
        |_, _| {
            (
                "DELETE FROM ice_update WHERE update_id = 'u-1'".into(),
                vec!["ICE update that is not stored".into()],
            )
        },
    ];
    for case in cases {
        let (desk, ep) = synced(2);
        let outbox = desk.outbox();
        let (a, b) = (
            outbox[0]["hold_id"].as_str().unwrap(),
            outbox[1]["hold_id"].as_str().unwrap(),
        );
        ep.queue_update(
            a,
            "detainer_cancelled",
            json!({}),
            "u-1",
            "2026-11-27T14:01:00Z",
        );
        ep.queue_update(
            b,
            "transfer_scheduled",
            json!({ "pickup_at": "2026-11-28T09:00:00Z" }),
            "u-2",
            "2026-11-27T14:02:00Z",
        );
        desk.sync(&ep.url, 20).success();
        desk.wsoctl(&["audit", "verify"]).success();
        let (tamper, names) = case(a, b);
        sql(&desk.open(), &tamper);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_caught(&desk.wsoctl(&["audit", "verify", "--json"]), &names);
    }
}

wso_tests::on_both_stores!(
    an_acknowledged_tail_cut_off_is_caught_until_the_sync_state_is_rewound_too,
    a_release_rewritten_out_after_sync_is_caught_by_the_sync_state,
    ice_updates_hidden_or_edited_are_caught,
);
