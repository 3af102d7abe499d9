//! The figures of agreement.md s8, computed from folded events and the
//! desk's complaints: pure, with the period, the zone and the cut-off passed in.
//!
//! Each fact counts in the month (facility-local) of the moment it happened:
//! a service at `served_at` (and with it the gap before service and the
//! notice to ICE, duties that arise at service); a transfer or release at
//! its close; an over-detention when it ended (the close, or the cut-off for
//! a hold still held past its deadline); a claim when it was made; a
//! complaint when it was received. Totals are the sum of the months, so the
//! two can never disagree.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::fold::{ClaimFacts, HoldFacts};
use crate::custody::complaint::start_of_day;
use crate::custody::officer::Officer;
use crate::custody::HoldStatus;
use crate::desk::Complaint;
use crate::error::{Error, Result};

/// A service more than this long after the criminal release leaves the
/// person held with no authority (agreement.md s1).
pub const GAP_SLACK_SECONDS: i64 = 5 * 60;
/// ICE must be notified within this long of the service (agreement.md s4).
pub const NOTICE_DUE_SECONDS: i64 = 15 * 60;
/// A claim of U.S. citizenship must be reported within this long (agreement.md s4).
pub const CLAIM_REPORT_SECONDS: i64 = 60 * 60;
/// Officers whose authorization ends this soon are listed.
pub const AUTHORIZATION_HORIZON_DAYS: i64 = 60;
/// Longest period one report covers.
const MAX_PERIOD_DAYS: i64 = 3660;

/// Facility-local dates `from..=to` as the UTC instants `[start, end)`.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    tz: Tz,
}

impl Period {
    /// Refused naming `to` when it lies before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Period> {
        if to < from {
            return Err(Error::invalid(
                "to",
                format!("{to} lies before the start of the period ({from})"),
            ));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(Error::invalid("to", "a report covers at most ten years"));
        }
        let next = to.succ_opt().unwrap_or(to);
        Ok(Period {
            from,
            to,
            start: start_of_day(from, tz),
            end: start_of_day(next, tz),
            tz,
        })
    }

    /// `YYYY-MM` (facility-local) of an instant inside the period, else None.
    pub fn month_of(&self, t: DateTime<Utc>) -> Option<String> {
        (t >= self.start && t < self.end)
            .then(|| t.with_timezone(&self.tz).format("%Y-%m").to_string())
    }

    /// Every month the period touches, in order.
    pub fn months(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut d = self.from;
        while d <= self.to {
            let m = d.format("%Y-%m").to_string();
            if out.last() != Some(&m) {
                out.push(m);
            }
            d = d.succ_opt().unwrap_or(self.to + Duration::days(1));
        }
        out
    }
}

/// The figures for one month, or for the whole period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub services: u64,
    pub services_by_officer: BTreeMap<String, u64>,
    pub transfers: u64,
    pub transfers_within_limit: u64,
    pub releases: u64,
    pub releases_by_reason: BTreeMap<String, u64>,
    pub over_detentions: u64,
    pub over_detention_seconds_total: i64,
    pub over_detention_seconds_max: i64,
    pub gaps_before_service: u64,
    pub gap_seconds_total: i64,
    pub gap_seconds_max: i64,
    pub notices_late: u64,
    pub claims: u64,
    pub claims_reported_late: u64,
    pub claim_report_seconds_max: i64,
    pub complaints: u64,
    pub complaints_reported_late: u64,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.services += o.services;
        for (k, n) in &o.services_by_officer {
            *self.services_by_officer.entry(k.clone()).or_default() += n;
        }
        self.transfers += o.transfers;
        self.transfers_within_limit += o.transfers_within_limit;
        self.releases += o.releases;
        for (k, n) in &o.releases_by_reason {
            *self.releases_by_reason.entry(k.clone()).or_default() += n;
        }
        self.over_detentions += o.over_detentions;
        self.over_detention_seconds_total += o.over_detention_seconds_total;
        self.over_detention_seconds_max = self
            .over_detention_seconds_max
            .max(o.over_detention_seconds_max);
        self.gaps_before_service += o.gaps_before_service;
        self.gap_seconds_total += o.gap_seconds_total;
        self.gap_seconds_max = self.gap_seconds_max.max(o.gap_seconds_max);
        self.notices_late += o.notices_late;
        self.claims += o.claims;
        self.claims_reported_late += o.claims_reported_late;
        self.claim_report_seconds_max = self
            .claim_report_seconds_max
            .max(o.claim_report_seconds_max);
        self.complaints += o.complaints;
        self.complaints_reported_late += o.complaints_reported_late;
    }
}

