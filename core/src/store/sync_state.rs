//! The `sync_state` (one row: the push/pull bookkeeping) and `sync_rejection`
//! tables' writes, in one place. What to record and when is decided in
//! `crate::sync`; every function here runs inside the caller's transaction.

use rusqlite::{params, Connection};

use crate::error::{Result, SqlContext};

/// The seq the endpoint last acknowledged.
pub(crate) fn acked_seq(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT acked_seq FROM sync_state WHERE singleton = 1",
        [],
        |r| r.get(0),
    )
    .ctx("reading the acknowledgement")
}

pub(crate) fn set_acked(conn: &Connection, ack: i64, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET acked_seq = ?1, last_success_at = ?2 WHERE singleton = 1",
        params![ack, at],
    )
    .ctx("recording the acknowledgement")?;
    Ok(())
}

pub(crate) fn insert_rejection(
    conn: &Connection,
    seq: i64,
    event_id: &str,
    code: &str,
    message: &str,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO sync_rejection (seq, event_id, code, message, seen_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![seq, event_id, code, message, at],
    )
    .ctx("recording a rejected event")?;
    Ok(())
}

pub(crate) fn set_skew(conn: &Connection, seconds: i64) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET server_time_skew_s = ?1 WHERE singleton = 1",
        [seconds],
    )
    .ctx("recording the clock difference")?;
    Ok(())
}

pub(crate) fn set_batch_size(conn: &Connection, batch_size: i64) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET batch_size = ?1 WHERE singleton = 1",
        [batch_size],
    )
    .ctx("keeping the smaller batch size")?;
    Ok(())
}

pub(crate) fn set_attempt_at(conn: &Connection, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_attempt_at = ?1 WHERE singleton = 1",
        [at],
    )
    .ctx("recording the sync attempt")?;
    Ok(())
}

/// The last error (or none) and the attempt time.
pub(crate) fn set_failure(
    conn: &Connection,
    code: Option<&str>,
    message: Option<&str>,
    at: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_error_code = ?1, last_error = ?2, last_attempt_at = ?3 WHERE singleton = 1",
        params![code, message, at],
    )
    .ctx("recording the sync attempt")?;
    Ok(())
}

/// A success at `at`; the clock difference only when measured.
pub(crate) fn set_success(conn: &Connection, skew_seconds: Option<i64>, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1,
             server_time_skew_s = COALESCE(?2, server_time_skew_s) WHERE singleton = 1",
        params![at, skew_seconds],
    )
    .ctx("recording the sync attempt")?;
    Ok(())
}

pub(crate) fn set_last_success(conn: &Connection, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_success_at = ?1 WHERE singleton = 1",
        [at],
    )
    .ctx("recording the sync")?;
    Ok(())
}

pub(crate) fn clear_warning(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET warning_code = NULL, warning = NULL, warning_at = NULL WHERE singleton = 1",
        [],
    )
    .ctx("clearing the sync warning")?;
    Ok(())
}

pub(crate) fn set_warning(conn: &Connection, code: &str, message: &str, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET warning_code = ?1, warning = ?2, warning_at = ?3 WHERE singleton = 1",
        params![code, message, at],
    )
    .ctx("recording a sync warning")?;
    Ok(())
}

pub(crate) fn set_error(
    conn: &Connection,
    code: Option<&str>,
    message: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_error_code = ?1, last_error = ?2 WHERE singleton = 1",
        params![code, message],
    )
    .ctx("recording the sync error")?;
    Ok(())
}

pub(crate) fn set_cursor(conn: &Connection, cursor: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_state SET cursor = ?1 WHERE singleton = 1",
        [cursor],
    )
    .ctx("storing the sync cursor")?;
    Ok(())
}
