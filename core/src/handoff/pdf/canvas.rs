//! A page-by-page drawing surface in points, measured from the top-left
//! corner (the way a sheet is read), with text measured and wrapped against
//! the real glyph advances. It only records marks; `pdf::render` turns them
//! into a PDF once every glyph the sheet uses is known, so each font can be
//! embedded as one subset.

use super::fonts::{FontSet, GlyphUse};
use super::shape::{shape, Glyph};

/// Glyphs of one face in one run, as (subset glyph id, text it stands for).
pub struct Run {
    pub face: usize,
    pub x: f32,
    pub glyphs: Vec<(u16, String)>,
}

pub enum Mark {
    /// `y` is the baseline, from the top of the page.
    Text {
        y: f32,
        size: f32,
        bold: bool,
        runs: Vec<Run>,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A grey band behind a row (0 black .. 1 white).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

pub struct Canvas<'f> {
    pub fonts: &'f FontSet,
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Vec<Mark>>,
    pub glyphs: GlyphUse,
    /// The page marks go to (the newest, unless a footer pass goes back).
    current: usize,
    /// Some character had no glyph in any face (printed as a box).
    pub missing_glyphs: bool,
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f FontSet, width: f32, height: f32) -> Self {
        Canvas {
            fonts,
            width,
            height,
            pages: Vec::new(),
            glyphs: GlyphUse::default(),
            current: 0,
            missing_glyphs: false,
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.current = self.pages.len() - 1;
    }

    /// Draw on an earlier page (footers, once the page count is known).
    pub fn go_to_page(&mut self, index: usize) {
        self.current = index.min(self.pages.len().saturating_sub(1));
    }

    fn push(&mut self, mark: Mark) {
        if self.pages.is_empty() {
            self.new_page();
        }
        if let Some(page) = self.pages.get_mut(self.current) {
            page.push(mark);
        }
    }

    /// Width of `text` in points.
    pub fn measure(&self, text: &str, size: f32, bold: bool) -> f32 {
        shape(self.fonts, text, bold)
            .iter()
            .map(|g| g.advance)
            .sum::<f32>()
            * size
    }

    /// Draw one line of text with its left edge at `x`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let glyphs = shape(self.fonts, text, bold);
        let mut runs: Vec<Run> = Vec::new();
        let mut pen = x;
        for Glyph {
            face,
            gid,
            advance,
            text,
            missing,
        } in glyphs
        {
            self.missing_glyphs |= missing;
            let sub = if gid == 0 {
                0
            } else {
                self.glyphs.note(bold, face, gid)
            };
            // Every box is glyph 0, which can map to one text only: U+FFFD says
            // honestly that a character was not printed.
            let text = if gid == 0 {
                "\u{FFFD}".to_owned()
            } else {
                text
            };
            match runs.last_mut() {
                Some(run) if run.face == face => run.glyphs.push((sub, text)),
                _ => runs.push(Run {
                    face,
                    x: pen,
                    glyphs: vec![(sub, text)],
                }),
            }
            pen += advance * size;
        }
        self.push(Mark::Text {
            y,
            size,
            bold,
            runs,
        });
    }

    /// Draw one line of text with its right edge at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let w = self.measure(text, size, bold);
        self.text(right - w, y, size, bold, text);
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.push(Mark::Line { from, to, width });
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        self.push(Mark::Fill { x, y, w, h, grey });
    }

    /// Break `text` into lines no wider than `width`: at spaces where it can,
    /// inside a word only when the word alone is too wide (a long name must
    /// still print whole, never cut off). `\n` always breaks.
    pub fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.measure(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: split it by characters if it is still too wide.
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.measure(&next, size, bold) > width {
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    } else {
                        line = next;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}
