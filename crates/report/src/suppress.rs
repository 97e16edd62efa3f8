//! Suppressions: findings someone has looked at and accepted, listed in a
//! TOML file with a reason each, so a known failure stops failing CI
//! without disappearing from the report.
//!
//! ```toml
//! [[suppression]]
//! signature = "tls-handshake-timeout"      # a signature id,
//! path = "**/var_log/messages"             # a glob of the file's path,
//! fingerprint = "3f0c…"                    # or a finding's fingerprint
//! reason = "proxy flaps during patching, OPS-1234"
//! expires = 2026-12-31                     # optional, inclusive
//! ```
//!
//! An entry matches a finding when every criterion it gives matches, so
//! `signature` and `path` together narrow each other; at least one is
//! required. `path` is a glob (`*` stays within a `/` segment, `**`
//! crosses them) tried on the file's virtual path and on its path inside
//! the input (`kubelet/kubelet.log` for `b.tar.gz!kubelet/kubelet.log`).
//! The file is strict: an unknown key, a missing reason, a bad glob or
//! date is an error at `file:line:col`, like a signature pack's.

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use logsift_signatures::{Diagnostic, Pack, line_col, suggestions_note};
use serde::Deserialize;
use toml::Spanned;

/// The entries of a suppressions file, in file order.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    entries: Vec<Entry>,
}

/// One suppression.
#[derive(Clone, Debug)]
pub struct Entry {
    signature: Option<String>,
    path: Option<GlobMatcher>,
    fingerprint: Option<String>,
    /// Why the findings it covers are accepted.
    pub reason: String,
    /// The last day it suppresses, when it expires.
    pub expires: Option<Date>,
    /// The file it was read from, as named.
    pub file: String,
    /// The line of its `[[suppression]]` header.
    pub line: usize,
    /// Where its `signature` is written, for an error naming it.
    signature_at: Option<Diagnostic>,
}

/// What a finding is matched on.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The signature's id.
    pub signature: &'a str,
    /// The input, as named.
    pub input: &'a str,
    /// The file's virtual path.
    pub path: &'a str,
    /// The finding's `logsift/v1` fingerprint.
    pub fingerprint: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    suppression: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    signature: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    fingerprint: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

impl Suppressions {
    /// No suppressions.
    pub fn new() -> Suppressions {
        Suppressions::default()
    }

    /// Reads the file at `path`; errors name it as given.
    pub fn load(path: &Path) -> Result<Suppressions, Diagnostic> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            diagnostic(&file, "", None, format!("cannot read ({e})"))
        })?;
        Suppressions::parse(&file, &text)
    }

    /// Parses `text`, read from `file`.
    pub fn parse(file: &str, text: &str) -> Result<Suppressions, Diagnostic> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| s.start);
            diagnostic(file, text, at, e.message().trim_end().to_string())
        })?;
        let mut entries = Vec::new();
        for spanned in raw.suppression {
            let start = spanned.span().start;
            let raw = spanned.into_inner();
            entries.push(entry(file, text, start, raw)?);
        }
        Ok(Suppressions { entries })
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops the entries that expired before `now`'s day (in UTC) and
    /// returns them, so the caller can warn: an expired entry suppresses
    /// nothing, which makes the accepted failure visible again.
    pub fn drop_expired(&mut self, now: Timestamp) -> Vec<Entry> {
        let today = now.to_zoned(TimeZone::UTC).date();
        let (expired, kept) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|e| e.expires.is_some_and(|d| d < today));
        self.entries = kept;
        expired
    }

    /// Every entry whose `signature` names no signature of `pack`, at its
    /// place in the file, with the ids it may have meant: such an entry
    /// would suppress nothing, silently.
    pub fn unknown_ids(&self, pack: &Pack) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for e in &self.entries {
            let (Some(id), Some(at)) = (&e.signature, &e.signature_at) else {
                continue;
            };
            if pack.get(id).is_some() {
                continue;
            }
            let message = match pack.diagnosis(id) {
                Some(d) => format!(
                    "{id:?} is a diagnosis: it is suppressed when every \
                     finding it rests on is, so suppress those signatures \
                     ({})",
                    d.all_of
                        .iter()
                        .chain(&d.any_of)
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!(
                    "no signature with id {id:?}{}",
                    suggestions_note(&pack.suggest(id))
                ),
            };
            problems.push(Diagnostic { message, ..at.clone() });
        }
        problems
    }

    /// The first entry that covers `t`.
    pub fn find(&self, t: &Target<'_>) -> Option<&Entry> {
        self.entries.iter().find(|e| e.matches(t))
    }
}

