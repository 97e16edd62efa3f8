//! The Markdown renderer: GitHub-flavoured Markdown for a job's step
//! summary (`$GITHUB_STEP_SUMMARY`) or a pull request comment.
//!
//! A title, a table of counts by severity, the inputs, a table of the
//! findings, each finding's evidence in a `<details>` block, then the
//! errors and skipped files. Log text is untrusted: table cells escape
//! Markdown's punctuation (pipes above all), code spans and fences are
//! made longer than any run of backticks inside them, HTML is entity
//! escaped, and control, bidi and zero-width characters are shown as
//! escapes, since a page renders them as silently as a terminal does.

use std::io::{self, Write};

use logsift_engine::SourceStatus;

use crate::{
    model::{Finding, Report},
    render::sanitize,
};

/// Writes `report` as Markdown.
pub fn write<W: Write>(report: &Report, mut w: W) -> io::Result<()> {
    write_head(report, &mut w)?;
    write_inputs(report, &mut w)?;
    write_root_causes(report, &mut w)?;
    write_gaps(report, &mut w)?;
    write_findings(report, &mut w)?;
    write_unrecognized(report, &mut w)?;
    write_problems(report, &mut w)?;
    w.flush()
}

/// The title, the totals, the window and the counts by severity.
fn write_head<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    let s = &report.summary;
    let skipped: usize = report.inputs.iter().map(|i| i.skipped.len()).sum();
    writeln!(w, "# logsift report")?;
    writeln!(w)?;
    writeln!(
        w,
        "**{} {}** and **{} {}** in {} {}, {} {}, {} skipped {}.",
        s.findings,
        plural(s.findings, "finding", "findings"),
        s.diagnoses,
        plural(s.diagnoses, "root cause", "root causes"),
        report.inputs.len(),
        plural(report.inputs.len(), "input", "inputs"),
        s.errors,
        plural(s.errors, "error", "errors"),
        skipped,
        plural(skipped, "file", "files"),
    )?;
    if let Some(win) = &report.window {
        writeln!(w)?;
        writeln!(
            w,
            "Lines kept: {}.",
            cell(&crate::format::window_text(win))
        )?;
    }
    writeln!(w)?;
    writeln!(w, "| severity | findings |")?;
    writeln!(w, "| --- | ---: |")?;
    let b = &s.by_severity;
    for (name, n) in [
        ("critical", b.critical),
        ("error", b.error),
        ("warning", b.warning),
        ("info", b.info),
    ] {
        writeln!(w, "| {name} | {n} |")?;
    }
    if let Some(r) = crate::redact::describe(&s.redactions) {
        writeln!(w)?;
        writeln!(w, "{}; `--no-redact` shows them.", cell(&r))?;
    }
    Ok(())
}

/// One row per input: how it is packed, its bundle, what was read.
fn write_inputs<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    writeln!(w)?;
    writeln!(w, "## Inputs")?;
    writeln!(w)?;
    writeln!(w, "| input | kind | bundle | files scanned | bytes scanned |")?;
    writeln!(w, "| --- | --- | --- | ---: | ---: |")?;
    for i in &report.inputs {
        let b = &i.bundle;
        let bundle: Vec<String> = [
            b.producer.map(|p| cell(p.as_str())),
            b.collector_version
                .as_deref()
                .map(|v| format!("version {}", cell(v))),
            b.instance_id.as_deref().map(|v| format!("instance {}", cell(v))),
            b.collected_at.map(|t| format!("collected {t}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            code(&i.path, true),
            cell(i.kind.as_str()),
            or_dash(bundle.join(", ")),
            i.files_scanned,
            i.bytes_scanned
        )?;
    }
    Ok(())
}

/// The diagnoses, when there are any.
fn write_root_causes<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    if !report.diagnoses.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Root causes")?;
        writeln!(w)?;
        writeln!(w, "| severity | root cause | input | because | fix |")?;
        writeln!(w, "| --- | --- | --- | --- | --- |")?;
        for d in &report.diagnoses {
            let because: Vec<String> = d
                .findings
                .iter()
                .map(|f| format!("{} ({})", code(&f.signature, true), f.count))
                .collect();
            let absent: Vec<String> =
                d.absent.iter().map(|id| code(id, true)).collect();
            let because = format!(
                "{}{}",
                crate::format::rests_on(&because, d.counts_differ),
                crate::format::without(&absent.join(", "))
            );
            writeln!(
                w,
                "| {} | {}<br>{} | {} | {} | {} |",
                match d.suppressed {
                    Some(_) =>
                        format!("{} (suppressed)", cell(d.severity.as_str())),
                    None => cell(d.severity.as_str()),
                },
                code(&d.diagnosis, true),
                cell(&d.title),
                code(&d.input, true),
                or_dash(because),
                or_dash(links(&d.links)),
            )?;
        }
    }
    Ok(())
}

