//! What the window holds while it runs: the one open desk database and the
//! session of whoever signed in. Every command acts as the session's user;
//! no command trusts a username sent by the UI. When the session locks
//! (idle) or expires (12 h) is decided by `wso_core::auth::session`.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use wso_core::auth::session::{Activity, Session, MAX_IDLE_MINUTES};
use wso_core::auth::Actor;
use wso_core::error::{Error, PublicError, SessionProblem};
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
    /// with the code the UI turns into the unlock or sign-in screen. Core
    /// decides (`Desk::session_actor`), as it does for `wsoctl`.
    pub fn actor(&self) -> CmdResult<Actor> {
        self.actor_for(Activity::Input)
    }

    /// The user behind a poll or a background refresh (the sync panel, the
    /// clock banner, the board's countdowns): never moves the idle timer.
    pub fn background_actor(&self) -> CmdResult<Actor> {
        self.actor_for(Activity::Background)
    }

    pub fn actor_for(&self, activity: Activity) -> CmdResult<Actor> {
        self.actor_at(activity, now())
    }

    /// [`Shell::actor_for`] at a given time (tests pass it in).
    pub fn actor_at(&self, activity: Activity, now: DateTime<Utc>) -> CmdResult<Actor> {
        // Lock order everywhere: session, then desk.
        let mut guard = self.session();
        let session = guard.as_mut().ok_or_else(signed_out)?;
        let result = self.desk().session_actor(session, activity, now);
        match result {
            Ok(actor) => Ok(actor),
            Err(e) => {
                if matches!(
                    e,
                    Error::Session {
                        problem: SessionProblem::SignedOut,
                        ..
                    }
                ) {
                    *guard = None;
                }
                Err(e.to_public())
            }
        }
    }

    /// For screens that keep running while locked (the board): is the
    /// session locked? A background call, so polling never keeps a session
    /// awake.
    pub fn viewer_locked(&self) -> CmdResult<bool> {
        match self.background_actor() {
            Ok(_) => Ok(false),
            Err(e) if e.code == "locked" => Ok(true),
            Err(e) => Err(e),
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

#[cfg(test)]
mod tests {
    //! The shell's session through the calls its commands make: polls
    //! (`background_actor`, what `sync_status`, `clock_status` and `board`
    //! use) never keep a session awake; input (`actor`) does.
    use super::*;
    use chrono::Duration;
    use wso_core::auth::Role;

    const FACILITY: &str = include_str!("../../core/src/demo/facility.toml");

    fn t0() -> DateTime<Utc> {
        wso_core::time::parse_instant("t", "2026-11-27T03:00:00Z").unwrap()
    }

    fn shell(dir: &std::path::Path) -> Shell {
        let (mut desk, _) = Desk::init(
            &dir.join("d.db"),
            None,
            FACILITY,
            "desk-1",
            "admin",
            "admin-pass-2026",
            t0(),
        )
        .unwrap();
        let admin = desk.actor("admin").unwrap();
        desk.add_user(&admin, "dep", "Dep", Role::Deputy, "a-good-long-pass", t0())
            .unwrap();
        Shell::new(desk, 30)
    }

    fn sign_in(shell: &Shell, user: &str, pw: &str) {
        let signed = shell.desk().sign_in(user, pw, t0()).unwrap();
        *shell.session() = Some(Session::start(signed.actor, t0(), shell.idle_minutes));
    }

    #[test]
    fn polling_for_half_an_hour_does_not_keep_the_session_awake() {
        let dir = tempfile::tempdir().unwrap();
        let shell = shell(dir.path());
        sign_in(&shell, "admin", "admin-pass-2026");
        let mut now = t0();
        while now < t0() + Duration::minutes(30) - Duration::seconds(3) {
            now += Duration::seconds(3);
            shell.actor_at(Activity::Background, now).unwrap();
        }
        let err = shell
            .actor_at(Activity::Background, t0() + Duration::minutes(30))
            .unwrap_err();
        assert_eq!(err.code, "locked");
        let err = shell
            .actor_at(Activity::Input, t0() + Duration::minutes(31))
            .unwrap_err();
        assert_eq!(err.code, "locked", "input after the lock does not unlock");
    }

    #[test]
    fn input_keeps_the_session_awake() {
        let dir = tempfile::tempdir().unwrap();
        let shell = shell(dir.path());
        sign_in(&shell, "admin", "admin-pass-2026");
        shell
            .actor_at(Activity::Input, t0() + Duration::minutes(29))
            .unwrap();
        shell
            .actor_at(Activity::Background, t0() + Duration::minutes(58))
            .unwrap();
    }

    #[test]
    fn a_password_that_must_change_refuses_everything_but_changing_it() {
        let dir = tempfile::tempdir().unwrap();
        let shell = shell(dir.path());
        sign_in(&shell, "dep", "a-good-long-pass");
        let now = t0() + Duration::minutes(1);
        for activity in [Activity::Input, Activity::Background] {
            let err = shell.actor_at(activity, now).unwrap_err();
            assert_eq!(err.code, "password_change_required", "{activity:?}");
        }
        let dep = shell.actor_at(Activity::PasswordChange, now).unwrap();
        shell
            .desk()
            .change_password(&dep, "a-good-long-pass", "Slow-Heron-Ledger-58", now)
            .unwrap();
        shell.actor_at(Activity::Input, now).unwrap();
    }

    #[test]
    fn a_deactivated_user_is_signed_out_at_the_next_command() {
        let dir = tempfile::tempdir().unwrap();
        let shell = shell(dir.path());
        sign_in(&shell, "admin", "admin-pass-2026");
        {
            let mut desk = shell.desk();
            let admin = desk.actor("admin").unwrap();
            desk.add_user(
                &admin,
                "admin2",
                "A2",
                Role::Admin,
                "a-good-long-pass",
                t0(),
            )
            .unwrap();
            let a2 = desk.actor("admin2").unwrap();
            // The second admin deactivates the first, who is signed in here.
            desk.deactivate_user(&a2, "admin", t0()).unwrap();
        }
        let err = shell
            .actor_at(Activity::Input, t0() + Duration::minutes(1))
            .unwrap_err();
        assert_eq!(err.code, "unauthenticated");
        assert!(shell.session().is_none());
    }
}
