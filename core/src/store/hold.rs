//! The writes of the `hold` table and the tables that hang off a hold:
//! `claim` (citizenship claims), `incident` and `ice_update` (ICE's updates
//! as received), in one place. The custody rules that decide each write live
//! in `crate::custody` and `crate::desk`; every function here runs inside the
//! caller's transaction and returns SQLite's own result (rows changed) so the
//! caller names what it was doing.

use rusqlite::{params, Connection, Params, ToSql};

/// Book a new open hold. The values are, in order: hold_id, family_name,
/// given_names, date_of_birth, booking_number, a_number, warrant_form,
/// warrant_number, detainer_number, officer_credential, served_at (also the
/// first last_event_at), zone_id, lat_e7, lon_e7, authority, deadline_at,
/// criminal_release_at, criminal_release_basis, ice_supervisor, language,
/// interpreter, interpreter_declined, agreement_id.
pub(crate) fn insert(conn: &Connection, values: impl Params) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO hold (hold_id, status, family_name, given_names, date_of_birth, booking_number, a_number,
             warrant_form, warrant_number, detainer_number, officer_credential, served_at, zone_id, lat_e7, lon_e7,
             inside_perimeter, authority, deadline_at, last_event_at,
             criminal_release_at, criminal_release_basis, ice_supervisor, language, interpreter,
             interpreter_declined, agreement_id, booked_at_desk)
         VALUES (?1, 'open', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?16, ?11,
             ?17, ?18, ?19, ?20, ?21, ?22, ?23, (SELECT desk_id FROM facility WHERE singleton = 1))",
        values,
    )
}

/// Set one column. `column` is never user text: it comes from the fixed
/// list of correctable fields or of ICE effects.
pub(crate) fn set_column(
    conn: &Connection,
    hold_id: &str,
    column: &str,
    value: impl ToSql,
) -> rusqlite::Result<usize> {
    conn.execute(
        &format!("UPDATE hold SET {column} = ?2 WHERE hold_id = ?1"),
        params![hold_id, value],
    )
}

pub(crate) fn set_zone(
    conn: &Connection,
    hold_id: &str,
    zone_id: &str,
    inside: bool,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE hold SET zone_id = ?2, inside_perimeter = ?3, last_event_at = ?4 WHERE hold_id = ?1",
        params![hold_id, zone_id, inside, at],
    )
}

pub(crate) fn set_last_event_at(
    conn: &Connection,
    hold_id: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE hold SET last_event_at = ?2 WHERE hold_id = ?1",
        params![hold_id, at],
    )
}

/// The hold now stands on an IGSA: its authority, agreement and deadline.
pub(crate) fn set_igsa(
    conn: &Connection,
    hold_id: &str,
    authority: &str,
    agreement_id: &str,
    deadline_at: Option<String>,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE hold SET authority = ?2, agreement_id = ?3, deadline_at = ?4, last_event_at = ?5 WHERE hold_id = ?1",
        params![hold_id, authority, agreement_id, deadline_at, at],
    )
}

/// The notice to ICE: when, how, to whom.
pub(crate) fn set_notified(
    conn: &Connection,
    hold_id: &str,
    at: &str,
    method: &str,
    to: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE hold SET ice_notified_at = ?2, ice_notice_method = ?3, ice_notified_to = ?4 WHERE hold_id = ?1",
        params![hold_id, at, method, to],
    )
}

pub(crate) fn close_transferred(
    conn: &Connection,
    hold_id: &str,
    at: &str,
    ice_officer: &str,
    destination: &str,
    note: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE hold SET status = 'transferred', closed_at = ?2, ice_officer = ?3, destination = ?4,
             release_note = ?5, last_event_at = ?2 WHERE hold_id = ?1",
        params![hold_id, at, ice_officer, destination, note],
    )
}

pub(crate) fn close_released(
    conn: &Connection,
    hold_id: &str,
    at: &str,
    reason: &str,
    note: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE hold SET status = 'released', closed_at = ?2, release_reason = ?3, release_note = ?4, last_event_at = ?2
         WHERE hold_id = ?1",
        params![hold_id, at, reason, note],
    )
}

pub(crate) fn insert_claim(
    conn: &Connection,
    claim_id: &str,
    hold_id: &str,
    claimed_at: &str,
    statement: &str,
    heard_by: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO claim (claim_id, hold_id, claimed_at, statement, heard_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![claim_id, hold_id, claimed_at, statement, heard_by],
    )
}

pub(crate) fn set_claim_reported(
    conn: &Connection,
    claim_id: &str,
    at: &str,
    method: &str,
    to: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE claim SET reported_at = ?2, reported_method = ?3, reported_to = ?4 WHERE claim_id = ?1",
        params![claim_id, at, method, to],
    )
}

pub(crate) fn insert_incident(
    conn: &Connection,
    incident_id: &str,
    hold_id: &str,
    kind: &str,
    seconds: i64,
    at: &str,
    detail: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO incident (incident_id, hold_id, kind, seconds, at, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![incident_id, hold_id, kind, seconds, at, detail],
    )
}

pub(crate) fn set_incident_reviewed(
    conn: &Connection,
    incident_id: &str,
    at: &str,
    by: &str,
    note: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE incident SET reviewed_at = ?2, reviewed_by = ?3, note = ?4 WHERE incident_id = ?1",
        params![incident_id, at, by, note],
    )
}

/// An ICE update as received. `known_hold`/`known_kind`: whether it named a
/// hold on this desk and a kind the desk could apply.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_ice_update(
    conn: &Connection,
    update_id: &str,
    hold_id: &str,
    kind: &str,
    at: &str,
    details: &str,
    applied_at: &str,
    known_hold: bool,
    known_kind: bool,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO ice_update (update_id, hold_id, kind, at, details, applied_at, known_hold, known_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![update_id, hold_id, kind, at, details, applied_at, known_hold, known_kind],
    )
}

/// Write a hold's row, claims and incidents as its fold gives them (the
/// facility view: a hold another desk booked or acted on). Integer columns
/// come as decimal text; the columns' affinity stores them as integers.
pub(crate) fn write_folded(
    conn: &Connection,
    hold: &crate::custody::fold::Columns,
    claims: &[crate::custody::fold::Columns],
    incidents: &[crate::custody::fold::Columns],
) -> rusqlite::Result<()> {
    upsert(conn, "hold", "hold_id", hold)?;
    let hold_id = hold
        .iter()
        .find(|(c, _)| *c == "hold_id")
        .and_then(|(_, v)| v.clone())
        .unwrap_or_default();
    conn.execute("DELETE FROM claim WHERE hold_id = ?1", [&hold_id])?;
    conn.execute("DELETE FROM incident WHERE hold_id = ?1", [&hold_id])?;
    for row in claims {
        upsert(conn, "claim", "claim_id", row)?;
    }
    for row in incidents {
        upsert(conn, "incident", "incident_id", row)?;
    }
    Ok(())
}

/// `INSERT ... ON CONFLICT(key) DO UPDATE` of one row; `table` and the
/// column names are core's own constants, never user text.
fn upsert(
    conn: &Connection,
    table: &str,
    key: &str,
    row: &crate::custody::fold::Columns,
) -> rusqlite::Result<usize> {
    let names: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = names
        .iter()
        .filter(|c| **c != key)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT({key}) DO UPDATE SET {}",
        names.join(", "),
        marks.join(", "),
        updates.join(", ")
    );
    let values: Vec<&Option<String>> = row.iter().map(|(_, v)| v).collect();
    conn.execute(&sql, rusqlite::params_from_iter(values))
}
