//! Choosing what the scan searches for: a few short needles, substrings of
//! the literals, such that every literal holds one.
//!
//! A line can only match a signature if it holds one of the pack's
//! literals, and a line holding a literal holds that literal's needle, so
//! searching for the needles and comparing the literals at each hit finds
//! exactly the lines a search for the literals would. The point is speed:
//! the packed (Teddy) SIMD searcher runs at several GB/s but takes at most
//! 64 patterns, while a pack has hundreds of literals, and an automaton
//! over hundreds of literals runs at a fraction of inflate's speed. The
//! price is a hit on every occurrence of a needle, literal or not, so the
//! needles are chosen to be rare in logs: a weighted set cover, greedy,
//! with each needle's cost its estimated rate in log text.
//!
//! When 64 rare needles cannot cover a pack, the choice is between common
//! needles in one searcher and rare ones in several, each a pass over the
//! text; the estimated cost decides. Within a searcher, the needles are
//! ordered so that Teddy's buckets hold alike needles (see
//! [`teddy_order`]), which decides how often it stops for nothing.
//!
//! The estimate knows nothing of the input; it is built from how often
//! bytes and letter pairs occur in logs and from a list of words that
//! fill node logs. A poor estimate only costs speed, never a match.

use std::{
    collections::{BinaryHeap, HashMap, HashSet, hash_map::Entry},
    sync::LazyLock,
};

use foldhash::fast::FixedState;
use memchr::memmem;

use crate::model::SourceKind;

/// Needles are at least this long where the literal allows: Teddy
/// fingerprints the first four bytes of each needle.
const MIN_LEN: usize = 4;
/// Longer needles would rarely be shared by two literals.
const MAX_LEN: usize = 8;
/// What comparing one literal at a needle hit costs, next to the hit
/// itself (a restart of the SIMD search): a few nanoseconds to some 60.
const COMPARE_COST: f64 = 0.05;
/// The most needles the packed searcher takes.
pub(crate) const MAX_NEEDLES: usize = 64;
/// The most searchers (passes over the text) worth running.
const MAX_PASSES: usize = 4;
/// What a pass of the packed searcher over a text costs, as the rate of
/// needle hits (in the estimate's units) that costs as much to visit and
/// verify. Measured on generated bundles (`benches/`): a pass over 1 GiB
/// takes about 0.2 s on one core and a hit about 35 ns, so a pass is
/// worth a rate of about 5.6e-3, and the estimate puts the needles common
/// enough to matter at 3 to 4 times their measured rate.
const PASS_COST: f64 = 2e-2;

/// Words that fill kubelet, containerd, systemd and ipamd logs, and short
/// English words: a needle inside one of them is hit at every line or so.
const COMMON_WORDS: &[&str] = &[
    "a",
    "an",
    "at",
    "be",
    "by",
    "in",
    "is",
    "no",
    "of",
    "on",
    "or",
    "to",
    "and",
    "are",
    "for",
    "has",
    "not",
    "the",
    "you",
    "was",
    "with",
    "your",
    "from",
    "into",
    "that",
    "this",
    "able",
    "unable",
    "cannot",
    "could",
    "failed",
    "failure",
    "error",
    "time",
    "timeout",
    "timed",
    "found",
    "pod",
    "node",
    "container",
    "containerd",
    "sandbox",
    "image",
    "volume",
    "mount",
    "kubelet",
    "service",
    "status",
    "sync",
    "ready",
    "start",
    "started",
    "starting",
    "stop",
    "update",
    "create",
    "created",
    "delete",
    "request",
    "response",
    "connection",
    "connect",
    "host",
    "server",
    "client",
    "network",
    "interface",
    "address",
    "device",
    "config",
    "configuration",
    "resource",
    "process",
    "access",
    "success",
    "successfully",
    "event",
    "level",
    "info",
    "debug",
    "warning",
    "message",
    "reason",
    "name",
    "namespace",
    "version",
    "runtime",
    "task",
    "state",
    "running",
    "exited",
    "plugin",
    "default",
    "systemd",
    "unit",
    "memory",
    "disk",
    "file",
    "path",
    "table",
    "route",
    "manager",
    "controller",
    "reconcile",
    "watch",
    "cache",
    "probe",
    "check",
    "health",
    "register",
    "registered",
    "available",
    "operation",
    "attach",
    "detach",
    "cluster",
    "endpoint",
    "token",
    "credentials",
    "policy",
    "secret",
    "certificate",
    "store",
    "template",
    "instance",
    "source",
    "target",
    "group",
    "record",
    "stream",
    "listener",
    "zone",
    "queue",
    "lease",
    "driver",
    "agent",
    "proxy",
];

