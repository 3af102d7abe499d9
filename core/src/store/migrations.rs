//! Schema migrations: numbered `.sql` files in `migrations/`, embedded at build
//! time and applied by `PRAGMA user_version` in one transaction.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result, SqlContext};

/// Every schema version this build knows, in order: version N is the result of
/// applying the first N scripts.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/0001_custody.sql"),
    include_str!("../../../migrations/0002_sync.sql"),
    include_str!("../../../migrations/0003_sync_warnings.sql"),
    include_str!("../../../migrations/0004_agreement.sql"),
    include_str!("../../../migrations/0005_complaints.sql"),
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
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = user_version(conn)?;
    if found > CURRENT_VERSION {
        return Err(Error::Database {
            message: format!(
                "this database has schema version {found}, newer than this WSO Desk ({CURRENT_VERSION}); update the app, do not downgrade"
            ),
        });
    }
    if found >= target {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("starting the schema upgrade")?;
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
    tx.pragma_update(None, "user_version", target)
        .ctx("recording the schema version")?;
    tx.commit().ctx("committing the schema upgrade")
}
