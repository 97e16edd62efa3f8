//! Build script: the version `logsift --version` prints, with the git
//! commit it was built from when built from a checkout of logsift.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let full = match revision() {
        Some(rev) => format!("{version} (rev {rev})"),
        None => version.to_string(),
    };
    println!("cargo::rustc-env=LOGSIFT_VERSION={full}");
    println!("cargo::rerun-if-changed=build.rs");
}

/// `git rev-parse --short HEAD` of the checkout this crate is in; `None`
/// without git, outside a checkout, or in a repository that merely holds a
/// copy of the crate (a packaged crate unpacked inside someone's home
/// repository must not claim that repository's commit).
fn revision() -> Option<String> {
    // The crate's own manifest is tracked only in logsift's checkout.
    git(&["ls-files", "--error-unmatch", "Cargo.toml"])?;
    watch_head();
    git(&["rev-parse", "--short", "HEAD"]).filter(|rev| !rev.is_empty())
}

/// Reruns this script when HEAD moves: HEAD itself on a checkout or a
/// switch, the branch it names on a commit (a loose ref, or packed-refs
/// once git packs it). Only files that exist are named, since cargo
/// reruns a script at every build for a path that is missing.
fn watch_head() {
    let (Some(git_dir), Some(common)) = (
        git(&["rev-parse", "--absolute-git-dir"]),
        git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]),
    ) else {
        return;
    };
    let (git_dir, common) = (PathBuf::from(git_dir), PathBuf::from(common));
    let mut watched = vec![git_dir.join("HEAD"), common.join("packed-refs")];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(common.join(branch));
    }
    for path in watched.iter().filter(|p| Path::exists(p)) {
        println!("cargo::rerun-if-changed={}", path.display());
    }
}

/// A git command's trimmed output in this crate's folder; `None` when git
/// is missing or the command fails.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok().map(|s| s.trim().to_string())
}
