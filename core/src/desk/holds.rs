//! Custody changes: open (book a WSO arrest), move, transfer, release and
//! correct. Each validates everything first, then writes the hold, its sync
//! event and its audit record in one transaction; a refusal writes nothing.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{json, Value};

use super::booking::{refuse_duplicate, refuse_open_warrant, Vetted};
use super::views::HoldSummary;
use super::Desk;
use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::custody::hold::{
    code, date_of_birth, free_text, not_before, not_in_future, person_name, NewHold, ReleaseReason,
    WarrantForm,
};
use crate::error::{Error, Result, SqlContext};
use crate::events::{self, NewEvent};
use crate::time::{parse_instant, stored, utc_text};

/// Fields a supervisor may correct, as named in `hold.corrected` events.
pub const CORRECTABLE_FIELDS: &[&str] = &[
    "person.family_name",
    "person.given_names",
    "person.date_of_birth",
    "person.booking_number",
    "person.a_number",
    "warrant.form",
    "warrant.number",
    "detainer_number",
];

impl Desk {
    /// Book a WSO arrest. Refused when the zone is outside the perimeter, the
    /// coordinates fall outside the polygon, or the officer's credential is not
    /// valid on the facility-local date of service.
    pub fn open_hold(
        &mut self,
        actor: &Actor,
        input: &NewHold,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        let Vetted {
            hold: h,
            zone,
            authority,
            deadline,
        } = self.vet_booking(actor, input, now)?;
        let hold_id = uuid::Uuid::now_v7().to_string();
        let body = json!({
            "person": {
                "family_name": h.family_name, "given_names": h.given_names,
                "date_of_birth": h.date_of_birth.to_string(), "booking_number": h.booking_number,
                "a_number": h.a_number,
            },
            "warrant": { "form": h.warrant_form.as_str(), "number": h.warrant_number },
            "detainer_number": h.detainer_number,
            "officer_credential": h.officer_credential,
            "served_at": utc_text(h.served_at),
            "zone_id": zone.id,
            "location": h.location.map(|(lat, lon)| json!({ "lat_e7": lat, "lon_e7": lon })),
            "authority": authority.as_str(),
            "deadline_at": deadline.map(utc_text),
        });
        let (desk_id, facility_id) = (self.desk_id.clone(), self.facility.id.clone());
        let tx = self.write_tx("booking a hold")?;
        refuse_duplicate(&tx, &h)?;
        tx.execute(
            "INSERT INTO hold (hold_id, status, family_name, given_names, date_of_birth, booking_number, a_number,
                 warrant_form, warrant_number, detainer_number, officer_credential, served_at, zone_id, lat_e7, lon_e7,
                 inside_perimeter, authority, deadline_at, last_event_at)
             VALUES (?1, 'open', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?16, ?11)",
            params![
                hold_id,
                h.family_name,
                h.given_names,
                h.date_of_birth.to_string(),
                h.booking_number,
                h.a_number,
                h.warrant_form.as_str(),
                h.warrant_number,
                h.detainer_number,
                h.officer_credential,
                utc_text(h.served_at),
                zone.id,
                h.location.map(|p| p.0),
                h.location.map(|p| p.1),
                authority.as_str(),
                deadline.map(utc_text),
            ],
        )
        .ctx("writing the hold")?;
        custody_event(
            &tx,
            &desk_id,
            &facility_id,
            actor,
            &hold_id,
            "hold.opened",
            h.served_at,
            now,
            body,
        )?;
        tx.commit().ctx("committing the hold")?;
        self.hold(&hold_id, now)
    }

    /// Record a move to another zone. A move outside the perimeter is allowed
    /// (court, hospital) but the hold is flagged: WSO authority does not travel.
    pub fn move_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        zone_id: &str,
        at: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording a move")?;
        let zone_id = code("zone_id", zone_id, 64)?;
        let zone = self
            .facility
            .zone(&zone_id)
            .ok_or_else(|| Error::NotFound {
                what: "zone",
                id: zone_id.clone(),
            })?
            .clone();
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let (desk_id, facility_id) = (self.desk_id.clone(), self.facility.id.clone());
        let tx = self.write_tx("recording a move")?;
        let last = open_hold_last_event(&tx, hold_id)?;
        not_before("at", at, last)?;
        tx.execute(
            "UPDATE hold SET zone_id = ?2, inside_perimeter = ?3, last_event_at = ?4 WHERE hold_id = ?1",
            params![hold_id, zone.id, zone.inside, utc_text(at)],
        )
        .ctx("moving the hold")?;
        let body = json!({ "zone_id": zone.id, "inside_perimeter": zone.inside, "moved_at": utc_text(at) });
        custody_event(
            &tx,
            &desk_id,
            &facility_id,
            actor,
            hold_id,
            "hold.moved",
            at,
            now,
            body,
        )?;
        tx.commit().ctx("committing the move")?;
        self.hold(hold_id, now)
    }

    /// ICE took custody: the hold closes as transferred.
    pub fn transfer_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        at: &str,
        ice_officer: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording a transfer")?;
        let ice_officer = person_name("ice_officer", ice_officer)?;
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let (desk_id, facility_id) = (self.desk_id.clone(), self.facility.id.clone());
        let tx = self.write_tx("recording a transfer")?;
        let last = open_hold_last_event(&tx, hold_id)?;
        not_before("at", at, last)?;
        tx.execute(
            "UPDATE hold SET status = 'transferred', closed_at = ?2, ice_officer = ?3, last_event_at = ?2 WHERE hold_id = ?1",
            params![hold_id, utc_text(at), ice_officer],
        )
        .ctx("closing the hold")?;
        let body = json!({ "transferred_at": utc_text(at), "ice_officer": ice_officer });
        custody_event(
            &tx,
            &desk_id,
            &facility_id,
            actor,
            hold_id,
            "hold.transferred",
            at,
            now,
            body,
        )?;
        tx.commit().ctx("committing the transfer")?;
        self.hold(hold_id, now)
    }

    /// The person was released; `other` needs a note.
    pub fn release_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        at: &str,
        reason: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording a release")?;
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let reason = ReleaseReason::parse(reason.trim()).ok_or_else(|| {
            Error::invalid(
                "reason",
                format!("must be one of {}", ReleaseReason::ALL.join(", ")),
            )
        })?;
        let note = match note.filter(|n| !n.trim().is_empty()) {
            Some(n) => Some(free_text("note", n, 1000)?),
            None if reason == ReleaseReason::Other => {
                return Err(Error::invalid(
                    "note",
                    "a note is required when the reason is 'other'",
                ))
            }
            None => None,
        };
        let (desk_id, facility_id) = (self.desk_id.clone(), self.facility.id.clone());
        let tx = self.write_tx("recording a release")?;
        let last = open_hold_last_event(&tx, hold_id)?;
        not_before("at", at, last)?;
        tx.execute(
            "UPDATE hold SET status = 'released', closed_at = ?2, release_reason = ?3, release_note = ?4, last_event_at = ?2
             WHERE hold_id = ?1",
            params![hold_id, utc_text(at), reason.as_str(), note],
        )
        .ctx("closing the hold")?;
        let body = json!({ "released_at": utc_text(at), "reason": reason.as_str(), "note": note });
        custody_event(
            &tx,
            &desk_id,
            &facility_id,
            actor,
            hold_id,
            "hold.released",
            at,
            now,
            body,
        )?;
        tx.commit().ctx("committing the release")?;
        self.hold(hold_id, now)
    }

    /// Fix a typo: an appended `hold.corrected` event, never an edit in place
    /// of the history (the hold's current view shows the corrected value).
    pub fn correct_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        field: &str,
        value: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Supervisor, "correcting a hold")?;
        let (column, new_value): (&str, Option<String>) = match field {
            "person.family_name" => ("family_name", Some(person_name("value", value)?)),
            "person.given_names" => ("given_names", Some(person_name("value", value)?)),
            "person.date_of_birth" => {
                let today = now.with_timezone(&self.facility.timezone).date_naive();
                let d = date_of_birth("value", value, today)?;
                ("date_of_birth", Some(d.to_string()))
            }
            "person.booking_number" => ("booking_number", Some(code("value", value, 64)?)),
            "person.a_number" => (
                "a_number",
                Some(value)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| code("value", v, 32))
                    .transpose()?,
            ),
            "warrant.form" => (
                "warrant_form",
                Some(
                    WarrantForm::parse(value.trim())
                        .ok_or_else(|| Error::invalid("value", "must be I-200 or I-205"))?
                        .as_str()
                        .to_owned(),
                ),
            ),
            "warrant.number" => ("warrant_number", Some(code("value", value, 64)?)),
            "detainer_number" => (
                "detainer_number",
                Some(value)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| code("value", v, 64))
                    .transpose()?,
            ),
            other => {
                return Err(Error::invalid(
                    "field",
                    format!(
                        "'{other}' cannot be corrected; correctable fields: {}",
                        CORRECTABLE_FIELDS.join(", ")
                    ),
                ))
            }
        };
        let reason = free_text("reason", reason, 1000)?;
        let (desk_id, facility_id) = (self.desk_id.clone(), self.facility.id.clone());
        let tx = self.write_tx("recording a correction")?;
        let old: Option<Option<String>> = tx
            .query_row(
                &format!("SELECT {column} FROM hold WHERE hold_id = ?1"),
                [hold_id],
                |r| r.get(0),
            )
            .optional()
            .ctx("reading the hold")?;
        let old = old.ok_or_else(|| Error::NotFound {
            what: "hold",
            id: hold_id.to_owned(),
        })?;
        if old == new_value {
            return Err(Error::invalid(
                "value",
                "is the same as the recorded value; nothing to correct",
            ));
        }
        if let (Some(new), "warrant_form" | "warrant_number") = (&new_value, column) {
            // The corrected hold must not become a second open hold on a warrant.
            let (form, number): (String, String) = tx
                .query_row(
                    "SELECT warrant_form, warrant_number FROM hold WHERE hold_id = ?1 AND status = 'open'",
                    [hold_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .ctx("reading the hold")?
                .map(|(f, n)| if column == "warrant_form" { (new.clone(), n) } else { (f, new.clone()) })
                .unwrap_or_default();
            if !form.is_empty() {
                refuse_open_warrant(&tx, &form, &number, Some(hold_id), "value")?;
            }
        }
        tx.execute(
            &format!("UPDATE hold SET {column} = ?2 WHERE hold_id = ?1"),
            params![hold_id, new_value],
        )
        .ctx("correcting the hold")?;
        let body = json!({ "field": field, "old": old, "new": new_value, "reason": reason });
        custody_event(
            &tx,
            &desk_id,
            &facility_id,
            actor,
            hold_id,
            "hold.corrected",
            now,
            now,
            body,
        )?;
        tx.commit().ctx("committing the correction")?;
        self.hold(hold_id, now)
    }
}

