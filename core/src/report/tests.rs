//! The figures over spec-shaped envelopes (sync-protocol.md, v1 and v1.1
//! bodies), so every event type is covered whether or not this desk can
//! write it yet.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::figures::{authorizations_ending, compute};
use super::fold::{fold, HoldFacts};
use super::period::Period;
use super::rules::cutoff;
use crate::custody::officer::Officer;
use crate::custody::HoldStatus;
use crate::desk::Complaint;
use crate::time::parse_instant;

const NY: Tz = chrono_tz::America::New_York;

fn t(s: &str) -> DateTime<Utc> {
    parse_instant("t", s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An envelope as the protocol shapes it (hashes are not checked here).
fn env(seq: i64, hold: &str, kind: &str, occurred: &str, body: Value) -> Value {
    json!({
        "event_id": format!("ev-{seq}"), "seq": seq, "desk_id": "desk-1",
        "facility_id": "pinellas-main", "hold_id": hold, "type": kind,
        "occurred_at": occurred, "recorded_at": occurred, "recorded_by": "dep",
        "body": body, "prev_hash": "0".repeat(64), "hash": "f".repeat(64),
    })
}

/// A v1 `hold.opened` (no criminal release recorded), 48-hour deadline.
fn opened_v1(seq: i64, hold: &str, family: &str, served: &str, officer: &str) -> Value {
    let deadline = crate::time::utc_text(t(served) + chrono::Duration::hours(48));
    env(
        seq,
        hold,
        "hold.opened",
        served,
        json!({
            "person": { "family_name": family, "given_names": "Given", "date_of_birth": "1990-04-02",
                        "booking_number": format!("B-{hold}"), "a_number": null },
            "warrant": { "form": "I-200", "number": format!("W-{hold}") },
            "detainer_number": null, "officer_credential": officer, "served_at": served,
            "zone_id": "booking", "location": null, "authority": "wso_48h", "deadline_at": deadline,
        }),
    )
}

/// A v1.1 `hold.opened`: the anchor is the earlier of release and service.
fn opened_v11(seq: i64, hold: &str, family: &str, released: &str, served: &str) -> Value {
    let anchor = t(released).min(t(served));
    let mut e = opened_v1(seq, hold, family, served, "WSO-2");
    let b = &mut e["body"];
    b["criminal_release_at"] = json!(released);
    b["criminal_release_basis"] = json!("bond");
    b["ice_supervisor"] = json!("SDDO Patel");
    b["language"] = json!(null);
    b["interpreter"] = json!(null);
    b["interpreter_declined"] = json!(false);
    b["agreement"] = json!(null);
    b["deadline_at"] = json!(crate::time::utc_text(anchor + chrono::Duration::hours(48)));
    e
}

pub(super) fn facts_served(served: &str) -> HoldFacts {
    fold(&[opened_v1(1, "h", "Doe", served, "WSO-1")])
        .remove("h")
        .unwrap()
}

fn complaint(received: &str, due: &str, reported: Option<&str>) -> Complaint {
    Complaint {
        complaint_id: format!("c-{received}"),
        received_at: t(received),
        received_local: String::new(),
        about_officer: Some("WSO-1".into()),
        about_staff: None,
        summary: "s".into(),
        hold_id: None,
        due_at: t(due),
        due_local: String::new(),
        reported_at: reported.map(t),
        reported_local: None,
        reported_to: reported.map(|_| "SDDO Patel".into()),
        reported_late: None,
        overdue: false,
        remaining_seconds: None,
        recorded_by: "sup".into(),
        about: String::new(),
        status: String::new(),
    }
}

/// Events of November 2026 (New York) and around it.
fn november() -> Vec<Value> {
    vec![
        // A: released from criminal custody 14:00, served 20:00 (six hours
        // without authority); ICE phoned 40 min after service; a claim
        // reported after 2 h; transferred 1 h after the deadline.
        opened_v11(
            1,
            "A",
            "Nguyễn",
            "2026-11-02T19:00:00Z",
            "2026-11-03T01:00:00Z",
        ),
        env(
            2,
            "A",
            "hold.incident",
            "2026-11-03T01:00:00Z",
            json!({ "incident_id": "i1", "kind": "held_without_authority", "seconds": 21600, "detail": "" }),
        ),
        env(
            3,
            "A",
            "hold.ice_notified",
            "2026-11-03T01:40:00Z",
            json!({ "method": "phone", "to": "ERO duty", "notified_at": "2026-11-03T01:40:00Z" }),
        ),
        env(
            4,
            "A",
            "hold.citizenship_claim_recorded",
            "2026-11-03T02:00:00Z",
            json!({ "claim_id": "k1", "claimed_at": "2026-11-03T02:00:00Z", "heard_by": "dep", "statement": "I was born in Texas" }),
        ),
        env(
            5,
            "A",
            "hold.citizenship_claim_reported",
            "2026-11-03T04:00:00Z",
            json!({ "claim_id": "k1", "reported_at": "2026-11-03T04:00:00Z", "method": "phone", "to": "ERO duty" }),
        ),
        env(
            6,
            "A",
            "hold.transferred",
            "2026-11-04T20:00:00Z",
            json!({ "transferred_at": "2026-11-04T20:00:00Z", "ice_officer": "Officer K", "destination": "Krome" }),
        ),
        // B: v1 hold, transferred in time.
        opened_v1(7, "B", "王", "2026-11-10T15:00:00Z", "WSO-1"),
        env(
            8,
            "B",
            "hold.transferred",
            "2026-11-11T15:00:00Z",
            json!({ "transferred_at": "2026-11-11T15:00:00Z", "ice_officer": "Officer K" }),
        ),
        // C: released by court order, then a second desk's late release (a conflict).
        opened_v1(9, "C", "Smith", "2026-11-12T15:00:00Z", "WSO-1"),
        env(
            10,
            "C",
            "hold.released",
            "2026-11-13T15:00:00Z",
            json!({ "released_at": "2026-11-13T15:00:00Z", "reason": "court_order", "note": null }),
        ),
        env(
            11,
            "C",
            "hold.released",
            "2026-11-14T15:00:00Z",
            json!({ "released_at": "2026-11-14T15:00:00Z", "reason": "other", "note": "late" }),
        ),
        // D: still held at the end of the period, deadline 2026-11-30T14:00Z.
        opened_v1(12, "D", "Open", "2026-11-28T14:00:00Z", "WSO-1"),
        // E: voided duplicate: no custody, counts nowhere.
        opened_v1(13, "E", "Dup", "2026-11-12T15:05:00Z", "WSO-1"),
        env(
            14,
            "E",
            "hold.voided",
            "2026-11-12T16:00:00Z",
            json!({ "reason": "duplicate_booking", "kept_hold_id": "C", "note": "same warrant" }),
        ),
        // F: served in October (local), released in November.
        opened_v1(15, "F", "October", "2026-11-01T03:30:00Z", "WSO-1"),
        env(
            16,
            "F",
            "hold.released",
            "2026-11-01T12:00:00Z",
            json!({ "released_at": "2026-11-01T12:00:00Z", "reason": "detainer_cancelled", "note": null }),
        ),
        // An ICE update receipt for a hold this desk never booked.
        env(
            17,
            "Z",
            "hold.update_applied",
            "2026-11-05T12:00:00Z",
            json!({ "update_id": "u1", "kind": "custody_assumed" }),
        ),
    ]
}

#[test]
fn a_period_of_november_counts_each_fact_in_its_month() {
    let period = Period::new(d("2026-10-01"), d("2026-11-30"), NY).unwrap();
    let holds = fold(&november());
    assert!(!holds.contains_key("E"), "a voided hold is no custody");
    assert!(!holds.contains_key("Z"), "no hold.opened, no hold");
    let complaints = [
        // Reported on time, reported late, and never reported (late at the cut-off).
        complaint(
            "2026-11-02T14:00:00Z",
            "2026-11-04T14:00:00Z",
            Some("2026-11-03T10:00:00Z"),
        ),
        complaint(
            "2026-11-06T14:00:00Z",
            "2026-11-10T14:00:00Z",
            Some("2026-11-11T10:00:00Z"),
        ),
        complaint("2026-11-20T14:00:00Z", "2026-11-24T14:00:00Z", None),
    ];
    let now = t("2026-12-15T00:00:00Z");
    let c = compute(holds.values(), &complaints, &period, cutoff(&period, now));
    let (oct, nov) = (&c.months["2026-10"], &c.months["2026-11"]);

    // F was served at 23:30 on 31 October, New York time.
    assert_eq!((oct.services, nov.services), (1, 4));
    assert_eq!(c.totals.services, 5);
    assert_eq!(c.totals.services_by_officer["WSO-1"], 4);
    assert_eq!(c.totals.services_by_officer["WSO-2"], 1);
    // A late (after its deadline, anchored at the criminal release), B in time.
    assert_eq!((nov.transfers, nov.transfers_within_limit), (2, 1));
    // C's second release is a conflict, not a second release or an "other".
    assert_eq!(nov.releases, 2);
    assert_eq!(nov.releases_by_reason.get("court_order"), Some(&1));
    assert_eq!(nov.releases_by_reason.get("detainer_cancelled"), Some(&1));
    assert_eq!(nov.releases_by_reason.get("other"), None);
    // A: deadline 2026-11-04T19:00Z, transferred 20:00Z: one hour over.
    // D: deadline 2026-11-30T14:00Z, still held at the period's end
    // (2026-12-01T05:00Z): fifteen hours over.
    assert_eq!(nov.over_detentions, 2);
    assert_eq!(nov.over_detention_seconds_total, 3_600 + 54_000);
    assert_eq!(nov.over_detention_seconds_max, 54_000);
    assert_eq!(c.over_detention_holds[0].hold_id, "D");
    assert!(c.over_detention_holds[0].still_held);
    assert_eq!(c.over_detention_holds[1].family_name, "Nguyễn");
    // Only A was served after its release.
    assert_eq!((nov.gaps_before_service, nov.gap_seconds_max), (1, 21_600));
    assert_eq!(nov.notices_late, 1);
    assert_eq!(
        (
            nov.claims,
            nov.claims_reported_late,
            nov.claim_report_seconds_max
        ),
        (1, 1, 7_200)
    );
    assert_eq!((nov.complaints, nov.complaints_reported_late), (3, 2));
    // Totals are the months summed.
    assert_eq!(
        c.totals.over_detentions,
        oct.over_detentions + nov.over_detentions
    );
    assert_eq!(c.totals.complaints, 3);
}

#[test]
fn a_hold_still_held_counts_to_the_time_of_the_report_when_that_is_sooner() {
    let period = Period::new(d("2026-11-01"), d("2026-11-30"), NY).unwrap();
    let holds = fold(&november());
    let now = t("2026-11-30T16:00:00Z");
    let c = compute(holds.values(), &[], &period, cutoff(&period, now));
    let d_hold = c
        .over_detention_holds
        .iter()
        .find(|o| o.hold_id == "D")
        .unwrap();
    assert_eq!(d_hold.seconds, 7_200, "two hours past 14:00Z at 16:00Z");
}

#[test]
fn old_holds_read_the_criminal_release_as_the_service() {
    let h = facts_served("2026-11-02T14:00:00Z");
    assert_eq!(h.criminal_release_at, h.served_at);
    assert!(!h.criminal_release_recorded);
    assert_eq!(super::rules::gap_seconds(&h), 0);
    assert!(!super::rules::held_without_authority(&h));
}

#[test]
fn a_service_within_five_minutes_of_the_release_is_no_gap() {
    let holds = fold(&[
        opened_v11(
            1,
            "a",
            "On time",
            "2026-11-02T14:00:00Z",
            "2026-11-02T14:05:00Z",
        ),
        opened_v11(
            2,
            "b",
            "Late",
            "2026-11-02T14:00:00Z",
            "2026-11-02T14:05:01Z",
        ),
    ]);
    assert!(!super::rules::held_without_authority(&holds["a"]));
    assert!(super::rules::held_without_authority(&holds["b"]));
    assert_eq!(super::rules::gap_seconds(&holds["b"]), 301);
}

#[test]
fn corrections_agreements_and_first_notice_are_folded_in_protocol_order() {
    let holds = fold(&[
        // Out of order on purpose: the fold sorts by occurred_at.
        env(
            5,
            "a",
            "hold.ice_notified",
            "2026-11-02T14:30:00Z",
            json!({ "method": "email", "to": "ERO", "notified_at": "2026-11-02T14:30:00Z" }),
        ),
        env(
            4,
            "a",
            "hold.ice_notified",
            "2026-11-02T14:10:00Z",
            json!({ "method": "phone", "to": "ERO", "notified_at": "2026-11-02T14:10:00Z" }),
        ),
        opened_v1(1, "a", "Nguyen", "2026-11-02T14:00:00Z", "WSO-1"),
        env(
            2,
            "a",
            "hold.corrected",
            "2026-11-02T15:00:00Z",
            json!({ "field": "person.family_name", "old": "Nguyen", "new": "Nguyễn", "reason": "diacritics" }),
        ),
        env(
            3,
            "a",
            "hold.placed_under_agreement",
            "2026-11-03T12:00:00Z",
            json!({ "agreement": { "id": "usms-72", "kind": "usms_iga", "number": "U-1", "hold_limit_hours": 72 },
                    "at": "2026-11-03T12:00:00Z", "deadline_at": "2026-11-05T14:00:00Z" }),
        ),
    ]);
    let h = &holds["a"];
    assert_eq!(h.family_name, "Nguyễn");
    assert_eq!(h.agreement_id.as_deref(), Some("usms-72"));
    assert_eq!(h.deadline_at, Some(t("2026-11-05T14:00:00Z")));
    assert_eq!(
        h.ice_notified_at,
        Some(t("2026-11-02T14:10:00Z")),
        "the first notice counts"
    );
    assert!(!super::rules::notice_late(h));
    assert_eq!(h.status, HoldStatus::Open);
}

#[test]
fn an_unreported_claim_is_late_once_an_hour_has_passed_at_the_cut_off() {
    let holds = fold(&[
        opened_v1(1, "a", "Doe", "2026-11-02T14:00:00Z", "WSO-1"),
        env(
            2,
            "a",
            "hold.citizenship_claim_recorded",
            "2026-11-02T15:00:00Z",
            json!({ "claim_id": "k", "claimed_at": "2026-11-02T15:00:00Z", "heard_by": "dep", "statement": "..." }),
        ),
    ]);
    let c = &holds["a"].claims[0];
    assert!(!super::rules::claim_late(c, t("2026-11-02T16:00:00Z")));
    assert!(super::rules::claim_late(c, t("2026-11-02T16:00:01Z")));
}

#[test]
fn months_and_boundaries_are_the_facility_calendar() {
    let p = Period::new(d("2026-11-30"), d("2027-01-02"), NY).unwrap();
    assert_eq!(p.months(), ["2026-11", "2026-12", "2027-01"]);
    assert_eq!(p.start, t("2026-11-30T05:00:00Z"));
    assert_eq!(p.end, t("2027-01-03T05:00:00Z"));
    assert_eq!(
        p.month_of(t("2026-12-01T04:59:59Z")).as_deref(),
        Some("2026-11")
    );
    assert_eq!(
        p.month_of(t("2027-01-03T05:00:00Z")),
        None,
        "the end is excluded"
    );
    assert_eq!(p.month_of(t("2026-11-30T04:59:59Z")), None);
    // A period that starts on the day the clocks go back is 25 hours long on its first day.
    let fall = Period::new(d("2026-11-01"), d("2026-11-01"), NY).unwrap();
    assert_eq!((fall.end - fall.start).num_hours(), 25);
}

#[test]
fn a_period_ending_before_it_starts_is_refused_naming_to() {
    let e = Period::new(d("2026-11-30"), d("2026-11-01"), NY).unwrap_err();
    assert_eq!((e.code(), e.field()), ("invalid", Some("to")));
}

#[test]
fn authorizations_ending_within_sixty_days_are_listed_soonest_first() {
    let officer = |c: &str, expires: &str, active: bool| Officer {
        credential: c.into(),
        name: format!("Officer {c}"),
        trained_on: d("2020-01-01"),
        expires_on: d(expires),
        active,
        authorized_on: Some(d("2020-01-01")),
        withdrawn_at: None,
        withdrawn_reason: None,
        authorization_note: None,
    };
    let today = d("2026-12-01");
    let list = authorizations_ending(
        &[
            officer("late", "2027-01-30", true), // 60 days: listed
            officer("far", "2027-01-31", true),  // 61 days: not
            officer("soon", "2026-12-01", true), // today: listed
            officer("gone", "2026-11-30", true), // already ended
            officer("off", "2026-12-10", false), // inactive
            Officer {
                // ICE's written withdrawal takes effect in ten days (local 2026-12-11).
                withdrawn_at: Some(t("2026-12-11T15:00:00Z")),
                ..officer("withdrawn", "2030-01-01", true)
            },
            Officer {
                // Withdrawn yesterday: already ended.
                withdrawn_at: Some(t("2026-11-30T15:00:00Z")),
                ..officer("was", "2030-01-01", true)
            },
        ],
        today,
        NY,
    );
    let names: Vec<_> = list.iter().map(|a| a.credential.as_str()).collect();
    assert_eq!(names, ["soon", "withdrawn", "late"]);
    assert_eq!(list[1].ends_on, d("2026-12-11"));
    assert_eq!(list[2].days_left, 60);
}

#[test]
fn every_figure_line_names_a_json_key_with_the_same_value() {
    let period = Period::new(d("2026-10-01"), d("2026-11-30"), NY).unwrap();
    let holds = fold(&november());
    let c = compute(holds.values(), &[], &period, period.end);
    let json = serde_json::to_value(&c.totals).unwrap();
    for line in super::figures::FIGURE_LINES {
        assert_eq!(
            json[line.key].as_i64(),
            Some(c.totals.get(line.key)),
            "{}",
            line.key
        );
    }
    assert!(
        c.totals.get("over_detention_seconds_total") > 0,
        "a figure that is not zero is checked too"
    );
}
