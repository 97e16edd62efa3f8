//! Files and streams: sniffed from their first bytes, then inflated,
//! decoded, scanned as text or walked as archives.

use std::{
    fs::File,
    io::{Cursor, Read, Seek},
    path::Path,
    sync::atomic::Ordering,
};

use encoding_rs_io::DecodeReaderBytesBuilder;
use logsift_signatures::SourceKind;

use super::{Ahead, Level, Node, Part, Walker, io_message, read_up_to};
use crate::{
    ahead::{self, Member},
    budget::{Gauge, Metered, Raw},
    coverage::{FileInfo, cut_from_front, no_entries},
    error::{ErrorKind, NoteKind, SkipReason},
    gz::gz_members,
    model::InputKind,
    scan::{FileTally, KindBy, scan_text},
    sniff::{self, Format, HEAD_LEN, sniff},
    source::{bundle_relative, classify},
};

impl Walker<'_, '_> {
    /// A file on disk: zips are read at random through their central
    /// directory, everything else as a stream.
    pub(super) fn file(
        &self,
        part: &mut Part,
        path: &Path,
        node: &Node,
    ) -> InputKind {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                part.error(&node.vpath, ErrorKind::Open(io_message(&e)));
                return InputKind::File;
            }
        };
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut file, &mut magic).unwrap_or(0);
        if sniff(&magic[..n]) == Format::Zip && file.rewind().is_ok() {
            self.zip(
                part,
                node,
                Raw::new(file, &self.budget),
                Level::TOP.in_archive(),
            );
            return InputKind::Zip;
        }
        self.budget.add_raw(n as u64);
        let raw = Raw::new(file, &self.budget);
        let mut stream = Cursor::new(magic[..n].to_vec()).chain(raw);
        self.stream(part, node, &mut stream, Level::TOP, false)
    }

    /// Sniffs a stream and dispatches it. `depth` counts the archives and
    /// compressed layers already entered; `in_gzip` says the stream is the
    /// content of a gzip layer (a tar inside it counts with it, once).
    pub(super) fn stream(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        at: Level<'_>,
        in_gzip: bool,
    ) -> InputKind {
        let mut head = Vec::with_capacity(HEAD_LEN);
        let head_error =
            reader.take(HEAD_LEN as u64).read_to_end(&mut head).err();
        if let Some(e) = head_error {
            // Keep what was read before the error (a short file whose
            // gzip trailer is followed by garbage, say), then say why the
            // rest is missing.
            let kind =
                self.stream(part, node, &mut Cursor::new(head), at, in_gzip);
            part.error(&node.vpath, ErrorKind::Read(io_message(&e)));
            return kind;
        }
        let format = match sniff(&head) {
            // tar's end-of-archive blocks and nothing before them.
            Format::Unreadable(_)
                if sniff::is_tar_end(&head)
                    && (in_gzip || node.vpath.ends_with(".tar")) =>
            {
                Format::Tar
            }
            f => f,
        };
        let mut reader = Cursor::new(head).chain(reader);
        let max = self.cx.config.max_depth;
        let level = match format {
            Format::Tar if in_gzip => at,
            Format::Gzip | Format::Tar | Format::Zip => at.in_archive(),
            _ => at,
        };
        if level.depth > max {
            part.skip(&node.vpath, SkipReason::TooDeep { max });
            return InputKind::Binary;
        }
        match format {
            Format::Gzip => match self.gzip(part, node, &mut reader, level) {
                InputKind::Tar => InputKind::TarGz,
                _ => InputKind::Gzip,
            },
            Format::Tar => {
                self.tar(part, node, &mut reader, level);
                InputKind::Tar
            }
            Format::Zip => {
                self.zip_in_stream(part, node, &mut reader, level);
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
                self.text(part, node, &mut decoded, None);
                InputKind::File
            }
            Format::Text => {
                self.text(part, node, &mut reader, level.member());
                InputKind::File
            }
            Format::Evtx => {
                // A Windows event log is there, only not parsed: its source
                // is not missing, and its signatures are not checked.
                part.skip(&node.vpath, SkipReason::Binary(sniff::EVTX));
                part.infos.push(FileInfo::unparsed(
                    &node.vpath,
                    SourceKind::WindowsEvents,
                ));
                InputKind::Binary
            }
            Format::Unreadable(reason) => {
                part.skip(&node.vpath, SkipReason::Binary(reason));
                InputKind::Binary
            }
        }
    }

    /// A gzip layer, inflated in place, or ahead of the scan on a spare
    /// thread when it is the input's own outer layer; returns what it
    /// held.
    fn gzip(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        level: Level<'_>,
    ) -> InputKind {
        if level.depth == 1 && self.one_stream {
            // The pool has a thread no other input keeps busy.
            let spare = rayon::current_num_threads()
                > self.cx.active.load(Ordering::Relaxed);
            let inflate = self.cx.config.inflate;
            return ahead::inflate(
                reader,
                inflate,
                &self.budget,
                spare,
                self.cx.matcher,
                |gz, lookahead| {
                    let gauge = Gauge::within(None);
                    let mut gz = Metered::new(gz, &self.budget, &gauge);
                    let mut level = Level::inside(1, &gauge);
                    if let Some(l) = lookahead {
                        level.ahead = Ahead::Stream(l);
                    }
                    self.stream(part, node, &mut gz, level, true)
                },
            );
        }
        let gauge = Gauge::within(level.layer);
        let mut gz = Metered::new(
            gz_members(reader, self.cx.config.inflate),
            &self.budget,
            &gauge,
        );
        let inside = Level::inside(level.depth, &gauge);
        self.stream(part, node, &mut gz, inside, true)
    }

    /// A zip inside a stream: it needs random access, so it is held in
    /// memory up to a limit.
    fn zip_in_stream(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        level: Level<'_>,
    ) {
        let limit = self.cx.config.max_zip_in_memory;
        let mut bytes = Vec::new();
        match reader.take(limit + 1).read_to_end(&mut bytes) {
            Err(e) => part.error(&node.vpath, ErrorKind::Read(io_message(&e))),
            Ok(_) if bytes.len() as u64 > limit => part.skip(
                &node.vpath,
                SkipReason::ZipTooLarge { max_mib: limit >> 20 },
            ),
            Ok(_) => self.zip(part, node, Cursor::new(bytes), level),
        }
    }

    pub(super) fn text(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        ahead: Option<Member<'_>>,
    ) {
        let rel = bundle_relative(&node.raw);
        // A path that names a log decides; where it says nothing or only
        // "config" or "command output", the first lines do, so a journal
        // or a component's log under any name gets its signatures.
        let path = classify(&rel);
        let kind = match node.kind {
            Some(k) => KindBy::Option(k),
            None if path.is_generic() => KindBy::Content { otherwise: path },
            None => KindBy::Path(path),
        };
        let mut tally = FileTally::default();
        let result = scan_text(
            self.cx.matcher,
            kind,
            reader,
            &self.options(),
            ahead,
            &mut tally,
        );
        part.files += 1;
        part.bytes += tally.bytes;
        part.infos.push(FileInfo {
            path: node.vpath.clone(),
            kind: tally.kind,
            by: tally.by,
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
        if let Some(n) = tally.nul_runs.filter(|n| n.bytes > 0) {
            let kind = NoteKind::NulRuns {
                runs: n.runs,
                bytes: n.bytes,
                first: n.first,
            };
            part.note(&node.vpath, kind);
        }
        let miner = std::mem::take(&mut tally.miner);
        part.mined.lines += miner.lines;
        part.mined.dropped += miner.dropped;
        part.mined
            .templates
            .extend(miner.into_unrecognized(&node.vpath, tally.kind));
        part.findings
            .extend(tally.into_findings(self.cx.matcher, &node.vpath));
        if let Err(e) = result {
            part.error(&node.vpath, ErrorKind::Read(io_message(&e)));
        }
    }
}
