//! A custody event as the fold reads it: the envelope's header plus a typed
//! `Change`, parsed once from the canonical JSON the outbox stores (and the
//! endpoint relays). Anything core would never have written is refused here
//! with the event named, so a hand-made envelope cannot slip through as
//! "no effect".

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::FoldError;
use crate::custody::clock::Authority;
use crate::custody::duties::IncidentKind;
use crate::custody::hold::ReleaseReason;
use crate::wire;

/// Which event: the desk that recorded it and its place in that desk's chain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventRef {
    pub desk_id: String,
    pub seq: i64,
}

impl std::fmt::Display for EventRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "event seq {} of desk {}", self.seq, self.desk_id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HoldEvent {
    pub at: EventRef,
    pub hold_id: String,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub change: Change,
}

/// What one event does to its hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Opened(Box<Opened>),
    Moved {
        zone_id: String,
        inside_perimeter: bool,
        moved_at: DateTime<Utc>,
    },
    Transferred {
        transferred_at: DateTime<Utc>,
        ice_officer: String,
        destination: Option<String>,
        note: Option<String>,
    },
    Released {
        released_at: DateTime<Utc>,
        reason: ReleaseReason,
        note: Option<String>,
    },
    Corrected {
        field: String,
        old: Option<String>,
        new: Option<String>,
    },
    /// The receipt of an ICE update; `update` is the update as the desk
    /// stored it (the receipt names it by id only), filled in by the caller.
    UpdateApplied {
        update_id: String,
        kind: String,
        update: Option<StoredUpdate>,
    },
    IceNotified {
        method: String,
        to: String,
        notified_at: DateTime<Utc>,
    },
    PlacedUnderAgreement {
        agreement: AgreementTerms,
        at: DateTime<Utc>,
        deadline_at: Option<DateTime<Utc>>,
    },
    ClaimRecorded {
        claim_id: String,
        claimed_at: DateTime<Utc>,
        heard_by: String,
        statement: String,
    },
    ClaimReported {
        claim_id: String,
        reported_at: DateTime<Utc>,
        method: String,
        to: String,
    },
    Incident {
        incident_id: String,
        kind: IncidentKind,
        seconds: i64,
        detail: String,
    },
    IncidentReviewed {
        incident_id: String,
        note: String,
    },
    /// A supervisor's void of a duplicate booking, naming the hold kept.
    Voided {
        kept_hold_id: String,
        note: String,
    },
}

/// An ICE update as the desk stored it when it applied it (`ice_update`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUpdate {
    pub kind: String,
    /// As stored: RFC 3339 UTC when it parsed, else the text as received.
    pub at: String,
    pub details: Map<String, Value>,
    /// As stored; the fold recomputes it except for roster kinds, whose use
    /// depended on the roster when the update arrived.
    pub known_kind: bool,
}

/// The person and warrant as booked: what a supervisor may correct.
#[derive(Debug, Clone, PartialEq)]
pub struct Particulars {
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: String,
    pub booking_number: String,
    pub a_number: Option<String>,
    pub warrant_form: String,
    pub warrant_number: String,
    pub detainer_number: Option<String>,
}

/// The agreement a hold is held under, as far as the clock needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementTerms {
    pub id: String,
    pub hold_limit_hours: Option<u32>,
}

/// The body of `hold.opened`.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub particulars: Particulars,
    pub officer_credential: String,
    pub served_at: DateTime<Utc>,
    pub zone_id: String,
    pub location: Option<(i64, i64)>,
    pub authority: Authority,
    pub deadline_at: Option<DateTime<Utc>>,
    /// None in a v1 body (booked before the criminal release was recorded).
    pub criminal_release_at: Option<DateTime<Utc>>,
    pub criminal_release_basis: Option<String>,
    pub ice_supervisor: Option<String>,
    pub language: Option<String>,
    pub interpreter: Option<String>,
    pub interpreter_declined: bool,
    pub agreement: Option<AgreementTerms>,
}

#[derive(Deserialize)]
struct Envelope {
    seq: i64,
    desk_id: String,
    hold_id: String,
    #[serde(rename = "type")]
    kind: String,
    occurred_at: String,
    recorded_at: String,
    recorded_by: String,
    body: Value,
}

