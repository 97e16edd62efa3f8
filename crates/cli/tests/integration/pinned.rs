//! Pinned reports: every format of a few scenes that touch every fixture
//! kind, compared byte for byte with the files under `fixtures/pinned/`.
//!
//! They hold behaviour still while the layers between the walk and the
//! renderers are rebuilt: a change that moves one byte of any report,
//! standard error or exit code fails here. `UPDATE_PINNED=1 cargo test`
//! rewrites them, for a change that means to alter the output.

use std::path::Path;

use logsift_fixtures::{
    BundleSpec, Entry, bundle_entries, corpus, gzip, tar_gz, write_bundle,
};

use crate::{harness::*, scenes::*};

/// Every format `--format` takes.
const FORMATS: [&str; 6] =
    ["json", "text", "markdown", "sarif", "junit", "ndjson"];

/// Compares `got` with `fixtures/pinned/NAME` (`UPDATE_PINNED=1`
/// rewrites it).
fn pinned(name: &str, got: &[u8]) {
    expect_file("fixtures/pinned", "UPDATE_PINNED", name, got);
}

/// Runs `scan ARGS` once per format and pins stdout, stderr and the exit
/// code of each as `SCENE/scan.FORMAT` and `SCENE/scan.FORMAT.status`.
fn pin_formats(dir: &Dir, scene: &str, args: &[&str]) {
    for format in FORMATS {
        let mut all = vec!["scan", "--color", "never", "--format", format];
        all.extend_from_slice(args);
        let out = run(dir, &all);
        if format == "json" {
            out.report();
        }
        if format == "markdown" {
            // An empty table cell reads as a rendering fault.
            let empty = out.stdout.lines().find(|l| l.contains("|  |"));
            assert!(empty.is_none(), "{scene}: empty cell in {empty:?}");
        }
        pinned(&format!("{scene}/scan.{format}"), out.stdout.as_bytes());
        let status = format!("exit {}\n{}", out.code, out.stderr);
        pinned(&format!("{scene}/scan.{format}.status"), status.as_bytes());
    }
}

/// Pins every file under `dir/sub` as `SCENE/sub/...`.
fn pin_tree(dir: &Path, sub: &str, scene: &str) {
    let base = dir.join(sub);
    let mut names: Vec<_> = walk(&base);
    names.sort();
    assert!(!names.is_empty(), "{sub} is empty");
    for rel in names {
        let bytes = std::fs::read(base.join(&rel)).expect("read output");
        pinned(&format!("{scene}/{sub}/{rel}"), &bytes);
    }
}

