//! Walking an input: folders, archives and compressed streams, recursively,
//! all streamed; nothing is ever written to disk.
//!
//! Each stream is sniffed from its first bytes and dispatched: gzip is
//! decoded in place, tar and zip members are walked, UTF-16 is decoded,
//! text is scanned, anything else is listed as skipped with the reason.
//! Errors are recorded against the virtual path of what failed, and the
//! walk goes on wherever the stream still allows it.

use std::{
    cell::RefCell,
    fs::File,
    io::{self, Cursor, Read, Seek},
    path::Path,
    rc::Rc,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use encoding_rs_io::DecodeReaderBytesBuilder;
use flate2::read::MultiGzDecoder;
use rayon::prelude::*;
use walkdir::WalkDir;

use jiff::Timestamp;
use logsift_signatures::SourceKind;

use crate::{
    ahead,
    budget::{Budget, Metered, Raw},
    bundle::BundleClues,
    context::Context,
    coverage::{FileInfo, coverage, cut_from_front, no_entries},
    io::read_full,
    model::{FileFinding, Input, InputKind, InputReport, ScanError, Skipped},
    scan::{FileTally, ScanOptions, scan_text},
    sniff::{self, Format, HEAD_LEN, sniff},
    source::{bundle_relative, classify, normalize},
};

/// What one part of an input yielded; parts of a folder are scanned in
/// parallel and merged.
#[derive(Default)]
struct Part {
    files: u64,
    bytes: u64,
    skipped: Vec<Skipped>,
    errors: Vec<ScanError>,
    findings: Vec<FileFinding>,
    clues: BundleClues,
    infos: Vec<FileInfo>,
}

impl Part {
    fn skip(&mut self, path: &str, reason: impl Into<String>) {
        self.skipped
            .push(Skipped { path: path.to_string(), reason: reason.into() });
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ScanError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn has_error(&self, path: &str) -> bool {
        self.errors.iter().any(|e| e.path == path)
    }

    fn merge(&mut self, other: Part) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped.extend(other.skipped);
        self.errors.extend(other.errors);
        self.findings.extend(other.findings);
        self.clues.merge(other.clues);
        self.infos.extend(other.infos);
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
            let kind = w.stream(&mut part, &node, &mut raw, 0, false);
            w.conclude(&mut part, &display);
            (kind, part)
        }
        Input::Path(path) => scan_path(cx, path, &display),
    };
    finish(display, kind, part)
}

