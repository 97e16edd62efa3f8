//! Redaction: secrets on matching lines never reach any output format
//! unless `--no-redact` is given; the same secret gets the same
//! placeholder; the report counts redactions per kind.
//!
//! Every secret here is synthetic: made-up characters in the shape of a
//! credential, never a real one. They avoid the characters Markdown and
//! XML escape (`_`, `&`, `<`, ...), so a plain substring search finds them
//! in every format when they are there.

use std::collections::BTreeMap;

use logsift_fixtures::{Entry, tar_gz};
use logsift_report::{Format, redact::Kind};
use serde_json::Value;

use crate::{eqnice, harness::*};

/// (kind, secret, the line context that holds it).
const SECRETS: &[(&str, &str, &str)] = &[
    (
        "aws-access-key-id",
        "AKIAFAKEKEY0ID000001",
        "creds AKIAFAKEKEY0ID000001 used",
    ),
    (
        "aws-access-key-id",
        "ASIAFAKEKEY0ID000002",
        "X-Amz-Credential=ASIAFAKEKEY0ID000002/20261121",
    ),
    (
        "aws-secret-access-key",
        "fakeSecretAccessKey0000/notReal+000000000",
        "aws_secret_access_key=fakeSecretAccessKey0000/notReal+000000000",
    ),
    (
        "aws-secret-access-key",
        "fakeSecretKeyInJson0000000/notReal+000000",
        r#"{"SecretAccessKey": "fakeSecretKeyInJson0000000/notReal+000000"}"#,
    ),
    (
        "aws-session-token",
        "FwoGZXIvYXdzFakeSessionToken0000notReal000",
        "GET /b?X-Amz-Security-Token=FwoGZXIvYXdzFakeSessionToken0000notReal000 HTTP/1.1",
    ),
    (
        "bearer-token",
        "fakeBearer.0000notReal0000",
        "Authorization: Bearer fakeBearer.0000notReal0000",
    ),
    (
        "jwt",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlLXNhIn0.ZmFrZXNpZw",
        "sa token eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlLXNhIn0.ZmFrZXNpZw rejected",
    ),
    (
        "kubeconfig-client-key",
        "LS0tLS1GQUtFLUtFWS1EQVRBLS0tLS0=",
        "client-key-data: LS0tLS1GQUtFLUtFWS1EQVRBLS0tLS0=",
    ),
    (
        "kubeconfig-client-certificate",
        "LS0tLS1GQUtFLUNFUlQtREFUQS0tLS0=",
        "client-certificate-data: LS0tLS1GQUtFLUNFUlQtREFUQS0tLS0=",
    ),
    (
        "token",
        "k8s-aws-v1.ZmFrZS1wcmVzaWduZWQtdXJs",
        "token: k8s-aws-v1.ZmFrZS1wcmVzaWduZWQtdXJs",
    ),
    (
        "url-password",
        "n0t-a-real-pa55",
        "proxy https://admin:n0t-a-real-pa55@proxy.internal:3128 refused",
    ),
    (
        "private-key",
        "MIIEfakeFAKEfakeKEYmaterial",
        "-----BEGIN RSA PRIVATE KEY----- MIIEfakeFAKEfakeKEYmaterial",
    ),
];

const TLS: &str =
    "I1121 10:39:03.000000    3012 x.go:1] net/http: TLS handshake timeout";

/// A pack whose message quotes what follows `leaked`, so messages carry
/// log text too.
const PACK: &str = r#"
[[signature]]
id = "leaked-credential"
title = "A line that quotes a credential"
severity = "warning"
patterns = ["leaked"]
regex = 'leaked (?P<what>.+)$'
message = "quoted: {what}"
fix = "Rotate it."
"#;

/// The log: one line per secret, on a TLS timeout line; the first key
/// twice on one line; and one line the extra pack's message quotes.
fn log() -> String {
    let mut log = String::from("I1121 10:39:00.000000    3012 x.go:1] ok\n");
    for (_, _, context) in SECRETS {
        log.push_str(&format!("{TLS} {context}\n"));
    }
    let (_, key, _) = SECRETS[0];
    log.push_str(&format!("{TLS} again {key} and {key}\n"));
    log.push_str(&format!(
        "E1121 10:39:04.000000    3012 x.go:1] leaked {key}\n"
    ));
    log
}

