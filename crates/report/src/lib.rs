//! The logsift report: its model and its renderers.
//!
//! # Brief overview
//!
//! A [`ReportBuilder`] is the engine's [`Sink`]: it collects each input's
//! results as they arrive, and [`ReportBuilder::finish`] turns them into a
//! [`Report`] whose every list is in a fixed order, so the same inputs give
//! the same bytes whatever the number of threads. Besides the findings it
//! rolls them up per input ([`Occurrence`]), orders them in time
//! ([`TimelineEntry`]), says what could not be checked ([`CoverageEntry`])
//! and names root causes ([`DiagnosisEntry`]). [`json::write`] renders it;
//! the report is the contract other tools build on.
//!
//! The other renderers ([`text`], [`sarif`], [`markdown`], [`junit`],
//! [`ndjson`]) draw on the same report; [`Format::write`] picks one by
//! name, and [`fingerprint`] gives SARIF its stable result ids.
//!
//! [`suppress`] reads the findings people accepted, which the builder
//! marks ([`ReportBuilder::suppress`]) and `--fail-on` then ignores; and
//! [`fleet`] folds many inputs' reports, one at a time, into the summary
//! of a batch.

#![deny(missing_docs)]

pub mod fingerprint;
pub mod fleet;
mod format;
pub mod json;
pub mod junit;
pub mod markdown;
mod model;
pub mod ndjson;
pub mod redact;
mod sanitize;
pub mod sarif;
pub mod suppress;
pub mod text;

use std::collections::BTreeMap;

use logsift_engine::{
    FileFinding, InputReport, Sink, SourceStatus, Timestamp,
};
use logsift_signatures::{Diagnosis, Pack, Severity, SourceKind};

pub use crate::{format::Format, model::*};

/// Collects input reports into a [`Report`].
#[derive(Debug)]
pub struct ReportBuilder<'p> {
    pack: &'p Pack,
    order: Vec<String>,
    inputs: Vec<InputReport>,
    /// Whether log text is redacted (see [`redact`]).
    redact: bool,
    /// Findings people accepted (see [`suppress`]).
    suppressions: Option<&'p suppress::Suppressions>,
}

/// One signature's hits across one input, before rendering.
struct Rollup {
    sig: usize,
    count: u64,
    files: Vec<String>,
    first_seen: Option<Timestamp>,
    last_seen: Option<Timestamp>,
}

