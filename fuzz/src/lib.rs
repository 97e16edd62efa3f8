//! What the fuzz targets share: the whole input path with small limits,
//! then the report in every format, as `scan_bytes` runs it.

use std::{io, sync::LazyLock};

use logsift_engine::{Config, Inflate, Scanner, Sink};
use logsift_report::{Format, ReportBuilder, text};
use logsift_signatures::{Matcher, Pack, SourceKind};

static PACK: LazyLock<Pack> =
    LazyLock::new(|| Pack::embedded().expect("the embedded pack loads"));
static MATCHER: LazyLock<Matcher> = LazyLock::new(|| PACK.compile());

/// Scans `data` as an input named `name` whose top-level text is read as
/// `kind`, builds its report (redacted) and renders it in every format.
/// Small buffers and limits, so long lines, split literals, cut evidence
/// and spent budgets are reached with small inputs.
pub fn scan_and_render(name: &str, kind: SourceKind, data: &[u8]) {
    let config = Config {
        chunk_size: 64,
        max_line_bytes: 256,
        max_evidence_bytes: 48,
        max_bytes: 8 << 20,
        max_zip_in_memory: 1 << 20,
        max_members: 64,
        // ISA-L where it loads, as the scan does by default; the inflate
        // target holds it to zlib-rs.
        inflate: Inflate::fastest(),
        ..Config::default()
    };
    let scanner = Scanner::new(&MATCHER, config);
    let input = scanner.scan_bytes(name, kind, data);
    let mut builder = ReportBuilder::new(&PACK, vec![name.into()]);
    builder.input(input);
    let report = builder.finish();
    let escaped = text::Options { color: true, escape: true };
    for format in Format::ALL {
        let _ = format.write(&report, &PACK, &escaped, io::sink());
    }
}
