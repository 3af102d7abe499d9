//! The oversight report in the window (agreement.md s8): the figures for a
//! period on screen, and "Save as PDF" through the same save dialog as the
//! handoff sheet. Every figure, its label and order come from
//! `wso_core::report` (`FIGURE_LINES`); this only lays them out as rows.

use serde::Serialize;
use tauri::{State, WebviewWindow};
use wso_core::auth::Actor;
use wso_core::report::figures::FIGURE_LINES;
use wso_core::report::{self, OversightReport};

use super::handoff::{ask_save_path, paper, SavedSheet};
use super::{now, public};
use crate::state::{CmdResult, Shell};

/// One figure: its words, the period's total, then one value per month.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportLine {
    pub key: &'static str,
    pub label: &'static str,
    /// Seconds, to be shown as h:mm:ss.
    pub duration: bool,
    /// Qualifies the line above it (shown indented).
    pub qualifies: bool,
    #[cfg_attr(test, ts(type = "number"))]
    pub total: i64,
    #[cfg_attr(test, ts(type = "Array<number>"))]
    pub months: Vec<i64>,
}

/// What the Reports screen shows.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportView {
    pub facility_name: String,
    pub from: String,
    pub to: String,
    pub generated_local: String,
    /// `YYYY-MM`, one per column of `ReportLine::months`.
    pub months: Vec<String>,
    pub lines: Vec<ReportLine>,
    /// Holds in custody at any time in the period (the CSV's rows).
    pub holds: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub events_read: u64,
}

fn report_now(shell: &Shell, actor: &Actor, from: &str, to: &str) -> CmdResult<OversightReport> {
    shell
        .desk()
        .oversight_report(actor, from.trim(), to.trim(), now())
        .map_err(public)
}

fn view(r: &OversightReport) -> ReportView {
    ReportView {
        facility_name: r.facility_name.clone(),
        from: r.from.to_string(),
        to: r.to.to_string(),
        generated_local: r.generated_local.clone(),
        months: r.months.keys().cloned().collect(),
        lines: FIGURE_LINES
            .iter()
            .map(|l| ReportLine {
                key: l.key,
                label: l.label,
                duration: l.duration,
                qualifies: l.qualifies,
                total: r.totals.get(l.key),
                months: r.months.values().map(|m| m.get(l.key)).collect(),
            })
            .collect(),
        holds: r.holds.len(),
        events_read: r.events_read,
    }
}

/// The figures for the facility-local dates `from..=to` (supervisors; reads only).
#[tauri::command(async, rename_all = "snake_case")]
pub fn oversight_report(
    shell: State<'_, Shell>,
    from: String,
    to: String,
) -> CmdResult<ReportView> {
    let actor = shell.actor()?;
    Ok(view(&report_now(&shell, &actor, &from, &to)?))
}

/// "Save as PDF": ask where, then compute the report at that moment, write
/// it and audit the export (core's `report::save`). `None` when cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_report_pdf(
    window: WebviewWindow,
    shell: State<'_, Shell>,
    from: String,
    to: String,
    paper: String,
) -> CmdResult<Option<SavedSheet>> {
    let actor = shell.actor()?;
    let paper = self::paper(&paper)?;
    // Ask core first, so a refused user or a bad period never sees a dialog.
    let draft = report_now(&shell, &actor, &from, &to)?;
    let suggested = format!(
        "oversight-report-{}-{}-{}.pdf",
        draft.facility_id, draft.from, draft.to
    );
    let Some(path) = ask_save_path(&window, "Save the oversight report", suggested).await else {
        return Ok(None);
    };
    let r = report_now(&shell, &actor, &from, &to)?;
    let rendered = {
        let desk = shell.desk();
        report::save(&desk, &actor, &r, Some((&path, paper)), None, now()).map_err(public)?
    };
    let pages = rendered.as_ref().map_or(0, |p| p.pages);
    Ok(Some(SavedSheet {
        path: path.display().to_string(),
        pages,
        missing_glyphs: rendered.as_ref().is_some_and(|p| p.missing_glyphs),
        cjk_font_missing: rendered.as_ref().is_some_and(|p| p.cjk_font_missing),
    }))
}
