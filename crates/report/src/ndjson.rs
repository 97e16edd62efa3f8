//! The NDJSON renderer: one finding per line, the same object as in the
//! JSON report's `findings` and nothing else, for loading into a warehouse
//! or piping through `jq -c`.

use std::io::{self, Write};

use crate::Report;

/// Writes each finding of `report` as one line of JSON.
pub fn write<W: Write>(report: &Report, mut w: W) -> io::Result<()> {
    for f in &report.findings {
        serde_json::to_writer(&mut w, f)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}
