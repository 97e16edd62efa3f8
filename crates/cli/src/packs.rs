//! `logsift signatures ...`: list, show, test and lint signature packs.

use std::{
    io::{self, Write},
    path::Path,
};

use logsift_engine::{Config, Scanner};
use logsift_report::{Report, UnrecognizedEntry, unrecognized};
use logsift_signatures::{
    Counter, Diagnosis, Example, Pack, Signature, SourceKind, clashes, lint,
    suggestions_note,
};

use crate::{args::ListFormat, outcome::Outcome};

/// The pack at `path`, or the built-in one.
pub(crate) fn load(path: Option<&Path>) -> Result<Pack, String> {
    match path {
        Some(p) => {
            let mut pack = Pack::new();
            pack.add_path(p).map_err(|e| e.to_string())?;
            pack.check().map_err(|e| e.to_string())?;
            Ok(pack)
        }
        None => {
            Pack::embedded().map_err(|e| format!("embedded signatures: {e}"))
        }
    }
}

pub(crate) fn list(
    pack: &Pack,
    format: ListFormat,
    w: &mut dyn Write,
) -> io::Result<Outcome> {
    if format == ListFormat::Json {
        let items: Vec<serde_json::Value> = pack
            .signatures()
            .iter()
            .map(|s| {
                let mut v = serde_json::to_value(s).unwrap_or_default();
                v["defined_at"] = s.origin.to_string().into();
                v
            })
            .collect();
        serde_json::to_writer_pretty(&mut *w, &items)?;
        writeln!(w)?;
        return Ok(Outcome::Clean);
    }
    let rows: Vec<[String; 4]> = pack
        .signatures()
        .iter()
        .map(|s| {
            [
                s.id.clone(),
                s.severity.to_string(),
                s.category.clone(),
                s.title.clone(),
            ]
        })
        .collect();
    let header = ["ID", "SEVERITY", "CATEGORY", "TITLE"].map(String::from);
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    for row in [&header].into_iter().chain(&rows) {
        writeln!(
            w,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        )?;
    }
    writeln!(w, "{} signatures", rows.len())?;
    Ok(Outcome::Clean)
}

/// `signatures draft`: the template `id` of the JSON report at `path` as
/// a signature to edit; its near misses are the report's other templates,
/// the same input's first.
pub(crate) fn draft(
    id: &str,
    path: &Path,
    w: &mut dyn Write,
) -> io::Result<Outcome> {
    let report: Report = match std::fs::read(path)
        .map_err(|e| format!("cannot read ({e})"))
        .and_then(|b| {
            serde_json::from_slice(&b)
                .map_err(|e| format!("not a JSON report of logsift ({e})"))
        }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("logsift: {e}: {}", path.display());
            return Ok(Outcome::Error);
        }
    };
    let Some(entry) = report.unrecognized.iter().find(|u| u.id == id) else {
        let listed = report.unrecognized.len();
        eprintln!(
            "logsift: no unrecognized template {id:?} in {} ({listed} listed; \
             scan with --unrecognized on to list them)",
            path.display()
        );
        return Ok(Outcome::Error);
    };
    let mut others: Vec<&UnrecognizedEntry> =
        report.unrecognized.iter().filter(|u| u.id != id).collect();
    others.sort_by_key(|u| u.input != entry.input);
    w.write_all(unrecognized::draft(entry, &others).as_bytes())?;
    Ok(Outcome::Clean)
}

pub(crate) fn show(
    pack: &Pack,
    id: &str,
    w: &mut dyn Write,
) -> io::Result<Outcome> {
    let Some(s) = pack.get(id) else {
        if let Some(d) = pack.diagnosis(id) {
            return show_diagnosis(pack, d, w);
        }
        eprintln!(
            "logsift: no signature or diagnosis with id {id:?}{} (see \
             `logsift signatures list`)",
            suggestions_note(&pack.suggest(id))
        );
        return Ok(Outcome::Error);
    };
    writeln!(w, "{}  ({}, {})", s.id, s.severity, s.category)?;
    writeln!(w, "{}", s.title)?;
    writeln!(w)?;
    let sources = if s.sources.is_empty() {
        "every kind of file".to_string()
    } else {
        s.sources.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
    };
    writeln!(w, "Applies to:  {sources}")?;
    writeln!(w, "Defined at:  {}", s.origin)?;
    section(w, "What it means", [s.summary.as_str()])?;
    section(
        w,
        "Lines holding any of",
        s.patterns.iter().map(|p| format!("'{p}'")),
    )?;
    if let Some(r) = &s.regex {
        section(w, "Confirmed by the regex", [r.as_str()])?;
    }
    if let Some(c) = &s.counter {
        let when = match c {
            Counter::Value { group, above } => {
                format!(
                    "only when the number in group {group:?} is above {above}"
                )
            }
            Counter::Ratio { of, to, above } => format!(
                "only when the number in group {of:?} is above {above} \
                 times the number in group {to:?}"
            ),
        };
        section(w, "Counts", [when])?;
    }
    if !s.exclude.is_empty() {
        section(
            w,
            "Unless the line holds",
            s.exclude.iter().map(|p| format!("'{p}'")),
        )?;
    }
    if !s.yields_to.is_empty() {
        section(w, "Leaves a line it shares to", s.yields_to.iter())?;
    }
    if !s.overridden_by.is_empty() {
        section(
            w,
            "Undone by a later line in the same file of",
            s.overridden_by.iter(),
        )?;
    }
    if let Some(m) = &s.message {
        section(w, "Message", [m.as_str()])?;
    }
    section(w, "Fix", s.fix.lines())?;
    section(w, "Links", s.links.iter())?;
    section(w, "Lines it matches", shown(&s.examples.matches))?;
    section(w, "Near misses it must not match", shown(&s.examples.no_match))?;
    if let Some(rare) = &s.examples.rare {
        section(w, "Few published pages show it", [rare.as_str()])?;
    }
    Ok(Outcome::Clean)
}

