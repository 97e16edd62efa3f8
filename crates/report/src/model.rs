//! The report: a contract. Fields may be added, never renamed or removed;
//! `schema/report.schema.json` at the workspace root describes it.

use std::collections::BTreeMap;

use jiff::civil::Date;
use logsift_engine::{
    InputKind, KindReason, Producer, SourceStatus, TimeBound, Timestamp,
};
use logsift_signatures::{Severity, SourceKind};
use serde::{Deserialize, Serialize};

/// The version of the report's shape; bumped only on a breaking change.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole scan's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// See [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The signature set used.
    pub signatures: SignatureSet,
    /// The time window lines were kept in (`--since`, `--until`); null
    /// when every line was kept.
    pub window: Option<Window>,
    /// One entry per input, in the order given.
    pub inputs: Vec<InputEntry>,
    /// Findings, sorted by severity (worst first), input, path, line.
    pub findings: Vec<Finding>,
    /// Findings rolled up per signature and input.
    pub occurrences: Vec<Occurrence>,
    /// Root causes named from combinations of findings, ranked by
    /// severity, then by how much evidence they rest on.
    pub diagnoses: Vec<DiagnosisEntry>,
    /// Error lines no signature matched, grouped into templates: per
    /// input (in input order), most lines first.
    #[serde(default)]
    pub unrecognized: Vec<UnrecognizedEntry>,
    /// Totals.
    pub summary: Summary,
}

/// Error lines of one input that no signature matched, sharing one
/// template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrecognizedEntry {
    /// `u-` and 10 hex digits of the template's sha256: the same template
    /// has the same id in every report, so a fleet counts it across
    /// bundles and `logsift signatures draft` finds it.
    pub id: String,
    /// The lines' message, what varies between them as `<*>`.
    pub template: String,
    /// The input.
    pub input: String,
    /// What produced the files.
    pub source: SourceKind,
    /// How many lines.
    pub count: u64,
    /// The earliest time among the lines.
    pub first_seen: Option<Timestamp>,
    /// The latest.
    pub last_seen: Option<Timestamp>,
    /// The first line, redacted like evidence.
    pub example: EvidenceLine,
    /// The file the example is from.
    pub example_path: String,
    /// The files the lines are in.
    pub files: Vec<String>,
}

/// How many error lines of an input no signature matched, and what
/// became of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrecognizedCounts {
    /// Error lines no signature matched.
    pub lines: u64,
    /// Their templates, listed or not.
    pub templates: u64,
    /// Templates listed in `unrecognized`.
    pub listed: u64,
    /// Templates left out past the most an input lists, fewest lines
    /// first.
    pub omitted: u64,
    /// Lines left out because their file already held as many templates
    /// as it may.
    pub dropped_lines: u64,
    /// Lines of templates known to be harmless, or given to ignore.
    pub ignored_lines: u64,
}

/// The time window of a scan, each end as given: a time (RFC 3339, UTC)
/// or a duration before each input's collection (`2h before
/// collection`); null for an open end. Lines without a time are kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Lines stamped before this were left out.
    pub since: Option<TimeBound>,
    /// Lines stamped after this were left out.
    pub until: Option<TimeBound>,
}

/// The tool that wrote a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `logsift`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The signature set a report was made with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureSet {
    /// How many signatures.
    pub count: usize,
    /// `sha256:<hex>` of their content.
    pub digest: String,
}

/// One scanned input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    /// As named by the user; `-` for stdin.
    pub path: String,
    /// How it is packed.
    pub kind: InputKind,
    /// What is known of the bundle.
    pub bundle: Bundle,
    /// Text files scanned.
    pub files_scanned: u64,
    /// Bytes of text scanned, after decompression and decoding.
    pub bytes_scanned: u64,
    /// Whether no text at all was read (an empty folder, only binary
    /// files, empty stdin): then no signature was checked, and no
    /// finding means nothing.
    #[serde(default)]
    pub nothing_scanned: bool,
    /// Files not scanned, and why.
    pub skipped: Vec<Skipped>,
    /// What could not be read.
    pub errors: Vec<ErrorEntry>,
    /// What to know about what was read: damaged text scanned around,
    /// a bundle name's impossible time.
    #[serde(default)]
    pub notes: Vec<NoteEntry>,
    /// Which sources were there, and which signatures could not be checked.
    pub coverage: CoverageEntry,
    /// This input's signatures in the order they first appeared, so the
    /// first failure of a cascade stands out.
    pub timeline: Vec<TimelineEntry>,
    /// Signatures with a threshold whose lines were found, but fewer than
    /// the threshold within its window: normal for a while on a healthy
    /// node (a node not found while it registers), so not findings.
    #[serde(default)]
    pub below_threshold: Vec<BelowThreshold>,
    /// Error lines no signature matched (see [`Report::unrecognized`]).
    #[serde(default)]
    pub unrecognized: UnrecognizedCounts,
}

