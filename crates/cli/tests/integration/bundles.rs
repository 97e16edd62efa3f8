//! Bundle recognition, virtual paths, nested members, and the committed
//! demo bundle the README runs.

use std::collections::BTreeMap;

use logsift_fixtures::{
    BundleSpec, Entry, Planted, bundle_entries, tar_gz, write_bundle, zip,
};
use serde_json::Value;

use crate::{eqnice, harness::*, scenes::*};

/// (signature, path, count, first, last) expected from planted lines.
fn expected(
    planted: &[Planted],
    prefix: &str,
) -> Vec<(String, String, u64, u64, u64)> {
    let mut groups: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    for p in planted {
        groups
            .entry((p.signature.to_string(), format!("{prefix}{}", p.path)))
            .or_default()
            .push(p.line);
    }
    let mut out: Vec<_> = groups
        .into_iter()
        .map(|((sig, path), lines)| {
            let first = *lines.iter().min().unwrap_or(&0);
            let last = *lines.iter().max().unwrap_or(&0);
            (sig, path, lines.len() as u64, first, last)
        })
        .collect();
    out.sort();
    out
}

/// The findings of the signatures the generator plants, sorted; every
/// other finding must sit on planted lines, since the generator's noise is
/// healthy and a finding there would be a false positive.
fn sorted_checked(
    report: &Value,
    planted: &[Planted],
    prefix: &str,
) -> Vec<(String, String, u64, u64, u64)> {
    let planted_sigs: Vec<&str> =
        planted.iter().map(|p| p.signature).collect();
    let on_planted_line = |path: &str, line: u64| {
        planted
            .iter()
            .any(|p| format!("{prefix}{}", p.path) == path && p.line == line)
    };
    let mut f: Vec<_> = findings(report)
        .into_iter()
        .filter(|(sig, path, _, first, last)| {
            if planted_sigs.contains(&sig.as_str()) {
                return true;
            }
            assert!(
                on_planted_line(path, *first) && on_planted_line(path, *last),
                "{sig} fires on a healthy line of {path} ({first}..{last})"
            );
            false
        })
        .collect();
    f.sort();
    f
}

#[test]
fn demo_bundle_is_recognised_and_every_planted_line_found() {
    let spec = BundleSpec::demo();
    let name = spec.file_name();
    let path = root().join("fixtures/demo").join(&name);
    assert!(
        path.exists(),
        "committed demo bundle {name}: run `cargo run -p logsift-fixtures`"
    );
    let dir = Dir::new();
    let out = run_in(dir.path(), &["scan", path.to_str().unwrap()], None);
    assert_eq!(out.code, 1, "findings fail the run: {}", out.stderr);
    let report = out.report();
    let input = &report["inputs"][0];
    assert_eq!(input["kind"], "tar.gz");
    assert_eq!(input["bundle"]["producer"], "eks-log-collector");
    assert_eq!(input["bundle"]["instance_id"], spec.instance_id.as_str());
    assert_eq!(input["bundle"]["collected_at"], "2026-11-21T12:00:00Z");
    assert_eq!(input["bundle"]["collector_version"], "0.7.9");
    assert!(input["errors"].as_array().unwrap().is_empty());

    let (_, planted) = bundle_entries(&spec);
    let prefix = format!("{}!", path.to_str().unwrap());
    eqnice!(
        expected(&planted, &prefix),
        sorted_checked(&report, &planted, &prefix)
    );
    let sigs: Vec<String> =
        findings(&report).into_iter().map(|f| f.0).collect();
    for id in [
        "network-plugin-not-ready",
        "tls-handshake-timeout",
        "too-many-requests",
        "node-name-empty",
    ] {
        assert!(sigs.iter().any(|s| s == id), "demo bundle lacks {id}");
    }
    // A finding inside a rotated, gzip-compressed member of the tar.
    assert!(
        findings(&report)
            .iter()
            .any(|f| f.1.contains("aws-routed-eni/ipamd-")
                && f.1.ends_with(".log.gz")),
        "no finding in a rotated ipamd .gz member"
    );
    // Sources come from the layout.
    for f in report["findings"].as_array().unwrap() {
        let p = f["path"].as_str().unwrap();
        if p.ends_with("!kubelet/kubelet.log") {
            assert_eq!(f["source"], "kubelet");
        }
        if p.ends_with("!var_log/messages") {
            assert_eq!(f["source"], "messages");
        }
    }
}

