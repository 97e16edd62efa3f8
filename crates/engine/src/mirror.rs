//! Keys that tell a journal line from its copies in other files.
//!
//! journald hands the kubelet's lines to `kubelet/kubelet.log` and rsyslog
//! copies the same lines into `var_log/messages`; Bottlerocket's
//! `journalctl.errors` repeats lines of its `journalctl.log`. Each matching
//! line that carries a journal prefix gets a key from its time to the
//! second (the plainest of the formats keeps no more), its process name
//! without the pid (rsyslog may drop it) and its message. The host is left
//! out: one file names it in full, the other by its first label. The
//! report counts a key found in several files once.

use std::hash::{DefaultHasher, Hash, Hasher};

use jiff::Timestamp;

use crate::time::after_journal_time;

/// The most keys one file's finding holds; past it, the finding is left
/// out of the comparison (and says so) rather than memory growing with
/// the input.
pub(crate) const MAX_KEYS: usize = 1 << 17;

/// The key of `line`, stamped `time`, when it has the shape
/// `<time> <host> <process>[<pid>]: <message>`.
pub(crate) fn key(line: &[u8], time: Timestamp) -> Option<u64> {
    let rest = after_journal_time(line)?.trim_ascii_start();
    let host_end = rest.iter().position(|&b| b == b' ')?;
    let rest = &rest[host_end + 1..];
    let colon = rest.iter().position(|&b| b == b':')?;
    let tag = &rest[..colon];
    let process = match tag.iter().position(|&b| b == b'[') {
        Some(open) if tag.ends_with(b"]") => &tag[..open],
        _ => tag,
    };
    if process.is_empty() || process.contains(&b' ') {
        return None;
    }
    let message = rest[colon + 1..].trim_ascii();
    let mut h = DefaultHasher::new();
    time.as_second().hash(&mut h);
    process.hash(&mut h);
    message.hash(&mut h);
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("time")
    }

    const T: &str = "2026-11-21T09:15:07Z";

    #[test]
    fn journal_and_rsyslog_copies_share_a_key() {
        let msg = "E1121 09:15:07.123456    4191 kubelet_node_status.go:383] \
                   Error updating node status, will retry";
        let journal = format!(
            "Nov 21 09:15:07 ip-10-0-12-34.us-west-2.compute.internal \
             kubelet[4191]: {msg}"
        );
        let syslog = format!("Nov 21 09:15:07 ip-10-0-12-34 kubelet: {msg}");
        let precise = format!(
            "Nov 21 09:15:07.123456 ip-10-0-12-34 kubelet[4191]: {msg}"
        );
        let iso = format!(
            "2026-11-21T09:15:07.442123+0000 i-0abc.ec2.internal \
             kubelet[4191]: {msg}"
        );
        let k = key(journal.as_bytes(), at(T));
        assert!(k.is_some());
        assert_eq!(key(syslog.as_bytes(), at(T)), k);
        assert_eq!(key(precise.as_bytes(), at(T)), k);
        assert_eq!(key(iso.as_bytes(), at(T)), k);
        // Another second, process or message is another line.
        let later = at("2026-11-21T09:15:08Z");
        assert_ne!(key(journal.as_bytes(), later), k);
        let other = journal.replace("kubelet[4191]", "containerd[4191]");
        assert_ne!(key(other.as_bytes(), at(T)), k);
        let text = journal.replace("will retry", "gave up");
        assert_ne!(key(text.as_bytes(), at(T)), k);
    }

    #[test]
    fn lines_of_other_shapes_have_no_key() {
        for line in [
            "E1121 09:15:07.123456    4191 kubelet.go:1] no journal prefix",
            "{\"level\":\"error\",\"ts\":\"2026-11-21T09:15:07.000Z\"}",
            "2026-11-21T09:15:07Z stderr F some CRI line",
            "Nov 21 09:15:07 host",
            "Nov 21 09:15:07 host two words: not a process",
            "free text mentioning Nov 21 09:15:07 host kubelet: x",
        ] {
            assert_eq!(key(line.as_bytes(), at(T)), None, "{line}");
        }
    }
}
