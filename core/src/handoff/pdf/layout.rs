//! The sheet on paper: a heading with the shift, print time, counts, sync
//! state and last acknowledgement; the open holds; the holds closed this
//! shift; the two signature blocks; and on every page a footer with
//! "Page X of N". Landscape, because a hold's row has ten things to say and a
//! supervisor reads it across, not down.

use super::canvas::Canvas;
use super::table::{self, col, Cell, Column, Frame, Row, BODY};
use crate::handoff::{
    clock_text, local_short, local_two_lines, HandoffSheet, SheetHold, SheetStanding,
};
use crate::time::stored;

const MARGIN: f32 = 28.0;
const FOOTER: f32 = 22.0;

// "#" fits three digits: a sheet can list hundreds of holds.
const OPEN_COLUMNS: &[Column] = &[
    col("#", 24.0),
    col("Name (family, given)", 112.0),
    col("Booking", 52.0),
    col("Warrant", 62.0),
    col("Served (local)", 78.0),
    col("Deadline (local)", 84.0),
    col("Remaining", 58.0),
    col("Status", 72.0),
    col("Zone / perimeter", 100.0),
    col("Pending ICE actions", 94.0),
];

const CLOSED_COLUMNS: &[Column] = &[
    col("#", 24.0),
    col("Name (family, given)", 160.0),
    col("Booking", 70.0),
    col("Warrant", 80.0),
    col("Closed (local)", 96.0),
    col("Outcome", 306.0),
];

pub fn lay_out(canvas: &mut Canvas<'_>, sheet: &HandoffSheet) {
    let mut frame = Frame {
        left: MARGIN,
        right: canvas.width - MARGIN,
        top: MARGIN,
        bottom: canvas.height - MARGIN - FOOTER,
        y: MARGIN,
    };
    canvas.new_page();
    heading(canvas, &mut frame, sheet);
    let page_top = |c: &mut Canvas<'_>, f: &Frame| continuation_top(c, f, sheet);

    let tz = sheet.timezone.parse().unwrap_or(chrono_tz::UTC);
    let open_title = format!(
        "Open holds ({}): release required first, then deadline soonest first; IGSA holds last",
        sheet.open_holds.len()
    );
    let rows: Vec<Row> = sheet
        .open_holds
        .iter()
        .enumerate()
        .map(|(i, h)| open_row(i, h, tz))
        .collect();
    if rows.is_empty() {
        note(canvas, &mut frame, "Open holds: none.");
    } else {
        table::draw(
            canvas,
            &mut frame,
            &open_title,
            OPEN_COLUMNS,
            &rows,
            &page_top,
        );
    }

    let closed_title = format!(
        "Closed during the ending shift ({})",
        sheet.closed_in_shift.len()
    );
    let rows: Vec<Row> = sheet
        .closed_in_shift
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut outcome = plain(&h.outcome_text);
            outcome.extend(h.standing.lines.iter().map(|l| (l.clone(), true)));
            Row {
                cells: vec![
                    plain(&(i + 1).to_string()),
                    name_cell(&h.family_name, &h.given_names, &h.standing),
                    plain(&h.booking_number),
                    plain(&format!("{}\n{}", h.warrant_form, h.warrant_number)),
                    plain(&two_lines(&h.closed_at, tz)),
                    outcome,
                ],
                shade: None,
            }
        })
        .collect();
    if rows.is_empty() {
        note(canvas, &mut frame, "Closed during the ending shift: none.");
    } else {
        table::draw(
            canvas,
            &mut frame,
            &closed_title,
            CLOSED_COLUMNS,
            &rows,
            &page_top,
        );
    }
    complaints(canvas, &mut frame, sheet, tz, &page_top);
    signatures(canvas, &mut frame, sheet, &page_top);
    footers(canvas, sheet);
}

const COMPLAINT_COLUMNS: &[Column] = &[
    col("#", 24.0),
    col("Received (local)", 96.0),
    col("About", 220.0),
    col("Due to ICE (local)", 96.0),
    col("Status", 300.0),
];

/// Complaints not yet reported to ICE: only a heading line when there are none.
fn complaints(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    sheet: &HandoffSheet,
    tz: chrono_tz::Tz,
    page_top: table::PageTop<'_>,
) {
    let rows: Vec<Row> = sheet
        .complaints_due
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let about = c.about_text();
            let remaining = c.remaining_seconds.unwrap_or_default();
            let status = if c.overdue {
                format!("OVERDUE by {}: report to ICE now", clock_text(-remaining))
            } else {
                format!("report to ICE within {}", clock_text(remaining))
            };
            Row {
                cells: vec![
                    plain(&(i + 1).to_string()),
                    plain(&local_two_lines(c.received_at, tz)),
                    plain(&about),
                    vec![(local_two_lines(c.due_at, tz), true)],
                    vec![(status, c.overdue)],
                ],
                shade: c.overdue.then_some(0.85),
            }
        })
        .collect();
    // No complaints, no section: the sheet stays as short as the holds make it.
    if !rows.is_empty() {
        let title = format!(
            "Complaints to report to ICE ({}, {} overdue)",
            sheet.summary.complaints_due, sheet.summary.complaints_overdue
        );
        table::draw(canvas, frame, &title, COMPLAINT_COLUMNS, &rows, page_top);
    }
}

