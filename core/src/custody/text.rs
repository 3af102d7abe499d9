//! What a typed name or number may contain, and when two numbers are one.
//!
//! Names are kept exactly as typed, in any script: Arabic, Hebrew,
//! Devanagari, Thai, Vietnamese, CJK, Hangul all pass. What is refused is
//! what makes one text read as another: control characters, the bidi
//! controls that reorder what a reader sees (U+202E turns "Doe" around), and
//! the invisible format characters (zero-width space, word joiner, byte order
//! mark, soft hyphen, fillers). The one exception is a zero-width
//! (non-)joiner between two letters of a non-Latin script, which Persian and
//! the Indic scripts need to spell names correctly.
//!
//! Warrant and booking numbers are refused with any invisible character at
//! all, and are compared by [`match_key`]: Unicode NFKC (full-width and
//! compatibility forms fold to plain ones), case folded, every dash as "-",
//! invisible characters removed, surrounding space trimmed. The hold table
//! keeps that key beside each number (migration 0007), and the schema allows
//! one open hold per warrant form and key.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The key two warrant (or booking) numbers are compared by. Stable: the
/// keys stored by migration 0007 were made with it, so a change here needs a
/// migration that recomputes them.
pub fn match_key(value: &str) -> String {
    let visible: String = value.nfkc().filter(|c| !is_hidden(*c)).collect();
    // NFKC again after lower-casing: a few lower-case forms decompose.
    let folded: String = visible
        .to_lowercase()
        .nfkc()
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect();
    folded.trim().to_owned()
}

/// Refuse the characters no name or number should carry, naming the field
/// and the code point. `joiners_between_letters` allows U+200C/U+200D
/// between two non-Latin letters (names); numbers pass `false`.
pub fn refuse_hidden(field: &str, value: &str, joiners_between_letters: bool) -> Result<()> {
    let chars: Vec<char> = value.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_control() {
            return Err(Error::invalid(
                field,
                format!("contains a control character (U+{:04X})", c as u32),
            ));
        }
        if !is_hidden(c) {
            continue;
        }
        if joiners_between_letters && is_joiner(c) {
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            if before.is_some_and(|b| is_script_letter(*b))
                && after.is_some_and(|a| is_script_letter(*a))
            {
                continue;
            }
        }
        let what = if is_bidi_control(c) {
            "a direction control character"
        } else {
            "an invisible character"
        };
        return Err(Error::invalid(
            field,
            format!(
                "contains {what} (U+{:04X}), which changes how it reads without showing; retype it",
                c as u32
            ),
        ));
    }
    Ok(())
}

/// Make [`match_key`] available to SQL as `wso_match_key(text)`, for
/// migration 0007 and the triggers that keep the keys of `hold` current.
pub(crate) fn register_sql_functions(conn: &rusqlite::Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "wso_match_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|v| match_key(&v))),
    )
    .map_err(|source| Error::Sqlite {
        context: "preparing the database functions",
        source,
    })
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// A letter or mark of a script other than Latin (the scripts that use joiners).
fn is_script_letter(c: char) -> bool {
    !c.is_ascii()
        && (c.is_alphabetic() || is_combining_mark(c))
        && !matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
}

/// Combining marks of the Indic and Arabic blocks (viramas, vowel signs,
/// harakat): a joiner often follows one (Devanagari "क्‍ष").
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0DFF)
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Format (Cf) and default-ignorable characters: they draw nothing, so two
/// texts that differ only by them look the same.
fn is_hidden(c: char) -> bool {
    is_bidi_control(c)
        || matches!(c as u32,
            0x00AD | 0x034F | 0x0600..=0x0605 | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
            | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F | 0x200B..=0x200D
            | 0x2060..=0x2064 | 0x206A..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF
            | 0xFFA0 | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// Dash punctuation: a hyphen typed from a phone or pasted from a PDF is the
/// same dash on a warrant.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{058A}'
                | '\u{05BE}'
                | '\u{1806}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_share_a_key_and_different_numbers_do_not() {
        for v in [
            "w-sql",
            "W-SQL",
            " W-sql ",
            "Ｗ－ｓｑｌ",
            "W-\u{200B}sql",
            "W\u{2010}sql",
            "\u{FEFF}W-sql",
        ] {
            assert_eq!(match_key(v), "w-sql", "{v:?}");
        }
        assert_ne!(match_key("W-sql"), match_key("W-sq1"));
        assert_ne!(match_key("W-2026-1"), match_key("W-2026-11"));
    }

    #[test]
    fn joiners_pass_only_inside_a_non_latin_word() {
        assert!(refuse_hidden("n", "مهر\u{200C}ناز", true).is_ok());
        assert!(refuse_hidden("n", "क्\u{200D}ष", true).is_ok());
        assert!(refuse_hidden("n", "Jo\u{200D}hn", true).is_err());
        assert!(refuse_hidden("n", "\u{200C}ناز", true).is_err());
        assert!(refuse_hidden("n", "مهر\u{200C}ناز", false).is_err());
    }
}
