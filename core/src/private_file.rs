//! Files the desk writes that hold personal data (reports, exports): readable
//! by the desk's user only (mode 0600), and never seen half-written. The
//! bytes go to a new temporary file in the same folder, are flushed to disk,
//! then renamed over the target: a crash or a full disk leaves the old file
//! or none, never a truncated one that looks complete.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Write `bytes` to `path` (replacing it) through a 0600 temporary file and a rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        context: format!("writing {}", path.display()),
        source: e,
    };
    let partial = partial_name(path);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&partial).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = renamed {
        let _ = std::fs::remove_file(&partial);
        return Err(io(e));
    }
    Ok(())
}

/// `.NAME.<random>.partial` beside the target: same folder (so the rename is
/// atomic), a fresh name (so `create_new` never meets a leftover or a link).
fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tag: u64 = rand::random();
    path.with_file_name(format!(".{name}.{tag:016x}.partial"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_whole_with_owner_only_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.csv");
        std::fs::write(&target, "old").unwrap();
        write_private(&target, b"new contents").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new contents");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "a replaced file takes the new mode");
        }
        // Nothing is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_folder_that_does_not_exist_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing").join("report.pdf");
        let e = write_private(&target, b"x").unwrap_err();
        assert_eq!(e.code(), "io");
        assert!(!target.exists());
    }
}
