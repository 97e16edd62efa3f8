//! The SARIF 2.1.0 renderer, for code scanning dashboards (GitHub's
//! `upload-sarif`, GitLab, VS Code's SARIF viewer).
//!
//! One run: the pack's signatures are the driver's rules, each finding a
//! result at `path:first_line` with its last line as a related location
//! and a `logsift/v1` partial fingerprint (see [`crate::fingerprint`]) so
//! a dashboard tracks the same failure across runs and nodes; a
//! suppressed finding carries an `external` suppression with its reason.
//! The pack's diagnoses are rules too, tagged `diagnosis`, and each root
//! cause found is a result located at the findings it rests on. A file
//! inside an archive has no URI of its own: its virtual path
//! (`outer.tar.gz!member/path`) is written as a relative URI reference,
//! percent-encoded, and the archive and member are also given apart, in
//! the artifact location's properties and as a logical location. Input
//! errors and skipped files are the invocation's notifications.

mod wire;

use std::{
    borrow::Cow,
    collections::HashMap,
    io::{self, Write},
};

use logsift_signatures::{Pack, Severity};

use crate::{
    fingerprint,
    model::{DiagnosisEntry, Finding, Report, Suppressed},
};

use self::wire::{
    ArtifactLocation, Configuration, DiagnosisProperties, Driver,
    Fingerprints, InputProperties, Invocation, Location, Log, LogicalLocation,
    Member, Notification, PhysicalLocation, Properties, Region,
    ResultProperties, Rule, RuleProperties, Run, RunProperties, Text, Tool,
};

/// Where people learn about the tool, as SARIF viewers link it.
pub const INFORMATION_URI: &str = "https://logsift.dev";

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/\
                      errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF's level for a severity: SARIF has no level above `error`.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Writes `report` as a SARIF 2.1.0 log whose rules are the signatures
/// of `pack` (the pack the report was made with).
pub fn write<W: Write>(
    report: &Report,
    pack: &Pack,
    mut w: W,
) -> io::Result<()> {
    // A finding all of whose lines are copies of another file's is one
    // more location of that file's result, not a result of its own; each
    // original's copies, in report order, are looked up once.
    let mut copies: Copies<'_> = HashMap::new();
    for c in &report.findings {
        if let Some(m) = c.mirror.as_ref().filter(|_| c.is_mirror()) {
            copies.entry((&c.signature, &c.input, &m.of)).or_default().push(c);
        }
    }
    let results = report
        .findings
        .iter()
        .filter(|f| !f.is_mirror())
        .map(|f| result(f, &copies, pack))
        .chain(report.diagnoses.iter().map(|d| diagnosis(d, report, pack)))
        .collect();
    let rules = rules(pack);
    let notifications = notifications(report);
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: !report.has_errors(),
                tool_execution_notifications: notifications,
            }],
            results,
            properties: RunProperties {
                signatures: &report.signatures,
                inputs: report
                    .inputs
                    .iter()
                    .map(|i| InputProperties {
                        path: &i.path,
                        kind: i.kind.as_str(),
                        bundle: &i.bundle,
                        files_scanned: i.files_scanned,
                        bytes_scanned: i.bytes_scanned,
                    })
                    .collect(),
            },
        }],
    };
    serde_json::to_writer_pretty(&mut w, &log)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// One rule per signature of `pack`, then one per diagnosis.
fn rules(pack: &Pack) -> Vec<Rule<'_>> {
    let diagnosis_rules = pack.diagnoses().iter().map(|d| {
        let about = About {
            id: &d.id,
            title: &d.title,
            summary: &d.summary,
            fix: &d.fix,
            links: &d.links,
            severity: d.severity,
        };
        about.rule("diagnosis", vec!["diagnosis"])
    });
    pack.signatures()
        .iter()
        .map(|s| {
            let mut tags: Vec<&str> = Vec::new();
            for t in std::iter::once(s.category.as_str())
                .chain(s.sources.iter().map(|k| k.as_str()))
            {
                if !t.is_empty() && !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let about = About {
                id: &s.id,
                title: &s.title,
                summary: &s.summary,
                fix: &s.fix,
                links: &s.links,
                severity: s.severity,
            };
            about.rule(&s.category, tags)
        })
        .chain(diagnosis_rules)
        .collect()
}

