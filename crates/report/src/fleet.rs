//! The fleet summary: many inputs' reports folded into one page that
//! says which failures are widespread, on which nodes, since when, and
//! what each node's worst problems are (`summary.json` of
//! `logsift scan --out-dir`, and what `logsift merge` writes).
//!
//! A [`FleetBuilder`] takes reports one at a time and keeps only what the
//! summary shows, so a batch of any size folds in bounded memory. Reports
//! held in memory and reports read back from disk are the same
//! [`Report`], and every list is sorted, so merging separate runs' reports
//! gives the very bytes one run over all inputs gives.
//! `schema/summary.schema.json` at the workspace root describes it.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    io::{self, Write},
};

use logsift_engine::{Producer, SourceStatus, Timestamp};
use logsift_signatures::Severity;
use serde::Serialize;

use crate::{
    build::rollup::min_opt,
    model::{
        DiagnosisEntry, Finding, InputEntry, Report, SCHEMA_VERSION,
        SignatureSet, Tool,
    },
};

/// How many findings each input lists in the summary.
pub const TOP_FINDINGS: usize = 5;

/// How many templates of unrecognised error lines the summary lists.
pub const TOP_UNRECOGNIZED: usize = 100;

/// The most distinct templates a fold keeps count of; the fleet's memory
/// stays bounded whatever the number of reports. Templates first met
/// past it are counted in `unrecognized_untracked`.
const MAX_TEMPLATES: usize = 20_000;

/// The fleet summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetSummary {
    /// The version of this shape; bumped only on a breaking change.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The signature set every folded report was made with; null when no
    /// report was folded.
    pub signatures: Option<SignatureSet>,
    /// Totals across the fleet.
    pub totals: FleetTotals,
    /// One entry per signature found anywhere: the widest spread first.
    pub by_signature: Vec<FleetSignature>,
    /// One entry per input, sorted by path.
    pub inputs: Vec<FleetInput>,
    /// Templates of error lines no signature matched, by the number of
    /// inputs they appear in, then by lines: a new failure on many nodes
    /// comes first. At most [`TOP_UNRECOGNIZED`].
    pub unrecognized: Vec<FleetTemplate>,
}

/// One template of unrecognised error lines across the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetTemplate {
    /// Its id, the same in every report.
    pub id: String,
    /// The template.
    pub template: String,
    /// How many inputs hold it.
    pub inputs: usize,
    /// Its lines across the fleet.
    pub count: u64,
    /// The first input by path that holds it.
    pub example_input: String,
    /// That input's example line (redacted, as its report has it).
    pub example: String,
}

/// Totals across the fleet; suppressed findings count only in
/// `suppressed`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FleetTotals {
    /// Inputs folded.
    pub inputs: usize,
    /// Inputs with at least one finding that is not suppressed.
    pub inputs_with_findings: usize,
    /// Inputs with an error.
    pub inputs_with_errors: usize,
    /// Inputs missing an expected source, or unable to read one.
    pub inputs_incomplete: usize,
    /// Findings (per signature and file) that are not suppressed.
    pub findings: usize,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Diagnoses.
    pub diagnoses: usize,
    /// Distinct templates of unrecognised error lines.
    pub unrecognized_templates: usize,
    /// Templates met after the fold had as many as it keeps count of.
    pub unrecognized_untracked: usize,
}

/// One signature across the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetSignature {
    /// The signature's id.
    pub signature: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: Severity,
    /// How many inputs it was found in.
    pub inputs: usize,
    /// The nodes: each input's instance id, or its path when the bundle
    /// does not say; sorted, each once.
    pub instances: Vec<String>,
    /// Matching lines across the fleet.
    pub count: u64,
    /// The earliest time among its matching lines anywhere.
    pub first_seen: Option<Timestamp>,
}

