//! Sessions: who a command acts for. The window keeps its session in memory,
//! `wsoctl login` keeps one in the database (only the token's SHA-256; the
//! token is in the user's 0600 file). Both go through [`Desk::session_actor`],
//! so the idle and 12-hour limits, the forced password change and a
//! deactivated or locked account stop both alike.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::Desk;
use crate::audit::Entry;
use crate::auth::session::{Activity, Session, SessionState, MAX_IDLE_MINUTES, REAUTH_HOURS};
use crate::auth::Actor;
use crate::error::{Error, Result, SessionProblem, SqlContext};
use crate::time::{stored, utc_text};

/// A `wsoctl login` session: the token goes in the user's file, never in the database.
pub struct CliSession {
    pub actor: Actor,
    pub token: String,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// cli.md: the one answer for a command with `--as` and no live session.
pub fn sign_in_first(username: &str, why: &str) -> Error {
    Error::Session {
        problem: SessionProblem::SignedOut,
        message: format!("sign in first: wsoctl login --as {username}{why}"),
    }
}

fn must_change_first(username: &str) -> Error {
    Error::Session {
        problem: SessionProblem::PasswordChange,
        message: format!(
            "the password an admin issued must be changed first: wsoctl user password --as {username} --password-stdin (or Change password in the window)"
        ),
    }
}

impl Desk {
    /// THE session check: the user a command of `session` acts for at `now`.
    /// Input (`Activity::Input`) keeps the session alive; background calls
    /// never do. Refuses a locked (idle) or expired (12 h) session, an account
    /// since deactivated or locked, and, except for changing it, a password
    /// that must change. The role is read afresh, so a change applies at once.
    pub fn session_actor(
        &self,
        session: &mut Session,
        activity: Activity,
        now: DateTime<Utc>,
    ) -> Result<Actor> {
        let username = session.actor.username.clone();
        match session.observe(activity, now) {
            SessionState::Active => {}
            SessionState::Locked => {
                return Err(Error::Session {
                    problem: SessionProblem::Locked,
                    message: "the session is locked; enter your password to continue".into(),
                })
            }
            SessionState::Expired => {
                return Err(Error::Session {
                    problem: SessionProblem::SignedOut,
                    message: "you have been signed in for 12 hours: sign in again".into(),
                })
            }
        }
        let actor = self.actor(&username).map_err(|_| Error::Session {
            problem: SessionProblem::SignedOut,
            message: format!("user '{username}' can no longer act on this desk: sign in again"),
        })?;
        if activity != Activity::PasswordChange && self.must_change_password(&username)? {
            return Err(must_change_first(&username));
        }
        session.actor = actor.clone();
        Ok(actor)
    }

    fn must_change_password(&self, username: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT must_change_password FROM user WHERE username = ?1",
                [username],
                |r| r.get(0),
            )
            .optional()
            .ctx("reading the user")
            .map(|v| v.unwrap_or(false))
    }

    /// `wsoctl login`: the password checked as at the window (lockout,
    /// failures audited); an admin-issued password must be changed first.
    /// Returns the new token for the caller's 0600 file; the session of
    /// `replaces` (the token the file held before) ends, and so do this
    /// user's lapsed ones.
    pub fn cli_login(
        &mut self,
        username: &str,
        password: &str,
        replaces: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<CliSession> {
        let signed = self.sign_in(username, password, now)?;
        if signed.must_change_password {
            return Err(must_change_first(username));
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let hash = token_hash(&token);
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("starting a session")?;
        if let Some(old) = replaces {
            crate::store::user::end_session(&tx, &token_hash(old), username)
                .ctx("ending the replaced session")?;
        }
        crate::store::user::end_lapsed_sessions(
            &tx,
            username,
            &utc_text(now - Duration::minutes(MAX_IDLE_MINUTES)),
            &utc_text(now - Duration::hours(REAUTH_HOURS)),
        )
        .ctx("clearing lapsed sessions")?;
        crate::store::user::insert_session(&tx, &hash, username, &utc_text(now))
            .ctx("starting a session")?;
        crate::audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: username,
                action: "session.start",
                target: None,
                outcome: "success",
                detail: Some("wsoctl login"),
            },
        )?;
        tx.commit().ctx("starting a session")?;
        Ok(CliSession {
            actor: signed.actor,
            token,
        })
    }