/// A signature found under its threshold in one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BelowThreshold {
    /// The signature.
    pub signature: String,
    /// Its matching lines across the input.
    pub count: u64,
    /// The most of them within the window in any one file.
    pub peak: u64,
    /// Lines within the window that make it a finding.
    pub threshold: u64,
    /// The window, in seconds.
    pub within_seconds: u64,
    /// The files, sorted.
    pub files: Vec<String>,
}

/// Which sources an input held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageEntry {
    /// One entry per source kind seen or expected.
    pub sources: Vec<SourceEntry>,
    /// Signatures that could not be evaluated because no file of a kind
    /// they apply to was read: "no finding" from them means "not checked".
    pub not_evaluated: Vec<String>,
    /// Signatures that never apply to this kind of input: provisioning
    /// logs (terraform, Ansible, konvoy) on a node's log bundle.
    #[serde(default)]
    pub not_applicable: Vec<String>,
    /// Every scanned file, the kind it was read as and why: by its path,
    /// by its first lines, or by `--source-kind`.
    #[serde(default)]
    pub files: Vec<FileEntry>,
}

/// One scanned file of an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The file, as findings name it.
    pub path: String,
    /// The kind whose signatures it was scanned with.
    pub kind: SourceKind,
    /// What decided the kind.
    pub by: KindReason,
}

/// One source kind of an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// The kind.
    pub kind: SourceKind,
    /// Whether it was there and read.
    pub status: SourceStatus,
    /// Whether this bundle's collector writes it.
    pub expected: bool,
    /// Files of this kind.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// One signature's place in an input's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The signature.
    pub signature: String,
    /// Its severity.
    pub severity: Severity,
    /// When it first appeared (null when its lines carry no time).
    pub first_seen: Option<Timestamp>,
    /// When it last appeared.
    pub last_seen: Option<Timestamp>,
    /// Matching lines across the input.
    pub count: u64,
}

/// Every hit of one signature across one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// The signature's id.
    pub signature: String,
    /// Its severity.
    pub severity: Severity,
    /// The input.
    pub input: String,
    /// Matching lines across all files.
    pub count: u64,
    /// The files, sorted.
    pub files: Vec<String>,
    /// The earliest time among the matching lines.
    pub first_seen: Option<Timestamp>,
    /// The latest.
    pub last_seen: Option<Timestamp>,
}

/// A root cause found on one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisEntry {
    /// The diagnosis' id.
    pub diagnosis: String,
    /// The cause, in one line.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// The input.
    pub input: String,
    /// Why these findings point at this cause.
    pub summary: String,
    /// When the earliest finding it rests on started.
    pub first_seen: Option<Timestamp>,
    /// The findings it rests on; the markers (healthy events) it needs
    /// when it rests on nothing else.
    pub findings: Vec<DiagnosisEvidence>,
    /// The signatures whose absence it rests on: checked in this input
    /// and not found (a node that never registered).
    #[serde(default)]
    pub absent: Vec<String>,
    /// Whether it rests on two listings of one set of things whose
    /// counts differ (the GPUs the driver probed, and those nvidia-smi
    /// lists): its two findings are those listings.
    #[serde(default)]
    pub counts_differ: bool,
    /// How to fix the cause.
    pub fix: String,
    /// Links to the official fix.
    pub links: Vec<String>,
    /// Set when every finding it rests on is suppressed: its cause is then
    /// what someone already accepted, and `--fail-on` ignores it.
    #[serde(default)]
    pub suppressed: Option<Suppressed>,
}

/// A finding a diagnosis rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisEvidence {
    /// The signature.
    pub signature: String,
    /// Matching lines across the input.
    pub count: u64,
    /// The files it was found in.
    pub files: Vec<String>,
}

/// What is known of a bundle; null where unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// The collector that made it.
    pub producer: Option<Producer>,
    /// The EC2 instance id.
    pub instance_id: Option<String>,
    /// When it was collected.
    pub collected_at: Option<Timestamp>,
    /// The collector's version.
    pub collector_version: Option<String>,
}

/// A file that was not scanned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Its virtual path.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Something to know about a file or input that was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteEntry {
    /// Its virtual path.
    pub path: String,
    /// What.
    pub message: String,
}

