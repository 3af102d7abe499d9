//! Look-alike warrant numbers are one warrant, and corrections pass the same
//! checks as a booking; names keep every real script but refuse the invisible
//! and direction-changing characters that make one name read as another.
//! Through the real `wsoctl` and, for an old desk, the real upgrade.

mod common;

use common::{now_plus, TestDesk};
use wso_core::store::migrations;
use wso_core::Desk;

fn open_with(desk: &TestDesk, booking: &str, overrides: &[&str]) -> common::Run {
    let args = TestDesk::open_args_with(&now_plus(-600), booking, overrides);
    desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[track_caller]
fn refused_at(run: &common::Run, field: &str) -> String {
    assert_eq!(
        run.code, 3,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let error = &run.json()["error"];
    assert_eq!(error["field"], field, "{error}");
    error["message"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn look_alike_warrant_numbers_cannot_be_booked_twice() {
    let desk = TestDesk::new();
    open_with(&desk, "B-0", &["--warrant-number", "W-sql"]).ok();
    let variants = [
        "w-sql",
        "W-SQL",
        "  W-sql ",
        "Ｗ-ｓｑｌ",    // full-width letters (NFKC)
        "W\u{2010}sql", // a Unicode hyphen NFKC keeps: dashes are one dash
        "W\u{2212}sql", // the minus sign
    ];
    for (i, variant) in variants.iter().enumerate() {
        let run = open_with(
            &desk,
            &format!("B-{}", i + 1),
            &["--warrant-number", variant],
        );
        let message = refused_at(&run, "warrant_number");
        assert!(message.contains("already exists"), "{variant:?}: {message}");
    }
    // Invisible and direction characters are refused whatever is open.
    for variant in [
        "W-\u{200b}sql",
        "W-\u{200c}sql",
        "W-\u{200d}sql",
        "W\u{2060}-sql",
        "\u{feff}W-sql",
        "W-\u{202e}lqs",
    ] {
        let run = open_with(&desk, "B-9", &["--warrant-number", variant]);
        let message = refused_at(&run, "warrant_number");
        assert!(
            message.contains("U+"),
            "names the character: {variant:?}: {message}"
        );
    }
    assert_eq!(desk.counts().0, 1, "no second hold on W-sql");
    // The same number on the other form is another warrant.
    open_with(
        &desk,
        "B-10",
        &["--warrant-number", "w-SQL", "--warrant-form", "I-205"],
    )
    .ok();
    // Once W-sql is released, the warrant may be booked again.
    let first = desk
        .list(&[])
        .into_iter()
        .find(|h| h["warrant_number"] == "W-sql")
        .unwrap();
    let first_id = first["hold_id"].as_str().unwrap();
    desk.run(&[
        "hold",
        "release",
        first_id,
        "--at",
        &now_plus(-60),
        "--reason",
        "court_order",
        "--as",
        "dep",
    ])
    .ok();
    open_with(&desk, "B-12", &["--warrant-number", "w-sql"]).ok();
}

#[test]
fn corrections_pass_the_checks_of_a_booking() {
    let desk = TestDesk::new();
    open_with(&desk, "B-1", &["--warrant-number", "W-1"]).ok();
    let second = open_with(&desk, "B-2", &["--warrant-number", "W-2"])
        .ok()
        .json();
    let id = second["hold_id"].as_str().unwrap();
    let counts = desk.counts();
    let correct = |field: &str, value: &str| {
        desk.run(&[
            "hold", "correct", id, "--field", field, "--value", value, "--reason", "typo", "--as",
            "sup", "--json",
        ])
    };
    for twin in ["W-1", "w-1", "Ｗ-1"] {
        let message = refused_at(&correct("warrant.number", twin), "value");
        assert!(message.contains("already exists"), "{twin:?}: {message}");
    }
    refused_at(&correct("warrant.number", "W-\u{200b}1"), "value");
    let message = refused_at(&correct("person.date_of_birth", "1800-01-01"), "value");
    assert!(message.contains("120 years"), "{message}");
    refused_at(&correct("person.family_name", "Doe\u{202e}"), "value");
    refused_at(&correct("person.booking_number", "B-\u{2066}2"), "value");
    assert_eq!(
        desk.counts(),
        counts,
        "nothing written by a refused correction"
    );
    // W-2 on the other form is another warrant; correcting the form onto it is refused.
    open_with(
        &desk,
        "B-3",
        &["--warrant-number", "w-2", "--warrant-form", "I-205"],
    )
    .ok();
    let message = refused_at(&correct("warrant.form", "I-205"), "value");
    assert!(message.contains("already exists"), "{message}");
    // A real correction still goes through.
    let fixed = correct("warrant.number", "W-22").ok().json();
    assert_eq!(fixed["warrant_number"], "W-22");
    desk.run(&["audit", "verify"]).ok();
}

#[test]
fn names_in_every_script_are_kept_and_hidden_characters_refused() {
    let desk = TestDesk::new();
    let names = [
        ("محمد", "عبد الله"),        // Arabic
        ("כהן", "שׁרה"),              // Hebrew with a point
        ("शर्मा", "प्रिया"),           // Devanagari (virama conjuncts)
        ("ศรีสุข", "สมชาย"),           // Thai
        ("Nguyễn", "Thị Hương"),     // Vietnamese
        ("王", "小明"),              // CJK
        ("김", "민준"),              // Hangul
        ("رضایی", "مهر\u{200c}ناز"), // Persian: a zero-width non-joiner between letters
    ];
    for (i, (family, given)) in names.iter().enumerate() {
        open_with(
            &desk,
            &format!("N-{i}"),
            &[
                "--family-name",
                family,
                "--given-names",
                given,
                "--warrant-number",
                &format!("W-N{i}"),
            ],
        )
        .ok();
    }
    let list = desk.list(&[]);
    for (family, given) in names {
        assert!(
            list.iter()
                .any(|h| h["family_name"] == family && h["given_names"] == given),
            "{family} {given} kept exactly"
        );
    }
    for (option, field, value) in [
        ("--family-name", "family_name", "Doe\u{202e}"),
        ("--family-name", "family_name", "\u{2067}Doe"),
        ("--given-names", "given_names", "Ja\u{200b}ne"),
        ("--given-names", "given_names", "Jane\u{200d}"),
        ("--given-names", "given_names", "Ja\u{00ad}ne"),
        ("--family-name", "family_name", "\u{feff}Doe"),
    ] {
        let run = open_with(&desk, "X-1", &[option, value, "--warrant-number", "W-X"]);
        let message = refused_at(&run, field);
        assert!(message.contains("U+"), "names the character: {message}");
    }
    let run = desk.run(&[
        "officer",
        "add",
        "--credential",
        "WSO-9",
        "--name",
        "Officer\u{202e} Nine",
        "--trained-on",
        "2020-01-01",
        "--expires-on",
        "2035-12-31",
        "--authorized-on",
        "2020-01-02",
        "--as",
        "sup",
        "--json",
    ]);
    refused_at(&run, "name");
    let run = desk.run_stdin(
        &[
            "user",
            "add",
            "--username",
            "dep2",
            "--full-name",
            "Dep\u{200b} Two",
            "--role",
            "deputy",
            "--password-stdin",
            "--as",
            "admin",
            "--json",
        ],
        common::PW,
    );
    refused_at(&run, "full_name");
    let id = list[0]["hold_id"].as_str().unwrap();
    let run = desk.run(&[
        "hold",
        "transfer",
        id,
        "--at",
        &now_plus(-30),
        "--ice-officer",
        "SDDO \u{202e}Patel",
        "--destination",
        "Krome SPC",
        "--as",
        "dep",
        "--json",
    ]);
    refused_at(&run, "ice_officer");
    assert_eq!(desk.counts().0, names.len() as i64);
}

#[test]
fn an_old_desk_gets_warrant_keys_and_keeps_its_earlier_double_bookings() {
    let dir = tempfile::tempdir().unwrap();
    let now = wso_core::time::parse_instant("now", "2026-11-27T14:00:00Z").unwrap();
    let (db, mut conn) = common::version_1_desk(dir.path());
    // The schema just before warrant keys (0007), with
    // two open holds booked on one warrant under the old rule.
    {
        migrations::migrate_to(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO hold (hold_id, status, family_name, given_names, date_of_birth, booking_number, warrant_form,
               warrant_number, officer_credential, served_at, zone_id, inside_perimeter, authority, deadline_at, last_event_at)
             VALUES ('h-twin', 'open', 'Doe', 'Jane', '1990-04-02', 'b-v1', 'I-200', 'w-v1', 'WSO-1',
               '2026-11-01T11:00:00Z', 'booking', 1, 'wso_48h', '2026-11-03T11:00:00Z', '2026-11-01T11:00:00Z');
             INSERT INTO user (username, full_name, role, password_hash, created_at)
             VALUES ('dep', 'Dep', 'deputy', 'not-a-hash', '2026-11-01T00:00:00Z');",
        )
        .unwrap();
    }
    let mut desk = Desk::open(&db, None).unwrap();
    let keys: Vec<(String, String, String)> = {
        let mut stmt = desk
            .conn()
            .prepare("SELECT hold_id, warrant_key, booking_key FROM hold ORDER BY hold_id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(keys[0].0, "h-twin");
    assert_eq!((keys[0].2.as_str(), keys[1].2.as_str()), ("b-v1", "b-v1"));
    assert!(
        keys[1].1 == "w-v1" && keys[0].1.starts_with("w-v1"),
        "{keys:?}"
    );
    assert_eq!(
        desk.hold("h-twin", now).unwrap().warrant_number,
        "w-v1",
        "kept as typed"
    );
    // A third booking on that warrant is refused.
    let deputy = desk.actor("dep").unwrap();
    let hold = wso_core::custody::NewHold {
        family_name: "Roe".into(),
        given_names: "Rick".into(),
        date_of_birth: "1980-01-01".into(),
        booking_number: "B-NEW".into(),
        warrant_form: "I-200".into(),
        warrant_number: "W-V1".into(),
        officer_credential: "WSO-1".into(),
        served_at: "2026-11-27T13:00:00Z".into(),
        criminal_release_at: "2026-11-27T13:00:00Z".into(),
        criminal_release_basis: "bond".into(),
        ice_supervisor: "SDDO Test".into(),
        zone_id: "booking".into(),
        ..Default::default()
    };
    let Err(err) = desk.open_hold(&deputy, &hold, now) else {
        panic!("a third hold on the warrant was booked");
    };
    assert_eq!(err.field(), Some("warrant_number"), "{err}");
}
