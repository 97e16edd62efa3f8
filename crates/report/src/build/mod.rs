//! Building the report: [`ReportBuilder`] collects each input's results
//! as the engine hands them over, and [`ReportBuilder::finish`] runs the
//! stages: roll up per signature ([`rollup`]), diagnose and find what
//! could not be checked ([`diagnose`]), turn the engine's terms into the
//! report's ([`convert`]), then sort, redact and count ([`order`]).

mod convert;
mod diagnose;
mod mirror;
mod order;
pub(crate) mod rollup;
#[cfg(test)]
pub(crate) mod testutil;

use logsift_engine::{InputReport, Sink, TimeBound};
use logsift_signatures::{Pack, Severity};

use crate::{
    build::{order::Order, rollup::Rollup},
    model::{
        DiagnosisEntry, Finding, InputEntry, Occurrence, Report,
        SCHEMA_VERSION, SignatureSet, Summary, Tool, UnrecognizedEntry,
        Window,
    },
    redact::Redactor,
    suppress::Suppressions,
    unrecognized::{self, Ignore},
};

/// Does now the work a report of `pack`'s findings needs once, at its
/// end: the pack's digest, and the regexes that fingerprint findings and
/// redact their lines. Run on a spare thread while the matcher is built,
/// it is not waited for when the scan ends; run or not, the report is
/// the same.
pub fn prepare(pack: &Pack) {
    pack.digest();
    crate::fingerprint::prepare();
    crate::redact::prepare();
}

/// Collects input reports into a [`Report`].
#[derive(Debug)]
pub struct ReportBuilder<'p> {
    pack: &'p Pack,
    order: Vec<String>,
    inputs: Vec<InputReport>,
    /// Whether log text is redacted (see [`crate::redact`]).
    redact: bool,
    /// Findings people accepted (see [`crate::suppress`]).
    suppressions: Option<&'p Suppressions>,
    /// The time window lines were kept in.
    window: Option<Window>,
    /// Templates of unrecognised error lines to leave out.
    ignore: Option<&'p Ignore>,
}

/// Everything the inputs yield, each list with what it sorts by.
#[derive(Default)]
struct Parts {
    findings: Vec<(Severity, Finding)>,
    occurrences: Vec<(Severity, Occurrence)>,
    diagnoses: Vec<(Severity, u64, DiagnosisEntry)>,
    unrecognized: Vec<UnrecognizedEntry>,
    inputs: Vec<InputEntry>,
    errors: usize,
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
            window: None,
            ignore: None,
        }
    }

    /// Records the time window the scan kept lines in.
    pub fn window(
        mut self,
        since: Option<TimeBound>,
        until: Option<TimeBound>,
    ) -> ReportBuilder<'p> {
        self.window = (since.is_some() || until.is_some())
            .then_some(Window { since, until });
        self
    }

    /// Leaves unrecognised error lines of these templates out, as the
    /// built-in noise is.
    pub fn ignore_unrecognized(
        mut self,
        ignore: &'p Ignore,
    ) -> ReportBuilder<'p> {
        self.ignore = Some(ignore);
        self
    }

    /// Marks the findings `suppressions` cover as suppressed.
    pub fn suppress(
        mut self,
        suppressions: &'p Suppressions,
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
        let order = Order::new(&self.order);
        let mut inputs = std::mem::take(&mut self.inputs);
        inputs.sort_by(|a, b| order.inputs(&a.path, &b.path));
        let mut parts = Parts::default();
        for input in inputs {
            self.add(input, &mut parts);
        }
        diagnose::suppress(
            &mut parts.diagnoses,
            &parts.findings,
            self.pack,
            self.suppressions,
        );
        order.findings(&mut parts.findings);
        order.occurrences(&mut parts.occurrences);
        order.diagnoses(&mut parts.diagnoses);
        order.unrecognized(&mut parts.unrecognized);
        // After sorting, so secrets are numbered in report order.
        let mut redactor = Redactor::new();
        if self.redact {
            order::redact(&mut redactor, &mut parts.findings);
            order::redact_unrecognized(&mut redactor, &mut parts.unrecognized);
        }
        let findings = parts.findings;
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "logsift".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            signatures: SignatureSet {
                count: self.pack.len(),
                digest: self.pack.digest(),
            },
            window: self.window,
            summary: Summary {
                findings: findings
                    .iter()
                    .filter(|(_, f)| !f.is_mirror())
                    .count(),
                by_severity: order::count(&findings),
                mirrors: findings
                    .iter()
                    .filter(|(_, f)| f.is_mirror())
                    .count(),
                errors: parts.errors,
                diagnoses: parts.diagnoses.len(),
                redactions: Default::default(),
                suppressed: findings
                    .iter()
                    .filter(|(_, f)| f.suppressed.is_some())
                    .count(),
                unrecognized: parts.unrecognized.len(),
            },
            findings: findings.into_iter().map(|(_, f)| f).collect(),
            occurrences: parts
                .occurrences
                .into_iter()
                .map(|(_, o)| o)
                .collect(),
            diagnoses: parts
                .diagnoses
                .into_iter()
                .map(|(_, _, d)| d)
                .collect(),
            unrecognized: parts.unrecognized,
            inputs: parts.inputs,
        };
        // Counted from the log text alone, which the count speaks of;
        // names take the same placeholders.
        report.summary.redactions = redactor.counts();
        if self.redact {
            order::redact_names(&mut redactor, &mut report);
        }
        report
    }

    /// One input's share of every list.
    fn add(&self, mut input: InputReport, parts: &mut Parts) {
        let sigs = self.pack.signatures();
        parts.errors += input.errors.len();
        let mined = std::mem::take(&mut input.unrecognized);
        let (unrecognized, counts) =
            unrecognized::entries(&input.path, mined, self.ignore);
        parts.unrecognized.extend(unrecognized);
        // Copies are found per signature, so taking out signatures under
        // their threshold leaves the others' copies as they are.
        let mut copies = mirror::copies(&input.findings);
        let below =
            convert::below_threshold(sigs, &mut input.findings, &mut copies);
        let rollups = Rollup::of(&input.findings, &copies);
        parts
            .diagnoses
            .extend(diagnose::diagnose(self.pack, &input, &rollups));
        let mut not_evaluated = diagnose::not_evaluated(self.pack, &input);
        let not_applicable =
            diagnose::not_applicable(self.pack, &input, &mut not_evaluated);
        // Markers only give diagnoses context; they are not findings.
        let reported: Vec<&Rollup> =
            rollups.values().filter(|r| !sigs[r.sig].marker).collect();
        let timeline = convert::timeline(sigs, &reported);
        for r in &reported {
            let sig = &sigs[r.sig];
            parts.occurrences.push((
                sig.severity,
                convert::occurrence(sig, &input.path, r),
            ));
        }
        for (f, c) in
            std::mem::take(&mut input.findings).into_iter().zip(copies)
        {
            let sig = &sigs[f.signature];
            if !sig.marker {
                let finding = convert::finding(
                    sig,
                    &input.path,
                    (f, c),
                    self.suppressions,
                );
                parts.findings.push((finding.severity, finding));
            }
        }
        let mut entry = convert::input_entry(
            input,
            (not_evaluated, not_applicable),
            timeline,
        );
        entry.below_threshold = below;
        entry.unrecognized = counts;
        parts.inputs.push(entry);
    }
}