/// Inputs whose logs were not all there or not all read.
fn write_gaps<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    // No findings must never read as "all clear" when the logs that
    // would show a failure were not in the bundle.
    let gaps: Vec<&crate::model::InputEntry> = report
        .inputs
        .iter()
        .filter(|i| {
            !i.coverage.not_evaluated.is_empty()
                || i.coverage
                    .sources
                    .iter()
                    .any(|s| s.expected && s.status != SourceStatus::Present)
        })
        .collect();
    if !gaps.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Coverage gaps")?;
        writeln!(w)?;
        writeln!(
            w,
            "| input | sources not fully read | signatures not checked |"
        )?;
        writeln!(w, "| --- | --- | ---: |")?;
        for i in gaps {
            let sources: Vec<String> = i
                .coverage
                .sources
                .iter()
                .filter(|s| s.status != SourceStatus::Present)
                .map(|s| {
                    format!(
                        "{} {}",
                        cell(s.kind.as_str()),
                        cell(s.status.as_str())
                    )
                })
                .collect();
            writeln!(
                w,
                "| {} | {} | {} |",
                code(&i.path, true),
                if i.nothing_scanned {
                    "nothing scanned".to_string()
                } else if sources.is_empty() {
                    "none".to_string()
                } else {
                    sources.join(", ")
                },
                i.coverage.not_evaluated.len()
            )?;
        }
    }
    Ok(())
}

/// The findings' table, then each one's evidence.
fn write_findings<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    writeln!(w)?;
    writeln!(w, "## Findings")?;
    writeln!(w)?;
    if report.findings.is_empty() {
        writeln!(w, "No findings.")?;
    } else {
        writeln!(w, "| severity | signature | where | count | fix |")?;
        writeln!(w, "| --- | --- | --- | ---: | --- |")?;
        for f in &report.findings {
            // Accepted findings stay in the table, marked as such.
            let severity = match &f.suppressed {
                Some(_) => {
                    format!("{}<br>suppressed", cell(f.severity.as_str()))
                }
                None => cell(f.severity.as_str()),
            };
            writeln!(
                w,
                "| {} | {}<br>{} | {} | {} | {} |",
                severity,
                code(&f.signature, true),
                cell(&f.title),
                code(&where_(f), true),
                count(f),
                or_dash(links(&f.links)),
            )?;
        }
        writeln!(w)?;
        writeln!(w, "### Evidence")?;
        for f in &report.findings {
            writeln!(w)?;
            details(f, w)?;
        }
    }
    Ok(())
}

/// Each input's top templates of error lines no signature matched.
fn write_unrecognized<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    if report.unrecognized.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    writeln!(w, "## Unrecognized errors")?;
    writeln!(w)?;
    writeln!(
        w,
        "Error lines no signature matched, grouped into templates (`<*>` \
         is what varies); the top {} of each input, all of them in the JSON \
         report.",
        crate::render::text::TOP_UNRECOGNIZED
    )?;
    writeln!(w)?;
    writeln!(w, "| input | count | template | example |")?;
    writeln!(w, "| --- | ---: | --- | --- |")?;
    let mut shown: Vec<(&str, usize)> = Vec::new();
    for u in &report.unrecognized {
        let n = match shown.iter_mut().find(|(i, _)| *i == u.input) {
            Some((_, n)) => n,
            None => {
                shown.push((&u.input, 0));
                &mut shown.last_mut().expect("just pushed").1
            }
        };
        if *n == crate::render::text::TOP_UNRECOGNIZED {
            continue;
        }
        *n += 1;
        writeln!(
            w,
            "| {} | {} | {}<br>{} | {} |",
            code(&u.input, true),
            u.count,
            code(&u.id, true),
            code(&u.template, true),
            code(&format!("{}:{}", u.example_path, u.example.line), true),
        )?;
    }
    Ok(())
}

/// What could not be read, what to know about what was read, and what
/// was skipped.
fn write_problems<W: Write>(report: &Report, w: &mut W) -> io::Result<()> {
    let all = || report.inputs.iter();
    let errors = all().flat_map(|i| &i.errors).map(|e| (&e.path, &e.message));
    write_listing(w, "Errors", errors)?;
    let notes = all().flat_map(|i| &i.notes).map(|n| (&n.path, &n.message));
    write_listing(w, "Notes", notes)?;
    let skipped = all().flat_map(|i| &i.skipped).map(|s| (&s.path, &s.reason));
    write_listing(w, "Skipped files", skipped)
}

/// A `## <title>` section of `path: words` items, when there are any.
fn write_listing<'a, W: Write>(
    w: &mut W,
    title: &str,
    items: impl Iterator<Item = (&'a String, &'a String)>,
) -> io::Result<()> {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return Ok(());
    }
    writeln!(w)?;
    writeln!(w, "## {title}")?;
    writeln!(w)?;
    for (path, words) in items {
        writeln!(w, "- {}: {}", code(path, false), cell(words))?;
    }
    Ok(())
}

/// A finding's line count, and how many are copies of another file's.
fn count(f: &Finding) -> String {
    match &f.mirror {
        Some(m) => format!("{}<br>{} copied", f.count, m.lines),
        None => f.count.to_string(),
    }
}

