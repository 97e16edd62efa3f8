//! The compiled matcher: one multi-literal search over large buffers, then
//! per-line confirmation of the few candidate lines.
//!
//! The scan finds the next literal anywhere in a buffer of many lines,
//! of the literals the file's source kind admits (each kind has a scan of
//! its own, built when first needed): it
//! searches for a few short needles that the literals hold (see
//! `needles.rs`) with the packed SIMD searcher (one, or for a very large
//! pack several, each keeping its next hit until the caller passes it),
//! and compares, at each needle hit, the literals holding that needle.
//! Only the line around a literal is examined further: which literals it
//! holds (overlapping search on the short line), which signatures those
//! belong to, whether the file's kind admits them, their exclusions and
//! regexes. Healthy lines, almost all of a log, cost only the needle
//! search.

use std::{collections::HashMap, sync::OnceLock};

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, Input, MatchKind, Span, packed,
};
use memchr::memmem;
use regex::bytes::Regex;

use crate::{
    model::{Counter, Signature, SourceKind, Threshold},
    needles,
};

struct Compiled {
    /// The confirming regex, compiled when a line first needs it: most
    /// signatures' literals never occur in a healthy log.
    regex: Option<LazyRegex>,
    message: Option<String>,
    counter: Option<Counter>,
    threshold: Option<Threshold>,
    exclude: Vec<memmem::Finder<'static>>,
    /// The signatures (indices) that take a line this one also matches.
    yields_to: Vec<usize>,
    /// The signatures (indices) whose later line in a file undoes this
    /// one's.
    overridden_by: Vec<usize>,
    /// Indexed by `SourceKind as usize`.
    admitted_by: Vec<bool>,
}

/// A regex compiled on first use.
struct LazyRegex {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(source: String) -> LazyRegex {
        LazyRegex { source, compiled: OnceLock::new() }
    }
}

impl Compiled {
    /// Whether the regex (if any) matches `line` and, for a counter, the
    /// numbers one match captures are above its threshold; a number too
    /// large for 64 bits is above any.
    fn confirms(&self, line: &[u8]) -> bool {
        let Some(re) = self.regex() else {
            return true;
        };
        let Some(counter) = &self.counter else {
            return re.is_match(line);
        };
        re.captures_iter(line).any(|caps| {
            let number = |group: &str| caps.name(group).and_then(digits);
            match counter {
                Counter::Value { group, above } => {
                    number(group).is_some_and(|d| {
                        d.parse::<u64>().ok().is_none_or(|n| n > *above)
                    })
                }
                Counter::Ratio { of, to, above } => {
                    match (number(of), number(to)) {
                        (Some(part), Some(whole)) => {
                            // Decimal digits always parse as a float.
                            let part: f64 = part.parse().unwrap_or(0.0);
                            let whole: f64 = whole.parse().unwrap_or(0.0);
                            whole > 0.0 && part > above * whole
                        }
                        _ => false,
                    }
                }
            }
        })
    }

    /// The signature's regex; `None` without one, or (possible only for
    /// hand-built signatures: loading checks regexes) when it does not
    /// compile, and the signature then matches on its literals alone.
    fn regex(&self) -> Option<&Regex> {
        let lazy = self.regex.as_ref()?;
        lazy.compiled.get_or_init(|| Regex::new(&lazy.source).ok()).as_ref()
    }
}

/// A capture that is a number: ASCII digits only, at least one.
fn digits(m: regex::bytes::Match<'_>) -> Option<&str> {
    let bytes = m.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// The literals, kept by the scan to compare at needle hits.
fn owned(bytes: &[&[u8]]) -> Vec<Box<[u8]>> {
    bytes.iter().map(|&l| Box::from(l)).collect()
}

/// What finds needle hits.
enum Finder {
    /// Teddy, over at most 64 needles: the fast path.
    Packed(packed::Searcher),
    /// An automaton over the needles, where the packed searcher is not
    /// available (a CPU without SSSE3) or the needles are too many.
    Automaton(AhoCorasick),
}

/// Finds where a literal starts: the next needle hit, then the literals
/// holding that needle, compared in place.
struct Scan {
    /// One searcher per group of needles; a text is searched by each.
    groups: Vec<Group>,
    literals: Vec<Box<[u8]>>,
    /// Literals numbered from here on are probes: literals of no
    /// signature (see [`Matcher::with_probes`]).
    first_probe: u32,
}

/// A literal found by one group: where it starts, and whether it is a
/// probe with no signature's literal anywhere in its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Found {
    at: usize,
    probe: bool,
}

/// One searcher, over one group of needles.
struct Group {
    finder: Finder,
    /// Per needle, the literals assigned to it. Each literal is assigned
    /// to one needle it holds; every occurrence of the literal is then
    /// found at that needle's hit, since every needle start is visited.
    verify: Vec<Assignment>,
}

/// The literals assigned to one needle. A common needle can carry dozens;
/// looking them up by the two bytes that follow the needle in them spares
/// comparing each at every hit.
#[derive(Default)]
struct Assignment {
    needle_len: usize,
    /// Literals with at least two bytes after the needle, sorted by those
    /// two bytes.
    keyed: Vec<(u16, Assigned)>,
    /// Which bytes follow the needle in `keyed`, as bits: most hits of a
    /// common needle are rejected by this alone.
    follows: [u64; 4],
    /// The others, compared at every hit.
    loose: Vec<Assigned>,
}

impl Assignment {
    fn new(needle_len: usize) -> Assignment {
        Assignment { needle_len, ..Assignment::default() }
    }

    fn add(&mut self, literal: usize, lit: &[u8], offset: usize) {
        let v = Assigned::new(literal, lit, offset);
        match lit.get(offset + self.needle_len..offset + self.needle_len + 2) {
            Some(&[a, b]) => {
                self.follows[usize::from(a >> 6)] |= 1 << (a & 63);
                self.keyed.push((u16::from_le_bytes([a, b]), v));
            }
            _ => self.loose.push(v),
        }
    }

    fn sort(mut self) -> Assignment {
        self.keyed.sort_by_key(|&(key, v)| (key, v.literal));
        self
    }

