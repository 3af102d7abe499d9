//! Incidents for supervisors: listed unreviewed first, reviewed with a note
//! (`hold.incident_reviewed`). The incidents themselves are written by what
//! caused them (`record::record_incident`).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::record::custody_event;
use super::Desk;
use crate::audit::Entry;
use crate::auth::{Actor, Role};
use crate::custody::duties::IncidentKind;
use crate::custody::hold::free_text;
use crate::error::{Error, Result, SqlContext};
use crate::time::utc_text;
use crate::wire;

/// One incident as `incident list --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentRow {
    pub incident_id: String,
    pub hold_id: String,
    pub kind: IncidentKind,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seconds: i64,
    pub at: String,
    pub detail: String,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub note: Option<String>,
}

impl Desk {
    /// Unreviewed incidents, oldest first; with `all`, then the reviewed ones,
    /// most recently reviewed first.
    pub fn incidents(
        &self,
        actor: &Actor,
        all: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<IncidentRow>> {
        actor.require(Role::Supervisor, "reviewing incidents")?;
        let filter = if all { "" } else { "WHERE reviewed_at IS NULL" };
        let rows = read_incidents(&self.conn, filter, [])?;
        // Reading incidents about people is audited like the audit log.
        self.audit(
            now,
            Entry {
                actor: &actor.username,
                action: "incident.list",
                target: None,
                outcome: "success",
                detail: None,
            },
        )?;
        Ok(rows)
    }

    /// A supervisor reviewed an incident: it leaves the board and the sheet.
    pub fn review_incident(
        &mut self,
        actor: &Actor,
        incident_id: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<IncidentRow> {
        actor.require(Role::Supervisor, "reviewing an incident")?;
        let note = free_text("note", note, 1000)?;
        let ids = self.ids();
        let tx = self.write_tx("reviewing an incident")?;
        let row: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT hold_id, reviewed_at FROM incident WHERE incident_id = ?1",
                [incident_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ctx("reading the incident")?;
        let (hold_id, reviewed) = row.ok_or_else(|| Error::NotFound {
            what: "incident",
            id: incident_id.to_owned(),
        })?;
        if let Some(at) = reviewed {
            return Err(Error::refused(
                Some("incident_id"),
                format!("incident {incident_id} was already reviewed at {at}"),
            ));
        }
        crate::store::hold::set_incident_reviewed(
            &tx,
            incident_id,
            &utc_text(now),
            &actor.username,
            &note,
        )
        .ctx("reviewing the incident")?;
        let body = wire::IncidentReviewed {
            incident_id: incident_id.to_owned(),
            note,
        };
        custody_event(&tx, &ids, &actor.username, &hold_id, now, now, &body)?;
        tx.commit().ctx("committing the review")?;
        read_incidents(&self.conn, "WHERE incident_id = ?1", [incident_id])?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "incident",
                id: incident_id.to_owned(),
            })
    }
}

fn read_incidents<P: rusqlite::Params>(
    conn: &rusqlite::Connection,
    filter: &str,
    params: P,
) -> Result<Vec<IncidentRow>> {
    let sql = format!(
        "SELECT incident_id, hold_id, kind, seconds, at, detail, reviewed_at, reviewed_by, note FROM incident {filter}
         ORDER BY reviewed_at IS NOT NULL, CASE WHEN reviewed_at IS NULL THEN at END, reviewed_at DESC, incident_id"
    );
    let mut stmt = conn.prepare(&sql).ctx("reading incidents")?;
    let rows = stmt
        .query_map(params, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .ctx("reading incidents")?;
    let mut out = Vec::new();
    for row in rows {
        let (incident_id, hold_id, kind, seconds, at, detail, reviewed_at, reviewed_by, note) =
            row.ctx("reading incidents")?;
        out.push(IncidentRow {
            kind: IncidentKind::parse(&kind).ok_or_else(|| Error::Database {
                message: format!("stored incident kind '{kind}' is unknown"),
            })?,
            incident_id,
            hold_id,
            seconds,
            at,
            detail,
            reviewed_at,
            reviewed_by,
            note,
        });
    }
    Ok(out)
}
