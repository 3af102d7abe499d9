//! The sheet as data, against a real desk database in a temp dir, with `now`
//! fixed so every countdown and shift boundary is exact.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::auth::Role;
use crate::custody::NewHold;
use crate::time::parse_instant;

fn now() -> DateTime<Utc> {
    parse_instant("now", "2026-11-27T17:00:00Z").unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    desk: Desk,
}

fn desk() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let key = dir.path().join("desk.key");
    let start = now() - Duration::days(5);
    let (mut desk, _) = Desk::init(
        &db,
        Some(&key),
        crate::demo::FACILITY_TOML,
        "desk-1",
        "admin",
        "correct horse battery",
        start,
    )
    .unwrap();
    let admin = desk.actor("admin").unwrap();
    for (user, name, role) in [
        ("sgt.a", "Sgt. Ana Rivera", Role::Supervisor),
        ("sgt.b", "Sgt. Bo Chen", Role::Supervisor),
        ("dep.c", "Deputy Cy Jones", Role::Deputy),
    ] {
        desk.add_user(&admin, user, name, role, "correct horse battery", start)
            .unwrap();
    }
    desk.add_officer(
        &admin,
        "WSO-1",
        "Dep. Maria Lopez",
        "2026-01-01",
        "2027-12-31",
        "2026-01-01",
        start,
    )
    .unwrap();
    Fixture { _dir: dir, desk }
}

/// Book a hold served `ago` before the fixed now; returns its id.
fn book(desk: &mut Desk, family: &str, booking: &str, ago: Duration) -> String {
    let deputy = desk.actor("dep.c").unwrap();
    let input = NewHold {
        family_name: family.into(),
        given_names: "Test".into(),
        date_of_birth: "1990-04-02".into(),
        booking_number: booking.into(),
        warrant_form: "I-200".into(),
        warrant_number: format!("W-{booking}"),
        officer_credential: "WSO-1".into(),
        served_at: crate::time::utc_text(now() - ago),
        zone_id: "booking".into(),
        criminal_release_at: crate::time::utc_text(now() - ago),
        criminal_release_basis: "bond".into(),
        ice_supervisor: "SDDO K. Patel".into(),
        ..NewHold::default()
    };
    desk.open_hold(&deputy, &input, now()).unwrap().hold_id
}

#[test]
fn open_holds_come_release_first_then_soonest_deadline_with_next_shift_marked() {
    let mut f = desk();
    let h = |m: i64| Duration::minutes(m);
    // Remaining at now = 48 h - age.
    book(&mut f.desk, "Later", "B-LATER", h(20 * 60)); // 28 h left
    book(&mut f.desk, "Edge", "B-EDGE", h(36 * 60)); // exactly 12 h: last second of next shift
    book(
        &mut f.desk,
        "Past",
        "B-PAST",
        h(36 * 60) - Duration::seconds(1),
    ); // 12 h 1 s
    book(&mut f.desk, "Soon", "B-SOON", h(47 * 60 + 30)); // 30 min
    book(&mut f.desk, "Notice", "B-NOTICE", h(40 * 60)); // 8 h
    book(&mut f.desk, "Overdue", "B-OVER", h(49 * 60)); // -1 h
    let sgt = f.desk.actor("sgt.a").unwrap();
    let s = sheet(&f.desk, now(), &sgt).unwrap();

    let order: Vec<&str> = s
        .open_holds
        .iter()
        .map(|h| h.family_name.as_str())
        .collect();
    // Release required first even though it is "just another deadline": the
    // incoming supervisor must act on it before anything else.
    assert_eq!(
        order,
        ["Overdue", "Soon", "Notice", "Edge", "Past", "Later"]
    );
    let by = |name: &str| s.open_holds.iter().find(|h| h.family_name == name).unwrap();
    assert_eq!(by("Overdue").status_text, "RELEASE REQUIRED");
    assert_eq!(by("Overdue").remaining_text, "-01:00:00");
    // Already overdue is "now", not "next shift".
    assert!(!by("Overdue").due_next_shift);
    assert_eq!(by("Soon").status_text, "URGENT <1 h");
    assert_eq!(by("Soon").remaining_text, "00:30:00");
    assert!(by("Soon").due_next_shift);
    assert!(by("Notice").due_next_shift);
    // The next shift is [now, now + 12 h]: its last second is in, one more is out.
    assert!(by("Edge").due_next_shift);
    assert!(!by("Past").due_next_shift);
    assert!(!by("Later").due_next_shift);
    assert_eq!(s.summary.release_required, 1);
    assert_eq!(s.summary.due_next_shift, 3);
    assert_eq!(s.ending_shift.start_at, "2026-11-27T05:00:00Z");
    assert_eq!(s.next_shift.end_local, "2026-11-28T00:00:00-05:00");
    assert_eq!(s.printed_at_local, "2026-11-27T12:00:00-05:00");
}

