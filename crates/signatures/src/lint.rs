//! Rules a signature pack must keep beyond loading: examples present and
//! findable, links https, text filled in.
//!
//! Loading already rejects unknown keys, bad regexes and duplicate ids;
//! these rules catch signatures that load but cannot be trusted.

use crate::{
    error::Diagnostic,
    model::{Origin, Signature, SourceKind},
    pack::Pack,
};

/// Literals shorter than this hit too many healthy lines to be worth
/// confirming.
const MIN_LITERAL: usize = 5;

/// Distinct pages a signature's real match lines must come from.
const MIN_SOURCES: usize = 3;

/// Near misses a signature must show it leaves alone.
const MIN_NEAR_MISSES: usize = 2;

/// Every problem in `pack`, one diagnostic each, pointing at the
/// signature's `[[signature]]` line.
pub fn lint(pack: &Pack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut push = |origin: &Origin, id: &str, problem: String| {
        out.push(Diagnostic {
            file: origin.file.clone(),
            line: origin.line,
            col: 1,
            message: format!("{id}: {problem}"),
            snippet: None,
        });
    };
    for sig in pack.signatures() {
        for problem in problems(sig) {
            push(&sig.origin, &sig.id, problem);
        }
    }
    for d in pack.diagnoses() {
        for problem in diagnosis_problems(pack, d) {
            push(&d.origin, &d.id, problem);
        }
    }
    out
}

/// Every id of `pack` that `builtin` (the pack built into the binary)
/// defines too: a scan loads both and refuses the clash, so lint names it
/// first.
pub fn clashes(pack: &Pack, builtin: &Pack) -> Vec<Diagnostic> {
    let builtin_origin = |id: &str| {
        builtin
            .get(id)
            .map(|s| &s.origin)
            .or_else(|| builtin.diagnosis(id).map(|d| &d.origin))
    };
    let ids = pack
        .signatures()
        .iter()
        .map(|s| (&s.id, &s.origin))
        .chain(pack.diagnoses().iter().map(|d| (&d.id, &d.origin)));
    ids.filter_map(|(id, origin)| {
        builtin_origin(id).map(|first| Diagnostic {
            file: origin.file.clone(),
            line: origin.line,
            col: 1,
            message: format!(
                "{id}: the built-in pack defines this id too (at {first}); \
                 rename it, or scan with --no-default-signatures"
            ),
            snippet: None,
        })
    })
    .collect()
}

fn diagnosis_problems(pack: &Pack, d: &crate::Diagnosis) -> Vec<String> {
    let mut p = link_problems(&d.links);
    for (field, value) in
        [("title", &d.title), ("summary", &d.summary), ("fix", &d.fix)]
    {
        if value.trim().is_empty() {
            p.push(format!("`{field}` is empty"));
        }
    }
    // Markers give context (the kubelet started); a cause needs a failure,
    // the absence of a healthy event where the markers prove it was
    // looked for (an interface list without the loopback interface), or
    // two listings that disagree.
    let failures = d
        .all_of
        .iter()
        .chain(&d.any_of)
        .filter(|id| pack.get(id).is_some_and(|s| !s.marker));
    if failures.count() == 0
        && d.none_of.is_empty()
        && d.counts_differ.is_empty()
    {
        p.push(
            "needs a failure signature in all_of or any_of, a none_of or \
             counts_differ, not only markers"
                .into(),
        );
    }
    p
}

fn link_problems(links: &[String]) -> Vec<String> {
    let mut p = Vec::new();
    if links.is_empty() {
        p.push("needs at least one link to the official fix".to_string());
    }
    for link in links {
        if !link.starts_with("https://") || link.len() <= "https://".len() {
            p.push(format!("link {link:?} is not an https URL"));
        }
    }
    p
}

