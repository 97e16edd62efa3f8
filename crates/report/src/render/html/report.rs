//! A report's page: the cards, the inputs and signatures across them, then
//! each input's root causes, findings, timeline, unrecognised lines and
//! coverage.

use std::io::{self, Write};

use super::{
    page::{self, Badge, Esc, Lines, Link, SevCell, Span, When},
    timeline,
};
use crate::{
    model::{DiagnosisEntry, Finding, InputEntry, Occurrence, Report},
    render::text::TOP_UNRECOGNIZED,
};

pub(super) fn write<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    page::open(w, "logsift report")?;
    write_meta(report, w)?;
    write_cards(report, w)?;
    if report.inputs.len() > 1 {
        write_inputs_table(report, w)?;
        write_signatures_table(report, w)?;
    }
    for (i, input) in report.inputs.iter().enumerate() {
        write_input(report, input, i, w)?;
    }
    page::close(w)
}

fn write_meta<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    write!(
        w,
        "<p class=\"meta\">{} {} · {} signatures ({})",
        Esc(&report.tool.name),
        Esc(&report.tool.version),
        report.signatures.count,
        Esc(&report.signatures.digest),
    )?;
    if let Some(win) = &report.window {
        write!(w, " · lines kept: {}", Esc(&crate::format::window_text(win)))?;
    }
    if let Some(r) = crate::redact::describe(&report.summary.redactions) {
        write!(w, " · {}", Esc(&r))?;
    }
    writeln!(w, "</p>")
}

fn write_cards<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    let s = &report.summary;
    let b = &s.by_severity;
    writeln!(w, "<div class=\"cards\" id=\"summary\">")?;
    page::card(w, "critical", b.critical, "critical")?;
    page::card(w, "error", b.error, "error")?;
    page::card(w, "warning", b.warning, "warning")?;
    page::card(w, "info", b.info, "info")?;
    page::card(w, "", s.diagnoses, "root causes")?;
    page::card(w, "", report.inputs.len(), "inputs")?;
    page::card(w, "", s.errors, "read errors")?;
    if s.unrecognized > 0 {
        page::card(w, "", s.unrecognized, "unrecognized templates")?;
    }
    writeln!(w, "</div>")
}

/// One row per input, sortable.
fn write_inputs_table<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    writeln!(w, "<h2>Inputs</h2>")?;
    page::sortable_head(
        w,
        "inputs",
        &[
            ("input", false),
            ("instance", false),
            ("collected", false),
            ("findings", true),
            ("worst", false),
            ("root causes", true),
            ("errors", true),
        ],
    )?;
    for (i, input) in report.inputs.iter().enumerate() {
        let mine: Vec<&Finding> = findings_of(report, &input.path).collect();
        let worst = mine.iter().map(|f| f.severity).max();
        let causes =
            report.diagnoses.iter().filter(|d| d.input == input.path).count();
        writeln!(
            w,
            "<tr><td><a href=\"#input-{i}\">{}</a></td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td>{}<td class=\"n\">{}\
             </td><td class=\"n\">{}</td></tr>",
            Esc(&input.path),
            Esc(input.bundle.instance_id.as_deref().unwrap_or("—")),
            When(input.bundle.collected_at),
            mine.len(),
            SevCell(worst),
            causes,
            input.errors.len(),
        )?;
    }
    writeln!(w, "</tbody></table>")
}

/// One row per signature found: how many inputs, how many lines.
fn write_signatures_table<W: Write>(
    report: &Report,
    w: &mut W,
) -> io::Result<()> {
    let mut rows: Vec<(&str, &Occurrence, usize, u64)> = Vec::new();
    for o in &report.occurrences {
        match rows.iter_mut().find(|r| r.0 == o.signature) {
            Some(r) => {
                r.2 += 1;
                r.3 += o.count;
            }
            None => rows.push((&o.signature, o, 1, o.count)),
        }
    }
    writeln!(w, "<h2>Signatures across inputs</h2>")?;
    page::sortable_head(
        w,
        "signatures",
        &[
            ("signature", false),
            ("severity", false),
            ("inputs", true),
            ("lines", true),
        ],
    )?;
    for (id, o, inputs, lines) in rows {
        writeln!(
            w,
            "<tr><td><code>{}</code></td>{}<td class=\"n\">{inputs}</td>\
             <td class=\"n\">{lines}</td></tr>",
            Esc(id),
            SevCell(Some(o.severity)),
        )?;
    }
    writeln!(w, "</tbody></table>")
}

