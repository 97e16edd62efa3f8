//! Error lines no signature knows: the engine's templates made report
//! entries, known noise left out, each input's list capped.

use std::sync::LazyLock;

use logsift_engine::Mined;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::model::{EvidenceLine, UnrecognizedCounts, UnrecognizedEntry};

/// What a template's varying parts are written as.
const WILDCARD: &str = "<*>";

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

/// A signature for a local pack, drafted from the template `entry`, as
/// TOML ready to edit: its longest run of fixed words as the pattern, a
/// regex with the wildcards as the lines' varying parts, its example line
/// to match, and as near misses the examples of `others` (the report's
/// other templates) that the draft does not match. What only a person can
/// say (what it means, how to fix it) is left for them to write.
pub fn draft(
    entry: &UnrecognizedEntry,
    others: &[&UnrecognizedEntry],
) -> String {
    let words: Vec<&str> = entry.template.split(' ').collect();
    let example = &entry.example.text;
    let pattern = longest_run(&words)
        .filter(|run| run.len() >= 5 && example.contains(run.as_str()))
        .or_else(|| {
            words
                .iter()
                .filter(|w| **w != WILDCARD && example.contains(*w))
                .max_by_key(|w| w.len())
                .map(|w| w.to_string())
        })
        .unwrap_or_default();
    let regex = {
        // Wildcards at either end add nothing to an unanchored regex.
        let inner = match (
            words.iter().position(|w| *w != WILDCARD),
            words.iter().rposition(|w| *w != WILDCARD),
        ) {
            (Some(a), Some(b)) => &words[a..=b],
            _ => &words[..0],
        };
        let parts: Vec<String> = inner
            .iter()
            .map(|w| {
                if *w == WILDCARD {
                    ".+?".to_string()
                } else {
                    regex::escape(w)
                }
            })
            .collect();
        let source = parts.join(r"\s+");
        Regex::new(&source)
            .ok()
            .filter(|re| !parts.is_empty() && re.is_match(example))
    };
    let matches = |line: &str| {
        line.contains(pattern.as_str())
            && regex.as_ref().is_none_or(|re| re.is_match(line))
    };
    let near: Vec<&str> = others
        .iter()
        .map(|o| o.example.text.as_str())
        .filter(|line| !matches(line))
        .take(3)
        .collect();
    let title = pattern.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let slug: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    let mut out = String::new();
    out.push_str(&format!(
        "# Drafted by `logsift signatures draft {}` from {} line(s) in {}.\n\
         # Write what it means and how to fix it; add a link to the fix when\n\
         # there is one; check the pattern and regex; load it with\n\
         # --signatures FILE and run `logsift signatures lint FILE`.\n\n",
        entry.id, entry.count, entry.input
    ));
    out.push_str("[[signature]]\n");
    out.push_str(&format!(
        "id = {}\n",
        quote(&format!("local-{}", slug.join("-")))
    ));
    out.push_str(&format!("title = {}\n", quote(title)));
    out.push_str("severity = \"error\"\ncategory = \"local\"\n");
    if entry.source != logsift_signatures::SourceKind::Unknown {
        out.push_str(&format!(
            "sources = [{}]\n",
            quote(entry.source.as_str())
        ));
    }
    out.push_str(&format!(
        "summary = {}\n",
        quote(&format!(
            "Not yet written: what this failure is. Seen as {} ({}).",
            entry.id, entry.template
        ))
    ));
    out.push_str(&format!("patterns = [{}]\n", quote(&pattern)));
    if let Some(re) = &regex {
        out.push_str(&format!("regex = {}\n", quote(re.as_str())));
    }
    out.push_str(&format!(
        "fix = {}\n\n",
        quote("Not yet written: how to fix it.")
    ));
    out.push_str("[signature.examples]\n");
    out.push_str(&format!(
        "local = {}\n",
        quote(&format!(
            "{} lines of {} in {}",
            entry.count, entry.id, entry.input
        ))
    ));
    out.push_str(&format!("match = [\n    {},\n]\n", quote(example)));
    out.push_str("no_match = [\n");
    for line in near {
        out.push_str(&format!("    {},\n", quote(line)));
    }
    out.push_str("]\n");
    out
}

/// The longest run of words without a wildcard, joined by spaces.
fn longest_run(words: &[&str]) -> Option<String> {
    words
        .split(|w| *w == WILDCARD)
        .filter(|run| !run.is_empty())
        .map(|run| run.join(" "))
        .max_by_key(String::len)
}

/// `s` as a TOML string: literal when it can be, basic and escaped when
/// it holds a quote or a control character.
fn quote(s: &str) -> String {
    if !s.contains('\'') && !s.chars().any(char::is_control) {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
    fn drafts_quote_toml_and_take_the_longest_fixed_run() {
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(quote("it's \"x\" \\ \t"), r#""it's \"x\" \\ \u0009""#);
        let words = ["<*>", "a", "bb", "<*>", "ccc", "dd", "<*>"];
        assert_eq!(longest_run(&words).as_deref(), Some("ccc dd"));
        assert_eq!(longest_run(&["<*>"]), None);
    }

    #[test]
    fn ids_are_stable_and_short() {
        assert_eq!(id("a <*> b"), id("a <*> b"));
        assert_ne!(id("a <*> b"), id("a <*> c"));
        assert_eq!(id("x").len(), 12);
        assert!(BUILT_IN.patterns.len() > 3, "the built-in list loads");
    }
}
