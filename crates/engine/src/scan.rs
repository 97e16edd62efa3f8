//! Streaming one text file through the matcher, in large buffers.
//!
//! The buffer holds many lines; the matcher's literal search runs over all
//! of it at once, and line boundaries and numbers are worked out only
//! around hits. A line longer than the buffer grows it up to a limit; past
//! that, the line is searched in fragments that overlap by the longest
//! literal, so nothing is missed and memory stays bounded.

use std::{collections::BTreeMap, io::Read};

use jiff::Timestamp;
use logsift_signatures::{Candidates, Hit, Matcher, SourceKind};
use memchr::{memchr, memchr_iter, memrchr};

use crate::{
    ahead::{Job, Known, Lookahead, Member},
    coverage::KindReason,
    io::read_full,
    mine::{self, Format, Miner},
    mirror,
    model::{Evidence, FileFinding},
    source::classify_content,
    time::{parse_line, widen},
};

/// Limits and context of one scan.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScanOptions {
    /// When the input was collected, for lines without a year.
    pub(crate) reference: Timestamp,
    /// Lines stamped before this are ignored.
    pub(crate) since: Option<Timestamp>,
    /// Lines stamped after this are ignored.
    pub(crate) until: Option<Timestamp>,
    /// Bytes read before searching.
    pub(crate) chunk: usize,
    /// The most bytes of one line held at once.
    pub(crate) max_line: usize,
    /// Evidence lines kept per finding.
    pub(crate) max_evidence: usize,
    /// Bytes of one evidence line kept.
    pub(crate) max_evidence_bytes: usize,
    /// Whether error lines no signature matches are mined.
    pub(crate) mine: bool,
}

/// How a file's kind is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KindBy {
    /// Said by a path that names a log.
    Path(SourceKind),
    /// Said by the user (`--source-kind`).
    Option(SourceKind),
    /// The file's first lines decide; `otherwise` when they say nothing
    /// (the path's generic kind: config, command output, unknown).
    Content {
        /// The kind when the lines tell none.
        otherwise: SourceKind,
    },
}

/// Per-signature tallies for one file.
#[derive(Debug)]
struct Tally {
    message: Option<String>,
    first_seen: Option<Timestamp>,
    last_seen: Option<Timestamp>,
    count: u64,
    first_line: u64,
    last_line: u64,
    head: Vec<Evidence>,
    tail: Option<Evidence>,
    /// The matching lines' mirror keys; `None` once there were too many.
    keys: Option<Vec<u64>>,
    /// For a signature with a threshold: the lines within its window.
    window: Option<Window>,
}

/// The most matching lines found within a signature's threshold window,
/// counted with the times of the last lines that still fit in it. Once
/// the threshold is reached nothing more is kept, so it holds at most
/// `count` times.
#[derive(Debug)]
struct Window {
    count: u64,
    within: jiff::SignedDuration,
    times: std::collections::VecDeque<Timestamp>,
    peak: u64,
    /// Whether any matching line carried a time.
    timed: bool,
    /// The occurrences the lines without a time stand for.
    untimed: u64,
    /// Lines closer than this to the last one counted do not count.
    apart: jiff::SignedDuration,
    /// The time of the last line counted.
    last: Option<Timestamp>,
}

impl Window {
    /// Counts a matching line that stands for `times` occurrences.
    fn add(&mut self, time: Option<Timestamp>, times: u64) {
        let Some(t) = time else {
            self.untimed = self.untimed.saturating_add(times);
            return;
        };
        self.timed = true;
        if self.peak >= self.count {
            return;
        }
        // A folded event spreads its repeats over their own span.
        let near = |last: Timestamp| t.duration_since(last).abs() < self.apart;
        if times == 1 && self.last.is_some_and(near) {
            return;
        }
        self.last = Some(t);
        for _ in 0..times.min(self.count) {
            self.times.push_back(t);
        }
        let start = t.checked_sub(self.within).unwrap_or(Timestamp::MIN);
        while self.times.front().is_some_and(|&f| f < start) {
            self.times.pop_front();
        }
        self.peak = self.peak.max(self.times.len() as u64);
    }

    /// The peak; lines without times are all taken as one burst.
    fn peak(&self) -> u64 {
        if self.timed { self.peak } else { self.untimed }
    }
}

/// A pack's seconds as a duration, the longest there is past its range.
fn seconds(n: u64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_secs(i64::try_from(n).unwrap_or(i64::MAX))
}

