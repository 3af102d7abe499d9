//! One hold's state, and how each kind of event changes it. The order and
//! the checks that span events live in the fold itself (`super::fold`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{
    ice_effect, superseded, AgreementTerms, Change, Conflict, EventRef, FoldError, HoldEvent,
    IceEffect, Opened, Particulars, StoredUpdate,
};
use crate::custody::clock::{Authority, HOLD_LIMIT_SECONDS};
use crate::custody::duties::IncidentKind;
use crate::custody::hold::{HoldStatus, ReleaseReason};
use crate::custody::service::{anchor, SERVICE_TOLERANCE_SECONDS};
use crate::time::utc_text;

/// One hold as its events make it: every column of the `hold` table.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldState {
    pub hold_id: String,
    pub status: HoldStatus,
    /// As booked, with every correction applied.
    pub particulars: Particulars,
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
    pub criminal_release_at: Option<DateTime<Utc>>,
    pub criminal_release_basis: Option<String>,
    pub ice_supervisor: Option<String>,
    pub language: Option<String>,
    pub interpreter: Option<String>,
    pub interpreter_declined: bool,
    pub agreement_id: Option<String>,
    /// The first notice to ICE recorded as an event (a notice by sync has
    /// none: `audit verify` accepts it for an acknowledged booking).
    pub ice_notified_at: Option<DateTime<Utc>>,
    pub ice_notice_method: Option<String>,
    pub ice_notified_to: Option<String>,
    pub destination: Option<String>,
    pub conflicts: Vec<Conflict>,
    /// The clock's anchor, for an agreement placed later.
    pub anchor: DateTime<Utc>,
    /// The booking, and the `held_without_authority` incident's seconds.
    pub booked: EventRef,
    pub held_without_authority: Option<i64>,
    /// Rows of the `claim` and `incident` tables, as core writes them.
    pub claims: Vec<Columns>,
    pub incidents: Vec<Columns>,
    /// Set when a supervisor voided this hold as a duplicate booking.
    pub voided: Option<Void>,
}

/// A supervisor's void of a duplicate booking.
#[derive(Debug, Clone, PartialEq)]
pub struct Void {
    pub at: DateTime<Utc>,
    pub by: String,
    pub kept_hold_id: String,
    pub note: String,
}

