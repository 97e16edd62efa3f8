//! Loading signature packs from TOML, strictly, with positions for errors.

use std::{
    collections::HashMap,
    fs,
    path::{Path, PathBuf},
};

use regex::bytes::Regex;
use serde::{Deserialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};
use toml::{
    Spanned,
    de::{DeTable, DeValue, ValueDeserializer},
};

use crate::{
    error::{Diagnostic, Lines, LoadError},
    matcher::Matcher,
    model::{
        Counter, Diagnosis, Example, Examples, Origin, Severity, Signature,
        SourceKind, Threshold,
    },
};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiagnosis {
    id: Spanned<String>,
    title: String,
    severity: Severity,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    all_of: Vec<String>,
    #[serde(default)]
    any_of: Vec<String>,
    #[serde(default)]
    none_of: Vec<String>,
    #[serde(default)]
    counts_differ: Option<Spanned<Vec<String>>>,
    within: Option<Spanned<String>>,
    fix: String,
    #[serde(default)]
    links: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    id: Spanned<String>,
    title: String,
    severity: Severity,
    #[serde(default)]
    category: String,
    #[serde(default)]
    sources: Vec<SourceKind>,
    #[serde(default)]
    summary: String,
    patterns: Spanned<Vec<String>>,
    regex: Option<Spanned<String>>,
    message: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    yields_to: Vec<Spanned<String>>,
    #[serde(default)]
    overridden_by: Vec<Spanned<String>>,
    fix: String,
    #[serde(default)]
    links: Vec<String>,
    #[serde(default)]
    examples: RawExamples,
    #[serde(default)]
    marker: bool,
    counter: Option<Spanned<RawCounter>>,
    ratio: Option<Spanned<RawRatio>>,
    threshold: Option<Spanned<RawThreshold>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    count: u64,
    within: String,
    apart: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCounter {
    group: String,
    #[serde(default)]
    above: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRatio {
    of: String,
    to: String,
    above: f64,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    #[serde(default, rename = "match")]
    matches: Vec<RawExample>,
    #[serde(default)]
    no_match: Vec<RawExample>,
    rare: Option<String>,
    local: Option<String>,
}

/// An example is a bare line, or a line with the page it came from.
enum RawExample {
    Line(String),
    Sourced(SourcedExample),
}

/// By hand rather than `untagged`, so that a mistyped key in an example's
/// table is named instead of "did not match any variant".
impl<'de> Deserialize<'de> for RawExample {
    fn deserialize<D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawExample;
            fn expecting(
                &self,
                f: &mut std::fmt::Formatter,
            ) -> std::fmt::Result {
                f.write_str("a line, or a table { line = \"...\", source = \"https://...\" } or { line = \"...\", built_from = \"https://...\" }")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> Result<RawExample, E> {
                Ok(RawExample::Line(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawExample, A::Error> {
                let s = SourcedExample::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                match (&s.source, &s.built_from) {
                    (Some(_), None) | (None, Some(_)) => {
                        Ok(RawExample::Sourced(s))
                    }
                    _ => Err(serde::de::Error::custom(
                        "an example table names either the page that \
                         published its line (`source`) or the program \
                         source it was built from (`built_from`), not both \
                         or neither",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcedExample {
    line: String,
    source: Option<String>,
    built_from: Option<String>,
}

impl From<RawExample> for Example {
    fn from(raw: RawExample) -> Example {
        match raw {
            RawExample::Line(line) => {
                Example { line, source: None, built_from: None }
            }
            RawExample::Sourced(s) => Example {
                line: s.line,
                source: s.source,
                built_from: s.built_from,
            },
        }
    }
}

/// A set of signatures loaded from one or more pack files.
#[derive(Clone, Debug, Default)]
pub struct Pack {
    signatures: Vec<Signature>,
    diagnoses: Vec<Diagnosis>,
    /// [`Pack::digest`], computed once: a batch asks for it per input.
    digest: std::sync::OnceLock<String>,
}

impl Pack {
    /// An empty pack.
    pub fn new() -> Pack {
        Pack::default()
    }

    /// The default pack, embedded in the binary at build time.
    ///
    /// Its regexes are not compiled to check them: the test suite loads
    /// the same files with every check, and the matcher compiles a
    /// regex only when a line first needs it, which saves most of the
    /// start-up time.
    pub fn embedded() -> Result<Pack, LoadError> {
        let mut pack = Pack::new();
        for (name, text) in EMBEDDED {
            pack.add(name, text, Checks::Trusted)?;
        }
        pack.check()?;
        Ok(pack)
    }

    /// Adds the signatures of one pack file's text; `file` names it in
    /// errors. Nothing is added when any signature in it is invalid.
    pub fn add_toml(
        &mut self,
        file: &str,
        text: &str,
    ) -> Result<(), LoadError> {
        self.add(file, text, Checks::All)
    }

    fn add(
        &mut self,
        file: &str,
        text: &str,
        checks: Checks,
    ) -> Result<(), LoadError> {
        self.digest.take();
        let (raw, mut problems) = parse_file(file, text);
        let mut seen: HashMap<String, Origin> = self
            .signatures
            .iter()
            .map(|s| (s.id.clone(), s.origin.clone()))
            .chain(
                self.diagnoses
                    .iter()
                    .map(|d| (d.id.clone(), d.origin.clone())),
            )
            .collect();
        let mut added = Vec::new();
        let lines = Lines::new(text);
        for spanned in raw.signature {
            let table_start = spanned.span().start;
            let raw = spanned.into_inner();
            match validate(file, text, &lines, table_start, raw, checks) {
                Ok(sig) => {
                    if let Some(first) = seen.get(&sig.id) {
                        problems.push(Diagnostic::at(
                            file,
                            text,
                            table_start,
                            format!(
                                "duplicate signature id {:?} (first defined \
                                 at {first})",
                                sig.id
                            ),
                        ));
                        continue;
                    }
                    seen.insert(sig.id.clone(), sig.origin.clone());
                    added.push(sig);
                }
                Err(mut d) => problems.append(&mut d),
            }
        }
        let mut diagnoses = Vec::new();
        for spanned in raw.diagnosis {
            let start = spanned.span().start;
            match validate_diagnosis(
                file,
                text,
                &lines,
                start,
                spanned.into_inner(),
            ) {
                Ok(d) => {
                    if let Some(first) = seen.get(&d.id) {
                        problems.push(Diagnostic::at(
                            file,
                            text,
                            start,
                            format!(
                                "duplicate id {:?} (first defined at {first})",
                                d.id
                            ),
                        ));
                        continue;
                    }
                    seen.insert(d.id.clone(), d.origin.clone());
                    diagnoses.push(d);
                }
                Err(mut d) => problems.append(&mut d),
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|d| (d.line, d.col));
            return Err(LoadError::new(problems));
        }
        self.signatures.extend(added);
        self.diagnoses.extend(diagnoses);
        Ok(())
    }

    /// Checks what only the whole pack can tell: every signature a
    /// diagnosis names exists, and every signature a signature yields to
    /// exists, reports the lines it takes (it is no marker and has no
    /// threshold, under which its lines would be no finding) and yields to
    /// none itself (two yielding to each other would both drop a line),
    /// and every signature that overrides one exists. Call it once all
    /// files are added.
    pub fn check(&self) -> Result<(), LoadError> {
        let mut problems = Vec::new();
        for s in &self.signatures {
            let named = s.yields_to.iter().map(|id| (id, true));
            let named =
                named.chain(s.overridden_by.iter().map(|id| (id, false)));
            for (id, yielded_to) in named {
                let why = match self.get(id) {
                    None => format!(
                        "names unknown signature {id:?}{}",
                        suggestions_note(&self.suggest(id))
                    ),
                    Some(_) if !yielded_to => continue,
                    Some(t) if t.marker => {
                        format!("yields to {id:?}, a marker, never reported")
                    }
                    Some(t) if t.threshold.is_some() => format!(
                        "yields to {id:?}, whose lines under its threshold \
                         are no finding"
                    ),
                    // Two that yield to each other would both leave a
                    // line they both match; no chains, so no such loop.
                    Some(t) if !t.yields_to.is_empty() => format!(
                        "yields to {id:?}, which yields in turn: a line \
                         both match could go to neither"
                    ),
                    Some(_) => continue,
                };
                problems.push(Diagnostic {
                    file: s.origin.file.clone(),
                    line: s.origin.line,
                    col: 1,
                    message: format!("signature {:?} {why}", s.id),
                    snippet: None,
                });
            }
        }
        for d in &self.diagnoses {
            let named = d.all_of.iter().chain(&d.any_of).chain(&d.none_of);
            for id in named.chain(&d.counts_differ) {
                if self.get(id).is_none() {
                    problems.push(Diagnostic {
                        file: d.origin.file.clone(),
                        line: d.origin.line,
                        col: 1,
                        message: format!(
                            "diagnosis {:?} names unknown signature \
                             {id:?}{}",
                            d.id,
                            suggestions_note(&self.suggest(id))
                        ),
                        snippet: None,
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LoadError::new(problems))
        }
    }

    /// The diagnoses, in load order.
    pub fn diagnoses(&self) -> &[Diagnosis] {
        &self.diagnoses
    }

    /// Adds a pack file, or every `*.toml` file below a folder (in sorted
    /// order, so the result never depends on the file system).
    pub fn add_path(&mut self, path: &Path) -> Result<(), LoadError> {
        let shown = path.display().to_string();
        let meta = fs::metadata(path).map_err(|e| {
            Diagnostic::file(&shown, format!("cannot read signatures: {e}"))
        })?;
        let files = if meta.is_dir() {
            let mut files = Vec::new();
            collect_toml(path, &mut files).map_err(|e| {
                Diagnostic::file(&shown, format!("cannot list folder: {e}"))
            })?;
            files.sort();
            if files.is_empty() {
                return Err(Diagnostic::file(
                    &shown,
                    "no *.toml signature files in this folder",
                )
                .into());
            }
            files
        } else {
            vec![path.to_path_buf()]
        };
        // Every file is read and checked, so one run lists every problem
        // of a pack, not only the first file's.
        let mut problems = Vec::new();
        for f in files {
            let name = f.display().to_string();
            let added = fs::read_to_string(&f)
                .map_err(|e| {
                    LoadError::from(Diagnostic::file(
                        &name,
                        format!("cannot read signatures: {e}"),
                    ))
                })
                .and_then(|text| self.add_toml(&name, &text));
            if let Err(e) = added {
                problems.extend_from_slice(e.diagnostics());
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LoadError::new(problems))
        }
    }

    /// The signatures, in load order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// How many signatures there are.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// The signature with this id.
    pub fn get(&self, id: &str) -> Option<&Signature> {
        self.signatures.iter().find(|s| s.id == id)
    }

    /// The diagnosis with this id.
    pub fn diagnosis(&self, id: &str) -> Option<&Diagnosis> {
        self.diagnoses.iter().find(|d| d.id == id)
    }

    /// The ids of signatures and diagnoses closest to `id`, best first: a
    /// "did you mean" for an id that names nothing.
    pub fn suggest(&self, id: &str) -> Vec<&str> {
        let ids = self
            .signatures
            .iter()
            .map(|s| s.id.as_str())
            .chain(self.diagnoses.iter().map(|d| d.id.as_str()));
        did_you_mean(id, ids)
    }

    /// `sha256:<hex>` over the signatures' content, sorted by id, so the
    /// same set gives the same digest whatever files it came from.
    pub fn digest(&self) -> String {
        self.digest.get_or_init(|| self.compute_digest()).clone()
    }

    fn compute_digest(&self) -> String {
        let mut sorted: Vec<&Signature> = self.signatures.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let mut hasher = Sha256::new();
        for s in sorted {
            // Serializing plain strings and vectors cannot fail.
            let json = serde_json::to_vec(s).unwrap_or_default();
            hasher.update((json.len() as u64).to_le_bytes());
            hasher.update(&json);
        }
        let hex: String =
            hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// Builds the matcher that searches for every signature at once.
    pub fn compile(&self) -> Matcher {
        Matcher::new(&self.signatures)
    }
}

/// Up to three of `candidates` close to `word`, closest first, by
/// Jaro-Winkler similarity as clap's own suggestions (a typo keeps the
/// start of an id, which Jaro-Winkler weighs most).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// ` (did you mean "a" or "b"?)`, or nothing without suggestions.
pub fn suggestions_note(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean {one:?}?)"),
        [rest @ .., last] => {
            let rest: Vec<String> =
                rest.iter().map(|s| format!("{s:?}")).collect();
            format!(" (did you mean {} or {last:?}?)", rest.join(", "))
        }
    }
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// The entries of one pack file, before their values are checked.
#[derive(Default)]
struct RawFile {
    signature: Vec<Spanned<RawSignature>>,
    diagnosis: Vec<Spanned<RawDiagnosis>>,
}

/// Every entry of a pack file that deserializes, and a diagnostic for
/// every problem in the others, so one run shows all that is wrong.
fn parse_file(file: &str, text: &str) -> (RawFile, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut raw = RawFile::default();
    let diagnostic = |e: &toml::de::Error| {
        let offset = e.span().map_or(0, |s| s.start);
        Diagnostic::at(file, text, offset, toml_message(e))
    };
    let root = match DeTable::parse(text) {
        Ok(root) => root.into_inner(),
        Err(e) => return (raw, vec![diagnostic(&e)]),
    };
    for (key, value) in root {
        let name: &str = key.get_ref();
        let entries = match value.into_inner() {
            DeValue::Array(entries) => entries,
            _ => {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    key.span().start,
                    format!("`{name}` must be a list of [[{name}]] tables"),
                ));
                continue;
            }
        };
        for entry in entries {
            match name {
                "signature" => raw.signature.extend(entry_of(
                    entry,
                    &mut problems,
                    &diagnostic,
                )),
                "diagnosis" => raw.diagnosis.extend(entry_of(
                    entry,
                    &mut problems,
                    &diagnostic,
                )),
                _ => {
                    problems.push(Diagnostic::at(
                        file,
                        text,
                        key.span().start,
                        format!(
                            "unknown field `{name}`, expected `signature` or \
                             `diagnosis`"
                        ),
                    ));
                    break;
                }
            }
        }
    }
    (raw, problems)
}

/// One `[[signature]]` or `[[diagnosis]]` table, or `None` with its
/// problems pushed. serde stops at a table's first problem, so the key
/// that holds it is dropped and the table tried again, until what is
/// left deserializes or a problem belongs to no one key. Such a problem
/// (a missing key) counts only on the first try: later, it is the key
/// just dropped, or a typo already reported as an unknown key.
fn entry_of<T: DeserializeOwned>(
    mut entry: Spanned<DeValue<'_>>,
    problems: &mut Vec<Diagnostic>,
    diagnostic: &dyn Fn(&toml::de::Error) -> Diagnostic,
) -> Option<Spanned<T>> {
    let mut first = true;
    loop {
        let e = match Spanned::<T>::deserialize(ValueDeserializer::from(
            entry.clone(),
        )) {
            Ok(t) => return first.then_some(t),
            Err(e) => e,
        };
        let key = match (e.span(), entry.get_ref()) {
            (Some(span), DeValue::Table(table)) => {
                let inside =
                    |r: std::ops::Range<usize>| r.contains(&span.start);
                table
                    .iter()
                    .find(|(k, v)| inside(k.span()) || inside(v.span()))
                    .map(|(k, _)| k.clone())
            }
            _ => None,
        };
        if key.is_some() || first {
            problems.push(diagnostic(&e));
        }
        first = false;
        let (Some(key), DeValue::Table(table)) = (key, entry.get_mut()) else {
            return None;
        };
        table.remove(&key);
    }
}

/// The toml error's own text without its rendered source excerpt, which
/// our diagnostic already shows.
fn toml_message(e: &toml::de::Error) -> String {
    let m = e.message().trim().trim_end_matches('.');
    let mut m = m.to_string();
    if let Some(first) = m.get(..1) {
        let lower = first.to_lowercase();
        m.replace_range(..1, &lower);
    }
    m
}

/// How much loading checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// Everything, regexes compiled.
    All,
    /// All but what needs a regex compiled: for the embedded pack, which
    /// the tests check in full.
    Trusted,
}

fn validate(
    file: &str,
    text: &str,
    lines: &Lines<'_>,
    table_start: usize,
    raw: RawSignature,
    checks: Checks,
) -> Result<Signature, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let (id, _) = kebab_id(file, text, raw.id, "signature", &mut problems);
    let patterns_span = raw.patterns.span();
    let patterns = raw.patterns.into_inner();
    if patterns.is_empty() {
        problems.push(Diagnostic::at(
            file,
            text,
            patterns_span.start,
            format!("signature {id:?} needs at least one pattern"),
        ));
    }
    if patterns.iter().chain(&raw.exclude).any(|p| p.is_empty()) {
        problems.push(Diagnostic::at(
            file,
            text,
            patterns_span.start,
            format!("signature {id:?} has an empty literal"),
        ));
    }
    let mut groups: Vec<String> = Vec::new();
    let regex = match raw.regex {
        Some(r) if checks == Checks::Trusted => Some(r.into_inner()),
        Some(r) => {
            let span = r.span();
            let r = r.into_inner();
            match Regex::new(&r) {
                Ok(re) => {
                    groups = re
                        .capture_names()
                        .flatten()
                        .map(String::from)
                        .collect()
                }
                Err(e) => problems.push(Diagnostic::at(
                    file,
                    text,
                    span.start,
                    format!("signature {id:?} has a bad regex: {e}"),
                )),
            }
            Some(r)
        }
        None => None,
    };
    let message = raw.message.map(|m| {
        let span = m.span();
        let m = m.into_inner();
        let unchecked = checks == Checks::Trusted;
        for name in placeholders(&m).filter(|_| !unchecked) {
            if !groups.iter().any(|g| g == name) {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    span.start,
                    format!(
                        "signature {id:?}: message uses {{{name}}} but the \
                         regex has no capture group named {name:?}"
                    ),
                ));
            }
        }
        m
    });
    let value = raw.counter.map(|c| {
        let span = c.span();
        let c = c.into_inner();
        let counter = Counter::Value { group: c.group, above: c.above };
        (span, counter)
    });
    let ratio = raw.ratio.map(|r| {
        let span = r.span();
        let r = r.into_inner();
        if !(r.above.is_finite() && r.above > 0.0) || r.of == r.to {
            problems.push(Diagnostic::at(
                file,
                text,
                span.start,
                format!(
                    "signature {id:?}: ratio needs two different capture \
                     groups and a fraction above 0 (of = {:?}, to = {:?}, \
                     above = {})",
                    r.of, r.to, r.above
                ),
            ));
        }
        let counter = Counter::Ratio { of: r.of, to: r.to, above: r.above };
        (span, counter)
    });
    if let (Some(_), Some((span, _))) = (&value, &ratio) {
        problems.push(Diagnostic::at(
            file,
            text,
            span.start,
            format!(
                "signature {id:?} has a counter and a ratio: a line is \
                 judged by one"
            ),
        ));
    }
    let counter = value.or(ratio).map(|(span, counter)| {
        let unchecked = checks == Checks::Trusted;
        for group in counter.groups().into_iter().filter(|_| !unchecked) {
            if !groups.iter().any(|g| g == group) {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    span.start,
                    format!(
                        "signature {id:?}: counter reads capture group \
                         {group:?}, which the regex does not have"
                    ),
                ));
            }
        }
        counter
    });
    let threshold = raw.threshold.and_then(|t| {
        let span = t.span();
        let t = t.into_inner();
        let apart = match t.apart.as_deref() {
            None => Some(0),
            Some(a) => parse_seconds(a),
        };
        match (parse_seconds(&t.within), apart) {
            (Some(secs), Some(apart))
                if secs > 0 && t.count > 1 && apart < secs =>
            {
                Some(Threshold {
                    count: t.count,
                    within_seconds: secs,
                    apart_seconds: apart,
                })
            }
            _ => {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    span.start,
                    format!(
                        "signature {id:?}: threshold needs a count above 1, \
                         a duration such as 90s, 10m or 2h (within = {:?}), \
                         and, if given, a shorter one apart (apart = {:?})",
                        t.within,
                        t.apart.as_deref().unwrap_or("")
                    ),
                ));
                None
            }
        }
    });
    // Other signatures it names, none of them itself.
    let mut others = |list: Vec<Spanned<String>>, relation: &str| {
        let mut ids = Vec::new();
        for other in list {
            let span = other.span();
            let other = other.into_inner();
            if other == id {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    span.start,
                    format!("signature {id:?} {relation} itself"),
                ));
            }
            ids.push(other);
        }
        ids
    };
    let yields_to = others(raw.yields_to, "yields to");
    let overridden_by = others(raw.overridden_by, "is overridden by");
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Signature {
        id,
        title: raw.title,
        severity: raw.severity,
        category: raw.category,
        sources: raw.sources,
        summary: raw.summary.trim().to_string(),
        patterns,
        regex,
        message,
        exclude: raw.exclude,
        yields_to,
        overridden_by,
        fix: raw.fix.trim().to_string(),
        links: raw.links,
        examples: Examples {
            matches: raw
                .examples
                .matches
                .into_iter()
                .map(Into::into)
                .collect(),
            no_match: raw
                .examples
                .no_match
                .into_iter()
                .map(Into::into)
                .collect(),
            rare: raw.examples.rare,
            local: raw.examples.local,
        },
        marker: raw.marker,
        counter,
        threshold,
        origin: Origin {
            file: file.to_string(),
            line: header_line(lines, table_start, "[[signature]]"),
        },
    })
}

fn validate_diagnosis(
    file: &str,
    text: &str,
    lines: &Lines<'_>,
    start: usize,
    raw: RawDiagnosis,
) -> Result<Diagnosis, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let (id, id_span) =
        kebab_id(file, text, raw.id, "diagnosis", &mut problems);
    if raw.all_of.is_empty()
        && raw.any_of.is_empty()
        && raw.counts_differ.is_none()
    {
        problems.push(Diagnostic::at(
            file,
            text,
            id_span.start,
            format!("diagnosis {id:?} needs all_of, any_of or counts_differ"),
        ));
    }
    let counts_differ = match raw.counts_differ {
        None => Vec::new(),
        Some(pair) => {
            let span = pair.span();
            let pair = pair.into_inner();
            // The two listings are all it rests on, so the report can
            // say "a (8) vs b (7), which differ".
            let alone = raw.all_of.is_empty() && raw.any_of.is_empty();
            if pair.len() != 2 || pair[0] == pair[1] || !alone {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    span.start,
                    format!(
                        "diagnosis {id:?}: counts_differ names two different \
                         signatures, not {pair:?}, and stands without all_of \
                         and any_of"
                    ),
                ));
            }
            pair
        }
    };
    let within_seconds = match raw.within {
        None => None,
        Some(w) => {
            let span = w.span();
            match parse_seconds(w.get_ref()) {
                Some(s) => Some(s),
                None => {
                    problems.push(Diagnostic::at(
                        file,
                        text,
                        span.start,
                        format!(
                            "diagnosis {id:?}: within = {:?} is not a duration \
                             such as 90s, 10m or 2h",
                            w.get_ref()
                        ),
                    ));
                    None
                }
            }
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Diagnosis {
        id,
        title: raw.title,
        severity: raw.severity,
        summary: raw.summary.trim().to_string(),
        all_of: raw.all_of,
        any_of: raw.any_of,
        none_of: raw.none_of,
        counts_differ,
        within_seconds,
        fix: raw.fix.trim().to_string(),
        links: raw.links,
        origin: Origin {
            file: file.to_string(),
            line: header_line(lines, start, "[[diagnosis]]"),
        },
    })
}

