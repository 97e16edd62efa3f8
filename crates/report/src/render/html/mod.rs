//! The HTML renderer: one self-contained page for people, of a report (one
//! bundle or many) or of a fleet summary (`--out-dir`, `merge`).
//!
//! A report's page: cards by severity; then, per input, its root causes
//! with their evidence, its findings grouped by signature with the fix
//! steps and links, a timeline of each signature's first and last line, the
//! unrecognised error lines, and what was read and what was not. A report
//! of several inputs opens with a sortable table of them and the
//! signatures across them. A fleet page: the totals, a sortable table of
//! the bundles, the signatures by the number of bundles they affect, and
//! the unrecognised templates across the fleet.
//!
//! Every piece of log text, file name and message is escaped (see
//! [`page::Esc`]); the page fetches nothing.

mod fleet;
mod page;
mod report;
mod timeline;

use std::io::{self, Write};

use crate::{fleet::FleetSummary, model::Report};

/// Writes `report` as an HTML page.
pub fn write<W: Write>(report: &Report, mut w: W) -> io::Result<()> {
    report::write(report, &mut w)
}

/// Writes a fleet summary as an HTML page; each bundle links to its own
/// report, named as the summary names it (beside the page in `--out-dir`).
pub fn write_fleet<W: Write>(
    summary: &FleetSummary,
    mut w: W,
) -> io::Result<()> {
    fleet::write(summary, &mut w)
}
