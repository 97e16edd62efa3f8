//! Batch triage: `--out-dir` writes a report per input and a fleet
//! summary in bounded memory, `--shard` splits the inputs by a stable
//! hash, and `logsift merge` rebuilds the very summary one run writes.
//! The progress bar of long runs, drawn on a terminal only.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use logsift_fixtures::{BundleSpec, Entry, tar_gz, write_bundle};
use serde_json::Value;

use crate::{harness::*, scenes::cni_down};

/// A small generated bundle, different for each `i`: its own node, time
/// and noise, failures planted on two of every three nodes, and one
/// node in twenty with no instance id (a hybrid node).
fn spec(i: u64) -> BundleSpec {
    BundleSpec {
        instance_id: if i % 20 == 7 {
            String::new()
        } else {
            format!("i-{:017x}", 0x0abc_0000_0000 + i)
        },
        collected: (2026, 11, 1 + (i % 28) as u8, (i % 24) as u8, 0),
        seed: 0x5eed_0000 + i,
        scale: 3,
        failures: !i.is_multiple_of(3),
    }
}

/// Writes bundles `0..n` into `dir/sub`, each under its collector name
/// made unique by its index; returns the folder.
fn bundles(dir: &Dir, sub: &str, n: u64) -> PathBuf {
    let folder = dir.path().join(sub);
    std::fs::create_dir_all(&folder).expect("mkdir");
    for i in 0..n {
        let spec = spec(i);
        let name = format!("{i:03}-{}", spec.file_name());
        let file = std::fs::File::create(folder.join(name)).expect("create");
        write_bundle(&spec, std::io::BufWriter::new(file)).expect("bundle");
    }
    folder
}

/// The files of `dir` by name, with their bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON")
}

/// Runs `scan --out-dir OUT` over the folder `input` (in `cwd`), measured.
fn scan_measured(cwd: &Path, out: &str, input: &str) -> (Output, u64, f64) {
    let args = [
        "scan",
        "--threads",
        "2",
        "--fail-on",
        "never",
        "--out-dir",
        out,
        input,
    ];
    let start = Instant::now();
    let (output, peak) = run_measured(cwd, &args, None);
    (output, peak, start.elapsed().as_secs_f64())
}

#[test]
fn out_dir_memory_does_not_grow_with_the_number_of_inputs() {
    let dir = Dir::new();
    bundles(&dir, "fleet", 200);
    // The first 50, as hard links: same bytes, no second generation.
    let small = dir.path().join("fleet50");
    std::fs::create_dir_all(&small).expect("mkdir");
    let mut names: Vec<_> =
        files(&dir.path().join("fleet")).into_keys().collect();
    names.sort();
    for n in &names[..50] {
        std::fs::hard_link(dir.path().join("fleet").join(n), small.join(n))
            .expect("link");
    }

    let (out50, peak50, secs50) =
        scan_measured(dir.path(), "out50", "fleet50");
    assert_eq!(out50.code, 0, "{}", out50.stderr);
    let (out200, peak200, secs200) =
        scan_measured(dir.path(), "out200", "fleet");
    assert_eq!(out200.code, 0, "{}", out200.stderr);
    println!(
        "--out-dir peak memory (VmHWM): 50 bundles {peak50} KiB in \
         {secs50:.2}s, 200 bundles {peak200} KiB in {secs200:.2}s"
    );
    assert!(out200.stdout.is_empty(), "--out-dir writes only files");

    let written = files(&dir.path().join("out200"));
    assert_eq!(
        written.len(),
        202,
        "a report per bundle, the summary and its page"
    );
    let summary = json(&written["summary.json"]);
    validate_summary(&summary);
    let totals = &summary["totals"];
    assert_eq!(totals["inputs"], 200);
    assert_eq!(totals["inputs_with_errors"], 0);
    let with_findings = totals["inputs_with_findings"].as_u64().unwrap_or(0);
    assert!((100..=200).contains(&with_findings), "{totals}");
    let inputs = summary["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 200);
    for i in inputs {
        let report = json(&written[i["report"].as_str().expect("report")]);
        validate(&report);
        assert_eq!(report["inputs"][0]["path"], i["path"]);
        assert!(i["top_findings"].as_array().expect("top").len() <= 5);
    }
    // The widest failure is on every node with failures planted, each
    // named by its instance id or, for hybrid nodes, by its path.
    let top = &summary["by_signature"][0];
    let instances = top["instances"].as_array().expect("instances");
    assert_eq!(top["inputs"].as_u64(), Some(instances.len() as u64));
    assert!(
        instances
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.starts_with("i-0")))
    );
    assert!(
        instances
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.starts_with("fleet/")))
    );

    if peak50 > 0 {
        assert!(
            (peak200 as f64) < peak50 as f64 * 1.5,
            "memory grew with the inputs: {peak50} KiB for 50, {peak200} \
             KiB for 200"
        );
        assert!(peak200 < 200 * 1024, "{peak200} KiB");
    }
}

