//! Arbitrary text as a signature pack file: loaded, checked, compiled,
//! linted, digested, and its own example lines run through the matcher
//! and the message templates. Errors are fine; panics are not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use logsift_signatures::{Pack, SourceKind, lint};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut pack = Pack::new();
    if let Err(e) = pack.add_toml("fuzz.toml", text) {
        // Rendering points into the text at the error's offset.
        let _ = e.to_string();
        return;
    }
    if let Err(e) = pack.check() {
        let _ = e.to_string();
    }
    for d in lint(&pack) {
        let _ = d.to_string();
    }
    let _ = pack.digest();
    let matcher = pack.compile();
    let mut hits = Vec::new();
    for (i, sig) in pack.signatures().iter().enumerate() {
        let examples =
            sig.examples.matches.iter().chain(&sig.examples.no_match);
        for example in examples {
            let line = &example.line;
            for &kind in SourceKind::ALL {
                matcher.match_line(line.as_bytes(), kind, &mut hits);
                let _ = matcher.next_candidate(line.as_bytes(), kind, 0);
            }
            let _ = matcher.message(i, line.as_bytes());
        }
    }
});
