//! Walking an input: folders ([`dir`]), files and streams ([`file`]), tar
//! ([`tar`]) and zip ([`zip`]) archives, recursively, all streamed; nothing
//! is ever written to disk.
//!
//! Each stream is sniffed from its first bytes and dispatched: gzip is
//! decoded in place, tar and zip members are walked, UTF-16 is decoded,
//! text is scanned, anything else is listed as skipped with the reason.
//! Errors are recorded against the virtual path of what failed, and the
//! walk goes on wherever the stream still allows it.

mod dir;
mod file;
mod tar;
mod zip;

use std::{
    io::{self, Read},
    path::Path,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use jiff::Timestamp;
use logsift_signatures::SourceKind;
use walkdir::WalkDir;

use crate::{
    ahead::{Lookahead, Member},
    budget::{Budget, Gauge, Raw},
    bundle::BundleClues,
    context::Context,
    coverage::{FileInfo, classified, coverage},
    error::{ErrorKind, NoteKind, SkipReason},
    io::read_full,
    model::{
        FileFinding, Input, InputKind, InputReport, Mined, Note, ScanError,
        Skipped,
    },
    scan::ScanOptions,
    source::{escapes, normalize},
};

/// What one part of an input yielded; parts of a folder are scanned in
/// parallel and merged.
#[derive(Default)]
struct Part {
    files: u64,
    bytes: u64,
    skipped: Vec<Skipped>,
    errors: Vec<ScanError>,
    notes: Vec<Note>,
    findings: Vec<FileFinding>,
    clues: BundleClues,
    infos: Vec<FileInfo>,
    /// Templates file by file, joined when the input is done.
    mined: Mined,
}

impl Part {
    fn skip(&mut self, path: &str, reason: SkipReason) {
        self.skipped.push(Skipped { path: path.to_string(), reason });
    }

    fn note(&mut self, path: &str, kind: NoteKind) {
        self.notes.push(Note { path: path.to_string(), kind });
    }

    fn error(&mut self, path: &str, kind: ErrorKind) {
        self.errors.push(ScanError { path: path.to_string(), kind });
    }

    fn has_error(&self, path: &str) -> bool {
        self.errors.iter().any(|e| e.path == path)
    }

    fn merge(&mut self, other: Part) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped.extend(other.skipped);
        self.errors.extend(other.errors);
        self.notes.extend(other.notes);
        self.findings.extend(other.findings);
        self.clues.merge(other.clues);
        self.infos.extend(other.infos);
        self.mined.lines += other.mined.lines;
        self.mined.dropped += other.mined.dropped;
        self.mined.templates.extend(other.mined.templates);
    }
}

/// Where a stream lives.
struct Node {
    /// The virtual path reported for it.
    vpath: String,
    /// Its path as stored in the innermost archive or folder, for telling
    /// what produced it.
    raw: String,
    /// What produced it, when the caller says so.
    kind: Option<SourceKind>,
}

impl Node {
    fn new(vpath: String, raw: String) -> Node {
        Node { vpath, raw, kind: None }
    }
}

/// Where a stream is read: how many archives and compressed layers are
/// around it, and the innermost layer that inflated it, whose ratio its
/// own layers are judged with.
#[derive(Clone, Copy)]
struct Level<'g> {
    depth: u32,
    layer: Option<&'g Gauge<'g>>,
    ahead: Ahead<'g>,
}

/// Whose lines the thread inflating the input may search ahead of the
/// scan (`ahead.rs`): only bytes read as they come from it, where their
/// offsets in its stream are known.
#[derive(Clone, Copy)]
enum Ahead<'g> {
    /// No one's.
    Not,
    /// The stream's: a log, or a tar whose members' are.
    Stream(&'g Lookahead<'g>),
    /// A tar member's, whose bytes are those of the stream at `start`.
    Member(Member<'g>),
}

impl<'g> Level<'g> {
    /// An input's own bytes.
    const TOP: Level<'static> =
        Level { depth: 0, layer: None, ahead: Ahead::Not };

