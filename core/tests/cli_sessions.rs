//! Signing in on the command line (cli.md): `--as` alone proves nothing; a
//! command that shows or changes personal data needs a live session made by
//! `wsoctl login`, or `--password-file` for one command. Through the real
//! `wsoctl` on a real database; time passes by writing the session's times
//! back in the database, the clock itself is never faked.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use common::{now_plus, TestDesk, ADMIN_PW, PW};

fn session_files(desk: &TestDesk) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(desk.runtime_dir())
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The token file `wsoctl login --as USER` wrote: the one that logout removes.
fn token_file_of(desk: &TestDesk, user: &str) -> PathBuf {
    let before = session_files(desk);
    desk.run(&["logout", "--as", user]).ok();
    let after = session_files(desk);
    let gone: Vec<_> = before.into_iter().filter(|f| !after.contains(f)).collect();
    assert_eq!(
        gone.len(),
        1,
        "logout removes exactly its own file: {gone:?}"
    );
    gone[0].clone()
}

fn audit_actions(desk: &TestDesk) -> Vec<String> {
    let conn = desk.raw();
    let mut stmt = conn
        .prepare("SELECT actor || ' ' || action || ' ' || outcome || ' ' || coalesce(target, '') FROM audit ORDER BY seq")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

#[test]
fn without_a_session_every_personal_data_command_is_refused_and_writes_nothing() {
    let desk = TestDesk::new();
    let hold = desk.open(&now_plus(-600), "B-1");
    let id = hold["hold_id"].as_str().unwrap().to_owned();
    for u in ["admin", "sup", "dep"] {
        desk.run(&["logout", "--as", u]).ok();
    }
    let before = desk.counts();
    let pdf = desk.dir.path().join("sheet.pdf");
    let backup = desk.dir.path().join("copy.db");
    let open = TestDesk::open_args(&now_plus(-60), "B-2");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["hold", "list", "--json", "--as", "dep"], "dep"),
        (vec!["hold", "show", &id, "--json", "--as", "dep"], "dep"),
        (open.iter().map(String::as_str).collect(), "dep"),
        (
            vec![
                "hold",
                "move",
                &id,
                "--zone",
                "medical",
                "--at",
                "2026-01-01T00:00:00Z",
                "--as",
                "dep",
            ],
            "dep",
        ),
        (vec!["officer", "list", "--as", "dep"], "dep"),
        (
            vec![
                "officer",
                "add",
                "--credential",
                "WSO-9",
                "--name",
                "Nine",
                "--trained-on",
                "2020-01-01",
                "--expires-on",
                "2035-01-01",
                "--as",
                "sup",
            ],
            "sup",
        ),
        (vec!["user", "list", "--as", "admin"], "admin"),
        (vec!["user", "unlock", "dep", "--as", "admin"], "admin"),
        (
            vec!["handoff", "--out", pdf.to_str().unwrap(), "--as", "sup"],
            "sup",
        ),
        (
            vec!["backup", "--out", backup.to_str().unwrap(), "--as", "admin"],
            "admin",
        ),
    ];
    for (args, user) in cases {
        let run = desk.run(&args);
        assert_eq!(run.code, 3, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("sign in first: wsoctl login --as {user}")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !run.stdout.contains("Doe"),
            "{args:?} printed personal data"
        );
        assert_eq!(desk.counts(), before, "{args:?}: nothing may be written");
    }
    assert!(!pdf.exists() && !backup.exists());
    // What needs no session (cli.md): audit verify prints no personal data.
    desk.run(&["audit", "verify"]).ok();
}