fn setup() -> Dir {
    let dir = Dir::new();
    dir.write("node.log", log());
    dir.write(
        "bundle.tar.gz",
        tar_gz(&[Entry {
            path: "var_log/secrets.log".into(),
            data: log().into_bytes(),
        }]),
    );
    dir.write("pack.toml", PACK);
    dir
}

fn scan(dir: &Dir, format: Format, redact: bool) -> Output {
    let mut args = vec![
        "scan",
        "--fail-on",
        "never",
        "--max-evidence",
        "50",
        "--signatures",
        "pack.toml",
        "--format",
        format.as_str(),
    ];
    if !redact {
        args.push("--no-redact");
    }
    args.extend(["node.log", "bundle.tar.gz"]);
    let out = run(dir, &args);
    assert_eq!(out.code, 0, "{format}: {}", out.stderr);
    out
}

#[test]
fn no_secret_reaches_any_format_unless_no_redact() {
    let dir = setup();
    for format in Format::ALL {
        let redacted = scan(&dir, format, true);
        let raw = scan(&dir, format, false);
        for (kind, secret, _) in SECRETS {
            assert!(
                !redacted.stdout.contains(secret),
                "{format}: {kind} {secret:?} leaked:\n{}",
                redacted.stdout
            );
            assert!(
                raw.stdout.contains(secret),
                "{format} --no-redact: {kind} {secret:?} missing:\n{}",
                raw.stdout
            );
        }
        assert!(redacted.stdout.contains("REDACTED"), "{format}");
        assert!(!raw.stdout.contains("REDACTED"), "{format}");
        // The human formats say what was redacted, and how to see it.
        if matches!(format, Format::Text | Format::Markdown) {
            let says = "redacted from the quoted lines";
            assert!(redacted.stdout.contains(says), "{format}");
            assert!(redacted.stdout.contains("aws-access-key-id"), "{format}");
            assert!(!raw.stdout.contains(says), "{format}");
        }
        // Nothing of the secret goes to standard error either.
        for (_, secret, _) in SECRETS {
            assert!(!redacted.stderr.contains(secret), "{}", redacted.stderr);
        }
    }
}

