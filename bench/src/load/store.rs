//! The endpoint's store for one measured level, always empty at its start:
//! a new SQLite file in the work folder, or a new PostgreSQL database
//! created (and dropped afterwards) through `psql` on the server that
//! `WSO_BENCH_PG_URL` names. That URL is an administrator's (it may create
//! databases); only its database name is replaced, so `?host=/socket/dir`
//! and the like carry over.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// The environment variable naming the PostgreSQL server to measure.
pub const PG_URL_VAR: &str = "WSO_BENCH_PG_URL";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

impl StoreKind {
    pub fn label(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "SQLite",
            StoreKind::Postgres => "PostgreSQL",
        }
    }
}

/// `--store`: which stores a run measures.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum StoreChoice {
    Sqlite,
    Postgres,
    Both,
}

/// The stores to measure, refused before anything runs when PostgreSQL is
/// asked for by name and `WSO_BENCH_PG_URL` is unset; `both` then measures
/// SQLite alone and says so.
pub fn kinds(choice: StoreChoice, pg_url_set: bool) -> Result<Vec<StoreKind>, String> {
    match (choice, pg_url_set) {
        (StoreChoice::Sqlite, _) => Ok(vec![StoreKind::Sqlite]),
        (StoreChoice::Postgres, false) => Err(no_pg_url()),
        (StoreChoice::Postgres, true) => Ok(vec![StoreKind::Postgres]),
        (StoreChoice::Both, true) => Ok(vec![StoreKind::Sqlite, StoreKind::Postgres]),
        (StoreChoice::Both, false) => {
            eprintln!("wso-bench: PostgreSQL skipped: set {PG_URL_VAR} to measure it");
            Ok(vec![StoreKind::Sqlite])
        }
    }
}

fn no_pg_url() -> String {
    format!(
        "--store postgres needs {PG_URL_VAR}, an administrator's URL such as \
         postgres://postgres@127.0.0.1:5432/postgres (the bench creates and \
         drops one database per level on that server)"
    )
}

/// One fresh, empty store; a PostgreSQL database is dropped with it.
pub struct FreshStore {
    /// What the endpoint's `--db` gets.
    pub db: OsString,
    dropped_with: Option<(String, String)>,
}

impl FreshStore {
    pub fn new(kind: StoreKind, dir: &Path, name: &str) -> Result<FreshStore, String> {
        match kind {
            StoreKind::Sqlite => Ok(FreshStore {
                db: dir.join(format!("{name}.db")).into_os_string(),
                dropped_with: None,
            }),
            StoreKind::Postgres => {
                let admin = std::env::var(PG_URL_VAR).map_err(|_| no_pg_url())?;
                let database = format!("wso_load_{}_{name}", std::process::id()).replace('-', "_");
                psql(&admin, &format!("CREATE DATABASE {database}"))?;
                let mut url = reqwest::Url::parse(&admin)
                    .map_err(|e| format!("{PG_URL_VAR} is not a URL: {e}"))?;
                url.set_path(&format!("/{database}"));
                Ok(FreshStore {
                    db: OsString::from(url.as_str()),
                    dropped_with: Some((admin, database)),
                })
            }
        }
    }
}

impl Drop for FreshStore {
    fn drop(&mut self) {
        if let Some((admin, database)) = &self.dropped_with {
            if let Err(e) = psql(
                admin,
                &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
            ) {
                eprintln!("wso-bench: could not drop {database}: {e}");
            }
        }
    }
}

/// One statement through the `psql` client (on PATH, or `WSO_BENCH_PSQL`).
fn psql(url: &str, statement: &str) -> Result<(), String> {
    let bin = std::env::var("WSO_BENCH_PSQL").unwrap_or_else(|_| "psql".into());
    let out = Command::new(&bin)
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            statement,
        ])
        .output()
        .map_err(|e| format!("running {bin} (set WSO_BENCH_PSQL to its path): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{bin} -c {statement:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_by_name_needs_its_url_and_both_falls_back_to_sqlite() {
        let err = kinds(StoreChoice::Postgres, false).unwrap_err();
        assert!(err.contains(PG_URL_VAR), "{err}");
        assert_eq!(
            kinds(StoreChoice::Both, false).unwrap(),
            [StoreKind::Sqlite]
        );
        assert_eq!(
            kinds(StoreChoice::Both, true).unwrap(),
            [StoreKind::Sqlite, StoreKind::Postgres]
        );
        assert_eq!(
            kinds(StoreChoice::Sqlite, false).unwrap(),
            [StoreKind::Sqlite]
        );
    }

    #[test]
    fn a_sqlite_level_gets_a_new_file_in_the_work_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = FreshStore::new(StoreKind::Sqlite, dir.path(), "sqlite-5").unwrap();
        assert_eq!(store.db, dir.path().join("sqlite-5.db").into_os_string());
    }
}
