//! The `user`, `sign_in_failure` and `cli_session` tables' writes (accounts,
//! the lockout count, `wsoctl` sessions), in one place. Who may change an
//! account and the lockout and session rules live in `crate::desk` and
//! `crate::auth`. Each function returns SQLite's own result (rows changed) so
//! the caller names what it was doing.

use rusqlite::{params, Connection};

/// The first admin, at `wsoctl init` (no password change forced).
pub(crate) fn insert_first_admin(
    conn: &Connection,
    username: &str,
    password_hash: &str,
    created_at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO user (username, full_name, role, password_hash, created_at) VALUES (?1, ?1, 'admin', ?2, ?3)",
        params![username, password_hash, created_at],
    )
}

/// A new account; its first sign-in must change the password.
pub(crate) fn insert(
    conn: &Connection,
    username: &str,
    full_name: &str,
    role: &str,
    password_hash: &str,
    created_at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO user (username, full_name, role, password_hash, must_change_password, created_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![username, full_name, role, password_hash, created_at],
    )
}

pub(crate) fn deactivate(conn: &Connection, username: &str) -> rusqlite::Result<usize> {
    conn.execute("UPDATE user SET active = 0 WHERE username = ?1", [username])
}

pub(crate) fn set_role(conn: &Connection, username: &str, role: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE user SET role = ?2 WHERE username = ?1",
        params![username, role],
    )
}

/// Set the password and lift the first-sign-in change.
pub(crate) fn set_password(
    conn: &Connection,
    username: &str,
    password_hash: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE user SET password_hash = ?2, must_change_password = 0 WHERE username = ?1",
        params![username, password_hash],
    )
}

/// Demo accounts only: no first-sign-in password change for anyone.
pub(crate) fn waive_password_change_for_all(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute("UPDATE user SET must_change_password = 0", [])
}

/// Lock at `at` unless already locked; rows changed (0 when it was).
pub(crate) fn lock(conn: &Connection, username: &str, at: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE user SET locked_at = ?2 WHERE username = ?1 AND locked_at IS NULL",
        params![username, at],
    )
}

/// Rows changed (0 when there is no such user).
pub(crate) fn unlock(conn: &Connection, username: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE user SET locked_at = NULL WHERE username = ?1",
        [username],
    )
}

pub(crate) fn insert_failure(
    conn: &Connection,
    username: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO sign_in_failure (username, at) VALUES (?1, ?2)",
        params![username, at],
    )
}

pub(crate) fn clear_failures(conn: &Connection, username: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM sign_in_failure WHERE username = ?1",
        [username],
    )
}

pub(crate) fn insert_session(
    conn: &Connection,
    token_hash: &str,
    username: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO cli_session (token_hash, username, signed_in_at, last_used_at) VALUES (?1, ?2, ?3, ?3)",
        params![token_hash, username, at],
    )
}

pub(crate) fn touch_session(
    conn: &Connection,
    token_hash: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE cli_session SET last_used_at = ?2 WHERE token_hash = ?1",
        params![token_hash, at],
    )
}

/// End one session of `username`; rows changed (0 when there was none).
pub(crate) fn end_session(
    conn: &Connection,
    token_hash: &str,
    username: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM cli_session WHERE token_hash = ?1 AND username = ?2",
        params![token_hash, username],
    )
}

pub(crate) fn end_session_by_token(conn: &Connection, token_hash: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM cli_session WHERE token_hash = ?1",
        [token_hash],
    )
}

pub(crate) fn end_sessions_of(conn: &Connection, username: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM cli_session WHERE username = ?1", [username])
}

/// End `username`'s sessions idle since `idle_before` or begun by `signed_in_before`.
pub(crate) fn end_lapsed_sessions(
    conn: &Connection,
    username: &str,
    idle_before: &str,
    signed_in_before: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM cli_session WHERE username = ?1 AND (last_used_at <= ?2 OR signed_in_at <= ?3)",
        params![username, idle_before, signed_in_before],
    )
}
