//! Broken and hostile input: every case is built here, at test time (bombs
//! in memory, never committed), and must give a report naming what failed,
//! the findings of every healthy member, the documented exit code, and
//! bounded time and memory.

use std::{io::Write, time::Instant};

use logsift_fixtures::{Entry, gzip, tar, tar_gz, zip, zip_streamed};
use serde_json::Value;

use crate::harness::*;

const TLS: &str =
    "I1121 11:50:02.000000    3012 x.go:1] net/http: TLS handshake timeout\n";

fn entry(path: &str, data: impl Into<Vec<u8>>) -> Entry {
    Entry { path: path.to_string(), data: data.into() }
}

/// Scans `name` in `dir` and checks the invariants every hostile case
/// shares: a report that validates, the exit code, and bounded memory.
fn scan(dir: &Dir, args: &[&str], code: i32) -> (Value, Output) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    let started = Instant::now();
    let (out, peak_kib) = run_measured(dir.path(), &all, None);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    assert!(peak_kib < 256 * 1024, "peak RSS {peak_kib} KiB");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
    (out.report(), out)
}

fn errors(report: &Value) -> Vec<(String, String)> {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["errors"].as_array().unwrap().clone())
        .map(|e| {
            (
                e["path"].as_str().unwrap().into(),
                e["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn finding_paths(report: &Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.1).collect()
}

#[test]
fn nested_gzip_bomb_stops_with_an_error_naming_the_member() {
    // Text, so it is scanned: a bomb of zeros is skipped as binary without
    // being inflated at all.
    let bomb = gzip(&gzip(&b"ok\n".repeat(27 << 20)));
    let dir = Dir::new();
    dir.write(
        "b.tar.gz",
        tar_gz(&[entry("ok.log", TLS), entry("var_log/bomb.log.gz", bomb)]),
    );
    let (report, _) = scan(&dir, &["b.tar.gz"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "b.tar.gz!var_log/bomb.log.gz");
    assert!(errs[0].1.contains("ratio above 1000:1"), "{errs:?}");
    assert_eq!(finding_paths(&report), ["b.tar.gz!ok.log"]);
}

#[test]
fn zip_bomb_inside_a_zip_is_stopped() {
    let inner = zip(&[entry("zeros.log", b"ok\n".repeat(27 << 20))]);
    let dir = Dir::new();
    dir.write(
        "b.zip",
        zip(&[entry("inner.zip", inner), entry("ok.log", TLS)]),
    );
    let (report, _) = scan(&dir, &["b.zip"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "b.zip!inner.zip!zeros.log");
    assert!(errs[0].1.contains("decompression bomb"), "{errs:?}");
    assert_eq!(finding_paths(&report), ["b.zip!ok.log"]);
}

#[test]
fn byte_budget_stops_the_input_and_says_the_rest_was_not_read() {
    let mut big = String::new();
    while big.len() < 4 << 20 {
        big.push_str(
            "I1121 11:50:02.000000    3012 a.go:1] healthy line of padding\n",
        );
    }
    let dir = Dir::new();
    dir.write(
        "b.tar.gz",
        tar_gz(&[
            entry("a.log", TLS),
            entry("big.log", big),
            entry("z.log", TLS),
        ]),
    );
    let (report, out) = scan(&dir, &["--max-bytes", "1M", "b.tar.gz"], 2);
    let errs = errors(&report);
    assert!(errs.iter().any(|(p, m)| p == "b.tar.gz"
        && m.contains("more than 1 MiB decompressed from this input; the rest was not read")), "{errs:?}");
    assert!(errs.iter().any(|(p, _)| p == "b.tar.gz!big.log"), "{errs:?}");
    assert_eq!(finding_paths(&report), ["b.tar.gz!a.log"]);
    assert!(out.stderr.contains("--max-bytes"), "{}", out.stderr);
}

#[test]
fn nesting_deeper_than_the_limit_is_skipped_with_the_flag_named() {
    let mut data = tar_gz(&[entry("deep.log", TLS)]);
    for level in 0..5 {
        data = tar_gz(&[entry(&format!("level{level}.tar.gz"), data)]);
    }
    let dir = Dir::new();
    dir.write("deep.tar.gz", &data);
    let (report, _) = scan(&dir, &["deep.tar.gz"], 0);
    let skipped = &report["inputs"][0]["skipped"][0];
    assert!(
        skipped["reason"].as_str().unwrap().contains("--max-depth"),
        "{skipped}"
    );
    let (report, _) = scan(&dir, &["--max-depth", "8", "deep.tar.gz"], 1);
    assert_eq!(findings(&report).len(), 1);
}

#[test]
fn too_many_members() {
    let entries: Vec<Entry> =
        (0..50).map(|i| entry(&format!("m{i:02}.log"), "ok\n")).collect();
    let dir = Dir::new();
    dir.write("many.tar", tar(&entries));
    let (report, _) = scan(&dir, &["--max-members", "10", "many.tar"], 2);
    assert!(errors(&report)[0].1.contains("more than 10 members"), "{report}");
    assert_eq!(report["inputs"][0]["files_scanned"], 10);
}

#[test]
fn truncated_gzip_keeps_the_lines_before_the_cut() {
    let mut text = String::from(TLS);
    for i in 0..20_000 {
        text.push_str(&format!(
            "I1121 11:50:02.000000    3012 a.go:1] line {i} {}\n",
            i * 7919 % 10007
        ));
        // A second failure a little before the cut: its line is kept.
        if i == 9_800 {
            text.push_str(TLS);
        }
    }
    let gz = gzip(text.as_bytes());
    let dir = Dir::new();
    dir.write("cut.log.gz", &gz[..gz.len() / 2]);
    // The same file in a folder, inflated in place rather than ahead.
    dir.write("logs/cut.log.gz", &gz[..gz.len() / 2]);
    let (report, _) = scan(&dir, &["cut.log.gz", "logs"], 2);
    assert_eq!(errors(&report)[0].0, "cut.log.gz");
    assert_eq!(errors(&report)[1].0, "logs/cut.log.gz");
    assert_eq!(finding_paths(&report), ["cut.log.gz", "logs/cut.log.gz"]);
    assert_eq!(report["findings"][0]["count"], 2, "{report}");
    assert_eq!(report["findings"][1]["count"], 2, "{report}");
}

#[test]
fn gzip_with_trailing_garbage_is_an_error_after_its_findings() {
    let mut gz = gzip(TLS.as_bytes());
    gz.extend_from_slice(b"this is not gzip at all\n");
    let dir = Dir::new();
    dir.write("tail.log.gz", &gz);
    let (report, _) = scan(&dir, &["tail.log.gz"], 2);
    assert_eq!(errors(&report)[0].0, "tail.log.gz");
    assert_eq!(finding_paths(&report), ["tail.log.gz"]);
}

#[test]
fn multi_member_gzip_is_read_to_the_end() {
    let mut gz = gzip(b"first member\nsecond line\n");
    gz.extend(gzip(TLS.as_bytes()));
    let dir = Dir::new();
    dir.write("multi.log.gz", &gz);
    let (report, _) = scan(&dir, &["multi.log.gz"], 1);
    assert_eq!(report["findings"][0]["first_line"], 3);
}

/// Offsets of each member's header in a tar made of small members.
fn header_offsets(tar: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at] != 0 {
        out.push(at);
        let size = std::str::from_utf8(&tar[at + 124..at + 136])
            .ok()
            .and_then(|s| {
                u64::from_str_radix(
                    s.trim_matches(|c: char| c == '\0' || c == ' '),
                    8,
                )
                .ok()
            })
            .unwrap_or(0) as usize;
        at += 512 + size.div_ceil(512) * 512;
    }
    out
}

#[test]
fn corrupt_tar_header_checksum_keeps_earlier_members() {
    let mut t =
        tar(&[entry("a.log", TLS), entry("b.log", TLS), entry("c.log", TLS)]);
    let second = header_offsets(&t)[1];
    t[second + 148..second + 156].copy_from_slice(b"0000000\0");
    let dir = Dir::new();
    dir.write("bad.tar", &t);
    let (report, _) = scan(&dir, &["bad.tar"], 2);
    assert_eq!(finding_paths(&report), ["bad.tar!a.log"]);
    let errs = errors(&report);
    assert_eq!(errs[0].0, "bad.tar");
    assert!(
        errs[0].1.contains("corrupt tar archive after member a.log"),
        "{errs:?}"
    );
}

#[test]
fn tar_member_larger_than_the_stream() {
    let mut t = tar(&[entry("a.log", TLS), entry("b.log", TLS)]);
    let second = header_offsets(&t)[1];
    t[second + 124..second + 136].copy_from_slice(b"00000777777\0");
    // Fix the checksum so only the size lies.
    t[second + 148..second + 156].copy_from_slice(b"        ");
    let sum: u32 = t[second..second + 512].iter().map(|&b| b as u32).sum();
    t[second + 148..second + 156]
        .copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let dir = Dir::new();
    dir.write("long.tar", &t);
    let (report, _) = scan(&dir, &["long.tar"], 2);
    let errs = errors(&report);
    assert_eq!(errs[0].0, "long.tar!b.log", "{errs:?}");
    assert!(errs[0].1.contains("truncated"), "{errs:?}");
    assert!(finding_paths(&report).contains(&"long.tar!a.log".to_string()));
}

#[test]
fn zip_with_a_broken_central_directory_is_read_from_local_headers() {
    let z = zip(&[entry("a.log", TLS), entry("b.log", TLS)]);
    let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let dir = Dir::new();
    dir.write("cut.zip", &z[..cd + 10]);
    let (report, _) = scan(&dir, &["cut.zip"], 2);
    assert!(errors(&report)[0].1.contains("central directory"), "{report}");
    assert_eq!(finding_paths(&report), ["cut.zip!a.log", "cut.zip!b.log"]);
}

#[test]
fn zip_member_with_unsupported_compression_is_an_error_for_that_member() {
    let mut z = zip(&[entry("odd.log", TLS), entry("ok.log", TLS)]);
    // Method 99 in the first member's local and central headers.
    z[8..10].copy_from_slice(&99u16.to_le_bytes());
    let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    z[cd + 10..cd + 12].copy_from_slice(&99u16.to_le_bytes());
    let dir = Dir::new();
    dir.write("odd.zip", &z);
    let (report, _) = scan(&dir, &["odd.zip"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "odd.zip!odd.log");
    assert_eq!(finding_paths(&report), ["odd.zip!ok.log"]);
}

#[test]
fn zero_byte_files_are_scanned_and_empty() {
    let dir = Dir::new();
    dir.write("d/empty.log", "");
    dir.write("d/ok.log", TLS);
    dir.write(
        "e.tar.gz",
        tar_gz(&[entry("empty.log", ""), entry("ok.log", TLS)]),
    );
    let (report, _) = scan(&dir, &["d", "e.tar.gz"], 1);
    for input in report["inputs"].as_array().unwrap() {
        assert_eq!(input["files_scanned"], 2);
        assert!(input["errors"].as_array().unwrap().is_empty());
    }
}

#[test]
fn two_gigabyte_line_is_searched_in_bounded_memory() {
    const LINE: u64 = 2 << 30;
    let feed = Box::new(|w: &mut dyn Write| {
        let chunk = vec![b'x'; 1 << 20];
        let _ = w.write_all(b"first line\n");
        let mut sent = 0;
        while sent < LINE {
            if w.write_all(&chunk).is_err() {
                return;
            }
            sent += chunk.len() as u64;
        }
        let _ = w.write_all(b" net/http: TLS handshake timeout\nlast line\n");
    });
    let dir = Dir::new();
    let started = Instant::now();
    let (out, peak_kib) = run_measured(dir.path(), &["scan", "-"], Some(feed));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(peak_kib < 128 * 1024, "peak RSS {peak_kib} KiB");
    assert!(started.elapsed().as_secs() < 120, "{:?}", started.elapsed());
    let report = out.report();
    let f = &report["findings"][0];
    assert_eq!(f["first_line"], 2);
    assert_eq!(f["evidence"][0]["truncated"], true);
    assert!(f["evidence"][0]["text"].as_str().unwrap().len() <= 2048);
    assert_eq!(
        report["inputs"][0]["bytes_scanned"].as_u64().unwrap(),
        11 + LINE + 43
    );
}

#[test]
fn invalid_utf8_crlf_and_utf16_without_bom() {
    let mut latin = b"caf\xe9 \xff\xfe broken ".to_vec();
    latin.extend_from_slice(TLS.as_bytes());
    let crlf = format!("one\r\ntwo\r\n{}", TLS.replace('\n', "\r\n"));
    let utf16: Vec<u8> = format!("x\r\n{TLS}")
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let dir = Dir::new();
    dir.write(
        "b.tar",
        tar(&[
            entry("latin.log", latin),
            entry("crlf.log", crlf),
            entry("utf16.log", utf16),
        ]),
    );
    let (report, _) = scan(&dir, &["b.tar"], 1);
    let mut got: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["first_line"].as_u64().unwrap(),
                f["evidence"][0]["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got[0], ("b.tar!crlf.log".into(), 3, TLS.trim_end().into()));
    assert!(
        got[1].2.starts_with("caf\u{fffd} \u{fffd}\u{fffd} broken"),
        "{got:?}"
    );
    assert_eq!(got[2], ("b.tar!utf16.log".into(), 2, TLS.trim_end().into()));
}

#[cfg(unix)]
#[test]
fn fifo_in_a_folder_is_skipped_not_read() {
    let dir = Dir::new();
    dir.write("d/ok.log", TLS);
    let fifo = dir.path().join("d/pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let (report, _) = scan(&dir, &["d"], 1);
    assert_eq!(report["inputs"][0]["skipped"][0]["path"], "d/pipe");
    assert!(
        report["inputs"][0]["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("special file")
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_unless_asked_and_loops_are_caught() {
    let dir = Dir::new();
    dir.write("outside/secret.log", TLS);
    dir.write("d/ok.log", "fine\n");
    std::os::unix::fs::symlink(
        dir.path().join("outside"),
        dir.path().join("d/link"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("d"),
        dir.path().join("d/loop"),
    )
    .unwrap();
    let (report, _) = scan(&dir, &["d"], 0);
    let skipped: Vec<&str> = report["inputs"][0]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["d/link", "d/loop"]);
    assert!(findings(&report).is_empty());

    let (report, _) = scan(&dir, &["--follow", "d"], 2);
    assert_eq!(finding_paths(&report), ["d/link/secret.log"]);
    let errs = errors(&report);
    assert!(
        errs.iter().any(|(p, m)| p == "d/loop" && m.contains("loop")),
        "{errs:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_folder_is_an_error_and_the_rest_is_scanned() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    dir.write("d/ok.log", TLS);
    dir.write("d/locked/inside.log", TLS);
    let locked = dir.path().join("d/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000))
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    // root reads everything, so run as nobody where we are root.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n");
    let bin = env!("CARGO_BIN_EXE_logsift");
    let out = if root.unwrap_or(false) {
        std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                bin,
                "scan",
                "d",
            ])
            .current_dir(dir.path())
            .output()
    } else {
        std::process::Command::new(bin)
            .args(["scan", "d"])
            .current_dir(dir.path())
            .output()
    }
    .expect("run logsift");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755))
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).unwrap();
    validate(&report);
    assert_eq!(errors(&report)[0].0, "d/locked");
    assert!(errors(&report)[0].1.contains("permission denied"), "{report}");
    assert_eq!(finding_paths(&report), ["d/ok.log"]);
}

#[test]
fn empty_tar_and_tar_gz_are_empty_archives_not_binary_files() {
    let dir = Dir::new();
    dir.write("empty.tar.gz", tar_gz(&[]));
    dir.write("empty.tar", tar(&[]));
    dir.write("zeros.bin", vec![0u8; 4096]);
    let (report, _) =
        scan(&dir, &["empty.tar.gz", "empty.tar", "zeros.bin"], 0);
    let skipped =
        |i: usize| report["inputs"][i]["skipped"][0]["reason"].clone();
    assert_eq!(report["inputs"][0]["kind"], "tar.gz");
    assert_eq!(skipped(0), "empty archive (no members)");
    assert_eq!(skipped(1), "empty archive (no members)");
    // Zeros under another name are still a binary file.
    assert_eq!(skipped(2), "binary file (NUL bytes)");
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
}

#[test]
fn zero_padding_after_the_last_gzip_member_ends_the_stream() {
    let mut gz = gzip(TLS.as_bytes());
    gz.extend(vec![0u8; 10_240]);
    let mut bundle = tar_gz(&[entry("a.log", TLS)]);
    bundle.extend(vec![0u8; 512]);
    let dir = Dir::new();
    dir.write("padded.log.gz", &gz);
    dir.write("padded.tar.gz", &bundle);
    let (report, _) = scan(&dir, &["padded.log.gz", "padded.tar.gz"], 1);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(
        finding_paths(&report),
        ["padded.log.gz", "padded.tar.gz!a.log"]
    );
    // Data after the zeros is not padding.
    gz.extend_from_slice(b"more");
    dir.write("padded.log.gz", &gz);
    let (report, _) = scan(&dir, &["padded.log.gz"], 2);
    let errs = errors(&report);
    assert!(errs[0].1.contains("zero padding"), "{errs:?}");
    assert_eq!(finding_paths(&report), ["padded.log.gz"]);
}

#[test]
fn a_byte_budget_of_zero_is_one_error_per_input() {
    let dir = Dir::new();
    dir.write("a.log.gz", gzip(TLS.as_bytes()));
    dir.write("b.log", TLS);
    let (report, out) =
        scan(&dir, &["--max-bytes", "0", "a.log.gz", "b.log"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "a.log.gz");
    assert!(errs[0].1.contains("see --max-bytes"), "{errs:?}");
    assert_eq!(out.stderr.matches("a.log.gz").count(), 1, "{}", out.stderr);
    // The budget counts decompressed bytes: a plain file is read.
    assert_eq!(finding_paths(&report), ["b.log"]);
}

#[test]
fn threads_are_held_to_a_few_per_core() {
    let dir = Dir::new();
    dir.write("a.log", TLS);
    let (_, out) = scan(&dir, &["--threads", "1000000", "a.log"], 1);
    assert!(
        out.stderr.contains("--threads 1000000 is more than 4 per core"),
        "{}",
        out.stderr
    );
}

/// One tar header block: `name`, entry type `kind`, `size` bytes of data
/// to follow (GNU magic, so long-name records are recognised).
fn tar_header(name: &str, kind: u8, size: u64) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..name.len().min(100)]
        .copy_from_slice(&name.as_bytes()[..name.len().min(100)]);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = kind;
    h[257..265].copy_from_slice(b"ustar  \0");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// `data` padded to whole tar blocks.
fn blocks(data: &[u8]) -> Vec<u8> {
    let mut v = data.to_vec();
    v.resize(data.len().div_ceil(512) * 512, 0);
    v
}

#[test]
fn huge_tar_long_names_and_pax_records_skip_their_member_in_bounded_memory() {
    let mut t = Vec::new();
    // A 64 MiB GNU long name, then the member it names.
    let huge = 64 << 20;
    t.extend(tar_header("././@LongLink", b'L', huge));
    t.extend(vec![b'a'; huge as usize]);
    t.extend(tar_header("short-name.log", b'0', TLS.len() as u64));
    t.extend(blocks(TLS.as_bytes()));
    // A PAX record set of 1 MiB.
    let mut pax = String::new();
    while pax.len() < 1 << 20 {
        pax.push_str("31 comment=padding padding pad\n");
    }
    t.extend(tar_header("./PaxHeaders/x", b'x', pax.len() as u64));
    t.extend(blocks(pax.as_bytes()));
    t.extend(tar_header("pax-named.log", b'0', TLS.len() as u64));
    t.extend(blocks(TLS.as_bytes()));
    // A long name of 300 bytes, and a PAX path, are read as the names.
    let long = format!("var_log/{}.log", "n".repeat(290));
    t.extend(tar_header("././@LongLink", b'L', long.len() as u64 + 1));
    t.extend(blocks(format!("{long}\0").as_bytes()));
    t.extend(tar_header("cut-short-name", b'0', TLS.len() as u64));
    t.extend(blocks(TLS.as_bytes()));
    let record = "28 path=kubelet/kubelet.log\n";
    t.extend(tar_header("./PaxHeaders/y", b'x', record.len() as u64));
    t.extend(blocks(record.as_bytes()));
    t.extend(tar_header("kubelet-short", b'0', TLS.len() as u64));
    t.extend(blocks(TLS.as_bytes()));
    t.extend(vec![0u8; 1024]);
    let dir = Dir::new();
    dir.write("b.tar", &t);
    let (report, out) = scan(&dir, &["b.tar"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].0, "b.tar!pax-named.log");
    assert!(errs[0].1.contains("tar PAX record of 1048"), "{errs:?}");
    assert_eq!(errs[1].0, "b.tar!short-name.log");
    assert!(errs[1].1.contains("GNU long name of 67108864 bytes"), "{errs:?}");
    assert!(
        out.stderr.contains("over the 65536-byte limit"),
        "{}",
        out.stderr
    );
    assert_eq!(
        finding_paths(&report),
        ["b.tar!kubelet/kubelet.log".to_string(), format!("b.tar!{long}")]
    );
}

#[test]
fn nul_damaged_logs_are_scanned_around_the_damage_with_a_note() {
    let ok = "Nov 21 11:50:01 ip-10-0-1-2 kubelet[3012]: I1121 11:50:01.000000    3012 x.go:1] started\n";
    let bad = format!("Nov 21 11:50:02 ip-10-0-1-2 kubelet[3012]: {TLS}");
    let mut damaged = ok.repeat(3).into_bytes();
    damaged.extend(vec![0u8; 4096]);
    damaged.extend(bad.as_bytes());
    damaged.extend(ok.as_bytes());
    damaged.extend(vec![0u8; 100]);
    damaged.extend(bad.as_bytes());
    let mut zeros_first = vec![0u8; 512];
    zeros_first.extend(bad.as_bytes());
    // A binary file with NUL bytes and other control bytes stays binary.
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let dir = Dir::new();
    dir.write("messages", &damaged);
    dir.write("zeros-first.log", &zeros_first);
    dir.write("state.db", &binary);
    let (report, _) =
        scan(&dir, &["messages", "zeros-first.log", "state.db"], 1);
    assert_eq!(finding_paths(&report), ["messages", "zeros-first.log"]);
    assert_eq!(report["findings"][0]["count"], 2);
    let note = |i: usize| report["inputs"][i]["notes"][0]["message"].clone();
    assert_eq!(
        note(0),
        "damaged: 4196 NUL bytes in 2 run(s), the first at byte 267; the text around them was scanned"
    );
    assert_eq!(
        note(1)
            .as_str()
            .map(|s| s
                .contains("512 NUL bytes in 1 run(s), the first at byte 0")),
        Some(true)
    );
    assert_eq!(
        report["inputs"][2]["skipped"][0]["reason"],
        "binary file (NUL bytes)"
    );
    // The text format lists the notes.
    let text = run(
        &dir,
        &["scan", "--fail-on", "never", "--format", "text", "messages"],
    );
    assert!(text.stdout.contains("-- notes: 1"), "{}", text.stdout);
    let md = run(
        &dir,
        &["scan", "--fail-on", "never", "--format", "markdown", "messages"],
    );
    assert!(md.stdout.contains("## Notes"), "{}", md.stdout);
    assert!(md.stdout.contains("4196 NUL bytes"), "{}", md.stdout);
}

#[test]
fn a_bundle_name_with_an_impossible_time_has_no_collection_time_and_a_note() {
    let dir = Dir::new();
    let name = "eks_i-0123456789abcdef0_2025-02-30_2561-UTC_0.7.9";
    dir.write(&format!("{name}/kubelet/kubelet.log"), TLS);
    let (report, _) = scan(&dir, &[name], 1);
    assert_eq!(report["inputs"][0]["bundle"]["collected_at"], Value::Null);
    assert_eq!(
        report["inputs"][0]["bundle"]["instance_id"],
        "i-0123456789abcdef0"
    );
    let note = report["inputs"][0]["notes"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(note.contains("(2025-02-30 2561-UTC)"), "{note}");
}

#[test]
fn small_bombs_are_stopped_one_by_one_and_the_members_after_them_read() {
    // Forty gzip'd gzips of 24 MiB each, together past the byte budget,
    // each too small for the input's own ratio to notice; a plain tar,
    // so the outer layer is no bomb.
    let bomb = gzip(&gzip(&b"ok\n".repeat(8 << 20)));
    let mut entries: Vec<Entry> = (0..40)
        .map(|i| entry(&format!("var_log/bomb-{i:02}.log.gz"), bomb.clone()))
        .collect();
    entries.push(entry("z.log", TLS));
    let dir = Dir::new();
    dir.write("b.tar", tar(&entries));
    let (report, _) = scan(&dir, &["--max-bytes", "256M", "b.tar"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 40, "{errs:?}");
    assert!(
        errs.iter().all(|(p, m)| p.starts_with("b.tar!var_log/bomb-")
            && m.contains("ratio above 1000:1")),
        "{errs:?}"
    );
    assert_eq!(finding_paths(&report), ["b.tar!z.log"]);
}

/// Where a zip's records with `signature` start.
fn offsets(zip: &[u8], signature: &[u8; 4]) -> Vec<usize> {
    let starts = zip.windows(4).enumerate();
    starts.filter(|(_, w)| w == signature).map(|(i, _)| i).collect()
}

#[test]
fn zip_members_sharing_their_compressed_bytes_are_not_read_twice() {
    // Two members of one length; the second's central record is pointed
    // at the first's bytes, as overlapping zip bombs do.
    let mut z = zip(&[
        entry("a.log", TLS),
        entry("b.log", "quiet line\n"),
        entry("c.log", TLS),
    ]);
    let cds = offsets(&z, b"PK\x01\x02");
    assert_eq!(cds.len(), 3);
    let a_header = z[cds[0] + 42..cds[0] + 46].to_vec();
    let a_sizes = z[cds[0] + 16..cds[0] + 28].to_vec();
    z[cds[1] + 42..cds[1] + 46].copy_from_slice(&a_header);
    z[cds[1] + 16..cds[1] + 28].copy_from_slice(&a_sizes);
    let dir = Dir::new();
    dir.write("overlap.zip", &z);
    let (report, _) = scan(&dir, &["overlap.zip"], 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "overlap.zip!b.log");
    assert!(
        errs[0]
            .1
            .contains("shares its compressed bytes with overlap.zip!a.log"),
        "{errs:?}"
    );
    assert_eq!(
        finding_paths(&report),
        ["overlap.zip!a.log", "overlap.zip!c.log"]
    );
}

#[test]
fn a_streamed_zip_cut_before_its_directory_keeps_its_whole_members() {
    // Lines that differ, so a member cut near its end has inflated most
    // of its text before the cut.
    let quiet: String = (0..3000)
        .map(|i| {
            format!("I1121 11:50:01.{i:06}    3012 x.go:1] healthy {i}\n")
        })
        .collect();
    let z = zip_streamed(&[
        entry("a.log", format!("{quiet}{TLS}")),
        entry("b.log", format!("{TLS}{quiet}")),
        entry("c.log", format!("{TLS}{quiet}")),
    ]);
    assert_eq!(z[6] & 8, 8, "the writer streamed: sizes after the data");
    let headers = offsets(&z, b"PK\x03\x04");
    assert_eq!(headers.len(), 3);
    let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let dir = Dir::new();
    // Cut in the central directory: all three members are whole.
    dir.write("whole.zip", &z[..cd + 10]);
    // Cut inside the third member's data: two whole, the third's first
    // lines read, and an error naming it.
    dir.write("cut.zip", &z[..cd - 20]);
    let (report, _) = scan(&dir, &["whole.zip", "cut.zip"], 2);
    let errs = errors(&report);
    assert!(
        errs.contains(&(
            "cut.zip!c.log".to_string(),
            "archive is corrupt or truncated inside this member (the archive \
         ends before the member's data descriptor)"
                .to_string()
        )),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .all(|(p, m)| p == "cut.zip!c.log"
                || m.contains("central directory")),
        "{errs:?}"
    );
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert_eq!(
        finding_paths(&report),
        [
            "whole.zip!a.log",
            "whole.zip!b.log",
            "whole.zip!c.log",
            "cut.zip!a.log",
            "cut.zip!b.log",
            "cut.zip!c.log",
        ]
    );
}

#[test]
fn members_named_outside_their_archive_or_nothing_are_scanned_under_clean_names()
 {
    let members = [
        entry("../../etc/evil.log", TLS),
        entry("/abs/kubelet.log", TLS),
        entry(".", TLS),
        entry("./ok/./fine.log", TLS),
    ];
    let dir = Dir::new();
    dir.write("b.tar", tar(&members));
    dir.write("b.zip", zip(&members));
    let (report, _) = scan(&dir, &["b.tar", "b.zip"], 1);
    let expected = |archive: &str| {
        ["(unnamed 3)", "abs/kubelet.log", "etc/evil.log", "ok/fine.log"]
            .map(|m| format!("{archive}!{m}"))
    };
    let mut want: Vec<String> = expected("b.tar").into();
    want.extend(expected("b.zip"));
    assert_eq!(finding_paths(&report), want);
    for (i, archive) in ["b.tar", "b.zip"].iter().enumerate() {
        let notes: Vec<(String, String)> = report["inputs"][i]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["path"].as_str().unwrap().to_string(),
                    n["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            notes,
            [
                (
                    format!("{archive}!(unnamed 3)"),
                    "the member's stored name \".\" names no file; scanned \
                     under this placeholder"
                        .to_string()
                ),
                (
                    format!("{archive}!abs/kubelet.log"),
                    "the member's stored name \"/abs/kubelet.log\" points \
                     outside its archive; shown without its leading / and .. \
                     parts"
                        .to_string()
                ),
                (
                    format!("{archive}!etc/evil.log"),
                    "the member's stored name \"../../etc/evil.log\" points \
                     outside its archive; shown without its leading / and .. \
                     parts"
                        .to_string()
                ),
            ],
            "{archive}"
        );
    }
    // Nothing was written anywhere: the folder holds what the test wrote.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["b.tar", "b.zip"]);
}
