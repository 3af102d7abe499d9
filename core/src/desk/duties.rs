//! Duties after service (agreement.md s4): the notice to ICE, claims of U.S.
//! citizenship and their report, and a supervisor placing an open hold under
//! an agreement. Late duties record their incident in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::record::{custody_event, open_hold, record_incident, Ids, OpenHold};
use super::views::{ClaimView, HoldSummary};
use super::Desk;
use crate::auth::{Actor, Role};
use crate::custody::clock::{deadline_under, Authority};
use crate::custody::duties::{
    claim_due_at, IncidentKind, NoticeMethod, CLAIM_REPORT_DUE_SECONDS, NOTICE_DUE_SECONDS,
};
use crate::custody::hold::{free_text, not_before, not_in_future, person_name};
use crate::error::{Error, Result, SqlContext};
use crate::time::{parse_instant, stored, utc_text};
use crate::wire;

impl Desk {
    /// ICE was told of the service by telephone, e-mail or otherwise. The
    /// first notice counts; a later one is kept as an event and changes nothing.
    pub fn notify_ice(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        method: &str,
        to: &str,
        at: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording the notice to ICE")?;
        let method = typed_method(method)?;
        let to = person_name("to", to)?;
        let at = instant("at", at, now)?;
        let ids = self.ids();
        let tx = self.write_tx("recording the notice to ICE")?;
        let hold = open_hold(&tx, hold_id)?;
        not_before_service(&hold, at)?;
        not_before("at", at, hold.last_event_at)?;
        let body = wire::IceNotified {
            method,
            to: to.clone(),
            notified_at: at,
        };
        record_notice(&tx, &ids, &actor.username, hold_id, &hold, &body, now)?;
        crate::store::hold::set_last_event_at(&tx, hold_id, &utc_text(at))
            .ctx("recording the notice")?;
        tx.commit().ctx("committing the notice")?;
        self.hold(hold_id, now)
    }