fn details<W: Write>(f: &Finding, w: &mut W) -> io::Result<()> {
    writeln!(w, "<details>")?;
    writeln!(
        w,
        "<summary>{}: <code>{}</code> at <code>{}</code> ({} {})</summary>",
        html(f.severity.as_str()),
        html(&f.signature),
        html(&where_(f)),
        f.count,
        plural(f.count as usize, "line", "lines"),
    )?;
    // A blank line after the HTML so GitHub renders what follows as
    // Markdown.
    writeln!(w)?;
    writeln!(w, "**{}**", cell(&f.title))?;
    if let Some(m) = &f.mirror {
        writeln!(w)?;
        writeln!(
            w,
            "{} of these lines are copies of {}, counted there.",
            m.lines,
            code(&m.of, false)
        )?;
    }
    if let Some(s) = &f.suppressed {
        let until = s
            .expires
            .as_ref()
            .map_or(String::new(), |d| format!(" (until {d})"));
        writeln!(w)?;
        writeln!(w, "Suppressed: {}{until}", cell(&s.reason))?;
    }
    if let Some(m) = &f.message {
        writeln!(w)?;
        writeln!(w, "{}", cell(m))?;
    }
    writeln!(w)?;
    let width =
        f.evidence.iter().map(|e| e.line.to_string().len()).max().unwrap_or(1);
    let body: Vec<String> = f
        .evidence
        .iter()
        .map(|e| {
            let cut = if e.truncated { " [cut]" } else { "" };
            format!("{:>width$} | {}{cut}", e.line, sanitize::escape(&e.text))
        })
        .collect();
    let fence = "`".repeat(longest_run(&body.concat(), '`').max(2) + 1);
    writeln!(w, "{fence}text")?;
    for line in &body {
        writeln!(w, "{line}")?;
    }
    writeln!(w, "{fence}")?;
    if !f.fix.trim().is_empty() {
        writeln!(w)?;
        writeln!(w, "Fix:")?;
        writeln!(w)?;
        for line in f.fix.lines() {
            writeln!(w, "{}", cell(line))?;
        }
    }
    if !f.links.is_empty() {
        writeln!(w)?;
        writeln!(w, "See {}.", links(&f.links))?;
    }
    writeln!(w)?;
    writeln!(w, "</details>")
}

/// `path:line`.
fn where_(f: &Finding) -> String {
    format!("{}:{}", f.path, f.first_line)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Untrusted text for a table cell or a paragraph: controls escaped,
/// Markdown's punctuation backslash-escaped so it stays literal.
fn cell(s: &str) -> String {
    let s = sanitize::escape(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '~'
                | '&'
                | '$'
                | '#'
                | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Untrusted text as a code span, its delimiter longer than any run of
/// backticks inside; in a table, pipes are escaped too (GitHub splits
/// cells before it finds code spans).
fn code(s: &str, in_table: bool) -> String {
    let mut s = sanitize::escape(s).into_owned();
    if in_table {
        s = s.replace('|', "\\|");
    }
    let ticks = "`".repeat(longest_run(&s, '`') + 1);
    // A space pads content that starts or ends with a backtick, which
    // would otherwise merge with the delimiter.
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// Untrusted text inside HTML.
fn html(s: &str) -> String {
    let s = sanitize::escape(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '`' => out.push_str("&#96;"),
            c => out.push(c),
        }
    }
    out
}

/// A table cell never left empty, which reads as a rendering fault.
fn or_dash(s: String) -> String {
    if s.is_empty() { "-".to_string() } else { s }
}

/// The fix links; an https link as a Markdown link, anything else as code
/// so a pack cannot smuggle a `javascript:` link into a page.
fn links(links: &[String]) -> String {
    let many = links.len() > 1;
    links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let text =
                if many { format!("docs {}", i + 1) } else { "docs".into() };
            if l.starts_with("https://") || l.starts_with("http://") {
                format!("[{text}]({})", url(l))
            } else {
                code(l, true)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A link destination with the characters that would end it, or a table
/// cell, percent-encoded.
fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '|' => out.push_str("%7C"),
            '`' => out.push_str("%60"),
            c if sanitize::is_unsafe(c) => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_pipes_and_markup_literal() {
        assert_eq!(cell("a|b `c` *d*"), "a\\|b \\`c\\` \\*d\\*");
        assert_eq!(cell("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(cell("esc\u{1b}[1m"), "esc\\\\x1b\\[1m");
    }

    #[test]
    fn code_spans_outgrow_backtick_runs() {
        assert_eq!(code("plain", false), "`plain`");
        assert_eq!(code("a``b", false), "```a``b```");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
    }

    #[test]
    fn links_are_http_only() {
        assert_eq!(
            links(&["https://x.test/a b(c)".into()]),
            "[docs](https://x.test/a%20b%28c%29)"
        );
        assert_eq!(
            links(&["javascript:alert(1)".into()]),
            "`javascript:alert(1)`"
        );
    }

    #[test]
    fn longest_run_counts_consecutive() {
        assert_eq!(longest_run("a``b```c", '`'), 3);
        assert_eq!(longest_run("abc", '`'), 0);
    }
}
