//! The shift handoff sheet (domain.md, "Shift handoff sheet"): what an
//! outgoing supervisor prints for the incoming one.
//!
//! The sheet is plain data first ([`sheet`]: store + `now` -> [`HandoffSheet`]),
//! so the window can preview it, `wsoctl` can print it and tests can check it
//! without reading a PDF. [`pdf`] turns that data into paper. Every number on
//! it (remaining time, urgency, "due next shift") is computed here at `now`,
//! never by whoever displays it.
//!
//! Order of open holds: the board order (`desk::views::board_order`), which is
//! what the domain asks for ("by deadline, soonest first; IGSA holds after")
//! with one refinement: holds that need release now come first. They are the
//! overdue holds (the soonest deadlines anyway) and those ICE told us to
//! release, which must not be buried below holds that still have time.

mod ack;
mod facility;
pub mod pdf;
#[cfg(test)]
mod tests;
mod text;

use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::auth::{Actor, Role};
use crate::custody::clock::{ActionRequired, Authority, Urgency};
use crate::custody::HoldStatus;
use crate::desk::{Complaint, Desk, Freshness, HoldSummary};
use crate::error::{Result, SqlContext};
use crate::time::{local_text, stored, utc_text};

pub use ack::{acknowledge_handoff, last_acknowledgement, record_print, save_pdf, Acknowledgement};
pub use facility::SheetStanding;
pub use text::{clock_text, local_short, local_two_lines};

/// Everything printed on one handoff sheet.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HandoffSheet {
    pub facility_id: String,
    pub facility_name: String,
    pub timezone: String,
    pub desk_id: String,
    pub shift_hours: u32,
    /// The shift that ends now: `[now - shift_hours, now]`.
    pub ending_shift: ShiftWindow,
    /// The shift that starts now: `[now, now + shift_hours]`.
    pub next_shift: ShiftWindow,
    pub printed_at: String,
    pub printed_at_local: String,
    pub prepared_by: Person,
    pub summary: Summary,
    /// Open holds in board order (see the module doc).
    pub open_holds: Vec<SheetHold>,
    /// Holds transferred or released during the ending shift, most recent first.
    pub closed_in_shift: Vec<ClosedHold>,
    pub sync: SyncStatus,
    /// How fresh the facility view is: the sheet lists every desk's holds,
    /// and a person booked at a desk not heard from cannot be on it.
    pub freshness: Freshness,
    /// Complaints not yet reported to ICE (agreement.md s7), overdue first,
    /// then soonest due: the incoming supervisor inherits them.
    pub complaints_due: Vec<Complaint>,
    /// The most recent acknowledged handoff, so the incoming supervisor sees
    /// that the previous one was taken over (or that none ever was).
    pub last_acknowledgement: Option<Acknowledgement>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftWindow {
    pub start_at: String,
    pub start_local: String,
    pub end_at: String,
    pub end_local: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    pub username: String,
    pub full_name: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub open: usize,
    pub release_required: usize,
    pub due_next_shift: usize,
    pub outside_perimeter: usize,
    pub igsa: usize,
    pub closed_in_shift: usize,
    pub complaints_due: usize,
    pub complaints_overdue: usize,
    /// Holds on the sheet with actions recorded at another desk after they
    /// were closed (conflicts between desks).
    pub with_conflicts: usize,
    /// Open holds flagged as a possible duplicate booking.
    pub possible_duplicates: usize,
}

/// One open hold as the sheet prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SheetHold {
    pub hold_id: String,
    pub family_name: String,
    pub given_names: String,
    pub booking_number: String,
    pub warrant_form: String,
    pub warrant_number: String,
    pub authority: Authority,
    pub served_at: String,
    pub served_at_local: String,
    pub deadline_at: Option<String>,
    pub deadline_local: Option<String>,
    /// Seconds to the deadline at print time (negative when overdue); null under IGSA.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub remaining_seconds: Option<i64>,
    /// `remaining_seconds` as `HH:MM:SS` (`-HH:MM:SS` overdue), or `held HH:MM:SS` under IGSA.
    pub remaining_text: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub held_seconds: i64,
    pub urgency: Option<Urgency>,
    pub release_required: bool,
    /// What the status column shows: `RELEASE REQUIRED`, an urgency's label, or `IGSA`.
    pub status_text: String,
    /// The deadline falls inside the next shift: the incoming supervisor owns it.
    pub due_next_shift: bool,
    pub zone_id: String,
    pub zone_name: String,
    pub inside_perimeter: bool,
    pub pending_ice_actions: Vec<IceAction>,
    /// What must be done about this hold besides release (`REPORT CLAIM`,
    /// `NOTIFY ICE`, `CONFIRM TRANSFER`), in custody's words.
    pub action_text: Option<String>,
    /// Incidents on this hold a supervisor has not reviewed yet, in words.
    pub unreviewed_incidents: Vec<String>,
    /// Which desk booked it, its conflicts and possible duplicates.
    pub standing: SheetStanding,
}

