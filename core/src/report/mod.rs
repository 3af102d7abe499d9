//! The oversight report (agreement.md s8): for a period of facility-local
//! dates, per month and in total, what the desk's records say happened:
//! services, transfers, releases, over-detentions, gaps before service, late
//! notices, claims of U.S. citizenship, complaints, and the officers whose
//! authorization ends soon.
//!
//! Every custody figure is computed from the sync events (their envelopes,
//! as sent to ICE and hash chained), never from the `hold` table or anything
//! typed; the facility's, not only this desk's: its own events and the
//! other desks' it holds from the facility feed, so every desk with the same
//! events gives the same figures (sync-protocol.md v1.1). The events are
//! what ICE holds too, so the report can be checked against ICE's copy
//! (docs/adr/0014-oversight-report-from-events.md).
//! Complaints are not synced; they come from the desk's complaint table.
//!
//! [`fold`] turns envelopes into one record per hold, [`rules`] judges each
//! hold, [`figures`] counts (all pure); [`Desk::oversight_report`] gathers; [`csv`] and [`pdf`] print.

pub mod csv;
pub mod figures;
pub mod fold;
pub mod pdf;
pub mod period;
pub mod rules;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use self::figures::{AuthorizationEnding, Figures, OverDetention};
use self::fold::HoldFacts;
use self::period::Period;
use crate::audit::Entry;
use crate::auth::{Actor, Role};
use crate::desk::Desk;
use crate::error::{Result, SqlContext};
use crate::store::files::{Existing, Staged};
use crate::time::{local_text, parse_date};

/// The report for one period, as `report --json` prints it and the PDF shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OversightReport {
    pub facility_id: String,
    pub facility_name: String,
    pub timezone: String,
    pub desk_id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    /// Holds still held are counted up to here: the end of the period, or
    /// the time of the report if sooner.
    pub cutoff: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    pub generated_local: String,
    pub prepared_by: String,
    pub prepared_by_name: String,
    pub totals: Figures,
    /// Keyed `YYYY-MM`, every month of the period (zeros included).
    pub months: BTreeMap<String, Figures>,
    pub over_detention_holds: Vec<OverDetention>,
    /// Complaints received in the period, in the order received.
    pub complaints_received: Vec<crate::desk::Complaint>,
    /// Credential to name, for every officer on the roster.
    pub officer_names: BTreeMap<String, String>,
    /// Officers whose authorization ends in the next 60 days (from the report date).
    pub authorizations_ending: Vec<AuthorizationEnding>,
    /// One row per hold in custody at any time in the period: the CSV.
    pub holds: Vec<csv::HoldRow>,
    /// Sync events read to make the report.
    pub events_read: u64,
}

