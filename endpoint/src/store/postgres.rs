//! The PostgreSQL store (`--db postgres://...`): a pool, the schema from the
//! numbered migrations in endpoint/migrations/postgres/ (applied at start),
//! and one transaction per push. Several endpoint processes may share one
//! database: a push holds advisory locks on its facility and its desk until
//! it commits, so a desk's chain is read and extended by one push at a time
//! and a facility's feed positions (`desk_event.id`) are assigned in commit
//! order; `(desk_id, seq)` is the primary key all the same
//! (docs/adr/0019-endpoint-on-postgresql.md).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx_core::connection::Connection;
use sqlx_core::query::query;
use sqlx_core::row::Row;
use sqlx_postgres::{PgConnection, PgPool, PgPoolOptions, PgRow};

use super::push::{self, Held, HeldEvent};
use super::{Rejected, StoreError, Stored, Update};

/// Advisory lock namespaces (the first key of `pg_advisory_xact_lock(int, int)`).
const LOCK_FACILITY_EVENTS: i32 = 1;
const LOCK_DESK: i32 = 2;
const LOCK_FACILITY_UPDATES: i32 = 3;
// Namespace 4 is the migrations' (`migrations`).

/// Connections per endpoint process: pushes hold one for their transaction.
const POOL_SIZE: u32 = 16;

/// A push that still meets a `(desk_id, seq)` already taken (another writer
/// that holds no lock) is read again from the start, this many times.
const PUSH_ATTEMPTS: usize = 3;

pub(crate) trait Ctx<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, sqlx_core::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Postgres { context, source })
    }
}

pub struct Postgres {
    pool: PgPool,
}

impl Postgres {
    pub(crate) async fn open(url: &str) -> Result<Postgres, StoreError> {
        // One plain connection first: a pool only reports "timed out", not why.
        let probe = PgConnection::connect(url).await.ctx("connecting")?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .ctx("connecting")?;
        super::migrations::migrate(&pool).await?;
        Ok(Postgres { pool })
    }

