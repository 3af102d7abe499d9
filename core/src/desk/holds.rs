//! Custody changes: open (book a WSO arrest), move and correct (transfer
//! and release are in `closing`). Each validates everything first, then writes the hold, its sync
//! event and its audit record in one transaction; a refusal writes nothing.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::booking::{refuse_duplicate, refuse_open_warrant, Vetted};
use super::record::{custody_event, open_hold, record_incident};
use super::views::HoldSummary;
use super::Desk;
use crate::auth::{Actor, Role};
use crate::custody::duties::IncidentKind;
use crate::custody::hold::{
    code, date_of_birth, free_text, not_before, not_in_future, person_name, NewHold, WarrantForm,
};
use crate::error::{Error, Result, SqlContext};
use crate::time::{parse_instant, utc_text};
use crate::wire;

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
            agreement,
        } = self.vet_booking(actor, input, now)?;
        let hold_id = uuid::Uuid::now_v7().to_string();
        let body = wire::HoldOpened {
            person: wire::Person {
                family_name: h.family_name.clone(),
                given_names: h.given_names.clone(),
                date_of_birth: h.date_of_birth.to_string(),
                booking_number: h.booking_number.clone(),
                a_number: h.a_number.clone(),
            },
            warrant: wire::Warrant {
                form: h.warrant_form.as_str().into(),
                number: h.warrant_number.clone(),
            },
            detainer_number: h.detainer_number.clone(),
            officer_credential: h.officer_credential.clone(),
            served_at: h.served_at,
            zone_id: zone.id.clone(),
            location: h
                .location
                .map(|(lat_e7, lon_e7)| wire::LocationE7 { lat_e7, lon_e7 }),
            authority,
            deadline_at: deadline,
            criminal_release_at: Some(h.criminal_release_at),
            criminal_release_basis: Some(h.criminal_release_basis),
            ice_supervisor: Some(h.ice_supervisor.clone()),
            language: h.language.clone(),
            interpreter: h.interpreter.clone(),
            interpreter_declined: h.interpreter_declined,
            agreement: agreement.as_ref().map(wire::AgreementRef::from),
        };
        let ids = self.ids();
        let tx = self.write_tx("booking a hold")?;
        refuse_duplicate(&tx, &h)?;
        crate::store::hold::insert(
            &tx,
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
                utc_text(h.criminal_release_at),
                h.criminal_release_basis.as_str(),
                h.ice_supervisor,
                h.language,
                h.interpreter,
                h.interpreter_declined,
                agreement.as_ref().map(|a| a.id.as_str()),
            ],
        )
        .ctx("writing the hold")?;
        custody_event(
            &tx,
            &ids,
            &actor.username,
            &hold_id,
            h.served_at,
            now,
            &body,
        )?;
        if let Some(gap) = h.late_gap_seconds {
            // The hours before service were held with no authority: recorded
            // with the booking, never hidden.
            record_incident(
                &tx,
                &ids,
                &actor.username,
                &hold_id,
                IncidentKind::HeldWithoutAuthority,
                gap,
                h.served_at,
                now,
            )?;
        }
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
        let ids = self.ids();
        let tx = self.write_tx("recording a move")?;
        let last = open_hold(&tx, hold_id)?.last_event_at;
        not_before("at", at, last)?;
        crate::store::hold::set_zone(&tx, hold_id, &zone.id, zone.inside, &utc_text(at))
            .ctx("moving the hold")?;
        let body = wire::HoldMoved {
            zone_id: zone.id.clone(),
            inside_perimeter: zone.inside,
            moved_at: at,
        };
        custody_event(&tx, &ids, &actor.username, hold_id, at, now, &body)?;
        tx.commit().ctx("committing the move")?;
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
        let ids = self.ids();
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
        crate::store::hold::set_column(&tx, hold_id, column, &new_value)
            .ctx("correcting the hold")?;
        let body = wire::HoldCorrected {
            field: field.to_owned(),
            old,
            new: new_value,
            reason,
        };
        custody_event(&tx, &ids, &actor.username, hold_id, now, now, &body)?;
        tx.commit().ctx("committing the correction")?;
        self.hold(hold_id, now)
    }
}