    /// The level of what an archive at this level holds.
    fn in_archive(self) -> Level<'g> {
        Level { depth: self.depth + 1, ahead: Ahead::Not, ..self }
    }

    /// The output of `layer`, a compressed layer read at `depth`.
    fn inside(depth: u32, layer: &'g Gauge<'g>) -> Level<'g> {
        Level { depth, layer: Some(layer), ahead: Ahead::Not }
    }

    /// A text at this level: whose lines it may be given searched ahead.
    fn member(self) -> Option<Member<'g>> {
        match self.ahead {
            Ahead::Not => None,
            Ahead::Stream(lookahead) => {
                Some(Member { lookahead, start: 0, end: u64::MAX })
            }
            Ahead::Member(m) => Some(m),
        }
    }
}

/// Counts an input as being scanned while it lives.
struct Active<'a>(&'a AtomicUsize);

impl<'a> Active<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Active(count)
    }
}

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(crate) fn scan_input(cx: &Context<'_>, input: &Input) -> InputReport {
    let _active = Active::new(&cx.active);
    let display = input.display();
    let (kind, part) = match input {
        Input::Stdin { name } => {
            // A name given to the stream tells what a file's name would.
            let base = name
                .as_deref()
                .and_then(|n| n.rsplit(['/', '\\']).next())
                .unwrap_or("");
            let mut part = Part {
                clues: BundleClues::from_name(base),
                ..Part::default()
            };
            let named = part.clues.collected_at();
            let node = Node {
                kind: cx.config.source_kind,
                ..Node::new(display.clone(), base.to_string())
            };
            let stdin = io::stdin();
            let w = Walker::new(cx, named, None).one_stream();
            let mut raw = Raw::new(stdin.lock(), &w.budget);
            let kind = w.stream(&mut part, &node, &mut raw, Level::TOP, false);
            w.conclude(&mut part, &display);
            (kind, part)
        }
        Input::Path(path) => scan_path(cx, path, &display),
    };
    finish(display, kind, part)
}

fn finish(display: String, kind: InputKind, mut part: Part) -> InputReport {
    if let Some(when) = crate::bundle::impossible_time(&display) {
        part.note(&display, NoteKind::ImpossibleBundleDate(when));
    }
    // In the order of their words, as the report lists them.
    part.skipped
        .sort_by_cached_key(|s| (s.path.clone(), s.reason.to_string()));
    part.errors.sort_by_cached_key(|e| (e.path.clone(), e.kind.to_string()));
    part.notes.sort_by_cached_key(|n| (n.path.clone(), n.kind.to_string()));
    part.findings
        .sort_by(|a, b| (&a.path, a.signature).cmp(&(&b.path, b.signature)));
    // Files in path order, so the template that several share takes its
    // example from the same one for any thread count.
    part.mined.templates.sort_by(|a, b| a.files.cmp(&b.files));
    part.mined.templates = crate::mine::join(part.mined.templates);
    let bundle = part.clues.conclude();
    InputReport {
        path: display,
        kind,
        coverage: coverage(bundle.producer, &part.infos),
        classified: classified(&part.infos),
        bundle,
        files_scanned: part.files,
        bytes_scanned: part.bytes,
        skipped: part.skipped,
        errors: part.errors,
        notes: part.notes,
        findings: part.findings,
        unrecognized: part.mined,
    }
}

pub(crate) fn scan_bytes(
    cx: &Context<'_>,
    name: &str,
    kind: SourceKind,
    data: &[u8],
) -> InputReport {
    let mut part = Part::default();
    let node = Node {
        vpath: name.to_string(),
        raw: name.to_string(),
        kind: Some(kind),
    };
    let w = Walker::new(cx, None, Some(Timestamp::UNIX_EPOCH)).one_stream();
    w.budget.add_raw(data.len() as u64);
    let kind = w.stream(&mut part, &node, &mut &data[..], Level::TOP, false);
    finish(name.to_string(), kind, part)
}