fn finish(display: String, kind: InputKind, mut part: Part) -> InputReport {
    part.skipped.sort();
    part.errors.sort();
    part.findings
        .sort_by(|a, b| (&a.path, a.signature).cmp(&(&b.path, b.signature)));
    let bundle = part.clues.conclude();
    InputReport {
        path: display,
        kind,
        coverage: coverage(bundle.producer, &part.infos),
        bundle,
        files_scanned: part.files,
        bytes_scanned: part.bytes,
        skipped: part.skipped,
        errors: part.errors,
        findings: part.findings,
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
    let kind = w.stream(&mut part, &node, &mut &data[..], 0, false);
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
            part.error(display, format!("cannot open ({})", io_message(&e)));
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
            part.error(display, self.budget.exhausted_message());
        }
        let o = self.options();
        if let (Some(since), Some(until)) = (o.since, o.until)
            && since > until
        {
            part.error(
                display,
                format!(
                    "the time window holds no time for this input: --since \
                     ({since}) is after --until ({until}); only lines without \
                     a time were checked"
                ),
            );
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
        }
    }

    /// A folder: listed in order, its files scanned in parallel. Links are
    /// never followed, so a scan cannot leave the folder or loop.
    fn dir(&self, part: &mut Part, root: &Path, display: &str) {
        let files = self.list(part, root, display);
        self.scan_listed(part, &files);
    }

    /// The regular files below `root`, in name order, as (path, virtual
    /// path, relative path); links and special files are recorded as
    /// skipped, unreadable entries as errors.
    fn list(
        &self,
        part: &mut Part,
        root: &Path,
        display: &str,
    ) -> Vec<(std::path::PathBuf, String, String)> {
        let mut files = Vec::new();
        let follow = self.cx.config.follow_links;
        for entry in
            WalkDir::new(root).follow_links(follow).sort_by_file_name()
        {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e.path().map_or_else(
                        || display.to_string(),
                        |p| join_dir(display, root, p),
                    );
                    let why =
                        e.io_error().map_or_else(|| e.to_string(), io_message);
                    part.error(
                        &at,
                        format!("cannot read folder entry ({why})"),
                    );
                    continue;
                }
            };
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            let vpath = join_dir(display, root, entry.path());
            let rel =
                vpath[display.len()..].trim_start_matches('/').to_string();
            if ft.is_file() {
                files.push((entry.into_path(), vpath, rel));
            } else if ft.is_symlink() {
                part.skip(&vpath, "symbolic link (not followed)");
            } else {
                part.skip(&vpath, "special file (FIFO, socket or device)");
            }
        }
        files
    }

    /// Scans listed files in parallel. A file may have changed since it
    /// was listed: one that vanished is an error naming it, one that
    /// shrank or grew is read as it is now.
    fn scan_listed(
        &self,
        part: &mut Part,
        files: &[(std::path::PathBuf, String, String)],
    ) {
        let parts: Vec<Part> = files
            .par_iter()
            .map(|(path, vpath, rel)| {
                let mut p = Part::default();
                if self.budget.exhausted() || !self.budget.take_member() {
                    p.skip(vpath, "not read: the input's budget was spent");
                    return p;
                }
                // Folders have no `./` prefix; present them as the Linux
                // collector's tar would, so both lay out the same.
                p.clues.member(&format!("./{rel}"));
                let node = Node::new(vpath.clone(), rel.clone());
                self.file(&mut p, path, &node);
                p
            })
            .collect();
        for p in parts {
            part.merge(p);
        }
    }

    /// A file on disk: zips are read at random through their central
    /// directory, everything else as a stream.
    fn file(&self, part: &mut Part, path: &Path, node: &Node) -> InputKind {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                part.error(
                    &node.vpath,
                    format!("cannot open ({})", io_message(&e)),
                );
                return InputKind::File;
            }
        };
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut file, &mut magic).unwrap_or(0);
        if sniff(&magic[..n]) == Format::Zip && file.rewind().is_ok() {
            self.zip(part, node, Raw::new(file, &self.budget), 1);
            return InputKind::Zip;
        }
        self.budget.add_raw(n as u64);
        let raw = Raw::new(file, &self.budget);
        let mut stream = Cursor::new(magic[..n].to_vec()).chain(raw);
        self.stream(part, node, &mut stream, 0, false)
    }

    /// Sniffs a stream and dispatches it. `depth` counts the archives and
    /// compressed layers already entered; `in_gzip` says the stream is the
    /// content of a gzip layer (a tar inside it counts with it, once).
    fn stream(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        depth: u32,
        in_gzip: bool,
    ) -> InputKind {
        let mut head = Vec::with_capacity(HEAD_LEN);
        let head_error =
            reader.take(HEAD_LEN as u64).read_to_end(&mut head).err();
        if let Some(e) = head_error {
            // Keep what was read before the error (a short file whose
            // gzip trailer is followed by garbage, say), then say why the
            // rest is missing.
            let kind = self.stream(
                part,
                node,
                &mut Cursor::new(head),
                depth,
                in_gzip,
            );
            part.error(
                &node.vpath,
                format!("cannot read ({})", io_message(&e)),
            );
            return kind;
        }
        let format = sniff(&head);
        let mut reader = Cursor::new(head).chain(reader);
        let max = self.cx.config.max_depth;
        let level = match format {
            Format::Tar if in_gzip => depth,
            Format::Gzip | Format::Tar | Format::Zip => depth + 1,
            _ => depth,
        };
        if level > max {
            part.skip(
                &node.vpath,
                format!(
                    "archive nested more than {max} deep (see --max-depth)"
                ),
            );
            return InputKind::Binary;
        }
        match format {
            Format::Gzip if depth == 0 && self.one_stream => {
                // The pool has a thread no other input keeps busy.
                let spare = rayon::current_num_threads()
                    > self.cx.active.load(Ordering::Relaxed);
                let kind =
                    ahead::inflate(&mut reader, &self.budget, spare, |gz| {
                        let mut gz = Metered::new(gz, &self.budget);
                        self.stream(part, node, &mut gz, level, true)
                    });
                match kind {
                    InputKind::Tar => InputKind::TarGz,
                    _ => InputKind::Gzip,
                }
            }
            Format::Gzip => {
                let mut gz =
                    Metered::new(MultiGzDecoder::new(reader), &self.budget);
                match self.stream(part, node, &mut gz, level, true) {
                    InputKind::Tar => InputKind::TarGz,
                    _ => InputKind::Gzip,
                }
            }
            Format::Tar => {
                self.tar(part, node, &mut reader, level);
                InputKind::Tar
            }
            Format::Zip => {
                let limit = self.cx.config.max_zip_in_memory;
                let mut bytes = Vec::new();
                match reader.take(limit + 1).read_to_end(&mut bytes) {
                    Err(e) => {
                        part.error(&node.vpath, format!("cannot read ({})", io_message(&e)));
                    }
                    Ok(_) if bytes.len() as u64 > limit => part.skip(
                        &node.vpath,
                        format!(
                            "zip archive inside a stream is larger than {} MiB; \
                             scan it as a file",
                            limit >> 20
                        ),
                    ),
                    Ok(_) => self.zip(part, node, Cursor::new(bytes), level),
                }
                InputKind::Zip
            }
            Format::Utf16 { big_endian } => {
                let encoding = if big_endian {
                    encoding_rs::UTF_16BE
                } else {
                    encoding_rs::UTF_16LE
                };
                let mut decoded = DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .bom_override(true)
                    .build(reader);
                self.text(part, node, &mut decoded);
                InputKind::File
            }
            Format::Text => {
                self.text(part, node, &mut reader);
                InputKind::File
            }
            Format::Evtx => {
                // A Windows event log is there, only not parsed: its source
                // is not missing, and its signatures are not checked.
                part.skip(&node.vpath, sniff::EVTX);
                part.infos.push(FileInfo::unparsed(SourceKind::WindowsEvents));
                InputKind::Binary
            }
            Format::Unreadable(reason) => {
                part.skip(&node.vpath, reason);
                InputKind::Binary
            }
        }
    }

    fn text(&self, part: &mut Part, node: &Node, reader: &mut dyn Read) {
        let rel = bundle_relative(&node.raw);
        // The layout decides; where it says nothing, the first lines do.
        let kind = node
            .kind
            .or(Some(classify(&rel)).filter(|k| *k != SourceKind::Unknown));
        let mut tally = FileTally::default();
        let result = scan_text(
            self.cx.matcher,
            kind,
            reader,
            &self.options(),
            &mut tally,
        );
        part.files += 1;
        part.bytes += tally.bytes;
        part.infos.push(FileInfo {
            kind: tally.kind,
            bytes: tally.bytes,
            empty: no_entries(tally.bytes, &tally.head),
            truncated: cut_from_front(tally.kind, &tally.head),
            failed: result.is_err(),
            unparsed: false,
        });
        if rel == "system/instance-id.txt" {
            let head = String::from_utf8_lossy(&tally.head);
            part.clues.instance_id_file(head.lines().next().unwrap_or(""));
        }
        if rel == "networking/curl_api_server.txt" {
            part.clues.curl_api_server(&tally.head);
        }
        part.findings.extend(tally.into_findings(&node.vpath));
        if let Err(e) = result {
            part.error(
                &node.vpath,
                format!("cannot read ({})", io_message(&e)),
            );
        }
    }

    /// A tar stream, member by member. A broken stream ends the walk; the
    /// members before the break keep their findings.
    fn tar(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        depth: u32,
    ) {
        let broken = Rc::new(RefCell::new(None));
        let latch = Latch { inner: reader, broken: Rc::clone(&broken) };
        let mut archive = tar::Archive::new(latch);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => {
                part.error(
                    &node.vpath,
                    format!("cannot read tar archive ({})", io_message(&e)),
                );
                return;
            }
        };
        let top = depth <= 1;
        let mut last = None;
        for entry in entries {
            if self.budget.exhausted() {
                return;
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let after =
                        last.as_ref().map_or(String::new(), |m: &String| {
                            format!(" after member {m}")
                        });
                    let why = broken
                        .borrow()
                        .clone()
                        .unwrap_or_else(|| io_message(&e));
                    let msg = format!("corrupt tar archive{after} ({why})");
                    part.error(&node.vpath, msg);
                    return;
                }
            };
            let raw =
                String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let name = normalize(&raw);
            if name.is_empty() {
                continue;
            }
            let vpath = format!("{}!{}", node.vpath, name);
            last = Some(name);
            if top {
                part.clues.member(&raw);
            }
            if let Some(t) = entry
                .header()
                .mtime()
                .ok()
                .filter(|&t| t > 0)
                .and_then(|t| Timestamp::from_second(t as i64).ok())
            {
                // Collectors tar their files right after writing them.
                let _ = self.reference.set(t);
            }
            use tar::EntryType as T;
            match entry.header().entry_type() {
                T::Regular | T::Continuous | T::GNUSparse => {}
                T::Directory => continue,
                T::Symlink | T::Link => {
                    let target = entry
                        .link_name_bytes()
                        .map(|t| String::from_utf8_lossy(&t).into_owned())
                        .unwrap_or_default();
                    part.skip(
                        &vpath,
                        format!("link to {target} (not followed)"),
                    );
                    continue;
                }
                T::Char | T::Block | T::Fifo => {
                    part.skip(&vpath, "special file (FIFO or device)");
                    continue;
                }
                other => {
                    part.skip(
                        &vpath,
                        format!(
                            "unsupported tar entry type {:?}",
                            other.as_byte() as char
                        ),
                    );
                    continue;
                }
            }
            if !self.budget.take_member() {
                return;
            }
            let size = entry.size();
            let mut counting = Counting { inner: &mut entry, read: 0 };
            let member = Node::new(vpath.clone(), raw);
            self.stream(part, &member, &mut counting, depth, false);
            // Read what the member's scan left (a skipped binary, say), so
            // a stream that ends early is noticed here and not missed.
            let drained = io::copy(&mut counting, &mut io::sink());
            let read = counting.read;
            let outer = broken.borrow().clone();
            if let Some(why) = outer {
                // The member's own error, if any, was this same break
                // seen from inside; say what really happened once.
                part.errors.retain(|e| e.path != vpath);
                part.error(
                    &vpath,
                    format!(
                        "archive is corrupt or truncated inside this member \
                         ({why})"
                    ),
                );
                return;
            }
            if let Err(e) = drained {
                if !part.has_error(&vpath) {
                    part.error(
                        &vpath,
                        format!("cannot read ({})", io_message(&e)),
                    );
                }
                return;
            }
            if read < size {
                if !part.has_error(&vpath) {
                    part.error(
                        &vpath,
                        format!("archive is truncated inside this member ({read} of {size} bytes)"),
                    );
                }
                return;
            }
        }
        // tar stops at its end-of-archive blocks; reading on to the end
        // checks a gzip trailer and finds a stream cut after the last
        // member.
        let mut rest = archive.into_inner();
        if let Err(e) = io::copy(&mut rest, &mut io::sink()) {
            part.error(
                &node.vpath,
                format!(
                    "archive is corrupt or truncated after its last member \
                     ({})",
                    io_message(&e)
                ),
            );
        }
    }

    /// A zip archive, read through its central directory. A bad member is
    /// reported and the walk moves on to the next.
    fn zip<R: Read + Seek>(
        &self,
        part: &mut Part,
        node: &Node,
        mut reader: R,
        depth: u32,
    ) {
        let mut archive = match zip::ZipArchive::new(&mut reader) {
            Ok(a) => a,
            Err(e) => {
                // The central directory is broken (a cut download, say);
                // the members' own headers still lead from one to the next.
                part.error(
                    &node.vpath,
                    format!(
                        "cannot read zip central directory ({e}); members \
                         read from their local headers"
                    ),
                );
                if reader.rewind().is_ok() {
                    self.zip_stream(part, node, &mut reader, depth);
                }
                return;
            }
        };
        let top = depth <= 1;
        for i in 0..archive.len() {
            if self.budget.exhausted() || !self.budget.take_member() {
                return;
            }
            let fallback = format!("#{i}");
            let raw = archive
                .name_for_index(i)
                .and_then(Result::ok)
                .map_or(fallback, |n| n.into_owned());
            let vpath = format!("{}!{}", node.vpath, normalize(&raw));
            let mut file = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    part.error(
                        &vpath,
                        format!("cannot read zip member ({e})"),
                    );
                    continue;
                }
            };
            let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
            if top {
                part.clues.member(&raw);
            }
            if file.is_dir() {
                continue;
            }
            if file.is_symlink() {
                part.skip(&vpath, "symbolic link (not followed)");
                continue;
            }
            let member = Node::new(vpath, raw);
            let mut metered = Metered::new(&mut file, &self.budget);
            self.stream(part, &member, &mut metered, depth, false);
        }
    }
}

