//! Schema migrations: numbered `.sql` files in `migrations/`, embedded at build
//! time and applied by `PRAGMA user_version` in one transaction.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result, SqlContext};

/// Every schema version this build knows, in order: version N is the result of
/// applying the first N scripts.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/0001_custody.sql"),
    include_str!("../../../migrations/0002_sync.sql"),
    include_str!("../../../migrations/0003_sync_warnings.sql"),
    include_str!("../../../migrations/0004_agreement.sql"),
    include_str!("../../../migrations/0005_complaints.sql"),
    include_str!("../../../migrations/0006_sessions.sql"),
    include_str!("../../../migrations/0007_warrant_keys.sql"),
    include_str!("../../../migrations/0008_facility.sql"),
];

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn user_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .ctx("reading the schema version")
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, CURRENT_VERSION)
}

/// Bring the schema to `target` (tests use this to build older fixtures).
///
/// Several processes may open an old file at once (the window, its sync
/// loop, `wsoctl`): each takes the write lock first and reads the version
/// again under it, so only the first applies the scripts and the others
/// find the work done.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    if refuse_newer(user_version(conn)?)? >= target {
        return Ok(());
    }
    // A script may rebuild a table others refer to (schema 8 rebuilds
    // `hold`): foreign keys are off for the upgrade, which SQLite allows only
    // outside a transaction, and checked before it commits.
    conn.pragma_update(None, "foreign_keys", false)
        .ctx("pausing foreign keys for the schema upgrade")?;
    let upgraded = upgrade(conn, target);
    conn.pragma_update(None, "foreign_keys", true)
        .ctx("restoring foreign keys after the schema upgrade")?;
    upgraded
}

fn upgrade(conn: &mut Connection, target: i64) -> Result<()> {
    let tx = super::write_lock(conn, "starting the schema upgrade")?;
    let found = refuse_newer(user_version(&tx)?)?;
    if found >= target {
        return Ok(());
    }
    for (i, script) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        tx.execute_batch(script).map_err(|source| Error::Database {
            message: format!("schema upgrade to version {} failed: {source}", i + 1),
        })?;
    }
    let dangling: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()
        .ctx("checking references after the schema upgrade")?;
    if let Some(table) = dangling {
        return Err(Error::Database {
            message: format!(
                "schema upgrade to version {target} left a dangling reference in `{table}`"
            ),
        });
    }
    tx.pragma_update(None, "user_version", target)
        .ctx("recording the schema version")?;
    tx.commit().ctx("committing the schema upgrade")
}

fn refuse_newer(found: i64) -> Result<i64> {
    if found > CURRENT_VERSION {
        return Err(Error::Database {
            message: format!(
                "this database has schema version {found}, newer than this WSO Desk ({CURRENT_VERSION}); update the app, do not downgrade"
            ),
        });
    }
    Ok(found)
}
