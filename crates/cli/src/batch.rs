//! Batch triage: many inputs, one report file each, and a fleet summary.
//!
//! With `--out-dir`, each input's report is built and written the moment
//! the engine hands it over, then dropped; only what `summary.json` shows
//! is kept (see [`logsift_report::fleet`]), so memory does not grow with
//! the number of inputs. `--shard K/N` splits the inputs between machines
//! by a hash of their paths, and `logsift merge` folds the runs' reports
//! into the summary one run would have written.

use std::{
    fs::{self, File},
    io::{self, BufWriter, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use logsift_engine::{Input, InputReport, Sink, TimeBound};
use logsift_report::{
    Report, ReportBuilder,
    fleet::{self, FleetBuilder},
    json,
    suppress::Suppressions,
};
use logsift_signatures::Pack;

use crate::{
    args::MergeArgs,
    outcome::{Outcome, Verdict, report_problems},
    progress::Bar,
};

/// The summary's file name in an out-dir; no input's report takes it, as
/// theirs end in a hash.
pub(crate) const SUMMARY: &str = "summary.json";

/// FNV-1a, 64 bits: tiny, and fixed forever, unlike std's hasher, so the
/// same path lands in the same shard and file name on every machine and
/// in every version.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The file an input's report is written to: its last path component
/// with anything but `A-Z a-z 0-9 . _ -` made `_`, cut to 100 bytes,
/// then a hash of the whole path, so `a/x.tgz` and `b/x.tgz` do not
/// collide and the name does not depend on the other inputs.
pub(crate) fn report_file_name(display: &str) -> String {
    let last = if display == "-" {
        "stdin"
    } else {
        display.rsplit(['/', '\\']).find(|s| !s.is_empty()).unwrap_or("input")
    };
    let mut base: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    // No hidden files, and never `.` or `..`.
    if base.starts_with('.') {
        base.insert(0, '_');
    }
    format!("{base}-{:016x}.json", fnv1a(display))
}

/// Whether the input named `display` is in share `k` of `n`. By hash, not
/// by position: adding or removing inputs never moves the others to
/// another shard.
pub(crate) fn in_shard(display: &str, (k, n): (u64, u64)) -> bool {
    fnv1a(display) % n == k - 1
}

/// The inputs as scanned: a folder whose top level holds only bundles
/// (archives, by their bytes: tar, tar.gz, zip; or extracted bundle
/// folders; hidden files aside) becomes one input per bundle, by name, so
/// each bundle is reported, attributed and diagnosed on its own; anything
/// else (one extracted bundle, a folder of logs) stays as given. The same
/// path named twice is scanned once.
pub(crate) fn expand(inputs: Vec<Input>) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for input in inputs {
        let expanded = match &input {
            Input::Path(p) if p.is_dir() => bundles_in(p),
            _ => None,
        };
        for i in expanded.unwrap_or_else(|| vec![input]) {
            if seen.insert(i.display()) {
                out.push(i);
            }
        }
    }
    out
}

/// The bundles of a folder of bundles; `None` when it is a bundle itself,
/// holds anything else, or cannot be listed, so it is scanned as one
/// input and any error is reported by the scan.
fn bundles_in(dir: &Path) -> Option<Vec<Input>> {
    if logsift_engine::bundle_dir(dir) {
        return None;
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().ok()?;
        let bundle = if kind.is_dir() {
            logsift_engine::bundle_dir(&entry.path())
        } else {
            kind.is_file()
                && logsift_engine::archive_kind(&entry.path()).ok()?.is_some()
        };
        if !bundle {
            return None;
        }
        names.push(name);
    }
    if names.is_empty() {
        return None;
    }
    names.sort();
    Some(names.into_iter().map(|n| Input::Path(dir.join(n))).collect())
}

/// What a batch run ended with.
#[derive(Debug, Default)]
pub(crate) struct BatchEnd {
    /// What the gate weighs, across inputs.
    pub(crate) verdict: Verdict,
    /// Whether a report could not be written.
    pub(crate) write_failed: bool,
}

/// The sink of `--out-dir`: builds, writes and forgets each input's
/// report, folding it into the fleet summary.
pub(crate) struct OutDir<'a> {
    dir: &'a Path,
    pack: &'a Pack,
    suppressions: &'a Suppressions,
    redact: bool,
    /// Whether to print what is missing (only when it fails the run).
    report_incomplete: bool,
    bar: Option<Arc<Bar>>,
    /// `--since` and `--until`, recorded in each report.
    window: (Option<TimeBound>, Option<TimeBound>),
    fleet: FleetBuilder,
    end: BatchEnd,
}

