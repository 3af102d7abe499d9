//! The encrypted store on real files: fresh open, reopen, upgrades from every
//! older schema, refusal of newer schemas, wrong and missing keys, damaged
//! files moved aside, and no plaintext on disk.

use std::path::Path;

use rusqlite::Connection;
use wso_core::store::{self, migrations};
use wso_core::Desk;

const FACILITY: &str = include_str!("../src/demo/facility.toml");
/// Older schemas, each a fixture with data as that version left it.
const OLDER_SCHEMAS: &[(i64, &str)] = &[(1, include_str!("fixtures/schema_v1.sql"))];

fn now() -> chrono::DateTime<chrono::Utc> {
    wso_core::time::parse_instant("now", "2026-11-27T14:00:00Z").unwrap()
}

fn init(dir: &Path) -> std::path::PathBuf {
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
    db
}

fn raw_open(db: &Path) -> Connection {
    let key = std::fs::read_to_string(format!("{}.key", db.display())).unwrap();
    let conn = Connection::open(db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .unwrap();
    conn
}

#[test]
fn fresh_database_is_current_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    let desk = Desk::open(&db, None).unwrap();
    assert_eq!(
        migrations::user_version(desk.conn()).unwrap(),
        migrations::CURRENT_VERSION
    );
    assert_eq!(desk.facility().name, "Pinellas County Jail");
    let mode: String = desk
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = desk
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = desk
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        (mode.as_str(), sync, fk),
        ("wal", 2, 1),
        "WAL, synchronous=FULL (2), foreign keys on"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(format!("{}.key", db.display()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "key file readable by its owner only");
    }
}

#[test]
fn every_older_schema_upgrades_with_its_data() {
    for (version, fixture) in OLDER_SCHEMAS {
        let dir = tempfile::tempdir().unwrap();
        let db = init(dir.path());
        // Rebuild the file as an older desk left it: same key, older schema, data.
        std::fs::remove_file(&db).unwrap();
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        {
            let mut conn = raw_open(&db);
            migrations::migrate_to(&mut conn, *version).unwrap();
            conn.execute_batch(fixture).unwrap();
        }
        let desk = Desk::open(&db, None).unwrap();
        assert_eq!(
            migrations::user_version(desk.conn()).unwrap(),
            migrations::CURRENT_VERSION,
            "from v{version}"
        );
        let hold = desk.hold("h-v1", now()).unwrap();
        assert_eq!(
            hold.family_name, "Nguyễn",
            "data kept across the upgrade from v{version}"
        );
        assert_eq!(hold.deadline_at.as_deref(), Some("2026-11-03T10:00:00Z"));
    }
}

#[test]
fn newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    raw_open(&db)
        .pragma_update(None, "user_version", migrations::CURRENT_VERSION + 1)
        .unwrap();
    let err = Desk::open(&db, None).err().expect("newer schema refused");
    assert!(
        err.to_string().contains("newer than this WSO Desk"),
        "{err}"
    );
    let v: i64 = raw_open(&db)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        v,
        migrations::CURRENT_VERSION + 1,
        "the file is not touched"
    );
}

#[test]
fn wrong_key_is_a_clear_error_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    drop(Desk::open(&db, None).unwrap()); // checkpoint and close cleanly
    let before = std::fs::read(&db).unwrap();
    let other = dir.path().join("other.key");
    std::fs::write(&other, "11".repeat(32)).unwrap();
    let err = Desk::open(&db, Some(&other))
        .err()
        .expect("wrong key refused");
    assert_eq!(err.code(), "key");
    assert!(
        err.to_string().contains("other.key"),
        "names the key source: {err}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
}

#[test]
fn missing_key_or_database_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    let missing = dir.path().join("nowhere.key");
    let err = Desk::open(&db, Some(&missing))
        .err()
        .expect("missing key refused");
    assert!(err.to_string().contains("nowhere.key"), "{err}");
    assert!(!missing.exists());
    let ghost = dir.path().join("ghost.db");
    assert!(Desk::open(&ghost, None).is_err());
    assert!(!ghost.exists(), "opening never creates a database");
    assert!(!dir.path().join("ghost.db.key").exists());
}

#[test]
fn init_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    let err = Desk::init(
        &db,
        None,
        FACILITY,
        "desk-2",
        "admin",
        "admin-pass-2026",
        now(),
    )
    .err()
    .unwrap();
    assert_eq!(err.exit_code(), 3);
    assert_eq!(Desk::open(&db, None).unwrap().desk_id(), "desk-1");
}

#[test]
fn no_plaintext_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    let mut desk = Desk::open(&db, None).unwrap();
    let sup = desk.actor("admin").unwrap();
    desk.add_officer(
        &sup,
        "WSO-1",
        "Officer Plaintextcheck",
        "2020-01-01",
        "2035-01-01",
        "2020-01-01",
        now(),
    )
    .unwrap();
    drop(desk);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "key") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for needle in [
            "SQLite format 3",
            "Plaintextcheck",
            "Pinellas",
            "CREATE TABLE",
        ] {
            assert!(
                !text.contains(needle),
                "{} holds plaintext '{needle}'",
                path.display()
            );
        }
    }
}

#[test]
fn damaged_file_is_moved_aside_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    {
        let mut desk = Desk::open(&db, None).unwrap();
        let admin = desk.actor("admin").unwrap();
        // Enough rows to spread over many pages.
        for i in 0..300 {
            desk.add_officer(
                &admin,
                &format!("WSO-{i}"),
                &format!("Officer {i} {}", "x".repeat(100)),
                "2020-01-01",
                "2035-01-01",
                "2020-01-01",
                now(),
            )
            .unwrap();
        }
        desk.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    // Scramble a page in the middle: page 1 (the key check) still decrypts.
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 8 * 4096);
    for b in &mut bytes[5 * 4096..6 * 4096] {
        *b ^= 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let err = Desk::open(&db, None).err().expect("damage detected");
    assert_eq!(err.code(), "database", "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");
    assert!(!db.exists(), "moved aside");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains("damaged"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(dir.path().join(&aside[0])).unwrap(),
        bytes,
        "kept byte for byte"
    );
}

#[test]
fn backup_opens_with_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = init(dir.path());
    let desk = Desk::open(&db, None).unwrap();
    let admin = desk.actor("admin").unwrap();
    let out = dir.path().join("copy.db");
    desk.backup(&admin, &out, now()).unwrap();
    let key = dir.path().join("desk.db.key");
    let copy = Desk::open(&out, Some(&key)).unwrap();
    assert_eq!(copy.facility().id, "pinellas-main");
    assert!(
        store::key::key_path(&out, None).exists() == false,
        "the copy does not get a key file of its own"
    );
}