/// One line of the figures table, as every screen and paper labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FigureLine {
    /// The key in `report --json` (`totals` and each month).
    pub key: &'static str,
    pub label: &'static str,
    /// Seconds, shown as h:mm:ss.
    pub duration: bool,
    /// Qualifies the line above it (shown indented).
    pub qualifies: bool,
}

const fn line(
    key: &'static str,
    label: &'static str,
    duration: bool,
    qualifies: bool,
) -> FigureLine {
    FigureLine {
        key,
        label,
        duration,
        qualifies,
    }
}

/// The figures in the order the report shows them.
pub const FIGURE_LINES: &[FigureLine] = &[
    line("services", "Services (warrants served)", false, false),
    line("transfers", "Transfers to ICE", false, false),
    line(
        "transfers_within_limit",
        "of which within the limit",
        false,
        true,
    ),
    line("releases", "Releases", false, false),
    line(
        "over_detentions",
        "Over-detentions (held past the deadline)",
        false,
        false,
    ),
    line(
        "over_detention_seconds_total",
        "time over, in all",
        true,
        true,
    ),
    line("over_detention_seconds_max", "longest", true, true),
    line(
        "gaps_before_service",
        "Held without authority before service",
        false,
        false,
    ),
    line(
        "gap_seconds_total",
        "time without authority, in all",
        true,
        true,
    ),
    line("gap_seconds_max", "longest", true, true),
    line(
        "notices_late",
        "ICE notices later than 15 minutes",
        false,
        false,
    ),
    line("claims", "Claims of U.S. citizenship", false, false),
    line(
        "claims_reported_late",
        "reported later than 1 hour",
        false,
        true,
    ),
    line(
        "claim_report_seconds_max",
        "longest time to report",
        true,
        true,
    ),
    line("complaints", "Complaints received", false, false),
    line("complaints_reported_late", "reported late", false, true),
];

impl Figures {
    /// The value of a line of [`FIGURE_LINES`] (0 for an unknown key).
    pub fn get(&self, key: &str) -> i64 {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        match key {
            "services" => n(self.services),
            "transfers" => n(self.transfers),
            "transfers_within_limit" => n(self.transfers_within_limit),
            "releases" => n(self.releases),
            "over_detentions" => n(self.over_detentions),
            "over_detention_seconds_total" => self.over_detention_seconds_total,
            "over_detention_seconds_max" => self.over_detention_seconds_max,
            "gaps_before_service" => n(self.gaps_before_service),
            "gap_seconds_total" => self.gap_seconds_total,
            "gap_seconds_max" => self.gap_seconds_max,
            "notices_late" => n(self.notices_late),
            "claims" => n(self.claims),
            "claims_reported_late" => n(self.claims_reported_late),
            "claim_report_seconds_max" => self.claim_report_seconds_max,
            "complaints" => n(self.complaints),
            "complaints_reported_late" => n(self.complaints_reported_late),
            _ => 0,
        }
    }
}

/// A hold held past its deadline, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverDetention {
    pub hold_id: String,
    pub booking_number: String,
    pub family_name: String,
    pub given_names: String,
    pub deadline_at: DateTime<Utc>,
    /// The close, or the cut-off for a hold still held.
    pub until: DateTime<Utc>,
    pub seconds: i64,
    pub still_held: bool,
}

/// An officer whose authorization (credential) ends within the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorizationEnding {
    pub credential: String,
    pub name: String,
    pub ends_on: NaiveDate,
    pub days_left: i64,
}

