//! The facility view: every hold of the jail, whichever desk booked it.
//!
//! A hold another desk booked or acted on is a row of this desk's `hold`
//! table whose state is the fold of all its events, this desk's and the
//! others' (`custody::fold`, in the protocol's order), so every desk with the
//! same events shows the same board. Actions that stand on a closed hold are
//! kept as its conflicts; one warrant held at two desks at once is a possible
//! duplicate until a supervisor voids one (`hold.voided`), naming the one
//! kept. And the view says how fresh it is: each other desk and when it was
//! last heard from.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::record::custody_event;
use super::Desk;
use crate::auth::{Actor, Role};
use crate::custody::duties::NoticeMethod;
use crate::custody::fold::{fold, fold_relayed, Change, FoldError, HoldEvent, StoredUpdate};
use crate::custody::hold::free_text;
use crate::desk::duties::SYNC_NOTICE_TO;
use crate::error::{Error, Result, SqlContext};
use crate::store::facility as store;
use crate::time::stored;
use crate::wire;

/// A desk not heard from for longer than this is shown as such: a person it
/// booked since cannot be on this desk's board.
pub const STALE_AFTER_MINUTES: i64 = 15;

/// Another desk of the facility as this desk last heard from it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OtherDesk {
    pub desk_id: String,
    /// The newest of its events this desk holds: when it was recorded there.
    pub last_heard_at: String,
    pub last_heard_local: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: i64,
    /// Not heard from for over `STALE_AFTER_MINUTES`.
    pub stale: bool,
    /// Why applying its events stopped (a break in its chain, an event core
    /// cannot fold): shown, never applied.
    pub problem: Option<String>,
    /// The board's line for it, in core's words.
    pub line: String,
}

/// How fresh the facility view is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Freshness {
    /// When the facility feed was last read to its end (null: never).
    pub feed_read_at: Option<String>,
    pub feed_read_local: Option<String>,
    pub desks: Vec<OtherDesk>,
    /// One line for the board and the handoff sheet.
    pub summary: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub stale_after_minutes: i64,
}

/// A conflict as lists show it (cli.md: `{desk_id, type, occurred_at, detail}`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoldConflict {
    pub desk_id: String,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: String,
    pub occurred_at: String,
    pub detail: String,
}

impl HoldConflict {
    /// The line for it on paper (the handoff sheet), in core's words: what
    /// the other desk did, when (local time in `zone`), and why it stands in
    /// the history without changing the hold.
    pub fn text(&self, zone: chrono_tz::Tz) -> String {
        let what = crate::vocabulary::event_type_label(&self.kind).unwrap_or(&self.kind);
        let at = stored(&self.occurred_at)
            .map(|t| crate::time::local_text(t, zone))
            .unwrap_or_else(|_| self.occurred_at.clone());
        format!(
            "CONFLICT: {what} at {at} recorded at desk {}; it {}",
            self.desk_id, self.detail
        )
    }
}

/// The line for a hold booked at another desk than the one showing it.
pub fn booked_at_text(desk_id: &str) -> String {
    format!(
        "{} {desk_id}",
        crate::vocabulary::FACILITY_TERMS.booked_at_desk
    )
}

/// The line for a possible duplicate booking: `others` names each other
/// hold of the same warrant as a person reads it (booking number, desk).
pub fn possible_duplicate_text(others: &[String]) -> Option<String> {
    (!others.is_empty()).then(|| {
        format!(
            "POSSIBLE DUPLICATE: the same warrant is held as {}; a supervisor voids one",
            others.join(" and ")
        )
    })
}

/// A hold's standing in the facility view.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Standing {
    pub conflicts: Vec<HoldConflict>,
    pub possible_duplicate_of: Vec<String>,
}

pub(crate) fn standing(conn: &Connection, hold_id: &str) -> Result<Standing> {
    let conflicts = store::conflicts_of(conn, hold_id)?
        .into_iter()
        .map(|c| HoldConflict {
            desk_id: c.desk_id,
            kind: c.kind,
            occurred_at: c.occurred_at,
            detail: c.detail,
        })
        .collect();
    Ok(Standing {
        conflicts,
        possible_duplicate_of: store::same_warrant(conn, hold_id)?,
    })
}

