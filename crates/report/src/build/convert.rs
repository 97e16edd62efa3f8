//! The engine's results in the report's terms: findings with their
//! fingerprint and suppression, rollups as occurrences and timelines, and
//! each input's entry.

use std::collections::{BTreeMap, BTreeSet};

use logsift_engine::{FileFinding, InputReport};
use logsift_signatures::Signature;

use crate::{
    build::{mirror::Copies, rollup::Rollup},
    fingerprint,
    model::{
        BelowThreshold, Bundle, CoverageEntry, ErrorEntry, EvidenceLine,
        FileEntry, Finding, InputEntry, Mirror, NoteEntry, Occurrence,
        Skipped, SourceEntry, Suppressed, Threshold, TimelineEntry,
    },
    suppress::{Suppressions, Target},
};

/// An input's signatures in the order they first appeared: time first;
/// lines without a time cannot be placed and go last; ties go to the
/// worse failure.
pub(crate) fn timeline(
    sigs: &[Signature],
    reported: &[&Rollup],
) -> Vec<TimelineEntry> {
    let mut order: Vec<&&Rollup> = reported.iter().collect();
    let key = |r: &Rollup, other: &Rollup| {
        (r.first_seen.is_none(), r.first_seen, sigs[other.sig].severity)
    };
    order.sort_by(|a, b| {
        (key(a, b), &sigs[a.sig].id).cmp(&(key(b, a), &sigs[b.sig].id))
    });
    order
        .into_iter()
        .map(|r| TimelineEntry {
            signature: sigs[r.sig].id.clone(),
            severity: sigs[r.sig].severity,
            first_seen: r.first_seen,
            last_seen: r.last_seen,
            count: r.count,
        })
        .collect()
}

/// One signature's hits across the input named `input`.
pub(crate) fn occurrence(
    sig: &Signature,
    input: &str,
    r: &Rollup,
) -> Occurrence {
    Occurrence {
        signature: sig.id.clone(),
        severity: sig.severity,
        input: input.to_string(),
        count: r.count,
        files: r.files.clone(),
        first_seen: r.first_seen,
        last_seen: r.last_seen,
    }
}

/// One finding of `sig` in the input named `input`, with its fingerprint
/// and, when an entry covers it, its suppression.
pub(crate) fn finding(
    sig: &Signature,
    input: &str,
    (f, copies): (FileFinding, Copies),
    suppressions: Option<&Suppressions>,
) -> Finding {
    // Taken before redaction, which the fingerprint ignores anyway; the
    // first evidence line is what the failure says, and without one (an
    // evidence limit of 0) the title stands in.
    let fingerprint = fingerprint::fingerprint(
        &sig.id,
        f.evidence.first().map_or(&sig.title, |e| &e.text),
    );
    let suppressed = suppressions.and_then(|s| {
        let target = Target {
            signature: &sig.id,
            input,
            path: &f.path,
            fingerprint: &fingerprint,
        };
        s.find(&target).map(|e| Suppressed {
            reason: e.reason.clone(),
            expires: e.expires,
        })
    });
    Finding {
        signature: sig.id.clone(),
        title: sig.title.clone(),
        severity: sig.severity,
        input: input.to_string(),
        path: f.path,
        source: f.source,
        message: f.message,
        count: f.count,
        first_line: f.first_line,
        last_line: f.last_line,
        first_seen: f.first_seen,
        last_seen: f.last_seen,
        evidence: f
            .evidence
            .into_iter()
            .map(|e| EvidenceLine {
                line: e.line,
                text: e.text,
                truncated: e.truncated,
            })
            .collect(),
        fix: sig.fix.clone(),
        links: sig.links.clone(),
        fingerprint,
        suppressed,
        threshold: sig.threshold.map(|th| Threshold {
            count: th.count,
            within_seconds: th.within_seconds,
            peak: f.peak.unwrap_or(f.count),
        }),
        mirror: copies
            .of
            .filter(|_| copies.lines > 0)
            .map(|of| Mirror { of, lines: copies.lines.min(f.count) }),
    }
}

