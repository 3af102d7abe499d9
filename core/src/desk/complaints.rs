//! Complaints (agreement.md s7): recorded, marked reported to ICE, listed by
//! how soon they are due. Supervisors only. They stay on this desk: each
//! change is audited but writes no sync event, because the jail reports
//! complaints through ICE's own channel, not the custody feed.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::Desk;
use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::custody::complaint::{complaint_due, ComplaintAbout, SUMMARY_MAX_CHARS};
use crate::custody::hold::{code, free_text, not_in_future, person_name};
use crate::error::{Error, Result, SqlContext};
use crate::time::{local_text, parse_instant, stored, utc_text};

/// A complaint as typed on the Complaints screen or on the command line.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewComplaint {
    pub received_at: String,
    #[serde(default)]
    pub about_officer: Option<String>,
    #[serde(default)]
    pub about_staff: Option<String>,
    pub summary: String,
    #[serde(default)]
    pub hold_id: Option<String>,
}

/// One complaint as every list shows it (`complaint list --json`, cli.md).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Complaint {
    pub complaint_id: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: DateTime<Utc>,
    pub received_local: String,
    /// The officer's credential, when the complaint is about a participating officer.
    pub about_officer: Option<String>,
    /// The staff member's name, when they are not designated.
    pub about_staff: Option<String>,
    pub summary: String,
    pub hold_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due_at: DateTime<Utc>,
    pub due_local: String,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub reported_at: Option<DateTime<Utc>>,
    pub reported_local: Option<String>,
    pub reported_to: Option<String>,
    /// Reported after it was due; null while it is not reported.
    pub reported_late: Option<bool>,
    /// Not reported and already past due at `now`.
    pub overdue: bool,
    /// Seconds until due at `now` (negative when overdue); null once reported.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub remaining_seconds: Option<i64>,
    pub recorded_by: String,
    /// [`Complaint::about_text`], for screens that show it.
    pub about: String,
    /// [`Complaint::status_text`], for screens that show it.
    pub status: String,
}

impl Complaint {
    /// Who it is about, in the words every screen and paper uses.
    pub fn about_text(&self) -> String {
        match (&self.about_officer, &self.about_staff) {
            (Some(o), _) => format!("officer {o}"),
            (None, Some(s)) => format!("{s} (not designated)"),
            (None, None) => String::new(),
        }
    }

    /// Where the complaint stands, in the words the board and the sheet use:
    /// an overdue one says so in capitals, like RELEASE REQUIRED.
    pub fn status_text(&self) -> &'static str {
        match (self.reported_at.is_some(), self.overdue) {
            (true, _) => "reported",
            (false, true) => "REPORT OVERDUE",
            (false, false) => "report due",
        }
    }
}

fn already_reported(complaint_id: &str) -> Error {
    Error::refused(
        Some("complaint_id"),
        format!("complaint {complaint_id} is already recorded as reported"),
    )
}

const COLUMNS: &str = "complaint_id, received_at, about_officer, about_staff, summary, hold_id, reported_at, reported_to, recorded_by";

