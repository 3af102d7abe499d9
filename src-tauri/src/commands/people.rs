//! The officer roster and the user list. Who may change them is decided in
//! `wso_core` (roles); the shell only passes the session's user along.

use serde::Serialize;
use tauri::State;
use wso_core::auth::Role;
use wso_core::custody::officer::{Officer, EXPIRY_WARNING_DAYS};
use wso_core::desk::UserRow;
use wso_core::error::Error;

use super::{now, public};
use crate::state::{CmdResult, Shell};

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RosterRow {
    #[serde(flatten)]
    pub officer: Officer,
    pub expiring_soon: bool,
    pub expired: bool,
}

/// Every signed-in user sees the roster: the booking form picks the serving
/// officer from it. Adding officers is for supervisors (checked in core).
#[tauri::command(async, rename_all = "snake_case")]
pub fn officers(shell: State<'_, Shell>) -> CmdResult<Vec<RosterRow>> {
    shell.actor()?;
    let desk = shell.desk();
    let today = now().with_timezone(&desk.facility().timezone).date_naive();
    let officers = desk.officers().map_err(public)?;
    Ok(officers
        .into_iter()
        .map(|officer| RosterRow {
            expiring_soon: officer.expires_within(today, EXPIRY_WARNING_DAYS),
            expired: officer.expires_on < today,
            officer,
        })
        .collect())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_officer(
    shell: State<'_, Shell>,
    credential: String,
    name: String,
    trained_on: String,
    expires_on: String,
    authorized_on: String,
) -> CmdResult<Officer> {
    let actor = shell.actor()?;
    shell
        .desk()
        .add_officer(
            &actor,
            &credential,
            &name,
            &trained_on,
            &expires_on,
            &authorized_on,
            now(),
        )
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn users(shell: State<'_, Shell>) -> CmdResult<Vec<UserRow>> {
    let actor = shell.actor()?;
    shell.desk().users(&actor).map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_user(
    shell: State<'_, Shell>,
    username: String,
    full_name: String,
    role: String,
    password: String,
) -> CmdResult<UserRow> {
    let actor = shell.actor()?;
    let role = Role::parse(&role)
        .ok_or_else(|| Error::invalid("role", "must be deputy, supervisor or admin").to_public())?;
    shell
        .desk()
        .add_user(&actor, username.trim(), &full_name, role, &password, now())
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn unlock_user(shell: State<'_, Shell>, username: String) -> CmdResult<()> {
    let actor = shell.actor()?;
    shell
        .desk()
        .unlock_user(&actor, &username, now())
        .map_err(public)
}

/// An admin deactivates an account (core keeps the last active admin).
#[tauri::command(async, rename_all = "snake_case")]
pub fn deactivate_user(shell: State<'_, Shell>, username: String) -> CmdResult<()> {
    let actor = shell.actor()?;
    shell
        .desk()
        .deactivate_user(&actor, &username, now())
        .map_err(public)
}

/// An admin gives an account another role (core keeps the last active admin).
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_user_role(shell: State<'_, Shell>, username: String, role: String) -> CmdResult<()> {
    let actor = shell.actor()?;
    let role = Role::parse(&role)
        .ok_or_else(|| Error::invalid("role", "must be deputy, supervisor or admin").to_public())?;
    shell
        .desk()
        .set_user_role(&actor, &username, role, now())
        .map_err(public)
}
