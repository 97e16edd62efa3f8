//! What one input's findings mean together: the signatures that could not
//! be checked, and the root causes whose conditions hold.

use std::collections::BTreeMap;

use logsift_engine::{InputReport, SourceStatus, Timestamp};
use logsift_signatures::{Diagnosis, Pack, Severity, SourceKind};

use crate::{
    build::rollup::{Rollup, min_opt},
    model::{DiagnosisEntry, DiagnosisEvidence, Finding, Suppressed},
    suppress::{Suppressions, Target},
};

/// Signatures scoped to sources of which no file was read in `input`;
/// every signature when no text at all was read.
pub(crate) fn not_evaluated(pack: &Pack, input: &InputReport) -> Vec<String> {
    if input.bytes_scanned == 0 {
        let mut ids: Vec<String> = pack
            .signatures()
            .iter()
            .filter(|s| !s.marker)
            .map(|s| s.id.clone())
            .collect();
        ids.sort();
        return ids;
    }
    let read: Vec<SourceKind> = input
        .coverage
        .iter()
        .filter(|c| c.status.was_read())
        .map(|c| c.kind)
        .collect();
    let mut ids: Vec<String> = pack
        .signatures()
        .iter()
        .filter(|s| !s.marker && !s.sources.is_empty())
        .filter(|s| !read.iter().any(|&k| s.applies_to(k)))
        .map(|s| s.id.clone())
        .collect();
    ids.sort();
    ids
}

/// Takes out of `not_evaluated` the signatures that never apply to
/// `input`: on a node's log bundle, those written only for provisioning
/// logs (terraform, Ansible, konvoy), which no node collector writes.
pub(crate) fn not_applicable(
    pack: &Pack,
    input: &InputReport,
    not_evaluated: &mut Vec<String>,
) -> Vec<String> {
    const PROVISIONING: [SourceKind; 3] =
        [SourceKind::Terraform, SourceKind::Ansible, SourceKind::Konvoy];
    if input.bundle.producer.is_none() || input.bytes_scanned == 0 {
        return Vec::new();
    }
    let provisioning_only = |id: &String| {
        pack.get(id).is_some_and(|s| {
            !s.sources.is_empty()
                && s.sources.iter().all(|k| PROVISIONING.contains(k))
        })
    };
    let (out, kept): (Vec<String>, Vec<String>) =
        std::mem::take(not_evaluated).into_iter().partition(provisioning_only);
    *not_evaluated = kept;
    out
}

/// Whether the absence of signature `sig` in `input` means something:
/// a file of a kind it is written for was there, read or empty. A file
/// of unknown kind gets every signature but proves no absence.
fn absence_proves(pack: &Pack, input: &InputReport, sig: &str) -> bool {
    let Some(s) = pack.get(sig) else { return false };
    input.coverage.iter().any(|c| {
        c.kind != SourceKind::Unknown
            && (c.status.was_read() || c.status == SourceStatus::Empty)
            && s.applies_to(c.kind)
    })
}

/// The diagnoses whose conditions hold on one input, each with its
/// severity and how many matching lines it rests on, for ranking.
pub(crate) fn diagnose(
    pack: &Pack,
    input: &InputReport,
    rollups: &BTreeMap<usize, Rollup>,
) -> Vec<(Severity, u64, DiagnosisEntry)> {
    let sigs = pack.signatures();
    let found = |id: &str| rollups.values().find(|r| sigs[r.sig].id == id);
    let proves = |id: &str| absence_proves(pack, input, id);
    let mut out = Vec::new();
    for d in pack.diagnoses() {
        let Some(rest_on) = holds(d, &found, &proves) else {
            continue;
        };
        // Markers gave context; the findings shown are the failures,
        // unless it rests on markers alone (an interface list without the
        // loopback interface): then they are what it rests on.
        let failures: Vec<&Rollup> =
            rest_on.iter().copied().filter(|r| !sigs[r.sig].marker).collect();
        let rest_on = if failures.is_empty() { rest_on } else { failures };
        let first_seen =
            rest_on.iter().fold(None, |acc, r| min_opt(acc, r.first_seen));
        let evidence: u64 = rest_on.iter().map(|r| r.count).sum();
        out.push((
            d.severity,
            evidence,
            DiagnosisEntry {
                diagnosis: d.id.clone(),
                title: d.title.clone(),
                severity: d.severity,
                input: input.path.clone(),
                summary: d.summary.clone(),
                first_seen,
                findings: rest_on
                    .iter()
                    .map(|r| DiagnosisEvidence {
                        signature: sigs[r.sig].id.clone(),
                        count: r.count,
                        files: r.files.clone(),
                    })
                    .collect(),
                absent: d.none_of.clone(),
                counts_differ: !d.counts_differ.is_empty(),
                fix: d.fix.clone(),
                links: d.links.clone(),
                // Known only once the findings are converted.
                suppressed: None,
            },
        ));
    }
    out
}

/// The rollups a diagnosis rests on, when its conditions hold.
fn holds<'r>(
    d: &Diagnosis,
    found: &dyn Fn(&str) -> Option<&'r Rollup>,
    absence_proves: &dyn Fn(&str) -> bool,
) -> Option<Vec<&'r Rollup>> {
    let mut rest_on = Vec::new();
    for id in &d.all_of {
        rest_on.push(found(id)?);
    }
    if !d.any_of.is_empty() {
        let any: Vec<&Rollup> =
            d.any_of.iter().filter_map(|id| found(id)).collect();
        if any.is_empty() {
            return None;
        }
        rest_on.extend(any);
    }
    // Two listings of one set of things that disagree.
    if let [a, b] = d.counts_differ.as_slice() {
        let (a, b) = (found(a)?, found(b)?);
        if a.count == b.count {
            return None;
        }
        rest_on.extend([a, b]);
    }
    // An absence proves something only where the signature was checked.
    for id in &d.none_of {
        if found(id).is_some() || !absence_proves(id) {
            return None;
        }
    }
    if let Some(window) = d.within_seconds {
        let starts: Vec<Timestamp> =
            rest_on.iter().filter_map(|r| r.first_seen).collect();
        if let (Some(lo), Some(hi)) =
            (starts.iter().min(), starts.iter().max())
            && hi.as_second() - lo.as_second() > window as i64
        {
            return None;
        }
    }
    Some(rest_on)
}

