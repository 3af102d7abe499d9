//! The encrypted store: one SQLCipher file per desk.
//!
//! Opening a store means: find the key (key file named by the caller, else the
//! `PATH.key` file beside the database), apply it as a raw 256-bit key (no
//! PBKDF2 on every CLI call), prove it opens the file, set the pragmas (WAL,
//! `synchronous=FULL`, foreign keys, busy timeout) and bring the schema up to
//! date in one transaction. A wrong, missing or unsafe key never creates or
//! touches a file; a schema newer than this code is refused; a file SQLite
//! finds damaged is renamed aside, never deleted, and nothing is created in
//! its place; any other failure (busy, I/O) stops with a message and changes
//! nothing. See docs/adr/0001, 0002 and 0017.

pub mod audit;
pub(crate) mod event;
pub mod facility;
pub mod files;
pub(crate) mod hold;
pub mod key;
pub mod migrations;
pub(crate) mod officer;
pub(crate) mod sync_state;
pub(crate) mod user;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result, SqlContext};
pub use key::{DbKey, KeySource};

/// Where the desktop app and `wsoctl` keep the database when none is named:
/// `$XDG_DATA_HOME/wso-desk/wso-desk.db` (else `~/.local/share/...`).
pub fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("wso-desk").join("wso-desk.db")
}

/// How long a command waits for another process's write lock before saying
/// the database is in use (a custody write takes milliseconds).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLCipher's page size: every healthy file is a whole number of pages.
const PAGE_BYTES: u64 = 4096;

/// Open an existing encrypted database. Fails without touching anything when
/// the file is missing, the key file is missing, unsafe or wrong, the file is
/// in use by another program, cannot be read, or has a newer schema. Only a
/// file SQLite itself finds damaged (or one too short to be a database) is
/// moved aside, and a new database is never made in its place.
pub fn open_existing(path: &Path, key_file: Option<&Path>) -> Result<Connection> {
    if !path.exists() {
        return Err(Error::Database {
            message: format!(
                "no database at {}: create one with `wsoctl init`",
                path.display()
            ),
        });
    }
    let (key, source) = key::load(path, key_file)?;
    if let Some(why) = too_short(path)? {
        return Err(move_aside(path, &why));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| stop(path, "opening the database file", e))?;
    // Before the first read: a healthy file another program is writing must
    // be waited for, never taken for a damaged one.
    conn.busy_timeout(BUSY_TIMEOUT)
        .ctx("setting the busy timeout")?;
    apply_key(&conn, &key)?;
    let damaged = match prove_key(&conn, &source, path)? {
        Some(why) => Some(why),
        None => damage(&conn, path)?,
    };
    if let Some(why) = damaged {
        drop(conn);
        return Err(move_aside(path, &why));
    }
    prepare(conn)
}

/// Create a new encrypted database at `path` (which must not exist) with a new
/// random key written to `key_file` or `PATH.key` (mode 0600). An existing
/// key file is refused, never adopted. If creating the database fails, the
/// key file and the file made for it are removed again.
pub fn create_new(path: &Path, key_file: Option<&Path>) -> Result<(Connection, KeySource)> {
    if path.exists() {
        return Err(Error::refused(
            Some("db"),
            format!(
                "a database already exists at {}; it is never overwritten",
                path.display()
            ),
        ));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            context: format!("creating {}", dir.display()),
            source,
        })?;
    }
    let (key, source) = key::create(path, key_file)?;
    // Made 0600 before SQLite opens it: its WAL and shared-memory files take
    // the database file's mode, so the whole desk stays its owner's alone.
    if let Err(e) = files::create_private(path) {
        let _ = std::fs::remove_file(&source.path);
        return Err(e);
    }
    let made = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ctx("creating the database file")
    .and_then(|conn| {
        conn.busy_timeout(BUSY_TIMEOUT)
            .ctx("setting the busy timeout")?;
        apply_key(&conn, &key)?;
        prepare(conn)
    });
    match made {
        Ok(conn) => Ok((conn, source)),
        Err(e) => {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            let _ = std::fs::remove_file(&source.path);
            Err(e)
        }
    }
}

