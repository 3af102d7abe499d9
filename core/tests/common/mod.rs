//! A desk prepared the way an IT person would: the real `wsoctl` binary on a
//! real encrypted database in a temporary folder.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub const FACILITY: &str = include_str!("../../src/demo/facility.toml");
pub const ADMIN_PW: &str = "admin-pass-2026";
pub const PW: &str = "a-good-long-pass";

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
    /// officer whose credential is valid for years around now.
    pub fn new() -> TestDesk {
        Self::with_facility(FACILITY)
    }

    pub fn with_facility(facility: &str) -> TestDesk {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("desk.db");
        let f = dir.path().join("facility.toml");
        std::fs::write(&f, facility).unwrap();
        let desk = TestDesk { dir, db };
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
            PW,
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
            PW,
        )
        .ok();
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

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, "")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(wsoctl_path())
            .args(args)
            .env("WSO_DB", &self.db)
            .env_remove("WSO_DB_KEY_FILE")
            .env_remove("WSO_USER")
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
