//! `wsoctl hold ...` as an IT person or a script runs it: the built binary on
//! a real encrypted database. Each refusal is checked to have written nothing.

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
    assert_eq!(list[2]["action_required"], serde_json::Value::Null);
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
    assert_eq!(list[0]["action_required"], serde_json::Value::Null);
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

/// (what, extra options replacing the defaults, expected exit code, field named in the message)
const REFUSALS: &[(&str, &[&str], i32, &str)] = &[
    (
        "zone outside the perimeter",
        &["--zone", "court-annex"],
        3,
        "outside the secure perimeter",
    ),
    (
        "coordinates outside the polygon",
        &["--lat", "27.91", "--lon", "-82.745"],
        3,
        "coordinates",
    ),
    ("only one coordinate", &["--lat", "27.8975"], 3, "lon"),
    ("unknown zone", &["--zone", "roof"], 4, "zone 'roof'"),
    (
        "unknown officer",
        &["--officer", "WSO-404"],
        4,
        "officer credential",
    ),
    (
        "served in the future",
        &["--served-at", "2099-01-01T00:00:00Z"],
        3,
        "served_at",
    ),
    (
        "served time not RFC 3339",
        &["--served-at", "yesterday"],
        3,
        "served_at",
    ),
    (
        "warrant form outside the enumeration",
        &["--warrant-form", "I-999"],
        2,
        "I-999",
    ),
    (
        "date of birth in the future",
        &["--dob", "2090-01-01"],
        3,
        "date_of_birth",
    ),
    (
        "date of birth over 120 years back",
        &["--dob", "1890-01-01"],
        3,
        "date_of_birth",
    ),
    (
        "empty family name",
        &["--family-name", " "],
        3,
        "family_name",
    ),
    (
        "booking number too long",
        &[
            "--booking-number",
            "0123456789012345678901234567890123456789012345678901234567890123456789",
        ],
        3,
        "booking_number",
    ),
    (
        "control character in a name",
        &["--given-names", "Ja\u{7}ne"],
        3,
        "given_names",
    ),
    ("unknown --as user", &["--as", "nobody"], 3, "nobody"),
];

#[test]
fn refusals_name_the_field_and_write_nothing() {
    let desk = TestDesk::new();
    let before = desk.counts();
    for (what, extra, code, needle) in REFUSALS {
        let args = TestDesk::open_args_with(&now_plus(-60), "R-1", extra);
        let run = desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(run.code, *code, "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains(needle),
            "{what}: stderr should name '{needle}': {}",
            run.stderr
        );
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{what}: one sentence: {}",
            run.stderr
        );
        assert_eq!(desk.counts(), before, "{what}: nothing may be written");
    }
}

#[test]
fn expired_or_not_yet_valid_credential_is_refused_on_the_local_date() {
    let desk = TestDesk::new();
    desk.run(&[
        "officer",
        "add",
        "--credential",
        "WSO-OLD",
        "--name",
        "Old",
        "--trained-on",
        "2020-01-01",
        "--expires-on",
        "2026-10-31",
        "--as",
        "sup",
    ])
    .ok();
    // 2026-11-01T02:00Z is still Oct 31 in New York: the credential is valid that local date.
    let args = TestDesk::open_args_with("2026-11-01T02:00:00Z", "E-1", &["--officer", "WSO-OLD"]);
    desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .ok();
    let before = desk.counts();
    let args = TestDesk::open_args_with("2026-11-01T05:00:00Z", "E-2", &["--officer", "WSO-OLD"]);
    let run = desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("expired"), "{}", run.stderr);
    assert_eq!(desk.counts(), before);
}