#[test]
fn generated_bundle_matches_the_committed_one() {
    let spec = BundleSpec::demo();
    let mut fresh = Vec::new();
    write_bundle(&spec, &mut fresh).unwrap();
    let committed =
        std::fs::read(root().join("fixtures/demo").join(spec.file_name()))
            .unwrap();
    assert!(
        fresh == committed,
        "fixtures/demo is stale: run `cargo run -p logsift-fixtures`"
    );
}

#[test]
fn extracted_folder_and_repacked_wrapper_are_recognised() {
    let spec = BundleSpec::demo();
    let (entries, planted) = bundle_entries(&spec);
    let stem = spec.file_name().trim_end_matches(".tar.gz").to_string();
    let dir = Dir::new();
    for e in &entries {
        dir.write(&format!("{stem}/{}", e.path), &e.data);
    }
    let wrapped: Vec<Entry> = entries
        .iter()
        .map(|e| Entry {
            path: format!("{stem}/{}", e.path),
            data: e.data.clone(),
        })
        .collect();
    dir.write("upload.tar.gz", tar_gz(&wrapped));

    let out =
        run(&dir, &["scan", "--fail-on", "never", &stem, "upload.tar.gz"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    for input in report["inputs"].as_array().unwrap() {
        assert_eq!(
            input["bundle"]["producer"], "eks-log-collector",
            "{input}"
        );
        assert_eq!(input["bundle"]["instance_id"], spec.instance_id.as_str());
        assert_eq!(input["bundle"]["collector_version"], "0.7.9");
    }
    // Each input's findings, checked against the planted lines.
    let dir_prefix = format!("{stem}/");
    let tar_prefix = format!("upload.tar.gz!{stem}/");
    let only = |input: usize, prefix: &str| {
        let one = serde_json::json!({
            "findings": report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["input"] == report["inputs"][input]["path"])
                .cloned()
                .collect::<Vec<_>>()
        });
        sorted_checked(&one, &planted, prefix)
    };
    eqnice!(expected(&planted, &dir_prefix), only(0, &dir_prefix));
    eqnice!(expected(&planted, &tar_prefix), only(1, &tar_prefix));
}

#[test]
fn node_diagnostic_bundle_with_nested_logdog() {
    let nma = node_diagnostic();
    let dir = Dir::new();
    dir.write("node-1-logs.tar.gz", nma);
    let out = run(&dir, &["scan", "--fail-on", "never", "node-1-logs.tar.gz"]);
    let report = out.report();
    let input = &report["inputs"][0];
    assert_eq!(input["bundle"]["producer"], "eks-node-diagnostic");
    assert_eq!(input["bundle"]["instance_id"], "i-0123456789abcdef0");
    let got: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    eqnice!(
        vec![
            (
                "node-1-logs.tar.gz!bottlerocket/logdog/bottlerocket-logs.tar.gz!bottlerocket-logs/journalctl.log"
                    .to_string(),
                "journal".to_string()
            ),
            ("node-1-logs.tar.gz!kubelet/kubelet.log".to_string(), "kubelet".to_string()),
        ],
        got
    );
}

#[test]
fn bottlerocket_logdog_bundle() {
    let dir = Dir::new();
    dir.write(
        "bottlerocket-logs.tar.gz",
        tar_gz(&[Entry {
            path: "bottlerocket-logs/journalctl.log".into(),
            data: cni_down("ip-10-0-1-2", "").into(),
        }]),
    );
    let report =
        run(&dir, &["scan", "--fail-on", "never", "bottlerocket-logs.tar.gz"])
            .report();
    assert_eq!(
        report["inputs"][0]["bundle"]["producer"],
        "bottlerocket-logdog"
    );
    assert_eq!(report["findings"][0]["signature"], "network-plugin-not-ready");
}

#[test]
fn windows_collector_zip() {
    let name = WINDOWS_ZIP;
    let zipped = windows_zip();
    let dir = Dir::new();
    dir.write(name, zipped);
    let report = run(&dir, &["scan", "--fail-on", "never", name]).report();
    let input = &report["inputs"][0];
    assert_eq!(input["kind"], "zip");
    assert_eq!(input["bundle"]["producer"], "eks-log-collector-windows");
    assert_eq!(input["bundle"]["instance_id"], "i-0b318f704c74b6ab2");
    assert_eq!(input["bundle"]["collected_at"], "2020-01-01T06:20:17Z");
    assert_eq!(
        input["skipped"][0]["path"],
        format!("{name}!system/events/System.evtx")
    );
    let paths: Vec<String> =
        findings(&report).into_iter().map(|f| f.1).collect();
    eqnice!(
        vec![
            format!("{name}!system/eks/bootstrap.log"),
            format!("{name}!system/kubelet/kubelet.log.gz")
        ],
        paths
    );
    assert_eq!(report["findings"][0]["evidence"][0]["text"], TLS.trim_end());
}

/// `aws s3 cp s3://…/bundle.tar.gz - | logsift scan --stdin-name NAME -`:
/// the stream is reported by its name, with what the name tells.
#[test]
fn standard_input_can_be_named_like_the_bundle_it_is() {
    let spec = BundleSpec::demo();
    let mut bundle = Vec::new();
    write_bundle(&spec, &mut bundle).expect("bundle");
    let dir = Dir::new();
    let name = spec.file_name();
    let args = ["scan", "--fail-on", "never", "--stdin-name", &name, "-"];
    let out = run_in(dir.path(), &args, Some(&bundle));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let input = &report["inputs"][0];
    assert_eq!(input["path"], name.as_str());
    assert_eq!(input["bundle"]["instance_id"], spec.instance_id.as_str());
    assert_eq!(input["bundle"]["collector_version"], "0.7.9");
    assert_eq!(input["bundle"]["collected_at"], "2026-11-21T12:00:00Z");
    let prefix = format!("{name}!");
    for f in report["findings"].as_array().expect("findings") {
        assert!(
            f["path"].as_str().unwrap_or_default().starts_with(&prefix),
            "{f}"
        );
        assert_eq!(f["input"], name.as_str());
    }
    // Unnamed, it stays `-`; a name without `-` among the inputs is an error.
    let out = run_in(
        dir.path(),
        &["scan", "--fail-on", "never", "-"],
        Some(&bundle),
    );
    assert_eq!(out.report()["inputs"][0]["path"], "-");
    dir.write("a.log", "fine\n");
    let out = run(&dir, &["scan", "--stdin-name", "x.tar.gz", "a.log"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--stdin-name names standard input"),
        "{}",
        out.stderr
    );
}

/// System.evtx is there, only not parsed: its source is "unparsed", not
/// missing, and `--fail-on-incomplete` does not fail on it.
#[test]
fn windows_event_logs_are_unparsed_not_missing() {
    let name = "eks_i-0b318f704c74b6ab2_20200101T0620179658Z.zip";
    let zipped = zip(&[
        Entry {
            path: "system\\events\\System.evtx".into(),
            data: b"ElfFile\0....".to_vec(),
        },
        Entry {
            path: "system\\kubelet\\kubelet.log".into(),
            data: b"I0101 06:00:00.000000 1 x.go:1] ok\n".to_vec(),
        },
    ]);
    let dir = Dir::new();
    dir.write(name, zipped);
    let out = run(
        &dir,
        &["scan", "--fail-on", "never", "--fail-on-incomplete", name],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let sources = report["inputs"][0]["coverage"]["sources"]
        .as_array()
        .expect("sources");
    let events = sources
        .iter()
        .find(|s| s["kind"] == "windows-events")
        .expect("windows-events listed");
    assert_eq!(events["status"], "unparsed", "{events}");
    assert_eq!(events["expected"], true, "{events}");
    let text = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--format",
            "text",
            "--color",
            "never",
            name,
        ],
    )
    .stdout;
    assert!(text.contains("windows-events unparsed"), "{text}");
    assert!(!text.contains("windows-events missing"), "{text}");
}
