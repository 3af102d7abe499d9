//! Holds as the desk shows them: the countdown computed from the stored hold
//! and `now`, and the order every list uses (release needed first, then the
//! soonest deadline, IGSA holds after, closed holds last).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row};
use serde::Serialize;
use serde_json::Value;

use super::duty_views::{claims_of, incidents_of};
pub use super::duty_views::{ClaimView, IncidentView};
use super::facility::HoldConflict;
use super::Desk;
use crate::custody::clock::{urgency, ActionRequired, Authority, Urgency};
use crate::custody::duties::{
    action_required, notice_due_at, NoticeMethod, OpenDuties, ReleaseCause,
};
use crate::custody::service::{anchor, CriminalReleaseBasis, CRIMINAL_RELEASE_NOT_RECORDED};
use crate::custody::HoldStatus;
use crate::error::{Error, Result, SqlContext};
use crate::time::{local_text, stored, utc_text};

/// One hold as `hold list --json` prints it (cli.md), and as the board shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoldSummary {
    pub hold_id: String,
    pub status: HoldStatus,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: String,
    pub booking_number: String,
    pub a_number: Option<String>,
    pub warrant_form: String,
    pub warrant_number: String,
    pub detainer_number: Option<String>,
    pub officer_credential: String,
    pub zone_id: String,
    pub zone_name: String,
    pub inside_perimeter: bool,
    pub authority: Authority,
    pub served_at: String,
    pub served_at_local: String,
    pub deadline_at: Option<String>,
    pub deadline_local: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub remaining_seconds: Option<i64>,
    pub urgency: Option<Urgency>,
    pub action_required: Option<ActionRequired>,
    /// Why release is needed when ICE said so: `detainer_cancelled` or `warrant_withdrawn`.
    pub ice_release_kind: Option<String>,
    pub custody_assumed_by: Option<String>,
    pub pickup_at: Option<String>,
    /// ICE scheduled the pickup after the deadline: the desk must warn.
    pub pickup_after_deadline: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub held_seconds: i64,
    pub closed_at: Option<String>,
    pub closed_at_local: Option<String>,
    pub release_reason: Option<String>,
    pub release_note: Option<String>,
    pub ice_officer: Option<String>,
    pub location: Option<Location>,
    // agreement.md: the criminal release that anchors the clock, who directed
    // the service, the duties after it, and what went wrong.
    /// When local criminal custody ended; `served_at` for holds booked before it was recorded.
    pub criminal_release_at: String,
    pub criminal_release_local: String,
    pub criminal_release_basis: Option<CriminalReleaseBasis>,
    /// False for holds booked before the rule: see `criminal_release_note`.
    pub criminal_release_recorded: bool,
    /// "criminal release time not recorded" for such holds.
    pub criminal_release_note: Option<&'static str>,
    /// The clock's anchor: the earlier of service and criminal release.
    pub anchor_at: String,
    pub ice_supervisor: Option<String>,
    pub language: Option<String>,
    pub interpreter: Option<String>,
    pub interpreter_declined: bool,
    /// None under the 48 hours.
    pub agreement_id: Option<String>,
    pub ice_notified_at: Option<String>,
    pub ice_notice_method: Option<NoticeMethod>,
    pub ice_notified_to: Option<String>,
    /// served_at + 15 min; None for holds booked before the duty was recorded.
    pub notice_due_at: Option<String>,
    pub claims: Vec<ClaimView>,
    pub incidents: Vec<IncidentView>,
    pub destination: Option<String>,
    /// Why `action_required` is `release`.
    pub release_required_because: Option<ReleaseCause>,
    // Several desks at one facility (sync-protocol.md v1.1).
    /// The desk whose `hold.opened` booked it.
    pub booked_at_desk: String,
    /// Actions on the hold after another desk had closed it: they stand in
    /// the history but did not change it; a supervisor looks at each.
    pub conflicts: Vec<HoldConflict>,
    /// Holds booked on the same warrant at another desk for a time that
    /// overlaps this one: a supervisor voids one of them.
    pub possible_duplicate_of: Vec<String>,
    /// Set when a supervisor voided this hold as a duplicate: no custody.
    pub voided_at: Option<String>,
    pub kept_hold_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub lat_e7: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub lon_e7: i64,
}