/// How many occurrences a line stands for: an event that Kubernetes
/// folded from repeats says so (`Warning  NetworkNotReady  4m22s (x17
/// over 4m54s)  kubelet ...`), and one such line is as many lines of the
/// kubelet's own log; any other line is one.
fn occurrences(line: &[u8]) -> u64 {
    memchr::memmem::find_iter(line, b"(x")
        .find_map(|at| {
            let rest = &line[at + 2..];
            let digits =
                rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let n = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
            rest[digits..].starts_with(b" over ").then_some(n)
        })
        .map_or(1, |n: u64| n.max(1))
}

/// What one file's scan has found so far; kept when the scan fails, so a
/// truncated file still reports what it held.
#[derive(Debug, Default)]
pub(crate) struct FileTally {
    by_signature: BTreeMap<usize, Tally>,
    pub(crate) bytes: u64,
    /// The first bytes of the file, for metadata files.
    pub(crate) head: Vec<u8>,
    /// What produced the file, as decided when its first bytes were read.
    pub(crate) kind: SourceKind,
    /// What decided that: its path, its first lines, or the user.
    pub(crate) by: KindReason,
    /// Runs of NUL bytes, counted in a file whose first chunk has one.
    pub(crate) nul_runs: Option<NulRuns>,
    /// Its error lines that no signature matched.
    pub(crate) miner: Miner,
}

/// Runs of NUL bytes in a damaged text file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct NulRuns {
    /// How many.
    pub(crate) runs: u64,
    /// Their bytes.
    pub(crate) bytes: u64,
    /// Where the first starts.
    pub(crate) first: u64,
    /// Where the last one seen ends, to join a run split between reads.
    end: u64,
}

impl NulRuns {
    /// Counts the NUL bytes of `data`, which starts at byte `at`.
    fn count(&mut self, data: &[u8], at: u64) {
        for i in memchr_iter(0, data) {
            let pos = at + i as u64;
            if self.bytes == 0 || pos != self.end {
                if self.bytes == 0 {
                    self.first = pos;
                }
                self.runs += 1;
            }
            self.bytes += 1;
            self.end = pos + 1;
        }
    }
}

impl FileTally {
    fn record(
        &mut self,
        matcher: &Matcher,
        sig: usize,
        line: u64,
        (time, key): (Option<Timestamp>, Option<u64>),
        text: &[u8],
        limits: &ScanOptions,
    ) {
        let t = self.by_signature.entry(sig).or_insert_with(|| Tally {
            message: matcher.message(sig, text),
            first_seen: None,
            last_seen: None,
            count: 0,
            first_line: line,
            last_line: line,
            head: Vec::new(),
            tail: None,
            keys: Some(Vec::new()),
            window: matcher.threshold(sig).map(|th| Window {
                count: th.count,
                within: seconds(th.within_seconds),
                times: std::collections::VecDeque::new(),
                peak: 0,
                timed: false,
                untimed: 0,
                apart: seconds(th.apart_seconds),
                last: None,
            }),
        });
        // A long line searched in fragments may hit twice.
        if t.count > 0 && t.last_line == line {
            return;
        }
        t.count += 1;
        t.last_line = line;
        if let Some(w) = &mut t.window {
            w.add(time, occurrences(text));
        }
        if let (Some(keys), Some(key)) = (&mut t.keys, key) {
            if keys.len() < mirror::MAX_KEYS {
                keys.push(key);
            } else {
                t.keys = None;
            }
        }
        if let Some(time) = time {
            widen(&mut t.first_seen, &mut t.last_seen, time);
        }
        let head_cap = match limits.max_evidence {
            0 | 1 => limits.max_evidence,
            n => n - 1,
        };
        if t.head.len() < head_cap {
            t.head.push(evidence(line, text, limits.max_evidence_bytes));
        } else if limits.max_evidence >= 2 {
            t.tail = Some(evidence(line, text, limits.max_evidence_bytes));
        }
    }

