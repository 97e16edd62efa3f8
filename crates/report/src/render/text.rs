//! The text renderer: the report for people reading a terminal.
//!
//! Each input gets a header with what is known of its bundle, then its
//! findings grouped by severity (worst first), one block per signature
//! with every file it was found in and the steps that fix it, then the
//! files it skipped and the errors it met, so nothing is left out
//! silently; a summary line ends the report. Log text is escaped when
//! [`Options::escape`] says so (the output is a terminal), and written as
//! it is otherwise.

use std::{
    borrow::Cow,
    io::{self, Write},
};

use logsift_engine::SourceStatus;
use logsift_signatures::Severity;

use crate::{
    model::{DiagnosisEntry, Finding, InputEntry, Report, UnrecognizedEntry},
    render::sanitize,
};

/// How to render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Colour with ANSI escape sequences.
    pub color: bool,
    /// Escape control, bidi and zero-width characters in log text, so a
    /// log line cannot drive the terminal or read differently than it is.
    pub escape: bool,
}

/// How many templates of unrecognised error lines an input shows.
pub const TOP_UNRECOGNIZED: usize = 10;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";

fn severity_style(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;35m",
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

struct Printer<W> {
    opts: Options,
    w: W,
}

impl<W: Write> Printer<W> {
    /// Untrusted text, escaped when the options say so.
    fn clean<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.opts.escape { sanitize::escape(s) } else { Cow::Borrowed(s) }
    }

    /// `s` in `style` when colouring.
    fn paint<'a>(&self, style: &str, s: &'a str) -> Cow<'a, str> {
        if self.opts.color {
            Cow::Owned(format!("{style}{s}{RESET}"))
        } else {
            Cow::Borrowed(s)
        }
    }

    /// One input: what it is, what was read, then its root causes,
    /// timeline, findings by severity, skipped files and errors.
    fn input(
        &mut self,
        input: &InputEntry,
        findings: &[&Finding],
        diagnoses: &[&DiagnosisEntry],
        unrecognized: &[&UnrecognizedEntry],
    ) -> io::Result<()> {
        self.input_head(input)?;
        self.coverage(input, findings.is_empty())?;
        self.below_threshold(input)?;
        self.root_causes(diagnoses)?;
        self.timeline(input)?;
        self.by_severity(findings)?;
        self.unrecognized(input, unrecognized)?;
        self.problems(input)?;
        writeln!(self.w)
    }

    /// The templates of error lines no signature matched, most lines
    /// first, the top [`TOP_UNRECOGNIZED`]; all of them are in JSON.
    fn unrecognized(
        &mut self,
        input: &InputEntry,
        list: &[&UnrecognizedEntry],
    ) -> io::Result<()> {
        if list.is_empty() {
            return Ok(());
        }
        let c = &input.unrecognized;
        writeln!(self.w)?;
        let shown = list.len().min(TOP_UNRECOGNIZED);
        let head = format!(
            "-- unrecognized errors: {} {} no signature matched, {} of \
             known noise; {} {} (top {shown}; all in JSON)",
            c.lines,
            plural(c.lines, "line", "lines"),
            c.ignored_lines,
            c.listed,
            plural(c.listed, "template", "templates"),
        );
        writeln!(self.w, "{}", self.paint(BOLD, &head))?;
        let width = digits(list.iter().map(|u| u.count).max().unwrap_or(1));
        for u in &list[..shown] {
            writeln!(
                self.w,
                "   {:>width$}x  {}  {}  {}",
                u.count,
                self.clean(&u.id),
                u.source,
                self.clean(&u.template)
            )?;
            let mut example = u.example.text.clone();
            if example.len() > 160 {
                let cut =
                    (0..=160).rev().find(|&i| example.is_char_boundary(i));
                example.truncate(cut.unwrap_or(0));
                example.push_str("...");
            }
            let example = format!(
                "{:width$}    e.g. {}:{}: {}",
                "",
                self.clean(&u.example_path),
                u.example.line,
                self.clean(&example)
            );
            writeln!(self.w, "{}", self.paint(DIM, &example))?;
        }
        Ok(())
    }

    /// Signatures whose lines stayed under their threshold: said, not
    /// counted.
    fn below_threshold(&mut self, input: &InputEntry) -> io::Result<()> {
        for b in &input.below_threshold {
            let within = jiff::SignedDuration::from_secs(
                i64::try_from(b.within_seconds).unwrap_or(i64::MAX),
            );
            writeln!(
                self.w,
                "   under threshold: {} ({} {}, at most {} within {within:#}; \
                 {} make a finding)",
                self.clean(&b.signature),
                b.count,
                plural(b.count, "line", "lines"),
                b.peak,
                b.threshold
            )?;
        }
        Ok(())
    }

    /// The input's name and kind, its bundle, how much was read.
    fn input_head(&mut self, input: &InputEntry) -> io::Result<()> {
        let path = self.clean(&input.path);
        let head = format!("== {path} ({})", self.clean(input.kind.as_str()));
        writeln!(self.w, "{}", self.paint(BOLD, &head))?;
        let b = &input.bundle;
        let mut known = Vec::new();
        if let Some(p) = &b.producer {
            known.push(p.to_string());
        }
        if let Some(v) = &b.collector_version {
            known.push(format!("version {}", self.clean(v)));
        }
        if let Some(i) = &b.instance_id {
            known.push(format!("instance {}", self.clean(i)));
        }
        if let Some(t) = &b.collected_at {
            known.push(format!("collected {t}"));
        }
        if !known.is_empty() {
            writeln!(self.w, "   bundle: {}", known.join(", "))?;
        }
        writeln!(
            self.w,
            "   scanned: {} {}, {} bytes",
            input.files_scanned,
            plural(input.files_scanned, "file", "files"),
            input.bytes_scanned
        )?;
        Ok(())
    }

    fn root_causes(
        &mut self,
        diagnoses: &[&DiagnosisEntry],
    ) -> io::Result<()> {
        if !diagnoses.is_empty() {
            writeln!(self.w)?;
            let n = diagnoses.len();
            let head = format!("-- root causes: {n}");
            writeln!(self.w, "{}", self.paint(BOLD, &head))?;
            for d in diagnoses {
                writeln!(self.w)?;
                self.diagnosis(d)?;
            }
        }
        Ok(())
    }

    /// Signatures in the order they first appeared, when there are two.
    fn timeline(&mut self, input: &InputEntry) -> io::Result<()> {
        if input.timeline.len() > 1 {
            writeln!(self.w)?;
            writeln!(self.w, "-- timeline (first seen)")?;
            for t in &input.timeline {
                let when = t
                    .first_seen
                    .map_or_else(|| "no time".to_string(), |t| t.to_string());
                writeln!(
                    self.w,
                    "   {:<27} {:<8} {}",
                    when,
                    self.clean(t.severity.as_str()),
                    self.clean(&t.signature)
                )?;
            }
        }
        Ok(())
    }

    /// Findings, worst severity first, one block per signature.
    fn by_severity(&mut self, findings: &[&Finding]) -> io::Result<()> {
        for sev in Severity::ALL.into_iter().rev() {
            let group: Vec<&Finding> = findings
                .iter()
                .copied()
                .filter(|f| f.severity == sev)
                .collect();
            if group.is_empty() {
                continue;
            }
            writeln!(self.w)?;
            // Copies of another file's lines are shown, counted there.
            let n = group.iter().filter(|f| !f.is_mirror()).count();
            let head = format!(
                "-- {sev}: {n} {}",
                plural(n as u64, "finding", "findings")
            );
            writeln!(self.w, "{}", self.paint(severity_style(sev), &head))?;
            for block in by_signature(&group) {
                writeln!(self.w)?;
                self.signature_block(&block)?;
            }
        }
        Ok(())
    }

    /// Files skipped, what to know about what was read, and what could
    /// not be read.
    fn problems(&mut self, input: &InputEntry) -> io::Result<()> {
        let skipped = input.skipped.iter().map(|s| (&s.path, &s.reason));
        self.listing("skipped", None, skipped)?;
        let notes = input.notes.iter().map(|n| (&n.path, &n.message));
        self.listing("notes", None, notes)?;
        let errors = input.errors.iter().map(|e| (&e.path, &e.message));
        self.listing("errors", Some(Severity::Error), errors)
    }

    /// A `-- <title>: N` block of `path: words` lines, when there are any;
    /// the heading painted as `severity` when one is given.
    fn listing<'a>(
        &mut self,
        title: &str,
        severity: Option<Severity>,
        lines: impl ExactSizeIterator<Item = (&'a String, &'a String)>,
    ) -> io::Result<()> {
        if lines.len() == 0 {
            return Ok(());
        }
        writeln!(self.w)?;
        let head = format!("-- {title}: {}", lines.len());
        match severity {
            Some(sev) => {
                writeln!(self.w, "{}", self.paint(severity_style(sev), &head))?
            }
            None => writeln!(self.w, "{head}")?,
        }
        for (path, words) in lines {
            writeln!(
                self.w,
                "   {}: {}",
                self.clean(path),
                self.clean(words)
            )?;
        }
        Ok(())
    }

    /// Which sources were read, and what could not be checked, so that no
    /// findings is never mistaken for a clean bill of health.
    fn coverage(&mut self, input: &InputEntry, clean: bool) -> io::Result<()> {
        let c = &input.coverage;
        let logs: Vec<String> = c
            .sources
            .iter()
            .filter(|s| s.expected || s.status != SourceStatus::Present)
            .map(|s| {
                format!(
                    "{} {}",
                    self.clean(s.kind.as_str()),
                    self.clean(s.status.as_str())
                )
            })
            .collect();
        if !logs.is_empty() {
            writeln!(self.w, "   sources: {}", logs.join(", "))?;
        }
        if input.nothing_scanned {
            let line = "   nothing scanned: no log in this input could be \
                        read, so no signature was checked";
            let style = severity_style(Severity::Warning);
            return writeln!(self.w, "{}", self.paint(style, line));
        }
        if !c.not_evaluated.is_empty() {
            let n = c.not_evaluated.len();
            let ids: Vec<Cow<'_, str>> = c
                .not_evaluated
                .iter()
                .take(8)
                .map(|i| self.clean(i))
                .collect();
            let more = if n > 8 {
                format!(", and {} more", n - 8)
            } else {
                String::new()
            };
            let line = format!(
                "   not checked: {n} {} whose logs are not here: {}{more}",
                plural(n as u64, "signature", "signatures"),
                ids.join(", ")
            );
            writeln!(self.w, "{}", self.paint(DIM, &line))?;
        }
        if !c.not_applicable.is_empty() {
            let n = c.not_applicable.len();
            let line = format!(
                "   not applicable: {n} {} for provisioning logs \
                 (terraform, Ansible, konvoy), which a node bundle never \
                 holds",
                plural(n as u64, "signature", "signatures"),
            );
            writeln!(self.w, "{}", self.paint(DIM, &line))?;
        }
        if clean && input.errors.is_empty() {
            let line = if c.not_evaluated.is_empty() {
                "   no findings: every signature that applies was checked"
                    .to_string()
            } else {
                "   no findings among the signatures checked".to_string()
            };
            writeln!(self.w, "{line}")?;
        }
        Ok(())
    }

    fn diagnosis(&mut self, d: &DiagnosisEntry) -> io::Result<()> {
        let sev = d.severity;
        let head = format!("{} [{}]", self.clean(&d.diagnosis), d.severity);
        let mark = match d.suppressed {
            Some(_) => self.paint(DIM, " [suppressed]"),
            None => Cow::Borrowed(""),
        };
        writeln!(
            self.w,
            "{}: {}{mark}",
            self.paint(severity_style(sev), &head),
            self.clean(&d.title)
        )?;
        if let Some(s) = &d.suppressed {
            writeln!(self.w, "   suppressed: {}", self.clean(&s.reason))?;
        }
        let rests: Vec<String> = d
            .findings
            .iter()
            .map(|f| format!("{} ({})", self.clean(&f.signature), f.count))
            .collect();
        let absent: Vec<Cow<'_, str>> =
            d.absent.iter().map(|id| self.clean(id)).collect();
        writeln!(
            self.w,
            "   because: {}{}",
            crate::format::rests_on(&rests, d.counts_differ),
            crate::format::without(&absent.join(", "))
        )?;
        if let Some(t) = &d.first_seen {
            writeln!(self.w, "   since: {t}")?;
        }
        if let Some(step) = d.fix.lines().next() {
            writeln!(self.w, "   first step: {}", self.clean(step))?;
        }
        for link in &d.links {
            writeln!(self.w, "   see: {}", self.clean(link))?;
        }
        Ok(())
    }

    /// One signature in one input: its title once, each file it was
    /// found in with the evidence, then how to fix it.
    fn signature_block(&mut self, block: &[&Finding]) -> io::Result<()> {
        let Some(first) = block.first() else {
            return Ok(());
        };
        let id = self.clean(&first.signature);
        // Accepted as a whole only when every file's finding is; a reader
        // skimming ids sees it on the first line.
        let mark = if block.iter().all(|f| f.suppressed.is_some()) {
            self.paint(DIM, " [suppressed]")
        } else {
            Cow::Borrowed("")
        };
        writeln!(
            self.w,
            "{}: {}{mark}",
            self.paint(BOLD, &id),
            self.clean(&first.title),
        )?;
        for f in block {
            self.file_finding(f)?;
        }
        let steps: Vec<&str> =
            first.fix.lines().filter(|l| !l.trim().is_empty()).collect();
        if !steps.is_empty() {
            writeln!(self.w, "   fix:")?;
            for step in steps {
                writeln!(self.w, "     {}", self.clean(step))?;
            }
        }
        if first.links.is_empty() {
            writeln!(self.w, "   see: `logsift signatures show {id}`")?;
        }
        for link in &first.links {
            writeln!(self.w, "   see: {}", self.clean(link))?;
        }
        Ok(())
    }

    /// Where one file holds the signature's lines, and a few of them.
    fn file_finding(&mut self, f: &Finding) -> io::Result<()> {
        let at = format!("{}:{}", self.clean(&f.path), f.first_line);
        let span = if f.count > 1 {
            format!(
                "{} matching lines ({}-{})",
                f.count, f.first_line, f.last_line
            )
        } else {
            "1 matching line".to_string()
        };
        let span = match &f.mirror {
            None => span,
            Some(m) if m.lines >= f.count => {
                format!("{span}, copies of {}", self.clean(&m.of))
            }
            Some(m) => format!(
                "{span}, {} of them copies of {}",
                m.lines,
                self.clean(&m.of)
            ),
        };
        writeln!(self.w, "   {}  {span}", self.paint(CYAN, &at))?;
        let width =
            f.evidence.iter().map(|e| digits(e.line)).max().unwrap_or(1);
        for e in &f.evidence {
            let gutter = format!("{:>width$} |", e.line);
            let cut = if e.truncated { " [cut]" } else { "" };
            writeln!(
                self.w,
                "     {} {}{cut}",
                self.paint(DIM, &gutter),
                self.clean(&e.text)
            )?;
        }
        if let Some(m) = &f.message {
            writeln!(self.w, "   message: {}", self.clean(m))?;
        }
        if let Some(s) = &f.suppressed {
            let until = s
                .expires
                .as_ref()
                .map_or(String::new(), |d| format!(" (until {d})"));
            writeln!(
                self.w,
                "   suppressed: {}{until}",
                self.clean(&s.reason)
            )?;
        }
        Ok(())
    }

    fn summary(&mut self, report: &Report) -> io::Result<()> {
        let s = &report.summary;
        let b = &s.by_severity;
        let skipped: usize =
            report.inputs.iter().map(|i| i.skipped.len()).sum();
        let inputs = report.inputs.len();
        let suppressed = match s.suppressed {
            0 => String::new(),
            n => format!(", {n} suppressed"),
        };
        let suppressed = match s.mirrors {
            0 => suppressed,
            n => format!("{suppressed}; {n} more only repeat another file"),
        };
        let line = format!(
            "{} {} (critical {}, error {}, warning {}, info {}{suppressed}), \
             {} {} in {} {}; {} {}; {} skipped",
            s.findings,
            plural(s.findings as u64, "finding", "findings"),
            b.critical,
            b.error,
            b.warning,
            b.info,
            s.diagnoses,
            plural(s.diagnoses as u64, "root cause", "root causes"),
            inputs,
            plural(inputs as u64, "input", "inputs"),
            s.errors,
            plural(s.errors as u64, "error", "errors"),
            skipped,
        );
        writeln!(self.w, "{}", self.paint(BOLD, &line))?;
        if let Some(r) = crate::redact::describe(&s.redactions) {
            writeln!(self.w, "{r}; --no-redact shows them")?;
        }
        Ok(())
    }
}