/// Something that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// Its virtual path.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Every hit of one signature in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The signature's id.
    pub signature: String,
    /// The signature's title.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// The input's path, as in `inputs`.
    pub input: String,
    /// The file's virtual path.
    pub path: String,
    /// What produced the file.
    pub source: SourceKind,
    /// Details taken from the first matching line (node name, zones,
    /// error code), when the signature defines a message; else null.
    pub message: Option<String>,
    /// How many lines matched.
    pub count: u64,
    /// The first matching line (1-based).
    pub first_line: u64,
    /// The last matching line.
    pub last_line: u64,
    /// The earliest time among the matching lines; null when the file's
    /// lines carry no time.
    pub first_seen: Option<Timestamp>,
    /// The latest time among the matching lines; null likewise.
    pub last_seen: Option<Timestamp>,
    /// A few matching lines: the first ones and the last one.
    pub evidence: Vec<EvidenceLine>,
    /// How to fix it.
    pub fix: String,
    /// Links to the official fix.
    pub links: Vec<String>,
    /// The `logsift/v1` fingerprint (see [`crate::fingerprint`]): the
    /// same failure on any node and at any time has the same value, so
    /// suppressions and dashboards can name it.
    pub fingerprint: String,
    /// The suppression that covers this finding; null when none does.
    /// A suppressed finding stays in the report but does not fail a run.
    #[serde(default)]
    pub suppressed: Option<Suppressed>,
    /// Lines of this finding that are copies of the same lines (same
    /// second, process and message) in another file of the input, as
    /// rsyslog copies the journal into `messages`; null when none are.
    /// Copies count once, where the original is: they add nothing to
    /// occurrences, diagnoses, timelines or totals, and a finding that is
    /// all copies fails no run.
    #[serde(default)]
    pub mirror: Option<Mirror>,
    /// For a signature whose single lines are normal: how many lines
    /// within how long make it a failure, and the most this file held;
    /// below the threshold the finding is info. Null without one.
    #[serde(default)]
    pub threshold: Option<Threshold>,
}

/// A signature's threshold, and how close a finding came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    /// Lines needed.
    pub count: u64,
    /// Within how many seconds.
    pub within_seconds: u64,
    /// The most occurrences of this finding within that many seconds:
    /// its lines, a folded event (`(x17 over 4m54s)`) counting as many as
    /// it says (counting stops at `count`).
    pub peak: u64,
}

impl Finding {
    /// Whether every line of this finding is a copy of another file's.
    pub fn is_mirror(&self) -> bool {
        self.mirror.as_ref().is_some_and(|m| m.lines >= self.count)
    }

    /// The lines that are this finding's own, not copies.
    pub fn own_lines(&self) -> u64 {
        self.count - self.mirror.as_ref().map_or(0, |m| m.lines)
    }
}

/// The copied lines of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mirror {
    /// The file (virtual path) most of them were copied from.
    pub of: String,
    /// How many of the finding's lines are copies.
    pub lines: u64,
}

/// Why a finding is suppressed, from the suppressions file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    /// The entry's reason, as written.
    pub reason: String,
    /// The day after which the entry stops suppressing; null when it
    /// does not expire.
    pub expires: Option<Date>,
}

/// A matching line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLine {
    /// Its number.
    pub line: u64,
    /// Its text, possibly cut.
    pub text: String,
    /// Present and true when `text` was cut.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Totals of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// How many findings, not counting those that are all copies of
    /// another file's lines (see [`Finding::mirror`]).
    pub findings: usize,
    /// How many of those findings are of each severity.
    pub by_severity: BySeverity,
    /// How many findings are all copies, listed but not counted above.
    #[serde(default)]
    pub mirrors: usize,
    /// How many errors across all inputs.
    pub errors: usize,
    /// How many diagnoses.
    pub diagnoses: usize,
    /// How many secrets of each kind were redacted from the log text the
    /// report quotes (see [`crate::redact::Kind`]); only kinds met, so it
    /// is empty when there were none or redaction was off. Secrets in the
    /// names of files and members are redacted too, with the same
    /// placeholders, and not counted here.
    pub redactions: BTreeMap<String, u64>,
    /// How many of the findings are suppressed (counted in `findings`
    /// and `by_severity` too, as they are listed).
    pub suppressed: usize,
    /// How many templates of unrecognised error lines are listed.
    #[serde(default)]
    pub unrecognized: usize,
}

/// Counts per severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BySeverity {
    /// Critical findings.
    pub critical: usize,
    /// Error findings.
    pub error: usize,
    /// Warning findings.
    pub warning: usize,
    /// Info findings.
    pub info: usize,
}
