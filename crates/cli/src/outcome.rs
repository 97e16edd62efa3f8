//! How a run ends: the exit code, and what decides it.

use logsift_report::Report;
use logsift_signatures::Severity;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing at or above `--fail-on`, and everything was read.
    Clean = 0,
    /// A finding at or above `--fail-on` that is not suppressed, or with
    /// `--fail-on-incomplete`, an input lacking an expected source.
    Findings = 1,
    /// A usage error, or something could not be read.
    Error = 2,
}

/// What the gate weighs, gathered from one report or many.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Verdict {
    /// An input or member could not be read.
    pub(crate) errors: bool,
    /// The worst severity not suppressed.
    pub(crate) worst: Option<Severity>,
    /// An input lacked a source its collector always writes.
    pub(crate) incomplete: bool,
}

/// The exit code: errors first, then findings at or above `fail_on`
/// (suppressed ones aside), then, when asked, incomplete coverage.
pub(crate) fn gate(
    fail_on: Option<Severity>,
    fail_on_incomplete: bool,
    v: Verdict,
) -> Outcome {
    if v.errors {
        return Outcome::Error;
    }
    match (fail_on, v.worst) {
        (Some(min), Some(worst)) if worst >= min => Outcome::Findings,
        _ if fail_on_incomplete && v.incomplete => Outcome::Findings,
        _ => Outcome::Clean,
    }
}

/// The lines said on standard error about one report: each input error,
/// and, when incomplete coverage fails the run, each missing source.
pub(crate) fn report_problems(
    report: &Report,
    fail_on_incomplete: bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    for input in &report.inputs {
        for e in &input.errors {
            lines.push(format!("logsift: {}: {}", e.message, e.path));
        }
    }
    if fail_on_incomplete {
        for (input, what) in report.incomplete() {
            lines.push(format!("logsift: incomplete: {what}: {input}"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_documented_values() {
        assert_eq!(Outcome::Clean as u8, 0);
        assert_eq!(Outcome::Findings as u8, 1);
        assert_eq!(Outcome::Error as u8, 2);
    }

    #[test]
    fn errors_then_findings_then_incomplete() {
        let v =
            |errors, worst, incomplete| Verdict { errors, worst, incomplete };
        let err = Some(Severity::Error);
        let warn = Some(Severity::Warning);
        assert_eq!(gate(err, true, v(true, None, true)), Outcome::Error);
        assert_eq!(gate(err, false, v(false, err, false)), Outcome::Findings);
        assert_eq!(gate(err, false, v(false, warn, true)), Outcome::Clean);
        assert_eq!(gate(err, true, v(false, warn, true)), Outcome::Findings);
        assert_eq!(gate(None, false, v(false, err, false)), Outcome::Clean);
    }
}
