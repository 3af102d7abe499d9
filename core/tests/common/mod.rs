//! A desk prepared the way an IT person would: the real `wsoctl` binary on a
//! real encrypted database in a temporary folder.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub const FACILITY: &str = include_str!("../../src/demo/facility.toml");
pub const ADMIN_PW: &str = "admin-pass-2026";
pub const PW: &str = "a-good-long-pass";
/// What the admin gives `sup` and `dep`; TestDesk changes it to [`PW`] as
/// each must before signing in.
pub const ISSUED_PW: &str = "issued-by-admin-2026";

pub struct TestDesk {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn wsoctl_path() -> &'static str {
    env!("CARGO_BIN_EXE_wsoctl")
}

impl TestDesk {
    /// A desk with the demo facility, an admin, a supervisor, a deputy and one
    /// officer whose credential is valid for years around now. All three are
    /// signed in (`wsoctl login`), each in this desk's own runtime directory,
    /// so `--as` works as after a real sign-in; `sup` and `dep` have first
    /// changed the admin-issued password to [`PW`].
    pub fn new() -> TestDesk {
        Self::with_facility(FACILITY)
    }

    pub fn with_facility(facility: &str) -> TestDesk {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("desk.db");
        let f = dir.path().join("facility.toml");
        std::fs::write(&f, facility).unwrap();
        let desk = TestDesk { dir, db };
        std::fs::create_dir(desk.runtime_dir()).unwrap();
        std::fs::set_permissions(
            desk.runtime_dir(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        desk.run_stdin(
            &[
                "init",
                "--facility",
                f.to_str().unwrap(),
                "--desk-id",
                "desk-1",
                "--admin",
                "admin",
                "--password-stdin",
            ],
            ADMIN_PW,
        )
        .ok();
        desk.login("admin", ADMIN_PW);
        desk.run_stdin(
            &[
                "user",
                "add",
                "--username",
                "sup",
                "--full-name",
                "Sgt. Sup",
                "--role",
                "supervisor",
                "--password-stdin",
                "--as",
                "admin",
            ],
            ISSUED_PW,
        )
        .ok();
        desk.run_stdin(
            &[
                "user",
                "add",
                "--username",
                "dep",
                "--full-name",
                "Dep. Uty",
                "--role",
                "deputy",
                "--password-stdin",
                "--as",
                "admin",
            ],
            ISSUED_PW,
        )
        .ok();
        for user in ["sup", "dep"] {
            desk.run_stdin(
                &["user", "password", "--as", user, "--password-stdin"],
                &format!("{ISSUED_PW}\n{PW}"),
            )
            .ok();
            desk.login(user, PW);
        }
        desk.run(&[
            "officer",
            "add",
            "--credential",
            "WSO-1",
            "--name",
            "Officer One",
            "--trained-on",
            "2020-01-01",
            "--expires-on",
            "2035-12-31",
            "--authorized-on",
            "2020-01-01",
            "--as",
            "sup",
        ])
        .ok();
        desk
    }

    /// This desk's `$XDG_RUNTIME_DIR`, where `wsoctl login` keeps its tokens.
    pub fn runtime_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    /// `wsoctl login --as USER --password-stdin`.
    pub fn login(&self, user: &str, password: &str) {
        self.run_stdin(&["login", "--as", user, "--password-stdin"], password)
            .ok();
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, "")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(wsoctl_path())
            .args(args)
            .env("WSO_DB", &self.db)
            .env_remove("WSO_DB_KEY_FILE")
            .env_remove("WSO_USER")
            .env_remove("WSO_PASSWORD_FILE")
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wsoctl runs");
        // wsoctl may exit (a usage error, a refusal) before it reads stdin: a
        // broken pipe is then expected; the exit code and output are what count.
        if let Some(mut pipe) = child.stdin.take() {
            let _ = pipe.write_all(format!("{stdin}\n").as_bytes());
        }
        let out: Output = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `hold open` with sensible defaults.
    pub fn open_args(served_at: &str, booking: &str) -> Vec<String> {
        Self::open_args_with(served_at, booking, &[])
    }

    /// `hold open` with defaults, each `--option value` in `overrides` replacing
    /// the default of that option (or added when there is none).
    pub fn open_args_with(served_at: &str, booking: &str, overrides: &[&str]) -> Vec<String> {
        let warrant = format!("W-{booking}");
        let mut pairs: Vec<(String, String)> = [
            ("--family-name", "Doe"),
            ("--given-names", "Jane"),
            ("--dob", "1990-04-02"),
            ("--booking-number", booking),
            ("--warrant-form", "I-200"),
            ("--warrant-number", warrant.as_str()),
            ("--officer", "WSO-1"),
            ("--served-at", served_at),
            // Served at the release from criminal custody, on bond.
            ("--criminal-release-at", served_at),
            ("--criminal-release-basis", "bond"),
            ("--ice-supervisor", "SDDO K. Patel"),
            ("--zone", "booking"),
            ("--as", "dep"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        // A flag without a value (`--interpreter-declined`) is given as
        // ("--flag", "") and printed alone.
        for pair in overrides.chunks(2) {
            let (k, v) = (
                pair[0].to_string(),
                pair.get(1).map(|s| s.to_string()).unwrap_or_default(),
            );
            match pairs.iter_mut().find(|(key, _)| *key == k) {
                Some(p) => p.1 = v,
                None => pairs.push((k, v)),
            }
        }
        let mut args = vec!["hold".to_string(), "open".to_string(), "--json".to_string()];
        for (k, v) in pairs {
            args.push(k);
            if !v.is_empty() || !FLAGS.contains(&args[args.len() - 1].as_str()) {
                args.push(v);
            }
        }
        args
    }

    pub fn open(&self, served_at: &str, booking: &str) -> serde_json::Value {
        let args = Self::open_args(served_at, booking);
        self.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .ok()
            .json()
    }

    pub fn list(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["hold", "list", "--json"];
        args.extend_from_slice(extra);
        if !extra.contains(&"--as") {
            args.extend_from_slice(&["--as", "dep"]);
        }
        self.run(&args).ok().json().as_array().cloned().unwrap()
    }

    /// Counts of holds, events and audit records straight from the database.
    pub fn counts(&self) -> (i64, i64, i64) {
        let conn = self.raw();
        let c = |t: &str| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        };
        (c("hold"), c("event"), c("audit"))
    }

    /// The database opened with its key, for checks and tampering.
    pub fn raw(&self) -> rusqlite::Connection {
        let key = std::fs::read_to_string(format!("{}.key", self.db.display())).unwrap();
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
            .unwrap();
        conn
    }
}

/// `hold open` options that take no value.
const FLAGS: &[&str] = &["--interpreter-declined"];

/// Now, truncated to whole seconds, as RFC 3339 UTC; `offset_s` added.
pub fn now_plus(offset_s: i64) -> String {
    let t = chrono::Utc::now() + chrono::Duration::seconds(offset_s);
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Names of the files in `dir`, sorted: to prove what was and was not written or moved.
pub fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// A desk as schema version 1 left it (core/tests/fixtures/schema_v1.sql,
/// with its data), at `dir/desk.db` with its key beside it; returns the path
/// and an open raw connection under the key, for adding what a test needs.
pub fn version_1_desk(dir: &std::path::Path) -> (PathBuf, rusqlite::Connection) {
    let db = dir.join("desk.db");
    let now = wso_core::time::parse_instant("now", "2026-11-27T14:00:00Z").unwrap();
    wso_core::Desk::init(&db, None, FACILITY, "desk-1", "admin", ADMIN_PW, now).unwrap();
    // Keep the key, rebuild the file as an older desk left it.
    std::fs::remove_file(&db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let key = std::fs::read_to_string(format!("{}.key", db.display())).unwrap();
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .unwrap();
    wso_core::store::migrations::migrate_to(&mut conn, 1).unwrap();
    conn.execute_batch(include_str!("../fixtures/schema_v1.sql"))
        .unwrap();
    (db, conn)
}
