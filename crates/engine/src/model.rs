//! What the engine reports: inputs, findings, skips and errors.

use std::path::PathBuf;

use jiff::Timestamp;
use logsift_signatures::SourceKind;
use serde::{Deserialize, Serialize};

use crate::{
    bundle::BundleInfo,
    coverage::{ClassifiedFile, SourceCoverage},
    error::{ErrorKind, NoteKind, SkipReason},
};

/// Something to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file or folder.
    Path(PathBuf),
    /// Standard input, read as a stream; `name` (a bundle's file name,
    /// say) is how reports name it, and tells its collector, instance and
    /// time as a file's name would.
    Stdin {
        /// The name to report instead of `-`.
        name: Option<String>,
    },
}

impl Input {
    /// How the input is named in reports: its path as given, standard
    /// input's name, or `-`.
    pub fn display(&self) -> String {
        match self {
            Input::Path(p) => {
                let s = p.to_string_lossy();
                let trimmed = s.trim_end_matches(['/', '\\']);
                if trimmed.is_empty() {
                    s.into_owned()
                } else {
                    trimmed.to_string()
                }
            }
            Input::Stdin { name } => {
                name.as_deref().unwrap_or("-").to_string()
            }
        }
    }
}

/// How an input is packed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// A folder, such as an extracted bundle.
    Directory,
    /// A plain file.
    File,
    /// A gzip-compressed file.
    Gzip,
    /// A tar archive.
    Tar,
    /// A gzip-compressed tar archive.
    #[serde(rename = "tar.gz")]
    TarGz,
    /// A zip archive.
    Zip,
    /// A file that is not text and was not scanned.
    Binary,
}

impl std::fmt::Display for InputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InputKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Directory => "directory",
            InputKind::File => "file",
            InputKind::Gzip => "gzip",
            InputKind::Tar => "tar",
            InputKind::TarGz => "tar.gz",
            InputKind::Zip => "zip",
            InputKind::Binary => "binary",
        }
    }
}

/// One line of evidence for a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// 1-based line number in the (decompressed, decoded) file.
    pub line: u64,
    /// The line, lossily decoded as UTF-8 and cut to a bounded length.
    pub text: String,
    /// Whether `text` was cut.
    pub truncated: bool,
}

/// Every hit of one signature in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFinding {
    /// Index of the signature in the pack the matcher was compiled from.
    pub signature: usize,
    /// Virtual path of the file (see [`Scanner`](crate::Scanner)).
    pub path: String,
    /// What produced the file.
    pub source: SourceKind,
    /// The signature's message template filled from the first matching
    /// line, when it has one.
    pub message: Option<String>,
    /// The earliest time among the matching lines that carry one.
    pub first_seen: Option<Timestamp>,
    /// The latest time among the matching lines that carry one.
    pub last_seen: Option<Timestamp>,
    /// How many lines matched.
    pub count: u64,
    /// The first matching line.
    pub first_line: u64,
    /// The last matching line.
    pub last_line: u64,
    /// A few matching lines: the first ones and the last one.
    pub evidence: Vec<Evidence>,
    /// A key per matching line that carries a journal prefix (time to the
    /// second, process, message; not the host), sorted: the same line
    /// copied into another file, as rsyslog copies the journal into
    /// `messages`, has the same key. `None` when the file held too many
    /// matching lines to keep a key for each.
    pub mirror_keys: Option<Vec<u64>>,
    /// For a signature with a threshold: the most occurrences within its
    /// window (all of them when no line carries a time), counting stops
    /// at the threshold; a folded event (`(x17 over 4m54s)`) is as many
    /// occurrences as it says. `None` without a threshold.
    pub peak: Option<u64>,
}

/// Error lines that matched no signature and share one template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unrecognized {
    /// The lines' message with what varies as `<*>`.
    pub template: String,
    /// What produced the files.
    pub source: SourceKind,
    /// How many lines.
    pub count: u64,
    /// The earliest time among the lines that carry one.
    pub first_seen: Option<Timestamp>,
    /// The latest.
    pub last_seen: Option<Timestamp>,
    /// The first line, as it was (not redacted: the report does that).
    pub example: Evidence,
    /// The files, the example's first.
    pub files: Vec<String>,
}

/// What an input held of error lines no signature knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mined {
    /// Error lines no signature matched.
    pub lines: u64,
    /// Those left out because their file had as many templates as it
    /// may keep.
    pub dropped: u64,
    /// Their templates, most lines first.
    pub templates: Vec<Unrecognized>,
}

/// A file that was deliberately not scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Virtual path of the file.
    pub path: String,
    /// Why.
    pub reason: SkipReason,
}

/// Something to know about a file that was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Virtual path of the file, or the input.
    pub path: String,
    /// What.
    pub kind: NoteKind,
}

/// A file, member or input that could not be (fully) read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    /// Virtual path of what failed.
    pub path: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.path)
    }
}

/// Everything found in one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputReport {
    /// The input as named by the user.
    pub path: String,
    /// How it is packed.
    pub kind: InputKind,
    /// What is known about the bundle it holds.
    pub bundle: BundleInfo,
    /// Text files scanned.
    pub files_scanned: u64,
    /// Bytes of text scanned, after decompression and decoding.
    pub bytes_scanned: u64,
    /// Files not scanned, sorted by path.
    pub skipped: Vec<Skipped>,
    /// What could not be read, sorted by path.
    pub errors: Vec<ScanError>,
    /// What to know about what was read, sorted by path.
    pub notes: Vec<Note>,
    /// Findings, sorted by path, then signature.
    pub findings: Vec<FileFinding>,
    /// Every source kind seen or expected, and how it fared.
    pub coverage: Vec<SourceCoverage>,
    /// Every scanned file, the kind it was read as and why.
    pub classified: Vec<ClassifiedFile>,
    /// Error lines no signature knows, grouped into templates; empty
    /// unless mining is on.
    pub unrecognized: Mined,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{bundle::Producer, coverage::SourceStatus};

    /// The serde names are the report's names, so the report model can
    /// hold these enums as they are.
    #[test]
    fn serde_names_are_report_names() {
        let name = |v: serde_json::Value| v.as_str().unwrap().to_string();
        use InputKind::*;
        for k in [Directory, File, Gzip, Tar, TarGz, Zip, Binary] {
            assert_eq!(name(serde_json::to_value(k).unwrap()), k.as_str());
            let back: InputKind =
                serde_json::from_value(k.as_str().into()).unwrap();
            assert_eq!(back, k);
        }
        use Producer::*;
        for p in [
            EksLogCollector,
            EksLogCollectorWindows,
            BottlerocketLogdog,
            EksNodeDiagnostic,
            AwsCniSupport,
        ] {
            assert_eq!(name(serde_json::to_value(p).unwrap()), p.as_str());
            let back: Producer =
                serde_json::from_value(p.as_str().into()).unwrap();
            assert_eq!(back, p);
        }
        use SourceStatus::*;
        for s in [Present, Truncated, Empty, Unreadable, Missing] {
            assert_eq!(name(serde_json::to_value(s).unwrap()), s.as_str());
            let back: SourceStatus =
                serde_json::from_value(s.as_str().into()).unwrap();
            assert_eq!(back, s);
        }
    }
}
