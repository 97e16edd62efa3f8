//! The report's fixed order, whatever order inputs finished in: inputs as
//! the user gave them, then worst first; secrets numbered after sorting.

use logsift_signatures::Severity;

use crate::{
    model::{
        BySeverity, DiagnosisEntry, Finding, Occurrence, Report,
        UnrecognizedEntry,
    },
    redact::Redactor,
};

/// Where each input stands in the order the user gave.
pub(crate) struct Order<'a> {
    given: &'a [String],
}

impl<'a> Order<'a> {
    pub(crate) fn new(given: &'a [String]) -> Order<'a> {
        Order { given }
    }

    /// The input's place; inputs not named (none, in practice) go last,
    /// by name.
    fn key<'p>(&self, path: &'p str) -> (usize, &'p str) {
        let at = self.given.iter().position(|o| o == path);
        (at.unwrap_or(usize::MAX), path)
    }

    pub(crate) fn inputs(&self, a: &str, b: &str) -> std::cmp::Ordering {
        self.key(a).cmp(&self.key(b))
    }

    /// Worst first, then by input, file, line and signature.
    pub(crate) fn findings(&self, list: &mut [(Severity, Finding)]) {
        list.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then_with(|| self.inputs(&a.input, &b.input))
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.first_line.cmp(&b.first_line))
                .then_with(|| a.signature.cmp(&b.signature))
        });
    }

    /// Worst first, then by input and signature.
    pub(crate) fn occurrences(&self, list: &mut [(Severity, Occurrence)]) {
        list.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then_with(|| self.inputs(&a.input, &b.input))
                .then_with(|| a.signature.cmp(&b.signature))
        });
    }

    /// Worst first, then the one resting on more evidence, then by input
    /// and id.
    pub(crate) fn diagnoses(
        &self,
        list: &mut [(Severity, u64, DiagnosisEntry)],
    ) {
        list.sort_by(|(sa, ea, a), (sb, eb, b)| {
            sb.cmp(sa)
                .then_with(|| eb.cmp(ea))
                .then_with(|| self.inputs(&a.input, &b.input))
                .then_with(|| a.diagnosis.cmp(&b.diagnosis))
        });
    }

    /// Unrecognised templates: by input, then most lines first.
    pub(crate) fn unrecognized(&self, list: &mut [UnrecognizedEntry]) {
        list.sort_by(|a, b| {
            self.inputs(&a.input, &b.input)
                .then_with(|| b.count.cmp(&a.count))
                .then_with(|| a.template.cmp(&b.template))
                .then_with(|| a.source.cmp(&b.source))
        });
    }
}

/// Redacts the log text the findings quote, in report order, so secrets
/// are numbered the same for any thread count.
pub(crate) fn redact(
    redactor: &mut Redactor,
    findings: &mut [(Severity, Finding)],
) {
    for (_, f) in findings {
        if let Some(m) = &mut f.message {
            redactor.redact_in_place(m, false);
        }
        for e in &mut f.evidence {
            // A cut line may end in part of a secret.
            redactor.redact_in_place(&mut e.text, e.truncated);
        }
    }
}

/// Redacts the templates and example lines of unrecognised error lines,
/// after the findings' log text, so those keep their numbers.
pub(crate) fn redact_unrecognized(
    redactor: &mut Redactor,
    list: &mut [UnrecognizedEntry],
) {
    for u in list {
        redactor.redact_in_place(&mut u.template, false);
        redactor.redact_in_place(&mut u.example.text, u.example.truncated);
    }
}

/// Redacts the names of inputs, files and members wherever the report
/// shows them, and the messages that quote them: a file may be named
/// after a presigned URL or hold an access key id in its name. After the
/// log text, so its secrets keep their numbers.
pub(crate) fn redact_names(redactor: &mut Redactor, report: &mut Report) {
    let mut r = |s: &mut String| redactor.redact_in_place(s, false);
    for f in &mut report.findings {
        r(&mut f.input);
        r(&mut f.path);
        if let Some(m) = &mut f.mirror {
            r(&mut m.of);
        }
    }
    for o in &mut report.occurrences {
        r(&mut o.input);
        o.files.iter_mut().for_each(&mut r);
    }
    for u in &mut report.unrecognized {
        r(&mut u.input);
        r(&mut u.example_path);
        u.files.iter_mut().for_each(&mut r);
    }
    for d in &mut report.diagnoses {
        r(&mut d.input);
        for e in &mut d.findings {
            e.files.iter_mut().for_each(&mut r);
        }
    }
    for i in &mut report.inputs {
        r(&mut i.path);
        for s in &mut i.skipped {
            r(&mut s.path);
            r(&mut s.reason);
        }
        for e in &mut i.errors {
            r(&mut e.path);
            r(&mut e.message);
        }
        for n in &mut i.notes {
            r(&mut n.path);
            r(&mut n.message);
        }
        i.coverage.files.iter_mut().for_each(|f| r(&mut f.path));
        for b in &mut i.below_threshold {
            b.files.iter_mut().for_each(&mut r);
        }
    }
}

/// How many findings there are of each severity.
pub(crate) fn count(findings: &[(Severity, Finding)]) -> BySeverity {
    let mut by = BySeverity::default();
    for (s, _) in findings.iter().filter(|(_, f)| !f.is_mirror()) {
        *match s {
            Severity::Critical => &mut by.critical,
            Severity::Error => &mut by.error,
            Severity::Warning => &mut by.warning,
            Severity::Info => &mut by.info,
        } += 1;
    }
    by
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{convert, mirror::Copies, testutil};

    fn finding(
        sig: usize,
        input: &str,
        path: &str,
        line: u64,
    ) -> (Severity, Finding) {
        let pack = testutil::pack();
        let s = &pack.signatures()[sig];
        let mut f = testutil::finding(sig, path, 1, None, None);
        f.first_line = line;
        (s.severity, convert::finding(s, input, (f, Copies::default()), None))
    }

    #[test]
    fn findings_go_worst_first_then_in_the_given_input_order() {
        let given = ["second".to_string(), "first".to_string()];
        let mut list = vec![
            finding(1, "second", "second/a", 1),
            finding(0, "first", "first/a", 9),
            finding(0, "second", "second/a", 5),
            finding(0, "first", "first/a", 2),
        ];
        Order::new(&given).findings(&mut list);
        let got: Vec<(String, u64)> = list
            .iter()
            .map(|(_, f)| (f.input.clone(), f.first_line))
            .collect();
        assert_eq!(
            got,
            [
                ("second".into(), 5),
                ("first".into(), 2),
                ("first".into(), 9),
                ("second".into(), 1)
            ]
        );
        let by = count(&list);
        assert_eq!((by.error, by.warning, by.critical), (3, 1, 0));
    }

    #[test]
    fn secrets_are_numbered_in_report_order() {
        let mut list =
            vec![finding(0, "in", "in/a", 1), finding(1, "in", "in/b", 1)];
        let mut redactor = Redactor::new();
        redact(&mut redactor, &mut list);
        let texts: Vec<&str> =
            list.iter().map(|(_, f)| f.evidence[0].text.as_str()).collect();
        assert!(
            texts.iter().all(|t| !t.contains("AKIAIOSFODNN7EXAMPLE")),
            "{texts:?}"
        );
        // The same key gets the same placeholder in both findings.
        let tail = |t: &str| t.split("key=").nth(1).map(str::to_string);
        assert_eq!(tail(texts[0]), tail(texts[1]));
    }
}