    /// The literals that may be at a hit of the needle at `hit`.
    fn at<'a>(
        &'a self,
        haystack: &[u8],
        hit: usize,
    ) -> impl Iterator<Item = &'a Assigned> {
        let after = hit + self.needle_len;
        let keyed = match haystack.get(after..after + 2) {
            Some(&[a, b])
                if self.follows[usize::from(a >> 6)] & (1 << (a & 63))
                    != 0 =>
            {
                let key = u16::from_le_bytes([a, b]);
                let first = self.keyed.partition_point(|&(k, _)| k < key);
                let rest = &self.keyed[first..];
                let len = rest.partition_point(|&(k, _)| k == key);
                &rest[..len]
            }
            _ => &[],
        };
        keyed.iter().map(|(_, v)| v).chain(&self.loose)
    }
}

/// A literal to compare at a hit of its needle.
#[derive(Clone, Copy)]
struct Assigned {
    literal: u32,
    /// Where the needle starts in the literal.
    offset: u32,
    len: u32,
    first: u8,
    last: u8,
}

impl Assigned {
    fn new(literal: usize, lit: &[u8], offset: usize) -> Assigned {
        Assigned {
            literal: literal as u32,
            offset: offset as u32,
            len: lit.len() as u32,
            first: lit.first().copied().unwrap_or(0),
            last: lit.last().copied().unwrap_or(0),
        }
    }
}

impl Scan {
    /// A scan for `literals`, none of them a probe.
    fn new(literals: &[&str]) -> Scan {
        let bytes: Vec<&[u8]> =
            literals.iter().map(|l| l.as_bytes()).collect();
        // Validated packs have no empty literal (which would make every
        // offset a hit), and needles::choose gives every literal a needle;
        // should either fail, search for the literals themselves.
        let groups = if bytes.iter().any(|l| l.is_empty()) {
            Vec::new()
        } else {
            needles::choose(&bytes)
        };
        Scan::with_needles(&bytes, &groups, bytes.len())
    }

    /// Searches for `groups` of needles, one searcher each; the literals
    /// from `first_probe` on are probes.
    fn with_needles(
        bytes: &[&[u8]],
        groups: &[Vec<Vec<u8>>],
        first_probe: usize,
    ) -> Scan {
        let mut verify: Vec<Vec<Assignment>> = groups
            .iter()
            .map(|g| g.iter().map(|n| Assignment::new(n.len())).collect())
            .collect();
        // Each literal goes to the first needle (in the groups' order)
        // it holds, at that needle's first place in it: one overlapping
        // search of each literal for every needle, where trying the
        // thousands of pairs one by one cost more than the rest of a
        // scan's set-up.
        let order: Vec<(usize, usize)> = groups
            .iter()
            .enumerate()
            .flat_map(|(gi, g)| (0..g.len()).map(move |ni| (gi, ni)))
            .collect();
        let all = build_automaton(
            &groups.iter().flatten().collect::<Vec<_>>(),
            MatchKind::Standard,
        );
        for (li, lit) in bytes.iter().enumerate() {
            // Matches come by their end, so a needle's first is its
            // earliest.
            let mut first: Option<(usize, usize)> = None;
            for m in all.find_overlapping_iter(*lit) {
                let id = m.pattern().as_usize();
                if first.is_none_or(|(f, _)| id < f) {
                    first = Some((id, m.start()));
                }
            }
            let Some((id, off)) = first else {
                return Scan::literals_only(bytes, first_probe);
            };
            let (gi, ni) = order[id];
            verify[gi][ni].add(li, lit, off);
        }
        let groups = groups
            .iter()
            .zip(verify)
            .map(|(needles, verify)| Group {
                finder: Finder::new(needles),
                verify: verify.into_iter().map(Assignment::sort).collect(),
            })
            .collect();
        Scan {
            groups,
            literals: owned(bytes),
            first_probe: first_probe as u32,
        }
    }

    /// The slow but plain way: an automaton over the literals, each its
    /// own needle.
    fn literals_only(bytes: &[&[u8]], first_probe: usize) -> Scan {
        let finder = Finder::Automaton(build_automaton(
            bytes,
            MatchKind::LeftmostFirst,
        ));
        let verify = bytes
            .iter()
            .enumerate()
            .map(|(i, lit)| {
                let mut a = Assignment::new(lit.len());
                a.add(i, lit, 0);
                a
            })
            .collect();
        Scan {
            groups: vec![Group { finder, verify }],
            literals: owned(bytes),
            first_probe: first_probe as u32,
        }
    }

    /// The first literal found in `haystack` at or after `from` by group
    /// `g`: at a needle hit, the first literal assigned to that needle
    /// that is really there. Of two literals in different lines, the
    /// earlier line's is found first: a needle lies in its literal.
    ///
    /// A probe's line is searched on to its end for a signature's literal,
    /// which is then found instead (its start may lie before the probe's:
    /// at or after the line's start is enough), so a caller told `probe`
    /// knows that line can match no signature without searching it again.
    /// A literal whose needle hit comes later than the probe's cannot
    /// start before the line does, and one whose hit comes earlier would
    /// have been found first; the rest of the line is the stretch a
    /// caller moving to the next line skips anyway.
    fn find_in_group(
        &self,
        g: &Group,
        haystack: &[u8],
        from: usize,
    ) -> Option<Found> {
        let mut text = haystack;
        let mut at = from;
        let mut min_start = from;
        let mut probe: Option<usize> = None;
        while at <= text.len() {
            let Some((hit, needle)) = g.finder.next_hit(text, at) else {
                break;
            };
            for v in g.verify[needle].at(text, hit) {
                let is_probe = v.literal >= self.first_probe;
                if is_probe && probe.is_some() {
                    continue;
                }
                let Some(start) = hit.checked_sub(v.offset as usize) else {
                    continue;
                };
                let end = start + v.len as usize;
                if start < min_start || end > text.len() {
                    continue;
                }
                let found = &text[start..end];
                // The literal's end bytes reject almost every false hit
                // before the full comparison is called.
                let there = v.len == 0
                    || found[0] == v.first
                        && found[found.len() - 1] == v.last
                        && *found == *self.literals[v.literal as usize];
                if !there {
                    continue;
                }
                if !is_probe {
                    return Some(Found { at: start, probe: false });
                }
                // Look on, to the probe's line end, for a signature's
                // literal starting anywhere in the line.
                probe = Some(start);
                min_start = memchr::memrchr(b'\n', &text[from..start])
                    .map_or(from, |i| from + i + 1);
                let line_end = memchr::memchr(b'\n', &text[hit..])
                    .map_or(text.len(), |i| hit + i);
                text = &text[..line_end];
            }
            // At most one needle starts at an offset (none holds
            // another), so the next hit is further on.
            at = hit + 1;
        }
        probe.map(|at| Found { at, probe: true })
    }
}

