//! The logsift engine: reads inputs, finds signature hits, tallies them.
//!
//! # Brief overview
//!
//! A [`Scanner`] takes [`Input`]s (files, folders, archives, stdin), walks
//! into archives and compressed members without extracting anything,
//! recognises the bundle layout and what each file is, streams every text
//! file through the compiled [`logsift_signatures::Matcher`], and pushes
//! one [`InputReport`] per input into a [`Sink`]. It knows nothing of
//! output formats: those live in `logsift-report`.
//!
//! Work is spread over the current rayon thread pool: inputs in parallel,
//! and the files of a folder in parallel. What reaches the sink is the same
//! whatever the number of threads: every list in an [`InputReport`] is
//! sorted.

#![deny(missing_docs)]

mod ahead;
mod budget;
mod bundle;
mod coverage;
#[doc(hidden)]
pub mod fuzzing;
mod scan;
mod sniff;
mod source;
mod time;
mod walk;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, atomic::AtomicUsize},
};

pub use jiff::{SignedDuration, Timestamp};
use logsift_signatures::{Matcher, SourceKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::{
    bundle::{BundleInfo, Producer},
    coverage::{SourceCoverage, SourceStatus},
};

/// Something to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file or folder.
    Path(PathBuf),
    /// Standard input, read as a stream.
    Stdin,
}

impl Input {
    /// How the input is named in reports: its path as given, or `-`.
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
            Input::Stdin => "-".to_string(),
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
    /// Virtual path of the file (see [`Scanner`]).
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
}

/// A file that was deliberately not scanned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// Virtual path of the file.
    pub path: String,
    /// Why, in a few words.
    pub reason: String,
}

/// A file, member or input that could not be (fully) read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScanError {
    /// Virtual path of what failed.
    pub path: String,
    /// What went wrong, lowercase, without a trailing period.
    pub message: String,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.message, self.path)
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
    /// Findings, sorted by path, then signature.
    pub findings: Vec<FileFinding>,
    /// Every source kind seen or expected, and how it fared.
    pub coverage: Vec<SourceCoverage>,
}

/// Receives the result of each input as soon as it is scanned.
///
/// Inputs finish in any order; a sink that needs a stable order sorts.
pub trait Sink {
    /// One input is done.
    fn input(&mut self, report: InputReport);
}

/// Hears how a scan advances, for a progress display; the engine calls it
/// from its worker threads and draws nothing itself.
///
/// Both methods do nothing by default, so an implementation takes only
/// what it shows.
pub trait Progress: Send + Sync {
    /// `n` more bytes were read from the inputs themselves (compressed
    /// bytes as they are on disk, not what they expand to), so the total
    /// to expect is the inputs' size.
    fn bytes(&self, n: u64) {
        let _ = n;
    }

    /// One more input was scanned and handed to the sink.
    fn input_done(&self) {}
}

/// A [`Progress`] that ignores everything: the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// How a file given as an input is packed, told from its first bytes (a
/// gzip stream is opened far enough to see whether a tar is inside):
/// `Some(Tar | TarGz | Zip)` for an archive that can hold a whole bundle,
/// `Some(Gzip)` for a gzip stream too damaged to tell what it holds, and
/// `None` for anything else (a compressed log, a folder).
///
/// Batch runs use it to tell a folder of bundles from an extracted one.
pub fn archive_kind(path: &Path) -> std::io::Result<Option<InputKind>> {
    sniff::archive_kind(path)
}

/// Limits and knobs of a scan.
#[derive(Clone, Debug)]
pub struct Config {
    /// Evidence lines kept per finding: the first ones and the last one.
    pub max_evidence: usize,
    /// How deep archives and compressed files may nest inside an input
    /// (a `.tar.gz` counts once; a `.gz` member inside it adds one).
    pub max_depth: u32,
    /// Bytes read before each search.
    pub chunk_size: usize,
    /// The most bytes of one line held in memory; longer lines are
    /// searched in overlapping fragments.
    pub max_line_bytes: usize,
    /// Bytes of one evidence line kept in the report.
    pub max_evidence_bytes: usize,
    /// The largest zip archive read into memory when it does not come from
    /// a file that can be read at random (stdin, a member of a tar).
    pub max_zip_in_memory: u64,
    /// Keep only lines stamped at or after this.
    pub since: Option<TimeBound>,
    /// Keep only lines stamped at or before this.
    pub until: Option<TimeBound>,
    /// The kind of every text file given directly as an input (not of the
    /// members of archives or folders, whose layout tells their kind).
    pub source_kind: Option<SourceKind>,
    /// The most bytes one input may decompress to, in all; past it the
    /// rest of the input is not read, and an error says so.
    pub max_bytes: u64,
    /// The largest ratio of decompressed to raw bytes a compressed layer
    /// may reach before it is stopped as a decompression bomb.
    pub max_ratio: u64,
    /// The most files and members one input may hold.
    pub max_members: u64,
    /// Follow symbolic links in folders (loops are detected and reported).
    pub follow_links: bool,
}

