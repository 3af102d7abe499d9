//! The oversight report on paper, drawn with the handoff sheet's canvas,
//! tables and fonts (docs/adr/0005): landscape, names in any script,
//! "Page X of N" on every page. First the figures (total, then one column
//! per month), then each list a reviewer asks for: services by officer,
//! releases by reason, every over-detention, gaps before service, late
//! notices, claims, complaints and authorizations ending soon.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::csv::HoldRow;
use super::figures::{FigureLine, Figures, FIGURE_LINES};
use super::OversightReport;
use crate::error::Result;
use crate::handoff::pdf::canvas::Canvas;
use crate::handoff::pdf::table::{self, col, Cell, Column, Frame, Row};
use crate::handoff::{clock_text, local_short};

pub use crate::handoff::pdf::{Paper, RenderedSheet};

const MARGIN: f32 = 28.0;
const FOOTER: f32 = 22.0;
/// Months per figures table: more would not fit across a landscape page.
const MONTHS_PER_TABLE: usize = 9;

pub fn render(report: &OversightReport, paper: Paper) -> Result<RenderedSheet> {
    let title = format!("Oversight report, {}", report.facility_name);
    crate::handoff::pdf::render_with(&title, paper, |canvas| lay_out(canvas, report))
}

fn plain(text: &str) -> Cell {
    vec![(text.to_owned(), false)]
}

fn name(r: &HoldRow) -> Cell {
    vec![
        (r.family_name.clone(), true),
        (r.given_names.clone(), false),
    ]
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    local_short(t, tz).replacen(' ', "\n", 1)
}

fn lay_out(canvas: &mut Canvas<'_>, r: &OversightReport) {
    let tz: Tz = r.timezone.parse().unwrap_or(chrono_tz::UTC);
    let mut frame = Frame {
        left: MARGIN,
        right: canvas.width - MARGIN,
        top: MARGIN,
        bottom: canvas.height - MARGIN - FOOTER,
        y: MARGIN,
    };
    canvas.new_page();
    heading(canvas, &mut frame, r, tz);
    let top = |c: &mut Canvas<'_>, f: &Frame| {
        let text = format!(
            "Oversight report · {} · {} to {} (continued)",
            r.facility_name, r.from, r.to
        );
        c.text(f.left, f.top + 9.0, 9.0, true, &text);
        f.top + 18.0
    };
    figures_tables(canvas, &mut frame, r, &top);
    let in_period = |t: DateTime<Utc>| t >= r.period_start && t < r.period_end;

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
    section(
        canvas,
        &mut frame,
        "Services by officer",
        &cols,
        officers,
        &top,
    );

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
    section(
        canvas,
        &mut frame,
        "Releases by reason",
        &cols,
        reasons,
        &top,
    );

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
    section(canvas, &mut frame, &title, &cols, over, &top);

    let rows_where = |keep: &dyn Fn(&HoldRow) -> bool| -> Vec<&HoldRow> {
        r.holds
            .iter()
            .filter(|h| in_period(h.served_at) && keep(h))
            .collect()
    };
    let gaps: Vec<Row> = rows_where(&|h| h.held_without_authority)
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
    section(canvas, &mut frame, &title, &cols, gaps, &top);

    let notices: Vec<Row> = rows_where(&|h| h.notice_late)
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
    section(canvas, &mut frame, &title, &cols, notices, &top);

    claims_section(canvas, &mut frame, r, tz, &top);
    complaints_section(canvas, &mut frame, r, tz, &top);

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
    section(canvas, &mut frame, &title, &cols, ending, &top);

    holds_section(canvas, &mut frame, r, tz, &top);

    let footer = format!(
        "WSO Desk oversight report · {} · {} to {} · contains personal data: keep and destroy per jail policy",
        r.facility_id, r.from, r.to
    );
    table::footers(canvas, MARGIN, &footer);
}

fn heading(canvas: &mut Canvas<'_>, frame: &mut Frame, r: &OversightReport, tz: Tz) {
    canvas.text(frame.left, frame.y + 15.0, 15.0, true, "Oversight report");
    canvas.text_right(frame.right, frame.y + 15.0, 13.0, true, &r.facility_name);
    frame.y += 24.0;
    let lines = [
        format!(
            "Period {} to {} (both included, dates local to {}) · facility {} · desk {}",
            r.from, r.to, r.timezone, r.facility_id, r.desk_id
        ),
        format!(
            "Holds still held are counted up to {}. Generated {} by {} ({}).",
            local_short(r.cutoff, tz),
            local_short(r.generated_at, tz),
            r.prepared_by_name,
            r.prepared_by
        ),
        format!(
            "Every custody figure is computed from the {} sync events on this desk (hash chained, as sent to ICE); complaints from this desk's register. The CSV export has one row per hold to recompute them.",
            r.events_read
        ),
    ];
    for l in &lines {
        for wrapped in canvas.wrap(l, frame.width(), 9.0, false) {
            canvas.text(frame.left, frame.y + 9.0, 9.0, false, &wrapped);
            frame.y += 12.0;
        }
    }
    frame.y += 8.0;
}

fn figures_tables(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    top: table::PageTop<'_>,
) {
    let months: Vec<(&String, &Figures)> = r.months.iter().collect();
    let chunks: Vec<&[(&String, &Figures)]> = if months.is_empty() {
        vec![&[]]
    } else {
        months.chunks(MONTHS_PER_TABLE).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        let mut cols = vec![col("Figure", 230.0), col("Total", 70.0)];
        cols.extend(chunk.iter().map(|(m, _)| Column {
            title: Cow::Owned((*m).clone()),
            width: 62.0,
        }));
        let text = |line: &FigureLine, f: &Figures| {
            let v = f.get(line.key);
            if line.duration {
                clock_text(v)
            } else {
                v.to_string()
            }
        };
        let rows: Vec<Row> = FIGURE_LINES
            .iter()
            .map(|line| {
                // Main figures in bold; the lines below each qualify it.
                let label = if line.qualifies {
                    format!("– {}", line.label)
                } else {
                    line.label.to_owned()
                };
                let mut cells = vec![
                    vec![(label, !line.qualifies)],
                    vec![(text(line, &r.totals), true)],
                ];
                cells.extend(chunk.iter().map(|(_, f)| plain(&text(line, f))));
                Row { cells, shade: None }
            })
            .collect();
        let title = if chunks.len() == 1 {
            "Figures: total for the period and per month".to_owned()
        } else {
            format!(
                "Figures: total for the period and per month ({} of {})",
                i + 1,
                chunks.len()
            )
        };
        table::draw(canvas, frame, &title, &cols, &rows, top);
    }
}

fn claims_section(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: table::PageTop<'_>,
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

fn complaints_section(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: table::PageTop<'_>,
) {
    let rows: Vec<Row> = r
        .complaints_received
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let about = c.about_text();
            let late = super::figures::complaint_late(c, r.cutoff);
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

/// Every hold held in the period, as the CSV has them: the list a reviewer
/// checks the figures against.
fn holds_section(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    r: &OversightReport,
    tz: Tz,
    top: table::PageTop<'_>,
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
    top: table::PageTop<'_>,
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