/// One hold's events as the facility view folds them: this desk's, each ICE
/// receipt with the update it stored, and the other desks'. Another desk's
/// receipts are left out: every desk pulls ICE's updates itself, and its own
/// receipt carries them (another's would name an update this desk may not
/// hold yet). Also returns when the other desk's booking reached this desk,
/// for a hold booked elsewhere.
pub(crate) fn events_of_hold(
    conn: &Connection,
    hold_id: &str,
) -> Result<(Vec<HoldEvent>, Option<String>)> {
    let mut events = Vec::new();
    let mut stmt = conn
        .prepare_cached("SELECT envelope FROM event WHERE hold_id = ?1 ORDER BY seq")
        .ctx("reading the hold's events")?;
    let own: Vec<String> = stmt
        .query_map([hold_id], |r| r.get(0))
        .ctx("reading the hold's events")?
        .collect::<rusqlite::Result<_>>()
        .ctx("reading the hold's events")?;
    for text in own {
        let mut e = parse(&text)?;
        if let Change::UpdateApplied {
            update_id, update, ..
        } = &mut e.change
        {
            *update = stored_update(conn, update_id)?;
        }
        events.push(e);
    }
    let mut booked_elsewhere_received = None;
    for (text, received_at) in store::envelopes_of_hold(conn, hold_id)? {
        let e = parse(&text)?;
        if matches!(e.change, Change::UpdateApplied { .. }) {
            continue;
        }
        if matches!(e.change, Change::Opened(_)) {
            booked_elsewhere_received = Some(received_at);
        }
        events.push(e);
    }
    Ok((events, booked_elsewhere_received))
}

fn parse(text: &str) -> Result<HoldEvent> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Database {
        message: format!("a stored event is not JSON: {e}"),
    })?;
    HoldEvent::from_envelope(&value).map_err(fold_error)
}

fn fold_error(e: FoldError) -> Error {
    Error::Database {
        message: e.to_string(),
    }
}

fn stored_update(conn: &Connection, update_id: &str) -> Result<Option<StoredUpdate>> {
    conn.query_row(
        "SELECT kind, at, details, known_kind FROM ice_update WHERE update_id = ?1",
        [update_id],
        |r| {
            let details: String = r.get(2)?;
            Ok(StoredUpdate {
                kind: r.get(0)?,
                at: r.get(1)?,
                details: serde_json::from_str(&details).unwrap_or_default(),
                known_kind: r.get(3)?,
            })
        },
    )
    .optional()
    .ctx("reading an ICE update")
}