/// One end of a time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeBound {
    /// A fixed instant.
    At(Timestamp),
    /// This long before each input's collection time.
    BeforeCollection(SignedDuration),
}

impl std::str::FromStr for TimeBound {
    type Err = String;

    /// `2h`, `30m`, `90s`, `7d` (before each input's collection time), or
    /// an instant: RFC 3339 (`2026-11-21T10:00:00Z`), or a date and time
    /// without a zone (`2026-11-21`, `2026-11-21T10:00`) taken as UTC.
    fn from_str(s: &str) -> Result<TimeBound, String> {
        let s = s.trim();
        let unit = s.chars().last().unwrap_or(' ');
        let number = &s[..s.len().saturating_sub(unit.len_utf8())];
        let secs_per = match unit {
            's' => Some(1),
            'm' => Some(60),
            'h' => Some(3600),
            'd' => Some(86_400),
            'w' => Some(7 * 86_400),
            _ => None,
        };
        if let (Some(per), Ok(n)) = (secs_per, number.parse::<i64>()) {
            if n < 0 {
                return Err(format!("{s:?}: a duration cannot be negative"));
            }
            let secs = n
                .checked_mul(per)
                .ok_or_else(|| format!("{s:?} is too long"))?;
            return Ok(TimeBound::BeforeCollection(
                SignedDuration::from_secs(secs),
            ));
        }
        if let Ok(t) = s.parse::<Timestamp>() {
            return Ok(TimeBound::At(t));
        }
        let civil = s.parse::<jiff::civil::DateTime>().or_else(|_| {
            s.parse::<jiff::civil::Date>()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        });
        match civil {
            Ok(dt) => jiff::tz::TimeZone::UTC
                .to_timestamp(dt)
                .map(TimeBound::At)
                .map_err(|e| format!("{s:?}: {e}")),
            Err(_) => Err(format!(
                "{s:?} is not a time: use a duration such as 2h, 30m or 7d, \
                 or a time such as 2026-11-21T10:00:00Z"
            )),
        }
    }
}

impl TimeBound {
    /// The instant, for an input collected at `reference`.
    pub fn resolve(self, reference: Timestamp) -> Timestamp {
        match self {
            TimeBound::At(t) => t,
            TimeBound::BeforeCollection(d) => {
                reference.checked_sub(d).unwrap_or(Timestamp::MIN)
            }
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_evidence: 3,
            max_depth: 4,
            chunk_size: 256 * 1024,
            max_line_bytes: 4 * 1024 * 1024,
            max_evidence_bytes: 2048,
            max_zip_in_memory: 256 * 1024 * 1024,
            since: None,
            until: None,
            source_kind: None,
            max_bytes: 16 << 30,
            max_ratio: 1000,
            max_members: 200_000,
            follow_links: false,
        }
    }
}

/// Scans inputs for signature hits.
///
/// Every scanned file gets a virtual path saying where it lives: the input
/// as named, then `!` and the member path for each archive entered, with
/// `/` separators and no leading `./`. A compressed file is read in place
/// and keeps its own name: `bundle.tar.gz!var_log/aws-routed-eni/ipamd-
/// 2024-01-01T00-00-00.000.log.gz`. A folder's files are joined with `/`.
pub struct Scanner<'m> {
    matcher: &'m Matcher,
    config: Config,
    progress: Arc<dyn Progress>,
    /// Inputs being scanned now: a thread of the pool not busy with one
    /// can inflate a compressed input ahead of its scan.
    active: AtomicUsize,
}

