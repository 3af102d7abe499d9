//! The sync wire's event bodies (sync-protocol.md v1 and v1.1), one typed
//! struct per event type, shared by the desk (which builds events from them)
//! and the endpoint (which reads them). Instants are RFC 3339 UTC with `Z`,
//! whole seconds; the hash chain is over the canonical JSON of the envelope,
//! so a body serialises to exactly the JSON the `json!` bodies gave before.
//! Fields added in v1.1 are `#[serde(default)]`: a v1 event still reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::custody::agreement::{Agreement, AgreementKind};
use crate::custody::duties::{IncidentKind, NoticeMethod};
use crate::custody::service::CriminalReleaseBasis;
use crate::custody::{Authority, ReleaseReason};

/// An event body: its `type` on the wire.
pub trait EventBody: Serialize {
    const TYPE: &'static str;
}

/// `...Z` instants with whole seconds, as every timestamp on the wire.
pub mod utc_z {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::time::utc_text(*t))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        crate::time::parse_instant("time", &text).map_err(serde::de::Error::custom)
    }
    pub fn serialize_opt<S: Serializer>(
        t: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => serialize(t, s),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize_opt<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => crate::time::parse_instant("time", &text)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: String,
    pub booking_number: String,
    pub a_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warrant {
    pub form: String,
    pub number: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationE7 {
    pub lat_e7: i64,
    pub lon_e7: i64,
}

/// The agreement a hold is held under, as the wire names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementRef {
    pub id: String,
    pub kind: AgreementKind,
    pub number: Option<String>,
    pub hold_limit_hours: Option<u32>,
}

impl From<&Agreement> for AgreementRef {
    fn from(a: &Agreement) -> Self {
        AgreementRef {
            id: a.id.clone(),
            kind: a.kind,
            number: a.number.clone(),
            hold_limit_hours: a.hold_limit_hours,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldOpened {
    pub person: Person,
    pub warrant: Warrant,
    pub detainer_number: Option<String>,
    pub officer_credential: String,
    #[serde(with = "utc_z")]
    pub served_at: DateTime<Utc>,
    pub zone_id: String,
    pub location: Option<LocationE7>,
    pub authority: Authority,
    #[serde(
        serialize_with = "utc_z::serialize_opt",
        deserialize_with = "utc_z::deserialize_opt"
    )]
    pub deadline_at: Option<DateTime<Utc>>,
    // v1.1 (agreement.md)
    #[serde(
        default,
        serialize_with = "utc_z::serialize_opt",
        deserialize_with = "utc_z::deserialize_opt"
    )]
    pub criminal_release_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub criminal_release_basis: Option<CriminalReleaseBasis>,
    #[serde(default)]
    pub ice_supervisor: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub interpreter: Option<String>,
    #[serde(default)]
    pub interpreter_declined: bool,
    #[serde(default)]
    pub agreement: Option<AgreementRef>,
}
impl EventBody for HoldOpened {
    const TYPE: &'static str = "hold.opened";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldMoved {
    pub zone_id: String,
    pub inside_perimeter: bool,
    #[serde(with = "utc_z")]
    pub moved_at: DateTime<Utc>,
}
impl EventBody for HoldMoved {
    const TYPE: &'static str = "hold.moved";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldTransferred {
    #[serde(with = "utc_z")]
    pub transferred_at: DateTime<Utc>,
    pub ice_officer: String,
    #[serde(default)]
    pub destination: Option<String>,
    /// Required when the transfer comes after the deadline (the over-deadline note).
    #[serde(default)]
    pub note: Option<String>,
}
impl EventBody for HoldTransferred {
    const TYPE: &'static str = "hold.transferred";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldReleased {
    #[serde(with = "utc_z")]
    pub released_at: DateTime<Utc>,
    pub reason: ReleaseReason,
    pub note: Option<String>,
}
impl EventBody for HoldReleased {
    const TYPE: &'static str = "hold.released";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldCorrected {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub reason: String,
}
impl EventBody for HoldCorrected {
    const TYPE: &'static str = "hold.corrected";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateApplied {
    pub update_id: String,
    pub kind: String,
}
impl EventBody for UpdateApplied {
    const TYPE: &'static str = "hold.update_applied";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IceNotified {
    pub method: NoticeMethod,
    pub to: String,
    #[serde(with = "utc_z")]
    pub notified_at: DateTime<Utc>,
}
impl EventBody for IceNotified {
    const TYPE: &'static str = "hold.ice_notified";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitizenshipClaimRecorded {
    pub claim_id: String,
    #[serde(with = "utc_z")]
    pub claimed_at: DateTime<Utc>,
    pub heard_by: String,
    pub statement: String,
}
impl EventBody for CitizenshipClaimRecorded {
    const TYPE: &'static str = "hold.citizenship_claim_recorded";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitizenshipClaimReported {
    pub claim_id: String,
    #[serde(with = "utc_z")]
    pub reported_at: DateTime<Utc>,
    pub method: NoticeMethod,
    pub to: String,
}
impl EventBody for CitizenshipClaimReported {
    const TYPE: &'static str = "hold.citizenship_claim_reported";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedUnderAgreement {
    pub agreement: AgreementRef,
    #[serde(with = "utc_z")]
    pub at: DateTime<Utc>,
    #[serde(
        serialize_with = "utc_z::serialize_opt",
        deserialize_with = "utc_z::deserialize_opt"
    )]
    pub deadline_at: Option<DateTime<Utc>>,
}
impl EventBody for PlacedUnderAgreement {
    const TYPE: &'static str = "hold.placed_under_agreement";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub incident_id: String,
    pub kind: IncidentKind,
    pub seconds: i64,
    pub detail: String,
}
impl EventBody for Incident {
    const TYPE: &'static str = "hold.incident";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentReviewed {
    pub incident_id: String,
    pub note: String,
}
impl EventBody for IncidentReviewed {
    const TYPE: &'static str = "hold.incident_reviewed";
}

/// The one reason a hold is voided: the same warrant booked at two desks.
pub const VOID_DUPLICATE_BOOKING: &str = "duplicate_booking";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voided {
    pub reason: String,
    pub kept_hold_id: String,
    pub note: String,
}
impl EventBody for Voided {
    const TYPE: &'static str = "hold.voided";
}

/// A body as the JSON value the envelope carries.
pub fn to_value<B: EventBody>(body: &B) -> serde_json::Value {
    // Our bodies hold strings, integers, bools and nulls only: serialising
    // them cannot fail.
    serde_json::to_value(body).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    #[test]
    fn v1_opened_body_still_reads_and_times_stay_whole_seconds() {
        let v1 = serde_json::json!({
            "person": {"family_name": "Doe", "given_names": "Jane", "date_of_birth": "1990-04-02",
                       "booking_number": "B-1", "a_number": null},
            "warrant": {"form": "I-200", "number": "W-1"}, "detainer_number": null,
            "officer_credential": "WSO-1", "served_at": "2026-11-27T14:03:00Z", "zone_id": "booking",
            "location": null, "authority": "wso_48h", "deadline_at": "2026-11-29T14:03:00Z"
        });
        let body: HoldOpened = serde_json::from_value(v1).unwrap();
        assert_eq!(body.criminal_release_at, None);
        assert!(!body.interpreter_declined);
        let moved = HoldMoved {
            zone_id: "booking".into(),
            inside_perimeter: true,
            moved_at: parse_instant("t", "2026-11-27T14:03:00.9Z").unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&moved).unwrap(),
            r#"{"zone_id":"booking","inside_perimeter":true,"moved_at":"2026-11-27T14:03:00Z"}"#
        );
    }
}