/// `hold show`: the hold plus its whole history and the ICE updates about it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoldDetail {
    #[serde(flatten)]
    pub hold: HoldSummary,
    pub events: Vec<Value>,
    pub ice_updates: Vec<Value>,
}

pub(crate) const HOLD_COLUMNS: &str = "hold_id, status, family_name, given_names, date_of_birth, booking_number, a_number,
    warrant_form, warrant_number, detainer_number, officer_credential, served_at, zone_id, inside_perimeter, authority,
    deadline_at, closed_at, release_reason, release_note, ice_officer, ice_release_kind, custody_assumed_by, pickup_at,
    lat_e7, lon_e7, criminal_release_at, criminal_release_basis, ice_supervisor, language, interpreter,
    interpreter_declined, agreement_id, ice_notified_at, ice_notice_method, ice_notified_to, destination,
    booked_at_desk, voided_at, kept_hold_id";

impl Desk {
    /// Open holds (and with `all`, closed ones) in the order every list uses.
    pub fn list_holds(&self, now: DateTime<Utc>, all: bool) -> Result<Vec<HoldSummary>> {
        let filter = if all {
            "WHERE voided_at IS NULL"
        } else {
            "WHERE status = 'open' AND voided_at IS NULL"
        };
        let sql = format!("SELECT {HOLD_COLUMNS} FROM hold {filter}");
        let mut holds = query_holds(&self.conn, &sql, [], self, now)?;
        holds.sort_by(board_order);
        Ok(holds)
    }

    /// Holds closed in `(from, to]`, most recently closed first (the handoff
    /// sheet's "closed during the shift"); uses the `closed_at` index so years
    /// of history cost nothing.
    pub fn closed_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<HoldSummary>> {
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM hold WHERE status != 'open' AND closed_at > ?1 AND closed_at <= ?2 AND voided_at IS NULL"
        );
        let (from, to) = (crate::time::utc_text(from), crate::time::utc_text(to));
        let mut holds = query_holds(&self.conn, &sql, [from, to], self, now)?;
        holds.sort_by(board_order);
        Ok(holds)
    }

    pub fn hold(&self, hold_id: &str, now: DateTime<Utc>) -> Result<HoldSummary> {
        let sql = format!("SELECT {HOLD_COLUMNS} FROM hold WHERE hold_id = ?1");
        query_holds(&self.conn, &sql, [hold_id], self, now)?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "hold",
                id: hold_id.to_owned(),
            })
    }

    pub fn show_hold(&self, hold_id: &str, now: DateTime<Utc>) -> Result<HoldDetail> {
        let hold = self.hold(hold_id, now)?;
        // Every desk's events, in the order the hold's state folds them.
        let mut stmt = self
            .conn
            .prepare(
                "SELECT envelope FROM (
                     SELECT envelope, occurred_at, recorded_at, ?2 AS desk_id, seq FROM event WHERE hold_id = ?1
                     UNION ALL
                     SELECT envelope, occurred_at, recorded_at, desk_id, seq FROM facility_event WHERE hold_id = ?1)
                 ORDER BY occurred_at, recorded_at, desk_id, seq",
            )
            .ctx("reading history")?;
        let events = stmt
            .query_map([hold_id, self.desk_id.as_str()], |r| r.get::<_, String>(0))
            .ctx("reading history")?
            .map(|t| t.map(|t| serde_json::from_str(&t).unwrap_or(Value::Null)))
            .collect::<std::result::Result<Vec<_>, _>>()
            .ctx("reading history")?;
        let mut stmt = self
            .conn
            .prepare("SELECT update_id, kind, at, details, applied_at FROM ice_update WHERE hold_id = ?1 ORDER BY applied_at, update_id")
            .ctx("reading ICE updates")?;
        let ice_updates = stmt
            .query_map([hold_id], |r| {
                let details: String = r.get(3)?;
                Ok(serde_json::json!({
                    "update_id": r.get::<_, String>(0)?, "kind": r.get::<_, String>(1)?, "at": r.get::<_, String>(2)?,
                    "details": serde_json::from_str::<Value>(&details).unwrap_or(Value::Null),
                    "applied_at": r.get::<_, String>(4)?,
                }))
            })
            .ctx("reading ICE updates")?
            .collect::<std::result::Result<Vec<_>, _>>()
            .ctx("reading ICE updates")?;
        Ok(HoldDetail {
            hold,
            events,
            ice_updates,
        })
    }
}

