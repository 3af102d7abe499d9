//! The handoff sheet and the oversight report cover the whole facility
//! (issue 13): printed at desk A, the sheet lists the holds desk B booked,
//! says which desk booked them, how fresh A's view of the facility is (and
//! that a desk not heard from for over 15 minutes is behind), and each
//! conflict and possible duplicate in core's words. The report folds every
//! desk's events, so it gives the same figures at either desk. The sheet is
//! read back from the PDF with poppler's `pdftotext -layout`.

use chrono::{Duration, Utc};
use serde_json::Value;
use wso_core::desk::{booked_at_text, possible_duplicate_text, HoldConflict};
use wso_tests::facility::{
    book, minutes_ago, pdftotext, release, sync, text_at, transfer, two_desks,
};
use wso_tests::{DeskFixture, EndpointProcess, DESK_ID, SECOND_DESK_ID};

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

/// `phrase` reads on the sheet: its words in order, within a few lines'
/// worth of the sheet's words (a cell wraps, and the columns beside it
/// interleave their own words between its lines).
#[track_caller]
fn assert_reads(text: &str, phrase: &str) {
    let (sheet, phrase) = (words(text), words(phrase));
    let found = (0..sheet.len()).any(|start| {
        if sheet[start] != phrase[0] {
            return false;
        }
        let mut want = phrase.iter();
        let mut next = want.next();
        for w in sheet[start..].iter().take(phrase.len() * 30) {
            if Some(w) == next {
                next = want.next();
                if next.is_none() {
                    return true;
                }
            }
        }
        false
    });
    assert!(
        found,
        "the sheet does not read {:?}:\n{text}",
        phrase.join(" ")
    );
}

fn print_sheet(desk: &DeskFixture, now: &str) -> String {
    let pdf = desk
        .dir
        .path()
        .join(format!("sheet-{}.pdf", now.replace(':', "")));
    let out = pdf.to_string_lossy().into_owned();
    desk.wsoctl(&["handoff", "--out", &out, "--now", now, "--as", "admin"])
        .success();
    pdftotext(&pdf)
}

fn report(desk: &DeskFixture, now: &str) -> Value {
    let today = Utc::now().date_naive();
    let (from, to) = ((today - Duration::days(3)).to_string(), today.to_string());
    desk.wsoctl(&[
        "report", "--from", &from, "--to", &to, "--now", now, "--json", "--as", "admin",
    ])
    .success()
    .json()
}

/// A and B with one hold booked at each, one closed at both while apart
/// (a conflict), and one warrant booked at both (a possible duplicate).
struct Facility {
    endpoint: EndpointProcess,
    _dir: tempfile::TempDir,
    a: DeskFixture,
    b: DeskFixture,
    conflicted: String,
    duplicate: (String, String),
}

fn facility() -> Facility {
    let (endpoint, _dir, a, b) = two_desks();
    book(&a, "W-A-1", "B-A-1");
    let conflicted = book(&a, "W-A-2", "B-A-2");
    book(&b, "W-B-1", "B-B-1");
    sync(&a, &endpoint);
    sync(&b, &endpoint);
    release(&a, &conflicted, &minutes_ago(2)).success();
    transfer(&b, &conflicted, &minutes_ago(1)).success();
    let duplicate = (book(&a, "W-99", "B-A-99"), book(&b, "w-99", "B-B-99"));
    for _ in 0..2 {
        sync(&a, &endpoint);
        sync(&b, &endpoint);
    }
    Facility {
        endpoint,
        _dir,
        a,
        b,
        conflicted,
        duplicate,
    }
}

