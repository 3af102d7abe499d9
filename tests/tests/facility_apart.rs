//! Two desks acting on one hold while apart, then back (sync-protocol.md
//! v1.1): whichever desk closes first and whichever syncs first, both
//! events stand; the first close (by `occurred_at`) closes the hold and a
//! later close or move is a conflict, shown the same on both desks. One
//! warrant booked at both is a possible duplicate until a supervisor at
//! either desk voids one; an action the other desk took on the voided hold
//! meanwhile stands as a conflict. (facility_desks.rs has A closing first
//! and B voiding; these are the other orders.)

use serde_json::{json, Value};
use wso_tests::facility::{
    board, book, find, minutes_ago, release, sync, transfer, two_desks, SHARED_KEYS,
};
use wso_tests::{DeskFixture, EndpointProcess, DESK_ID, SECOND_DESK_ID};

/// Both desks back: each syncs twice, B first.
fn back_together(endpoint: &EndpointProcess, a: &DeskFixture, b: &DeskFixture) {
    for _ in 0..2 {
        sync(b, endpoint);
        sync(a, endpoint);
    }
}

/// The hold as each desk shows it (`hold show`), the same on both.
fn shown_alike(a: &DeskFixture, b: &DeskFixture, hold_id: &str) -> Value {
    let show = |d: &DeskFixture| {
        d.wsoctl(&["hold", "show", hold_id, "--json", "--as", "admin"])
            .success()
            .json()
    };
    let (at_a, at_b) = (show(a), show(b));
    for key in SHARED_KEYS.iter().chain(&["voided_at", "kept_hold_id"]) {
        assert_eq!(at_a[*key], at_b[*key], "{key} of {hold_id}");
    }
    for d in [a, b] {
        d.wsoctl(&["audit", "verify"]).success();
    }
    at_a
}

fn move_to(desk: &DeskFixture, hold_id: &str, zone: &str, at: &str) {
    desk.wsoctl(&[
        "hold", "move", hold_id, "--zone", zone, "--at", at, "--as", "admin",
    ])
    .success();
}