impl<'a> OutDir<'a> {
    pub(crate) fn new(
        dir: &'a Path,
        pack: &'a Pack,
        suppressions: &'a Suppressions,
        redact: bool,
        report_incomplete: bool,
        bar: Option<Arc<Bar>>,
        window: (Option<TimeBound>, Option<TimeBound>),
    ) -> OutDir<'a> {
        OutDir {
            dir,
            pack,
            suppressions,
            redact,
            report_incomplete,
            bar,
            window,
            fleet: FleetBuilder::new(),
            end: BatchEnd::default(),
        }
    }

    fn say(&self, line: &str) {
        crate::progress::eprintln(self.bar.as_deref(), line);
    }

    /// Writes summary.json and returns how the run went.
    pub(crate) fn finish(mut self) -> BatchEnd {
        let summary = std::mem::take(&mut self.fleet).finish();
        let path = self.dir.join(SUMMARY);
        if let Err(e) = write_atomically(&path, |w| fleet::write(&summary, w))
        {
            self.say(&format!(
                "logsift: cannot write report ({e}): {}",
                path.display()
            ));
            self.end.write_failed = true;
        }
        self.end
    }

    fn write(&mut self, report: &Report, name: &str) {
        let path = self.dir.join(name);
        if let Err(e) = write_atomically(&path, |w| json::write(report, w)) {
            self.say(&format!(
                "logsift: cannot write report ({e}): {}",
                path.display()
            ));
            self.end.write_failed = true;
        }
    }
}

impl Sink for OutDir<'_> {
    fn input(&mut self, input: InputReport) {
        let display = input.path.clone();
        let mut builder = ReportBuilder::new(self.pack, vec![display.clone()])
            .redact(self.redact)
            .suppress(self.suppressions)
            .window(self.window.0, self.window.1);
        builder.input(input);
        let report = builder.finish();
        for line in report_problems(&report, self.report_incomplete) {
            self.say(&line);
        }
        let name = report_file_name(&display);
        self.write(&report, &name);
        match self.fleet.add_report(&report, &name) {
            Ok(_) => {}
            Err(e) => {
                self.say(&format!(
                    "logsift: cannot summarize ({e}): {display}"
                ));
                self.end.write_failed = true;
            }
        }
        let v = &mut self.end.verdict;
        v.worst = v.worst.max(report.worst_severity());
        v.errors |= report.has_errors();
        v.incomplete |= !report.incomplete().is_empty();
    }
}

/// Writes `path` through a temporary file renamed into place, so a
/// reader (or `merge`) never sees half a report.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let result = File::create(&tmp).and_then(|f| {
        let mut w = BufWriter::new(f);
        write(&mut w)?;
        w.flush()
    });
    match result.and_then(|()| fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// `logsift merge`: folds reports, one file at a time, into a summary.
pub(crate) fn merge(args: &MergeArgs) -> Outcome {
    let mut fleet = FleetBuilder::new();
    let mut failed = false;
    for path in &args.inputs {
        let files = match report_files(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("logsift: cannot read ({e}): {}", path.display());
                failed = true;
                continue;
            }
        };
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let added = fs::read(&file)
                .map_err(|e| format!("cannot read ({e})"))
                .and_then(|bytes| fleet.add_json(&bytes, &name));
            match added {
                Ok(duplicates) => {
                    for d in duplicates {
                        eprintln!(
                            "logsift: warning: input already merged, \
                             skipped: {d} in {}",
                            file.display()
                        );
                    }
                }
                Err(e) => {
                    eprintln!("logsift: {e}: {}", file.display());
                    failed = true;
                }
            }
        }
    }
    let summary = fleet.finish();
    let written = match &args.output {
        Some(p) if p.as_os_str() != "-" => File::create(p)
            .and_then(|f| fleet::write(&summary, BufWriter::new(f))),
        _ => fleet::write(&summary, BufWriter::new(io::stdout().lock())),
    };
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let to = args
                .output
                .as_ref()
                .map_or("standard output".to_string(), |p| {
                    p.display().to_string()
                });
            eprintln!("logsift: cannot write summary ({e}): {to}");
            failed = true;
        }
    }
    if failed { Outcome::Error } else { Outcome::Clean }
}

/// A report file as given, or the `*.json` files of a folder but its
/// summary, by name.
fn report_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    if !fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".json")
            && name != SUMMARY
            && entry.file_type()?.is_file()
        {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_are_safe_unique_and_stable() {
        let a = report_file_name("bundles/eks_i-1_2026.tar.gz");
        assert!(a.starts_with("eks_i-1_2026.tar.gz-"), "{a}");
        assert!(a.ends_with(".json"));
        assert_ne!(a, report_file_name("other/eks_i-1_2026.tar.gz"));
        assert_eq!(a, report_file_name("bundles/eks_i-1_2026.tar.gz"));
        assert!(report_file_name("-").starts_with("stdin-"));
        assert!(report_file_name("..").starts_with("_..-"));
        assert!(report_file_name("a/.hidden").starts_with("_.hidden-"));
        let odd = report_file_name("x/a b\u{e9}:c*?.log");
        assert!(odd.starts_with("a_b__c__.log-"), "{odd}");
        assert!(report_file_name(&"z".repeat(500)).len() < 130);
        // Fixed forever: shards and names must agree across versions.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn shards_parse_and_split_every_input_once() {
        let names: Vec<String> =
            (0..200).map(|i| format!("b/{i}.tgz")).collect();
        let mut sizes = Vec::new();
        for k in 1..=4 {
            sizes.push(names.iter().filter(|n| in_shard(n, (k, 4))).count());
        }
        assert_eq!(sizes.iter().sum::<usize>(), 200);
        assert!(sizes.iter().all(|&s| s > 20), "{sizes:?}");
    }
}
