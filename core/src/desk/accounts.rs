//! An admin's hold over accounts: deactivating one, changing its role, and
//! the way back for a locked admin when no admin can sign in (the holder of
//! the database key unlocks, audited as such). The desk always keeps one
//! active admin.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};

use super::Desk;
use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::error::{Error, Result, SqlContext};

/// Who the audit log names when the database key, not a session, vouched.
pub const KEY_HOLDER: &str = "key-holder";

fn user_state(tx: &Transaction<'_>, username: &str) -> Result<(Role, bool)> {
    let row: Option<(String, bool)> = tx
        .query_row(
            "SELECT role, active FROM user WHERE username = ?1",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("reading the user")?;
    let (role, active) = row.ok_or_else(|| Error::NotFound {
        what: "user",
        id: username.to_owned(),
    })?;
    Ok((Role::parse(&role).unwrap_or(Role::Deputy), active))
}

/// Refuse when `username` is the only active admin left.
fn keep_an_admin(tx: &Transaction<'_>, username: &str, what: &str) -> Result<()> {
    let others: i64 = tx
        .query_row(
            "SELECT count(*) FROM user WHERE role = 'admin' AND active = 1 AND username <> ?1",
            [username],
            |r| r.get(0),
        )
        .ctx("counting admins")?;
    if others == 0 {
        return Err(Error::refused(
            Some("username"),
            format!("{username} is the last active admin: {what} would leave the desk with none"),
        ));
    }
    Ok(())
}

impl Desk {
    /// An admin deactivates an account: it can no longer sign in, and its
    /// sessions (window or `wsoctl`) stop at their next command.
    pub fn deactivate_user(
        &mut self,
        actor: &Actor,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        actor.require(Role::Admin, "deactivating a user")?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("deactivating a user")?;
        let (role, active) = user_state(&tx, username)?;
        if !active {
            return Err(Error::refused(
                Some("username"),
                format!("user '{username}' is already inactive"),
            ));
        }
        if role == Role::Admin {
            keep_an_admin(&tx, username, "deactivating it")?;
        }
        crate::store::user::deactivate(&tx, username).ctx("deactivating the user")?;
        crate::store::user::end_sessions_of(&tx, username).ctx("ending the user's sessions")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "user.deactivate",
                target: Some(username),
                outcome: "success",
                detail: None,
            },
        )?;
        tx.commit().ctx("committing the deactivation")
    }

    /// An admin gives an account another role.
    pub fn set_user_role(
        &mut self,
        actor: &Actor,
        username: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<()> {
        actor.require(Role::Admin, "changing a user's role")?;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("changing a role")?;
        let (old, active) = user_state(&tx, username)?;
        if old == role {
            return Err(Error::refused(
                Some("role"),
                format!("{username} is already a {}", role.as_str()),
            ));
        }
        if old == Role::Admin && active {
            keep_an_admin(&tx, username, "demoting it")?;
        }
        crate::store::user::set_role(&tx, username, role.as_str()).ctx("changing the role")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "user.role",
                target: Some(username),
                outcome: "success",
                detail: Some(&format!("{} to {}", old.as_str(), role.as_str())),
            },
        )?;
        tx.commit().ctx("committing the role change")
    }

    /// The way back when every admin is locked out: whoever holds the
    /// database key (this desk opened with it, `key_source` says from where)
    /// unlocks an account without a session. Audited as the key holder.
    pub fn unlock_with_key(
        &mut self,
        username: &str,
        key_source: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("unlocking a user")?;
        user_state(&tx, username)?;
        crate::store::user::unlock(&tx, username).ctx("unlocking")?;
        crate::store::user::clear_failures(&tx, username).ctx("unlocking")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: KEY_HOLDER,
                action: "user.unlock",
                target: Some(username),
                outcome: "success",
                detail: Some(&format!(
                    "with the database key from {key_source}, no session"
                )),
            },
        )?;
        tx.commit().ctx("committing the unlock")
    }
}