#[test]
fn four_shards_merge_into_the_summary_of_one_run() {
    let dir = Dir::new();
    bundles(&dir, "fleet", 24);
    // Odd inputs too: one missing its kubelet log, one unreadable.
    dir.write(
        "fleet/zz-eks_i-0fff_2026-11-21_1200-UTC_0.7.9.tar.gz",
        tar_gz(&[Entry {
            path: "./var_log/messages".into(),
            data: b"Nov 20 10:00:44 ip-10-0-12-34 kubelet: E1120 \
                    10:00:44.204118    3012 kubelet.go:2240] node \"\" \
                    not found\n"
                .to_vec(),
        }]),
    );
    let mut broken =
        tar_gz(&[Entry { path: "./a.log".into(), data: vec![b'x'; 4096] }]);
    broken.truncate(broken.len() / 2);
    dir.write("fleet/zz-broken.tar.gz", broken);

    let scan = |extra: &[&str], out: &str| {
        let mut args = vec!["scan", "--fail-on", "never", "--out-dir", out];
        args.extend_from_slice(extra);
        args.push("fleet");
        let o = run(&dir, &args);
        // The broken bundle is an error wherever it lands.
        assert!(o.code == 0 || o.code == 2, "{}", o.stderr);
        o
    };
    scan(&[], "all");
    for k in 1..=4 {
        scan(&["--shard", &format!("{k}/4")], &format!("shard{k}"));
    }
    let one = files(&dir.path().join("all"));
    assert_eq!(one.len(), 28);

    // Every input lands in exactly one shard, with the very same report.
    let mut sharded = BTreeMap::new();
    for k in 1..=4 {
        let mut f = files(&dir.path().join(format!("shard{k}")));
        f.remove("summary.json").expect("each shard has a summary");
        f.remove("summary.html").expect("and its page");
        assert!(!f.is_empty(), "shard {k} is empty");
        for (name, bytes) in f {
            assert!(sharded.insert(name, bytes).is_none(), "in two shards");
        }
    }
    let mut reports = one.clone();
    reports.remove("summary.json");
    reports.remove("summary.html");
    assert!(sharded == reports, "shards' reports differ from one run's");

    let merged = run(
        &dir,
        &[
            "merge",
            "-o",
            "merged.json",
            "--html",
            "merged.html",
            "shard1",
            "shard2",
            "shard3",
            "shard4",
        ],
    );
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let merged =
        std::fs::read(dir.path().join("merged.json")).expect("merged");
    let summary = &one["summary.json"];
    assert!(
        &merged == summary,
        "merge differs from one run:\n==== one run ====\n{}\n==== merged \
         ====\n{}",
        String::from_utf8_lossy(summary),
        String::from_utf8_lossy(&merged)
    );
    let page =
        std::fs::read(dir.path().join("merged.html")).expect("merged page");
    assert!(
        page == one["summary.html"],
        "merge's page differs from one run's"
    );
    // Report files named one by one, to standard output, agree too.
    let mut args = vec!["merge".to_string()];
    args.extend(reports.keys().rev().map(|n| format!("all/{n}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&dir, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.as_bytes(), &summary[..]);

    let summary = json(summary);
    validate_summary(&summary);
    assert_eq!(summary["totals"]["inputs"], 26);
    assert_eq!(summary["totals"]["inputs_with_errors"], 1);
    let incomplete = summary["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.contains("i-0fff")))
        .expect("the bundle without kubelet log");
    assert!(
        incomplete["incomplete"]
            .as_array()
            .expect("list")
            .contains(&"kubelet: missing".into()),
        "{incomplete}"
    );
}

#[test]
fn a_folder_of_archives_is_one_input_per_archive() {
    let dir = Dir::new();
    let log = b"E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not found\n";
    let entry = || {
        vec![Entry {
            path: "./kubelet/kubelet.log".into(),
            data: log.to_vec(),
        }]
    };
    dir.write("archives/a.tar.gz", tar_gz(&entry()));
    dir.write("archives/b.tgz", tar_gz(&entry()));
    dir.write("archives/c.zip", logsift_fixtures::zip(&entry()));
    dir.write("archives/.DS_Store", b"\0\0\0\x01Bud1");
    // A folder with anything but archives is an extracted bundle.
    dir.write("mixed/a.tar.gz", tar_gz(&entry()));
    dir.write("mixed/kubelet.log", log);

    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--out-dir",
            "out",
            "archives",
            "mixed",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary = dir.json("out/summary.json");
    let paths: Vec<&str> = summary["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        paths,
        ["archives/a.tar.gz", "archives/b.tgz", "archives/c.zip", "mixed"]
    );

    // Without --out-dir too: each bundle is its own input.
    let report =
        run(&dir, &["scan", "--fail-on", "never", "archives"]).report();
    assert_eq!(report["inputs"].as_array().map(Vec::len), Some(3));
    // With --shard, so shards split bundles.
    let mut seen = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let report = run(
            &dir,
            &["scan", "--fail-on", "never", "--shard", &shard, "archives"],
        )
        .report();
        for i in report["inputs"].as_array().expect("inputs") {
            seen.push(i["path"].as_str().unwrap_or_default().to_string());
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["archives/a.tar.gz", "archives/b.tgz", "archives/c.zip"]
    );
}

#[test]
fn shards_keep_their_inputs_when_more_are_added() {
    let dir = Dir::new();
    let names: Vec<String> = (0..30).map(|i| format!("{i:02}.log")).collect();
    for n in &names {
        dir.write(n, "ok\n");
    }
    let shard_of = |inputs: &[String]| {
        let mut of = BTreeMap::new();
        for k in 1..=3 {
            let shard = format!("{k}/3");
            let mut args =
                vec!["scan", "--fail-on", "never", "--shard", &shard];
            args.extend(inputs.iter().map(String::as_str));
            let report = run(&dir, &args).report();
            for i in report["inputs"].as_array().expect("inputs") {
                let p = i["path"].as_str().unwrap_or_default().to_string();
                assert!(of.insert(p, k).is_none(), "in two shards");
            }
        }
        assert_eq!(of.len(), inputs.len(), "every input in one shard");
        of
    };
    let before = shard_of(&names[..20]);
    let after = shard_of(&names);
    for (name, k) in &before {
        assert_eq!(after.get(name), Some(k), "{name} moved");
    }
}

#[test]
fn batch_usage_and_merge_errors() {
    let dir = Dir::new();
    dir.write("a.log", "ok\n");
    for bad in [
        &["--out-dir", "o", "--output", "r.json"][..],
        &["--out-dir", "o", "--report", "sarif=r.sarif"],
        &["--out-dir", "o", "--format", "text"],
        &["--shard", "0/4"],
        &["--shard", "5/4"],
        &["--shard", "two"],
    ] {
        let mut args = vec!["scan"];
        args.extend_from_slice(bad);
        args.push("a.log");
        let out = run(&dir, &args);
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
        assert!(!dir.path().join("o").exists(), "{bad:?}");
    }

    let out =
        run(&dir, &["scan", "--fail-on", "never", "--out-dir", "o", "a.log"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    dir.write("not-a-report.json", "{\"x\": 1}");
    let out = run(&dir, &["merge", "o", "not-a-report.json", "missing-dir"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a logsift report"), "{}", out.stderr);
    assert!(out.stderr.contains(": missing-dir"), "{}", out.stderr);
    // The summary of what could be read is still written.
    assert_eq!(json(out.stdout.as_bytes())["totals"]["inputs"], 1);

    let out = run(&dir, &["merge", "o", "o"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning: input already merged"),
        "{}",
        out.stderr
    );
    assert_eq!(json(out.stdout.as_bytes())["totals"]["inputs"], 1);
}

#[test]
fn out_dir_fails_the_run_like_one_report_would() {
    let dir = Dir::new();
    dir.write(
        "bad.log",
        "E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not found\n",
    );
    dir.write("ok.log", "ok\n");
    let out = run(&dir, &["scan", "--out-dir", "o", "ok.log", "bad.log"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let out = run(&dir, &["scan", "--out-dir", "o2", "ok.log", "missing.log"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(": missing.log"), "{}", out.stderr);
    // Both reports are there, the missing input's with its error.
    let summary = dir.json("o2/summary.json");
    assert_eq!(summary["totals"]["inputs_with_errors"], 1);
}

/// The files `--out-dir` writes get the mode any new file gets here
/// (0666 less the umask), not a temporary file's private 0600: the merge
/// step often runs as another user.
#[cfg(unix)]
#[test]
fn out_dir_files_get_the_mode_of_a_created_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    dir.write("a.log", "ok\n");
    let out =
        run(&dir, &["scan", "--fail-on", "never", "--out-dir", "o", "a.log"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mode = |p: &Path| {
        std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777)
    };
    let created = dir.path().join("o/created-by-the-test");
    std::fs::File::create(&created).unwrap();
    let expected = mode(&created).unwrap();
    let written = files(&dir.path().join("o"));
    assert!(written.len() >= 3, "{:?}", written.keys());
    for name in written.keys() {
        assert_eq!(
            mode(&dir.path().join("o").join(name)).unwrap(),
            expected,
            "{name}"
        );
    }
}

/// What `logsift args...` writes to a terminal, run in `dir` under
/// `script(1)` (util-linux), which gives it a pseudo-terminal.
fn on_a_terminal(dir: &Dir, args: &[&str]) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut cmd = quote(env!("CARGO_BIN_EXE_logsift"));
    for a in args {
        cmd.push(' ');
        cmd.push_str(&quote(a));
    }
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &cmd, "/dev/null"])
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .output()
        .expect("script(1) from util-linux, to give logsift a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_bar_is_drawn_on_a_terminal_only() {
    let dir = Dir::new();
    let line = "I1121 10:00:00.000000 1 x.go:1] ok, nothing to see here\n";
    dir.write("a.log", line.repeat(20_000));
    dir.write("b.log", line.repeat(20_000));
    let args = ["scan", "--fail-on", "never", "-o", "/dev/null"];
    let inputs = ["a.log", "b.log", "missing.log"];
    let all: Vec<&str> = args.iter().chain(&inputs).copied().collect();

    let drawn = on_a_terminal(&dir, &all);
    // Bytes of the inputs' total, inputs done, time left; then cleared.
    assert!(drawn.contains("/3 inputs"), "{drawn:?}");
    assert!(drawn.contains("ETA"), "{drawn:?}");
    assert!(drawn.contains(" KiB/") || drawn.contains(" MiB/"), "{drawn:?}");
    let last = drawn.rfind("inputs ETA").unwrap_or_default();
    assert!(drawn[last..].contains("\x1b[2K"), "not cleared: {drawn:?}");
    // Inputs done only ever count up.
    let counts: Vec<u32> = drawn
        .match_indices("/3 inputs")
        .filter_map(|(i, _)| drawn[..i].chars().last()?.to_digit(10))
        .collect();
    assert!(counts.is_sorted(), "{counts:?} in {drawn:?}");
    // An input's error is printed whole, on a line of its own, above it.
    let error = drawn
        .split(['\r', '\n'])
        .find(|l| l.contains("missing.log"))
        .unwrap_or_else(|| panic!("no error line: {drawn:?}"));
    assert!(!error.contains("inputs"), "{error:?}");

    // --quiet, or standard error not a terminal: no bar.
    let quiet: Vec<&str> = all.iter().copied().chain(["--quiet"]).collect();
    let drawn = on_a_terminal(&dir, &quiet);
    assert!(!drawn.contains("inputs"), "{drawn:?}");
    let piped = run(&dir, &all);
    assert!(!piped.stderr.contains("inputs"), "{}", piped.stderr);
    assert!(piped.stderr.contains("missing.log"), "{}", piped.stderr);
}

#[test]
fn merge_names_what_it_was_given_instead_of_a_report() {
    let dir = Dir::new();
    dir.write("a.log", "all fine\n");
    let out =
        run(&dir, &["scan", "--fail-on", "never", "--out-dir", "o", "a.log"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--format",
            "sarif",
            "-o",
            "r.sarif",
            "a.log",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    dir.write("notes.txt", "not json at all");
    dir.write("other.json", "[1, 2]");
    for (file, want) in [
        ("o/summary.json", "this is a fleet summary (summary.json)"),
        ("r.sarif", "this is a SARIF log"),
        ("notes.txt", "this is not JSON"),
        ("other.json", "this is JSON, but an array"),
    ] {
        let out = run(&dir, &["merge", file]);
        assert_eq!(out.code, 2, "{file}: {}", out.stderr);
        let line = out.stderr.lines().next().unwrap_or_default();
        assert!(
            line.starts_with("logsift: not a logsift report: ")
                && line.contains(want)
                && line.contains("merge takes the per-input JSON reports")
                && line.ends_with(&format!(": {file}")),
            "{file}: {line}"
        );
    }
}

/// README's CI example scans `collected-logs/`: bundles of two nodes,
/// one packed and one extracted, must stay two inputs, each finding
/// credited to its own node, and no root cause built across them.
#[test]
fn a_folder_of_mixed_bundles_is_one_input_per_bundle() {
    let dir = Dir::new();
    // Node 1 has the CNI failure, node 2 only the API server one: apart,
    // neither makes the diagnosis that needs both.
    let cni = cni_down("ip-10-0-1-2", "");
    let ipamd = "{\"level\":\"error\",\"ts\":\"2026-11-21T11:50:09.005Z\",\
                 \"caller\":\"wait/wait.go:211\",\"msg\":\"Unable to reach API \
                 Server, Get \\\"https://10.100.0.1:443/version?timeout=5s\\\": \
                 net/http: request canceled while waiting for connection\"}\n";
    dir.write(
        "collected-logs/eks_i-0aaa0000000000001_2026-11-21_1200-UTC_0.7.9.tar.gz",
        tar_gz(&[
            Entry { path: "./kubelet/kubelet.log".into(), data: cni.into() },
            Entry {
                path: "./system/instance-id.txt".into(),
                data: b"i-0aaa0000000000001\n".to_vec(),
            },
        ]),
    );
    let node2 =
        "collected-logs/eks_i-0bbb0000000000002_2026-11-21_1200-UTC_0.7.9";
    dir.write(&format!("{node2}/var_log/aws-routed-eni/ipamd.log"), ipamd);
    dir.write(&format!("{node2}/kubelet/kubelet.log"), "I1121 ok\n");

    let out = run(&dir, &["scan", "--fail-on", "never", "collected-logs/"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let inputs: Vec<(String, String)> = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap_or_default().to_string(),
                i["bundle"]["instance_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            (
                "collected-logs/eks_i-0aaa0000000000001_2026-11-21_1200-UTC_0.7.9.tar.gz".to_string(),
                "i-0aaa0000000000001".to_string()
            ),
            (node2.to_string(), "i-0bbb0000000000002".to_string()),
        ]
    );
    let by_input: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["signature"].as_str().unwrap_or_default().to_string(),
                f["input"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        by_input.contains(&(
            "network-plugin-not-ready".into(),
            inputs[0].0.clone()
        )),
        "{by_input:?}"
    );
    assert!(
        by_input.contains(&(
            "vpc-cni-apiserver-unreachable".into(),
            inputs[1].0.clone()
        )),
        "{by_input:?}"
    );
    assert_eq!(
        report["diagnoses"],
        serde_json::json!([]),
        "no cross-node cause"
    );
}

/// The fleet summary tells the same story as the exit code: an input of
/// which nothing was read is incomplete, and a root cause resting only on
/// suppressed findings is marked so.
#[test]
fn the_summary_marks_nothing_scanned_and_suppressed_causes() {
    let dir = Dir::new();
    let demo = demo_bundle();
    dir.write("node.tar.gz", std::fs::read(&demo).expect("demo"));
    std::fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
    dir.write(
        "s.toml",
        "[[suppression]]\nsignature = \"network-plugin-not-ready\"\n\
         reason = \"known\"\n\n[[suppression]]\n\
         signature = \"vpc-cni-apiserver-unreachable\"\nreason = \"known\"\n",
    );
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--fail-on-incomplete",
            "--suppressions",
            "s.toml",
            "--out-dir",
            "out",
            "node.tar.gz",
            "empty",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let summary = dir.json("out/summary.json");
    validate_summary(&summary);
    assert_eq!(summary["totals"]["inputs_incomplete"], 1, "{summary}");
    let inputs = summary["inputs"].as_array().expect("inputs");
    let empty = inputs.iter().find(|i| i["path"] == "empty").expect("empty");
    assert_eq!(empty["incomplete"], serde_json::json!(["nothing scanned"]));
    let node =
        inputs.iter().find(|i| i["path"] == "node.tar.gz").expect("node");
    assert_eq!(
        node["diagnoses"][0]["diagnosis"],
        "cni-cannot-reach-api-server"
    );
    assert_eq!(node["diagnoses"][0]["suppressed"], true, "{node}");
}

#[test]
fn the_same_bundle_named_twice_is_scanned_once_with_a_note() {
    let dir = Dir::new();
    dir.write("b.log", "I1121 11:50:02.000000    3012 x.go:1] net/http: TLS handshake timeout\n");
    let out = run(
        &dir,
        &["scan", "--fail-on", "never", "b.log", "./b.log", "b.log"],
    );
    let report = out.report();
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(report["inputs"][0]["path"], "b.log");
    assert!(
        out.stderr.contains("./b.log is b.log, given before: scanned once"),
        "{}",
        out.stderr
    );
    let out = run(
        &dir,
        &["scan", "--fail-on", "never", "b.log", "./b.log", "--out-dir", "o"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("scanned once"), "{}", out.stderr);
    assert_eq!(
        dir.json("o/summary.json")["inputs"].as_array().map(Vec::len),
        Some(1)
    );
}
