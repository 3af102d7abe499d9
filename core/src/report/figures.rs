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

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::fold::HoldFacts;
use super::period::Period;
use super::rules::{
    claim_late, claim_report_seconds, complaint_late, gap_seconds, held_without_authority,
    notice_late, over_counted_at, over_detention, within_limit,
};
use crate::custody::officer::Officer;
use crate::custody::HoldStatus;
use crate::desk::Complaint;

/// Officers whose authorization ends this soon are listed.
pub const AUTHORIZATION_HORIZON_DAYS: i64 = 60;

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
