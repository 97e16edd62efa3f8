//! Output formats: text, SARIF, Markdown, JUnit and NDJSON, several in one
//! run, against golden files under `fixtures/golden/` and the official
//! SARIF schema.
//!
//! Goldens are rewritten with `UPDATE_GOLDEN=1 cargo test`. They use a pack
//! of their own so they do not change when the default pack grows.

use std::{
    path::Path,
    process::{Command, Stdio},
};

use logsift_fixtures::{Entry, tar_gz};
use serde_json::Value;

use crate::harness::*;

/// The pack the goldens are made with: one signature per severity that
/// the inputs below hit, and one they never hit, which must show as a
/// passed check.
const PACK: &str = r#"
[[signature]]
id = "disk-full"
title = "A disk is full"
severity = "critical"
category = "storage"
summary = "Writes fail with ENOSPC."
patterns = ["no space left on device"]
fix = "Free space on the node's root volume."
links = ["https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html"]

[[signature]]
id = "node-name-empty"
title = "Kubelet looks up a node with an empty name"
severity = "error"
category = "node-join"
summary = "The node has no private DNS name."
patterns = ['node "" not found']
regex = 'kubelet\.go:(?P<line>\d+)\]'
message = "reported at kubelet.go:{line}"
fix = """1. Set domain-name in the VPC's DHCP options set.
2. Replace the node."""
links = [
    "https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html#worker-node-fail",
    "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html",
]

[[signature]]
id = "tls-handshake-timeout"
title = "TLS handshake timeout"
severity = "warning"
category = "networking"
patterns = ["TLS handshake timeout"]
fix = "Check the security groups and the proxy."
links = ["https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html#troubleshoot-tls-handshake-timeout"]
"#;

const KUBELET: &str = "\
I0524 14:01:00.000000    3567 kubelet.go:100] starting
E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not found
I0524 14:01:05.000000    3567 kubelet.go:300] still starting
E0524 14:01:09.000001    3567 kubelet.go:2240] node \"\" not found
";

/// Markdown, HTML and XML punctuation in a log line.
const APP: &str = "2026-11-21T10:00:00Z error a|b `tick` <x> & \"q\" 'a' \
                   *s* _u_ $m$ [l](u): net/http: TLS handshake timeout\n";

/// The golden scene: a folder, an archive with a skipped binary member,
/// and a missing file, all named relative to the temp folder.
fn scene() -> Dir {
    let dir = Dir::new();
    dir.write("pack.toml", PACK);
    dir.write("logs/kubelet.log", KUBELET);
    dir.write("logs/app.log", APP);
    dir.write(
        "bundle.tar.gz",
        tar_gz(&[
            Entry {
                path: "host/syslog.txt".into(),
                data: "Nov 21 10:00:01 ip-10-0-1-2 kubelet[1]: E1121 \
                       10:00:01.000000 1 x.go:1] net/http: TLS handshake \
                       timeout\n"
                    .into(),
            },
            Entry { path: "core.bin".into(), data: b"\x7fELF\0\0".to_vec() },
        ]),
    );
    dir
}

const INPUTS: [&str; 3] = ["logs", "bundle.tar.gz", "missing.log"];

/// `logsift scan` with the scene's pack and `extra` arguments, then the
/// inputs.
fn scan(dir: &Dir, extra: &[&str]) -> Output {
    let mut args = vec![
        "scan",
        "--no-default-signatures",
        "--signatures",
        "pack.toml",
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&INPUTS);
    run(dir, &args)
}