/// A table row as core stores it: (column, value as text or null).
pub type Columns = Vec<(&'static str, Option<String>)>;

/// The id of the standing agreement of an IGSA facility (schema 4).
pub const STANDING_IGSA: &str = "igsa";

/// The clock's anchor: the earlier of service and criminal release (a hold
/// booked before the release was recorded runs from service).
fn anchor_of(o: &Opened) -> DateTime<Utc> {
    o.criminal_release_at
        .map_or(o.served_at, |r| anchor(o.served_at, r))
}

/// Core's deadline rule: the anchor plus 48 hours, or plus the agreement's
/// limit (none when it has none); a v1 IGSA hold has none.
fn deadline_rule(
    anchor: DateTime<Utc>,
    authority: Authority,
    agreement: Option<&AgreementTerms>,
) -> Option<DateTime<Utc>> {
    match (agreement, authority) {
        (Some(a), _) => a
            .hold_limit_hours
            .map(|h| anchor + Duration::seconds(i64::from(h) * 3600)),
        (None, Authority::Igsa) => None,
        (None, Authority::Wso48h) => Some(anchor + Duration::seconds(HOLD_LIMIT_SECONDS)),
    }
}

impl HoldState {
    pub(super) fn opened(e: &HoldEvent, o: &Opened) -> Result<HoldState, FoldError> {
        let bad = |why: &str| FoldError {
            at: e.at.clone(),
            why: why.into(),
        };
        if o.deadline_at != deadline_rule(anchor_of(o), o.authority, o.agreement.as_ref()) {
            return Err(bad(
                "deadline_at is not what core computes from the anchor and the agreement",
            ));
        }
        if o.agreement.is_some() && o.authority != Authority::Igsa {
            return Err(bad("held under an agreement but not under its authority"));
        }
        Ok(HoldState {
            hold_id: e.hold_id.clone(),
            status: HoldStatus::Open,
            particulars: o.particulars.clone(),
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
            criminal_release_at: o.criminal_release_at,
            criminal_release_basis: o.criminal_release_basis.clone(),
            ice_supervisor: o.ice_supervisor.clone(),
            language: o.language.clone(),
            interpreter: o.interpreter.clone(),
            interpreter_declined: o.interpreter_declined,
            // Schema 4 put the IGSA holds booked before it under the standing
            // `igsa` agreement.
            agreement_id: match (&o.agreement, o.authority) {
                (Some(a), _) => Some(a.id.clone()),
                (None, Authority::Igsa) => Some(STANDING_IGSA.to_owned()),
                (None, Authority::Wso48h) => None,
            },
            ice_notified_at: None,
            ice_notice_method: None,
            ice_notified_to: None,
            destination: None,
            conflicts: Vec::new(),
            anchor: anchor_of(o),
            booked: e.at.clone(),
            held_without_authority: None,
            claims: Vec::new(),
            incidents: Vec::new(),
            voided: None,
        })
    }

    pub(super) fn apply(&mut self, e: &HoldEvent, change: &Change) -> Result<(), FoldError> {
        let bad = |why: &str| FoldError {
            at: e.at.clone(),
            why: why.into(),
        };
        let closed = self.status != HoldStatus::Open || self.voided.is_some();
        // A void is no custody action: it stands on a closed duplicate (which
        // then leaves every list, as `void_hold` allows), and only a hold
        // already voided makes it a conflict.
        let acts = match change {
            Change::Voided { .. } => self.voided.is_some(),
            _ => e.custody_time().is_some(),
        };
        if closed && acts {
            self.conflicts.push(Conflict {
                at: e.at.clone(),
                kind: e.kind.clone(),
                occurred_at: e.occurred_at,
                why: if self.voided.is_some() {
                    "acts on a hold a supervisor had voided as a duplicate"
                } else {
                    "acts on a hold that was already closed"
                },
            });
            return Ok(());
        }
        // A close after the deadline needs a note saying why (agreement.md s5).
        let late_close = |at: &DateTime<Utc>, note: &Option<String>| {
            self.deadline_at.is_some_and(|d| *at > d) && note.is_none()
        };
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
                destination,
                note,
            } => {
                if late_close(transferred_at, note) {
                    return Err(bad("a transfer after the deadline without a note"));
                }
                self.status = HoldStatus::Transferred;
                self.closed_at = Some(*transferred_at);
                self.ice_officer = Some(ice_officer.clone());
                self.destination.clone_from(destination);
                self.release_note.clone_from(note);
                self.last_event_at = *transferred_at;
            }
            Change::Released {
                released_at,
                reason,
                note,
            } => {
                if *reason == ReleaseReason::Other && note.is_none() {
                    return Err(bad("a release for 'other' without a note"));
                }
                if late_close(released_at, note) {
                    return Err(bad("a release after the deadline without a note"));
                }
                self.status = HoldStatus::Released;
                self.closed_at = Some(*released_at);
                self.release_reason = Some(*reason);
                self.release_note.clone_from(note);
                self.last_event_at = *released_at;
            }
            Change::PlacedUnderAgreement {
                agreement,
                at,
                deadline_at,
            } => {
                if *deadline_at != deadline_rule(self.anchor, Authority::Igsa, Some(agreement)) {
                    return Err(bad(
                        "deadline_at is not what core computes from the anchor and the agreement",
                    ));
                }
                self.authority = Authority::Igsa;
                self.agreement_id = Some(agreement.id.clone());
                self.deadline_at = *deadline_at;
                self.last_event_at = *at;
            }
            Change::IceNotified {
                method,
                to,
                notified_at,
            } => {
                self.last_event_at = *notified_at;
                // The first notice stands; later ones are history only.
                if self.ice_notified_at.is_none() {
                    self.ice_notified_at = Some(*notified_at);
                    self.ice_notice_method = Some(method.clone());
                    self.ice_notified_to = Some(to.clone());
                }
            }
            Change::ClaimRecorded {
                claim_id,
                claimed_at,
                heard_by,
                statement,
            } => {
                self.last_event_at = *claimed_at;
                self.claims.push(vec![
                    ("claim_id", Some(claim_id.clone())),
                    ("hold_id", Some(self.hold_id.clone())),
                    ("claimed_at", Some(utc_text(*claimed_at))),
                    ("statement", Some(statement.clone())),
                    ("heard_by", Some(heard_by.clone())),
                    ("reported_at", None),
                    ("reported_method", None),
                    ("reported_to", None),
                ]);
            }
            Change::ClaimReported {
                claim_id,
                reported_at,
                method,
                to,
            } => {
                let claim = row_with(&mut self.claims, "claim_id", claim_id)
                    .ok_or_else(|| bad("reports a claim that was never recorded"))?;
                set(claim, "reported_at", Some(utc_text(*reported_at)));
                set(claim, "reported_method", Some(method.clone()));
                set(claim, "reported_to", Some(to.clone()));
            }
            Change::Incident {
                incident_id,
                kind,
                seconds,
                detail,
            } => {
                if *kind == IncidentKind::HeldWithoutAuthority {
                    self.held_without_authority = Some(*seconds);
                }
                self.incidents.push(vec![
                    ("incident_id", Some(incident_id.clone())),
                    ("hold_id", Some(self.hold_id.clone())),
                    ("kind", Some(kind.as_str().to_owned())),
                    ("seconds", Some(seconds.to_string())),
                    ("at", Some(utc_text(e.occurred_at))),
                    ("detail", Some(detail.clone())),
                    ("reviewed_at", None),
                    ("reviewed_by", None),
                    ("note", None),
                ]);
            }
            Change::IncidentReviewed { incident_id, note } => {
                let incident = row_with(&mut self.incidents, "incident_id", incident_id)
                    .ok_or_else(|| bad("reviews an incident that was never recorded"))?;
                set(incident, "reviewed_at", Some(utc_text(e.occurred_at)));
                set(incident, "reviewed_by", Some(e.recorded_by.clone()));
                set(incident, "note", Some(note.clone()));
            }
            Change::Corrected { field, old, new } => self.correct(e, field, old, new)?,
            Change::Voided { kept_hold_id, note } => {
                if *kept_hold_id == self.hold_id {
                    return Err(bad("a hold voided in favour of itself"));
                }
                self.voided = Some(Void {
                    at: e.occurred_at,
                    by: e.recorded_by.clone(),
                    kept_hold_id: kept_hold_id.clone(),
                    note: note.clone(),
                });
            }
            // Claims and incidents live in their own tables; receipts are
            // folded by `fold` with the update they name.
            Change::Opened(_) | Change::UpdateApplied { .. } => {}
        }
        Ok(())
    }

    /// A service later than the criminal release plus the tolerance is
    /// recorded with a `held_without_authority` incident of exactly the gap,
    /// and no other service is (agreement.md s1): moving the release time to
    /// hide those hours shows.
    pub(super) fn check_late_service(&self) -> Result<(), FoldError> {
        let gap = self
            .criminal_release_at
            .map(|r| (self.served_at - r).num_seconds())
            .filter(|g| *g > SERVICE_TOLERANCE_SECONDS);
        if gap != self.held_without_authority {
            return Err(FoldError {
                at: self.booked.clone(),
                why: "the hours held without authority before service are not what core records for its criminal release".into(),
            });
        }
        Ok(())
    }

    /// An older update of a kind does not overwrite a newer one; the first
    /// "release now" stays (either reason means release).
    pub(super) fn apply_update(&mut self, u: &StoredUpdate, newest: &HashMap<String, String>) {
        let Some(effect) = ice_effect(&u.kind, &u.details) else {
            return;
        };
        let newest_at = newest.get(&u.kind).map(String::as_str);
        if superseded(&effect, &u.at, self.ice_release_kind.is_some(), newest_at) {
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
    pub fn columns(&self) -> Columns {
        let t = |d: Option<DateTime<Utc>>| d.map(utc_text);
        let p = &self.particulars;
        vec![
            ("hold_id", Some(self.hold_id.clone())),
            ("status", Some(self.status.as_str().to_owned())),
            ("family_name", Some(p.family_name.clone())),
            ("given_names", Some(p.given_names.clone())),
            ("date_of_birth", Some(p.date_of_birth.clone())),
            ("booking_number", Some(p.booking_number.clone())),
            ("a_number", p.a_number.clone()),
            ("warrant_form", Some(p.warrant_form.clone())),
            ("warrant_number", Some(p.warrant_number.clone())),
            ("detainer_number", p.detainer_number.clone()),
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
            ("criminal_release_at", t(self.criminal_release_at)),
            (
                "criminal_release_basis",
                self.criminal_release_basis.clone(),
            ),
            ("ice_supervisor", self.ice_supervisor.clone()),
            ("language", self.language.clone()),
            ("interpreter", self.interpreter.clone()),
            (
                "interpreter_declined",
                Some(u8::from(self.interpreter_declined).to_string()),
            ),
            ("agreement_id", self.agreement_id.clone()),
            ("ice_notified_at", t(self.ice_notified_at)),
            ("ice_notice_method", self.ice_notice_method.clone()),
            ("ice_notified_to", self.ice_notified_to.clone()),
            ("destination", self.destination.clone()),
            ("booked_at_desk", Some(self.booked.desk_id.clone())),
            ("voided_at", t(self.voided.as_ref().map(|v| v.at))),
            ("voided_by", self.voided.as_ref().map(|v| v.by.clone())),
            (
                "kept_hold_id",
                self.voided.as_ref().map(|v| v.kept_hold_id.clone()),
            ),
            ("void_note", self.voided.as_ref().map(|v| v.note.clone())),
        ]
    }
}

/// The row of `rows` whose `key` column is `id`.
fn row_with<'a>(rows: &'a mut [Columns], key: &str, id: &str) -> Option<&'a mut Columns> {
    rows.iter_mut()
        .find(|r| r.iter().any(|(c, v)| *c == key && v.as_deref() == Some(id)))
}

fn set(row: &mut Columns, column: &str, value: Option<String>) {
    if let Some(cell) = row.iter_mut().find(|(c, _)| *c == column) {
        cell.1 = value;
    }
}