fn problems(sig: &Signature) -> Vec<String> {
    let mut p = Vec::new();
    if sig.examples.matches.is_empty() {
        p.push("needs at least one `match` example".to_string());
    }
    // A local signature may have no public fix to link to; any link it
    // gives must still be one.
    if sig.examples.local.is_none() || !sig.links.is_empty() {
        p.extend(link_problems(&sig.links));
    }
    for (field, value) in [
        ("title", &sig.title),
        ("summary", &sig.summary),
        ("fix", &sig.fix),
        ("category", &sig.category),
    ] {
        if value.trim().is_empty() {
            p.push(format!("`{field}` is empty"));
        }
    }
    if sig.sources.contains(&SourceKind::Unknown) {
        p.push("`unknown` in sources means nothing: leave sources empty to apply everywhere".into());
    }
    for lit in &sig.patterns {
        if lit.len() < MIN_LITERAL {
            p.push(format!(
                "pattern {lit:?} is shorter than {MIN_LITERAL} bytes and would hit healthy lines"
            ));
        }
    }
    // The search pass only ever sees lines holding a literal; a line the
    // regex would match without one is silently missed.
    for ex in &sig.examples.matches {
        if !sig.patterns.iter().any(|lit| ex.line.contains(lit.as_str())) {
            p.push(format!("match example holds none of the patterns, so the search pass cannot find it: {:?}", ex.line));
        }
    }
    p.extend(example_problems(sig));
    p
}