/// The findings grouped by signature, in the order each signature first
/// appears (the report's order: worst first, then by file and line).
fn by_signature<'a>(findings: &[&'a Finding]) -> Vec<Vec<&'a Finding>> {
    let mut blocks: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        match blocks.iter_mut().find(|b| b[0].signature == f.signature) {
            Some(block) => block.push(f),
            None => blocks.push(vec![f]),
        }
    }
    blocks
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Writes `report` as text.
pub fn write<W: Write>(
    report: &Report,
    opts: &Options,
    w: W,
) -> io::Result<()> {
    let mut p = Printer { opts: *opts, w };
    if let Some(win) = &report.window {
        let line = format!("lines kept: {}", crate::format::window_text(win));
        writeln!(p.w, "{}", p.paint(DIM, &p.clean(&line)))?;
        writeln!(p.w)?;
    }
    let mut seen: Vec<&str> = Vec::new();
    for input in &report.inputs {
        // The same path named twice shares its findings; list them once.
        let findings: Vec<&Finding> = if seen.contains(&input.path.as_str()) {
            Vec::new()
        } else {
            report.findings.iter().filter(|f| f.input == input.path).collect()
        };
        let diagnoses: Vec<&DiagnosisEntry> = if seen
            .contains(&input.path.as_str())
        {
            Vec::new()
        } else {
            report.diagnoses.iter().filter(|d| d.input == input.path).collect()
        };
        let unrecognized: Vec<&UnrecognizedEntry> =
            if seen.contains(&input.path.as_str()) {
                Vec::new()
            } else {
                report
                    .unrecognized
                    .iter()
                    .filter(|u| u.input == input.path)
                    .collect()
            };
        seen.push(&input.path);
        p.input(input, &findings, &diagnoses, &unrecognized)?;
    }
    // Findings of an input the report does not list cannot come from the
    // builder; shown all the same, so nothing is dropped.
    let orphans: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !seen.contains(&f.input.as_str()))
        .collect();
    for block in by_signature(&orphans) {
        p.signature_block(&block)?;
        writeln!(p.w)?;
    }
    p.summary(report)?;
    p.w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_counts_decimal_places() {
        assert_eq!(digits(0), 1);
        assert_eq!(digits(9), 1);
        assert_eq!(digits(10), 2);
        assert_eq!(digits(12345), 5);
    }
}
