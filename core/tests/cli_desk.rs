//! `wsoctl` set-up, keys, audit and crash safety, through the built binary.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{now_plus, TestDesk};
use rand::Rng;

#[test]
fn init_refuses_an_existing_database() {
    let desk = TestDesk::new();
    let f = desk.dir.path().join("facility.toml");
    let run = desk.run_stdin(
        &[
            "init",
            "--facility",
            f.to_str().unwrap(),
            "--desk-id",
            "x",
            "--admin",
            "a2",
            "--password-stdin",
        ],
        "another-pass-123",
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("never overwritten"), "{}", run.stderr);
    desk.run(&["audit", "verify"]).ok();
}

#[test]
fn bad_facility_file_is_refused_with_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("facility.toml");
    std::fs::write(
        &f,
        common::FACILITY.replace("shift_hours = 12", "shift_hours = 30"),
    )
    .unwrap();
    let db = dir.path().join("d.db");
    let out = Command::new(common::wsoctl_path())
        .args([
            "--db",
            db.to_str().unwrap(),
            "init",
            "--facility",
            f.to_str().unwrap(),
            "--desk-id",
            "d",
            "--admin",
            "a",
            "--password-stdin",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // No password on stdin is read as empty: but the facility is checked first.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("line 6") && stderr.contains("shift_hours"),
        "{stderr}"
    );
    assert!(!db.exists(), "nothing created");
}

#[test]
fn wrong_or_missing_key_exits_1_naming_the_source() {
    let desk = TestDesk::new();
    let wrong = desk.dir.path().join("wrong.key");
    std::fs::write(&wrong, "ab".repeat(32)).unwrap();
    let run = desk.run(&[
        "hold",
        "list",
        "--json",
        "--db-key-file",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("wrong.key"), "{}", run.stderr);
    std::fs::rename(
        format!("{}.key", desk.db.display()),
        desk.dir.path().join("moved.key"),
    )
    .unwrap();
    let run = desk.run(&["hold", "list", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("desk.db.key"), "{}", run.stderr);
}

#[test]
fn backup_restores_by_copying_back() {
    let desk = TestDesk::new();
    desk.open(&now_plus(-60), "K-1");
    let out = desk.dir.path().join("backup.db");
    desk.run(&["backup", "--out", out.to_str().unwrap(), "--as", "admin"])
        .ok();
    let key = format!("{}.key", desk.db.display());
    // The copy is another database: the session on the live one does not
    // carry over, so sign in for this one command.
    let pw = desk.dir.path().join("pw");
    std::fs::write(&pw, common::ADMIN_PW).unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let run = Command::new(common::wsoctl_path())
        .args([
            "--db",
            out.to_str().unwrap(),
            "--db-key-file",
            &key,
            "hold",
            "list",
            "--json",
            "--as",
            "admin",
            "--password-file",
            pw.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let holds: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(holds.as_array().unwrap().len(), 1);
    assert_eq!(holds[0]["booking_number"], "K-1");
}

/// Audit verify must catch an edited, a removed and a reordered record, in
/// both chains, even when the attacker holds the key and uses raw SQL.
#[test]
fn audit_verify_detects_tampering() {
    type Tamper = (&'static str, &'static str);
    const TAMPERS: &[Tamper] = &[
        ("edited event body", "UPDATE event SET envelope = replace(envelope, '\"Doe\"', '\"Roe\"') WHERE seq = 1"),
        ("removed event", "DELETE FROM event WHERE seq = 2"),
        ("reordered events", "UPDATE event SET seq = seq + 100 WHERE seq = 1; UPDATE event SET seq = 1 WHERE seq = 2; UPDATE event SET seq = 2 WHERE seq = 101"),
        ("edited audit record", "UPDATE audit SET actor = 'someone-else' WHERE seq = 2"),
        ("removed audit record", "DELETE FROM audit WHERE seq = 3"),
        ("reordered audit records", "UPDATE audit SET seq = seq + 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 102"),
        ("audit record re-timed", "UPDATE audit SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 3"),
    ];
    for (what, sql) in TAMPERS {
        let desk = TestDesk::new();
        desk.open(&now_plus(-120), "T-1");
        desk.open(&now_plus(-60), "T-2");
        desk.run(&["audit", "verify"]).ok();
        desk.raw().execute_batch(sql).unwrap();
        let run = desk.run(&["audit", "verify", "--json"]);
        assert_eq!(run.code, 1, "{what} must fail verification: {}", run.stdout);
        assert!(
            run.stderr.contains("broken"),
            "{what}: names the broken record: {}",
            run.stderr
        );
    }
}

/// `hold open` killed at random points leaves the whole hold with its event
/// and audit record, or nothing; the chains and the file stay intact.
#[test]
fn kill_9_during_hold_open_leaves_all_or_nothing() {
    let desk = TestDesk::new();
    let mut rng = rand::thread_rng();
    let mut completed = 0;
    for i in 0..25 {
        let args = TestDesk::open_args(&now_plus(-60), &format!("KILL-{i}"));
        let mut child = Command::new(common::wsoctl_path())
            .args(&args)
            .env("WSO_DB", &desk.db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..60)));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if status.success() {
            completed += 1;
        }
    }
    let conn = desk.raw();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let orphans: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM hold WHERE hold_id NOT IN (SELECT hold_id FROM event WHERE type = 'hold.opened'))
                  + (SELECT count(*) FROM event WHERE type = 'hold.opened' AND hold_id NOT IN (SELECT hold_id FROM hold))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        orphans, 0,
        "every hold has its event and every event its hold"
    );
    let holds: i64 = conn
        .query_row("SELECT count(*) FROM hold", [], |r| r.get(0))
        .unwrap();
    assert!(
        holds >= completed,
        "a hold whose command finished is never lost ({holds} < {completed})"
    );
    drop(conn);
    desk.run(&["audit", "verify"]).ok();
}

#[test]
fn users_and_roles_from_the_command_line() {
    let desk = TestDesk::new();
    let weak = desk.run_stdin(
        &[
            "user",
            "add",
            "--username",
            "d2",
            "--full-name",
            "D Two",
            "--role",
            "deputy",
            "--password-stdin",
            "--as",
            "admin",
        ],
        "password",
    );
    assert_eq!(weak.code, 3, "{}", weak.stderr);
    assert!(weak.stderr.contains("password"), "{}", weak.stderr);
    let by_sup = desk.run_stdin(
        &[
            "user",
            "add",
            "--username",
            "d3",
            "--full-name",
            "D3",
            "--role",
            "deputy",
            "--password-stdin",
            "--as",
            "sup",
        ],
        "a-good-long-pass",
    );
    assert_eq!(by_sup.code, 3, "only admins add users: {}", by_sup.stderr);
    let bad_role = desk.run_stdin(
        &[
            "user",
            "add",
            "--username",
            "d4",
            "--full-name",
            "D4",
            "--role",
            "sheriff",
            "--password-stdin",
            "--as",
            "admin",
        ],
        "a-good-long-pass",
    );
    assert_eq!(bad_role.code, 2);
    let unknown = desk.run(&["user", "unlock", "ghost", "--as", "admin"]);
    assert_eq!(unknown.code, 4);
}
