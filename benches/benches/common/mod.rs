//! Inputs of the criterion benches, all from the fixture generator
//! (`logsift-fixtures`), so they are the same lines `compare.sh` scans,
//! only smaller. Built once per process and shared by the groups.

use std::sync::OnceLock;

use logsift_benches::{embedded_literals, synthetic_pack};
use logsift_engine::Inflate;
use logsift_fixtures::{BundleSpec, bundle_entries, write_bundle};
use logsift_signatures::Pack;

/// Bytes of plain log text the search group scans.
pub const PLAIN_BYTES: usize = 64 << 20;

/// Bytes of log text inside the gzip member of the gzip group.
pub const GZIP_BYTES: usize = 32 << 20;

/// Scale of the generated bundle of the bundle group (about 35 MB of
/// logs, 3 MB compressed).
pub const BUNDLE_SCALE: u64 = 100_000;

fn spec(scale: u64) -> BundleSpec {
    BundleSpec { scale, seed: 1, ..BundleSpec::demo() }
}

/// At least [`PLAIN_BYTES`] of generated logs (kubelet, containerd,
/// ipamd, messages, ...), the text members of a bundle one after another,
/// cut at a line end.
pub fn plain_logs() -> &'static [u8] {
    static TEXT: OnceLock<Vec<u8>> = OnceLock::new();
    TEXT.get_or_init(|| {
        // About 350 bytes of text per unit of scale.
        let (entries, _) = bundle_entries(&spec(200_000));
        let mut text = Vec::with_capacity(PLAIN_BYTES + (1 << 20));
        for e in entries.iter().filter(|e| !e.data.starts_with(&[0x1f, 0x8b]))
        {
            text.extend_from_slice(&e.data);
            if !text.ends_with(b"\n") {
                text.push(b'\n');
            }
        }
        assert!(text.len() >= PLAIN_BYTES, "only {} bytes", text.len());
        let cut = text[..PLAIN_BYTES].iter().rposition(|&b| b == b'\n');
        text.truncate(cut.map_or(PLAIN_BYTES, |i| i + 1));
        text
    })
}

/// [`GZIP_BYTES`] of the same logs as one gzip member, as a rotated
/// `kubelet.log.gz` would hold them.
pub fn gzip_log() -> &'static (Vec<u8>, usize) {
    static GZ: OnceLock<(Vec<u8>, usize)> = OnceLock::new();
    GZ.get_or_init(|| {
        let text = &plain_logs()[..GZIP_BYTES];
        (logsift_fixtures::gzip(text), text.len())
    })
}

/// A generated eks-log-collector bundle (`.tar.gz`, with a rotated
/// `.gz` member inside) and the bytes of text it holds.
pub fn bundle() -> &'static (Vec<u8>, u64) {
    static BUNDLE: OnceLock<(Vec<u8>, u64)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut bytes = Vec::new();
        write_bundle(&spec(BUNDLE_SCALE), &mut bytes).unwrap();
        let n = logsift_benches::inflate_bundle(&bytes[..], Inflate::zlib())
            .unwrap();
        (bytes, n.outer + n.inner)
    })
}

/// The built-in pack.
pub fn default_pack() -> Pack {
    Pack::embedded().unwrap()
}

/// The built-in pack with twice as many synthetic signatures added.
pub fn tripled_pack() -> Pack {
    let mut pack = default_pack();
    let extra = 2 * pack.len();
    let toml = synthetic_pack(extra, 1, &embedded_literals());
    pack.add_toml("synthetic.toml", &toml).unwrap();
    pack
}
