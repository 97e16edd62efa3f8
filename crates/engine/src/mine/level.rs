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
///
/// These are the probes of a file of no one [`Format`]; a file whose
/// lines all say their level in one place has it read there instead
/// (see [`Format::is_error`]).
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

/// The line formats that say every line's level in one place, so that
/// their error lines are found by reading it there in every line. Each
/// probe costs the needle search room and hits: with every probe, a
/// kubelet journal took 1.5 times the instructions of a scan without
/// mining; with four klog probes it took from 1.0 to 1.37 times as the
/// pack's other literals changed the needles chosen; reading each line's
/// header where the last line had it costs a steady 1.27.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// No one format: every probe.
    Any,
    /// A journal of a klog writer (`kubelet[3012]: E1121 ...`), with the
    /// unit's own lines from systemd.
    JournalKlog,
    /// zap's JSON (`{"level":"error",...}`): the VPC CNI's logs.
    Zap,
    /// logfmt (`level=error msg=...`), in a journal or not: containerd.
    Logfmt,
}

impl Format {
    /// The probes a file of this format is searched for, as an index into
    /// [`PROBE_SETS`].
    pub(crate) fn probe_set(self) -> usize {
        match self {
            Format::Any => 0,
            Format::JournalKlog | Format::Zap | Format::Logfmt => 1,
        }
    }

    /// Whether this format's error lines are told by reading every line's
    /// level ([`Format::is_error`]) rather than by probes.
    pub(crate) fn reads_every_level(self) -> bool {
        self != Format::Any
    }

    /// Whether `line`, of a file of this format, is an error: its level
    /// read where the format keeps it; a line without one (a Go panic, a
    /// systemd line) as [`is_error`] tells. `hint` is where the last
    /// line's klog header or logfmt level key was: a journal's prefixes
    /// are mostly of one length, so it is looked for there first.
    pub(crate) fn is_error(
        self,
        line: &[u8],
        kind: SourceKind,
        hint: &mut usize,
    ) -> bool {
        let head = &line[..line.len().min(HEADER)];
        let error = match self {
            Format::JournalKlog => klog_header(head, hint)
                .map(|at| matches!(head[at], b'E' | b'F')),
            Format::Zap => {
                line.strip_prefix(b"{\"level\":\"").map(error_value)
            }
            Format::Logfmt => logfmt_level(line, hint).map(error_value),
            Format::Any => None,
        };
        error.unwrap_or_else(|| is_error(line, kind))
    }
}

/// Where the klog header after a journal prefix starts in `head`: at
/// `hint` (where the last line's was), else after the prefix's `: `.
fn klog_header(head: &[u8], hint: &mut usize) -> Option<usize> {
    if is_klog_header(head, *hint) {
        return Some(*hint);
    }
    let at = pair(head, b':')? + 2;
    is_klog_header(head, at).then(|| {
        *hint = at;
        at
    })
}

/// The value of a logfmt line's `level`, looked for in its head, at
/// `hint` (where the last line's key was) first.
fn logfmt_level<'l>(line: &'l [u8], hint: &mut usize) -> Option<&'l [u8]> {
    const KEY: &[u8] = b" level=";
    let head = &line[..line.len().min(HEADER)];
    let at = if head.get(*hint..*hint + KEY.len()) == Some(KEY) {
        *hint + KEY.len()
    } else if let Some(at) = LOGFMT_LEVEL.find(head) {
        *hint = at;
        at + KEY.len()
    } else {
        head.starts_with(b"level=").then_some(6)?
    };
    let v = &line[at..];
    Some(v.strip_prefix(b"\"").unwrap_or(v))
}

/// Whether a zap or logfmt level value (what follows the key) is error or
/// worse: `error`, `fatal`, `panic`, `dpanic`, in any case zap writes.
fn error_value(v: &[u8]) -> bool {
    matches!(
        v,
        [b'e' | b'f' | b'p' | b'E' | b'F' | b'P', ..] | [b'd', b'p', ..]
    )
}