fn terms(a: wire::AgreementRef) -> AgreementTerms {
    AgreementTerms {
        id: a.id,
        hold_limit_hours: a.hold_limit_hours,
    }
}

impl HoldEvent {
    /// Read an envelope (its hash is the chain's business, not the fold's).
    pub fn from_envelope(envelope: &Value) -> Result<HoldEvent, FoldError> {
        let seq = envelope["seq"].as_i64().unwrap_or_default();
        let desk_id = envelope["desk_id"].as_str().unwrap_or_default().to_owned();
        let at = EventRef { desk_id, seq };
        let bad = |why: String| FoldError {
            at: at.clone(),
            why,
        };
        let e: Envelope = serde_json::from_value(envelope.clone())
            .map_err(|err| bad(format!("the envelope is malformed ({err})")))?;
        let time = |field: &str, text: &str| {
            instant(text).ok_or_else(|| bad(format!("`{field}` is not an RFC 3339 time")))
        };
        fn read<B: DeserializeOwned>(e: &Envelope) -> Result<B, String> {
            serde_json::from_value(e.body.clone())
                .map_err(|err| format!("the {} body is malformed ({err})", e.kind))
        }
        let change = match e.kind.as_str() {
            "hold.opened" => {
                let b: wire::HoldOpened = read(&e).map_err(bad)?;
                Change::Opened(Box::new(Opened {
                    particulars: Particulars {
                        family_name: b.person.family_name,
                        given_names: b.person.given_names,
                        date_of_birth: b.person.date_of_birth,
                        booking_number: b.person.booking_number,
                        a_number: b.person.a_number,
                        warrant_form: b.warrant.form,
                        warrant_number: b.warrant.number,
                        detainer_number: b.detainer_number,
                    },
                    officer_credential: b.officer_credential,
                    served_at: b.served_at,
                    zone_id: b.zone_id,
                    location: b.location.map(|l| (l.lat_e7, l.lon_e7)),
                    authority: b.authority,
                    deadline_at: b.deadline_at,
                    criminal_release_at: b.criminal_release_at,
                    criminal_release_basis: b.criminal_release_basis.map(|c| c.as_str().to_owned()),
                    ice_supervisor: b.ice_supervisor,
                    language: b.language,
                    interpreter: b.interpreter,
                    interpreter_declined: b.interpreter_declined,
                    agreement: b.agreement.map(terms),
                }))
            }
            "hold.moved" => {
                let b: wire::HoldMoved = read(&e).map_err(bad)?;
                Change::Moved {
                    zone_id: b.zone_id,
                    inside_perimeter: b.inside_perimeter,
                    moved_at: b.moved_at,
                }
            }
            "hold.transferred" => {
                let b: wire::HoldTransferred = read(&e).map_err(bad)?;
                Change::Transferred {
                    transferred_at: b.transferred_at,
                    ice_officer: b.ice_officer,
                    destination: b.destination,
                    note: b.note,
                }
            }
            "hold.released" => {
                let b: wire::HoldReleased = read(&e).map_err(bad)?;
                Change::Released {
                    released_at: b.released_at,
                    reason: b.reason,
                    note: b.note,
                }
            }
            "hold.corrected" => {
                let b: wire::HoldCorrected = read(&e).map_err(bad)?;
                Change::Corrected {
                    field: b.field,
                    old: b.old,
                    new: b.new,
                }
            }
            "hold.update_applied" => {
                let b: wire::UpdateApplied = read(&e).map_err(bad)?;
                Change::UpdateApplied {
                    update_id: b.update_id,
                    kind: b.kind,
                    update: None,
                }
            }
            "hold.ice_notified" => {
                let b: wire::IceNotified = read(&e).map_err(bad)?;
                Change::IceNotified {
                    method: b.method.as_str().to_owned(),
                    to: b.to,
                    notified_at: b.notified_at,
                }
            }
            "hold.placed_under_agreement" => {
                let b: wire::PlacedUnderAgreement = read(&e).map_err(bad)?;
                Change::PlacedUnderAgreement {
                    agreement: terms(b.agreement),
                    at: b.at,
                    deadline_at: b.deadline_at,
                }
            }
            "hold.citizenship_claim_recorded" => {
                let b: wire::CitizenshipClaimRecorded = read(&e).map_err(bad)?;
                Change::ClaimRecorded {
                    claim_id: b.claim_id,
                    claimed_at: b.claimed_at,
                    heard_by: b.heard_by,
                    statement: b.statement,
                }
            }
            "hold.citizenship_claim_reported" => {
                let b: wire::CitizenshipClaimReported = read(&e).map_err(bad)?;
                Change::ClaimReported {
                    claim_id: b.claim_id,
                    reported_at: b.reported_at,
                    method: b.method.as_str().to_owned(),
                    to: b.to,
                }
            }
            "hold.incident" => {
                let b: wire::Incident = read(&e).map_err(bad)?;
                Change::Incident {
                    incident_id: b.incident_id,
                    kind: b.kind,
                    seconds: b.seconds,
                    detail: b.detail,
                }
            }
            "hold.incident_reviewed" => {
                let b: wire::IncidentReviewed = read(&e).map_err(bad)?;
                Change::IncidentReviewed {
                    incident_id: b.incident_id,
                    note: b.note,
                }
            }
            "hold.voided" => {
                let b: wire::Voided = read(&e).map_err(bad)?;
                if b.reason != wire::VOID_DUPLICATE_BOOKING {
                    return Err(bad(format!(
                        "`{}` is not a reason core voids a hold for",
                        b.reason
                    )));
                }
                Change::Voided {
                    kept_hold_id: b.kept_hold_id,
                    note: b.note,
                }
            }
            other => return Err(bad(format!("`{other}` is not an event type core writes"))),
        };
        Ok(HoldEvent {
            at: EventRef {
                desk_id: e.desk_id,
                seq: e.seq,
            },
            hold_id: e.hold_id,
            occurred_at: time("occurred_at", &e.occurred_at)?,
            recorded_at: time("recorded_at", &e.recorded_at)?,
            recorded_by: e.recorded_by,
            kind: e.kind,
            change,
        })
    }

