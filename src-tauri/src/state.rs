//! What the window holds while it runs: the one open desk database and the
//! session of whoever signed in. Every command acts as the session's user;
//! no command trusts a username sent by the UI. When the session locks
//! (idle) or expires (12 h) is decided by `wso_core::auth::session`.

use std::sync::{Mutex, MutexGuard};

use wso_core::auth::session::{Session, SessionState, MAX_IDLE_MINUTES};
use wso_core::auth::Actor;
use wso_core::error::PublicError;
use wso_core::Desk;

use crate::commands::now;

pub const DEFAULT_IDLE_MINUTES: i64 = 15;

pub struct Shell {
    pub desk: Mutex<Desk>,
    pub session: Mutex<Option<Session>>,
    /// Idle minutes before the screen locks (1..=30).
    pub idle_minutes: i64,
}

pub type CmdResult<T> = Result<T, PublicError>;

pub fn shell_error(code: &'static str, message: &str) -> PublicError {
    PublicError {
        code,
        field: None,
        message: message.to_owned(),
    }
}

fn signed_out() -> PublicError {
    shell_error("unauthenticated", "sign in first")
}

fn locked() -> PublicError {
    shell_error(
        "locked",
        "the session is locked; enter your password to continue",
    )
}

fn expired() -> PublicError {
    shell_error(
        "unauthenticated",
        "you have been signed in for 12 hours: sign in again",
    )
}

impl Shell {
    pub fn new(desk: Desk, idle_minutes: i64) -> Shell {
        Shell {
            desk: Mutex::new(desk),
            session: Mutex::new(None),
            idle_minutes: idle_minutes.clamp(1, MAX_IDLE_MINUTES),
        }
    }

    /// A poisoned lock means a command panicked mid-way; the database itself
    /// is transactional, so carrying on with the inner value is safe.
    pub fn desk(&self) -> MutexGuard<'_, Desk> {
        self.desk.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user a command acts for. The command itself is the user's input,
    /// so it keeps an active session alive; a locked or expired one is refused
    /// with the code the UI turns into the unlock or sign-in screen.
    pub fn actor(&self) -> CmdResult<Actor> {
        let mut guard = self.session();
        let session = guard.as_mut().ok_or_else(signed_out)?;
        match session.touch(now()) {
            SessionState::Active => Ok(session.actor.clone()),
            SessionState::Locked => Err(locked()),
            SessionState::Expired => {
                *guard = None;
                Err(expired())
            }
        }
    }

    /// For screens that keep running while locked (the board): is the
    /// session locked? Does not count as input, so polling never keeps a
    /// session awake.
    pub fn viewer_locked(&self) -> CmdResult<bool> {
        let mut guard = self.session();
        let session = guard.as_mut().ok_or_else(signed_out)?;
        match session.state(now()) {
            SessionState::Active => Ok(false),
            SessionState::Locked => {
                session.lock();
                Ok(true)
            }
            SessionState::Expired => {
                *guard = None;
                Err(expired())
            }
        }
    }
}

/// Idle lock from `WSO_IDLE_LOCK_MINUTES` (a site may lock sooner than the
/// 30-minute ceiling, never later).
pub fn idle_minutes_from_env() -> i64 {
    std::env::var("WSO_IDLE_LOCK_MINUTES")
        .ok()
        .and_then(|m| m.trim().parse::<i64>().ok())
        .unwrap_or(DEFAULT_IDLE_MINUTES)
        .clamp(1, MAX_IDLE_MINUTES)
}
