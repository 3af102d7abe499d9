//! Custody under the WSO agreement through the real `wsoctl` (cli.md "Part 2
//! commands", agreement.md s1-s6): the criminal release anchoring the clock,
//! agreements and their limits, officer authorization, notice, claims,
//! incidents, closing, and refusals that write nothing.

mod common;

use common::TestDesk;
use serde_json::Value;

fn s(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Book with `overrides` on top of the defaults; returns the run.
fn book(desk: &TestDesk, served: &str, booking: &str, overrides: &[&str]) -> common::Run {
    desk.run(&s(&TestDesk::open_args_with(served, booking, overrides)))
}

fn id(hold: &Value) -> String {
    hold["hold_id"].as_str().unwrap().to_owned()
}

fn show(desk: &TestDesk, hold_id: &str, now: &str) -> Value {
    desk.run(&["hold", "show", hold_id, "--now", now, "--json"])
        .ok()
        .json()
}

/// Refused with `code`, naming `field_word`: in the sentence on stderr, or
/// (with `--json`) as the error's `field`.
#[track_caller]
fn refused(run: common::Run, code: i32, field_word: &str) {
    assert_eq!(
        run.code, code,
        "stdout {}\nstderr {}",
        run.stdout, run.stderr
    );
    let field = serde_json::from_str::<Value>(&run.stdout)
        .ok()
        .and_then(|v| v["error"]["field"].as_str().map(str::to_owned));
    assert!(
        run.stderr.contains(field_word) || field.as_deref() == Some(field_word),
        "the error names {field_word}: {} (field {field:?})",
        run.stderr
    );
}

#[test]
fn late_service_anchors_at_the_criminal_release_and_records_the_gap() {
    let desk = TestDesk::new();
    let hold = book(
        &desk,
        "2026-11-20T20:00:00Z",
        "L-1",
        &["--criminal-release-at", "2026-11-20T14:00:00Z"],
    )
    .ok()
    .json();
    assert_eq!(hold["criminal_release_at"], "2026-11-20T14:00:00Z");
    assert_eq!(hold["criminal_release_basis"], "bond");
    assert_eq!(hold["criminal_release_recorded"], true);
    assert_eq!(hold["anchor_at"], "2026-11-20T14:00:00Z");
    assert_eq!(
        hold["deadline_at"], "2026-11-22T14:00:00Z",
        "release + 48 h"
    );
    assert_eq!(hold["ice_supervisor"], "SDDO K. Patel");
    assert_eq!(hold["agreement_id"], Value::Null);
    let incidents = hold["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0]["kind"], "held_without_authority");
    assert_eq!(incidents[0]["seconds"], 21_600);
    assert_eq!(incidents[0]["reviewed_at"], Value::Null);
    // The incident is an event, written with the booking.
    let detail = show(&desk, &id(&hold), "2026-11-21T00:00:00Z");
    let types: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["hold.opened", "hold.incident"]);
    let opened = &detail["events"][0]["body"];
    assert_eq!(opened["criminal_release_at"], "2026-11-20T14:00:00Z");
    assert_eq!(opened["deadline_at"], "2026-11-22T14:00:00Z");
    assert_eq!(opened["interpreter_declined"], false);
    assert_eq!(opened["agreement"], Value::Null);
    assert_eq!(detail["events"][1]["body"]["seconds"], 21_600);
    desk.run(&["audit", "verify"]).ok();
}

#[test]
fn service_more_than_five_minutes_before_the_release_is_refused_writing_nothing() {
    let desk = TestDesk::new();
    let before = desk.counts();
    let run = book(
        &desk,
        "2026-11-20T13:54:59Z",
        "E-1",
        &["--criminal-release-at", "2026-11-20T14:00:00Z"],
    );
    refused(run, 3, "served_at");
    assert_eq!(desk.counts(), before);
    // Five minutes early is allowed: the clock then runs from the service.
    let ok = book(
        &desk,
        "2026-11-20T13:55:00Z",
        "E-2",
        &["--criminal-release-at", "2026-11-20T14:00:00Z"],
    )
    .ok()
    .json();
    assert_eq!(ok["anchor_at"], "2026-11-20T13:55:00Z");
    assert_eq!(ok["incidents"].as_array().unwrap().len(), 0);
}

#[test]
fn booking_refusals_name_the_field_and_write_nothing() {
    let desk = TestDesk::new();
    let before = desk.counts();
    let future = common::now_plus(3600);
    let cases: Vec<(&str, Vec<&str>, i32, &str)> = vec![
        (
            "release in the future",
            vec!["--criminal-release-at", &future],
            3,
            "criminal_release_at",
        ),
        (
            "unknown basis",
            vec!["--criminal-release-basis", "parole"],
            2,
            "criminal-release-basis",
        ),
        (
            "no ICE supervisor",
            vec!["--ice-supervisor", " "],
            3,
            "ice_supervisor",
        ),
        (
            "language, no interpreter",
            vec!["--language", "Spanish"],
            3,
            "interpreter",
        ),
        (
            "unknown agreement",
            vec!["--agreement", "nope"],
            3,
            "agreement_id",
        ),
    ];
    for (what, overrides, code, field) in cases {
        let run = book(&desk, "2026-11-20T10:00:00Z", "R-1", &overrides);
        assert_eq!(run.code, code, "{what}: {}", run.stderr);
        assert!(run.stderr.contains(field), "{what}: {}", run.stderr);
        assert_eq!(desk.counts(), before, "{what}: nothing written");
    }
    let both = TestDesk::open_args_with(
        "2026-11-20T10:00:00Z",
        "R-2",
        &["--interpreter", "R. Diaz", "--interpreter-declined", ""],
    );
    assert_eq!(
        desk.run(&s(&both)).code,
        2,
        "interpreter and declined conflict"
    );
    let declined = book(
        &desk,
        "2026-11-20T10:00:00Z",
        "R-3",
        &["--language", "Spanish", "--interpreter-declined", ""],
    )
    .ok()
    .json();
    assert_eq!(
        (
            &declined["language"],
            &declined["interpreter"],
            &declined["interpreter_declined"]
        ),
        (&Value::from("Spanish"), &Value::Null, &Value::from(true))
    );
    let with = book(
        &desk,
        "2026-11-20T10:00:00Z",
        "R-4",
        &["--language", "Tiếng Việt", "--interpreter", "Lê Văn An"],
    )
    .ok()
    .json();
    assert_eq!(with["interpreter"], "Lê Văn An");
}

#[test]
fn dst_anchor_is_an_instant_and_the_deadline_48_elapsed_hours() {
    let desk = TestDesk::new();
    // Released 23:00 EDT the night before fall-back; served 01:30 EST (the
    // second 01:30), 3.5 real hours later though the wall clock says 2.5.
    let hold = book(
        &desk,
        "2026-11-01T01:30:00-05:00",
        "D-1",
        &["--criminal-release-at", "2026-10-31T23:00:00-04:00"],
    )
    .ok()
    .json();
    assert_eq!(hold["anchor_at"], "2026-11-01T03:00:00Z");
    assert_eq!(hold["criminal_release_local"], "2026-10-31T23:00:00-04:00");
    assert_eq!(hold["deadline_at"], "2026-11-03T03:00:00Z");
    assert_eq!(hold["deadline_local"], "2026-11-02T22:00:00-05:00");
    assert_eq!(hold["incidents"][0]["seconds"], 12_600);
}

#[test]
fn agreement_limit_of_72_hours_and_an_agreement_without_limit() {
    let facility = format!(
        "{}\n[[agreement]]\nid = \"igsa-open\"\nkind = \"igsa\"\nnumber = \"IGSA-9\"\neffective_on = \"2024-01-01\"\n",
        common::FACILITY
    );
    let desk = TestDesk::with_facility(&facility);
    let h72 = book(
        &desk,
        "2026-11-20T10:00:00Z",
        "A-1",
        &["--agreement", "usms-72"],
    )
    .ok()
    .json();
    assert_eq!(h72["authority"], "igsa");
    assert_eq!(h72["agreement_id"], "usms-72");
    assert_eq!(h72["deadline_at"], "2026-11-23T10:00:00Z", "anchor + 72 h");
    let detail = show(&desk, &id(&h72), "2026-11-21T00:00:00Z");
    assert_eq!(
        detail["events"][0]["body"]["agreement"],
        serde_json::json!({"id": "usms-72", "kind": "usms_iga", "number": "USMS-IGA-1234", "hold_limit_hours": 72})
    );
    let open = book(
        &desk,
        "2026-11-20T10:00:00Z",
        "A-2",
        &["--agreement", "igsa-open"],
    )
    .ok()
    .json();
    assert_eq!(open["deadline_at"], Value::Null);
    let list = desk.list(&["--now", "2026-11-30T10:00:00Z"]);
    let open_now = list
        .iter()
        .find(|h| h["hold_id"] == open["hold_id"])
        .unwrap();
    assert_eq!(open_now["remaining_seconds"], Value::Null);
    let h72_now = list
        .iter()
        .find(|h| h["hold_id"] == h72["hold_id"])
        .unwrap();
    assert_eq!(h72_now["action_required"], "release");
    assert_eq!(h72_now["release_required_because"], "overdue");
}

#[test]
fn an_agreement_that_expires_under_a_hold_makes_it_release_required() {
    let facility = format!(
        "{}\n[[agreement]]\nid = \"boa-1\"\nkind = \"boa\"\nnumber = \"BOA-1\"\neffective_on = \"2024-01-01\"\nexpires_on = \"2026-11-21\"\n",
        common::FACILITY
    );
    let desk = TestDesk::with_facility(&facility);
    let hold = book(
        &desk,
        "2026-11-20T10:00:00Z",
        "X-1",
        &["--agreement", "boa-1"],
    )
    .ok()
    .json();
    assert_eq!(hold["deadline_at"], Value::Null);
    // 2026-11-21 is still its last day in New York at 23:00 local (04:00Z).
    let on_last_day = desk.list(&["--now", "2026-11-22T04:00:00Z"]);
    assert_ne!(on_last_day[0]["action_required"], "release");
    let after = desk.list(&["--now", "2026-11-22T05:30:00Z"]);
    assert_eq!(after[0]["action_required"], "release");
    assert_eq!(after[0]["release_required_because"], "agreement_expired");
    // Booking under it after it expired is refused at the field.
    let before = desk.counts();
    let run = book(
        &desk,
        "2026-11-25T10:00:00Z",
        "X-2",
        &["--agreement", "boa-1"],
    );
    refused(run, 3, "expired");
    assert_eq!(desk.counts(), before);
}

#[test]
fn supervisor_places_a_hold_under_an_agreement_in_force() {
    let desk = TestDesk::new();
    let hold = book(
        &desk,
        "2026-11-20T10:00:00Z",
        "P-1",
        &["--criminal-release-at", "2026-11-20T09:00:00Z"],
    )
    .ok()
    .json();
    let hid = id(&hold);
    let before = desk.counts();
    let cmd = |agreement: &str, user: &str| {
        desk.run(&[
            "hold",
            "agreement",
            &hid,
            "--agreement",
            agreement,
            "--at",
            "2026-11-21T10:00:00Z",
            "--as",
            user,
            "--json",
        ])
    };
    refused(cmd("usms-72", "dep"), 3, "supervisor");
    refused(cmd("no-such", "sup"), 3, "agreement");
    assert_eq!(desk.counts(), before);
    let moved = cmd("usms-72", "sup").ok().json();
    assert_eq!(moved["agreement_id"], "usms-72");
    assert_eq!(
        moved["deadline_at"], "2026-11-23T09:00:00Z",
        "anchor (the release) + 72 h"
    );
    let detail = show(&desk, &hid, "2026-11-21T11:00:00Z");
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "hold.placed_under_agreement");
    assert_eq!(last["body"]["deadline_at"], "2026-11-23T09:00:00Z");
    assert_eq!(last["body"]["agreement"]["id"], "usms-72");
}