/// `90s`, `10m`, `2h`, `1d` as seconds.
fn parse_seconds(s: &str) -> Option<u64> {
    let s = s.trim();
    // The unit is one character, which need not be one byte.
    let unit = s.chars().last()?;
    let n = &s[..s.len() - unit.len_utf8()];
    let per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    n.parse::<u64>().ok()?.checked_mul(per)
}

/// The line of the `[[signature]]` (or other) header a table's span
/// starts after.
fn header_line(lines: &Lines<'_>, offset: usize, header: &str) -> usize {
    let line = lines.line_of(offset);
    (1..=line)
        .rev()
        .find(|&l| {
            lines.get(l).is_some_and(|t| t.trim_start().starts_with(header))
        })
        .unwrap_or(line)
}

/// The `{name}` placeholders of a message template.
pub(crate) fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(n, _)| n))
}

/// The id, with a problem pushed when it is not kebab-case.
fn kebab_id(
    file: &str,
    text: &str,
    id: Spanned<String>,
    what: &str,
    problems: &mut Vec<Diagnostic>,
) -> (String, std::ops::Range<usize>) {
    let span = id.span();
    let id = id.into_inner();
    if !is_kebab(&id) {
        problems.push(Diagnostic::at(
            file,
            text,
            span.start,
            format!("{what} id {id:?} must be lowercase kebab-case (a-z, 0-9 and -)"),
        ));
    }
    (id, span)
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[signature]]
id = "demo-failure"
title = "Demo"
severity = "error"
patterns = ["boom"]
fix = "Do not boom."
"#;

    #[test]
    fn embedded_pack_passes_every_check() {
        let mut pack = Pack::new();
        for (name, text) in EMBEDDED {
            if let Err(e) = pack.add_toml(name, text) {
                panic!("{e}");
            }
        }
        pack.check().unwrap();
        assert_eq!(pack.digest(), Pack::embedded().unwrap().digest());
        for sig in pack.signatures() {
            if let Some(r) = &sig.regex {
                assert!(Regex::new(r).is_ok(), "{}", sig.id);
            }
        }
    }

    #[test]
    fn embedded_pack_loads() {
        let pack = Pack::embedded().unwrap();
        for id in [
            "network-plugin-not-ready",
            "tls-handshake-timeout",
            "too-many-requests",
            "node-name-empty",
        ] {
            assert!(pack.get(id).is_some(), "missing {id}");
        }
    }

    #[test]
    fn origin_points_at_the_header() {
        let mut pack = Pack::new();
        pack.add_toml("t.toml", GOOD).unwrap();
        assert_eq!(pack.signatures()[0].origin.line, 2);
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let text = GOOD.replace("fix =", "fixx =");
        let err = Pack::new().add_toml("t.toml", &text).unwrap_err();
        let d = err
            .diagnostics()
            .iter()
            .find(|d| d.message.contains("fixx"))
            .unwrap_or_else(|| panic!("no word of fixx: {err}"));
        assert_eq!(d.file, "t.toml");
        assert!(d.line >= 2, "{d}");
    }

    #[test]
    fn examples_are_lines_or_sourced_lines() {
        let text = format!(
            "{GOOD}\n[signature.examples]\nmatch = ['boom 1', \
             {{ source = \"https://example.com/1\", line = 'boom 2' }}]\n"
        );
        let mut pack = Pack::new();
        pack.add_toml("t.toml", &text).unwrap();
        let ex = &pack.signatures()[0].examples.matches;
        assert_eq!(
            ex[0],
            Example { line: "boom 1".into(), source: None, built_from: None }
        );
        assert_eq!(ex[1].line, "boom 2");
        assert_eq!(ex[1].source.as_deref(), Some("https://example.com/1"));

        let built = text.replace("source =", "built_from =");
        let mut pack = Pack::new();
        pack.add_toml("t.toml", &built).unwrap();
        let ex = &pack.signatures()[0].examples.matches[1];
        assert_eq!(ex.built_from.as_deref(), Some("https://example.com/1"));
        assert_eq!(ex.source, None);
        for (what, bad) in [
            ("both", text.replace("source =", "built_from = 'x', source =")),
            (
                "neither",
                text.replace("source = \"https://example.com/1\", ", ""),
            ),
        ] {
            let err = Pack::new().add_toml("t.toml", &bad).unwrap_err();
            assert!(
                err.to_string().contains("not both or neither"),
                "{what}: {err}"
            );
        }

        let bad = text.replace("source =", "sourc =");
        let err = Pack::new().add_toml("t.toml", &bad).unwrap_err();
        assert!(err.to_string().contains("unknown field `sourc`"), "{err}");
        assert!(err.to_string().contains("t.toml:10:"), "{err}");
    }

    #[test]
    fn every_problem_of_every_entry_is_reported() {
        let text = format!(
            "{GOOD}\n{}\n{}",
            GOOD.replace("\"error\"", "\"fatal\"")
                .replace("fix =", "fixx = 1\nfix ="),
            GOOD.replace("patterns = [", "colour = 1\npatterns = ["),
        );
        let err = Pack::new().add_toml("t.toml", &text).unwrap_err();
        let messages: Vec<&str> =
            err.diagnostics().iter().map(|d| d.message.as_str()).collect();
        for want in ["fatal", "fixx", "colour"] {
            assert!(
                messages.iter().any(|m| m.contains(want)),
                "{want} not reported: {err}"
            );
        }
        let lines: Vec<usize> =
            err.diagnostics().iter().map(|d| d.line).collect();
        assert!(lines.is_sorted(), "not in file order: {lines:?}");
    }

    #[test]
    fn unknown_ids_get_suggestions() {
        let pack = Pack::embedded().unwrap();
        assert_eq!(pack.suggest("node-name-emtpy")[0], "node-name-empty");
        assert!(pack.suggest("zzzz-qqqq").is_empty());
        assert_eq!(suggestions_note(&[]), "");
        assert_eq!(suggestions_note(&["a"]), " (did you mean \"a\"?)");
        assert_eq!(
            suggestions_note(&["a", "b", "c"]),
            " (did you mean \"a\", \"b\" or \"c\"?)"
        );
        let text = format!(
            "{GOOD}\n[[diagnosis]]\nid = \"d\"\ntitle = \"D\"\n\
             severity = \"error\"\nall_of = [\"demo-failur\"]\nfix = \"f\"\n"
        );
        let mut pack = Pack::new();
        pack.add_toml("t.toml", &text).unwrap();
        let err = pack.check().unwrap_err().to_string();
        assert!(err.contains("did you mean \"demo-failure\"?"), "{err}");
    }

    #[test]
    fn every_file_of_a_folder_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.toml"),
            GOOD.replace("fix =", "x = 1\nfix ="),
        )
        .unwrap();
        std::fs::write(dir.path().join("b.toml"), "[[signature]]\nid = 3\n")
            .unwrap();
        std::fs::write(dir.path().join("c.toml"), "not toml").unwrap();
        let err = Pack::new().add_path(dir.path()).unwrap_err();
        let files: std::collections::BTreeSet<String> = err
            .diagnostics()
            .iter()
            .map(|d| {
                std::path::Path::new(&d.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(files.len(), 3, "{err}");
    }

    #[test]
    fn bad_severity_and_regex_are_errors() {
        let text = GOOD.replace("\"error\"", "\"fatal\"");
        let err = Pack::new().add_toml("t.toml", &text).unwrap_err();
        assert!(err.to_string().contains("t.toml:5:"), "{err}");

        let text = GOOD.replace("fix =", "regex = 'a(b'\nfix =");
        let err = Pack::new().add_toml("t.toml", &text).unwrap_err();
        assert!(err.to_string().contains("t.toml:7:9: signature"), "{err}");
        assert!(err.to_string().contains("bad regex"), "{err}");
    }

    #[test]
    fn message_placeholders_must_be_capture_groups() {
        let text = GOOD.replace(
            "fix =",
            "regex = 'boom (?P<what>\\w+)'\nmessage = \"{what} {who}\"\nfix =",
        );
        let err = Pack::new().add_toml("t.toml", &text).unwrap_err();
        assert!(err.to_string().contains("{who}"), "{err}");
        assert_eq!(err.diagnostics().len(), 1, "{err}");
    }

    #[test]
    fn durations_parse_and_odd_ones_are_refused_without_a_panic() {
        assert_eq!(parse_seconds("90s"), Some(90));
        assert_eq!(parse_seconds(" 10m "), Some(600));
        assert_eq!(parse_seconds("2h"), Some(7200));
        assert_eq!(parse_seconds("1d"), Some(86_400));
        // A unit of several bytes (a fuzzer's find), none, or no number.
        for odd in ["1\u{652}", "", "s", "5", "9999999999999999999d", "-1s"] {
            assert_eq!(parse_seconds(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn counts_differ_names_two_different_known_signatures() {
        let load = |pair: &str| {
            let text = format!(
                "{GOOD}\n[[signature]]\nid = \"other\"\ntitle = \"O\"\n\
                 severity = \"info\"\nmarker = true\npatterns = [\"o\"]\n\
                 fix = \"f\"\n[[diagnosis]]\nid = \"differ\"\ntitle = \"T\"\n\
                 severity = \"error\"\ncounts_differ = {pair}\nfix = \"f\"\n"
            );
            let mut pack = Pack::new();
            pack.add_toml("t.toml", &text)?;
            pack.check()?;
            Ok::<_, LoadError>(pack.diagnoses()[0].counts_differ.clone())
        };
        let pair = load("[\"demo-failure\", \"other\"]").unwrap();
        assert_eq!(pair, ["demo-failure", "other"]);
        let with_all_of =
            load("[\"demo-failure\", \"other\"]\nall_of = [\"other\"]");
        assert!(
            with_all_of.unwrap_err().to_string().contains("stands without")
        );
        for (bad, why) in [
            ("[\"other\"]", "two different"),
            ("[\"other\", \"other\"]", "two different"),
            ("[\"other\", \"othr\"]", "unknown signature \"othr\""),
        ] {
            let err = load(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn diagnoses_load_and_check_references() {
        let text = format!(
            "{GOOD}\n[[diagnosis]]\nid = \"root-cause\"\ntitle = \"T\"\nseverity = \"critical\"\n\
             all_of = [\"demo-failure\"]\nnone_of = [\"missing-one\"]\nwithin = \"10m\"\nfix = \"f\"\n"
        );
        let mut pack = Pack::new();
        pack.add_toml("t.toml", &text).unwrap();
        let d = &pack.diagnoses()[0];
        assert_eq!(d.within_seconds, Some(600));
        assert_eq!(d.origin.line, 9);
        let err = pack.check().unwrap_err();
        assert!(
            err.to_string().contains("unknown signature \"missing-one\""),
            "{err}"
        );

        let bad = text.replace("\"10m\"", "\"soon\"");
        let err = Pack::new().add_toml("t.toml", &bad).unwrap_err();
        assert!(err.to_string().contains("not a duration"), "{err}");
    }

    #[test]
    fn a_threshold_may_count_lines_apart() {
        let with = |threshold: &str| {
            let text = GOOD.replace("fix =", &format!("{threshold}\nfix ="));
            let mut pack = Pack::new();
            pack.add_toml("t.toml", &text)
                .map(|()| pack.signatures()[0].threshold.expect("a threshold"))
        };
        let th = with(
            "threshold = { count = 24, within = \"5m\", apart = \"4s\" }",
        )
        .expect("loads");
        assert_eq!(
            (th.count, th.within_seconds, th.apart_seconds),
            (24, 300, 4)
        );
        let th = with("threshold = { count = 24, within = \"5m\" }")
            .expect("loads");
        assert_eq!(th.apart_seconds, 0);
        for bad in ["apart = \"5m\"", "apart = \"later\""] {
            let err = with(&format!(
                "threshold = {{ count = 24, within = \"5m\", {bad} }}"
            ))
            .unwrap_err();
            assert!(
                err.to_string().contains("a shorter one apart"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn a_signature_is_overridden_only_by_another_that_exists() {
        let overridden = |by: &str, other: &str| {
            let text = GOOD.replace(
                "fix =",
                &format!(
                    "sources = [\"config\"]\noverridden_by = [\"{by}\"]\nfix ="
                ),
            );
            let mut pack = Pack::new();
            pack.add_toml("t.toml", &format!("{text}{other}"))?;
            pack.check()?;
            Ok::<_, LoadError>(pack.signatures()[0].overridden_by.clone())
        };
        let other = |sources: &str| {
            format!(
                "\n[[signature]]\nid = \"unset\"\ntitle = \"U\"\n\
                 severity = \"info\"\nmarker = true\n{sources}\
                 patterns = [\"unset\"]\nfix = \"f\"\n"
            )
        };
        assert_eq!(overridden("unset", &other("")).unwrap(), ["unset"]);
        for (by, sources, why) in [
            ("demo-failure", "", "overridden by itself"),
            ("unst", "", "unknown signature \"unst\""),
        ] {
            let err = match overridden(by, &other(sources)) {
                Ok(got) => panic!("{by} {sources:?}: loaded, {got:?}"),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(why), "{by} {sources:?}: {err}");
        }
    }

    #[test]
    fn a_signature_yields_only_to_one_that_reports_the_line() {
        let yields = |to: &str, other: &str| {
            let text = GOOD
                .replace("fix =", &format!("yields_to = [\"{to}\"]\nfix ="));
            let mut pack = Pack::new();
            pack.add_toml("t.toml", &format!("{text}{other}"))?;
            pack.check()
        };
        let other = |extra: &str| {
            format!(
                "\n[[signature]]\nid = \"pause\"\ntitle = \"P\"\n\
                 severity = \"critical\"\npatterns = [\"pause\"]\n{extra}\
                 fix = \"f\"\n"
            )
        };
        assert!(yields("pause", &other("")).is_ok());
        for (to, extra, why) in [
            ("demo-failure", "", "yields to itself"),
            ("paus", "", "unknown signature \"paus\""),
            ("pause", "marker = true\n", "a marker"),
            (
                "pause",
                "threshold = { count = 3, within = \"1m\" }\n",
                "under its threshold",
            ),
            (
                "pause",
                "yields_to = [\"demo-failure\"]\n",
                "which yields in turn",
            ),
        ] {
            let err = yields(to, &other(extra)).unwrap_err().to_string();
            assert!(err.contains(why), "{to} {extra:?}: {err}");
        }
    }

    #[test]
    fn a_ratio_reads_two_groups_of_the_regex_and_a_fraction() {
        let load = |regex: &str, counters: &str| {
            let text = GOOD.replace(
                "fix =",
                &format!("regex = '{regex}'\n{counters}\nfix ="),
            );
            let mut pack = Pack::new();
            pack.add_toml("t.toml", &text)?;
            Ok::<_, LoadError>(pack.signatures()[0].counter.clone())
        };
        let re = r"(?P<used>\d+) (?P<max>\d+)";
        let good =
            load(re, r#"ratio = { of = "used", to = "max", above = 0.7 }"#);
        assert_eq!(
            good.unwrap(),
            Some(Counter::Ratio {
                of: "used".into(),
                to: "max".into(),
                above: 0.7
            })
        );
        for (counters, why) in [
            (
                r#"ratio = { of = "used", to = "limit", above = 0.7 }"#,
                "capture group \"limit\"",
            ),
            (
                r#"ratio = { of = "used", to = "used", above = 0.7 }"#,
                "two different",
            ),
            (r#"ratio = { of = "used", to = "max", above = 0.0 }"#, "above 0"),
            (r#"ratio = { of = "used", to = "max", above = nan }"#, "above 0"),
            (
                "ratio = { of = \"used\", to = \"max\", above = 0.7 }\ncounter = { group = \"used\" }",
                "a counter and a ratio",
            ),
        ] {
            let err = load(re, counters).unwrap_err().to_string();
            assert!(err.contains(why), "{counters}: {err}");
        }
    }

    #[test]
    fn duplicate_ids_are_rejected_across_files() {
        let mut pack = Pack::new();
        pack.add_toml("a.toml", GOOD).unwrap();
        let err = pack.add_toml("b.toml", GOOD).unwrap_err();
        assert!(err.to_string().contains("duplicate signature id"), "{err}");
        assert!(err.to_string().contains("a.toml:2"), "{err}");
        assert_eq!(pack.len(), 1);
    }

    #[test]
    fn digest_ignores_load_order() {
        let other = GOOD.replace("demo-failure", "other-failure");
        let mut a = Pack::new();
        a.add_toml("a.toml", GOOD).unwrap();
        a.add_toml("b.toml", &other).unwrap();
        let mut b = Pack::new();
        b.add_toml("b.toml", &other).unwrap();
        b.add_toml("a.toml", GOOD).unwrap();
        assert_eq!(a.digest(), b.digest());
        assert!(a.digest().starts_with("sha256:"));
    }
}
