//! What a report comes to for a gate: its worst live severity, the
//! sources it lacks, whether anything could not be read.

use logsift_signatures::Severity;

use crate::model::Report;

impl Report {
    /// The worst severity among the findings and diagnoses that are not
    /// suppressed. A diagnosis is suppressed when every finding it rests
    /// on is: its cause is then what someone already accepted. A finding
    /// that is all copies of another file's lines counts there.
    pub fn worst_severity(&self) -> Option<Severity> {
        let findings = self
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && !f.is_mirror())
            .map(|f| &f.severity);
        let diagnoses = self
            .diagnoses
            .iter()
            .filter(|d| d.suppressed.is_none())
            .map(|d| &d.severity);
        findings.chain(diagnoses).copied().max()
    }

    /// What `--fail-on-incomplete` fails on, as (input, what): an input of
    /// which no text at all was read (`nothing scanned`), and each source
    /// its collector always writes that was missing or could not be read
    /// (`kubelet missing`).
    pub fn incomplete(&self) -> Vec<(&str, String)> {
        let mut gaps = Vec::new();
        for i in &self.inputs {
            if i.nothing_scanned {
                gaps.push((i.path.as_str(), "nothing scanned".to_string()));
            }
            let lacking = i.coverage.sources.iter().filter(|s| {
                s.expected
                    && matches!(s.status.as_str(), "missing" | "unreadable")
            });
            for s in lacking {
                gaps.push((
                    i.path.as_str(),
                    format!("{} {}", s.kind, s.status),
                ));
            }
        }
        gaps
    }

    /// Whether any input had an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