/// Whether a klog header (`E1121 10:39:03`) starts at `at` in `head`.
fn is_klog_header(head: &[u8], at: usize) -> bool {
    match head.get(at..at + 9) {
        Some([level, date @ .., b' ', h0, h1, b':']) if date.len() == 4 => {
            matches!(level, b'I' | b'W' | b'E' | b'F')
                && date.iter().chain([h0, h1]).all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// logfmt's level key, as a field of its own.
static LOGFMT_LEVEL: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b" level="));

/// The probes of each [`Format::probe_set`]: what `Matcher::with_probes`
/// takes.
pub const PROBE_SETS: &[&[&str]] = &[PROBES, &[]];

/// How many of a file's first lines decide its [`Format`].
const SAMPLE: usize = 20;

/// The format of a file whose first bytes are `head`: the one all its
/// first lines are in. A file that changes format further on has the
/// lines of the other format read as the chosen format's, and judged by
/// their words where they have no level there.
pub(crate) fn format(head: &[u8]) -> Format {
    let mut found: Option<Format> = None;
    // The one writer of a klog journal, and whether a line of another
    // writer's (a syslog of many daemons) was seen.
    let mut writer: Option<&[u8]> = None;
    let mut others = false;
    let lines = head.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    for line in lines.take(SAMPLE) {
        let Some(seen) = line_format(line) else { continue };
        let f = match seen {
            Seen::Format(f) => f,
            Seen::Journal { process, klog } => {
                match writer {
                    None => writer = Some(process),
                    Some(w) => others |= w != process,
                }
                if !klog {
                    continue;
                }
                Format::JournalKlog
            }
        };
        if found.is_some_and(|g| g != f) {
            return Format::Any;
        }
        found = Some(f);
    }
    match found {
        Some(Format::JournalKlog) if others => Format::Any,
        Some(f) => f,
        None => Format::Any,
    }
}

/// What one line says of its file's format.
enum Seen<'l> {
    Format(Format),
    /// A journal line of `process` (not systemd's), with a klog header
    /// or without (the kubelet's `Flag --... has been deprecated` at
    /// start): the second is as much a klog journal's as the first if
    /// one writer wrote both.
    Journal {
        process: &'l [u8],
        klog: bool,
    },
}

/// The format of one line: where it says its level, if in one of the
/// places a [`Format`] names; `None` for a line that any journal may
/// hold: journalctl's `-- ` notes, and systemd's own lines about the
/// unit. Lines without a level further on are judged by their words.
fn line_format(line: &[u8]) -> Option<Seen<'_>> {
    let head = &line[..line.len().min(HEADER)];
    if line.starts_with(b"{\"level\":\"") {
        return Some(Seen::Format(Format::Zap));
    }
    if line.starts_with(b"-- ") {
        return None;
    }
    if memchr::memmem::find(head, b" level=").is_some()
        || head.starts_with(b"level=")
        || head.starts_with(b"time=")
    {
        return Some(Seen::Format(Format::Logfmt));
    }
    let Some(process) = journal_process(head) else {
        return Some(Seen::Format(Format::Any));
    };
    if process == b"systemd" {
        return None;
    }
    // A klog header after the journal prefix: `kubelet[3012]: I1121`.
    let klog = klog_start(head)
        .is_some_and(|at| at >= 2 && &head[at - 2..at] == b": ");
    Some(Seen::Journal { process, klog })
}

/// The process of a journal or syslog line (`Nov 21 10:39:03 host
/// kubelet[3012]: ` or `... host kubelet: `).
fn journal_process(head: &[u8]) -> Option<&[u8]> {
    if !journal_prefixed(head) {
        return None;
    }
    let after_time = &head[16..];
    let host_end = memchr::memchr(b' ', after_time)?;
    let rest = &after_time[host_end + 1..];
    let end = rest.iter().position(|&b| b == b'[' || b == b':')?;
    Some(&rest[..end])
}

