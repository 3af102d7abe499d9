//! Rebuilding every hold from its events and holding the stored rows to it.
//!
//! Each hold's events are read in `seq` order (one hold at a time, so a desk
//! with years of history is checked in little memory), held to core's rules,
//! folded (`custody::fold`) and compared column by column with the hold's
//! row; the first hold and column that differ are named. Each ICE update
//! receipt is paired with the update the desk stored.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde_json::{Map, Value};

use super::broken;
use crate::custody::duties::NoticeMethod;
use crate::custody::fold::{
    fold, fold_relayed, Change, Columns, HoldEvent, HoldState, StoredUpdate, PERSONAL_COLUMNS,
};
use crate::desk::duties::SYNC_NOTICE_TO;
use crate::error::{Result, SqlContext};
use crate::time::utc_text;

/// The hold's notice to ICE, which a sync acknowledgement may set.
const NOTICE_COLUMNS: &[&str] = &["ice_notified_at", "ice_notice_method", "ice_notified_to"];

/// An `ice_update` row: the update as received and what the desk noted.
struct UpdateRow {
    hold_id: String,
    applied_at: String,
    update: StoredUpdate,
    known_hold: bool,
    known_kind: bool,
}

/// One hold's events, with the stored flags of the ICE updates it received.
#[derive(Default)]
struct Group {
    events: Vec<HoldEvent>,
    flags: HashMap<String, (bool, bool)>,
    /// For a hold with no event of this desk.
    hold_id: Option<String>,
}