fn findings_of<'r>(
    report: &'r Report,
    input: &'r str,
) -> impl Iterator<Item = &'r Finding> {
    report.findings.iter().filter(move |f| f.input == input)
}

fn write_input<W: Write>(
    report: &Report,
    input: &InputEntry,
    i: usize,
    w: &mut W,
) -> io::Result<()> {
    writeln!(w, "<section class=\"input\" id=\"input-{i}\">")?;
    writeln!(w, "<h2>{}</h2>", Esc(&input.path))?;
    let b = &input.bundle;
    writeln!(
        w,
        "<p class=\"meta\">{}{} · instance {} · collected {} · {} files, {} \
         bytes read</p>",
        b.producer.map_or("", |p| p.as_str()),
        b.collector_version
            .as_deref()
            .map_or(String::new(), |v| format!(" {}", Esc(v))),
        Esc(b.instance_id.as_deref().unwrap_or("unknown")),
        When(b.collected_at),
        input.files_scanned,
        input.bytes_scanned,
    )?;
    if input.nothing_scanned {
        writeln!(
            w,
            "<p class=\"diag error\"><b>Nothing scanned:</b> no file of this \
             input held text to search, so no signature was checked.</p>"
        )?;
    }
    let causes: Vec<&DiagnosisEntry> =
        report.diagnoses.iter().filter(|d| d.input == input.path).collect();
    if !causes.is_empty() {
        writeln!(w, "<h3>Root causes</h3>")?;
        for d in causes {
            write_diagnosis(d, w)?;
        }
    }
    write_findings(report, input, w)?;
    if !input.timeline.is_empty() {
        writeln!(w, "<h3>Timeline</h3>")?;
        timeline::write(w, &input.timeline)?;
    }
    write_unrecognized(report, input, w)?;
    write_coverage(input, w)?;
    writeln!(w, "</section>")
}

fn write_diagnosis<W: Write>(d: &DiagnosisEntry, w: &mut W) -> io::Result<()> {
    writeln!(w, "<div class=\"diag {}\">", d.severity.as_str())?;
    writeln!(
        w,
        "<p>{} <b>{}</b> <code>{}</code>{}</p>",
        Badge(d.severity),
        Esc(&d.title),
        Esc(&d.diagnosis),
        if d.suppressed.is_some() { " (suppressed)" } else { "" },
    )?;
    writeln!(w, "<p class=\"fix\">{}</p>", Lines(d.summary.trim()))?;
    writeln!(w, "<p>Since {}. Evidence:</p><ul>", When(d.first_seen))?;
    for e in &d.findings {
        writeln!(
            w,
            "<li><code>{}</code>: {} in {}</li>",
            Esc(&e.signature),
            page::count(e.count, "line", "lines"),
            Esc(&e.files.join(", ")),
        )?;
    }
    for id in &d.absent {
        writeln!(w, "<li>no <code>{}</code>, though checked</li>", Esc(id))?;
    }
    if d.counts_differ {
        writeln!(w, "<li>two listings whose counts differ</li>")?;
    }
    writeln!(w, "</ul>")?;
    write_fix(&d.fix, &d.links, w)?;
    writeln!(w, "</div>")
}

fn write_fix<W: Write>(
    fix: &str,
    links: &[String],
    w: &mut W,
) -> io::Result<()> {
    if !fix.trim().is_empty() {
        writeln!(
            w,
            "<p class=\"fix\"><b>Fix:</b>\n{}</p>",
            Lines(fix.trim())
        )?;
    }
    if !links.is_empty() {
        writeln!(w, "<ul class=\"links\">")?;
        for l in links {
            writeln!(w, "<li>{}</li>", Link(l))?;
        }
        writeln!(w, "</ul>")?;
    }
    Ok(())
}

/// The input's findings, one block per signature, each file's evidence
/// inside.
fn write_findings<W: Write>(
    report: &Report,
    input: &InputEntry,
    w: &mut W,
) -> io::Result<()> {
    writeln!(w, "<h3>Findings</h3>")?;
    let occurrences: Vec<&Occurrence> =
        report.occurrences.iter().filter(|o| o.input == input.path).collect();
    if occurrences.is_empty() {
        return writeln!(w, "<p class=\"note\">No findings.</p>");
    }
    for o in occurrences {
        let files: Vec<&Finding> = findings_of(report, &input.path)
            .filter(|f| f.signature == o.signature)
            .collect();
        let Some(first) = files.first() else { continue };
        writeln!(
            w,
            "<details class=\"finding\" open><summary>{} <b>{}</b> <code>{}</code> · \
             {} · {}</summary>",
            Badge(o.severity),
            Esc(&first.title),
            Esc(&o.signature),
            page::count(o.count, "line", "lines"),
            Span(o.first_seen, o.last_seen),
        )?;
        for f in &files {
            write_file_evidence(f, w)?;
        }
        write_fix(&first.fix, &first.links, w)?;
        writeln!(w, "</details>")?;
    }
    Ok(())
}

