//! Tables that break across pages: each row is measured first (cells wrap,
//! never clip), a row that does not fit starts a new page, and the new page
//! gets the section title and the column header again, so every printed page
//! can be read on its own.

use std::borrow::Cow;

use super::canvas::Canvas;

pub const BODY: f32 = 8.0;
pub const LEADING: f32 = 9.6;
const PAD: f32 = 3.0;

pub struct Column {
    /// Fixed for the handoff sheet; built at run time for the report's months.
    pub title: Cow<'static, str>,
    /// Share of the usable width, in points at US Letter landscape.
    pub width: f32,
}

pub const fn col(title: &'static str, width: f32) -> Column {
    Column {
        title: Cow::Borrowed(title),
        width,
    }
}

/// One cell: paragraphs, each (text, bold).
pub type Cell = Vec<(String, bool)>;

pub struct Row {
    pub cells: Vec<Cell>,
    /// Grey band behind the row (0 black .. 1 white), for emphasis on paper.
    pub shade: Option<f32>,
}

/// Where the next thing goes, and the page's usable frame.
pub struct Frame {
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub y: f32,
}

impl Frame {
    pub fn width(&self) -> f32 {
        self.right - self.left
    }
}

/// Draws the top of a continuation page and returns the y below it.
pub type PageTop<'a> = &'a dyn Fn(&mut Canvas<'_>, &Frame) -> f32;

pub fn draw(
    canvas: &mut Canvas<'_>,
    frame: &mut Frame,
    title: &str,
    columns: &[Column],
    rows: &[Row],
    page_top: PageTop<'_>,
) {
    let total: f32 = columns.iter().map(|c| c.width).sum();
    let scale = frame.width() / total;
    let widths: Vec<f32> = columns.iter().map(|c| c.width * scale).collect();

    let header_h = header_height(canvas, columns, &widths);
    // A title with no room for the header and one row moves to the next page.
    if frame.y + 14.0 + header_h + 3.0 * LEADING > frame.bottom {
        next_page(canvas, frame, page_top);
    }
    section_title(canvas, frame, title);
    header(canvas, frame, columns, &widths);
    for (i, row) in rows.iter().enumerate() {
        let lines: Vec<Vec<(String, bool)>> = row
            .cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| wrap_cell(canvas, cell, w - 2.0 * PAD))
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * LEADING + 2.0 * PAD;
        if frame.y + height > frame.bottom {
            next_page(canvas, frame, page_top);
            section_title(canvas, frame, &format!("{title} (continued)"));
            header(canvas, frame, columns, &widths);
        }
        let shade = row.shade.or(if i % 2 == 1 { Some(0.95) } else { None });
        if let Some(grey) = shade {
            canvas.fill(frame.left, frame.y, frame.width(), height, grey);
        }
        let mut x = frame.left;
        for (cell_lines, w) in lines.iter().zip(&widths) {
            let mut y = frame.y + PAD + BODY;
            for (text, bold) in cell_lines {
                canvas.text(x + PAD, y, BODY, *bold, text);
                y += LEADING;
            }
            x += w;
        }
        frame.y += height;
        canvas.line((frame.left, frame.y), (frame.right, frame.y), 0.3);
    }
    frame.y += 10.0;
}

fn wrap_cell(canvas: &Canvas<'_>, cell: &Cell, width: f32) -> Vec<(String, bool)> {
    cell.iter()
        .flat_map(|(text, bold)| {
            canvas
                .wrap(text, width, BODY, *bold)
                .into_iter()
                .map(move |l| (l, *bold))
        })
        .collect()
}

fn header_height(canvas: &Canvas<'_>, columns: &[Column], widths: &[f32]) -> f32 {
    let lines = columns
        .iter()
        .zip(widths)
        .map(|(c, w)| canvas.wrap(&c.title, w - 2.0 * PAD, BODY, true).len())
        .max()
        .unwrap_or(1);
    lines as f32 * LEADING + 2.0 * PAD
}

fn header(canvas: &mut Canvas<'_>, frame: &mut Frame, columns: &[Column], widths: &[f32]) {
    let h = header_height(canvas, columns, widths);
    canvas.fill(frame.left, frame.y, frame.width(), h, 0.82);
    let mut x = frame.left;
    for (c, w) in columns.iter().zip(widths) {
        let mut y = frame.y + PAD + BODY;
        for line in canvas.wrap(&c.title, w - 2.0 * PAD, BODY, true) {
            canvas.text(x + PAD, y, BODY, true, &line);
            y += LEADING;
        }
        x += w;
    }
    frame.y += h;
    canvas.line((frame.left, frame.y), (frame.right, frame.y), 0.8);
}

fn section_title(canvas: &mut Canvas<'_>, frame: &mut Frame, title: &str) {
    canvas.text(frame.left, frame.y + 11.0, 11.0, true, title);
    frame.y += 15.0;
}

pub fn next_page(canvas: &mut Canvas<'_>, frame: &mut Frame, page_top: PageTop<'_>) {
    canvas.new_page();
    frame.y = page_top(canvas, frame);
}

/// On every page, once the whole document is laid out and N is known: a rule,
/// `text` on the left and "Page X of N" on the right, `margin` from the edges.
pub fn footers(canvas: &mut Canvas<'_>, margin: f32, text: &str) {
    let n = canvas.pages.len();
    let (left, right, y) = (margin, canvas.width - margin, canvas.height - margin);
    for page in 0..n {
        canvas.go_to_page(page);
        canvas.line((left, y - 10.0), (right, y - 10.0), 0.4);
        canvas.text(left, y, BODY, false, text);
        canvas.text_right(
            right,
            y,
            BODY + 1.0,
            true,
            &format!("Page {} of {}", page + 1, n),
        );
    }
}
