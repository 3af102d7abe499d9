//! `wsoctl handoff` end to end: a real desk made with the built binary, holds
//! booked, moved, released and transferred through it, the sheet printed to a
//! PDF, and the PDF read back with poppler's `pdftotext -layout`, which is
//! what a person (or a screen reader) gets from the file. Needs poppler-utils.

mod handoff_support;

use chrono::{Duration, Utc};
use wso_core::handoff::{clock_text, local_short};

use handoff_support::{keep_png, pdftotext, position, Desk};

#[test]
fn handoff_sheet_lists_open_holds_in_deadline_order_with_closed_ones_sync_and_names_in_any_script()
{
    let desk = Desk::new();
    let base = wso_core::time::truncate(Utc::now());
    let ago = |minutes: i64| base - Duration::minutes(minutes);
    // (family, given, booking, minutes since service). Distinct minutes make
    // each deadline's clock time unique on the sheet.
    let holds = [
        ("Ólafsdóttir", "Guðrún", "B-4", 20 * 60 + 7),
        ("王", "小明", "B-3", 40 * 60 + 13),
        ("Haddad", "محمد علاء", "B-2", 30 * 60 + 11),
        ("Nguyễn", "Thị Hương", "B-1", 47 * 60 + 5),
        ("Overdue", "Past Deadline", "B-0", 49 * 60 + 3),
    ];
    for (family, given, booking, minutes) in holds {
        desk.book(family, given, booking, ago(minutes));
    }
    let moved = desk.book("Moved", "Outside", "B-5", ago(10 * 60 + 17));
    let released = desk.book("Released", "Early", "B-6", ago(30 * 60));
    let transferred = desk.book("Transferred", "Early", "B-7", ago(31 * 60));
    let at = wso_core::time::utc_text(base - Duration::minutes(2));
    desk.ok(&[
        "hold",
        "move",
        &moved,
        "--zone",
        "court-annex",
        "--at",
        &at,
        "--as",
        "dep.jones",
    ]);
    desk.ok(&[
        "hold",
        "release",
        &released,
        "--at",
        &at,
        "--reason",
        "court_order",
        "--as",
        "dep.jones",
    ]);
    desk.ok(&[
        "hold",
        "transfer",
        &transferred,
        "--at",
        &at,
        "--ice-officer",
        "SDDO Patel",
        "--destination",
        "Krome SPC",
        "--as",
        "dep.jones",
    ]);

    // Evaluated ten minutes ahead, as a supervisor planning the handoff would.
    let now = base + Duration::minutes(10);
    let pdf = desk.path("sheet.pdf");
    let text = desk.sheet_text(&pdf, now, "a4");
    keep_png(&pdf, "handoff-sheet");

    // Release required first, then soonest deadline (the moved hold has the most time).
    let order = ["Overdue", "Nguyễn", "王", "Haddad", "Ólafsdóttir", "Moved"];
    let at_of: Vec<usize> = order.iter().map(|n| position(&text, n)).collect();
    assert!(
        at_of.windows(2).all(|w| w[0] < w[1]),
        "open holds out of order: {order:?} at {at_of:?}\n{text}"
    );

    let tz = chrono_tz::America::New_York;
    for (family, _, _, minutes) in holds.iter().chain([&("Moved", "", "", 10 * 60 + 17)]) {
        let deadline = ago(*minutes) + Duration::hours(48);
        // The deadline's local clock time with its offset, and the time left at --now.
        let local = local_short(deadline, tz);
        let (_, clock) = local.split_once(' ').unwrap();
        position(&text, clock);
        position(&text, &clock_text((deadline - now).num_seconds()));
        assert!(text.contains(family));
    }
    for word in [
        "RELEASE REQUIRED",
        "URGENT",
        "NOTICE",
        // Urgency words are core's labels, the same as the board's.
        "On time",
        "DUE NEXT SHIFT",
        "OUTSIDE PERIMETER",
        "Courthouse annex",
        "Booking",
    ] {
        position(&text, word);
    }
    // Names exactly as recorded, in four scripts. (علاء is drawn with the
    // lam-alef ligature; its text must still come back letter by letter.)
    for name in [
        "Nguyễn",
        "Thị Hương",
        "محمد علاء",
        "王",
        "小明",
        "Ólafsdóttir",
        "Guðrún",
    ] {
        position(&text, name);
    }
    // Closed during the ending shift, with outcome; neither is listed as open.
    let closed = position(&text, "Closed during the ending shift (2)");
    assert!(position(&text, "Released: court order") > closed);
    assert!(position(&text, "Transferred to ICE (SDDO Patel)") > closed);
    // 8 holds opened + 1 move + 1 release + 1 transfer, none delivered to ICE yet.
    position(
        &text,
        "Sync with ICE: 11 events not yet delivered; this desk has never synced successfully",
    );
    position(&text, "Page 1 of 1");
    position(&text, "Outgoing supervisor");
    position(&text, "Incoming supervisor");
    position(&text, "Sgt. Ana Rivera (sgt.rivera)");
    position(&text, "Last handoff acknowledged: none recorded");

    // The incoming supervisor acknowledges; the next sheet shows it.
    desk.ok(&[
        "handoff",
        "acknowledge",
        "--outgoing",
        "sgt.rivera",
        "--as",
        "sgt.chen",
    ]);
    let text = desk.sheet_text(&desk.path("next.pdf"), now, "letter");
    position(&text, "Last handoff acknowledged: Sgt. Bo Chen (sgt.chen) took over from Sgt. Ana Rivera (sgt.rivera)");
    desk.ok(&["audit", "verify"]);
}