/// Fold one hold from every desk's events and write its row, claims,
/// incidents and conflicts. An event core cannot fold is an error naming
/// it; the caller keeps the other desk's events from being applied.
pub(crate) fn refold(tx: &Connection, hold_id: &str) -> Result<()> {
    let (events, booked_elsewhere) = events_of_hold(tx, hold_id)?;
    let folded = if booked_elsewhere.is_some() {
        fold_relayed(events)
    } else {
        fold(events)
    }
    .map_err(fold_error)?;
    let Some(state) = folded.state else {
        return Ok(());
    };
    let mut columns = state.columns();
    // The endpoint's acknowledgement of a booking is the notice to ICE, and
    // has no event of its own: keep what this desk's sync recorded, and a
    // booking relayed by the endpoint from another desk was given to ICE by
    // the time it reached this desk.
    if state.ice_notified_at.is_none() {
        let notice = match &booked_elsewhere {
            Some(received_at) => Some(received_at.clone()),
            None => tx
                .query_row(
                    "SELECT ice_notified_at FROM hold WHERE hold_id = ?1 AND ice_notice_method = ?2",
                    [hold_id, NoticeMethod::Sync.as_str()],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()
                .ctx("reading the hold's notice")?
                .flatten(),
        };
        if let Some(at) = notice {
            for (column, value) in columns.iter_mut() {
                match *column {
                    "ice_notified_at" => *value = Some(at.clone()),
                    "ice_notice_method" => *value = Some(NoticeMethod::Sync.as_str().to_owned()),
                    "ice_notified_to" => *value = Some(SYNC_NOTICE_TO.to_owned()),
                    _ => {}
                }
            }
        }
    }
    crate::store::hold::write_folded(tx, &columns, &state.claims, &state.incidents)
        .ctx("writing the hold as its events give it")?;
    store::replace_conflicts(tx, hold_id, &state.conflicts)
}

impl Desk {
    /// How fresh the facility view is, at `now`.
    pub fn freshness(&self, now: DateTime<Utc>) -> Result<Freshness> {
        let zone = self.facility.timezone;
        let local =
            |text: &str| -> Result<String> { Ok(crate::time::local_text(stored(text)?, zone)) };
        let mut desks = Vec::new();
        for d in store::desks(&self.conn)? {
            let heard = stored(&d.last_event_at)?;
            let stale = now - heard > Duration::minutes(STALE_AFTER_MINUTES);
            let heard_local = local(&d.last_event_at)?;
            let problem = d
                .problem
                .map(|(seq, why)| format!("stopped at its event {seq}: {why}"));
            let line = match (&problem, stale) {
                (Some(p), _) => format!("Desk {}: NOT APPLIED, {p}", d.desk_id),
                (None, true) => format!(
                    "Desk {}: NOT HEARD FROM since {heard_local} (over {STALE_AFTER_MINUTES} minutes); a person it booked since is not on this board",
                    d.desk_id
                ),
                (None, false) => format!("Desk {}: last heard from {heard_local}", d.desk_id),
            };
            desks.push(OtherDesk {
                desk_id: d.desk_id,
                last_heard_at: d.last_event_at,
                last_heard_local: heard_local,
                events: d.last_seq,
                stale,
                problem,
                line,
            });
        }
        let read_at = store::read_at(&self.conn)?;
        let read_local = read_at.as_deref().map(local).transpose()?;
        let summary = match (&read_local, desks.is_empty()) {
            (None, _) => {
                "Facility view: this desk only (no other desk heard from through the endpoint yet)"
                    .to_owned()
            }
            (Some(at), true) => format!("Facility view: read {at}; no other desk has sent events"),
            (Some(at), false) => {
                let behind = desks
                    .iter()
                    .filter(|d| d.stale || d.problem.is_some())
                    .count();
                let of = desks.len() + 1;
                if behind == 0 {
                    format!("Facility view: read {at}; all {of} desks current")
                } else {
                    format!(
                        "Facility view: read {at}; {behind} of {} other desks not current",
                        desks.len()
                    )
                }
            }
        };
        Ok(Freshness {
            feed_read_at: read_at,
            feed_read_local: read_local,
            desks,
            summary,
            stale_after_minutes: STALE_AFTER_MINUTES,
        })
    }

    /// A supervisor voids a duplicate booking: `hold_id` is no custody and
    /// leaves every list; `kept` is the hold of the same warrant that stands.
    pub fn void_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        kept: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        actor.require(Role::Supervisor, "voiding a duplicate booking")?;
        let note = free_text("note", note, 1000)?;
        if kept == hold_id {
            return Err(Error::invalid(
                "kept",
                "the hold kept must be another hold than the one voided",
            ));
        }
        let ids = self.ids();
        let tx = self.write_tx("voiding a duplicate booking")?;
        let voided = |id: &str, field: &'static str| -> Result<Option<String>> {
            tx.query_row("SELECT voided_at FROM hold WHERE hold_id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()
            .ctx("reading the hold")?
            .ok_or_else(|| Error::NotFound {
                what: if field == "kept" { "hold kept" } else { "hold" },
                id: id.to_owned(),
            })
        };
        if let Some(at) = voided(hold_id, "hold_id")? {
            return Err(Error::refused(
                Some("hold_id"),
                format!("hold {hold_id} was already voided at {at}"),
            ));
        }
        if let Some(at) = voided(kept, "kept")? {
            return Err(Error::refused(
                Some("kept"),
                format!("hold {kept} was itself voided at {at}; keep a hold that stands"),
            ));
        }
        if !store::same_warrant(&tx, hold_id)?.iter().any(|h| h == kept) {
            return Err(Error::refused(
                Some("kept"),
                format!("hold {kept} is not a possible duplicate of {hold_id} (another warrant, or custody that did not overlap)"),
            ));
        }
        let body = wire::Voided {
            reason: wire::VOID_DUPLICATE_BOOKING.to_owned(),
            kept_hold_id: kept.to_owned(),
            note,
        };
        custody_event(&tx, &ids, &actor.username, hold_id, now, now, &body)?;
        refold(&tx, hold_id)?;
        tx.commit().ctx("committing the void")?;
        Ok(())
    }
}
