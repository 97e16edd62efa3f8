//! What a report comes to for a gate: its worst live severity, the
//! sources it lacks, whether anything could not be read.

use logsift_signatures::Severity;

use crate::model::Report;

impl Report {
    /// The worst severity among the findings and diagnoses that are not
    /// suppressed. A diagnosis is suppressed when every finding it rests
    /// on is: its cause is then what someone already accepted.
    pub fn worst_severity(&self) -> Option<Severity> {
        let findings = self
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| &f.severity);
        let diagnoses = self
            .diagnoses
            .iter()
            .filter(|d| d.suppressed.is_none())
            .map(|d| &d.severity);
        findings.chain(diagnoses).filter_map(|s| s.parse().ok()).max()
    }

    /// The sources an input's collector always writes that were missing
    /// or could not be read, as (input, kind, status): what
    /// `--fail-on-incomplete` fails on.
    pub fn incomplete(&self) -> Vec<(&str, &str, &str)> {
        self.inputs
            .iter()
            .flat_map(|i| {
                i.coverage
                    .sources
                    .iter()
                    .filter(|s| {
                        s.expected
                            && matches!(
                                s.status.as_str(),
                                "missing" | "unreadable"
                            )
                    })
                    .map(|s| {
                        (i.path.as_str(), s.kind.as_str(), s.status.as_str())
                    })
            })
            .collect()
    }

    /// The inputs of which no text at all was read: also what
    /// `--fail-on-incomplete` fails on.
    pub fn nothing_scanned(&self) -> Vec<&str> {
        self.inputs
            .iter()
            .filter(|i| i.nothing_scanned)
            .map(|i| i.path.as_str())
            .collect()
    }

    /// Whether any input had an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
