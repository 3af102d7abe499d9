//! The officer roster in the store: adding officers with their authorization
//! date, ICE withdrawing an authorization (typed by a supervisor from ICE's
//! written notice, or pulled by sync as an `authorization_withdrawn` update).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::agreements::date;
use super::Desk;
use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::custody::hold::{code, free_text, not_in_future, person_name};
use crate::custody::officer::{Officer, AUTHORIZATION_NOT_RECORDED};
use crate::error::{Error, Result, SqlContext};
use crate::store;
use crate::time::{parse_date, parse_instant, stored, utc_text};

impl Desk {
    /// Add an officer: `authorized_on` is the date of the authorization letter
    /// and Form 70-006.
    #[allow(clippy::too_many_arguments)]
    pub fn add_officer(
        &mut self,
        actor: &Actor,
        credential: &str,
        name: &str,
        trained_on: &str,
        expires_on: &str,
        authorized_on: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        actor.require(Role::Supervisor, "changing the officer roster")?;
        let credential = code("credential", credential, 64)?;
        let name = person_name("name", name)?;
        let trained_on = parse_date("trained_on", trained_on)?;
        let expires_on = parse_date("expires_on", expires_on)?;
        if expires_on < trained_on {
            return Err(Error::invalid("expires_on", "lies before trained_on"));
        }
        let authorized_on = parse_date("authorized_on", authorized_on)?;
        if authorized_on > expires_on {
            return Err(Error::invalid("authorized_on", "lies after expires_on"));
        }
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("adding an officer")?;
        let exists = store::officer::exists(&tx, &credential)?;
        if exists {
            return Err(Error::refused(
                Some("credential"),
                format!("credential {credential} is already on the roster"),
            ));
        }
        store::officer::insert(
            &tx,
            &store::officer::NewOfficer {
                credential: &credential,
                name: &name,
                trained_on: &trained_on.to_string(),
                expires_on: &expires_on.to_string(),
                authorized_on: &authorized_on.to_string(),
                created_at: &utc_text(now),
            },
        )?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "officer.add",
                target: Some(&credential),
                outcome: "success",
                detail: Some(&super::roster_audit::officer_added(
                    trained_on,
                    expires_on,
                    authorized_on,
                    &name,
                )),
            },
        )?;
        tx.commit().ctx("committing the officer")?;
        self.officer(&credential)
    }

    /// ICE withdrew an officer's authorization, effective `at` (from ICE's
    /// written notice). Services at or after `at` are refused.
    pub fn withdraw_officer(
        &mut self,
        actor: &Actor,
        credential: &str,
        at: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer> {
        actor.require(Role::Supervisor, "withdrawing an authorization")?;
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let reason = free_text("reason", reason, 500)?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("withdrawing an authorization")?;
        let current: Option<Option<String>> = tx
            .query_row(
                "SELECT withdrawn_at FROM officer WHERE credential = ?1",
                [credential],
                |r| r.get(0),
            )
            .optional()
            .ctx("reading the officer")?;
        match current {
            None => {
                return Err(Error::NotFound {
                    what: "officer credential",
                    id: credential.to_owned(),
                })
            }
            Some(Some(w)) => {
                return Err(Error::refused(
                    Some("credential"),
                    format!(
                        "the authorization of {credential} was already withdrawn effective {w}"
                    ),
                ))
            }
            Some(None) => {}
        }
        set_withdrawn(&tx, credential, at, &reason)?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "officer.withdraw",
                target: Some(credential),
                outcome: "success",
                detail: Some(&super::roster_audit::officer_withdrawn(at, &reason)),
            },
        )?;
        tx.commit().ctx("committing the withdrawal")?;
        self.officer(credential)
    }

    pub fn officers(&self) -> Result<Vec<Officer>> {
        read_officers(&self.conn)
    }

    pub fn officer(&self, credential: &str) -> Result<Officer> {
        self.officers()?
            .into_iter()
            .find(|o| o.credential == credential)
            .ok_or_else(|| Error::NotFound {
                what: "officer credential",
                id: credential.to_owned(),
            })
    }
}

/// Record a withdrawal; an earlier effective time already recorded stays.
/// Returns whether the roster changed (sync applies ICE's updates with it).
pub(crate) fn set_withdrawn(
    conn: &Connection,
    credential: &str,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<bool> {
    store::officer::set_withdrawn(conn, credential, &utc_text(at), reason)
}

fn read_officers(conn: &Connection) -> Result<Vec<Officer>> {
    let mut stmt = conn
        .prepare(
            "SELECT credential, name, trained_on, expires_on, active, authorized_on, withdrawn_at, withdrawn_reason
             FROM officer ORDER BY name, credential",
        )
        .ctx("reading the roster")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .ctx("reading the roster")?;
    let mut out = Vec::new();
    for row in rows {
        let (credential, name, trained, expires, active, authorized, withdrawn, reason) =
            row.ctx("reading the roster")?;
        let authorized_on = authorized.as_deref().map(date).transpose()?;
        out.push(Officer {
            credential,
            name,
            trained_on: date(&trained)?,
            expires_on: date(&expires)?,
            active,
            authorization_note: authorized_on
                .is_none()
                .then_some(AUTHORIZATION_NOT_RECORDED),
            authorized_on,
            withdrawn_at: withdrawn.as_deref().map(stored).transpose()?,
            withdrawn_reason: reason,
        });
    }
    Ok(out)
}

/// ICE's `authorization_withdrawn` update (details `credential`,
/// `effective_at`): applied to the roster inside the pull's transaction.
/// Returns false when the details cannot be used or name no officer on the
/// roster; the update is then kept and shown like an unknown one.
pub(crate) fn withdrawn_by_ice(
    conn: &Connection,
    update_id: &str,
    details: &serde_json::Map<String, serde_json::Value>,
) -> Result<bool> {
    let text = |k: &str| details.get(k).and_then(serde_json::Value::as_str);
    let (Some(credential), Some(effective)) = (text("credential"), text("effective_at")) else {
        return Ok(false);
    };
    let Ok(at) = parse_instant("effective_at", effective) else {
        return Ok(false);
    };
    let known: bool = conn
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM officer WHERE credential = ?1)",
            [credential],
            |r| r.get(0),
        )
        .ctx("reading the officer")?;
    if !known {
        return Ok(false);
    }
    set_withdrawn(
        conn,
        credential,
        at,
        &super::roster_audit::withdrawn_by_ice(update_id),
    )?;
    Ok(true)
}
