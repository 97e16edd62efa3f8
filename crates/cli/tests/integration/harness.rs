//! A small harness: a temp folder per test, a command pointing at the built
//! binary, and the report parsed and checked against the JSON Schema.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::OnceLock,
};

use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed demo bundle's file name, as README's first command scans.
pub const DEMO: &str =
    "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz";

/// The committed demo bundle.
pub fn demo_bundle() -> PathBuf {
    root().join("fixtures/demo").join(DEMO)
}

/// 2026-11-21T12:00:00Z, the time every file a test writes carries.
pub const FIXED_MTIME: u64 = 1_795_262_400;

/// A temporary folder, removed when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir { tmp: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `data` at `rel` (creating folders) and returns the full path.
    pub fn write(&self, rel: &str, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.tmp.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, data).expect("write");
        // A fixed time, so year-less log times (inferred from the file's
        // time) and so reports do not change with the day tests run.
        let fixed = std::time::UNIX_EPOCH
            + std::time::Duration::from_secs(FIXED_MTIME);
        std::fs::File::options()
            .write(true)
            .open(&p)
            .and_then(|f| f.set_modified(fixed))
            .expect("set mtime");
        p
    }
}

impl Dir {
    /// The JSON file at `rel`, parsed.
    pub fn json(&self, rel: &str) -> Value {
        let bytes = std::fs::read(self.path().join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
    }
}

/// Scans each of `lines` from a file of its own, named so that nothing
/// tells its kind (`lines/NNNN.txt`), in one run of the binary, and
/// returns each line's findings as (signature, severity).
pub fn scan_each_line(lines: &[&str]) -> Vec<Vec<(String, String)>> {
    let dir = Dir::new();
    for (i, l) in lines.iter().enumerate() {
        dir.write(&format!("lines/{i:04}.txt"), format!("{l}\n"));
    }
    let out = run(&dir, &["scan", "--fail-on", "never", "lines"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut found = vec![Vec::new(); lines.len()];
    for f in out.report()["findings"].as_array().expect("findings") {
        let path = f["path"].as_str().expect("path");
        let name = path.rsplit('/').next().expect("a file name");
        let i: usize = name[..4].parse().expect("a line number");
        let field = |k: &str| f[k].as_str().unwrap_or_default().to_string();
        found[i].push((field("signature"), field("severity")));
    }
    // A threshold signature's lines under its count are recognised but
    // are no finding: they come as `below-threshold`.
    for input in out.report()["inputs"].as_array().expect("inputs") {
        for b in input["below_threshold"].as_array().into_iter().flatten() {
            let id = b["signature"].as_str().expect("signature").to_string();
            for path in b["files"].as_array().expect("files") {
                let path = path.as_str().expect("a path");
                let name = path.rsplit('/').next().expect("a file name");
                let i: usize = name[..4].parse().expect("a line number");
                found[i].push((id.clone(), BELOW_THRESHOLD.to_string()));
            }
        }
    }
    found
}

/// The severity `scan_each_line` gives a threshold signature's lines that
/// stayed under its count.
pub const BELOW_THRESHOLD: &str = "below-threshold";

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The report on stdout, validated against the schema.
    pub fn report(&self) -> Value {
        let v: Value =
            serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
                panic!(
                    "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                    self.stdout, self.stderr
                )
            });
        validate(&v);
        v
    }
}

/// Runs `logsift ARGS` in `cwd` with optional stdin.
pub fn run_in(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logsift"));
    cmd.args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("spawn logsift");
    if let Some(data) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let data = data.to_vec();
        // Written from a thread so a large input cannot deadlock against
        // a full stdout pipe.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        });
    }
    let out = child.wait_with_output().expect("wait logsift");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `logsift ARGS` in `dir`.
pub fn run(dir: &Dir, args: &[&str]) -> Output {
    run_in(dir.path(), args, None)
}

/// Validates a report against `schema/report.schema.json`.
pub fn validate(report: &Value) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    check_schema(&VALIDATOR, "schema/report.schema.json", "report", report);
}

/// Validates `doc` against the committed schema at `rel`, compiled once.
fn check_schema(
    cell: &OnceLock<jsonschema::Validator>,
    rel: &str,
    what: &str,
    doc: &Value,
) {
    let v = cell.get_or_init(|| {
        let text = std::fs::read_to_string(root().join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"));
        jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{rel} does not compile: {e}"))
    });
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}",
        errors.join("\n")
    );
}

/// The findings as comparable tuples: (signature, path, count, first, last).
pub fn findings(report: &Value) -> Vec<(String, String, u64, u64, u64)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["signature"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["count"].as_u64().unwrap_or_default(),
                f["first_line"].as_u64().unwrap_or_default(),
                f["last_line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Prints both sides in delimited blocks when they differ.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let expected = &$expected;
        let got = &$got;
        if expected != got {
            panic!(
                "\n==== expected ====\n{:#?}\n==== got ====\n{:#?}\n==========\n",
                expected, got
            );
        }
    }};
}

/// Writes a child's standard input.
pub type Feed = Box<dyn FnOnce(&mut dyn Write) + Send>;

/// Runs `logsift ARGS` in `cwd`, feeding stdin from `feed` (on a thread,
/// so inputs larger than memory can be streamed), and returns the output
/// with the child's peak resident memory in KiB, read from /proc while it
/// runs (0 where /proc is not there).
pub fn run_measured(
    cwd: &Path,
    args: &[&str],
    feed: Option<Feed>,
) -> (Output, u64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logsift"));
    cmd.args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.stdin(if feed.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("spawn logsift");
    if let Some(feed) = feed {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || feed(&mut pipe));
    }
    let status_path = format!("/proc/{}/status", child.id());
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let read_all = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            s
        })
    };
    let out_t = read_all(Box::new(stdout));
    let err_t = read_all(Box::new(stderr));
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            for line in text.lines() {
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    let kib = v
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse()
                        .unwrap_or(0);
                    peak = peak.max(kib);
                }
            }
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let output = Output {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out_t.join().unwrap_or_default())
            .into_owned(),
        stderr: String::from_utf8_lossy(&err_t.join().unwrap_or_default())
            .into_owned(),
    };
    (output, peak)
}

/// Validates a fleet summary against `schema/summary.schema.json`.
pub fn validate_summary(summary: &Value) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    check_schema(&VALIDATOR, "schema/summary.schema.json", "summary", summary);
}

/// Compares `got` with the committed file `folder/name`, or rewrites it
/// when the environment variable `update` is set: goldens and pinned
/// reports alike. A difference names the first line that differs.
pub fn expect_file(folder: &str, update: &str, name: &str, got: &[u8]) {
    let path = root().join(folder).join(name);
    if std::env::var_os(update).is_some() {
        std::fs::create_dir_all(path.parent().expect("folder"))
            .expect("mkdir");
        std::fs::write(&path, got).expect("write");
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); run {update}=1 cargo test",
            path.display()
        )
    });
    if want != got {
        let want = String::from_utf8_lossy(&want);
        let got = String::from_utf8_lossy(got);
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
        panic!(
            "{folder}/{name} differs at line {} ({update}=1 cargo test \
             rewrites it)\n==== expected ====\n{}\n==== got ====\n{}\n\
             ==========",
            line + 1,
            want.lines().nth(line).unwrap_or("<end>"),
            got.lines().nth(line).unwrap_or("<end>"),
        );
    }
}