fn to_timestamp(t: std::time::SystemTime) -> Option<Timestamp> {
    Timestamp::try_from(t).ok()
}

impl Walker<'_, '_> {
    /// A zip read member by member from its local headers, for archives
    /// whose central directory cannot be read.
    fn zip_stream(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        depth: u32,
    ) {
        let top = depth <= 1;
        let mut reader = reader;
        loop {
            if self.budget.exhausted() || !self.budget.take_member() {
                return;
            }
            let mut file =
                match zip::read::read_zipfile_from_stream(&mut reader) {
                    Ok(Some(f)) => f,
                    Ok(None) => return,
                    Err(e) => {
                        part.error(
                            &node.vpath,
                            format!("cannot read zip member header ({e})"),
                        );
                        return;
                    }
                };
            let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
            if top {
                part.clues.member(&raw);
            }
            if file.is_dir() {
                continue;
            }
            let member =
                Node::new(format!("{}!{}", node.vpath, normalize(&raw)), raw);
            let mut metered = Metered::new(&mut file, &self.budget);
            self.stream(part, &member, &mut metered, depth, false);
        }
    }
}

/// The virtual path of a file below a scanned folder.
fn join_dir(display: &str, root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.is_empty() {
        display.to_string()
    } else {
        format!("{display}/{}", rel.join("/"))
    }
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

/// Remembers the first error of the stream under an archive, so a failing
/// member can tell a broken archive from a broken member.
struct Latch<'r> {
    inner: &'r mut dyn Read,
    broken: Rc<RefCell<Option<String>>>,
}

impl Read for Latch<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = self.inner.read(buf);
        if let Err(e) = &r
            && e.kind() != io::ErrorKind::Interrupted
        {
            self.broken.borrow_mut().get_or_insert_with(|| io_message(e));
        }
        r
    }
}

struct Counting<'r, R> {
    inner: &'r mut R,
    read: u64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logsift_signatures::Pack;

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
            part.errors[0].message.starts_with("cannot open"),
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