#[test]
fn only_holds_closed_in_the_ending_shift_are_listed_with_their_outcome() {
    let mut f = desk();
    let recent = book(&mut f.desk, "Recent", "B-1", Duration::hours(30));
    let old = book(&mut f.desk, "Old", "B-2", Duration::hours(30));
    book(&mut f.desk, "Open", "B-3", Duration::hours(2));
    let deputy = f.desk.actor("dep.c").unwrap();
    let at = |h: i64| crate::time::utc_text(now() - Duration::hours(h));
    f.desk
        .release_hold(&deputy, &recent, &at(1), "court_order", None, now())
        .unwrap();
    // 13 h ago is before a 12-hour shift began: the previous sheet showed it.
    f.desk
        .transfer_hold(
            &deputy,
            &old,
            &at(13),
            "SDDO Patel",
            "Krome Service Processing Center",
            None,
            now(),
        )
        .unwrap();
    let s = sheet(&f.desk, now(), &f.desk.actor("sgt.a").unwrap()).unwrap();
    assert_eq!(s.open_holds.len(), 1);
    assert_eq!(s.closed_in_shift.len(), 1);
    assert_eq!(s.closed_in_shift[0].family_name, "Recent");
    assert_eq!(s.closed_in_shift[0].outcome_text, "Released: court order");
    assert_eq!(
        s.closed_in_shift[0].closed_at_local,
        "2026-11-27T11:00:00-05:00"
    );
}

#[test]
fn sync_status_counts_undelivered_events_and_shows_the_last_success() {
    let mut f = desk();
    book(&mut f.desk, "A", "B-1", Duration::hours(1));
    book(&mut f.desk, "B", "B-2", Duration::hours(1));
    let sgt = f.desk.actor("sgt.a").unwrap();
    let s = sheet(&f.desk, now(), &sgt).unwrap();
    assert_eq!(s.sync.undelivered_events, 2);
    assert_eq!(s.sync.last_success_at, None);

    f.desk
        .conn()
        .execute(
            "UPDATE event SET delivered = 1 WHERE seq = (SELECT MIN(seq) FROM event)",
            [],
        )
        .unwrap();
    f.desk
        .conn()
        .execute(
            "UPDATE sync_state SET last_success_at = '2026-11-27T16:30:00Z'",
            [],
        )
        .unwrap();
    let s = sheet(&f.desk, now(), &sgt).unwrap();
    assert_eq!(s.sync.undelivered_events, 1);
    assert_eq!(
        s.sync.last_success_local.as_deref(),
        Some("2026-11-27T11:30:00-05:00")
    );
}

#[test]
fn deputies_cannot_print_the_sheet() {
    let f = desk();
    let e = sheet(&f.desk, now(), &f.desk.actor("dep.c").unwrap()).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert_eq!(e.code(), "forbidden");
}

