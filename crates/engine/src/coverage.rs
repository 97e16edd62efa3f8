//! Which logs an input held, so that "no findings" can be told apart from
//! "not checked": each expected source is present, missing, empty,
//! truncated or unreadable.

use std::collections::BTreeMap;

use logsift_signatures::SourceKind;

use serde::{Deserialize, Serialize};

use crate::bundle::Producer;

/// How a source fared in one input.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    /// Read, with content.
    Present,
    /// Read, but cut: the collector keeps only the tail of some logs, so
    /// the oldest lines are gone.
    Truncated,
    /// Present but empty (or `-- No entries --`).
    Empty,
    /// Present but could not be read to its end.
    Unreadable,
    /// Expected for this kind of bundle, but not there.
    Missing,
    /// There, in a format logsift does not parse (Windows EVTX): not
    /// missing, but not checked either.
    Unparsed,
}

impl std::fmt::Display for SourceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SourceStatus {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Present => "present",
            SourceStatus::Truncated => "truncated",
            SourceStatus::Empty => "empty",
            SourceStatus::Unreadable => "unreadable",
            SourceStatus::Missing => "missing",
            SourceStatus::Unparsed => "unparsed",
        }
    }

    /// Whether lines of this source were read at all.
    pub fn was_read(self) -> bool {
        matches!(
            self,
            SourceStatus::Present
                | SourceStatus::Truncated
                | SourceStatus::Unreadable
        )
    }
}

/// One source kind in one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceCoverage {
    /// What produced the files.
    pub kind: SourceKind,
    /// How they fared.
    pub status: SourceStatus,
    /// Whether this bundle's collector writes this source.
    pub expected: bool,
    /// How many files of this kind were scanned.
    pub files: u64,
    /// Their bytes, after decompression and decoding.
    pub bytes: u64,
}

/// Why a file was read as the kind it was.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum KindReason {
    /// Its path names the log (`kubelet/kubelet.log`), or says no more
    /// than config or command output and its lines said nothing either.
    #[default]
    Path,
    /// Its first lines: a journal prefix, klog headers, zap JSON, ...
    Content,
    /// The user said so (`--source-kind`).
    Option,
}

impl KindReason {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            KindReason::Path => "path",
            KindReason::Content => "content",
            KindReason::Option => "option",
        }
    }
}

impl std::fmt::Display for KindReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One scanned file: the kind it was read as, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassifiedFile {
    /// The file, as findings name it.
    pub path: String,
    /// The kind whose signatures it was scanned with.
    pub kind: SourceKind,
    /// What decided the kind.
    pub by: KindReason,
}

/// What the walker learned about one scanned file.
#[derive(Clone, Debug)]
pub(crate) struct FileInfo {
    pub(crate) path: String,
    pub(crate) kind: SourceKind,
    pub(crate) by: KindReason,
    pub(crate) bytes: u64,
    pub(crate) empty: bool,
    pub(crate) truncated: bool,
    pub(crate) failed: bool,
    /// There, but in a format that is not parsed (EVTX).
    pub(crate) unparsed: bool,
}

impl FileInfo {
    /// A file that is there but in a format that is not parsed.
    pub(crate) fn unparsed(path: &str, kind: SourceKind) -> FileInfo {
        FileInfo {
            path: path.to_string(),
            kind,
            by: KindReason::Path,
            bytes: 0,
            empty: false,
            truncated: false,
            failed: false,
            unparsed: true,
        }
    }
}

/// The sources each collector writes on every node, whatever its OS.
fn expected(producer: Option<Producer>) -> &'static [SourceKind] {
    use SourceKind::*;
    match producer {
        Some(Producer::EksLogCollector) => {
            &[Kubelet, Containerd, Ipamd, Dmesg, CloudInit]
        }
        Some(Producer::EksNodeDiagnostic) => &[Kubelet, Containerd, Dmesg],
        Some(Producer::BottlerocketLogdog) => &[Journal, Dmesg],
        Some(Producer::EksLogCollectorWindows) => &[WindowsEvents],
        Some(Producer::AwsCniSupport) => &[Ipamd],
        None => &[],
    }
}

