//! A hold's state is the fold of its events. `fold` replays every event of
//! one hold, in the one order every desk uses (`fold_order`: `occurred_at`,
//! ties `recorded_at`, then `desk_id`, then `seq`; sync-protocol.md "Several
//! desks at one facility"), and gives the state the board shows. It also
//! holds core's own rules to the history: a `hold.opened` whose deadline is
//! not core's rule, a time in a body that differs from the envelope's, an
//! event recorded before it happened: none of these can come from core, so
//! the fold refuses them (`FoldError`) and names the event.
//!
//! What any desk may legitimately disagree about while apart (a move of a
//! hold another desk already closed, a correction of a value that had already
//! changed) is not an error: the first close stands and the event is listed
//! in `HoldState::conflicts` for a supervisor.
//!
//! `audit verify` compares this fold with the stored `hold` rows; the sync of
//! several desks builds its facility view with it.

mod correction;
mod event;
mod ice;
mod state;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::Duration;

pub use event::{AgreementTerms, Change, EventRef, HoldEvent, Opened, Particulars, StoredUpdate};
pub use ice::{ice_effect, superseded, usable, IceEffect, ROSTER_UPDATE_KINDS};
pub use state::{Columns, HoldState, Void};

use super::hold::CLOCK_SLACK_SECONDS;

/// An event no desk running core could have written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {why}")]
pub struct FoldError {
    pub at: EventRef,
    pub why: String,
}

/// An event that stands in the history but did not change the hold: an
/// action on a hold another desk had already closed (or a supervisor voided).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub at: EventRef,
    /// The event's type (`hold.moved`, ...).
    pub kind: String,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub why: &'static str,
}

/// What the fold saw of each ICE update receipt: whether the hold was known
/// when it was applied and whether its kind and details were usable, which
/// the desk also stored (`ice_update.known_hold`, `known_kind`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub at: EventRef,
    pub update_id: String,
    pub known_hold: bool,
    pub usable: bool,
}

/// The fold of one hold's events.
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    /// None when no `hold.opened` is among them (ICE updates about a hold
    /// this desk never booked).
    pub state: Option<HoldState>,
    pub receipts: Vec<Receipt>,
}

/// Columns whose values are a person's data or free text: a difference there
/// is named by column only, never shown.
pub const PERSONAL_COLUMNS: &[&str] = &[
    "family_name",
    "given_names",
    "date_of_birth",
    "booking_number",
    "a_number",
    "warrant_number",
    "detainer_number",
    "lat_e7",
    "lon_e7",
    "release_note",
    "ice_officer",
    "custody_assumed_by",
    "ice_supervisor",
    "language",
    "interpreter",
    "ice_notified_to",
    "destination",
    "statement",
    "heard_by",
    "reported_to",
    "reviewed_by",
    "note",
    "detail",
    "void_note",
];

/// The order of a hold's events, the same on every desk: `occurred_at`, then
/// `recorded_at`, then `desk_id`, then `seq`.
pub fn fold_order(a: &HoldEvent, b: &HoldEvent) -> Ordering {
    (a.occurred_at, a.recorded_at, &a.at.desk_id, a.at.seq).cmp(&(
        b.occurred_at,
        b.recorded_at,
        &b.at.desk_id,
        b.at.seq,
    ))
}

/// Replay one hold's events (any order in; `fold_order` is applied here).
/// Every `hold.update_applied` must carry the update it received.
pub fn fold(events: Vec<HoldEvent>) -> Result<Folded, FoldError> {
    fold_checked(events, true)
}

/// The same for a hold another desk booked, as its events reach this desk:
/// a late service's `held_without_authority` incident is the booking desk's
/// next event, which may come on the feed's next page, so its absence is not
/// yet an error here (the booking desk's own `audit verify` and the
/// endpoint's copy of its chain hold it to the rule).
pub fn fold_relayed(events: Vec<HoldEvent>) -> Result<Folded, FoldError> {
    fold_checked(events, false)
}

fn fold_checked(mut events: Vec<HoldEvent>, complete: bool) -> Result<Folded, FoldError> {
    events.sort_by(fold_order);
    let mut state: Option<HoldState> = None;
    let mut receipts = Vec::new();
    // Newest `at` (as stored) of each usable update kind seen so far.
    let mut newest: HashMap<String, String> = HashMap::new();
    let hold_id = events
        .first()
        .map(|e| e.hold_id.clone())
        .unwrap_or_default();
    for e in &events {
        let bad = |why: &str| FoldError {
            at: e.at.clone(),
            why: why.to_owned(),
        };
        if e.hold_id != hold_id {
            return Err(bad("belongs to another hold"));
        }
        check_times(e)?;
        match (&mut state, &e.change) {
            (None, Change::Opened(o)) => state = Some(HoldState::opened(e, o)?),
            (Some(_), Change::Opened(_)) => return Err(bad("a second hold.opened for one hold")),
            (
                s,
                Change::UpdateApplied {
                    update_id,
                    kind,
                    update,
                },
            ) => {
                let update = update
                    .as_ref()
                    .ok_or_else(|| bad("the ICE update it received is not stored"))?;
                if &update.kind != kind {
                    return Err(bad("names another kind than the ICE update stored"));
                }
                let usable = if ROSTER_UPDATE_KINDS.contains(&update.kind.as_str()) {
                    update.known_kind
                } else {
                    usable(&update.kind, &update.details)
                };
                if let Some(s) = s.as_mut().filter(|_| usable) {
                    s.apply_update(update, &newest);
                }
                if usable {
                    let seen = newest.entry(update.kind.clone()).or_default();
                    if update.at > *seen {
                        seen.clone_from(&update.at);
                    }
                }
                receipts.push(Receipt {
                    at: e.at.clone(),
                    update_id: update_id.clone(),
                    known_hold: s.is_some(),
                    usable,
                });
            }
            (None, _) => return Err(bad("recorded before the hold was opened")),
            (Some(s), change) => s.apply(e, change)?,
        }
    }
    if let Some(s) = state.as_ref().filter(|_| complete) {
        s.check_late_service()?;
    }
    Ok(Folded { state, receipts })
}

/// Core writes custody times no later than the recording plus the clock
/// slack, the body's own time as `occurred_at`, and `occurred_at =
/// recorded_at` for corrections and receipts.
fn check_times(e: &HoldEvent) -> Result<(), FoldError> {
    let bad = |why: &str| FoldError {
        at: e.at.clone(),
        why: why.to_owned(),
    };
    let late = e.occurred_at > e.recorded_at + Duration::seconds(CLOCK_SLACK_SECONDS);
    match e.body_time() {
        Some(t) if t != e.occurred_at => Err(bad("the time in its body is not its occurred_at")),
        _ if e.recorded_when_it_happened() && e.occurred_at != e.recorded_at => Err(bad(
            "occurred_at of a correction, receipt or review is not its recorded_at",
        )),
        _ if late => Err(bad("occurred_at lies after it was recorded")),
        _ => Ok(()),
    }
}