impl Desk {
    /// The oversight report for the facility-local dates `from..=to`
    /// (supervisors). Reads only; exporting it is audited by [`record_export`].
    pub fn oversight_report(
        &self,
        actor: &Actor,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> Result<OversightReport> {
        actor.require(Role::Supervisor, "the oversight report")?;
        let tz = self.facility().timezone;
        let period = Period::new(parse_date("from", from)?, parse_date("to", to)?, tz)?;
        let envelopes = self.event_envelopes()?;
        let holds = fold::fold(&envelopes);
        let complaints = self.all_complaints(now)?;
        let officers = self.officers()?;
        Ok(assemble(
            self,
            actor,
            &period,
            &holds,
            &complaints,
            &officers,
            envelopes.len() as u64,
            now,
        ))
    }

    /// Every event envelope of the facility this desk holds, parsed: its
    /// own and those of the other desks that passed their chain checks
    /// (`facility_event`; a desk's events from a break on are never stored).
    /// Each event once, by its desk and seq, whichever table holds it; the
    /// fold orders them. Unparseable ones are left out: `audit verify`
    /// names them.
    fn event_envelopes(&self) -> Result<Vec<Value>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT ?1, seq, envelope FROM event
                 UNION ALL
                 SELECT desk_id, seq, envelope FROM facility_event WHERE desk_id != ?1
                 ORDER BY 1, 2",
            )
            .ctx("reading events")?;
        let rows = stmt
            .query_map([self.desk_id()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .ctx("reading events")?;
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for row in rows {
            let (desk_id, seq, text) = row.ctx("reading events")?;
            if !seen.insert((desk_id, seq)) {
                continue;
            }
            if let Ok(v) = serde_json::from_str(&text) {
                out.push(v);
            }
        }
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    desk: &Desk,
    actor: &Actor,
    period: &Period,
    holds: &BTreeMap<String, HoldFacts>,
    complaints: &[crate::desk::Complaint],
    officers: &[crate::custody::officer::Officer],
    events_read: u64,
    now: DateTime<Utc>,
) -> OversightReport {
    let facility = desk.facility();
    let tz = facility.timezone;
    let cutoff = rules::cutoff(period, now);
    let computed = figures::compute(holds.values(), complaints, period, cutoff);
    let mut rows: Vec<csv::HoldRow> = holds
        .values()
        .filter(|h| h.served_at < period.end && h.closed_at.is_none_or(|c| c >= period.start))
        .map(|h| csv::HoldRow::of(h, cutoff, tz))
        .collect();
    rows.sort_by(|a, b| {
        a.served_at
            .cmp(&b.served_at)
            .then_with(|| a.hold_id.cmp(&b.hold_id))
    });
    let mut complaints_received: Vec<crate::desk::Complaint> = complaints
        .iter()
        .filter(|c| period.month_of(c.received_at).is_some())
        .cloned()
        .collect();
    complaints_received.sort_by_key(|c| c.received_at);
    OversightReport {
        facility_id: facility.id.clone(),
        facility_name: facility.name.clone(),
        timezone: tz.name().to_owned(),
        desk_id: desk.desk_id().to_owned(),
        from: period.from,
        to: period.to,
        period_start: period.start,
        period_end: period.end,
        cutoff,
        generated_at: now,
        generated_local: local_text(now, tz),
        prepared_by: actor.username.clone(),
        prepared_by_name: actor.full_name.clone(),
        totals: computed.totals,
        months: computed.months,
        over_detention_holds: computed.over_detention_holds,
        complaints_received,
        officer_names: officers
            .iter()
            .map(|o| (o.credential.clone(), o.name.clone()))
            .collect(),
        authorizations_ending: figures::authorizations_ending(
            officers,
            now.with_timezone(&tz).date_naive(),
            tz,
        ),
        holds: rows,
        events_read,
    }
}

/// The kinds of file a report is exported as (audit detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Pdf,
    Csv,
    /// The figures and rows as JSON (`report --json`, the window's screen).
    Json,
}

impl ExportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Pdf => "pdf",
            ExportKind::Csv => "csv",
            ExportKind::Json => "json",
        }
    }
}

fn export_detail(report: &OversightReport, kind: ExportKind) -> String {
    format!(
        "{} {} to {}: {} holds, {} events",
        kind.as_str(),
        report.from,
        report.to,
        report.holds.len(),
        report.events_read
    )
}

fn export_entry<'a>(actor: &'a Actor, target: &'a str, detail: &'a str) -> Entry<'a> {
    Entry {
        actor: &actor.username,
        action: "report.export",
        target: Some(target),
        outcome: "success",
        detail: Some(detail),
    }
}

/// Audit one export of a report that is not a file this desk writes (the
/// JSON on stdout, the window's print dialog); `target` says where it went.
pub fn record_export(
    desk: &Desk,
    actor: &Actor,
    report: &OversightReport,
    kind: ExportKind,
    target: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    actor.require(Role::Supervisor, "exporting the oversight report")?;
    let detail = export_detail(report, kind);
    desk.audit(now, export_entry(actor, target, &detail))
}

/// Write the report as a PDF and/or a CSV (0600, whole or not at all), each
/// file published together with its audit record or not at all.
/// Everything is rendered before any file is touched.
pub fn save(
    desk: &Desk,
    actor: &Actor,
    report: &OversightReport,
    pdf_out: Option<(&Path, pdf::Paper)>,
    csv_out: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<Option<pdf::RenderedSheet>> {
    actor.require(Role::Supervisor, "exporting the oversight report")?;
    let rendered = pdf_out
        .map(|(_, paper)| pdf::render(report, paper))
        .transpose()?;
    let csv_text = csv_out.map(|_| csv::to_csv(report));
    let mut exports: Vec<(&Path, &[u8], ExportKind)> = Vec::new();
    if let (Some((path, _)), Some(r)) = (pdf_out, &rendered) {
        exports.push((path, &r.bytes, ExportKind::Pdf));
    }
    if let (Some(path), Some(text)) = (csv_out, &csv_text) {
        exports.push((path, text.as_bytes(), ExportKind::Csv));
    }
    for (path, bytes, kind) in exports {
        let staged = Staged::new(path, Existing::Replace)?;
        staged.write_all(bytes)?;
        let target = path.display().to_string();
        let detail = export_detail(report, kind);
        desk.audit_file(now, export_entry(actor, &target, &detail), staged)?;
    }
    Ok(rendered)
}
