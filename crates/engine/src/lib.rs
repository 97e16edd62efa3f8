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

mod bundle;
mod scan;
mod sniff;
mod source;
mod walk;

use std::{path::PathBuf, sync::Mutex};

use logsift_signatures::{Matcher, SourceKind};
use rayon::prelude::*;

pub use crate::bundle::{BundleInfo, Producer};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

/// Receives the result of each input as soon as it is scanned.
///
/// Inputs finish in any order; a sink that needs a stable order sorts.
pub trait Sink {
    /// One input is done.
    fn input(&mut self, report: InputReport);
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
#[derive(Debug)]
pub struct Scanner<'m> {
    matcher: &'m Matcher,
    config: Config,
}

impl<'m> Scanner<'m> {
    /// A scanner using `matcher`, whose signature indices the findings
    /// refer to.
    pub fn new(matcher: &'m Matcher, config: Config) -> Scanner<'m> {
        Scanner { matcher, config }
    }

    /// Scans every input (in parallel, on the current rayon pool), pushing
    /// each input's report into `sink` when it is done.
    pub fn scan<S: Sink + Send>(&self, inputs: &[Input], sink: &mut S) {
        let sink = Mutex::new(sink);
        inputs.par_iter().for_each(|input| {
            let report = self.scan_input(input);
            // A poisoned lock means another input's sink call panicked;
            // the sink's state is still the best there is.
            let mut guard = sink.lock().unwrap_or_else(|p| p.into_inner());
            guard.input(report);
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