fn query_holds<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    desk: &Desk,
    now: DateTime<Utc>,
) -> Result<Vec<HoldSummary>> {
    let mut stmt = conn.prepare(sql).ctx("reading holds")?;
    let mut rows = stmt.query(params).ctx("reading holds")?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().ctx("reading holds")? {
        out.push(summarise(conn, row, desk, now)?);
    }
    Ok(out)
}

fn summarise(
    conn: &Connection,
    r: &Row<'_>,
    desk: &Desk,
    now: DateTime<Utc>,
) -> Result<HoldSummary> {
    let get_s = |i: usize| r.get::<_, String>(i).ctx("reading a hold");
    let get_o = |i: usize| r.get::<_, Option<String>>(i).ctx("reading a hold");
    let tz = desk.facility.timezone;
    let status = HoldStatus::parse(&get_s(1)?).unwrap_or(HoldStatus::Open);
    let authority = Authority::parse(&get_s(14)?).unwrap_or(Authority::Wso48h);
    let served_at = stored(&get_s(11)?)?;
    let deadline = get_o(15)?.map(|t| stored(&t)).transpose()?;
    let closed = get_o(16)?.map(|t| stored(&t)).transpose()?;
    let ice_release_kind = get_o(20)?;
    let custody_assumed_by = get_o(21)?;
    let pickup = get_o(22)?.map(|t| stored(&t)).transpose()?;
    let voided_at = get_o(37)?;
    // A voided duplicate is no custody: no countdown, no duty.
    let open = status == HoldStatus::Open && voided_at.is_none();
    let remaining = deadline.filter(|_| open).map(|d| (d - now).num_seconds());
    let urgency = remaining.map(urgency);
    let hold_id = get_s(0)?;
    let recorded_release = get_o(25)?.map(|t| stored(&t)).transpose()?;
    let criminal_release = recorded_release.unwrap_or(served_at);
    let agreement_id = get_o(31)?;
    let notified = get_o(32)?.map(|t| stored(&t)).transpose()?;
    // Holds booked before the notice duty was recorded owe no notice on the board.
    let notice_due = recorded_release.map(|_| notice_due_at(served_at));
    let claims = claims_of(conn, &hold_id, now)?;
    let standing = super::facility::standing(conn, &hold_id)?;
    let incidents = incidents_of(conn, &hold_id)?;
    let today = now.with_timezone(&tz).date_naive();
    let release_cause = if !open {
        None
    } else if urgency == Some(Urgency::Overdue) {
        Some(ReleaseCause::Overdue)
    } else if let Some(cause) = ice_release_kind
        .as_deref()
        .and_then(ReleaseCause::from_update)
    {
        Some(cause)
    } else if agreement_id
        .as_deref()
        .and_then(|id| desk.facility.agreement(id))
        .is_some_and(|a| a.expired_on(today))
    {
        Some(ReleaseCause::AgreementExpired)
    } else {
        None
    };
    let action = if open {
        action_required(&OpenDuties {
            release: release_cause,
            unreported_claim: claims.iter().any(|c| c.reported_at.is_none()),
            notice_overdue: notified.is_none() && notice_due.is_some_and(|d| now >= d),
            custody_assumed: custody_assumed_by.is_some(),
        })
    } else {
        None
    };
    let zone_id = get_s(12)?;
    let zone_name = desk
        .facility
        .zone(&zone_id)
        .map(|z| z.name.clone())
        .unwrap_or_else(|| zone_id.clone());
    let lat: Option<i64> = r.get(23).ctx("reading a hold")?;
    let lon: Option<i64> = r.get(24).ctx("reading a hold")?;
    Ok(HoldSummary {
        hold_id,
        status,
        family_name: get_s(2)?,
        given_names: get_s(3)?,
        date_of_birth: get_s(4)?,
        booking_number: get_s(5)?,
        a_number: get_o(6)?,
        warrant_form: get_s(7)?,
        warrant_number: get_s(8)?,
        detainer_number: get_o(9)?,
        officer_credential: get_s(10)?,
        zone_id,
        zone_name,
        inside_perimeter: r.get(13).ctx("reading a hold")?,
        authority,
        served_at: crate::time::utc_text(served_at),
        served_at_local: local_text(served_at, tz),
        deadline_at: deadline.map(crate::time::utc_text),
        deadline_local: deadline.map(|d| local_text(d, tz)),
        remaining_seconds: remaining,
        urgency,
        action_required: action,
        ice_release_kind: ice_release_kind.filter(|_| open),
        custody_assumed_by,
        pickup_at: pickup.map(crate::time::utc_text),
        pickup_after_deadline: matches!((pickup, deadline), (Some(p), Some(d)) if p > d),
        held_seconds: (closed.unwrap_or(now) - served_at).num_seconds().max(0),
        closed_at: closed.map(crate::time::utc_text),
        closed_at_local: closed.map(|c| local_text(c, tz)),
        release_reason: get_o(17)?,
        release_note: get_o(18)?,
        ice_officer: get_o(19)?,
        location: lat
            .zip(lon)
            .map(|(lat_e7, lon_e7)| Location { lat_e7, lon_e7 }),
        criminal_release_at: utc_text(criminal_release),
        criminal_release_local: local_text(criminal_release, tz),
        criminal_release_basis: get_o(26)?.as_deref().and_then(CriminalReleaseBasis::parse),
        criminal_release_recorded: recorded_release.is_some(),
        criminal_release_note: recorded_release
            .is_none()
            .then_some(CRIMINAL_RELEASE_NOT_RECORDED),
        anchor_at: utc_text(anchor(served_at, criminal_release)),
        ice_supervisor: get_o(27)?,
        language: get_o(28)?,
        interpreter: get_o(29)?,
        interpreter_declined: r.get(30).ctx("reading a hold")?,
        agreement_id,
        ice_notified_at: notified.map(utc_text),
        ice_notice_method: get_o(33)?.as_deref().and_then(NoticeMethod::parse),
        ice_notified_to: get_o(34)?,
        notice_due_at: notice_due.map(utc_text),
        claims,
        incidents,
        destination: get_o(35)?,
        release_required_because: release_cause,
        booked_at_desk: get_s(36)?,
        conflicts: standing.conflicts,
        possible_duplicate_of: standing.possible_duplicate_of,
        voided_at,
        kept_hold_id: get_o(38)?,
    })
}

/// The order of every list (cli.md `hold list`): open before closed; among
/// open holds, release needed first, then holds with a deadline (48 hours or
/// an agreement's limit) by deadline, then holds with none (an agreement
/// without limit) longest held first; closed holds most recently closed first.
pub fn board_order(a: &HoldSummary, b: &HoldSummary) -> Ordering {
    fn rank(h: &HoldSummary) -> u8 {
        match (h.status, h.action_required, &h.deadline_at) {
            (HoldStatus::Open, Some(ActionRequired::Release), _) => 0,
            (HoldStatus::Open, _, Some(_)) => 1,
            (HoldStatus::Open, _, None) => 2,
            _ => 3,
        }
    }
    // RFC 3339 UTC texts of one fixed width sort like the instants they name.
    rank(a)
        .cmp(&rank(b))
        .then_with(|| match rank(a) {
            0 | 1 => a
                .deadline_at
                .cmp(&b.deadline_at)
                .then_with(|| a.served_at.cmp(&b.served_at)),
            2 => a.served_at.cmp(&b.served_at),
            _ => b.closed_at.cmp(&a.closed_at),
        })
        .then_with(|| a.hold_id.cmp(&b.hold_id))
}
