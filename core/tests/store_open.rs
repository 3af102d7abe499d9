//! Opening a desk database that is not healthy, through the real `wsoctl` and
//! the window's start-up call: only SQLite's own verdict of corruption (or a
//! file too short to be a database) moves a file aside; a wrong key, a locked
//! file or an unsafe key file stops with a message and touches nothing; and
//! no demo desk is ever made unless it was asked for.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{names_in, now_plus, TestDesk};

fn key_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.key", db.display()))
}

fn damaged_copies(dir: &Path) -> Vec<PathBuf> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.contains("damaged"))
        .map(|n| dir.join(n))
        .collect()
}

/// A desk closed cleanly: the last `wsoctl` checkpointed its WAL into the file.
fn closed_desk() -> TestDesk {
    let desk = TestDesk::new();
    desk.open(&now_plus(-600), "B-1");
    assert!(
        !Path::new(&format!("{}-wal", desk.db.display())).exists()
            || std::fs::metadata(format!("{}-wal", desk.db.display()))
                .unwrap()
                .len()
                == 0,
        "the last wsoctl checkpointed its log"
    );
    desk
}

#[test]
fn an_empty_file_is_moved_aside_never_filled_with_a_new_schema() {
    let desk = closed_desk();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", desk.db.display()));
    }
    std::fs::write(&desk.db, b"").unwrap();
    let run = desk.run(&["hold", "list", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(!desk.db.exists(), "the empty file is not filled in place");
    let aside = damaged_copies(desk.dir.path());
    assert_eq!(aside.len(), 1, "{:?}", names_in(desk.dir.path()));
    assert_eq!(
        std::fs::metadata(&aside[0]).unwrap().len(),
        0,
        "kept as found"
    );
    // Nothing recreated it either: the next command says how to make a desk.
    let run = desk.run(&["hold", "list", "--json"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("wsoctl init"), "{}", run.stderr);
    assert!(!desk.db.exists());
}

#[test]
fn a_truncated_file_is_moved_aside_byte_for_byte() {
    // Cut inside the first page (the key check cannot even read it) and at a
    // page boundary (SQLite's own check finds the missing pages).
    for cut in [1000usize, 4096 + 1000, 2 * 4096] {
        let desk = closed_desk();
        let bytes = std::fs::read(&desk.db).unwrap();
        assert!(bytes.len() > 3 * 4096, "{}", bytes.len());
        std::fs::write(&desk.db, &bytes[..cut]).unwrap();
        let run = desk.run(&["hold", "list", "--json"]);
        assert_eq!(run.code, 1, "cut at {cut}: {}", run.stderr);
        assert!(
            run.stderr.contains("damaged"),
            "cut at {cut}: {}",
            run.stderr
        );
        assert!(!desk.db.exists(), "cut at {cut}");
        let aside = damaged_copies(desk.dir.path());
        assert_eq!(aside.len(), 1, "cut at {cut}");
        assert_eq!(std::fs::read(&aside[0]).unwrap(), &bytes[..cut]);
        assert!(key_of(&desk.db).exists(), "the key stays where it was");
    }
}

#[test]
fn a_wrong_key_stops_and_touches_nothing() {
    let desk = closed_desk();
    let before = std::fs::read(&desk.db).unwrap();
    let files = names_in(desk.dir.path());
    let wrong = desk.dir.path().join("wrong.key");
    std::fs::write(&wrong, "ab".repeat(32)).unwrap();
    std::fs::set_permissions(&wrong, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = desk.run(&["hold", "list", "--db-key-file", wrong.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("wrong.key"), "{}", run.stderr);
    assert!(!run.stderr.contains("damaged"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(&desk.db).unwrap(),
        before,
        "not one byte changed"
    );
    let mut expected = files;
    expected.push("wrong.key".into());
    expected.sort();
    assert_eq!(
        names_in(desk.dir.path()),
        expected,
        "nothing moved or added"
    );
}

#[test]
fn a_locked_database_stops_with_a_message_and_is_not_moved() {
    let desk = closed_desk();
    // Another process holds the file exclusively (as a stuck app or a copy tool could).
    let holder = desk.raw();
    holder
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; SELECT count(*) FROM hold;",
        )
        .unwrap();
    let started = Instant::now();
    let run = desk.run(&["hold", "list", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("locked") || run.stderr.contains("busy"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "it waited for the lock before giving up ({:?})",
        started.elapsed()
    );
    holder.execute_batch("COMMIT;").unwrap();
    drop(holder);
    assert!(desk.db.exists(), "left where it was");
    assert!(damaged_copies(desk.dir.path()).is_empty());
    assert_eq!(
        desk.list(&[]).len(),
        1,
        "and it opens once the lock is gone"
    );
}

#[test]
fn a_key_file_other_users_can_read_is_refused_naming_it() {
    let desk = closed_desk();
    let key = key_of(&desk.db);
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let run = desk.run(&["hold", "list", "--json"]);
        assert_eq!(run.code, 1, "mode {mode:o}: {}", run.stderr);
        assert!(run.stderr.contains("desk.db.key"), "{}", run.stderr);
        assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
        assert_eq!(run.json()["error"]["code"], "key");
    }
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(desk.list(&[]).len(), 1);
}

#[test]
fn a_key_file_owned_by_another_user_is_refused() {
    let desk = closed_desk();
    let key = key_of(&desk.db);
    std::os::unix::fs::chown(&key, Some(65534), Some(65534)).unwrap();
    let run = desk.run(&["hold", "list", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("desk.db.key"), "{}", run.stderr);
    assert!(run.stderr.contains("owned by"), "{}", run.stderr);
}

#[test]
fn init_never_adopts_a_key_file_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let facility = dir.path().join("facility.toml");
    std::fs::write(&facility, common::FACILITY).unwrap();
    let planted = "cd".repeat(32);
    let desk = TestDesk {
        dir,
        db: db.clone(),
    };
    let init = |extra: &[&str]| {
        let mut args = vec![
            "init",
            "--facility",
            facility.to_str().unwrap(),
            "--desk-id",
            "desk-1",
            "--admin",
            "admin",
            "--password-stdin",
            "--json",
        ];
        args.extend_from_slice(extra);
        desk.run_stdin(&args, common::ADMIN_PW)
    };
    // A key waiting beside the new database path (someone else's, or a copy).
    std::fs::write(key_of(&db), &planted).unwrap();
    std::fs::set_permissions(key_of(&db), std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = init(&[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.json()["error"]["field"], "db_key_file");
    assert!(
        !db.exists(),
        "no database made with a key it did not create"
    );
    assert_eq!(std::fs::read_to_string(key_of(&db)).unwrap(), planted);
    // Nor one named with --db-key-file.
    let named = desk.dir.path().join("named.key");
    std::fs::write(&named, &planted).unwrap();
    std::fs::set_permissions(&named, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_file(key_of(&db)).unwrap();
    let run = init(&["--db-key-file", named.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(!db.exists());
    // With no key anywhere, init makes its own.
    init(&[]).ok();
    assert_ne!(
        std::fs::read_to_string(key_of(&db)).unwrap().trim(),
        planted
    );
}

#[test]
fn the_window_makes_a_demo_desk_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wso-desk.db");
    let now = chrono::Utc::now();
    // Not asked: a message naming `wsoctl init`, and nothing on disk.
    let err = wso_core::demo::open_or_create(&db, None, false, now)
        .err()
        .expect("no desk without a database or a demo request");
    assert_eq!(err.code(), "database");
    assert!(err.to_string().contains("wsoctl init"), "{err}");
    assert!(
        names_in(dir.path()).is_empty(),
        "{:?}",
        names_in(dir.path())
    );
    // Asked (scripts/run.sh): the demo desk.
    let desk = wso_core::demo::open_or_create(&db, None, true, now).unwrap();
    assert!(desk.actor("dep.jones").is_ok());
    drop(desk);
    // Asked again with a desk in place: that desk is opened, never replaced.
    let desk = wso_core::demo::open_or_create(&db, None, true, now).unwrap();
    assert_eq!(desk.list_holds(now, false).unwrap().len(), 4);
    drop(desk);
    // The desk is found damaged and moved aside; the real key stays. Even when
    // the demo is asked for, no demo desk is built with that key.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::write(&db, b"").unwrap();
    let err = wso_core::demo::open_or_create(&db, None, false, now)
        .err()
        .unwrap();
    assert!(err.to_string().contains("damaged"), "{err}");
    assert!(!db.exists());
    let err = wso_core::demo::open_or_create(&db, None, false, now)
        .err()
        .unwrap();
    assert!(err.to_string().contains("wsoctl init"), "{err}");
    let err = wso_core::demo::open_or_create(&db, None, true, now)
        .err()
        .expect("no demo desk over a real key");
    assert_eq!(err.field(), Some("db_key_file"), "{err}");
    assert!(!db.exists());
}
