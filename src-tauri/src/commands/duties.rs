//! The duties after service (agreement.md s4-s6): the notice to ICE, claims
//! of U.S. citizenship and their report, placing a hold under an agreement,
//! incidents and their review, and withdrawing an officer's authorization.
//! Every rule (who may, what is late, what incident is written) is core's;
//! these turn the facility's wall-clock times into instants and pass them on.

use tauri::State;
use wso_core::custody::officer::Officer;
use wso_core::desk::{ClaimView, HoldSummary, IncidentRow};
use wso_core::time::facility_time;

use super::{now, public};
use crate::state::{CmdResult, Shell};

/// `at` as typed on the facility's wall clock (blank: now) as an RFC 3339 instant.
fn instant(shell: &Shell, field: &str, at: &str) -> CmdResult<String> {
    let tz = shell.desk().facility().timezone;
    facility_time(field, at, tz, now()).map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn notify_ice(
    shell: State<'_, Shell>,
    hold_id: String,
    method: String,
    to: String,
    at: String,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let at = instant(&shell, "at", &at)?;
    shell
        .desk()
        .notify_ice(&actor, &hold_id, &method, &to, &at, now())
        .map_err(public)
}

/// The person's words only: no field holds anyone's citizenship.
#[tauri::command(async, rename_all = "snake_case")]
pub fn record_claim(
    shell: State<'_, Shell>,
    hold_id: String,
    at: String,
    statement: String,
) -> CmdResult<ClaimView> {
    let actor = shell.actor()?;
    let at = instant(&shell, "at", &at)?;
    shell
        .desk()
        .record_claim(&actor, &hold_id, &at, &statement, now())
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn claim_reported(
    shell: State<'_, Shell>,
    hold_id: String,
    claim_id: String,
    method: String,
    to: String,
    at: String,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let at = instant(&shell, "at", &at)?;
    shell
        .desk()
        .claim_reported(&actor, &hold_id, &claim_id, &method, &to, &at, now())
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn place_under_agreement(
    shell: State<'_, Shell>,
    hold_id: String,
    agreement_id: String,
    at: String,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let at = instant(&shell, "at", &at)?;
    shell
        .desk()
        .place_under_agreement(&actor, &hold_id, &agreement_id, &at, now())
        .map_err(public)
}

/// Unreviewed incidents (supervisors); with `all`, reviewed ones too.
#[tauri::command(async, rename_all = "snake_case")]
pub fn incidents(shell: State<'_, Shell>, all: bool) -> CmdResult<Vec<IncidentRow>> {
    let actor = shell.actor()?;
    shell.desk().incidents(&actor, all, now()).map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn review_incident(
    shell: State<'_, Shell>,
    incident_id: String,
    note: String,
) -> CmdResult<IncidentRow> {
    let actor = shell.actor()?;
    shell
        .desk()
        .review_incident(&actor, &incident_id, &note, now())
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn withdraw_officer(
    shell: State<'_, Shell>,
    credential: String,
    at: String,
    reason: String,
) -> CmdResult<Officer> {
    let actor = shell.actor()?;
    let at = instant(&shell, "at", &at)?;
    shell
        .desk()
        .withdraw_officer(&actor, &credential, &at, &reason, now())
        .map_err(public)
}