/// Every evidence text and message of a JSON report.
fn quoted(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        if let Some(m) = f["message"].as_str() {
            out.push(m.to_string());
        }
        for e in f["evidence"].as_array().unwrap() {
            out.push(e["text"].as_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn counts_per_kind_match_what_was_quoted() {
    let dir = setup();
    let raw = scan(&dir, Format::Json, false).report();
    assert_eq!(raw["summary"]["redactions"], serde_json::json!({}));
    // What the unredacted report quotes of each kind is what redaction
    // must have replaced.
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for text in quoted(&raw) {
        for (kind, secret, _) in SECRETS {
            let n = text.matches(secret).count() as u64;
            if n > 0 {
                *expected.entry(kind.to_string()).or_default() += n;
            }
        }
    }
    let report = scan(&dir, Format::Json, true).report();
    let got: BTreeMap<String, u64> =
        serde_json::from_value(report["summary"]["redactions"].clone())
            .unwrap();
    eqnice!(expected, got);
    // Every kind is exercised. In each input the first access key id is
    // on its own line, twice on another, once on the quoting line and
    // once in its message; the second key is on one line.
    assert_eq!(got.len(), Kind::ALL.len(), "{got:?}");
    assert_eq!(got["aws-access-key-id"], 2 * ((1 + 2 + 1 + 1) + 1));
    // The placeholders say the kind of what they replaced.
    for text in quoted(&report) {
        for part in text.split("[REDACTED ").skip(1) {
            let kind = part.split(" #").next().unwrap_or_default();
            assert!(got.contains_key(kind), "{kind:?} in {text:?}");
        }
    }
}

#[test]
fn the_same_secret_gets_the_same_placeholder() {
    let dir = setup();
    let report = scan(&dir, Format::Json, true).report();
    let findings = report["findings"].as_array().unwrap();
    let evidence = |sig: &str, path: &str| -> Vec<String> {
        findings
            .iter()
            .find(|f| f["signature"] == sig && f["path"] == path)
            .unwrap_or_else(|| panic!("no {sig} in {path}: {report}"))["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect()
    };
    let plain = evidence("tls-handshake-timeout", "node.log");
    let bundled =
        evidence("tls-handshake-timeout", "bundle.tar.gz!var_log/secrets.log");
    // The same lines in two inputs read the same once redacted.
    eqnice!(plain, bundled);
    assert_eq!(
        plain[0],
        format!("{TLS} creds [REDACTED aws-access-key-id #1] used")
    );
    assert_eq!(
        plain[1],
        format!(
            "{TLS} X-Amz-Credential=[REDACTED aws-access-key-id #2]/20261121"
        )
    );
    assert_eq!(
        plain.last().unwrap(),
        &format!(
            "{TLS} again [REDACTED aws-access-key-id #1] and \
             [REDACTED aws-access-key-id #1]"
        )
    );
    // What names the secret stays: the key, the user of the URL.
    assert!(plain.iter().any(|t| t.ends_with(
        "aws_secret_access_key=[REDACTED aws-secret-access-key #1]"
    )));
    assert!(plain.iter().any(|t| t.contains(
        "https://admin:[REDACTED url-password #1]@proxy.internal:3128"
    )));
    // Messages are redacted with the same numbering as evidence.
    let messages: Vec<&str> =
        findings.iter().filter_map(|f| f["message"].as_str()).collect();
    assert_eq!(
        messages, ["quoted: [REDACTED aws-access-key-id #1]"; 2],
        "{report}"
    );
}

#[test]
fn detection_is_unaffected_and_fingerprints_do_not_depend_on_it() {
    let dir = setup();
    let on = scan(&dir, Format::Json, true).report();
    let off = scan(&dir, Format::Json, false).report();
    eqnice!(findings(&off), findings(&on));
    let prints = |r: &Value| -> Vec<Value> {
        let all = r["findings"].as_array().unwrap();
        all.iter().map(|f| f["fingerprint"].clone()).collect()
    };
    eqnice!(prints(&off), prints(&on));
    let sarif = |redact| -> Vec<Value> {
        let out = scan(&dir, Format::Sarif, redact);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    eqnice!(sarif(false), sarif(true));
}

#[test]
fn the_schema_lists_every_kind() {
    let text =
        std::fs::read_to_string(root().join("schema/report.schema.json"))
            .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let listed = &schema["properties"]["summary"]["properties"]["redactions"]
        ["propertyNames"]["enum"];
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(listed, &serde_json::json!(kinds));
}

#[test]
fn secrets_in_file_and_member_names_are_redacted_in_every_format() {
    let key = "AKIAFAKEKEY0ID000009";
    let token = "FwoGZXIvYXdzFakeNameToken0000notReal000";
    // A bundle saved under its presigned URL, holding a member named
    // with a key, stored with `..` so a note quotes its name too.
    let input = format!("bundle.tar.gz?X-Amz-Security-Token={token}");
    let dir = Dir::new();
    dir.write(
        &input,
        tar_gz(&[
            Entry {
                path: format!("../{key}-creds.log"),
                data: format!("{TLS}\n").into_bytes(),
            },
            Entry { path: format!("var_log/{key}.bin"), data: vec![0; 64] },
        ]),
    );
    for format in Format::ALL {
        let out = |redact: bool| {
            let mut args = vec!["scan", "--fail-on", "never"];
            args.extend(["--format", format.as_str()]);
            if !redact {
                args.push("--no-redact");
            }
            args.push(&input);
            let out = run(&dir, &args);
            assert_eq!(out.code, 0, "{format}: {}", out.stderr);
            out
        };
        let redacted = out(true);
        for secret in [key, token] {
            assert!(
                !redacted.stdout.contains(secret),
                "{format}: {secret} leaked:\n{}",
                redacted.stdout
            );
            assert!(!redacted.stderr.contains(secret), "{}", redacted.stderr);
            assert!(out(false).stdout.contains(secret), "{format}");
        }
    }
    let report = run(&dir, &["scan", "--fail-on", "never", &input]).report();
    assert_eq!(
        report["findings"][0]["path"],
        "bundle.tar.gz?X-Amz-Security-Token=[REDACTED aws-session-token #1]\
         ![REDACTED aws-access-key-id #1]-creds.log"
    );
    // The count is of secrets in quoted log text; names only borrow
    // their placeholders.
    assert_eq!(report["summary"]["redactions"], serde_json::json!({}));
}
