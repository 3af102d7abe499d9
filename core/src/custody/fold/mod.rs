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

mod event;
mod ice;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

pub use event::{Change, EventRef, HoldEvent, Opened, StoredUpdate};
pub use ice::{ice_effect, usable, IceEffect, KNOWN_UPDATE_KINDS};

use super::clock::{deadline_for, Authority};
use super::hold::{HoldStatus, ReleaseReason, CLOCK_SLACK_SECONDS};
use crate::time::{parse_instant, utc_text};

/// An event no desk running core could have written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {why}")]
pub struct FoldError {
    pub at: EventRef,
    pub why: String,
}

/// An event that stands in the history but did not change the hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub at: EventRef,
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

/// One hold as its events make it: every column of the `hold` table.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldState {
    pub hold_id: String,
    pub status: HoldStatus,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: String,
    pub booking_number: String,
    pub a_number: Option<String>,
    pub warrant_form: String,
    pub warrant_number: String,
    pub detainer_number: Option<String>,
    pub officer_credential: String,
    pub served_at: DateTime<Utc>,
    pub zone_id: String,
    pub location: Option<(i64, i64)>,
    pub inside_perimeter: bool,
    pub authority: Authority,
    pub deadline_at: Option<DateTime<Utc>>,
    pub last_event_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub release_reason: Option<ReleaseReason>,
    pub release_note: Option<String>,
    pub ice_officer: Option<String>,
    pub ice_release_kind: Option<String>,
    pub custody_assumed_by: Option<String>,
    pub pickup_at: Option<DateTime<Utc>>,
    pub conflicts: Vec<Conflict>,
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
pub fn fold(mut events: Vec<HoldEvent>) -> Result<Folded, FoldError> {
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
                let usable = usable(&update.kind, &update.details);
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
    match e.body_time() {
        Some(t) if t != e.occurred_at => Err(bad("the time in its body is not its occurred_at")),
        Some(_) if e.occurred_at > e.recorded_at + Duration::seconds(CLOCK_SLACK_SECONDS) => {
            Err(bad("occurred_at lies after it was recorded"))
        }
        None if e.occurred_at != e.recorded_at => Err(bad(
            "occurred_at of a correction or receipt is not its recorded_at",
        )),
        _ => Ok(()),
    }
}

impl HoldState {
    fn opened(e: &HoldEvent, o: &Opened) -> Result<HoldState, FoldError> {
        if o.deadline_at != deadline_for(o.served_at, o.authority) {
            return Err(FoldError {
                at: e.at.clone(),
                why: "deadline_at is not what core computes from served_at and authority".into(),
            });
        }
        Ok(HoldState {
            hold_id: e.hold_id.clone(),
            status: HoldStatus::Open,
            family_name: o.family_name.clone(),
            given_names: o.given_names.clone(),
            date_of_birth: o.date_of_birth.clone(),
            booking_number: o.booking_number.clone(),
            a_number: o.a_number.clone(),
            warrant_form: o.warrant_form.clone(),
            warrant_number: o.warrant_number.clone(),
            detainer_number: o.detainer_number.clone(),
            officer_credential: o.officer_credential.clone(),
            served_at: o.served_at,
            zone_id: o.zone_id.clone(),
            location: o.location,
            // A WSO arrest is booked only inside the perimeter.
            inside_perimeter: true,
            authority: o.authority,
            deadline_at: o.deadline_at,
            last_event_at: o.served_at,
            closed_at: None,
            release_reason: None,
            release_note: None,
            ice_officer: None,
            ice_release_kind: None,
            custody_assumed_by: None,
            pickup_at: None,
            conflicts: Vec::new(),
        })
    }

    fn apply(&mut self, e: &HoldEvent, change: &Change) -> Result<(), FoldError> {
        let closing = matches!(
            change,
            Change::Moved { .. } | Change::Transferred { .. } | Change::Released { .. }
        );
        if closing && self.status != HoldStatus::Open {
            self.conflicts.push(Conflict {
                at: e.at.clone(),
                why: "acts on a hold that was already closed",
            });
            return Ok(());
        }
        match change {
            Change::Moved {
                zone_id,
                inside_perimeter,
                moved_at,
            } => {
                self.zone_id.clone_from(zone_id);
                self.inside_perimeter = *inside_perimeter;
                self.last_event_at = *moved_at;
            }
            Change::Transferred {
                transferred_at,
                ice_officer,
            } => {
                self.status = HoldStatus::Transferred;
                self.closed_at = Some(*transferred_at);
                self.ice_officer = Some(ice_officer.clone());
                self.last_event_at = *transferred_at;
            }
            Change::Released {
                released_at,
                reason,
                note,
            } => {
                if *reason == ReleaseReason::Other && note.is_none() {
                    return Err(FoldError {
                        at: e.at.clone(),
                        why: "a release for 'other' without a note".into(),
                    });
                }
                self.status = HoldStatus::Released;
                self.closed_at = Some(*released_at);
                self.release_reason = Some(*reason);
                self.release_note.clone_from(note);
                self.last_event_at = *released_at;
            }
            Change::Corrected { field, old, new } => self.correct(e, field, old, new)?,
            Change::Opened(_) | Change::UpdateApplied { .. } => {}
        }
        Ok(())
    }