/// The coverage of one input, one entry per kind seen or expected, in
/// kind order.
pub(crate) fn coverage(
    producer: Option<Producer>,
    files: &[FileInfo],
) -> Vec<SourceCoverage> {
    let expected = expected(producer);
    let mut by_kind: BTreeMap<SourceKind, Vec<&FileInfo>> = BTreeMap::new();
    for f in files {
        by_kind.entry(f.kind).or_default().push(f);
    }
    for &k in expected {
        by_kind.entry(k).or_default();
    }
    by_kind
        .into_iter()
        .map(|(kind, fs)| {
            let status = if fs.is_empty() {
                SourceStatus::Missing
            } else if fs.iter().all(|f| f.unparsed) {
                SourceStatus::Unparsed
            } else if fs.iter().any(|f| f.failed) {
                SourceStatus::Unreadable
            } else if fs.iter().all(|f| f.empty) {
                SourceStatus::Empty
            } else if fs.iter().any(|f| f.truncated) {
                SourceStatus::Truncated
            } else {
                SourceStatus::Present
            };
            SourceCoverage {
                kind,
                status,
                expected: expected.contains(&kind),
                files: fs.len() as u64,
                bytes: fs.iter().map(|f| f.bytes).sum(),
            }
        })
        .collect()
}

/// Every scanned file with its kind and why, in path order.
pub(crate) fn classified(files: &[FileInfo]) -> Vec<ClassifiedFile> {
    let mut out: Vec<ClassifiedFile> = files
        .iter()
        .map(|f| ClassifiedFile {
            path: f.path.clone(),
            kind: f.kind,
            by: f.by,
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Whether a file's first bytes show it was cut from the front: a
/// collector that keeps the last megabytes of `/var/log/messages` starts
/// it mid-line, and maybe mid-character.
pub(crate) fn cut_from_front(kind: SourceKind, head: &[u8]) -> bool {
    if head.first().is_some_and(|b| (0x80..0xc0).contains(b)) {
        return true;
    }
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    kind == SourceKind::Messages
        && !first.is_empty()
        && crate::time::parse_line(first).is_none()
}

/// Whether a file holds nothing but a journal's "no entries" marker.
pub(crate) fn no_entries(bytes: u64, head: &[u8]) -> bool {
    bytes == 0 || head.iter().all(u8::is_ascii_whitespace) || {
        let t = String::from_utf8_lossy(head);
        t.lines()
            .all(|l| l.trim().is_empty() || l.trim() == "-- No entries --")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SourceKind::*;

    fn file(kind: SourceKind) -> FileInfo {
        FileInfo {
            path: format!("{kind}.log"),
            kind,
            by: KindReason::Path,
            bytes: 10,
            empty: false,
            truncated: false,
            failed: false,
            unparsed: false,
        }
    }

    #[test]
    fn expected_sources_missing_and_statuses() {
        let files = vec![
            file(Kubelet),
            FileInfo { truncated: true, ..file(Messages) },
            FileInfo { empty: true, bytes: 0, ..file(Docker) },
            FileInfo { failed: true, ..file(Containerd) },
            file(Containerd),
        ];
        let cov = coverage(Some(Producer::EksLogCollector), &files);
        let got: Vec<(SourceKind, SourceStatus, bool)> =
            cov.iter().map(|c| (c.kind, c.status, c.expected)).collect();
        use SourceStatus::*;
        assert_eq!(
            got,
            [
                (Kubelet, Present, true),
                (Containerd, Unreadable, true),
                (Docker, Empty, false),
                (Ipamd, Missing, true),
                (Messages, Truncated, false),
                (Dmesg, Missing, true),
                (CloudInit, Missing, true),
            ]
        );
    }

    #[test]
    fn messages_cut_mid_line_or_mid_character() {
        assert!(cut_from_front(
            Messages,
            b"-219.884.amzn2 root=UUID\nNov  1 00:00:00 h x\n"
        ));
        assert!(cut_from_front(Messages, b"\xa9t mid character\n"));
        assert!(!cut_from_front(
            Messages,
            b"Nov  1 00:00:00 host kernel: x\n"
        ));
        assert!(!cut_from_front(Kubelet, b"partial but not messages\n"));
    }

    #[test]
    fn journal_no_entries_is_empty() {
        assert!(no_entries(17, b"-- No entries --\n"));
        assert!(no_entries(0, b""));
        assert!(!no_entries(30, b"Nov 21 00:00:00 h kubelet[1]: x\n"));
    }
}
