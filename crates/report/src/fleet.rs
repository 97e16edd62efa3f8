//! The fleet summary: many inputs' reports folded into one page that
//! says which failures are widespread, on which nodes, since when, and
//! what each node's worst problems are (`summary.json` of
//! `logsift scan --out-dir`, and what `logsift merge` writes).
//!
//! A [`FleetBuilder`] takes reports one at a time and keeps only what the
//! summary shows, so a batch of any size folds in bounded memory. Live
//! reports and reports read back from disk go through the same path (the
//! report's JSON), and every list is sorted, so merging separate runs'
//! reports gives the very bytes one run over all inputs gives.
//! `schema/summary.schema.json` at the workspace root describes it.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    io::{self, Write},
};

use logsift_engine::Timestamp;
use logsift_signatures::Severity;
use serde::{Deserialize, Serialize, de::IgnoredAny};

use crate::model::{Report, SignatureSet, Tool};

/// How many findings each input lists in the summary.
pub const TOP_FINDINGS: usize = 5;

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
}

/// One signature across the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetSignature {
    /// The signature's id.
    pub signature: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: String,
    /// How many inputs it was found in.
    pub inputs: usize,
    /// The nodes: each input's instance id, or its path when the bundle
    /// does not say; sorted, each once.
    pub instances: Vec<String>,
    /// Matching lines across the fleet.
    pub count: u64,
    /// The earliest time among its matching lines anywhere.
    pub first_seen: Option<String>,
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
    pub producer: Option<String>,
    /// When it was collected, when known.
    pub collected_at: Option<String>,
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
    pub severity: String,
    /// Matching lines across the input's files.
    pub count: u64,
    /// Files it was found in.
    pub files: usize,
    /// The earliest time among the matching lines.
    pub first_seen: Option<String>,
}

/// A diagnosis of one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetDiagnosis {
    /// The diagnosis' id.
    pub diagnosis: String,
    /// The cause, in one line.
    pub title: String,
    /// How bad it is.
    pub severity: String,
    /// When the earliest finding it rests on started.
    pub first_seen: Option<String>,
    /// Whether every finding it rests on is suppressed (so it does not
    /// fail the run); listed all the same, so nothing drops out unseen.
    pub suppressed: bool,
}

/// What the summary reads of a report: a view of its JSON, so reports
/// from disk and from memory fold the same way, and fields the summary
/// does not use may come and go.
#[derive(Deserialize)]
struct ReportView {
    schema_version: u32,
    tool: ToolView,
    signatures: SignatureSetView,
    inputs: Vec<InputView>,
    findings: Vec<FindingView>,
    diagnoses: Vec<DiagnosisView>,
}

#[derive(Deserialize)]
struct ToolView {
    name: String,
}

#[derive(Deserialize)]
struct SignatureSetView {
    count: usize,
    digest: String,
}

#[derive(Deserialize)]
struct InputView {
    path: String,
    #[serde(default)]
    nothing_scanned: bool,
    bundle: BundleView,
    errors: Vec<IgnoredAny>,
    coverage: CoverageView,
}

#[derive(Deserialize)]
struct BundleView {
    producer: Option<String>,
    instance_id: Option<String>,
    collected_at: Option<String>,
}

#[derive(Deserialize)]
struct CoverageView {
    sources: Vec<SourceView>,
}

#[derive(Deserialize)]
struct SourceView {
    kind: String,
    status: String,
    expected: bool,
}

#[derive(Deserialize)]
struct FindingView {
    signature: String,
    title: String,
    severity: String,
    input: String,
    count: u64,
    first_seen: Option<String>,
    #[serde(default)]
    suppressed: Option<IgnoredAny>,
    /// Lines that are copies of another file's, counted there.
    #[serde(default)]
    mirror: Option<MirrorView>,
}

#[derive(Deserialize)]
struct MirrorView {
    lines: u64,
}

#[derive(Deserialize)]
struct DiagnosisView {
    diagnosis: String,
    title: String,
    severity: String,
    input: String,
    first_seen: Option<String>,
    #[serde(default)]
    suppressed: Option<IgnoredAny>,
}

/// A signature's spread so far.
struct SignatureAcc {
    title: String,
    severity: String,
    inputs: usize,
    instances: BTreeSet<String>,
    count: u64,
    first_seen: Option<String>,
}

/// Folds reports into a [`FleetSummary`].
#[derive(Default)]
pub struct FleetBuilder {
    signatures: Option<SignatureSet>,
    by_signature: HashMap<String, SignatureAcc>,
    inputs: Vec<FleetInput>,
    seen: HashSet<String>,
    totals: FleetTotals,
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

    /// Folds in a report held in memory, written to the file named
    /// `file`. Returns the inputs skipped because they were folded
    /// before.
    pub fn add_report(
        &mut self,
        report: &Report,
        file: &str,
    ) -> Result<Vec<String>, String> {
        // Through JSON, as `merge` reads it, so both give the same bytes.
        let value = serde_json::to_value(report).map_err(|e| e.to_string())?;
        let view: ReportView =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        self.add_view(view, file)
    }

