//! A desk for the handoff tests, made with the built `wsoctl` the way an IT
//! person would, and the tools that read the PDF back (poppler-utils).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Duration, Utc};

const PASSWORD: &str = "correct horse battery";

pub struct Desk {
    pub dir: tempfile::TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        let desk = Desk {
            dir: tempfile::tempdir().unwrap(),
        };
        let facility = desk.path("FACILITY.toml");
        std::fs::write(&facility, include_str!("../../src/demo/facility.toml")).unwrap();
        let f = facility.to_str().unwrap();
        desk.ok_stdin(&[
            "init",
            "--facility",
            f,
            "--desk-id",
            "desk-1",
            "--admin",
            "admin",
            "--password-stdin",
        ]);
        for (user, name, role) in [
            ("sgt.rivera", "Sgt. Ana Rivera", "supervisor"),
            ("sgt.chen", "Sgt. Bo Chen", "supervisor"),
            ("dep.jones", "Deputy Sam Jones", "deputy"),
        ] {
            desk.ok_stdin(&[
                "user",
                "add",
                "--username",
                user,
                "--full-name",
                name,
                "--role",
                role,
                "--password-stdin",
                "--as",
                "admin",
            ]);
        }
        let today = Utc::now().date_naive();
        let (from, to) = (
            (today - Duration::days(30)).to_string(),
            (today + Duration::days(365)).to_string(),
        );
        desk.ok(&[
            "officer",
            "add",
            "--credential",
            "WSO-1",
            "--name",
            "Dep. Maria Lopez",
            "--trained-on",
            &from,
            "--expires-on",
            &to,
            "--authorized-on",
            &from,
            "--as",
            "sgt.rivera",
        ]);
        desk
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_env(args, stdin, &[])
    }

    pub fn run_env(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_wsoctl"))
            .args(args)
            .envs(env.iter().copied())
            .env("WSO_DB", self.path("desk.db"))
            .env("WSO_DB_KEY_FILE", self.path("desk.key"))
            .env_remove("WSO_USER")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            let _ = pipe.write_all(input.as_bytes()); // wsoctl may exit before reading
        }
        drop(pipe);
        child.wait_with_output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, None);
        assert!(
            out.status.success(),
            "wsoctl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn ok_stdin(&self, args: &[&str]) {
        let out = self.run(args, Some(&format!("{PASSWORD}\n")));
        assert!(
            out.status.success(),
            "wsoctl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Book a hold served at `served`; returns its id.
    pub fn book(&self, family: &str, given: &str, booking: &str, served: DateTime<Utc>) -> String {
        let served = wso_core::time::utc_text(served);
        let out = self.ok(&[
            "hold",
            "open",
            "--family-name",
            family,
            "--given-names",
            given,
            "--dob",
            "1990-04-02",
            "--booking-number",
            booking,
            "--warrant-form",
            "I-200",
            "--warrant-number",
            &format!("W-{booking}"),
            "--officer",
            "WSO-1",
            "--served-at",
            &served,
            "--criminal-release-at",
            &served,
            "--criminal-release-basis",
            "bond",
            "--ice-supervisor",
            "SDDO K. Patel",
            "--zone",
            "booking",
            "--as",
            "dep.jones",
            "--json",
        ]);
        let hold: serde_json::Value = serde_json::from_str(&out).unwrap();
        hold["hold_id"].as_str().unwrap().to_owned()
    }

    /// Print the sheet and return `pdftotext -layout` of it.
    pub fn sheet_text(&self, pdf: &Path, now: DateTime<Utc>, paper: &str) -> String {
        let now = wso_core::time::utc_text(now);
        self.ok(&[
            "handoff",
            "--out",
            pdf.to_str().unwrap(),
            "--now",
            &now,
            "--paper",
            paper,
            "--as",
            "sgt.rivera",
        ]);
        pdftotext(pdf)
    }
}

pub fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed to check the handoff sheet");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Keep the first page as a PNG for a person to look at (CI artifact).
pub fn keep_png(pdf: &Path, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("handoff");
    std::fs::create_dir_all(&dir).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(dir.join(name))
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(status.success());
}

pub fn position(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not on the sheet:\n{text}"))
}