fn the_sheet_at_one_desk_lists_every_desks_holds_with_freshness_conflicts_and_duplicates() {
    let f = facility();
    let synced = sync(&f.a, &f.endpoint);
    let now = text_at(Utc::now());
    let sheet = print_sheet(&f.a, &now);

    // Freshness near the top, in core's words: before the first hold.
    let summary = synced["facility"]["summary"].as_str().unwrap();
    assert!(summary.contains("all 2 desks current"), "{summary}");
    assert_reads(&sheet, summary);
    let b_line = synced["facility"]["desks"][0]["line"].as_str().unwrap();
    assert!(b_line.starts_with(&format!("Desk {SECOND_DESK_ID}: last heard from")));
    assert_reads(&sheet, b_line);
    let top = sheet.find("Facility view:").unwrap();
    assert!(top < sheet.find("Open holds (").unwrap(), "{sheet}");

    // B's booking is on A's sheet, saying where it was booked; A's are not marked.
    assert!(sheet.contains("B-B-1"), "{sheet}");
    assert_reads(&sheet, &booked_at_text(SECOND_DESK_ID));
    // Two open holds were booked at B (one of the duplicate pair); none at A is marked.
    assert_eq!(sheet.matches("Booked at").count(), 2, "{sheet}");
    assert!(!sheet.contains(&booked_at_text(DESK_ID)));

    // The conflict (on the closed hold) and the duplicate (on both open ones).
    let show = |id: &str| {
        f.a.wsoctl(&["hold", "show", id, "--json", "--as", "admin"])
            .success()
            .json()
    };
    let conflicted = show(&f.conflicted);
    let c: HoldConflict = HoldConflict {
        desk_id: conflicted["conflicts"][0]["desk_id"]
            .as_str()
            .unwrap()
            .into(),
        kind: conflicted["conflicts"][0]["type"].as_str().unwrap().into(),
        occurred_at: conflicted["conflicts"][0]["occurred_at"]
            .as_str()
            .unwrap()
            .into(),
        detail: conflicted["conflicts"][0]["detail"]
            .as_str()
            .unwrap()
            .into(),
    };
    assert_eq!(c.desk_id, SECOND_DESK_ID);
    assert_reads(&sheet, &c.text(f.a.open().facility().timezone));
    for (other, desk) in [("B-B-99", SECOND_DESK_ID), ("B-A-99", DESK_ID)] {
        let of = [format!("booking {other} (desk {desk})")];
        assert_reads(&sheet, &possible_duplicate_text(&of).unwrap());
    }
    assert_reads(
        &sheet,
        "Between desks: holds with a conflict 1, possible duplicate bookings 2; each is shown on its row",
    );
}

fn a_desk_not_heard_from_for_over_15_minutes_is_marked_on_the_sheet() {
    let f = facility();
    sync(&f.a, &f.endpoint);
    let later = text_at(Utc::now() + Duration::minutes(16));
    let sheet = print_sheet(&f.a, &later);
    assert_reads(&sheet, "1 of 1 other desks not current");
    assert_reads(
        &sheet,
        &format!("Desk {SECOND_DESK_ID}: NOT HEARD FROM since"),
    );
    assert_reads(&sheet, "a person it booked since is not on this board");
}

fn the_oversight_report_gives_the_same_figures_at_either_desk() {
    let f = facility();
    sync(&f.a, &f.endpoint);
    sync(&f.b, &f.endpoint);
    let now = text_at(Utc::now());
    let (at_a, at_b) = (report(&f.a, &now), report(&f.b, &now));
    for key in [
        "totals",
        "months",
        "over_detention_holds",
        "holds",
        "events_read",
    ] {
        assert_eq!(at_a[key], at_b[key], "{key}");
    }
    // Every event once: A's own and B's, each desk's whole outbox.
    let events = f.a.outbox().len() + f.b.outbox().len();
    assert_eq!(at_a["events_read"], events as u64);
    // Five bookings, both of the duplicate pair (none voided yet); the
    // conflicted hold counts once, released (its first close), not also
    // transferred.
    let t = &at_a["totals"];
    assert_eq!(t["services"], 5, "{t}");
    assert_eq!(t["releases"], 1, "{t}");
    assert_eq!(t["transfers"], 0, "{t}");
    let desks: Vec<&str> = at_a["holds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["desk_id"].as_str())
        .collect();
    assert_eq!(
        desks.iter().filter(|d| **d == SECOND_DESK_ID).count(),
        2,
        "{desks:?}"
    );

    // A voided duplicate is no custody: both desks count one service fewer.
    f.b.wsoctl(&[
        "hold",
        "void",
        &f.duplicate.1,
        "--kept",
        &f.duplicate.0,
        "--note",
        "booked at desk 1",
        "--as",
        "admin",
    ])
    .success();
    sync(&f.b, &f.endpoint);
    sync(&f.a, &f.endpoint);
    let (at_a, at_b) = (report(&f.a, &now), report(&f.b, &now));
    assert_eq!(at_a["totals"], at_b["totals"]);
    assert_eq!(at_a["totals"]["services"], 4, "{}", at_a["totals"]);
    assert!(at_a["holds"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["hold_id"] != f.duplicate.1.as_str()));
}

wso_tests::on_both_stores!(
    the_sheet_at_one_desk_lists_every_desks_holds_with_freshness_conflicts_and_duplicates,
    a_desk_not_heard_from_for_over_15_minutes_is_marked_on_the_sheet,
    the_oversight_report_gives_the_same_figures_at_either_desk,
);
