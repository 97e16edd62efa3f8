//! The top of the engine: [`Scanner`] runs inputs through the walk, in
//! parallel, and hands each input's report to a [`Sink`].

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use logsift_signatures::{Matcher, SourceKind};
use rayon::prelude::*;

use crate::{
    bundle,
    config::Config,
    context::Context,
    model::{Input, InputKind, InputReport},
    progress::Progress,
    sniff, walk,
};

/// Receives the result of each input as soon as it is scanned.
///
/// Inputs finish in any order; a sink that needs a stable order sorts.
pub trait Sink {
    /// One input is done.
    fn input(&mut self, report: InputReport);
}

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

/// Whether the folder at `path` holds one extracted bundle (by its name,
/// or the folders a collector writes), so that a folder of such folders
/// can be taken as one input per bundle.
pub fn bundle_dir(path: &Path) -> bool {
    bundle::is_bundle_dir(path)
}

/// Scans inputs for signature hits.
///
/// Every scanned file gets a virtual path saying where it lives: the input
/// as named, then `!` and the member path for each archive entered, with
/// `/` separators and no leading `./`. A compressed file is read in place
/// and keeps its own name: `bundle.tar.gz!var_log/aws-routed-eni/ipamd-
/// 2024-01-01T00-00-00.000.log.gz`. A folder's files are joined with `/`.
pub struct Scanner<'m> {
    cx: Context<'m>,
}

impl std::fmt::Debug for Scanner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("matcher", &self.cx.matcher)
            .field("config", &self.cx.config)
            .finish_non_exhaustive()
    }
}

impl<'m> Scanner<'m> {
    /// A scanner using `matcher`, whose signature indices the findings
    /// refer to.
    pub fn new(matcher: &'m Matcher, config: Config) -> Scanner<'m> {
        Scanner { cx: Context::new(matcher, config) }
    }

    /// The same scanner, telling `progress` how it advances.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.cx.progress = progress;
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
            self.cx.progress.input_done();
        });
    }

    /// Scans one input and returns its report.
    pub fn scan_input(&self, input: &Input) -> InputReport {
        walk::scan_input(&self.cx, input)
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
        walk::scan_bytes(&self.cx, name, kind, data)
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
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
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
        assert_eq!(sink.0.len(), 2);
        assert_eq!(counts.inputs.load(Ordering::Relaxed), 2);
        // Compressed bytes as on disk, not what they expand to.
        let on_disk = gz.len() as u64 + 5 + 10;
        assert_eq!(counts.bytes.load(Ordering::Relaxed), on_disk);
    }

    #[test]
    fn archives_are_told_from_compressed_logs() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
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
        assert_eq!(archive_kind(dir).unwrap(), None);
    }
}
