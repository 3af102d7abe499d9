//! One jail, several desks (sync-protocol.md v1.1): two desk databases, two
//! real `wsoctl`s and one real endpoint over loopback HTTP. A booking at one
//! desk shows on the other's board after a sync, an action at either reaches
//! both, and what happened while they were apart (a hold closed twice, one
//! warrant booked twice) shows the same on both, never dropped.

use wso_tests::facility::{board, book, find, release, text_at, transfer, two_desks};
use wso_tests::{DESK_ID, SECOND_DESK_ID};

fn now_text() -> String {
    text_at(chrono::Utc::now())
}

fn a_booking_at_one_desk_shows_at_the_other_and_a_release_there_comes_back() {
    let (endpoint, _dir, mut a, b) = two_desks();
    let held = a.open_holds(2);
    a.sync(&endpoint.url, 20).success();
    let synced = b.sync(&endpoint.url, 20).success().json();
    assert_eq!(synced["report"]["facility_events_applied"], 2, "{synced}");
    let at_b = board(&b, false);
    for id in &held {
        let h =
            find(&at_b, id).unwrap_or_else(|| panic!("hold {id} booked at A is not on B's board"));
        assert_eq!(h["booked_at_desk"], DESK_ID);
        assert_eq!(h["status"], "open");
        assert!(h["remaining_seconds"].as_i64().unwrap() > 47 * 3600);
        assert_eq!(h["conflicts"], serde_json::json!([]));
        assert_eq!(h["possible_duplicate_of"], serde_json::json!([]));
    }
    // Desk B knows when it last heard from A.
    let desks = synced["facility"]["desks"].as_array().unwrap();
    assert_eq!(desks.len(), 1, "{synced}");
    assert_eq!(desks[0]["desk_id"], DESK_ID);
    assert_eq!(desks[0]["stale"], false);

    // B releases one of A's holds; A sees it released after its sync.
    release(&b, &held[0], &now_text()).success();
    b.sync(&endpoint.url, 20).success();
    a.sync(&endpoint.url, 20).success();
    let at_a = board(&a, true);
    assert_eq!(find(&at_a, &held[0]).unwrap()["status"], "released");
    assert_eq!(
        find(&at_a, &held[0]).unwrap()["release_reason"],
        "court_order"
    );
    assert_eq!(find(&at_a, &held[1]).unwrap()["status"], "open");
    // The same board at both desks, and both histories verify.
    let at_b = board(&b, true);
    for id in &held {
        for key in [
            "status",
            "deadline_at",
            "closed_at",
            "zone_id",
            "booked_at_desk",
        ] {
            assert_eq!(
                find(&at_a, id).unwrap()[key],
                find(&at_b, id).unwrap()[key],
                "{key} of {id}"
            );
        }
    }
    for desk in [&a, &b] {
        let v = desk.wsoctl(&["audit", "verify", "--json"]).success().json();
        assert!(v["holds"].as_u64().unwrap() >= 2, "{v}");
    }
}

fn a_hold_closed_at_both_desks_while_apart_shows_the_conflict_on_both() {
    let (endpoint, _dir, mut a, b) = two_desks();
    let held = a.open_holds(1);
    a.sync(&endpoint.url, 20).success();
    b.sync(&endpoint.url, 20).success();
    // Apart: A releases first, B (not knowing) transfers later.
    let first = wso_core::time::utc_text(chrono::Utc::now() - chrono::Duration::minutes(2));
    let later = wso_core::time::utc_text(chrono::Utc::now() - chrono::Duration::minutes(1));
    release(&a, &held[0], &first).success();
    transfer(&b, &held[0], &later).success();
    for _ in 0..2 {
        a.sync(&endpoint.url, 20).success();
        b.sync(&endpoint.url, 20).success();
    }
    let (at_a, at_b) = (board(&a, true), board(&b, true));
    let (ha, hb) = (
        find(&at_a, &held[0]).unwrap(),
        find(&at_b, &held[0]).unwrap(),
    );
    // The first close stands, at both desks; the later one is a conflict.
    assert_eq!(ha["status"], "released", "{ha}");
    assert_eq!(hb["status"], "released", "{hb}");
    assert_eq!(ha["conflicts"], hb["conflicts"]);
    let conflicts = ha["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{ha}");
    assert_eq!(conflicts[0]["desk_id"], SECOND_DESK_ID);
    assert_eq!(conflicts[0]["type"], "hold.transferred");
    assert_eq!(conflicts[0]["occurred_at"], later);
    for desk in [&a, &b] {
        desk.wsoctl(&["audit", "verify"]).success();
    }
}

fn one_warrant_booked_at_two_desks_is_a_possible_duplicate_until_a_supervisor_voids_one() {
    let (endpoint, _dir, a, b) = two_desks();
    // Apart: both desks book warrant W-77.
    let at_a_id = book(&a, "W-77", "B-A-77");
    let at_b_id = book(&b, "w-77", "B-B-77");
    for _ in 0..2 {
        a.sync(&endpoint.url, 20).success();
        b.sync(&endpoint.url, 20).success();
    }
    for desk in [&a, &b] {
        let list = board(desk, false);
        assert_eq!(
            find(&list, &at_a_id).unwrap()["possible_duplicate_of"],
            serde_json::json!([at_b_id])
        );
        assert_eq!(
            find(&list, &at_b_id).unwrap()["possible_duplicate_of"],
            serde_json::json!([at_a_id])
        );
    }
    // Bad input names the field and writes nothing.
    let wrong = b.wsoctl(&[
        "hold", "void", &at_b_id, "--kept", &at_b_id, "--note", "same", "--as", "admin",
    ]);
    assert_ne!(wrong.code(), 0);
    assert!(wrong.stderr().contains("kept"), "{}", wrong.stderr());
    let outbox_before = b.outbox().len();
    let unknown = b.wsoctl(&[
        "hold",
        "void",
        &at_b_id,
        "--kept",
        "no-such-hold",
        "--note",
        "same",
        "--as",
        "admin",
    ]);
    assert_ne!(unknown.code(), 0);
    assert_eq!(
        b.outbox().len(),
        outbox_before,
        "a refused void wrote an event"
    );
    // A supervisor at B voids B's booking, keeping A's.
    b.wsoctl(&[
        "hold",
        "void",
        &at_b_id,
        "--kept",
        &at_a_id,
        "--note",
        "booked at desk 1 first",
        "--as",
        "admin",
    ])
    .success();
    b.sync(&endpoint.url, 20).success();
    a.sync(&endpoint.url, 20).success();
    for desk in [&a, &b] {
        let list = board(desk, true);
        assert!(
            find(&list, &at_b_id).is_none(),
            "a voided hold is on a list"
        );
        assert_eq!(
            find(&list, &at_a_id).unwrap()["possible_duplicate_of"],
            serde_json::json!([])
        );
        let shown = desk
            .wsoctl(&["hold", "show", &at_b_id, "--json", "--as", "admin"])
            .success()
            .json();
        assert_eq!(shown["kept_hold_id"], at_a_id.as_str());
        assert!(shown["voided_at"].is_string());
        assert!(shown["remaining_seconds"].is_null());
        desk.wsoctl(&["audit", "verify"]).success();
    }
}

wso_tests::on_both_stores!(
    a_booking_at_one_desk_shows_at_the_other_and_a_release_there_comes_back,
    a_hold_closed_at_both_desks_while_apart_shows_the_conflict_on_both,
    one_warrant_booked_at_two_desks_is_a_possible_duplicate_until_a_supervisor_voids_one,
);
