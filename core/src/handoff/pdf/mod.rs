//! The handoff sheet as a PDF, laid out here rather than by an HTML engine so
//! that what prints is exactly what the layout code says: landscape A4 or US
//! Letter, 8 pt body text, wrapped cells, a repeated table header and
//! "Page X of N" on every page. Fonts are embedded subsets (see `fonts`), so
//! names in any script print, and extract, as recorded.
//!
//! Call [`render`] with a sheet from [`crate::handoff::sheet`]; save or print
//! the bytes; then record it with [`crate::handoff::record_print`].

// The drawing surface and tables are shared with the oversight report
// (`crate::report::pdf`), so both documents print names the same way.
pub(crate) mod canvas;
mod fonts;
mod layout;
mod shape;
pub(crate) mod table;

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use serde::{Deserialize, Serialize};

use self::canvas::{Canvas, Mark};
use self::fonts::FontSet;
use super::HandoffSheet;
use crate::error::{Error, Result};

/// Paper the sheet is laid out for (always landscape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub fn parse(s: &str) -> Option<Paper> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "letter" | "us-letter" => Some(Paper::Letter),
            _ => None,
        }
    }

    /// (width, height) in points, landscape.
    fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (841.89, 595.28),
            Paper::Letter => (792.0, 612.0),
        }
    }
}

/// A rendered sheet.
#[derive(Debug, Clone)]
pub struct RenderedSheet {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Some character of a name had no glyph in any font on this machine (it
    /// printed as a box): the caller should say so and name the fix.
    pub missing_glyphs: bool,
    /// No CJK font was found; only matters when `missing_glyphs` is set.
    pub cjk_font_missing: bool,
}

pub fn render(sheet: &HandoffSheet, paper: Paper) -> Result<RenderedSheet> {
    let title = format!("Shift handoff sheet, {}", sheet.facility_name);
    render_with(&title, paper, |canvas| layout::lay_out(canvas, sheet))
}

/// Lay a document out with `lay_out` on a landscape canvas of `paper` and
/// turn it into PDF bytes with subset fonts embedded.
pub(crate) fn render_with(
    title: &str,
    paper: Paper,
    lay_out: impl FnOnce(&mut Canvas<'_>),
) -> Result<RenderedSheet> {
    let fonts = FontSet::shared()
        .ok_or_else(|| pdf_error("the bundled DejaVu Sans fonts could not be read"))?;
    let (width, height) = paper.size();
    let mut canvas = Canvas::new(fonts, width, height);
    lay_out(&mut canvas);

    let mut doc = PdfDocument::new(title);
    doc.metadata.info.creator = "WSO Desk".into();
    let mut ids: BTreeMap<(bool, usize), FontId> = BTreeMap::new();
    for ((bold, face), glyphs) in &canvas.glyphs.used {
        let subset = fonts.faces(*bold)[*face]
            .subset(glyphs)
            .ok_or_else(|| pdf_error("a font could not be subset for the sheet"))?;
        ids.insert((*bold, *face), doc.add_font(&subset));
    }
    let pages: Vec<PdfPage> = canvas
        .pages
        .iter()
        .map(|marks| {
            PdfPage::new(
                Mm::from(Pt(width)),
                Mm::from(Pt(height)),
                to_ops(marks, height, &ids),
            )
        })
        .collect();
    let count = pages.len();
    let options = PdfSaveOptions {
        subset_fonts: false, // already subset by us
        ..PdfSaveOptions::default()
    };
    let bytes = doc.with_pages(pages).save(&options, &mut Vec::new());
    Ok(RenderedSheet {
        bytes,
        pages: count,
        missing_glyphs: canvas.missing_glyphs,
        cjk_font_missing: fonts.cjk_missing,
    })
}

fn pdf_error(message: &str) -> Error {
    Error::Io {
        context: "rendering a PDF".into(),
        source: std::io::Error::other(message.to_owned()),
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

/// Marks (top-left origin) to PDF operators (bottom-left origin).
fn to_ops(marks: &[Mark], height: f32, ids: &BTreeMap<(bool, usize), FontId>) -> Vec<Op> {
    let mut ops = Vec::new();
    let point = |x: f32, y: f32| Point {
        x: Pt(x),
        y: Pt(height - y),
    };
    for mark in marks {
        match mark {
            Mark::Text {
                y,
                size,
                bold,
                runs,
            } => {
                for run in runs {
                    let Some(id) = ids.get(&(*bold, run.face)) else {
                        continue; // only .notdef boxes of a face with no other glyph
                    };
                    let glyphs = run
                        .glyphs
                        .iter()
                        .map(|(gid, text)| Codepoint {
                            gid: *gid,
                            offset: 0.0,
                            cid: Some(text.clone()),
                        })
                        .collect();
                    ops.extend([
                        Op::StartTextSection,
                        Op::SetFillColor { col: grey(0.0) },
                        Op::SetFont {
                            font: PdfFontHandle::External(id.clone()),
                            size: Pt(*size),
                        },
                        Op::SetTextCursor {
                            pos: point(run.x, *y),
                        },
                        Op::ShowText {
                            items: vec![TextItem::GlyphIds(glyphs)],
                        },
                        Op::EndTextSection,
                    ]);
                }
            }
            Mark::Line { from, to, width } => ops.extend([
                Op::SetOutlineColor { col: grey(0.0) },
                Op::SetOutlineThickness { pt: Pt(*width) },
                Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: point(from.0, from.1),
                                bezier: false,
                            },
                            LinePoint {
                                p: point(to.0, to.1),
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                },
            ]),
            Mark::Fill {
                x,
                y,
                w,
                h,
                grey: g,
            } => ops.extend([
                Op::SetFillColor { col: grey(*g) },
                Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(height - y - h),
                        width: Pt(*w),
                        height: Pt(*h),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                },
                Op::SetFillColor { col: grey(0.0) },
            ]),
        }
    }
    ops
}