/// Letter pairs that make up most English text.
const COMMON_PAIRS: &[&[u8; 2]] = &[
    b"th", b"he", b"in", b"er", b"an", b"re", b"on", b"at", b"en", b"nd",
    b"ti", b"es", b"or", b"te", b"of", b"ed", b"is", b"it", b"al", b"ar",
    b"st", b"to", b"nt", b"ng", b"se", b"ha", b"as", b"ou", b"io", b"le",
    b"ve", b"co", b"me", b"de", b"hi", b"ri", b"ro", b"ic", b"ne", b"ea",
    b"ra", b"ce", b"li", b"ch", b"ll", b"be", b"ma", b"si", b"om", b"ur",
    b"ai", b"ct", b"ss", b"ec", b"ta", b"us", b"ge", b"un", b"ac",
];

/// [`COMMON_PAIRS`] as bits: `PAIR_TABLE[a] & 1 << b` for letters a, b.
const PAIR_TABLE: [u32; 26] = {
    let mut table = [0u32; 26];
    let mut i = 0;
    while i < COMMON_PAIRS.len() {
        let [a, b] = *COMMON_PAIRS[i];
        table[(a - b'a') as usize] |= 1 << (b - b'a');
        i += 1;
    }
    table
};

/// How often byte `b` occurs in node logs, per byte: digits and
/// lowercase letters often, capitals and most punctuation seldom.
fn byte_rate(b: u8) -> f64 {
    BYTE_RATES[usize::from(b)]
}

/// [`byte_rate`] of every byte, worked out when compiling: the needle
/// choice asks for it some hundred thousand times at each start.
static BYTE_RATES: [f64; 256] = {
    let mut table = [0.0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = per_mille(b as u8) / 1000.0;
        b += 1;
    }
    table
};

const fn per_mille(b: u8) -> f64 {
    match b {
        b' ' | b'e' => 60.0,
        b'0'..=b'9' => 30.0,
        b't' | b'n' | b'a' | b'o' | b'i' | b'c' | b'd' | b'r' | b's' => 30.0,
        b'-' | b'.' | b':' | b'"' => 25.0,
        b'u' | b'm' | b'l' | b'p' | b'f' | b'b' => 17.0,
        b'=' => 12.0,
        b'v' | b'g' | b'w' | b'k' | b'h' | b'y' | b'\\' | b'/' => 6.0,
        b'[' | b']' | b',' => 3.5,
        b'E' | b'I' | b'W' | b'N' | b'T' | b'S' | b'C' | b'D' | b'A'
        | b'P' | b'R' | b'U' => 2.0,
        b'(' | b')' | b'_' => 1.5,
        b'x' | b'z' | b'j' | b'q' => 1.0,
        b'{' | b'}' => 0.6,
        b'A'..=b'Z' => 0.5,
        _ => 0.1,
    }
}

/// Estimates how often needles occur in log text.
struct RateModel {
    /// Every substring of a common word, lowercase.
    in_words: HashSet<&'static [u8], FixedState>,
}

impl RateModel {
    fn new() -> RateModel {
        let mut in_words = HashSet::default();
        for w in COMMON_WORDS {
            let w = w.as_bytes();
            for len in 1..=w.len() {
                for start in 0..=w.len() - len {
                    in_words.insert(&w[start..start + len]);
                }
            }
        }
        RateModel { in_words }
    }

    /// The estimated rate of `s` starting at a given byte of a log.
    fn rate(&self, s: &[u8]) -> f64 {
        // Needles are short: lowercase them on the stack.
        let mut buf = [0u8; 2 * MAX_LEN];
        let lower = &mut buf[..s.len().min(2 * MAX_LEN)];
        for (l, b) in lower.iter_mut().zip(s) {
            *l = b.to_ascii_lowercase();
        }
        let lower = &*lower;
        let core = trim_spaces(lower);
        if core.len() >= 2 && core.iter().all(u8::is_ascii_lowercase) {
            // Inside a common word, or one with spaces around it.
            if self.in_words.contains(core) {
                return 1e-3;
            }
            // Word endings are common whatever the word.
            let endings: [&[u8]; 8] = [
                b"ing", b"tion", b"ed", b"able", b"ment", b"ness", b"er",
                b"es",
            ];
            if lower.last() == Some(&b' ')
                && endings.iter().any(|e| core.ends_with(e))
            {
                return 5e-4;
            }
        }
        let mut rate = 1.0;
        for (i, &b) in s.iter().enumerate() {
            let mut r = byte_rate(b);
            if let Some(&a) = i.checked_sub(1).and_then(|j| s.get(j)) {
                // Letters follow letters far more often than chance, in
                // words; the common pairs most of all.
                if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
                    let common = PAIR_TABLE[usize::from(a - b'a')]
                        & (1 << (b - b'a'))
                        != 0;
                    r *= if common { 8.0 } else { 2.0 };
                } else if a.is_ascii_uppercase() && b.is_ascii_lowercase()
                    || a == b' ' && b.is_ascii_lowercase()
                    || a.is_ascii_lowercase() && b == b' '
                {
                    r *= 3.0;
                }
            }
            rate *= r.min(1.0);
        }
        rate
    }
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' '] = s {
        s = rest;
    }
    s
}