impl Scan {
    fn candidates<'h>(&self, haystack: &'h [u8]) -> Candidates<'_, 'h> {
        Candidates {
            scan: self,
            haystack,
            ahead: vec![
                Ahead { from: usize::MAX, found: None };
                self.groups.len()
            ],
        }
    }
}

impl Finder {
    fn new(needles: &[Vec<u8>]) -> Finder {
        packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(needles)
            .build()
            .map_or_else(
                || {
                    Finder::Automaton(build_automaton(
                        needles,
                        MatchKind::LeftmostFirst,
                    ))
                },
                Finder::Packed,
            )
    }

    /// The next needle hit at or after `at`: (offset, needle index).
    #[inline]
    fn next_hit(&self, haystack: &[u8], at: usize) -> Option<(usize, usize)> {
        match self {
            Finder::Packed(s) => s
                .find_in(haystack, Span::from(at..haystack.len()))
                .map(|m| (m.start(), m.pattern().as_usize())),
            Finder::Automaton(ac) => ac
                .find(Input::new(haystack).range(at..))
                .map(|m| (m.start(), m.pattern().as_usize())),
        }
    }
}

/// Where the candidate lines of one text are, found in order: see
/// [`Matcher::candidates`].
pub struct Candidates<'m, 'h> {
    scan: &'m Scan,
    haystack: &'h [u8],
    /// Per group, what its last search found and from where: a group's
    /// next literal is searched for again only once the caller has moved
    /// past it, so no group searches a stretch of text twice.
    ahead: Vec<Ahead>,
}

#[derive(Clone, Copy)]
struct Ahead {
    from: usize,
    found: Option<Found>,
}

/// A candidate line: where the literal found first in it starts, and
/// whether the line holds probes only (no signature can match it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Where the literal starts.
    pub at: usize,
    /// Whether its line holds probes and no signature's literal.
    pub probes_only: bool,
}

impl Candidates<'_, '_> {
    /// The start of the first literal at or after `from`. Calls going
    /// forwards (as a walk over the lines does) reuse what the last one
    /// found; a call going back searches again, so any order is right.
    pub fn next_from(&mut self, from: usize) -> Option<usize> {
        self.next_hit(from).map(|h| h.at)
    }

    /// As [`Candidates::next_from`], telling whether the hit's line holds
    /// a literal of a signature or probes only. A walk over the lines
    /// that moves to the next line after each hit gets every line holding
    /// a literal, each once.
    pub fn next_hit(&mut self, from: usize) -> Option<Hit> {
        let scan = self.scan;
        if let [g] = &scan.groups[..] {
            return scan
                .find_in_group(g, self.haystack, from)
                .map(|f| Hit { at: f.at, probes_only: f.probe });
        }
        let mut first: Option<usize> = None;
        for (g, ahead) in scan.groups.iter().zip(&mut self.ahead) {
            // A search from `ahead.from` that found nothing before
            // `ahead.found` finds the same from any later `from` up to it.
            let still = ahead.from <= from
                && ahead.found.is_none_or(|found| found.at >= from);
            if !still {
                *ahead = Ahead {
                    from,
                    found: scan.find_in_group(g, self.haystack, from),
                };
            }
            if let Some(found) = ahead.found {
                first = Some(first.map_or(found.at, |f| f.min(found.at)));
            }
        }
        let at = first?;
        // Each group found its first line's signature literal if it has
        // one; the line holds one if any group's find in it is not a
        // probe.
        let line_end = memchr::memchr(b'\n', &self.haystack[at..])
            .map_or(self.haystack.len(), |i| at + i);
        let probes_only = self
            .ahead
            .iter()
            .all(|a| a.found.is_none_or(|f| f.at >= line_end || f.probe));
        Some(Hit { at, probes_only })
    }
}

fn build_automaton<P: AsRef<[u8]>>(
    patterns: &[P],
    kind: MatchKind,
) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .match_kind(kind)
        .build(patterns)
        .expect("literal automaton within default size limits")
}

/// Finds which signatures a line matches.
pub struct Matcher {
    /// Every literal, the signatures' first, then the probes.
    literals: Vec<Box<str>>,
    /// Per source kind and probe set (`kind as usize * sets + set`),
    /// where the next literal of a signature that kind admits (or a probe
    /// of the set) starts, over buffers of many lines; built when a file
    /// of that kind is first searched. A kubelet log need not be searched
    /// for ipamd's literals: fewer literals fit fewer, rarer needles, and
    /// often one pass instead of two.
    scans: Vec<OnceLock<Scan>>,
    /// Per probe set, the ids of its literals.
    probe_sets: Vec<Vec<u32>>,
    /// The needles the scans choose among.
    pool: needles::Pool,
    /// Standard semantics, for every (overlapping) literal in one line.
    line: AhoCorasick,
    /// Literal id to the signatures that listed it.
    owners: Vec<Vec<u32>>,
    compiled: Vec<Compiled>,
    longest_literal: usize,
    /// Literals numbered from here on are probes: they come after the
    /// signatures' (a probe a signature lists too has the signature's
    /// number), and no signature owns them.
    first_probe: u32,
    /// Whether no literal holds a line end, so a line's hit depends on
    /// that line alone (see [`Matcher::line_hits`]).
    lines_apart: bool,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("literals", &self.owners.len())
            .field("signatures", &self.compiled.len())
            .field("searchers", &self.searchers(SourceKind::Unknown))
            .finish()
    }
}

