//! From a string to glyphs in drawing order.
//!
//! Most scripts on the sheet need nothing: one character, one glyph, left to
//! right (Vietnamese precomposed letters included). Arabic needs two things a
//! plain character map does not give: each letter takes the form that joins
//! its neighbours (isolated, final, initial, medial; lam-alef as one
//! ligature), and the word runs right to left. We do both here with the
//! Unicode joining rules and the Arabic Presentation Forms-B glyphs DejaVu
//! Sans carries, and reverse right-to-left runs into visual order. Every glyph
//! keeps the logical text it stands for, which the PDF's ToUnicode map carries,
//! so copying or extracting the text gives back the name as recorded.
//!
//! Not done (see the ADR): letters outside the basic Arabic block (Persian,
//! Urdu extras) are drawn unjoined, and mixed-direction text follows a
//! simplified bidi rule (runs of right-to-left letters reversed in place).

use super::fonts::FontSet;

/// One glyph to draw: which face, which glyph of that face (original id),
/// its advance in ems, and the text it represents.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub face: usize,
    pub gid: u16,
    pub advance: f32,
    pub text: String,
    /// No face has this character: drawn as the missing-glyph box.
    pub missing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Joining {
    /// Joins on both sides (most letters).
    Dual,
    /// Joins only to the letter before it (alef, dal, ra, waw ...).
    Right,
    /// Tatweel: joins both ways, has no forms of its own.
    Causing,
    /// Harakat: skipped when deciding joins.
    Transparent,
    None,
}

fn joining(c: char) -> Joining {
    match c as u32 {
        0x0622..=0x0625 | 0x0627 | 0x0629 | 0x062F..=0x0632 | 0x0648 | 0x0649 => Joining::Right,
        0x0626 | 0x0628 | 0x062A..=0x062E | 0x0633..=0x063A | 0x0641..=0x0647 | 0x064A => {
            Joining::Dual
        }
        0x0640 => Joining::Causing,
        0x064B..=0x065F | 0x0670 => Joining::Transparent,
        _ => Joining::None,
    }
}

/// Presentation Forms-B: the isolated form of each letter; final, initial and
/// medial follow it in that order (right-joining letters have only the first two).
fn isolated_form(c: char) -> Option<u32> {
    Some(match c as u32 {
        0x0621 => 0xFE80,
        0x0622 => 0xFE81,
        0x0623 => 0xFE83,
        0x0624 => 0xFE85,
        0x0625 => 0xFE87,
        0x0626 => 0xFE89,
        0x0627 => 0xFE8D,
        0x0628 => 0xFE8F,
        0x0629 => 0xFE93,
        0x062A => 0xFE95,
        0x062B => 0xFE99,
        0x062C => 0xFE9D,
        0x062D => 0xFEA1,
        0x062E => 0xFEA5,
        0x062F => 0xFEA9,
        0x0630 => 0xFEAB,
        0x0631 => 0xFEAD,
        0x0632 => 0xFEAF,
        0x0633 => 0xFEB1,
        0x0634 => 0xFEB5,
        0x0635 => 0xFEB9,
        0x0636 => 0xFEBD,
        0x0637 => 0xFEC1,
        0x0638 => 0xFEC5,
        0x0639 => 0xFEC9,
        0x063A => 0xFECD,
        0x0641 => 0xFED1,
        0x0642 => 0xFED5,
        0x0643 => 0xFED9,
        0x0644 => 0xFEDD,
        0x0645 => 0xFEE1,
        0x0646 => 0xFEE5,
        0x0647 => 0xFEE9,
        0x0648 => 0xFEED,
        0x0649 => 0xFEEF,
        0x064A => 0xFEF1,
        _ => return None,
    })
}

/// Lam followed by one of the alefs: the isolated lam-alef ligature.
fn lam_alef(alef: char) -> Option<u32> {
    Some(match alef as u32 {
        0x0622 => 0xFEF5,
        0x0623 => 0xFEF7,
        0x0625 => 0xFEF9,
        0x0627 => 0xFEFB,
        _ => return None,
    })
}

fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Glyphs for `text` in visual (drawing) order.
pub fn shape(fonts: &FontSet, text: &str, bold: bool) -> Vec<Glyph> {
    let chars: Vec<char> = text.chars().collect();
    // Logical order first: (glyph, is right-to-left)
    let mut logical: Vec<(Glyph, bool)> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let joins_before = joins_previous(&chars, i);
        if c == '\u{0644}' {
            if let Some(lig) = chars.get(i + 1).and_then(|a| lam_alef(*a)) {
                let form = if joins_before { lig + 1 } else { lig };
                let text: String = chars[i..i + 2].iter().collect();
                logical.push((glyph_for(fonts, form, c, text, bold), true));
                i += 2;
                continue;
            }
        }
        let form = isolated_form(c).map(|iso| {
            let joins_after = joins_next(&chars, i);
            match (joining(c), joins_before, joins_after) {
                (Joining::Dual, true, true) => iso + 3,
                (Joining::Dual, false, true) => iso + 2,
                (Joining::Dual | Joining::Right, true, _) => iso + 1,
                _ => iso,
            }
        });
        let g = glyph_for(fonts, form.unwrap_or(c as u32), c, c.to_string(), bold);
        logical.push((g, is_rtl(c)));
        i += 1;
    }
    visual_order(logical)
}