/// A substring of some literals, and which.
struct Candidate<'a> {
    bytes: &'a [u8],
    /// Indices of the literals holding it, ascending.
    literals: Vec<u32>,
    /// Its estimated rate in log text; Teddy's cost follows the rate of
    /// the first bytes it fingerprints, the verification's the whole.
    cost: f64,
}

/// The literals holding a substring.
enum Holders {
    One(u32),
    /// Ascending.
    Many(Vec<u32>),
}

/// Whether `a` is a better pick than `b`, held by the same literals.
fn cheaper(a: &Candidate<'_>, b: &Candidate<'_>) -> bool {
    a.cost
        .total_cmp(&b.cost)
        .then(b.bytes.len().cmp(&a.bytes.len()))
        .then(a.bytes.cmp(b.bytes))
        .is_lt()
}

/// A candidate in the greedy's queue: cheapest cost per newly covered
/// literal first; ties go to the longer, then the smaller needle, so the
/// choice never depends on hashing order.
///
/// All three are packed in one integer, greatest first (the heap pops
/// the greatest): the score's bits inverted (scores are positive, and
/// positive floats order as their bits do), the length, the index
/// inverted. The greedy compares queued candidates some hundred thousand
/// times per choice; one integer comparison is the cheapest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Queued(u128);

impl Queued {
    fn new(score: f64, len: usize, index: usize) -> Queued {
        debug_assert!(score > 0.0);
        let len = len.min(u32::MAX as usize) as u128;
        Queued(
            u128::from(!score.to_bits()) << 64
                | len << 32
                | u128::from(!(index as u32)),
        )
    }

    fn index(self) -> usize {
        !(self.0 as u32) as usize
    }

    fn len(self) -> usize {
        (self.0 >> 32) as u32 as usize
    }
}

/// The needles for `literals` (none empty), in groups of at most
/// [`MAX_NEEDLES`], one packed searcher each: every literal holds at
/// least one needle, and no needle holds another (so at most one needle
/// starts at any offset of a text). Within the groups and across them,
/// needles come rarest first.
///
/// One group is the fastest when the literals allow rare needles; a large
/// pack of plain-word literals would have to settle for needles hit at
/// every other line to fit in one, and a second pass over the text costs
/// less than those hits. How many groups is chosen by the estimated cost.
pub(crate) fn choose(literals: &[&[u8]]) -> Vec<Vec<Vec<u8>>> {
    let all: Vec<u32> = (0..literals.len() as u32).collect();
    Pool::new(literals).choose(&all, SourceKind::Unknown)
}

/// The rate of a needle found once a line, per byte (lines of node logs
/// run to 150-200 bytes).
const EVERY_LINE: f64 = 6e-3;

/// Words that nearly every line of a file of `kind` holds: the writer's
/// name in each journal prefix (`kubelet[3012]:`), in its Go files
/// (`kubelet.go:2542]`) or in its log's own prefix.
fn line_words(kind: SourceKind) -> &'static [&'static str] {
    use SourceKind::*;
    match kind {
        Kubelet => &["kubelet[", "kubelet.go"],
        KubeProxy => &["kube-proxy["],
        Containerd => &["containerd["],
        Docker => &["dockerd["],
        Ipamd => &["ipamd", "level\":\"", "caller\":\""],
        CniPlugin => &["level\":\"", "caller\":\""],
        Journal | Messages => &["kubelet[", "containerd[", "kernel:"],
        Nodeadm => &["nodeadm["],
        _ => &[],
    }
}

/// The substrings of a pack's literals worth choosing as needles, with
/// their estimated costs: worked out once for a pack, then chosen among
/// for any subset of its literals (the literals of the signatures a
/// source kind admits), far faster than starting over.
pub(crate) struct Pool {
    needles: Vec<Pooled>,
    literals: usize,
}

