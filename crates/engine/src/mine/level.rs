//! Which lines are errors in their own format: the level a line carries
//! (klog's letter, a zap or logfmt `level`, hclog's `[ERROR]`) decides;
//! a line without one is an error when it says so in the words tools
//! print for failures (`ERROR`, `Error:`, `fatal:`, systemd's `Failed
//! to`, a kernel's `I/O error`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use logsift_signatures::SourceKind;

/// Substrings one of which nearly every error line holds, searched for in
/// the same pass as the signatures' literals: lines without one cost
/// nothing more. Each line holding one is then checked by [`is_error`].
/// They are chosen to be rare in healthy lines, since every line holding
/// one costs a closer look: klog's level letter after a journal prefix or
/// in a container log, the error levels of zap and logfmt, capitalised
/// words. A klog line at the very start of a line (a plain klog file) is
/// found by a capitalised word or by `] failed`; one without either is
/// missed, and so is a kernel's lowercase `I/O error` unless another word
/// is on its line: probes holding `error` made the needle search look at
/// every `error` of every healthy line (1.41x the instructions of a scan
/// without mining, against 1.32x without them).
pub const PROBES: &[&str] = &[
    ": E0",
    ": E1",
    ": F0",
    ": F1",
    " F E0",
    " F E1",
    " F F0",
    " F F1",
    "] failed",
    "level\":\"error",
    "level\":\"fatal",
    "level\":\"panic",
    "level\":\"dpanic",
    "level=error",
    "level=fatal",
    "level=panic",
    "level=\"error",
    "lvl=error",
    "ERROR",
    "FATAL",
    "Error",
    "fatal:",
    "panic:",
    "UNREACHABLE!",
    "Failed",
];

/// How far into a line a level is looked for: past a journal or
/// container log prefix, not into the message.
const HEADER: usize = 160;

/// Whether `line`, from a file of `kind`, is an error in its own format.
pub(crate) fn is_error(line: &[u8], kind: SourceKind) -> bool {
    match level(line) {
        Some(level) => matches!(level, Level::Error | Level::Fatal),
        None => says_error(line, kind),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Other,
    Error,
    Fatal,
}

/// The keys that say a line's level: a JSON field, a logfmt field, an
/// hclog tag.
static KEYS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build([
            "\"level\":\"",
            "\"severity\":\"",
            "level=",
            "lvl=",
            "[ERROR]",
            "[WARN]",
            "[INFO]",
            "[DEBUG]",
            "[TRACE]",
        ])
        .expect("a few short literals build")
});

/// The level the line carries, if it carries one: klog's letter in its
/// header, else the first key that says one, in one search of the line.
fn level(line: &[u8]) -> Option<Level> {
    let head = &line[..line.len().min(HEADER)];
    if let Some(letter) = klog_letter(head) {
        return Some(match letter {
            b'E' => Level::Error,
            b'F' => Level::Fatal,
            _ => Level::Other,
        });
    }
    for m in KEYS.find_iter(line) {
        let after = &line[m.end()..];
        let field_start = m.start() == 0 || line[m.start() - 1] == b' ';
        match m.pattern().as_usize() {
            0 | 1 => {
                let end = memchr::memchr(b'"', after)?;
                return Some(named(&after[..end]));
            }
            2 | 3 if field_start => {
                let v = after.strip_prefix(b"\"").unwrap_or(after);
                let end = v
                    .iter()
                    .position(|&b| b == b' ' || b == b'"')
                    .unwrap_or(v.len());
                return Some(named(&v[..end]));
            }
            4 if m.start() < HEADER => return Some(Level::Error),
            5.. if m.start() < HEADER => return Some(Level::Other),
            _ => {}
        }
    }
    None
}

fn named(v: &[u8]) -> Level {
    let v = v.to_ascii_lowercase();
    match v.as_slice() {
        b"error" | b"err" | b"eror" | b"crit" | b"critical" | b"alert" => {
            Level::Error
        }
        b"fatal" | b"panic" | b"dpanic" | b"emerg" => Level::Fatal,
        _ => Level::Other,
    }
}

/// The value after `key` in `line`, up to `end`.
fn value_after<'l>(line: &'l [u8], key: &[u8], end: u8) -> Option<&'l [u8]> {
    let at = memchr::memmem::find(line, key)? + key.len();
    let rest = &line[at..];
    let len = memchr::memchr(end, rest)?;
    Some(&rest[..len])
}

/// The level letter of a klog header (`E1121 10:39:03.000000`) at the
/// line start, or after a journal or container log prefix.
fn klog_letter(head: &[u8]) -> Option<u8> {
    klog_start(head).map(|at| head[at])
}