/// Something ICE told the desk that still needs the desk's attention.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IceAction {
    /// `release` | `confirm_transfer` | `pickup_scheduled` | `pickup_after_deadline`
    pub kind: &'static str,
    pub text: String,
}

/// A hold closed during the ending shift, with its outcome.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClosedHold {
    pub hold_id: String,
    pub family_name: String,
    pub given_names: String,
    pub booking_number: String,
    pub warrant_form: String,
    pub warrant_number: String,
    pub status: HoldStatus,
    pub closed_at: String,
    pub closed_at_local: String,
    pub release_reason: Option<String>,
    pub release_note: Option<String>,
    pub ice_officer: Option<String>,
    /// `Transferred to ICE (officer)` or `Released: reason (note)`.
    pub outcome_text: String,
    /// Which desk booked it and its conflicts (a close recorded at another
    /// desk after this one stands as a conflict).
    pub standing: SheetStanding,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SheetSyncStatus"))]
pub struct SyncStatus {
    /// Events recorded here that ICE has not yet acknowledged.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub undelivered_events: u64,
    /// Null when the desk has never synced.
    pub last_success_at: Option<String>,
    pub last_success_local: Option<String>,
}

/// The sheet at `now`, for a supervisor. Reads only; printing it is recorded
/// separately ([`record_print`]) because a preview on screen is not a handoff.
pub fn sheet(desk: &Desk, now: DateTime<Utc>, prepared_by: &Actor) -> Result<HandoffSheet> {
    prepared_by.require(Role::Supervisor, "the handoff sheet")?;
    let facility = desk.facility();
    let tz = facility.timezone;
    let shift = Duration::hours(i64::from(facility.shift_hours));
    let ending = window(now - shift, now, tz);
    let next = window(now, now + shift, tz);

    let open = desk.list_holds(now, false)?;
    let closed = desk.closed_between(now - shift, now, now)?;
    let open_holds: Vec<SheetHold> = open
        .iter()
        .map(|h| {
            let standing = facility::standing(desk, h, now)?;
            Ok(sheet_hold(h, now, now + shift, tz, standing))
        })
        .collect::<Result<_>>()?;
    // Closed in (start, now], most recently closed first.
    let mut closed_in_shift = Vec::new();
    for h in &closed {
        if let Some(at) = h.closed_at.as_deref().and_then(|t| stored(t).ok()) {
            closed_in_shift.push(closed_hold(h, at, tz, facility::standing(desk, h, now)?));
        }
    }

    let complaints_due = desk.complaints_due(prepared_by, now)?;
    let summary = Summary {
        open: open_holds.len(),
        release_required: open_holds.iter().filter(|h| h.release_required).count(),
        due_next_shift: open_holds.iter().filter(|h| h.due_next_shift).count(),
        outside_perimeter: open_holds.iter().filter(|h| !h.inside_perimeter).count(),
        igsa: open_holds
            .iter()
            .filter(|h| h.authority == Authority::Igsa)
            .count(),
        closed_in_shift: closed_in_shift.len(),
        complaints_due: complaints_due.len(),
        complaints_overdue: complaints_due.iter().filter(|c| c.overdue).count(),
        with_conflicts: open
            .iter()
            .chain(&closed)
            .filter(|h| !h.conflicts.is_empty())
            .count(),
        possible_duplicates: open
            .iter()
            .filter(|h| !h.possible_duplicate_of.is_empty())
            .count(),
    };
    Ok(HandoffSheet {
        facility_id: facility.id.clone(),
        facility_name: facility.name.clone(),
        timezone: tz.name().to_owned(),
        desk_id: desk.desk_id().to_owned(),
        shift_hours: facility.shift_hours,
        ending_shift: ending,
        next_shift: next,
        printed_at: utc_text(now),
        printed_at_local: local_text(now, tz),
        prepared_by: Person {
            username: prepared_by.username.clone(),
            full_name: prepared_by.full_name.clone(),
        },
        summary,
        open_holds,
        closed_in_shift,
        sync: sync_status(desk, tz)?,
        freshness: desk.freshness(now)?,
        complaints_due,
        last_acknowledgement: last_acknowledgement(desk, now)?,
    })
}

fn window(start: DateTime<Utc>, end: DateTime<Utc>, tz: chrono_tz::Tz) -> ShiftWindow {
    ShiftWindow {
        start_at: utc_text(start),
        start_local: local_text(start, tz),
        end_at: utc_text(end),
        end_local: local_text(end, tz),
    }
}

