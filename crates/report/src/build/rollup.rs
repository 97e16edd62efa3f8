//! One signature's hits across one input: the unit that timelines,
//! occurrences and diagnoses are made of.

use std::collections::BTreeMap;

use logsift_engine::{FileFinding, Timestamp};

use crate::build::mirror::Copies;

/// One signature's hits across one input, before rendering.
#[derive(Debug)]
pub(crate) struct Rollup {
    /// Index of the signature in the pack.
    pub(crate) sig: usize,
    /// Matching lines across all files, a line copied into several
    /// files counted once.
    pub(crate) count: u64,
    /// The files, sorted, each once, copies among them.
    pub(crate) files: Vec<String>,
    pub(crate) first_seen: Option<Timestamp>,
    pub(crate) last_seen: Option<Timestamp>,
}

impl Rollup {
    /// The rollups of one input's findings, by signature index; `copies`
    /// is, for each finding in turn, how many of its lines are copies.
    pub(crate) fn of(
        findings: &[FileFinding],
        copies: &[Copies],
    ) -> BTreeMap<usize, Rollup> {
        let mut by_sig: BTreeMap<usize, Rollup> = BTreeMap::new();
        for (f, c) in findings.iter().zip(copies) {
            let r = by_sig.entry(f.signature).or_insert(Rollup {
                sig: f.signature,
                count: 0,
                files: Vec::new(),
                first_seen: None,
                last_seen: None,
            });
            r.count += f.count - c.lines.min(f.count);
            r.files.push(f.path.clone());
            r.first_seen = min_opt(r.first_seen, f.first_seen);
            r.last_seen = max_opt(r.last_seen, f.last_seen);
        }
        for r in by_sig.values_mut() {
            r.files.sort();
            r.files.dedup();
        }
        by_sig
    }
}

/// The earlier of two times, where either may be unknown.
pub(crate) fn min_opt(
    a: Option<Timestamp>,
    b: Option<Timestamp>,
) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The later of two times, where either may be unknown.
pub(crate) fn max_opt(
    a: Option<Timestamp>,
    b: Option<Timestamp>,
) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::testutil::finding;

    #[test]
    fn sums_counts_and_spans_times_across_files() {
        let findings = [
            finding(
                0,
                "in!a.log",
                2,
                Some("2026-11-21T10:00:00Z"),
                Some("2026-11-21T10:05:00Z"),
            ),
            finding(0, "in!b.log", 3, Some("2026-11-21T09:00:00Z"), None),
            finding(0, "in!a.log", 1, None, Some("2026-11-21T11:00:00Z")),
            finding(4, "in!c.log", 7, None, None),
        ];
        let r = Rollup::of(
            &findings,
            &[
                Copies::default(),
                Copies::default(),
                Copies::default(),
                Copies { lines: 2, of: None },
            ],
        );
        assert_eq!(r.len(), 2);
        let zero = &r[&0];
        assert_eq!(zero.count, 6);
        assert_eq!(zero.files, ["in!a.log", "in!b.log"]);
        assert_eq!(
            zero.first_seen.unwrap().to_string(),
            "2026-11-21T09:00:00Z"
        );
        assert_eq!(
            zero.last_seen.unwrap().to_string(),
            "2026-11-21T11:00:00Z"
        );
        assert_eq!((r[&4].count, r[&4].first_seen), (5, None));
    }
}