#[test]
fn officer_authorization_is_checked_at_the_moment_of_service() {
    let desk = TestDesk::new();
    desk.run(&[
        "officer",
        "add",
        "--credential",
        "WSO-2",
        "--name",
        "Officer Two",
        "--trained-on",
        "2026-01-01",
        "--expires-on",
        "2026-11-25",
        "--authorized-on",
        "2026-11-10",
        "--as",
        "sup",
    ])
    .ok();
    let before = desk.counts();
    let not_yet = book(
        &desk,
        "2026-11-05T10:00:00Z",
        "O-1",
        &["--officer", "WSO-2"],
    );
    assert!(
        not_yet.stderr.contains("not yet authorized"),
        "{}",
        not_yet.stderr
    );
    refused(not_yet, 3, "officer_credential");
    let expired = book(
        &desk,
        "2026-11-26T10:00:00Z",
        "O-2",
        &["--officer", "WSO-2"],
    );
    assert!(expired.stderr.contains("expired"), "{}", expired.stderr);
    refused(expired, 3, "officer_credential");
    assert_eq!(desk.counts(), before);
    book(
        &desk,
        "2026-11-15T10:00:00Z",
        "O-3",
        &["--officer", "WSO-2"],
    )
    .ok();
    // ICE withdraws the authorization effective 2026-11-16 12:00Z.
    let withdraw = |user: &str| {
        desk.run(&[
            "officer",
            "withdraw",
            "WSO-2",
            "--at",
            "2026-11-16T12:00:00Z",
            "--reason",
            "ICE letter of 2026-11-16",
            "--as",
            user,
            "--json",
        ])
    };
    refused(withdraw("dep"), 3, "supervisor");
    let o = withdraw("sup").ok().json();
    assert_eq!(o["withdrawn_at"], "2026-11-16T12:00:00Z");
    assert_eq!(withdraw("sup").code, 3, "withdrawn once");
    let after = book(
        &desk,
        "2026-11-16T12:00:00Z",
        "O-4",
        &["--officer", "WSO-2"],
    );
    assert!(after.stderr.contains("withdrew"), "{}", after.stderr);
    refused(after, 3, "officer_credential");
    book(
        &desk,
        "2026-11-16T11:59:59Z",
        "O-5",
        &["--officer", "WSO-2"],
    )
    .ok();
    let roster = desk.run(&["officer", "list", "--json"]).ok().json();
    let two = roster
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["credential"] == "WSO-2")
        .unwrap();
    assert_eq!(two["authorized_on"], "2026-11-10");
    assert_eq!(two["withdrawn_reason"], "ICE letter of 2026-11-16");
    assert_eq!(two["authorization_note"], Value::Null);
}

