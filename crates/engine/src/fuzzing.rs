//! Entry points for the fuzz targets in `fuzz/` (and the benches'
//! inflate-only baseline): the crate's private parsers, reachable without
//! making them part of the API.
//!
//! Not for use by anything else; hidden from the docs and free to change.

use jiff::Timestamp;

/// The time at the start of `line`, a year-less one placed against
/// `reference`, as the scan does for every matching line.
pub fn line_time(line: &[u8], reference: Timestamp) -> Option<Timestamp> {
    crate::time::parse_line(line)?.resolve(reference)
}

/// An RFC 3339 / ISO 8601 time at the start of `s`, and the bytes read.
pub fn iso(s: &[u8]) -> Option<(Timestamp, usize)> {
    crate::time::iso(s)
}

/// Every member of the gzip stream `reader` holds, inflated by `inflate`,
/// as a scan reads a `.gz` file or a bundle's outer stream (without the
/// budget).
pub fn gzip_members<R: std::io::Read>(
    reader: R,
    inflate: crate::gz::Inflate,
) -> impl std::io::Read {
    crate::gz::gz_members(reader, inflate)
}
