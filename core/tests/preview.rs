//! The booking form's confirmation (`Desk::preview_hold`, what the window
//! calls): anchor, deadline, gap and the incident saving will record, with
//! nothing written; refusals at the same fields as saving.

use wso_core::custody::{IncidentKind, NewHold};
use wso_core::Desk;

fn now() -> chrono::DateTime<chrono::Utc> {
    wso_core::time::parse_instant("now", "2026-11-20T21:00:00Z").unwrap()
}

fn desk(dir: &std::path::Path) -> Desk {
    let db = dir.join("desk.db");
    let (mut desk, _) = Desk::init(
        &db,
        None,
        wso_core::demo::FACILITY_TOML,
        "desk-1",
        "admin",
        "admin-pass-2026",
        now(),
    )
    .unwrap();
    let admin = desk.actor("admin").unwrap();
    desk.add_officer(
        &admin,
        "WSO-1",
        "Officer One",
        "2020-01-01",
        "2035-12-31",
        "2020-02-01",
        now(),
    )
    .unwrap();
    desk
}

fn late_booking() -> NewHold {
    NewHold {
        family_name: "Haddad".into(),
        given_names: "Omar".into(),
        date_of_birth: "1988-02-02".into(),
        booking_number: "B-P".into(),
        warrant_form: "I-200".into(),
        warrant_number: "W-P".into(),
        officer_credential: "WSO-1".into(),
        served_at: "2026-11-20T15:00:00-05:00".into(),
        zone_id: "booking".into(),
        criminal_release_at: "2026-11-20T09:00:00-05:00".into(),
        criminal_release_basis: "sentence_complete".into(),
        ice_supervisor: "SDDO K. Patel".into(),
        ..NewHold::default()
    }
}

fn counts(desk: &Desk) -> (i64, i64, i64) {
    let c = |t: &str| {
        desk.conn()
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (c("hold"), c("event"), c("incident"))
}

#[test]
fn preview_of_a_late_service_shows_the_anchor_gap_and_incident_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    let admin = desk.actor("admin").unwrap();
    let before = counts(&desk);
    let p = desk.preview_hold(&admin, &late_booking(), now()).unwrap();
    assert_eq!(p.anchor_at, "2026-11-20T14:00:00Z");
    assert_eq!(p.anchor_local, "2026-11-20T09:00:00-05:00");
    assert_eq!(p.deadline_at.as_deref(), Some("2026-11-22T14:00:00Z"));
    assert_eq!(p.gap_seconds, Some(21_600));
    assert_eq!(p.incident, Some(IncidentKind::HeldWithoutAuthority));
    assert!(p.incident_detail.unwrap().contains("6:00"));
    assert_eq!(p.hold_limit_hours, Some(48));
    assert_eq!(p.agreement_id, None);
    assert_eq!(p.notice_due_at, "2026-11-20T20:15:00Z");
    assert_eq!(counts(&desk), before, "a preview writes nothing");
    let under = NewHold {
        agreement_id: Some("usms-72".into()),
        ..late_booking()
    };
    let p = desk.preview_hold(&admin, &under, now()).unwrap();
    assert_eq!(p.hold_limit_hours, Some(72));
    assert_eq!(p.deadline_at.as_deref(), Some("2026-11-23T14:00:00Z"));
}

#[test]
fn preview_refuses_at_the_same_fields_as_saving() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    let admin = desk.actor("admin").unwrap();
    let early = NewHold {
        served_at: "2026-11-20T08:50:00-05:00".into(),
        ..late_booking()
    };
    let e = desk.preview_hold(&admin, &early, now()).unwrap_err();
    assert_eq!(e.field(), Some("served_at"));
    let unnamed = NewHold {
        ice_supervisor: String::new(),
        ..late_booking()
    };
    let e = desk.preview_hold(&admin, &unnamed, now()).unwrap_err();
    assert_eq!(e.field(), Some("ice_supervisor"));
    let missing = NewHold {
        criminal_release_at: String::new(),
        ..late_booking()
    };
    let e = desk.preview_hold(&admin, &missing, now()).unwrap_err();
    assert_eq!(e.field(), Some("criminal_release_at"));
    let on_time = NewHold {
        served_at: "2026-11-20T09:04:00-05:00".into(),
        ..late_booking()
    };
    let p = desk.preview_hold(&admin, &on_time, now()).unwrap();
    assert_eq!((p.gap_seconds, p.incident), (None, None));
    assert_eq!(
        p.anchor_at, "2026-11-20T14:00:00Z",
        "the earlier of the two"
    );
}
