//! `search-floor FILE`: the least a one-thread scan of a bundle can cost,
//! for `benches/compare.sh`. FILE is inflated as `inflate-only` inflates
//! it (the outer stream, every tar member, the gzip members inside), and
//! each 256 KiB piece's whole lines are searched for the built-in pack's
//! literals as a kubelet journal is (with its probe set, which is empty:
//! the miner reads klog levels in place): the needle search and the
//! comparison at each hit, and nothing else a scan does
//! (no line walk, no mining, no timestamps, no report). Every piece is
//! searched once, with one searcher, so a scan that searches some kinds
//! twice costs more. Prints the bytes searched and the hits.

use std::{fs::File, io::BufReader, process::ExitCode};

use logsift_benches::inflate_bundle_into;
use logsift_engine::{Inflate, MINING_PROBE_SETS};
use logsift_signatures::{Matcher, Pack, SourceKind};

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let [path] = files.as_slice() else {
        eprintln!("usage: search-floor FILE");
        return ExitCode::from(2);
    };
    let pack = match Pack::embedded() {
        Ok(pack) => pack,
        Err(e) => {
            eprintln!("search-floor: the built-in pack: {e}");
            return ExitCode::FAILURE;
        }
    };
    let matcher = Matcher::with_probes(pack.signatures(), MINING_PROBE_SETS);
    // A kubelet journal's probe set: the last, for formats whose levels
    // are read in place.
    let probes = MINING_PROBE_SETS.len().saturating_sub(1);
    let (mut searched, mut hits) = (0u64, Vec::new());
    let mut found = 0u64;
    let mut search = |piece: &[u8]| {
        let whole = memchr::memrchr(b'\n', piece).map_or(0, |i| i + 1);
        matcher.line_hits(
            &piece[..whole],
            SourceKind::Kubelet,
            probes,
            &mut hits,
        );
        searched += whole as u64;
        found += hits.len() as u64;
        hits.clear();
    };
    let result = File::open(path).and_then(|f| {
        inflate_bundle_into(
            BufReader::with_capacity(64 * 1024, f),
            Inflate::fastest(),
            &mut search,
            true,
        )
    });
    match result {
        Ok(_) => {
            println!("{path}: {searched} bytes searched, {found} hits");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("search-floor: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
