//! What the window holds while it runs: the one open desk database and the
//! session of whoever signed in. Every command acts as the session's user;
//! no command trusts a username sent by the UI.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use wso_core::auth::Actor;
use wso_core::error::PublicError;
use wso_core::Desk;

/// Longest idle time allowed before the session locks (CJIS AC-11: 30 min).
pub const MAX_IDLE_LOCK: Duration = Duration::from_secs(30 * 60);
pub const DEFAULT_IDLE_LOCK: Duration = Duration::from_secs(15 * 60);

pub struct Shell {
    pub desk: Mutex<Desk>,
    pub session: Mutex<Session>,
    pub idle_lock: Duration,
}

#[derive(Default)]
pub struct Session {
    pub actor: Option<Actor>,
    /// Idle lock: the user stays signed in, but names are hidden and nothing
    /// can be changed until the password is given again.
    pub locked: bool,
}

pub type CmdResult<T> = Result<T, PublicError>;

pub fn shell_error(code: &'static str, message: &str) -> PublicError {
    PublicError {
        code,
        field: None,
        message: message.to_owned(),
    }
}

impl Shell {
    pub fn new(desk: Desk, idle_lock: Duration) -> Shell {
        Shell {
            desk: Mutex::new(desk),
            session: Mutex::new(Session::default()),
            idle_lock: idle_lock.min(MAX_IDLE_LOCK),
        }
    }

    /// A poisoned lock means a command panicked mid-way; the database itself
    /// is transactional, so carrying on with the inner value is safe.
    pub fn desk(&self) -> MutexGuard<'_, Desk> {
        self.desk.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The signed-in, unlocked user, or the error the UI turns into the
    /// sign-in or unlock screen.
    pub fn actor(&self) -> CmdResult<Actor> {
        let session = self.session();
        match (&session.actor, session.locked) {
            (None, _) => Err(shell_error("unauthenticated", "sign in first")),
            (Some(_), true) => Err(shell_error(
                "locked",
                "the session is locked; enter your password to continue",
            )),
            (Some(actor), false) => Ok(actor.clone()),
        }
    }
}

/// Idle lock from `WSO_IDLE_LOCK_MINUTES`, never above 30 minutes.
pub fn idle_lock_from_env() -> Duration {
    std::env::var("WSO_IDLE_LOCK_MINUTES")
        .ok()
        .and_then(|m| m.trim().parse::<u64>().ok())
        .filter(|m| *m > 0)
        .map(|m| Duration::from_secs(m * 60))
        .unwrap_or(DEFAULT_IDLE_LOCK)
        .min(MAX_IDLE_LOCK)
}
