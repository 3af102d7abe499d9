//! A break in another desk's chain is shown and never applied
//! (sync-protocol.md v1.1): an event of desk B whose hash is not the hash of
//! its content, one core cannot fold, or the endpoint's stored copy of one of
//! B's events changed afterwards. Desk A stops applying B there and says so
//! in `sync --json` (`facility.desks[].problem`); A's board does not change
//! from the bad event, A's own history still verifies, and a third desk's
//! events still apply.

use serde_json::{json, Value};
use wso_tests::facility::{assert_same_holds, board, book, find, minutes_ago, sync, two_desks};
use wso_tests::{
    DeskFixture, EndpointProcess, FACILITY_ID, SECOND_DESK_ID, SECOND_TOKEN, THIRD_DESK_ID,
    THIRD_TOKEN,
};

/// B's next event after its last one, chained to it: a release of `hold_id`
/// with `body`, hashed with core's hash (then changed by `spoil`).
fn next_event_of(b: &DeskFixture, hold_id: &str, body: Value, spoil: impl Fn(&mut Value)) -> Value {
    let outbox = b.outbox();
    let last = outbox.last().expect("B has events");
    let now = minutes_ago(1);
    let mut e = last.clone();
    e["seq"] = json!(last["seq"].as_i64().unwrap() + 1);
    e["prev_hash"] = last["hash"].clone();
    e["event_id"] = json!("01930000-0000-7000-8000-00000000beef");
    e["type"] = json!("hold.released");
    e["hold_id"] = json!(hold_id);
    e["occurred_at"] = json!(now);
    e["recorded_at"] = json!(now);
    e["body"] = body;
    e["hash"] = json!(wso_core::events::envelope_hash(&e));
    spoil(&mut e);
    e
}

fn push_as_b(endpoint: &EndpointProcess, event: &Value) {
    let (status, answer) = endpoint.push_raw(
        SECOND_TOKEN,
        SECOND_DESK_ID,
        &json!({ "facility_id": FACILITY_ID, "events": [event] }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["ack_seq"], event["seq"],
        "the endpoint stored it: {answer}"
    );
}

fn desk_line<'a>(synced: &'a Value, desk_id: &str) -> &'a Value {
    synced["facility"]["desks"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["desk_id"] == desk_id))
        .unwrap_or_else(|| panic!("{desk_id} is not in {synced}"))
}

/// B's events A holds, by seq.
fn held_of_b(a: &DeskFixture) -> Vec<i64> {
    wso_tests::facility::facility_events(a)
        .into_iter()
        .filter(|(desk, _, _)| desk == SECOND_DESK_ID)
        .map(|(_, seq, _)| seq)
        .collect()
}

fn an_event_whose_hash_is_not_its_content_stops_its_desk_while_a_third_desk_goes_on() {
    let (endpoint, _dir, a, b) = two_desks();
    let c = DeskFixture::at_desk(THIRD_DESK_ID, THIRD_TOKEN, 0);
    let held = book(&b, "W-B-1", "B-B-1");
    sync(&b, &endpoint);
    sync(&a, &endpoint);
    let before = board(&a, true);
    assert_eq!(find(&before, &held).unwrap()["status"], "open");
    let good = b.outbox().len() as i64;

    // Hashed, then changed: a release with a reason it was not hashed with.
    let bad = next_event_of(
        &b,
        &held,
        json!({ "released_at": minutes_ago(1), "reason": "court_order", "note": null }),
        |e| e["body"]["reason"] = json!("deadline_reached"),
    );
    push_as_b(&endpoint, &bad);
    let at_c = book(&c, "W-C-1", "B-C-1");
    sync(&c, &endpoint);

    let synced = sync(&a, &endpoint);
    assert_eq!(synced["report"]["facility_events_stopped"], 1, "{synced}");
    let line = desk_line(&synced, SECOND_DESK_ID);
    let problem = line["problem"].as_str().unwrap_or_default();
    assert!(
        problem.contains(&format!("event {}", good + 1)) && problem.contains("hash"),
        "{line}"
    );
    assert!(
        line["line"]
            .as_str()
            .unwrap_or_default()
            .contains("NOT APPLIED"),
        "{line}"
    );
    assert!(synced["facility"]["summary"]
        .as_str()
        .unwrap_or_default()
        .contains("not current"));
    // Nothing of the bad event: the hold is as before; B's good events stay.
    let after = board(&a, true);
    assert_same_holds(&after, &before);
    assert_eq!(find(&after, &held).unwrap()["status"], "open");
    assert_eq!(held_of_b(&a), (1..=good).collect::<Vec<_>>());
    // The third desk goes on.
    assert!(desk_line(&synced, THIRD_DESK_ID)["problem"].is_null());
    assert_eq!(
        find(&after, &at_c).unwrap()["booked_at_desk"],
        THIRD_DESK_ID
    );
    a.wsoctl(&["audit", "verify"]).success();

    // Seen again, it stays shown and stays out.
    let again = sync(&a, &endpoint);
    assert_eq!(
        desk_line(&again, SECOND_DESK_ID)["problem"],
        line["problem"]
    );
    assert_eq!(find(&board(&a, true), &held).unwrap()["status"], "open");
}