impl Matcher {
    /// Compiles signatures that were validated when loaded; a regex that
    /// does not compile (possible only for hand-built signatures) makes
    /// that signature match on its literals alone.
    pub fn new(signatures: &[Signature]) -> Matcher {
        Matcher::with_probes(signatures, &[])
    }

    /// As [`Matcher::new`], with probes searched for too: literals of no
    /// signature, so the lines holding one are candidates that match
    /// nothing, found in the same pass as the signatures' (the engine's
    /// error lines no signature knows). A file is searched for one set of
    /// `probe_sets` ([`Matcher::candidates_with`]): each probe costs
    /// needle room and hits, so a format whose lines say their level in
    /// one place needs only the probes for that place.
    pub fn with_probes(
        signatures: &[Signature],
        probe_sets: &[&[&str]],
    ) -> Matcher {
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
        let first_probe = literals.len();
        let mut probe_ids: Vec<Vec<u32>> = Vec::new();
        for set in probe_sets {
            let mut ids = Vec::new();
            for &p in set.iter().filter(|p| !p.is_empty()) {
                let id = *index.entry(p).or_insert_with(|| {
                    literals.push(p);
                    owners.push(Vec::new());
                    literals.len() - 1
                });
                ids.push(id as u32);
            }
            ids.sort_unstable();
            ids.dedup();
            probe_ids.push(ids);
        }
        if probe_ids.is_empty() {
            probe_ids.push(Vec::new());
        }
        let index_of: HashMap<&str, usize> = signatures
            .iter()
            .enumerate()
            .map(|(i, sig)| (sig.id.as_str(), i))
            .collect();
        let compiled = signatures
            .iter()
            .map(|sig| Compiled {
                regex: sig.regex.clone().map(LazyRegex::new),
                counter: sig.counter.clone(),
                threshold: sig.threshold,
                message: sig.message.clone(),
                exclude: sig
                    .exclude
                    .iter()
                    .map(|e| memmem::Finder::new(e.as_bytes()).into_owned())
                    .collect(),
                // An id not among these signatures (possible only without
                // `Pack::check`) takes nothing.
                yields_to: sig
                    .yields_to
                    .iter()
                    .filter_map(|id| index_of.get(id.as_str()).copied())
                    .collect(),
                overridden_by: sig
                    .overridden_by
                    .iter()
                    .filter_map(|id| index_of.get(id.as_str()).copied())
                    .collect(),
                admitted_by: SourceKind::ALL
                    .iter()
                    .map(|&k| sig.applies_to(k))
                    .collect(),
            })
            .collect();
        Matcher {
            line: build_automaton(&literals, MatchKind::Standard),
            literals: literals.iter().map(|&l| Box::from(l)).collect(),
            scans: (0..SourceKind::ALL.len() * probe_ids.len())
                .map(|_| OnceLock::new())
                .collect(),
            probe_sets: probe_ids,
            pool: needles::Pool::new(
                &literals.iter().map(|l| l.as_bytes()).collect::<Vec<_>>(),
            ),
            owners,
            compiled,
            first_probe: first_probe as u32,
            lines_apart: !literals.iter().any(|l| l.contains('\n')),
            longest_literal: literals
                .iter()
                .map(|l| l.len())
                .max()
                .unwrap_or(0),
        }
    }

    /// The scan for files of `kind` searched with probe set `set` (the
    /// first when there is no such set), built on first use.
    fn scan(&self, kind: SourceKind, set: usize) -> &Scan {
        let sets = self.probe_sets.len();
        let set = if set < sets { set } else { 0 };
        self.scans[kind as usize * sets + set].get_or_init(|| {
            // The admitted signatures' literals first, then the set's
            // probes not among them (a probe that is also the literal of a
            // signature this kind does not admit is a probe here).
            let mut ids: Vec<u32> = (0..self.first_probe)
                .filter(|&id| {
                    self.owners[id as usize].iter().any(|&si| {
                        self.compiled[si as usize].admitted_by[kind as usize]
                    })
                })
                .collect();
            let first_probe = ids.len();
            let admitted = ids.clone();
            ids.extend(
                self.probe_sets[set]
                    .iter()
                    .filter(|id| admitted.binary_search(id).is_err()),
            );
            let local: Vec<&str> =
                ids.iter().map(|&id| &*self.literals[id as usize]).collect();
            let bytes: Vec<&[u8]> =
                local.iter().map(|l| l.as_bytes()).collect();
            if bytes.iter().any(|l| l.is_empty()) {
                let mut scan = Scan::new(&local);
                scan.first_probe = first_probe as u32;
                scan
            } else {
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                let groups = self.pool.choose(&sorted, kind);
                Scan::with_needles(&bytes, &groups, first_probe)
            }
        })
    }

    /// The offset of the next literal hit in `haystack[from..]`, as an
    /// absolute offset. Lines without one cannot match any signature.
    /// To walk a text hit by hit, [`Matcher::candidates`] is faster.
    pub fn next_candidate(
        &self,
        haystack: &[u8],
        kind: SourceKind,
        from: usize,
    ) -> Option<usize> {
        self.candidates(haystack, kind).next_from(from)
    }

    /// Finds the hits of `haystack` (a file of `kind`) one after the
    /// other, each search taking up where the last left off: the literals
    /// of the signatures `kind` admits, and the first set's probes.
    pub fn candidates<'m, 'h>(
        &'m self,
        haystack: &'h [u8],
        kind: SourceKind,
    ) -> Candidates<'m, 'h> {
        self.candidates_with(haystack, kind, 0)
    }

    /// As [`Matcher::candidates`], with the probes of set `probes` (the
    /// first when there is no such set).
    pub fn candidates_with<'m, 'h>(
        &'m self,
        haystack: &'h [u8],
        kind: SourceKind,
        probes: usize,
    ) -> Candidates<'m, 'h> {
        self.scan(kind, probes).candidates(haystack)
    }

