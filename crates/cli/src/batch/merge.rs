//! `logsift merge`: the fleet summary of reports written by separate
//! runs, the very bytes one run over all their inputs writes.

use std::{
    fs::{self, File},
    io::{self, BufWriter, Write},
    path::{Path, PathBuf},
};

use logsift_report::{
    fleet::{self, FleetBuilder},
    html,
};

use super::SUMMARY;
use crate::{config::MergeConfig, outcome::Outcome};

/// `logsift merge`: folds reports, one file at a time, into a summary.
pub(crate) fn merge(args: &MergeConfig) -> Outcome {
    let mut fleet = FleetBuilder::new();
    let mut failed = false;
    for path in &args.inputs {
        let files = match report_files(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("logsift: cannot read ({e}): {}", path.display());
                failed = true;
                continue;
            }
        };
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let added = fs::read(&file)
                .map_err(|e| format!("cannot read ({e})"))
                .and_then(|bytes| fleet.add_json(&bytes, &name));
            match added {
                Ok(duplicates) => {
                    for d in duplicates {
                        eprintln!(
                            "logsift: warning: input already merged, \
                             skipped: {d} in {}",
                            file.display()
                        );
                    }
                }
                Err(e) => {
                    eprintln!("logsift: {e}: {}", file.display());
                    failed = true;
                }
            }
        }
    }
    let summary = fleet.finish();
    let written = match &args.output {
        Some(p) if p.as_os_str() != "-" => File::create(p)
            .and_then(|f| fleet::write(&summary, BufWriter::new(f))),
        _ => fleet::write(&summary, BufWriter::new(io::stdout().lock())),
    };
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let to = args
                .output
                .as_ref()
                .map_or("standard output".to_string(), |p| {
                    p.display().to_string()
                });
            eprintln!("logsift: cannot write summary ({e}): {to}");
            failed = true;
        }
    }
    if let Some(path) = &args.html {
        let page = File::create(path).and_then(|f| {
            let mut w = BufWriter::new(f);
            html::write_fleet(&summary, &mut w)?;
            w.flush()
        });
        if let Err(e) = page {
            eprintln!(
                "logsift: cannot write summary ({e}): {}",
                path.display()
            );
            failed = true;
        }
    }
    if failed { Outcome::Error } else { Outcome::Clean }
}

/// A report file as given, or the `*.json` files of a folder but its
/// summary, by name.
fn report_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    if !fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".json")
            && name != SUMMARY
            && entry.file_type()?.is_file()
        {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}
