//! A fleet's page: the totals, the bundles in a sortable table, the
//! signatures by how many bundles they affect, and the unrecognised
//! templates across the fleet.

use std::io::{self, Write};

use super::page::{self, Esc, SevCell, When};
use crate::fleet::FleetSummary;

pub(super) fn write<W: Write>(
    summary: &FleetSummary,
    w: &mut W,
) -> io::Result<()> {
    page::open(w, "logsift fleet summary")?;
    write!(
        w,
        "<p class=\"meta\">{} {}",
        Esc(&summary.tool.name),
        Esc(&summary.tool.version)
    )?;
    if let Some(s) = &summary.signatures {
        write!(w, " · {} signatures ({})", s.count, Esc(&s.digest))?;
    }
    writeln!(w, "</p>")?;
    let t = &summary.totals;
    writeln!(w, "<div class=\"cards\" id=\"summary\">")?;
    page::card(w, "", t.inputs, "bundles")?;
    page::card(w, "error", t.inputs_with_findings, "with findings")?;
    page::card(w, "", t.findings, "findings")?;
    page::card(w, "", t.diagnoses, "root causes")?;
    page::card(w, "warning", t.inputs_incomplete, "incomplete")?;
    page::card(w, "", t.inputs_with_errors, "with read errors")?;
    if t.unrecognized_templates > 0 {
        page::card(w, "", t.unrecognized_templates, "unrecognized templates")?;
    }
    writeln!(w, "</div>")?;
    write_signatures(summary, w)?;
    write_bundles(summary, w)?;
    write_unrecognized(summary, w)?;
    page::close(w)
}

/// Each signature and the bundles it was found in, the widest first.
fn write_signatures<W: Write>(
    summary: &FleetSummary,
    w: &mut W,
) -> io::Result<()> {
    writeln!(w, "<h2>Signatures by bundles affected</h2>")?;
    if summary.by_signature.is_empty() {
        return writeln!(w, "<p class=\"note\">No findings.</p>");
    }
    page::sortable_head(
        w,
        "signatures",
        &[
            ("signature", false),
            ("severity", false),
            ("bundles", true),
            ("lines", true),
            ("first seen", false),
            ("nodes", false),
        ],
    )?;
    for s in &summary.by_signature {
        writeln!(
            w,
            "<tr><td><code>{}</code><br>{}</td>{}<td \
             class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}\
             </td></tr>",
            Esc(&s.signature),
            Esc(&s.title),
            SevCell(Some(s.severity)),
            s.inputs,
            s.count,
            When(s.first_seen),
            Esc(&s.instances.join(", ")),
        )?;
    }
    writeln!(w, "</tbody></table>")
}

/// One row per bundle, linking to its own report.
fn write_bundles<W: Write>(
    summary: &FleetSummary,
    w: &mut W,
) -> io::Result<()> {
    writeln!(w, "<h2>Bundles</h2>")?;
    page::sortable_head(
        w,
        "bundles",
        &[
            ("bundle", false),
            ("instance", false),
            ("collected", false),
            ("findings", true),
            ("errors", true),
            ("top findings", false),
            ("root causes", false),
            ("incomplete", false),
        ],
    )?;
    for i in &summary.inputs {
        let top: Vec<String> = i
            .top_findings
            .iter()
            .map(|f| {
                format!(
                    "<code class=\"t {}\" title=\"{}, {}\">{}</code>",
                    f.severity.as_str(),
                    f.severity.as_str(),
                    page::count(f.count, "line", "lines"),
                    Esc(&f.signature)
                )
            })
            .collect();
        let causes: Vec<String> =
            i.diagnoses.iter().map(|d| Esc(&d.title).to_string()).collect();
        writeln!(
            w,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"nowrap\">{}</td><td \
             class=\"nowrap\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            Esc(&i.report),
            Esc(&i.path),
            Esc(i.instance_id.as_deref().unwrap_or("—")),
            When(i.collected_at),
            i.findings,
            i.errors,
            top.join(" "),
            causes.join("<br>"),
            Esc(&i.incomplete.join(", ")),
        )?;
    }
    writeln!(w, "</tbody></table>")
}

fn write_unrecognized<W: Write>(
    summary: &FleetSummary,
    w: &mut W,
) -> io::Result<()> {
    if summary.unrecognized.is_empty() {
        return Ok(());
    }
    writeln!(w, "<h2>Unrecognized errors across the fleet</h2>")?;
    page::sortable_head(
        w,
        "unrecognized",
        &[
            ("bundles", true),
            ("lines", true),
            ("template", false),
            ("example", false),
        ],
    )?;
    for u in &summary.unrecognized {
        writeln!(
            w,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td><code>{}\
             </code><br><span class=\"note\"><code>{}</code></span></td><td>\
             <code>{}</code><br><span class=\"note\">{}</span></td></tr>",
            u.inputs,
            u.count,
            Esc(&u.template),
            Esc(&u.id),
            Esc(&u.example),
            Esc(&u.example_input),
        )?;
    }
    writeln!(w, "</tbody></table>")
}
