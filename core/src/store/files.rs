//! Files the desk writes outside its database (handoff sheets, reports,
//! backups): readable by their owner only (0600) and whole or absent.
//!
//! A file is first written to a temporary name in the same folder (so the
//! final rename never crosses file systems), flushed to disk, and only then
//! given its name. Callers that must audit the write do so between the two
//! steps ([`Staged::publish`] after the audit record is committed): a failed
//! write leaves no record, a failed record leaves no file. A [`Staged`] file
//! that is dropped unpublished is removed, so a full disk, an error or a panic
//! leaves nothing behind.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;

use crate::error::{Error, Result};

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it in one step (handoff sheets, reports).
    Replace,
    /// Refuse, naming the field (backups: a backup never overwrites a file).
    Refuse(&'static str),
}

/// Write `bytes` to `path` (mode 0600) through a temporary file and a rename,
/// replacing any file there. Nothing partial is ever left at either name.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let staged = Staged::new(path, Existing::Replace)?;
    staged.write_all(bytes)?;
    staged.publish()
}

/// Create an empty file at `path` readable by its owner only; fails if
/// anything exists there.
pub fn create_private(path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop).map_err(|source| Error::Io {
        context: format!("creating {}", path.display()),
        source,
    })
}

/// A private temporary file beside its target, not yet visible under its name.
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    existing: Existing,
    published: bool,
}

impl Staged {
    /// Create an empty 0600 temporary file in `target`'s folder.
    pub fn new(target: &Path, existing: Existing) -> Result<Staged> {
        refuse_existing(target, existing)?;
        let folder = folder_of(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::invalid("out", "names a folder, not a file"))?;
        let mut tag = [0u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut tag);
        let temp = folder.join(format!(".{name}.{}.partial", hex::encode(tag)));
        create_private(&temp)?;
        Ok(Staged {
            temp,
            target: target.to_path_buf(),
            existing,
            published: false,
        })
    }

    /// The temporary file, for writers that open it themselves (SQLite's backup).
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// The name the file gets when published.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Write the whole content and flush it to disk.
    pub fn write_all(&self, bytes: &[u8]) -> Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&self.temp)
            .map_err(|e| self.io(e))?;
        file.write_all(bytes).map_err(|e| self.io(e))?;
        file.sync_all().map_err(|e| self.io(e))
    }

    /// Give the file its name (replacing, or refusing an existing file as
    /// asked) and flush the folder, so the name survives a power cut.
    pub fn publish(mut self) -> Result<()> {
        // Whoever filled the file (SQLite) may have closed it without a flush.
        File::open(&self.temp)
            .and_then(|f| f.sync_all())
            .map_err(|e| self.io(e))?;
        match self.existing {
            Existing::Replace => {
                std::fs::rename(&self.temp, &self.target).map_err(|e| self.io(e))?
            }
            Existing::Refuse(field) => {
                // A hard link fails if the name exists: no window between check and write.
                std::fs::hard_link(&self.temp, &self.target).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        already_exists(field, &self.target)
                    } else {
                        self.io(e)
                    }
                })?;
                let _ = std::fs::remove_file(&self.temp);
            }
        }
        self.published = true;
        if let Ok(dir) = File::open(folder_of(&self.target)) {
            // Not every platform can sync a folder; the rename itself is done.
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            context: format!("writing {}", self.target.display()),
            source,
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn refuse_existing(target: &Path, existing: Existing) -> Result<()> {
    match existing {
        Existing::Refuse(field) if target.exists() => Err(already_exists(field, target)),
        _ => Ok(()),
    }
}

fn already_exists(field: &str, target: &Path) -> Error {
    Error::refused(
        Some(field),
        format!("{} already exists; choose a new file", target.display()),
    )
}