pub(crate) fn apply_key(conn: &Connection, key: &DbKey) -> Result<()> {
    // A raw key (x'..') skips SQLCipher's PBKDF2: the key is already 256 random bits.
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.hex()))
        .ctx("applying the database key")
}

/// Page 1 must decrypt (the schema version lives in its header, so reading
/// it touches page 1 only). SQLCipher cannot tell a wrong key from a damaged
/// first page ("not a database"), so that is a key error and the file is left
/// exactly as it is. A page 1 that decrypts (its HMAC checks out: the key is
/// right) but that SQLite finds inconsistent, e.g. a file shorter than its
/// header says, is damage: `Ok(Some(why))`.
fn prove_key(conn: &Connection, source: &KeySource, path: &Path) -> Result<Option<String>> {
    match conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(None),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => Err(Error::Key {
            message: format!(
                "the key from {source} does not open {} (a wrong key, or not a WSO Desk database); nothing was changed",
                path.display()
            ),
        }),
        Err(e) if is_corruption(&e) => Ok(Some(format!("SQLite says: {e}"))),
        Err(e) => Err(stop(path, "reading the database with its key", e)),
    }
}

/// Files up to this size get a full `quick_check` at every open; a larger
/// desk (years of history) gets a cheap probe at open and the full check in
/// `audit verify`, which IT runs daily and before backups (docs/benchmarks.md:
/// a full check of a 165 MiB desk takes about a second).
const FULL_CHECK_AT_OPEN_BYTES: u64 = 32 * 1024 * 1024;

/// SQLite's own verdict on a file whose key is proven: `Some(why)` when it is
/// damaged. Any other failure (busy, I/O, permissions) is an error: the file
/// is fine as far as anyone knows and stays where it is.
fn damage(conn: &Connection, path: &Path) -> Result<Option<String>> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let answer = if size <= FULL_CHECK_AT_OPEN_BYTES {
        conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
    } else {
        // The pages every desk action touches first: schema, newest event and audit record.
        conn.query_row(
            "SELECT (SELECT max(seq) FROM event), (SELECT max(seq) FROM audit), (SELECT count(*) FROM facility)",
            [],
            |_| Ok("ok".to_owned()),
        )
    };
    match answer {
        Ok(verdict) if verdict == "ok" => Ok(None),
        Ok(verdict) => Ok(Some(format!("SQLite's check says: {verdict}"))),
        Err(e) if is_corruption(&e) => Ok(Some(format!("SQLite says: {e}"))),
        Err(e) => Err(stop(path, "checking the database", e)),
    }
}

/// An empty file (with no write-ahead log holding its pages) or one that
/// ends inside a page cannot be a database; SQLite would answer it with an
/// empty database and a new schema, so it is caught before SQLite sees it.
fn too_short(path: &Path) -> Result<Option<String>> {
    let size = std::fs::metadata(path)
        .map_err(|source| Error::Io {
            context: format!("reading {}", path.display()),
            source,
        })?
        .len();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    Ok(if size == 0 && wal_size == 0 {
        Some("the file is empty".to_owned())
    } else if size % PAGE_BYTES != 0 {
        Some(format!(
            "the file is truncated: {size} bytes is not a whole number of {PAGE_BYTES}-byte pages"
        ))
    } else {
        None
    })
}

/// How many times a write waits out `BUSY_TIMEOUT` before it gives up.
const WRITE_LOCK_ATTEMPTS: u32 = 3;

