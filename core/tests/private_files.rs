//! Files that leave the database (handoff sheets, backups) are written for
//! their owner only (0600), whole or not at all: through a temporary file in
//! the same folder, flushed, then renamed, and only once the audit record of
//! the write is committed. Through the real `wsoctl`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

use common::{names_in, now_plus, TestDesk};

fn desk_with_a_hold() -> TestDesk {
    let desk = TestDesk::new();
    desk.open(&now_plus(-3600), "B-1");
    desk
}

/// Make the audit append of `action` fail, as a full disk would.
fn fail_audit_of(desk: &TestDesk, action: &str) {
    desk.raw()
        .execute_batch(&format!(
            "CREATE TRIGGER audit_fails BEFORE INSERT ON audit WHEN NEW.action = '{action}'
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
        ))
        .unwrap();
}

/// An 8 KiB file system, too small for a sheet or a backup. Unmounted on drop.
struct TinyDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl TinyDisk {
    fn mount() -> Option<TinyDisk> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny");
        std::fs::create_dir(&path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
            .arg(&path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            Some(TinyDisk { path, _dir: dir })
        } else {
            eprintln!("SKIPPED: cannot mount a tmpfs here (needs root); the full-disk case is not exercised");
            None
        }
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn a_handoff_sheet_is_private_and_replaced_whole() {
    let desk = desk_with_a_hold();
    let out = desk.dir.path().join("sheets");
    std::fs::create_dir(&out).unwrap();
    let pdf = out.join("sheet.pdf");
    std::fs::write(&pdf, b"yesterday's sheet").unwrap();
    std::fs::set_permissions(&pdf, std::fs::Permissions::from_mode(0o644)).unwrap();
    desk.run(&["handoff", "--out", pdf.to_str().unwrap(), "--as", "sup"])
        .ok();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let mode = std::fs::metadata(&pdf).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "owner only, even over an older 0644 sheet"
    );
    assert_eq!(names_in(&out), ["sheet.pdf"], "no temporary file left");
}

#[test]
fn a_handoff_whose_audit_fails_leaves_no_sheet() {
    let desk = desk_with_a_hold();
    let out = desk.dir.path().join("sheets");
    std::fs::create_dir(&out).unwrap();
    fail_audit_of(&desk, "handoff.print");
    let pdf = out.join("new.pdf");
    let run = desk.run(&["handoff", "--out", pdf.to_str().unwrap(), "--as", "sup"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(names_in(&out).is_empty(), "{:?}", names_in(&out));
    // Over an existing sheet: the old one stays as it was.
    let old = out.join("old.pdf");
    std::fs::write(&old, b"yesterday's sheet").unwrap();
    let run = desk.run(&["handoff", "--out", old.to_str().unwrap(), "--as", "sup"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(std::fs::read(&old).unwrap(), b"yesterday's sheet");
    assert_eq!(names_in(&out), ["old.pdf"]);
}

#[test]
fn a_backup_whose_audit_fails_leaves_no_file() {
    let desk = desk_with_a_hold();
    let out = desk.dir.path().join("backups");
    std::fs::create_dir(&out).unwrap();
    fail_audit_of(&desk, "backup");
    let file = out.join("b.db");
    let run = desk.run(&["backup", "--out", file.to_str().unwrap(), "--as", "admin"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(names_in(&out).is_empty(), "{:?}", names_in(&out));
}

#[test]
fn a_full_disk_leaves_no_partial_sheet_or_backup() {
    let desk = desk_with_a_hold();
    let Some(disk) = TinyDisk::mount() else {
        return;
    };
    let (audit_before, files_before) = (desk.counts().2, names_in(&disk.path));
    assert!(files_before.is_empty());
    let pdf = disk.path.join("sheet.pdf");
    let run = desk.run(&["handoff", "--out", pdf.to_str().unwrap(), "--as", "sup"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let backup = disk.path.join("b.db");
    let run = desk.run(&["backup", "--out", backup.to_str().unwrap(), "--as", "admin"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        names_in(&disk.path).is_empty(),
        "{:?}",
        names_in(&disk.path)
    );
    assert_eq!(
        desk.counts().2,
        audit_before,
        "no audit record of a write that failed"
    );
}

#[test]
fn a_backup_never_replaces_a_file() {
    let desk = desk_with_a_hold();
    let file = desk.dir.path().join("b.db");
    std::fs::write(&file, b"something else").unwrap();
    let run = desk.run(&[
        "backup",
        "--out",
        file.to_str().unwrap(),
        "--as",
        "admin",
        "--json",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.json()["error"]["field"], "out");
    assert_eq!(std::fs::read(&file).unwrap(), b"something else");
}
