//! The NDJSON renderer: one object per line, each the same object as in
//! the JSON report with a `kind` field first (`finding`, `diagnosis` or
//! `unrecognized`),
//! for loading into a warehouse or piping through `jq -c`.

use std::io::{self, Write};

use serde::Serialize;

use crate::model::Report;

/// One line: what it is, then the report's own object.
#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    kind: &'static str,
    #[serde(flatten)]
    item: &'a T,
}

/// Writes each finding of `report`, then each diagnosis, then each
/// template of unrecognised error lines, as one line of JSON.
pub fn write<W: Write>(report: &Report, mut w: W) -> io::Result<()> {
    for item in &report.findings {
        serde_json::to_writer(&mut w, &Line { kind: "finding", item })?;
        w.write_all(b"\n")?;
    }
    for item in &report.diagnoses {
        serde_json::to_writer(&mut w, &Line { kind: "diagnosis", item })?;
        w.write_all(b"\n")?;
    }
    for item in &report.unrecognized {
        serde_json::to_writer(&mut w, &Line { kind: "unrecognized", item })?;
        w.write_all(b"\n")?;
    }
    w.flush()
}