    /// A person said they are a U.S. citizen (or a deputy suspects so): the
    /// desk records who heard it, when, and the person's words, nothing more.
    pub fn record_claim(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        at: &str,
        statement: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimView> {
        actor.require(Role::Deputy, "recording a citizenship claim")?;
        let at = instant("at", at, now)?;
        let statement = free_text("statement", statement, 2000)?;
        let ids = self.ids();
        let tx = self.write_tx("recording a citizenship claim")?;
        let hold = open_hold(&tx, hold_id)?;
        not_before_service(&hold, at)?;
        not_before("at", at, hold.last_event_at)?;
        let claim_id = uuid::Uuid::now_v7().to_string();
        crate::store::hold::insert_claim(
            &tx,
            &claim_id,
            hold_id,
            &utc_text(at),
            &statement,
            &actor.username,
        )
        .ctx("recording the claim")?;
        crate::store::hold::set_last_event_at(&tx, hold_id, &utc_text(at))
            .ctx("recording the claim")?;
        let body = wire::CitizenshipClaimRecorded {
            claim_id: claim_id.clone(),
            claimed_at: at,
            heard_by: actor.username.clone(),
            statement: statement.clone(),
        };
        custody_event(&tx, &ids, &actor.username, hold_id, at, now, &body)?;
        tx.commit().ctx("committing the claim")?;
        Ok(ClaimView {
            claim_id,
            at: utc_text(at),
            statement,
            heard_by: actor.username.clone(),
            reported_at: None,
            reported_method: None,
            reported_to: None,
            due_at: utc_text(claim_due_at(at)),
            remaining_seconds: Some((claim_due_at(at) - now).num_seconds()),
        })
    }

    /// The claim was reported to ICE. Allowed on a closed hold too: the duty
    /// to report outlives the hold.
    #[allow(clippy::too_many_arguments)]
    pub fn claim_reported(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        claim_id: &str,
        method: &str,
        to: &str,
        at: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Deputy, "recording a claim report")?;
        let method = typed_method(method)?;
        let to = person_name("to", to)?;
        let at = instant("at", at, now)?;
        let ids = self.ids();
        let tx = self.write_tx("recording a claim report")?;
        let row: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT claimed_at, reported_at FROM claim WHERE claim_id = ?1 AND hold_id = ?2",
                params![claim_id, hold_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ctx("reading the claim")?;
        let Some((claimed, reported)) = row else {
            let known: bool = tx
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM hold WHERE hold_id = ?1)",
                    [hold_id],
                    |r| r.get(0),
                )
                .ctx("reading the hold")?;
            if !known {
                return Err(Error::NotFound {
                    what: "hold",
                    id: hold_id.to_owned(),
                });
            }
            return Err(Error::invalid(
                "claim",
                format!("hold {hold_id} has no claim '{claim_id}'"),
            ));
        };
        if let Some(r) = reported {
            return Err(Error::refused(
                Some("claim"),
                format!("claim {claim_id} was already reported at {r}"),
            ));
        }
        let claimed = stored(&claimed)?;
        if at < claimed {
            return Err(Error::invalid(
                "at",
                format!("lies before the claim ({})", utc_text(claimed)),
            ));
        }
        crate::store::hold::set_claim_reported(&tx, claim_id, &utc_text(at), method.as_str(), &to)
            .ctx("recording the claim report")?;
        let body = wire::CitizenshipClaimReported {
            claim_id: claim_id.to_owned(),
            reported_at: at,
            method,
            to,
        };
        custody_event(&tx, &ids, &actor.username, hold_id, at, now, &body)?;
        let took = (at - claimed).num_seconds();
        if took > CLAIM_REPORT_DUE_SECONDS {
            record_incident(
                &tx,
                &ids,
                &actor.username,
                hold_id,
                IncidentKind::ClaimReportLate,
                took,
                at,
                now,
            )?;
        }
        tx.commit().ctx("committing the claim report")?;
        self.hold(hold_id, now)
    }

    /// A supervisor places an open hold under an agreement in force at `at`:
    /// its deadline becomes the anchor plus the agreement's limit, or none.
    pub fn place_under_agreement(
        &mut self,
        actor: &Actor,
        hold_id: &str,
        agreement_id: &str,
        at: &str,
        now: DateTime<Utc>,
    ) -> Result<HoldSummary> {
        actor.require(Role::Supervisor, "placing a hold under an agreement")?;
        let agreement = self.agreement_named("agreement", agreement_id.trim())?;
        let at = instant("at", at, now)?;
        agreement.check_in_force("agreement", at, self.facility.timezone)?;
        let ids = self.ids();
        let tx = self.write_tx("placing a hold under an agreement")?;
        let hold = open_hold(&tx, hold_id)?;
        not_before("at", at, hold.last_event_at)?;
        if hold.agreement_id.as_deref() == Some(agreement.id.as_str()) {
            return Err(Error::refused(
                Some("agreement"),
                format!(
                    "hold {hold_id} is already under agreement '{}'",
                    agreement.id
                ),
            ));
        }
        // An agreement cannot cure an over-detention that already happened.
        if let Some(d) = hold.deadline_at.filter(|d| at > *d) {
            return Err(Error::refused(
                Some("at"),
                format!(
                    "the hold was past its deadline ({}) at {}: it must be released, not moved under an agreement",
                    utc_text(d),
                    utc_text(at)
                ),
            ));
        }
        let deadline = deadline_under(hold.anchor, Some(&agreement));
        crate::store::hold::set_igsa(
            &tx,
            hold_id,
            Authority::Igsa.as_str(),
            &agreement.id,
            deadline.map(utc_text),
            &utc_text(at),
        )
        .ctx("placing the hold under the agreement")?;
        let body = wire::PlacedUnderAgreement {
            agreement: wire::AgreementRef::from(&agreement),
            at,
            deadline_at: deadline,
        };
        custody_event(&tx, &ids, &actor.username, hold_id, at, now, &body)?;
        tx.commit().ctx("committing the agreement")?;
        self.hold(hold_id, now)
    }
}

