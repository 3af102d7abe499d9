//! The shift handoff in the window: the preview (the sheet as data, which the
//! UI lays out), "Save as PDF" through the system save dialog, recording a
//! print, and the incoming supervisor's acknowledgement. What the sheet says
//! and who may see, print or acknowledge it is decided in
//! `wso_core::handoff`; these commands take the session's user and pass it on.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{State, WebviewWindow};
use wso_core::auth::Actor;
use wso_core::error::PublicError;
use wso_core::handoff::pdf::{render, Paper};
use wso_core::handoff::{Acknowledgement, HandoffSheet};

use super::{now, public};
use crate::state::{CmdResult, Shell};

/// What "Save as PDF" wrote, so the window can say where and warn when a
/// name could not be printed exactly.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SavedSheet {
    pub path: String,
    pub pages: usize,
    pub missing_glyphs: bool,
    pub cjk_font_missing: bool,
}

fn sheet_now(shell: &Shell, actor: &Actor) -> CmdResult<HandoffSheet> {
    wso_core::handoff::sheet(&shell.desk(), now(), actor).map_err(public)
}

/// Set only by the end-to-end tests: "Save as PDF" then writes here without
/// opening the native dialog, which WebDriver cannot drive. Never set in use.
const TEST_SAVE_PATH: &str = "WSO_TEST_SAVE_PATH";

/// The system save dialog for a PDF, starting in the user's home folder with
/// `suggested` as the name; `None` when the user cancelled. Shared by every
/// "Save as PDF" of the window (handoff sheet, oversight report).
pub async fn ask_save_path(
    window: &WebviewWindow,
    title: &str,
    suggested: String,
) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(TEST_SAVE_PATH).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    // rfd's async dialog: the command awaits it off the main thread, so
    // the window keeps painting (and the board keeps counting) meanwhile.
    rfd::AsyncFileDialog::new()
        .set_title(title)
        // GTK would start in the app's working folder, which means
        // nothing to a supervisor; their home folder does.
        .set_directory(
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default(),
        )
        .add_filter("PDF", &["pdf"])
        .set_file_name(suggested)
        .set_parent(window)
        .save_file()
        .await
        .map(|handle| handle.path().to_path_buf())
}

pub fn paper(value: &str) -> CmdResult<Paper> {
    Paper::parse(value).ok_or_else(|| PublicError {
        code: "invalid",
        field: Some("paper".into()),
        message: "Paper: choose Letter or A4".into(),
    })
}

/// The preview: the sheet as it would print now (reads only, not audited).
#[tauri::command(async, rename_all = "snake_case")]
pub fn handoff_sheet(shell: State<'_, Shell>) -> CmdResult<HandoffSheet> {
    let actor = shell.actor()?;
    sheet_now(&shell, &actor)
}

/// "Save as PDF": ask where, then render the sheet as of that moment (the
/// supervisor may sit in the dialog a while), write it and record it.
/// `None` when the supervisor cancelled the dialog.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_handoff_pdf(
    window: WebviewWindow,
    shell: State<'_, Shell>,
    paper: String,
) -> CmdResult<Option<SavedSheet>> {
    let actor = shell.actor()?;
    let paper = self::paper(&paper)?;
    // Ask core first, so a refused user never sees a save dialog.
    let draft = sheet_now(&shell, &actor)?;
    let suggested = format!(
        "handoff-{}-{}.pdf",
        draft.facility_id,
        draft.printed_at_local.get(..10).unwrap_or("sheet")
    );
    let Some(path) = ask_save_path(&window, "Save the handoff sheet", suggested).await else {
        return Ok(None);
    };
    let sheet = sheet_now(&shell, &actor)?;
    let rendered = render(&sheet, paper).map_err(public)?;
    // 0600, whole or not at all, and only with its audit record (core).
    wso_core::handoff::save_pdf(&shell.desk(), &actor, &sheet, &rendered.bytes, &path, now())
        .map_err(public)?;
    let shown = path.display().to_string();
    Ok(Some(SavedSheet {
        path: shown,
        pages: rendered.pages,
        missing_glyphs: rendered.missing_glyphs,
        cjk_font_missing: rendered.cjk_font_missing,
    }))
}

/// The window printed its preview through the system print dialog: record
/// that the sheet went to a printer. The browser cannot tell a cancelled
/// print dialog from a printed page, so this errs towards a record.
#[tauri::command(async, rename_all = "snake_case")]
pub fn record_handoff_print(shell: State<'_, Shell>) -> CmdResult<()> {
    let actor = shell.actor()?;
    let sheet = sheet_now(&shell, &actor)?;
    wso_core::handoff::record_print(&shell.desk(), &actor, &sheet, "printer", now()).map_err(public)
}

/// The signed-in (incoming) supervisor takes the shift over from `outgoing`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn acknowledge_handoff(
    shell: State<'_, Shell>,
    outgoing: String,
) -> CmdResult<Acknowledgement> {
    let actor = shell.actor()?;
    wso_core::handoff::acknowledge_handoff(&shell.desk(), &actor, outgoing.trim(), now())
        .map_err(public)
}
