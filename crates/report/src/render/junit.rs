//! The JUnit XML renderer, for CI systems that show test reports (GitLab's
//! `artifacts:reports:junit`, Jenkins' junit step).
//!
//! One `<testsuite>` per input; in it one `<testcase>` per signature of
//! the pack (marker signatures aside: they only give diagnoses context),
//! then one per diagnosis, so the checks that found nothing show as
//! passed. A signature's findings in that input become one `<failure>`
//! (JUnit readers take one per test case) whose text lists every file,
//! line and evidence line; a diagnosis found there fails at its own
//! severity with the findings it rests on and its fix. A signature none
//! of whose logs was read is `<skipped>` as not checked: no finding
//! there proves nothing. An input that could not be read at all has
//! nothing to pass: its test cases get an `<error>` instead. A test case
//! whose every finding is suppressed is `<skipped>`, with the reason:
//! accepted, not passed. Errors and skipped files also go to the suite's
//! `<system-err>` and `<system-out>`, and with `--unrecognized on` the
//! templates of error lines no signature matched to `<system-out>` too:
//! notes, not tests.
//!
//! Everything is escaped by hand, and characters XML 1.0 does not allow
//! (most C0 controls, U+FFFE, U+FFFF) are dropped: a log line with an
//! escape sequence must not make the whole file unreadable.

use std::io::{self, Write};

use logsift_signatures::Pack;

use crate::model::{
    DiagnosisEntry, Finding, InputEntry, Report, UnrecognizedEntry,
};

/// Writes `report` as JUnit XML, with a test case for every signature of
/// `pack` (the pack the report was made with) in every input.
pub fn write<W: Write>(
    report: &Report,
    pack: &Pack,
    mut w: W,
) -> io::Result<()> {
    let suites: Vec<Suite<'_>> =
        report.inputs.iter().map(|i| Suite::new(i, report, pack)).collect();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let errors: usize = suites.iter().map(Suite::errors).sum();
    let skipped: usize = suites.iter().map(Suite::skipped).sum();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        concat!(
            r#"<testsuites name="logsift" tests="{tests}" "#,
            r#"failures="{failures}" errors="{errors}" skipped="{skipped}">"#
        ),
        tests = tests,
        failures = failures,
        errors = errors,
        skipped = skipped
    )?;
    for s in &suites {
        s.write(&mut w)?;
    }
    writeln!(w, "</testsuites>")?;
    w.flush()
}

/// One input's test cases.
struct Suite<'a> {
    input: &'a InputEntry,
    /// The input's templates of error lines no signature matched (with
    /// `--unrecognized on`): notes in `<system-out>`, never test cases.
    unrecognized: Vec<&'a UnrecognizedEntry>,
    /// Whether nothing of the input could be read.
    unread: bool,
    cases: Vec<Case<'a>>,
}

/// One signature, or one diagnosis, in one input.
struct Case<'a> {
    id: &'a str,
    title: &'a str,
    classname: String,
    /// The signature's findings; for a diagnosis, the findings it rests
    /// on, which decide whether it is suppressed.
    findings: Vec<&'a Finding>,
    /// Why the signature could not be checked: none of its logs was read.
    not_checked: Option<String>,
    /// Whether the case is a diagnosis' rather than a signature's.
    is_diagnosis: bool,
    /// The diagnosis found in this input, for a diagnosis' case.
    diagnosis: Option<&'a DiagnosisEntry>,
}

/// What a case comes to, in JUnit's words.
enum Verdict {
    Passed,
    Failed,
    Skipped,
    Error,
}