    /// The findings, one per signature, in signature order. A signature
    /// whose last line an overriding one's follows has none: the file
    /// set it, then set it back.
    pub(crate) fn into_findings(
        self,
        matcher: &Matcher,
        path: &str,
    ) -> Vec<FileFinding> {
        let source = self.kind;
        let overridden: Vec<usize> = self
            .by_signature
            .iter()
            .filter(|&(&sig, t)| {
                matcher.overridden_by(sig).iter().any(|o| {
                    self.by_signature
                        .get(o)
                        .is_some_and(|later| later.last_line > t.last_line)
                })
            })
            .map(|(&sig, _)| sig)
            .collect();
        self.by_signature
            .into_iter()
            .filter(|(sig, _)| !overridden.contains(sig))
            .map(|(signature, t)| {
                let mut evidence = t.head;
                evidence.extend(t.tail);
                let mirror_keys = t.keys.map(|mut k| {
                    k.sort_unstable();
                    k
                });
                FileFinding {
                    signature,
                    path: path.to_string(),
                    source,
                    message: t.message,
                    first_seen: t.first_seen,
                    last_seen: t.last_seen,
                    count: t.count,
                    first_line: t.first_line,
                    last_line: t.last_line,
                    evidence,
                    mirror_keys,
                    peak: t.window.as_ref().map(Window::peak),
                }
            })
            .collect()
    }
}

fn evidence(line: u64, text: &[u8], max: usize) -> Evidence {
    let truncated = text.len() > max;
    let text = if truncated { &text[..max] } else { text };
    let mut text = String::from_utf8_lossy(text).into_owned();
    if truncated {
        // The cut may have split a character into a replacement char.
        text = text.trim_end_matches('\u{fffd}').to_string();
    }
    Evidence { line, text, truncated }
}

/// Scans `reader` to its end, recording into `tally`. On a read error the
/// tally keeps everything found before it. `kind` says whether the file's
/// first bytes decide its kind.
///
/// With `ahead`, the file is a member of the stream inflated on another
/// thread, which is asked to search its lines ahead of this scan.
pub(crate) fn scan_text(
    matcher: &Matcher,
    kind: KindBy,
    reader: &mut dyn Read,
    limits: &ScanOptions,
    ahead: Option<Member<'_>>,
    tally: &mut FileTally,
) -> std::io::Result<()> {
    let mut s = LineScanner {
        matcher,
        kind: match kind {
            KindBy::Path(k) | KindBy::Option(k) => k,
            KindBy::Content { otherwise } => otherwise,
        },
        limits,
        format: Format::Any,
        level_at: 0,
        line: 1,
        hits: Vec::new(),
        ahead: None,
        known: Vec::new(),
    };
    // Whether `buf` starts at a line's start (not inside a line longer
    // than it holds), so its stretches of whole lines are those found
    // ahead.
    let mut whole = true;
    let mut buf = vec![0u8; limits.chunk.max(64)];
    let mut len = 0;
    // Where `buf` starts in the file.
    let mut at = 0u64;
    if let KindBy::Option(_) = kind {
        tally.by = KindReason::Option;
    }
    let overlap = matcher.longest_literal().saturating_sub(1);
    loop {
        // What was read before a failed read (a cut archive member's last
        // lines) is searched as the end of the stream, then the error told.
        let filled = fill(reader, &mut buf, &mut len, &mut tally.bytes);
        let eof = *filled.as_ref().unwrap_or(&true);
        if tally.head.is_empty() && len > 0 {
            tally.head = buf[..len.min(256)].to_vec();
            // NUL runs are counted in a file whose first chunk has one:
            // the damaged text that sniffing let through.
            if memchr(0, &buf[..len]).is_some() {
                tally.nul_runs = Some(NulRuns::default());
            }
            if let KindBy::Content { otherwise } = kind {
                s.kind = match classify_content(&buf[..len]) {
                    SourceKind::Unknown => otherwise,
                    seen => {
                        tally.by = KindReason::Content;
                        seen
                    }
                };
            }
            if limits.mine {
                s.format = mine::format(&buf[..len]);
            }
            if let Some(m) = ahead {
                let job = Job {
                    kind: s.kind,
                    probes: s.format.probe_set(),
                    start: m.start,
                    end: m.end,
                };
                m.lookahead.post(job);
                s.ahead = Some((m.lookahead, job));
            }
        }
        tally.kind = s.kind;
        if eof {
            if let Some(n) = tally.nul_runs.as_mut() {
                n.count(&buf[..len], at);
            }
            s.search(&buf[..len], None, tally);
            if let Some((lookahead, _)) = s.ahead {
                lookahead.finish();
            }
            return filled.map(|_| ());
        }
        match memrchr(b'\n', &buf[..len]) {
            Some(nl) => {
                if let Some(n) = tally.nul_runs.as_mut() {
                    n.count(&buf[..=nl], at);
                }
                let offset = ahead.filter(|_| whole).map(|m| m.start + at);
                s.search(&buf[..=nl], offset, tally);
                whole = true;
                at += nl as u64 + 1;
                buf.copy_within(nl + 1..len, 0);
                len -= nl + 1;
            }
            None if buf.len() < limits.max_line => {
                let grown = (buf.len() * 2).min(limits.max_line);
                buf.resize(grown, 0);
            }
            None => {
                // A line longer than we hold: search what we have, keep
                // the tail so a literal cut in two is still found.
                s.search(&buf[..len], None, tally);
                whole = false;
                let keep = overlap.min(len);
                if let Some(n) = tally.nul_runs.as_mut() {
                    n.count(&buf[..len - keep], at);
                }
                at += (len - keep) as u64;
                buf.copy_within(len - keep..len, 0);
                len = keep;
            }
        }
    }
}

