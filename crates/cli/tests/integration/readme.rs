//! README's examples, run as printed: every shell command that calls
//! `logsift` (or feeds it), the CI jobs' script steps and the Indexed
//! Job's pod script, each in a scratch folder holding the files they name.
//!
//! Only what cannot run here is stood in for: `aws s3 cp` serves a local
//! folder as the bucket, `./target/release/logsift` and `logsift` are the
//! binary under test, the Job's volume mounts `/bundles` and `/out` are
//! folders of the scratch, and `cargo run --release --` is that binary;
//! `kubectl` and `docker` commands are not run.
//!
//! A block whose first line is a comment naming a file of the repository
//! (`# deploy/k8s/job.yaml: ...`) quotes that file whole, byte for byte.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    process::Command,
};

use logsift_fixtures::{BundleSpec, bundle_entries, gzip, write_bundle};
use serde_json::Value;

use crate::{formats::validate_sarif, harness::*};

/// A fenced block of README.
struct Block {
    /// The info string: `sh`, `yaml`, ...
    lang: String,
    /// Its first line's number in README.
    line: usize,
    lines: Vec<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in readme.lines().enumerate() {
        match (line.strip_prefix("```"), open.take()) {
            (Some(lang), None) => {
                open = Some(Block {
                    lang: lang.trim().to_string(),
                    line: n + 1,
                    lines: Vec::new(),
                })
            }
            (Some(_), Some(b)) => out.push(b),
            (None, Some(mut b)) => {
                b.lines.push(line.to_string());
                open = Some(b);
            }
            (None, None) => {}
        }
    }
    out
}

/// The commands of a shell block: comment lines dropped, a line ending in
/// `\` or `|` continued by the next.
fn sh_commands(b: &Block) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut continued = false;
    for line in &b.lines {
        if !continued && (line.trim().is_empty() || line.starts_with('#')) {
            continue;
        }
        match out.last_mut() {
            Some(last) if continued => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push(line.clone()),
        }
        let end = line.trim_end();
        continued = end.ends_with('\\') || end.ends_with('|');
    }
    out
}

/// The scripts of a YAML block: block scalars (`run: >`, `- >-`) and
/// plain `run:` values or list items, with the deeper-indented lines that
/// continue them, folded into one line as YAML folds them.
fn yaml_scripts(b: &Block) -> Vec<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.lines.len() {
        let line = &b.lines[i];
        let at = indent(line);
        let t = line.trim();
        let item = t.strip_prefix("- ").unwrap_or(t);
        let value = match item.strip_prefix("run:") {
            Some(v) => Some(v.trim()),
            // A list item that is a mapping (`- name: x`, `- { a: b }`)
            // is no script.
            None if t.starts_with("- ") => Some(item.trim()).filter(|v| {
                !v.starts_with('{')
                    && !v
                        .split_whitespace()
                        .next()
                        .is_some_and(|w| w.ends_with(':'))
            }),
            None => None,
        };
        i += 1;
        let Some(value) = value else { continue };
        let mut parts: Vec<&str> = Vec::new();
        if !matches!(value, ">" | ">-" | "|") {
            parts.push(value);
        }
        while let Some(next) = b.lines.get(i) {
            if next.trim().is_empty() || indent(next) <= at {
                break;
            }
            parts.push(next.trim());
            i += 1;
        }
        out.push(parts.join(" "));
    }
    out
}

/// A scratch folder with what README's commands name, the binary on
/// `PATH` as `logsift`, and a stand-in `aws`.
struct Scratch {
    dir: Dir,
    bin: PathBuf,
}

/// A generated bundle of node `i`, failures planted on odd nodes.
fn spec(instance: &str, i: u64) -> BundleSpec {
    BundleSpec {
        instance_id: instance.to_string(),
        collected: (2026, 11, 21, 12, 0),
        seed: 0x00ee_d000 + i,
        scale: 2,
        failures: i % 2 == 1,
    }
}

fn write_tar_gz(path: &Path, spec: &BundleSpec) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    let file = std::fs::File::create(path).expect("create bundle");
    write_bundle(spec, std::io::BufWriter::new(file)).expect("bundle");
}

fn write_extracted(dir: &Dir, folder: &str, spec: &BundleSpec) {
    let (entries, _) = bundle_entries(spec);
    for e in entries {
        let rel = e.path.trim_start_matches("./");
        if !rel.is_empty() && !rel.ends_with('/') {
            dir.write(&format!("{folder}/{rel}"), &e.data);
        }
    }
}