#[test]
fn an_acknowledgement_names_both_supervisors_and_shows_on_the_next_sheet() {
    let f = desk();
    let (a, b) = (
        f.desk.actor("sgt.a").unwrap(),
        f.desk.actor("sgt.b").unwrap(),
    );
    let first = sheet(&f.desk, now(), &a).unwrap();
    assert!(first.last_acknowledgement.is_none());
    record_print(&f.desk, &a, &first, "handoff.pdf", now()).unwrap();

    let later = now() + Duration::minutes(5);
    let ack = acknowledge_handoff(&f.desk, &b, "sgt.a", later).unwrap();
    assert_eq!(ack.incoming.full_name, "Sgt. Bo Chen");
    assert_eq!(ack.outgoing.full_name, "Sgt. Ana Rivera");
    assert_eq!(
        ack.sheet_printed_at.as_deref(),
        Some("2026-11-27T17:00:00Z")
    );

    let next = sheet(&f.desk, later, &b).unwrap();
    let shown = next.last_acknowledgement.unwrap();
    assert_eq!(shown.incoming.username, "sgt.b");
    assert_eq!(shown.outgoing.username, "sgt.a");
    assert_eq!(shown.acknowledged_at, "2026-11-27T17:05:00Z");
    // A sheet planned for before the acknowledgement does not show it.
    assert!(sheet(&f.desk, now(), &b)
        .unwrap()
        .last_acknowledgement
        .is_none());
    // Both records are in the hash-chained audit log.
    f.desk.verify(later).unwrap();
}

#[test]
fn acknowledging_needs_two_different_supervisors() {
    let f = desk();
    let (a, dep) = (
        f.desk.actor("sgt.a").unwrap(),
        f.desk.actor("dep.c").unwrap(),
    );
    assert_eq!(
        acknowledge_handoff(&f.desk, &a, "sgt.a", now())
            .unwrap_err()
            .exit_code(),
        3
    );
    assert_eq!(
        acknowledge_handoff(&f.desk, &a, "dep.c", now())
            .unwrap_err()
            .field(),
        Some("outgoing")
    );
    assert_eq!(
        acknowledge_handoff(&f.desk, &dep, "sgt.a", now())
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        acknowledge_handoff(&f.desk, &a, "nobody", now())
            .unwrap_err()
            .exit_code(),
        3
    );
}

#[test]
fn the_pdf_has_a_page_per_slice_of_holds_and_embeds_only_subsets() {
    let mut f = desk();
    for i in 0..60 {
        book(
            &mut f.desk,
            "Nguyễn",
            &format!("B-{i:03}"),
            Duration::minutes(10 + i),
        );
    }
    let s = sheet(&f.desk, now(), &f.desk.actor("sgt.a").unwrap()).unwrap();
    for paper in [pdf::Paper::A4, pdf::Paper::Letter] {
        let out = pdf::render(&s, paper).unwrap();
        assert!(out.bytes.starts_with(b"%PDF"));
        assert!(out.pages >= 2, "60 holds do not fit one page");
        assert!(!out.missing_glyphs);
        // Subset fonts: well under the 760 kB of DejaVu Sans alone.
        assert!(out.bytes.len() < 400_000, "{} bytes", out.bytes.len());
    }
}

#[test]
fn pending_ice_actions_say_what_the_desk_must_do() {
    let mut f = desk();
    let id = book(&mut f.desk, "Pickup", "B-1", Duration::hours(40));
    // What sync writes when ICE reports: custody assumed, pickup after the deadline.
    f.desk
        .conn()
        .execute(
            "UPDATE hold SET custody_assumed_by = 'SDDO Patel', pickup_at = '2026-11-28T02:00:00Z' WHERE hold_id = ?1",
            [&id],
        )
        .unwrap();
    let s = sheet(&f.desk, now(), &f.desk.actor("sgt.a").unwrap()).unwrap();
    let kinds: Vec<&str> = s.open_holds[0]
        .pending_ice_actions
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds, ["confirm_transfer", "pickup_after_deadline"]);
    // Deadline is 2026-11-28T01:00Z; a 02:00Z pickup is an hour too late, in local time.
    assert_eq!(
        s.open_holds[0].pending_ice_actions[1].text,
        "ICE pickup 2026-11-27 21:00:00 -05:00 is AFTER THE DEADLINE: release at the deadline"
    );

    f.desk
        .conn()
        .execute(
            "UPDATE hold SET ice_release_kind = 'detainer_cancelled' WHERE hold_id = ?1",
            [&id],
        )
        .unwrap();
    let s = sheet(&f.desk, now(), &f.desk.actor("sgt.a").unwrap()).unwrap();
    assert_eq!(s.open_holds[0].status_text, "RELEASE REQUIRED");
    assert_eq!(
        s.open_holds[0].pending_ice_actions[0].text,
        "ICE cancelled the detainer: release now"
    );
    pdf::render(&s, pdf::Paper::Letter).unwrap();
}

