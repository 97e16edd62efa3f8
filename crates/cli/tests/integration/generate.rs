//! `logsift generate` (completions that shells load, a man page that `man`
//! renders cleanly) and `logsift --version`.

use std::process::Command;

use logsift_signatures::Pack;

use crate::harness::*;

/// `logsift generate KIND`, which must succeed quietly, written to a file
/// of `dir`.
fn generate(dir: &Dir, kind: &str) -> (std::path::PathBuf, String) {
    let out = run(dir, &["generate", kind]);
    assert_eq!(out.code, 0, "generate {kind}: {}", out.stderr);
    assert!(out.stderr.is_empty(), "generate {kind}: {}", out.stderr);
    let path = dir.write(kind, &out.stdout);
    (path, out.stdout)
}

#[test]
fn bash_completion_registers_for_logsift() {
    let dir = Dir::new();
    let (path, _) = generate(&dir, "complete-bash");
    let out = Command::new("bash")
        .arg("-c")
        .arg(r#"source "$1" && complete -p logsift"#)
        .arg("bash")
        .arg(&path)
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _logsift logsift"), "{stdout}");
}

#[test]
fn other_shells_complete_the_subcommands() {
    let dir = Dir::new();
    for kind in ["complete-zsh", "complete-fish", "complete-powershell"] {
        let (_, text) = generate(&dir, kind);
        for word in ["logsift", "scan", "merge", "signatures", "fail-on"] {
            assert!(text.contains(word), "{kind} lacks {word}");
        }
    }
}

#[test]
fn man_page_renders_without_warnings() {
    let dir = Dir::new();
    let (path, text) = generate(&dir, "man");
    assert!(text.contains("\n.TH logsift 1 "), "{text}");
    let has_man = Command::new("man").arg("--version").output().is_ok();
    if !has_man {
        // CI installs man-db (.ci/run), so only a developer's machine may
        // lack it.
        assert!(std::env::var_os("CI").is_none(), "man is missing in CI");
        eprintln!("skipped: `man` is not installed (apt-get install man-db)");
        return;
    }
    let out = Command::new("man")
        // Every groff warning, not only man's default few.
        .args(["--warnings=w", "-l"])
        .arg(&path)
        .env("MANWIDTH", "80")
        .output()
        .expect("run man");
    let page = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "man -l exit {:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "man -l warns:\n{stderr}");
    // Each command has its section, its options under it, and the exit
    // codes are there.
    for heading in [
        "LOGSIFT SCAN",
        "LOGSIFT SIGNATURES LIST",
        "LOGSIFT MERGE",
        "LOGSIFT GENERATE",
        "EXIT STATUS",
    ] {
        assert!(page.lines().any(|l| l == heading), "no {heading}:\n{page}");
    }
    assert!(page.contains("--max-line-bytes"), "{page}");
}

#[test]
fn version_names_the_build_the_built_in_pack_and_the_inflate_library() {
    let dir = Dir::new();
    let pack = Pack::embedded().expect("built-in pack");
    let second =
        format!("signatures: {} built-in, {}", pack.len(), pack.digest());
    // The commit is there whenever this is a git checkout, as in CI.
    let checkout = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .is_ok_and(|o| o.status.success());
    for flag in ["--version", "-V"] {
        for args in [vec![flag], vec!["scan", flag]] {
            let out = run(&dir, &args);
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            let lines: Vec<&str> = out.stdout.lines().collect();
            assert_eq!(lines.len(), 3, "{args:?}: {}", out.stdout);
            let first = lines[0];
            let version = concat!("logsift ", env!("CARGO_PKG_VERSION"));
            let rev = first
                .strip_prefix(version)
                .and_then(|r| r.strip_prefix(" (rev "))
                .and_then(|r| r.strip_suffix(')'));
            if checkout {
                let rev = rev.unwrap_or_else(|| panic!("no rev: {first}"));
                assert!(
                    rev.len() >= 7
                        && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{first}"
                );
            } else {
                assert!(first == version || rev.is_some(), "{first}");
            }
            assert_eq!(lines[1], second, "{args:?}");
            // The library `--inflate auto` takes: ISA-L wherever CI
            // installed it.
            let isal = std::env::var_os("LOGSIFT_REQUIRE_ISAL").is_some();
            assert!(
                lines[2] == "inflate: ISA-L (libisal.so.2)"
                    || (!isal && lines[2] == "inflate: zlib-rs"),
                "{args:?}: {}",
                lines[2]
            );
        }
    }
}