impl Scratch {
    fn new() -> Scratch {
        let dir = Dir::new();
        let bin = dir.path().join(".bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let exe = Path::new(env!("CARGO_BIN_EXE_logsift"));
        std::os::unix::fs::symlink(exe, bin.join("logsift")).expect("link");
        std::fs::create_dir_all(dir.path().join("target/release"))
            .expect("mkdir");
        std::os::unix::fs::symlink(
            exe,
            dir.path().join("target/release/logsift"),
        )
        .expect("link");
        std::os::unix::fs::symlink(
            root().join("fixtures"),
            dir.path().join("fixtures"),
        )
        .expect("link");
        // `aws s3 cp [--recursive] s3://bucket/key DEST`, from `.s3/`.
        let aws = bin.join("aws");
        std::fs::write(
            &aws,
            "#!/bin/sh\n\
             [ \"$1 $2\" = \"s3 cp\" ] || exit 64\nshift 2\n\
             r=; [ \"$1\" = --recursive ] && { r=-R; shift; }\n\
             src=\"$SCRATCH_S3/${1#s3://}\"\n\
             if [ \"$2\" = - ]; then exec cat \"$src\"; fi\n\
             if [ -n \"$r\" ]; then mkdir -p \"$2\"; src=\"$src/.\"; fi\n\
             exec cp $r \"$src\" \"$2\"\n",
        )
        .expect("aws");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755))
            .expect("chmod");

        let p = |rel: &str| dir.path().join(rel);
        let abc = spec("i-0abc", 1);
        let name = "eks_i-0abc_2026-11-21_1200-UTC_0.7.9.tar.gz";
        write_tar_gz(&p(name), &abc);
        write_tar_gz(&p(&format!(".s3/bucket/{name}")), &abc);
        write_tar_gz(&p("bundle.tar.gz"), &spec("i-0def0000000000002", 2));
        // A node's kubelet journal with errors no signature knows.
        let journal = |s: u32, msg: &str| {
            format!(
                "Nov 21 10:00:{s:02} ip-10-0-1-2 kubelet[3012]: E1121 10:00:{s:02}.000000    3012 x.go:{s}] {msg}\n"
            )
        };
        let mut node = String::new();
        for s in 0..3 {
            node.push_str(&journal(s, &format!("\"Zorblax quota ledger rejected the mount\" volume=\"vol-0{s}\"")));
        }
        node.push_str(&journal(5, "\"Sidecar gremlin woke up\" pod=\"api\""));
        node.push_str(&journal(6, "\"Ledger drift noticed\" slot=4"));
        std::fs::write(p("node.log"), node).expect("node.log");
        write_extracted(
            &dir,
            "extracted-bundle",
            &spec("i-0def0000000000003", 3),
        );
        dir.write("kubelet.log.gz", gzip(crate::scenes::TLS.as_bytes()));
        // Two nodes' bundles, one packed, one extracted, and the same in
        // the bucket the CI job copies from.
        for base in ["collected-logs", ".s3/my-bucket/node-logs", "bundles"] {
            let a = spec("i-0aaa0000000000001", 5);
            write_tar_gz(&p(&format!("{base}/{}", a.file_name())), &a);
            let b = spec("i-0bbb0000000000002", 6);
            write_extracted(
                &dir,
                &format!(
                    "{base}/{}",
                    b.file_name().trim_end_matches(".tar.gz")
                ),
                &b,
            );
        }
        for i in 0..4 {
            let s = spec(&format!("i-0ccc00000000000{i:02}"), 10 + i);
            write_tar_gz(&p(&format!("bundles/{}", s.file_name())), &s);
        }
        dir.write(
            "my-pack.toml",
            "[[signature]]\nid = \"my-signature\"\n\
             title = \"The widget broke\"\nseverity = \"warning\"\n\
             sources = [\"kubelet\"]\npatterns = [\"widget broke\"]\n\
             fix = \"Mend the widget.\"\n\
             links = [\"https://example.com/widget\"]\n\n\
             [signature.examples]\n\
             match = ['E1121 09:00:00.000000    3012 w.go:1] widget broke']\n\
             no_match = ['I1121 09:00:00.000000    3012 w.go:1] widget fine']\n",
        );
        Scratch { dir, bin }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `script` with `sh -c`, `env` added.
    fn sh(&self, script: &str, env: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(self.path())
            .env("PATH", path)
            .env("SCRATCH_S3", self.path().join(".s3"))
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .expect("run sh");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn json(&self, rel: &str) -> Value {
        self.dir.json(rel)
    }
}

/// The instance ids of a report's inputs, in order.
fn instances(report: &Value) -> Vec<String> {
    report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            i["bundle"]["instance_id"].as_str().unwrap_or("-").to_string()
        })
        .collect()
}