#[test]
fn lifecycle_refusals_write_nothing() {
    let desk = TestDesk::new();
    let h = desk.open(&now_plus(-3600), "L-1");
    let id = h["hold_id"].as_str().unwrap();
    let before = desk.counts();
    let cases: Vec<(&str, Vec<String>, i32)> = vec![
        (
            "move before the hold's previous event",
            vec![
                "hold".into(),
                "move".into(),
                id.into(),
                "--zone".into(),
                "medical".into(),
                "--at".into(),
                now_plus(-7200),
                "--as".into(),
                "dep".into(),
            ],
            3,
        ),
        (
            "release 'other' without a note",
            vec![
                "hold".into(),
                "release".into(),
                id.into(),
                "--at".into(),
                now_plus(0),
                "--reason".into(),
                "other".into(),
                "--as".into(),
                "dep".into(),
            ],
            3,
        ),
        (
            "release reason outside the enumeration",
            vec![
                "hold".into(),
                "release".into(),
                id.into(),
                "--at".into(),
                now_plus(0),
                "--reason".into(),
                "bored".into(),
                "--as".into(),
                "dep".into(),
            ],
            2,
        ),
        (
            "transfer in the future",
            vec![
                "hold".into(),
                "transfer".into(),
                id.into(),
                "--at".into(),
                now_plus(3600),
                "--ice-officer".into(),
                "X".into(),
                "--as".into(),
                "dep".into(),
            ],
            3,
        ),
        (
            "deputy correcting",
            vec![
                "hold".into(),
                "correct".into(),
                id.into(),
                "--field".into(),
                "person.given_names".into(),
                "--value".into(),
                "J".into(),
                "--reason".into(),
                "r".into(),
                "--as".into(),
                "dep".into(),
            ],
            3,
        ),
        (
            "correcting an uncorrectable field",
            vec![
                "hold".into(),
                "correct".into(),
                id.into(),
                "--field".into(),
                "served_at".into(),
                "--value".into(),
                "x".into(),
                "--reason".into(),
                "r".into(),
                "--as".into(),
                "sup".into(),
            ],
            3,
        ),
        (
            "unknown hold",
            vec![
                "hold".into(),
                "move".into(),
                "no-such-hold".into(),
                "--zone".into(),
                "medical".into(),
                "--at".into(),
                now_plus(0),
                "--as".into(),
                "dep".into(),
            ],
            4,
        ),
        (
            "deputy adding an officer",
            vec![
                "officer".into(),
                "add".into(),
                "--credential".into(),
                "W".into(),
                "--name".into(),
                "N".into(),
                "--trained-on".into(),
                "2026-01-01".into(),
                "--expires-on".into(),
                "2027-01-01".into(),
                "--as".into(),
                "dep".into(),
            ],
            3,
        ),
        (
            "supervisor taking a backup",
            vec![
                "backup".into(),
                "--out".into(),
                desk.dir.path().join("b.db").display().to_string(),
                "--as".into(),
                "sup".into(),
            ],
            3,
        ),
        (
            "missing --as",
            vec![
                "hold".into(),
                "move".into(),
                id.into(),
                "--zone".into(),
                "medical".into(),
                "--at".into(),
                now_plus(0),
            ],
            2,
        ),
    ];
    for (what, args, code) in cases {
        let run = desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(run.code, code, "{what}: {}", run.stderr);
        assert_eq!(desk.counts(), before, "{what}: nothing may be written");
    }
    let run = desk
        .run(&[
            "hold",
            "release",
            id,
            "--at",
            &now_plus(0),
            "--reason",
            "deadline_reached",
            "--as",
            "dep",
        ])
        .ok();
    assert!(run.stdout.contains("released"));
    let again = desk.run(&[
        "hold",
        "release",
        id,
        "--at",
        &now_plus(0),
        "--reason",
        "deadline_reached",
        "--as",
        "dep",
    ]);
    assert_eq!(
        again.code, 3,
        "a closed hold cannot be released twice: {}",
        again.stderr
    );
}

#[test]
fn no_field_for_citizenship_or_immigration_status_anywhere() {
    let desk = TestDesk::new();
    desk.open(&now_plus(-60), "S-1");
    let list = desk
        .run(&["hold", "list", "--all", "--json"])
        .ok()
        .stdout
        .to_lowercase();
    let help = desk
        .run(&["hold", "open", "--help"])
        .ok()
        .stdout
        .to_lowercase();
    let conn = desk.raw();
    let mut stmt = conn
        .prepare("SELECT group_concat(sql, ' ') FROM sqlite_master")
        .unwrap();
    let schema: String = stmt.query_row([], |r| r.get(0)).unwrap();
    let schema = schema.to_lowercase();
    // The schema's own comment names the forbidden topics; look only at column definitions.
    let columns: String = schema
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect();
    for word in [
        "citizen",
        "nationality",
        "alienage",
        "country_of_birth",
        "birth_country",
        "immigration_status",
        "removab",
    ] {
        assert!(!list.contains(word), "hold list mentions {word}");
        assert!(!help.contains(word), "hold open --help mentions {word}");
        assert!(!columns.contains(word), "schema has {word}");
    }
}