impl Sink for ReportBuilder<'_> {
    fn input(&mut self, report: InputReport) {
        self.inputs.push(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::testutil::{finding, input, pack};

    /// Inputs arriving in any order give the same report.
    #[test]
    fn arrival_order_does_not_matter() {
        let pack = pack();
        let t = Some("2026-11-21T10:00:00Z");
        let a = || input("a", vec![finding(0, "a/k.log", 1, t, t)]);
        let b = || {
            input(
                "b",
                vec![
                    finding(1, "b/k.log", 2, t, t),
                    finding(2, "b/k.log", 1, t, t),
                ],
            )
        };
        let build = |first: InputReport, second: InputReport| {
            let mut builder =
                ReportBuilder::new(&pack, vec!["a".into(), "b".into()]);
            builder.input(first);
            builder.input(second);
            serde_json::to_string(&builder.finish()).expect("json")
        };
        let one = build(a(), b());
        assert_eq!(one, build(b(), a()));
        let v: serde_json::Value = serde_json::from_str(&one).expect("json");
        // The marker (c-marker) is no finding; the others are, with counts.
        assert_eq!(v["summary"]["findings"], 2);
        assert_eq!(v["inputs"][0]["path"], "a");
        assert_eq!(v["findings"][0]["signature"], "a-error");
        assert_eq!(v["summary"]["redactions"]["aws-access-key-id"], 2);
        assert_eq!(v["summary"]["by_severity"]["warning"], 1);
    }

    /// A report read back from its JSON is the report: `merge` folds
    /// reports from disk exactly as `--out-dir` folds them in memory.
    #[test]
    fn json_reads_back_to_the_same_report() {
        let pack = pack();
        let t = Some("2026-11-21T10:00:00.5Z");
        let mut one = input("a", vec![finding(0, "a!k.log", 2, t, t)]);
        one.bundle.collected_at =
            Some("2026-11-21T12:00:00Z".parse().expect("t"));
        one.bundle.producer = Some(logsift_engine::Producer::EksLogCollector);
        let mut builder = ReportBuilder::new(&pack, vec!["a".into()]).window(
            Some(TimeBound::BeforeCollection(
                jiff::SignedDuration::from_mins(90),
            )),
            None,
        );
        builder.input(one);
        let report = builder.finish();
        let json = serde_json::to_string(&report).expect("json");
        let back: Report = serde_json::from_str(&json).expect("read back");
        assert_eq!(back, report);
        assert_eq!(serde_json::to_string(&back).expect("json"), json);
    }
}