/// One input of the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetInput {
    /// As named on the scan's command line.
    pub path: String,
    /// The report file it was read from (its name, without a folder).
    pub report: String,
    /// The bundle's instance id, when known.
    pub instance_id: Option<String>,
    /// The collector that made the bundle, when known.
    pub producer: Option<Producer>,
    /// When it was collected, when known.
    pub collected_at: Option<Timestamp>,
    /// Findings that are not suppressed.
    pub findings: usize,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Errors met reading it.
    pub errors: usize,
    /// Expected sources missing or unreadable, as `kind: status`.
    pub incomplete: Vec<String>,
    /// Its worst findings, rolled up per signature: by severity, then by
    /// matching lines; at most [`TOP_FINDINGS`].
    pub top_findings: Vec<TopFinding>,
    /// Its diagnoses, as ranked in its report.
    pub diagnoses: Vec<FleetDiagnosis>,
}

/// One signature's findings in one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopFinding {
    /// The signature's id.
    pub signature: String,
    /// Its severity.
    pub severity: Severity,
    /// Matching lines across the input's files.
    pub count: u64,
    /// Files it was found in.
    pub files: usize,
    /// The earliest time among the matching lines.
    pub first_seen: Option<Timestamp>,
}

/// A diagnosis of one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetDiagnosis {
    /// The diagnosis' id.
    pub diagnosis: String,
    /// The cause, in one line.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// When the earliest finding it rests on started.
    pub first_seen: Option<Timestamp>,
    /// Whether every finding it rests on is suppressed (so it does not
    /// fail the run); listed all the same, so nothing drops out unseen.
    pub suppressed: bool,
}

/// A signature's spread so far.
struct SignatureAcc {
    title: String,
    severity: Severity,
    inputs: usize,
    instances: BTreeSet<String>,
    count: u64,
    first_seen: Option<Timestamp>,
}

/// Folds reports into a [`FleetSummary`].
#[derive(Default)]
pub struct FleetBuilder {
    signatures: Option<SignatureSet>,
    by_signature: HashMap<String, SignatureAcc>,
    inputs: Vec<FleetInput>,
    seen: HashSet<String>,
    totals: FleetTotals,
    templates: HashMap<String, FleetTemplate>,
}

impl std::fmt::Debug for FleetBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetBuilder")
            .field("inputs", &self.inputs.len())
            .field("signatures", &self.by_signature.len())
            .finish()
    }
}

/// What `merge` takes, said whenever it is given something else.
const MERGE_TAKES: &str = "merge takes the per-input JSON reports that \
                           `scan --out-dir` writes, or their folders";

/// What a file that is not a report holds, as far as its JSON tells, so
/// a user who gave `merge` the wrong file learns which file to give.
fn what_is(json: &[u8], error: &serde_json::Error) -> String {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return format!("this is not JSON ({error}); {MERGE_TAKES}");
    };
    let has = |key: &str| value.get(key).is_some();
    if has("totals") && has("by_signature") {
        format!(
            "this is a fleet summary (summary.json), not a report; \
             {MERGE_TAKES}"
        )
    } else if has("runs") && value.get("version").is_some_and(|v| v == "2.1.0")
    {
        format!("this is a SARIF log, not a JSON report; {MERGE_TAKES}")
    } else if value.get("tool").and_then(|t| t.get("name"))
        == Some(&"logsift".into())
    {
        format!("this version cannot read it ({error})")
    } else {
        let kind = match value {
            serde_json::Value::Object(_) => "an object",
            serde_json::Value::Array(_) => "an array",
            _ => "a single value",
        };
        format!(
            "this is JSON, but {kind} without a report's fields \
             (schema_version, tool, inputs, findings); {MERGE_TAKES}"
        )
    }
}

impl FleetBuilder {
    /// An empty fleet.
    pub fn new() -> FleetBuilder {
        FleetBuilder::default()
    }

