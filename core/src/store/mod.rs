//! The encrypted store: one SQLCipher file per desk.
//!
//! Opening a store means: find the key (key file named by the caller, else the
//! `PATH.key` file beside the database), apply it as a raw 256-bit key (no
//! PBKDF2 on every CLI call), prove it opens the file, set the pragmas (WAL,
//! `synchronous=FULL`, foreign keys, busy timeout) and bring the schema up to
//! date in one transaction. A wrong or missing key never creates or touches a
//! file; a schema newer than this code is refused; a damaged file is renamed
//! aside, never deleted. See docs/adr/0001 and 0002.

pub mod key;
pub mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

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

/// Open an existing encrypted database. Fails (without touching anything) when
/// the file is missing, the key is missing or wrong, or the schema is newer.
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
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ctx("opening the database file")?;
    apply_key(&conn, &key)?;
    prove_key(&conn, &source)?;
    check_not_damaged(conn, path).and_then(prepare)
}

/// Create a new encrypted database at `path` (which must not exist) with a new
/// random key written to `key_file` or `PATH.key` (mode 0600) unless that key
/// file already exists, in which case its key is used.
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
    let (key, source) = key::load_or_create(path, key_file)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ctx("creating the database file")?;
    apply_key(&conn, &key)?;
    let conn = prepare(conn)?;
    Ok((conn, source))
}

pub(crate) fn apply_key(conn: &Connection, key: &DbKey) -> Result<()> {
    // A raw key (x'..') skips SQLCipher's PBKDF2: the key is already 256 random bits.
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.hex()))
        .ctx("applying the database key")
}

fn prove_key(conn: &Connection, source: &KeySource) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            Err(Error::Key {
                message: format!(
                    "the key from {source} does not open this database (wrong key, or not a WSO Desk database)"
                ),
            })
        }
        Err(source) => Err(Error::Sqlite { context: "reading the database with its key", source }),
    }
}

/// Files up to this size get a full `quick_check` at every open; a larger
/// desk (years of history) gets a cheap probe at open and the full check in
/// `audit verify`, which IT runs daily and before backups (docs/benchmarks.md:
/// a full check of a 165 MiB desk takes about a second).
const FULL_CHECK_AT_OPEN_BYTES: u64 = 32 * 1024 * 1024;

/// The key opened page 1; if the rest of the file is damaged, move it aside so
/// nobody keeps writing into it, and say where it went.
fn check_not_damaged(conn: Connection, path: &Path) -> Result<Connection> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let healthy = if size <= FULL_CHECK_AT_OPEN_BYTES {
        matches!(conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)), Ok(ok) if ok == "ok")
    } else {
        // The pages every desk action touches first: schema, newest event and audit record.
        conn.query_row(
            "SELECT (SELECT max(seq) FROM event), (SELECT max(seq) FROM audit), (SELECT count(*) FROM facility)",
            [],
            |_| Ok(()),
        )
        .is_ok()
    };
    if healthy {
        return Ok(conn);
    }
    drop(conn);
    let aside = path.with_extension(format!("damaged-{}.db", std::process::id()));
    let io = |source| Error::Io {
        context: format!("moving damaged {} aside", path.display()),
        source,
    };
    std::fs::rename(path, &aside).map_err(io)?;
    // Its write-ahead log belongs with it: it may hold the newest commits.
    for suffix in ["-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = aside.as_os_str().to_owned();
        to.push(suffix);
        if Path::new(&from).exists() {
            std::fs::rename(&from, &to).map_err(io)?;
        }
    }
    Err(Error::Database {
        message: format!(
            "the database at {} is damaged; it was moved to {} (nothing was deleted); restore the last backup",
            path.display(),
            aside.display()
        ),
    })
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
    conn.busy_timeout(Duration::from_secs(10))
        .ctx("setting the busy timeout")?;
    // WAL + FULL: a committed hold survives power loss; see docs/adr/0002.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .ctx("setting the database pragmas")?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

/// Write a consistent copy of the live database to `out`, encrypted with the
/// same key (SQLite's online backup API; the copy opens with the same key file).
pub fn backup(
    conn: &Connection,
    db_path: &Path,
    key_file: Option<&Path>,
    out: &Path,
) -> Result<()> {
    if out.exists() {
        return Err(Error::refused(
            Some("out"),
            format!("{} already exists; choose a new file", out.display()),
        ));
    }
    let (key, _) = key::load(db_path, key_file)?;
    let mut dest = Connection::open(out).ctx("creating the backup file")?;
    apply_key(&dest, &key)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dest).ctx("starting the backup")?;
        backup
            .run_to_completion(256, Duration::from_millis(0), None)
            .ctx("copying the database")?;
    }
    dest.execute_batch("PRAGMA journal_mode = DELETE;")
        .ctx("finishing the backup")?;
    Ok(())
}
