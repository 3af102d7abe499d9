//! What the sheet says about the facility view (sync-protocol.md v1.1
//! "Several desks at one facility"): the sheet lists every hold of the jail,
//! whichever desk booked it, so it also says how fresh that view is, which
//! desk booked each hold when not this one, and the conflicts and possible
//! duplicates a supervisor must look at, in core's words
//! (`crate::desk::facility`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::desk::{booked_at_text, possible_duplicate_text, Desk, HoldSummary};
use crate::error::Result;

/// One hold's standing in the facility view, as the sheet prints it.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SheetStanding {
    /// The desk that booked it, when not the desk printing the sheet.
    pub booked_at_desk: Option<String>,
    /// `Booked at desk ...`, when not this desk.
    pub booked_at_text: Option<String>,
    /// Each conflict, then the possible duplicate, one line each.
    pub lines: Vec<String>,
}

/// What the facility view says about hold `h`, read at `now`.
pub(super) fn standing(desk: &Desk, h: &HoldSummary, now: DateTime<Utc>) -> Result<SheetStanding> {
    let tz = desk.facility().timezone;
    let elsewhere = (h.booked_at_desk != desk.desk_id()).then(|| h.booked_at_desk.clone());
    let mut lines: Vec<String> = h.conflicts.iter().map(|c| c.text(tz)).collect();
    let mut others = Vec::new();
    for id in &h.possible_duplicate_of {
        // A person tells two bookings apart by their numbers and desks, not ids.
        let other = desk.hold(id, now)?;
        others.push(format!(
            "booking {} (desk {})",
            other.booking_number, other.booked_at_desk
        ));
    }
    lines.extend(possible_duplicate_text(&others));
    Ok(SheetStanding {
        booked_at_text: elsewhere.as_deref().map(booked_at_text),
        booked_at_desk: elsewhere,
        lines,
    })
}
