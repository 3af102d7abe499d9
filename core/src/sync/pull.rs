//! ICE updates pulled back: read a page, then apply it in one transaction
//! with its cursor and one `hold.update_applied` receipt per new update.
//!
//! Each update applies once, by `update_id`: a page seen twice (a lost answer,
//! an endpoint replaying) changes nothing the second time. Updates about holds
//! this desk does not know, or of kinds it does not know, are stored and shown,
//! never dropped; they still get their receipt event. Updates may arrive out
//! of order: a `transfer_scheduled` or `custody_assumed` older (by `at`) than
//! one already applied to the hold does not overwrite it.
//!
//! The endpoint is not trusted with the desk's disk or its clocks: an update
//! with an unreadable `at`, or a field over its limit (ids 128 characters,
//! kind 64, details 4 KiB of JSON), is kept and shown as one the desk cannot
//! use, and applied to no hold (never in part); over-long text is cut, and an
//! over-long `update_id` is kept as its SHA-256, so it still applies once.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::problem::Problem;
use crate::custody::fold::{ice_effect, superseded, usable};
use crate::error::{Result, SqlContext};
use crate::events::{self, NewEvent};
use crate::time::{parse_instant, utc_text};

pub const PAGE_LIMIT: u32 = 200;
pub const RECEIPT_TYPE: &str = "hold.update_applied";
pub const RECORDED_BY: &str = "system:sync";
/// Limits on what one update may bring into the desk's database.
pub const MAX_ID_CHARS: usize = 128;
pub const MAX_KIND_CHARS: usize = 64;
pub const MAX_DETAILS_BYTES: usize = 4096;

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
        crate::store::sync_state::set_cursor(&tx, next)?;
    }
    crate::store::sync_state::set_last_success(&tx, &utc_text(now))?;
    tx.commit().ctx("committing ICE updates")?;
    Ok(applied)
}

/// An update cut to the desk's limits, and whether it is still whole enough to apply.
struct Bounded {
    update: Update,
    whole: bool,
}

fn bounded(u: &Update) -> Bounded {
    let clip = |text: &str, max: usize| -> (String, bool) {
        let fits = text.chars().count() <= max && !text.chars().any(char::is_control);
        let cut = text.chars().filter(|c| !c.is_control()).take(max).collect();
        (cut, fits)
    };
    let (update_id, id_fits) = if u.update_id.chars().count() <= MAX_ID_CHARS {
        clip(&u.update_id, MAX_ID_CHARS)
    } else {
        use sha2::{Digest, Sha256};
        let digest = hex::encode(Sha256::digest(u.update_id.as_bytes()));
        (format!("sha256:{digest}"), false)
    };
    let (hold_id, hold_fits) = clip(&u.hold_id, MAX_ID_CHARS);
    let (kind, kind_fits) = clip(&u.kind, MAX_KIND_CHARS);
    let at = parse_instant("at", &u.at).ok();
    let details_text = serde_json::to_string(&u.details).unwrap_or_default();
    let details_fit = details_text.len() <= MAX_DETAILS_BYTES;
    let details = if details_fit {
        u.details.clone()
    } else {
        let mut note = Map::new();
        note.insert(
            "refused".into(),
            json!(format!(
                "details of {} bytes, over the desk's limit of {MAX_DETAILS_BYTES}",
                details_text.len()
            )),
        );
        note
    };
    Bounded {
        update: Update {
            update_id,
            hold_id,
            kind,
            at: at.map(utc_text).unwrap_or_else(|| clip(&u.at, 64).0),
            details,
        },
        whole: id_fits && hold_fits && kind_fits && details_fit && at.is_some(),
    }
}

fn apply_one(
    tx: &Transaction<'_>,
    desk_id: &str,
    facility_id: &str,
    received: &Update,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Bounded { update, whole } = bounded(received);
    let u = &update;
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
    // A known kind whose details cannot be used, or that came malformed, is
    // shown like an unknown one and applied to nothing.
    let usable = if !whole {
        false
    } else if u.kind == "authorization_withdrawn" {
        // About the roster, not a hold: applied here, once, with the receipt below.
        crate::desk::withdrawn_by_ice(tx, &u.update_id, &u.details)?
    } else {
        usable(&u.kind, &u.details)
    };
    if let Some(effect) = ice_effect(&u.kind, &u.details).filter(|_| known_hold && usable) {
        if !superseded(
            &effect,
            &u.at,
            release_kind_set(tx, u)?,
            newest_at(tx, u)?.as_deref(),
        ) {
            let (column, value) = effect.column();
            crate::store::hold::set_column(tx, &u.hold_id, column, value)
                .ctx("applying an ICE update to its hold")?;
        }
    }
    crate::store::hold::insert_ice_update(
        tx,
        &u.update_id,
        &u.hold_id,
        &u.kind,
        &u.at,
        &serde_json::to_string(&u.details).unwrap_or_else(|_| "{}".into()),
        &utc_text(now),
        known_hold,
        usable,
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

/// Whether the hold already needs release on ICE's word.
fn release_kind_set(tx: &Transaction<'_>, u: &Update) -> Result<bool> {
    let set: Option<String> = tx
        .query_row(
            "SELECT ice_release_kind FROM hold WHERE hold_id = ?1",
            [&u.hold_id],
            |r| r.get(0),
        )
        .ctx("reading the hold")?;
    Ok(set.is_some())
}

/// The newest `at` of the usable updates of this kind stored for the hold.
fn newest_at(tx: &Transaction<'_>, u: &Update) -> Result<Option<String>> {
    tx.query_row(
        "SELECT MAX(at) FROM ice_update WHERE hold_id = ?1 AND kind = ?2 AND known_kind = 1",
        params![u.hold_id, u.kind],
        |r| r.get(0),
    )
    .ctx("reading earlier ICE updates")
}
