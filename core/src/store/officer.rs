//! The `officer` table's writes (the WSO roster), in one place. Who may add
//! or withdraw and what is checked first lives in `crate::desk::officers`.

use rusqlite::{params, Connection};

use crate::error::{Result, SqlContext};

pub(crate) fn exists(conn: &Connection, credential: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM officer WHERE credential = ?1)",
        [credential],
        |r| r.get(0),
    )
    .ctx("checking the credential")
}

/// A roster entry as stored (dates `YYYY-MM-DD`, `created_at` UTC text).
pub(crate) struct NewOfficer<'a> {
    pub credential: &'a str,
    pub name: &'a str,
    pub trained_on: &'a str,
    pub expires_on: &'a str,
    pub authorized_on: &'a str,
    pub created_at: &'a str,
}

pub(crate) fn insert(conn: &Connection, o: &NewOfficer<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO officer (credential, name, trained_on, expires_on, authorized_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            o.credential,
            o.name,
            o.trained_on,
            o.expires_on,
            o.authorized_on,
            o.created_at
        ],
    )
    .ctx("writing the officer")?;
    Ok(())
}

/// Record a withdrawal unless an earlier one is already recorded; whether a
/// row changed.
pub(crate) fn set_withdrawn(
    conn: &Connection,
    credential: &str,
    at: &str,
    reason: &str,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE officer SET withdrawn_at = ?2, withdrawn_reason = ?3
             WHERE credential = ?1 AND (withdrawn_at IS NULL OR withdrawn_at > ?2)",
            params![credential, at, reason],
        )
        .ctx("withdrawing the authorization")?;
    Ok(n > 0)
}
