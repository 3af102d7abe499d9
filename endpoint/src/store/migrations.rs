//! The PostgreSQL store's schema migrations: the numbered files in
//! endpoint/migrations/postgres/, compiled in, applied at start in order, each
//! in its own transaction, under a session advisory lock (two endpoints
//! starting together migrate once), each recorded with its SHA-256 in
//! `endpoint_migration`. An applied file that changed, or an applied version
//! this binary does not know, stops the start.

use sha2::{Digest, Sha256};
use sqlx_core::connection::Connection;
use sqlx_core::query::query;
use sqlx_core::raw_sql::raw_sql;
use sqlx_core::row::Row;
use sqlx_postgres::{PgConnection, PgPool};

use super::postgres::Ctx;
use super::StoreError;

/// The numbered migrations, in order. A test checks this lists every file.
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "0001_events.sql",
    include_str!("../../migrations/postgres/0001_events.sql"),
)];

/// The advisory lock namespace of migrations (see `postgres` for the others).
const LOCK_MIGRATIONS: i32 = 4;

/// Apply the migrations not yet applied.
pub(crate) async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await.ctx("migrating")?;
    query("SELECT pg_advisory_lock($1, 0)")
        .bind(LOCK_MIGRATIONS)
        .execute(&mut *conn)
        .await
        .ctx("waiting for the migration lock")?;
    let result = apply_migrations(&mut conn).await;
    let unlocked = query("SELECT pg_advisory_unlock($1, 0)")
        .bind(LOCK_MIGRATIONS)
        .execute(&mut *conn)
        .await
        .ctx("releasing the migration lock");
    result.and(unlocked.map(drop))
}

async fn apply_migrations(conn: &mut PgConnection) -> Result<(), StoreError> {
    raw_sql(
        "CREATE TABLE IF NOT EXISTS endpoint_migration (
             version    bigint PRIMARY KEY,
             name       text NOT NULL,
             sha256     text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .execute(&mut *conn)
    .await
    .ctx("creating the migration table")?;
    let applied = query("SELECT version, name, sha256 FROM endpoint_migration ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .ctx("reading the applied migrations")?;
    let mut applied_versions = Vec::new();
    for r in &applied {
        let (version, name, sha): (i64, String, String) = (
            r.try_get(0).ctx("reading the applied migrations")?,
            r.try_get(1).ctx("reading the applied migrations")?,
            r.try_get(2).ctx("reading the applied migrations")?,
        );
        match MIGRATIONS.iter().find(|(v, _, _)| *v == version) {
            None => {
                return Err(StoreError::Inconsistent(format!(
                    "the database has migration {version} ({name}), which this endpoint does not know: it was migrated by a newer endpoint"
                )))
            }
            Some((_, _, sql)) if sha256(sql) != sha => {
                return Err(StoreError::Inconsistent(format!(
                    "migration {version} ({name}) was changed after it was applied"
                )))
            }
            Some(_) => applied_versions.push(version),
        }
    }
    for (version, name, sql) in MIGRATIONS {
        if applied_versions.contains(version) {
            continue;
        }
        let mut tx = Connection::begin(&mut *conn).await.ctx("migrating")?;
        raw_sql(sql)
            .execute(&mut *tx)
            .await
            .ctx("applying a migration")?;
        query("INSERT INTO endpoint_migration (version, name, sha256) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(name)
            .bind(sha256(sql))
            .execute(&mut *tx)
            .await
            .ctx("recording a migration")?;
        tx.commit().await.ctx("committing a migration")?;
    }
    Ok(())
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
