//! The report as CSV (RFC 4180: comma separated, CRLF line ends, fields with
//! a comma, quote or line break quoted, quotes doubled): one row per hold in
//! custody at any time in the period, with the columns every figure is
//! built from, so a reviewer can recompute each number with a spreadsheet.
//! Instants are UTC (`...Z`); `*_local` columns are the facility's local
//! time with its offset, whose first 7 characters are the month a fact is
//! counted in. Names are exactly as recorded (after corrections).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::fold::HoldFacts;
use super::rules::{
    claim_late, claim_report_seconds, gap_seconds, held_without_authority, notice_late,
    notice_seconds, over_counted_at, over_detention, within_limit,
};
use super::OversightReport;
use crate::custody::HoldStatus;
use crate::time::{local_text, utc_text};

/// One hold's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldRow {
    pub hold_id: String,
    pub desk_id: String,
    pub booking_number: String,
    pub family_name: String,
    pub given_names: String,
    pub officer_credential: String,
    pub authority: String,
    pub agreement_id: Option<String>,
    /// `served_at` when not recorded (holds booked before the rule).
    pub criminal_release_at: DateTime<Utc>,
    pub criminal_release_recorded: bool,
    pub served_at: DateTime<Utc>,
    pub served_local: String,
    pub gap_seconds: i64,
    pub held_without_authority: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub status: HoldStatus,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_local: Option<String>,
    pub release_reason: Option<String>,
    pub destination: Option<String>,
    /// Transfers only: at or before the deadline.
    pub within_limit: Option<bool>,
    pub over_seconds: i64,
    /// When an over-detention is counted: the close, or the cut-off if still held.
    pub over_counted_local: Option<String>,
    pub ice_notified_at: Option<DateTime<Utc>>,
    pub notice_seconds: Option<i64>,
    pub notice_late: bool,
    pub claims: usize,
    pub claims_at: Vec<DateTime<Utc>>,
    pub claims_local: Vec<String>,
    /// Per claim, in order; null for a claim not reported.
    pub claim_report_seconds: Vec<Option<i64>>,
    pub claims_reported_late: usize,
    /// Per claim, in order: reported late (or not reported and over an hour old at the cut-off).
    pub claims_late: Vec<bool>,
    pub incidents: Vec<String>,
}

impl HoldRow {
    pub fn of(h: &HoldFacts, cutoff: DateTime<Utc>, tz: Tz) -> HoldRow {
        let over = over_detention(h, cutoff);
        let counted = over.as_ref().map(over_counted_at);
        HoldRow {
            hold_id: h.hold_id.clone(),
            desk_id: h.desk_id.clone(),
            booking_number: h.booking_number.clone(),
            family_name: h.family_name.clone(),
            given_names: h.given_names.clone(),
            officer_credential: h.officer_credential.clone(),
            authority: h.authority.clone(),
            agreement_id: h.agreement_id.clone(),
            criminal_release_at: h.criminal_release_at,
            criminal_release_recorded: h.criminal_release_recorded,
            served_at: h.served_at,
            served_local: local_text(h.served_at, tz),
            gap_seconds: gap_seconds(h),
            held_without_authority: held_without_authority(h),
            deadline_at: h.deadline_at,
            status: h.status,
            closed_at: h.closed_at,
            closed_local: h.closed_at.map(|t| local_text(t, tz)),
            release_reason: h.release_reason.clone(),
            destination: h.destination.clone(),
            within_limit: within_limit(h),
            over_seconds: over.as_ref().map_or(0, |o| o.seconds),
            over_counted_local: counted.map(|t| local_text(t, tz)),
            ice_notified_at: h.ice_notified_at,
            notice_seconds: notice_seconds(h),
            notice_late: notice_late(h),
            claims: h.claims.len(),
            claims_at: h.claims.iter().map(|c| c.claimed_at).collect(),
            claims_local: h
                .claims
                .iter()
                .map(|c| local_text(c.claimed_at, tz))
                .collect(),
            claim_report_seconds: h.claims.iter().map(claim_report_seconds).collect(),
            claims_reported_late: h.claims.iter().filter(|c| claim_late(c, cutoff)).count(),
            claims_late: h.claims.iter().map(|c| claim_late(c, cutoff)).collect(),
            incidents: h.incidents.clone(),
        }
    }
}