fn write_file_evidence<W: Write>(f: &Finding, w: &mut W) -> io::Result<()> {
    write!(
        w,
        "<p><code>{}</code> ({}), {}, line {} to {}",
        Esc(&f.path),
        f.source.as_str(),
        page::count(f.count, "line", "lines"),
        f.first_line,
        f.last_line,
    )?;
    if let Some(m) = &f.mirror {
        write!(w, "; a copy of <code>{}</code>", Esc(&m.of))?;
    }
    if let Some(s) = &f.suppressed {
        write!(w, "; suppressed: {}", Esc(&s.reason))?;
    }
    writeln!(w, "</p>")?;
    if let Some(m) = &f.message {
        writeln!(w, "<p>{}</p>", Esc(m))?;
    }
    writeln!(w, "<pre>")?;
    for e in &f.evidence {
        writeln!(w, "{:>7}  {}", e.line, Esc(&e.text))?;
    }
    writeln!(w, "</pre>")
}

fn write_unrecognized<W: Write>(
    report: &Report,
    input: &InputEntry,
    w: &mut W,
) -> io::Result<()> {
    let mine: Vec<_> = report
        .unrecognized
        .iter()
        .filter(|u| u.input == input.path)
        .take(TOP_UNRECOGNIZED)
        .collect();
    if mine.is_empty() {
        return Ok(());
    }
    let c = &input.unrecognized;
    writeln!(w, "<h3>Unrecognized errors</h3>")?;
    writeln!(
        w,
        "<p class=\"note\">{} error lines no signature matched, in {} \
         templates (<code>&lt;*&gt;</code> is what varies); the top {}, all \
         of them in the JSON report.</p>",
        c.lines,
        c.templates,
        mine.len(),
    )?;
    writeln!(
        w,
        "<table><thead><tr><th>count</th><th>template</th><th>example</th>\
         </tr></thead><tbody>"
    )?;
    for u in mine {
        writeln!(
            w,
            "<tr><td class=\"n\">{}</td><td><code>{}</code><br><span \
             class=\"note\">{} · <code>{}</code></span></td><td><code>{}\
             </code></td></tr>",
            u.count,
            Esc(&u.template),
            u.source.as_str(),
            Esc(&u.id),
            Esc(&u.example.text),
        )?;
    }
    writeln!(w, "</tbody></table>")
}

/// What was read, what was expected and missing, and what could not be.
fn write_coverage<W: Write>(input: &InputEntry, w: &mut W) -> io::Result<()> {
    writeln!(
        w,
        "<details class=\"coverage\"><summary>Coverage: {} sources, {} \
         skipped, {} errors</summary>",
        input.coverage.sources.len(),
        input.skipped.len(),
        input.errors.len(),
    )?;
    writeln!(
        w,
        "<table><thead><tr><th>source</th><th>status</th><th>files</th>\
         <th>bytes</th></tr></thead><tbody>"
    )?;
    for s in &input.coverage.sources {
        writeln!(
            w,
            "<tr><td>{}</td><td>{}{}</td><td class=\"n\">{}</td><td \
             class=\"n\">{}</td></tr>",
            s.kind.as_str(),
            s.status.as_str(),
            if s.expected { "" } else { " (not expected)" },
            s.files,
            s.bytes,
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    let lists: [(&str, Vec<String>); 5] = [
        (
            "Errors",
            input
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect(),
        ),
        (
            "Skipped",
            input
                .skipped
                .iter()
                .map(|s| format!("{}: {}", s.path, s.reason))
                .collect(),
        ),
        (
            "Notes",
            input
                .notes
                .iter()
                .map(|n| format!("{}: {}", n.path, n.message))
                .collect(),
        ),
        (
            "Not checked (no source for them)",
            input.coverage.not_evaluated.clone(),
        ),
        (
            "Not applicable to this input",
            input.coverage.not_applicable.clone(),
        ),
    ];
    for (title, items) in lists {
        if items.is_empty() {
            continue;
        }
        writeln!(w, "<p><b>{title}</b></p><ul>")?;
        for item in items {
            writeln!(w, "<li>{}</li>", Esc(&item))?;
        }
        writeln!(w, "</ul>")?;
    }
    writeln!(w, "</details>")
}