#[test]
fn login_opens_a_session_in_a_0600_file_and_logout_ends_it() {
    let desk = TestDesk::new();
    let file = token_file_of(&desk, "dep");
    assert!(file.starts_with(desk.runtime_dir()));
    assert_eq!(desk.run(&["hold", "list", "--as", "dep"]).code, 3);

    let wrong = desk.run_stdin(
        &["login", "--as", "dep", "--password-stdin"],
        "not-the-password",
    );
    assert_eq!(wrong.code, 3, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("username or password not accepted"),
        "{}",
        wrong.stderr
    );
    let failures: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM sign_in_failure WHERE username = 'dep'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        failures, 1,
        "a wrong password at login counts toward the lockout"
    );
    assert!(!file.exists());

    desk.run_stdin(&["login", "--as", "dep", "--password-stdin"], PW)
        .ok();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "token file mode");
    let token = std::fs::read_to_string(&file).unwrap();
    let stored: String = desk
        .raw()
        .query_row(
            "SELECT token_hash FROM cli_session WHERE username = 'dep'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !stored.contains(token.trim()),
        "only the token's hash is in the database"
    );
    let failures: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM sign_in_failure WHERE username = 'dep'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failures, 0, "a good sign-in resets the count");
    desk.run(&["hold", "list", "--json", "--as", "dep"]).ok();
    // A token file others can read is not trusted.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let exposed = desk.run(&["hold", "list", "--as", "dep"]);
    assert_eq!(exposed.code, 3, "{}", exposed.stderr);
    assert!(
        exposed.stderr.contains("can be read by others"),
        "{}",
        exposed.stderr
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Signing in again replaces the session the file held.
    desk.run_stdin(&["login", "--as", "dep", "--password-stdin"], PW)
        .ok();
    let sessions: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM cli_session WHERE username = 'dep'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sessions, 1);

    desk.run(&["logout", "--as", "dep"]).ok();
    assert!(!file.exists());
    let after = desk.run(&["hold", "list", "--as", "dep"]);
    assert_eq!(after.code, 3, "{}", after.stderr);
    let actions = audit_actions(&desk);
    for expected in [
        "dep sign_in failure",
        "dep sign_in success",
        "dep sign_out success",
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(expected)),
            "{expected}: {actions:#?}"
        );
    }
}

#[test]
fn a_session_lapses_after_30_idle_minutes_and_after_12_hours() {
    let desk = TestDesk::new();
    let set = |column: &str, ago_s: i64| {
        desk.raw()
            .execute(
                &format!("UPDATE cli_session SET {column} = ?1 WHERE username = 'dep'"),
                [now_plus(-ago_s)],
            )
            .unwrap();
    };
    set("last_used_at", 29 * 60);
    desk.run(&["hold", "list", "--as", "dep"]).ok();
    let used: String = desk
        .raw()
        .query_row(
            "SELECT last_used_at FROM cli_session WHERE username = 'dep'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        used.as_str() >= now_plus(-60).as_str(),
        "a command is input: {used}"
    );

    set("last_used_at", 30 * 60 + 5);
    let idle = desk.run(&["hold", "list", "--as", "dep"]);
    assert_eq!(idle.code, 3, "{}", idle.stderr);
    assert!(
        idle.stderr.contains("sign in first: wsoctl login --as dep"),
        "{}",
        idle.stderr
    );

    desk.run_stdin(&["login", "--as", "dep", "--password-stdin"], PW)
        .ok();
    set("signed_in_at", 12 * 3600 + 5);
    let old = desk.run(&["hold", "list", "--as", "dep"]);
    assert_eq!(old.code, 3, "12 hours in all: {}", old.stderr);
}