/// Takes out of `findings` and `copies` (how many of each finding's lines
/// are copies of another file's) the signatures whose threshold the input
/// did not reach (in any one file: the most lines within the window), and
/// says what each came to: lines a healthy node also logs for a while,
/// kept out of findings, counts and diagnoses, but not out of the report.
pub(crate) fn below_threshold(
    sigs: &[Signature],
    findings: &mut Vec<FileFinding>,
    copies: &mut Vec<Copies>,
) -> Vec<BelowThreshold> {
    let mut by_sig: BTreeMap<usize, (u64, u64, BTreeSet<String>)> =
        BTreeMap::new();
    for (f, c) in findings.iter().zip(copies.iter()) {
        if sigs[f.signature].threshold.is_some() {
            let e = by_sig.entry(f.signature).or_default();
            // A line copied into another file counts once.
            e.0 += f.count - c.lines.min(f.count);
            e.1 = e.1.max(f.peak.unwrap_or(f.count));
            e.2.insert(f.path.clone());
        }
    }
    let mut below = Vec::new();
    for (sig, (count, peak, files)) in by_sig {
        let Some(th) = sigs[sig].threshold else { continue };
        if peak < th.count {
            below.push(BelowThreshold {
                signature: sigs[sig].id.clone(),
                count,
                peak,
                threshold: th.count,
                within_seconds: th.within_seconds,
                files: files.into_iter().collect(),
            });
        }
    }
    if !below.is_empty() {
        let keep: Vec<bool> = findings
            .iter()
            .map(|f| {
                !below.iter().any(|b| b.signature == sigs[f.signature].id)
            })
            .collect();
        let mut k = keep.iter();
        findings.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        copies.retain(|_| *k.next().unwrap_or(&true));
    }
    below
}

/// An input's entry, its findings taken out before.
pub(crate) fn input_entry(
    input: InputReport,
    (not_evaluated, not_applicable): (Vec<String>, Vec<String>),
    timeline: Vec<TimelineEntry>,
) -> InputEntry {
    let sources = input
        .coverage
        .iter()
        .map(|c| SourceEntry {
            kind: c.kind,
            status: c.status,
            expected: c.expected,
            files: c.files,
            bytes: c.bytes,
        })
        .collect();
    InputEntry {
        path: input.path,
        kind: input.kind,
        bundle: Bundle {
            producer: input.bundle.producer,
            instance_id: input.bundle.instance_id,
            collected_at: input.bundle.collected_at,
            collector_version: input.bundle.collector_version,
        },
        files_scanned: input.files_scanned,
        bytes_scanned: input.bytes_scanned,
        nothing_scanned: input.bytes_scanned == 0,
        // The one place the engine's typed skips and errors become text.
        skipped: input
            .skipped
            .into_iter()
            .map(|s| Skipped { path: s.path, reason: s.reason.to_string() })
            .collect(),
        errors: input
            .errors
            .into_iter()
            .map(|e| ErrorEntry { path: e.path, message: e.kind.to_string() })
            .collect(),
        notes: input
            .notes
            .into_iter()
            .map(|n| NoteEntry { path: n.path, message: n.kind.to_string() })
            .collect(),
        coverage: CoverageEntry {
            sources,
            not_evaluated,
            not_applicable,
            files: input
                .classified
                .into_iter()
                .map(|f| FileEntry { path: f.path, kind: f.kind, by: f.by })
                .collect(),
        },
        timeline,
        below_threshold: Vec::new(),
        unrecognized: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::testutil::{finding as engine_finding, pack};

    #[test]
    fn timeline_puts_untimed_last_and_worse_first_on_ties() {
        let pack = pack();
        let t = Some("2026-11-21T10:00:00Z");
        let findings = [
            engine_finding(1, "f", 1, t, t),
            engine_finding(0, "f", 1, t, t),
            engine_finding(2, "f", 1, None, None),
        ];
        let rollups = Rollup::of(
            &findings,
            &[Copies::default(), Copies::default(), Copies::default()],
        );
        let all: Vec<&Rollup> = rollups.values().collect();
        let ids: Vec<String> = timeline(pack.signatures(), &all)
            .into_iter()
            .map(|e| e.signature)
            .collect();
        assert_eq!(ids, ["a-error", "b-warning", "c-marker"]);
    }

    #[test]
    fn a_suppression_marks_the_finding_it_covers() {
        let pack = pack();
        let sig = &pack.signatures()[0];
        let s = Suppressions::parse(
            "s.toml",
            "[[suppression]]\nsignature = \"a-error\"\nreason = \"known\"\n",
        )
        .expect("suppressions");
        let f = engine_finding(0, "in/k.log", 2, None, None);
        let marked =
            finding(sig, "in", (f.clone(), Copies::default()), Some(&s));
        assert_eq!(
            marked.suppressed.map(|s| s.reason).as_deref(),
            Some("known")
        );
        assert_eq!(marked.fingerprint.len(), 64);
        let plain = finding(sig, "in", (f, Copies::default()), None);
        assert!(plain.suppressed.is_none());
        assert_eq!(plain.fingerprint, marked.fingerprint);
    }
}
