//! Arbitrary bytes through the whole input path: sniffing, gzip, tar and
//! zip walking, UTF-16 decoding, line splitting and matching with the
//! embedded pack; then the report built from them, redacted and rendered
//! in every format. Nothing may panic, whatever the bytes.

#![no_main]

use std::{io, sync::LazyLock};

use libfuzzer_sys::fuzz_target;
use logsift_engine::{Config, Scanner, Sink};
use logsift_report::{Format, ReportBuilder, text};
use logsift_signatures::{Matcher, Pack, SourceKind};

static PACK: LazyLock<Pack> =
    LazyLock::new(|| Pack::embedded().expect("the embedded pack loads"));
static MATCHER: LazyLock<Matcher> = LazyLock::new(|| PACK.compile());

fuzz_target!(|data: &[u8]| {
    // Small buffers and limits, so long lines, split literals, cut
    // evidence and spent budgets are reached with small inputs.
    let config = Config {
        chunk_size: 64,
        max_line_bytes: 256,
        max_evidence_bytes: 48,
        max_bytes: 8 << 20,
        max_zip_in_memory: 1 << 20,
        max_members: 64,
        ..Config::default()
    };
    let scanner = Scanner::new(&MATCHER, config);
    // The kind given to a top-level text file, varied without taking
    // bytes off the front, so seeds stay plain archives and logs.
    let kinds = SourceKind::ALL;
    let kind = kinds[data.len() % kinds.len()];
    let input = scanner.scan_bytes("fuzz.log", kind, data);
    let mut builder = ReportBuilder::new(&PACK, vec!["fuzz.log".into()]);
    builder.input(input);
    let report = builder.finish();
    let escaped = text::Options { color: true, escape: true };
    for format in Format::ALL {
        let _ = format.write(&report, &PACK, &escaped, io::sink());
    }
});