fn scan_path(
    cx: &Context<'_>,
    path: &Path,
    display: &str,
) -> (InputKind, Part) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut part =
        Part { clues: BundleClues::from_name(&name), ..Part::default() };
    let named = part.clues.collected_at();
    match std::fs::metadata(path) {
        Err(e) => {
            part.error(display, ErrorKind::Open(io_message(&e)));
            (InputKind::File, part)
        }
        Ok(meta) if meta.is_dir() => {
            // An extracted bundle: its newest file is close to when it was
            // collected (the folder's own time is when it was extracted).
            let newest = WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| e.metadata().ok()?.modified().ok())
                .max();
            let w = Walker::new(cx, named, newest.and_then(to_timestamp));
            w.dir(&mut part, path, display);
            w.conclude(&mut part, display);
            (InputKind::Directory, part)
        }
        Ok(meta) => {
            let modified = meta.modified().ok().and_then(to_timestamp);
            let w = Walker::new(cx, named, modified).one_stream();
            let node = Node {
                kind: cx.config.source_kind,
                ..Node::new(display.to_string(), name)
            };
            let kind = w.file(&mut part, path, &node);
            w.conclude(&mut part, display);
            (kind, part)
        }
    }
}

struct Walker<'s, 'm> {
    cx: &'s Context<'m>,
    /// When the input was collected: from its name, else the first tar
    /// member's time, else `fallback`, else now. Set once, before the
    /// first line needs it.
    reference: OnceLock<Timestamp>,
    /// The input file's own time, used when nothing better is known.
    fallback: Option<Timestamp>,
    /// What the input may expand to.
    budget: Budget,
    /// See [`Walker::one_stream`].
    one_stream: bool,
}

impl<'s, 'm> Walker<'s, 'm> {
    fn new(
        cx: &'s Context<'m>,
        named: Option<Timestamp>,
        fallback: Option<Timestamp>,
    ) -> Self {
        let reference = OnceLock::new();
        if let Some(t) = named {
            let _ = reference.set(t);
        }
        let c = &cx.config;
        let budget = Budget::new(c.max_bytes, c.max_ratio, c.max_members)
            .with_progress(Arc::clone(&cx.progress));
        Walker { cx, reference, fallback, budget, one_stream: false }
    }

    /// The input is one stream (a file, standard input), not a folder:
    /// its gzip layer, if any, is inflated ahead of the scan, on a thread
    /// of its own when one is spare (`ahead.rs`).
    fn one_stream(self) -> Self {
        Walker { one_stream: true, ..self }
    }

    /// Records, once, that the input's budget ran out, and that the time
    /// window holds no time for this input: `--since 2h` and `--until
    /// <time>` can only be compared once its collection time is known.
    fn conclude(&self, part: &mut Part, display: &str) {
        if self.budget.exhausted() {
            // A member cut by the limit keeps its error; the input itself,
            // when it is the stream that was cut, gets one error, not a
            // read error in the same words and then this one.
            let kind = self.budget.exhausted_kind();
            let words = kind.to_string();
            part.errors.retain(|e| {
                e.path != display || !e.kind.to_string().contains(&words)
            });
            part.error(display, kind);
        }
        let o = self.options();
        if let (Some(since), Some(until)) = (o.since, o.until)
            && since > until
        {
            part.error(display, ErrorKind::EmptyWindow { since, until });
        }
    }

    fn options(&self) -> ScanOptions {
        let c = &self.cx.config;
        let reference = *self
            .reference
            .get_or_init(|| self.fallback.unwrap_or_else(Timestamp::now));
        ScanOptions {
            reference,
            since: c.since.map(|b| b.resolve(reference)),
            until: c.until.map(|b| b.resolve(reference)),
            chunk: c.chunk_size,
            max_line: c.max_line_bytes.max(c.chunk_size),
            max_evidence: c.max_evidence,
            max_evidence_bytes: c.max_evidence_bytes,
            mine: c.mine,
        }
    }
}

/// What an archive says one of its entries is.
enum Entry {
    /// A file, to read.
    File,
    /// A folder: nothing to read.
    Dir,
    /// Not read, and why.
    Skip(SkipReason),
}

