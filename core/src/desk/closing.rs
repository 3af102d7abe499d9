//! Closing a hold (agreement.md s5): a recorded physical transfer to ICE, with
//! its destination, or a release with one of the section-5 reasons. A close
//! after the deadline needs a note and records an `over_deadline` incident in
//! the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::record::{custody_event, open_hold, record_incident, Ids, OpenHold};
use super::views::HoldSummary;
use super::Desk;
use crate::auth::{Actor, Role};
use crate::custody::duties::IncidentKind;
use crate::custody::hold::{free_text, not_before, not_in_future, person_name, ReleaseReason};
use crate::error::{Error, Result, SqlContext};
use crate::time::{parse_instant, utc_text};
use crate::wire;

impl Desk {
    /// ICE took custody: the hold closes as transferred.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        at: &str,
        ice_officer: &str,
        destination: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording a transfer")?;
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let ice_officer = person_name("ice_officer", ice_officer)?;
        let destination = person_name("destination", destination)?;
        let note = optional_note(note)?;
        let ids = self.ids();
        let tx = self.write_tx("recording a transfer")?;
        let hold = open_hold(&tx, hold_id)?;
        not_before("at", at, hold.last_event_at)?;
        let over = over_deadline(&hold, at, note.as_deref())?;
        crate::store::hold::close_transferred(
            &tx,
            hold_id,
            &utc_text(at),
            &ice_officer,
            &destination,
            note.as_deref(),
        )
        .ctx("closing the hold")?;
        let body = wire::HoldTransferred {
            transferred_at: at,
            ice_officer,
            destination: Some(destination),
            note,
        };
        closing_event(&tx, &ids, &actor.username, hold_id, at, now, &body, over)?;
        tx.commit().ctx("committing the transfer")?;
        self.hold(hold_id, now)
    }

    /// The person was released; `other`, and any release after the deadline,
    /// needs a note.
    pub fn release_hold(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        at: &str,
        reason: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording a release")?;
        let at = parse_instant("at", at)?;
        not_in_future("at", at, now)?;
        let reason = ReleaseReason::parse(reason.trim()).ok_or_else(|| {
            Error::invalid(
                "reason",
                format!("must be one of {}", ReleaseReason::names()),
            )
        })?;
        let note = optional_note(note)?;
        if reason == ReleaseReason::Other && note.is_none() {
            return Err(Error::invalid(
                "note",
                "a note is required when the reason is 'other'",
            ));
        }
        let ids = self.ids();
        let tx = self.write_tx("recording a release")?;
        let hold = open_hold(&tx, hold_id)?;
        not_before("at", at, hold.last_event_at)?;
        let over = over_deadline(&hold, at, note.as_deref())?;
        crate::store::hold::close_released(
            &tx,
            hold_id,
            &utc_text(at),
            reason.as_str(),
            note.as_deref(),
        )
        .ctx("closing the hold")?;
        let body = wire::HoldReleased {
            released_at: at,
            reason,
            note,
        };
        closing_event(&tx, &ids, &actor.username, hold_id, at, now, &body, over)?;
        tx.commit().ctx("committing the release")?;
        self.hold(hold_id, now)
    }
}

/// The closing event and, after the deadline, its `over_deadline` incident.
#[allow(clippy::too_many_arguments)]
fn closing_event<B: wire::EventBody>(
    tx: &Transaction<'_>,
    ids: &Ids,
    by: &str,
    hold_id: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    body: &B,
    over_seconds: Option<i64>,
) -> Result<()> {
    custody_event(tx, ids, by, hold_id, at, now, body)?;
    if let Some(seconds) = over_seconds {
        record_incident(
            tx,
            ids,
            by,
            hold_id,
            IncidentKind::OverDeadline,
            seconds,
            at,
            now,
        )?;
    }
    Ok(())
}

fn optional_note(note: Option<&str>) -> Result<Option<String>> {
    note.filter(|n| !n.trim().is_empty())
        .map(|n| free_text("note", n, 1000))
        .transpose()
}

/// Seconds past the deadline of a close at `at`, refused without a note.
fn over_deadline(hold: &OpenHold, at: DateTime<Utc>, note: Option<&str>) -> Result<Option<i64>> {
    let Some(deadline) = hold.deadline_at.filter(|d| at > *d) else {
        return Ok(None);
    };
    if note.is_none() {
        return Err(Error::invalid(
            "note",
            format!(
                "this hold is closed {} after its deadline ({}): a note saying why is required",
                crate::custody::duties::hours_minutes((at - deadline).num_seconds()),
                utc_text(deadline)
            ),
        ));
    }
    Ok(Some((at - deadline).num_seconds()))
}
