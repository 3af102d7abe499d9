//! Fonts for the sheet (docs/adr/0005-handoff-sheet-pdf-and-fonts.md): DejaVu Sans,
//! bundled, for Latin (Vietnamese included), Greek, Cyrillic, Hebrew and
//! Arabic; Noto Sans CJK from the system for Chinese, Japanese and Korean
//! names. Each character is drawn with the first face that has a glyph for
//! it, and each face is embedded as a subset of the glyphs the sheet uses, so
//! a sheet stays tens of kilobytes even with a 19 MB CJK collection behind it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::ParsedFont;

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Where Noto Sans CJK lives when the OS package is installed (Debian
/// fonts-noto-cjk, Fedora google-noto-sans-cjk), and the face of the
/// collection to use. `WSO_CJK_FONT=PATH[#INDEX]` overrides both.
const CJK_CANDIDATES: &[(&str, usize)] = &[
    // Face 2 is "Noto Sans CJK SC": simplified Chinese forms, the commonest
    // script among CJK names in US jails; JP/KR/TC share the same coverage.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        0,
    ),
];

/// One face: its character map and advances, and the font program (kept in
/// `ParsedFont::original_bytes`, which printpdf's build without `text_layout`
/// exposes) for subsetting.
pub struct Face {
    parsed: ParsedFont,
}

impl Face {
    fn load(bytes: &[u8], index: usize) -> Option<Face> {
        ParsedFont::from_bytes(bytes, index, &mut Vec::new()).map(|parsed| Face { parsed })
    }

    pub fn glyph(&self, c: char) -> Option<u16> {
        self.parsed.lookup_glyph_index(c as u32).filter(|g| *g != 0)
    }

    /// Advance of a glyph, in ems.
    pub fn advance(&self, gid: u16) -> f32 {
        let upem = f32::from(self.parsed.units_per_em.max(1));
        f32::from(self.parsed.get_glyph_width(gid).unwrap_or(0)) / upem
    }

    /// A font program holding only `glyphs` (renumbered 1.. in the given
    /// order, 0 staying .notdef), ready for `PdfDocument::add_font`.
    pub fn subset(&self, glyphs: &[u16]) -> Option<ParsedFont> {
        let ids: Vec<u16> = std::iter::once(0).chain(glyphs.iter().copied()).collect();
        let data = ReadScope::new(&self.parsed.original_bytes)
            .read::<FontData<'_>>()
            .ok()?;
        let provider = data.table_provider(self.parsed.font_index as usize).ok()?;
        let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()?;
        ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
    }
}

/// The faces a sheet is drawn with, regular and bold, in fallback order.
pub struct FontSet {
    regular: Vec<Arc<Face>>,
    bold: Vec<Arc<Face>>,
    /// Set when no CJK face was found: CJK names would print as boxes.
    pub cjk_missing: bool,
}

impl FontSet {
    /// Loaded once per process: parsing a 19 MB collection is not free, and
    /// the window may render the sheet many times.
    pub fn shared() -> Option<&'static FontSet> {
        static SET: OnceLock<Option<FontSet>> = OnceLock::new();
        SET.get_or_init(FontSet::load).as_ref()
    }

    fn load() -> Option<FontSet> {
        let regular = Arc::new(Face::load(DEJAVU_SANS, 0)?);
        let bold = Arc::new(Face::load(DEJAVU_SANS_BOLD, 0)?);
        let mut set = FontSet {
            regular: vec![regular],
            bold: vec![bold],
            cjk_missing: true,
        };
        // One CJK face serves both weights: a regular CJK name in a bold line
        // still reads, and a second 19 MB face is not worth it.
        if let Some(cjk) = cjk_face() {
            let cjk = Arc::new(cjk);
            set.regular.push(cjk.clone());
            set.bold.push(cjk);
            set.cjk_missing = false;
        }
        Some(set)
    }

    pub fn faces(&self, bold: bool) -> &[Arc<Face>] {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Which face draws `c`: the first that has it; `None` if none does.
    pub fn face_for(&self, c: char, bold: bool) -> Option<(usize, u16)> {
        self.faces(bold)
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.glyph(c).map(|g| (i, g)))
    }
}

fn cjk_face() -> Option<Face> {
    if let Ok(spec) = std::env::var("WSO_CJK_FONT") {
        let (path, index) = match spec.rsplit_once('#') {
            Some((p, i)) => (p.to_owned(), i.parse().unwrap_or(0)),
            None => (spec.clone(), 0),
        };
        return std::fs::read(path).ok().and_then(|b| Face::load(&b, index));
    }
    CJK_CANDIDATES.iter().find_map(|(path, index)| {
        std::fs::read(Path::new(path))
            .ok()
            .and_then(|b| Face::load(&b, *index))
    })
}

/// Glyphs used per face while a sheet is laid out, in first-use order.
#[derive(Default)]
pub struct GlyphUse {
    /// (bold, face index) -> original glyph ids
    pub used: BTreeMap<(bool, usize), Vec<u16>>,
}

impl GlyphUse {
    /// The glyph's id in the subset of its face (its position + 1).
    pub fn note(&mut self, bold: bool, face: usize, gid: u16) -> u16 {
        let list = self.used.entry((bold, face)).or_default();
        match list.iter().position(|g| *g == gid) {
            Some(p) => p as u16 + 1,
            None => {
                list.push(gid);
                list.len() as u16
            }
        }
    }
}
