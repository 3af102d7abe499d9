//! How one hold's facts are judged: the gap before service, the notice to
//! ICE, claims, transfers within the limit, over-detention and late
//! complaints. The report, its CSV and its PDF all ask these functions, so a
//! figure and the column it is recomputed from cannot disagree.

use chrono::{DateTime, Duration, Utc};

use super::figures::OverDetention;
use super::fold::{ClaimFacts, HoldFacts};
use super::period::Period;
use crate::custody::HoldStatus;
use crate::desk::Complaint;

/// A service more than this long after the criminal release leaves the
/// person held with no authority (agreement.md s1).
pub const GAP_SLACK_SECONDS: i64 = 5 * 60;
/// ICE must be notified within this long of the service (agreement.md s4).
pub const NOTICE_DUE_SECONDS: i64 = 15 * 60;
/// A claim of U.S. citizenship must be reported within this long (agreement.md s4).
pub const CLAIM_REPORT_SECONDS: i64 = 60 * 60;

/// The seconds between criminal release and service (never negative).
pub fn gap_seconds(h: &HoldFacts) -> i64 {
    (h.served_at - h.criminal_release_at).num_seconds().max(0)
}

pub fn held_without_authority(h: &HoldFacts) -> bool {
    gap_seconds(h) > GAP_SLACK_SECONDS || h.has_incident("held_without_authority")
}

/// Seconds from service to the first recorded notice to ICE.
pub fn notice_seconds(h: &HoldFacts) -> Option<i64> {
    h.ice_notified_at.map(|t| (t - h.served_at).num_seconds())
}

pub fn notice_late(h: &HoldFacts) -> bool {
    notice_seconds(h).is_some_and(|s| s > NOTICE_DUE_SECONDS) || h.has_incident("notice_late")
}

/// Seconds from claim to report, when reported.
pub fn claim_report_seconds(c: &ClaimFacts) -> Option<i64> {
    c.reported_at.map(|r| (r - c.claimed_at).num_seconds())
}

/// Reported more than an hour after it was made, or not reported and more
/// than an hour old at the cut-off.
pub fn claim_late(c: &ClaimFacts, cutoff: DateTime<Utc>) -> bool {
    let by = c.reported_at.unwrap_or(cutoff);
    (by - c.claimed_at).num_seconds() > CLAIM_REPORT_SECONDS
}

/// Transferred at or before its deadline (every transfer is, with no deadline).
pub fn within_limit(h: &HoldFacts) -> Option<bool> {
    (h.status == HoldStatus::Transferred)
        .then(|| h.closed_at.zip(h.deadline_at).is_none_or(|(c, d)| c <= d))
}

/// Held past the deadline: until the close, or until the cut-off if still held.
pub fn over_detention(h: &HoldFacts, cutoff: DateTime<Utc>) -> Option<OverDetention> {
    let deadline = h.deadline_at?;
    let until = h.closed_at.unwrap_or(cutoff);
    let seconds = (until - deadline).num_seconds();
    (seconds > 0).then(|| OverDetention {
        hold_id: h.hold_id.clone(),
        booking_number: h.booking_number.clone(),
        family_name: h.family_name.clone(),
        given_names: h.given_names.clone(),
        deadline_at: deadline,
        until,
        seconds,
        still_held: h.closed_at.is_none(),
    })
}

/// When an over-detention counts: at the close, or for a hold still held at
/// the last second before the cut-off (a cut-off at the end of the period
/// is outside it).
pub fn over_counted_at(o: &OverDetention) -> DateTime<Utc> {
    if o.still_held {
        o.until - Duration::seconds(1)
    } else {
        o.until
    }
}

pub fn complaint_late(c: &Complaint, cutoff: DateTime<Utc>) -> bool {
    c.reported_at.unwrap_or(cutoff) > c.due_at
}

/// The cut-off of a report made at `now`: the end of the period, or now if sooner.
pub fn cutoff(period: &Period, now: DateTime<Utc>) -> DateTime<Utc> {
    now.min(period.end)
}
