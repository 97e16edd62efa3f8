//! What fails a run beyond `--fail-on`: suppressions (by id, path glob
//! and fingerprint, with expiry) that accept findings without hiding them
//! from any format, and `--fail-on-incomplete`.

use logsift_fixtures::{Entry, tar_gz};
use serde_json::Value;

use crate::{formats::validate_sarif, harness::*};

/// One signature per severity the logs below hit.
const PACK: &str = r#"
[[signature]]
id = "disk-full"
title = "A disk is full"
severity = "critical"
patterns = ["no space left on device"]
fix = "Free space."

[[signature]]
id = "node-name-empty"
title = "Kubelet looks up a node with an empty name"
severity = "error"
patterns = ['node "" not found']
fix = "Set domain-name in the DHCP options."

[[signature]]
id = "tls-handshake-timeout"
title = "TLS handshake timeout"
severity = "warning"
patterns = ["TLS handshake timeout"]
fix = "Check the proxy."
"#;

const KUBELET: &str = "\
E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not found on 10.0.1.2
";
const APP: &str = "2026-11-21T10:00:00Z net/http: TLS handshake timeout\n";
const OTHER: &str = "E0601 09:00:00.000001    12 kubelet.go:2250] node \"\" \
                     not found on 172.31.9.9\n";

fn scene() -> Dir {
    let dir = Dir::new();
    dir.write("pack.toml", PACK);
    dir.write("logs/kubelet.log", KUBELET);
    dir.write("logs/app.log", APP);
    dir.write("other/kubelet.log", OTHER);
    dir
}

/// `logsift scan` with the scene's pack, `extra`, then both folders.
fn scan(dir: &Dir, extra: &[&str]) -> Output {
    let mut args =
        vec!["scan", "--no-default-signatures", "--signatures", "pack.toml"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["logs", "other"]);
    run(dir, &args)
}

/// (signature, path, suppression reason) of each finding.
fn marks(report: &Value) -> Vec<(String, String, Option<String>)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["signature"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["suppressed"]["reason"].as_str().map(str::to_string),
            )
        })
        .collect();
    v.sort();
    v
}

fn t(
    sig: &str,
    path: &str,
    reason: Option<&str>,
) -> (String, String, Option<String>) {
    (sig.to_string(), path.to_string(), reason.map(str::to_string))
}