struct Pooled {
    bytes: Box<[u8]>,
    /// The pack's literals holding it, ascending.
    literals: Vec<u32>,
    cost: f64,
}

impl Pool {
    pub(crate) fn new(literals: &[&[u8]]) -> Pool {
        let needles = candidates(literals, &RateModel::new())
            .into_iter()
            .map(|c| Pooled {
                bytes: Box::from(c.bytes),
                literals: c.literals,
                cost: c.cost,
            })
            .collect();
        Pool { needles, literals: literals.len() }
    }

    /// The needles for the literals numbered `subset` (ascending, each
    /// below the pack's count), as [`choose`] gives them for a pack of
    /// just those literals, in files of `kind`: a needle inside a word that
    /// nearly every line of such a file holds is costed as hit at every
    /// line.
    pub(crate) fn choose(
        &self,
        subset: &[u32],
        kind: SourceKind,
    ) -> Vec<Vec<Vec<u8>>> {
        let words = line_words(kind);
        let mut local = vec![u32::MAX; self.literals];
        for (i, &l) in subset.iter().enumerate() {
            local[l as usize] = i as u32;
        }
        // Of the pool's needles, those some literal of the subset holds,
        // in the subset's numbering; still sorted by their bytes, which
        // keeps the greedy's ties stable.
        let candidates: Vec<Candidate<'_>> = self
            .needles
            .iter()
            .filter_map(|p| {
                let held: Vec<u32> = p
                    .literals
                    .iter()
                    .map(|&l| local[l as usize])
                    .filter(|&l| l != u32::MAX)
                    .collect();
                let bytes: &[u8] = &p.bytes;
                let in_every_line = bytes.len() >= 3
                    && words.iter().any(|w| {
                        w.as_bytes()
                            .windows(bytes.len())
                            .any(|x| x.eq_ignore_ascii_case(bytes))
                    });
                let cost = if in_every_line {
                    p.cost.max(2.0 * EVERY_LINE)
                } else {
                    p.cost
                };
                (!held.is_empty()).then_some(Candidate {
                    bytes,
                    literals: held,
                    cost,
                })
            })
            .collect();
        choose_among(&candidates, subset.len())
    }
}

