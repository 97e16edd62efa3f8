//! The timeline of an input as an inline SVG: one row per signature, a bar
//! from its first to its last line, over the span its lines cover.

use std::io::{self, Write};

use jiff::Timestamp;

use super::page::{Esc, When};
use crate::model::TimelineEntry;

const WIDTH: f64 = 1000.0;
/// Room on the left for the signature ids.
const LABELS: f64 = 300.0;
const ROW: f64 = 20.0;

/// Writes the timeline of `entries` (those with a time), or nothing when
/// no line had one.
pub(super) fn write<W: Write>(
    w: &mut W,
    entries: &[TimelineEntry],
) -> io::Result<()> {
    let timed: Vec<(&TimelineEntry, Timestamp, Timestamp)> = entries
        .iter()
        .filter_map(|e| {
            let first = e.first_seen.or(e.last_seen)?;
            Some((e, first, e.last_seen.unwrap_or(first)))
        })
        .collect();
    let (Some(start), Some(end)) =
        (timed.iter().map(|t| t.1).min(), timed.iter().map(|t| t.2).max())
    else {
        return Ok(());
    };
    let span = (end.as_second() - start.as_second()).max(1) as f64;
    let x = |t: Timestamp| {
        LABELS
            + (t.as_second() - start.as_second()) as f64 / span
                * (WIDTH - LABELS - 10.0)
    };
    let height = ROW * (timed.len() as f64 + 1.5);
    writeln!(
        w,
        "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
    )?;
    writeln!(
        w,
        "<title>First and last line of each finding, {} to {}</title>",
        When(Some(start)),
        When(Some(end))
    )?;
    for (row, (e, first, last)) in timed.iter().enumerate() {
        let y = ROW * row as f64;
        let (x1, x2) = (x(*first), x(*last));
        writeln!(
            w,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect class=\"{}\" x=\"{x1:.1}\" \
             y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"2\"><title>{}: {} \
             lines, {} to {}</title></rect>",
            y + 14.0,
            Esc(&e.signature),
            e.severity.as_str(),
            y + 4.0,
            (x2 - x1).max(3.0),
            ROW - 8.0,
            Esc(&e.signature),
            e.count,
            When(Some(*first)),
            When(Some(*last)),
        )?;
    }
    let axis = ROW * timed.len() as f64 + 2.0;
    writeln!(
        w,
        "<line class=\"axis\" x1=\"{LABELS}\" x2=\"{:.1}\" y1=\"{axis:.1}\" \
         y2=\"{axis:.1}\"/><text x=\"{LABELS}\" y=\"{:.1}\">{}</text><text \
         x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        WIDTH - 10.0,
        axis + 14.0,
        When(Some(start)),
        WIDTH - 10.0,
        axis + 14.0,
        When(Some(end)),
    )?;
    writeln!(w, "</svg>")
}
