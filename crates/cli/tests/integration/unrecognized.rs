//! Error lines no signature knows: three novel failures planted in a
//! bundle among healthy lines and known noise come out as exactly three
//! templates, most lines first, with their counts, the same for any
//! thread count; `--ignore-unrecognized` works, with `--unrecognized
//! off` nothing is mined, and SARIF and JUnit carry them only with
//! `--unrecognized notes`.

use logsift_fixtures::{Entry, tar_gz};
use serde_json::Value;

use crate::harness::*;

fn entry(path: &str, data: String) -> Entry {
    Entry { path: path.to_string(), data: data.into_bytes() }
}

/// A bundle whose kubelet journal, containerd log and ipamd log each hold
/// one failure no signature names, with ids and numbers that vary.
fn bundle() -> Vec<u8> {
    let mut kubelet = String::new();
    let mut containerd = String::new();
    let mut ipamd = String::new();
    for i in 0..40u32 {
        let (m, s) = (10 + i / 60, i % 60);
        kubelet.push_str(&format!(
            "Nov 21 10:{m:02}:{s:02} ip-10-0-1-2 kubelet[3012]: I1121 10:{m:02}:{s:02}.000000    3012 kubelet.go:1] \"SyncLoop (PLEG)\" pod=\"web-{i}\"\n"
        ));
        if i % 5 == 0 {
            kubelet.push_str(&format!(
                "Nov 21 10:{m:02}:{s:02} ip-10-0-1-2 kubelet[3012]: E1121 10:{m:02}:{s:02}.000000    3012 quota.go:{}] \"Zorblax quota ledger rejected the mount\" volume=\"vol-0{i:07x}\" pod=\"web-{i}\"\n",
                100 + i
            ));
        }
        if i % 8 == 0 {
            containerd.push_str(&format!(
                "time=\"2026-11-21T10:{m:02}:{s:02}.000000000Z\" level=error msg=\"shim reaper misplaced the task ledger\" id={:08x} pid={}\n",
                i * 7919,
                4000 + i
            ));
            // Known noise: a container gone while its status was asked.
            kubelet.push_str(&format!(
                "Nov 21 10:{m:02}:{s:02} ip-10-0-1-2 kubelet[3012]: E1121 10:{m:02}:{s:02}.000000    3012 log.go:32] \"ContainerStatus from runtime service failed\" err=\"rpc error: code = NotFound desc = an error occurred when try to find container \\\"{i:064x}\\\": not found\" containerID=\"{i:064x}\"\n"
            ));
        }
        if i % 13 == 0 {
            ipamd.push_str(&format!(
                "{{\"level\":\"error\",\"ts\":\"2026-11-21T10:{m:02}:{s:02}.000Z\",\"caller\":\"ipamd/pd.go:{}\",\"msg\":\"prefix ledger drifted for eni-0{i:016x} slot {}\"}}\n",
                50 + i,
                i % 4
            ));
        }
        containerd.push_str(&format!(
            "time=\"2026-11-21T10:{m:02}:{s:02}.000000000Z\" level=info msg=\"healthy {i}\"\n"
        ));
    }
    tar_gz(&[
        entry("eks_i-0abc/kubelet/kubelet.log", kubelet),
        entry("eks_i-0abc/containerd/containerd-log.txt", containerd),
        entry("eks_i-0abc/var_log/aws-routed-eni/ipamd.log", ipamd),
    ])
}

