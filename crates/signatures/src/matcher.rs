//! The compiled matcher: one multi-literal search over large buffers, then
//! per-line confirmation of the few candidate lines.
//!
//! Every literal of every signature goes into one Aho-Corasick automaton.
//! The scan finds the next literal anywhere in a buffer of many lines; only
//! the line around that hit is examined further: which literals it holds
//! (overlapping search on the short line), which signatures those belong
//! to, whether the file's kind admits them, their exclusions and regexes.
//! Healthy lines, almost all of a log, cost only the automaton's pass.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use memchr::memmem;
use regex::bytes::Regex;

use crate::model::{Signature, SourceKind};

struct Compiled {
    regex: Option<Regex>,
    message: Option<String>,
    exclude: Vec<memmem::Finder<'static>>,
    /// Indexed by `SourceKind as usize`.
    admitted_by: Vec<bool>,
}

/// Finds which signatures a line matches.
pub struct Matcher {
    /// Leftmost-first, so the scan can use the fastest searcher available.
    scan: AhoCorasick,
    /// Standard semantics, for every (overlapping) literal in one line.
    line: AhoCorasick,
    /// Literal id to the signatures that listed it.
    owners: Vec<Vec<u32>>,
    compiled: Vec<Compiled>,
    longest_literal: usize,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("literals", &self.owners.len())
            .field("signatures", &self.compiled.len())
            .finish()
    }
}

impl Matcher {
    /// Compiles signatures that were validated when loaded; a regex that
    /// does not compile (possible only for hand-built signatures) makes
    /// that signature match on its literals alone.
    pub fn new(signatures: &[Signature]) -> Matcher {
        let mut literals: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        for (si, sig) in signatures.iter().enumerate() {
            for p in &sig.patterns {
                let id = *index.entry(p.as_str()).or_insert_with(|| {
                    literals.push(p.as_str());
                    owners.push(Vec::new());
                    literals.len() - 1
                });
                if owners[id].last() != Some(&(si as u32)) {
                    owners[id].push(si as u32);
                }
            }
        }
        let compiled = signatures
            .iter()
            .map(|sig| Compiled {
                regex: sig.regex.as_deref().and_then(|r| Regex::new(r).ok()),
                message: sig.message.clone(),
                exclude: sig
                    .exclude
                    .iter()
                    .map(|e| memmem::Finder::new(e.as_bytes()).into_owned())
                    .collect(),
                admitted_by: SourceKind::ALL
                    .iter()
                    .map(|&k| sig.applies_to(k))
                    .collect(),
            })
            .collect();
        let build = |kind| {
            AhoCorasickBuilder::new()
                .match_kind(kind)
                .build(&literals)
                .expect("literal automaton within default size limits")
        };
        Matcher {
            scan: build(MatchKind::LeftmostFirst),
            line: build(MatchKind::Standard),
            owners,
            compiled,
            longest_literal: literals
                .iter()
                .map(|l| l.len())
                .max()
                .unwrap_or(0),
        }
    }

    /// The offset of the next literal hit in `haystack[from..]`, as an
    /// absolute offset. Lines without one cannot match any signature.
    #[inline]
    pub fn next_candidate(
        &self,
        haystack: &[u8],
        from: usize,
    ) -> Option<usize> {
        self.scan.find(Input::new(haystack).range(from..)).map(|m| m.start())
    }

    /// The length of the longest literal, so a caller that must split a
    /// line can keep enough overlap to find a literal across the split.
    pub fn longest_literal(&self) -> usize {
        self.longest_literal
    }

    /// Pushes into `out` (cleared first) the index of every signature that
    /// matches `line` in a file of `kind`, in ascending order.
    pub fn match_line(
        &self,
        line: &[u8],
        kind: SourceKind,
        out: &mut Vec<usize>,
    ) {
        out.clear();
        for m in self.line.find_overlapping_iter(line) {
            for &si in &self.owners[m.pattern().as_usize()] {
                out.push(si as usize);
            }
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&si| {
            let c = &self.compiled[si];
            c.admitted_by[kind as usize]
                && !c.exclude.iter().any(|f| f.find(line).is_some())
                && c.regex.as_ref().is_none_or(|r| r.is_match(line))
        });
    }
}

