//! The oversight report on paper, drawn with the handoff sheet's canvas,
//! tables and fonts (docs/adr/0005): landscape, names in any script,
//! "Page X of N" on every page. First the figures (total, then one column
//! per month), then each list a reviewer asks for: services by officer,
//! releases by reason, every over-detention, gaps before service, late
//! notices, claims, complaints and authorizations ending soon.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::error::Result;
use crate::handoff::pdf::canvas::Canvas;
use crate::handoff::pdf::table::{self, col, Cell, Column, Frame, Row};
use crate::handoff::{clock_text, local_short};
use crate::report::csv::HoldRow;
use crate::report::figures::{FigureLine, Figures, FIGURE_LINES};
use crate::report::OversightReport;

pub use crate::handoff::pdf::{Paper, RenderedSheet};

mod lists;

const MARGIN: f32 = 28.0;
const FOOTER: f32 = 22.0;
/// Months per figures table: more would not fit across a landscape page.
const MONTHS_PER_TABLE: usize = 9;

pub fn render(report: &OversightReport, paper: Paper) -> Result<RenderedSheet> {
    let title = format!("Oversight report, {}", report.facility_name);
    crate::handoff::pdf::render_with(&title, paper, |canvas| lay_out(canvas, report))
}

pub(super) fn plain(text: &str) -> Cell {
    vec![(text.to_owned(), false)]
}

pub(super) fn name(r: &HoldRow) -> Cell {
    vec![
        (r.family_name.clone(), true),
        (r.given_names.clone(), false),
    ]
}

pub(super) fn local(t: DateTime<Utc>, tz: Tz) -> String {
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
    let sections: [lists::Section; 9] = [
        lists::officers,
        lists::reasons,
        lists::over_detentions,
        lists::gaps,
        lists::notices,
        lists::claims,
        lists::complaints,
        lists::authorizations,
        lists::holds,
    ];
    for section in sections {
        section(canvas, &mut frame, r, tz, &top);
    }
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