#[test]
fn igsa_holds_show_time_held_and_no_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let toml = crate::demo::FACILITY_TOML.replace("igsa = false", "igsa = true");
    let start = now() - Duration::days(5);
    let (mut desk, _) = Desk::init(
        &dir.path().join("igsa.db"),
        Some(&dir.path().join("igsa.key")),
        &toml,
        "desk-1",
        "admin",
        "correct horse battery",
        start,
    )
    .unwrap();
    let admin = desk.actor("admin").unwrap();
    desk.add_officer(
        &admin,
        "WSO-1",
        "Dep. Maria Lopez",
        "2026-01-01",
        "2027-12-31",
        "2026-01-01",
        start,
    )
    .unwrap();
    let input = NewHold {
        family_name: "Igsa".into(),
        given_names: "Held".into(),
        date_of_birth: "1990-04-02".into(),
        booking_number: "B-1".into(),
        warrant_form: "I-205".into(),
        warrant_number: "W-1".into(),
        officer_credential: "WSO-1".into(),
        served_at: crate::time::utc_text(now() - Duration::hours(60)),
        zone_id: "booking".into(),
        criminal_release_at: crate::time::utc_text(now() - Duration::hours(60)),
        criminal_release_basis: "bond".into(),
        ice_supervisor: "SDDO K. Patel".into(),
        ..NewHold::default()
    };
    desk.open_hold(&admin, &input, now()).unwrap();
    let s = sheet(&desk, now(), &admin).unwrap();
    let h = &s.open_holds[0];
    assert_eq!(
        (h.status_text.as_str(), h.remaining_text.as_str()),
        ("IGSA", "held 60:00:00")
    );
    assert!(h.deadline_at.is_none() && !h.due_next_shift && !h.release_required);
    assert_eq!(s.summary.igsa, 1);
}

#[test]
fn complaints_not_yet_reported_are_on_the_sheet_overdue_first() {
    let Fixture { _dir, mut desk } = desk();
    let sup = desk.actor("sgt.a").unwrap();
    let complaint = |received: &str, officer: Option<&str>| crate::desk::NewComplaint {
        received_at: received.into(),
        about_officer: officer.map(str::to_owned),
        about_staff: officer.is_none().then(|| "Cpl. Đặng".to_owned()),
        summary: "alleged rough handling at booking".into(),
        hold_id: None,
    };
    // Now is Friday 2026-11-27 12:00 in New York. Received Tuesday 09:00 about
    // an officer: due Thursday 09:00, so overdue by 27 hours.
    let overdue = desk
        .add_complaint(
            &sup,
            &complaint("2026-11-24T09:00:00-05:00", Some("WSO-1")),
            now(),
        )
        .unwrap();
    // Received Thursday 10:00 about staff: 48 h flat, due Saturday 10:00.
    let due = desk
        .add_complaint(&sup, &complaint("2026-11-26T10:00:00-05:00", None), now())
        .unwrap();
    // Reported: not on the sheet any more.
    let done = desk
        .add_complaint(
            &sup,
            &complaint("2026-11-26T11:00:00-05:00", Some("WSO-1")),
            now(),
        )
        .unwrap();
    desk.complaint_reported(
        &sup,
        &done.complaint_id,
        "SDDO Patel",
        "2026-11-26T12:00:00-05:00",
        now(),
    )
    .unwrap();

    let s = sheet(&desk, now(), &sup).unwrap();
    let ids: Vec<&str> = s
        .complaints_due
        .iter()
        .map(|c| c.complaint_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [overdue.complaint_id.as_str(), due.complaint_id.as_str()]
    );
    assert!(s.complaints_due[0].overdue);
    assert_eq!(s.complaints_due[0].remaining_seconds, Some(-27 * 3600));
    assert_eq!(s.complaints_due[1].remaining_seconds, Some(22 * 3600));
    assert_eq!(
        (s.summary.complaints_due, s.summary.complaints_overdue),
        (2, 1)
    );
}