impl Entry {
    fn matches(&self, t: &Target<'_>) -> bool {
        if self.signature.as_deref().is_some_and(|s| s != t.signature) {
            return false;
        }
        if self.fingerprint.as_deref().is_some_and(|f| f != t.fingerprint) {
            return false;
        }
        match &self.path {
            None => true,
            Some(glob) => {
                glob.is_match(t.path) || glob.is_match(inner_path(t))
            }
        }
    }

    /// `expires` as written in reports: `YYYY-MM-DD`.
    pub fn expires_text(&self) -> Option<String> {
        self.expires.map(|d| d.to_string())
    }
}

/// The file's path inside its input: the virtual path without the input
/// and the `!` or `/` after it.
fn inner_path<'a>(t: &Target<'a>) -> &'a str {
    match t.path.strip_prefix(t.input) {
        Some(rest) if rest.starts_with(['!', '/']) => &rest[1..],
        _ => t.path,
    }
}

/// One `[[suppression]]` entry, checked field by field; a mistake points
/// at the field's place in the file.
fn entry(
    file: &str,
    text: &str,
    start: usize,
    raw: RawEntry,
) -> Result<Entry, Diagnostic> {
    let at = |offset: usize, message: String| {
        diagnostic(file, text, Some(offset), message)
    };
    if raw.signature.is_none()
        && raw.path.is_none()
        && raw.fingerprint.is_none()
    {
        return Err(at(
            start,
            "a suppression needs a signature, a path or a fingerprint"
                .to_string(),
        ));
    }
    let reason = reason(raw.reason, start, &at)?;
    let signature_at =
        raw.signature.as_ref().map(|s| at(s.span().start, String::new()));
    let signature = match raw.signature {
        Some(s) if s.get_ref().is_empty() => {
            return Err(at(s.span().start, "the signature is empty".into()));
        }
        s => s.map(Spanned::into_inner),
    };
    let fingerprint =
        raw.fingerprint.map(|f| fingerprint(f, &at)).transpose()?;
    let path = raw.path.map(|p| path_glob(p, &at)).transpose()?;
    let expires = match raw.expires {
        Some(e) => Some(date(e.get_ref()).ok_or_else(|| {
            at(
                e.span().start,
                "expires must be a date such as 2026-12-31".to_string(),
            )
        })?),
        None => None,
    };
    let (line, _) = line_col(text, start);
    Ok(Entry {
        signature,
        path,
        fingerprint,
        reason,
        expires,
        file: file.to_string(),
        line,
        signature_at,
    })
}

/// Where a mistake in the file is, and what it is.
type At<'a> = dyn Fn(usize, String) -> Diagnostic + 'a;

/// The entry's reason, which must say something.
fn reason(
    raw: Option<Spanned<String>>,
    start: usize,
    at: &At<'_>,
) -> Result<String, Diagnostic> {
    match raw {
        Some(r) if !r.get_ref().trim().is_empty() => Ok(r.into_inner()),
        Some(r) => Err(at(r.span().start, "the reason is empty".to_string())),
        None => Err(at(
            start,
            "a suppression needs a reason: say why the findings are accepted"
                .to_string(),
        )),
    }
}

/// A finding's fingerprint: 64 hex digits, kept lowercase.
fn fingerprint(f: Spanned<String>, at: &At<'_>) -> Result<String, Diagnostic> {
    let v = f.get_ref();
    if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(at(
            f.span().start,
            format!(
                "{v:?} is not a fingerprint: 64 hex digits, as in a \
                 finding's \"fingerprint\""
            ),
        ));
    }
    Ok(v.to_ascii_lowercase())
}

/// A path glob, `/` matched only by `/`.
fn path_glob(
    p: Spanned<String>,
    at: &At<'_>,
) -> Result<GlobMatcher, Diagnostic> {
    let glob = GlobBuilder::new(p.get_ref())
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| {
            at(p.span().start, format!("bad path glob: {}", e.kind()))
        })?;
    Ok(glob.compile_matcher())
}

/// A TOML date (`2026-12-31`) or a string holding one.
fn date(v: &toml::Value) -> Option<Date> {
    match v {
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
            let d = d.date?;
            Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
        }
        toml::Value::String(s) if s.len() == 10 => s.parse::<Date>().ok(),
        _ => None,
    }
}

