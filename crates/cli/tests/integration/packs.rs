//! Loading signature packs from the command line.

use crate::{eqnice, harness::*};

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

#[test]
fn default_pack_is_lint_clean_and_its_examples_pass() {
    let dir = Dir::new();
    let lint = run(&dir, &["signatures", "lint"]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(
        lint.stdout.trim_end().ends_with(", 0 problems"),
        "{}",
        lint.stdout
    );
    let test = run(&dir, &["signatures", "test"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stdout.trim_end().ends_with(" 0 failed"), "{}", test.stdout);
}

#[test]
fn test_and_lint_fail_on_a_bad_pack() {
    let dir = Dir::new();
    // The example never holds the literal, and the near miss matches.
    let bad = PACK.replace(
        "links = [\"https://example.com/boom\"]",
        "links = [\"http://example.com/boom\"]\n\n[signature.examples]\nmatch = [\"kaboom\"]\nno_match = [\"BOOM\"]",
    );
    dir.write("bad.toml", &bad);
    let test = run(&dir, &["signatures", "test", "bad.toml"]);
    assert_eq!(test.code, 1, "{}", test.stdout);
    assert!(
        test.stdout.contains("FAIL  custom-boom (bad.toml:2)"),
        "{}",
        test.stdout
    );
    assert!(
        test.stdout.contains("should match (unknown): kaboom"),
        "{}",
        test.stdout
    );
    assert!(test.stdout.contains("should not match: BOOM"), "{}", test.stdout);
    assert!(
        test.stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{}",
        test.stdout
    );
    let lint = run(&dir, &["signatures", "lint", "bad.toml"]);
    assert_eq!(lint.code, 1);
    assert!(
        lint.stdout.contains("bad.toml:2:1: custom-boom: link"),
        "{}",
        lint.stdout
    );
    assert!(lint.stdout.contains("`summary` is empty"), "{}", lint.stdout);
}

#[test]
fn list_and_show() {
    let dir = Dir::new();
    let table = run(&dir, &["signatures", "list"]);
    assert_eq!(table.code, 0);
    assert!(table.stdout.starts_with("ID "), "{}", table.stdout);
    assert!(table.stdout.contains("node-name-empty"), "{}", table.stdout);
    let json = run(&dir, &["signatures", "list", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let first = &items[0];
    for key in [
        "id",
        "title",
        "severity",
        "category",
        "sources",
        "patterns",
        "fix",
        "links",
        "examples",
        "defined_at",
    ] {
        assert!(!first[key].is_null(), "{key} missing in {first}");
    }
    let show = run(&dir, &["signatures", "show", "tls-handshake-timeout"]);
    assert_eq!(show.code, 0);
    assert!(
        show.stdout.contains("Applies to:  every kind of file"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("#troubleshoot-tls-handshake-timeout"),
        "{}",
        show.stdout
    );
    let missing = run(&dir, &["signatures", "show", "no-such-thing"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no signature or diagnosis with id"),
        "{}",
        missing.stderr
    );
}

#[test]
fn message_fills_from_capture_groups() {
    let dir = Dir::new();
    dir.write(
        "reg.toml",
        PACK.replace("patterns = [\"BOOM\"]", "patterns = [\"BOOM\"]\nregex = 'BOOM in (?P<zone>[a-z0-9-]+)'\nmessage = \"boom in {zone}\""),
    );
    dir.write("a.log", "BOOM in us-west-2a\nBOOM in us-west-2b\n");
    let out = run(
        &dir,
        &[
            "scan",
            "--no-default-signatures",
            "--signatures",
            "reg.toml",
            "a.log",
        ],
    );
    let report = out.report();
    assert_eq!(report["findings"][0]["message"], "boom in us-west-2a");
    assert_eq!(report["findings"][0]["count"], 2);
}

#[test]
fn lint_names_every_problem_in_every_file() {
    let dir = Dir::new();
    dir.write(
        "pack/a.toml",
        format!(
            "{}\n{}",
            PACK.replace("severity = \"warning\"", "severity = \"loud\"")
                .replace("fix =", "colour = \"red\"\nfix ="),
            PACK.replace("custom-boom", "custom-two")
                .replace("patterns = [\"BOOM\"]", "patterns = \"BOOM\""),
        ),
    );
    dir.write("pack/b.toml", "[[signature]]\nid = 7\n");
    dir.write("pack/c.toml", "this is not toml");
    let out = run(&dir, &["signatures", "lint", "pack"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for want in [
        "pack/a.toml:5:12: unknown variant `loud`",
        "pack/a.toml:7:1: unknown field `colour`",
        "pack/a.toml:16:12: invalid type: string \"BOOM\", expected a sequence",
        "pack/b.toml:",
        "pack/c.toml:1:",
    ] {
        assert!(out.stderr.contains(want), "no {want:?} in\n{}", out.stderr);
    }
}

#[test]
fn show_knows_diagnoses_and_suggests_ids() {
    let dir = Dir::new();
    let out =
        run(&dir, &["signatures", "show", "cni-cannot-reach-api-server"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "cni-cannot-reach-api-server  (critical, diagnosis)\n"
        ),
        "{}",
        out.stdout
    );
    for want in
        ["Found when all of these are found:", "Fix:", "Links:", "  https://"]
    {
        assert!(out.stdout.contains(want), "no {want:?} in\n{}", out.stdout);
    }

    let out = run(&dir, &["signatures", "show", "node-name-emtpy"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "no signature or diagnosis with id \"node-name-emtpy\" (did you mean \"node-name-empty\""
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn lint_flags_ids_that_clash_with_the_builtin_pack() {
    let dir = Dir::new();
    dir.write("mine.toml", PACK.replace("custom-boom", "node-name-empty"));
    let out = run(&dir, &["signatures", "lint", "mine.toml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "mine.toml:2:1: node-name-empty: the built-in pack defines this id too"
        ),
        "{}",
        out.stdout
    );
    // And scan refuses the same pack, as lint warned.
    dir.write("a.log", "fine\n");
    let out = run(&dir, &["scan", "--signatures", "mine.toml", "a.log"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("duplicate signature id"), "{}", out.stderr);
}

/// A counter may state a ratio of two numbers of one line: the kernel's
/// allocated file handles over its maximum, from `sysctl -a` in a bundle.
#[test]
fn a_ratio_counter_finds_a_line_above_its_fraction() {
    const RATIO: &str = r#"
[[signature]]
id = "file-handles-near-max"
title = "Most of the kernel's file handles are allocated"
severity = "warning"
sources = ["command-output"]
patterns = ["fs.file-nr = "]
regex = 'fs\.file-nr = (?P<used>\d+)\s+\d+\s+(?P<max>\d+)'
ratio = { of = "used", to = "max", above = 0.7 }
message = "{used} of {max} file handles allocated"
fix = "Find what holds them."
links = ["https://docs.kernel.org/admin-guide/sysctl/fs.html"]
"#;
    let dir = Dir::new();
    dir.write("ratio.toml", RATIO);
    let sysctl = |used: &str, max: &str| {
        format!(
            "fs.aio-nr = 0\nfs.file-max = {max}\n\
             fs.file-nr = {used}\t0\t{max}\nfs.inode-nr = 48652\t354\n"
        )
    };
    // Healthy (2%, and AL2023's unlimited maximum), at the fraction, over it.
    for (name, used, max) in [
        ("low", "12928", "3490086"),
        ("unlimited", "1408", "9223372036854775807"),
        ("at", "700", "1000"),
        ("high", "2441000", "3247575"),
    ] {
        dir.write(
            &format!("{name}/sysctls/sysctl_all.txt"),
            sysctl(used, max),
        );
    }
    let out = run(
        &dir,
        &[
            "scan",
            "--no-default-signatures",
            "--signatures",
            "ratio.toml",
            "low",
            "unlimited",
            "at",
            "high",
        ],
    );
    let report = out.report();
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (f["path"].as_str().unwrap(), f["message"].as_str().unwrap_or(""))
        })
        .collect();
    eqnice!(
        vec![(
            "high/sysctls/sysctl_all.txt",
            "2441000 of 3247575 file handles allocated"
        )],
        found
    );
    let show = run(
        &dir,
        &["signatures", "show", "file-handles-near-max", "ratio.toml"],
    );
    assert!(
        show.stdout.contains("above 0.7 times the number in group \"max\""),
        "{}",
        show.stdout
    );
}
