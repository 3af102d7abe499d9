//! Table tests of the fold: each row a history and what the hold must be (or
//! which event the fold must refuse, and why).

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::*;
use crate::custody::clock::Authority;
use crate::custody::hold::{HoldStatus, ReleaseReason};
use crate::time::utc_text;

const HOLD: &str = "0193a3c2-0000-7000-8000-0000000000aa";
const SERVED: &str = "2026-11-27T14:03:00Z";

fn t(s: &str) -> DateTime<Utc> {
    crate::time::stored(s).unwrap()
}

fn plus(s: &str, seconds: i64) -> String {
    utc_text(t(s) + Duration::seconds(seconds))
}

/// An event of desk `desk-1` at `seq`, occurred and recorded at `at`.
fn ev(seq: i64, at: &str, change: Change) -> HoldEvent {
    HoldEvent {
        at: EventRef {
            desk_id: "desk-1".into(),
            seq,
        },
        hold_id: HOLD.into(),
        kind: String::new(),
        occurred_at: t(at),
        recorded_at: t(at),
        recorded_by: "dep".into(),
        change,
    }
}

fn opened_with(served: &str, deadline: Option<&str>) -> HoldEvent {
    ev(
        1,
        served,
        Change::Opened(Box::new(Opened {
            particulars: Particulars {
                family_name: "Nguyễn".into(),
                given_names: "Thị Hương".into(),
                date_of_birth: "1990-04-02".into(),
                booking_number: "B-1".into(),
                a_number: Some("A-1".into()),
                warrant_form: "I-200".into(),
                warrant_number: "W-1".into(),
                detainer_number: None,
            },
            officer_credential: "WSO-1".into(),
            served_at: t(served),
            zone_id: "booking".into(),
            location: Some((279_000_000, -827_500_000)),
            authority: Authority::Wso48h,
            deadline_at: deadline.map(t),
            criminal_release_at: Some(t(served)),
            criminal_release_basis: Some("bond".into()),
            ice_supervisor: Some("SDDO Ramos".into()),
            language: None,
            interpreter: None,
            interpreter_declined: false,
            agreement: None,
        })),
    )
}

fn opened() -> HoldEvent {
    opened_with(SERVED, Some("2026-11-29T14:03:00Z"))
}

fn moved(seq: i64, at: &str, zone: &str, inside: bool) -> HoldEvent {
    ev(
        seq,
        at,
        Change::Moved {
            zone_id: zone.into(),
            inside_perimeter: inside,
            moved_at: t(at),
        },
    )
}

fn released(seq: i64, at: &str, reason: ReleaseReason, note: Option<&str>) -> HoldEvent {
    ev(
        seq,
        at,
        Change::Released {
            released_at: t(at),
            reason,
            note: note.map(str::to_owned),
        },
    )
}