fn sheet_hold(
    h: &HoldSummary,
    now: DateTime<Utc>,
    next_end: DateTime<Utc>,
    tz: chrono_tz::Tz,
    standing: SheetStanding,
) -> SheetHold {
    let deadline = h.deadline_at.as_deref().and_then(|d| stored(d).ok());
    let release_required = h.action_required == Some(ActionRequired::Release);
    // An overdue hold is not "due next shift": it is due now, and says so.
    let due_next_shift = matches!(deadline, Some(d) if d > now && d <= next_end);
    // The same words as the board (core's labels, see `crate::vocabulary`).
    let status_text = if release_required {
        ActionRequired::Release.label().to_owned()
    } else {
        match (h.authority, h.urgency) {
            (Authority::Igsa, _) => Authority::Igsa.label().to_owned(),
            (_, Some(u)) => u.label().to_owned(),
            (_, None) => String::new(),
        }
    };
    let remaining_text = match h.remaining_seconds {
        Some(r) => clock_text(r),
        None => format!("held {}", clock_text(h.held_seconds)),
    };
    SheetHold {
        hold_id: h.hold_id.clone(),
        family_name: h.family_name.clone(),
        given_names: h.given_names.clone(),
        booking_number: h.booking_number.clone(),
        warrant_form: h.warrant_form.clone(),
        warrant_number: h.warrant_number.clone(),
        authority: h.authority,
        served_at: h.served_at.clone(),
        served_at_local: h.served_at_local.clone(),
        deadline_at: h.deadline_at.clone(),
        deadline_local: h.deadline_local.clone(),
        remaining_seconds: h.remaining_seconds,
        remaining_text,
        held_seconds: h.held_seconds,
        urgency: h.urgency,
        release_required,
        status_text,
        due_next_shift,
        zone_id: h.zone_id.clone(),
        zone_name: h.zone_name.clone(),
        inside_perimeter: h.inside_perimeter,
        pending_ice_actions: ice_actions(h, tz),
        // Release already says so in the status; the other duties say it here.
        action_text: h
            .action_required
            .filter(|a| *a != ActionRequired::Release)
            .map(|a| a.label().to_owned()),
        unreviewed_incidents: h
            .incidents
            .iter()
            .filter(|i| i.reviewed_at.is_none())
            .map(|i| format!("INCIDENT: {}", i.kind.label()))
            .collect(),
        standing,
    }
}

fn ice_actions(h: &HoldSummary, tz: chrono_tz::Tz) -> Vec<IceAction> {
    let mut actions = Vec::new();
    if let Some(kind) = &h.ice_release_kind {
        let why = match kind.as_str() {
            "detainer_cancelled" => "ICE cancelled the detainer",
            "warrant_withdrawn" => "ICE withdrew the warrant",
            _ => "ICE asked for release",
        };
        actions.push(IceAction {
            kind: "release",
            text: format!("{why}: release now"),
        });
    }
    if let Some(by) = &h.custody_assumed_by {
        actions.push(IceAction {
            kind: "confirm_transfer",
            text: format!("ICE reports custody assumed by {by}: record the transfer"),
        });
    }
    if let Some(p) = h.pickup_at.as_deref().and_then(|p| stored(p).ok()) {
        let (kind, text) = if h.pickup_after_deadline {
            (
                "pickup_after_deadline",
                format!(
                    "ICE pickup {} is AFTER THE DEADLINE: release at the deadline",
                    local_short(p, tz)
                ),
            )
        } else {
            (
                "pickup_scheduled",
                format!("ICE pickup scheduled {}", local_short(p, tz)),
            )
        };
        actions.push(IceAction { kind, text });
    }
    actions
}

fn closed_hold(
    h: &HoldSummary,
    at: DateTime<Utc>,
    tz: chrono_tz::Tz,
    standing: SheetStanding,
) -> ClosedHold {
    let outcome_text = match h.status {
        HoldStatus::Transferred => match &h.ice_officer {
            Some(o) => format!("Transferred to ICE ({o})"),
            None => "Transferred to ICE".to_owned(),
        },
        _ => {
            let reason = h
                .release_reason
                .as_deref()
                .unwrap_or("no reason recorded")
                .replace('_', " ");
            match &h.release_note {
                Some(n) => format!("Released: {reason} ({n})"),
                None => format!("Released: {reason}"),
            }
        }
    };
    ClosedHold {
        hold_id: h.hold_id.clone(),
        family_name: h.family_name.clone(),
        given_names: h.given_names.clone(),
        booking_number: h.booking_number.clone(),
        warrant_form: h.warrant_form.clone(),
        warrant_number: h.warrant_number.clone(),
        status: h.status,
        closed_at: utc_text(at),
        closed_at_local: local_text(at, tz),
        release_reason: h.release_reason.clone(),
        release_note: h.release_note.clone(),
        ice_officer: h.ice_officer.clone(),
        outcome_text,
        standing,
    }
}

fn sync_status(desk: &Desk, tz: chrono_tz::Tz) -> Result<SyncStatus> {
    let conn = desk.conn();
    let undelivered: i64 = conn
        .query_row("SELECT COUNT(*) FROM event WHERE delivered = 0", [], |r| {
            r.get(0)
        })
        .ctx("counting undelivered events")?;
    let last: Option<String> = conn
        .query_row(
            "SELECT last_success_at FROM sync_state WHERE singleton = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the sync state")?
        .flatten();
    // Written by the sync module as UTC text; shown as stored if it ever is not.
    let parsed = last.as_deref().and_then(|t| stored(t).ok());
    Ok(SyncStatus {
        undelivered_events: undelivered.max(0) as u64,
        last_success_at: parsed.map(utc_text).or(last),
        last_success_local: parsed.map(|t| local_text(t, tz)),
    })
}