#[test]
fn handoff_refuses_deputies_and_writes_no_file() {
    let desk = Desk::new();
    let pdf = desk.path("refused.pdf");
    let out = desk.run(
        &[
            "handoff",
            "--out",
            pdf.to_str().unwrap(),
            "--as",
            "dep.jones",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!pdf.exists());
    // `--out` is required unless acknowledging: a usage error.
    assert_eq!(
        desk.run(&["handoff", "--as", "sgt.rivera"], None)
            .status
            .code(),
        Some(2)
    );
    // Nor may a deputy acknowledge a handoff.
    let out = desk.run(
        &[
            "handoff",
            "acknowledge",
            "--outgoing",
            "sgt.rivera",
            "--as",
            "dep.jones",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn handoff_of_200_holds_numbers_its_pages_and_repeats_the_table_header() {
    let desk = Desk::new();
    let base = wso_core::time::truncate(Utc::now());
    for i in 0..200 {
        desk.book(
            "Family",
            &format!("Person {i:03}"),
            &format!("BK-{i:03}"),
            base - Duration::minutes(5 + i * 13),
        );
    }
    let pdf = desk.path("big.pdf");
    let text = desk.sheet_text(&pdf, base, "letter");
    // pdftotext ends each page with a form feed.
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let n = pages.len();
    assert!(n >= 4, "200 holds on {n} pages");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {n}", i + 1)),
            "page {} has no page number",
            i + 1
        );
        // Every page that carries hold rows carries the column header too.
        if page.contains("BK-") {
            assert!(
                page.contains("Deadline (local)") && page.contains("Remaining"),
                "page {} has rows but no header",
                i + 1
            );
        }
    }
    // Row numbers stay whole (a "#" column too narrow would wrap "200" onto two lines).
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("200 ")),
        "row 200 is not numbered whole"
    );
    // Every hold is there once, in deadline order (the oldest service first).
    let at_of: Vec<usize> = (0..200)
        .rev()
        .map(|i| position(&text, &format!("BK-{i:03}")))
        .collect();
    assert!(at_of.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn handoff_without_a_cjk_font_still_prints_and_says_how_to_fix_it() {
    let desk = Desk::new();
    desk.book("王", "小明", "B-1", Utc::now() - Duration::hours(1));
    let pdf = desk.path("no-cjk.pdf");
    let args = [
        "handoff",
        "--out",
        pdf.to_str().unwrap(),
        "--as",
        "sgt.rivera",
    ];
    // A handoff must not be blocked by a missing font; the gap is named instead.
    let out = desk.run_env(&args, None, &[("WSO_CJK_FONT", "/nonexistent/font.ttc")]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fonts-noto-cjk"), "{stderr}");
    // What did not print extracts as U+FFFD, never as some other name's character.
    assert!(pdftotext(&pdf).contains('\u{FFFD}'));
}