    /// How many searchers (passes over each text) the needle search runs
    /// in a file of `kind`: one unless its literals are too many for one
    /// to stay fast.
    pub fn searchers(&self, kind: SourceKind) -> usize {
        self.scan(kind, 0).groups.len()
    }

    /// Pushes into `out` the hit of every candidate line of `text` (whole
    /// lines of a file of `kind`, searched with probe set `probes`), in
    /// order: what [`Candidates::next_hit`] gives from the start of
    /// `text`, then from the line after each hit's, as a scan walks them.
    ///
    /// Unless a literal holds a line end ([`Matcher::lines_apart`]), a
    /// line's hit depends on that line alone: a literal starts at or
    /// after the line's start (the walk asks from there) and cannot end
    /// past its end. So the hits of a stretch of whole lines, found on
    /// their own (by another thread, ahead of the scan), are those a
    /// search over any text holding them finds for them.
    pub fn line_hits(
        &self,
        text: &[u8],
        kind: SourceKind,
        probes: usize,
        out: &mut Vec<Hit>,
    ) {
        let mut candidates = self.candidates_with(text, kind, probes);
        let mut from = 0;
        while let Some(hit) = candidates.next_hit(from) {
            out.push(hit);
            from = match memchr::memchr(b'\n', &text[hit.at..]) {
                Some(i) => hit.at + i + 1,
                None => break,
            };
        }
    }

    /// Whether no literal holds a line end, so that [`Matcher::line_hits`]
    /// may be found for lines apart from the text around them.
    pub fn lines_apart(&self) -> bool {
        self.lines_apart
    }

    /// The length of the longest literal, so a caller that must split a
    /// line can keep enough overlap to find a literal across the split.
    pub fn longest_literal(&self) -> usize {
        self.longest_literal
    }

    /// Pushes into `out` (cleared first) the index of every signature that
    /// matches `line` in a file of `kind`, in ascending order, leaving out
    /// a signature that yields to another that matches it too.
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
                && c.confirms(line)
        });
        // Only where a signature that yields matched (a failure line), so
        // the copy is rare.
        if out.iter().any(|&si| !self.compiled[si].yields_to.is_empty()) {
            let matched = out.clone();
            out.retain(|&si| {
                !self.compiled[si]
                    .yields_to
                    .iter()
                    .any(|t| matched.binary_search(t).is_ok())
            });
        }
    }
}

impl Matcher {
    /// The signatures whose line, later in the same file, undoes a line
    /// of signature `sig`.
    pub fn overridden_by(&self, sig: usize) -> &[usize] {
        self.compiled.get(sig).map_or(&[], |c| &c.overridden_by)
    }

    /// Signature `sig`'s threshold, if it has one.
    pub fn threshold(&self, sig: usize) -> Option<Threshold> {
        self.compiled.get(sig)?.threshold
    }

    /// The finding message of signature `sig` for a line it matched: its
    /// template with each `{name}` replaced by that capture group (empty
    /// when the group did not take part). `None` without a template.
    pub fn message(&self, sig: usize, line: &[u8]) -> Option<String> {
        let c = self.compiled.get(sig)?;
        let template = c.message.as_deref()?;
        let caps = c.regex().and_then(|r| r.captures(line));
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
    use crate::pack::Pack;

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
        examples_behave(&pack, &m);
    }

    #[test]
    fn probes_change_no_signature_s_matches() {
        let (pack, _) = matcher();
        // Probes of the engine's kind, and some the signatures list too:
        // a literal both are is still the signatures'.
        let mut probes = vec![": E1", "Error", "Failed", "ERROR", "panic:"];
        probes.extend(
            pack.signatures()
                .iter()
                .step_by(7)
                .map(|s| s.patterns[0].as_str()),
        );
        let m = Matcher::with_probes(pack.signatures(), &[&probes]);
        examples_behave(&pack, &m);
        let probe_only = "Nov 21 10:00:00 h kubelet[1]: E1121 Error Failed";
        assert!(
            m.next_candidate(probe_only.as_bytes(), SourceKind::Unknown, 0)
                .is_some()
        );
        assert!(ids(&pack, &m, probe_only, SourceKind::Kubelet).is_empty());
    }

    #[test]
    fn a_line_s_hits_are_the_same_searched_alone_or_among_others() {
        let (pack, _) = matcher();
        let probes = [": E1", "Error", "Failed", "ERROR", "panic:"];
        let m = Matcher::with_probes(pack.signatures(), &[&[], &probes]);
        assert!(m.lines_apart());
        // Every example line, a probe's line, empty lines and CRLF ends.
        let mut lines: Vec<String> = pack
            .signatures()
            .iter()
            .flat_map(|s| {
                s.examples.matches.iter().chain(&s.examples.no_match)
            })
            .map(|e| e.line.clone())
            .collect();
        lines.extend(["".into(), "E1121 Error Failed x\r".into()]);
        let text = lines.join("\n") + "\n";
        let text = text.as_bytes();
        let mut searched = 0;
        for kind in SourceKind::ALL.iter().copied() {
            for set in 0..2 {
                // The whole text at once, as a scan walks it.
                let mut walked = Vec::new();
                let mut c = m.candidates_with(text, kind, set);
                let mut from = 0;
                while from < text.len() {
                    let Some(hit) = c.next_hit(from) else { break };
                    walked.push(hit);
                    from = memchr::memchr(b'\n', &text[hit.at..])
                        .map_or(text.len(), |i| hit.at + i)
                        + 1;
                }
                let mut whole = Vec::new();
                m.line_hits(text, kind, set, &mut whole);
                assert_eq!(whole, walked, "{kind:?} {set}");
                // Then line by line, each alone.
                let mut alone = Vec::new();
                let mut at = 0;
                for line in text.split_inclusive(|&b| b == b'\n') {
                    let mut hits = Vec::new();
                    m.line_hits(line, kind, set, &mut hits);
                    assert!(hits.len() <= 1);
                    alone.extend(
                        hits.iter().map(|h| Hit { at: h.at + at, ..*h }),
                    );
                    at += line.len();
                }
                assert_eq!(alone, whole, "{kind:?} {set}");
                searched += whole.len();
            }
        }
        assert!(searched > 1000, "{searched}");
        let spans = Matcher::new(&[Signature {
            patterns: vec!["two\nlines".into()],
            ..pack.signatures()[0].clone()
        }]);
        assert!(!spans.lines_apart());
    }