fn typed_method(method: &str) -> Result<NoticeMethod> {
    NoticeMethod::parse_typed(method.trim())
        .ok_or_else(|| Error::invalid("method", "must be one of phone, email, other"))
}

fn instant(field: &str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let at = parse_instant(field, text)?;
    not_in_future(field, at, now)?;
    Ok(at)
}

fn not_before_service(hold: &OpenHold, at: DateTime<Utc>) -> Result<()> {
    if at < hold.served_at {
        return Err(Error::invalid(
            "at",
            format!(
                "lies before the service of the warrant ({})",
                utc_text(hold.served_at)
            ),
        ));
    }
    Ok(())
}

/// A notice (typed, or the endpoint's acknowledgement): the event always; the
/// hold's notice and a `notice_late` incident only for the first one.
pub(crate) fn record_notice(
    tx: &Transaction<'_>,
    ids: &Ids,
    recorded_by: &str,
    hold_id: &str,
    hold: &OpenHold,
    body: &wire::IceNotified,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = body.notified_at;
    custody_event(tx, ids, recorded_by, hold_id, at, now, body)?;
    if hold.ice_notified_at.is_some() {
        return Ok(());
    }
    crate::store::hold::set_notified(tx, hold_id, &utc_text(at), body.method.as_str(), &body.to)
        .ctx("recording the notice")?;
    let took = (at - hold.served_at).num_seconds();
    if took > NOTICE_DUE_SECONDS {
        record_incident(
            tx,
            ids,
            recorded_by,
            hold_id,
            IncidentKind::NoticeLate,
            took,
            at,
            now,
        )?;
    }
    Ok(())
}

/// Who a sync notice went to, as the hold shows it.
pub const SYNC_NOTICE_TO: &str = "ICE endpoint";

/// The endpoint acknowledged events `(after_seq, up_to_seq]`: each
/// `hold.opened` among them is the notice to ICE of that service (method
/// `sync`, at the acknowledgement), unless an earlier notice was recorded.
/// Runs inside the transaction that marks the events delivered. No notice
/// event is written (the endpoint holds the `hold.opened` it acknowledged);
/// a late notice writes its `notice_late` incident, which is an event.
pub(crate) fn notice_by_sync(
    tx: &Transaction<'_>,
    after_seq: i64,
    up_to_seq: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut stmt = tx
        .prepare(
            "SELECT h.hold_id, h.served_at FROM event e JOIN hold h ON h.hold_id = e.hold_id
             WHERE e.seq > ?1 AND e.seq <= ?2 AND e.type = 'hold.opened' AND h.ice_notified_at IS NULL",
        )
        .ctx("finding services ICE now knows of")?;
    let pending = stmt
        .query_map(params![after_seq, up_to_seq], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .ctx("finding services ICE now knows of")?
        .collect::<std::result::Result<Vec<_>, _>>()
        .ctx("finding services ICE now knows of")?;
    if pending.is_empty() {
        return Ok(());
    }
    let ids: Ids = tx
        .query_row(
            "SELECT desk_id, id FROM facility WHERE singleton = 1",
            [],
            |r| {
                Ok(Ids {
                    desk_id: r.get(0)?,
                    facility_id: r.get(1)?,
                })
            },
        )
        .ctx("reading the facility")?;
    let at = crate::time::truncate(now);
    for (hold_id, served) in pending {
        crate::store::hold::set_notified(
            tx,
            &hold_id,
            &utc_text(at),
            NoticeMethod::Sync.as_str(),
            SYNC_NOTICE_TO,
        )
        .ctx("recording the notice by sync")?;
        let took = (at - stored(&served)?).num_seconds();
        if took > NOTICE_DUE_SECONDS {
            record_incident(
                tx,
                &ids,
                crate::sync::pull::RECORDED_BY,
                &hold_id,
                IncidentKind::NoticeLate,
                took,
                at,
                now,
            )?;
        }
    }
    Ok(())
}
