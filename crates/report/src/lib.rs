//! The logsift report: its model and its renderers.
//!
//! # Brief overview
//!
//! A [`ReportBuilder`] is the engine's [`Sink`]: it collects each input's
//! results as they arrive, and [`ReportBuilder::finish`] turns them into a
//! [`Report`] whose every list is in a fixed order, so the same inputs give
//! the same bytes whatever the number of threads. [`json::write`] renders
//! it; the report is the contract other tools build on.

#![deny(missing_docs)]

pub mod json;
mod model;

use logsift_engine::{InputReport, Sink};
use logsift_signatures::{Pack, Severity};

pub use crate::model::*;

/// Collects input reports into a [`Report`].
#[derive(Debug)]
pub struct ReportBuilder<'p> {
    pack: &'p Pack,
    order: Vec<String>,
    inputs: Vec<InputReport>,
}

impl<'p> ReportBuilder<'p> {
    /// A builder for findings of `pack`'s signatures; `order` lists the
    /// inputs' display names in the order the user gave them.
    pub fn new(pack: &'p Pack, order: Vec<String>) -> ReportBuilder<'p> {
        ReportBuilder { pack, order, inputs: Vec::new() }
    }

    /// The report.
    pub fn finish(mut self) -> Report {
        let order = &self.order;
        let position =
            |p: &str| order.iter().position(|o| o == p).unwrap_or(usize::MAX);
        self.inputs.sort_by(|a, b| {
            (position(&a.path), &a.path).cmp(&(position(&b.path), &b.path))
        });
        let mut findings = Vec::new();
        let mut severities = Vec::new();
        let mut errors = 0;
        let mut inputs = Vec::new();
        for input in self.inputs {
            errors += input.errors.len();
            for f in input.findings {
                let sig = &self.pack.signatures()[f.signature];
                severities.push(sig.severity);
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
        let mut by_severity = BySeverity::default();
        for s in severities {
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
            summary: Summary { findings: findings.len(), by_severity, errors },
            findings: findings.into_iter().map(|(_, f)| f).collect(),
            inputs,
        }
    }
}

impl Sink for ReportBuilder<'_> {
    fn input(&mut self, report: InputReport) {
        self.inputs.push(report);
    }
}

impl Report {
    /// The worst severity among the findings.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().filter_map(|f| f.severity.parse().ok()).max()
    }

    /// Whether any input had an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
