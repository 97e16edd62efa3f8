//! zlib-rs and ISA-L held to each other on gzip streams: whole, cut, and
//! with deflate data the fuzzer writes behind a valid header. Both must
//! give the same error, or none, and the same bytes (where one stops at
//! damage earlier than the other, the bytes up to the earlier stop). Runs
//! against zlib-rs alone when the system has no ISA-L.
//!
//! The first input byte chooses: even, the rest is deflate data behind a
//! gzip header; odd, the rest is compressed, then cut where its second
//! byte says.

#![no_main]

use std::io::{Read, Write};

use flate2::{Compression, write::GzEncoder};
use libfuzzer_sys::fuzz_target;
use logsift_engine::{Inflate, fuzzing::gzip_members};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let damaged = mode % 2 == 0;
    let stream = if damaged {
        let mut s = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        s.extend_from_slice(rest);
        s
    } else {
        let mut gz =
            GzEncoder::new(Vec::new(), Compression::new(u32::from(mode % 10)));
        if gz.write_all(rest).is_err() {
            return;
        }
        let Ok(mut s) = gz.finish() else { return };
        let cut = rest.first().map_or(0, |&b| usize::from(b) % 16);
        s.truncate(s.len().saturating_sub(cut));
        s
    };
    let Some(isal) = Inflate::isal() else {
        let _ = read(&stream, Inflate::zlib());
        return;
    };
    let (zlib_out, zlib_err) = read(&stream, Inflate::zlib());
    let (isal_out, isal_err) = read(&stream, isal);
    if damaged {
        // Each finds damage where its own tables do, and ISA-L takes some
        // code sets zlib refuses: both must fail, in whatever words.
        assert_eq!(
            zlib_err.is_some(),
            isal_err.is_some(),
            "{zlib_err:?} {isal_err:?}"
        );
    } else {
        assert_eq!(zlib_err, isal_err, "errors differ");
    }
    let shorter = zlib_out.len().min(isal_out.len());
    assert!(zlib_out[..shorter] == isal_out[..shorter], "bytes differ");
    if zlib_err.is_none() {
        assert_eq!(zlib_out.len(), isal_out.len(), "lengths differ");
    }
});

/// The bytes read, up to 1 MiB, and the error that ended them.
fn read(stream: &[u8], inflate: Inflate) -> (Vec<u8>, Option<String>) {
    let mut r = gzip_members(stream, inflate).take(1 << 20);
    let mut out = Vec::new();
    match r.read_to_end(&mut out) {
        Ok(_) => (out, None),
        Err(e) => (out, Some(format!("{:?}: {e}", e.kind()))),
    }
}
