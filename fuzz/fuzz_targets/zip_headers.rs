//! Zip archives with fuzzed header fields: a valid archive (members
//! deflated and stored, a folder, names with `..` and `\`; or the same
//! written as a stream, sizes in data descriptors) gets bytes of its local
//! headers, central directory records and end record overwritten where
//! the input says, and may be cut short; then the whole input path scans
//! it (central directory, or local headers when that is broken).
//!
//! The input: one byte choosing the archive and where to cut it, then
//! triples of (record, offset in the record, new byte). Records are
//! counted over every `PK\x03\x04`, `PK\x01\x02`, `PK\x07\x08` and
//! `PK\x05\x06` signature in the archive.

#![no_main]

use std::{
    io::{Cursor, Write},
    sync::LazyLock,
};

use libfuzzer_sys::fuzz_target;
use logsift_fuzz::scan_and_render;
use logsift_signatures::SourceKind;
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

const MEMBERS: &[(&str, &str)] = &[
    (
        "kubelet/kubelet.log",
        "I1121 11:50:02.000000    3012 x.go:1] net/http: TLS handshake timeout\n",
    ),
    ("system\\ps.txt", "root 1 0 systemd\n"),
    (
        "../var_log/messages",
        "Nov 21 11:50:01 ip-10-0-1-2 kernel: Out of memory: Killed process 4242 (java)\n",
    ),
    ("folder/", ""),
];

static ARCHIVES: LazyLock<[Vec<u8>; 2]> = LazyLock::new(|| {
    let mut seekable = ZipWriter::new(Cursor::new(Vec::new()));
    write(&mut seekable);
    let seekable =
        seekable.finish().map(Cursor::into_inner).unwrap_or_default();
    let mut streamed = ZipWriter::new_stream(Vec::new());
    write(&mut streamed);
    let streamed =
        streamed.finish().map(|w| w.into_inner()).unwrap_or_default();
    [seekable, streamed]
});

fn write<W: Write + std::io::Seek>(zw: &mut ZipWriter<W>) {
    for (i, (name, text)) in MEMBERS.iter().enumerate() {
        let method = if i % 2 == 0 {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default().compression_method(method);
        if name.ends_with('/') {
            let _ = zw.add_directory(*name, options);
        } else if zw.start_file(*name, options).is_ok() {
            let _ = zw.write_all(text.as_bytes());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, edits)) = data.split_first() else { return };
    let mut zip = ARCHIVES[usize::from(choice & 1)].clone();
    let records: Vec<usize> = zip
        .windows(4)
        .enumerate()
        .filter(|(_, w)| {
            w[..2] == *b"PK"
                && matches!((w[2], w[3]), (3, 4) | (1, 2) | (7, 8) | (5, 6))
        })
        .map(|(i, _)| i)
        .collect();
    if records.is_empty() {
        return;
    }
    for edit in edits.chunks_exact(3) {
        let record = records[usize::from(edit[0]) % records.len()];
        if let Some(byte) = zip.get_mut(record + usize::from(edit[1])) {
            *byte = edit[2];
        }
    }
    // The top bits choose a cut: none, or at a fraction of the length.
    let cut = usize::from(choice >> 1);
    if cut > 0 {
        zip.truncate(zip.len() * cut / 128);
    }
    scan_and_render("fuzz.zip", SourceKind::Unknown, &zip);
});
