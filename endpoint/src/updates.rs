//! ICE updates an operator queues for a facility, served in queue order with
//! an opaque cursor. The same `update_id` may be queued twice on purpose: a
//! real endpoint can resend, and the desk must apply it once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use wso_core::time::{parse_instant, utc_text};

use crate::store::StoreError;

#[derive(Debug, Clone, Deserialize)]
pub struct NewUpdate {
    pub facility_id: String,
    pub hold_id: String,
    pub kind: String,
    /// Default: a new UUID.
    #[serde(default)]
    pub update_id: Option<String>,
    /// Default: now.
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub details: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Update {
    pub update_id: String,
    pub hold_id: String,
    pub kind: String,
    pub at: String,
    pub details: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub updates: Vec<Update>,
    pub next: String,
}

/// The update as it will be queued: names checked, `at` read (default now),
/// a new `update_id` unless one is given.
pub(crate) fn checked(u: &NewUpdate, now: DateTime<Utc>) -> Result<Update, StoreError> {
    for (name, value) in [
        ("facility_id", &u.facility_id),
        ("hold_id", &u.hold_id),
        ("kind", &u.kind),
    ] {
        if value.trim().is_empty() {
            return Err(StoreError::Malformed(format!("{name} must not be empty")));
        }
    }
    let at = match &u.at {
        Some(text) => {
            parse_instant("at", text).map_err(|e| StoreError::Malformed(e.to_string()))?
        }
        None => now,
    };
    Ok(Update {
        update_id: u
            .update_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
        hold_id: u.hold_id.clone(),
        kind: u.kind.clone(),
        at: utc_text(at),
        details: Value::Object(u.details.clone()),
    })
}

/// Cursors are `q<position>`: opaque to desks, readable in a log.
pub fn parse_cursor(after: Option<&str>) -> Result<i64, StoreError> {
    parse_position('q', after)
}

/// A cursor `<prefix><position>` (each feed its own prefix) into the position.
pub fn parse_position(prefix: char, after: Option<&str>) -> Result<i64, StoreError> {
    match after {
        None | Some("") => Ok(0),
        Some(text) => text
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                StoreError::Malformed("`after` is not a cursor this endpoint gave out".into())
            }),
    }
}