impl HoldRow {
    /// Each claim: when it was made, how long it took to report (None: not
    /// reported) and whether that was late.
    pub fn claim_times(&self) -> Vec<(DateTime<Utc>, Option<i64>, bool)> {
        self.claims_at
            .iter()
            .zip(&self.claim_report_seconds)
            .zip(&self.claims_late)
            .map(|((at, seconds), late)| (*at, *seconds, *late))
            .collect()
    }
}

/// The header, in column order.
pub const COLUMNS: &[&str] = &[
    "hold_id",
    "desk_id",
    "booking_number",
    "family_name",
    "given_names",
    "officer_credential",
    "authority",
    "agreement_id",
    "criminal_release_at",
    "criminal_release_recorded",
    "served_at",
    "served_local",
    "gap_seconds",
    "held_without_authority",
    "deadline_at",
    "status",
    "closed_at",
    "closed_local",
    "release_reason",
    "destination",
    "within_limit",
    "over_seconds",
    "over_counted_local",
    "ice_notified_at",
    "notice_seconds",
    "notice_late",
    "claims",
    "claims_local",
    "claim_report_seconds",
    "claims_reported_late",
    "incidents",
];

fn fields(r: &HoldRow) -> Vec<String> {
    let t = |v: Option<DateTime<Utc>>| v.map(utc_text).unwrap_or_default();
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let b = |v: bool| if v { "yes" } else { "no" }.to_owned();
    vec![
        r.hold_id.clone(),
        r.desk_id.clone(),
        r.booking_number.clone(),
        r.family_name.clone(),
        r.given_names.clone(),
        r.officer_credential.clone(),
        r.authority.clone(),
        o(&r.agreement_id),
        utc_text(r.criminal_release_at),
        b(r.criminal_release_recorded),
        utc_text(r.served_at),
        r.served_local.clone(),
        r.gap_seconds.to_string(),
        b(r.held_without_authority),
        t(r.deadline_at),
        r.status.as_str().to_owned(),
        t(r.closed_at),
        o(&r.closed_local),
        o(&r.release_reason),
        o(&r.destination),
        r.within_limit.map(b).unwrap_or_default(),
        r.over_seconds.to_string(),
        o(&r.over_counted_local),
        t(r.ice_notified_at),
        r.notice_seconds.map(|s| s.to_string()).unwrap_or_default(),
        b(r.notice_late),
        r.claims.to_string(),
        r.claims_local.join(";"),
        r.claim_report_seconds
            .iter()
            .map(|s| s.map(|s| s.to_string()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(";"),
        r.claims_reported_late.to_string(),
        r.incidents.join(";"),
    ]
}

/// One field, quoted only when RFC 4180 needs it.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn line(fields: impl IntoIterator<Item = String>) -> String {
    let mut l = fields
        .into_iter()
        .map(|f| quote(&f))
        .collect::<Vec<_>>()
        .join(",");
    l.push_str("\r\n");
    l
}

/// The whole CSV, header first.
pub fn to_csv(report: &OversightReport) -> String {
    let mut out = line(COLUMNS.iter().map(|c| (*c).to_owned()));
    for r in &report.holds {
        out.push_str(&line(fields(r)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quote("Nguyễn"), "Nguyễn");
        assert_eq!(quote("O'Brien, Jr."), "\"O'Brien, Jr.\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote(""), "");
    }

    #[test]
    fn every_row_has_one_field_per_column() {
        let h = super::super::tests::facts_served("2026-11-02T14:00:00Z");
        let row = HoldRow::of(&h, h.served_at, chrono_tz::America::New_York);
        assert_eq!(fields(&row).len(), COLUMNS.len());
    }
}