/// Does the letter at `i` connect to a letter before it?
fn joins_previous(chars: &[char], i: usize) -> bool {
    if !matches!(
        joining(chars[i]),
        Joining::Dual | Joining::Right | Joining::Causing
    ) {
        return false;
    }
    let prev = chars[..i]
        .iter()
        .rev()
        .find(|c| joining(**c) != Joining::Transparent);
    matches!(
        prev.map(|c| joining(*c)),
        Some(Joining::Dual | Joining::Causing)
    )
}

/// Does the letter at `i` connect to a letter after it?
fn joins_next(chars: &[char], i: usize) -> bool {
    if !matches!(joining(chars[i]), Joining::Dual | Joining::Causing) {
        return false;
    }
    let next = chars[i + 1..]
        .iter()
        .find(|c| joining(**c) != Joining::Transparent);
    matches!(
        next.map(|c| joining(*c)),
        Some(Joining::Dual | Joining::Right | Joining::Causing)
    )
}

fn glyph_for(fonts: &FontSet, form: u32, base: char, text: String, bold: bool) -> Glyph {
    // Prefer the joined form; fall back to the base letter if no face has it.
    let found = char::from_u32(form)
        .and_then(|f| fonts.face_for(f, bold))
        .or_else(|| fonts.face_for(base, bold));
    match found {
        Some((face, gid)) => Glyph {
            face,
            gid,
            advance: fonts.faces(bold)[face].advance(gid),
            text,
            missing: false,
        },
        None => Glyph {
            face: 0,
            gid: 0,
            advance: fonts.faces(bold)[0].advance(0),
            text,
            missing: !base.is_whitespace(),
        },
    }
}

/// Reverse each right-to-left run. A run is right-to-left letters plus the
/// spaces and marks between them; a space at its edge stays where it was.
fn visual_order(logical: Vec<(Glyph, bool)>) -> Vec<Glyph> {
    let n = logical.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        if !logical[i].1 {
            out.push(logical[i].0.clone());
            i += 1;
            continue;
        }
        // Extend over neutrals only while another RTL glyph follows them.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < n {
            if logical[j].1 {
                end = j + 1;
            } else if !is_neutral(&logical[j].0.text) {
                break;
            }
            j += 1;
        }
        // Reversed glyph by glyph, and a ligature's own text too: the page is
        // in visual order, and extractors restore logical order character by
        // character (poppler does; checked by the tests), so lam-alef must
        // read "ال" left to right.
        out.extend(logical[i..end].iter().rev().map(|(g, _)| Glyph {
            text: g.text.chars().rev().collect(),
            ..g.clone()
        }));
        i = end;
    }
    out
}

fn is_neutral(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || matches!(c, '-' | '\'' | '.' | ',' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<(u16, String)> {
        let fonts = FontSet::shared().unwrap();
        shape(fonts, text, false)
            .into_iter()
            .map(|g| (g.gid, g.text))
            .collect()
    }

    fn gid(c: u32) -> u16 {
        let fonts = FontSet::shared().unwrap();
        fonts.face_for(char::from_u32(c).unwrap(), false).unwrap().1
    }

    #[test]
    fn arabic_letters_join_and_run_right_to_left() {
        // محمد: meem initial, hah medial, meem medial, dal final; drawn from the left,
        // so the last letter comes first.
        let want = [(0xFEAA, "د"), (0xFEE4, "م"), (0xFEA4, "ح"), (0xFEE3, "م")];
        let want: Vec<(u16, String)> = want.iter().map(|(c, t)| (gid(*c), t.to_string())).collect();
        assert_eq!(forms("محمد"), want);
    }

    #[test]
    fn lam_alef_is_one_ligature_whose_text_reads_back_in_logical_order() {
        let got = forms("لا");
        assert_eq!(got, [(gid(0xFEFB), "ال".to_string())]);
    }

    #[test]
    fn latin_and_vietnamese_are_one_glyph_per_character_left_to_right() {
        let got: String = forms("Nguyễn Ólafsdóttir")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(got, "Nguyễn Ólafsdóttir");
    }

    #[test]
    fn a_right_to_left_run_inside_latin_text_is_reversed_in_place() {
        let got: String = forms("Haddad محمد علي (B-1)")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(got, "Haddad يلع دمحم (B-1)");
    }
}
