//! A hold's duties as lists show them: its citizenship claims (the person's
//! words, who heard them, when they are due to be reported) and its incidents.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::custody::duties::{claim_due_at, IncidentKind, NoticeMethod};
use crate::error::{Error, Result, SqlContext};
use crate::time::{stored, utc_text};

/// A claim of U.S. citizenship as recorded: the person's words only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimView {
    pub claim_id: String,
    pub at: String,
    pub statement: String,
    pub heard_by: String,
    pub reported_at: Option<String>,
    pub reported_method: Option<NoticeMethod>,
    pub reported_to: Option<String>,
    /// 60 minutes after the claim.
    pub due_at: String,
    /// Seconds until `due_at` at the `now` the detail was built (negative when
    /// late); null once reported. The window counts down from it like the board.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub remaining_seconds: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentView {
    pub incident_id: String,
    pub kind: IncidentKind,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seconds: i64,
    pub at: String,
    pub detail: String,
    pub reviewed_at: Option<String>,
}

pub(super) fn claims_of(
    conn: &Connection,
    hold_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ClaimView>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT claim_id, claimed_at, statement, heard_by, reported_at, reported_method, reported_to
             FROM claim WHERE hold_id = ?1 ORDER BY claimed_at, claim_id",
        )
        .ctx("reading claims")?;
    let rows = stmt
        .query_map([hold_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .ctx("reading claims")?;
    let mut out = Vec::new();
    for row in rows {
        let (claim_id, at, statement, heard_by, reported_at, method, reported_to) =
            row.ctx("reading claims")?;
        let due = claim_due_at(stored(&at)?);
        let remaining_seconds = reported_at.is_none().then(|| (due - now).num_seconds());
        out.push(ClaimView {
            claim_id,
            at,
            statement,
            heard_by,
            reported_at,
            reported_method: method.as_deref().and_then(NoticeMethod::parse),
            reported_to,
            due_at: utc_text(due),
            remaining_seconds,
        });
    }
    Ok(out)
}

pub(super) fn incidents_of(conn: &Connection, hold_id: &str) -> Result<Vec<IncidentView>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT incident_id, kind, seconds, at, detail, reviewed_at FROM incident
             WHERE hold_id = ?1 ORDER BY at, incident_id",
        )
        .ctx("reading incidents")?;
    let rows = stmt
        .query_map([hold_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .ctx("reading incidents")?;
    let mut out = Vec::new();
    for row in rows {
        let (incident_id, kind, seconds, at, detail, reviewed_at) = row.ctx("reading incidents")?;
        let kind = IncidentKind::parse(&kind).ok_or_else(|| Error::Database {
            message: format!("stored incident kind '{kind}' is unknown"),
        })?;
        out.push(IncidentView {
            incident_id,
            kind,
            seconds,
            at,
            detail,
            reviewed_at,
        });
    }
    Ok(out)
}