fn walk(base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![base.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(base).expect("under base");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

fn bundle(spec: &BundleSpec) -> Vec<u8> {
    let mut out = Vec::new();
    write_bundle(spec, &mut out).expect("bundle");
    out
}

/// A generated bundle other than the demo one.
fn spec(seed: u64, failures: bool) -> BundleSpec {
    BundleSpec {
        instance_id: format!("i-0{seed:016x}"),
        seed,
        scale: 300,
        failures,
        ..BundleSpec::demo()
    }
}

#[test]
fn the_demo_bundle() {
    let dir = Dir::new();
    let demo = demo_bundle();
    let name = DEMO;
    dir.write(name, std::fs::read(demo).expect("demo bundle"));
    pin_formats(&dir, "demo", &["--fail-on", "never", name]);
    // The default gate, and a short evidence list.
    pin_formats(&dir, "demo-gated", &["--max-evidence", "1", name]);
}

/// Every kind of container and bundle, with broken and unreadable inputs
/// among them.
#[test]
fn mixed_inputs() {
    let dir = Dir::new();
    let c = corpus();
    dir.write("loose/corpus.log", &c.text);
    dir.write("loose/rotated/corpus.log.gz", gzip(c.text.as_bytes()));
    dir.write("loose/binary.bin", b"\x7fELF\0\0\0\x01\x02");
    dir.write("loose/empty.log", b"");
    dir.write(
        "corpus.tar.gz",
        tar_gz(&[Entry {
            path: "./var/log/corpus.log".into(),
            data: c.text.clone().into_bytes(),
        }]),
    );
    dir.write(WINDOWS_ZIP, windows_zip());
    dir.write("bottlerocket-logs.tar.gz", logdog());
    dir.write("node-1-logs.tar.gz", node_diagnostic());
    // A generated bundle, extracted under its collector name.
    let s = spec(7, true);
    let stem = s.file_name().trim_end_matches(".tar.gz").to_string();
    for e in bundle_entries(&s).0 {
        dir.write(&format!("{stem}/{}", e.path), &e.data);
    }
    // A bundle cut short: members before the cut are still read.
    let whole = bundle(&spec(8, true));
    dir.write(&spec(8, true).file_name(), &whole[..whole.len() * 2 / 3]);
    let cut = spec(8, true).file_name();
    let args = [
        "--fail-on",
        "warning",
        "loose",
        "corpus.tar.gz",
        "eks_i-0b318f704c74b6ab2_20200101T0620179658Z.zip",
        "bottlerocket-logs.tar.gz",
        "node-1-logs.tar.gz",
        &stem,
        &cut,
        "missing.log",
    ];
    pin_formats(&dir, "mixed", &args);
    let mut threaded = vec!["--threads", "1"];
    threaded.extend_from_slice(&args);
    let one =
        run(&dir, &[&["scan", "--format", "json"][..], &threaded].concat());
    pinned("mixed/scan.json", one.stdout.as_bytes());
}

/// A healthy node, a time window and a suppressions file.
#[test]
fn healthy_window_and_suppressions() {
    let dir = Dir::new();
    let healthy = spec(11, false);
    dir.write(&healthy.file_name(), bundle(&healthy));
    pin_formats(&dir, "healthy", &[&healthy.file_name()]);

    let sick = spec(12, true);
    dir.write(&sick.file_name(), bundle(&sick));
    dir.write(
        "suppress.toml",
        "[[suppression]]\nsignature = \"network-plugin-not-ready\"\n\
         reason = \"known during start-up\"\n",
    );
    pin_formats(
        &dir,
        "window",
        &[
            "--since",
            "30m",
            "--suppressions",
            "suppress.toml",
            "--source-kind",
            "kubelet",
            &sick.file_name(),
        ],
    );
}

/// A batch written to a folder, by shards, and merged.
#[test]
fn batch_shards_and_merge() {
    let dir = Dir::new();
    for i in 0..4 {
        let s = spec(20 + i, i % 2 == 0);
        dir.write(&format!("bundles/{}", s.file_name()), bundle(&s));
    }
    let out = run(
        &dir,
        &["scan", "--fail-on", "never", "--out-dir", "all", "bundles"],
    );
    pinned(
        "batch/scan.status",
        format!("exit {}\n{}", out.code, out.stderr).as_bytes(),
    );
    pin_tree(dir.path(), "all", "batch");
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out_dir = format!("shard{k}");
        let out = run(
            &dir,
            &[
                "scan",
                "--fail-on",
                "never",
                "--shard",
                &shard,
                "--out-dir",
                &out_dir,
                "bundles",
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let merged =
        run(&dir, &["merge", "--output", "merged.json", "shard1", "shard2"]);
    pinned(
        "batch/merge.status",
        format!("exit {}\n{}{}", merged.code, merged.stdout, merged.stderr)
            .as_bytes(),
    );
    pinned(
        "batch/merged.json",
        &std::fs::read(dir.path().join("merged.json")).expect("merged"),
    );
    // A shard run without --out-dir: its folder is expanded into bundles.
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--format",
            "json",
            "--shard",
            "2/2",
            "bundles",
        ],
    );
    pinned("batch/shard2.json", out.stdout.as_bytes());
}
