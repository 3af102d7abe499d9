//! `wsoctl` refusals: every rule of cli.md's "Limits" and the custody rules,
//! through the built binary; each refusal names the field at fault, exits
//! with the documented code and writes nothing.

mod common;

use common::{now_plus, TestDesk};

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
        "--authorized-on",
        "2020-01-01",
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
                "--destination".into(),
                "Krome SPC".into(),
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
                "--authorized-on".into(),
                "2026-01-01".into(),
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
