//! The database key: 256 random bits, hex encoded, in a key file.
//!
//! Where it comes from, in order: the file the caller names (`--db-key-file`
//! or `WSO_DB_KEY_FILE`), else `PATH.key` beside the database. An OS keyring
//! is not used on this platform yet (see docs/adr/0001). Key files are created
//! with mode 0600 by `init` only (never adopted from someone else), and at
//! every open a key file that another user owns, or that its group or other
//! users may read or write, is refused before it is read.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;

use crate::error::{Error, Result};

pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Where a key came from, for messages ("the key from key file /x/y.key ...").
#[derive(Debug, Clone)]
pub struct KeySource {
    pub path: PathBuf,
    pub created: bool,
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key file {}", self.path.display())
    }
}

pub fn key_path(db: &Path, key_file: Option<&Path>) -> PathBuf {
    match key_file {
        Some(p) => p.to_path_buf(),
        None => {
            let mut name = db.as_os_str().to_owned();
            name.push(".key");
            PathBuf::from(name)
        }
    }
}

pub fn load(db: &Path, key_file: Option<&Path>) -> Result<(DbKey, KeySource)> {
    let path = key_path(db, key_file);
    let source = KeySource {
        path: path.clone(),
        created: false,
    };
    check_private(&source)?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Key {
        message: format!("cannot read the database key from {source}: {e}"),
    })?;
    let bytes = hex::decode(text.trim())
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| Error::Key {
            message: format!("{source} does not hold a database key (64 hex characters)"),
        })?;
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes);
    Ok((DbKey(key), source))
}

/// A key file must belong to the user opening the desk and be closed to its
/// group and to others: whoever can read it can read every hold.
#[cfg(unix)]
fn check_private(source: &KeySource) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::metadata(&source.path) {
        Ok(m) => m,
        // Missing or unreadable: the read below says so in its own words.
        Err(_) => return Ok(()),
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Error::Key {
            message: format!(
                "{source} is owned by user id {}, not by the user opening the desk ({me}); a key file must be its user's own: chown it, or use the key owner's account",
                meta.uid()
            ),
        });
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::Key {
            message: format!(
                "{source} can be read or changed by other users (mode {mode:03o}); make it private with `chmod 600 {}` and check who copied it",
                source.path.display()
            ),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_source: &KeySource) -> Result<()> {
    Ok(())
}

/// A new random key for a new database. An existing key file is refused:
/// `init` never adopts a key it did not make (it may be another desk's, or
/// planted so that its author can read the new desk).
pub fn create(db: &Path, key_file: Option<&Path>) -> Result<(DbKey, KeySource)> {
    let path = key_path(db, key_file);
    if path.exists() {
        return Err(refuse_existing(&path));
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    write_private(&path, hex::encode(key).as_bytes())?;
    Ok((
        DbKey(key),
        KeySource {
            path,
            created: true,
        },
    ))
}

fn refuse_existing(path: &Path) -> Error {
    Error::refused(
        Some("db_key_file"),
        format!(
            "a key file already exists at {}; a new database gets a new key of its own: move that file away (or restore its database) and try again",
            path.display()
        ),
    )
}

fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let io = |source| Error::Io {
        context: format!("writing the key file {}", path.display()),
        source,
    };
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            refuse_existing(path)
        } else {
            io(e)
        }
    })?;
    file.write_all(contents).map_err(io)?;
    file.write_all(b"\n").map_err(io)?;
    file.sync_all().map_err(io)
}