impl<'a> Suite<'a> {
    fn new(input: &'a InputEntry, report: &'a Report, pack: &'a Pack) -> Self {
        let findings_of = |id: &str| -> Vec<&'a Finding> {
            report
                .findings
                .iter()
                .filter(|f| f.input == input.path && f.signature == id)
                .collect()
        };
        // Markers only give diagnoses context; a passed test case for
        // "the kubelet started" would only pad the count.
        let signatures =
            pack.signatures().iter().filter(|s| !s.marker).map(|s| {
                let not_checked = input
                    .coverage
                    .not_evaluated
                    .contains(&s.id)
                    .then(|| not_checked_reason(input, s))
                    .or_else(|| {
                        input.coverage.not_applicable.contains(&s.id).then(
                            || {
                                "not applicable: provisioning logs are never \
                             part of a node bundle"
                                    .to_string()
                            },
                        )
                    });
                Case {
                    id: &s.id,
                    title: &s.title,
                    classname: if s.category.is_empty() {
                        "logsift".to_string()
                    } else {
                        format!("logsift.{}", s.category)
                    },
                    findings: findings_of(&s.id),
                    not_checked,
                    is_diagnosis: false,
                    diagnosis: None,
                }
            });
        let diagnoses = pack.diagnoses().iter().map(|d| {
            let found = report
                .diagnoses
                .iter()
                .find(|e| e.input == input.path && e.diagnosis == d.id);
            Case {
                id: &d.id,
                title: &d.title,
                classname: "logsift.diagnosis".to_string(),
                findings: found
                    .map(|e| {
                        e.findings
                            .iter()
                            .flat_map(|ev| findings_of(&ev.signature))
                            .collect()
                    })
                    .unwrap_or_default(),
                not_checked: None,
                is_diagnosis: true,
                diagnosis: found,
            }
        });
        Suite {
            input,
            unrecognized: report
                .unrecognized
                .iter()
                .filter(|u| u.input == input.path)
                .collect(),
            unread: input.files_scanned == 0 && !input.errors.is_empty(),
            cases: signatures.chain(diagnoses).collect(),
        }
    }

    fn verdict(&self, c: &Case<'_>) -> Verdict {
        let found = if c.is_diagnosis {
            c.diagnosis.is_some()
        } else {
            !c.findings.is_empty()
        };
        // A diagnosis says itself whether it is suppressed (the report
        // builder decides that once); a signature is when all its
        // findings are.
        let suppressed = match c.diagnosis {
            Some(d) => d.suppressed.is_some(),
            None => !c.findings.is_empty() && c.live() == 0,
        };
        if found {
            if suppressed { Verdict::Skipped } else { Verdict::Failed }
        } else if self.unread {
            Verdict::Error
        } else if c.not_checked.is_some() {
            Verdict::Skipped
        } else {
            Verdict::Passed
        }
    }

    fn count(&self, want: fn(&Verdict) -> bool) -> usize {
        self.cases.iter().filter(|c| want(&self.verdict(c))).count()
    }

    fn failures(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Failed))
    }

    fn skipped(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Skipped))
    }

    fn errors(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Error))
    }

    fn write<W: Write>(&self, w: &mut W) -> io::Result<()> {
        let i = self.input;
        writeln!(
            w,
            concat!(
                r#"  <testsuite name="{}" tests="{}" failures="{}" "#,
                r#"errors="{}" skipped="{}">"#
            ),
            attr(&i.path),
            self.cases.len(),
            self.failures(),
            self.errors(),
            self.skipped()
        )?;
        writeln!(w, "    <properties>")?;
        let b = &i.bundle;
        let props = [
            ("kind", Some(i.kind.to_string())),
            ("bundle.producer", b.producer.map(|p| p.to_string())),
            ("bundle.instance_id", b.instance_id.clone()),
            ("bundle.collected_at", b.collected_at.map(|t| t.to_string())),
            ("bundle.collector_version", b.collector_version.clone()),
        ];
        for (name, value) in props {
            if let Some(v) = value {
                writeln!(
                    w,
                    r#"      <property name="{name}" value="{}"/>"#,
                    attr(&v)
                )?;
            }
        }
        writeln!(
            w,
            r#"      <property name="files_scanned" value="{}"/>"#,
            i.files_scanned
        )?;
        writeln!(
            w,
            r#"      <property name="bytes_scanned" value="{}"/>"#,
            i.bytes_scanned
        )?;
        writeln!(w, "    </properties>")?;
        for c in &self.cases {
            self.case(c, w)?;
        }
        if !i.skipped.is_empty() || !self.unrecognized.is_empty() {
            write!(w, "    <system-out>")?;
            for s in &i.skipped {
                writeln!(w, "skipped {}: {}", text(&s.path), text(&s.reason))?;
            }
            for u in &self.unrecognized {
                writeln!(
                    w,
                    "unrecognized error {} ({} lines, {}:{}): {}",
                    text(&u.id),
                    u.count,
                    text(&u.example_path),
                    u.example.line,
                    text(&u.template)
                )?;
            }
            writeln!(w, "</system-out>")?;
        }
        if !i.errors.is_empty() {
            write!(w, "    <system-err>")?;
            for e in &i.errors {
                writeln!(w, "error {}: {}", text(&e.path), text(&e.message))?;
            }
            writeln!(w, "</system-err>")?;
        }
        writeln!(w, "  </testsuite>")
    }

    fn case<W: Write>(&self, c: &Case<'_>, w: &mut W) -> io::Result<()> {
        let open = format!(
            r#"    <testcase name="{}" classname="{}""#,
            attr(c.id),
            attr(&c.classname)
        );
        match self.verdict(c) {
            Verdict::Passed => writeln!(w, "{open}/>"),
            Verdict::Error => {
                let why = self
                    .input
                    .errors
                    .first()
                    .map_or("", |e| e.message.as_str());
                writeln!(w, "{open}>")?;
                writeln!(
                    w,
                    r#"      <error message="{}" type="input-error"/>"#,
                    attr(&format!("input not scanned: {why}"))
                )?;
                writeln!(w, "    </testcase>")
            }
            Verdict::Skipped if c.findings.is_empty() => {
                let why = c.not_checked.as_deref().unwrap_or("not checked");
                writeln!(w, "{open}>")?;
                writeln!(w, r#"      <skipped message="{}"/>"#, attr(why))?;
                writeln!(w, "    </testcase>")
            }
            Verdict::Skipped => {
                let reasons: Vec<&str> = c
                    .findings
                    .iter()
                    .filter_map(|f| f.suppressed.as_ref())
                    .map(|s| s.reason.as_str())
                    .collect();
                writeln!(w, "{open}>")?;
                write!(
                    w,
                    r#"      <skipped message="{}">"#,
                    attr(&format!("suppressed: {}", reasons.join("; ")))
                )?;
                self.body(c, w)?;
                writeln!(w, "</skipped>")?;
                writeln!(w, "    </testcase>")
            }
            Verdict::Failed => {
                writeln!(w, "{open}>")?;
                write!(
                    w,
                    r#"      <failure message="{}" type="{}">"#,
                    attr(&failure_message(c)),
                    attr(c.severity())
                )?;
                self.body(c, w)?;
                writeln!(w, "</failure>")?;
                writeln!(w, "    </testcase>")
            }
        }
    }

    fn body<W: Write>(&self, c: &Case<'_>, w: &mut W) -> io::Result<()> {
        match c.diagnosis {
            Some(d) => diagnosis_details(d, w),
            None => details(c, w),
        }
    }
}