/// Where a klog header starts in `head`.
fn klog_start(head: &[u8]) -> Option<usize> {
    (0..head.len()).find(|&at| {
        let starts = at == 0 || head[at - 1] == b' ';
        let rest = &head[at + 1..];
        starts
            && matches!(head[at], b'I' | b'W' | b'E' | b'F')
            && rest.len() >= 8
            && rest[..4].iter().all(u8::is_ascii_digit)
            && rest[4] == b' '
            && rest[5..7].iter().all(u8::is_ascii_digit)
            && rest[7] == b':'
    })
}

/// The words that make a line without a level an error.
static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "ERROR",
        "FATAL",
        "Error:",
        "error:",
        "fatal:",
        "panic:",
        "UNREACHABLE!",
        "Failed to ",
        "Failed with result",
    ])
    .expect("a few short literals build")
});

/// What the kernel says of a failed device or file system.
static KERNEL: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["I/O error", "-fs error"])
        .expect("a few short literals build")
});

/// Whether a line without a level says it failed.
fn says_error(line: &[u8], kind: SourceKind) -> bool {
    if WORDS.is_match(line) {
        return true;
    }
    // The kernel says `I/O error`, `EXT4-fs error (device ...)`.
    matches!(kind, SourceKind::Dmesg | SourceKind::Journal)
        && KERNEL.is_match(line)
}

/// The message of a line: what follows its time, host, process and level
/// (a journal prefix, a klog header, a container log prefix), or the
/// `msg` of a zap or logfmt line; the line itself when it has none.
pub(crate) fn message(line: &[u8]) -> &[u8] {
    if let Some(m) = value_after(line, b"\"msg\":\"", b'"')
        .or_else(|| value_after(line, b"msg=\"", b'"'))
    {
        return m;
    }
    let head = &line[..line.len().min(HEADER)];
    if let Some(at) = klog_start(head)
        && let Some(end) = memchr::memmem::find(&line[at..], b"] ")
    {
        return &line[at + end + 2..];
    }
    // A journal or syslog prefix: `Nov 21 10:39:03 host proc[pid]: `.
    let month = head.len() > 16
        && head[..3].iter().all(u8::is_ascii_alphabetic)
        && head[3] == b' ';
    if month && let Some(end) = memchr::memmem::find(head, b": ") {
        return &line[end + 2..];
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: &str) -> bool {
        is_error(line.as_bytes(), SourceKind::Unknown)
    }

    #[test]
    fn the_level_a_line_carries_decides() {
        assert!(error("E1121 10:39:03.000000    3012 x.go:1] boom"));
        assert!(error(
            "Nov 21 10:39:03 ip-10-0-1-2 kubelet[3012]: F1121 10:39:03.000000    3012 x.go:1] dead"
        ));
        assert!(!error(
            "Nov 21 10:39:03 ip-10-0-1-2 kubelet[3012]: I1121 10:39:03.000000    3012 x.go:1] error: none, Failed to nothing"
        ));
        assert!(error(r#"{"level":"error","ts":"2026","msg":"x"}"#));
        assert!(!error(r#"{"level":"info","msg":"ERROR words inside"}"#));
        assert!(error(r#"time="2026-11-21" level=error msg="x""#));
        assert!(!error(r#"time="2026-11-21" level=info msg="Error: quoted""#));
        assert!(error("2026-11-21T10:39:03.000Z [ERROR] provider: boom"));
        assert!(!error(
            "2026-11-21T10:39:03.000Z [INFO] provider: Error: quoted"
        ));
    }

    #[test]
    fn a_line_without_a_level_is_an_error_by_its_words() {
        assert!(error("Error: creating EKS Node Group: timeout"));
        assert!(error("fatal: [10.0.1.2]: UNREACHABLE! => {}"));
        assert!(error("systemd[1]: Failed to start kubelet.service"));
        assert!(!error("systemd[1]: Started kubelet.service"));
        assert!(!error("an error in a command's output"));
        assert!(is_error(
            b"[  12.3] blk_update_request: I/O error, dev nvme1n1",
            SourceKind::Dmesg
        ));
    }

    #[test]
    fn every_word_that_makes_an_error_is_a_probe() {
        for line in [
            "Nov 21 10:39:03 ip-1 kubelet[1]: E1121 10:39:03.000000 1 x.go:1] boom",
            "E1121 10:39:03.000000    3012 x.go:1] failed to boom",
            "2026-11-21T10:39:03Z stderr F E1121 10:39:03.000000 1 x.go:1] boom",
            r#"{"level":"error","msg":"x"}"#,
            "level=error msg=x",
            "Error: x",
            "fatal: x",
            "Failed to start x",
        ] {
            assert!(
                PROBES.iter().any(|p| line.contains(p)),
                "no probe finds {line:?}"
            );
        }
    }
}