fn corrected(seq: i64, at: &str, field: &str, old: Option<&str>, new: Option<&str>) -> HoldEvent {
    ev(
        seq,
        at,
        Change::Corrected {
            field: field.into(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        },
    )
}

fn receipt(seq: i64, applied: &str, kind: &str, at: &str, details: Value) -> HoldEvent {
    let details: Map<String, Value> = details.as_object().cloned().unwrap_or_default();
    ev(
        seq,
        applied,
        Change::UpdateApplied {
            update_id: format!("u{seq}"),
            kind: kind.into(),
            update: Some(StoredUpdate {
                kind: kind.into(),
                at: at.into(),
                details,
                known_kind: false,
            }),
        },
    )
}

fn column(state: &HoldState, name: &str) -> Option<String> {
    state
        .columns()
        .into_iter()
        .find(|(c, _)| *c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .1
}

type Expect = &'static [(&'static str, Option<&'static str>)];

/// Histories core writes, and the columns the hold must then have.
#[test]
fn histories_fold_to_the_row_core_writes() {
    let later = |s| plus(SERVED, s);
    let cases: Vec<(&str, Vec<HoldEvent>, Expect)> = vec![
        (
            "booked: open, deadline served + 48 h, inside the perimeter",
            vec![opened()],
            &[
                ("status", Some("open")),
                ("deadline_at", Some("2026-11-29T14:03:00Z")),
                ("last_event_at", Some(SERVED)),
                ("inside_perimeter", Some("1")),
                ("lat_e7", Some("279000000")),
                ("closed_at", None),
            ],
        ),
        (
            "moved to court: zone and perimeter flag follow, last event moves",
            vec![opened(), moved(2, &later(600), "court-annex", false)],
            &[
                ("zone_id", Some("court-annex")),
                ("inside_perimeter", Some("0")),
                ("last_event_at", Some("2026-11-27T14:13:00Z")),
                ("status", Some("open")),
            ],
        ),
        (
            "released for 'other' with its note",
            vec![
                opened(),
                released(2, &later(60), ReleaseReason::Other, Some("bond posted")),
            ],
            &[
                ("status", Some("released")),
                ("closed_at", Some("2026-11-27T14:04:00Z")),
                ("release_reason", Some("other")),
                ("release_note", Some("bond posted")),
            ],
        ),
        (
            "transferred to ICE",
            vec![
                opened(),
                ev(
                    2,
                    &later(60),
                    Change::Transferred {
                        transferred_at: t(&later(60)),
                        ice_officer: "Officer Díaz".into(),
                        destination: Some("Krome".into()),
                        note: None,
                    },
                ),
            ],
            &[
                ("status", Some("transferred")),
                ("ice_officer", Some("Officer Díaz")),
                ("closed_at", Some("2026-11-27T14:04:00Z")),
                ("release_reason", None),
                ("destination", Some("Krome")),
            ],
        ),
        (
            "corrections, including clearing an optional field",
            vec![
                opened(),
                corrected(
                    2,
                    &later(60),
                    "person.family_name",
                    Some("Nguyễn"),
                    Some("Nguyen"),
                ),
                corrected(3, &later(120), "person.a_number", Some("A-1"), None),
                corrected(4, &later(180), "detainer_number", None, Some("D-9")),
            ],
            &[
                ("family_name", Some("Nguyen")),
                ("a_number", None),
                ("detainer_number", Some("D-9")),
                // A correction is not a custody event: the last one stays the booking.
                ("last_event_at", Some(SERVED)),
            ],
        ),
        (
            "an older pickup does not overwrite a newer one",
            vec![
                opened(),
                receipt(
                    2,
                    &later(60),
                    "transfer_scheduled",
                    &later(50),
                    json!({"pickup_at": "2026-11-28T10:00:00Z"}),
                ),
                receipt(
                    3,
                    &later(70),
                    "transfer_scheduled",
                    &later(10),
                    json!({"pickup_at": "2026-11-28T08:00:00Z"}),
                ),
            ],
            &[("pickup_at", Some("2026-11-28T10:00:00Z"))],
        ),
        (
            "a newer pickup replaces the older one",
            vec![
                opened(),
                receipt(
                    2,
                    &later(60),
                    "transfer_scheduled",
                    &later(10),
                    json!({"pickup_at": "2026-11-28T08:00:00Z"}),
                ),
                receipt(
                    3,
                    &later(70),
                    "transfer_scheduled",
                    &later(50),
                    json!({"pickup_at": "2026-11-28T10:00:00Z"}),
                ),
            ],
            &[("pickup_at", Some("2026-11-28T10:00:00Z"))],
        ),
        (
            "the first release-now reason stays; custody assumed is kept",
            vec![
                opened(),
                receipt(2, &later(60), "detainer_cancelled", &later(50), json!({})),
                receipt(3, &later(70), "warrant_withdrawn", &later(60), json!({})),
                receipt(
                    4,
                    &later(80),
                    "custody_assumed",
                    &later(70),
                    json!({"ice_officer": "  Agent K  "}),
                ),
            ],
            &[
                ("ice_release_kind", Some("detainer_cancelled")),
                ("custody_assumed_by", Some("Agent K")),
            ],
        ),
        (
            "unknown kinds and unusable details change nothing",
            vec![
                opened(),
                receipt(2, &later(60), "alien_kind", &later(50), json!({"x": 1})),
                receipt(
                    3,
                    &later(70),
                    "transfer_scheduled",
                    &later(60),
                    json!({"pickup_at": "soon"}),
                ),
            ],
            &[("pickup_at", None), ("ice_release_kind", None)],
        ),
    ];
    for (what, events, expect) in cases {
        let folded = fold(events).unwrap_or_else(|e| panic!("{what}: {e}"));
        let state = folded.state.expect(what);
        assert!(state.conflicts.is_empty(), "{what}: {:?}", state.conflicts);
        for (name, want) in expect {
            assert_eq!(
                column(&state, name).as_deref(),
                *want,
                "{what}: column {name}"
            );
        }
    }
}

/// Histories no desk running core writes: refused, naming the event and why.
#[test]
fn histories_core_never_writes_are_refused_at_their_event() {
    let later = |s| plus(SERVED, s);
    let mut late_record = moved(2, &later(600), "court-annex", false);
    late_record.recorded_at = t(&later(600 - 121));
    let mut body_differs = moved(2, &later(600), "court-annex", false);
    body_differs.occurred_at = t(&later(601));
    body_differs.recorded_at = t(&later(601));
    let mut correction_backdated = corrected(
        2,
        &later(60),
        "person.given_names",
        Some("Thị Hương"),
        Some("Huong"),
    );
    correction_backdated.occurred_at = t(SERVED);
    let mut missing_update = receipt(2, &later(60), "custody_assumed", &later(50), json!({}));
    if let Change::UpdateApplied { update, .. } = &mut missing_update.change {
        *update = None;
    }
    let mut other_kind = receipt(2, &later(60), "custody_assumed", &later(50), json!({}));
    if let Change::UpdateApplied { kind, .. } = &mut other_kind.change {
        *kind = "detainer_cancelled".into();
    }
    let mut other_hold = moved(2, &later(60), "booking", true);
    other_hold.hold_id = "another".into();
    let cases: Vec<(&str, Vec<HoldEvent>, i64, &str)> = vec![
        (
            "deadline moved to 2099",
            vec![opened_with(SERVED, Some("2099-01-01T00:00:00Z"))],
            1,
            "deadline_at",
        ),
        (
            "a 48-hour hold with no deadline",
            vec![opened_with(SERVED, None)],
            1,
            "deadline_at",
        ),
        (
            "served in the future of its recording",
            vec![{
                let mut o = opened();
                o.recorded_at = t(&plus(SERVED, -3600));
                o
            }],
            1,
            "recorded",
        ),
        (
            "moved, recorded before it happened",
            vec![opened(), late_record],
            2,
            "recorded",
        ),
        (
            "body time not the envelope's",
            vec![opened(), body_differs],
            2,
            "body",
        ),
        (
            "correction back-dated",
            vec![opened(), correction_backdated],
            2,
            "recorded_at",
        ),
        (
            "move before the booking",
            vec![moved(1, &plus(SERVED, -60), "booking", true), {
                let mut o = opened();
                o.at.seq = 2;
                o
            }],
            1,
            "before the hold was opened",
        ),
        (
            "booked twice",
            vec![opened(), {
                let mut o = opened();
                o.at.seq = 2;
                o
            }],
            2,
            "second",
        ),
        (
            "'other' without a note",
            vec![
                opened(),
                released(2, &later(60), ReleaseReason::Other, None),
            ],
            2,
            "note",
        ),
        (
            "correcting the deadline",
            vec![
                opened(),
                corrected(2, &later(60), "deadline_at", Some("x"), Some("y")),
            ],
            2,
            "does not let",
        ),
        (
            "correction that changes nothing",
            vec![
                opened(),
                corrected(2, &later(60), "warrant.number", Some("W-1"), Some("W-1")),
            ],
            2,
            "nothing",
        ),
        (
            "clearing a required field",
            vec![
                opened(),
                corrected(2, &later(60), "person.family_name", Some("Nguyễn"), None),
            ],
            2,
            "required",
        ),
        (
            "receipt of an update not stored",
            vec![opened(), missing_update],
            2,
            "not stored",
        ),
        (
            "receipt naming another kind",
            vec![opened(), other_kind],
            2,
            "kind",
        ),
        (
            "an event of another hold",
            vec![opened(), other_hold],
            2,
            "another hold",
        ),
    ];
    for (what, events, seq, why) in cases {
        let err = fold(events).expect_err(what);
        assert_eq!(err.at.seq, seq, "{what}: names the event ({err})");
        assert!(err.why.contains(why), "{what}: says why ({err})");
    }
}

/// Order is the rule, not the order given: `occurred_at`, `recorded_at`,
/// `desk_id`, `seq`.
#[test]
fn the_order_is_one_rule_whatever_order_events_arrive_in() {
    let later = |s| plus(SERVED, s);
    let events = vec![
        opened(),
        moved(2, &later(60), "court-annex", false),
        moved(3, &later(120), "booking", true),
        released(4, &later(180), ReleaseReason::CourtOrder, None),
    ];
    let want = fold(events.clone()).unwrap();
    let mut reversed = events.clone();
    reversed.reverse();
    assert_eq!(fold(reversed).unwrap(), want);
    assert_eq!(
        column(want.state.as_ref().unwrap(), "zone_id").as_deref(),
        Some("booking")
    );

    // Two moves at the same instant: recorded_at decides, then desk_id, then seq.
    let mut a = moved(2, &later(60), "court-annex", false);
    let mut b = moved(3, &later(60), "booking", true);
    a.recorded_at = t(&later(90));
    b.recorded_at = t(&later(80));
    let s = fold(vec![opened(), a.clone(), b.clone()])
        .unwrap()
        .state
        .unwrap();
    assert_eq!(s.zone_id, "court-annex", "recorded later wins");
    a.recorded_at = b.recorded_at;
    a.at.desk_id = "desk-2".into();
    let s = fold(vec![opened(), b.clone(), a.clone()])
        .unwrap()
        .state
        .unwrap();
    assert_eq!(
        s.zone_id, "court-annex",
        "then desk_id: desk-2 after desk-1"
    );
    a.at.desk_id = "desk-1".into();
    let s = fold(vec![opened(), b, a]).unwrap().state.unwrap();
    assert_eq!(s.zone_id, "booking", "then seq: 3 after 2");
}

/// Desks apart may both act: the first close stands, the rest is listed.
#[test]
fn acting_on_a_closed_hold_or_a_changed_value_is_a_conflict_not_a_change() {
    let later = |s| plus(SERVED, s);
    let s = fold(vec![
        opened(),
        released(2, &later(60), ReleaseReason::CourtOrder, None),
        moved(3, &later(120), "court-annex", false),
        released(4, &later(180), ReleaseReason::Other, Some("again")),
        corrected(
            5,
            &later(240),
            "person.given_names",
            Some("somebody else"),
            Some("Huong"),
        ),
    ])
    .unwrap()
    .state
    .unwrap();
    assert_eq!(s.status, HoldStatus::Released);
    assert_eq!(
        s.zone_id, "booking",
        "a move after the close changes nothing"
    );
    assert_eq!(
        s.release_reason,
        Some(ReleaseReason::CourtOrder),
        "the first close stands"
    );
    assert_eq!(
        s.particulars.given_names, "Huong",
        "a correction still applies"
    );
    let seqs: Vec<i64> = s.conflicts.iter().map(|c| c.at.seq).collect();
    assert_eq!(seqs, vec![3, 4, 5]);
}

/// A void is no custody action: a supervisor may void a duplicate booking
/// that was already closed (it then leaves every list), and the desk that
/// records it and every other desk fold it alike. Only a second void, or any
/// action on a voided hold, is a conflict.
#[test]
fn a_closed_duplicate_can_be_voided_and_a_second_void_is_a_conflict() {
    let later = |s| plus(SERVED, s);
    let void = |seq, at: &str| {
        ev(
            seq,
            at,
            Change::Voided {
                kept_hold_id: "0193a3c2-0000-7000-8000-0000000000bb".into(),
                note: "booked at desk 1 first".into(),
            },
        )
    };
    let s = fold(vec![
        opened(),
        released(2, &later(60), ReleaseReason::CourtOrder, None),
        void(3, &later(120)),
        void(4, &later(180)),
        moved(5, &later(240), "court-annex", false),
    ])
    .unwrap()
    .state
    .unwrap();
    assert_eq!(
        s.status,
        HoldStatus::Released,
        "the close stands in the history"
    );
    let void = s.voided.expect("the void of a closed hold stands");
    assert_eq!(void.at, t(&later(120)));
    let seqs: Vec<i64> = s.conflicts.iter().map(|c| c.at.seq).collect();
    assert_eq!(seqs, vec![4, 5], "{:?}", s.conflicts);
    assert!(s
        .conflicts
        .iter()
        .all(|c| c.why == "acts on a hold a supervisor had voided as a duplicate"));
}

#[test]
fn updates_about_a_hold_not_yet_booked_are_receipts_without_effect() {
    let early = receipt(
        1,
        &plus(SERVED, -60),
        "detainer_cancelled",
        SERVED,
        json!({}),
    );
    let folded = fold(vec![early.clone()]).unwrap();
    assert_eq!(folded.state, None);
    assert_eq!(
        folded.receipts,
        vec![Receipt {
            at: early.at.clone(),
            update_id: "u1".into(),
            known_hold: false,
            usable: true
        }]
    );
    let mut o = opened();
    o.at.seq = 2;
    let folded = fold(vec![early, o]).unwrap();
    assert_eq!(folded.state.unwrap().ice_release_kind, None);
}

#[test]
fn envelopes_parse_into_events_and_unknown_types_are_refused() {
    let envelope = json!({
        "event_id": "e", "seq": 7, "desk_id": "desk-1", "facility_id": "f", "hold_id": HOLD,
        "type": "hold.moved", "occurred_at": SERVED, "recorded_at": SERVED, "recorded_by": "dep",
        "body": {"zone_id": "court-annex", "inside_perimeter": false, "moved_at": SERVED},
        "prev_hash": "0", "hash": "1",
    });
    let e = HoldEvent::from_envelope(&envelope).unwrap();
    assert_eq!(
        e.at,
        EventRef {
            desk_id: "desk-1".into(),
            seq: 7
        }
    );
    assert!(matches!(
        e.change,
        Change::Moved {
            inside_perimeter: false,
            ..
        }
    ));
    let mut unknown = envelope.clone();
    unknown["type"] = json!("hold.teleported");
    let err = HoldEvent::from_envelope(&unknown).unwrap_err();
    assert_eq!(err.at.seq, 7);
    assert!(err.why.contains("hold.teleported"), "{err}");
    let mut malformed = envelope;
    malformed["body"]["moved_at"] = json!("yesterday");
    let err = HoldEvent::from_envelope(&malformed).unwrap_err();
    assert!(err.why.contains("hold.moved body is malformed"), "{err}");
}

/// The clock of agreement.md: the anchor is the earlier of service and
/// criminal release; an agreement's limit replaces the 48 hours; a close
/// after the deadline needs a note; the first notice to ICE stands.
#[test]
fn the_agreement_rules_hold_in_the_fold() {
    let later = |s| plus(SERVED, s);
    // Released from criminal custody an hour before service: 48 h from then.
    let mut early = opened_with(SERVED, Some("2026-11-29T13:03:00Z"));
    if let Change::Opened(o) = &mut early.change {
        o.criminal_release_at = Some(t(&plus(SERVED, -3600)));
    }
    let incident = |seconds| {
        ev(
            2,
            SERVED,
            Change::Incident {
                incident_id: "i1".into(),
                kind: crate::custody::duties::IncidentKind::HeldWithoutAuthority,
                seconds,
                detail: "held 1 h without authority".into(),
            },
        )
    };
    let err = fold(vec![early.clone()]).unwrap_err();
    assert!(
        err.why.contains("held without authority"),
        "a late service with no incident: {err}"
    );
    let err = fold(vec![early.clone(), incident(60)]).unwrap_err();
    assert_eq!(
        err.at.seq, 1,
        "an incident of another length names the booking: {err}"
    );
    let s = fold(vec![early.clone(), incident(3600)])
        .unwrap()
        .state
        .unwrap();
    assert_eq!(
        column(&s, "deadline_at").as_deref(),
        Some("2026-11-29T13:03:00Z")
    );
    let mut from_service = early.clone();
    if let Change::Opened(o) = &mut from_service.change {
        o.deadline_at = Some(t("2026-11-29T14:03:00Z"));
    }
    let err = fold(vec![from_service, incident(3600)]).unwrap_err();
    assert!(
        err.why.contains("deadline_at"),
        "48 h from service, not from the release: {err}"
    );

    let agreement = |limit: Option<u32>| AgreementTerms {
        id: "usms".into(),
        hold_limit_hours: limit,
    };
    let placed = |deadline: Option<&str>| {
        ev(
            2,
            &later(600),
            Change::PlacedUnderAgreement {
                agreement: agreement(Some(72)),
                at: t(&later(600)),
                deadline_at: deadline.map(t),
            },
        )
    };
    let s = fold(vec![opened(), placed(Some("2026-11-30T14:03:00Z"))])
        .unwrap()
        .state
        .unwrap();
    assert_eq!(column(&s, "authority").as_deref(), Some("igsa"));
    assert_eq!(column(&s, "agreement_id").as_deref(), Some("usms"));
    assert_eq!(
        column(&s, "last_event_at").as_deref(),
        Some("2026-11-27T14:13:00Z")
    );
    let err = fold(vec![opened(), placed(Some("2099-01-01T00:00:00Z"))]).unwrap_err();
    assert_eq!(err.at.seq, 2, "a deadline that is not anchor + 72 h: {err}");

    let overdue = later(49 * 3600);
    let err = fold(vec![
        opened(),
        released(2, &overdue, ReleaseReason::CourtOrder, None),
    ])
    .unwrap_err();
    assert!(
        err.why.contains("after the deadline without a note"),
        "{err}"
    );
    let s = fold(vec![
        opened(),
        released(2, &overdue, ReleaseReason::CourtOrder, Some("court late")),
    ])
    .unwrap()
    .state
    .unwrap();
    assert_eq!(s.release_note.as_deref(), Some("court late"));

    let notice = |seq, at: &str, to: &str| {
        ev(
            seq,
            at,
            Change::IceNotified {
                method: "phone".into(),
                to: to.into(),
                notified_at: t(at),
            },
        )
    };
    let s = fold(vec![
        opened(),
        notice(2, &later(60), "ERO duty"),
        notice(3, &later(120), "again"),
    ])
    .unwrap()
    .state
    .unwrap();
    assert_eq!(
        column(&s, "ice_notified_to").as_deref(),
        Some("ERO duty"),
        "the first notice stands"
    );
    assert_eq!(
        column(&s, "ice_notified_at").as_deref(),
        Some("2026-11-27T14:04:00Z")
    );
    assert_eq!(
        column(&s, "last_event_at").as_deref(),
        Some("2026-11-27T14:05:00Z")
    );
}