impl Case<'_> {
    /// Findings that are not suppressed and not all copies of another
    /// file's lines (those count where the lines first are).
    fn live(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && !f.is_mirror())
            .count()
    }

    fn severity(&self) -> &str {
        match (self.diagnosis, self.findings.first()) {
            (Some(d), _) => d.severity.as_str(),
            (None, Some(f)) => f.severity.as_str(),
            (None, None) => "",
        }
    }
}

/// A signature's failure: how many lines in how many files; a
/// diagnosis': the cause it names.
fn failure_message(c: &Case<'_>) -> String {
    if let Some(d) = c.diagnosis {
        return format!("root cause: {}", d.title);
    }
    // Suppressed findings are listed in the text but not counted; copied
    // lines count once, their files each.
    let live: Vec<&Finding> = c
        .findings
        .iter()
        .copied()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let lines: u64 = live.iter().map(|f| f.own_lines()).sum();
    let files = live.len();
    format!(
        "{}: {} matching {} in {} {}",
        c.title,
        lines,
        if lines == 1 { "line" } else { "lines" },
        files,
        if files == 1 { "file" } else { "files" },
    )
}

/// Why a signature was not checked, naming the logs it reads.
fn not_checked_reason(
    input: &InputEntry,
    s: &logsift_signatures::Signature,
) -> String {
    if input.nothing_scanned || s.sources.is_empty() {
        return "not checked: nothing in this input could be read".into();
    }
    let kinds: Vec<&str> = s.sources.iter().map(|k| k.as_str()).collect();
    format!(
        "not checked: no {} log was read in this input",
        kinds.join(" or ")
    )
}

