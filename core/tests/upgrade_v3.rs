//! A desk of schema 3 (made by the code before agreement.md) upgrades to the
//! agreement schema in one transaction: old holds read "criminal release time
//! not recorded", old officers "authorization date not recorded", an old
//! facility file as before (an `igsa = 1` facility gets its standing IGSA),
//! and both hash chains still verify through `wsoctl audit verify`.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;
use wso_core::store::migrations;
use wso_core::Desk;

const FACILITY: &str = include_str!("../src/demo/facility.toml");
const V3: &str = include_str!("fixtures/schema_v3.sql");
/// Hold booked, then moved; the other booked, then released.
const MOVED: &str = "01a23331-513b-712d-8b3f-b4abba09a5a0";
const RELEASED: &str = "01a23331-5144-73bc-8bf2-4012ae74384a";

fn now() -> chrono::DateTime<chrono::Utc> {
    wso_core::time::parse_instant("now", "2026-11-20T12:30:00Z").unwrap()
}

fn raw_open(db: &Path) -> Connection {
    let key = std::fs::read_to_string(format!("{}.key", db.display())).unwrap();
    let conn = Connection::open(db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .unwrap();
    conn
}

/// A schema-3 desk file holding the fixture, then `extra` SQL; keyed like a real one.
fn v3_desk(dir: &Path, extra: &str) -> PathBuf {
    let db = dir.join("desk.db");
    Desk::init(
        &db,
        None,
        FACILITY,
        "desk-1",
        "admin",
        "admin-pass-2026",
        now(),
    )
    .unwrap();
    std::fs::remove_file(&db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut conn = raw_open(&db);
    migrations::migrate_to(&mut conn, 3).unwrap();
    conn.execute_batch(V3).unwrap();
    conn.execute_batch(extra).unwrap();
    db
}

fn wsoctl(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wsoctl"))
        .args(args)
        .env("WSO_DB", db)
        .env_remove("WSO_DB_KEY_FILE")
        .env_remove("WSO_USER")
        .output()
        .unwrap()
}

#[test]
fn old_holds_officers_and_facility_read_as_not_recorded_and_chains_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = v3_desk(dir.path(), "");
    let desk = Desk::open(&db, None).unwrap();
    assert_eq!(
        migrations::user_version(desk.conn()).unwrap(),
        migrations::CURRENT_VERSION
    );
    let h = desk.hold(MOVED, now()).unwrap();
    assert_eq!(h.family_name, "Nguyễn");
    assert_eq!(h.zone_id, "housing-a");
    assert_eq!(
        h.criminal_release_at, "2026-11-20T10:00:00Z",
        "read as served_at"
    );
    assert!(!h.criminal_release_recorded);
    assert_eq!(
        h.criminal_release_note,
        Some("criminal release time not recorded")
    );
    assert_eq!(h.anchor_at, "2026-11-20T10:00:00Z");
    assert_eq!(h.deadline_at.as_deref(), Some("2026-11-22T10:00:00Z"));
    assert_eq!(h.criminal_release_basis, None);
    assert_eq!(h.ice_supervisor, None);
    assert_eq!(h.agreement_id, None);
    assert_eq!(
        h.notice_due_at, None,
        "no notice owed by a hold booked before the duty"
    );
    assert_eq!(h.action_required, None);
    assert!(h.claims.is_empty() && h.incidents.is_empty());
    let r = desk.hold(RELEASED, now()).unwrap();
    assert_eq!(r.release_reason.as_deref(), Some("court_order"));
    let officer = desk.officer("WSO-1").unwrap();
    assert_eq!(officer.authorized_on, None);
    assert_eq!(
        officer.authorization_note,
        Some("authorization date not recorded")
    );
    assert_eq!(desk.facility().moa, wso_core::custody::Moa::default());
    assert!(desk.facility().agreements.is_empty());
    assert_eq!(desk.verify().unwrap(), (4, 8));
    drop(desk);
    let out = wsoctl(&db, &["audit", "verify", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["events"].as_i64(), v["audit_records"].as_i64()),
        (Some(4), Some(8))
    );
    // The upgraded desk books under the new rules and its chains stay whole.
    let mut desk = Desk::open(&db, None).unwrap();
    let dep = desk.actor("dep").unwrap();
    let input = wso_core::custody::NewHold {
        family_name: "Doe".into(),
        given_names: "Jane".into(),
        date_of_birth: "1990-01-01".into(),
        booking_number: "B-NEW".into(),
        warrant_form: "I-205".into(),
        warrant_number: "W-NEW".into(),
        officer_credential: "WSO-1".into(),
        served_at: "2026-11-20T12:00:00Z".into(),
        zone_id: "booking".into(),
        criminal_release_at: "2026-11-20T11:00:00Z".into(),
        criminal_release_basis: "court_order".into(),
        ice_supervisor: "SDDO Ramos".into(),
        ..Default::default()
    };
    let booked = desk.open_hold(&dep, &input, now()).unwrap();
    assert_eq!(booked.incidents[0].seconds, 3600);
    assert_eq!(booked.deadline_at.as_deref(), Some("2026-11-22T11:00:00Z"));
    assert_eq!(desk.verify().unwrap().0, 6, "opened and its incident");
}

#[test]
fn an_igsa_facility_gets_its_standing_agreement_and_its_holds_stay_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = v3_desk(
        dir.path(),
        &format!(
            "UPDATE facility SET igsa = 1; UPDATE hold SET authority = 'igsa', deadline_at = NULL WHERE hold_id = '{MOVED}';"
        ),
    );
    let desk = Desk::open(&db, None).unwrap();
    let standing = desk.facility().default_agreement().unwrap();
    assert_eq!(standing, &wso_core::custody::Agreement::standing_igsa());
    let h = desk.hold(MOVED, now()).unwrap();
    assert_eq!(h.agreement_id.as_deref(), Some("igsa"));
    assert_eq!(h.deadline_at, None);
    // The released 48-hour hold is not moved under the agreement.
    assert_eq!(desk.hold(RELEASED, now()).unwrap().agreement_id, None);
}

#[test]
fn a_failed_upgrade_leaves_the_schema_3_desk_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    // A table in the way of the upgrade's own `CREATE TABLE incident`.
    let db = v3_desk(dir.path(), "CREATE TABLE incident (x INTEGER);");
    let err = Desk::open(&db, None).err().expect("upgrade fails");
    assert!(err.to_string().contains("version 4"), "{err}");
    let conn = raw_open(&db);
    assert_eq!(migrations::user_version(&conn).unwrap(), 3);
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('hold')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        !columns.iter().any(|c| c == "criminal_release_at"),
        "the earlier ALTERs of the same upgrade were rolled back"
    );
    let agreement: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'agreement'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(agreement, 0);
}