/// A signature is trusted on real lines, not on lines written to fit it:
/// its match examples come from several published pages, and near misses
/// show where it stops. A failure that few pages show may say so in
/// `rare`, and still needs one.
fn example_problems(sig: &Signature) -> Vec<String> {
    let ex = &sig.examples;
    let mut p = Vec::new();
    if let Some(local) = ex.local.as_deref().map(str::trim) {
        // Seen in one's own bundles: no page shows it, the near misses
        // still show where it stops.
        if local.is_empty() {
            p.push("`local` is empty: say where this failure was seen".into());
        }
        if ex.rare.is_some() {
            p.push(
                "`local` and `rare` together: a local failure needs no pages"
                    .into(),
            );
        }
        if ex.no_match.len() < MIN_NEAR_MISSES {
            p.push(format!(
                "needs at least {MIN_NEAR_MISSES} `no_match` examples (near misses), has {}",
                ex.no_match.len()
            ));
        }
        return p;
    }
    let all = ex.matches.iter().chain(&ex.no_match);
    for source in all
        .flat_map(|e| e.source.iter().chain(&e.built_from))
        .map(String::as_str)
    {
        if !source.starts_with("https://") || source.len() <= "https://".len()
        {
            p.push(format!("example source {source:?} is not an https URL"));
        }
    }
    // A line built from the program's source stands in for a published
    // one only where `rare` says why none was found.
    let built = ex.matches.iter().any(|e| e.built_from.is_some());
    // Two anchors of one page are one page.
    let mut pages: Vec<&str> = ex
        .matches
        .iter()
        .filter_map(|e| e.source.as_deref())
        .map(|s| s.split('#').next().unwrap_or(s))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    let n = pages.len();
    match ex.rare.as_deref().map(str::trim) {
        None if n < MIN_SOURCES => p.push(format!(
            "needs match examples from at least {MIN_SOURCES} published pages \
             (`{{ source = \"https://...\", line = '...' }}`), has {n}; \
             if no more exist, say why in `rare`"
        )),
        Some("") => p.push("`rare` is empty: say why few pages show this failure".into()),
        Some(_) if n == 0 && !built => p.push(
            "is `rare` but needs a match example from at least one published \
             page, or one built from the program's source (`built_from`)"
                .into(),
        ),
        Some(_) if n >= MIN_SOURCES => p.push(format!(
            "is `rare` but has match examples from {n} published pages: drop `rare`"
        )),
        _ => {}
    }
    if ex.no_match.len() < MIN_NEAR_MISSES {
        p.push(format!(
            "needs at least {MIN_NEAR_MISSES} `no_match` examples (near misses), has {}",
            ex.no_match.len()
        ));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_pack_is_lint_clean() {
        let pack = Pack::embedded().unwrap();
        let issues: Vec<String> =
            lint(&pack).iter().map(|d| d.to_string()).collect();
        assert!(issues.is_empty(), "{}", issues.join("\n"));
    }

    #[test]
    fn ids_of_the_builtin_pack_clash() {
        let builtin = Pack::embedded().unwrap();
        let mut pack = Pack::new();
        pack.add_toml(
            "mine.toml",
            "[[signature]]\nid = \"node-name-empty\"\ntitle = \"T\"\n\
             severity = \"error\"\npatterns = [\"boom boom\"]\nfix = \"f\"\n\n\
             [[signature]]\nid = \"mine-only\"\ntitle = \"T\"\n\
             severity = \"error\"\npatterns = [\"boom boom\"]\nfix = \"f\"\n",
        )
        .unwrap();
        let found = clashes(&pack, &builtin);
        assert_eq!(found.len(), 1, "{found:?}");
        let text = found[0].to_string();
        assert!(text.starts_with("mine.toml:1:1: node-name-empty:"), "{text}");
        assert!(text.contains("signatures/"), "{text}");
        assert!(clashes(&builtin, &Pack::new()).is_empty());
    }

    #[test]
    fn lint_catches_what_loading_allows() {
        let mut pack = Pack::new();
        pack.add_toml(
            "t.toml",
            r#"
[[signature]]
id = "weak"
title = "Weak"
severity = "error"
sources = ["unknown"]
patterns = ["err", "boom happened"]
regex = 'boom|bang'
fix = "x"
links = ["http://example.com"]

[signature.examples]
match = ["bang"]
"#,
        )
        .unwrap();
        let issues: Vec<String> =
            lint(&pack).iter().map(|d| d.to_string()).collect();
        let all = issues.join("\n");
        for needle in [
            "t.toml:2:1: weak:",
            "no_match",
            "not an https URL",
            "`summary` is empty",
            "`category` is empty",
            "`unknown` in sources",
            "pattern \"err\" is shorter",
            "search pass cannot find it: \"bang\"",
            "at least 3 published pages",
            "at least 2 `no_match` examples",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in\n{all}");
        }
    }

    #[test]
    fn a_diagnosis_on_markers_alone_needs_an_absence() {
        let problems = |none_of: &str| {
            let mut pack = Pack::new();
            pack.add_toml(
                "t.toml",
                &format!(
                    "[[signature]]\nid = \"listed\"\ntitle = \"T\"\n\
                     severity = \"info\"\nmarker = true\n\
                     patterns = [\"listed it\"]\nfix = \"f\"\n\n\
                     [[signature]]\nid = \"lo\"\ntitle = \"T\"\n\
                     severity = \"info\"\nmarker = true\n\
                     patterns = [\"loopback\"]\nfix = \"f\"\n\n\
                     [[diagnosis]]\nid = \"d\"\ntitle = \"T\"\n\
                     severity = \"error\"\nsummary = \"s\"\n\
                     all_of = [\"listed\"]\n{none_of}fix = \"f\"\n\
                     links = [\"https://example.com/fix\"]\n"
                ),
            )
            .unwrap();
            lint(&pack)
                .iter()
                .map(|d| d.message.clone())
                .filter(|m| m.contains("diagnosis") || m.starts_with("d:"))
                .collect::<Vec<_>>()
        };
        let alone = problems("");
        assert!(
            alone.iter().any(|m| m.contains("not only markers")),
            "{alone:?}"
        );
        let absent = problems("none_of = [\"lo\"]\n");
        assert!(
            !absent.iter().any(|m| m.contains("not only markers")),
            "{absent:?}"
        );
    }

    /// A pack of one signature with these example lines (TOML array
    /// entries) and an optional `rare` note.
    fn one(matches: &str, rare: Option<&str>) -> Vec<String> {
        let rare =
            rare.map(|r| format!("rare = \"{r}\"\n")).unwrap_or_default();
        let text = format!(
            "[[signature]]\nid = \"x\"\ntitle = \"T\"\nseverity = \"error\"\n\
             category = \"c\"\nsummary = \"s\"\npatterns = [\"boom boom\"]\n\
             fix = \"f\"\nlinks = [\"https://example.com/fix\"]\n\n\
             [signature.examples]\n{rare}match = [{matches}]\n\
             no_match = ['calm', 'quiet']\n"
        );
        let mut pack = Pack::new();
        pack.add_toml("t.toml", &text).unwrap();
        lint(&pack).iter().map(|d| d.message.clone()).collect()
    }

    #[test]
    fn a_local_signature_needs_no_page_and_no_link_but_its_near_misses() {
        let text = |local: &str, no_match: &str| {
            format!(
                "[[signature]]\nid = \"x\"\ntitle = \"T\"\nseverity = \"error\"\n\
                 category = \"c\"\nsummary = \"s\"\npatterns = [\"boom boom\"]\n\
                 fix = \"f\"\n\n[signature.examples]\nlocal = \"{local}\"\n\
                 match = ['boom boom']\nno_match = [{no_match}]\n"
            )
        };
        let lint_of = |t: String| {
            let mut pack = Pack::new();
            pack.add_toml("t.toml", &t).unwrap();
            lint(&pack).iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        };
        let ok = lint_of(text("u-0123456789 in 7 bundles", "'calm', 'quiet'"));
        assert!(ok.is_empty(), "{ok:?}");
        let bad = lint_of(text(" ", "'calm'")).join("\n");
        assert!(bad.contains("`local` is empty"), "{bad}");
        assert!(bad.contains("at least 2 `no_match`"), "{bad}");
        // The built-in pack is of published failures only.
        let builtin = Pack::embedded().unwrap();
        assert!(
            builtin.signatures().iter().all(|s| s.examples.local.is_none())
        );
    }

    #[test]
    fn match_examples_come_from_three_pages_or_say_why_not() {
        let page = |url: &str| {
            format!("{{ source = \"{url}\", line = 'boom boom' }}")
        };
        let three = [
            page("https://a.example/1"),
            page("https://b.example/2"),
            page("https://c.example/3"),
        ]
        .join(", ");
        assert!(one(&three, None).is_empty(), "{:?}", one(&three, None));
        // Two anchors of one page are one page.
        let anchors = [
            page("https://a.example/1#x"),
            page("https://a.example/1#y"),
            page("https://c.example/3"),
        ]
        .join(", ");
        assert!(
            one(&anchors, None)[0].contains("has 2"),
            "{:?}",
            one(&anchors, None)
        );
        let two = [page("https://a.example/1"), page("https://b.example/2")]
            .join(", ");
        assert!(one(&two, None)[0].contains("say why in `rare`"));
        assert!(one(&two, Some("few threads paste it")).is_empty());
        assert!(one(&two, Some(" "))[0].contains("`rare` is empty"));
        assert!(
            one("'boom boom'", Some("why"))[0]
                .contains("at least one published page")
        );
        assert!(one(&three, Some("why"))[0].contains("drop `rare`"));
        let http = page("http://a.example/1");
        assert!(
            one(&http, Some("why"))
                .iter()
                .any(|p| p.contains("not an https URL"))
        );
        // A line built from the program's source stands in for a page only
        // under `rare`, and its URL is checked too.
        let built = |url: &str| {
            format!("{{ built_from = \"{url}\", line = 'boom boom' }}")
        };
        let source = built("https://a.example/src.go#L9");
        assert!(one(&source, Some("no page quotes it")).is_empty());
        assert!(one(&source, None)[0].contains("has 0"));
        assert!(
            one(&built("file:///src.go"), Some("why"))
                .iter()
                .any(|p| p.contains("not an https URL"))
        );
    }
}
