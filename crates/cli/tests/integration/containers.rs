//! One corpus packed as a folder, a `.log`, a `.log.gz`, a `.tar`, a
//! `.tar.gz`, a `.zip` (backslash names, UTF-16LE) and a `.tar.gz` inside a
//! `.tar.gz` must give the same findings, differing only in paths.

use std::collections::BTreeMap;

use logsift_fixtures::{
    Entry, corpus, gzip, tar, tar_gz, utf16le_with_bom, zip,
};

use crate::{eqnice, harness::*};

/// (signature, count, first_line, last_line), from the planted lines.
fn expected() -> Vec<(String, u64, u64, u64)> {
    let mut by_sig: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for p in corpus().planted {
        by_sig.entry(p.signature).or_default().push(p.line);
    }
    by_sig
        .into_iter()
        .map(|(sig, lines)| {
            let first = *lines.iter().min().unwrap_or(&0);
            let last = *lines.iter().max().unwrap_or(&0);
            (sig.to_string(), lines.len() as u64, first, last)
        })
        .collect()
}

fn entry(path: &str, data: &[u8]) -> Entry {
    Entry { path: path.to_string(), data: data.to_vec() }
}

/// Findings of one input, with its expected virtual path checked.
fn scan_one(
    dir: &Dir,
    input: &str,
    vpath: &str,
) -> Vec<(String, u64, u64, u64)> {
    let out = run(dir, &["scan", "--fail-on", "never", input]);
    assert_eq!(out.code, 0, "{input}: {}", out.stderr);
    let report = out.report();
    assert!(
        report["inputs"][0]["errors"].as_array().is_some_and(Vec::is_empty)
    );
    let mut got: Vec<(String, u64, u64, u64)> = findings(&report)
        .into_iter()
        .map(|(sig, path, count, first, last)| {
            assert_eq!(path, vpath, "{input}");
            (sig, count, first, last)
        })
        .collect();
    got.sort();
    got
}

#[test]
fn every_container_gives_the_same_findings() {
    let text = corpus().text;
    let log = text.as_bytes();
    let dir = Dir::new();
    dir.write("corpus-dir/corpus.log", log);
    dir.write("corpus.log", log);
    dir.write("corpus.log.gz", gzip(log));
    dir.write("corpus.tar", tar(&[entry("corpus.log", log)]));
    dir.write("corpus.tar.gz", tar_gz(&[entry("./corpus.log", log)]));
    dir.write(
        "corpus.zip",
        zip(&[entry("logs\\corpus.log", &utf16le_with_bom(&text))]),
    );
    let inner = tar_gz(&[entry("corpus.log", log)]);
    dir.write(
        "nested.tar.gz",
        tar_gz(&[entry("inner/corpus.tar.gz", &inner)]),
    );

    let want = expected();
    assert!(want.len() >= 4, "the corpus plants all four failures: {want:?}");
    for (input, vpath) in [
        ("corpus-dir", "corpus-dir/corpus.log"),
        ("corpus.log", "corpus.log"),
        ("corpus.log.gz", "corpus.log.gz"),
        ("corpus.tar", "corpus.tar!corpus.log"),
        ("corpus.tar.gz", "corpus.tar.gz!corpus.log"),
        ("corpus.zip", "corpus.zip!logs/corpus.log"),
        ("nested.tar.gz", "nested.tar.gz!inner/corpus.tar.gz!corpus.log"),
    ] {
        eqnice!(want, scan_one(&dir, input, vpath));
    }
}

#[test]
fn input_kinds_are_reported() {
    let log = corpus().text.into_bytes();
    let dir = Dir::new();
    dir.write("d/a.log", &log);
    dir.write("a.log", &log);
    dir.write("a.log.gz", gzip(&log));
    dir.write("a.tar", tar(&[entry("a.log", &log)]));
    dir.write("a.tgz", tar_gz(&[entry("a.log", &log)]));
    dir.write("a.zip", zip(&[entry("a.log", &log)]));
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "d",
            "a.log",
            "a.log.gz",
            "a.tar",
            "a.tgz",
            "a.zip",
        ],
    );
    let report = out.report();
    let kinds: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    eqnice!(vec!["directory", "file", "gzip", "tar", "tar.gz", "zip"], kinds);
}

#[test]
fn stdin_is_sniffed_like_a_file() {
    let log = corpus().text.into_bytes();
    let dir = Dir::new();
    let bundle = tar_gz(&[entry("corpus.log", &log)]);
    let out = run_in(
        dir.path(),
        &["scan", "--fail-on", "never", "-"],
        Some(&bundle),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    assert_eq!(report["inputs"][0]["path"], "-");
    assert_eq!(report["inputs"][0]["kind"], "tar.gz");
    let mut got: Vec<_> = findings(&report)
        .into_iter()
        .map(|(sig, path, count, first, last)| {
            assert_eq!(path, "-!corpus.log");
            (sig, count, first, last)
        })
        .collect();
    got.sort();
    eqnice!(expected(), got);
}

#[test]
fn formats_are_told_by_content_not_name() {
    let log = corpus().text.into_bytes();
    let dir = Dir::new();
    // A gzip named .txt, a tar named .json, and text named .gz.
    dir.write("journal.txt", gzip(&log));
    dir.write("metrics.json", tar(&[entry("corpus.log", &log)]));
    dir.write("plain.gz", &log);
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "journal.txt",
            "metrics.json",
            "plain.gz",
        ],
    );
    let report = out.report();
    let kinds: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    eqnice!(vec!["gzip", "tar", "file"], kinds);
    let n = expected().len();
    assert_eq!(findings(&report).len(), 3 * n);
}
