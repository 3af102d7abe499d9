//! `wsoctl hold ...` as an IT person or a script runs it: the built binary on
//! a real encrypted database: booking, listing, moves, closing, corrections.

mod common;

use common::{now_plus, TestDesk};

#[test]
fn open_list_show_round_trip() {
    let desk = TestDesk::new();
    let served = now_plus(-3600);
    let hold = desk.open(&served, "B-1");
    assert_eq!(hold["status"], "open");
    assert_eq!(hold["served_at"], served.as_str());
    assert_eq!(hold["authority"], "wso_48h");
    assert_eq!(hold["inside_perimeter"], true);
    // 48 h minus the hour already held, give or take the seconds the command took.
    let remaining = hold["remaining_seconds"].as_i64().unwrap();
    assert!(
        (172_800 - 3600 - 30..=172_800 - 3600).contains(&remaining),
        "{remaining}"
    );
    assert_eq!(hold["urgency"], "normal");
    let list = desk.list(&[]);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["hold_id"], hold["hold_id"]);
    let id = hold["hold_id"].as_str().unwrap();
    let shown = desk.run(&["hold", "show", id, "--json"]).ok().json();
    assert_eq!(shown["events"][0]["type"], "hold.opened");
    assert_eq!(shown["events"][0]["seq"], 1);
    assert_eq!(
        shown["events"][0]["body"]["deadline_at"],
        hold["deadline_at"]
    );
}

#[test]
fn unicode_names_round_trip_exactly() {
    let desk = TestDesk::new();
    let names = [
        ("Nguyễn", "Thị Hương"),
        ("محمد", "عبد الله"),
        ("王", "小明"),
        ("Ólafsdóttir", "Guðrún Þóra"),
    ];
    for (i, (family, given)) in names.iter().enumerate() {
        let args = TestDesk::open_args_with(
            &now_plus(-60),
            &format!("U-{i}"),
            &["--family-name", family, "--given-names", given],
        );
        desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .ok();
    }
    let list = desk.list(&[]);
    for (family, given) in names {
        assert!(
            list.iter()
                .any(|h| h["family_name"] == family && h["given_names"] == given),
            "{family} {given}"
        );
    }
}

#[test]
fn dst_deadline_is_48_real_hours_with_local_offset() {
    let desk = TestDesk::new();
    // Served the day before the US fall-back change: the deadline is 47 wall-clock hours later.
    let hold = desk.open("2026-10-31T12:00:00-04:00", "D-1");
    assert_eq!(hold["served_at"], "2026-10-31T16:00:00Z");
    assert_eq!(hold["served_at_local"], "2026-10-31T12:00:00-04:00");
    assert_eq!(hold["deadline_at"], "2026-11-02T16:00:00Z");
    assert_eq!(hold["deadline_local"], "2026-11-02T11:00:00-05:00");
}

#[test]
fn list_order_and_urgency_at_a_given_now() {
    let desk = TestDesk::new();
    let a = desk.open("2026-11-20T10:00:00Z", "A"); // deadline 11-22T10:00Z
    let b = desk.open("2026-11-20T08:00:00Z", "B"); // deadline 11-22T08:00Z, sooner
    let c = desk.open("2026-11-19T09:00:00Z", "C"); // deadline 11-21T09:00Z, overdue at now
    let now = "2026-11-22T07:30:00Z";
    let list = desk.list(&["--now", now]);
    let ids: Vec<_> = list.iter().map(|h| h["hold_id"].clone()).collect();
    assert_eq!(
        ids,
        vec![
            c["hold_id"].clone(),
            b["hold_id"].clone(),
            a["hold_id"].clone()
        ]
    );
    assert_eq!(list[0]["urgency"], "overdue");
    assert_eq!(list[0]["action_required"], "release");
    assert_eq!(list[1]["urgency"], "urgent");
    assert_eq!(list[1]["remaining_seconds"], 1800);
    assert_eq!(list[2]["urgency"], "warning");
    // Nothing is overdue for A but ICE was never told of the service.
    assert_eq!(list[2]["action_required"], "notify_ice");
}

#[test]
fn igsa_hold_has_no_deadline_and_shows_time_held() {
    let desk = TestDesk::with_facility(&common::FACILITY.replace("igsa = false", "igsa = true"));
    let hold = desk.open("2026-11-20T10:00:00Z", "I-1");
    assert_eq!(hold["authority"], "igsa");
    assert_eq!(hold["deadline_at"], serde_json::Value::Null);
    let list = desk.list(&["--now", "2026-11-25T10:00:00Z"]);
    assert_eq!(list[0]["remaining_seconds"], serde_json::Value::Null);
    assert_eq!(list[0]["urgency"], serde_json::Value::Null);
    // No deadline, so no release; the notice to ICE is still owed.
    assert_eq!(list[0]["action_required"], "notify_ice");
    assert_eq!(list[0]["agreement_id"], "igsa");
    assert_eq!(list[0]["held_seconds"], 5 * 86_400);
}

#[test]
fn move_transfer_release_and_correct() {
    let desk = TestDesk::new();
    let h1 = desk.open(&now_plus(-7200), "M-1");
    let id1 = h1["hold_id"].as_str().unwrap();
    let moved = desk
        .run(&[
            "hold",
            "move",
            id1,
            "--zone",
            "court-annex",
            "--at",
            &now_plus(-3600),
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(
        moved["inside_perimeter"], false,
        "a move outside the perimeter is flagged"
    );
    let done = desk
        .run(&[
            "hold",
            "transfer",
            id1,
            "--at",
            &now_plus(-60),
            "--ice-officer",
            "ERO Badge 4411",
            "--destination",
            "Krome SPC",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(done["status"], "transferred");
    assert_eq!(desk.list(&[]).len(), 0);
    assert_eq!(desk.list(&["--all"]).len(), 1);

    let h2 = desk.open(&now_plus(-600), "M-2");
    let id2 = h2["hold_id"].as_str().unwrap();
    let fixed = desk
        .run(&[
            "hold",
            "correct",
            id2,
            "--field",
            "person.given_names",
            "--value",
            "Janet",
            "--reason",
            "typo at booking",
            "--as",
            "sup",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(fixed["given_names"], "Janet");
    let shown = desk.run(&["hold", "show", id2, "--json"]).ok().json();
    let corrected = &shown["events"][1];
    assert_eq!(corrected["type"], "hold.corrected");
    assert_eq!(corrected["body"]["old"], "Jane");
    assert_eq!(corrected["body"]["new"], "Janet");
    // The original booking event is untouched: history is appended, never edited.
    assert_eq!(shown["events"][0]["body"]["person"]["given_names"], "Jane");
    let released = desk
        .run(&[
            "hold",
            "release",
            id2,
            "--at",
            &now_plus(0),
            "--reason",
            "court_order",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(released["status"], "released");
    assert_eq!(released["release_reason"], "court_order");
    let all = desk.list(&["--all"]);
    assert_eq!(all[0]["hold_id"], id2, "most recently closed first");
    desk.run(&["audit", "verify"]).ok();
}
