//! `audit verify`: is this desk's history one that core wrote, and is what
//! the desk shows the result of it?
//!
//! First the file (SQLite's own page check) and the two hash chains, which
//! catch any edit made without recomputing them. Then, because an insider
//! with the key can recompute both chains, what they cannot recompute away:
//! every hold rebuilt from its events must be its row (`history`), every
//! event must have its audit record and the sync state must match the outbox
//! (`links`), and the users and the roster must be what their audited
//! changes make them (`people`). The first difference is named, with the
//! hold, record or user, and `wsoctl` exits 1. What remains, a whole
//! rewritten history that core could have written, only the endpoint's copy
//! can show (sync-protocol.md "Anchoring the chain"); docs/adr/0017.

mod history;
mod links;
mod people;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use people::PeopleChecked;

use super::Desk;
use crate::error::{Error, Result};
use crate::{audit, events, store};

/// What `audit verify` checked and found in order.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub events: u64,
    pub audit_records: u64,
    /// Holds whose row is exactly the fold of their events.
    pub holds: u64,
    #[serde(flatten)]
    pub people: PeopleChecked,
}

/// A history `audit verify` refuses: one sentence naming the record.
fn broken(message: impl std::fmt::Display) -> Error {
    Error::Database {
        message: format!("history broken: {message}"),
    }
}

impl Desk {
    /// Check the file, both hash chains, and every hold, user and officer
    /// against the history; `now` bounds the times records may carry.
    pub fn verify(&self, now: DateTime<Utc>) -> Result<Verified> {
        store::integrity_check(&self.conn)?;
        let events = events::verify_chain(&self.conn)?;
        let audit_records = audit::verify_chain(&self.conn)?;
        audit::verify_event_references(&self.conn)?;
        links::check_links(&self.conn, now)?;
        let holds = history::check_holds(&self.conn, &self.desk_id, &self.facility.id)?;
        let people = people::check_people(&self.conn)?;
        Ok(Verified {
            events,
            audit_records,
            holds,
            people,
        })
    }
}
