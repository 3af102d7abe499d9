//! The lists of the oversight report, one section each, after the figures:
//! what a reviewer reads hold by hold. A section with nothing in it prints
//! one line saying so, so "none" is a statement, not a missing page.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{local, name, plain};
use crate::handoff::pdf::canvas::Canvas;
use crate::handoff::pdf::table::{self, col, Column, Frame, PageTop, Row};
use crate::handoff::{clock_text, local_short};
use crate::report::csv::HoldRow;
use crate::report::OversightReport;

/// What every section is: it draws itself after what came before.
pub(super) type Section = fn(&mut Canvas<'_>, &mut Frame, &OversightReport, Tz, PageTop<'_>);

/// Rows of holds served in the period that `keep` selects.
fn served_in_period(r: &OversightReport, keep: impl Fn(&HoldRow) -> bool) -> Vec<&HoldRow> {
    let in_period = |t: DateTime<Utc>| t >= r.period_start && t < r.period_end;
    r.holds
        .iter()
        .filter(|h| in_period(h.served_at) && keep(h))
        .collect()
}

/// Services per officer credential, with the name on the roster.
pub(super) fn officers(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    _tz: Tz,
    top: PageTop<'_>,
) {
    let officers: Vec<Row> = r
        .totals
        .services_by_officer
        .iter()
        .map(|(credential, n)| Row {
            cells: vec![
                plain(credential),
                plain(
                    r.officer_names
                        .get(credential)
                        .map_or("(not on the roster)", String::as_str),
                ),
                plain(&n.to_string()),
            ],
            shade: None,
        })
        .collect();
    let cols = [
        col("Credential", 120.0),
        col("Officer", 300.0),
        col("Services", 80.0),
    ];
    section(canvas, frame, "Services by officer", &cols, officers, top);
}
/// Releases per reason.
pub(super) fn reasons(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    _tz: Tz,
    top: PageTop<'_>,
) {
    let reasons: Vec<Row> = r
        .totals
        .releases_by_reason
        .iter()
        .map(|(reason, n)| Row {
            cells: vec![plain(&reason.replace('_', " ")), plain(&n.to_string())],
            shade: None,
        })
        .collect();
    let cols = [col("Reason", 300.0), col("Releases", 80.0)];
    section(canvas, frame, "Releases by reason", &cols, reasons, top);
}
/// Every hold held past its deadline, longest first.
pub(super) fn over_detentions(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: PageTop<'_>,
) {
    let over: Vec<Row> = r
        .over_detention_holds
        .iter()
        .enumerate()
        .map(|(i, o)| Row {
            cells: vec![
                plain(&(i + 1).to_string()),
                vec![
                    (o.family_name.clone(), true),
                    (o.given_names.clone(), false),
                ],
                plain(&o.booking_number),
                plain(&local(o.deadline_at, tz)),
                plain(&if o.still_held {
                    format!("STILL HELD at\n{}", local_short(o.until, tz))
                } else {
                    local(o.until, tz)
                }),
                vec![(clock_text(o.seconds), true)],
            ],
            shade: o.still_held.then_some(0.85),
        })
        .collect();
    let cols = [
        col("#", 24.0),
        col("Name (family, given)", 200.0),
        col("Booking", 80.0),
        col("Deadline (local)", 110.0),
        col("Released / transferred (local)", 130.0),
        col("Held past the deadline", 100.0),
    ];
    let title = format!("Over-detentions, each hold ({})", over.len());
    section(canvas, frame, &title, &cols, over, top);
}
/// Holds served more than five minutes after the criminal release.
pub(super) fn gaps(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: PageTop<'_>,
) {
    let gaps: Vec<Row> = served_in_period(r, |h| h.held_without_authority)
        .into_iter()
        .enumerate()
        .map(|(i, h)| Row {
            cells: vec![
                plain(&(i + 1).to_string()),
                name(h),
                plain(&h.booking_number),
                plain(&local(h.criminal_release_at, tz)),
                plain(&local(h.served_at, tz)),
                vec![(clock_text(h.gap_seconds), true)],
            ],
            shade: None,
        })
        .collect();
    let cols = [
        col("#", 24.0),
        col("Name (family, given)", 200.0),
        col("Booking", 80.0),
        col("Released from criminal custody", 120.0),
        col("Warrant served", 110.0),
        col("Held without authority", 110.0),
    ];
    let title = format!("Held without authority before service ({})", gaps.len());
    section(canvas, frame, &title, &cols, gaps, top);
}
/// Holds whose notice to ICE came more than 15 minutes after service.
pub(super) fn notices(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: PageTop<'_>,
) {
    let notices: Vec<Row> = served_in_period(r, |h| h.notice_late)
        .into_iter()
        .enumerate()
        .map(|(i, h)| Row {
            cells: vec![
                plain(&(i + 1).to_string()),
                name(h),
                plain(&h.booking_number),
                plain(&local(h.served_at, tz)),
                plain(
                    &h.ice_notified_at
                        .map_or("not recorded".into(), |t| local(t, tz)),
                ),
                plain(&h.notice_seconds.map_or(String::new(), clock_text)),
            ],
            shade: None,
        })
        .collect();
    let cols = [
        col("#", 24.0),
        col("Name (family, given)", 200.0),
        col("Booking", 80.0),
        col("Warrant served", 110.0),
        col("ICE notified", 110.0),
        col("After service", 90.0),
    ];
    let title = format!("ICE notices later than 15 minutes ({})", notices.len());
    section(canvas, frame, &title, &cols, notices, top);
}
pub(super) fn claims(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: PageTop<'_>,
) {
    let mut rows = Vec::new();
    for h in &r.holds {
        for (at, seconds, late) in h.claim_times() {
            if at < r.period_start || at >= r.period_end {
                continue;
            }
            rows.push(Row {
                cells: vec![
                    plain(&(rows.len() + 1).to_string()),
                    name(h),
                    plain(&h.booking_number),
                    plain(&local(at, tz)),
                    plain(&seconds.map_or("NOT REPORTED".into(), clock_text)),
                    vec![(if late { "LATE" } else { "within 1 hour" }.to_owned(), late)],
                ],
                shade: late.then_some(0.9),
            });
        }
    }
    let cols = [
        col("#", 24.0),
        col("Name (family, given)", 200.0),
        col("Booking", 80.0),
        col("Claim made (local)", 110.0),
        col("Time to report to ICE", 110.0),
        col("", 90.0),
    ];
    let title = format!("Claims of U.S. citizenship ({})", rows.len());
    section(canvas, frame, &title, &cols, rows, top);
}

