//! Endpoint settings (admins): the URL and this desk's token, kept in the
//! desk's encrypted database (`setting` table), never in a plain file. The
//! token is never read back out to a screen: the settings view says only
//! whether one is set. Each change is audited, without the token.

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

/// What the settings screen shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndpointSettings {
    pub url: Option<String>,
    pub token_set: bool,
}

/// Save the URL and, when given, a new token (`None` keeps the stored one).
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
    let upsert = "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    tx.execute(upsert, params![URL_KEY, url])
        .ctx("saving the endpoint URL")?;
    if let Some(t) = token {
        tx.execute(upsert, params![TOKEN_KEY, t])
            .ctx("saving the desk token")?;
    }
    let detail = format!(
        "url {url}{}",
        if token.is_some() {
            ", token replaced"
        } else {
            ""
        }
    );
    audit::record(
        &tx,
        &desk_id,
        now,
        Entry {
            actor: &actor.username,
            action: "settings.endpoint",
            target: None,
            outcome: "success",
            detail: Some(&detail),
        },
    )?;
    tx.commit().ctx("saving the endpoint settings")?;
    endpoint_settings(desk)
}

pub fn endpoint_settings(desk: &Desk) -> Result<EndpointSettings> {
    Ok(EndpointSettings {
        url: read(desk, URL_KEY)?,
        token_set: read(desk, TOKEN_KEY)?.is_some(),
    })
}

/// The configuration the sync loop needs, once both URL and token are set.
pub fn endpoint_config(desk: &Desk) -> Result<Option<EndpointConfig>> {
    Ok(match (read(desk, URL_KEY)?, read(desk, TOKEN_KEY)?) {
        (Some(url), Some(token)) => Some(EndpointConfig::new(url, token)),
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
                token_set: true
            }
        );
        // Changing the URL alone keeps the token.
        save_endpoint_settings(&mut desk, &admin, "https://f.example/wso", None, now).unwrap();
        let config = endpoint_config(&desk).unwrap().unwrap();
        assert_eq!(
            (config.url.as_str(), config.token.as_str()),
            ("https://f.example/wso", "s3cret")
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
        desk.verify().unwrap();
    }
}