impl Walker<'_, '_> {
    /// The step every archive walk (tar, zip, zip from local headers)
    /// takes for each entry: its name taken as a bundle clue when the
    /// archive is the input's own, then a folder passed over, a link or
    /// special file listed as skipped, or a file handed back to be read.
    fn admit(
        &self,
        part: &mut Part,
        vpath: String,
        raw: String,
        entry: Entry,
        top: bool,
    ) -> Option<Node> {
        if top {
            part.clues.member(&raw);
        }
        match entry {
            Entry::File => {
                if normalize(&raw).is_empty() {
                    part.note(&vpath, NoteKind::NameEmpty(raw.clone()));
                } else if escapes(&raw) {
                    part.note(&vpath, NoteKind::NameRewritten(raw.clone()));
                }
                Some(Node::new(vpath, raw))
            }
            Entry::Dir => None,
            Entry::Skip(why) => {
                part.skip(&vpath, why);
                None
            }
        }
    }
}

/// The name a member is reported under: its stored name cleaned, or, where
/// nothing is left, a placeholder numbered by its place in the archive.
fn member_name(raw: &str, n: u64) -> String {
    let name = normalize(raw);
    if name.is_empty() { format!("(unnamed {n})") } else { name }
}

fn to_timestamp(t: std::time::SystemTime) -> Option<Timestamp> {
    Timestamp::try_from(t).ok()
}

fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let (n, ended) = read_full(reader, buf);
    ended.map(|_| n)
}

