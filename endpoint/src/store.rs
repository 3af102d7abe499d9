//! The endpoint's store: events as each desk sent them, the rejections it
//! judged, and the ICE updates an operator queued. Two stores behind one
//! interface (`Store`): an embedded SQLite file (the default, plain and
//! unencrypted: docs/adr/0010-endpoint-store.md) and PostgreSQL for many desks
//! and several endpoint processes (docs/adr/0019-endpoint-on-postgresql.md).
//!
//! Storing a push is one transaction: duplicates (same `seq`, `event_id` and
//! `hash`) are acknowledged; a `seq` already held with another `event_id` or
//! another `hash`, and an event whose `prev_hash` is not the stored hash of
//! the seq before it, are conflicts (409, nothing of the request is kept: the
//! stored chain is the anchor a rewritten desk is compared with, and nothing
//! is ever stored past a break); a gap stops the request there. Every new
//! event has its hash checked with the desk's own `wso_core::events` code; a
//! hash that does not match its content is stored and rejected (ICE keeps the
//! evidence; the desk shows it to a supervisor), never silently dropped.
//! These rules are `push::plan`, the same for both stores.

mod migrations;
mod postgres;
mod push;
pub mod scratch;
mod sqlite;

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

pub use crate::updates::{NewUpdate, Page, Update};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the endpoint database failed while {context}: {source}; check the --db file and disk space")]
    Sqlite {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the endpoint's PostgreSQL failed while {context}: {source}; check the --db URL and that the server is up")]
    Postgres {
        context: &'static str,
        #[source]
        source: sqlx_core::Error,
    },
    /// The stored data break the store's own invariants (500).
    #[error("the endpoint's stored data are inconsistent: {0}")]
    Inconsistent(String),
    /// 400: the request cannot be read as the protocol says.
    #[error("{0}")]
    Malformed(String),
    /// 409: the push does not continue the chain the endpoint holds.
    #[error("{message}")]
    Conflict {
        seq: i64,
        /// `seq_conflict`, `content_changed` or `chain_broken`.
        code: &'static str,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rejected {
    pub seq: i64,
    pub event_id: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub ack_seq: i64,
    /// The stored `hash` of the event at `ack_seq` (None at 0): the desk's anchor.
    pub ack_hash: Option<String>,
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventPage {
    pub events: Vec<Value>,
    pub next: String,
}

/// Where `--db` points: a SQLite file, or a PostgreSQL database by URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://...` and `postgresql://...` are PostgreSQL; anything else a file path.
    pub fn parse(db: &str) -> Location {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Location::Postgres(db.to_owned())
        } else {
            Location::Sqlite(PathBuf::from(db))
        }
    }
}

/// An open store. The SQLite file is one connection behind a mutex (each
/// call is short and the file takes one writer anyway); PostgreSQL is a pool.
pub enum Store {
    Sqlite(Mutex<rusqlite::Connection>),
    Postgres(postgres::Postgres),
}

impl Store {
    /// Open (and create or migrate) the store `--db` names.
    pub async fn open(location: &Location) -> Result<Store, StoreError> {
        Ok(match location {
            Location::Sqlite(path) => Store::Sqlite(Mutex::new(sqlite::open(path)?)),
            Location::Postgres(url) => Store::Postgres(postgres::Postgres::open(url).await?),
        })
    }

    fn locked(
        conn: &Mutex<rusqlite::Connection>,
    ) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        // A poisoned lock only means a handler panicked; SQLite rolled its transaction back.
        conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Store a push (events already shape-checked) and say what is acknowledged.
    pub async fn store_events(
        &self,
        desk_id: &str,
        facility_id: &str,
        events: &[Value],
        now: DateTime<Utc>,
    ) -> Result<Stored, StoreError> {
        match self {
            Store::Sqlite(c) => {
                sqlite::store_events(&mut Self::locked(c), desk_id, facility_id, events, now)
            }
            Store::Postgres(p) => p.store_events(desk_id, facility_id, events, now).await,
        }
    }