/// What a diagnosis rests on and how to fix its cause.
fn diagnosis_details<W: Write>(
    d: &DiagnosisEntry,
    w: &mut W,
) -> io::Result<()> {
    writeln!(w, "{}", text(&d.summary))?;
    let because: Vec<String> = d
        .findings
        .iter()
        .map(|f| format!("{} ({})", f.signature, f.count))
        .collect();
    writeln!(
        w,
        "because: {}{}",
        text(&crate::format::rests_on(&because, d.counts_differ)),
        text(&crate::format::without(&d.absent.join(", ")))
    )?;
    for line in d.fix.lines() {
        writeln!(w, "  fix: {}", text(line))?;
    }
    for l in &d.links {
        writeln!(w, "  see: {}", text(l))?;
    }
    Ok(())
}

/// Every file, line and evidence line of a case's findings.
fn details<W: Write>(c: &Case<'_>, w: &mut W) -> io::Result<()> {
    for f in &c.findings {
        let lines = if f.count == 1 { "line" } else { "lines" };
        let last = if f.last_line == f.first_line {
            String::new()
        } else {
            format!(", last {}", f.last_line)
        };
        let copies = match &f.mirror {
            Some(m) => format!(", {} copies of {}", m.lines, m.of),
            None => String::new(),
        };
        writeln!(
            w,
            "{}:{} ({} {lines}{last}{})",
            text(&f.path),
            f.first_line,
            f.count,
            text(&copies),
        )?;
        if let Some(m) = &f.message {
            writeln!(w, "  message: {}", text(m))?;
        }
        for e in &f.evidence {
            let cut = if e.truncated { " [cut]" } else { "" };
            writeln!(w, "  {}: {}{cut}", e.line, text(&e.text))?;
        }
        for l in &f.links {
            writeln!(w, "  fix: {}", text(l))?;
        }
        if let Some(s) = &f.suppressed {
            writeln!(w, "  suppressed: {}", text(&s.reason))?;
        }
    }
    Ok(())
}

/// Whether XML 1.0 allows `c` in a document.
fn allowed(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}'
        | '\u{10000}'..='\u{10ffff}')
}

/// Character data: markup escaped, disallowed characters dropped.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value (in double quotes): as [`text`], and whitespace
/// other than spaces written as references, which a parser would
/// otherwise turn into spaces.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_disallowed_characters_dropped() {
        assert_eq!(
            text("a<b>&\"c\" \u{1b}[1m\u{0}\u{fffe}é"),
            "a&lt;b&gt;&amp;\"c\" [1mé"
        );
        assert_eq!(attr("x\"y'\nz\t"), "x&quot;y&apos;&#10;z&#9;");
    }

    #[test]
    fn bidi_and_astral_characters_are_allowed() {
        assert_eq!(text("\u{202e}😀"), "\u{202e}😀");
    }
}
