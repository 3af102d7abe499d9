//! From event envelopes to one record per hold: the facts the figures are
//! built from, read from the event bodies of sync-protocol.md (v1 and v1.1)
//! and nothing else. A hold's events are folded in the protocol's order
//! (`occurred_at`, then `recorded_at`, `desk_id`, `seq`); the first close
//! closes it, as on every desk. Old `hold.opened` bodies without
//! `criminal_release_at` read as released from criminal custody at service.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::custody::HoldStatus;

/// One citizenship claim as the events tell it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFacts {
    pub claim_id: String,
    pub claimed_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
}

/// What the events say about one hold.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldFacts {
    pub hold_id: String,
    pub desk_id: String,
    pub booking_number: String,
    pub family_name: String,
    pub given_names: String,
    pub officer_credential: String,
    pub authority: String,
    pub agreement_id: Option<String>,
    pub served_at: DateTime<Utc>,
    pub criminal_release_at: DateTime<Utc>,
    /// False for holds booked before the rule: `criminal_release_at` is then `served_at`.
    pub criminal_release_recorded: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub status: HoldStatus,
    pub closed_at: Option<DateTime<Utc>>,
    pub release_reason: Option<String>,
    pub destination: Option<String>,
    /// The first notice to ICE recorded as an event.
    pub ice_notified_at: Option<DateTime<Utc>>,
    pub claims: Vec<ClaimFacts>,
    /// `hold.incident` kinds, in order.
    pub incidents: Vec<String>,
    pub voided: bool,
}

impl HoldFacts {
    pub fn has_incident(&self, kind: &str) -> bool {
        self.incidents.iter().any(|k| k == kind)
    }
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// The protocol's fold order; `hold.opened` first within a hold whatever its
/// time says, since nothing can be applied to a hold before it exists.
fn order_key(e: &Value) -> (bool, String, String, String, i64) {
    (
        e["type"] != "hold.opened",
        e["occurred_at"].as_str().unwrap_or_default().to_owned(),
        e["recorded_at"].as_str().unwrap_or_default().to_owned(),
        e["desk_id"].as_str().unwrap_or_default().to_owned(),
        e["seq"].as_i64().unwrap_or_default(),
    )
}

/// Fold envelopes (any order, any desks) into one record per hold, keyed by
/// hold id. Events of holds with no `hold.opened` (ICE updates about holds
/// this desk never saw) and voided holds are left out: they are no custody.
pub fn fold(envelopes: &[Value]) -> BTreeMap<String, HoldFacts> {
    let mut sorted: Vec<&Value> = envelopes.iter().collect();
    sorted.sort_by_cached_key(|e| order_key(e));
    let mut holds: BTreeMap<String, HoldFacts> = BTreeMap::new();
    for e in sorted {
        let Some(hold_id) = e["hold_id"].as_str() else {
            continue;
        };
        let body = &e["body"];
        let kind = e["type"].as_str().unwrap_or_default();
        if kind == "hold.opened" {
            if let Some(facts) = opened(hold_id, e) {
                holds.entry(hold_id.to_owned()).or_insert(facts);
            }
            continue;
        }
        let Some(h) = holds.get_mut(hold_id) else {
            continue;
        };
        apply(h, kind, body);
    }
    holds.retain(|_, h| !h.voided);
    holds
}

fn opened(hold_id: &str, e: &Value) -> Option<HoldFacts> {
    let b = &e["body"];
    let served_at = instant(&b["served_at"])?;
    let release = instant(&b["criminal_release_at"]);
    Some(HoldFacts {
        hold_id: hold_id.to_owned(),
        desk_id: text(&e["desk_id"]).unwrap_or_default(),
        booking_number: text(&b["person"]["booking_number"]).unwrap_or_default(),
        family_name: text(&b["person"]["family_name"]).unwrap_or_default(),
        given_names: text(&b["person"]["given_names"]).unwrap_or_default(),
        officer_credential: text(&b["officer_credential"]).unwrap_or_default(),
        authority: text(&b["authority"]).unwrap_or_else(|| "wso_48h".into()),
        agreement_id: text(&b["agreement"]["id"]),
        served_at,
        criminal_release_at: release.unwrap_or(served_at),
        criminal_release_recorded: release.is_some(),
        deadline_at: instant(&b["deadline_at"]),
        status: HoldStatus::Open,
        closed_at: None,
        release_reason: None,
        destination: None,
        ice_notified_at: None,
        claims: Vec::new(),
        incidents: Vec::new(),
        voided: false,
    })
}

fn apply(h: &mut HoldFacts, kind: &str, b: &Value) {
    match kind {
        "hold.corrected" => {
            let new = text(&b["new"]).unwrap_or_default();
            match b["field"].as_str() {
                Some("person.family_name") => h.family_name = new,
                Some("person.given_names") => h.given_names = new,
                Some("person.booking_number") => h.booking_number = new,
                _ => {}
            }
        }
        // The first close (in fold order) closes the hold; a later one is a
        // conflict between desks, shown elsewhere, and changes no figure.
        "hold.transferred" if h.closed_at.is_none() => {
            if let Some(at) = instant(&b["transferred_at"]) {
                h.status = HoldStatus::Transferred;
                h.closed_at = Some(at);
                h.destination = text(&b["destination"]);
            }
        }
        "hold.released" if h.closed_at.is_none() => {
            if let Some(at) = instant(&b["released_at"]) {
                h.status = HoldStatus::Released;
                h.closed_at = Some(at);
                h.release_reason = text(&b["reason"]);
            }
        }
        "hold.placed_under_agreement" => {
            h.authority = "igsa".into();
            h.agreement_id = text(&b["agreement"]["id"]);
            h.deadline_at = instant(&b["deadline_at"]);
        }
        "hold.ice_notified" => {
            let at = instant(&b["notified_at"]);
            // The first notice counts; a later call changes nothing.
            h.ice_notified_at = match (h.ice_notified_at, at) {
                (Some(first), Some(t)) => Some(first.min(t)),
                (first, t) => first.or(t),
            };
        }
        "hold.citizenship_claim_recorded" => {
            if let (Some(id), Some(at)) = (text(&b["claim_id"]), instant(&b["claimed_at"])) {
                if !h.claims.iter().any(|c| c.claim_id == id) {
                    h.claims.push(ClaimFacts {
                        claim_id: id,
                        claimed_at: at,
                        reported_at: None,
                    });
                }
            }
        }
        "hold.citizenship_claim_reported" => {
            let at = instant(&b["reported_at"]);
            if let Some(c) = h
                .claims
                .iter_mut()
                .find(|c| Some(c.claim_id.as_str()) == b["claim_id"].as_str())
            {
                c.reported_at = c.reported_at.or(at);
            }
        }
        "hold.incident" => {
            if let Some(k) = text(&b["kind"]) {
                h.incidents.push(k);
            }
        }
        "hold.voided" => h.voided = true,
        _ => {}
    }
}
