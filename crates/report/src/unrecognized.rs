//! Error lines no signature knows: the engine's templates made report
//! entries, known noise left out, each input's list capped.

use std::sync::LazyLock;

use logsift_engine::Mined;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::model::{EvidenceLine, UnrecognizedCounts, UnrecognizedEntry};

/// The most templates an input lists; the rest are counted as omitted.
pub const MAX_PER_INPUT: usize = 500;

/// Templates of error lines healthy nodes print too, one per line: `<*>`
/// stands for any text. Each is a known start-up or shutdown message.
const NOISE: &str = include_str!("unrecognized/noise.txt");

static BUILT_IN: LazyLock<Ignore> =
    LazyLock::new(|| Ignore::parse(NOISE).unwrap_or_default());

/// Templates to leave out of the list, `<*>` standing for any text.
#[derive(Clone, Debug, Default)]
pub struct Ignore {
    patterns: Vec<Regex>,
}

impl Ignore {
    /// One template a line; blank lines and lines starting with `#` are
    /// skipped. An error names the line that does not compile.
    pub fn parse(text: &str) -> Result<Ignore, String> {
        let mut patterns = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<String> =
                line.split("<*>").map(regex::escape).collect();
            let source = format!("^{}$", parts.join(".*"));
            let re = Regex::new(&source)
                .map_err(|e| format!("line {}: {e}", n + 1))?;
            patterns.push(re);
        }
        Ok(Ignore { patterns })
    }

    fn matches(&self, template: &str) -> bool {
        self.patterns.iter().any(|p| p.is_match(template))
    }
}

/// The id of a template: the same text, the same id.
pub fn id(template: &str) -> String {
    let hash = Sha256::digest(template.as_bytes());
    let hex: String =
        hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("u-{hex}")
}

/// An input's templates as report entries, noise and `ignore` left out,
/// at most [`MAX_PER_INPUT`], and what was left out counted.
pub(crate) fn entries(
    input: &str,
    mined: Mined,
    ignore: Option<&Ignore>,
) -> (Vec<UnrecognizedEntry>, UnrecognizedCounts) {
    let mut counts = UnrecognizedCounts {
        lines: mined.lines,
        templates: mined.templates.len() as u64,
        dropped_lines: mined.dropped,
        ..UnrecognizedCounts::default()
    };
    let mut out = Vec::new();
    for u in mined.templates {
        if BUILT_IN.matches(&u.template)
            || ignore.is_some_and(|i| i.matches(&u.template))
        {
            counts.ignored_lines += u.count;
            continue;
        }
        if out.len() == MAX_PER_INPUT {
            counts.omitted += 1;
            continue;
        }
        out.push(UnrecognizedEntry {
            id: id(&u.template),
            template: u.template,
            input: input.to_string(),
            source: u.source,
            count: u.count,
            first_seen: u.first_seen,
            last_seen: u.last_seen,
            example: EvidenceLine {
                line: u.example.line,
                text: u.example.text,
                truncated: u.example.truncated,
            },
            example_path: u.files.first().cloned().unwrap_or_default(),
            files: u.files,
        });
    }
    counts.listed = out.len() as u64;
    (out, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_templates_match_whole_templates_with_wildcards() {
        let i = Ignore::parse(
            "# why\nUnable to read config path <*>\n\nfoo (x) <*> bar\n",
        )
        .unwrap();
        assert!(i.matches("Unable to read config path <*> <*>"));
        assert!(i.matches("foo (x) 1 2 bar"));
        assert!(!i.matches("prefix Unable to read config path <*>"));
        assert!(!i.matches("foo (y) 1 bar"));
    }

    #[test]
    fn ids_are_stable_and_short() {
        assert_eq!(id("a <*> b"), id("a <*> b"));
        assert_ne!(id("a <*> b"), id("a <*> c"));
        assert_eq!(id("x").len(), 12);
        assert!(BUILT_IN.patterns.len() > 3, "the built-in list loads");
    }
}