/// Every hold's events against its row; returns the number of holds checked.
pub(super) fn check_holds(conn: &Connection, desk_id: &str, facility_id: &str) -> Result<u64> {
    let mut updates = stored_updates(conn)?;
    let acked: i64 = conn
        .query_row(
            "SELECT acked_seq FROM sync_state WHERE singleton = 1",
            [],
            |r| r.get(0),
        )
        .ctx("reading the sync state")?;
    let mut stmt = conn
        .prepare(
            "SELECT seq, hold_id, type, occurred_at, recorded_at, recorded_by, envelope
             FROM event ORDER BY hold_id, seq",
        )
        .ctx("reading events")?;
    let mut rows = stmt.query([]).ctx("reading events")?;
    let mut holds = 0u64;
    let mut group = Group::default();
    while let Some(r) = rows.next().ctx("reading events")? {
        let seq: i64 = r.get(0).ctx("reading events")?;
        let text: String = r.get(6).ctx("reading events")?;
        let envelope: Value = serde_json::from_str(&text)
            .map_err(|_| broken(format!("event seq {seq}: its envelope is not JSON")))?;
        let keys = [
            "hold_id",
            "type",
            "occurred_at",
            "recorded_at",
            "recorded_by",
        ];
        for (i, key) in keys.iter().enumerate() {
            let column: String = r.get(i + 1).ctx("reading events")?;
            if envelope[key].as_str() != Some(column.as_str()) {
                return Err(broken(format!(
                    "event seq {seq}: its row's `{key}` is not its envelope's"
                )));
            }
        }
        if envelope["desk_id"].as_str() != Some(desk_id)
            || envelope["facility_id"].as_str() != Some(facility_id)
        {
            return Err(broken(format!(
                "event seq {seq} names another desk or facility than this one"
            )));
        }
        let mut event = HoldEvent::from_envelope(&envelope).map_err(broken)?;
        if group
            .events
            .last()
            .is_some_and(|g| g.hold_id != event.hold_id)
        {
            holds += check_one_hold(conn, std::mem::take(&mut group), acked)?;
        }
        if let Change::UpdateApplied {
            update_id, update, ..
        } = &mut event.change
        {
            let row = updates.remove(update_id).ok_or_else(|| {
                broken(format!(
                    "event seq {seq} receives an ICE update that is not stored, or that another event received"
                ))
            })?;
            if row.hold_id != event.hold_id || row.applied_at != utc_text(event.recorded_at) {
                return Err(broken(format!(
                    "event seq {seq}: the ICE update it receives names another hold or time"
                )));
            }
            group
                .flags
                .insert(update_id.clone(), (row.known_hold, row.known_kind));
            *update = Some(row.update);
        }
        group.events.push(event);
    }
    holds += check_one_hold(conn, group, acked)?;
    // Holds only other desks have acted on: their events alone.
    for hold_id in crate::store::facility::holds_only_elsewhere(conn)? {
        holds += check_one_hold(
            conn,
            Group {
                events: vec![],
                flags: HashMap::new(),
                hold_id: Some(hold_id),
            },
            acked,
        )?;
    }
    if let Some(id) = updates.keys().min() {
        return Err(broken(format!(
            "ICE update {id} is stored but no event records receiving it"
        )));
    }
    let orphan: Option<String> = conn
        .query_row(
            "SELECT hold_id FROM hold WHERE hold_id NOT IN (SELECT hold_id FROM event WHERE type = 'hold.opened')
               AND hold_id NOT IN (SELECT hold_id FROM facility_event WHERE type = 'hold.opened')
             ORDER BY hold_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    if let Some(id) = orphan {
        return Err(broken(format!(
            "hold {id} is in the hold table but no event opened it"
        )));
    }
    Ok(holds)
}

fn check_one_hold(conn: &Connection, mut group: Group, acked: i64) -> Result<u64> {
    let Some(hold_id) = group
        .events
        .first()
        .map(|e| e.hold_id.clone())
        .or(group.hold_id.take())
    else {
        return Ok(0);
    };
    // One desk's custody times never run backwards: core refuses a time
    // before the hold's previous event.
    let mut last: Option<DateTime<Utc>> = None;
    let mut opened_seq = 0;
    // (Only this desk's events are in the group yet.)
    for e in &group.events {
        if matches!(e.change, Change::Opened(_)) {
            opened_seq = e.at.seq;
        }
        if e.custody_time().is_some() {
            if last.is_some_and(|l| e.occurred_at < l) {
                return Err(broken(format!(
                    "event seq {}: its time lies before the hold's previous event, which core refuses",
                    e.at.seq
                )));
            }
            last = Some(e.occurred_at);
        }
    }
    // The other desks' events of the hold, as the facility view folds them
    // (their chains were checked when they arrived, and again below).
    let elsewhere = crate::store::facility::touched_elsewhere(conn, &hold_id)?;
    let mut booked_elsewhere = false;
    if elsewhere {
        for (text, _) in crate::store::facility::envelopes_of_hold(conn, &hold_id)? {
            let envelope: Value = serde_json::from_str(&text)
                .map_err(|_| broken(format!("hold {hold_id}: another desk's event is not JSON")))?;
            let e = HoldEvent::from_envelope(&envelope).map_err(broken)?;
            match e.change {
                Change::UpdateApplied { .. } => continue,
                Change::Opened(_) => booked_elsewhere = true,
                _ => {}
            }
            group.events.push(e);
        }
    }
    let folded = if booked_elsewhere {
        fold_relayed(group.events)
    } else {
        fold(group.events)
    }
    .map_err(broken)?;
    for r in &folded.receipts {
        // Whether the hold was known when an update arrived depends, with
        // several desks, on when the other desk's booking reached this one.
        let known = if elsewhere { None } else { Some(r.known_hold) };
        let stored = group
            .flags
            .get(&r.update_id)
            .map(|(k, u)| (known.map(|_| *k), *u));
        if stored != Some((known, r.usable)) {
            return Err(broken(format!(
                "ICE update {}: whether its hold and kind were known is not what the history gives",
                r.update_id
            )));
        }
    }
    let Some(state) = folded.state else {
        return Ok(0);
    };
    if let Some(c) = state.conflicts.first().filter(|_| !elsewhere) {
        return Err(broken(format!(
            "{}: {}, which this desk's core refuses",
            c.at, c.why
        )));
    }
    compare_row(
        conn,
        &hold_id,
        &state,
        booked_elsewhere || opened_seq <= acked,
    )?;
    let stored: Vec<(String, i64)> = crate::store::facility::conflicts_of(conn, &hold_id)?
        .into_iter()
        .map(|c| (c.desk_id, c.seq))
        .collect();
    let mut want: Vec<(String, i64)> = state
        .conflicts
        .iter()
        .map(|c| (c.at.desk_id.clone(), c.at.seq))
        .collect();
    want.sort();
    let mut have = stored;
    have.sort();
    if have != want {
        return Err(broken(format!(
            "hold {hold_id}: its conflicts are not what its events give"
        )));
    }
    Ok(1)
}

/// The stored row, column by column, against the fold.
fn compare_row(
    conn: &Connection,
    hold_id: &str,
    state: &HoldState,
    booking_acknowledged: bool,
) -> Result<()> {
    let Some(stored) = stored_rows(conn, "SELECT * FROM hold WHERE hold_id = ?1", hold_id)?.pop()
    else {
        return Err(broken(format!(
            "hold {hold_id}: its events open a hold the hold table does not have"
        )));
    };
    // The endpoint's acknowledgement of a booking is the notice to ICE, and
    // sync records it on the row with no event of its own.
    let by_sync = booking_acknowledged
        && stored.get("ice_notice_method") == Some(&Some(NoticeMethod::Sync.as_str().to_owned()))
        && stored.get("ice_notified_to") == Some(&Some(SYNC_NOTICE_TO.to_owned()));
    let mut want = state.columns();
    want.retain(|(column, _)| !(by_sync && NOTICE_COLUMNS.contains(column)));
    compare(
        &format!("hold {hold_id}: "),
        "the hold table",
        &stored,
        &want,
    )?;
    for (table, key, rows) in [
        ("claim", "claim_id", &state.claims),
        ("incident", "incident_id", &state.incidents),
    ] {
        let sql = format!("SELECT * FROM {table} WHERE hold_id = ?1 ORDER BY {key}");
        let stored = stored_rows(conn, &sql, hold_id)?;
        let mut rows = rows.clone();
        let id = |r: &Columns| {
            r.iter()
                .find(|(c, _)| *c == key)
                .and_then(|(_, v)| v.clone())
        };
        rows.sort_by_key(id);
        if stored.len() != rows.len() {
            return Err(broken(format!(
                "hold {hold_id}: the {table} table has {} rows for it, its events give {}",
                stored.len(),
                rows.len()
            )));
        }
        for (have, want) in stored.iter().zip(&rows) {
            let what = format!("hold {hold_id}, {table} {}: ", id(want).unwrap_or_default());
            compare(&what, &format!("the {table} table"), have, want)?;
        }
    }
    Ok(())
}

/// Rows of a query by hold, each column as core stores it in text.
fn stored_rows(
    conn: &Connection,
    sql: &str,
    hold_id: &str,
) -> Result<Vec<HashMap<String, Option<String>>>> {
    let mut stmt = conn.prepare_cached(sql).ctx("reading the hold")?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([hold_id]).ctx("reading the hold")?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().ctx("reading the hold")? {
        let mut stored = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i).ctx("reading the hold")? {
                ValueRef::Null => None,
                ValueRef::Integer(n) => Some(n.to_string()),
                ValueRef::Real(x) => Some(x.to_string()),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Some(String::from_utf8_lossy(t).into_owned())
                }
            };
            stored.insert(name.clone(), value);
        }
        out.push(stored);
    }
    Ok(out)
}

