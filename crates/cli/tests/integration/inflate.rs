//! ISA-L and zlib-rs give the same report: whole bundles, rotated members,
//! and streams cut short or padded. Where the system has no ISA-L (and
//! `LOGSIFT_REQUIRE_ISAL` is not set, as CI sets it), `--inflate isal` must
//! say so and `auto` must take zlib-rs.

use logsift_fixtures::{BundleSpec, Entry, gzip, tar_gz, write_bundle};

use crate::harness::*;

/// What the failing generated bundle holds, as several containers that
/// each put a gzip stream in another place.
fn inputs(dir: &Dir) -> Vec<String> {
    let spec = BundleSpec {
        instance_id: "i-0feedfacecafe0001".into(),
        seed: 7,
        scale: 2_000,
        failures: true,
        ..BundleSpec::demo()
    };
    let mut bundle = Vec::new();
    write_bundle(&spec, &mut bundle).expect("bundle");
    let name = spec.file_name();
    dir.write(&name, &bundle);
    // Cut in transfer: the lines before the cut are scanned, the cut is
    // an error.
    dir.write("cut/bundle.tar.gz", &bundle[..bundle.len() * 2 / 3]);
    // Padded by an uploader, and followed by a second member.
    let mut padded = bundle.clone();
    padded.extend([0u8; 4096]);
    dir.write("padded/bundle.tar.gz", &padded);
    let kubelet = b"E1121 11:50:02.000000    3012 kubelet.go:1] \"Error getting node\" err=\"node \\\"ip-10-0-1-2.ec2.internal\\\" not found\"\n";
    let mut two = gzip(&kubelet.repeat(5_000));
    two.extend(gzip(b"I1121 11:50:03.000000    3012 kubelet.go:2] ok\n"));
    dir.write("members/kubelet.log.gz", &two);
    // A rotated .gz inside a .tar.gz, inflated on the scanning thread.
    let inner = tar_gz(&[Entry {
        path: "var_log/messages-20261121.gz".into(),
        data: gzip(&kubelet.repeat(3_000)),
    }]);
    dir.write("nested/rotated.tar.gz", &inner);
    vec![
        name,
        "cut".into(),
        "padded".into(),
        "members".into(),
        "nested".into(),
    ]
}

#[test]
fn isal_and_zlib_give_the_same_report() {
    let dir = Dir::new();
    let inputs = inputs(&dir);
    let scan = |library: &str, threads: &str| {
        let mut args = vec![
            "scan",
            "--inflate",
            library,
            "--threads",
            threads,
            "--fail-on",
            "never",
        ];
        args.extend(inputs.iter().map(String::as_str));
        run(&dir, &args)
    };
    // The cut bundle is an input error: exit 2, after the whole report.
    let zlib = scan("zlib", "2");
    assert_eq!(zlib.code, 2, "{}", zlib.stderr);
    let report = zlib.report();
    assert_eq!(report["summary"]["errors"], 1, "the cut bundle");
    assert!(zlib.stdout.contains("node-not-found"), "{}", zlib.stdout);
    let isal = scan("isal", "2");
    if isal.stdout.is_empty()
        && std::env::var_os("LOGSIFT_REQUIRE_ISAL").is_none()
    {
        assert!(isal.stderr.contains("libisal.so.2"), "{}", isal.stderr);
        assert_eq!(scan("auto", "2").stdout, zlib.stdout, "auto is zlib-rs");
        return;
    }
    assert_eq!(isal.code, 2, "{}", isal.stderr);
    assert_eq!(isal.stderr, zlib.stderr);
    assert!(isal.stdout == zlib.stdout, "ISA-L's report differs");
    // One thread inflates in place instead of ahead of the scan.
    assert!(scan("isal", "1").stdout == zlib.stdout, "1 thread differs");
    assert!(scan("auto", "2").stdout == zlib.stdout, "auto differs");
}