/// Runs `logsift ARGS` in `cwd` with extra environment variables.
fn run_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logsift"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run logsift");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Compares `got` with `fixtures/golden/NAME` (`UPDATE_GOLDEN=1`
/// rewrites it).
fn golden(name: &str, got: &str) {
    expect_file("fixtures/golden", "UPDATE_GOLDEN", name, got.as_bytes());
}

/// The number of signatures in the scene's pack, as logsift counts them.
fn pack_len(dir: &Dir) -> usize {
    let out =
        run(dir, &["signatures", "list", "--format", "json", "pack.toml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: Value = serde_json::from_str(&out.stdout).expect("list JSON");
    list.as_array().expect("list array").len()
}

#[test]
fn text_markdown_and_junit_match_their_goldens() {
    let dir = scene();
    let out = scan(
        &dir,
        &[
            "--format",
            "text",
            "--report",
            "markdown=report.md",
            "--report",
            "junit=report.junit.xml",
        ],
    );
    // The missing input is an error; the reports are written all the same.
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stdout.contains('\x1b'), "no colour into a pipe");
    golden("report.txt", &out.stdout);
    let read = |p: &str| {
        std::fs::read_to_string(dir.path().join(p))
            .unwrap_or_else(|e| panic!("{p}: {e}\n{}", out.stderr))
    };
    golden("report.md", &read("report.md"));
    golden("report.junit.xml", &read("report.junit.xml"));
}

#[test]
fn junit_is_well_formed_with_a_test_case_per_signature_and_input() {
    let dir = scene();
    let out = scan(&dir, &["--format", "junit"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let xml = &out.stdout;
    check_xml(xml);
    let cases = xml.matches("<testcase ").count();
    assert_eq!(cases, pack_len(&dir) * INPUTS.len(), "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), INPUTS.len());
    // logs: node-name-empty and tls fail; bundle.tar.gz: tls fails;
    // missing.log: nothing could be checked, so every case is an error.
    assert_eq!(xml.matches("<failure ").count(), 3, "{xml}");
    assert_eq!(xml.matches("<error ").count(), pack_len(&dir), "{xml}");
    assert!(xml.contains(r#"<testsuite name="missing.log""#), "{xml}");
    assert!(xml.contains("&lt;x&gt; &amp; \"q\""), "{xml}");
}

/// A small well-formedness check: tags balance, attributes are quoted,
/// every `&` starts a reference, and no character XML 1.0 forbids.
fn check_xml(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration first");
    for c in body.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}'
                | '\u{e000}'..='\u{fffd}' | '\u{10000}'..),
            "character {c:?} is not allowed in XML 1.0"
        );
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start]);
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "closing </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "tag name {name:?}"
        );
        // name="value" pairs, values without `<` or a bare quote.
        let mut a = attrs.trim();
        while !a.is_empty() {
            let (key, after) = a.split_once("=\"").expect("attr=\"...\"");
            assert!(!key.trim().is_empty() && !key.contains('"'), "{tag}");
            let close = after.find('"').expect("attribute value closes");
            let value = &after[..close];
            assert!(!value.contains('<'), "{tag}");
            check_text(value);
            a = after[close + 1..].trim_start();
        }
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn check_text(s: &str) {
    assert!(!s.contains('>') || !s.contains("]]>"), "{s}");
    let mut parts = s.split('&');
    parts.next();
    for p in parts {
        let entity = p.split(';').next().unwrap_or_default();
        assert!(
            ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                || entity.starts_with('#'),
            "bare & before {p:?}"
        );
    }
}

/// The official SARIF 2.1.0 schema, committed unmodified under schema/.
fn sarif_validator() -> jsonschema::Validator {
    let path = root().join("schema/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the SARIF schema is missing: {} ({e})", path.display())
    });
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    // The schema is draft-04 (`"$schema"` and `"id"` say so); the crate
    // bundles that meta-schema, so nothing is fetched.
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles")
}

pub fn validate_sarif(sarif: &Value) {
    let v = sarif_validator();
    let errors: Vec<String> = v
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF is not valid:\n{}", errors.join("\n"));
    // Draft-04 knows no `uri-reference` format, so check the URIs here:
    // only URI characters, and `%` always followed by two hex digits.
    let mut uris = Vec::new();
    collect_uris(sarif, &mut uris);
    assert!(!uris.is_empty());
    for uri in uris {
        let b = uri.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            let ok = c.is_ascii_alphanumeric()
                || b"-._~!$&'()*+,;=/@:".contains(&c)
                || (c == b'%'
                    && b.get(i + 1..i + 3)
                        .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
            assert!(ok, "not a URI reference: {uri:?}");
        }
    }
}