/// Name the first column whose stored value is not the fold's.
fn compare(
    what: &str,
    table: &str,
    stored: &HashMap<String, Option<String>>,
    want: &Columns,
) -> Result<()> {
    for (column, want) in want {
        let Some(have) = stored.get(*column) else {
            return Err(broken(format!(
                "{table} has no `{column}` column; this database is not this version's"
            )));
        };
        if have != want {
            let values = if PERSONAL_COLUMNS.contains(column) {
                String::new()
            } else {
                format!(
                    " (table: {}, events: {})",
                    have.as_deref().unwrap_or("null"),
                    want.as_deref().unwrap_or("null")
                )
            };
            return Err(broken(format!(
                "{what}`{column}` in {table} is not what its events give{values}"
            )));
        }
    }
    Ok(())
}

fn stored_updates(conn: &Connection) -> Result<HashMap<String, UpdateRow>> {
    let mut stmt = conn
        .prepare("SELECT update_id, hold_id, kind, at, details, applied_at, known_hold, known_kind FROM ice_update")
        .ctx("reading ICE updates")?;
    let rows = stmt
        .query_map([], |r| {
            let details: String = r.get(4)?;
            Ok((
                r.get::<_, String>(0)?,
                UpdateRow {
                    hold_id: r.get(1)?,
                    update: StoredUpdate {
                        kind: r.get(2)?,
                        at: r.get(3)?,
                        details: serde_json::from_str::<Map<String, Value>>(&details)
                            .unwrap_or_default(),
                        known_kind: r.get(7)?,
                    },
                    applied_at: r.get(5)?,
                    known_hold: r.get(6)?,
                    known_kind: r.get(7)?,
                },
            ))
        })
        .ctx("reading ICE updates")?;
    rows.collect::<std::result::Result<HashMap<_, _>, _>>()
        .ctx("reading ICE updates")
}