    /// Folds in a report's JSON, read from the file named `file`. Returns
    /// the inputs skipped because they were folded before.
    pub fn add_json(
        &mut self,
        json: &[u8],
        file: &str,
    ) -> Result<Vec<String>, String> {
        let view: ReportView = serde_json::from_slice(json).map_err(|e| {
            format!("not a logsift report: {}", what_is(json, &e))
        })?;
        self.add_view(view, file)
    }

    fn add_view(
        &mut self,
        view: ReportView,
        file: &str,
    ) -> Result<Vec<String>, String> {
        if view.tool.name != "logsift" || view.schema_version != 1 {
            return Err(format!(
                "not a logsift report of schema version 1 (tool {:?}, \
                 version {})",
                view.tool.name, view.schema_version
            ));
        }
        let set = SignatureSet {
            count: view.signatures.count,
            digest: view.signatures.digest,
        };
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
        let mut findings: HashMap<&str, Vec<&FindingView>> = HashMap::new();
        for f in &view.findings {
            findings.entry(f.input.as_str()).or_default().push(f);
        }
        let mut duplicates = Vec::new();
        for input in &view.inputs {
            if !self.seen.insert(input.path.clone()) {
                duplicates.push(input.path.clone());
                continue;
            }
            let mine =
                findings.get(input.path.as_str()).map_or(&[][..], |v| v);
            let diagnoses: Vec<&DiagnosisView> = view
                .diagnoses
                .iter()
                .filter(|d| d.input == input.path)
                .collect();
            self.add_input(input, mine, &diagnoses, file);
        }
        Ok(duplicates)
    }

    fn add_input(
        &mut self,
        input: &InputView,
        findings: &[&FindingView],
        diagnoses: &[&DiagnosisView],
        file: &str,
    ) {
        let node = input
            .bundle
            .instance_id
            .clone()
            .unwrap_or_else(|| input.path.clone());
        // A finding all of whose lines are copies counts where they are.
        let findings: Vec<&FindingView> = findings
            .iter()
            .copied()
            .filter(|f| f.mirror.as_ref().is_none_or(|m| m.lines < f.count))
            .collect();
        let live: Vec<&FindingView> = findings
            .iter()
            .copied()
            .filter(|f| f.suppressed.is_none())
            .collect();
        // Per signature: lines, files and the earliest time in this input.
        let mut rolled: BTreeMap<
            &str,
            (&FindingView, u64, usize, Option<String>),
        > = BTreeMap::new();
        for f in &live {
            let r = rolled.entry(&f.signature).or_insert((f, 0, 0, None));
            r.1 += f.count
                - f.mirror.as_ref().map_or(0, |m| m.lines.min(f.count));
            r.2 += 1;
            r.3 = earliest(r.3.take(), f.first_seen.clone());
        }
        for (sig, (f, count, _, first)) in &rolled {
            let acc = self.by_signature.entry(sig.to_string()).or_insert_with(
                || SignatureAcc {
                    title: f.title.clone(),
                    severity: f.severity.clone(),
                    inputs: 0,
                    instances: BTreeSet::new(),
                    count: 0,
                    first_seen: None,
                },
            );
            acc.inputs += 1;
            acc.instances.insert(node.clone());
            acc.count += count;
            acc.first_seen = earliest(acc.first_seen.take(), first.clone());
        }
        let mut top: Vec<TopFinding> = rolled
            .into_iter()
            .map(|(sig, (f, count, files, first_seen))| TopFinding {
                signature: sig.to_string(),
                severity: f.severity.clone(),
                count,
                files,
                first_seen,
            })
            .collect();
        top.sort_by(|a, b| {
            rank(&b.severity)
                .cmp(&rank(&a.severity))
                .then_with(|| b.count.cmp(&a.count))
                .then_with(|| a.signature.cmp(&b.signature))
        });
        top.truncate(TOP_FINDINGS);
        // Nothing read at all is incomplete too, as the exit code says.
        let nothing = input.nothing_scanned.then(|| "nothing scanned".into());
        let incomplete: Vec<String> = nothing
            .into_iter()
            .chain(
                input
                    .coverage
                    .sources
                    .iter()
                    .filter(|s| {
                        s.expected
                            && matches!(
                                s.status.as_str(),
                                "missing" | "unreadable"
                            )
                    })
                    .map(|s| format!("{}: {}", s.kind, s.status)),
            )
            .collect();
        let t = &mut self.totals;
        t.inputs += 1;
        t.inputs_with_findings += usize::from(!live.is_empty());
        t.inputs_with_errors += usize::from(!input.errors.is_empty());
        t.inputs_incomplete += usize::from(!incomplete.is_empty());
        t.findings += live.len();
        t.suppressed += findings.len() - live.len();
        t.diagnoses += diagnoses.len();
        self.inputs.push(FleetInput {
            path: input.path.clone(),
            report: file.to_string(),
            instance_id: input.bundle.instance_id.clone(),
            producer: input.bundle.producer.clone(),
            collected_at: input.bundle.collected_at.clone(),
            findings: live.len(),
            suppressed: findings.len() - live.len(),
            errors: input.errors.len(),
            incomplete,
            top_findings: top,
            diagnoses: diagnoses
                .iter()
                .map(|d| FleetDiagnosis {
                    diagnosis: d.diagnosis.clone(),
                    title: d.title.clone(),
                    severity: d.severity.clone(),
                    first_seen: d.first_seen.clone(),
                    suppressed: d.suppressed.is_some(),
                })
                .collect(),
        });
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
            rank(&b.severity)
                .cmp(&rank(&a.severity))
                .then_with(|| b.inputs.cmp(&a.inputs))
                .then_with(|| a.signature.cmp(&b.signature))
        });
        let mut inputs = self.inputs;
        inputs.sort_by(|a, b| a.path.cmp(&b.path));
        FleetSummary {
            schema_version: 1,
            tool: Tool {
                name: "logsift".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            signatures: self.signatures,
            totals: self.totals,
            by_signature,
            inputs,
        }
    }
}

