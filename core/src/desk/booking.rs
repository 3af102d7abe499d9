//! Checking a booking before it is saved: every rule of a WSO arrest that
//! needs the facility and the roster, shared by the booking form's
//! confirmation step (`preview_hold`, writes nothing) and `open_hold`.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::Desk;
use crate::auth::{Actor, Role};
use crate::custody::clock::{deadline_for, Authority};
use crate::custody::hold::CheckedHold;
use crate::custody::{NewHold, Zone};
use crate::error::{Error, Result, SqlContext};
use crate::time::{local_text, utc_text};

impl Desk {
    /// Everything `open_hold` would check, without writing: the booking
    /// form's confirmation step shows the deadline core computed, and any
    /// refusal at its field, before the deputy saves.
    pub fn preview_hold(
        &self,
        actor: &Actor,
        input: &NewHold,
        now: DateTime<Utc>,
    ) -> Result<BookingPreview> {
        let Vetted {
            hold,
            zone,
            authority,
            deadline,
        } = self.vet_booking(actor, input, now)?;
        refuse_duplicate(&self.conn, &hold)?;
        let tz = self.facility.timezone;
        Ok(BookingPreview {
            served_at: utc_text(hold.served_at),
            served_at_local: local_text(hold.served_at, tz),
            zone_id: zone.id,
            authority,
            deadline_at: deadline.map(utc_text),
            deadline_local: deadline.map(|d| local_text(d, tz)),
        })
    }

    /// The checks of a booking that need the facility and the roster: zone
    /// inside the perimeter, coordinates inside the polygon, the officer's
    /// credential valid on the facility-local date of service.
    pub(super) fn vet_booking(
        &self,
        actor: &Actor,
        input: &NewHold,
        now: DateTime<Utc>,
    ) -> Result<Vetted> {
        actor.require(Role::Deputy, "booking a hold")?;
        let tz = self.facility.timezone;
        let today = now.with_timezone(&tz).date_naive();
        let hold = input.check(now, today)?;
        let zone = self
            .facility
            .zone(&hold.zone_id)
            .ok_or_else(|| Error::NotFound {
                what: "zone",
                id: hold.zone_id.clone(),
            })?
            .clone();
        if !zone.inside {
            return Err(Error::refused(
                Some("zone_id"),
                format!("zone '{}' is outside the secure perimeter; a WSO arrest is made only inside the jail", zone.id),
            ));
        }
        if let Some(point) = hold.location {
            if !self.facility.perimeter_contains(point) {
                return Err(Error::refused(
                    Some("lat"),
                    "the coordinates lie outside the jail's secure perimeter; a WSO arrest is made only inside the jail",
                ));
            }
        }
        let officer = self.officer(&hold.officer_credential)?;
        officer.check_valid_on(hold.served_at.with_timezone(&tz).date_naive())?;
        let authority = if self.facility.igsa {
            Authority::Igsa
        } else {
            Authority::Wso48h
        };
        let deadline = deadline_for(hold.served_at, authority);
        Ok(Vetted {
            hold,
            zone,
            authority,
            deadline,
        })
    }
}

/// A booking that passed every check.
pub(super) struct Vetted {
    pub(super) hold: CheckedHold,
    pub(super) zone: Zone,
    pub(super) authority: Authority,
    pub(super) deadline: Option<DateTime<Utc>>,
}

/// What the booking form's confirmation shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BookingPreview {
    pub served_at: String,
    pub served_at_local: String,
    pub zone_id: String,
    pub authority: Authority,
    pub deadline_at: Option<String>,
    pub deadline_local: Option<String>,
}

/// One open hold per warrant: a second booking on it is refused.
pub(super) fn refuse_duplicate(conn: &rusqlite::Connection, h: &CheckedHold) -> Result<()> {
    let duplicate: Option<String> = conn
        .query_row(
            "SELECT hold_id FROM hold WHERE status = 'open' AND warrant_form = ?1 AND warrant_number = ?2",
            params![h.warrant_form.as_str(), h.warrant_number],
            |r| r.get(0),
        )
        .optional()
        .ctx("checking for a duplicate booking")?;
    match duplicate {
        Some(existing) => Err(Error::refused(
            Some("warrant_number"),
            format!("an open hold ({existing}) already exists for this warrant"),
        )),
        None => Ok(()),
    }
}