    fn examples_behave(pack: &Pack, m: &Matcher) {
        let mut failures = Vec::new();
        for sig in pack.signatures() {
            // Match examples must match in the signature's own kind of
            // file; near misses must not match even where every signature
            // applies.
            let home =
                sig.sources.first().copied().unwrap_or(SourceKind::Unknown);
            for ex in sig.examples.matches.iter().map(|e| e.line.as_str()) {
                if !ids(pack, m, ex, home).contains(&sig.id)
                    || m.next_candidate(ex.as_bytes(), SourceKind::Unknown, 0)
                        .is_none()
                {
                    failures.push(format!("{} should match {ex:?}", sig.id));
                }
            }
            for ex in sig.examples.no_match.iter().map(|e| e.line.as_str()) {
                if ids(pack, m, ex, SourceKind::Unknown).contains(&sig.id) {
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
    fn a_line_both_match_goes_to_the_one_yielded_to() {
        let mut pack = Pack::new();
        pack.add_toml(
            "t.toml",
            r#"
[[signature]]
id = "refused"
title = "Refused"
severity = "error"
patterns = ["401 Unauthorized"]
yields_to = ["pause-failed", "pause-alone"]
fix = "x"

[[signature]]
id = "pause-failed"
title = "Pause"
severity = "critical"
patterns = ["sandbox image"]
fix = "x"

[[signature]]
id = "pause-alone"
title = "Pause, where nothing else is"
severity = "critical"
patterns = ["pause:"]
fix = "x"
"#,
        )
        .unwrap();
        pack.check().unwrap();
        let m = pack.compile();
        let mut out = Vec::new();
        let mut got = |line: &str| {
            m.match_line(line.as_bytes(), SourceKind::Unknown, &mut out);
            out.iter().map(|&i| pack.signatures()[i].id.as_str()).collect()
        };
        let want: [&[&str]; 4] = [
            &["refused"],
            &["pause-failed"],
            &["pause-failed", "pause-alone"],
            &["pause-alone"],
        ];
        let lines = [
            "app:1: 401 Unauthorized",
            "sandbox image app:1: 401 Unauthorized",
            "sandbox image pause:3.5: 401 Unauthorized",
            "pause:3.5: 401 Unauthorized",
        ];
        for (line, want) in lines.iter().zip(want) {
            let got: Vec<&str> = got(line);
            assert_eq!(got, want, "{line}");
        }
    }

    /// Whether the one signature of `toml` matches a line, in a file of
    /// unknown kind.
    fn one_signature(toml: &str) -> impl Fn(&str) -> bool {
        let mut pack = crate::pack::Pack::new();
        pack.add_toml("one.toml", toml).expect("pack");
        let m = pack.compile();
        move |line| {
            let mut out = Vec::new();
            m.match_line(line.as_bytes(), SourceKind::Unknown, &mut out);
            !out.is_empty()
        }
    }

    #[test]
    fn a_counter_matches_only_above_its_threshold() {
        let hits = one_signature(
            "[[signature]]\nid = \"c\"\ntitle = \"t\"\nseverity = \"warning\"\n\
             patterns = [\"_exceeded\"]\n\
             regex = '(?P<what>\\w+_exceeded): (?P<n>\\d+)'\n\
             counter = { group = \"n\", above = 2 }\nfix = \"f\"\n",
        );
        assert!(!hits("     pps_exceeded: 0"));
        assert!(!hits("     pps_exceeded: 2"));
        assert!(hits("     pps_exceeded: 3"));
        assert!(hits("     pps_exceeded: 99999999999999999999999"));
        assert!(
            hits("a_exceeded: 0, b_exceeded: 7"),
            "any number on the line"
        );
        let bad = "[[signature]]\nid = \"d\"\ntitle = \"t\"\nseverity = \"warning\"\n\
                   patterns = [\"x\"]\nregex = 'x(\\d+)'\n\
                   counter = { group = \"n\" }\nfix = \"f\"\n";
        let err =
            crate::pack::Pack::new().add_toml("d.toml", bad).unwrap_err();
        assert!(
            err.to_string().contains("counter reads capture group"),
            "{err}"
        );
    }

    #[test]
    fn a_ratio_matches_only_above_its_fraction_of_the_whole() {
        let hits = one_signature(
            "[[signature]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"warning\"\n\
             patterns = [\"fs.file-nr\"]\n\
             regex = 'fs\\.file-nr = (?P<used>\\d+)\\s+\\d+\\s+(?P<max>\\d+)'\n\
             ratio = { of = \"used\", to = \"max\", above = 0.7 }\nfix = \"f\"\n",
        );
        assert!(!hits("fs.file-nr = 1184\t0\t9223372036854775807"));
        assert!(!hits("fs.file-nr = 700\t0\t1000"), "70% is not above it");
        assert!(hits("fs.file-nr = 701\t0\t1000"));
        assert!(hits("fs.file-nr = 1000    0    1000"), "a tab as spaces");
        assert!(hits("fs.file-nr = 99999999999999999999999\t0\t100"));
        assert!(!hits("fs.file-nr = 5\t0\t0"), "no whole, no part of it");
        assert!(!hits("fs.file-nr = 0\t0\t0"));
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

    /// The lines an automaton over the literals themselves finds, walked
    /// as the engine walks them: next hit, then past its line.
    fn candidate_lines(
        text: &[u8],
        mut next: impl FnMut(usize) -> Option<usize>,
    ) -> Vec<usize> {
        let mut lines = Vec::new();
        let mut pos = 0;
        while let Some(hit) = next(pos) {
            assert!(hit >= pos);
            let start =
                memchr::memrchr(b'\n', &text[..hit]).map_or(0, |i| i + 1);
            lines.push(start);
            pos = memchr::memchr(b'\n', &text[hit..])
                .map_or(text.len(), |i| hit + i + 1);
        }
        lines
    }

    /// Every line holding a literal is a candidate, and no other: the
    /// needle search finds the same lines as a search for the literals.
    fn same_candidates_as_literal_search(pack: &Pack, text: &[u8]) {
        same_candidates_with(pack, pack.compile(), text);
    }

    /// `m` as [`Pack::compile`] builds it, but searching with `passes`
    /// searchers.
    fn in_passes(mut m: Matcher, passes: usize) -> Matcher {
        // A file of unknown kind is searched for every literal.
        let bytes: Vec<&[u8]> =
            m.literals.iter().map(|l| l.as_bytes()).collect();
        let groups = needles::choose_in(&bytes, passes);
        assert_eq!(groups.len(), passes);
        let scan = Scan::with_needles(&bytes, &groups, m.first_probe as usize);
        let sets = m.probe_sets.len();
        m.scans[SourceKind::Unknown as usize * sets] = OnceLock::from(scan);
        m
    }

    fn same_candidates_with(pack: &Pack, m: Matcher, text: &[u8]) {
        let mut literals: Vec<&str> = pack
            .signatures()
            .iter()
            .flat_map(|s| s.patterns.iter().map(String::as_str))
            .collect();
        literals.sort_unstable();
        literals.dedup();
        let plain = build_automaton(&literals, MatchKind::LeftmostFirst);
        let want = candidate_lines(text, |at| {
            plain.find(Input::new(text).range(at..)).map(|m| m.start())
        });
        let got = candidate_lines(text, |at| {
            m.next_candidate(text, SourceKind::Unknown, at)
        });
        assert_eq!(got, want);
        // Walking with one cursor, which remembers each searcher's next
        // hit, finds the same.
        let mut cursor = m.candidates(text, SourceKind::Unknown);
        let walked = candidate_lines(text, |at| cursor.next_from(at));
        assert_eq!(walked, want);
    }

    /// The pack's example lines among filler, and its literals back to
    /// back, cut, and at the text's very end.
    fn pack_text(pack: &Pack) -> Vec<u8> {
        let mut text = Vec::new();
        for (i, sig) in pack.signatures().iter().enumerate() {
            for line in
                sig.examples.matches.iter().chain(&sig.examples.no_match)
            {
                text.extend_from_slice(format!("I0101 00:00:{i:02} filler line with time, tion, to and not\n").as_bytes());
                text.extend_from_slice(line.line.as_bytes());
                text.push(b'\n');
            }
            for p in &sig.patterns {
                text.extend_from_slice(p.as_bytes());
                text.extend_from_slice(&p.as_bytes()[..p.len() / 2]);
                text.push(b'\n');
            }
        }
        text.extend_from_slice(pack.signatures()[0].patterns[0].as_bytes());
        text
    }

    #[test]
    fn needle_search_finds_every_literal_line() {
        let pack = Pack::embedded().unwrap();
        let mut text = pack_text(&pack);
        same_candidates_as_literal_search(&pack, &text);
        text.pop();
        same_candidates_as_literal_search(&pack, &text);
        let last = &pack.signatures()[0].patterns[0];
        same_candidates_as_literal_search(&pack, last.as_bytes());
    }

    /// A file of one kind is searched for the literals of the signatures
    /// that kind admits, and the probes: exactly the lines holding one are
    /// its candidates, and every kind's scan (each with needles of its
    /// own) finds them.
    #[test]
    fn each_kind_searches_for_the_literals_it_admits() {
        let pack = Pack::embedded().unwrap();
        let probes = [": E1", "Error", "Failed", "panic:"];
        let other: &[&str] = &["level=error", "Failed"];
        let m = Matcher::with_probes(pack.signatures(), &[&probes, other]);
        let mut text = pack_text(&pack);
        text.extend_from_slice(b"\nx level=error y\nNo probe Failed z\n");
        let mut searchers = Vec::new();
        for &kind in SourceKind::ALL {
            for (set, probes) in [&probes[..], other].into_iter().enumerate() {
                let mut literals: Vec<&str> = pack
                    .signatures()
                    .iter()
                    .filter(|s| s.applies_to(kind))
                    .flat_map(|s| s.patterns.iter().map(String::as_str))
                    .collect();
                literals.sort_unstable();
                literals.dedup();
                let signatures =
                    build_automaton(&literals, MatchKind::Standard);
                literals.extend(probes);
                let plain =
                    build_automaton(&literals, MatchKind::LeftmostFirst);
                let want = candidate_lines(&text, |at| {
                    plain
                        .find(Input::new(&text).range(at..))
                        .map(|m| m.start())
                });
                let mut cursor = m.candidates_with(&text, kind, set);
                let mut flags = Vec::new();
                let got = candidate_lines(&text, |at| {
                    let hit = cursor.next_hit(at)?;
                    flags.push(hit.probes_only);
                    Some(hit.at)
                });
                assert_eq!(got, want, "{kind}, set {set}");
                // A line is probes-only exactly when it holds no literal of
                // a signature the kind admits.
                for (&start, probes_only) in got.iter().zip(flags) {
                    let end = memchr::memchr(b'\n', &text[start..])
                        .map_or(text.len(), |i| start + i);
                    let line = &text[start..end];
                    assert_eq!(
                        probes_only,
                        !signatures.is_match(line),
                        "{kind}, set {set}: {}",
                        String::from_utf8_lossy(line)
                    );
                }
            }
            searchers.push((kind, m.searchers(kind)));
        }
        // The point: a kind that admits fewer literals than the whole
        // pack takes no more passes, and the node daemons' logs one.
        let all = m.searchers(SourceKind::Unknown);
        for (kind, n) in &searchers {
            assert!(*n <= all, "{kind}: {n} searchers, the pack {all}");
        }
        for kind in
            [SourceKind::Kubelet, SourceKind::Ipamd, SourceKind::Containerd]
        {
            assert_eq!(m.searchers(kind), 1, "{kind}: {searchers:?}");
        }
    }

    /// A probe whose needle comes first in its line does not hide a
    /// signature's literal in that line, even one starting with it or
    /// before it, in one searcher or in two.
    #[test]
    fn a_probe_s_line_is_searched_on_for_a_signature() {
        let lits: [&[u8]; 3] =
            [b"Failed to start kubelet", b"rt kub", b"Failed"];
        let text =
            b"a Failed to start kubelet\nb Failed z\nstart kubelet Failed\n";
        let want = [
            Hit { at: 2, probes_only: false },
            Hit { at: 28, probes_only: true },
            Hit { at: 40, probes_only: false },
        ];
        let needles = |n: &[&str]| -> Vec<Vec<u8>> {
            n.iter().map(|n| n.as_bytes().to_vec()).collect()
        };
        for groups in [
            vec![needles(&["Failed", "t kub"])],
            vec![needles(&["Failed"]), needles(&["t kub"])],
        ] {
            let scan = Scan::with_needles(&lits, &groups, 2);
            let mut cursor = scan.candidates(text);
            let mut got = Vec::new();
            let mut pos = 0;
            while let Some(hit) = cursor.next_hit(pos) {
                got.push(hit);
                pos = memchr::memchr(b'\n', &text[hit.at..])
                    .map_or(text.len(), |i| hit.at + i + 1);
            }
            assert_eq!(got, want, "{} searchers", groups.len());
        }
    }

    #[test]
    fn fallback_without_needles_finds_the_same_lines() {
        let lits = ["TLS handshake timeout", "NotReady", "Ready", "x"];
        let bytes: Vec<&[u8]> = lits.iter().map(|l| l.as_bytes()).collect();
        let slow = Scan::literals_only(&bytes, bytes.len());
        let fast = Scan::new(&lits);
        let text =
            b"a\nNot Ready\nKubeletNotReady TLS handshake timeout\nbox\n\
                     Ready\nnothing\nTLS handshake timeou";
        let slow =
            candidate_lines(text, |at| slow.candidates(text).next_from(at));
        assert_eq!(slow, [2, 12, 50, 54]);
        assert_eq!(
            candidate_lines(text, |at| fast.candidates(text).next_from(at)),
            slow
        );
    }

    #[test]
    fn many_plain_word_literals_still_fit() {
        // Hundreds of lowercase phrases of common words: the hard case for
        // choosing needles.
        let words = [
            "failed", "to", "mount", "the", "volume", "attach", "node",
            "could", "not", "resolve", "timed", "out", "waiting", "for",
            "lease", "driver",
        ];
        let mut toml = String::new();
        let mut text = String::new();
        for i in 0..300usize {
            let phrase: Vec<&str> = (0..4)
                .map(|k| words[(i * 7 + k * (i % 5 + 1)) % words.len()])
                .collect();
            let phrase = format!("{} {i}x", phrase.join(" "));
            toml.push_str(&format!("[[signature]]\nid = \"s{i}\"\ntitle = \"t\"\nseverity = \"error\"\npatterns = [{phrase:?}]\nfix = \"x\"\n"));
            if i % 3 == 0 {
                text.push_str(&format!("E0101 something {phrase} happened\n"));
            }
            text.push_str(&format!(
                "I0101 {} {} the volume to node {i}\n",
                words[i % 16],
                words[(i + 3) % 16]
            ));
        }
        let mut pack = Pack::new();
        pack.add_toml("t.toml", &toml).unwrap();
        same_candidates_as_literal_search(&pack, text.as_bytes());
    }

    #[test]
    fn several_searchers_miss_nothing() {
        // The built-in pack and hundreds more literals of plain words: no
        // 64 rare needles cover them all, so several searchers run, each
        // ahead of the others at times.
        let subjects =
            ["csi driver", "mount helper", "load balancer", "fluent bit"];
        let actions = [
            "failed to attach",
            "could not mount",
            "gave up on",
            "lost the",
            "cannot resolve",
        ];
        let objects =
            ["the volume", "the target group", "the lease", "the record"];
        let states =
            ["NotFound", "Throttled", "Expired", "Invalid", "Conflict"];
        let nouns =
            ["Volume", "Listener", "Queue", "Record", "Stream", "Mesh"];
        let mut literals = Vec::new();
        for s in subjects {
            for a in actions {
                for o in objects {
                    literals.push(format!("{s} {a} {o}"));
                }
            }
        }
        for n in nouns {
            for st in states {
                for p in ["Ebs", "Efs", "Elb", "Sqs", "Ssm", "Imds"] {
                    literals.push(format!("{p}{n}{st}"));
                }
            }
        }
        let mut toml = String::new();
        for (i, lit) in literals.iter().enumerate() {
            toml.push_str(&format!("[[signature]]\nid = \"x{i}\"\ntitle = \"t\"\nseverity = \"error\"\npatterns = [{lit:?}]\nfix = \"x\"\n"));
        }
        let mut pack = Pack::embedded().unwrap();
        pack.add_toml("more.toml", &toml).unwrap();
        let mut text = String::new();
        for (i, lit) in literals.iter().enumerate() {
            // Filler that hits common needles, literals alone, two to a
            // line, back to back, and cut short.
            text.push_str("I0101 the node failed to update the status of the container\n");
            text.push_str(&format!("E0101 {lit}\n"));
            if i % 3 == 0 {
                let other = &literals[(i * 7) % literals.len()];
                text.push_str(&format!("{other} and {lit}{lit}\n"));
            }
            text.push_str(&format!("{}\n", &lit[..lit.len() - 1]));
        }
        for sig in pack.signatures().iter().take(40) {
            for ex in &sig.examples.matches {
                text.push_str(&ex.line);
                text.push('\n');
            }
        }
        let last = literals.last().unwrap();
        for text in [text.clone(), format!("{text}{last}")] {
            same_candidates_as_literal_search(&pack, text.as_bytes());
            for passes in [2, 3] {
                let m = in_passes(pack.compile(), passes);
                same_candidates_with(&pack, m, text.as_bytes());
            }
        }
    }

    #[test]
    fn empty_pack_never_matches() {
        let m = Pack::new().compile();
        assert_eq!(
            m.next_candidate(b"anything", SourceKind::Unknown, 0),
            None
        );
    }
}