fn collect_uris<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("uri", Value::String(s)) => out.push(s),
                    _ => collect_uris(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_uris(x, out)),
        _ => {}
    }
}

#[test]
fn sarif_of_the_demo_bundle_validates_against_the_official_schema() {
    let demo = demo_bundle();
    let name = demo.file_name().and_then(|n| n.to_str()).expect("name");
    let cwd = demo.parent().expect("demo folder");
    let args = ["scan", "--fail-on", "never", "--format", "sarif", name];
    let out = run_in(cwd, &args, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sarif: Value = serde_json::from_str(&out.stdout).expect("SARIF JSON");
    validate_sarif(&sarif);

    let json = run_in(cwd, &["scan", "--fail-on", "never", name], None);
    let report = json.report();
    let list = run_in(cwd, &["signatures", "list", "--format", "json"], None);
    let list: Value = serde_json::from_str(&list.stdout).expect("list");

    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "logsift");
    assert_eq!(driver["version"], report["tool"]["version"]);
    assert!(driver["informationUri"].as_str().is_some());
    let rules = driver["rules"].as_array().expect("rules");
    let signatures = list.as_array().expect("list").len();
    let results = run["results"].as_array().expect("results");
    let findings = report["findings"].as_array().expect("findings");
    let diagnoses = report["diagnoses"].as_array().expect("diagnoses");
    assert!(!findings.is_empty());
    assert!(!diagnoses.is_empty(), "the demo has a root cause");
    assert_eq!(results.len(), findings.len() + diagnoses.len());
    // Root causes: rules after the signatures, results after the findings,
    // located at the findings they rest on.
    let (results, causes) = results.split_at(findings.len());
    for (r, d) in causes.iter().zip(diagnoses) {
        assert_eq!(r["ruleId"], d["diagnosis"]);
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert!(index >= signatures, "{index}");
        assert_eq!(rules[index]["id"], d["diagnosis"]);
        assert_eq!(rules[index]["properties"]["tags"][0], "diagnosis");
        let mut files: Vec<String> = [&r["locations"][0]]
            .into_iter()
            .chain(r["relatedLocations"].as_array().into_iter().flatten())
            .map(|l| {
                let a = &l["physicalLocation"]["artifactLocation"];
                format!(
                    "{name}!{}",
                    a["properties"]["member"].as_str().expect("member")
                )
            })
            .collect();
        let mut want: Vec<String> = d["findings"]
            .as_array()
            .expect("evidence")
            .iter()
            .flat_map(|e| e["files"].as_array().expect("files").iter())
            .map(|f| f.as_str().expect("file").to_string())
            .collect();
        files.sort();
        want.sort();
        assert_eq!(files, want);
        let fp = r["partialFingerprints"]["logsift/v1"].as_str().expect("fp");
        assert_eq!(fp.len(), 64);
    }
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["signature"]);
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], f["signature"]);
        let level = match f["severity"].as_str() {
            Some("critical" | "error") => "error",
            Some("warning") => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
        assert_eq!(rules[index]["defaultConfiguration"]["level"], level);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"]["startLine"], f["first_line"]);
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with(&format!("{name}!")), "{uri}");
        let member = &loc["artifactLocation"]["properties"];
        assert_eq!(member["archive"], name);
        assert_eq!(
            format!("{name}!{}", member["member"].as_str().expect("member")),
            f["path"].as_str().expect("path")
        );
        let fp = r["partialFingerprints"]["logsift/v1"].as_str().expect("fp");
        assert!(fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()));
        if f["first_line"] != f["last_line"] {
            let last = &r["relatedLocations"][0]["physicalLocation"];
            assert_eq!(last["region"]["startLine"], f["last_line"]);
        }
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_reports_input_errors_and_skipped_files_as_notifications() {
    let dir = scene();
    let out = scan(&dir, &["--format", "sarif"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let sarif: Value = serde_json::from_str(&out.stdout).expect("SARIF JSON");
    validate_sarif(&sarif);
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().expect("notes");
    let got: Vec<(&str, &str)> = notes
        .iter()
        .map(|n| {
            (
                n["level"].as_str().unwrap_or_default(),
                n["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("note", "bundle.tar.gz!core.bin"),
            ("warning", "missing.log"),
            ("error", "missing.log")
        ]
    );
    // Every signature is a rule, whether it matched or not.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array();
    assert_eq!(rules.map(Vec::len), Some(pack_len(&dir)));
}

#[test]
fn sarif_fingerprints_ignore_timestamps_addresses_and_ids() {
    let dir = Dir::new();
    dir.write("pack.toml", PACK);
    dir.write(
        "a.log",
        "E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not \
         found on i-0abc1234def567890 at 10.0.1.2\n",
    );
    dir.write(
        "b.log",
        "E1201 09:59:59.000001    12 kubelet.go:2250] node \"\" not \
         found on i-0fedcba9876543210 at 172.31.9.9\n",
    );
    dir.write(
        "c.log",
        "I0101 00:00:00.000000 1 x.go:1] TLS handshake timeout\n",
    );
    let out = run(
        &dir,
        &[
            "scan",
            "--no-default-signatures",
            "--signatures",
            "pack.toml",
            "--format",
            "sarif",
            "a.log",
            "b.log",
            "c.log",
        ],
    );
    let sarif: Value = serde_json::from_str(&out.stdout).expect("SARIF");
    let fps: Vec<(&str, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["properties"]["path"].as_str().unwrap_or_default(),
                r["partialFingerprints"]["logsift/v1"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    let fp = |p: &str| fps.iter().find(|(q, _)| *q == p).map(|(_, f)| *f);
    assert!(fp("a.log").is_some(), "{fps:?}");
    assert_eq!(fp("a.log"), fp("b.log"));
    assert_ne!(fp("a.log"), fp("c.log"));
}

#[test]
fn ndjson_lines_are_the_json_findings_diagnoses_and_unrecognized() {
    let demo = demo_bundle();
    let name = demo.file_name().and_then(|n| n.to_str()).expect("name");
    let cwd = demo.parent().expect("demo folder");
    let dir = Dir::new();
    let json_path = dir.path().join("report.json");
    let json_arg = format!("json={}", json_path.display());
    let args = [
        "scan",
        "--fail-on",
        "never",
        "--format",
        "ndjson",
        "--report",
        &json_arg,
        name,
    ];
    let out = run_in(cwd, &args, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&json_path).expect("report.json");
    let report: Value = serde_json::from_str(&text).expect("JSON");
    validate(&report);
    let findings = report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    assert!(out.stdout.ends_with('\n'));
    let diagnoses = report["diagnoses"].as_array().expect("diagnoses");
    assert!(!diagnoses.is_empty());
    // Each line is the report's own object with its kind first.
    let tagged = |kind: &str, v: &Value| {
        let mut line = serde_json::Map::new();
        line.insert("kind".into(), kind.into());
        line.extend(v.as_object().expect("object").clone());
        Value::Object(line)
    };
    let unrecognized = report["unrecognized"].as_array().expect("list");
    let want: Vec<Value> = findings
        .iter()
        .map(|f| tagged("finding", f))
        .chain(diagnoses.iter().map(|d| tagged("diagnosis", d)))
        .chain(unrecognized.iter().map(|u| tagged("unrecognized", u)))
        .collect();
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines, want);
    assert!(out.stdout.lines().all(|l| l.starts_with("{\"kind\":")));
}

#[test]
fn without_format_piped_output_is_the_json_report() {
    let dir = scene();
    let default = scan(&dir, &[]);
    let json = scan(&dir, &["--format", "json"]);
    default.report();
    assert_eq!(default.stdout, json.stdout);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = scene();
    let base = [
        "scan",
        "--no-default-signatures",
        "--signatures",
        "pack.toml",
        "--format",
        "text",
        "logs",
    ];
    let with = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        run_env(dir.path(), &args, env).stdout
    };
    assert!(with(&["--color", "always"], &[]).contains("\x1b[1m"));
    assert!(
        with(&["--color", "always"], &[("NO_COLOR", "1")]).contains('\x1b')
    );
    assert!(
        !with(&["--color", "auto"], &[("NO_COLOR", "1")]).contains('\x1b')
    );
    // auto into a pipe: no colour, NO_COLOR or not.
    assert!(!with(&["--color", "auto"], &[]).contains('\x1b'));
    assert!(!with(&["--color", "never"], &[]).contains('\x1b'));
    // An empty NO_COLOR does not count.
    assert!(
        with(&["--color", "always"], &[("NO_COLOR", "")]).contains('\x1b')
    );
}

#[test]
fn control_and_bidi_characters_are_escaped_for_terminals_only() {
    let dir = Dir::new();
    dir.write("pack.toml", PACK);
    let evil = "E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not \
                found \u{1b}]0;owned\u{7} \u{1b}[2J \u{202e}txt.exe\u{200b}\n";
    dir.write("evil.log", evil);
    let base =
        ["scan", "--no-default-signatures", "--signatures", "pack.toml"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        args.push("evil.log");
        run(&dir, &args)
    };

    let text = with(&["--format", "text", "--color", "always"]).stdout;
    assert!(text.contains("\\x1b]0;owned\\x07 \\x1b[2J"), "{text}");
    assert!(text.contains("\\u{202e}txt.exe\\u{200b}"), "{text}");
    assert!(!text.contains('\u{202e}') && !text.contains('\u{7}'));
    // The only escape sequences left are logsift's own colours.
    for seq in text.split('\x1b').skip(1) {
        let end = seq.find('m').expect("an SGR sequence");
        let params = &seq[..end];
        assert!(
            params.starts_with('[')
                && params[1..].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "foreign sequence {params:?}"
        );
    }

    // Into a pipe without forced colour, text is written as it is.
    let raw = with(&["--format", "text"]).stdout;
    assert!(raw.contains("\u{1b}]0;owned\u{7}"), "{raw}");

    // JSON always carries the raw line.
    let report = with(&["--format", "json"]).report();
    assert_eq!(
        report["findings"][0]["evidence"][0]["text"].as_str(),
        Some(evil.trim_end())
    );

    // Markdown shows escapes; JUnit drops what XML cannot hold.
    let md = with(&["--format", "markdown"]).stdout;
    assert!(!md.contains('\u{1b}') && !md.contains('\u{202e}'), "{md}");
    assert!(md.contains("\\x1b]0;owned"), "{md}");
    let xml = with(&["--format", "junit"]).stdout;
    check_xml(&xml);
    assert!(xml.contains("not found ]0;owned [2J"), "{xml}");
}

#[test]
fn report_flag_errors_are_usage_errors() {
    let dir = scene();
    // A value that is not FORMAT=PATH is refused as clap refuses any bad
    // value, naming the flag; reports that clash, by logsift.
    let value = "error: invalid value";
    for (bad, by, says) in [
        ("sarif", value, "expected FORMAT=PATH"),
        ("xml=out.xml", value, "unknown format \"xml\""),
        ("junit=", value, "the path is empty"),
        ("json=-", "logsift: ", "only one report can go to standard output"),
    ] {
        let out = scan(&dir, &["--report", bad]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{bad}: nothing is scanned");
        assert!(
            out.stderr.starts_with(by) && out.stderr.contains(says),
            "{bad}: {}",
            out.stderr
        );
    }
    let out = scan(&dir, &["--format", "yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn unwritable_report_is_an_error_and_the_others_are_still_written() {
    let dir = Dir::new();
    dir.write("pack.toml", PACK);
    dir.write("ok.log", KUBELET);
    let out = run(
        &dir,
        &[
            "scan",
            "--no-default-signatures",
            "--signatures",
            "pack.toml",
            "--fail-on",
            "never",
            "--report",
            "sarif=no/such/dir/out.sarif",
            "--report",
            "markdown=out.md",
            "ok.log",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("logsift: cannot write report (")
            && out.stderr.trim_end().ends_with("): no/such/dir/out.sarif"),
        "{}",
        out.stderr
    );
    out.report();
    assert!(dir.path().join("out.md").is_file());
}

/// The `<testcase>` element named `name`, up to its end.
fn testcase<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<testcase name=\"{name}\"");
    let start =
        xml.find(&open).unwrap_or_else(|| panic!("no {name} in\n{xml}"));
    let rest = &xml[start..];
    let first = rest.lines().next().unwrap_or_default();
    if first.ends_with("/>") {
        return first;
    }
    let end = rest.find("</testcase>").expect("closed test case");
    &rest[..end + "</testcase>".len()]
}

#[test]
fn junit_skips_unchecked_signatures_leaves_markers_out_and_fails_diagnoses() {
    let demo = demo_bundle();
    let name = demo.file_name().and_then(|n| n.to_str()).expect("name");
    let cwd = demo.parent().expect("demo folder");
    let args = ["scan", "--fail-on", "never", "--format", "junit", name];
    let xml = run_in(cwd, &args, None).stdout;
    for marker in ["kubelet-started", "node-registered"] {
        assert!(!xml.contains(&format!("name=\"{marker}\"")), "{marker}");
    }
    let ansible = testcase(&xml, "ansible-task-failed");
    assert!(
        ansible.contains("<skipped message=\"not applicable: provisioning logs are never part of a node bundle\"/>"),
        "{ansible}"
    );
    let cause = testcase(&xml, "cni-cannot-reach-api-server");
    assert!(cause.contains("classname=\"logsift.diagnosis\""), "{cause}");
    assert!(cause.contains("type=\"critical\""), "{cause}");
    assert!(cause.contains("<failure message=\"root cause: "), "{cause}");
    assert!(
        cause.contains("because: network-plugin-not-ready (31)"),
        "{cause}"
    );
    let quiet = testcase(&xml, "bootstrap-throttled");
    assert!(quiet.ends_with("/>"), "{quiet}");

    // With the findings it rests on suppressed, the diagnosis is skipped.
    let dir = Dir::new();
    dir.write(name, std::fs::read(&demo).expect("demo"));
    dir.write(
        "s.toml",
        "[[suppression]]\nsignature = \"network-plugin-not-ready\"\n\
         reason = \"known\"\n\n[[suppression]]\n\
         signature = \"vpc-cni-apiserver-unreachable\"\nreason = \"known\"\n",
    );
    let args = [
        "scan",
        "--fail-on",
        "never",
        "--format",
        "junit",
        "--suppressions",
        "s.toml",
        name,
    ];
    let xml = run(&dir, &args).stdout;
    let cause = testcase(&xml, "cni-cannot-reach-api-server");
    assert!(
        cause.contains("<skipped message=\"suppressed: known; known"),
        "{cause}"
    );
    assert!(!cause.contains("<failure"), "{cause}");
}

/// Text shows one block per signature per input, with every file it was
/// found in, and the fix steps themselves, not only links.
#[test]
fn text_has_one_block_per_signature_with_its_fix_steps() {
    let demo = demo_bundle();
    let name = demo.file_name().and_then(|n| n.to_str()).expect("name");
    let cwd = demo.parent().expect("demo folder");
    let args = [
        "scan",
        "--fail-on",
        "never",
        "--format",
        "text",
        "--color",
        "never",
        name,
    ];
    let text = run_in(cwd, &args, None).stdout;
    let head = "network-plugin-not-ready: Container runtime network not ready";
    assert_eq!(text.matches(head).count(), 1, "{text}");
    let block = &text[text.find(head).expect("block")..];
    let block = &block[..block.find("\n\n").unwrap_or(block.len())];
    // Found in two files of the bundle, both under the one title.
    assert!(block.contains("!containerd/containerd-log.txt:"), "{block}");
    assert!(block.contains("!kubelet/kubelet.log:"), "{block}");
    assert!(block.contains("\n   fix:\n     1. "), "{block}");
    assert!(block.contains("\n   see: https://"), "{block}");
}
