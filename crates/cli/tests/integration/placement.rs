//! Where a file sits never decides alone whether its lines are checked:
//! the same lines at the collector's path, in a Windows bundle, under a
//! folder the layout calls configuration or command output, in a loose
//! folder or under another name give the same findings.

use logsift_fixtures::{gzip, utf16le_with_bom};

use crate::{eqnice, harness::*};

/// A kubelet journal: the CNI is not ready, the API server times out.
const KUBELET: &str = "Nov 21 11:50:02 ip-10-0-1-2 kubelet[3012]: E1121 11:50:02.000000    3012 \
    x.go:1] Get \"https://api\": net/http: TLS handshake timeout\n\
    Nov 21 11:50:07 ip-10-0-1-2 kubelet[3012]: E1121 11:50:07.123400    3012 \
    kubelet.go:2373] \"Container runtime network not ready\" \
    networkReady=\"NetworkReady=false reason:NetworkPluginNotReady \
    message:Network plugin returns error: cni plugin not initialized\"\n";

/// ipamd's zap JSON: it cannot reach the API server.
const IPAMD: &str = "{\"level\":\"error\",\"ts\":\"2026-11-21T11:50:09.005Z\",\
    \"caller\":\"aws-k8s-agent/main.go:42\",\"msg\":\"Failed to check API server \
    connectivity: Get \\\"https://172.20.0.1:443/version?timeout=32s\\\": net/http: \
    TLS handshake timeout\"}\n";

/// The ids found when `data` is the only file of a folder, at `rel`.
fn ids_at(dir: &Dir, n: usize, rel: &str, data: &[u8]) -> Vec<String> {
    let input = format!("in{n}");
    dir.write(&format!("{input}/{rel}"), data);
    let out = run(dir, &["scan", "--fail-on", "never", &input]);
    assert_eq!(out.code, 0, "{rel}: {}", out.stderr);
    let mut ids: Vec<String> =
        findings(&out.report()).into_iter().map(|f| f.0).collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn the_same_lines_anywhere_give_the_same_findings() {
    let dir = Dir::new();
    let mut n = 0;
    for (lines, home, elsewhere) in [
        (
            KUBELET,
            "kubelet/kubelet.log",
            &[
                "kubelet.log",
                "notes/anything.txt",
                "kubelet/kubelet-copy.txt",
                "system/kubelet/kubelet-service.txt",
                "networking/journal.txt",
                "cni/kubelet.txt",
                "sysctls/x.txt",
                "gpu/nvidia.txt",
                "var_log/old/k.txt",
            ][..],
        ),
        (
            IPAMD,
            "var_log/aws-routed-eni/ipamd.log",
            &[
                "ipamd.json",
                "ipamd/ipamd-dump.txt",
                "networking/ipamd.txt",
                "cni/aws-node.log",
                "system/cni/ipamd.txt",
                "storage/x.log",
                "notes/i.log",
                "modinfo/ipamd",
                "kubelet/ipamd.txt",
            ][..],
        ),
    ] {
        n += 1;
        let want = ids_at(&dir, n, home, lines.as_bytes());
        assert!(!want.is_empty(), "{home}: nothing found at home");
        for rel in elsewhere {
            n += 1;
            eqnice!(want, ids_at(&dir, n, rel, lines.as_bytes()));
        }
        // Compressed, and as the Windows collector writes text (UTF-16).
        n += 1;
        eqnice!(
            want,
            ids_at(&dir, n, &format!("{home}.gz"), &gzip(lines.as_bytes()))
        );
        n += 1;
        let wide = utf16le_with_bom(lines);
        eqnice!(want, ids_at(&dir, n, "system/kubelet/service.txt", &wide));
    }
}

/// `ethtool -S` output is counters, not log lines: only a counter above
/// zero is a finding, and the finding says which counter and how many.
#[test]
fn network_allowance_counters_count_only_above_zero() {
    let dir = Dir::new();
    let healthy = "NIC statistics:\n     bw_in_allowance_exceeded: 0\n     \
                   bw_out_allowance_exceeded: 0\n     pps_allowance_exceeded: 0\n     \
                   conntrack_allowance_exceeded: 0\n     linklocal_allowance_exceeded: 0\n     \
                   conntrack_allowance_available: 154000\n";
    dir.write("ok/networking/ethtool.txt", healthy);
    let out = run(&dir, &["scan", "ok"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(findings(&out.report()).is_empty(), "{}", out.stdout);

    let busy = healthy
        .replace("pps_allowance_exceeded: 0", "pps_allowance_exceeded: 784");
    dir.write("busy/networking/ethtool.txt", busy);
    let r = run(&dir, &["scan", "--fail-on", "never", "busy"]).report();
    let f = &r["findings"][0];
    assert_eq!(f["signature"], "ena-allowance-exceeded");
    assert_eq!(f["count"], 1);
    assert_eq!(f["message"], "pps_allowance_exceeded: 784");
}
