//! Complaints about participating officers or non-designated staff (MOA
//! Appendix B, agreement.md s7): list, add, and record that one was reported
//! to ICE. Due times (48 hours not counting weekends in the facility's zone,
//! or 48 hours flat) and who may see them are decided in core.

use tauri::State;
use wso_core::desk::{Complaint, NewComplaint};
use wso_core::time::facility_time;

use super::{now, public};
use crate::state::{CmdResult, Shell};

/// Unreported complaints, soonest due first; with `all`, reported ones after.
#[tauri::command(async, rename_all = "snake_case")]
pub fn complaints(shell: State<'_, Shell>, all: bool) -> CmdResult<Vec<Complaint>> {
    let actor = shell.actor()?;
    shell.desk().complaints(&actor, all, now()).map_err(public)
}

/// The form sends the facility's wall-clock time; core wants RFC 3339.
#[tauri::command(async, rename_all = "snake_case")]
pub fn add_complaint(shell: State<'_, Shell>, complaint: NewComplaint) -> CmdResult<Complaint> {
    let actor = shell.actor()?;
    let now = now();
    let mut desk = shell.desk();
    let mut complaint = complaint;
    complaint.received_at = facility_time(
        "received_at",
        &complaint.received_at,
        desk.facility().timezone,
        now,
    )
    .map_err(public)?;
    desk.add_complaint(&actor, &complaint, now).map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn complaint_reported(
    shell: State<'_, Shell>,
    complaint_id: String,
    to: String,
    at: String,
) -> CmdResult<Complaint> {
    let actor = shell.actor()?;
    let now = now();
    let mut desk = shell.desk();
    let at = facility_time("at", &at, desk.facility().timezone, now).map_err(public)?;
    desk.complaint_reported(&actor, &complaint_id, &to, &at, now)
        .map_err(public)
}
