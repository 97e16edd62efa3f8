//! Errors from loading a signature pack, each pointing at `file:line:col`.

use std::fmt;

/// One problem in a pack file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The pack file, as named when it was loaded.
    pub file: String,
    /// 1-based line, or 0 when the problem is with the whole file.
    pub line: usize,
    /// 1-based column, or 0 with `line`.
    pub col: usize,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
    /// The offending text, when there is one.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// A problem at a byte offset of `text`, with the offending line as
    /// its snippet.
    pub fn at(
        file: &str,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, col) = line_col(text, offset);
        let snippet = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end().to_string())
            .filter(|l| !l.is_empty());
        Diagnostic {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
            snippet,
        }
    }

    /// A problem with a whole file.
    pub fn file(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            col: 0,
            message: message.into(),
            snippet: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            )?;
        }
        if let Some(s) = &self.snippet {
            write!(f, "\n    | {s}")?;
        }
        Ok(())
    }
}

/// Loading failed; every problem found is listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> LoadError {
        LoadError { diagnostics }
    }

    /// The problems, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl From<Diagnostic> for LoadError {
    fn from(d: Diagnostic) -> LoadError {
        LoadError { diagnostics: vec![d] }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The lines of one text, to find many offsets' line numbers without
/// reading the text again for each.
pub(crate) struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The text of 1-based line `line`, without its line break.
    pub(crate) fn get(&self, line: usize) -> Option<&'a str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(self.text.len(), |&e| e - 1);
        let l = self.text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_line_col() {
        let t = "ab\ncd\r\n\nef";
        let lines = Lines::new(t);
        for offset in 0..=t.len() + 2 {
            assert_eq!(
                lines.line_of(offset),
                line_col(t, offset).0,
                "{offset}"
            );
        }
        let all: Vec<_> = (1..=5).map(|l| lines.get(l)).collect();
        assert_eq!(all, [Some("ab"), Some("cd"), Some(""), Some("ef"), None]);
    }

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncd\nef";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (2, 2));
        assert_eq!(line_col(t, 100), (3, 3));
    }

    #[test]
    fn diagnostic_shows_position_and_snippet() {
        let d = Diagnostic::at("p.toml", "a = 1\nb = x\n", 10, "bad value");
        assert_eq!(d.to_string(), "p.toml:2:5: bad value\n    | b = x");
    }
}
