//! Endpoint settings (admins): the URL, this desk's token and the agency's
//! own CA file (a PEM path, when the agency runs its own certificate
//! authority), kept in the desk's encrypted database (`setting` table), never
//! in a plain file. The token is never read back out to a screen: the
//! settings view says only whether one is set. A new URL without a new token
//! drops the stored token: it was issued for the old endpoint and must not be
//! sent to another. Each change is audited, without the token.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::client::{check_url, EndpointConfig};
use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::error::{Error, Result, SqlContext};
use crate::Desk;

const URL_KEY: &str = "sync.endpoint_url";
const TOKEN_KEY: &str = "sync.endpoint_token";
const CA_FILE_KEY: &str = "sync.endpoint_ca_file";

/// What the settings screen shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndpointSettings {
    pub url: Option<String>,
    pub token_set: bool,
    /// The agency CA file trusted besides the public roots, if any.
    pub ca_file: Option<String>,
}

/// Save the URL and, when given, a new token (`None` keeps the stored one
/// for the same URL, and drops it for another).
pub fn save_endpoint_settings(
    desk: &mut Desk,
    actor: &Actor,
    url: &str,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<EndpointSettings> {
    actor.require(Role::Admin, "changing the endpoint settings")?;
    let url = check_url(url).map_err(Error::from)?.to_string();
    let token = token.map(str::trim);
    if token.is_some_and(|t| t.is_empty() || t.len() > 4096 || t.chars().any(char::is_control)) {
        return Err(Error::invalid(
            "token",
            "the desk token must be 1-4096 characters with no control characters",
        ));
    }
    let desk_id = desk.desk_id().to_owned();
    let tx = desk
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .ctx("saving the endpoint settings")?;
    let old_url: Option<String> = tx
        .query_row("SELECT value FROM setting WHERE key = ?1", [URL_KEY], |r| {
            r.get(0)
        })
        .optional()
        .ctx("reading the endpoint URL")?;
    tx.execute(UPSERT, params![URL_KEY, url])
        .ctx("saving the endpoint URL")?;
    let moved = old_url.is_some_and(|old| old != url);
    let token_note = match token {
        Some(t) => {
            tx.execute(UPSERT, params![TOKEN_KEY, t])
                .ctx("saving the desk token")?;
            ", token replaced"
        }
        None if moved => {
            tx.execute("DELETE FROM setting WHERE key = ?1", [TOKEN_KEY])
                .ctx("dropping the old desk token")?;
            ", token dropped (it was for the old URL)"
        }
        None => "",
    };
    let detail = format!("url {url}{token_note}");
    audit_and_commit(tx, &desk_id, actor, &detail, now)?;
    endpoint_settings(desk)
}

/// Audit a settings change (never with the token) and commit it with the change.
fn audit_and_commit(
    tx: rusqlite::Transaction<'_>,
    desk_id: &str,
    actor: &Actor,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::record(
        &tx,
        desk_id,
        now,
        Entry {
            actor: &actor.username,
            action: "settings.endpoint",
            target: None,
            outcome: "success",
            detail: Some(detail),
        },
    )?;
    tx.commit().ctx("saving the endpoint settings")
}

const UPSERT: &str = "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";

/// Trust the agency's own CA (a PEM file) for the endpoint, or stop (`None`).
/// The file must hold at least one PEM certificate now; it is read again at
/// every start of sync, so a renewed CA file needs no new setting.
pub fn save_endpoint_ca_file(
    desk: &mut Desk,
    actor: &Actor,
    ca_file: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<EndpointSettings> {
    actor.require(Role::Admin, "changing the endpoint settings")?;
    if let Some(path) = ca_file {
        let mut probe = EndpointConfig::new("https://endpoint.invalid/", "probe");
        probe.ca_file = Some(path.to_path_buf());
        super::client::Endpoint::new(&probe).map_err(Error::from)?;
    }
    let desk_id = desk.desk_id().to_owned();
    let tx = desk
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .ctx("saving the endpoint settings")?;
    let detail = match ca_file {
        Some(path) => {
            let text = path.display().to_string();
            tx.execute(UPSERT, params![CA_FILE_KEY, text])
                .ctx("saving the CA file")?;
            format!("ca_file {text}")
        }
        None => {
            tx.execute("DELETE FROM setting WHERE key = ?1", [CA_FILE_KEY])
                .ctx("removing the CA file")?;
            "ca_file none".to_owned()
        }
    };
    audit_and_commit(tx, &desk_id, actor, &detail, now)?;
    endpoint_settings(desk)
}

pub fn endpoint_settings(desk: &Desk) -> Result<EndpointSettings> {
    Ok(EndpointSettings {
        url: read(desk, URL_KEY)?,
        token_set: read(desk, TOKEN_KEY)?.is_some(),
        ca_file: read(desk, CA_FILE_KEY)?,
    })
}

/// The configuration the sync loop needs, once both URL and token are set.
pub fn endpoint_config(desk: &Desk) -> Result<Option<EndpointConfig>> {
    Ok(match (read(desk, URL_KEY)?, read(desk, TOKEN_KEY)?) {
        (Some(url), Some(token)) => {
            let mut config = EndpointConfig::new(url, token);
            config.ca_file = read(desk, CA_FILE_KEY)?.map(PathBuf::from);
            Some(config)
        }
        _ => None,
    })
}

fn read(desk: &Desk, key: &str) -> Result<Option<String>> {
    desk.conn()
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()
        .ctx("reading the endpoint settings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_save_and_the_token_is_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let mut desk = crate::demo::create(&dir.path().join("d.db"), None, now).unwrap();
        let deputy = desk.actor("dep.jones").unwrap();
        assert!(save_endpoint_settings(
            &mut desk,
            &deputy,
            "https://e.example/wso",
            Some("t"),
            now
        )
        .is_err());
        let admin = desk.actor("admin").unwrap();
        assert!(
            save_endpoint_settings(&mut desk, &admin, "http://10.1.1.1/", Some("t"), now).is_err(),
            "plain http off loopback"
        );
        let shown = save_endpoint_settings(
            &mut desk,
            &admin,
            "https://e.example/wso",
            Some("s3cret"),
            now,
        )
        .unwrap();
        assert_eq!(
            shown,
            EndpointSettings {
                url: Some("https://e.example/wso".into()),
                token_set: true,
                ca_file: None,
            }
        );
        // Saving the same URL without a token keeps the token.
        save_endpoint_settings(&mut desk, &admin, "https://e.example/wso", None, now).unwrap();
        let config = endpoint_config(&desk).unwrap().unwrap();
        assert_eq!(
            (config.url.as_str(), config.token.as_str()),
            ("https://e.example/wso", "s3cret")
        );
        // Another URL without a new token drops it: it must never reach another endpoint.
        let moved =
            save_endpoint_settings(&mut desk, &admin, "https://f.example/wso", None, now).unwrap();
        assert!(!moved.token_set);
        assert!(
            endpoint_config(&desk).unwrap().is_none(),
            "no loop may start with the old token"
        );
        let audit: String = desk
            .conn()
            .query_row(
                "SELECT group_concat(detail, '|') FROM audit WHERE action = 'settings.endpoint'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !audit.contains("s3cret"),
            "the token never reaches the audit log"
        );
        assert!(audit.contains("token dropped"), "{audit}");
        desk.verify(now).unwrap();
    }

    #[test]
    fn an_agency_ca_file_must_hold_a_pem_certificate_and_reaches_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let mut desk = crate::demo::create(&dir.path().join("d.db"), None, now).unwrap();
        let admin = desk.actor("admin").unwrap();
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let err = save_endpoint_ca_file(&mut desk, &admin, Some(&junk), now).unwrap_err();
        assert!(err.to_string().contains("ca_file"), "{err}");
        let missing = dir.path().join("missing.pem");
        assert!(save_endpoint_ca_file(&mut desk, &admin, Some(&missing), now).is_err());
        assert_eq!(endpoint_settings(&desk).unwrap().ca_file, None);
        let deputy = desk.actor("dep.jones").unwrap();
        assert!(save_endpoint_ca_file(&mut desk, &deputy, None, now).is_err());
    }
}