    /// Folds in a report, written to (or read from) the file named
    /// `file`. Returns the inputs skipped because they were folded before.
    pub fn add_report(
        &mut self,
        report: &Report,
        file: &str,
    ) -> Result<Vec<String>, String> {
        if report.tool.name != "logsift"
            || report.schema_version != SCHEMA_VERSION
        {
            return Err(format!(
                "not a logsift report of schema version {SCHEMA_VERSION} \
                 (tool {:?}, version {})",
                report.tool.name, report.schema_version
            ));
        }
        let set = report.signatures.clone();
        match &self.signatures {
            None => self.signatures = Some(set),
            Some(s) if s.digest == set.digest => {}
            Some(s) => {
                return Err(format!(
                    "made with another signature set ({}, not {}); \
                     summaries need one set",
                    set.digest, s.digest
                ));
            }
        }
        let mut findings: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in &report.findings {
            findings.entry(f.input.as_str()).or_default().push(f);
        }
        let mut duplicates = Vec::new();
        for input in &report.inputs {
            if !self.seen.insert(input.path.clone()) {
                duplicates.push(input.path.clone());
                continue;
            }
            let mine =
                findings.get(input.path.as_str()).map_or(&[][..], |v| v);
            let diagnoses: Vec<&DiagnosisEntry> = report
                .diagnoses
                .iter()
                .filter(|d| d.input == input.path)
                .collect();
            self.add_input(input, mine, &diagnoses, file);
            self.add_templates(report, &input.path);
        }
        Ok(duplicates)
    }

    /// Folds in a report's JSON, read from the file named `file`. Returns
    /// the inputs skipped because they were folded before.
    pub fn add_json(
        &mut self,
        json: &[u8],
        file: &str,
    ) -> Result<Vec<String>, String> {
        let report: Report = serde_json::from_slice(json).map_err(|e| {
            format!("not a logsift report: {}", what_is(json, &e))
        })?;
        self.add_report(&report, file)
    }

    /// One input's share of the summary: its signatures spread over the
    /// fleet, its totals, its entry.
    fn add_input(
        &mut self,
        input: &InputEntry,
        findings: &[&Finding],
        diagnoses: &[&DiagnosisEntry],
        file: &str,
    ) {
        let node = input
            .bundle
            .instance_id
            .clone()
            .unwrap_or_else(|| input.path.clone());
        // A finding all of whose lines are copies counts where they are.
        let listed: Vec<&Finding> =
            findings.iter().copied().filter(|f| !f.is_mirror()).collect();
        let live: Vec<&Finding> = listed
            .iter()
            .copied()
            .filter(|f| f.suppressed.is_none())
            .collect();
        let rolled = roll_up(&live);
        for r in &rolled {
            self.spread(r, &node);
        }
        let incomplete = incomplete(input);
        let t = &mut self.totals;
        t.inputs += 1;
        t.inputs_with_findings += usize::from(!live.is_empty());
        t.inputs_with_errors += usize::from(!input.errors.is_empty());
        t.inputs_incomplete += usize::from(!incomplete.is_empty());
        t.findings += live.len();
        t.suppressed += listed.len() - live.len();
        t.diagnoses += diagnoses.len();
        self.inputs.push(FleetInput {
            path: input.path.clone(),
            report: file.to_string(),
            instance_id: input.bundle.instance_id.clone(),
            producer: input.bundle.producer,
            collected_at: input.bundle.collected_at,
            findings: live.len(),
            suppressed: listed.len() - live.len(),
            errors: input.errors.len(),
            incomplete,
            top_findings: top(rolled),
            diagnoses: diagnoses
                .iter()
                .map(|d| FleetDiagnosis {
                    diagnosis: d.diagnosis.clone(),
                    title: d.title.clone(),
                    severity: d.severity,
                    first_seen: d.first_seen,
                    suppressed: d.suppressed.is_some(),
                })
                .collect(),
        });
    }

    /// Counts one input's templates; each counts the input once, however
    /// many source kinds it came from.
    fn add_templates(&mut self, report: &Report, input: &str) {
        let mut counted: HashSet<&str> = HashSet::new();
        for u in report.unrecognized.iter().filter(|u| u.input == input) {
            let full = self.templates.len() >= MAX_TEMPLATES;
            let t = match self.templates.get_mut(&u.id) {
                Some(t) => t,
                None if full => {
                    self.totals.unrecognized_untracked += 1;
                    continue;
                }
                None => self.templates.entry(u.id.clone()).or_insert(
                    FleetTemplate {
                        id: u.id.clone(),
                        template: u.template.clone(),
                        inputs: 0,
                        count: 0,
                        example_input: input.to_string(),
                        example: u.example.text.clone(),
                    },
                ),
            };
            t.count += u.count;
            if counted.insert(&u.id) {
                t.inputs += 1;
            }
            // The example of the first input by path, whatever the order
            // reports are folded in.
            if input < t.example_input.as_str() {
                t.example_input = input.to_string();
                t.example = u.example.text.clone();
            }
        }
    }