    pub(crate) async fn store_events(
        &self,
        desk_id: &str,
        facility_id: &str,
        events: &[Value],
        now: DateTime<Utc>,
    ) -> Result<Stored, StoreError> {
        let mut attempt = 1;
        loop {
            match self.try_store(desk_id, facility_id, events, now).await {
                Err(StoreError::Postgres {
                    source: sqlx_core::Error::Database(e),
                    ..
                }) if e.is_unique_violation() && attempt < PUSH_ATTEMPTS => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_store(
        &self,
        desk_id: &str,
        facility_id: &str,
        events: &[Value],
        now: DateTime<Utc>,
    ) -> Result<Stored, StoreError> {
        let mut tx = self.pool.begin().await.ctx("starting to store events")?;
        // Facility first, then desk, in every push: no two pushes wait on each other in a cycle.
        lock(&mut tx, LOCK_FACILITY_EVENTS, facility_id).await?;
        lock(&mut tx, LOCK_DESK, desk_id).await?;
        let held = held(&mut tx, desk_id, events).await?;
        let plan = push::plan(held, events)?;
        if !plan.new.is_empty() {
            // One statement for the whole push; ORDER BY keeps ids in seq order.
            query(
                "INSERT INTO desk_event (desk_id, seq, event_id, facility_id, type, envelope, hash, stored_at)
                 SELECT $1, s, i, $2, t, e, h, $3
                 FROM UNNEST($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(s, i, t, e, h)
                 ORDER BY s",
            )
            .bind(desk_id)
            .bind(facility_id)
            .bind(now)
            .bind(plan.new.iter().map(|e| e.seq).collect::<Vec<_>>())
            .bind(plan.new.iter().map(|e| e.event_id).collect::<Vec<_>>())
            .bind(plan.new.iter().map(|e| e.kind).collect::<Vec<_>>())
            .bind(plan.new.iter().map(|e| e.envelope.as_str()).collect::<Vec<_>>())
            .bind(plan.new.iter().map(|e| e.hash).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .ctx("storing events")?;
        }
        for e in &plan.new {
            if let Some((code, message)) = &e.rejection {
                query("INSERT INTO rejection (desk_id, seq, event_id, code, message) VALUES ($1, $2, $3, $4, $5)")
                    .bind(desk_id)
                    .bind(e.seq)
                    .bind(e.event_id)
                    .bind(*code)
                    .bind(message)
                    .execute(&mut *tx)
                    .await
                    .ctx("storing a rejection")?;
            }
        }
        tx.commit().await.ctx("committing events")?;
        Ok(plan.answer)
    }

    pub(crate) async fn desk_events(&self, desk_id: &str) -> Result<Vec<Value>, StoreError> {
        let rows = query("SELECT envelope FROM desk_event WHERE desk_id = $1 ORDER BY seq")
            .bind(desk_id)
            .fetch_all(&self.pool)
            .await
            .ctx("reading events")?;
        rows.iter()
            .map(|r| {
                let text: String = r.try_get(0).ctx("reading events")?;
                Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
            })
            .collect()
    }

    pub(crate) async fn forget_after(&self, desk_id: &str, seq: i64) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.ctx("forgetting events")?;
        lock(&mut tx, LOCK_DESK, desk_id).await?;
        query("DELETE FROM rejection WHERE desk_id = $1 AND seq > $2")
            .bind(desk_id)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .ctx("forgetting rejections")?;
        let done = query("DELETE FROM desk_event WHERE desk_id = $1 AND seq > $2")
            .bind(desk_id)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .ctx("forgetting events")?;
        tx.commit().await.ctx("forgetting events")?;
        Ok(done.rows_affected())
    }

    /// `(id, envelope)` of a facility's events after a position, in id order.
    /// No lock: every id below a committed one of the facility is committed too.
    pub(crate) async fn facility_events_after(
        &self,
        facility_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = query(
            "SELECT id, envelope FROM desk_event WHERE facility_id = $1 AND id > $2
             ORDER BY id LIMIT $3",
        )
        .bind(facility_id)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .ctx("reading events")?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx_core::Error>>()
            .ctx("reading events")
    }

    pub(crate) async fn queue_update(
        &self,
        facility_id: &str,
        update: &Update,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.ctx("queueing an update")?;
        // As for events: positions assigned in commit order within the facility.
        lock(&mut tx, LOCK_FACILITY_UPDATES, facility_id).await?;
        query(
            "INSERT INTO ice_update (update_id, facility_id, hold_id, kind, at, details, queued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&update.update_id)
        .bind(facility_id)
        .bind(&update.hold_id)
        .bind(&update.kind)
        .bind(&update.at)
        .bind(update.details.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .ctx("queueing an update")?;
        tx.commit().await.ctx("queueing an update")
    }

    pub(crate) async fn updates_after(
        &self,
        facility_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(i64, Update)>, StoreError> {
        let rows = query(
            "SELECT pos, update_id, hold_id, kind, at, details FROM ice_update
             WHERE facility_id = $1 AND pos > $2 ORDER BY pos LIMIT $3",
        )
        .bind(facility_id)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .ctx("reading updates")?;
        rows.iter()
            .map(|r| {
                let details: String = r.try_get(5)?;
                Ok((
                    r.try_get(0)?,
                    Update {
                        update_id: r.try_get(1)?,
                        hold_id: r.try_get(2)?,
                        kind: r.try_get(3)?,
                        at: r.try_get(4)?,
                        details: serde_json::from_str(&details).unwrap_or(Value::Null),
                    },
                ))
            })
            .collect::<Result<_, sqlx_core::Error>>()
            .ctx("reading updates")
    }
}

/// Hold an advisory lock on `name` in a namespace until the transaction ends.
async fn lock(conn: &mut PgConnection, namespace: i32, name: &str) -> Result<(), StoreError> {
    query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(namespace)
        .bind(name)
        .execute(conn)
        .await
        .ctx("waiting for the push lock")?;
    Ok(())
}

/// What the push rules need to know of the desk, read after the locks (a new
/// snapshot per statement: every push before this one is visible).
async fn held(
    conn: &mut PgConnection,
    desk_id: &str,
    events: &[Value],
) -> Result<Held, StoreError> {
    let last =
        query("SELECT seq, hash FROM desk_event WHERE desk_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(desk_id)
            .fetch_optional(&mut *conn)
            .await
            .ctx("reading the last event")?
            .map(|r| Ok::<_, sqlx_core::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()
            .ctx("reading the last event")?;
    let wanted = push::wanted(events, last.as_ref().map_or(0, |(s, _): &(i64, String)| *s));
    let mut held = Held {
        last,
        ..Held::default()
    };
    if !wanted.resent.is_empty() {
        let rows = query(
            "SELECT e.seq, e.event_id, e.hash, r.event_id, r.code, r.message
             FROM desk_event e LEFT JOIN rejection r ON r.desk_id = e.desk_id AND r.seq = e.seq
             WHERE e.desk_id = $1 AND e.seq = ANY($2)",
        )
        .bind(desk_id)
        .bind(&wanted.resent)
        .fetch_all(&mut *conn)
        .await
        .ctx("reading stored events")?;
        for r in &rows {
            let (seq, held_event) = held_event(r).ctx("reading stored events")?;
            held.resent.insert(seq, held_event);
        }
    }
    let rows = query(
        "SELECT event_id, min(seq) FROM desk_event WHERE desk_id = $1 AND event_id = ANY($2)
         GROUP BY event_id",
    )
    .bind(desk_id)
    .bind(&wanted.event_ids)
    .fetch_all(&mut *conn)
    .await
    .ctx("checking the event ids")?;
    for r in &rows {
        held.used_ids.insert(
            r.try_get(0).ctx("checking the event ids")?,
            r.try_get(1).ctx("checking the event ids")?,
        );
    }
    Ok(held)
}

fn held_event(r: &PgRow) -> Result<(i64, HeldEvent), sqlx_core::Error> {
    let seq: i64 = r.try_get(0)?;
    let rejection = match r.try_get::<Option<String>, _>(3)? {
        Some(event_id) => Some(Rejected {
            seq,
            event_id,
            code: r.try_get(4)?,
            message: r.try_get(5)?,
        }),
        None => None,
    };
    Ok((
        seq,
        HeldEvent {
            event_id: r.try_get(1)?,
            hash: r.try_get(2)?,
            rejection,
        },
    ))
}
