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
//! can show (sync-protocol.md "Anchoring the chain"); docs/adr/0018.

mod facility;
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
    /// Other desks' events of this facility held here, their chains intact.
    pub other_desks_events: u64,
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
        let other_desks_events = facility::check_other_desks(&self.conn)?;
        let holds = history::check_holds(&self.conn, &self.desk_id, &self.facility.id)?;
        let people = people::check_people(&self.conn)?;
        Ok(Verified {
            events,
            audit_records,
            holds,
            other_desks_events,
            people,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::custody::fold::{fold, HoldEvent};
    use crate::store::migrations;

    /// A column the fold does not rebuild would go unchecked: every column
    /// of the current schema's hold table must be one the fold gives.
    #[test]
    fn the_fold_gives_every_column_of_the_hold_table() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        // Migration 0007's key columns are filled by this SQL function.
        crate::custody::text::register_sql_functions(&conn).unwrap();
        migrations::migrate(&mut conn).unwrap();
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info('hold')")
            .unwrap();
        let mut table: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            // Matching keys are derived from the numbers by the schema's own
            // triggers (migration 0007), not by any event: nothing to fold.
            .filter(|c: &String| c != "warrant_key" && c != "booking_key")
            .collect();
        let envelope = serde_json::json!({
            "seq": 1, "desk_id": "d", "hold_id": "h", "type": "hold.opened",
            "occurred_at": "2026-11-27T14:03:00Z", "recorded_at": "2026-11-27T14:03:00Z", "recorded_by": "dep",
            "body": {
                "person": {"family_name": "F", "given_names": "G", "date_of_birth": "1990-04-02", "booking_number": "B", "a_number": null},
                "warrant": {"form": "I-200", "number": "W"}, "detainer_number": null, "officer_credential": "WSO-1",
                "served_at": "2026-11-27T14:03:00Z", "zone_id": "booking", "location": null,
                "authority": "wso_48h", "deadline_at": "2026-11-29T14:03:00Z",
            },
        });
        let event = HoldEvent::from_envelope(&envelope).unwrap();
        let state = fold(vec![event]).unwrap().state.unwrap();
        let mut folded: Vec<String> = state
            .columns()
            .into_iter()
            .map(|(c, _)| c.to_owned())
            .collect();
        table.sort();
        folded.sort();
        assert_eq!(table, folded);
    }
}