/// An error's own words, lowercase, for messages like `cannot read (...)`.
fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    // Drop the "(os error N)" suffix: the words say it already.
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "unknown error".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logsift_fixtures::{BundleSpec, Entry, bundle_entries, tar_gz};
    use logsift_signatures::Pack;

    /// `path` scanned on one thread (searched in place) and on two (the
    /// inflating thread searching ahead), and the bytes taken from hits
    /// found ahead (at least: other tests may add to the count).
    fn in_place_and_ahead(
        cx: &Context<'_>,
        path: &std::path::Path,
    ) -> (InputReport, InputReport, u64) {
        let scan = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| scan_input(cx, &Input::Path(path.to_path_buf())))
        };
        let before = crate::ahead::TAKEN.load(Ordering::Relaxed);
        let in_place = scan(1);
        let ahead = scan(2);
        let taken = crate::ahead::TAKEN.load(Ordering::Relaxed) - before;
        (in_place, ahead, taken)
    }

    #[test]
    fn lines_searched_ahead_give_what_lines_searched_in_place_give() {
        // A generated bundle (logs of a few MiB, failures planted), and a
        // log of the lines that cut a chunk's lines apart: longer than a
        // chunk, CRLF ends, errors no signature knows, and a last line
        // without its end.
        let spec = BundleSpec { scale: 12_000, ..BundleSpec::demo() };
        let (mut entries, _) = bundle_entries(&spec);
        let mut odd = Vec::new();
        let mut failures = 1;
        for i in 0..200_000u32 {
            let line = match i % 9 {
                0 => format!("I1121 ok {i}\r\n"),
                1 => format!("E1121 unknown failure {i}: Error\n"),
                2 => format!("x{i} net/http: TLS handshake timeout\r\n"),
                3 if i % 50_000 == 3 => {
                    format!(
                        "{} net/http: TLS handshake timeout\n",
                        "a".repeat(300_000)
                    )
                }
                _ => format!("line {i} of nothing much\n"),
            };
            failures += u64::from(line.contains("TLS"));
            odd.extend_from_slice(line.as_bytes());
        }
        odd.extend_from_slice(b"last net/http: TLS handshake timeout");
        let odd_len = odd.len() as u64;
        entries.push(Entry { path: "var_log/odd.log".into(), data: odd });
        let entries: Vec<Entry> = entries
            .into_iter()
            .map(|e| Entry { path: format!("./{}", e.path), ..e })
            .collect();
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(spec.file_name());
        std::fs::write(&path, tar_gz(&entries)).unwrap();
        let pack = Pack::embedded().unwrap();
        let matcher = logsift_signatures::Matcher::with_probes(
            pack.signatures(),
            crate::mine::PROBE_SETS,
        );
        // Mining reads every line of a file whose format keeps its level,
        // and only the lines the search stops at of the rest.
        for (max_line, mine) in
            [(4 << 20, true), (100_000, true), (4 << 20, false)]
        {
            let config = crate::config::Config {
                max_line_bytes: max_line,
                mine,
                ..Default::default()
            };
            let cx = Context::new(&matcher, config);
            let (in_place, ahead, searched) = in_place_and_ahead(&cx, &path);
            // Most of the odd log's lines, and the bundle's, were taken.
            assert!(
                searched > odd_len / 2,
                "{searched} of {odd_len}, {max_line} {mine}"
            );
            assert_eq!(in_place, ahead);
            let odd = |r: &InputReport| {
                r.findings
                    .iter()
                    .filter(|f| f.path.ends_with("odd.log"))
                    .map(|f| f.count)
                    .sum::<u64>()
            };
            assert_eq!(odd(&ahead), failures);
            assert!(ahead.findings.len() > 10);
            assert_eq!(ahead.unrecognized.templates.is_empty(), !mine);
        }
    }

    /// Archives of many shapes: members of any size (empty, under a
    /// chunk, over several), GNU long names, PAX records, directories,
    /// links, inner `.gz` files, lines of any length with CRLF ends or
    /// none at the end, failure lines anywhere (across chunk edges too).
    /// Searched ahead or in place, the report is the same, and every
    /// planted failure line is found.
    #[test]
    fn every_archive_layout_gives_the_same_report_searched_ahead_or_not() {
        let mut seed = 0x005e_ed0f_1ae0_u64;
        let mut next = move |below: u64| {
            // splitmix64: the same archives on every run.
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % below.max(1)
        };
        let pack = Pack::embedded().unwrap();
        let tls = pack
            .signatures()
            .iter()
            .position(|s| s.id == "tls-handshake-timeout")
            .unwrap();
        let matcher = logsift_signatures::Matcher::with_probes(
            pack.signatures(),
            crate::mine::PROBE_SETS,
        );
        let cx = Context::new(&matcher, crate::config::Config::default());
        // A member with no data of its own.
        let bare = |kind| {
            let mut h = ::tar::Header::new_gnu();
            h.set_entry_type(kind);
            h.set_size(0);
            h
        };
        let tmp = tempfile::tempdir().unwrap();
        for case in 0..4 {
            let mut tar = ::tar::Builder::new(Vec::new());
            let mut planted = 0u64;
            // One member longer than the chunks the inflating thread
            // can hold ahead of the scan, so that some of it is searched
            // ahead whatever the threads' timing: a shorter member may be
            // inflated before the scan reaches it, and is then searched
            // in place.
            let long = next(8);
            for m in 0..8 + next(16) {
                let name = if next(4) == 0 {
                    format!("var_log/{}-{m}.log", "long".repeat(30))
                } else {
                    format!("var_log/app-{m}.log")
                };
                let mut text = Vec::new();
                let size = match next(5) {
                    _ if m == long => 4_000_000,
                    0 => 0,
                    1 => next(4096),
                    _ => next(700_000),
                };
                while (text.len() as u64) < size {
                    match next(40) {
                        0 => {
                            planted += 1;
                            text.extend_from_slice(
                                b"x net/http: TLS handshake timeout",
                            );
                        }
                        1 if m != long => text.extend(std::iter::repeat_n(
                            b'a',
                            next(300_000) as usize,
                        )),
                        2 => text.extend_from_slice(
                            b"E1121 unknown failure: Error",
                        ),
                        _ => text.extend_from_slice(
                            format!("I1121 line {} ok", next(1 << 20))
                                .as_bytes(),
                        ),
                    }
                    text.extend_from_slice(if next(3) == 0 {
                        b"\r\n"
                    } else {
                        b"\n"
                    });
                }
                if next(4) == 0 {
                    planted += 1;
                    text.extend_from_slice(
                        b"end net/http: TLS handshake timeout",
                    );
                }
                let mut header = ::tar::Header::new_gnu();
                header.set_mode(0o644);
                header.set_mtime(1_763_726_400);
                match next(6) {
                    _ if m == long => {}
                    0 => {
                        // A PAX record first, as GNU tar writes for long
                        // or odd names.
                        let record = b"17 comment=hello\n";
                        let mut pax = ::tar::Header::new_ustar();
                        pax.set_entry_type(::tar::EntryType::XHeader);
                        pax.set_size(record.len() as u64);
                        pax.set_path("PaxHeaders/x").unwrap();
                        pax.set_cksum();
                        tar.append(&pax, &record[..]).unwrap();
                    }
                    1 => tar
                        .append_data(
                            &mut bare(::tar::EntryType::Directory),
                            format!("var_log/d{m}/"),
                            &[][..],
                        )
                        .unwrap(),
                    2 => tar
                        .append_link(
                            &mut bare(::tar::EntryType::Symlink),
                            format!("var_log/l{m}"),
                            &name,
                        )
                        .unwrap(),
                    3 => {
                        let gz = logsift_fixtures::gzip(&text);
                        header.set_size(gz.len() as u64);
                        tar.append_data(
                            &mut header,
                            format!("{name}.gz"),
                            &gz[..],
                        )
                        .unwrap();
                        continue;
                    }
                    _ => {}
                }
                header.set_size(text.len() as u64);
                tar.append_data(&mut header, &name, &text[..]).unwrap();
            }
            let tar = tar.into_inner().unwrap();
            let path = tmp.path().join(format!("case-{case}.tar.gz"));
            std::fs::write(&path, logsift_fixtures::gzip(&tar)).unwrap();
            let (in_place, ahead, taken) = in_place_and_ahead(&cx, &path);
            assert!(taken > 1_000_000, "case {case}: {taken} bytes ahead");
            assert_eq!(in_place, ahead, "case {case}");
            assert!(
                ahead.errors.is_empty(),
                "case {case}: {:?}",
                ahead.errors
            );
            let found: u64 = ahead
                .findings
                .iter()
                .filter(|f| f.signature == tls)
                .map(|f| f.count)
                .sum();
            assert_eq!(found, planted, "case {case}");
        }
    }

    const TLS: &str = "x net/http: TLS handshake timeout\n";

    #[test]
    fn files_that_vanish_or_shrink_after_listing() {
        let pack = Pack::embedded().unwrap();
        let matcher = pack.compile();
        let cx = Context::new(&matcher, crate::config::Config::default());
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.log"), TLS).unwrap();
        std::fs::write(dir.join("gone.log"), TLS).unwrap();
        std::fs::write(
            dir.join("shrinks.log"),
            format!("{TLS}{}", "y".repeat(4096)),
        )
        .unwrap();

        let w = Walker::new(&cx, None, None);
        let mut part = Part::default();
        let files = w.list(&mut part, dir, "d");
        assert_eq!(files.len(), 3);
        // Between listing and reading: one file is removed, one cut short.
        std::fs::remove_file(dir.join("gone.log")).unwrap();
        let f = std::fs::File::options()
            .write(true)
            .open(dir.join("shrinks.log"))
            .unwrap();
        f.set_len(TLS.len() as u64).unwrap();
        w.scan_listed(&mut part, &files);

        assert_eq!(part.errors.len(), 1, "{:?}", part.errors);
        assert_eq!(part.errors[0].path, "d/gone.log");
        assert!(
            matches!(part.errors[0].kind, ErrorKind::Open(_)),
            "{:?}",
            part.errors
        );
        let mut paths: Vec<&str> =
            part.findings.iter().map(|f| f.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["d/a.log", "d/shrinks.log"]);
        assert_eq!(part.files, 2);
    }
}