/// Everything computed for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    pub totals: Figures,
    pub months: BTreeMap<String, Figures>,
    pub over_detention_holds: Vec<OverDetention>,
}

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

/// Every figure for `period`, from the folded holds and the complaints.
pub fn compute<'a>(
    holds: impl IntoIterator<Item = &'a HoldFacts>,
    complaints: &[Complaint],
    period: &Period,
    cutoff: DateTime<Utc>,
) -> Computed {
    let mut months: BTreeMap<String, Figures> = period
        .months()
        .into_iter()
        .map(|m| (m, Figures::default()))
        .collect();
    let mut listed = Vec::new();
    for h in holds {
        if let Some(f) = month(&mut months, period, h.served_at) {
            f.services += 1;
            *f.services_by_officer
                .entry(h.officer_credential.clone())
                .or_default() += 1;
            if held_without_authority(h) {
                let gap = gap_seconds(h);
                f.gaps_before_service += 1;
                f.gap_seconds_total += gap;
                f.gap_seconds_max = f.gap_seconds_max.max(gap);
            }
            if notice_late(h) {
                f.notices_late += 1;
            }
        }
        if let Some(closed) = h.closed_at {
            if let Some(f) = month(&mut months, period, closed) {
                match h.status {
                    HoldStatus::Transferred => {
                        f.transfers += 1;
                        if within_limit(h) == Some(true) {
                            f.transfers_within_limit += 1;
                        }
                    }
                    HoldStatus::Released => {
                        f.releases += 1;
                        let reason = h
                            .release_reason
                            .clone()
                            .unwrap_or_else(|| "not recorded".into());
                        *f.releases_by_reason.entry(reason).or_default() += 1;
                    }
                    HoldStatus::Open => {}
                }
            }
        }
        if let Some(o) = over_detention(h, cutoff) {
            if let Some(f) = month(&mut months, period, over_counted_at(&o)) {
                f.over_detentions += 1;
                f.over_detention_seconds_total += o.seconds;
                f.over_detention_seconds_max = f.over_detention_seconds_max.max(o.seconds);
                listed.push(o);
            }
        }
        for c in &h.claims {
            if let Some(f) = month(&mut months, period, c.claimed_at) {
                f.claims += 1;
                if claim_late(c, cutoff) {
                    f.claims_reported_late += 1;
                }
                if let Some(s) = claim_report_seconds(c) {
                    f.claim_report_seconds_max = f.claim_report_seconds_max.max(s);
                }
            }
        }
    }
    for c in complaints {
        if let Some(f) = month(&mut months, period, c.received_at) {
            f.complaints += 1;
            if complaint_late(c, cutoff) {
                f.complaints_reported_late += 1;
            }
        }
    }
    let mut totals = Figures::default();
    for f in months.values() {
        totals.add(f);
    }
    listed.sort_by(|a, b| {
        b.seconds
            .cmp(&a.seconds)
            .then_with(|| a.hold_id.cmp(&b.hold_id))
    });
    Computed {
        totals,
        months,
        over_detention_holds: listed,
    }
}

fn month<'m>(
    months: &'m mut BTreeMap<String, Figures>,
    period: &Period,
    t: DateTime<Utc>,
) -> Option<&'m mut Figures> {
    period.month_of(t).and_then(|m| months.get_mut(&m))
}

/// Active officers whose credential ends within the horizon of `today`.
pub fn authorizations_ending(officers: &[Officer], today: NaiveDate) -> Vec<AuthorizationEnding> {
    let mut out: Vec<AuthorizationEnding> = officers
        .iter()
        .filter(|o| o.active)
        .filter_map(|o| {
            let days_left = (o.expires_on - today).num_days();
            (0..=AUTHORIZATION_HORIZON_DAYS)
                .contains(&days_left)
                .then(|| AuthorizationEnding {
                    credential: o.credential.clone(),
                    name: o.name.clone(),
                    ends_on: o.expires_on,
                    days_left,
                })
        })
        .collect();
    out.sort_by(|a, b| {
        a.ends_on
            .cmp(&b.ends_on)
            .then_with(|| a.credential.cmp(&b.credential))
    });
    out
}