pub(super) fn complaints(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: PageTop<'_>,
) {
    let rows: Vec<Row> = r
        .complaints_received
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let about = c.about_text();
            let late = crate::report::rules::complaint_late(c, r.cutoff);
            Row {
                cells: vec![
                    plain(&(i + 1).to_string()),
                    plain(&local(c.received_at, tz)),
                    plain(&about),
                    plain(&local(c.due_at, tz)),
                    plain(
                        &c.reported_at
                            .map_or("NOT REPORTED".into(), |t| local(t, tz)),
                    ),
                    vec![(if late { "LATE" } else { "on time" }.to_owned(), late)],
                ],
                shade: late.then_some(0.9),
            }
        })
        .collect();
    let cols = [
        col("#", 24.0),
        col("Received (local)", 110.0),
        col("About", 220.0),
        col("Due (local)", 110.0),
        col("Reported to ICE (local)", 110.0),
        col("", 60.0),
    ];
    let title = format!("Complaints received ({})", rows.len());
    section(canvas, frame, &title, &cols, rows, top);
}

/// Officers whose authorization ends within 60 days of the report.
pub(super) fn authorizations(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    _tz: Tz,
    top: PageTop<'_>,
) {
    let ending: Vec<Row> = r
        .authorizations_ending
        .iter()
        .map(|a| Row {
            cells: vec![
                plain(&a.credential),
                plain(&a.name),
                plain(&a.ends_on.to_string()),
                plain(&a.days_left.to_string()),
            ],
            shade: None,
        })
        .collect();
    let cols = [
        col("Credential", 120.0),
        col("Officer", 260.0),
        col("Authorization ends on", 120.0),
        col("Days left", 80.0),
    ];
    let title = format!(
        "Officers whose authorization ends in the next 60 days ({})",
        ending.len()
    );
    section(canvas, frame, &title, &cols, ending, top);
}

/// Every hold held in the period, as the CSV has them: the list a reviewer
/// checks the figures against.
pub(super) fn holds(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: PageTop<'_>,
) {
    let rows: Vec<Row> = r
        .holds
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let outcome = match (h.status, &h.closed_at) {
                (crate::custody::HoldStatus::Transferred, Some(at)) => format!(
                    "Transferred {}{}",
                    local_short(*at, tz),
                    h.destination
                        .as_ref()
                        .map(|d| format!(" to {d}"))
                        .unwrap_or_default()
                ),
                (crate::custody::HoldStatus::Released, Some(at)) => format!(
                    "Released {}: {}",
                    local_short(*at, tz),
                    h.release_reason
                        .as_deref()
                        .unwrap_or("no reason recorded")
                        .replace('_', " ")
                ),
                _ => "still held".to_owned(),
            };
            let over = (h.over_seconds > 0)
                .then(|| (format!("over by {}", clock_text(h.over_seconds)), true));
            let mut outcome_cell = vec![(outcome, false)];
            outcome_cell.extend(over);
            Row {
                cells: vec![
                    plain(&(i + 1).to_string()),
                    name(h),
                    plain(&h.booking_number),
                    plain(&h.officer_credential),
                    plain(&local(h.served_at, tz)),
                    plain(&h.deadline_at.map_or("none".into(), |d| local(d, tz))),
                    outcome_cell,
                ],
                shade: (h.over_seconds > 0).then_some(0.9),
            }
        })
        .collect();
    let cols = [
        col("#", 24.0),
        col("Name (family, given)", 170.0),
        col("Booking", 70.0),
        col("Officer", 70.0),
        col("Served (local)", 90.0),
        col("Deadline (local)", 90.0),
        col("Outcome", 220.0),
    ];
    let title = format!("Holds held at any time in the period ({})", rows.len());
    section(canvas, frame, &title, &cols, rows, top);
}

fn section(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    title: &str,
    cols: &[Column],
    rows: Vec<Row>,
    top: PageTop<'_>,
) {
    if rows.is_empty() {
        if frame.y + 20.0 > frame.bottom {
            table::next_page(canvas, frame, top);
        }
        canvas.text(
            frame.left,
            frame.y + 10.0,
            10.0,
            true,
            &format!("{title}: none."),
        );
        frame.y += 20.0;
    } else {
        table::draw(canvas, frame, title, cols, &rows, top);
    }
}