/// The needles covering `count` literals, chosen among `candidates`.
fn choose_among(
    candidates: &[Candidate<'_>],
    count: usize,
) -> Vec<Vec<Vec<u8>>> {
    let mut best: Option<(f64, usize, Vec<usize>)> = None;
    for passes in 1..=MAX_PASSES {
        if best.as_ref().is_some_and(|(c, ..)| *c <= passes as f64 * PASS_COST)
        {
            // The passes alone would cost more than the best so far.
            break;
        }
        let (set, rarest) =
            cover_within(candidates, count, passes * MAX_NEEDLES);
        let hits: f64 = set.iter().map(|&i| candidates[i].cost).sum();
        let cost = passes as f64 * PASS_COST + hits;
        if best.as_ref().is_none_or(|(c, ..)| cost < *c) {
            best = Some((cost, passes, set));
        }
        if rarest {
            // More room cannot buy rarer needles.
            break;
        }
    }
    match best {
        Some((_, passes, set)) => arrange(candidates, set, passes),
        None => Vec::new(),
    }
}

/// The chosen candidates as at least `passes` groups of at most
/// [`MAX_NEEDLES`] needles, without redundant needles, rarest first.
fn arrange(
    candidates: &[Candidate<'_>],
    mut needles: Vec<usize>,
    passes: usize,
) -> Vec<Vec<Vec<u8>>> {
    // A needle holding another is redundant: every literal holding it
    // holds the shorter one too.
    needles.sort_by_key(|&i| (candidates[i].bytes.len(), candidates[i].bytes));
    let mut kept: Vec<usize> = Vec::with_capacity(needles.len());
    for i in needles {
        let n = candidates[i].bytes;
        if !kept
            .iter()
            .any(|&k| memmem::find(n, candidates[k].bytes).is_some())
        {
            kept.push(i);
        }
    }
    // Rarest first: a literal is compared at the hits of the first needle
    // it holds, so the common needles get as few literals as possible,
    // and share the last searcher, whose hits are then mostly real.
    kept.sort_by(|&a, &b| {
        let (a, b) = (&candidates[a], &candidates[b]);
        a.cost.total_cmp(&b.cost).then(a.bytes.cmp(b.bytes))
    });
    // Even groups: the packed searcher slows down with its needles.
    let groups = passes.max(kept.len().div_ceil(MAX_NEEDLES));
    let size = kept.len().div_ceil(groups).max(1);
    kept.chunks(size)
        .map(|g| teddy_order(g.iter().map(|&i| candidates[i].bytes).collect()))
        .collect()
}

/// The needles of one searcher in the order that makes the packed
/// searcher put alike needles in the same bucket.
///
/// Teddy (the packed searcher) flags a text position for a bucket when
/// each of the first bytes there has a low nybble and a high nybble found
/// at that place in one of the bucket's needles, then compares the
/// bucket's needles. A bucket of unlike needles admits most bytes, and
/// its false alarms cost more than the search itself; Teddy assigns
/// buckets by position in the list, so the order is ours to choose.
fn teddy_order(mut needles: Vec<&[u8]>) -> Vec<Vec<u8>> {
    let n = needles.len();
    let buckets = if n > 32 { 16 } else { 8 };
    let mask_len = needles.iter().map(|x| x.len()).min().unwrap_or(0).min(4);
    // Start from sorted order (alike first bytes together), then swap
    // needles between buckets while that lowers the estimated cost.
    needles.sort_unstable();
    // Teddy puts the needle at index i into bucket B - 1 - i % B, so
    // bucket b here is index b, b + B, b + 2B, ...
    let size = |b: usize| n / buckets + usize::from(b < n % buckets);
    let mut groups: Vec<Vec<Print<'_>>> = Vec::with_capacity(buckets);
    let mut rest = needles.into_iter().map(Print::new);
    for b in 0..buckets {
        groups.push(rest.by_ref().take(size(b)).collect());
    }
    let alarms = Alarms::new(mask_len);
    let mut costs: Vec<f64> =
        groups.iter().map(|g| alarms.cost_of(g)).collect();
    // A few rounds settle it; each is cheap next to a pass over a log,
    // but a scan is built for each kind of file met, on the scanning
    // thread, so the rounds are few.
    for _ in 0..3 {
        let mut improved = false;
        for a in 0..buckets {
            for b in a + 1..buckets {
                for i in 0..groups[a].len() {
                    for j in 0..groups[b].len() {
                        let (x, y) = (groups[a][i], groups[b][j]);
                        groups[a][i] = y;
                        groups[b][j] = x;
                        let ca = alarms.cost_of(&groups[a]);
                        let cb = alarms.cost_of(&groups[b]);
                        if ca + cb < (costs[a] + costs[b]) * (1.0 - 1e-9) {
                            costs[a] = ca;
                            costs[b] = cb;
                            improved = true;
                        } else {
                            groups[a][i] = x;
                            groups[b][j] = y;
                        }
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
    (0..n)
        .filter_map(|k| groups[k % buckets].get(k / buckets))
        .map(|x| x.bytes.to_vec())
        .collect()
}

/// A needle with the nybbles of its first bytes as bits, which is all
/// [`Alarms`] looks at: worked out once, not at each of the thousands of
/// swaps [`teddy_order`] tries.
#[derive(Clone, Copy)]
struct Print<'a> {
    bytes: &'a [u8],
    /// For each of the first four bytes (as far as the needle goes), 16
    /// bits from bit 16 * i on: the bit of its low nybble in `low`, of its
    /// high nybble in `high`. A bucket's are then an OR of its needles'.
    low: u64,
    high: u64,
}

impl Print<'_> {
    fn new(bytes: &[u8]) -> Print<'_> {
        let (mut low, mut high) = (0u64, 0u64);
        for (i, &x) in bytes.iter().take(4).enumerate() {
            low |= 1 << (x & 15) << (16 * i);
            high |= 1 << (x >> 4) << (16 * i);
        }
        Print { bytes, low, high }
    }
}

/// Estimates the false alarms of a Teddy bucket: the rate of text
/// positions it flags, times the needles compared at each.
struct Alarms {
    rates: &'static NybbleRates,
    mask_len: usize,
}

/// For each high nybble h and byte m: the rate of the bytes with high
/// nybble h and a low nybble in the bit set m, for the low nybbles 0-7
/// (`low`) and 8-15 (`high`). The same for every pack, so worked out
/// once, not at every scan's needle choice.
struct NybbleRates {
    low: [[f64; 256]; 16],
    high: [[f64; 256]; 16],
}

static NYBBLE_RATES: LazyLock<Box<NybbleRates>> = LazyLock::new(|| {
    let mut r = Box::new(NybbleRates {
        low: [[0.0; 256]; 16],
        high: [[0.0; 256]; 16],
    });
    for h in 0..16u8 {
        for m in 0..256usize {
            for bit in 0..8u8 {
                if m & 1 << bit != 0 {
                    r.low[usize::from(h)][m] += byte_rate(h << 4 | bit);
                    r.high[usize::from(h)][m] += byte_rate(h << 4 | (bit + 8));
                }
            }
        }
    }
    r
});

impl Alarms {
    fn new(mask_len: usize) -> Alarms {
        Alarms { rates: &NYBBLE_RATES, mask_len }
    }

    #[cfg(test)]
    fn cost(&self, needles: &[&[u8]]) -> f64 {
        let prints: Vec<Print<'_>> =
            needles.iter().map(|n| Print::new(n)).collect();
        self.cost_of(&prints)
    }

    fn cost_of(&self, needles: &[Print<'_>]) -> f64 {
        let (mut low, mut high) = (0u64, 0u64);
        for n in needles {
            low |= n.low;
            high |= n.high;
        }
        let mut p = 1.0;
        for j in 0..self.mask_len.min(4) {
            let lo = (low >> (16 * j)) as u16;
            let hi = (high >> (16 * j)) as u16;
            let [lo_low, lo_high] = lo.to_le_bytes();
            let mut admitted = 0.0;
            // A bucket's needles have few high nybbles: visit those only,
            // in ascending order as ever, so the sum is the same.
            let mut rest = hi;
            while rest != 0 {
                let h = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                admitted += self.rates.low[h][usize::from(lo_low)]
                    + self.rates.high[h][usize::from(lo_high)];
            }
            p *= admitted;
        }
        p * needles.len() as f64
    }
}

/// Every substring of the literals worth choosing as a needle, sorted.
fn candidates<'a>(
    literals: &[&'a [u8]],
    model: &RateModel,
) -> Vec<Candidate<'a>> {
    // Who holds each substring: mostly a single literal.
    let mut holders: HashMap<&[u8], Holders, FixedState> = HashMap::default();
    for (li, lit) in literals.iter().enumerate() {
        let li = li as u32;
        let lens = if lit.len() < MIN_LEN {
            lit.len()..=lit.len()
        } else {
            MIN_LEN..=MAX_LEN.min(lit.len())
        };
        for len in lens {
            for start in 0..=lit.len() - len {
                match holders.entry(&lit[start..start + len]) {
                    Entry::Vacant(v) => {
                        v.insert(Holders::One(li));
                    }
                    Entry::Occupied(mut o) => match o.get_mut() {
                        Holders::One(l) if *l == li => {}
                        Holders::One(l) => {
                            let first = *l;
                            o.insert(Holders::Many(vec![first, li]));
                        }
                        Holders::Many(v) => {
                            if v.last() != Some(&li) {
                                v.push(li);
                            }
                        }
                    },
                }
            }
        }
    }
    // Of the substrings held by the same literals, only the cheapest can
    // be worth choosing (ties: the longest, then the smallest), which
    // leaves about one per literal and one per shared substring.
    let mut single: Vec<Option<Candidate<'_>>> =
        (0..literals.len()).map(|_| None).collect();
    let mut shared: HashMap<Vec<u32>, Option<Candidate<'_>>, FixedState> =
        HashMap::default();
    for (bytes, held) in holders {
        let head = model.rate(&bytes[..bytes.len().min(MIN_LEN)]);
        let c = Candidate {
            bytes,
            literals: Vec::new(),
            cost: head + model.rate(bytes),
        };
        let slot = match held {
            Holders::One(l) => &mut single[l as usize],
            Holders::Many(v) => shared.entry(v).or_insert(None),
        };
        if slot.as_ref().is_none_or(|old| cheaper(&c, old)) {
            *slot = Some(c);
        }
    }
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for (li, c) in single.into_iter().enumerate() {
        candidates
            .extend(c.map(|c| Candidate { literals: vec![li as u32], ..c }));
    }
    for (literals, c) in shared {
        candidates.extend(c.map(|c| Candidate { literals, ..c }));
    }
    // Hash order is not stable across runs; the greedy's ties must be.
    candidates.sort_unstable_by(|a, b| a.bytes.cmp(b.bytes));
    candidates
}

/// The rarest cover of the literals by at most `max` needles (or the
/// fewest needles, if even those are more), and whether it is the rarest
/// cover at any size.
fn cover_within(
    candidates: &[Candidate<'_>],
    literal_count: usize,
    max: usize,
) -> (Vec<usize>, bool) {
    // A fixed cost per needle trades rare needles against few: the
    // smallest that makes the set fit, found by bisection (in log scale;
    // the set shrinks as the cost grows).
    let (mut low, mut high) = (1e-7_f64, 1.0_f64);
    let rarest = cover(candidates, literal_count, low);
    if rarest.len() <= max {
        return (rarest, true);
    }
    let mut needles = cover(candidates, literal_count, high);
    if needles.len() <= max {
        for _ in 0..10 {
            let mid = (low * high).sqrt();
            let set = cover(candidates, literal_count, mid);
            if set.len() <= max {
                high = mid;
                needles = set;
            } else {
                low = mid;
            }
        }
    }
    (needles, false)
}

/// Greedy weighted set cover of the literals by the candidates.
fn cover(
    candidates: &[Candidate<'_>],
    literal_count: usize,
    per_needle: f64,
) -> Vec<usize> {
    let mut covered = vec![false; literal_count];
    let mut left = literal_count;
    // Each hit costs a restart of the search, and a comparison for each
    // literal the needle was chosen for.
    let score = |c: &Candidate<'_>, n: usize| {
        (c.cost * (1.0 + COMPARE_COST * n as f64) + per_needle) / n as f64
    };
    let mut queue: BinaryHeap<Queued> = candidates
        .iter()
        .enumerate()
        .map(|(index, c)| {
            Queued::new(score(c, c.literals.len()), c.bytes.len(), index)
        })
        .collect();
    let mut chosen = Vec::new();
    while left > 0 {
        let Some(top) = queue.pop() else { break };
        let c = &candidates[top.index()];
        let fresh =
            c.literals.iter().filter(|&&l| !covered[l as usize]).count();
        if fresh == 0 {
            continue;
        }
        // Scores only grow as literals get covered: if this one's, brought
        // up to date, still beats the next in line, it is the best.
        let current = Queued::new(score(c, fresh), top.len(), top.index());
        if queue.peek().is_some_and(|next| *next > current) {
            queue.push(current);
            continue;
        }
        for &l in &c.literals {
            if !covered[l as usize] {
                covered[l as usize] = true;
                left -= 1;
            }
        }
        chosen.push(top.index());
    }
    chosen
}

/// The needles for `literals` as `passes` searchers of the rarest needles
/// that fit, whatever that costs: for tests of several searchers.
#[cfg(test)]
pub(crate) fn choose_in(
    literals: &[&[u8]],
    passes: usize,
) -> Vec<Vec<Vec<u8>>> {
    let candidates = candidates(literals, &RateModel::new());
    let (set, _) =
        cover_within(&candidates, literals.len(), passes * MAX_NEEDLES);
    arrange(&candidates, set, passes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds_one(lit: &[u8], needles: &[Vec<u8>]) -> bool {
        needles.iter().any(|n| memmem::find(lit, n).is_some())
    }

    #[test]
    fn every_literal_holds_a_needle_and_no_needle_holds_another() {
        let pack = crate::pack::Pack::embedded().unwrap();
        let mut literals: Vec<&[u8]> = pack
            .signatures()
            .iter()
            .flat_map(|s| s.patterns.iter().map(|p| p.as_bytes()))
            .collect();
        literals.sort();
        literals.dedup();
        let groups = choose(&literals);
        // Two passes of rare needles measure as fast as one of common
        // ones on the 1 GiB bench; more would show.
        assert!(groups.len() <= 2, "{} searchers", groups.len());
        assert!(groups.iter().all(|g| g.len() <= MAX_NEEDLES));
        let needles: Vec<Vec<u8>> = groups.concat();
        for lit in &literals {
            assert!(
                holds_one(lit, &needles),
                "{:?}",
                String::from_utf8_lossy(lit)
            );
        }
        for (i, a) in needles.iter().enumerate() {
            for (j, b) in needles.iter().enumerate() {
                assert!(i == j || memmem::find(a, b).is_none());
            }
        }
        assert_eq!(groups, choose(&literals), "not deterministic");
    }

    #[test]
    fn short_literals_are_their_own_needles() {
        let needles = choose(&[b"ab", b"xyz", b"abcdef"]).concat();
        assert!(needles.contains(&b"ab".to_vec()));
        assert!(needles.contains(&b"xyz".to_vec()));
        assert_eq!(needles.len(), 2, "abcdef holds ab");
    }

    /// The estimated false alarms of `needles` in the buckets the packed
    /// searcher gives them (the one at index i in bucket i % B).
    fn alarms(needles: &[&[u8]]) -> f64 {
        let b = if needles.len() > 32 { 16 } else { 8 };
        let model = Alarms::new(4);
        (0..b)
            .map(|k| {
                let bucket: Vec<&[u8]> =
                    needles.iter().skip(k).step_by(b).copied().collect();
                model.cost(&bucket)
            })
            .sum()
    }

    /// In a kubelet's log every line holds `kubelet[` (its journal
    /// prefix): a needle inside it would be hit at every line. The
    /// literals a kubelet file is searched for (with the miner's probes)
    /// once took such a needle; a scan for kubelet files takes others.
    /// The engine's probes for error lines no signature knows, as they
    /// were when a kubelet scan with them took `ubelet` as a needle.
    const PROBES: &[&str] = &[
        ": E0",
        ": E1",
        ": F0",
        ": F1",
        " F E0",
        " F E1",
        " F F0",
        " F F1",
        "] failed",
        "level\":\"error",
        "level\":\"fatal",
        "level=error",
        "level=fatal",
        "lvl=error",
        "ERROR",
        "FATAL",
        "Error",
        "fatal:",
        "panic:",
        "UNREACHABLE!",
        "Failed",
    ];

    #[test]
    fn needles_avoid_the_words_every_line_of_the_kind_holds() {
        let pack = crate::pack::Pack::embedded().unwrap();
        // Whether a kind-blind choice would have taken a needle inside
        // one of the kind's line words, for some kind's literals (with
        // the mining probes or without): else the test proves nothing.
        let mut blind_hits = Vec::new();
        let kinds =
            [SourceKind::Kubelet, SourceKind::Journal, SourceKind::Messages];
        for (kind, probes) in
            kinds.into_iter().flat_map(|k| [(k, true), (k, false)])
        {
            let probes = if probes { PROBES } else { &[] };
            let mut literals: Vec<&[u8]> = pack
                .signatures()
                .iter()
                .filter(|s| s.applies_to(kind))
                .flat_map(|s| s.patterns.iter().map(|p| p.as_bytes()))
                .chain(probes.iter().map(|p| p.as_bytes()))
                .collect();
            literals.sort_unstable();
            literals.dedup();
            let all: Vec<u32> = (0..literals.len() as u32).collect();
            let pool = Pool::new(&literals);
            let inside = |n: &[u8]| {
                line_words(kind).iter().any(|w| {
                    w.as_bytes()
                        .windows(n.len())
                        .any(|x| x.eq_ignore_ascii_case(n))
                })
            };
            let blind = pool.choose(&all, SourceKind::Unknown);
            blind_hits.extend(
                blind
                    .iter()
                    .flatten()
                    .filter(|n| inside(n))
                    .map(|n| (kind, n.clone())),
            );
            let chosen = pool.choose(&all, kind);
            assert!(!chosen.iter().flatten().any(|n| inside(n)), "{kind}");
            for lit in literals {
                assert!(
                    chosen
                        .iter()
                        .flatten()
                        .any(|n| memmem::find(lit, n).is_some()),
                    "{kind}"
                );
            }
        }
        assert!(!blind_hits.is_empty());
    }

    #[test]
    fn teddy_order_puts_alike_needles_together() {
        let words = [
            "time", "tion", "able", "ing ", "not ", "rror", "vice", "ched",
            " to ", " con", "ests", "ster", "auth", "lock", "exec", "ized",
        ];
        let codes = [
            "NotF", "Thro", "KMS_", "ECR_", "Acce", "X509", "OOMK", "EBS_",
            "EFS_", "Subn", "IAM:", "ENI_", "VPC_", "AMI_", "SSM_", "SQS_",
            "Quot", "Limi", "Inva", "Expi",
        ];
        // Interleaved, as rarity order tends to leave them.
        let mut given: Vec<&[u8]> = Vec::new();
        for i in 0..codes.len().max(words.len()) {
            given.extend(codes.get(i).map(|c| c.as_bytes()));
            given.extend(words.get(i).map(|w| w.as_bytes()));
        }
        let ordered = teddy_order(given.clone());
        let mut a: Vec<&[u8]> = ordered.iter().map(Vec::as_slice).collect();
        assert!(
            alarms(&a) < alarms(&given) / 2.0,
            "{} {}",
            alarms(&a),
            alarms(&given)
        );
        a.sort();
        given.sort();
        assert_eq!(a, given, "the same needles");
        assert_eq!(teddy_order(vec![b"only"]), [b"only".to_vec()]);
    }

    #[test]
    fn rare_bytes_beat_common_words() {
        let m = RateModel::new();
        assert!(m.rate(b"KMS_") < m.rate(b"tion"));
        assert!(m.rate(b"Kms") < m.rate(b" the"));
        assert!(m.rate(b"x509") < m.rate(b"fail"));
    }
}