/// Take the write lock (`BEGIN IMMEDIATE`) before reading anything a write
/// depends on (the audit chain's tail, the schema version), so two processes
/// never decide on the same snapshot. SQLite's busy handler waits up to
/// `BUSY_TIMEOUT`; a lock still held after that is retried a bounded number
/// of times, then reported as "locked", never as damage.
pub(crate) fn write_lock<'c>(conn: &'c Connection, what: &'static str) -> Result<Transaction<'c>> {
    let mut attempt = 1;
    loop {
        match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
            Ok(tx) => return Ok(tx),
            Err(e) if is_busy(&e) && attempt < WRITE_LOCK_ATTEMPTS => {
                std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
                attempt += 1;
            }
            Err(e) => {
                return Err(if is_busy(&e) {
                    Error::Database {
                        message: format!(
                            "{what}: the database is locked by another program; nothing was changed, try again"
                        ),
                    }
                } else {
                    Error::Sqlite {
                        context: what,
                        source: e,
                    }
                })
            }
        }
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A failure that says nothing about the file's health: stop, touch nothing.
fn stop(path: &Path, doing: &'static str, e: rusqlite::Error) -> Error {
    if is_busy(&e) {
        return Error::Database {
            message: format!(
                "the database at {} is locked by another program (busy for more than {} s); nothing was changed: close the other program and try again",
                path.display(),
                BUSY_TIMEOUT.as_secs()
            ),
        };
    }
    Error::Sqlite {
        context: doing,
        source: e,
    }
}

/// Move a damaged file (and its write-ahead log) aside so nobody keeps
/// writing into it, never deleting or overwriting anything, and say where.
fn move_aside(path: &Path, why: &str) -> Error {
    let mut tag = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut tag);
    let aside = path.with_extension(format!("damaged-{}.db", hex::encode(tag)));
    let io = |source| Error::Io {
        context: format!("moving damaged {} aside", path.display()),
        source,
    };
    if aside.exists() {
        return io(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
    }
    if let Err(e) = std::fs::rename(path, &aside) {
        return io(e);
    }
    // Its write-ahead log belongs with it: it may hold the newest commits.
    for suffix in ["-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = aside.as_os_str().to_owned();
        to.push(suffix);
        if Path::new(&from).exists() {
            if let Err(e) = std::fs::rename(&from, &to) {
                return io(e);
            }
        }
    }
    Error::Database {
        message: format!(
            "the database at {} is damaged ({why}); it was moved to {} (nothing was deleted); restore the last backup, or create a new desk with `wsoctl init`",
            path.display(),
            aside.display()
        ),
    }
}

/// The full page-level check (`PRAGMA integrity_check`), for `audit verify`.
pub fn integrity_check(conn: &Connection) -> Result<()> {
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .ctx("checking the database pages")?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(Error::Database {
            message: format!("the database file is damaged: {verdict}; restore the last backup"),
        })
    }
}

fn prepare(mut conn: Connection) -> Result<Connection> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .ctx("setting the busy timeout")?;
    // Before the schema upgrade: migration 0007 fills warrant keys with it.
    crate::custody::text::register_sql_functions(&conn)?;
    // WAL + FULL: a committed hold survives power loss; see docs/adr/0002.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .ctx("setting the database pragmas")?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

/// Write a consistent copy of the live database into `staged` (a private
/// temporary file beside the backup's name), encrypted with the same key
/// (SQLite's online backup API; the copy opens with the same key file). The
/// caller publishes it once the backup's audit record is written.
pub fn backup(
    conn: &Connection,
    db_path: &Path,
    key_file: Option<&Path>,
    staged: &files::Staged,
) -> Result<()> {
    let (key, _) = key::load(db_path, key_file)?;
    let mut dest = Connection::open(staged.temp_path()).ctx("creating the backup file")?;
    apply_key(&dest, &key)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dest).ctx("starting the backup")?;
        backup
            .run_to_completion(256, Duration::from_millis(0), None)
            .ctx("copying the database")?;
    }
    dest.execute_batch("PRAGMA journal_mode = DELETE;")
        .ctx("finishing the backup")?;
    dest.close().map_err(|(_, source)| Error::Sqlite {
        context: "closing the backup file",
        source,
    })
}
