//! Small hand-made engine results for the build stages' tests.

use logsift_engine::{Evidence, FileFinding, InputKind, InputReport};
use logsift_signatures::{Pack, SourceKind};

/// A pack of three signatures (`a-error`, `b-warning`, `c-marker`) and a
/// diagnosis `a-and-b` needing the first two within ten minutes.
pub(crate) fn pack() -> Pack {
    let mut pack = Pack::new();
    let sig = |id: &str, sev: &str, extra: &str| {
        format!(
            "[[signature]]\nid = \"{id}\"\ntitle = \"T {id}\"\n\
             severity = \"{sev}\"\nsources = [\"kubelet\"]\n\
             patterns = [\"{id} happened\"]\nfix = \"fix {id}\"\n{extra}\n"
        )
    };
    let text = format!(
        "{}{}{}{}[[diagnosis]]\nid = \"a-and-b\"\ntitle = \"A and B\"\n\
         severity = \"critical\"\nall_of = [\"a-error\", \"b-warning\"]\n\
         within = \"10m\"\nfix = \"fix both\"\n\
         [[diagnosis]]\nid = \"c-d-differ\"\ntitle = \"C and D differ\"\n\
         severity = \"error\"\ncounts_differ = [\"c-marker\", \"d-marker\"]\n\
         fix = \"fix the count\"\n",
        sig("a-error", "error", ""),
        sig("b-warning", "warning", ""),
        sig("c-marker", "info", "marker = true"),
        sig("d-marker", "info", "marker = true"),
    );
    pack.add_toml("t.toml", &text).expect("test pack");
    pack
}

/// A finding of signature `sig` in `path`.
pub(crate) fn finding(
    sig: usize,
    path: &str,
    count: u64,
    first: Option<&str>,
    last: Option<&str>,
) -> FileFinding {
    let time = |t: Option<&str>| t.map(|t| t.parse().expect("time"));
    FileFinding {
        signature: sig,
        path: path.to_string(),
        source: SourceKind::Kubelet,
        message: None,
        first_seen: time(first),
        last_seen: time(last),
        count,
        first_line: 1,
        last_line: count,
        evidence: vec![Evidence {
            line: 1,
            text: format!("line of {sig} key=AKIAIOSFODNN7EXAMPLE"),
            truncated: false,
        }],
        mirror_keys: None,
        peak: None,
    }
}

/// An input named `path` holding `findings`, its kubelet log read.
pub(crate) fn input(path: &str, findings: Vec<FileFinding>) -> InputReport {
    InputReport {
        path: path.to_string(),
        kind: InputKind::Directory,
        bundle: Default::default(),
        files_scanned: 1,
        bytes_scanned: 100,
        skipped: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        unrecognized: Default::default(),
        findings,
        coverage: vec![logsift_engine::SourceCoverage {
            kind: SourceKind::Kubelet,
            status: logsift_engine::SourceStatus::Present,
            expected: true,
            files: 1,
            bytes: 100,
        }],
        classified: vec![logsift_engine::ClassifiedFile {
            path: format!("{path}/kubelet/kubelet.log"),
            kind: SourceKind::Kubelet,
            by: logsift_engine::KindReason::Path,
        }],
    }
}
