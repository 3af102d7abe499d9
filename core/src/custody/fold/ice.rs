//! What an ICE update does to a hold (sync-protocol.md "Pull ICE updates"):
//! a scheduled pickup, "release now" (detainer cancelled / warrant withdrawn)
//! or "ICE says it took custody". A known kind whose details cannot be used
//! has no effect; it is kept and shown.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::time::{parse_instant, utc_text};

/// Kinds a desk acts on; any other is stored and shown, never dropped.
/// Kinds about the officer roster, not a hold: whether one was usable
/// depends on the roster when it arrived, so the stored flag is kept.
pub const ROSTER_UPDATE_KINDS: &[&str] = &["authorization_withdrawn"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IceEffect {
    PickupAt(DateTime<Utc>),
    /// `detainer_cancelled`, `warrant_withdrawn` or `release_authorized`:
    /// the hold needs release now.
    ReleaseNow(String),
    CustodyAssumedBy(String),
}

impl IceEffect {
    /// The hold column it sets, and the value as stored.
    pub fn column(&self) -> (&'static str, String) {
        match self {
            IceEffect::PickupAt(t) => ("pickup_at", utc_text(*t)),
            IceEffect::ReleaseNow(kind) => ("ice_release_kind", kind.clone()),
            IceEffect::CustodyAssumedBy(who) => ("custody_assumed_by", who.clone()),
        }
    }
}

/// The effect of an update of `kind` with `details`, when it has one.
pub fn ice_effect(kind: &str, details: &Map<String, Value>) -> Option<IceEffect> {
    let text = |key: &str| {
        details
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    match kind {
        "transfer_scheduled" => {
            let pickup = parse_instant("pickup_at", text("pickup_at")?).ok()?;
            Some(IceEffect::PickupAt(pickup))
        }
        "detainer_cancelled" | "warrant_withdrawn" | "release_authorized" => {
            Some(IceEffect::ReleaseNow(kind.to_owned()))
        }
        "custody_assumed" => Some(IceEffect::CustodyAssumedBy(
            text("ice_officer")?.chars().take(200).collect(),
        )),
        _ => None,
    }
}

/// Known kind with usable details: it takes part in "newest wins".
pub fn usable(kind: &str, details: &Map<String, Value>) -> bool {
    crate::custody::duties::UpdateKind::parse(kind).is_some() && ice_effect(kind, details).is_some()
}

/// Whether an update with this effect, dated `at` (as stored), is older than
/// what the hold already has: an older update of a kind does not overwrite a
/// newer one (`newest_at`: the newest stored `at` of its kind for the hold),
/// and the first "release now" stays (either reason means release).
pub fn superseded(
    effect: &IceEffect,
    at: &str,
    release_kind_set: bool,
    newest_at: Option<&str>,
) -> bool {
    match effect {
        IceEffect::ReleaseNow(_) => release_kind_set,
        // Stored `at` texts are RFC 3339 UTC of one width: they sort as instants.
        _ => parse_instant("at", at)
            .is_ok_and(|at| newest_at.is_some_and(|latest| latest > utc_text(at).as_str())),
    }
}
