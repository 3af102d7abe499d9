//! A signed-in session at the desk and when it must lock (CJIS AC-11, IA-5):
//! after at most 30 minutes without input the screen locks and asks for the
//! password again; every 12 hours the user must sign in again in full. Time
//! is passed in, so the rules are tested without waiting.
//!
//! The same rules hold for the window's session (kept in memory) and for a
//! `wsoctl login` session (kept in the database): `Desk::session_actor` is
//! the one check every command of either goes through.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::Actor;

/// The policy ceiling: a site may lock sooner, never later.
pub const MAX_IDLE_MINUTES: i64 = 30;
pub const REAUTH_HOURS: i64 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SessionState {
    Active,
    /// Idle too long: the screen is locked; the same user's password unlocks it.
    Locked,
    /// Signed in for 12 hours: a full sign-in is needed.
    Expired,
}

/// What a call is: a person's input (a click, a key, a command they typed)
/// keeps an active session alive; a poll or background refresh never does,
/// or a screen left open with a ticking board would never lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Input,
    Background,
    /// Changing one's own password: the only input allowed while an
    /// admin-issued password must still be changed.
    PasswordChange,
}

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub actor: Actor,
    pub signed_in_at: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
    pub idle_limit_minutes: i64,
    pub locked: bool,
}

impl Session {
    /// `idle_limit_minutes` is clamped to 1..=30.
    pub fn start(actor: Actor, now: DateTime<Utc>, idle_limit_minutes: i64) -> Session {
        Session {
            actor,
            signed_in_at: now,
            last_activity: now,
            idle_limit_minutes: idle_limit_minutes.clamp(1, MAX_IDLE_MINUTES),
            locked: false,
        }
    }

    pub fn state(&self, now: DateTime<Utc>) -> SessionState {
        if now - self.signed_in_at >= Duration::hours(REAUTH_HOURS) {
            SessionState::Expired
        } else if self.locked
            || now - self.last_activity >= Duration::minutes(self.idle_limit_minutes)
        {
            SessionState::Locked
        } else {
            SessionState::Active
        }
    }

    /// How a call of kind `activity` sees the session, and, for input, the
    /// touch that keeps it alive. A background call never moves the idle
    /// timer; once idle too long the session stays locked either way.
    pub fn observe(&mut self, activity: Activity, now: DateTime<Utc>) -> SessionState {
        match activity {
            Activity::Input | Activity::PasswordChange => self.touch(now),
            Activity::Background => {
                let state = self.state(now);
                if state == SessionState::Locked {
                    self.locked = true;
                }
                state
            }
        }
    }

    /// Input from the user keeps an active session alive; it never unlocks one.
    pub fn touch(&mut self, now: DateTime<Utc>) -> SessionState {
        let state = self.state(now);
        match state {
            SessionState::Active => self.last_activity = now,
            SessionState::Locked => self.locked = true,
            SessionState::Expired => {}
        }
        state
    }

    pub fn lock(&mut self) {
        self.locked = true;
    }

    /// After the password was checked again (`Desk::sign_in`).
    pub fn unlock(&mut self, now: DateTime<Utc>) {
        self.locked = false;
        self.last_activity = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn t(s: &str) -> DateTime<Utc> {
        crate::time::parse_instant("t", s).unwrap()
    }

    fn session(idle: i64) -> Session {
        let actor = Actor {
            username: "dep".into(),
            full_name: "D".into(),
            role: Role::Deputy,
        };
        Session::start(actor, t("2026-11-27T03:00:00Z"), idle)
    }

    #[test]
    fn locks_after_the_idle_limit_and_input_does_not_unlock() {
        let mut s = session(15);
        assert_eq!(s.touch(t("2026-11-27T03:14:59Z")), SessionState::Active);
        assert_eq!(s.state(t("2026-11-27T03:29:58Z")), SessionState::Active);
        assert_eq!(s.state(t("2026-11-27T03:29:59Z")), SessionState::Locked);
        assert_eq!(s.touch(t("2026-11-27T03:30:00Z")), SessionState::Locked);
        assert_eq!(
            s.state(t("2026-11-27T03:30:01Z")),
            SessionState::Locked,
            "stays locked once locked"
        );
        s.unlock(t("2026-11-27T03:31:00Z"));
        assert_eq!(s.state(t("2026-11-27T03:31:01Z")), SessionState::Active);
    }

    #[test]
    fn background_calls_never_keep_a_session_awake() {
        let mut s = session(30);
        let mut now = t("2026-11-27T03:00:00Z");
        // The sync panel polls every 3 seconds for half an hour.
        while now < t("2026-11-27T03:29:57Z") {
            now += Duration::seconds(3);
            assert_eq!(s.observe(Activity::Background, now), SessionState::Active);
        }
        assert_eq!(s.last_activity, t("2026-11-27T03:00:00Z"));
        assert_eq!(
            s.observe(Activity::Background, t("2026-11-27T03:30:00Z")),
            SessionState::Locked
        );
        assert_eq!(
            s.observe(Activity::Input, t("2026-11-27T03:30:01Z")),
            SessionState::Locked,
            "input after the lock does not unlock"
        );
    }

    #[test]
    fn input_keeps_a_session_awake() {
        let mut s = session(30);
        assert_eq!(
            s.observe(Activity::Input, t("2026-11-27T03:29:00Z")),
            SessionState::Active
        );
        assert_eq!(s.state(t("2026-11-27T03:58:59Z")), SessionState::Active);
        assert_eq!(s.state(t("2026-11-27T03:59:00Z")), SessionState::Locked);
    }

    #[test]
    fn idle_limit_never_exceeds_30_minutes() {
        let s = session(240);
        assert_eq!(s.idle_limit_minutes, 30);
        assert_eq!(s.state(t("2026-11-27T03:30:00Z")), SessionState::Locked);
    }

    #[test]
    fn full_sign_in_every_12_hours_even_when_active() {
        let mut s = session(30);
        let mut now = t("2026-11-27T03:00:00Z");
        while now < t("2026-11-27T14:59:00Z") {
            now += Duration::minutes(10);
            s.touch(now);
        }
        assert_eq!(s.state(t("2026-11-27T14:59:59Z")), SessionState::Active);
        assert_eq!(s.state(t("2026-11-27T15:00:00Z")), SessionState::Expired);
    }
}
