//! ICE updates pulled back: read a page, then apply it in one transaction
//! with its cursor and one `hold.update_applied` receipt per new update.
//!
//! Each update applies once, by `update_id`: a page seen twice (a lost answer,
//! an endpoint replaying) changes nothing the second time. Updates about holds
//! this desk does not know, or of kinds it does not know, are stored and shown,
//! never dropped; they still get their receipt event. Updates may arrive out
//! of order: a `transfer_scheduled` or `custody_assumed` older (by `at`) than
//! one already applied to the hold does not overwrite it.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::problem::Problem;
use crate::error::{Result, SqlContext};
use crate::events::{self, NewEvent};
use crate::time::{parse_instant, utc_text};

pub const PAGE_LIMIT: u32 = 200;
pub const RECEIPT_TYPE: &str = "hold.update_applied";
pub const RECORDED_BY: &str = "system:sync";
pub const KNOWN_KINDS: &[&str] = &[
    "transfer_scheduled",
    "detainer_cancelled",
    "warrant_withdrawn",
    "custody_assumed",
    "release_authorized",
    "authorization_withdrawn",
];

#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    pub update_id: String,
    pub hold_id: String,
    pub kind: String,
    pub at: String,
    #[serde(default)]
    pub details: Map<String, Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    pub updates: Vec<Update>,
    pub next: Option<String>,
}

/// Read a 200 body; an unreadable page stops pulling with a problem to show.
pub fn parse_page(body: &[u8]) -> std::result::Result<Page, Problem> {
    let page: Page = serde_json::from_slice(body).map_err(|e| Problem::MalformedUpdates {
        detail: e.to_string().chars().take(200).collect(),
    })?;
    if page.updates.iter().any(|u| u.update_id.is_empty()) {
        return Err(Problem::MalformedUpdates {
            detail: "an update has an empty update_id".into(),
        });
    }
    if !page.updates.is_empty() && page.next.is_none() {
        return Err(Problem::MalformedUpdates {
            detail: "a page with updates has no `next` cursor".into(),
        });
    }
    Ok(page)
}

pub fn cursor(conn: &Connection) -> Result<Option<String>> {
    conn.query_row(
        "SELECT cursor FROM sync_state WHERE singleton = 1",
        [],
        |r| r.get(0),
    )
    .ctx("reading the sync cursor")
}

/// Apply a page: every update new to this desk, the cursor and the receipts,
/// all or nothing. Returns how many updates were new.
pub fn apply_page(
    conn: &mut Connection,
    desk_id: &str,
    facility_id: &str,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<usize> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("applying ICE updates")?;
    let mut applied = 0;
    for u in &page.updates {
        if apply_one(&tx, desk_id, facility_id, u, now)? {
            applied += 1;
        }
    }
    if let Some(next) = &page.next {
        tx.execute(
            "UPDATE sync_state SET cursor = ?1 WHERE singleton = 1",
            [next],
        )
        .ctx("storing the sync cursor")?;
    }
    tx.execute(
        "UPDATE sync_state SET last_success_at = ?1 WHERE singleton = 1",
        [utc_text(now)],
    )
    .ctx("recording the sync")?;
    tx.commit().ctx("committing ICE updates")?;
    Ok(applied)
}

fn apply_one(
    tx: &Transaction<'_>,
    desk_id: &str,
    facility_id: &str,
    u: &Update,
    now: DateTime<Utc>,
) -> Result<bool> {
    let seen: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM ice_update WHERE update_id = ?1",
            [&u.update_id],
            |r| r.get(0),
        )
        .optional()
        .ctx("checking an ICE update")?;
    if seen.is_some() {
        return Ok(false);
    }
    let known_hold = tx
        .query_row("SELECT 1 FROM hold WHERE hold_id = ?1", [&u.hold_id], |r| {
            r.get::<_, i64>(0)
        })
        .optional()
        .ctx("checking an ICE update's hold")?
        .is_some();
    let at = parse_instant("at", &u.at).ok();
    // A known kind whose details cannot be used is shown like an unknown one.
    let usable = if u.kind == "authorization_withdrawn" {
        // About the roster, not a hold: applied here, once, with the receipt below.
        crate::desk::withdrawn_by_ice(tx, &u.update_id, &u.details)?
    } else {
        KNOWN_KINDS.contains(&u.kind.as_str()) && effect(u).is_some()
    };
    if known_hold && usable && !superseded(tx, u, at)? {
        if let Some((column, value)) = effect(u) {
            let sql = format!("UPDATE hold SET {column} = ?2 WHERE hold_id = ?1");
            tx.execute(&sql, params![u.hold_id, value])
                .ctx("applying an ICE update to its hold")?;
        }
    }
    tx.execute(
        "INSERT INTO ice_update (update_id, hold_id, kind, at, details, applied_at, known_hold, known_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            u.update_id,
            u.hold_id,
            u.kind,
            at.map(utc_text).unwrap_or_else(|| u.at.clone()),
            serde_json::to_string(&u.details).unwrap_or_else(|_| "{}".into()),
            utc_text(now),
            known_hold,
            usable
        ],
    )
    .ctx("storing an ICE update")?;
    events::append(
        tx,
        desk_id,
        facility_id,
        NewEvent {
            hold_id: &u.hold_id,
            kind: RECEIPT_TYPE,
            occurred_at: now,
            recorded_at: now,
            recorded_by: RECORDED_BY,
            body: json!({ "update_id": u.update_id, "kind": u.kind }),
        },
    )?;
    Ok(true)
}

/// The hold column an update sets, and its value.
fn effect(u: &Update) -> Option<(&'static str, String)> {
    let text = |key: &str| {
        u.details
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    match u.kind.as_str() {
        "transfer_scheduled" => {
            let pickup = parse_instant("pickup_at", text("pickup_at")?).ok()?;
            Some(("pickup_at", utc_text(pickup)))
        }
        "detainer_cancelled" | "warrant_withdrawn" | "release_authorized" => {
            Some(("ice_release_kind", u.kind.clone()))
        }
        "custody_assumed" => Some((
            "custody_assumed_by",
            text("ice_officer")?.chars().take(200).collect(),
        )),
        _ => None,
    }
}

/// An older update of the same kind must not overwrite a newer one. The first
/// release reason stays: either one means "release now".
fn superseded(tx: &Transaction<'_>, u: &Update, at: Option<DateTime<Utc>>) -> Result<bool> {
    if matches!(
        u.kind.as_str(),
        "detainer_cancelled" | "warrant_withdrawn" | "release_authorized"
    ) {
        let set: Option<String> = tx
            .query_row(
                "SELECT ice_release_kind FROM hold WHERE hold_id = ?1",
                [&u.hold_id],
                |r| r.get(0),
            )
            .ctx("reading the hold")?;
        return Ok(set.is_some());
    }
    let Some(at) = at else { return Ok(false) };
    let latest: Option<String> = tx
        .query_row(
            "SELECT MAX(at) FROM ice_update WHERE hold_id = ?1 AND kind = ?2 AND known_kind = 1",
            params![u.hold_id, u.kind],
            |r| r.get(0),
        )
        .ctx("reading earlier ICE updates")?;
    // Stored `at` texts are RFC 3339 UTC of one width: they sort as instants.
    Ok(latest.is_some_and(|l| l > utc_text(at)))
}