#[test]
fn a_token_file_from_another_database_signs_nobody_in() {
    let a = TestDesk::new();
    let b = TestDesk::new();
    let a_file = token_file_of(&a, "dep");
    a.run_stdin(&["login", "--as", "dep", "--password-stdin"], PW)
        .ok();
    let b_file = token_file_of(&b, "dep");
    assert_ne!(a_file.file_name(), b_file.file_name(), "named per database");
    std::fs::copy(&a_file, &b_file).unwrap();
    std::fs::set_permissions(&b_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = b.run(&["hold", "list", "--as", "dep"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("sign in first"), "{}", run.stderr);
    // The same token is another user's on the same database neither.
    let sup_file = token_file_of(&a, "sup");
    std::fs::copy(&a_file, &sup_file).unwrap();
    std::fs::set_permissions(&sup_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(a.run(&["officer", "list", "--as", "sup"]).code, 3);
}

#[test]
fn a_password_file_signs_in_for_that_command_alone() {
    let desk = TestDesk::new();
    token_file_of(&desk, "dep");
    let pw = desk.dir.path().join("pw");
    std::fs::write(&pw, format!("{PW}\n")).unwrap();
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    desk.run(&[
        "hold",
        "list",
        "--json",
        "--as",
        "dep",
        "--password-file",
        pw.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        desk.run(&["hold", "list", "--as", "dep"]).code,
        3,
        "no session left behind"
    );
    std::fs::write(&pw, "wrong-password\n").unwrap();
    let wrong = desk.run(&[
        "hold",
        "list",
        "--as",
        "dep",
        "--password-file",
        pw.to_str().unwrap(),
    ]);
    assert_eq!(wrong.code, 3, "{}", wrong.stderr);
}

#[test]
fn an_admin_issued_password_must_be_changed_before_login() {
    let desk = TestDesk::new();
    desk.run_stdin(
        &[
            "user",
            "add",
            "--username",
            "new",
            "--full-name",
            "New Deputy",
            "--role",
            "deputy",
            "--password-stdin",
            "--as",
            "admin",
        ],
        PW,
    )
    .ok();
    let first = desk.run_stdin(&["login", "--as", "new", "--password-stdin"], PW);
    assert_eq!(first.code, 3, "{}", first.stderr);
    assert!(
        first.stderr.contains("wsoctl user password --as new"),
        "{}",
        first.stderr
    );
    let pw = desk.dir.path().join("pw");
    std::fs::write(&pw, format!("{PW}\n")).unwrap();
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    let one = desk.run(&[
        "hold",
        "list",
        "--as",
        "new",
        "--password-file",
        pw.to_str().unwrap(),
    ]);
    assert_eq!(one.code, 3, "not even for one command: {}", one.stderr);
    assert!(
        one.stderr.contains("must be changed first"),
        "{}",
        one.stderr
    );

    let wrong = desk.run_stdin(
        &["user", "password", "--as", "new", "--password-stdin"],
        "not-the-current\nSlow-Heron-Ledger-58",
    );
    assert_eq!(wrong.code, 3, "{}", wrong.stderr);
    let failures: i64 = desk
        .raw()
        .query_row(
            "SELECT count(*) FROM sign_in_failure WHERE username = 'new'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failures, 1, "a wrong current password counts");
    assert!(audit_actions(&desk)
        .iter()
        .any(|a| a.starts_with("new user.password_change failure")));

    desk.run_stdin(
        &["user", "password", "--as", "new", "--password-stdin"],
        &format!("{PW}\nSlow-Heron-Ledger-58"),
    )
    .ok();
    desk.run_stdin(
        &["login", "--as", "new", "--password-stdin"],
        "Slow-Heron-Ledger-58",
    )
    .ok();
    desk.run(&["hold", "list", "--as", "new"]).ok();
}

#[test]
fn reads_of_personal_data_are_audited() {
    let desk = TestDesk::new();
    let hold = desk.open(&now_plus(-600), "B-1");
    let id = hold["hold_id"].as_str().unwrap();
    desk.run(&["hold", "list", "--json", "--as", "dep"]).ok();
    desk.run(&["hold", "show", id, "--json", "--as", "dep"])
        .ok();
    desk.run(&["officer", "list", "--json", "--as", "dep"]).ok();
    desk.run(&["user", "list", "--json", "--as", "admin"]).ok();
    let actions = audit_actions(&desk);
    for expected in [
        "dep hold.list success".to_owned(),
        format!("dep hold.show success {id}"),
        "dep officer.list success".to_owned(),
        "admin user.list success".to_owned(),
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(&expected)),
            "{expected}: {actions:#?}"
        );
    }
}

#[test]
fn a_locked_admin_is_unlocked_with_the_database_key_and_it_is_audited() {
    let desk = TestDesk::new();
    token_file_of(&desk, "admin");
    for _ in 0..5 {
        let run = desk.run_stdin(
            &["login", "--as", "admin", "--password-stdin"],
            "wrong-password",
        );
        assert_eq!(run.code, 3);
    }
    let wrong = desk.run_stdin(
        &["login", "--as", "admin", "--password-stdin"],
        "wrong-password",
    );
    let locked = desk.run_stdin(&["login", "--as", "admin", "--password-stdin"], ADMIN_PW);
    assert_eq!(locked.code, 3);
    assert_eq!(
        locked.stderr, wrong.stderr,
        "a locked account answers as a wrong password does"
    );

    let missing = desk.dir.path().join("no-such.key");
    let no_key = desk.run(&[
        "user",
        "unlock",
        "admin",
        "--with-key",
        "--db-key-file",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(no_key.code, 1, "{}", no_key.stderr);
    desk.run(&["user", "unlock", "admin", "--with-key"]).ok();
    desk.run_stdin(&["login", "--as", "admin", "--password-stdin"], ADMIN_PW)
        .ok();
    let actions = audit_actions(&desk);
    assert!(
        actions
            .iter()
            .any(|a| a.starts_with("key-holder user.unlock success admin")),
        "{actions:#?}"
    );
}

#[test]
fn admins_deactivate_and_change_roles_but_never_remove_the_last_admin() {
    let desk = TestDesk::new();
    let sup_tries = desk.run(&["user", "deactivate", "dep", "--as", "sup"]);
    assert_eq!(sup_tries.code, 3, "{}", sup_tries.stderr);
    let last = desk.run(&["user", "deactivate", "admin", "--as", "admin"]);
    assert_eq!(last.code, 3, "{}", last.stderr);
    assert!(last.stderr.contains("last active admin"), "{}", last.stderr);
    let demote = desk.run(&["user", "role", "admin", "--role", "deputy", "--as", "admin"]);
    assert_eq!(demote.code, 3, "{}", demote.stderr);
    assert!(
        demote.stderr.contains("last active admin"),
        "{}",
        demote.stderr
    );

    desk.run(&[
        "user",
        "role",
        "dep",
        "--role",
        "supervisor",
        "--as",
        "admin",
    ])
    .ok();
    let users = desk
        .run(&["user", "list", "--json", "--as", "admin"])
        .ok()
        .json();
    let dep = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "dep")
        .unwrap()
        .clone();
    assert_eq!(dep["role"], "supervisor");

    desk.run(&["user", "deactivate", "dep", "--as", "admin"])
        .ok();
    assert_eq!(
        desk.run(&["hold", "list", "--as", "dep"]).code,
        3,
        "its session ends"
    );
    let login = desk.run_stdin(&["login", "--as", "dep", "--password-stdin"], PW);
    assert_eq!(login.code, 3);
    assert!(
        login.stderr.contains("username or password not accepted"),
        "{}",
        login.stderr
    );
    let actions = audit_actions(&desk);
    assert!(
        actions
            .iter()
            .any(|a| a.starts_with("admin user.role success dep")),
        "{actions:#?}"
    );
    assert!(
        actions
            .iter()
            .any(|a| a.starts_with("admin user.deactivate success dep")),
        "{actions:#?}"
    );
}

#[test]
fn trivially_weak_passwords_are_refused() {
    let desk = TestDesk::new();
    for weak in ["Password1!", "aaaaaaaa", "qwertyuiop"] {
        let run = desk.run_stdin(
            &[
                "user",
                "add",
                "--username",
                "weak",
                "--full-name",
                "W",
                "--role",
                "deputy",
                "--password-stdin",
                "--json",
                "--as",
                "admin",
            ],
            weak,
        );
        assert_eq!(run.code, 3, "{weak}: {}", run.stderr);
        assert_eq!(run.json()["error"]["field"], "password", "{weak}");
    }
}