fn an_event_core_cannot_fold_stops_its_desk_there_and_changes_nothing() {
    let (endpoint, _dir, a, b) = two_desks();
    let held = book(&b, "W-B-2", "B-B-2");
    sync(&b, &endpoint);
    // Chained and hashed right, but a release for 'other' with no note is
    // one core refuses: it cannot stand in a hold's history.
    let bad = next_event_of(
        &b,
        &held,
        json!({ "released_at": minutes_ago(1), "reason": "other", "note": null }),
        |_| {},
    );
    push_as_b(&endpoint, &bad);
    let synced = sync(&a, &endpoint);
    assert_eq!(synced["report"]["facility_events_applied"], 1, "{synced}");
    assert_eq!(synced["report"]["facility_events_stopped"], 1, "{synced}");
    let problem = desk_line(&synced, SECOND_DESK_ID)["problem"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(problem.contains("note"), "{problem}");
    let h = find(&board(&a, true), &held).cloned().unwrap();
    assert_eq!(h["status"], "open", "{h}");
    assert_eq!(held_of_b(&a), vec![1]);
    a.wsoctl(&["audit", "verify"]).success();
}

fn a_changed_stored_copy_of_another_desks_event_is_shown_and_never_applied() {
    let (endpoint, _dir, a, mut b) = two_desks();
    let held = b.open_holds(2);
    sync(&b, &endpoint);
    // Written into the store itself, behind the endpoint's back.
    let tamper = "UPDATE desk_event SET envelope = replace(envelope, 'Nguyễn', 'Tampered')
                   WHERE desk_id = 'booking-desk-2' AND seq = 2";
    assert_eq!(SECOND_DESK_ID, "booking-desk-2");
    if endpoint.db.starts_with("postgres") {
        let out = std::process::Command::new("psql")
            .args([endpoint.db.as_str(), "-v", "ON_ERROR_STOP=1", "-c", tamper])
            .output()
            .expect("running psql");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "UPDATE 1");
    } else {
        let changed = rusqlite::Connection::open(&endpoint.db)
            .unwrap()
            .execute(tamper, [])
            .unwrap();
        assert_eq!(changed, 1);
    }
    let synced = sync(&a, &endpoint);
    let problem = desk_line(&synced, SECOND_DESK_ID)["problem"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        problem.contains("event 2") && problem.contains("hash does not match"),
        "{problem}"
    );
    let at_a = board(&a, true);
    assert!(find(&at_a, &held[0]).is_some(), "B's first booking applies");
    assert!(find(&at_a, &held[1]).is_none(), "the changed one does not");
    assert!(at_a.iter().all(|h| h["family_name"] != "Tampered"));
    assert_eq!(held_of_b(&a), vec![1]);
    a.wsoctl(&["audit", "verify"]).success();
}

wso_tests::on_both_stores!(
    an_event_whose_hash_is_not_its_content_stops_its_desk_while_a_third_desk_goes_on,
    an_event_core_cannot_fold_stops_its_desk_there_and_changes_nothing,
    a_changed_stored_copy_of_another_desks_event_is_shown_and_never_applied,
);
