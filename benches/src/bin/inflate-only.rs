//! `inflate-only [--inflate auto|isal|zlib] FILE...`: the baseline of
//! `benches/compare.sh`. Each FILE is decompressed as logsift reads a
//! bundle (outer gzip stream, then the gzip members inside the tar) with
//! logsift's gzip reader and the library `--inflate` names (`auto`, as in
//! logsift, by default), and nothing is searched. Prints the bytes each
//! layer produced.

use std::{fs::File, io::BufReader, process::ExitCode};

use logsift_benches::inflate_bundle;
use logsift_engine::Inflate;

const USAGE: &str = "usage: inflate-only [--inflate auto|isal|zlib] FILE...";

fn main() -> ExitCode {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    let mut inflate = Inflate::fastest();
    if files.first().map(String::as_str) == Some("--inflate") {
        let library = match files.get(1).map(String::as_str) {
            Some("auto") => Some(Inflate::fastest()),
            Some("isal") => Inflate::isal(),
            Some("zlib") => Some(Inflate::zlib()),
            _ => None,
        };
        let Some(library) = library else {
            eprintln!("{USAGE} (ISA-L must load for isal)");
            return ExitCode::from(2);
        };
        inflate = library;
        files.drain(..2);
    }
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    for path in files {
        // The file is read the way logsift reads it: through a buffer the
        // decoder fills as it goes.
        let result = File::open(&path).and_then(|f| {
            inflate_bundle(BufReader::with_capacity(64 * 1024, f), inflate)
        });
        match result {
            Ok(n) => println!(
                "{path}: {} raw, {} outer, {} in {} inner gzip members",
                n.raw, n.outer, n.inner, n.members
            ),
            Err(e) => {
                eprintln!("inflate-only: {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
