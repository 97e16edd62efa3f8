//! Which inputs a run scans: a folder of bundles is one input per
//! bundle, and the same path named twice is scanned once.

use std::{fs, path::Path};

use logsift_engine::Input;

/// The inputs as scanned: a folder whose top level holds only bundles
/// (archives, by their bytes: tar, tar.gz, zip; or extracted bundle
/// folders; hidden files aside) becomes one input per bundle, by name, so
/// each bundle is reported, attributed and diagnosed on its own; anything
/// else (one extracted bundle, a folder of logs) stays as given. The same
/// file named twice, under any path (`b.tar.gz`, `./b.tar.gz`, a link to
/// it), is scanned once; the notes say which names were dropped.
pub(crate) fn expand(inputs: Vec<Input>) -> (Vec<Input>, Vec<String>) {
    let mut out: Vec<Input> = Vec::new();
    let mut notes = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for input in inputs {
        let expanded = match &input {
            Input::Path(p) if p.is_dir() => bundles_in(p),
            _ => None,
        };
        for i in expanded.unwrap_or_else(|| vec![input]) {
            // The file itself, where it can be told; else the name.
            let key = match &i {
                Input::Path(p) => fs::canonicalize(p)
                    .map(|c| c.display().to_string())
                    .unwrap_or_else(|_| i.display()),
                Input::Stdin { .. } => i.display(),
            };
            match seen.get(&key) {
                None => {
                    seen.insert(key, i.display());
                    out.push(i);
                }
                Some(first) if *first != i.display() => notes.push(format!(
                    "{} is {first}, given before: scanned once",
                    i.display()
                )),
                Some(_) => {}
            }
        }
    }
    (out, notes)
}

/// The bundles of a folder of bundles; `None` when it is a bundle itself,
/// holds anything else, or cannot be listed, so it is scanned as one
/// input and any error is reported by the scan.
fn bundles_in(dir: &Path) -> Option<Vec<Input>> {
    if logsift_engine::bundle_dir(dir) {
        return None;
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().ok()?;
        let bundle = if kind.is_dir() {
            logsift_engine::bundle_dir(&entry.path())
        } else {
            kind.is_file()
                && logsift_engine::archive_kind(&entry.path()).ok()?.is_some()
        };
        if !bundle {
            return None;
        }
        names.push(name);
    }
    if names.is_empty() {
        return None;
    }
    names.sort();
    Some(names.into_iter().map(|n| Input::Path(dir.join(n))).collect())
}
