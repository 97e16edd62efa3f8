//! Loading signature packs from the command line.

use crate::harness::*;

const PACK: &str = r#"
[[signature]]
id = "custom-boom"
title = "Something went boom"
severity = "warning"
patterns = ["BOOM"]
fix = "Stop the boom."
links = ["https://example.com/boom"]
"#;

#[test]
fn added_pack_finds_its_signature() {
    let dir = Dir::new();
    dir.write("packs/custom.toml", PACK);
    dir.write("a.log", "all fine\nthen BOOM\n");
    let out =
        run(&dir, &["scan", "--signatures", "packs/custom.toml", "a.log"]);
    assert_eq!(
        out.code, 0,
        "a warning passes the default gate: {}",
        out.stderr
    );
    let report = out.report();
    assert_eq!(report["findings"][0]["signature"], "custom-boom");
    assert_eq!(report["findings"][0]["first_line"], 2);
    let default = run(&dir, &["scan", "a.log"]).report();
    let count =
        |r: &serde_json::Value| r["signatures"]["count"].as_u64().unwrap();
    assert_eq!(count(&report), count(&default) + 1);
    assert_ne!(
        report["signatures"]["digest"],
        default["signatures"]["digest"]
    );
}

#[test]
fn warning_findings_pass_the_default_gate() {
    let dir = Dir::new();
    dir.write("custom.toml", PACK);
    dir.write("a.log", "BOOM\n");
    assert_eq!(
        run(&dir, &["scan", "--signatures", "custom.toml", "a.log"]).code,
        0
    );
    assert_eq!(
        run(
            &dir,
            &[
                "scan",
                "--signatures",
                "custom.toml",
                "--fail-on",
                "warning",
                "a.log"
            ]
        )
        .code,
        1
    );
}

#[test]
fn folder_pack_and_no_default_signatures() {
    let dir = Dir::new();
    dir.write("packs/one.toml", PACK);
    dir.write(
        "packs/more/two.toml",
        PACK.replace("custom-boom", "custom-bang").replace("BOOM", "BANG"),
    );
    dir.write("a.log", "BOOM\nBANG\nnet/http: TLS handshake timeout\n");
    let out = run(
        &dir,
        &[
            "scan",
            "--no-default-signatures",
            "--signatures",
            "packs",
            "--fail-on",
            "never",
            "a.log",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    assert_eq!(report["signatures"]["count"], 2);
    let ids: Vec<String> =
        findings(&report).into_iter().map(|f| f.0).collect();
    // Same severity and file: ordered by first line.
    assert_eq!(ids, ["custom-boom", "custom-bang"]);
}

#[test]
fn broken_pack_is_a_usage_error_with_position() {
    let dir = Dir::new();
    dir.write(
        "bad.toml",
        PACK.replace("severity = \"warning\"", "severity = \"loud\""),
    );
    dir.write("a.log", "BOOM\n");
    let out = run(&dir, &["scan", "--signatures", "bad.toml", "a.log"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("logsift: bad.toml:5:12: "),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());

    let out = run(&dir, &["scan", "--no-default-signatures", "a.log"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no signatures"), "{}", out.stderr);

    dir.write(
        "dup.toml",
        PACK.replace("custom-boom", "tls-handshake-timeout"),
    );
    let out = run(&dir, &["scan", "--signatures", "dup.toml", "a.log"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("duplicate signature id"), "{}", out.stderr);
}