impl Rollup {
    fn of(findings: &[FileFinding]) -> BTreeMap<usize, Rollup> {
        let mut by_sig: BTreeMap<usize, Rollup> = BTreeMap::new();
        for f in findings {
            let r = by_sig.entry(f.signature).or_insert(Rollup {
                sig: f.signature,
                count: 0,
                files: Vec::new(),
                first_seen: None,
                last_seen: None,
            });
            r.count += f.count;
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

fn min_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn time(t: Option<Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

impl<'p> ReportBuilder<'p> {
    /// A builder for findings of `pack`'s signatures; `order` lists the
    /// inputs' display names in the order the user gave them.
    pub fn new(pack: &'p Pack, order: Vec<String>) -> ReportBuilder<'p> {
        ReportBuilder {
            pack,
            order,
            inputs: Vec::new(),
            redact: true,
            suppressions: None,
        }
    }

    /// Marks the findings `suppressions` cover as suppressed.
    pub fn suppress(
        mut self,
        suppressions: &'p suppress::Suppressions,
    ) -> ReportBuilder<'p> {
        self.suppressions = Some(suppressions);
        self
    }

    /// Whether secrets in the log text the report quotes (evidence lines,
    /// finding messages) are replaced by placeholders; on by default.
    pub fn redact(mut self, on: bool) -> ReportBuilder<'p> {
        self.redact = on;
        self
    }

    /// The report.
    pub fn finish(mut self) -> Report {
        let order = &self.order;
        let position =
            |p: &str| order.iter().position(|o| o == p).unwrap_or(usize::MAX);
        self.inputs.sort_by(|a, b| {
            (position(&a.path), &a.path).cmp(&(position(&b.path), &b.path))
        });
        let sigs = self.pack.signatures();
        let mut findings = Vec::new();
        let mut occurrences = Vec::new();
        let mut diagnoses = Vec::new();
        let mut errors = 0;
        let mut inputs = Vec::new();
        let all_inputs = std::mem::take(&mut self.inputs);
        for input in all_inputs {
            errors += input.errors.len();
            let rollups = Rollup::of(&input.findings);
            diagnoses.extend(self.diagnose(&input, &rollups));
            let not_evaluated = self.not_evaluated(&input);
            let reported: Vec<&Rollup> =
                rollups.values().filter(|r| !sigs[r.sig].marker).collect();
            let mut timeline: Vec<&&Rollup> = reported.iter().collect();
            // Time first; lines without a time cannot be placed and go
            // last; ties go to the worse failure.
            timeline.sort_by(|a, b| {
                (
                    a.first_seen.is_none(),
                    a.first_seen,
                    sigs[b.sig].severity,
                    &sigs[a.sig].id,
                )
                    .cmp(&(
                        b.first_seen.is_none(),
                        b.first_seen,
                        sigs[a.sig].severity,
                        &sigs[b.sig].id,
                    ))
            });
            let timeline = timeline
                .into_iter()
                .map(|r| TimelineEntry {
                    signature: sigs[r.sig].id.clone(),
                    severity: sigs[r.sig].severity.to_string(),
                    first_seen: time(r.first_seen),
                    last_seen: time(r.last_seen),
                    count: r.count,
                })
                .collect();
            for r in &reported {
                occurrences.push((
                    sigs[r.sig].severity,
                    Occurrence {
                        signature: sigs[r.sig].id.clone(),
                        severity: sigs[r.sig].severity.to_string(),
                        input: input.path.clone(),
                        count: r.count,
                        files: r.files.clone(),
                        first_seen: time(r.first_seen),
                        last_seen: time(r.last_seen),
                    },
                ));
            }
            for f in input.findings {
                let sig = &sigs[f.signature];
                if sig.marker {
                    continue;
                }
                // Taken before redaction, which the fingerprint ignores
                // anyway; the first evidence line is what the failure
                // says, and without one (an evidence limit of 0) the
                // title stands in.
                let fingerprint = fingerprint::fingerprint(
                    &sig.id,
                    f.evidence.first().map_or(&sig.title, |e| &e.text),
                );
                let suppressed = self.suppressions.and_then(|s| {
                    let target = suppress::Target {
                        signature: &sig.id,
                        input: &input.path,
                        path: &f.path,
                        fingerprint: &fingerprint,
                    };
                    s.find(&target).map(|e| Suppressed {
                        reason: e.reason.clone(),
                        expires: e.expires_text(),
                    })
                });
                findings.push((
                    sig.severity,
                    Finding {
                        signature: sig.id.clone(),
                        title: sig.title.clone(),
                        severity: sig.severity.to_string(),
                        input: input.path.clone(),
                        path: f.path,
                        source: f.source.to_string(),
                        message: f.message,
                        count: f.count,
                        first_line: f.first_line,
                        last_line: f.last_line,
                        first_seen: time(f.first_seen),
                        last_seen: time(f.last_seen),
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
                    },
                ));
            }
            inputs.push(InputEntry {
                path: input.path,
                kind: input.kind.as_str().to_string(),
                bundle: Bundle {
                    producer: input
                        .bundle
                        .producer
                        .map(|p| p.as_str().to_string()),
                    instance_id: input.bundle.instance_id,
                    collected_at: input.bundle.collected_at,
                    collector_version: input.bundle.collector_version,
                },
                files_scanned: input.files_scanned,
                bytes_scanned: input.bytes_scanned,
                skipped: input
                    .skipped
                    .into_iter()
                    .map(|s| Skipped { path: s.path, reason: s.reason })
                    .collect(),
                errors: input
                    .errors
                    .into_iter()
                    .map(|e| ErrorEntry { path: e.path, message: e.message })
                    .collect(),
                coverage: CoverageEntry {
                    sources: input
                        .coverage
                        .iter()
                        .map(|c| SourceEntry {
                            kind: c.kind.to_string(),
                            status: c.status.as_str().to_string(),
                            expected: c.expected,
                            files: c.files,
                            bytes: c.bytes,
                        })
                        .collect(),
                    not_evaluated,
                },
                timeline,
            });
        }
        findings.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then_with(|| position(&a.input).cmp(&position(&b.input)))
                .then_with(|| a.input.cmp(&b.input))
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.first_line.cmp(&b.first_line))
                .then_with(|| a.signature.cmp(&b.signature))
        });
        occurrences.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then_with(|| position(&a.input).cmp(&position(&b.input)))
                .then_with(|| a.input.cmp(&b.input))
                .then_with(|| a.signature.cmp(&b.signature))
        });
        diagnoses.sort_by(
            |(sa, ea, a): &(Severity, u64, DiagnosisEntry), (sb, eb, b)| {
                sb.cmp(sa)
                    .then_with(|| eb.cmp(ea))
                    .then_with(|| position(&a.input).cmp(&position(&b.input)))
                    .then_with(|| a.input.cmp(&b.input))
                    .then_with(|| a.diagnosis.cmp(&b.diagnosis))
            },
        );
        // After sorting, so secrets are numbered in report order, the same
        // for any thread count.
        let mut redactor = redact::Redactor::new();
        if self.redact {
            for (_, f) in &mut findings {
                redact_finding(&mut redactor, f);
            }
        }
        let mut by_severity = BySeverity::default();
        for (s, _) in &findings {
            *match s {
                Severity::Critical => &mut by_severity.critical,
                Severity::Error => &mut by_severity.error,
                Severity::Warning => &mut by_severity.warning,
                Severity::Info => &mut by_severity.info,
            } += 1;
        }
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "logsift".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            signatures: SignatureSet {
                count: self.pack.len(),
                digest: self.pack.digest(),
            },
            summary: Summary {
                findings: findings.len(),
                by_severity,
                errors,
                diagnoses: diagnoses.len(),
                redactions: redactor.counts(),
                suppressed: findings
                    .iter()
                    .filter(|(_, f)| f.suppressed.is_some())
                    .count(),
            },
            findings: findings.into_iter().map(|(_, f)| f).collect(),
            occurrences: occurrences.into_iter().map(|(_, o)| o).collect(),
            diagnoses: diagnoses.into_iter().map(|(_, _, d)| d).collect(),
            inputs,
        }
    }

    /// Signatures scoped to sources of which no file was read in `input`.
    fn not_evaluated(&self, input: &InputReport) -> Vec<String> {
        let read: Vec<SourceKind> = input
            .coverage
            .iter()
            .filter(|c| c.status.was_read())
            .map(|c| c.kind)
            .collect();
        let mut ids: Vec<String> = self
            .pack
            .signatures()
            .iter()
            .filter(|s| !s.marker && !s.sources.is_empty())
            .filter(|s| !read.iter().any(|&k| s.applies_to(k)))
            .map(|s| s.id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// Whether the absence of signature `sig` in `input` means something:
    /// a file of a kind it is written for was there, read or empty. A file
    /// of unknown kind gets every signature but proves no absence.
    fn absence_proves(&self, input: &InputReport, sig: &str) -> bool {
        let Some(s) = self.pack.get(sig) else { return false };
        input.coverage.iter().any(|c| {
            c.kind != SourceKind::Unknown
                && (c.status.was_read() || c.status == SourceStatus::Empty)
                && s.applies_to(c.kind)
        })
    }

    /// The diagnoses whose conditions hold on one input, each with its
    /// severity and how many matching lines it rests on, for ranking.
    fn diagnose(
        &self,
        input: &InputReport,
        rollups: &BTreeMap<usize, Rollup>,
    ) -> Vec<(Severity, u64, DiagnosisEntry)> {
        let sigs = self.pack.signatures();
        let found = |id: &str| rollups.values().find(|r| sigs[r.sig].id == id);
        let proves = |id: &str| self.absence_proves(input, id);
        let mut out = Vec::new();
        for d in self.pack.diagnoses() {
            let Some(rest_on) = holds(d, &found, &proves) else {
                continue;
            };
            // Markers gave context; the findings shown are the failures.
            let rest_on: Vec<&Rollup> =
                rest_on.into_iter().filter(|r| !sigs[r.sig].marker).collect();
            let first_seen =
                rest_on.iter().fold(None, |acc, r| min_opt(acc, r.first_seen));
            let evidence: u64 = rest_on.iter().map(|r| r.count).sum();
            out.push((
                d.severity,
                evidence,
                DiagnosisEntry {
                    diagnosis: d.id.clone(),
                    title: d.title.clone(),
                    severity: d.severity.to_string(),
                    input: input.path.clone(),
                    summary: d.summary.clone(),
                    first_seen: time(first_seen),
                    findings: rest_on
                        .iter()
                        .map(|r| DiagnosisEvidence {
                            signature: sigs[r.sig].id.clone(),
                            count: r.count,
                            files: r.files.clone(),
                        })
                        .collect(),
                    fix: d.fix.clone(),
                    links: d.links.clone(),
                },
            ));
        }
        out
    }
}

/// Redacts the log text a finding quotes: its message, then its evidence.
fn redact_finding(redactor: &mut redact::Redactor, f: &mut Finding) {
    if let Some(m) = &mut f.message {
        redactor.redact_in_place(m, false);
    }
    for e in &mut f.evidence {
        // A cut line may end in part of a secret.
        redactor.redact_in_place(&mut e.text, e.truncated);
    }
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

impl Sink for ReportBuilder<'_> {
    fn input(&mut self, report: InputReport) {
        self.inputs.push(report);
    }
}

impl Report {
    /// The worst severity among the findings and diagnoses that are not
    /// suppressed. A diagnosis is suppressed when every finding it rests
    /// on is: its cause is then what someone already accepted.
    pub fn worst_severity(&self) -> Option<Severity> {
        let live = |input: &str, sig: &str| {
            self.findings.iter().any(|f| {
                f.input == input
                    && f.signature == sig
                    && f.suppressed.is_none()
            })
        };
        let diagnoses = self.diagnoses.iter().filter(|d| {
            let all_suppressed = !d.findings.is_empty()
                && d.findings.iter().all(|e| {
                    let listed = self.findings.iter().any(|f| {
                        f.input == d.input && f.signature == e.signature
                    });
                    listed && !live(&d.input, &e.signature)
                });
            !all_suppressed
        });
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| &f.severity)
            .chain(diagnoses.map(|d| &d.severity))
            .filter_map(|s| s.parse().ok())
            .max()
    }

    /// The sources an input's collector always writes that were missing
    /// or could not be read, as (input, kind, status): what
    /// `--fail-on-incomplete` fails on.
    pub fn incomplete(&self) -> Vec<(&str, &str, &str)> {
        self.inputs
            .iter()
            .flat_map(|i| {
                i.coverage
                    .sources
                    .iter()
                    .filter(|s| {
                        s.expected
                            && matches!(
                                s.status.as_str(),
                                "missing" | "unreadable"
                            )
                    })
                    .map(|s| {
                        (i.path.as_str(), s.kind.as_str(), s.status.as_str())
                    })
            })
            .collect()
    }

    /// Whether any input had an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