#[test]
fn suppressions_by_id_glob_and_fingerprint_mark_findings_and_pass_the_gate() {
    let dir = scene();
    // Without suppressions, the node-name-empty errors fail the run.
    let out = scan(&dir, &["--fail-on", "warning"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.report();
    assert_eq!(report["summary"]["suppressed"], 0);
    let fps: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    // The same failure on two nodes: one fingerprint.
    assert_eq!(fps.len(), 3);
    let empty_fp = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["path"] == "logs/kubelet.log")
        .and_then(|f| f["fingerprint"].as_str())
        .expect("fp")
        .to_string();
    assert_eq!(fps.iter().filter(|f| **f == empty_fp).count(), 2);

    // By signature id: every file.
    dir.write(
        "by-id.toml",
        "[[suppression]]\nsignature = \"node-name-empty\"\n\
         reason = \"hybrid nodes, OPS-1\"\nexpires = 2999-12-31\n",
    );
    let out =
        scan(&dir, &["--suppressions", "by-id.toml", "--fail-on", "error"]);
    assert_eq!(out.code, 0, "suppressed errors do not fail: {}", out.stderr);
    let report = out.report();
    assert_eq!(
        marks(&report),
        [
            t(
                "node-name-empty",
                "logs/kubelet.log",
                Some("hybrid nodes, OPS-1")
            ),
            t(
                "node-name-empty",
                "other/kubelet.log",
                Some("hybrid nodes, OPS-1")
            ),
            t("tls-handshake-timeout", "logs/app.log", None),
        ]
    );
    assert_eq!(
        report["findings"][0]["suppressed"],
        serde_json::json!({"reason": "hybrid nodes, OPS-1", "expires": "2999-12-31"})
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["summary"]["findings"], 3, "still listed");
    // What is not suppressed still fails.
    let out =
        scan(&dir, &["--suppressions", "by-id.toml", "--fail-on", "warning"]);
    assert_eq!(out.code, 1, "{}", out.stderr);

    // By path glob, against the path inside the input or the whole one:
    // one node only.
    dir.write(
        "by-path.toml",
        "[[suppression]]\npath = \"other/*.log\"\nreason = \"lab node\"\n\n\
         [[suppression]]\npath = \"app.log\"\nsignature = \"tls-handshake-timeout\"\n\
         reason = \"proxy\"\n",
    );
    let report =
        scan(&dir, &["--suppressions", "by-path.toml", "--fail-on", "never"])
            .report();
    assert_eq!(
        marks(&report),
        [
            t("node-name-empty", "logs/kubelet.log", None),
            t("node-name-empty", "other/kubelet.log", Some("lab node")),
            t("tls-handshake-timeout", "logs/app.log", Some("proxy")),
        ]
    );

    // By fingerprint: the same failure wherever it is.
    dir.write(
        "by-fp.toml",
        format!("[[suppression]]\nfingerprint = \"{empty_fp}\"\nreason = \"known\"\n"),
    );
    let out =
        scan(&dir, &["--suppressions", "by-fp.toml", "--fail-on", "error"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    assert_eq!(report["summary"]["suppressed"], 2);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn expired_suppressions_warn_and_suppress_nothing() {
    let dir = scene();
    dir.write(
        "s.toml",
        "# accepted last year\n\
         [[suppression]]\nsignature = \"node-name-empty\"\n\
         reason = \"until the AMI update\"\nexpires = 2001-02-03\n",
    );
    let out = scan(&dir, &["--suppressions", "s.toml"]);
    assert_eq!(out.code, 1, "expired: the errors fail again");
    assert_eq!(
        out.stderr,
        "logsift: warning: suppression expired on 2001-02-03: s.toml:2\n"
    );
    let report = out.report();
    assert_eq!(report["summary"]["suppressed"], 0);
    assert!(
        report["findings"]
            .as_array()
            .expect("f")
            .iter()
            .all(|f| f["suppressed"].is_null())
    );
}

#[test]
fn logsift_toml_in_the_current_folder_is_the_default_and_strict() {
    let dir = scene();
    dir.write(
        ".logsift.toml",
        "[[suppression]]\nsignature = \"node-name-empty\"\nreason = \"known\"\n",
    );
    let out = scan(&dir, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.report()["summary"]["suppressed"], 2);

    dir.write(
        ".logsift.toml",
        "[[suppression]]\nsignature = \"node-name-empty\"\nreason = \"known\"\n\
         owner = \"me\"\n",
    );
    let out = scan(&dir, &[]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with("logsift: .logsift.toml:4:1: unknown field `owner`"),
        "{}",
        out.stderr
    );
    for (text, says) in [
        (
            "[[suppression]]\nsignature = \"x\"\n",
            ".logsift.toml:1:1: a suppression needs a reason",
        ),
        (
            "[[suppression]]\nreason = \"r\"\n",
            "needs a signature, a path or a fingerprint",
        ),
        (
            "[[suppression]]\npath = \"{a\"\nreason = \"r\"\n",
            ".logsift.toml:2:8: bad path glob",
        ),
        (
            "[[suppression]]\nsignature = \"x\"\nreason = \"r\"\nexpires = \"2026-02-30\"\n",
            ":4:11: expires must be a date",
        ),
        (
            "[[suppression]]\nsignature = \"x\"\nreason = \"r\"\nexpires = 2026-02-30\n",
            ":4:11: invalid date",
        ),
    ] {
        dir.write(".logsift.toml", text);
        let out = scan(&dir, &[]);
        assert_eq!(out.code, 2, "{text}");
        assert!(out.stderr.contains(says), "{text}: {}", out.stderr);
    }
    let out = scan(&dir, &["--suppressions", "nope.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("logsift: nope.toml: cannot read"),
        "{}",
        out.stderr
    );
}

#[test]
fn suppressed_findings_show_in_every_format() {
    let dir = scene();
    dir.write(
        "s.toml",
        "[[suppression]]\nsignature = \"node-name-empty\"\nreason = \"hybrid <nodes> & co\"\n\
         expires = \"2999-01-01\"\n",
    );
    let with = |format: &str| {
        scan(
            &dir,
            &[
                "--suppressions",
                "s.toml",
                "--fail-on",
                "never",
                "--format",
                format,
            ],
        )
    };

    let sarif: Value =
        serde_json::from_str(&with("sarif").stdout).expect("SARIF");
    validate_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "suppressed results stay");
    let report = with("json").report();
    for (r, f) in results.iter().zip(report["findings"].as_array().expect("f"))
    {
        assert_eq!(r["partialFingerprints"]["logsift/v1"], f["fingerprint"]);
        if f["signature"] == "node-name-empty" {
            assert_eq!(
                r["suppressions"],
                serde_json::json!([{"kind": "external", "justification": "hybrid <nodes> & co"}])
            );
        } else {
            assert!(r.get("suppressions").is_none(), "{r}");
        }
    }

    let text = with("text").stdout;
    assert!(
        text.contains("node-name-empty: Kubelet looks up a node with an empty name [suppressed]"),
        "{text}"
    );
    assert!(
        text.contains("   suppressed: hybrid <nodes> & co (until 2999-01-01)"),
        "{text}"
    );
    assert!(
        text.contains(
            "(critical 0, error 2, warning 1, info 0, 2 suppressed)"
        ),
        "{text}"
    );

    let md = with("markdown").stdout;
    assert!(md.contains("| error<br>suppressed | `node-name-empty`"), "{md}");
    assert!(
        md.contains(
            "Suppressed: hybrid &lt;nodes&gt; &amp; co (until 2999-01-01)"
        ) || md.contains(
            "Suppressed: hybrid \\<nodes\\> \\& co (until 2999-01-01)"
        ),
        "{md}"
    );

    let xml = with("junit").stdout;
    // Two suites; node-name-empty is skipped in both, tls fails in one.
    assert_eq!(
        xml.matches(
            "<skipped message=\"suppressed: hybrid &lt;nodes&gt; &amp; co\">"
        )
        .count(),
        2,
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains(
            r#"name="logs" tests="3" failures="1" errors="0" skipped="1""#
        ),
        "{xml}"
    );

    let nd = with("ndjson").stdout;
    assert_eq!(nd.matches("\"suppressed\":{\"reason\"").count(), 2, "{nd}");
}

#[test]
fn a_diagnosis_resting_only_on_suppressed_findings_does_not_fail() {
    let dir = Dir::new();
    dir.write(
        "pack.toml",
        r#"
[[signature]]
id = "a-warn"
title = "A"
severity = "warning"
patterns = ["alpha"]
fix = "x"

[[diagnosis]]
id = "a-cause"
title = "The cause of alpha"
severity = "critical"
summary = "s"
all_of = ["a-warn"]
fix = "y"
"#,
    );
    dir.write("x.log", "alpha\n");
    dir.write(
        "s.toml",
        "[[suppression]]\nsignature = \"a-warn\"\nreason = \"r\"\n",
    );
    let base =
        ["scan", "--no-default-signatures", "--signatures", "pack.toml"];
    let out =
        run(&dir, &[&base[..], &["--fail-on", "error", "x.log"]].concat());
    assert_eq!(out.code, 1, "the diagnosis is critical: {}", out.stderr);
    let out = run(
        &dir,
        &[
            &base[..],
            &["--fail-on", "error", "--suppressions", "s.toml", "x.log"],
        ]
        .concat(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    assert_eq!(report["diagnoses"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        report["diagnoses"][0]["suppressed"]["reason"],
        "every finding it rests on is suppressed: r"
    );
    // Marked in every format, not only left out of the gate.
    let with = |format: &str| {
        let args = [
            &base[..],
            &[
                "--fail-on",
                "error",
                "--suppressions",
                "s.toml",
                "--color",
                "never",
                "--format",
                format,
                "x.log",
            ],
        ]
        .concat();
        let out = run(&dir, &args);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        out.stdout
    };
    let text = with("text");
    assert!(
        text.contains("a-cause [critical]: The cause of alpha [suppressed]"),
        "{text}"
    );
    assert!(
        text.contains("   suppressed: every finding it rests on"),
        "{text}"
    );
    let md = with("markdown");
    assert!(md.contains("| critical (suppressed) | `a-cause`"), "{md}");
    let sarif: Value = serde_json::from_str(&with("sarif")).expect("sarif");
    let cause = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "a-cause")
        .cloned()
        .expect("diagnosis result");
    assert_eq!(cause["suppressions"][0]["kind"], "external", "{cause}");
    let nd = with("ndjson");
    let line = nd
        .lines()
        .find(|l| l.contains("\"kind\":\"diagnosis\""))
        .expect("diagnosis line");
    assert!(line.contains("\"suppressed\":{\"reason\""), "{line}");
    let xml = with("junit");
    assert!(xml.contains("<skipped message=\"suppressed: r\">"), "{xml}");
}

#[test]
fn fail_on_incomplete_fails_a_bundle_missing_its_kubelet_log() {
    let dir = Dir::new();
    let entries = vec![
        Entry {
            path: "./containerd/containerd-log.txt".into(),
            data: b"Nov 20 10:00:31 ip-10-0-12-34 containerd[2810]: time=\"2026-11-20T10:00:31Z\" level=info msg=\"ok\"\n".to_vec(),
        },
        Entry {
            path: "./var_log/aws-routed-eni/ipamd.log".into(),
            data: b"{\"level\":\"info\",\"ts\":\"2026-11-20T10:00:55.000Z\",\"msg\":\"ok\"}\n".to_vec(),
        },
    ];
    let name = "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz";
    dir.write(name, tar_gz(&entries));

    let out = run(&dir, &["scan", name]);
    assert_eq!(out.code, 0, "incomplete alone passes: {}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);

    let out = run(&dir, &["scan", "--fail-on-incomplete", name]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "logsift: incomplete: kubelet missing: {name}\n"
        )),
        "{}",
        out.stderr
    );
    out.report();
    // The same gate with --out-dir.
    let out =
        run(&dir, &["scan", "--fail-on-incomplete", "--out-dir", "o", name]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("logsift: incomplete: kubelet missing:"),
        "{}",
        out.stderr
    );

    // A complete bundle passes the gate.
    let mut full = entries.clone();
    full.push(Entry {
        path: "./kubelet/kubelet.log".into(),
        data: b"Nov 20 10:00:38 ip-10-0-12-34 kubelet[3012]: I1120 10:00:38.484868    3012 memory_manager.go:170] ok\n".to_vec(),
    });
    full.push(Entry {
        path: "./kernel/dmesg.current".into(),
        data: b"[    0.000000] Linux version 6.1\n".to_vec(),
    });
    full.push(Entry {
        path: "./var_log/cloud-init-output.log".into(),
        data: b"Cloud-init v. 22.2.2 finished\n".to_vec(),
    });
    dir.write("full.tar.gz", tar_gz(&full));
    let out = run(&dir, &["scan", "--fail-on-incomplete", "full.tar.gz"]);
    let report = out.report();
    let missing: Vec<&Value> = report["inputs"][0]["coverage"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter(|s| s["expected"] == true && s["status"] == "missing")
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn suppressions_naming_unknown_ids_are_errors_with_suggestions() {
    let dir = Dir::new();
    dir.write("a.log", "fine\n");
    dir.write(
        "s.toml",
        "[[suppression]]\nsignature = \"node-name-emtpy\"\nreason = \"r\"\n\n\
         [[suppression]]\nsignature = \"cni-cannot-reach-api-server\"\n\
         reason = \"r\"\n",
    );
    let out = run(&dir, &["scan", "--suppressions", "s.toml", "a.log"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    for want in [
        "s.toml:2:13: no signature with id \"node-name-emtpy\" (did you mean \"node-name-empty\"",
        "s.toml:6:13: \"cni-cannot-reach-api-server\" is a diagnosis",
    ] {
        assert!(out.stderr.contains(want), "no {want:?} in\n{}", out.stderr);
    }
}
