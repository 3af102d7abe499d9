//! `wsoctl complaint add | reported | list` through the real binary on a real
//! desk (cli.md Part 2, agreement.md s7): due times with the weekend rule in
//! the facility's zone, the list order, every refusal with its exit code and
//! field, nothing written on a refusal, and no sync event (complaints stay on
//! the desk, audited).

mod common;

use common::TestDesk;
use serde_json::Value;

fn count(desk: &TestDesk, sql: &str) -> i64 {
    desk.raw().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn add(desk: &TestDesk, extra: &[&str]) -> common::Run {
    let mut args = vec!["complaint", "add", "--json", "--as", "sup"];
    args.extend_from_slice(extra);
    desk.run(&args)
}

/// The error document `--json` prints on stdout for a refusal.
fn error_field(run: &common::Run) -> Value {
    run.json()["error"]["field"].clone()
}

#[test]
fn a_complaint_about_an_officer_received_on_friday_is_due_on_tuesday_local_time() {
    let desk = TestDesk::new();
    let events_before = count(&desk, "SELECT count(*) FROM event");
    // 2026-01-16 is a Friday; New York is on EST (-05:00).
    let c = add(
        &desk,
        &[
            "--received-at",
            "2026-01-16T16:00:00-05:00",
            "--about-officer",
            "WSO-1",
            "--summary",
            "Alleged threat during booking, reported by the person's attorney",
        ],
    )
    .ok()
    .json();
    assert_eq!(c["received_at"], "2026-01-16T21:00:00Z");
    assert_eq!(c["due_at"], "2026-01-20T21:00:00Z", "weekend not counted");
    assert_eq!(c["due_local"], "2026-01-20T16:00:00-05:00");
    assert_eq!(c["about_officer"], "WSO-1");
    assert_eq!(c["about_staff"], Value::Null);
    assert_eq!(c["reported_at"], Value::Null);
    assert_eq!(c["reported_late"], Value::Null);
    assert_eq!(c["overdue"], true, "long past due at the real clock");

    // Received Saturday 10:00 about non-designated staff: 48 hours flat.
    let staff = add(
        &desk,
        &[
            "--received-at",
            "2026-01-17T10:00:00-05:00",
            "--about-staff",
            "Cpl. Trần Văn Bảo",
            "--summary",
            "Took part in an interview without being designated",
        ],
    )
    .ok()
    .json();
    assert_eq!(staff["due_local"], "2026-01-19T10:00:00-05:00");
    assert_eq!(
        staff["about_staff"], "Cpl. Trần Văn Bảo",
        "names exactly as typed"
    );

    // Audited, never synced: the complaint register is the desk's own.
    assert_eq!(count(&desk, "SELECT count(*) FROM event"), events_before);
    assert_eq!(
        count(
            &desk,
            "SELECT count(*) FROM audit WHERE action = 'complaint.add'"
        ),
        2
    );
}

#[test]
fn the_list_puts_open_complaints_first_soonest_due_then_with_all_the_reported_ones() {
    let desk = TestDesk::new();
    let add_at = |received: &str| {
        add(
            &desk,
            &[
                "--received-at",
                received,
                "--about-officer",
                "WSO-1",
                "--summary",
                "summary",
            ],
        )
        .ok()
        .json()["complaint_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Monday, Wednesday and Tuesday of one week: due Wednesday, Friday, Thursday.
    let mon = add_at("2026-02-02T09:00:00-05:00");
    let wed = add_at("2026-02-04T09:00:00-05:00");
    let tue = add_at("2026-02-03T09:00:00-05:00");
    // Monday's is reported on time (Tuesday), Tuesday's late (the next Monday).
    desk.run(&[
        "complaint",
        "reported",
        &mon,
        "--to",
        "SDDO Patel",
        "--at",
        "2026-02-03T09:00:00-05:00",
        "--as",
        "sup",
    ])
    .ok();
    let late = desk
        .run(&[
            "complaint",
            "reported",
            &tue,
            "--to",
            "AFOD Ruiz",
            "--at",
            "2026-02-09T09:00:00-05:00",
            "--as",
            "sup",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(late["reported_late"], true);
    assert_eq!(late["reported_to"], "AFOD Ruiz");
    assert_eq!(late["reported_at"], "2026-02-09T14:00:00Z");

    let open = desk
        .run(&["complaint", "list", "--json", "--as", "sup"])
        .ok()
        .json();
    let ids: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["complaint_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [wed.as_str()], "only the one not reported");

    let all = desk
        .run(&["complaint", "list", "--all", "--json", "--as", "sup"])
        .ok()
        .json();
    let all = all.as_array().unwrap();
    let ids: Vec<&str> = all
        .iter()
        .map(|c| c["complaint_id"].as_str().unwrap())
        .collect();
    // Open first; then reported ones, most recently received first.
    assert_eq!(ids, [wed.as_str(), tue.as_str(), mon.as_str()]);
    for key in [
        "complaint_id",
        "received_at",
        "about_officer",
        "about_staff",
        "summary",
        "hold_id",
        "due_at",
        "due_local",
        "reported_at",
        "reported_to",
        "reported_late",
    ] {
        assert!(all[0].get(key).is_some(), "cli.md names {key}");
    }
    assert_eq!(all[2]["reported_late"], false);
}

#[test]
fn bad_complaints_are_refused_naming_the_field_and_write_nothing() {
    let desk = TestDesk::new();
    let hold = desk.open("2026-03-02T15:00:00Z", "B-1");
    let before = (
        count(&desk, "SELECT count(*) FROM complaint"),
        count(&desk, "SELECT count(*) FROM audit"),
    );
    let future = common::now_plus(600);
    let long = "x".repeat(2001);
    // (why, options, exit code, field in the JSON error or null)
    let cases: Vec<(&str, Vec<&str>, i32, Value)> = vec![
        (
            "received in the future beyond the 120 s slack",
            vec![
                "--received-at",
                &future,
                "--about-officer",
                "WSO-1",
                "--summary",
                "s",
            ],
            3,
            "received_at".into(),
        ),
        (
            "not an RFC 3339 time",
            vec![
                "--received-at",
                "last Tuesday",
                "--about-officer",
                "WSO-1",
                "--summary",
                "s",
            ],
            3,
            "received_at".into(),
        ),
        (
            "an officer not on the roster",
            vec![
                "--received-at",
                "2026-03-02T15:00:00Z",
                "--about-officer",
                "WSO-404",
                "--summary",
                "s",
            ],
            4,
            Value::Null,
        ),
        (
            "an empty summary",
            vec![
                "--received-at",
                "2026-03-02T15:00:00Z",
                "--about-officer",
                "WSO-1",
                "--summary",
                "  ",
            ],
            3,
            "summary".into(),
        ),
        (
            "a summary over 2000 characters",
            vec![
                "--received-at",
                "2026-03-02T15:00:00Z",
                "--about-officer",
                "WSO-1",
                "--summary",
                &long,
            ],
            3,
            "summary".into(),
        ),
        (
            "a hold that does not exist",
            vec![
                "--received-at",
                "2026-03-02T15:00:00Z",
                "--about-officer",
                "WSO-1",
                "--summary",
                "s",
                "--hold",
                "no-such-hold",
            ],
            4,
            Value::Null,
        ),
    ];
    for (why, opts, code, field) in cases {
        let run = add(&desk, &opts);
        assert_eq!(run.code, code, "{why}: {}", run.stderr);
        assert_eq!(error_field(&run), field, "{why}");
    }
    // Both or neither of --about-officer / --about-staff: a usage error (exit 2).
    for opts in [
        vec!["--received-at", "2026-03-02T15:00:00Z", "--summary", "s"],
        vec![
            "--received-at",
            "2026-03-02T15:00:00Z",
            "--summary",
            "s",
            "--about-officer",
            "WSO-1",
            "--about-staff",
            "Cpl. Amos",
        ],
    ] {
        let run = add(&desk, &opts);
        assert_eq!(run.code, 2, "{opts:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("--about-officer"),
            "names the options: {}",
            run.stderr
        );
    }
    // A deputy may not record complaints (exit 3, forbidden).
    let run = desk.run(&[
        "complaint",
        "add",
        "--json",
        "--as",
        "dep",
        "--received-at",
        "2026-03-02T15:00:00Z",
        "--about-officer",
        "WSO-1",
        "--summary",
        "s",
    ]);
    assert_eq!(run.code, 3);
    assert_eq!(run.json()["error"]["code"], "forbidden");
    let run = desk.run(&["complaint", "list", "--json", "--as", "dep"]);
    assert_eq!(
        (run.code, run.json()["error"]["code"].clone()),
        (3, "forbidden".into())
    );
    assert_eq!(
        (
            count(&desk, "SELECT count(*) FROM complaint"),
            count(&desk, "SELECT count(*) FROM audit"),
        ),
        before,
        "a refusal writes nothing"
    );

    // With the hold it concerns: accepted.
    let hold_id = hold["hold_id"].as_str().unwrap();
    let c = add(
        &desk,
        &[
            "--received-at",
            "2026-03-02T16:00:00Z",
            "--about-officer",
            "WSO-1",
            "--summary",
            "s",
            "--hold",
            hold_id,
        ],
    )
    .ok()
    .json();
    assert_eq!(c["hold_id"], hold_id);
    let id = c["complaint_id"].as_str().unwrap();

    // Marking it reported: before it was received, in the future, unknown, twice.
    let reported = |at: &str, cid: &str| {
        desk.run(&[
            "complaint",
            "reported",
            cid,
            "--to",
            "SDDO Patel",
            "--at",
            at,
            "--as",
            "sup",
            "--json",
        ])
    };
    let run = reported("2026-03-02T15:59:59Z", id);
    assert_eq!(
        (run.code, error_field(&run)),
        (3, "at".into()),
        "before it was received"
    );
    let run = reported(&future, id);
    assert_eq!(
        (run.code, error_field(&run)),
        (3, "at".into()),
        "in the future"
    );
    let run = reported("2026-03-02T17:00:00Z", "no-such-complaint");
    assert_eq!(run.code, 4);
    let run = desk.run(&[
        "complaint",
        "reported",
        id,
        "--to",
        "",
        "--at",
        "2026-03-02T17:00:00Z",
        "--as",
        "sup",
        "--json",
    ]);
    assert_eq!((run.code, error_field(&run)), (3, "to".into()));
    reported("2026-03-02T17:00:00Z", id).ok();
    let run = reported("2026-03-02T18:00:00Z", id);
    assert_eq!(
        (run.code, error_field(&run)),
        (3, "complaint_id".into()),
        "already reported"
    );
    let stored: String = desk
        .raw()
        .query_row(
            "SELECT reported_at FROM complaint WHERE complaint_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        stored, "2026-03-02T17:00:00Z",
        "the second report changed nothing"
    );
}

#[test]
fn the_handoff_sheet_lists_an_overdue_complaint() {
    let desk = TestDesk::new();
    add(
        &desk,
        &[
            "--received-at",
            "2026-01-16T16:00:00-05:00",
            "--about-officer",
            "WSO-1",
            "--summary",
            "s",
        ],
    )
    .ok();
    let pdf = desk.dir.path().join("sheet.pdf");
    desk.run(&["handoff", "--out", pdf.to_str().unwrap(), "--as", "sup"])
        .ok();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Complaints to report to ICE (1, 1 overdue)"),
        "{text}"
    );
    assert!(text.contains("officer WSO-1"), "{text}");
    assert!(text.contains("OVERDUE by"), "{text}");
    assert!(text.contains("2026-01-20"), "the due date, local: {text}");
}
