//! Arbitrary bytes through the whole input path: sniffing, gzip, tar and
//! zip walking, UTF-16 decoding, line splitting and matching with the
//! embedded pack; then the report built from them, redacted and rendered
//! in every format. Nothing may panic, whatever the bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use logsift_fuzz::scan_and_render;
use logsift_signatures::SourceKind;

fuzz_target!(|data: &[u8]| {
    // The kind given to a top-level text file, varied without taking
    // bytes off the front, so seeds stay plain archives and logs.
    let kinds = SourceKind::ALL;
    let kind = kinds[data.len() % kinds.len()];
    scan_and_render("fuzz.log", kind, data);
});