    /// Counts one input's share of a signature's spread.
    fn spread(&mut self, r: &Rolled<'_>, node: &str) {
        let f = r.finding;
        let acc = self.by_signature.entry(f.signature.clone()).or_insert_with(
            || SignatureAcc {
                title: f.title.clone(),
                severity: f.severity,
                inputs: 0,
                instances: BTreeSet::new(),
                count: 0,
                first_seen: None,
            },
        );
        acc.inputs += 1;
        acc.instances.insert(node.to_string());
        acc.count += r.count;
        acc.first_seen = min_opt(acc.first_seen, r.first_seen);
    }

    /// The summary, every list in a fixed order.
    pub fn finish(self) -> FleetSummary {
        let mut by_signature: Vec<FleetSignature> = self
            .by_signature
            .into_iter()
            .map(|(signature, a)| FleetSignature {
                signature,
                title: a.title,
                severity: a.severity,
                inputs: a.inputs,
                instances: a.instances.into_iter().collect(),
                count: a.count,
                first_seen: a.first_seen,
            })
            .collect();
        by_signature.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| b.inputs.cmp(&a.inputs))
                .then_with(|| a.signature.cmp(&b.signature))
        });
        let mut inputs = self.inputs;
        inputs.sort_by(|a, b| a.path.cmp(&b.path));
        let mut totals = self.totals;
        totals.unrecognized_templates = self.templates.len();
        let mut unrecognized: Vec<FleetTemplate> =
            self.templates.into_values().collect();
        unrecognized.sort_by(|a, b| {
            b.inputs
                .cmp(&a.inputs)
                .then_with(|| b.count.cmp(&a.count))
                .then_with(|| a.id.cmp(&b.id))
        });
        unrecognized.truncate(TOP_UNRECOGNIZED);
        FleetSummary {
            schema_version: 1,
            tool: Tool {
                name: "logsift".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            signatures: self.signatures,
            totals,
            by_signature,
            inputs,
            unrecognized,
        }
    }
}

/// One signature's live findings in one input.
struct Rolled<'a> {
    /// The first of them, for the signature's id, title and severity.
    finding: &'a Finding,
    /// Their lines, copies of other files' lines not counted.
    count: u64,
    /// Their files.
    files: usize,
    first_seen: Option<Timestamp>,
}

/// `live` rolled up per signature, in signature order.
fn roll_up<'a>(live: &[&'a Finding]) -> Vec<Rolled<'a>> {
    let mut rolled: BTreeMap<&str, Rolled<'a>> = BTreeMap::new();
    for &f in live {
        let r = rolled.entry(&f.signature).or_insert(Rolled {
            finding: f,
            count: 0,
            files: 0,
            first_seen: None,
        });
        r.count += f.own_lines();
        r.files += 1;
        r.first_seen = min_opt(r.first_seen, f.first_seen);
    }
    rolled.into_values().collect()
}

/// An input's worst signatures: by severity, then by lines.
fn top(rolled: Vec<Rolled<'_>>) -> Vec<TopFinding> {
    let mut top: Vec<TopFinding> = rolled
        .into_iter()
        .map(|r| TopFinding {
            signature: r.finding.signature.clone(),
            severity: r.finding.severity,
            count: r.count,
            files: r.files,
            first_seen: r.first_seen,
        })
        .collect();
    top.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.signature.cmp(&b.signature))
    });
    top.truncate(TOP_FINDINGS);
    top
}

