//! Makes untrusted log text safe to show: a log line, a member name in an
//! archive or a captured message can hold escape sequences that would
//! drive a terminal, or bidi overrides and zero-width characters that make
//! the text read differently from what it is.

use std::{borrow::Cow, fmt::Write};

/// Whether `c` must not reach a terminal or a rendered page as it is:
/// C0 and C1 controls (ESC included), DEL, bidi embeddings, overrides and
/// isolates, zero-width characters, line and paragraph separators and the
/// byte order mark.
pub(crate) fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// `s` with every [`is_unsafe`] character written as an escape: `\x1b`
/// below U+0080, `\u{202e}` above; a backslash stays as it is, since the
/// reader only needs to tell that something was escaped.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_zero_width_are_escaped() {
        assert_eq!(escape("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(escape("x\u{202e}y\u{2066}z"), "x\\u{202e}y\\u{2066}z");
        assert_eq!(
            escape("\u{200b}\u{85}\t\u{7f}"),
            "\\u{200b}\\u{85}\\x09\\x7f"
        );
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("né ✓ 日本"), Cow::Borrowed(_)));
    }
}