/// Reads until `buf` is full or the stream ends; returns whether it ended.
fn fill(
    reader: &mut dyn Read,
    buf: &mut [u8],
    len: &mut usize,
    total: &mut u64,
) -> std::io::Result<bool> {
    let (n, ended) = read_full(reader, &mut buf[*len..]);
    *len += n;
    *total += n as u64;
    ended
}

struct LineScanner<'a> {
    matcher: &'a Matcher,
    kind: SourceKind,
    limits: &'a ScanOptions,
    /// The format of the file's lines, which says how its error lines
    /// are found when mining.
    format: Format,
    /// Where the last line's level was, for [`Format::is_error`].
    level_at: usize,
    /// The number of the line `region[0]` belongs to.
    line: u64,
    hits: Vec<usize>,
    /// Where hits found ahead are taken, and the job they were found for.
    ahead: Option<(&'a Lookahead<'a>, Job)>,
    /// The hits found ahead for the region being searched.
    known: Vec<Known>,
}

/// Where a stretch of whole lines gets its hits: its own search, or the
/// hits found ahead for it.
enum Hits<'m, 'h, 'k> {
    Search(Candidates<'m, 'h>),
    Known(&'k [Hit]),
}

impl Hits<'_, '_, '_> {
    /// The first hit at or after `from`, which is a line's start.
    fn next_hit(&mut self, from: usize) -> Option<Hit> {
        match self {
            Hits::Search(c) => c.next_hit(from),
            Hits::Known(hits) => {
                let skip = hits.partition_point(|h| h.at < from);
                *hits = &hits[skip..];
                hits.first().copied()
            }
        }
    }
}