    /// Everything stored for a desk, in `seq` order (admin view, tests).
    pub async fn desk_events(&self, desk_id: &str) -> Result<Vec<Value>, StoreError> {
        match self {
            Store::Sqlite(c) => sqlite::desk_events(&Self::locked(c), desk_id),
            Store::Postgres(p) => p.desk_events(desk_id).await,
        }
    }

    /// Simulate an endpoint that lost data: forget a desk's events after `seq`.
    pub async fn forget_after(&self, desk_id: &str, seq: i64) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(c) => sqlite::forget_after(&Self::locked(c), desk_id, seq),
            Store::Postgres(p) => p.forget_after(desk_id, seq).await,
        }
    }

    /// Every stored event of a facility after a cursor position, in the order
    /// stored (each desk's in `seq` order, since a desk's events are stored in order).
    pub async fn facility_events_after(
        &self,
        facility_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<EventPage, StoreError> {
        let rows = match self {
            Store::Sqlite(c) => {
                sqlite::facility_events_after(&Self::locked(c), facility_id, after, limit)?
            }
            Store::Postgres(p) => p.facility_events_after(facility_id, after, limit).await?,
        };
        let last = rows.last().map_or(after, |(pos, _)| *pos);
        Ok(EventPage {
            events: rows
                .into_iter()
                .map(|(_, text)| serde_json::from_str(&text).unwrap_or(Value::Null))
                .collect(),
            next: format!("e{last}"),
        })
    }

    /// Queue an ICE update (checked first) for a facility's desks to pull.
    pub async fn queue_update(
        &self,
        u: &NewUpdate,
        now: DateTime<Utc>,
    ) -> Result<Update, StoreError> {
        let update = crate::updates::checked(u, now)?;
        match self {
            Store::Sqlite(c) => {
                sqlite::queue_update(&Self::locked(c), &u.facility_id, &update, now)?
            }
            Store::Postgres(p) => p.queue_update(&u.facility_id, &update, now).await?,
        }
        Ok(update)
    }

    /// A facility's updates after a cursor position, in queue order.
    pub async fn updates_after(
        &self,
        facility_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Page, StoreError> {
        let rows = match self {
            Store::Sqlite(c) => sqlite::updates_after(&Self::locked(c), facility_id, after, limit)?,
            Store::Postgres(p) => p.updates_after(facility_id, after, limit).await?,
        };
        let last = rows.last().map_or(after, |(pos, _)| *pos);
        Ok(Page {
            updates: rows.into_iter().map(|(_, u)| u).collect(),
            next: format!("q{last}"),
        })
    }
}

/// Check the request's shape: each event an object with an integer `seq`,
/// string ids and hashes, in ascending `seq`. (Whose desk and facility they
/// may name is the token's business: `routes` answers 403 for those.)
pub fn check_events(events: &[Value]) -> Result<(), StoreError> {
    let mut last = 0;
    for (i, e) in events.iter().enumerate() {
        let bad = |why: &str| StoreError::Malformed(format!("events[{i}]: {why}"));
        let seq = e["seq"]
            .as_i64()
            .filter(|s| *s >= 1)
            .ok_or_else(|| bad("seq must be an integer >= 1"))?;
        for key in ["event_id", "hash", "prev_hash", "type", "facility_id"] {
            if e[key].as_str().is_none_or(str::is_empty) {
                return Err(bad(&format!("{key} must be a non-empty string")));
            }
        }
        if e["desk_id"].as_str().is_none_or(str::is_empty) {
            return Err(bad("desk_id must be a non-empty string"));
        }
        if seq <= last {
            return Err(bad("events must be in ascending seq"));
        }
        last = seq;
    }
    Ok(())
}

/// Cursors of the events feed are `e<position>` (storage order).
pub fn parse_event_cursor(after: Option<&str>) -> Result<i64, StoreError> {
    crate::updates::parse_position('e', after)
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