/// Runs `cmd` (README line `line`) and checks what it must give.
fn check(s: &Scratch, line: usize, cmd: &str, env: &[(&str, &str)]) {
    let out = s.sh(cmd, env);
    let at = format!(
        "README:{line}: {cmd}\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    // Findings of error or worse fail the default gate (exit 1); nothing
    // README prints may fail to read its input (2) or be misused (64).
    assert!(matches!(out.code, 0 | 1), "exit {}: {at}", out.code);
    assert!(!out.stderr.contains("error:"), "{at}");
    let sole = |args: &str| cmd.trim() == format!("logsift scan {args}");
    if sole("eks_i-0abc_2026-11-21_1200-UTC_0.7.9.tar.gz")
        || cmd.contains("--stdin-name")
    {
        let r: Value = serde_json::from_str(&out.stdout).expect(&at);
        validate(&r);
        assert_eq!(instances(&r), ["i-0abc"], "{at}");
        assert_eq!(
            r["inputs"][0]["path"],
            "eks_i-0abc_2026-11-21_1200-UTC_0.7.9.tar.gz"
        );
        assert_eq!(out.code, 1, "the bundle has failures: {at}");
    } else if sole("bundle.tar.gz extracted-bundle/ kubelet.log.gz") {
        let r: Value = serde_json::from_str(&out.stdout).expect(&at);
        validate(&r);
        assert_eq!(
            instances(&r),
            ["i-0def0000000000002", "i-0def0000000000003", "-"],
            "{at}"
        );
    } else if sole("collected-logs/") {
        let r: Value = serde_json::from_str(&out.stdout).expect(&at);
        validate(&r);
        assert_eq!(
            instances(&r),
            ["i-0aaa0000000000001", "i-0bbb0000000000002"],
            "{at}"
        );
    } else if cmd.contains("fixtures/demo/") {
        let r: Value = serde_json::from_str(&out.stdout).expect(&at);
        assert_eq!(instances(&r), ["i-0abc1234def567890"], "{at}");
    }
}

/// What the commands of a block left behind.
fn check_files(s: &Scratch, block: usize, cmds: &str) {
    let at = format!("README:{block}");
    let two = ["i-0aaa0000000000001", "i-0bbb0000000000002"];
    if cmds.contains("--output report.json") {
        let r = s.json("report.json");
        validate(&r);
        assert_eq!(instances(&r), two, "{at}");
    }
    if cmds.contains("signatures draft") {
        let draft = std::fs::read_to_string(s.path().join("local.toml"))
            .expect("local.toml");
        assert!(
            draft.contains("id = 'local-zorblax-quota-ledger"),
            "{at}: {draft}"
        );
    }
    if cmds.contains("--report sarif=report.sarif") {
        validate_sarif(&s.json("report.sarif"));
        let xml = std::fs::read_to_string(s.path().join("report.xml"))
            .expect("junit");
        assert!(xml.contains("<testsuites"), "{at}");
        let md = std::fs::read_to_string(s.path().join("summary.md"))
            .expect("markdown");
        assert!(md.contains("## Findings"), "{at}");
    }
    if cmds.contains("--output logsift.sarif") {
        validate_sarif(&s.json("logsift.sarif"));
        let md = std::fs::read_to_string(s.path().join("step-summary.md"))
            .expect("step summary");
        assert!(md.contains("## Findings"), "{at}");
    }
    if cmds.contains("--output logsift.junit.xml") {
        let xml = std::fs::read_to_string(s.path().join("logsift.junit.xml"))
            .expect("junit");
        assert!(xml.contains("<testsuites"), "{at}");
    }
    let summary = if cmds.contains("> triage/summary.json")
        || cmds.contains("--out-dir triage/")
    {
        Some("triage/summary.json")
    } else if cmds.contains("--output /out/summary.json") {
        // The merge Job, over the Indexed Job's out-dirs.
        Some("out/summary.json")
    } else if cmds.contains("> summary.json") {
        Some("summary.json")
    } else {
        None
    };
    if let Some(rel) = summary {
        let v = s.json(rel);
        validate_summary(&v);
        // bundles/ holds six bundles; a shard or a pod scans its share.
        assert_eq!(v["totals"]["inputs"], 6, "{at}: {v:#}");
    }
}

#[test]
fn readme_commands_run_as_printed() {
    let readme =
        std::fs::read_to_string(root().join("README.md")).expect("README");
    let mut ran = BTreeSet::new();
    // The Indexed Job's pod script, kept for the block that merges after it.
    let mut job: Option<(Scratch, String)> = None;
    for b in blocks(&readme) {
        let cmds: Vec<String> = match b.lang.as_str() {
            "sh" => sh_commands(&b),
            "yaml" => yaml_scripts(&b),
            _ => continue,
        };
        // README's first command builds and runs the binary; the rest of
        // cargo (tests, benches, the generator) is not a logsift run.
        let cmds: Vec<String> = cmds
            .into_iter()
            .map(|c| match c.strip_prefix("cargo run --release -- ") {
                Some(rest) => format!("logsift {rest}"),
                None => c,
            })
            .filter(|c| !c.starts_with("cargo "))
            .filter(|c| c.contains("logsift") || c.starts_with("aws s3"))
            .collect();
        if cmds.is_empty() {
            continue;
        }
        if b.lang == "yaml"
            && cmds.iter().any(|c| c.contains("JOB_COMPLETION_INDEX"))
        {
            let s = Scratch::new();
            let script = cmds
                .join("\n")
                .replace("/out/", "out/")
                .replace(" /bundles", " bundles");
            for k in 0..8 {
                let k = k.to_string();
                check(&s, b.line, &script, &[("JOB_COMPLETION_INDEX", &k)]);
            }
            job = Some((s, script));
            ran.insert(b.line);
            continue;
        }
        let s = match job.take() {
            Some((s, _)) if cmds.iter().any(|c| c.contains("/out/")) => s,
            _ => Scratch::new(),
        };
        let summary_md = s.path().join("step-summary.md");
        let summary_md = summary_md.to_string_lossy();
        for cmd in &cmds {
            if cmd.starts_with("kubectl") || cmd.starts_with("docker ") {
                continue;
            }
            let cmd = cmd.replace("/out/", "out/");
            check(&s, b.line, &cmd, &[("GITHUB_STEP_SUMMARY", &summary_md)]);
        }
        check_files(&s, b.line, &cmds.join("\n"));
        ran.insert(b.line);
    }
    // The quick start, the usage lines, the CI step, GitHub's and
    // GitLab's jobs, batch triage, shards, the Indexed Job and its merge,
    // and the signature commands: at least that many blocks ran.
    assert!(ran.len() >= 9, "only README blocks {ran:?} ran");
}

#[test]
fn readme_extraction_reads_blocks_as_a_shell_and_yaml_would() {
    let b = Block {
        lang: "sh".into(),
        line: 1,
        lines: ["# a comment", "a \\", "  b", "c |", "  d", "", "e"]
            .map(String::from)
            .to_vec(),
    };
    assert_eq!(sh_commands(&b), ["a \\\n  b", "c |\n  d", "e"]);
    let y = Block {
        lang: "yaml".into(),
        line: 1,
        lines: [
            "steps:",
            "  - uses: actions/checkout@v4",
            "  - run: cargo build",
            "  - name: Scan",
            "    run: >",
            "      logsift scan",
            "      --format sarif x/",
            "  - logsift merge a",
            "    b",
            "args:",
            "  - >-",
            "    K=1;",
            "    exec logsift",
        ]
        .map(String::from)
        .to_vec(),
    };
    assert_eq!(
        yaml_scripts(&y),
        [
            "cargo build",
            "logsift scan --format sarif x/",
            "logsift merge a b",
            "K=1; exec logsift"
        ]
    );
}

/// The file a block quotes: its first line `# PATH: ...` or `# PATH`,
/// PATH a file of the repository.
fn quoted_file(b: &Block) -> Option<String> {
    let first = b.lines.first()?.strip_prefix("# ")?;
    let path = first.split(|c: char| c == ':' || c.is_whitespace()).next()?;
    (path.contains('/') && root().join(path).is_file())
        .then(|| path.to_string())
}

#[test]
fn readme_quotes_the_shipped_files_whole() {
    let readme =
        std::fs::read_to_string(root().join("README.md")).expect("README");
    let mut quoted = BTreeSet::new();
    for b in blocks(&readme) {
        let Some(path) = quoted_file(&b) else { continue };
        let file =
            std::fs::read_to_string(root().join(&path)).expect("quoted file");
        let block: String = b.lines.iter().map(|l| format!("{l}\n")).collect();
        assert!(
            block == file,
            "README:{} quotes {path}, which differs: copy the file into the \
             block whole",
            b.line
        );
        quoted.insert(path);
    }
    // The Kubernetes Jobs and the CI examples that .ci/run validates.
    for path in [
        "deploy/k8s/job.yaml",
        "deploy/k8s/merge-job.yaml",
        "docs/examples/github-workflow.yml",
        "docs/examples/gitlab-ci.yml",
    ] {
        assert!(quoted.contains(path), "README does not quote {path}");
    }
}