#[test]
fn a_terminated_moa_refuses_every_service_at_the_field_moa() {
    let facility = common::FACILITY.replace(
        "effective_on = \"2025-02-26\"",
        "effective_on = \"2025-02-26\"\nterminated_at = \"2026-11-18T00:00:00Z\"",
    );
    let desk = TestDesk::with_facility(&facility);
    let run = desk.run(&[
        "hold",
        "open",
        "--json",
        "--family-name",
        "Doe",
        "--given-names",
        "J",
        "--dob",
        "1990-01-01",
        "--booking-number",
        "M-1",
        "--warrant-form",
        "I-200",
        "--warrant-number",
        "W-M-1",
        "--officer",
        "WSO-1",
        "--served-at",
        "2026-11-19T10:00:00Z",
        "--criminal-release-at",
        "2026-11-19T10:00:00Z",
        "--criminal-release-basis",
        "dismissed",
        "--ice-supervisor",
        "SDDO X",
        "--zone",
        "booking",
        "--as",
        "dep",
    ]);
    assert_eq!(run.code, 3);
    assert_eq!(run.json()["error"]["field"], "moa");
    book(&desk, "2026-11-17T10:00:00Z", "M-2", &[]).ok();
}

#[test]
fn notice_claims_and_the_order_of_actions() {
    let desk = TestDesk::new();
    let hold = book(&desk, "2026-11-20T10:00:00Z", "N-1", &[]).ok().json();
    let hid = id(&hold);
    assert_eq!(hold["notice_due_at"], "2026-11-20T10:15:00Z");
    assert_eq!(hold["ice_notified_at"], Value::Null);
    let at = |now: &str| {
        desk.list(&["--now", now])
            .into_iter()
            .find(|h| h["hold_id"] == hold["hold_id"])
            .unwrap()
    };
    assert_eq!(at("2026-11-20T10:14:59Z")["action_required"], Value::Null);
    assert_eq!(at("2026-11-20T10:15:00Z")["action_required"], "notify_ice");
    // A claim, still unreported, outranks the missing notice.
    let claim = desk
        .run(&[
            "hold",
            "claim",
            &hid,
            "--at",
            "2026-11-20T10:20:00Z",
            "--statement",
            "I was born in El Paso",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    let claim_id = claim["claim_id"].as_str().unwrap().to_owned();
    assert_eq!(claim["due_at"], "2026-11-20T11:20:00Z");
    assert_eq!(claim["heard_by"], "dep");
    let now = at("2026-11-20T10:30:00Z");
    assert_eq!(now["action_required"], "report_claim");
    // Past the deadline, release outranks the unreported claim.
    assert_eq!(at("2026-11-22T10:00:00Z")["action_required"], "release");
    assert_eq!(now["claims"][0]["statement"], "I was born in El Paso");
    assert_eq!(now["claims"][0]["reported_at"], Value::Null);
    // Refusals that write nothing.
    let before = desk.counts();
    let early = desk.run(&[
        "hold",
        "notify",
        &hid,
        "--method",
        "phone",
        "--to",
        "ERO",
        "--at",
        "2026-11-20T09:00:00Z",
        "--as",
        "dep",
    ]);
    refused(early, 3, "before the service");
    let bad_method = desk.run(&[
        "hold",
        "notify",
        &hid,
        "--method",
        "fax",
        "--to",
        "ERO",
        "--at",
        "2026-11-20T10:30:00Z",
        "--as",
        "dep",
    ]);
    assert_eq!(bad_method.code, 2);
    let unknown_claim = desk.run(&[
        "hold",
        "claim-reported",
        &hid,
        "--claim",
        "nope",
        "--method",
        "phone",
        "--to",
        "ERO",
        "--at",
        "2026-11-20T10:40:00Z",
        "--as",
        "dep",
    ]);
    refused(unknown_claim, 3, "claim");
    assert_eq!(desk.counts(), before);
    // Reported 70 minutes after the claim: late, with its incident.
    let reported = desk
        .run(&[
            "hold",
            "claim-reported",
            &hid,
            "--claim",
            &claim_id,
            "--method",
            "phone",
            "--to",
            "SDDO Patel",
            "--at",
            "2026-11-20T11:30:00Z",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(reported["claims"][0]["reported_to"], "SDDO Patel");
    assert_eq!(reported["incidents"][0]["kind"], "claim_report_late");
    assert_eq!(reported["incidents"][0]["seconds"], 4200);
    assert_eq!(at("2026-11-20T11:31:00Z")["action_required"], "notify_ice");
    // The notice, 1 h 35 min after service: late too. The first one counts.
    let notified = desk
        .run(&[
            "hold",
            "notify",
            &hid,
            "--method",
            "email",
            "--to",
            "ERO Tampa",
            "--at",
            "2026-11-20T11:35:00Z",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(notified["ice_notified_at"], "2026-11-20T11:35:00Z");
    assert_eq!(notified["ice_notice_method"], "email");
    assert_eq!(notified["incidents"][1]["kind"], "notice_late");
    assert_eq!(notified["incidents"][1]["seconds"], 5700);
    let again = desk
        .run(&[
            "hold",
            "notify",
            &hid,
            "--method",
            "phone",
            "--to",
            "ERO",
            "--at",
            "2026-11-20T11:40:00Z",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(
        again["ice_notified_at"], "2026-11-20T11:35:00Z",
        "first notice counts"
    );
    assert_eq!(again["incidents"].as_array().unwrap().len(), 2);
    assert_eq!(at("2026-11-20T11:41:00Z")["action_required"], Value::Null);
}

#[test]
fn closing_after_the_deadline_needs_a_note_and_records_over_deadline() {
    let desk = TestDesk::new();
    let a = id(&book(&desk, "2026-11-20T10:00:00Z", "C-1", &[]).ok().json());
    let b = id(&book(&desk, "2026-11-20T10:00:00Z", "C-2", &[]).ok().json());
    let before = desk.counts();
    let late_release = |note: Option<&str>| {
        let mut args = vec![
            "hold",
            "release",
            &a,
            "--at",
            "2026-11-22T12:00:00Z",
            "--reason",
            "deadline_reached",
            "--as",
            "dep",
            "--json",
        ];
        if let Some(n) = note {
            args.extend(["--note", n]);
        }
        desk.run(&args)
    };
    refused(late_release(None), 3, "note");
    let other = desk.run(&[
        "hold",
        "release",
        &b,
        "--at",
        "2026-11-21T12:00:00Z",
        "--reason",
        "other",
        "--as",
        "dep",
    ]);
    refused(other, 3, "note");
    let bad = desk.run(&[
        "hold",
        "release",
        &b,
        "--at",
        "2026-11-21T12:00:00Z",
        "--reason",
        "felt_like_it",
        "--as",
        "dep",
    ]);
    assert_eq!(bad.code, 2);
    let no_destination = desk.run(&[
        "hold",
        "transfer",
        &b,
        "--at",
        "2026-11-21T12:00:00Z",
        "--ice-officer",
        "ERO 1",
        "--as",
        "dep",
    ]);
    assert_eq!(no_destination.code, 2, "--destination is required");
    assert_eq!(desk.counts(), before);
    let released = late_release(Some("ICE pickup never came; released at 12:00"))
        .ok()
        .json();
    assert_eq!(released["release_reason"], "deadline_reached");
    assert_eq!(released["incidents"][0]["kind"], "over_deadline");
    assert_eq!(released["incidents"][0]["seconds"], 7200);
    let transferred = desk
        .run(&[
            "hold",
            "transfer",
            &b,
            "--at",
            "2026-11-21T12:00:00Z",
            "--ice-officer",
            "ERO 1",
            "--destination",
            "Krome North SPC",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(transferred["destination"], "Krome North SPC");
    assert_eq!(transferred["incidents"].as_array().unwrap().len(), 0);
    // A claim on a closed hold is refused, naming the hold.
    let before = desk.counts();
    let run = desk.run(&[
        "hold",
        "claim",
        &b,
        "--at",
        "2026-11-21T12:30:00Z",
        "--statement",
        "I am a citizen",
        "--as",
        "dep",
    ]);
    refused(run, 3, "closed");
    assert_eq!(desk.counts(), before);
    // New release reasons are accepted by name.
    let c = id(&book(&desk, "2026-11-20T10:00:00Z", "C-3", &[]).ok().json());
    let r = desk
        .run(&[
            "hold",
            "release",
            &c,
            "--at",
            "2026-11-20T11:00:00Z",
            "--reason",
            "returned_to_criminal_custody",
            "--as",
            "dep",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(r["release_reason"], "returned_to_criminal_custody");
    desk.run(&["audit", "verify"]).ok();
}

#[test]
fn incidents_are_listed_for_supervisors_and_reviewed_once_with_a_note() {
    let desk = TestDesk::new();
    book(
        &desk,
        "2026-11-20T20:00:00Z",
        "I-1",
        &["--criminal-release-at", "2026-11-20T14:00:00Z"],
    )
    .ok();
    refused(
        desk.run(&["incident", "list", "--json", "--as", "dep"]),
        3,
        "supervisor role",
    );
    let list = desk
        .run(&["incident", "list", "--json", "--as", "sup"])
        .ok()
        .json();
    let incident = list[0].clone();
    assert_eq!(incident["kind"], "held_without_authority");
    assert_eq!(incident["seconds"], 21_600);
    assert!(incident["detail"].as_str().unwrap().contains("6:00"));
    assert_eq!(incident["note"], Value::Null);
    let iid = incident["incident_id"].as_str().unwrap();
    let before = desk.counts();
    refused(
        desk.run(&["incident", "review", iid, "--note", "x", "--as", "dep"]),
        3,
        "supervisor",
    );
    refused(
        desk.run(&["incident", "review", iid, "--note", " ", "--as", "sup"]),
        3,
        "note",
    );
    assert_eq!(
        desk.run(&["incident", "review", "nope", "--note", "x", "--as", "sup"])
            .code,
        4
    );
    assert_eq!(desk.counts().0, before.0);
    assert_eq!(desk.counts().1, before.1, "no event for a refused review");
    let reviewed = desk
        .run(&[
            "incident",
            "review",
            iid,
            "--note",
            "Jail records were late; spoke to the shift",
            "--as",
            "sup",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(reviewed["reviewed_by"], "sup");
    refused(
        desk.run(&["incident", "review", iid, "--note", "again", "--as", "sup"]),
        3,
        "already reviewed",
    );
    let open = desk
        .run(&["incident", "list", "--json", "--as", "sup"])
        .ok()
        .json();
    assert_eq!(
        open.as_array().unwrap().len(),
        0,
        "reviewed ones leave the list"
    );
    let all = desk
        .run(&["incident", "list", "--all", "--json", "--as", "sup"])
        .ok()
        .json();
    assert_eq!(all[0]["note"], "Jail records were late; spoke to the shift");
    desk.run(&["audit", "verify"]).ok();
}