    /// The instant the body itself names, which must be the envelope's
    /// `occurred_at`.
    pub fn body_time(&self) -> Option<DateTime<Utc>> {
        match &self.change {
            Change::Opened(o) => Some(o.served_at),
            Change::Moved { moved_at, .. } => Some(*moved_at),
            Change::Transferred { transferred_at, .. } => Some(*transferred_at),
            Change::Released { released_at, .. } => Some(*released_at),
            Change::IceNotified { notified_at, .. } => Some(*notified_at),
            Change::PlacedUnderAgreement { at, .. } => Some(*at),
            Change::ClaimRecorded { claimed_at, .. } => Some(*claimed_at),
            Change::ClaimReported { reported_at, .. } => Some(*reported_at),
            Change::Corrected { .. }
            | Change::UpdateApplied { .. }
            | Change::Incident { .. }
            | Change::IncidentReviewed { .. }
            | Change::Voided { .. } => None,
        }
    }

    /// The time of a change core holds to "not before the hold's previous
    /// event" and records as `last_event_at`: booking, move, close,
    /// agreement, a typed notice to ICE, a claim heard.
    pub fn custody_time(&self) -> Option<DateTime<Utc>> {
        match &self.change {
            Change::Opened(_)
            | Change::Moved { .. }
            | Change::Transferred { .. }
            | Change::Released { .. }
            | Change::PlacedUnderAgreement { .. }
            | Change::IceNotified { .. }
            | Change::ClaimRecorded { .. } => self.body_time(),
            _ => None,
        }
    }

    /// Recorded at the moment it happened: corrections, receipts, reviews.
    pub fn recorded_when_it_happened(&self) -> bool {
        matches!(
            self.change,
            Change::Corrected { .. }
                | Change::UpdateApplied { .. }
                | Change::IncidentReviewed { .. }
                | Change::Voided { .. }
        )
    }
}

/// Wire instants are RFC 3339; core writes them UTC with whole seconds.
fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