/// What an input lacks, as the exit code weighs it: nothing read at
/// all, and each expected source missing or unreadable (`kind: status`).
fn incomplete(input: &InputEntry) -> Vec<String> {
    let nothing = input.nothing_scanned.then(|| "nothing scanned".into());
    let lacking = input.coverage.sources.iter().filter(|s| {
        s.expected
            && matches!(
                s.status,
                SourceStatus::Missing | SourceStatus::Unreadable
            )
    });
    nothing
        .into_iter()
        .chain(lacking.map(|s| format!("{}: {}", s.kind, s.status)))
        .collect()
}

/// Writes `summary` as pretty-printed JSON followed by a newline.
pub fn write<W: Write>(summary: &FleetSummary, mut w: W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut w, summary)?;
    w.write_all(b"\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use logsift_engine::{InputReport, SourceStatus};

    use super::*;
    use crate::build::{
        ReportBuilder,
        testutil::{finding, input, pack},
    };

    /// The JSON report of one input named `path`, on node `instance`,
    /// holding findings of `(signature index, lines)`, its kubelet log
    /// missing.
    fn report(
        path: &str,
        instance: Option<&str>,
        sigs: &[(usize, u64)],
    ) -> String {
        let pack = pack();
        let findings = sigs
            .iter()
            .map(|&(sig, n)| {
                finding(sig, &format!("{path}!k.log"), n, None, None)
            })
            .collect();
        let mut one: InputReport = input(path, findings);
        one.bundle.instance_id = instance.map(String::from);
        one.coverage[0].status = SourceStatus::Missing;
        let mut b = ReportBuilder::new(&pack, vec![path.to_string()]);
        logsift_engine::Sink::input(&mut b, one);
        serde_json::to_string(&b.finish()).expect("json")
    }

    #[test]
    fn earliest_time_is_an_instant_comparison() {
        let t = |x: &str| Some(x.parse::<Timestamp>().expect("time"));
        assert_eq!(
            min_opt(t("2026-11-21T10:00:00.5Z"), t("2026-11-21T10:00:00Z")),
            t("2026-11-21T10:00:00Z")
        );
        assert_eq!(
            min_opt(None, t("2026-01-01T00:00:00Z")),
            t("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn folds_in_any_order_to_the_same_summary() {
        // a-error twice on node i-1 (and b-warning), once on b.tgz.
        let a = report("a.tgz", Some("i-1"), &[(0, 2), (1, 9)]);
        let b = report("b.tgz", None, &[(0, 1)]);
        let fold = |order: &[&String]| {
            let mut f = FleetBuilder::new();
            for r in order {
                assert!(
                    f.add_json(r.as_bytes(), "r.json").unwrap().is_empty()
                );
            }
            f.finish()
        };
        let one = fold(&[&a, &b]);
        assert_eq!(one, fold(&[&b, &a]));
        assert_eq!(one.by_signature[0].signature, "a-error");
        assert_eq!(one.by_signature[0].inputs, 2);
        assert_eq!(one.by_signature[0].instances, ["b.tgz", "i-1"]);
        assert_eq!(one.by_signature[0].count, 3);
        assert_eq!(one.inputs[0].top_findings[0].signature, "a-error");
        assert_eq!(one.inputs[0].incomplete, ["kubelet: missing"]);
        assert_eq!(one.totals.inputs_incomplete, 2);
    }

    #[test]
    fn duplicates_are_skipped_and_other_packs_refused() {
        let a = report("a.tgz", None, &[]);
        let mut f = FleetBuilder::new();
        f.add_json(a.as_bytes(), "1.json").unwrap();
        assert_eq!(f.add_json(a.as_bytes(), "2.json").unwrap(), ["a.tgz"]);
        let v: serde_json::Value = serde_json::from_str(&a).expect("json");
        let digest = v["signatures"]["digest"].as_str().expect("digest");
        let other = a.replace(digest, &format!("sha256:{}", "1".repeat(64)));
        assert!(f.add_json(other.as_bytes(), "3.json").is_err());
        assert!(f.add_json(b"{}", "4.json").is_err());
    }
}
