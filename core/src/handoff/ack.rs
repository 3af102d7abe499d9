//! The handoff in the audit log: a printed (or saved) sheet is recorded as
//! `handoff.print`; the incoming supervisor's acceptance as
//! `handoff.acknowledge`, naming both supervisors and both times, and the next
//! sheet shows the last one. The audit chain is the record: there is no
//! separate handoff table to drift from it.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{HandoffSheet, Person};
use crate::audit::Entry;
use crate::auth::{Actor, Role};
use crate::desk::Desk;
use crate::error::{Error, Result, SqlContext};
use crate::store::files::{Existing, Staged};
use crate::time::{local_text, stored, utc_text};

const PRINT: &str = "handoff.print";
const ACKNOWLEDGE: &str = "handoff.acknowledge";

/// An incoming supervisor took the shift over from an outgoing one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Acknowledgement {
    pub incoming: Person,
    pub outgoing: Person,
    pub acknowledged_at: String,
    pub acknowledged_at_local: String,
    /// When the outgoing supervisor last printed a sheet before this; null if never.
    pub sheet_printed_at: Option<String>,
    pub sheet_printed_at_local: Option<String>,
}

/// What the audit record's `detail` holds (JSON), so the sheet can show it later.
#[derive(Serialize, Deserialize)]
struct Detail {
    incoming: String,
    incoming_name: String,
    outgoing: String,
    outgoing_name: String,
    acknowledged_at: String,
    sheet_printed_at: Option<String>,
}

/// Record that a handoff sheet left the desk (file or printer). Separate from
/// [`super::sheet`] so an on-screen preview is not logged as a handoff.
pub fn record_print(
    desk: &Desk,
    by: &Actor,
    sheet: &HandoffSheet,
    destination: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    by.require(Role::Supervisor, "the handoff sheet")?;
    desk.audit(now, print_entry(by, destination, &print_detail(sheet)))
}

/// Save a rendered sheet to `path`: written 0600 beside it, named only once
/// the print is recorded, replacing an older sheet there in one step. A full
/// disk or a failed record leaves no new file and the old one as it was.
pub fn save_pdf(
    desk: &Desk,
    by: &Actor,
    sheet: &HandoffSheet,
    pdf: &[u8],
    path: &Path,
    now: DateTime<Utc>,
) -> Result<()> {
    by.require(Role::Supervisor, "the handoff sheet")?;
    let staged = Staged::new(path, Existing::Replace)?;
    staged.write_all(pdf)?;
    let destination = path.display().to_string();
    let detail = print_detail(sheet);
    desk.audit_file(now, print_entry(by, &destination, &detail), staged)
}

fn print_detail(sheet: &HandoffSheet) -> String {
    format!(
        "sheet at {}: {} open holds ({} release required), {} closed in shift",
        sheet.printed_at,
        sheet.summary.open,
        sheet.summary.release_required,
        sheet.summary.closed_in_shift
    )
}

fn print_entry<'a>(by: &'a Actor, destination: &'a str, detail: &'a str) -> Entry<'a> {
    Entry {
        actor: &by.username,
        action: PRINT,
        target: Some(destination),
        outcome: "success",
        detail: Some(detail),
    }
}

/// The incoming supervisor accepts the shift from `outgoing_username`.
/// Both must be active supervisors (or admins) and must be two people.
pub fn acknowledge_handoff(
    desk: &Desk,
    incoming: &Actor,
    outgoing_username: &str,
    now: DateTime<Utc>,
) -> Result<Acknowledgement> {
    incoming.require(Role::Supervisor, "acknowledging a handoff")?;
    let outgoing = desk.actor(outgoing_username).map_err(|e| match e {
        // `desk.actor` names `--as`; here the user at fault is the outgoing one.
        Error::Refused { message, .. } => Error::refused(Some("outgoing"), message),
        other => other,
    })?;
    if outgoing.role < Role::Supervisor {
        return Err(Error::refused(
            Some("outgoing"),
            format!(
                "{} is not a supervisor; only a supervisor hands a shift over",
                outgoing.username
            ),
        ));
    }
    if outgoing.username == incoming.username {
        return Err(Error::refused(
            Some("outgoing"),
            "a supervisor cannot acknowledge their own handoff",
        ));
    }
    let printed: Option<String> = desk
        .conn()
        .query_row(
            "SELECT at FROM audit WHERE action = ?1 AND actor = ?2 AND outcome = 'success'
             ORDER BY seq DESC LIMIT 1",
            params![PRINT, outgoing.username],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the audit log")?;
    let sheet_printed_at = printed
        .as_deref()
        .and_then(|t| stored(t).ok())
        .map(utc_text);
    let detail = Detail {
        incoming: incoming.username.clone(),
        incoming_name: incoming.full_name.clone(),
        outgoing: outgoing.username.clone(),
        outgoing_name: outgoing.full_name.clone(),
        acknowledged_at: utc_text(now),
        sheet_printed_at,
    };
    let text = serde_json::to_string(&detail).map_err(|e| Error::Database {
        message: format!("cannot encode the acknowledgement: {e}"),
    })?;
    desk.audit(
        now,
        Entry {
            actor: &incoming.username,
            action: ACKNOWLEDGE,
            target: Some(&outgoing.username),
            outcome: "success",
            detail: Some(&text),
        },
    )?;
    Ok(from_detail(detail, desk.facility().timezone))
}

/// The most recent acknowledgement recorded at or before `now`.
pub fn last_acknowledgement(desk: &Desk, now: DateTime<Utc>) -> Result<Option<Acknowledgement>> {
    // Audit times are fixed-width UTC text, so text order is time order.
    let detail: Option<Option<String>> = desk
        .conn()
        .query_row(
            "SELECT detail FROM audit WHERE action = ?1 AND outcome = 'success' AND at <= ?2
             ORDER BY seq DESC LIMIT 1",
            params![ACKNOWLEDGE, utc_text(now)],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the audit log")?;
    let detail = detail
        .flatten()
        .and_then(|d| serde_json::from_str::<Detail>(&d).ok());
    Ok(detail.map(|d| from_detail(d, desk.facility().timezone)))
}

fn from_detail(d: Detail, tz: chrono_tz::Tz) -> Acknowledgement {
    let local = |t: &str| stored(t).ok().map(|t| local_text(t, tz));
    Acknowledgement {
        acknowledged_at_local: local(&d.acknowledged_at)
            .unwrap_or_else(|| d.acknowledged_at.clone()),
        sheet_printed_at_local: d.sheet_printed_at.as_deref().and_then(local),
        incoming: Person {
            username: d.incoming,
            full_name: d.incoming_name,
        },
        outgoing: Person {
            username: d.outgoing,
            full_name: d.outgoing_name,
        },
        acknowledged_at: d.acknowledged_at,
        sheet_printed_at: d.sheet_printed_at,
    }
}