/// Whether `head` starts with a journal or syslog prefix:
/// `Nov 21 10:39:03 host proc[pid]: `.
fn journal_prefixed(head: &[u8]) -> bool {
    head.len() > 16
        && head[..3].iter().all(u8::is_ascii_alphabetic)
        && head[3] == b' '
        && pair(&head[15..], b':').is_some()
}

/// Where `b` followed by a space first is in `s`: the separators of a
/// journal prefix (`: `) and a klog header (`] `). A two-byte needle
/// costs memmem more to set up than to find.
fn pair(s: &[u8], b: u8) -> Option<usize> {
    memchr::memchr_iter(b, s).find(|&at| s.get(at + 1) == Some(&b' '))
}

/// The message of `line`, from a file of `kind`, if it is an error in its
/// own format: a klog line's header is looked for once for both.
pub(crate) fn error_message(line: &[u8], kind: SourceKind) -> Option<&[u8]> {
    let head = &line[..line.len().min(HEADER)];
    if let Some(at) = klog_start(head) {
        return matches!(head[at], b'E' | b'F').then(|| after_klog(line, at));
    }
    is_error(line, kind).then(|| message(line))
}

/// What follows the klog header starting at `at`; the line itself if the
/// header has no end.
fn after_klog(line: &[u8], at: usize) -> &[u8] {
    pair(&line[at..], b']').map_or(line, |end| &line[at + end + 2..])
}

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

/// The keys of a message in zap's JSON and in logfmt, built once: a
/// finder built at each call cost more than the search.
static MSG_KEYS: LazyLock<[memchr::memmem::Finder<'static>; 2]> =
    LazyLock::new(|| {
        [
            memchr::memmem::Finder::new(b"\"msg\":\""),
            memchr::memmem::Finder::new(b"msg=\""),
        ]
    });

/// The value after `key` in `line`, up to the closing quote.
fn quoted_after<'l>(
    line: &'l [u8],
    key: &memchr::memmem::Finder<'_>,
) -> Option<&'l [u8]> {
    let at = key.find(line)? + key.needle().len();
    let rest = &line[at..];
    let len = memchr::memchr(b'"', rest)?;
    Some(&rest[..len])
}

/// The level letter of a klog header (`E1121 10:39:03.000000`) at the
/// line start, or after a journal or container log prefix.
fn klog_letter(head: &[u8]) -> Option<u8> {
    klog_start(head).map(|at| head[at])
}

