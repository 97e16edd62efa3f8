//! Exit codes, stderr messages, and input that is missing or broken.

use std::{
    io::Read,
    process::{Command, Stdio},
};

use logsift_fixtures::{Entry, corpus, tar_gz};

use crate::harness::*;

const TLS: &str =
    "I1121 11:50:02.000000    3012 x.go:1] net/http: TLS handshake timeout\n";
const HEALTHY: &str = "I1121 11:50:02.000000    3012 kubelet.go:1] all good\n";

/// Text that compresses poorly, so a cut lands inside it.
fn noise(lines: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = String::new();
    for i in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!(
            "I1121 11:50:02.{i:06}    3012 noise.go:1] token {x:016x}\n"
        ));
    }
    out.into_bytes()
}

#[test]
fn truncated_tar_gz_keeps_findings_before_the_cut() {
    let dir = Dir::new();
    let bundle = tar_gz(&[
        Entry { path: "a/first.log".into(), data: TLS.into() },
        Entry { path: "a/big.log".into(), data: noise(20_000) },
        Entry { path: "a/last.log".into(), data: TLS.into() },
    ]);
    dir.write("cut.tar.gz", &bundle[..bundle.len() / 2]);
    let out = run(&dir, &["scan", "cut.tar.gz"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let report = out.report();
    let f = findings(&report);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].1, "cut.tar.gz!a/first.log");
    let errors = report["inputs"][0]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "cut.tar.gz!a/big.log");
    assert!(
        out.stderr.contains("truncated inside this member"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.starts_with("logsift: "), "{}", out.stderr);
    assert!(
        out.stderr.trim_end().ends_with(": cut.tar.gz!a/big.log"),
        "{}",
        out.stderr
    );
}

#[test]
fn truncated_gzip_trailer_is_an_error_on_the_archive() {
    let dir = Dir::new();
    let bundle = tar_gz(&[Entry { path: "a.log".into(), data: TLS.into() }]);
    dir.write("short.tar.gz", &bundle[..bundle.len() - 4]);
    let out = run(&dir, &["scan", "short.tar.gz"]);
    assert_eq!(out.code, 2);
    let report = out.report();
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(report["inputs"][0]["errors"][0]["path"], "short.tar.gz");
}

#[test]
fn missing_input_is_reported_and_the_rest_still_scanned() {
    let dir = Dir::new();
    dir.write("ok.log", TLS);
    let out = run(&dir, &["scan", "missing.log", "ok.log"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim_end(),
        "logsift: cannot open (no such file or directory): missing.log"
    );
    let report = out.report();
    assert_eq!(report["inputs"][0]["path"], "missing.log");
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn exit_code_follows_fail_on() {
    let dir = Dir::new();
    dir.write("bad.log", TLS);
    dir.write("good.log", HEALTHY);
    assert_eq!(run(&dir, &["scan", "bad.log"]).code, 1);
    assert_eq!(
        run(&dir, &["scan", "--fail-on", "warning", "bad.log"]).code,
        1
    );
    assert_eq!(
        run(&dir, &["scan", "--fail-on", "critical", "bad.log"]).code,
        0
    );
    assert_eq!(run(&dir, &["scan", "--fail-on", "never", "bad.log"]).code, 0);
    let clean = run(&dir, &["scan", "good.log"]);
    assert_eq!(clean.code, 0);
    assert_eq!(clean.report()["summary"]["findings"], 0);
}

#[test]
fn usage_errors_exit_2() {
    let dir = Dir::new();
    assert_eq!(run(&dir, &["scan"]).code, 2);
    assert_eq!(run(&dir, &["scan", "--fail-on", "loud", "x"]).code, 2);
    let out = run(&dir, &["scan", "-", "-"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("only once"), "{}", out.stderr);
}

#[test]
fn output_file_holds_the_report() {
    let dir = Dir::new();
    dir.write("bad.log", TLS);
    let out = run(&dir, &["scan", "-o", "report.json", "bad.log"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    let text =
        std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    validate(&report);
    assert_eq!(report["summary"]["findings"], 1);
}

#[test]
fn binary_members_are_skipped_with_a_reason() {
    let dir = Dir::new();
    let log = corpus().text.into_bytes();
    let bundle = tar_gz(&[
        Entry {
            path: "system/events/System.evtx".into(),
            data: b"ElfFile\0rest".to_vec(),
        },
        Entry {
            path: "kdump/vmcore".into(),
            data: b"\x7fELF\x02\x01\x01\0\0\0".to_vec(),
        },
        Entry {
            path: "blob.bin".into(),
            data: b"abc\0\x01\x02TLS handshake timeout".to_vec(),
        },
        Entry { path: "corpus.log".into(), data: log },
    ]);
    dir.write("b.tar.gz", bundle);
    let out = run(&dir, &["scan", "--fail-on", "never", "b.tar.gz"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let skipped = report["inputs"][0]["skipped"].as_array().unwrap();
    let got: Vec<(&str, &str)> = skipped
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("b.tar.gz!blob.bin", "binary file (NUL bytes)"),
            (
                "b.tar.gz!kdump/vmcore",
                "binary file (ELF executable or core dump)"
            ),
            (
                "b.tar.gz!system/events/System.evtx",
                "binary file (Windows event log, EVTX)"
            ),
        ]
    );
    assert_eq!(report["inputs"][0]["files_scanned"], 1);
    assert!(findings(&report).iter().all(|f| f.1 == "b.tar.gz!corpus.log"));
}

#[test]
fn closed_stdout_is_a_clean_exit() {
    let dir = Dir::new();
    // Enough findings that the report is far larger than a pipe's buffer.
    for i in 0..300 {
        dir.write(&format!("logs/{i:03}.log"), TLS);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_logsift"))
        .args(["scan", "--fail-on", "never", "logs"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
