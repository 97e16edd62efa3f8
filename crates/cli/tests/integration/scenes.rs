//! Bundles of each collector, built by code, that several tests scan.

use logsift_fixtures::{Entry, gzip, tar_gz, utf16le_with_bom, zip};

/// A kubelet journal line with a TLS handshake timeout.
pub const TLS: &str = "Nov 21 11:50:02 ip-10-0-1-2 kubelet[3012]: E1121 11:50:02.000000    3012 x.go:1] \
                   net/http: TLS handshake timeout\n";
/// A kubelet journal of `host`: the CNI plugin not initialized, every
/// five seconds for two and a half minutes from 11:50:07, over its
/// threshold (a healthy boot has a few such lines). `extra` is added to
/// each line's message.
pub fn cni_down(host: &str, extra: &str) -> String {
    (0..30)
        .map(|i| {
            let (m, s) = (50 + (7 + i * 5) / 60, (7 + i * 5) % 60);
            format!(
                "Nov 21 11:{m:02}:{s:02}.123456 {host} kubelet[3012]: \
                 E1121 11:{m:02}:{s:02}.123400    3012 kubelet.go:2373] \
                 \"Container runtime network not ready\" \
                 networkReady=\"NetworkReady=false \
                 reason:NetworkPluginNotReady message:Network plugin returns \
                 error: cni plugin not initialized{extra}\"\n"
            )
        })
        .collect()
}

/// The Windows collector's zip name.
pub const WINDOWS_ZIP: &str =
    "eks_i-0b318f704c74b6ab2_20200101T0620179658Z.zip";

/// A Windows collector zip: backslash names, UTF-16 text, an EVTX file,
/// a gzip'd kubelet log.
pub fn windows_zip() -> Vec<u8> {
    zip(&[
        Entry {
            path: "system\\sysinfo".into(),
            data: utf16le_with_bom("Host Name: EC2AMAZ\r\n"),
        },
        Entry {
            path: "system\\eks\\bootstrap.log".into(),
            data: utf16le_with_bom(&TLS.replace('\n', "\r\n")),
        },
        Entry {
            path: "system\\events\\System.evtx".into(),
            data: b"ElfFile\0....".to_vec(),
        },
        Entry {
            path: "system\\kubelet\\kubelet.log.gz".into(),
            data: gzip(TLS.as_bytes()),
        },
    ])
}

/// A Bottlerocket logdog bundle: a journal with the CNI down, and dmesg.
pub fn logdog() -> Vec<u8> {
    tar_gz(&[
        Entry {
            path: "bottlerocket-logs/journalctl.log".into(),
            data: cni_down("ip-10-0-1-2", "").into(),
        },
        Entry {
            path: "bottlerocket-logs/dmesg".into(),
            data: b"[  1.0] ok\n".to_vec(),
        },
    ])
}

/// A NodeDiagnostic bundle holding a kubelet log, the logdog bundle and
/// the instance id.
pub fn node_diagnostic() -> Vec<u8> {
    tar_gz(&[
        Entry { path: "kubelet/kubelet.log".into(), data: TLS.into() },
        Entry {
            path: "bottlerocket/logdog/bottlerocket-logs.tar.gz".into(),
            data: logdog(),
        },
        Entry {
            path: "system/instance-id.txt".into(),
            data: b"i-0123456789abcdef0\n".to_vec(),
        },
    ])
}