impl Matcher {
    /// The finding message of signature `sig` for a line it matched: its
    /// template with each `{name}` replaced by that capture group (empty
    /// when the group did not take part). `None` without a template.
    pub fn message(&self, sig: usize, line: &[u8]) -> Option<String> {
        let c = self.compiled.get(sig)?;
        let template = c.message.as_deref()?;
        let caps = c.regex.as_ref().and_then(|r| r.captures(line));
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    if let Some(m) = caps.as_ref().and_then(|c| c.name(name)) {
                        out.push_str(&String::from_utf8_lossy(m.as_bytes()));
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pack;

    fn matcher() -> (Pack, Matcher) {
        let pack = Pack::embedded().unwrap();
        let m = pack.compile();
        (pack, m)
    }

    fn ids(
        pack: &Pack,
        m: &Matcher,
        line: &str,
        kind: SourceKind,
    ) -> Vec<String> {
        let mut out = Vec::new();
        m.match_line(line.as_bytes(), kind, &mut out);
        out.into_iter().map(|i| pack.signatures()[i].id.clone()).collect()
    }

    #[test]
    fn every_embedded_example_behaves() {
        let (pack, m) = matcher();
        let mut failures = Vec::new();
        for sig in pack.signatures() {
            // Match examples must match in the signature's own kind of
            // file; near misses must not match even where every signature
            // applies.
            let home =
                sig.sources.first().copied().unwrap_or(SourceKind::Unknown);
            for ex in &sig.examples.matches {
                if !ids(&pack, &m, ex, home).contains(&sig.id)
                    || m.next_candidate(ex.as_bytes(), 0).is_none()
                {
                    failures.push(format!("{} should match {ex:?}", sig.id));
                }
            }
            for ex in &sig.examples.no_match {
                if ids(&pack, &m, ex, SourceKind::Unknown).contains(&sig.id) {
                    failures
                        .push(format!("{} should not match {ex:?}", sig.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn source_scope_is_respected() {
        let (pack, m) = matcher();
        let line =
            r#"E0524 14:01:03.447195 3567 kubelet.go:2240] node "" not found"#;
        assert_eq!(
            ids(&pack, &m, line, SourceKind::Kubelet),
            ["node-name-empty"]
        );
        assert_eq!(
            ids(&pack, &m, line, SourceKind::Messages),
            ["node-name-empty"]
        );
        assert!(ids(&pack, &m, line, SourceKind::Ipamd).is_empty());
    }

    #[test]
    fn one_line_can_match_several_signatures() {
        let (pack, m) = matcher();
        let line =
            "cni config uninitialized after net/http: TLS handshake timeout";
        assert_eq!(
            ids(&pack, &m, line, SourceKind::Unknown),
            ["network-plugin-not-ready", "tls-handshake-timeout"]
        );
    }

    #[test]
    fn exclude_vetoes_a_line() {
        let mut pack = Pack::new();
        pack.add_toml(
            "t.toml",
            r#"
[[signature]]
id = "boom"
title = "Boom"
severity = "error"
patterns = ["boom"]
exclude = ["harmless"]
fix = "x"
"#,
        )
        .unwrap();
        let m = pack.compile();
        let mut out = Vec::new();
        m.match_line(b"a boom here", SourceKind::Unknown, &mut out);
        assert_eq!(out, [0]);
        m.match_line(b"a harmless boom", SourceKind::Unknown, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn message_fills_capture_groups() {
        let mut pack = Pack::new();
        pack.add_toml(
            "t.toml",
            r#"
[[signature]]
id = "reg"
title = "Register"
severity = "error"
patterns = ["Unable to register node"]
regex = 'Unable to register node "(?P<node>[^"]*)"'
message = "node {node} cannot register"
fix = "x"
"#,
        )
        .unwrap();
        let m = pack.compile();
        let line = br#"Unable to register node "ip-10-0-1-2.ec2.internal" with API server"#;
        assert_eq!(
            m.message(0, line).as_deref(),
            Some("node ip-10-0-1-2.ec2.internal cannot register")
        );
        assert_eq!(Pack::embedded().unwrap().compile().message(0, line), None);
    }

    #[test]
    fn empty_pack_never_matches() {
        let m = Pack::new().compile();
        assert_eq!(m.next_candidate(b"anything", 0), None);
    }
}
