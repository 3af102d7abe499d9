//! Writing custody changes: the hold's state as a change needs it, the sync
//! event with its audit record, and incidents, all inside the caller's
//! transaction so a change and what it caused commit together.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};

use crate::audit::{self, Entry};
use crate::custody::duties::IncidentKind;
use crate::custody::service::anchor;
use crate::error::{Error, Result, SqlContext};
use crate::events::{self, NewEvent};
use crate::time::{stored, utc_text};
use crate::wire::{self, EventBody};

/// Which desk and facility events are recorded for.
pub(crate) struct Ids {
    pub desk_id: String,
    pub facility_id: String,
}

impl super::Desk {
    pub(super) fn ids(&self) -> Ids {
        Ids {
            desk_id: self.desk_id.clone(),
            facility_id: self.facility.id.clone(),
        }
    }
}

/// An open hold as a change to it needs it.
pub(super) struct OpenHold {
    pub last_event_at: DateTime<Utc>,
    pub served_at: DateTime<Utc>,
    /// The clock's anchor: the earlier of service and criminal release.
    pub anchor: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub ice_notified_at: Option<DateTime<Utc>>,
    pub agreement_id: Option<String>,
}

/// The hold must exist and be open (refused at `hold_id` otherwise).
pub(super) fn open_hold(tx: &Transaction<'_>, hold_id: &str) -> Result<OpenHold> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = tx
        .query_row(
            "SELECT CASE WHEN voided_at IS NULL THEN status ELSE 'voided as a duplicate booking' END,
                    last_event_at, served_at, deadline_at, ice_notified_at, criminal_release_at, agreement_id
             FROM hold WHERE hold_id = ?1",
            [hold_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()
        .ctx("reading the hold")?;
    let (status, last, served, deadline, notified, release, agreement_id) =
        row.ok_or_else(|| Error::NotFound {
            what: "hold",
            id: hold_id.to_owned(),
        })?;
    if status != "open" {
        return Err(Error::refused(
            Some("hold_id"),
            format!("hold {hold_id} is already closed ({status})"),
        ));
    }
    let served_at = stored(&served)?;
    let release = release.as_deref().map(stored).transpose()?;
    Ok(OpenHold {
        last_event_at: stored(&last)?,
        served_at,
        anchor: release.map_or(served_at, |r| anchor(served_at, r)),
        deadline_at: deadline.as_deref().map(stored).transpose()?,
        ice_notified_at: notified.as_deref().map(stored).transpose()?,
        agreement_id,
    })
}

/// The sync event and the audit record of a custody change, in its transaction.
pub(crate) fn custody_event<B: EventBody>(
    tx: &Transaction<'_>,
    ids: &Ids,
    recorded_by: &str,
    hold_id: &str,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
    body: &B,
) -> Result<()> {
    let envelope = events::append(
        tx,
        &ids.desk_id,
        &ids.facility_id,
        NewEvent {
            hold_id,
            kind: B::TYPE,
            occurred_at,
            recorded_at: now,
            recorded_by,
            body: wire::to_value(body),
        },
    )?;
    // The audit record names the event's seq and hash: the two chains vouch
    // for each other, so removing the newest event is caught too.
    let seq = envelope["seq"].as_i64().unwrap_or_default();
    let hash = envelope["hash"].as_str().unwrap_or_default();
    audit::record(
        tx,
        &ids.desk_id,
        now,
        Entry {
            actor: recorded_by,
            action: B::TYPE,
            target: Some(hold_id),
            outcome: "success",
            detail: Some(&format!("{}{seq} hash {hash}", audit::EVENT_REF)),
        },
    )
}

/// An incident, as a row supervisors review and a `hold.incident` event.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_incident(
    tx: &Transaction<'_>,
    ids: &Ids,
    recorded_by: &str,
    hold_id: &str,
    kind: IncidentKind,
    seconds: i64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String> {
    let incident_id = uuid::Uuid::now_v7().to_string();
    let detail = kind.detail(seconds);
    crate::store::hold::insert_incident(
        tx,
        &incident_id,
        hold_id,
        kind.as_str(),
        seconds,
        &utc_text(at),
        &detail,
    )
    .ctx("recording an incident")?;
    let body = wire::Incident {
        incident_id: incident_id.clone(),
        kind,
        seconds,
        detail,
    };
    custody_event(tx, ids, recorded_by, hold_id, at, now, &body)?;
    Ok(incident_id)
}