/// A diagnosis: the root cause it names and the findings it rests on.
fn show_diagnosis(
    pack: &Pack,
    d: &Diagnosis,
    w: &mut dyn Write,
) -> io::Result<Outcome> {
    writeln!(w, "{}  ({}, diagnosis)", d.id, d.severity)?;
    writeln!(w, "{}", d.title)?;
    writeln!(w)?;
    writeln!(w, "Defined at:  {}", d.origin)?;
    section(w, "What it means", [d.summary.as_str()])?;
    let named = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| match pack.get(id) {
                Some(s) => format!("{id}  ({})", s.title),
                None => id.clone(),
            })
            .collect()
    };
    if !d.all_of.is_empty() {
        section(w, "Found when all of these are found", named(&d.all_of))?;
    }
    if !d.any_of.is_empty() {
        let title = if d.all_of.is_empty() {
            "Found when any of these is found"
        } else {
            "and any of these"
        };
        section(w, title, named(&d.any_of))?;
    }
    if !d.counts_differ.is_empty() {
        section(
            w,
            "Found when both are found, on different numbers of lines",
            named(&d.counts_differ),
        )?;
    }
    if !d.none_of.is_empty() {
        section(
            w,
            "Unless any of these is found (in logs that were read)",
            named(&d.none_of),
        )?;
    }
    if let Some(secs) = d.within_seconds {
        section(
            w,
            "Within",
            [format!("{secs} seconds of each other, where lines carry times")],
        )?;
    }
    section(w, "Fix", d.fix.lines())?;
    section(w, "Links", d.links.iter())?;
    Ok(Outcome::Clean)
}

/// Example lines as `show` prints them: each line, then the page it was
/// published on, or the source it was built from, when it has one.
fn shown(examples: &[Example]) -> Vec<String> {
    examples
        .iter()
        .flat_map(|e| {
            let from = e.source.as_ref().map(|s| format!("  (from {s})"));
            let built =
                e.built_from.as_ref().map(|s| format!("  (built from {s})"));
            std::iter::once(e.line.clone()).chain(from).chain(built)
        })
        .collect()
}

fn section<I, T>(w: &mut dyn Write, title: &str, lines: I) -> io::Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    writeln!(w)?;
    writeln!(w, "{title}:")?;
    for l in lines {
        writeln!(w, "  {}", l.as_ref())?;
    }
    Ok(())
}

/// Runs every example through the real scan path: match examples in the
/// signature's own kind of file, near misses in a file of unknown kind,
/// where every signature applies.
pub(crate) fn test(pack: &Pack, w: &mut dyn Write) -> io::Result<Outcome> {
    let matcher = pack.compile();
    let scanner = Scanner::new(&matcher, Config::default());
    let (mut passed, mut failed) = (0, 0);
    for (index, sig) in pack.signatures().iter().enumerate() {
        let problems = example_problems(&scanner, index, sig);
        if problems.is_empty() {
            passed += 1;
            writeln!(
                w,
                "ok    {} ({} match, {} no-match)",
                sig.id,
                sig.examples.matches.len(),
                sig.examples.no_match.len()
            )?;
        } else {
            failed += 1;
            writeln!(w, "FAIL  {} ({})", sig.id, sig.origin)?;
            for p in problems {
                writeln!(w, "      {p}")?;
            }
        }
    }
    writeln!(w, "{passed} passed, {failed} failed")?;
    Ok(if failed == 0 { Outcome::Clean } else { Outcome::Findings })
}

fn example_problems(
    scanner: &Scanner<'_>,
    index: usize,
    sig: &Signature,
) -> Vec<String> {
    let home = sig.sources.first().copied().unwrap_or(SourceKind::Unknown);
    let hits = |line: &str, kind| {
        let report = scanner.scan_bytes("example", kind, line.as_bytes());
        report.findings.iter().any(|f| f.signature == index)
    };
    let mut problems = Vec::new();
    if sig.examples.matches.is_empty() {
        problems.push("has no match example".to_string());
    }
    for ex in sig.examples.matches.iter().map(|e| e.line.as_str()) {
        if !hits(ex, home) {
            problems.push(format!("should match ({home}): {ex}"));
        }
    }
    for ex in sig.examples.no_match.iter().map(|e| e.line.as_str()) {
        if hits(ex, SourceKind::Unknown) {
            problems.push(format!("should not match: {ex}"));
        }
    }
    problems
}

/// Lints `pack`; a pack of the user's (`own`) is also checked against
/// the built-in one, whose ids a scan loads beside it.
pub(crate) fn lint_pack(
    pack: &Pack,
    own: bool,
    w: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut issues = lint(pack);
    if own {
        match Pack::embedded() {
            Ok(builtin) => issues.extend(clashes(pack, &builtin)),
            Err(e) => {
                eprintln!("logsift: embedded signatures: {e}");
                return Ok(Outcome::Error);
            }
        }
        issues.sort_by(|a, b| {
            (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col))
        });
    }
    for d in &issues {
        writeln!(w, "{d}")?;
    }
    writeln!(w, "{} signatures, {} problems", pack.len(), issues.len())?;
    Ok(if issues.is_empty() { Outcome::Clean } else { Outcome::Findings })
}