/// Where a klog header starts in `head`: at its start or after a space.
fn klog_start(head: &[u8]) -> Option<usize> {
    let after_spaces = memchr::memchr_iter(b' ', head).map(|at| at + 1);
    std::iter::once(0).chain(after_spaces).find(|&at| is_klog_header(head, at))
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
    // A klog header first: its message is what follows it, even where
    // it quotes a `msg="` of another writer's.
    let head = &line[..line.len().min(HEADER)];
    if let Some(at) = klog_start(head)
        && pair(&line[at..], b']').is_some()
    {
        return after_klog(line, at);
    }
    let [json, logfmt] = &*MSG_KEYS;
    if let Some(m) =
        quoted_after(line, json).or_else(|| quoted_after(line, logfmt))
    {
        return m;
    }
    if journal_prefixed(head)
        && let Some(end) = pair(head, b':')
    {
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
    fn a_file_s_first_lines_choose_its_probes() {
        let kubelet = "-- Logs begin at Fri 2026-11-20 10:00:03 UTC. --
Nov 20 10:00:38 ip-1 systemd[1]: Starting Kubernetes Kubelet...
Nov 20 10:00:38 ip-1 kubelet[3012]: Flag --container-runtime-endpoint has been deprecated
Nov 20 10:00:38 ip-1 kubelet[3012]: I1120 10:00:38.000000    3012 server.go:1] start
Nov 20 10:00:39 ip-1 kubelet[3012]: E1120 10:00:39.000000    3012 kubelet.go:2] boom
";
        assert_eq!(format(kubelet.as_bytes()), Format::JournalKlog);
        let ipamd = r#"{"level":"info","ts":"2026","caller":"a.go:1","msg":"x"}
{"level":"debug","ts":"2026","caller":"a.go:1","msg":"y"}
"#;
        assert_eq!(format(ipamd.as_bytes()), Format::Zap);
        let containerd = "Nov 20 10:00:33 ip-1 systemd[1]: Starting containerd...
Nov 20 10:00:33 ip-1 containerd[2900]: time=\"2026-11-20T10:00:33Z\" level=info msg=\"starting\"
";
        assert_eq!(format(containerd.as_bytes()), Format::Logfmt);
        // Lines of several formats, a plain klog file, a cut last line,
        // nothing at all: every probe.
        let syslog = "Nov 20 10:00:03 ip-1 kernel: Linux version 5.10.219
Nov 20 10:00:38 ip-1 kubelet: I1120 10:00:38.000000    3012 server.go:1] start
Nov 20 10:00:39 ip-1 dhclient[2100]: DHCPACK from 10.0.0.1
";
        assert_eq!(format(syslog.as_bytes()), Format::Any);
        let mixed = format!("{kubelet}{ipamd}");
        assert_eq!(format(mixed.as_bytes()), Format::Any);
        let plain = "I1120 10:00:38.000000    3012 server.go:1] start\n";
        assert_eq!(format(plain.as_bytes()), Format::Any);
        assert_eq!(format(&kubelet.as_bytes()[..60]), Format::Any);
        assert_eq!(format(b""), Format::Any);
        // Each format finds its error lines: by its probes, or by reading
        // every line's level.
        for (f, line) in [
            (
                Format::JournalKlog,
                "Nov 20 10:00:39 ip-1 kubelet[1]: E1120 10:00:39.0 1 k.go:2] x",
            ),
            (
                Format::JournalKlog,
                "Nov 20 10:00:39 ip-1 systemd[1]: kubelet.service: Failed with result 'exit-code'.",
            ),
            (
                Format::JournalKlog,
                "Nov 20 10:00:39 ip-1 kubelet[1]: panic: runtime error: index out of range",
            ),
            (Format::Zap, r#"{"level":"error","ts":"2026","msg":"x"}"#),
            (Format::Zap, r#"{"level":"dpanic","ts":"2026","msg":"x"}"#),
            (Format::Zap, "panic: runtime error: index out of range"),
            (
                Format::Logfmt,
                "containerd[1]: time=\"2026\" level=error msg=\"x\"",
            ),
            (Format::Logfmt, "level=fatal msg=\"x\""),
            (
                Format::Logfmt,
                "systemd[1]: containerd.service: Failed with result 'exit-code'.",
            ),
        ] {
            assert!(
                f.is_error(line.as_bytes(), SourceKind::Unknown, &mut 0),
                "{line}"
            );
            // Read, not probed: these files are searched with no probes.
            assert!(f.reads_every_level(), "{f:?}");
            assert!(PROBE_SETS[f.probe_set()].is_empty(), "{f:?}");
        }
        for (f, line) in [
            (
                Format::JournalKlog,
                "Nov 20 10:00:39 ip-1 kubelet[1]: I1120 10:00:39.0 1 k.go:2] Error: none",
            ),
            (Format::Zap, r#"{"level":"debug","ts":"2026","msg":"Error: x"}"#),
            (Format::Zap, r#"{"level":"info","ts":"2026","msg":"x"}"#),
            (
                Format::Logfmt,
                "time=\"2026\" level=info msg=\"ERROR in words\"",
            ),
            (Format::Logfmt, "level=warning msg=\"x\""),
        ] {
            let mut hint = 15;
            assert!(
                !f.is_error(line.as_bytes(), SourceKind::Unknown, &mut hint),
                "{line}"
            );
        }
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