impl LineScanner<'_> {
    /// Gives the miner an error line no signature matched, unless its time
    /// is outside the window.
    fn mine(&self, text: &[u8], message: &[u8], tally: &mut FileTally) {
        let o = self.limits;
        let time = parse_line(text).and_then(|t| t.resolve(o.reference));
        if time.is_some_and(|t| {
            o.since.is_some_and(|s| t < s) || o.until.is_some_and(|u| t > u)
        }) {
            return;
        }
        tally.miner.add(text, message, self.line, time, o.max_evidence_bytes);
    }

    /// Searches `region`, which starts at a line start (or inside a long
    /// line) and ends at a line end, the stream's end, or inside a long
    /// line; line numbers carry over from one region to the next.
    ///
    /// `offset` is where a region of whole lines is in the stream the
    /// lines were searched ahead in: their hits are taken from there.
    fn search(
        &mut self,
        region: &[u8],
        offset: Option<u64>,
        tally: &mut FileTally,
    ) {
        let mut known = std::mem::take(&mut self.known);
        known.clear();
        if let (Some(at), Some((lookahead, job))) = (offset, self.ahead) {
            lookahead.take(job, at, at + region.len() as u64, &mut known);
        }
        // Stretches of whole lines, each with the same hits wherever it
        // was searched: those not searched ahead are searched here.
        let mut done = 0;
        for k in &known {
            if done < k.start {
                self.search_lines(&region[done..k.start], None, tally);
            }
            self.search_lines(&region[k.start..k.end], Some(&k.hits), tally);
            done = k.end;
        }
        if done < region.len() {
            self.search_lines(&region[done..], None, tally);
        }
        self.known = known;
    }

    /// Searches `region` as [`LineScanner::search`] says, its hits
    /// `known` (found ahead) or found here.
    fn search_lines(
        &mut self,
        region: &[u8],
        known: Option<&[Hit]>,
        tally: &mut FileTally,
    ) {
        let mut candidates = match known {
            Some(hits) => Hits::Known(hits),
            None => Hits::Search(self.matcher.candidates_with(
                region,
                self.kind,
                self.format.probe_set(),
            )),
        };
        if self.limits.mine && self.format.reads_every_level() {
            return self.search_every_line(region, candidates, tally);
        }
        let mut pos = 0;
        let mut counted = 0;
        while pos < region.len() {
            let Some(Hit { at: hit, probes_only }) = candidates.next_hit(pos)
            else {
                break;
            };
            let start =
                memrchr(b'\n', &region[pos..hit]).map_or(pos, |i| pos + i + 1);
            let end = memchr(b'\n', &region[hit..])
                .map_or(region.len(), |i| hit + i);
            self.line +=
                memchr_iter(b'\n', &region[counted..start]).count() as u64;
            counted = start;
            let text = without_cr(&region[start..end]);
            if probes_only {
                // An error no signature knows?
                if self.limits.mine
                    && let Some(message) = Miner::wants(text, self.kind)
                {
                    self.mine(text, message, tally);
                }
            } else {
                self.candidate(text, tally);
            }
            pos = end + 1;
        }
        self.line += memchr_iter(b'\n', &region[counted..]).count() as u64;
    }

    /// As [`LineScanner::search`], reading every line's level where the
    /// file's format keeps it, for the lines the signatures' search does
    /// not stop at.
    fn search_every_line(
        &mut self,
        region: &[u8],
        mut candidates: Hits<'_, '_, '_>,
        tally: &mut FileTally,
    ) {
        let mut next = candidates.next_hit(0).map(|h| h.at);
        let mut start = 0;
        while start < region.len() {
            let end = memchr(b'\n', &region[start..])
                .map_or(region.len(), |i| start + i);
            let text = without_cr(&region[start..end]);
            if next.is_some_and(|hit| hit <= end) {
                self.candidate(text, tally);
                next = candidates.next_hit(end + 1).map(|h| h.at);
            } else if self.format.is_error(text, self.kind, &mut self.level_at)
            {
                self.mine(text, mine::message(text), tally);
            }
            if end < region.len() {
                self.line += 1;
            }
            start = end + 1;
        }
    }

    /// A line holding a signature's literal: its findings, or, when none
    /// confirms, the miner's if it is an error.
    fn candidate(&mut self, text: &[u8], tally: &mut FileTally) {
        self.matcher.match_line(text, self.kind, &mut self.hits);
        let o = self.limits;
        if self.hits.is_empty() {
            if o.mine
                && let Some(message) = Miner::wants(text, self.kind)
            {
                self.mine(text, message, tally);
            }
            return;
        }
        let time = parse_line(text).and_then(|t| t.resolve(o.reference));
        // A line without a time of its own cannot be placed, so it is kept
        // whatever the window.
        let outside = time.is_some_and(|t| {
            o.since.is_some_and(|s| t < s) || o.until.is_some_and(|u| t > u)
        });
        if outside {
            return;
        }
        let key = time.and_then(|t| mirror::key(text, t));
        for &sig in &self.hits {
            tally.record(self.matcher, sig, self.line, (time, key), text, o);
        }
    }
}

