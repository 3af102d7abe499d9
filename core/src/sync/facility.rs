//! The facility feed pulled in (sync-protocol.md v1.1 "Several desks at one
//! facility"): every stored event of every desk of this facility, read after
//! ICE's updates, a page at a time, each page applied in one transaction with
//! its cursor.
//!
//! This desk's own events are skipped. Each other desk's chain is checked
//! event by event: its `seq` must follow the last one held, its `prev_hash`
//! must be that event's hash, its hash must be the hash of its content, and
//! it must be an event core could have written and can fold. An event that
//! fails any of these stops that desk there: the break is kept and shown
//! (`facility_desk.problem`), nothing of that desk from there on is applied,
//! and the other desks go on. A page seen twice changes nothing.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Deserialize;
use serde_json::Value;

use super::problem::Problem;
use crate::custody::fold::HoldEvent;
use crate::error::{Result, SqlContext};
use crate::events::{canonical_json, envelope_hash, GENESIS_HASH};
use crate::store::facility::{self as store, ForeignEvent};
use crate::time::utc_text;

/// Events asked for per page (the protocol's default).
pub const PAGE_LIMIT: u32 = 500;

#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    pub events: Vec<Value>,
    pub next: Option<String>,
}

/// Read a 200 body; an unreadable page stops pulling with a problem to show.
pub fn parse_page(body: &[u8]) -> std::result::Result<Page, Problem> {
    let page: Page = serde_json::from_slice(body).map_err(|e| Problem::MalformedUpdates {
        detail: format!(
            "the facility feed: {}",
            e.to_string().chars().take(200).collect::<String>()
        ),
    })?;
    if !page.events.is_empty() && page.next.is_none() {
        return Err(Problem::MalformedUpdates {
            detail: "a page of the facility feed with events has no `next` cursor".into(),
        });
    }
    Ok(page)
}

pub fn cursor(conn: &Connection) -> Result<Option<String>> {
    store::cursor(conn)
}

/// What applying a page did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Other desks' events new to this desk and applied.
    pub applied: usize,
    /// Events that stopped their desk (a break, an event core cannot fold).
    pub stopped: usize,
}

/// Apply one page: every other desk's event new to this desk, and the
/// cursor, all or nothing. An empty page marks the feed as read to its end.
pub fn apply_page(
    conn: &mut Connection,
    own_desk: &str,
    facility_id: &str,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<Applied> {
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("applying the facility feed")?;
    let received_at = utc_text(now);
    let mut done = Applied::default();
    for value in &page.events {
        let desk_id = value["desk_id"].as_str().unwrap_or_default();
        if desk_id == own_desk {
            continue;
        }
        match check(&tx, facility_id, value)? {
            Verdict::Seen => {}
            Verdict::Stopped => {}
            Verdict::Break { seq, why } => {
                store::set_problem(&tx, desk_id, seq, &why, &received_at)?;
                done.stopped += 1;
            }
            Verdict::New(event) => {
                let sp = tx.savepoint().ctx("applying another desk's event")?;
                let hold_id = event.hold_id.clone();
                let text = canonical_json(value);
                store::insert_event(
                    &sp,
                    &ForeignEvent {
                        desk_id,
                        seq: event.at.seq,
                        event_id: value["event_id"].as_str().unwrap_or_default(),
                        hold_id: &hold_id,
                        kind: &event.kind,
                        occurred_at: &utc_text(event.occurred_at),
                        recorded_at: &utc_text(event.recorded_at),
                        envelope: &text,
                        hash: value["hash"].as_str().unwrap_or_default(),
                        received_at: &received_at,
                    },
                )?;
                store::set_tail(
                    &sp,
                    desk_id,
                    event.at.seq,
                    value["hash"].as_str().unwrap_or_default(),
                    &utc_text(event.recorded_at),
                    &received_at,
                )?;
                match crate::desk::refold(&sp, &hold_id) {
                    Ok(()) => {
                        sp.commit().ctx("applying another desk's event")?;
                        done.applied += 1;
                    }
                    Err(e) => {
                        drop(sp);
                        let why = format!("its events cannot be folded into hold {hold_id}: {e}");
                        store::set_problem(&tx, desk_id, event.at.seq, &why, &received_at)?;
                        done.stopped += 1;
                    }
                }
            }
        }
    }
    if let Some(next) = &page.next {
        store::set_cursor(&tx, next)?;
    }
    if page.events.is_empty() {
        store::set_read_at(&tx, &received_at)?;
    }
    tx.commit().ctx("committing the facility feed")?;
    Ok(done)
}

enum Verdict {
    /// Already held (a page seen twice).
    Seen,
    /// Its desk is stopped at an earlier break.
    Stopped,
    Break {
        seq: i64,
        why: String,
    },
    New(Box<HoldEvent>),
}

fn check(conn: &Connection, facility_id: &str, value: &Value) -> Result<Verdict> {
    let desk_id = value["desk_id"].as_str().unwrap_or_default();
    let seq = value["seq"].as_i64().unwrap_or_default();
    let hash = value["hash"].as_str().unwrap_or_default();
    let brk = |why: String| Ok(Verdict::Break { seq, why });
    let tail = store::desk(conn, desk_id)?;
    if tail.as_ref().is_some_and(|t| t.problem.is_some()) {
        return Ok(Verdict::Stopped);
    }
    let (last_seq, last_hash) = tail
        .map(|t| (t.last_seq, t.last_hash))
        .unwrap_or((0, GENESIS_HASH.to_owned()));
    if desk_id.is_empty() || seq < 1 {
        return brk("an event without a desk or a seq".into());
    }
    if value["facility_id"].as_str() != Some(facility_id) {
        return brk("an event of another facility".into());
    }
    if seq <= last_seq {
        let held: Option<String> = conn
            .query_row(
                "SELECT hash FROM facility_event WHERE desk_id = ?1 AND seq = ?2",
                rusqlite::params![desk_id, seq],
                |r| r.get(0),
            )
            .optional()
            .ctx("reading another desk's event")?;
        return if held.as_deref() == Some(hash) {
            Ok(Verdict::Seen)
        } else {
            brk(format!("seq {seq} arrived again with other content"))
        };
    }
    if seq != last_seq + 1 {
        return brk(format!(
            "seq {seq} follows {last_seq}: events {}..{} are missing",
            last_seq + 1,
            seq - 1
        ));
    }
    if value["prev_hash"].as_str() != Some(last_hash.as_str()) {
        return brk("its prev_hash is not the hash of the event before it".into());
    }
    if envelope_hash(value) != hash {
        return brk("its hash does not match its content".into());
    }
    match HoldEvent::from_envelope(value) {
        Ok(e) => Ok(Verdict::New(Box::new(e))),
        Err(e) => brk(e.why),
    }
}
