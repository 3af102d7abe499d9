//! Signing in and out, the idle lock, and what the window needs before
//! anyone signs in (facility name and zones, the logon banner).

use serde::Serialize;
use tauri::{Manager, State};
use wso_core::auth::Actor;
use wso_core::custody::Facility;

use wso_core::auth::session::{Activity, Session, SessionState};

use super::{now, public};
use crate::startup::StartupError;
use crate::state::{shell_error, CmdResult, Shell};

/// CJIS Security Policy AC-8 system use notification, shown before sign-in.
pub const LOGON_BANNER: &str = "You are accessing a criminal justice information system \
provided for authorized use only. Use of this system constitutes consent to monitoring, \
interception, recording, reading, copying and auditing of all activity by authorized \
personnel. Unauthorized or improper use is prohibited and may result in disciplinary \
action and civil and criminal penalties. By acknowledging, you agree to these terms.";

#[derive(Serialize)]
pub struct AppInfo {
    pub facility: Facility,
    pub banner: &'static str,
    pub idle_lock_seconds: u64,
    /// The facility's wall clock now, to prefill time fields.
    pub now_local: String,
    pub session: Option<SessionInfo>,
}

#[derive(Serialize)]
pub struct SessionInfo {
    pub actor: Actor,
    pub state: SessionState,
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn app_info(app: tauri::AppHandle) -> CmdResult<AppInfo> {
    let Some(shell) = app.try_state::<Shell>() else {
        // The desk never opened: say why (see `startup`).
        return Err(match app.try_state::<StartupError>() {
            Some(e) => e.0.clone(),
            None => shell_error("database", "the desk database is not open"),
        });
    };
    let now = now();
    let facility = shell.desk().facility().clone();
    let now_local = wso_core::time::local_text(now, facility.timezone);
    let session = shell.session().as_ref().map(|s| SessionInfo {
        actor: s.actor.clone(),
        state: s.state(now),
    });
    Ok(AppInfo {
        facility,
        banner: LOGON_BANNER,
        idle_lock_seconds: (shell.idle_minutes * 60) as u64,
        now_local,
        session,
    })
}

/// Mirrors `wso_core`'s `SignedIn`, which core does not export yet.
#[derive(Serialize)]
pub struct SignedIn {
    pub actor: Actor,
    pub must_change_password: bool,
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_in(shell: State<'_, Shell>, username: String, password: String) -> CmdResult<SignedIn> {
    let now = now();
    let signed_in = shell
        .desk()
        .sign_in(username.trim(), &password, now)
        .map_err(public)?;
    *shell.session() = Some(Session::start(
        signed_in.actor.clone(),
        now,
        shell.idle_minutes,
    ));
    Ok(SignedIn {
        actor: signed_in.actor,
        must_change_password: signed_in.must_change_password,
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_out(shell: State<'_, Shell>) -> CmdResult<()> {
    let ended = shell.session().take();
    if let Some(session) = ended {
        shell
            .desk()
            .record_sign_out(&session.actor.username, "window", now())
            .map_err(public)?;
    }
    Ok(())
}

/// The user typed or clicked: keeps an active session from locking. Returns
/// the session's state so the UI shows the lock the moment core decides it.
#[tauri::command(async, rename_all = "snake_case")]
pub fn touch_session(shell: State<'_, Shell>) -> CmdResult<SessionState> {
    // Typing in the change-password form is input too.
    match shell.actor_for(Activity::PasswordChange) {
        Ok(_) => Ok(SessionState::Active),
        Err(e) if e.code == "locked" => Ok(SessionState::Locked),
        Err(e) => Err(e),
    }
}

/// The user asked to lock the screen (or the UI saw the idle time run out).
#[tauri::command(async, rename_all = "snake_case")]
pub fn lock_session(shell: State<'_, Shell>) -> CmdResult<()> {
    if let Some(session) = shell.session().as_mut() {
        session.lock();
    }
    Ok(())
}

/// Only the signed-in user's own password unlocks; anyone else signs out
/// and signs in, so every action stays attributed to who did it.
#[tauri::command(async, rename_all = "snake_case")]
pub fn unlock_session(shell: State<'_, Shell>, password: String) -> CmdResult<()> {
    let now = now();
    let username = {
        let guard = shell.session();
        let session = guard
            .as_ref()
            .ok_or_else(|| shell_error("unauthenticated", "sign in first"))?;
        if session.state(now) == SessionState::Expired {
            return Err(shell_error(
                "unauthenticated",
                "you have been signed in for 12 hours: sign in again",
            ));
        }
        session.actor.username.clone()
    };
    // Goes through sign-in so failures count towards the account lockout.
    shell
        .desk()
        .sign_in(&username, &password, now)
        .map_err(public)?;
    if let Some(session) = shell.session().as_mut() {
        session.unlock(now);
    }
    Ok(())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn change_password(shell: State<'_, Shell>, current: String, new: String) -> CmdResult<()> {
    let actor = shell.actor_for(Activity::PasswordChange)?;
    shell
        .desk()
        .change_password(&actor, &current, &new, now())
        .map_err(public)
}
