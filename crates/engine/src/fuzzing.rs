//! Entry points for the fuzz targets in `fuzz/`: the crate's private
//! parsers, reachable without making them part of the API.
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