fn b_closing_first_and_syncing_first_makes_a_later_close_at_a_the_conflict() {
    let (endpoint, _dir, mut a, b) = two_desks();
    let held = a.open_holds(1).remove(0);
    sync(&a, &endpoint);
    sync(&b, &endpoint);
    // Apart: B transfers first; A, not knowing, releases later.
    let (first, later) = (minutes_ago(2), minutes_ago(1));
    transfer(&b, &held, &first).success();
    release(&a, &held, &later).success();
    back_together(&endpoint, &a, &b);
    let h = shown_alike(&a, &b, &held);
    assert_eq!(h["status"], "transferred", "{h}");
    assert_eq!(h["closed_at"], first.as_str());
    assert_eq!(h["ice_officer"], "Deportation Officer Reyes");
    assert!(h["release_reason"].is_null(), "{h}");
    assert_eq!(
        h["conflicts"],
        json!([{
            "desk_id": DESK_ID,
            "type": "hold.released",
            "occurred_at": later,
            "detail": "acts on a hold that was already closed",
        }])
    );
    // Both events stand in the history, every desk's.
    let kinds: Vec<&str> = h["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(kinds.contains(&"hold.transferred") && kinds.contains(&"hold.released"));
    // Not on the open board at either desk.
    for d in [&a, &b] {
        assert!(find(&board(d, false), &held).is_none());
    }
}

fn a_move_after_another_desk_released_is_a_conflict_and_a_move_before_it_is_not() {
    let (endpoint, _dir, mut a, b) = two_desks();
    let held = a.open_holds(2);
    sync(&a, &endpoint);
    sync(&b, &endpoint);
    let (t1, t2) = (minutes_ago(3), minutes_ago(2));
    // Apart. Hold 0: A releases, then B moves it. Hold 1: B moves it, then A releases.
    release(&a, &held[0], &t1).success();
    move_to(&b, &held[0], "housing-a", &t2);
    move_to(&b, &held[1], "housing-a", &t1);
    release(&a, &held[1], &t2).success();
    back_together(&endpoint, &a, &b);

    let after = shown_alike(&a, &b, &held[0]);
    assert_eq!(after["status"], "released");
    assert_eq!(
        after["zone_id"], "booking",
        "the move came after the release"
    );
    assert_eq!(
        after["conflicts"],
        json!([{
            "desk_id": SECOND_DESK_ID,
            "type": "hold.moved",
            "occurred_at": t2,
            "detail": "acts on a hold that was already closed",
        }])
    );
    let before = shown_alike(&a, &b, &held[1]);
    assert_eq!(before["status"], "released");
    assert_eq!(before["closed_at"], t2.as_str());
    assert_eq!(before["zone_id"], "housing-a", "moved before the release");
    assert_eq!(before["conflicts"], json!([]));
}

fn one_warrant_booked_apart_is_voided_at_the_desk_that_booked_first_and_a_later_move_of_it_is_a_conflict(
) {
    let (endpoint, _dir, a, b) = two_desks();
    // Apart: A books warrant W-88 first, B books it after.
    let at_a_id = book(&a, "W-88", "B-A-88");
    // Another dash and case: one warrant as the desks compare numbers.
    let at_b_id = book(&b, "w\u{2010}88", "B-B-88");
    back_together(&endpoint, &a, &b);
    for d in [&a, &b] {
        let list = board(d, false);
        assert_eq!(
            find(&list, &at_a_id).unwrap()["possible_duplicate_of"],
            json!([at_b_id])
        );
        assert_eq!(
            find(&list, &at_b_id).unwrap()["possible_duplicate_of"],
            json!([at_a_id])
        );
    }
    // Apart again: a supervisor at A voids A's booking, keeping B's; B,
    // not knowing, moves A's booking.
    a.wsoctl(&[
        "hold",
        "void",
        &at_a_id,
        "--kept",
        &at_b_id,
        "--note",
        "the person is booked at desk 2",
        "--as",
        "admin",
    ])
    .success();
    move_to(&b, &at_a_id, "medical", &minutes_ago(0));
    // The void stands against a second try at A.
    let twice = a.wsoctl(&[
        "hold", "void", &at_a_id, "--kept", &at_b_id, "--note", "again", "--as", "admin",
    ]);
    assert_ne!(twice.code(), 0);
    assert!(
        twice.stderr().contains("already voided"),
        "{}",
        twice.stderr()
    );
    back_together(&endpoint, &a, &b);

    let voided = shown_alike(&a, &b, &at_a_id);
    assert_eq!(voided["kept_hold_id"], at_b_id.as_str());
    assert_eq!(voided["zone_id"], "booking", "the move did not change it");
    let conflicts = voided["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{voided}");
    assert_eq!(conflicts[0]["desk_id"], SECOND_DESK_ID);
    assert_eq!(conflicts[0]["type"], "hold.moved");
    assert_eq!(
        conflicts[0]["detail"],
        "acts on a hold a supervisor had voided as a duplicate"
    );
    for d in [&a, &b] {
        let list = board(d, true);
        assert!(
            find(&list, &at_a_id).is_none(),
            "a voided hold is on a list"
        );
        assert_eq!(
            find(&list, &at_b_id).unwrap()["possible_duplicate_of"],
            json!([])
        );
    }
}

/// A duplicate booking already released at its desk is voided there: it
/// leaves every list at both desks and both histories verify (the fold once
/// took the void of a closed hold for a conflict, which `audit verify` at
/// the voiding desk then read as tampering).
fn a_released_duplicate_is_voided_and_leaves_every_list_at_both_desks() {
    let (endpoint, _dir, a, b) = two_desks();
    let kept = book(&a, "W-66", "B-A-66");
    let dup = book(&b, "W-66", "B-B-66");
    back_together(&endpoint, &a, &b);
    release(&b, &dup, &minutes_ago(1)).success();
    b.wsoctl(&[
        "hold",
        "void",
        &dup,
        "--kept",
        &kept,
        "--note",
        "booked at desk 1",
        "--as",
        "admin",
    ])
    .success();
    back_together(&endpoint, &a, &b);
    let voided = shown_alike(&a, &b, &dup);
    assert_eq!(voided["kept_hold_id"], kept.as_str(), "{voided}");
    assert_eq!(voided["conflicts"], json!([]), "{voided}");
    for d in [&a, &b] {
        let list = board(d, true);
        assert!(find(&list, &dup).is_none(), "a voided hold is on a list");
        assert_eq!(
            find(&list, &kept).unwrap()["possible_duplicate_of"],
            json!([])
        );
    }
}

wso_tests::on_both_stores!(
    b_closing_first_and_syncing_first_makes_a_later_close_at_a_the_conflict,
    a_move_after_another_desk_released_is_a_conflict_and_a_move_before_it_is_not,
    one_warrant_booked_apart_is_voided_at_the_desk_that_booked_first_and_a_later_move_of_it_is_a_conflict,
    a_released_duplicate_is_voided_and_leaves_every_list_at_both_desks,
);
