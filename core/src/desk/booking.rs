//! Checking a booking before it is saved: every rule of a WSO arrest that
//! needs the facility and the roster, shared by the booking form's
//! confirmation step (`preview_hold`, writes nothing) and `open_hold`.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::Desk;
use crate::auth::{Actor, Role};
use crate::custody::agreement::Agreement;
use crate::custody::clock::{deadline_under, Authority, HOLD_LIMIT_SECONDS};
use crate::custody::duties::{notice_due_at, IncidentKind};
use crate::custody::hold::CheckedHold;
use crate::custody::service::anchor;
use crate::custody::text::match_key;
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
            agreement,
        } = self.vet_booking(actor, input, now)?;
        refuse_duplicate(&self.conn, &hold)?;
        let tz = self.facility.timezone;
        let anchor = anchor(hold.served_at, hold.criminal_release_at);
        let incident = hold
            .late_gap_seconds
            .map(|_| IncidentKind::HeldWithoutAuthority);
        Ok(BookingPreview {
            served_at: utc_text(hold.served_at),
            served_at_local: local_text(hold.served_at, tz),
            criminal_release_at: utc_text(hold.criminal_release_at),
            criminal_release_local: local_text(hold.criminal_release_at, tz),
            anchor_at: utc_text(anchor),
            anchor_local: local_text(anchor, tz),
            zone_id: zone.id,
            authority,
            agreement_id: agreement.as_ref().map(|a| a.id.clone()),
            hold_limit_hours: match &agreement {
                None => Some((HOLD_LIMIT_SECONDS / 3600) as u32),
                Some(a) => a.hold_limit_hours,
            },
            deadline_at: deadline.map(utc_text),
            deadline_local: deadline.map(|d| local_text(d, tz)),
            gap_seconds: hold.late_gap_seconds,
            incident,
            incident_detail: incident
                .zip(hold.late_gap_seconds)
                .map(|(k, s)| k.detail(s)),
            notice_due_at: utc_text(notice_due_at(hold.served_at)),
        })
    }

    /// The checks of a booking that need the facility and the roster: zone
    /// inside the perimeter, coordinates inside the polygon, the MOA in force
    /// and the officer authorized at the service, the agreement (named, or the
    /// standing IGSA) in force at the service.
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
        self.facility.moa.check_in_force(hold.served_at, tz)?;
        let officer = self.officer(&hold.officer_credential)?;
        officer.check_service(
            hold.served_at,
            hold.served_at.with_timezone(&tz).date_naive(),
        )?;
        let agreement = match &hold.agreement_id {
            Some(id) => {
                let a = self.agreement_named("agreement_id", id)?;
                a.check_in_force("agreement_id", hold.served_at, tz)?;
                Some(a)
            }
            None => self.facility.default_agreement().cloned(),
        };
        let authority = if agreement.is_some() {
            Authority::Igsa
        } else {
            Authority::Wso48h
        };
        let deadline = deadline_under(
            anchor(hold.served_at, hold.criminal_release_at),
            agreement.as_ref(),
        );
        Ok(Vetted {
            hold,
            zone,
            authority,
            deadline,
            agreement,
        })
    }

    /// An agreement of this facility, or a refusal naming `field`.
    pub(super) fn agreement_named(&self, field: &str, id: &str) -> Result<Agreement> {
        self.facility.agreement(id).cloned().ok_or_else(|| {
            let known: Vec<&str> = self
                .facility
                .agreements
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            Error::invalid(
                field,
                if known.is_empty() {
                    format!("this facility has no agreement '{id}' (it has none)")
                } else {
                    format!(
                        "this facility has no agreement '{id}'; its agreements: {}",
                        known.join(", ")
                    )
                },
            )
        })
    }
}

/// A booking that passed every check.
pub(super) struct Vetted {
    pub(super) hold: CheckedHold,
    pub(super) zone: Zone,
    pub(super) authority: Authority,
    pub(super) deadline: Option<DateTime<Utc>>,
    pub(super) agreement: Option<Agreement>,
}

/// What the booking form's confirmation shows: the clock's anchor (the
/// earlier of service and criminal release), the deadline from it, and for a
/// late service the gap and the incident that saving will record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BookingPreview {
    pub served_at: String,
    pub served_at_local: String,
    pub criminal_release_at: String,
    pub criminal_release_local: String,
    pub anchor_at: String,
    pub anchor_local: String,
    pub zone_id: String,
    pub authority: Authority,
    /// The agreement the hold will be under; None: the 48 hours.
    pub agreement_id: Option<String>,
    /// 48 under WSO authority, the agreement's limit, or None for no limit.
    pub hold_limit_hours: Option<u32>,
    pub deadline_at: Option<String>,
    pub deadline_local: Option<String>,
    /// Seconds held with no authority (served more than 5 minutes after release).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub gap_seconds: Option<i64>,
    /// The incident saving will record (`held_without_authority`), if any.
    pub incident: Option<IncidentKind>,
    pub incident_detail: Option<String>,
    pub notice_due_at: String,
}

/// One open hold per warrant: a second booking on it is refused.
pub(super) fn refuse_duplicate(conn: &rusqlite::Connection, h: &CheckedHold) -> Result<()> {
    refuse_open_warrant(
        conn,
        h.warrant_form.as_str(),
        &h.warrant_number,
        None,
        "warrant_number",
    )
}

/// Refuse when another open hold (not `except`) has this warrant, compared
/// by its key (custody::text::match_key), so "w-sql" is "W-sql". The schema's
/// unique index (migration 0007) is the backstop; this names the field.
pub(super) fn refuse_open_warrant(
    conn: &rusqlite::Connection,
    form: &str,
    number: &str,
    except: Option<&str>,
    field: &str,
) -> Result<()> {
    let duplicate: Option<String> = conn
        .query_row(
            "SELECT hold_id FROM hold WHERE status = 'open' AND voided_at IS NULL
               AND warrant_form = ?1 AND warrant_key = ?2 AND hold_id IS NOT ?3
             ORDER BY served_at LIMIT 1",
            params![form, match_key(number), except],
            |r| r.get(0),
        )
        .optional()
        .ctx("checking for a duplicate booking")?;
    match duplicate {
        Some(existing) => Err(Error::refused(
            Some(field),
            format!("an open hold ({existing}) already exists for this warrant"),
        )),
        None => Ok(()),
    }
}
