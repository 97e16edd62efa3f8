//! Tar archives whose headers the fuzzer writes: random bytes almost never
//! pass a tar header's checksum, so here each 512-byte header is taken
//! from the input and its checksum made right, and the reader gets past it
//! to the fields behind: names, sizes and types, octal and base-256
//! numbers, GNU long names and links, PAX records, links and devices.
//! Each archive is scanned as it is, and inside gzip.
//!
//! The input is a list of records: one byte `n`, a header of 512 bytes,
//! then `8 * n` bytes of member data, padded to a block. Two empty blocks
//! end the archive unless the input's last byte is odd (a cut archive).

#![no_main]

use std::io::Write;

use flate2::{Compression, write::GzEncoder};
use libfuzzer_sys::fuzz_target;
use logsift_fuzz::scan_and_render;
use logsift_signatures::SourceKind;

const BLOCK: usize = 512;

fuzz_target!(|data: &[u8]| {
    let tar = archive(data);
    scan_and_render("fuzz.tar", SourceKind::Unknown, &tar);
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    if gz.write_all(&tar).is_ok()
        && let Ok(gz) = gz.finish()
    {
        scan_and_render("fuzz.tar.gz", SourceKind::Unknown, &gz);
    }
});

/// The archive the input describes.
fn archive(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some((&n, after)) = rest.split_first() {
        let take = after.len().min(BLOCK);
        let mut header = [0u8; BLOCK];
        header[..take].copy_from_slice(&after[..take]);
        seal(&mut header);
        out.extend_from_slice(&header);
        let after = &after[take..];
        let len = after.len().min(8 * usize::from(n));
        out.extend_from_slice(&after[..len]);
        out.resize(out.len().next_multiple_of(BLOCK), 0);
        rest = &after[len..];
    }
    if data.last().is_none_or(|b| b % 2 == 0) {
        out.extend_from_slice(&[0u8; 2 * BLOCK]);
    }
    out
}

/// Writes the header's checksum: the sum of its bytes with the checksum
/// field read as spaces, in octal, as tar writes it.
fn seal(header: &mut [u8; BLOCK]) {
    header[148..156].fill(b' ');
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    let field = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(&field.as_bytes()[..8]);
}
