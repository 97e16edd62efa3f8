//! The JSON renderer: the report as one pretty-printed JSON document.

use std::io::{self, Write};

use crate::model::Report;

/// Writes `report` as JSON followed by a newline.
pub fn write<W: Write>(report: &Report, mut w: W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut w, report)?;
    w.write_all(b"\n")?;
    w.flush()
}
