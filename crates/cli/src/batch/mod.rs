//! Batch triage: many inputs, one report file each, and a fleet summary.
//!
//! With `--out-dir`, each input's report is built and written the moment
//! the engine hands it over, then dropped; only what `summary.json` shows
//! is kept (see [`logsift_report::fleet`]), so memory does not grow with
//! the number of inputs. `--shard K/N` splits the inputs between machines
//! by a hash of their paths, and `logsift merge` folds the runs' reports
//! into the summary one run would have written.

mod inputs;
mod merge;
mod outdir;

pub(crate) use self::{inputs::expand, merge::merge, outdir::OutDir};

/// The summary's file name in an out-dir; no input's report takes it, as
/// theirs end in a hash.
pub(crate) const SUMMARY: &str = "summary.json";
/// The fleet summary as a page for people, beside it.
pub(crate) const SUMMARY_HTML: &str = "summary.html";

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