impl std::fmt::Debug for Scanner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("matcher", &self.matcher)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<'m> Scanner<'m> {
    /// A scanner using `matcher`, whose signature indices the findings
    /// refer to.
    pub fn new(matcher: &'m Matcher, config: Config) -> Scanner<'m> {
        Scanner {
            matcher,
            config,
            progress: Arc::new(NoProgress),
            active: AtomicUsize::new(0),
        }
    }

    /// The same scanner, telling `progress` how it advances.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Scans every input (in parallel, on the current rayon pool), pushing
    /// each input's report into `sink` when it is done.
    pub fn scan<S: Sink + Send>(&self, inputs: &[Input], sink: &mut S) {
        let sink = Mutex::new(sink);
        inputs.par_iter().for_each(|input| {
            let report = self.scan_input(input);
            {
                // A poisoned lock means another input's sink call
                // panicked; the sink's state is still the best there is.
                let mut guard = sink.lock().unwrap_or_else(|p| p.into_inner());
                guard.input(report);
            }
            self.progress.input_done();
        });
    }

    /// Scans one input and returns its report.
    pub fn scan_input(&self, input: &Input) -> InputReport {
        walk::scan_input(self, input)
    }

    /// Scans bytes held in memory through the same path as a file: sniffed,
    /// decompressed and decoded as needed, with every text file taken to be
    /// of `kind`. `name` is the virtual path reported.
    pub fn scan_bytes(
        &self,
        name: &str,
        kind: SourceKind,
        data: &[u8],
    ) -> InputReport {
        walk::scan_bytes(self, name, kind, data)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    #[derive(Default)]
    struct Counts {
        bytes: AtomicU64,
        inputs: AtomicU64,
    }

    impl Progress for Counts {
        fn bytes(&self, n: u64) {
            self.bytes.fetch_add(n, Ordering::Relaxed);
        }

        fn input_done(&self) {
            self.inputs.fetch_add(1, Ordering::Relaxed);
        }
    }

    struct Collect(Vec<InputReport>);

    impl Sink for Collect {
        fn input(&mut self, report: InputReport) {
            self.0.push(report);
        }
    }

    #[test]
    fn progress_hears_every_raw_byte_and_input() {
        let dir = std::env::temp_dir()
            .join(format!("logsift-progress-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("folder")).unwrap();
        let gz = logsift_fixtures::gzip(&b"kubelet ok\n".repeat(1000));
        std::fs::write(dir.join("a.log.gz"), &gz).unwrap();
        std::fs::write(dir.join("folder/b.log"), b"fine\n").unwrap();
        std::fs::write(dir.join("folder/c.log"), b"also fine\n").unwrap();
        let mut pack = logsift_signatures::Pack::new();
        pack.add_toml(
            "p.toml",
            "[[signature]]\nid = \"x\"\ntitle = \"X\"\n\
             severity = \"info\"\npatterns = [\"nope\"]\nfix = \"f\"\n",
        )
        .unwrap();
        let matcher = pack.compile();
        let counts = Arc::new(Counts::default());
        let scanner = Scanner::new(&matcher, Config::default())
            .with_progress(Arc::clone(&counts) as Arc<dyn Progress>);
        let inputs = [
            Input::Path(dir.join("a.log.gz")),
            Input::Path(dir.join("folder")),
        ];
        let mut sink = Collect(Vec::new());
        scanner.scan(&inputs, &mut sink);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(sink.0.len(), 2);
        assert_eq!(counts.inputs.load(Ordering::Relaxed), 2);
        // Compressed bytes as on disk, not what they expand to.
        let on_disk = gz.len() as u64 + 5 + 10;
        assert_eq!(counts.bytes.load(Ordering::Relaxed), on_disk);
    }

    #[test]
    fn archives_are_told_from_compressed_logs() {
        let dir = std::env::temp_dir()
            .join(format!("logsift-archive-kind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let entry = logsift_fixtures::Entry {
            path: "a.log".into(),
            data: b"ok\n".to_vec(),
        };
        let cases: [(&str, Vec<u8>, Option<InputKind>); 5] = [
            (
                "b.tgz",
                logsift_fixtures::tar_gz(std::slice::from_ref(&entry)),
                Some(InputKind::TarGz),
            ),
            (
                "b.zip",
                logsift_fixtures::zip(std::slice::from_ref(&entry)),
                Some(InputKind::Zip),
            ),
            ("rotated.log.gz", logsift_fixtures::gzip(b"ok\n"), None),
            (
                "cut.tar.gz",
                b"\x1f\x8b\x08\x00garbage".to_vec(),
                Some(InputKind::Gzip),
            ),
            ("plain.log", b"ok\n".to_vec(), None),
        ];
        for (name, data, want) in &cases {
            std::fs::write(dir.join(name), data).unwrap();
            let got = archive_kind(&dir.join(name)).unwrap();
            assert_eq!(got, *want, "{name}");
        }
        assert_eq!(archive_kind(&dir).unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

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

    #[test]
    fn time_bounds_parse() {
        let t: Timestamp = "2026-11-21T12:00:00Z".parse().unwrap();
        let b =
            |s: &str| s.parse::<TimeBound>().unwrap().resolve(t).to_string();
        assert_eq!(b("2h"), "2026-11-21T10:00:00Z");
        assert_eq!(b("30m"), "2026-11-21T11:30:00Z");
        assert_eq!(b("7d"), "2026-11-14T12:00:00Z");
        assert_eq!(b("2026-11-20T08:00:00Z"), "2026-11-20T08:00:00Z");
        assert_eq!(b("2026-11-20T08:00:00+02:00"), "2026-11-20T06:00:00Z");
        assert_eq!(b("2026-11-20"), "2026-11-20T00:00:00Z");
        assert_eq!(b("2026-11-20T08:30"), "2026-11-20T08:30:00Z");
        for bad in ["", "soon", "-2h", "2x", "2026-13-01"] {
            assert!(bad.parse::<TimeBound>().is_err(), "{bad:?}");
        }
    }
}
