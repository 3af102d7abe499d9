//! Users of the desk: adding them, signing in
//! (with lockout after repeated failures, AC-7) and changing passwords.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::Desk;
use crate::audit::{self, Entry};
use crate::auth::{self, Actor, Role};
use crate::custody::hold::person_name;
use crate::error::{Error, Result, SqlContext};
use crate::time::utc_text;

/// Failed sign-ins allowed in [`LOCKOUT_WINDOW_MINUTES`] before the account locks.
pub const LOCKOUT_ATTEMPTS: i64 = 5;
pub const LOCKOUT_WINDOW_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserRow {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub locked: bool,
    pub must_change_password: bool,
}

/// A successful sign-in.
#[derive(Debug, Clone, Serialize)]
pub struct SignedIn {
    pub actor: Actor,
    /// Set for accounts an admin created: the user must choose a new password now.
    pub must_change_password: bool,
}

impl Desk {
    pub fn add_user(
        &mut self,
        actor: &Actor,
        username: &str,
        full_name: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<UserRow> {
        actor.require(Role::Admin, "adding a user")?;
        auth::check_username(username)?;
        let full_name = person_name("full_name", full_name)?;
        auth::check_password_policy(username, password)?;
        let hash = auth::hash_password(password)?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("adding a user")?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM user WHERE username = ?1)",
                [username],
                |r| r.get(0),
            )
            .ctx("checking the username")?;
        if exists {
            return Err(Error::refused(
                Some("username"),
                format!("user '{username}' already exists"),
            ));
        }
        crate::store::user::insert(
            &tx,
            username,
            &full_name,
            role.as_str(),
            &hash,
            &utc_text(now),
        )
        .ctx("writing the user")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "user.add",
                target: Some(username),
                outcome: "success",
                detail: Some(role.as_str()),
            },
        )?;
        tx.commit().ctx("committing the user")?;
        Ok(UserRow {
            username: username.to_owned(),
            full_name,
            role,
            active: true,
            locked: false,
            must_change_password: true,
        })
    }

    pub fn users(&self, actor: &Actor) -> Result<Vec<UserRow>> {
        actor.require(Role::Admin, "listing users")?;
        let mut stmt = self
            .conn
            .prepare("SELECT username, full_name, role, active, locked_at IS NOT NULL, must_change_password FROM user ORDER BY username")
            .ctx("reading users")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(UserRow {
                    username: r.get(0)?,
                    full_name: r.get(1)?,
                    role: Role::parse(&r.get::<_, String>(2)?).unwrap_or(Role::Deputy),
                    active: r.get(3)?,
                    locked: r.get(4)?,
                    must_change_password: r.get(5)?,
                })
            })
            .ctx("reading users")?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .ctx("reading users")
    }

    /// Check a password. Failures are counted per account; the fifth within
    /// 15 minutes locks the account until an admin (or the key holder,
    /// `unlock_with_key`) unlocks it; a success clears the count. The answer
    /// and the work done are the same for a wrong password, an unknown name,
    /// an inactive and a locked account, so none of them can be told apart.
    pub fn sign_in(
        &mut self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedIn> {
        let signed = self.check_credentials(username, password, "sign_in", now)?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("recording a sign-in")?;
        crate::store::user::clear_failures(&tx, username).ctx("recording a sign-in")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: username,
                action: "sign_in",
                target: None,
                outcome: "success",
                detail: None,
            },
        )?;
        tx.commit().ctx("recording a sign-in")?;
        Ok(signed)
    }

    /// The password check behind sign-in and password changes: a failure is
    /// counted and audited under `action`, and answered with one sentence.
    fn check_credentials(
        &mut self,
        username: &str,
        password: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedIn> {
        let row: Option<(String, String, bool, Option<String>, String, bool)> = self
            .conn
            .query_row(
                "SELECT full_name, role, active, locked_at, password_hash, must_change_password FROM user WHERE username = ?1",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()
            .ctx("reading the user")?;
        // Always one Argon2 verification, whatever the account's state.
        let matches = match &row {
            Some((.., hash, _)) => auth::verify_password(password, hash),
            None => auth::verify_password(password, auth::dummy_hash()),
        };
        let why = match &row {
            None => Some("unknown username"),
            Some((_, _, _, Some(_), _, _)) => Some("account locked"),
            Some((_, _, false, _, _, _)) => Some("account inactive"),
            Some(_) if !matches => Some("wrong password"),
            Some(_) => None,
        };
        match (why, row) {
            (None, Some((full_name, role, _, _, _, must_change))) => Ok(SignedIn {
                actor: Actor {
                    username: username.to_owned(),
                    full_name,
                    role: Role::parse(&role).unwrap_or(Role::Deputy),
                },
                must_change_password: must_change,
            }),
            (why, _) => {
                self.record_failure(username, action, why.unwrap_or("wrong password"), now)?;
                Err(Error::refused(
                    Some("password"),
                    "username or password not accepted",
                ))
            }
        }
    }

    /// AC-7: count a failed password check; the fifth in 15 minutes locks.
    fn record_failure(
        &mut self,
        username: &str,
        action: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("recording a failed sign-in")?;
        crate::store::user::insert_failure(&tx, username, &utc_text(now))
            .ctx("recording a failed sign-in")?;
        let since = utc_text(now - Duration::minutes(LOCKOUT_WINDOW_MINUTES));
        let failures: i64 = tx
            .query_row(
                "SELECT count(*) FROM sign_in_failure WHERE username = ?1 AND at > ?2",
                params![username, since],
                |r| r.get(0),
            )
            .ctx("counting failed sign-ins")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: username,
                action,
                target: None,
                outcome: "failure",
                detail: Some(why),
            },
        )?;
        if failures >= LOCKOUT_ATTEMPTS {
            let locked = crate::store::user::lock(&tx, username, &utc_text(now))
                .ctx("locking the account")?;
            if locked > 0 {
                audit::record(
                    &tx,
                    &desk_id,
                    now,
                    Entry {
                        actor: "system",
                        action: "user.lock",
                        target: Some(username),
                        outcome: "success",
                        detail: Some("5 failed sign-ins within 15 minutes"),
                    },
                )?;
            }
        }
        tx.commit().ctx("recording a failed sign-in")
    }

    /// The signed-in user changes their own password (the window).
    pub fn change_password(
        &mut self,
        actor: &Actor,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.change_own_password(&actor.username, current, new, now)
    }

    /// `wsoctl user password`: needs no session, since it checks the current
    /// password itself; a wrong one counts toward the lockout like a failed
    /// sign-in and is audited as a failed password change.
    pub fn change_own_password(
        &mut self,
        username: &str,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.check_credentials(username, current, "user.password_change", now)
            .map_err(|_| {
                Error::refused(
                    Some("current_password"),
                    "the current password is not right",
                )
            })?;
        if current == new {
            return Err(Error::invalid(
                "new_password",
                "must differ from the current password",
            ));
        }
        auth::check_password_policy(username, new).map_err(|e| match e {
            Error::Invalid { message, .. } => Error::invalid("new_password", message),
            other => other,
        })?;
        let new_hash = auth::hash_password(new)?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("changing a password")?;
        crate::store::user::set_password(&tx, username, &new_hash).ctx("changing the password")?;
        crate::store::user::clear_failures(&tx, username).ctx("changing the password")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: username,
                action: "user.password_change",
                target: Some(username),
                outcome: "success",
                detail: None,
            },
        )?;
        tx.commit().ctx("committing the password change")
    }

    pub fn unlock_user(&mut self, actor: &Actor, username: &str, now: DateTime<Utc>) -> Result<()> {
        actor.require(Role::Admin, "unlocking a user")?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("unlocking a user")?;
        let n = crate::store::user::unlock(&tx, username).ctx("unlocking")?;
        if n == 0 {
            return Err(Error::NotFound {
                what: "user",
                id: username.to_owned(),
            });
        }
        crate::store::user::clear_failures(&tx, username).ctx("unlocking")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "user.unlock",
                target: Some(username),
                outcome: "success",
                detail: None,
            },
        )?;
        tx.commit().ctx("committing the unlock")
    }
}