/// Scans `b.tar.gz` in `dir` with mining on and `args`; it must pass.
fn mined(dir: &Dir, args: &[&str]) -> Output {
    let mut all = vec!["scan", "--unrecognized", "on", "--fail-on", "never"];
    all.extend_from_slice(args);
    all.push("b.tar.gz");
    let out = run(dir, &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out
}

fn templates(report: &Value) -> Vec<(String, u64)> {
    report["unrecognized"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["template"].as_str().unwrap().to_string(),
                u["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn three_novel_failures_are_three_templates_with_their_counts() {
    let dir = Dir::new();
    dir.write("b.tar.gz", bundle());
    let report = |threads: &str| mined(&dir, &["--threads", threads]).report();
    let one = report("1");
    validate(&one);
    assert_eq!(
        templates(&one),
        [
            (
                r#""Zorblax quota ledger rejected the mount" <*>"#.to_string(),
                8
            ),
            (r#"shim reaper misplaced the task ledger"#.to_string(), 5),
            ("prefix ledger drifted for <*> slot <*>".to_string(), 4),
        ]
    );
    let counts = &one["inputs"][0]["unrecognized"];
    assert_eq!(counts["lines"], 8 + 5 + 4 + 5);
    assert_eq!(counts["ignored_lines"], 5, "the NotFound race is noise");
    assert_eq!(one["unrecognized"][0]["id"].as_str().map(str::len), Some(12));
    assert_eq!(
        one["unrecognized"][0]["example_path"],
        "b.tar.gz!eks_i-0abc/kubelet/kubelet.log"
    );
    assert_eq!(one["unrecognized"][0]["first_seen"], "2026-11-21T10:10:00Z");
    // The same report whatever the thread count.
    assert_eq!(one, report("4"));
    // The text report shows them.
    let text = mined(&dir, &["--format", "text"]);
    assert!(
        text.stdout.contains("-- unrecognized errors: 22 lines"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Zorblax quota ledger"), "{}", text.stdout);
}

/// SARIF and JUnit carry the templates only with `--unrecognized notes`,
/// as notes: SARIF notifications at the example line, JUnit
/// `<system-out>` lines; never results or test cases, which CI would
/// count as failures. By default (`on`) the JSON report lists them and
/// SARIF and JUnit do not; `off` mines nothing.
#[test]
fn sarif_and_junit_carry_them_as_notes_only_when_asked() {
    let dir = Dir::new();
    dir.write("b.tar.gz", bundle());
    let notes = |sarif: &Value| -> Vec<String> {
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|n| n["level"] == "note")
            .filter_map(|n| n["message"]["text"].as_str())
            .filter(|t| t.starts_with("unrecognized error u-"))
            .map(str::to_string)
            .collect()
    };
    for (mode, want, listed) in [
        (Some("notes"), 3, 3),
        (Some("on"), 0, 3),
        (None, 0, 3),
        (Some("off"), 0, 0),
    ] {
        let mut args = vec!["scan"];
        if let Some(mode) = mode {
            args.extend(["--unrecognized", mode]);
        }
        args.extend([
            "--fail-on",
            "never",
            "--format",
            "sarif",
            "--report",
            "junit=r.xml",
            "--report",
            "json=r.json",
            "b.tar.gz",
        ]);
        let out = run(&dir, &args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let sarif: Value = serde_json::from_str(&out.stdout).expect("SARIF");
        let found = notes(&sarif);
        assert_eq!(found.len(), want, "{mode:?}: {found:?}");
        let report = dir.json("r.json");
        assert_eq!(templates(&report).len(), listed, "{mode:?}");
        let results =
            sarif["runs"][0]["results"].as_array().map_or(0, Vec::len);
        let findings = report["findings"].as_array().map_or(0, Vec::len)
            + report["diagnoses"].as_array().map_or(0, Vec::len);
        assert_eq!(results, findings, "templates are not results");
        let junit =
            std::fs::read_to_string(dir.path().join("r.xml")).expect("JUnit");
        assert_eq!(
            junit.matches("unrecognized error u-").count(),
            want,
            "{junit}"
        );
        if want > 0 {
            assert!(
                found
                    .iter()
                    .any(|t| t.contains("8 lines") && t.contains("Zorblax")),
                "{found:?}"
            );
        }
    }
}

#[test]
fn ignored_templates_and_off_leave_them_out() {
    let dir = Dir::new();
    dir.write("b.tar.gz", bundle());
    dir.write("ignore.txt", "# ours\nshim reaper <*>\n");
    let out = mined(&dir, &["--ignore-unrecognized", "ignore.txt"]);
    let names: Vec<String> =
        templates(&out.report()).into_iter().map(|t| t.0).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.iter().any(|n| n.contains("shim reaper")));
    let off = run(
        &dir,
        &["scan", "--fail-on", "never", "--unrecognized", "off", "b.tar.gz"],
    );
    let report = off.report();
    assert_eq!(report["unrecognized"], serde_json::json!([]));
    assert_eq!(report["inputs"][0]["unrecognized"]["lines"], 0);
    // A bad ignore file is an error naming it.
    let missing =
        run(&dir, &["scan", "--ignore-unrecognized", "nope.txt", "b.tar.gz"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("nope.txt"), "{}", missing.stderr);
}

/// A small bundle for node `n`: healthy kubelet lines, known noise, a
/// failure of its own (once per node), one three nodes share, and, where
/// `novel`, the failure planted across the fleet.
fn node(n: u32, novel: bool) -> Vec<u8> {
    let mut kubelet = String::new();
    let line = |s: u32, level: char, msg: &str| {
        format!(
            "Nov 21 10:00:{s:02} ip-10-0-1-{n} kubelet[3012]: {level}1121 10:00:{s:02}.000000    3012 x.go:{s}] {msg}\n"
        )
    };
    for s in 0..30 {
        kubelet.push_str(&line(
            s,
            'I',
            &format!("\"SyncLoop (PLEG)\" pod=\"web-{s}\""),
        ));
    }
    kubelet.push_str(&line(
        31,
        'E',
        &format!(
            "\"Node quirk number {n} seen\" unique{}",
            "x".repeat(n as usize)
        ),
    ));
    if n.is_multiple_of(5) {
        kubelet.push_str(&line(
            32,
            'E',
            "\"Shared gremlin in the sidecar\" pod=\"api-1\"",
        ));
    }
    if novel {
        for s in 40..43 {
            kubelet.push_str(&line(s, 'E', &format!("\"Flux capacitor desynchronised\" lane={s} node=\"ip-{n}\"")));
        }
    }
    tar_gz(&[entry(&format!("eks_i-{n:017x}/kubelet/kubelet.log"), kubelet)])
}

#[test]
fn a_fleet_ranks_the_failure_most_nodes_share_first() {
    let dir = Dir::new();
    for n in 0..20 {
        let novel = [1, 3, 4, 8, 11, 15, 19].contains(&n);
        dir.write(&format!("bundles/node-{n:02}.tar.gz"), node(n, novel));
    }
    let out = run(
        &dir,
        &[
            "scan",
            "--unrecognized",
            "on",
            "--fail-on",
            "never",
            "--out-dir",
            "out",
            "bundles",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary = dir.json("out/summary.json");
    validate_summary(&summary);
    let top = &summary["unrecognized"];
    assert_eq!(
        top[0]["template"], r#""Flux capacitor desynchronised" <*>"#,
        "{top}"
    );
    assert_eq!(top[0]["inputs"], 7);
    assert_eq!(top[0]["count"], 21);
    assert_eq!(top[0]["example_input"], "bundles/node-01.tar.gz");
    assert_eq!(top[1]["template"], r#""Shared gremlin in the sidecar" <*>"#);
    assert_eq!(top[1]["inputs"], 4);
    // The node quirks each hold one node.
    assert_eq!(top[2]["inputs"], 1);
    assert_eq!(summary["totals"]["unrecognized_untracked"], 0);
}

#[test]
fn a_drafted_signature_lints_and_then_finds_the_lines_it_was_drafted_from() {
    let dir = Dir::new();
    dir.write("b.tar.gz", bundle());
    let report = mined(&dir, &[]).report();
    let zorblax =
        report["unrecognized"][0]["id"].as_str().unwrap().to_string();
    let draft = run(&dir, &["signatures", "draft", &zorblax, "nope.json"]);
    assert_eq!(draft.code, 2, "{}", draft.stderr);
    assert!(draft.stderr.contains("nope.json"), "{}", draft.stderr);
    dir.write("report.json", serde_json::to_vec(&report).unwrap());
    let draft = run(&dir, &["signatures", "draft", &zorblax, "report.json"]);
    assert_eq!(draft.code, 0, "{}", draft.stderr);
    dir.write("local.toml", &draft.stdout);
    let lint = run(&dir, &["signatures", "lint", "local.toml"]);
    assert_eq!(
        lint.code, 0,
        "{}\n{}\n{}",
        lint.stdout, lint.stderr, draft.stdout
    );
    let test = run(&dir, &["signatures", "test", "local.toml"]);
    assert_eq!(test.code, 0, "{}\n{}", test.stdout, draft.stdout);
    // Rescanned with it, the lines are a finding and leave the list.
    let again = mined(&dir, &["--signatures", "local.toml"]).report();
    let found: Vec<(String, u64)> = again["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["signature"].as_str().unwrap().starts_with("local-"))
        .map(|f| {
            (
                f["signature"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("local-zorblax-quota-ledger-rejected-the-mount".to_string(), 8)],
        "{}",
        draft.stdout
    );
    let left: Vec<String> =
        templates(&again).into_iter().map(|t| t.0).collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(!left.iter().any(|t| t.contains("Zorblax")));
}

#[test]
fn the_demo_bundle_holds_only_a_handful_of_unknown_errors() {
    let out = run_in(
        &root(),
        &[
            "scan",
            "--unrecognized",
            "on",
            "--fail-on",
            "never",
            "--format",
            "json",
            demo_bundle().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let listed = report["unrecognized"].as_array().unwrap();
    assert!(listed.len() <= 5, "{listed:?}");
    assert!(
        listed.iter().all(|u| u["count"].as_u64() < Some(5)),
        "{listed:?}"
    );
}