/// A severity's rank; one this version does not know ranks lowest.
fn rank(s: &str) -> Option<Severity> {
    s.parse().ok()
}

/// The earlier of two report times, compared as instants (their text
/// does not sort: `10:00:00.5Z` is after `10:00:00Z`).
fn earliest(a: Option<String>, b: Option<String>) -> Option<String> {
    let at = |s: &String| s.parse::<Timestamp>().ok();
    match (a, b) {
        (Some(a), Some(b)) => {
            let keep_a = match (at(&a), at(&b)) {
                (Some(x), Some(y)) => (x, &a) <= (y, &b),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => a <= b,
            };
            Some(if keep_a { a } else { b })
        }
        (a, b) => a.or(b),
    }
}

/// Writes `summary` as pretty-printed JSON followed by a newline.
pub fn write<W: Write>(summary: &FleetSummary, mut w: W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut w, summary)?;
    w.write_all(b"\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_compares_instants() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            earliest(s("2026-11-21T10:00:00Z"), s("2026-11-21T10:00:00.5Z")),
            s("2026-11-21T10:00:00Z")
        );
        assert_eq!(earliest(None, s("x")), s("x"));
        assert_eq!(
            earliest(s("2026-01-01T00:00:00Z"), s("bad")),
            s("2026-01-01T00:00:00Z")
        );
    }

    fn report(
        input: &str,
        instance: Option<&str>,
        sigs: &[(&str, &str, u64)],
    ) -> String {
        let findings: Vec<String> = sigs
            .iter()
            .map(|(sig, sev, count)| {
                format!(
                    r#"{{"signature":"{sig}","title":"T {sig}","severity":"{sev}","input":"{input}","count":{count},"first_seen":null,"suppressed":null}}"#
                )
            })
            .collect();
        let instance =
            instance.map_or("null".to_string(), |i| format!("{i:?}"));
        format!(
            r#"{{"schema_version":1,"tool":{{"name":"logsift","version":"x"}},
            "signatures":{{"count":3,"digest":"sha256:0"}},
            "inputs":[{{"path":"{input}","bundle":{{"producer":null,"instance_id":{instance},"collected_at":null}},"errors":[],"coverage":{{"sources":[{{"kind":"kubelet","status":"missing","expected":true}}]}}}}],
            "findings":[{}],"diagnoses":[]}}"#,
            findings.join(",")
        )
    }

    #[test]
    fn folds_in_any_order_to_the_same_summary() {
        let a = report(
            "a.tgz",
            Some("i-1"),
            &[("x", "error", 2), ("y", "info", 9)],
        );
        let b = report("b.tgz", None, &[("x", "error", 1)]);
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
        assert_eq!(one.by_signature[0].signature, "x");
        assert_eq!(one.by_signature[0].inputs, 2);
        assert_eq!(one.by_signature[0].instances, ["b.tgz", "i-1"]);
        assert_eq!(one.by_signature[0].count, 3);
        assert_eq!(one.inputs[0].top_findings[0].signature, "x");
        assert_eq!(one.inputs[0].incomplete, ["kubelet: missing"]);
        assert_eq!(one.totals.inputs_incomplete, 2);
    }

    #[test]
    fn duplicates_are_skipped_and_other_packs_refused() {
        let a = report("a.tgz", None, &[]);
        let mut f = FleetBuilder::new();
        f.add_json(a.as_bytes(), "1.json").unwrap();
        assert_eq!(f.add_json(a.as_bytes(), "2.json").unwrap(), ["a.tgz"]);
        let other = a.replace("sha256:0", "sha256:1");
        assert!(f.add_json(other.as_bytes(), "3.json").is_err());
        assert!(f.add_json(b"{}", "4.json").is_err());
    }
}