/// The hold must exist and be open; returns the time of its latest event.
fn open_hold_last_event(tx: &Transaction<'_>, hold_id: &str) -> Result<DateTime<Utc>> {
    let row: Option<(String, String)> = tx
        .query_row(
            "SELECT status, last_event_at FROM hold WHERE hold_id = ?1",
            [hold_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("reading the hold")?;
    let (status, last) = row.ok_or_else(|| Error::NotFound {
        what: "hold",
        id: hold_id.to_owned(),
    })?;
    if status != "open" {
        return Err(Error::refused(
            Some("hold_id"),
            format!("hold {hold_id} is already closed ({status})"),
        ));
    }
    stored(&last)
}

/// The sync event and the audit record of a custody change, in its transaction.
#[allow(clippy::too_many_arguments)]
fn custody_event(
    tx: &Transaction<'_>,
    desk_id: &str,
    facility_id: &str,
    actor: &Actor,
    hold_id: &str,
    kind: &str,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
    body: Value,
) -> Result<()> {
    let envelope = events::append(
        tx,
        desk_id,
        facility_id,
        NewEvent {
            hold_id,
            kind,
            occurred_at,
            recorded_at: now,
            recorded_by: &actor.username,
            body,
        },
    )?;
    // The audit record names the event's seq and hash: the two chains vouch
    // for each other, so removing the newest event is caught too.
    let seq = envelope["seq"].as_i64().unwrap_or_default();
    let hash = envelope["hash"].as_str().unwrap_or_default();
    audit::record(
        tx,
        desk_id,
        now,
        Entry {
            actor: &actor.username,
            action: kind,
            target: Some(hold_id),
            outcome: "success",
            detail: Some(&format!("{}{seq} hash {hash}", audit::EVENT_REF)),
        },
    )
}
