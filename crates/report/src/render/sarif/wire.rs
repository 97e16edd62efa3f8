//! SARIF 2.1.0 wire types: serialize-only, holding just the parts of the
//! format logsift writes, named as the OASIS schema names them.

use logsift_engine::Timestamp;
use serde::Serialize;

use crate::model::{Bundle, DiagnosisEvidence, EvidenceLine, SignatureSet};

#[derive(Serialize)]
pub(super) struct Log<'a> {
    #[serde(rename = "$schema")]
    pub(super) schema: &'static str,
    pub(super) version: &'static str,
    pub(super) runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Run<'a> {
    pub(super) tool: Tool<'a>,
    pub(super) invocations: Vec<Invocation<'a>>,
    pub(super) results: Vec<Result<'a>>,
    pub(super) properties: RunProperties<'a>,
}

#[derive(Serialize)]
pub(super) struct RunProperties<'a> {
    pub(super) signatures: &'a SignatureSet,
    pub(super) inputs: Vec<InputProperties<'a>>,
}

/// What the run says of each input: the bundle and how much was read,
/// named as in the JSON report.
#[derive(Serialize)]
pub(super) struct InputProperties<'a> {
    pub(super) path: &'a str,
    pub(super) kind: &'a str,
    pub(super) bundle: &'a Bundle,
    pub(super) files_scanned: u64,
    pub(super) bytes_scanned: u64,
}

#[derive(Serialize)]
pub(super) struct Tool<'a> {
    pub(super) driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Driver<'a> {
    pub(super) name: &'a str,
    pub(super) version: &'a str,
    pub(super) semantic_version: &'a str,
    pub(super) information_uri: &'static str,
    pub(super) rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Rule<'a> {
    pub(super) id: &'a str,
    pub(super) name: String,
    pub(super) short_description: Text<'a>,
    pub(super) full_description: Text<'a>,
    pub(super) help: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) help_uri: Option<&'a str>,
    pub(super) default_configuration: Configuration,
    pub(super) properties: RuleProperties<'a>,
}

#[derive(Serialize)]
pub(super) struct RuleProperties<'a> {
    pub(super) category: &'a str,
    pub(super) severity: &'static str,
    pub(super) tags: Vec<&'a str>,
}

#[derive(Serialize)]
pub(super) struct Configuration {
    pub(super) level: &'static str,
}

/// A message or a multiformat message string: only its text.
#[derive(Serialize)]
pub(super) struct Text<'a> {
    pub(super) text: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Invocation<'a> {
    pub(super) execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
pub(super) struct Notification<'a> {
    pub(super) level: &'static str,
    pub(super) message: Text<'a>,
    pub(super) locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Result<'a> {
    pub(super) rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rule_index: Option<usize>,
    pub(super) level: &'static str,
    pub(super) message: Text<'a>,
    pub(super) locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) related_locations: Vec<Location<'a>>,
    pub(super) partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) suppressions: Vec<Suppression<'a>>,
    pub(super) properties: Properties<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Properties<'a> {
    Finding(ResultProperties<'a>),
    Diagnosis(DiagnosisProperties<'a>),
}

/// What a diagnosis result says beyond SARIF's fields, named as in the
/// JSON report.
#[derive(Serialize)]
pub(super) struct DiagnosisProperties<'a> {
    pub(super) input: &'a str,
    pub(super) diagnosis: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) first_seen: Option<Timestamp>,
    pub(super) findings: &'a [DiagnosisEvidence],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub(super) absent: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) counts_differ: bool,
}

#[derive(Serialize)]
pub(super) struct Fingerprints<'a> {
    #[serde(rename = "logsift/v1")]
    pub(super) v1: std::borrow::Cow<'a, str>,
}

/// Why a result is suppressed: `external` says the reason lives outside
/// the logs, in the suppressions file.
#[derive(Serialize)]
pub(super) struct Suppression<'a> {
    pub(super) kind: &'static str,
    pub(super) justification: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResultProperties<'a> {
    pub(super) input: &'a str,
    pub(super) path: &'a str,
    pub(super) source: &'a str,
    pub(super) count: u64,
    pub(super) first_line: u64,
    pub(super) last_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<&'a str>,
    pub(super) evidence: &'a [EvidenceLine],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) id: Option<u64>,
    pub(super) physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) logical_locations: Vec<LogicalLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PhysicalLocation<'a> {
    pub(super) artifact_location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) region: Option<Region<'a>>,
}

#[derive(Serialize)]
pub(super) struct ArtifactLocation<'a> {
    pub(super) uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) properties: Option<Member<'a>>,
}

/// Where a file inside an archive lives: the archive on disk, and the
/// member's path inside it (which may cross nested archives, with `!`).
#[derive(Clone, Copy, Serialize)]
pub(super) struct Member<'a> {
    pub(super) archive: &'a str,
    pub(super) member: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Region<'a> {
    pub(super) start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) snippet: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LogicalLocation<'a> {
    pub(super) name: &'a str,
    pub(super) fully_qualified_name: &'a str,
    pub(super) kind: &'static str,
    pub(super) properties: Member<'a>,
}