impl Desk {
    /// Record a complaint. Refused (nothing written) when it was received in
    /// the future, is about no one or two people, names an officer not on the
    /// roster or a hold that does not exist, or has no summary.
    pub fn add_complaint(
        &mut self,
        actor: &Actor,
        input: &NewComplaint,
        now: DateTime<Utc>,
    ) -> Result<Complaint> {
        actor.require(Role::Supervisor, "recording a complaint")?;
        let received_at = parse_instant("received_at", &input.received_at)?;
        not_in_future("received_at", received_at, now)?;
        let given = |v: &Option<String>| {
            v.as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        let about = match (given(&input.about_officer), given(&input.about_staff)) {
            (Some(c), None) => ComplaintAbout::Officer(code("about_officer", &c, 64)?),
            (None, Some(n)) => ComplaintAbout::Staff(person_name("about_staff", &n)?),
            _ => {
                return Err(Error::invalid(
                    "about",
                    "name exactly one of: the officer's credential (about_officer) or a staff member who is not designated (about_staff)",
                ))
            }
        };
        let summary = free_text("summary", &input.summary, SUMMARY_MAX_CHARS)?;
        let hold_id = given(&input.hold_id)
            .map(|h| code("hold_id", &h, 64))
            .transpose()?;
        if let ComplaintAbout::Officer(credential) = &about {
            self.officer(credential)?;
        }
        let due = complaint_due(received_at, &about, self.facility.timezone);
        let complaint_id = uuid::Uuid::now_v7().to_string();
        let desk_id = self.desk_id.clone();
        let (officer, staff, whom) = match &about {
            ComplaintAbout::Officer(c) => (Some(c.as_str()), None, format!("officer {c}")),
            // The staff member's name stays out of the audit detail: it is
            // personal data, and the complaint row already holds it.
            ComplaintAbout::Staff(n) => (None, Some(n.as_str()), "non-designated staff".to_owned()),
        };
        let tx = self.write_tx("recording a complaint")?;
        if let Some(h) = &hold_id {
            let exists: bool = tx
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM hold WHERE hold_id = ?1)",
                    [h],
                    |r| r.get(0),
                )
                .ctx("checking the hold")?;
            if !exists {
                return Err(Error::NotFound {
                    what: "hold",
                    id: h.clone(),
                });
            }
        }
        tx.execute(
            "INSERT INTO complaint (complaint_id, received_at, about_officer, about_staff, summary, hold_id, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![complaint_id, utc_text(received_at), officer, staff, summary, hold_id, utc_text(now), actor.username],
        )
        .ctx("writing the complaint")?;
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "complaint.add",
                target: Some(&complaint_id),
                outcome: "success",
                detail: Some(&format!("about {whom}; due {}", utc_text(due))),
            },
        )?;
        tx.commit().ctx("committing the complaint")?;
        self.complaint(&complaint_id, now)
    }

    /// Record that a complaint was reported to ICE: to whom and when.
    pub fn complaint_reported(
        &mut self,
        actor: &Actor,
        complaint_id: &str,
        to: &str,
        at: &str,
        now: DateTime<Utc>,
    ) -> Result<Complaint> {
        actor.require(Role::Supervisor, "recording that a complaint was reported")?;
        let to = person_name("to", to)?;
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let current = self.complaint(complaint_id, now)?;
        if current.reported_at.is_some() {
            return Err(already_reported(complaint_id));
        }
        if at < current.received_at {
            return Err(Error::invalid(
                "at",
                format!(
                    "lies before the complaint was received ({})",
                    utc_text(current.received_at)
                ),
            ));
        }
        let late = at > current.due_at;
        let desk_id = self.desk_id.clone();
        let tx = self.write_tx("recording a reported complaint")?;
        // Checked again under the write lock: another window may have just done it.
        let changed = tx
            .execute(
                "UPDATE complaint SET reported_at = ?2, reported_to = ?3, reported_by = ?4
                 WHERE complaint_id = ?1 AND reported_at IS NULL",
                params![complaint_id, utc_text(at), to, actor.username],
            )
            .ctx("recording the report")?;
        if changed != 1 {
            return Err(already_reported(complaint_id));
        }
        audit::record(
            &tx,
            &desk_id,
            now,
            Entry {
                actor: &actor.username,
                action: "complaint.reported",
                target: Some(complaint_id),
                outcome: "success",
                detail: Some(&format!(
                    "reported {}{}",
                    utc_text(at),
                    if late { " (after it was due)" } else { "" }
                )),
            },
        )?;
        tx.commit().ctx("committing the reported complaint")?;
        self.complaint(complaint_id, now)
    }

    /// Complaints not yet reported, soonest due first; with `all`, the
    /// reported ones after them, most recently received first.
    pub fn complaints(
        &self,
        actor: &Actor,
        all: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<Complaint>> {
        actor.require(Role::Supervisor, "reading complaints")?;
        let mut list = self.all_complaints(now)?;
        if !all {
            list.retain(|c| c.reported_at.is_none());
        }
        list.sort_by(|a, b| {
            a.reported_at
                .is_some()
                .cmp(&b.reported_at.is_some())
                .then_with(|| match a.reported_at {
                    None => a.due_at.cmp(&b.due_at),
                    Some(_) => b.received_at.cmp(&a.received_at),
                })
                .then_with(|| a.complaint_id.cmp(&b.complaint_id))
        });
        Ok(list)
    }

    /// What the board and the handoff sheet show supervisors: every complaint
    /// not yet reported, overdue ones first, then soonest due.
    pub fn complaints_due(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Complaint>> {
        self.complaints(actor, false, now)
    }

    pub fn complaint(&self, complaint_id: &str, now: DateTime<Utc>) -> Result<Complaint> {
        let sql = format!("SELECT {COLUMNS} FROM complaint WHERE complaint_id = ?1");
        let found = self
            .conn
            .query_row(&sql, [complaint_id], |r| Ok(self.complaint_row(r, now)))
            .optional()
            .ctx("reading the complaint")?;
        found.ok_or_else(|| Error::NotFound {
            what: "complaint",
            id: complaint_id.to_owned(),
        })?
    }

    /// Every complaint on the desk, unsorted (the oversight report reads these).
    pub(crate) fn all_complaints(&self, now: DateTime<Utc>) -> Result<Vec<Complaint>> {
        let sql = format!("SELECT {COLUMNS} FROM complaint");
        let mut stmt = self.conn.prepare(&sql).ctx("reading complaints")?;
        let rows = stmt
            .query_map([], |r| Ok(self.complaint_row(r, now)))
            .ctx("reading complaints")?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.ctx("reading complaints")??);
        }
        Ok(out)
    }

    fn complaint_row(&self, r: &Row<'_>, now: DateTime<Utc>) -> Result<Complaint> {
        let get_s = |i: usize| r.get::<_, String>(i).ctx("reading a complaint");
        let get_o = |i: usize| r.get::<_, Option<String>>(i).ctx("reading a complaint");
        let tz = self.facility.timezone;
        let received_at = stored(&get_s(1)?)?;
        let about_officer = get_o(2)?;
        let about_staff = get_o(3)?;
        let about = match &about_officer {
            Some(c) => ComplaintAbout::Officer(c.clone()),
            None => ComplaintAbout::Staff(about_staff.clone().unwrap_or_default()),
        };
        let due_at = complaint_due(received_at, &about, tz);
        let reported_at = get_o(6)?.map(|t| stored(&t)).transpose()?;
        let mut complaint = Complaint {
            complaint_id: get_s(0)?,
            received_at,
            received_local: local_text(received_at, tz),
            about_officer,
            about_staff,
            summary: get_s(4)?,
            hold_id: get_o(5)?,
            due_at,
            due_local: local_text(due_at, tz),
            reported_at,
            reported_local: reported_at.map(|t| local_text(t, tz)),
            reported_to: get_o(7)?,
            reported_late: reported_at.map(|t| t > due_at),
            overdue: reported_at.is_none() && now > due_at,
            remaining_seconds: reported_at.is_none().then(|| (due_at - now).num_seconds()),
            recorded_by: get_s(8)?,
            about: String::new(),
            status: String::new(),
        };
        complaint.about = complaint.about_text();
        complaint.status = complaint.status_text().to_owned();
        Ok(complaint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    #[test]
    fn a_complaint_about_no_one_or_two_people_is_refused_naming_about() {
        let dir = tempfile::tempdir().unwrap();
        let now = parse_instant("now", "2026-11-27T17:00:00Z").unwrap();
        let (mut desk, _) = Desk::init(
            &dir.path().join("desk.db"),
            Some(&dir.path().join("desk.key")),
            crate::demo::FACILITY_TOML,
            "desk-1",
            "admin",
            "correct horse battery",
            now,
        )
        .unwrap();
        let admin = desk.actor("admin").unwrap();
        desk.add_officer(
            &admin,
            "WSO-1",
            "Dep. Lopez",
            "2026-01-01",
            "2027-12-31",
            "2026-01-01",
            now,
        )
        .unwrap();
        let input = |officer: Option<&str>, staff: Option<&str>| NewComplaint {
            received_at: "2026-11-27T16:00:00Z".into(),
            about_officer: officer.map(str::to_owned),
            about_staff: staff.map(str::to_owned),
            summary: "s".into(),
            hold_id: None,
        };
        // The window sends both fields; blank counts as not given.
        for (officer, staff) in [
            (None, None),
            (Some(" "), Some("")),
            (Some("WSO-1"), Some("Cpl. Amos")),
        ] {
            let e = desk
                .add_complaint(&admin, &input(officer, staff), now)
                .unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                ("invalid", Some("about")),
                "{officer:?} {staff:?}"
            );
        }
        let ok = desk
            .add_complaint(&admin, &input(Some("WSO-1"), Some(" ")), now)
            .unwrap();
        assert_eq!(ok.about_text(), "officer WSO-1");
        assert_eq!(
            desk.all_complaints(now).unwrap().len(),
            1,
            "only the valid one was written"
        );
    }
}