/// What the run says of its inputs besides results: inputs of which
/// nothing was read, errors, skipped files, and (with `--unrecognized
/// on`) the templates of error lines no signature matched, as notes: not
/// results, which a dashboard would raise as alerts.
fn notifications(report: &Report) -> Vec<Notification<'_>> {
    let mut notifications = Vec::new();
    for input in &report.inputs {
        if input.nothing_scanned {
            notifications.push(Notification {
                level: "warning",
                message: Text {
                    text: "nothing scanned: no log in this input could be \
                           read, so no signature was checked"
                        .into(),
                },
                locations: vec![location(&input.path, &input.path, None)],
            });
        }
        for e in &input.errors {
            notifications.push(Notification {
                level: "error",
                message: text(&e.message),
                locations: vec![location(&input.path, &e.path, None)],
            });
        }
        for s in &input.skipped {
            notifications.push(Notification {
                level: "note",
                message: Text {
                    text: format!("not scanned: {}", s.reason).into(),
                },
                locations: vec![location(&input.path, &s.path, None)],
            });
        }
    }
    for u in &report.unrecognized {
        notifications.push(Notification {
            level: "note",
            message: Text {
                text: format!(
                    "unrecognized error {}, {} lines: {}",
                    u.id, u.count, u.template
                )
                .into(),
            },
            locations: vec![location(
                &u.input,
                &u.example_path,
                Some(u.example.line),
            )],
        });
    }
    notifications
}

/// What a signature and a diagnosis alike say of themselves.
struct About<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    fix: &'a str,
    links: &'a [String],
    severity: Severity,
}

impl<'a> About<'a> {
    fn rule(self, category: &'a str, tags: Vec<&'a str>) -> Rule<'a> {
        let full =
            if self.summary.is_empty() { self.title } else { self.summary };
        Rule {
            id: self.id,
            name: pascal_case(self.id),
            short_description: text(self.title),
            full_description: text(full),
            help: text(self.fix),
            help_uri: self.links.first().map(String::as_str),
            default_configuration: Configuration {
                level: level(self.severity),
            },
            properties: RuleProperties {
                category,
                severity: self.severity.as_str(),
                tags,
            },
        }
    }
}

/// The findings that are all copies of another file's lines, by the
/// signature, input and file of their original.
type Copies<'a> = HashMap<(&'a str, &'a str, &'a str), Vec<&'a Finding>>;

fn result<'a>(
    f: &'a Finding,
    copies: &Copies<'a>,
    pack: &Pack,
) -> wire::Result<'a> {
    let rule_index =
        pack.signatures().iter().position(|s| s.id == f.signature);
    let level_ = level(f.severity);
    let lines = if f.count == 1 { "line" } else { "lines" };
    let copied = match &f.mirror {
        Some(m) => format!(", {} of them copies of {}", m.lines, m.of),
        None => String::new(),
    };
    let message = match &f.message {
        Some(m) => {
            format!("{}: {m} ({} matching {lines}{copied})", f.title, f.count)
        }
        None => format!("{} ({} matching {lines}{copied})", f.title, f.count),
    };
    let first = f.evidence.first();
    let snippet = first
        .filter(|e| e.line == f.first_line)
        .map(|e| Text { text: Cow::Borrowed(e.text.as_str()) });
    let mut loc = location(&f.input, &f.path, Some(f.first_line));
    if let Some(r) = &mut loc.physical_location.region {
        r.snippet = snippet;
    }
    let related = if f.last_line != f.first_line {
        let mut last = location(&f.input, &f.path, Some(f.last_line));
        last.id = Some(1);
        last.message = Some(text("last matching line"));
        if let Some(r) = &mut last.physical_location.region {
            r.snippet = f
                .evidence
                .iter()
                .find(|e| e.line == f.last_line)
                .map(|e| Text { text: Cow::Borrowed(e.text.as_str()) });
        }
        vec![last]
    } else {
        Vec::new()
    };
    let mut related = related;
    let key = (f.signature.as_str(), f.input.as_str(), f.path.as_str());
    for copy in copies.get(&key).into_iter().flatten() {
        let mut loc = location(&copy.input, &copy.path, Some(copy.first_line));
        loc.id = Some(related.len() as u64 + 1);
        let lines = if copy.count == 1 { "line" } else { "lines" };
        let said = format!("the same {} {lines}, copied here", copy.count);
        loc.message = Some(Text { text: said.into() });
        related.push(loc);
    }
    wire::Result {
        rule_id: &f.signature,
        rule_index,
        level: level_,
        message: Text { text: message.into() },
        locations: vec![loc],
        related_locations: related,
        partial_fingerprints: Fingerprints {
            v1: Cow::Borrowed(&f.fingerprint),
        },
        suppressions: suppressions(f.suppressed.as_ref()),
        properties: Properties::Finding(ResultProperties {
            input: &f.input,
            path: &f.path,
            source: f.source.as_str(),
            count: f.count,
            first_line: f.first_line,
            last_line: f.last_line,
            message: f.message.as_deref(),
            evidence: &f.evidence,
        }),
    }
}

