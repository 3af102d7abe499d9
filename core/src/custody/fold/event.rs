//! A custody event as the fold reads it: the envelope's header plus a typed
//! `Change`, parsed once from the canonical JSON the outbox stores (and the
//! endpoint relays). Anything core would never have written is refused here
//! with the event named, so a hand-made envelope cannot slip through as
//! "no effect".

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::FoldError;
use crate::custody::clock::Authority;
use crate::custody::hold::ReleaseReason;

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
}

/// An ICE update as the desk stored it when it applied it (`ice_update`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUpdate {
    pub kind: String,
    /// As stored: RFC 3339 UTC when it parsed, else the text as received.
    pub at: String,
    pub details: Map<String, Value>,
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

#[derive(Deserialize)]
struct OpenedBody {
    person: PersonBody,
    warrant: WarrantBody,
    detainer_number: Option<String>,
    officer_credential: String,
    served_at: String,
    zone_id: String,
    location: Option<LocationBody>,
    authority: String,
    deadline_at: Option<String>,
}
#[derive(Deserialize)]
struct PersonBody {
    family_name: String,
    given_names: String,
    date_of_birth: String,
    booking_number: String,
    a_number: Option<String>,
}
#[derive(Deserialize)]
struct WarrantBody {
    form: String,
    number: String,
}
#[derive(Deserialize)]
struct LocationBody {
    lat_e7: i64,
    lon_e7: i64,
}
#[derive(Deserialize)]
struct MovedBody {
    zone_id: String,
    inside_perimeter: bool,
    moved_at: String,
}
#[derive(Deserialize)]
struct TransferredBody {
    transferred_at: String,
    ice_officer: String,
}
#[derive(Deserialize)]
struct ReleasedBody {
    released_at: String,
    reason: String,
    note: Option<String>,
}
#[derive(Deserialize)]
struct CorrectedBody {
    field: String,
    old: Option<String>,
    new: Option<String>,
}
#[derive(Deserialize)]
struct ReceiptBody {
    update_id: String,
    kind: String,
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
        let body =
            |err: serde_json::Error| bad(format!("the {} body is malformed ({err})", e.kind));
        let change = match e.kind.as_str() {
            "hold.opened" => {
                let b: OpenedBody = serde_json::from_value(e.body.clone()).map_err(body)?;
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
                    served_at: time("served_at", &b.served_at)?,
                    zone_id: b.zone_id,
                    location: b.location.map(|l| (l.lat_e7, l.lon_e7)),
                    authority: Authority::parse(&b.authority)
                        .ok_or_else(|| bad("`authority` is not wso_48h or igsa".into()))?,
                    deadline_at: b.deadline_at.map(|d| time("deadline_at", &d)).transpose()?,
                }))
            }
            "hold.moved" => {
                let b: MovedBody = serde_json::from_value(e.body.clone()).map_err(body)?;
                Change::Moved {
                    zone_id: b.zone_id,
                    inside_perimeter: b.inside_perimeter,
                    moved_at: time("moved_at", &b.moved_at)?,
                }
            }
            "hold.transferred" => {
                let b: TransferredBody = serde_json::from_value(e.body.clone()).map_err(body)?;
                Change::Transferred {
                    transferred_at: time("transferred_at", &b.transferred_at)?,
                    ice_officer: b.ice_officer,
                }
            }
            "hold.released" => {
                let b: ReleasedBody = serde_json::from_value(e.body.clone()).map_err(body)?;
                Change::Released {
                    released_at: time("released_at", &b.released_at)?,
                    reason: ReleaseReason::parse(&b.reason)
                        .ok_or_else(|| bad("`reason` is not a release reason".into()))?,
                    note: b.note,
                }
            }
            "hold.corrected" => {
                let b: CorrectedBody = serde_json::from_value(e.body.clone()).map_err(body)?;
                Change::Corrected {
                    field: b.field,
                    old: b.old,
                    new: b.new,
                }
            }
            "hold.update_applied" => {
                let b: ReceiptBody = serde_json::from_value(e.body.clone()).map_err(body)?;
                Change::UpdateApplied {
                    update_id: b.update_id,
                    kind: b.kind,
                    update: None,
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

    /// The instant the body itself names for a custody change (served, moved,
    /// transferred, released), which must be the envelope's `occurred_at`.
    pub fn body_time(&self) -> Option<DateTime<Utc>> {
        match &self.change {
            Change::Opened(o) => Some(o.served_at),
            Change::Moved { moved_at, .. } => Some(*moved_at),
            Change::Transferred { transferred_at, .. } => Some(*transferred_at),
            Change::Released { released_at, .. } => Some(*released_at),
            Change::Corrected { .. } | Change::UpdateApplied { .. } => None,
        }
    }
}

/// Wire instants are RFC 3339; core writes them UTC with whole seconds.
fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