/// A line without the `\r` of a CRLF line end.
fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use logsift_signatures::Pack;

    const LIMITS: ScanOptions = ScanOptions {
        reference: Timestamp::UNIX_EPOCH,
        since: None,
        until: None,
        chunk: 64,
        max_line: 256,
        max_evidence: 3,
        max_evidence_bytes: 100,
        mine: false,
    };

    #[test]
    fn lines_closer_than_apart_count_once() {
        let window = || Window {
            count: 24,
            within: jiff::SignedDuration::from_secs(300),
            times: std::collections::VecDeque::new(),
            peak: 0,
            timed: false,
            untimed: 0,
            apart: jiff::SignedDuration::from_secs(4),
            last: None,
        };
        // The kubelet's check every 5 s, and a pod that cannot start 2 s
        // after each: a minute of it counts 13, not 26.
        let at = |s: i64| Timestamp::from_second(1_700_000_000 + s).ok();
        let mut boot = window();
        for i in 0..13 {
            boot.add(at(i * 5), 1);
            boot.add(at(i * 5 + 2), 1);
        }
        assert_eq!(boot.peak(), 13);
        // Two and a half minutes of it reach the threshold.
        let mut down = window();
        for i in 0..30 {
            down.add(at(i * 5), 1);
            down.add(at(i * 5 + 2), 1);
        }
        assert_eq!(down.peak(), 24);
        // A folded event at a time still counts its repeats.
        let mut folded = window();
        folded.add(at(0), 1);
        folded.add(at(1), 17);
        assert_eq!(folded.peak(), 18);
    }

    #[test]
    fn a_folded_event_stands_for_its_repeats() {
        let event = b"Warning  NetworkNotReady  4m22s (x17 over 4m54s)  \
            kubelet  network is not ready";
        assert_eq!(occurrences(event), 17);
        assert_eq!(occurrences(b"E1121 plain line (x17 overall)"), 1);
        assert_eq!(occurrences(b"(x over 3s) then (x4 over 9s)"), 4);
        assert_eq!(occurrences(b"(x0 over 3s)"), 1);
        assert_eq!(occurrences(b"(x99999999999999999999 over 3s)"), 1);
        assert_eq!(occurrences(b"ends in (x12"), 1);
    }

    #[test]
    fn a_setting_set_back_later_in_the_file_is_no_finding() {
        let mut pack = Pack::new();
        pack.add_toml(
            "setting.toml",
            "[[signature]]\nid = \"not-none\"\ntitle = \"t\"\n\
             severity = \"warning\"\npatterns = [\"Policy=\"]\n\
             exclude = [\"Policy=none\"]\n\
             overridden_by = [\"none\"]\nfix = \"f\"\n\
             [[signature]]\nid = \"none\"\ntitle = \"t\"\n\
             severity = \"info\"\nmarker = true\n\
             patterns = [\"Policy=none\"]\nfix = \"f\"\n",
        )
        .unwrap();
        pack.check().unwrap();
        let m = pack.compile();
        let ids = |text: &str| {
            let mut tally = FileTally::default();
            let kind = KindBy::Path(SourceKind::Unknown);
            scan_text(
                &m,
                kind,
                &mut text.as_bytes(),
                &LIMITS,
                None,
                &mut tally,
            )
            .unwrap();
            tally
                .into_findings(&m, "f")
                .iter()
                .map(|f| (pack.signatures()[f.signature].id.clone(), f.count))
                .collect::<Vec<_>>()
        };
        let set = |n: &str, v: &str| (n.to_string(), v.parse().unwrap());
        // The default, then a drop-in that sets it back.
        assert_eq!(
            ids("Policy=persistent\nPolicy=none\n"),
            [set("none", "1")]
        );
        // A drop-in that sets it, after one that set it back.
        assert_eq!(
            ids("Policy=none\nPolicy=persistent\n"),
            [set("not-none", "1"), set("none", "1")]
        );
        assert_eq!(
            ids("Policy=persistent\nPolicy=none\nPolicy=random\n"),
            [set("not-none", "2"), set("none", "1")]
        );
        assert_eq!(ids("Policy=random\n"), [set("not-none", "1")]);
    }

    fn scan(
        text: &[u8],
        limits: &ScanOptions,
    ) -> Vec<(String, u64, u64, u64)> {
        let pack = Pack::embedded().unwrap();
        let m = pack.compile();
        let mut tally = FileTally::default();
        scan_text(
            &m,
            KindBy::Path(SourceKind::Unknown),
            &mut &text[..],
            limits,
            None,
            &mut tally,
        )
        .unwrap();
        assert_eq!(tally.bytes, text.len() as u64);
        tally
            .into_findings(&m, "f")
            .into_iter()
            .map(|f| {
                (
                    pack.signatures()[f.signature].id.clone(),
                    f.count,
                    f.first_line,
                    f.last_line,
                )
            })
            .collect()
    }

    #[test]
    fn lines_read_before_a_failed_read_are_searched() {
        struct Cut;
        impl std::io::Read for Cut {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("cut"))
            }
        }
        let pack = Pack::embedded().unwrap();
        let m = pack.compile();
        let mut tally = FileTally::default();
        // One chunk holds the text, so the read that fails is the one
        // that read it.
        let limits =
            ScanOptions { chunk: 1 << 16, max_line: 1 << 16, ..LIMITS };
        let text = tls(2);
        let mut reader = std::io::Read::chain(text.as_bytes(), Cut);
        let kind = KindBy::Path(SourceKind::Unknown);
        let err = scan_text(&m, kind, &mut reader, &limits, None, &mut tally)
            .unwrap_err();
        assert_eq!(err.to_string(), "cut");
        assert_eq!(tally.bytes, text.len() as u64);
        let found = tally.into_findings(&m, "f");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].count, 1);
    }

    /// Every format's error lines are mined, however the file is cut into
    /// chunks, and each counted once with its own line number; healthy
    /// lines holding error words are not, and a signature's line is a
    /// finding, not an unknown error.
    #[test]
    fn each_format_s_error_lines_are_mined_once() {
        let kubelet = |i: usize, level: char, msg: &str| {
            format!(
                "Nov 21 10:00:{:02} ip-1 kubelet[3012]: {level}1121 10:00:00.000000    3012 k.go:1] \"{msg}\" n=\"{i}\"\n",
                i % 60
            )
        };
        let zap = |i: usize, level: &str, msg: &str| {
            format!(
                "{{\"level\":\"{level}\",\"ts\":\"2026-11-21T10:00:00.000Z\",\"caller\":\"ipamd/ipamd.go:1\",\"msg\":\"{msg} {i}\"}}\n"
            )
        };
        let logfmt = |i: usize, level: &str, msg: &str| {
            format!(
                "Nov 21 10:00:00 ip-1 containerd[2900]: time=\"2026-11-21T10:00:00Z\" level={level} msg=\"{msg} {i}\"\n"
            )
        };
        let plain = |i: usize, level: &str, msg: &str| {
            let level = level.to_uppercase();
            format!("2026-11-21T10:00:00.000Z [{level}] provider: {msg} {i}\n")
        };
        type Line = Box<dyn Fn(usize, &str, &str) -> String>;
        let forms: [(SourceKind, Format, Line); 4] = [
            (
                SourceKind::Kubelet,
                Format::JournalKlog,
                Box::new(move |i, l: &str, m| {
                    kubelet(i, if l == "error" { 'E' } else { 'I' }, m)
                }),
            ),
            (SourceKind::Ipamd, Format::Zap, Box::new(zap)),
            (SourceKind::Containerd, Format::Logfmt, Box::new(logfmt)),
            (SourceKind::Unknown, Format::Any, Box::new(plain)),
        ];
        let pack = Pack::embedded().unwrap();
        let m = Matcher::with_probes(pack.signatures(), mine::PROBE_SETS);
        for (kind, format, line) in forms {
            let mut text = String::new();
            let mut errors = Vec::new();
            for i in 0..60 {
                text.push_str(&line(
                    i,
                    "info",
                    "Error: none, Failed to nothing, all well",
                ));
                if i % 7 == 3 {
                    text.push_str(&line(i, "error", "ledger drifted"));
                    errors.push(text.lines().count() as u64);
                }
            }
            text.push_str(&line(
                99,
                "error",
                "net/http: TLS handshake timeout",
            ));
            assert_eq!(mine::format(text.as_bytes()), format, "{kind}");
            for chunk in [64, 1 << 16] {
                let limits = ScanOptions {
                    chunk,
                    max_line: 1 << 16,
                    mine: true,
                    ..LIMITS
                };
                let mut tally = FileTally::default();
                scan_text(
                    &m,
                    KindBy::Path(kind),
                    &mut text.as_bytes(),
                    &limits,
                    None,
                    &mut tally,
                )
                .unwrap();
                assert_eq!(
                    tally.miner.lines,
                    errors.len() as u64,
                    "{kind}, chunk {chunk}"
                );
                let mined = std::mem::take(&mut tally.miner)
                    .into_unrecognized("f", kind);
                assert_eq!(mined.len(), 1, "{kind}: {mined:?}");
                assert_eq!(
                    mined[0].example.line, errors[0],
                    "{kind}, chunk {chunk}"
                );
                let found = tally.into_findings(&m, "f");
                assert_eq!(found.len(), 1, "{kind}, chunk {chunk}");
                assert_eq!(found[0].first_line, text.lines().count() as u64);
            }
        }
    }

    fn tls(n: usize) -> String {
        format!("line {n} net/http: TLS handshake timeout\n")
    }

    #[test]
    fn counts_lines_across_chunks() {
        let mut text = String::new();
        for i in 1..=50 {
            if i % 10 == 3 {
                text.push_str(&tls(i));
            } else {
                text.push_str(&format!("line {i} all is well here\n"));
            }
        }
        let got = scan(text.as_bytes(), &LIMITS);
        assert_eq!(got, [("tls-handshake-timeout".into(), 5, 3, 43)]);
        let big = ScanOptions { chunk: 1 << 20, ..LIMITS };
        assert_eq!(scan(text.as_bytes(), &big), got);
    }

    #[test]
    fn last_line_without_newline_and_crlf() {
        let text = "ok\r\nok\r\nnet/http: TLS handshake timeout";
        assert_eq!(
            scan(text.as_bytes(), &LIMITS),
            [("tls-handshake-timeout".into(), 1, 3, 3)]
        );
    }

    #[test]
    fn long_line_straddling_a_split_is_found_once() {
        // The literal straddles the 256-byte limit at which the line splits.
        let mut line = "x".repeat(250);
        line.push_str(" TLS handshake timeout ");
        line.push_str(&"y".repeat(600));
        line.push_str(" TLS handshake timeout again\nnext\n");
        line.push_str(&tls(3));
        let got = scan(line.as_bytes(), &LIMITS);
        assert_eq!(got, [("tls-handshake-timeout".into(), 2, 1, 3)]);
    }

    #[test]
    fn nothing_is_missed_across_chunks_and_in_lines_longer_than_a_chunk() {
        // Literals (of signatures without a regex) at every offset around
        // the 64-byte chunk boundaries, in short lines, in lines longer
        // than a chunk (the buffer grows), and in lines longer than the
        // 256 bytes held at once (searched in overlapping fragments, so a
        // literal may straddle a fragment's end). The scan in small chunks
        // must find exactly what a scan holding every line whole finds,
        // and what a plain line-by-line search finds.
        let literals = [
            "TLS handshake timeout",
            "System OOM encountered",
            "conntrack: table full, dropping packet",
        ];
        let whole =
            ScanOptions { chunk: 1 << 20, max_line: 1 << 20, ..LIMITS };
        for shift in 0..80 {
            let lit = literals[shift % literals.len()];
            let lines = [
                format!("{}{lit} short", "a".repeat(shift)),
                format!("{}{lit}{}", "b".repeat(64 + shift), "c".repeat(90)),
                format!(
                    "{}{lit}{}",
                    "d".repeat(250 + shift),
                    "e".repeat(shift)
                ),
                format!(
                    "{}{lit}{}{lit}",
                    "f".repeat(190 + 3 * shift),
                    "g".repeat(300 + shift)
                ),
                "healthy line without any literal".to_string(),
                format!("{}{lit}", "h".repeat(400 + 7 * shift)),
            ];
            let text = lines.join("\n");
            let got = scan(text.as_bytes(), &LIMITS);
            assert_eq!(got, scan(text.as_bytes(), &whole), "shift {shift}");
            let mut want: Vec<(String, u64, u64, u64)> = Vec::new();
            for l in literals {
                let hit: Vec<u64> = (1..)
                    .zip(&lines)
                    .filter(|(_, line)| line.contains(l))
                    .map(|(n, _)| n)
                    .collect();
                if let (Some(&first), Some(&last)) = (hit.first(), hit.last())
                {
                    let id = match l {
                        "TLS handshake timeout" => "tls-handshake-timeout",
                        "System OOM encountered" => "system-oom-kill",
                        _ => "conntrack-table-full",
                    };
                    want.push((id.into(), hit.len() as u64, first, last));
                }
            }
            want.sort();
            let mut got = got;
            got.sort();
            assert_eq!(got, want, "shift {shift}");
        }
    }

    #[test]
    fn evidence_keeps_first_and_last() {
        let text: String = (1..=10).map(tls).collect();
        let pack = Pack::embedded().unwrap();
        let m = pack.compile();
        let mut tally = FileTally::default();
        scan_text(
            &m,
            KindBy::Path(SourceKind::Unknown),
            &mut text.as_bytes(),
            &LIMITS,
            None,
            &mut tally,
        )
        .unwrap();
        let f = &tally.into_findings(&m, "f")[0];
        let lines: Vec<u64> = f.evidence.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 10]);
        assert_eq!(
            f.evidence[2].text,
            "line 10 net/http: TLS handshake timeout"
        );
    }

    #[test]
    fn evidence_is_truncated_and_says_so() {
        let text = format!("{} TLS handshake timeout\n", "é".repeat(80));
        let pack = Pack::embedded().unwrap();
        let m = pack.compile();
        let mut tally = FileTally::default();
        scan_text(
            &m,
            KindBy::Path(SourceKind::Unknown),
            &mut text.as_bytes(),
            &LIMITS,
            None,
            &mut tally,
        )
        .unwrap();
        let e = &tally.into_findings(&m, "f")[0].evidence[0];
        assert!(e.truncated);
        assert!(e.text.len() <= 100 && !e.text.ends_with('\u{fffd}'));
    }
}
