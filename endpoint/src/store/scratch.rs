//! Scratch PostgreSQL databases for tests and benchmarks: one fresh database
//! per test (`CREATE DATABASE wso_test_<random>` through an admin URL), so
//! tests run in parallel, dropped when the handle is. The admin URL of the
//! test cluster comes from `WSO_TEST_PG_URL` (scripts/pg.sh starts one).

use std::str::FromStr;

use sqlx_core::connection::Connection;
use sqlx_core::raw_sql::raw_sql;
use sqlx_postgres::{PgConnectOptions, PgConnection};

use super::StoreError;

/// The environment variable naming the test cluster's admin URL.
pub const TEST_PG_URL: &str = "WSO_TEST_PG_URL";

/// The test cluster's admin URL, or None (the PostgreSQL test is skipped, with
/// a line saying so). Under CI (`CI` or `WSO_REQUIRE_PG` set) a missing URL
/// fails the test instead: CI must run every test on both stores.
pub fn test_admin_url(test: &str) -> Option<String> {
    if let Ok(url) = std::env::var(TEST_PG_URL) {
        if !url.is_empty() {
            return Some(url);
        }
    }
    let required = ["CI", "WSO_REQUIRE_PG"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty() && s != "0" && s != "false"));
    assert!(
        !required,
        "{test}: {TEST_PG_URL} is not set, and CI (or WSO_REQUIRE_PG) requires the PostgreSQL tests: \
         start a cluster with `. scripts/pg.sh; pg_start`"
    );
    println!(
        "{test}: skipped on PostgreSQL ({TEST_PG_URL} is not set; scripts/pg.sh starts a cluster)"
    );
    None
}

/// A fresh, empty database on a cluster, dropped (with its connections) on drop.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Create `wso_test_<random>` through the admin URL (a superuser or a role with CREATEDB).
    pub async fn create(admin_url: &str) -> Result<ScratchDatabase, StoreError> {
        let name = format!("wso_test_{}", uuid::Uuid::now_v7().simple());
        run_sql(
            admin_url,
            &format!("CREATE DATABASE {name}"),
            "creating a scratch database",
        )
        .await?;
        Ok(ScratchDatabase {
            url: with_database(admin_url, &name),
            admin_url: admin_url.to_owned(),
            name,
        })
    }

    /// `create` for callers outside any async runtime (its own thread and runtime).
    pub fn create_blocking(admin_url: &str) -> Result<ScratchDatabase, StoreError> {
        let admin_url = admin_url.to_owned();
        on_own_runtime(move || async move { ScratchDatabase::create(&admin_url).await })
    }

    /// The URL of the new database, for `--db`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Run SQL in the database (tests that play a broken or hostile endpoint).
    pub fn execute_blocking(&self, sql: &str) -> Result<(), StoreError> {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        on_own_runtime(move || async move {
            run_sql(&url, &sql, "running SQL in a scratch database").await
        })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = on_own_runtime(move || async move {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            run_sql(&admin_url, &sql, "dropping a scratch database").await
        });
        if let Err(e) = dropped {
            eprintln!("scratch database {} was not dropped: {e}", self.name);
        }
    }
}

/// Run SQL on one connection of its own to `url`.
async fn run_sql(url: &str, sql: &str, context: &'static str) -> Result<(), StoreError> {
    let mut conn = connection(url).await?;
    raw_sql(sql)
        .execute(&mut conn)
        .await
        .map_err(|source| StoreError::Postgres { context, source })?;
    let _ = conn.close().await;
    Ok(())
}

async fn connection(url: &str) -> Result<PgConnection, StoreError> {
    let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Postgres {
        context: "reading the PostgreSQL URL",
        source,
    })?;
    PgConnection::connect_with(&options)
        .await
        .map_err(|source| StoreError::Postgres {
            context: "connecting to the PostgreSQL cluster",
            source,
        })
}

/// Run a future to completion on a new thread with its own runtime: works
/// from plain threads, from inside a runtime, and in `Drop`.
fn on_own_runtime<T, F, Fut>(f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Inconsistent(format!("cannot start a runtime: {e}")))?
            .block_on(f())
    })
    .join()
    .unwrap_or_else(|_| {
        Err(StoreError::Inconsistent(
            "the database thread panicked".into(),
        ))
    })
}

/// The URL with its database (the path) replaced by `name`, query kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_at = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_at..]
        .find('/')
        .map_or(base.len(), |i| authority_at + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_url_is_replaced_and_its_options_kept() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5432/postgres", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgresql://h:1", "x"), "postgresql://h:1/x");
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
