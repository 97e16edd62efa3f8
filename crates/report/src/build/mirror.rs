//! Lines one input holds in several files, counted once: journald writes
//! the kubelet's lines to `kubelet/kubelet.log` and rsyslog copies them
//! into `var_log/messages`, so one failure shows in both. Per signature,
//! files are ranked (`messages` after every other, being the copy; then
//! most matching lines first, then by path); a line of a later file whose
//! mirror key an earlier file holds as often is a copy. The copy stays a finding, at its
//! own place, with how many of its lines are copies and of which file; it
//! adds nothing to counts, diagnoses or timelines.

use std::collections::{BTreeMap, HashMap};

use logsift_engine::FileFinding;
use logsift_signatures::SourceKind;

/// How many lines of one finding are copies, and of which file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Copies {
    /// Lines that repeat lines of an earlier-ranked file.
    pub(crate) lines: u64,
    /// The file most of them repeat.
    pub(crate) of: Option<String>,
}

/// For each of `findings` (one input's), in the same order, its copies.
pub(crate) fn copies(findings: &[FileFinding]) -> Vec<Copies> {
    let mut out = vec![Copies::default(); findings.len()];
    let mut by_sig: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.mirror_keys.as_ref().is_some_and(|k| !k.is_empty()) {
            by_sig.entry(f.signature).or_default().push(i);
        }
    }
    for mut group in by_sig.into_values().filter(|g| g.len() > 1) {
        group.sort_by(|&a, &b| {
            let rank = |f: &FileFinding| {
                (
                    f.source == SourceKind::Messages,
                    std::cmp::Reverse(f.count),
                    f.path.clone(),
                )
            };
            rank(&findings[a]).cmp(&rank(&findings[b]))
        });
        // Per key: the most times one file held it, and the first file.
        let mut seen: HashMap<u64, (u64, usize)> = HashMap::new();
        for &i in &group {
            let Some(keys) = &findings[i].mirror_keys else {
                continue;
            };
            let mut shared: BTreeMap<usize, u64> = BTreeMap::new();
            for run in keys.chunk_by(|a, b| a == b) {
                let n = run.len() as u64;
                let entry = seen.entry(run[0]).or_insert((0, i));
                let copied = n.min(entry.0);
                if copied > 0 {
                    *shared.entry(entry.1).or_default() += copied;
                }
                entry.0 = entry.0.max(n);
            }
            let lines = shared.values().sum();
            // Ties go to the better-ranked file, which comes first.
            let of = group
                .iter()
                .filter_map(|j| shared.get(j).map(|&n| (n, *j)))
                .fold(None, |best: Option<(u64, usize)>, (n, j)| match best {
                    Some((m, _)) if m >= n => best,
                    _ => Some((n, j)),
                })
                .map(|(_, j)| findings[j].path.clone());
            out[i] = Copies { lines, of };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::testutil::finding;

    fn keyed(
        sig: usize,
        path: &str,
        source: SourceKind,
        keys: &[u64],
    ) -> FileFinding {
        let mut f = finding(sig, path, keys.len() as u64, None, None);
        f.source = source;
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        f.mirror_keys = Some(keys);
        f
    }

    #[test]
    fn the_copy_in_messages_is_counted_once() {
        use SourceKind::{Kubelet, Messages};
        let findings = [
            keyed(0, "in!var_log/messages", Messages, &[1, 2, 3]),
            keyed(0, "in!kubelet/kubelet.log", Kubelet, &[1, 2, 3]),
            // Another signature's lines are not compared with these.
            keyed(1, "in!var_log/messages", Messages, &[1]),
        ];
        let c = copies(&findings);
        let kubelet = Some("in!kubelet/kubelet.log".to_string());
        assert_eq!(c[0], Copies { lines: 3, of: kubelet });
        assert_eq!(c[1], Copies::default());
        assert_eq!(c[2], Copies::default());
    }

    #[test]
    fn a_line_repeated_in_one_file_is_not_a_copy() {
        use SourceKind::{Kubelet, Messages};
        // Key 7 twice in the journal (two failures in one second), once
        // in messages; messages also holds lines the journal lost.
        let findings = [
            keyed(0, "in!kubelet/kubelet.log", Kubelet, &[7, 7, 8]),
            keyed(0, "in!var_log/messages", Messages, &[7, 9, 10, 11]),
        ];
        let c = copies(&findings);
        assert_eq!(c[0], Copies::default());
        let kubelet = Some("in!kubelet/kubelet.log".to_string());
        assert_eq!(c[1], Copies { lines: 1, of: kubelet });
        // Between files of the same rank, more lines rank first: the
        // second journal's 7 and 8 are copies, its second 7 its own.
        let journals = [
            keyed(0, "in!journalctl.errors", Kubelet, &[7, 7, 8]),
            keyed(0, "in!journalctl.log", Kubelet, &[7, 8, 9, 10]),
        ];
        let c = copies(&journals);
        let log = Some("in!journalctl.log".to_string());
        assert_eq!(c[0], Copies { lines: 2, of: log });
        assert_eq!(c[1], Copies::default());
    }

    #[test]
    fn a_finding_without_keys_is_left_as_is() {
        let mut lost = keyed(0, "in!a.log", SourceKind::Kubelet, &[1]);
        lost.mirror_keys = None;
        let findings = [lost, keyed(0, "in!b.log", SourceKind::Kubelet, &[1])];
        assert_eq!(copies(&findings), vec![Copies::default(); 2]);
    }
}
