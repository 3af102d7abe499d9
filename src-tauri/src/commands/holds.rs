//! The countdown board, hold detail, booking and the actions on a hold.
//! Deadlines, urgency and order all come from `wso_core`; the board is sent
//! with the `now` it was computed at so the UI can tick it down honestly.

use serde::Serialize;
use tauri::State;
use wso_core::auth::Role;
use wso_core::custody::NewHold;
use wso_core::desk::{BookingPreview, Complaint, Freshness, HoldSummary};
use wso_core::time::{facility_time, local_text, utc_text};

use super::facility::HoldDetailView;
use super::{now, public};
use crate::state::{CmdResult, Shell};

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Board {
    pub facility_name: String,
    /// This desk: a row booked at another desk names that desk.
    pub desk_id: String,
    /// How fresh the facility view is: each other desk and when it was last
    /// heard from (core's words).
    pub facility: Freshness,
    /// The instant `remaining_seconds` were computed at.
    pub now: String,
    pub now_local: String,
    /// The session is idle-locked: names and dates of birth were left out.
    pub names_hidden: bool,
    pub holds: Vec<HoldSummary>,
    /// Complaints not yet reported to ICE, overdue first (supervisors only;
    /// empty for deputies and while the screen is locked).
    pub complaints_due: Vec<BoardComplaint>,
}

/// One complaint due on the board, with core's words for who and how urgent.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BoardComplaint {
    pub complaint_id: String,
    pub about: String,
    pub due_local: String,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub remaining_seconds: Option<i64>,
    pub overdue: bool,
    pub status_text: String,
}

impl From<Complaint> for BoardComplaint {
    fn from(c: Complaint) -> Self {
        BoardComplaint {
            about: c.about_text(),
            status_text: c.status_text().to_owned(),
            complaint_id: c.complaint_id,
            due_local: c.due_local,
            remaining_seconds: c.remaining_seconds,
            overdue: c.overdue,
        }
    }
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn board(shell: State<'_, Shell>, all: bool) -> CmdResult<Board> {
    let viewer = match shell.background_actor() {
        Ok(actor) => Some(actor),
        Err(e) if e.code == "locked" => None,
        Err(e) => return Err(e),
    };
    let locked = viewer.is_none();
    let now = now();
    let desk = shell.desk();
    let complaints_due = match &viewer {
        Some(actor) if actor.role >= Role::Supervisor => desk
            .complaints_due(actor, now)
            .map_err(public)?
            .into_iter()
            .map(BoardComplaint::from)
            .collect(),
        _ => Vec::new(),
    };
    let mut holds = desk.list_holds(now, all).map_err(public)?;
    if locked {
        // The countdowns keep running on a locked screen; who is held does not show.
        for h in &mut holds {
            h.family_name.clear();
            h.given_names.clear();
            h.date_of_birth.clear();
            h.a_number = None;
        }
    }
    let facility = desk.freshness(now).map_err(public)?;
    Ok(Board {
        facility_name: desk.facility().name.clone(),
        desk_id: desk.desk_id().to_owned(),
        facility,
        now: utc_text(now),
        now_local: local_text(now, desk.facility().timezone),
        names_hidden: locked,
        holds,
        complaints_due,
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn hold_detail(shell: State<'_, Shell>, hold_id: String) -> CmdResult<HoldDetailView> {
    shell.actor()?;
    let desk = shell.desk();
    let detail = desk.show_hold(&hold_id, now()).map_err(public)?;
    HoldDetailView::new(&desk, detail).map_err(public)
}

/// Checks the form with every rule core applies at booking (zone, perimeter,
/// officer credential, duplicate warrant) and returns the deadline core
/// computed; nothing is written.
#[tauri::command(async, rename_all = "snake_case")]
pub fn preview_hold(shell: State<'_, Shell>, hold: NewHold) -> CmdResult<BookingPreview> {
    let actor = shell.actor()?;
    let now = now();
    let desk = shell.desk();
    let hold = with_facility_time(hold, desk.facility().timezone, now).map_err(public)?;
    desk.preview_hold(&actor, &hold, now).map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_hold(shell: State<'_, Shell>, hold: NewHold) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let now = now();
    let mut desk = shell.desk();
    let hold = with_facility_time(hold, desk.facility().timezone, now).map_err(public)?;
    desk.open_hold(&actor, &hold, now).map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn move_hold(
    shell: State<'_, Shell>,
    hold_id: String,
    zone_id: String,
    at: String,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let now = now();
    let mut desk = shell.desk();
    let at = facility_time("at", &at, desk.facility().timezone, now).map_err(public)?;
    desk.move_hold(&actor, &hold_id, &zone_id, &at, now)
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn transfer_hold(
    shell: State<'_, Shell>,
    hold_id: String,
    at: String,
    ice_officer: String,
    destination: String,
    note: Option<String>,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let now = now();
    let mut desk = shell.desk();
    let at = facility_time("at", &at, desk.facility().timezone, now).map_err(public)?;
    let note = note.filter(|n| !n.trim().is_empty());
    desk.transfer_hold(
        &actor,
        &hold_id,
        &at,
        &ice_officer,
        &destination,
        note.as_deref(),
        now,
    )
    .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn release_hold(
    shell: State<'_, Shell>,
    hold_id: String,
    at: String,
    reason: String,
    note: Option<String>,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let now = now();
    let mut desk = shell.desk();
    let at = facility_time("at", &at, desk.facility().timezone, now).map_err(public)?;
    let note = note.filter(|n| !n.trim().is_empty());
    desk.release_hold(&actor, &hold_id, &at, &reason, note.as_deref(), now)
        .map_err(public)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn correct_hold(
    shell: State<'_, Shell>,
    hold_id: String,
    field: String,
    value: String,
    reason: String,
) -> CmdResult<HoldSummary> {
    let actor = shell.actor()?;
    let mut desk = shell.desk();
    desk.correct_hold(&actor, &hold_id, &field, &value, &reason, now())
        .map_err(public)
}

/// The form sends the facility's wall-clock time; core wants RFC 3339.
fn with_facility_time(
    mut hold: NewHold,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> wso_core::Result<NewHold> {
    hold.served_at = facility_time("served_at", &hold.served_at, tz, now)?;
    if !hold.criminal_release_at.trim().is_empty() {
        hold.criminal_release_at =
            facility_time("criminal_release_at", &hold.criminal_release_at, tz, now)?;
    }
    Ok(hold)
}