/// Family name (bold), given names, and the desk that booked the hold when
/// not this one.
fn name_cell(family: &str, given: &str, standing: &SheetStanding) -> Cell {
    let mut cell = vec![(family.to_owned(), true), (given.to_owned(), false)];
    cell.extend(standing.booked_at_text.iter().map(|t| (t.clone(), false)));
    cell
}

fn plain(text: &str) -> Cell {
    vec![(text.to_owned(), false)]
}

/// `2026-11-29` over `09:03:00 -05:00`: fits a narrow column without losing the offset.
fn two_lines(utc: &str, tz: chrono_tz::Tz) -> String {
    match stored(utc) {
        Ok(t) => local_two_lines(t, tz),
        Err(_) => utc.to_owned(),
    }
}

fn open_row(i: usize, h: &SheetHold, tz: chrono_tz::Tz) -> Row {
    let deadline = match &h.deadline_at {
        Some(d) => vec![(two_lines(d, tz), true)],
        None => plain("none (IGSA)"),
    };
    let mut status = vec![(
        h.status_text.clone(),
        h.release_required
            || h.urgency
                .is_some_and(|u| u >= crate::custody::Urgency::Warning),
    )];
    if h.due_next_shift {
        status.push(("DUE NEXT SHIFT".to_owned(), false));
    }
    let perimeter = if h.inside_perimeter {
        ("inside perimeter".to_owned(), false)
    } else {
        ("OUTSIDE PERIMETER".to_owned(), true)
    };
    // The duty due now (besides release, which the status says) comes first.
    let mut ice: Cell = h.action_text.iter().map(|a| (a.clone(), true)).collect();
    ice.extend(
        h.pending_ice_actions
            .iter()
            .map(|a| (a.text.clone(), a.kind != "pickup_scheduled")),
    );
    ice.extend(h.unreviewed_incidents.iter().map(|i| (i.clone(), true)));
    ice.extend(h.standing.lines.iter().map(|l| (l.clone(), true)));
    if ice.is_empty() {
        ice = plain("none");
    }
    Row {
        cells: vec![
            plain(&(i + 1).to_string()),
            name_cell(&h.family_name, &h.given_names, &h.standing),
            plain(&h.booking_number),
            plain(&format!("{}\n{}", h.warrant_form, h.warrant_number)),
            plain(&two_lines(&h.served_at, tz)),
            deadline,
            vec![(h.remaining_text.clone(), h.release_required)],
            status,
            vec![(h.zone_name.clone(), false), perimeter],
            ice,
        ],
        shade: h.release_required.then_some(0.85),
    }
}

fn heading(canvas: &mut Canvas<'_>, frame: &mut Frame, s: &HandoffSheet) {
    let tz = s.timezone.parse().unwrap_or(chrono_tz::UTC);
    let short = |utc: &str| {
        stored(utc)
            .map(|t| local_short(t, tz))
            .unwrap_or_else(|_| utc.to_owned())
    };
    canvas.text(
        frame.left,
        frame.y + 15.0,
        15.0,
        true,
        "Shift handoff sheet",
    );
    canvas.text_right(frame.right, frame.y + 15.0, 13.0, true, &s.facility_name);
    frame.y += 24.0;
    let lines = [
        format!(
            "Facility {} · desk {} · all times local to {} with UTC offset · shift length {} h",
            s.facility_id, s.desk_id, s.timezone, s.shift_hours
        ),
        format!(
            "Ending shift: {} to {}        Next shift: {} to {}",
            short(&s.ending_shift.start_at),
            short(&s.ending_shift.end_at),
            short(&s.next_shift.start_at),
            short(&s.next_shift.end_at)
        ),
        format!(
            "Printed: {} ({} UTC) by {} ({})",
            short(&s.printed_at),
            s.printed_at,
            s.prepared_by.full_name,
            s.prepared_by.username
        ),
    ];
    for l in &lines {
        canvas.text(frame.left, frame.y + 9.0, 9.0, false, l);
        frame.y += 12.0;
    }
    let m = &s.summary;
    let counts = format!(
        "Open holds: {}    RELEASE REQUIRED: {}    Deadline in next shift: {}    Outside perimeter: {}    IGSA: {}    Closed this shift: {}",
        m.open, m.release_required, m.due_next_shift, m.outside_perimeter, m.igsa, m.closed_in_shift
    );
    frame.y += 2.0;
    canvas.fill(frame.left, frame.y, frame.width(), 15.0, 0.88);
    canvas.text(frame.left + 4.0, frame.y + 11.0, 9.5, true, &counts);
    frame.y += 20.0;
    let sync = match (&s.sync.last_success_at, s.sync.undelivered_events) {
        (Some(t), n) => format!(
            "Sync with ICE: {n} events not yet delivered; last successful sync {}",
            short(t)
        ),
        (None, n) => format!(
            "Sync with ICE: {n} events not yet delivered; this desk has never synced successfully"
        ),
    };
    canvas.text(
        frame.left,
        frame.y + 9.0,
        9.0,
        s.sync.undelivered_events > 0,
        &sync,
    );
    frame.y += 12.0;
    facility_view(canvas, frame, s);
    if m.complaints_due > 0 {
        let text = format!(
            "Complaints to report to ICE: {} ({} overdue), listed after the closed holds",
            m.complaints_due, m.complaints_overdue
        );
        canvas.text(frame.left, frame.y + 9.0, 9.0, true, &text);
        frame.y += 12.0;
    }
    let ack = match &s.last_acknowledgement {
        Some(a) => format!(
            "Last handoff acknowledged: {} ({}) took over from {} ({}) at {}",
            a.incoming.full_name,
            a.incoming.username,
            a.outgoing.full_name,
            a.outgoing.username,
            short(&a.acknowledged_at)
        ),
        None => "Last handoff acknowledged: none recorded on this desk".to_owned(),
    };
    canvas.text(frame.left, frame.y + 9.0, 9.0, false, &ack);
    frame.y += 18.0;
}

