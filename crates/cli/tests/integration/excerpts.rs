//! Real multi-line excerpts (`fixtures/real/excerpts/`), each copied from
//! a public page and placed where the collector writes such a file inside
//! a bundle of its own; one run of the binary scans them all. Each gives
//! exactly its `expect` ids at warning or worse (a threshold signature
//! counts when it is recognised under its count); ids it should give but
//! does not yet are listed in `miss`, and the test says when one starts
//! being found.

use std::collections::BTreeSet;

use crate::harness::*;

/// A bundle name the collector would write, so that each excerpt is read
/// as part of an EKS bundle.
const BUNDLE: &str = "eks_i-0123456789abcdef0_2024-01-01_0000-UTC_0.7.9";

struct Excerpt {
    source: String,
    place: String,
    expect: BTreeSet<String>,
    miss: BTreeSet<String>,
}

impl Excerpt {
    fn parse(name: &str, text: &str) -> Excerpt {
        let t: toml::Table = toml::from_str(text)
            .unwrap_or_else(|e| panic!("{name}/excerpt.toml: {e}"));
        for key in t.keys() {
            let known = ["source", "place", "about", "expect", "miss", "note"];
            assert!(
                known.contains(&key.as_str()),
                "{name}: unknown key {key}"
            );
        }
        let text = |k: &str| {
            t.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{name}: no {k}"))
                .to_string()
        };
        let ids = |k: &str| -> BTreeSet<String> {
            t.get(k)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .map(|v| v.as_str().expect("an id").to_string())
                .collect()
        };
        text("about");
        Excerpt {
            source: text("source"),
            place: text("place"),
            expect: ids("expect"),
            miss: ids("miss"),
        }
    }
}

fn excerpts() -> Vec<(String, Excerpt, Vec<u8>)> {
    let dir = root().join("fixtures/real/excerpts");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures/real/excerpts") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let meta = std::fs::read_to_string(path.join("excerpt.toml"))
            .unwrap_or_else(|e| panic!("{name}/excerpt.toml: {e}"));
        let meta = Excerpt::parse(&name, &meta);
        let lines = std::fs::read(path.join("lines.log"))
            .unwrap_or_else(|e| panic!("{name}/lines.log: {e}"));
        out.push((name, meta, lines));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn each_excerpt_gives_its_ids_in_place() {
    let all = excerpts();
    assert!(all.len() >= 30, "{} excerpts", all.len());
    let dir = Dir::new();
    let mut args =
        vec!["scan".to_string(), "--fail-on".into(), "never".into()];
    for (name, e, lines) in &all {
        assert!(e.source.starts_with("https://"), "{name}: {}", e.source);
        let n = String::from_utf8_lossy(lines).lines().count();
        assert!((5..=80).contains(&n), "{name}: {n} lines");
        assert!(e.expect.is_disjoint(&e.miss), "{name}: expected and missed");
        dir.write(&format!("{name}/{BUNDLE}/{}", e.place), lines);
        args.push(format!("{name}/{BUNDLE}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&dir, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    // Findings at warning or worse, and threshold signatures recognised
    // under their count, per excerpt.
    let mut found = vec![BTreeSet::new(); all.len()];
    let mut under = vec![BTreeSet::new(); all.len()];
    let index = |input: &str| {
        all.iter()
            .position(|(name, _, _)| input.starts_with(&format!("{name}/")))
            .unwrap_or_else(|| panic!("no excerpt for input {input}"))
    };
    for f in report["findings"].as_array().expect("findings") {
        if f["severity"] != "info" {
            let i = index(f["input"].as_str().expect("input"));
            found[i].insert(f["signature"].as_str().expect("id").to_string());
        }
    }
    for input in report["inputs"].as_array().expect("inputs") {
        let i = index(input["path"].as_str().expect("path"));
        for b in input["below_threshold"].as_array().into_iter().flatten() {
            under[i].insert(b["signature"].as_str().expect("id").to_string());
        }
    }
    let mut wrong = Vec::new();
    let (mut expected, mut missed, mut healthy) = (0, 0, 0);
    for (i, (name, e, _)) in all.iter().enumerate() {
        expected += e.expect.len();
        missed += e.miss.len();
        healthy += usize::from(e.expect.is_empty() && e.miss.is_empty());
        let known: BTreeSet<String> =
            found[i].union(&under[i]).cloned().collect();
        let extra: Vec<_> = found[i].difference(&e.expect).collect();
        let absent: Vec<_> = e.expect.difference(&known).collect();
        let now: Vec<_> = e.miss.intersection(&known).collect();
        if !extra.is_empty() || !absent.is_empty() || !now.is_empty() {
            wrong.push(format!(
                "{name}: not expected {extra:?}, not found {absent:?}, \
                 listed as missed but found {now:?}"
            ));
        }
    }
    eprintln!(
        "excerpts: {} ({healthy} healthy); ids found {expected}, missed {missed}",
        all.len()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