    /// The user a `wsoctl` command acts for, from the token in the user's
    /// file: the session must be this database's, this user's and live. A
    /// command is the user's input, so it moves the idle timer.
    pub fn cli_session_actor(
        &self,
        username: &str,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Actor> {
        let token = token.ok_or_else(|| sign_in_first(username, ""))?;
        let hash = token_hash(token);
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT signed_in_at, last_used_at FROM cli_session WHERE token_hash = ?1 AND username = ?2",
                params![hash, username],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ctx("reading the session")?;
        let (signed_in_at, last_used_at) = row.ok_or_else(|| sign_in_first(username, ""))?;
        let actor = self
            .actor(username)
            .map_err(|_| sign_in_first(username, ""))?;
        let mut session = Session {
            actor,
            signed_in_at: stored(&signed_in_at)?,
            last_activity: stored(&last_used_at)?,
            idle_limit_minutes: MAX_IDLE_MINUTES,
            locked: false,
        };
        let actor = match self.session_actor(&mut session, Activity::Input, now) {
            Ok(actor) => actor,
            Err(
                e @ Error::Session {
                    problem: SessionProblem::PasswordChange,
                    ..
                },
            ) => return Err(e),
            Err(Error::Session { problem, .. }) => {
                crate::store::user::end_session_by_token(&self.conn, &hash)
                    .ctx("ending a lapsed session")?;
                let why = match problem {
                    SessionProblem::Locked => " (the session lapsed after 30 idle minutes)",
                    _ => " (the session ended)",
                };
                return Err(sign_in_first(username, why));
            }
            Err(e) => return Err(e),
        };
        crate::store::user::touch_session(&self.conn, &hash, &utc_text(now))
            .ctx("recording the session's use")?;
        Ok(actor)
    }

    /// `wsoctl logout`: ends the session of this token (if any) and audits it.
    pub fn cli_logout(
        &mut self,
        username: &str,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let Some(token) = token else {
            return Ok(false);
        };
        let hash = token_hash(token);
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("ending a session")?;
        let ended =
            crate::store::user::end_session(&tx, &hash, username).ctx("ending a session")?;
        if ended > 0 {
            crate::audit::record(
                &tx,
                &desk_id,
                now,
                Entry {
                    actor: username,
                    action: "sign_out",
                    target: None,
                    outcome: "success",
                    detail: Some("wsoctl logout"),
                },
            )?;
        }
        tx.commit().ctx("ending a session")?;
        Ok(ended > 0)
    }

    /// A sign-out from the window (`wsoctl logout` records its own, in the
    /// transaction that ends the session).
    pub fn record_sign_out(&self, username: &str, how: &str, now: DateTime<Utc>) -> Result<()> {
        self.audit(
            now,
            Entry {
                actor: username,
                action: "sign_out",
                target: None,
                outcome: "success",
                detail: Some(how),
            },
        )
    }

    /// `--password-file`: a sign-in for one command, no session kept.
    pub fn one_command_sign_in(
        &mut self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Actor> {
        let signed = self.sign_in(username, password, now)?;
        if signed.must_change_password {
            return Err(must_change_first(username));
        }
        Ok(signed.actor)
    }

    /// AU-2: who read which personal data (hold list, a hold, the roster,
    /// the users), from the command line. The window's board refreshes every
    /// second and is covered by its sign-in record instead.
    pub fn audit_read(
        &self,
        actor: &Actor,
        action: &str,
        target: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.audit(
            now,
            Entry {
                actor: &actor.username,
                action,
                target,
                outcome: "success",
                detail: None,
            },
        )
    }
}
