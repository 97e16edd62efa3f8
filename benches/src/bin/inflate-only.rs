//! `inflate-only FILE...`: the baseline of `benches/compare.sh`. Each FILE
//! is decompressed as logsift reads a bundle (outer gzip stream, then the
//! gzip members inside the tar) with the same flate2 backend, and nothing
//! is searched. Prints the bytes each layer produced.

use std::{fs::File, io::BufReader, process::ExitCode};

use logsift_benches::inflate_bundle;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: inflate-only FILE...");
        return ExitCode::from(2);
    }
    for path in files {
        // The file is read the way logsift reads it: through a buffer the
        // decoder fills as it goes.
        let result = File::open(&path).and_then(|f| {
            inflate_bundle(BufReader::with_capacity(64 * 1024, f))
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