    fn correct(
        &mut self,
        e: &HoldEvent,
        field: &str,
        old: &Option<String>,
        new: &Option<String>,
    ) -> Result<(), FoldError> {
        let bad = |why: &str| FoldError {
            at: e.at.clone(),
            why: why.to_owned(),
        };
        if old == new {
            return Err(bad("a correction that changes nothing"));
        }
        let current = match field {
            "person.family_name" => Slot::Required(&mut self.family_name),
            "person.given_names" => Slot::Required(&mut self.given_names),
            "person.date_of_birth" => Slot::Required(&mut self.date_of_birth),
            "person.booking_number" => Slot::Required(&mut self.booking_number),
            "person.a_number" => Slot::Optional(&mut self.a_number),
            "warrant.form" => Slot::Required(&mut self.warrant_form),
            "warrant.number" => Slot::Required(&mut self.warrant_number),
            "detainer_number" => Slot::Optional(&mut self.detainer_number),
            _ => return Err(bad("corrects a field core does not let anyone correct")),
        };
        let was_current = match &current {
            Slot::Required(v) => old.as_deref() == Some(v.as_str()),
            Slot::Optional(v) => old == &**v,
        };
        match current {
            Slot::Required(v) => {
                *v = new
                    .clone()
                    .ok_or_else(|| bad("clears a field that is required"))?
            }
            Slot::Optional(v) => v.clone_from(new),
        }
        if !was_current {
            self.conflicts.push(Conflict {
                at: e.at.clone(),
                why: "corrects a value the hold no longer had",
            });
        }
        Ok(())
    }

    /// An older update of a kind does not overwrite a newer one; the first
    /// "release now" stays (either reason means release).
    fn apply_update(&mut self, u: &StoredUpdate, newest: &HashMap<String, String>) {
        let Some(effect) = ice_effect(&u.kind, &u.details) else {
            return;
        };
        let superseded = match &effect {
            IceEffect::ReleaseNow(_) => self.ice_release_kind.is_some(),
            _ => parse_instant("at", &u.at).is_ok_and(|at| {
                newest
                    .get(&u.kind)
                    .is_some_and(|latest| *latest > utc_text(at))
            }),
        };
        if superseded {
            return;
        }
        match effect {
            IceEffect::PickupAt(t) => self.pickup_at = Some(t),
            IceEffect::ReleaseNow(kind) => self.ice_release_kind = Some(kind),
            IceEffect::CustodyAssumedBy(who) => self.custody_assumed_by = Some(who),
        }
    }

    /// Every column of the `hold` table as core stores it (text, integers in
    /// decimal, booleans 0/1), to compare with a stored row.
    pub fn columns(&self) -> Vec<(&'static str, Option<String>)> {
        let t = |d: Option<DateTime<Utc>>| d.map(utc_text);
        vec![
            ("hold_id", Some(self.hold_id.clone())),
            ("status", Some(self.status.as_str().to_owned())),
            ("family_name", Some(self.family_name.clone())),
            ("given_names", Some(self.given_names.clone())),
            ("date_of_birth", Some(self.date_of_birth.clone())),
            ("booking_number", Some(self.booking_number.clone())),
            ("a_number", self.a_number.clone()),
            ("warrant_form", Some(self.warrant_form.clone())),
            ("warrant_number", Some(self.warrant_number.clone())),
            ("detainer_number", self.detainer_number.clone()),
            ("officer_credential", Some(self.officer_credential.clone())),
            ("served_at", t(Some(self.served_at))),
            ("zone_id", Some(self.zone_id.clone())),
            ("lat_e7", self.location.map(|l| l.0.to_string())),
            ("lon_e7", self.location.map(|l| l.1.to_string())),
            (
                "inside_perimeter",
                Some(u8::from(self.inside_perimeter).to_string()),
            ),
            ("authority", Some(self.authority.as_str().to_owned())),
            ("deadline_at", t(self.deadline_at)),
            ("last_event_at", t(Some(self.last_event_at))),
            ("closed_at", t(self.closed_at)),
            (
                "release_reason",
                self.release_reason.map(|r| r.as_str().to_owned()),
            ),
            ("release_note", self.release_note.clone()),
            ("ice_officer", self.ice_officer.clone()),
            ("ice_release_kind", self.ice_release_kind.clone()),
            ("custody_assumed_by", self.custody_assumed_by.clone()),
            ("pickup_at", t(self.pickup_at)),
        ]
    }
}

/// A correctable field: required text or text that may be absent.
enum Slot<'a> {
    Required(&'a mut String),
    Optional(&'a mut Option<String>),
}