/// A root cause as a result: located at the first line of each finding
/// it rests on (the first as its location, the others related), or at
/// the input when it rests on none.
fn diagnosis<'a>(
    d: &'a DiagnosisEntry,
    report: &'a Report,
    pack: &Pack,
) -> wire::Result<'a> {
    let rule_index = pack
        .diagnoses()
        .iter()
        .position(|x| x.id == d.diagnosis)
        .map(|i| pack.signatures().len() + i);
    let mut locations = Vec::new();
    for e in &d.findings {
        for file in &e.files {
            let found = report.findings.iter().find(|f| {
                f.signature == e.signature
                    && f.input == d.input
                    && f.path == *file
            });
            let mut loc =
                location(&d.input, file, found.map(|f| f.first_line));
            let count = found.map_or(e.count, |f| f.count);
            let lines = if count == 1 { "line" } else { "lines" };
            loc.message = Some(Text {
                text: format!("{} ({count} matching {lines})", e.signature)
                    .into(),
            });
            locations.push(loc);
        }
    }
    if locations.is_empty() {
        locations.push(location(&d.input, &d.input, None));
    }
    let related = locations.split_off(1);
    let related = related
        .into_iter()
        .zip(1..)
        .map(|(mut l, id)| {
            l.id = Some(id);
            l
        })
        .collect();
    // The same root cause on another node, resting on the same
    // signatures, is the same result.
    let mut evidence: Vec<&str> =
        d.findings.iter().map(|e| e.signature.as_str()).collect();
    evidence.sort_unstable();
    let message = if d.summary.is_empty() {
        d.title.clone()
    } else {
        format!("{}: {}", d.title, d.summary)
    };
    wire::Result {
        rule_id: &d.diagnosis,
        rule_index,
        level: level(d.severity),
        message: Text { text: message.into() },
        locations,
        related_locations: related,
        partial_fingerprints: Fingerprints {
            v1: fingerprint::fingerprint(&d.diagnosis, &evidence.join("\n"))
                .into(),
        },
        suppressions: suppressions(d.suppressed.as_ref()),
        properties: Properties::Diagnosis(DiagnosisProperties {
            input: &d.input,
            diagnosis: &d.diagnosis,
            first_seen: d.first_seen,
            findings: &d.findings,
            absent: &d.absent,
            counts_differ: d.counts_differ,
        }),
    }
}

fn text(s: &str) -> Text<'_> {
    Text { text: Cow::Borrowed(s) }
}

/// The location of the file at virtual `path` of `input`, at `line`.
fn location<'a>(
    input: &str,
    path: &'a str,
    line: Option<u64>,
) -> Location<'a> {
    let member = split(input, path);
    Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(path),
                properties: member,
            },
            region: line.map(|l| Region { start_line: l, snippet: None }),
        },
        logical_locations: member
            .map(|m| LogicalLocation {
                name: m.member,
                fully_qualified_name: path,
                kind: "resource",
                properties: m,
            })
            .into_iter()
            .collect(),
        message: None,
    }
}

/// The archive on disk and the member inside it, when `path` is inside
/// an archive. The input's own name may hold a `!`, so the search starts
/// after it; the first `!` past it leaves the file system.
fn split<'a>(input: &str, path: &'a str) -> Option<Member<'a>> {
    let skip = if path.starts_with(input) { input.len() } else { 0 };
    let bang = skip + path.get(skip..)?.find('!')?;
    Some(Member { archive: &path[..bang], member: &path[bang + 1..] })
}

/// A virtual path as a URI reference: a relative reference, or a `file:`
/// URI for an absolute path, with every byte that is not an unreserved
/// character, a sub-delimiter (`!` among them), `/` or `@`
/// percent-encoded. `:` is encoded too, so no first segment reads as a
/// scheme.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for &b in path.as_bytes() {
        let keep =
            b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=/@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `network-plugin-not-ready` as `NetworkPluginNotReady`, the shape SARIF
/// suggests for a rule's name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + cs.as_str()
            })
        })
        .collect()
}

/// A suppressed result's SARIF suppression: kept as a result, as SARIF
/// means it, so code scanning shows it as dismissed, with the reason.
fn suppressions(s: Option<&Suppressed>) -> Vec<wire::Suppression<'_>> {
    s.iter()
        .map(|s| wire::Suppression {
            kind: "external",
            justification: &s.reason,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(
            uri("b.tar.gz!var_log/messages"),
            "b.tar.gz!var_log/messages"
        );
        assert_eq!(uri("my logs/a#1%.log"), "my%20logs/a%231%25.log");
        assert_eq!(uri("/tmp/x:y.log"), "file:///tmp/x%3Ay.log");
        assert_eq!(uri("C:\\logs\\é"), "C%3A%5Clogs%5C%C3%A9");
        assert_eq!(uri("a\u{1b}b"), "a%1Bb");
    }

    #[test]
    fn members_split_after_the_input() {
        let m = split("x.tar.gz", "x.tar.gz!a/b.tar.gz!c.log").unwrap();
        assert_eq!((m.archive, m.member), ("x.tar.gz", "a/b.tar.gz!c.log"));
        let m = split("odd!dir", "odd!dir/y.tgz!m.log").unwrap();
        assert_eq!((m.archive, m.member), ("odd!dir/y.tgz", "m.log"));
        assert!(split("logs", "logs/kubelet.log").is_none());
    }

    #[test]
    fn levels_and_names() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(pascal_case("node-name-empty"), "NodeNameEmpty");
        assert_eq!(pascal_case("ipamd-eni-1"), "IpamdEni1");
    }
}
