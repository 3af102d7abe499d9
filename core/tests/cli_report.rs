//! `wsoctl report` through the real binary: holds booked, corrected, moved,
//! transferred and released with `wsoctl`, complaints recorded, then the
//! report as JSON (every key of cli.md), as a PDF read back with `pdftotext`
//! (figures, names in Vietnamese and Chinese, "Page X of N") and as a CSV
//! parsed back, from which two figures are recomputed and compared with the
//! JSON. Needs poppler-utils and a CJK font (fonts-noto-cjk).

mod common;

use std::collections::BTreeMap;

use common::TestDesk;
use serde_json::Value;

const FIGURE_KEYS: &[&str] = &[
    "services",
    "transfers",
    "transfers_within_limit",
    "releases_by_reason",
    "over_detentions",
    "over_detention_seconds_total",
    "over_detention_seconds_max",
    "gaps_before_service",
    "notices_late",
    "claims",
    "claims_reported_late",
    "complaints",
    "complaints_reported_late",
];

fn book(desk: &TestDesk, family: &str, given: &str, served: &str, booking: &str) -> String {
    let args = TestDesk::open_args_with(
        served,
        booking,
        &["--family-name", family, "--given-names", given],
    );
    let hold = desk
        .run(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .ok()
        .json();
    hold["hold_id"].as_str().unwrap().to_owned()
}

/// October and November 2026 in New York (the clocks go back on 1 November).
fn desk_with_two_months() -> TestDesk {
    let desk = TestDesk::new();
    let h1 = book(&desk, "Nguyễn", "Thị Hương", "2026-10-20T14:00:00Z", "B-1");
    desk.run(&[
        "hold",
        "transfer",
        &h1,
        "--at",
        "2026-10-21T14:00:00Z",
        "--ice-officer",
        "Officer K",
        "--as",
        "dep",
    ])
    .ok();
    // Deadline 2026-11-01T14:00Z; released two and a half hours after it.
    let h2 = book(&desk, "王", "小明", "2026-10-30T14:00:00Z", "B-2");
    desk.run(&[
        "hold",
        "move",
        &h2,
        "--zone",
        "medical",
        "--at",
        "2026-10-31T10:00:00Z",
        "--as",
        "dep",
    ])
    .ok();
    desk.run(&[
        "hold",
        "release",
        &h2,
        "--at",
        "2026-11-01T16:30:00Z",
        "--reason",
        "deadline_reached",
        "--note",
        "ICE did not come",
        "--as",
        "dep",
    ])
    .ok();
    let h3 = book(&desk, "Smith", "Ann", "2026-11-10T15:00:00Z", "B-3");
    desk.run(&[
        "hold",
        "correct",
        &h3,
        "--field",
        "person.family_name",
        "--value",
        "Smith-Jones, \"Jr.\"",
        "--reason",
        "booking record",
        "--as",
        "sup",
    ])
    .ok();
    desk.run(&[
        "hold",
        "release",
        &h3,
        "--at",
        "2026-11-11T15:00:00Z",
        "--reason",
        "court_order",
        "--as",
        "dep",
    ])
    .ok();
    // Deadline 2026-11-27T12:00Z and never closed.
    book(&desk, "Open", "Still", "2026-11-25T12:00:00Z", "B-4");
    // Before the period: in no figure and no row.
    let h5 = book(&desk, "September", "Old", "2026-09-15T14:00:00Z", "B-5");
    desk.run(&[
        "hold",
        "transfer",
        &h5,
        "--at",
        "2026-09-16T14:00:00Z",
        "--ice-officer",
        "Officer K",
        "--as",
        "dep",
    ])
    .ok();
    // Friday 16:00 about an officer: due Tuesday 16:00, reported Wednesday (late).
    let c = desk
        .run(&[
            "complaint",
            "add",
            "--json",
            "--received-at",
            "2026-11-06T16:00:00-05:00",
            "--about-officer",
            "WSO-1",
            "--summary",
            "s",
            "--as",
            "sup",
        ])
        .ok()
        .json();
    desk.run(&[
        "complaint",
        "reported",
        c["complaint_id"].as_str().unwrap(),
        "--to",
        "SDDO Patel",
        "--at",
        "2026-11-11T10:00:00-05:00",
        "--as",
        "sup",
    ])
    .ok();
    // About staff, reported in time.
    let c = desk
        .run(&[
            "complaint",
            "add",
            "--json",
            "--received-at",
            "2026-11-20T09:00:00-05:00",
            "--about-staff",
            "Cpl. Amos",
            "--summary",
            "s",
            "--as",
            "sup",
        ])
        .ok()
        .json();
    desk.run(&[
        "complaint",
        "reported",
        c["complaint_id"].as_str().unwrap(),
        "--to",
        "SDDO Patel",
        "--at",
        "2026-11-20T12:00:00-05:00",
        "--as",
        "sup",
    ])
    .ok();
    desk
}

/// RFC 4180: fields split on commas outside quotes, `""` inside quotes is a quote.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

fn pdftotext(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_report_counts_from_events_and_its_pdf_and_csv_agree_with_the_json() {
    let desk = desk_with_two_months();
    let (pdf, csv) = (
        desk.dir.path().join("report.pdf"),
        desk.dir.path().join("report.csv"),
    );
    let exports_before: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'report.export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let r = desk
        .run(&[
            "report",
            "--from",
            "2026-10-01",
            "--to",
            "2026-11-30",
            "--now",
            "2026-11-30T12:00:00Z",
            "--out",
            pdf.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--json",
            "--as",
            "sup",
        ])
        .ok()
        .json();

    // Every key cli.md names, in the totals and in each month.
    let months = r["months"].as_object().unwrap();
    assert_eq!(months.keys().collect::<Vec<_>>(), ["2026-10", "2026-11"]);
    for figures in std::iter::once(&r["totals"]).chain(months.values()) {
        for key in FIGURE_KEYS {
            assert!(figures.get(*key).is_some(), "missing {key}");
        }
    }
    let (t, oct, nov) = (&r["totals"], &months["2026-10"], &months["2026-11"]);
    assert_eq!(
        (oct["services"].as_u64(), nov["services"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(t["services"], 4, "the September hold is outside the period");
    assert_eq!(t["services_by_officer"]["WSO-1"], 4);
    assert_eq!(
        (
            t["transfers"].as_u64(),
            t["transfers_within_limit"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(oct["transfers"], 1);
    let reasons: BTreeMap<String, u64> =
        serde_json::from_value(t["releases_by_reason"].clone()).unwrap();
    assert_eq!(
        reasons,
        BTreeMap::from([("court_order".into(), 1), ("deadline_reached".into(), 1)])
    );
    // 王: 2.5 h past the deadline, counted in November (released 1 November).
    // Open: deadline 2026-11-27T12:00Z, still held at --now: 72 h.
    assert_eq!(nov["over_detentions"], 2);
    assert_eq!(oct["over_detentions"], 0);
    assert_eq!(t["over_detention_seconds_total"], 9_000 + 259_200);
    assert_eq!(t["over_detention_seconds_max"], 259_200);
    assert_eq!(r["over_detention_holds"][1]["family_name"], "王");
    assert_eq!(r["over_detention_holds"][0]["still_held"], true);
    assert_eq!(
        (
            t["complaints"].as_u64(),
            t["complaints_reported_late"].as_u64()
        ),
        (Some(2), Some(1))
    );
    // No v1.1 events on this desk yet: every hold reads as served at its release.
    assert_eq!(
        (
            t["gaps_before_service"].as_u64(),
            t["notices_late"].as_u64(),
            t["claims"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(r["holds"][0]["criminal_release_recorded"], false);

    // The PDF: figures, names in any script, page numbers.
    let text = pdftotext(&pdf);
    assert!(text.contains("Oversight report"), "{text}");
    for name in ["Nguyễn", "Thị Hương", "王", "小明", "Smith-Jones, \"Jr.\""] {
        assert!(text.contains(name), "{name} not in the PDF:\n{text}");
    }
    let over_line = text
        .lines()
        .find(|l| l.contains("Over-detentions (held past the deadline)"))
        .unwrap_or_else(|| panic!("no over-detention figure:\n{text}"));
    assert_eq!(
        over_line
            .split_whitespace()
            .rev()
            .take(3)
            .collect::<Vec<_>>(),
        ["2", "0", "2"],
        "total, Oct, Nov: {over_line}"
    );
    assert!(
        text.contains("74:30:00"),
        "the total time over, h:mm:ss: {text}"
    );
    let pages = text.matches("Page ").count();
    assert!(pages >= 1);
    for p in 1..=pages {
        assert!(
            text.contains(&format!("Page {p} of {pages}")),
            "page {p} of {pages}:\n{text}"
        );
    }
    assert_eq!(mode(&pdf), 0o600);
    if let Ok(dir) = std::env::var("WSO_KEEP_REPORT") {
        std::fs::copy(&pdf, format!("{dir}/report.pdf")).unwrap();
    }

    // The CSV: parsed back, two figures recomputed from its rows.
    let rows = parse_csv(&std::fs::read_to_string(&csv).unwrap());
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let body = &rows[1..];
    assert_eq!(body.len(), 4, "one row per hold held in the period");
    assert!(body.iter().all(|r| r.len() == header.len()));
    let in_period =
        |local: &str| local.len() >= 10 && ("2026-10-01"..="2026-11-30").contains(&&local[..10]);
    let services = body
        .iter()
        .filter(|r| in_period(&r[col("served_local")]))
        .count();
    assert_eq!(services as u64, t["services"].as_u64().unwrap());
    let over_total: i64 = body
        .iter()
        .filter(|r| in_period(&r[col("over_counted_local")]))
        .map(|r| r[col("over_seconds")].parse::<i64>().unwrap())
        .sum();
    assert_eq!(
        over_total,
        t["over_detention_seconds_total"].as_i64().unwrap()
    );
    let names: Vec<&str> = body
        .iter()
        .map(|r| r[col("family_name")].as_str())
        .collect();
    assert!(
        names.contains(&"Smith-Jones, \"Jr.\""),
        "the corrected name, exactly: {names:?}"
    );
    assert!(names.contains(&"Nguyễn"));
    assert_eq!(mode(&csv), 0o600);

    let exports: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'report.export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        exports - exports_before,
        3,
        "each export audited: PDF, CSV and the JSON"
    );
}

#[test]
fn a_period_ending_before_it_starts_or_a_deputy_is_refused_and_nothing_is_written() {
    let desk = desk_with_two_months();
    let pdf = desk.dir.path().join("refused.pdf");
    let audit = || -> i64 {
        desk.raw()
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    };
    let before = audit();
    let run = desk.run(&[
        "report",
        "--from",
        "2026-11-30",
        "--to",
        "2026-11-01",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
        "--as",
        "sup",
    ]);
    assert_eq!(run.code, 3);
    assert_eq!(run.json()["error"]["field"], "to");
    let run = desk.run(&[
        "report",
        "--from",
        "1 Nov",
        "--to",
        "2026-11-30",
        "--json",
        "--as",
        "sup",
    ]);
    assert_eq!(
        (run.code, run.json()["error"]["field"].clone()),
        (3, Value::from("from"))
    );
    let run = desk.run(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
        "--as",
        "dep",
    ]);
    assert_eq!(
        (run.code, run.json()["error"]["code"].clone()),
        (3, Value::from("forbidden"))
    );
    assert!(!pdf.exists(), "no file for a refused report");
    assert_eq!(audit(), before, "nothing audited for a refused report");
}
