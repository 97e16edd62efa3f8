//! A harness for the engine's own tests: one case (a log at a path inside
//! a bundle) scanned in every container the walk reads (a loose file in a
//! folder, gzip, tar.gz, zip, standard input's stream path) and on one
//! and on four threads (the gzip read-ahead runs on a spare thread only),
//! with the findings of every run required to be the same. Built after
//! ripgrep's `SearcherTester`, which runs one search through every
//! searcher configuration.

use logsift_fixtures::{Entry, gzip, tar_gz, zip};
use logsift_signatures::Pack;

use crate::{
    config::Config,
    model::{Input, InputReport},
    scanner::Scanner,
};

/// What one finding comes to, its input's name taken out of its path:
/// (signature id, path inside the input, lines, first line, last line,
/// first seen, last seen, evidence lines).
pub(crate) type Seen =
    (String, String, u64, u64, u64, Option<String>, Option<String>, Vec<u64>);

/// One case, run every way.
pub(crate) struct ScanTester {
    /// Where the log sits inside the bundle (`kubelet/kubelet.log`).
    path: String,
    text: Vec<u8>,
    config: Config,
}

impl ScanTester {
    /// The log `text` at `path` inside a bundle.
    pub(crate) fn new(path: &str, text: impl Into<Vec<u8>>) -> ScanTester {
        ScanTester {
            path: path.to_string(),
            text: text.into(),
            config: Config::default(),
        }
    }

    /// Scans with `config` instead of the defaults.
    pub(crate) fn config(mut self, config: Config) -> ScanTester {
        self.config = config;
        self
    }

    /// Runs every container on one and on four threads; panics, naming
    /// both runs, when two disagree. Returns the findings.
    pub(crate) fn test(&self) -> Vec<Seen> {
        let pack = Pack::embedded().expect("built-in pack");
        let matcher = pack.compile();
        let tmp = tempfile::tempdir().expect("temp dir");
        let entry = |path: String| Entry { path, data: self.text.clone() };
        let files = [
            (format!("loose/{}", self.path), self.text.clone()),
            (format!("gz/{}.gz", self.path), gzip(&self.text)),
            (
                "b.tar.gz".to_string(),
                tar_gz(&[entry(format!("./{}", self.path))]),
            ),
            ("b.zip".to_string(), zip(&[entry(self.path.clone())])),
        ];
        let mut inputs = Vec::new();
        for (rel, data) in files {
            let at = tmp.path().join(&rel);
            let parent = at.parent().expect("a parent");
            std::fs::create_dir_all(parent).expect("mkdir");
            std::fs::write(&at, data).expect("write");
            let top = rel.split('/').next().expect("a first part");
            inputs.push(Input::Path(tmp.path().join(top)));
        }
        inputs.dedup();
        let mut runs: Vec<(String, Vec<Seen>)> = Vec::new();
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let scanner = Scanner::new(&matcher, self.config.clone());
            for input in &inputs {
                let report = pool.install(|| scanner.scan_input(input));
                let name = format!("{} on {threads} threads", input.display());
                runs.push((name, seen(&pack, &report)));
            }
        }
        let (first, want) = &runs[0];
        for (name, got) in &runs[1..] {
            assert_eq!(got, want, "{name} differs from {first}");
        }
        want.clone()
    }
}

/// `report`'s findings, comparable across containers.
fn seen(pack: &Pack, report: &InputReport) -> Vec<Seen> {
    let mut out: Vec<Seen> = report
        .findings
        .iter()
        .map(|f| {
            let inner = f
                .path
                .rsplit_once('!')
                .map_or_else(|| f.path.as_str(), |(_, p)| p)
                .trim_end_matches(".gz");
            let inner = inner
                .strip_prefix(&report.path)
                .unwrap_or(inner)
                .trim_start_matches('/');
            (
                pack.signatures()[f.signature].id.clone(),
                inner.to_string(),
                f.count,
                f.first_line,
                f.last_line,
                f.first_seen.map(|t| t.to_string()),
                f.last_seen.map(|t| t.to_string()),
                f.evidence.iter().map(|e| e.line).collect(),
            )
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOURNAL: &str = "Nov 21 11:50:02 ip-10-0-1-2 kubelet[3012]: \
        E1121 11:50:02.000000    3012 x.go:1] Get \"https://api\": \
        net/http: TLS handshake timeout\n\
        Nov 21 11:50:07 ip-10-0-1-2 kubelet[3012]: E1121 11:50:07.123400 \
        3012 kubelet.go:2373] \"Container runtime network not ready\" \
        networkReady=\"NetworkReady=false reason:NetworkPluginNotReady \
        message:Network plugin returns error: cni plugin not initialized\"\n";

    #[test]
    fn a_kubelet_journal_is_found_alike_in_every_container() {
        let got = ScanTester::new("kubelet/kubelet.log", JOURNAL).test();
        let ids: Vec<&str> = got.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(ids, ["network-plugin-not-ready", "tls-handshake-timeout"]);
        assert!(got.iter().all(|s| s.1 == "kubelet/kubelet.log"), "{got:?}");
        assert!(got.iter().all(|s| s.5.is_some()), "times read: {got:?}");
    }

    #[test]
    fn small_chunks_and_long_lines_change_nothing() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!(
                "filler line {i} {}\n",
                "x".repeat(i % 97)
            ));
            if i % 37 == 0 {
                text.push_str(JOURNAL);
            }
        }
        text.push_str(&"y".repeat(5000));
        text.push_str(" net/http: TLS handshake timeout\n");
        let whole =
            ScanTester::new("kubelet/kubelet.log", text.clone()).test();
        let small = Config {
            chunk_size: 64,
            max_line_bytes: 1024,
            ..Config::default()
        };
        let chunked =
            ScanTester::new("kubelet/kubelet.log", text).config(small).test();
        assert_eq!(chunked, whole);
        assert_eq!(whole.iter().map(|s| s.2).sum::<u64>(), 2 * 9 + 1);
    }
}