/// Marks each diagnosis whose every supporting finding is suppressed,
/// with their reasons; one resting on markers alone, which are never
/// findings, when a suppression names one of them where it was found.
pub(crate) fn suppress(
    diagnoses: &mut [(Severity, u64, DiagnosisEntry)],
    findings: &[(Severity, Finding)],
    pack: &Pack,
    suppressions: Option<&Suppressions>,
) {
    for (_, _, d) in diagnoses {
        let on_markers = !d.findings.is_empty()
            && d.findings
                .iter()
                .all(|e| pack.get(&e.signature).is_some_and(|s| s.marker));
        if on_markers {
            d.suppressed = suppressions.and_then(|s| marker_suppression(d, s));
            continue;
        }
        let rests: Vec<&Finding> = findings
            .iter()
            .map(|(_, f)| f)
            .filter(|f| {
                f.input == d.input
                    && d.findings.iter().any(|e| e.signature == f.signature)
            })
            .collect();
        let every_one_found = d
            .findings
            .iter()
            .all(|e| rests.iter().any(|f| f.signature == e.signature));
        let live = rests.iter().any(|f| f.suppressed.is_none());
        if d.findings.is_empty() || !every_one_found || live {
            continue;
        }
        let mut reasons: Vec<&str> = rests
            .iter()
            .filter_map(|f| f.suppressed.as_ref())
            .map(|s| s.reason.as_str())
            .collect();
        reasons.sort();
        reasons.dedup();
        d.suppressed = Some(Suppressed {
            reason: format!(
                "every finding it rests on is suppressed: {}",
                reasons.join("; ")
            ),
            expires: None,
        });
    }
}

/// The suppression that names a marker of `d` in a file it was found in.
fn marker_suppression(
    d: &DiagnosisEntry,
    suppressions: &Suppressions,
) -> Option<Suppressed> {
    d.findings.iter().find_map(|e| {
        e.files.iter().find_map(|path| {
            let target = Target {
                signature: &e.signature,
                input: &d.input,
                path,
                fingerprint: "",
            };
            suppressions.find(&target).map(|entry| Suppressed {
                reason: format!(
                    "{} is suppressed: {}",
                    e.signature, entry.reason
                ),
                expires: entry.expires,
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{
        mirror::Copies,
        testutil::{finding, input, pack},
    };

    const T0: Option<&str> = Some("2026-11-21T10:00:00Z");
    const T5: Option<&str> = Some("2026-11-21T10:05:00Z");
    const T30: Option<&str> = Some("2026-11-21T10:30:00Z");

    fn diagnoses(findings: Vec<logsift_engine::FileFinding>) -> Vec<String> {
        let pack = pack();
        let input = input("in", findings);
        let none = vec![Copies::default(); input.findings.len()];
        let rollups = Rollup::of(&input.findings, &none);
        diagnose(&pack, &input, &rollups)
            .into_iter()
            .map(|(sev, n, d)| format!("{} {sev} {n}", d.diagnosis))
            .collect()
    }

    #[test]
    fn all_of_within_the_window_holds() {
        let got = diagnoses(vec![
            finding(0, "in/k.log", 2, T0, T0),
            finding(1, "in/k.log", 3, T5, T5),
        ]);
        assert_eq!(got, ["a-and-b critical 5"]);
    }

    #[test]
    fn silent_when_one_is_missing_or_too_far_apart() {
        assert!(diagnoses(vec![finding(0, "in/k.log", 2, T0, T0)]).is_empty());
        let apart = diagnoses(vec![
            finding(0, "in/k.log", 2, T0, T0),
            finding(1, "in/k.log", 3, T30, T30),
        ]);
        assert!(apart.is_empty(), "{apart:?}");
    }

    #[test]
    fn two_listings_that_disagree_hold_and_agreeing_ones_do_not() {
        let listed = |c: u64, d: u64| {
            let mut found = Vec::new();
            if c > 0 {
                found.push(finding(2, "in/gpu.log", c, None, None));
            }
            if d > 0 {
                found.push(finding(3, "in/gpu.log", d, None, None));
            }
            diagnoses(found)
        };
        assert_eq!(listed(8, 7), ["c-d-differ error 15"]);
        assert_eq!(listed(7, 8), ["c-d-differ error 15"]);
        assert!(listed(8, 8).is_empty());
        // One listing missing (a bug report in safe mode) proves nothing.
        assert!(listed(8, 0).is_empty());
        assert!(listed(0, 7).is_empty());
    }

    #[test]
    fn signatures_whose_logs_were_not_read_are_not_evaluated() {
        let pack = pack();
        let mut unread = input("in", Vec::new());
        unread.coverage[0].status = SourceStatus::Missing;
        assert_eq!(not_evaluated(&pack, &unread), ["a-error", "b-warning"]);
        assert!(not_evaluated(&pack, &input("in", Vec::new())).is_empty());
        // Nothing read at all: nothing was checked, scoped or not.
        let mut empty = input("in", Vec::new());
        empty.bytes_scanned = 0;
        assert_eq!(not_evaluated(&pack, &empty), ["a-error", "b-warning"]);
    }
}