/// A problem at an offset of `text`, or with the whole file.
fn diagnostic(
    file: &str,
    text: &str,
    offset: Option<usize>,
    message: String,
) -> Diagnostic {
    match offset {
        Some(offset) => Diagnostic::at(file, text, offset, message),
        None => Diagnostic::file(file, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str =
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn target<'a>(sig: &'a str, path: &'a str) -> Target<'a> {
        Target { signature: sig, input: "b.tar.gz", path, fingerprint: FP }
    }

    #[test]
    fn entries_match_on_every_criterion_given() {
        let s = Suppressions::parse(
            "s.toml",
            &format!(
                r#"
[[suppression]]
signature = "a"
path = "kubelet/*.log"
reason = "one"

[[suppression]]
fingerprint = "{}"
reason = "two"
expires = 2999-01-01

[[suppression]]
path = "**/messages"
reason = "three"
expires = "2999-01-02"
"#,
                FP.to_uppercase()
            ),
        )
        .unwrap();
        let hit = |sig, path| {
            let t = Target { fingerprint: "x", ..target(sig, path) };
            s.find(&t).map(|e| e.reason.as_str())
        };
        assert_eq!(hit("a", "b.tar.gz!kubelet/kubelet.log"), Some("one"));
        assert_eq!(hit("b", "b.tar.gz!kubelet/kubelet.log"), None);
        // `*` does not cross a `/`.
        assert_eq!(hit("a", "b.tar.gz!kubelet/x/kubelet.log"), None);
        assert_eq!(hit("c", "b.tar.gz!var_log/messages"), Some("three"));
        let by_fp = s.find(&target("z", "b.tar.gz!x.log"));
        assert_eq!(by_fp.map(|e| e.reason.as_str()), Some("two"));
        assert_eq!(by_fp.and_then(Entry::expires_text).unwrap(), "2999-01-01");
        assert_eq!(s.entries()[2].line, 12);
    }

    #[test]
    fn expired_entries_are_dropped_and_returned() {
        let mut s = Suppressions::parse(
            "s.toml",
            "[[suppression]]\nsignature = \"a\"\nreason = \"r\"\n\
             expires = 2026-11-20\n\
             [[suppression]]\nsignature = \"a\"\nreason = \"r\"\n\
             expires = 2026-11-21\n",
        )
        .unwrap();
        let now: Timestamp = "2026-11-21T23:59:59Z".parse().unwrap();
        let gone = s.drop_expired(now);
        assert_eq!(gone.len(), 1);
        assert_eq!(
            (gone[0].line, gone[0].expires_text()),
            (1, Some("2026-11-20".into()))
        );
        assert_eq!(s.entries().len(), 1, "the last day still suppresses");
    }

    #[test]
    fn mistakes_point_at_file_line_col() {
        let cases = [
            (
                "[[suppression]]\nsignature = \"a\"\n",
                "s.toml:1:1: a suppression needs a reason",
            ),
            (
                "[[suppression]]\nreason = \"r\"\n",
                "s.toml:1:1: a suppression needs a signature",
            ),
            (
                "[[suppression]]\nsignature = \"a\"\nreason = \"r\"\ncolour = 1\n",
                "s.toml:4:1: unknown field `colour`",
            ),
            (
                "[[suppression]]\npath = \"a[\"\nreason = \"r\"\n",
                "s.toml:2:8: bad path glob",
            ),
            (
                "[[suppression]]\nfingerprint = \"abc\"\nreason = \"r\"\n",
                "s.toml:2:15: \"abc\" is not a fingerprint",
            ),
            (
                "[[suppression]]\nsignature = \"a\"\nreason = \"r\"\nexpires = \"soon\"\n",
                "s.toml:4:11: expires must be a date",
            ),
            (
                "[[suppression]]\nsignature = \"a\"\nreason = \"r\"\nexpires = 2026-01-01T10:00:00Z\n",
                "s.toml:4:11: expires must be a date",
            ),
            ("[[suppresion]]\n", "s.toml:1:3: unknown field `suppresion`"),
        ];
        for (text, want) in cases {
            let got = Suppressions::parse("s.toml", text).unwrap_err();
            assert!(got.to_string().starts_with(want), "{text:?}: {got}");
        }
    }
}