/// How fresh the facility view is (the sheet lists every desk's holds), each
/// other desk's line, and what between the desks needs a supervisor.
fn facility_view(canvas: &mut Canvas<'_>, frame: &mut Frame, s: &HandoffSheet) {
    let f = &s.freshness;
    let behind = f.desks.iter().any(|d| d.stale || d.problem.is_some());
    canvas.text(frame.left, frame.y + 9.0, 9.0, behind, &f.summary);
    frame.y += 12.0;
    for d in &f.desks {
        let late = d.stale || d.problem.is_some();
        for line in canvas.wrap(&d.line, frame.width() - 12.0, 9.0, late) {
            canvas.text(frame.left + 12.0, frame.y + 9.0, 9.0, late, &line);
            frame.y += 12.0;
        }
    }
    let m = &s.summary;
    if m.with_conflicts > 0 || m.possible_duplicates > 0 {
        let text = format!(
            "Between desks: holds with a conflict {}, possible duplicate bookings {}; each is shown on its row",
            m.with_conflicts, m.possible_duplicates
        );
        canvas.text(frame.left, frame.y + 9.0, 9.0, true, &text);
        frame.y += 12.0;
    }
}

fn continuation_top(canvas: &mut Canvas<'_>, frame: &Frame, s: &HandoffSheet) -> f32 {
    let text = format!(
        "Shift handoff sheet · {} · printed {} (continued)",
        s.facility_name, s.printed_at_local
    );
    canvas.text(frame.left, frame.top + 9.0, 9.0, true, &text);
    frame.top + 18.0
}

fn note(canvas: &mut Canvas<'_>, frame: &mut Frame, text: &str) {
    canvas.text(frame.left, frame.y + 10.0, 10.0, true, text);
    frame.y += 20.0;
}

fn signatures(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    s: &HandoffSheet,
    page_top: table::PageTop<'_>,
) {
    let height = 108.0;
    if frame.y + height > frame.bottom {
        table::next_page(canvas, frame, page_top);
    }
    let statement = "Incoming supervisor: I have received this sheet and accept responsibility for the holds listed from the time below.";
    canvas.text(frame.left, frame.y + 10.0, 9.0, false, statement);
    frame.y += 22.0;
    let half = (frame.width() - 24.0) / 2.0;
    let boxes = [
        ("Outgoing supervisor", frame.left, Some(&s.prepared_by)),
        ("Incoming supervisor", frame.left + half + 24.0, None),
    ];
    for (title, x, who) in boxes {
        let mut y = frame.y + 11.0;
        canvas.text(x, y, 11.0, true, title);
        y += 22.0;
        let fields = [
            (
                "Name",
                who.map(|p| format!("{} ({})", p.full_name, p.username)),
            ),
            ("Signature", None),
            ("Date and time", None),
        ];
        for (label, filled) in fields {
            canvas.text(x, y, BODY + 1.0, false, label);
            if let Some(v) = filled {
                canvas.text(x + 70.0, y - 2.0, BODY + 1.0, false, &v);
            }
            canvas.line((x + 68.0, y + 2.0), (x + half, y + 2.0), 0.6);
            y += 24.0;
        }
    }
    frame.y += height - 22.0;
}

fn footers(canvas: &mut Canvas<'_>, s: &HandoffSheet) {
    let text = format!(
        "WSO Desk shift handoff · {} · printed {} · contains personal data: keep and destroy per jail policy",
        s.facility_id, s.printed_at_local
    );
    table::footers(canvas, MARGIN, &text);
}
