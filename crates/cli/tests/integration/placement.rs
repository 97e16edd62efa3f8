//! Where a file sits never decides alone whether its lines are checked:
//! the same lines at the collector's path, in a Windows bundle, under a
//! folder the layout calls configuration or command output, in a loose
//! folder or under another name give the same findings.

use logsift_fixtures::{gzip, utf16le_with_bom};

use crate::{eqnice, harness::*, scenes::cni_down};

/// A kubelet journal: the API server times out, the CNI stays down.
fn kubelet() -> String {
    "Nov 21 11:50:02 ip-10-0-1-2 kubelet[3012]: E1121 11:50:02.000000    3012 \
     x.go:1] Get \"https://api\": net/http: TLS handshake timeout\n"
        .to_string()
        + &cni_down("ip-10-0-1-2", "")
}

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
            kubelet(),
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
            IPAMD.to_string(),
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
        let wide = utf16le_with_bom(&lines);
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

/// systemd's default link file, as `systemd-analyze cat-config` prints it
/// into `networking/systemd-network/`.
const DEFAULT_LINK: &str = "# /usr/lib/systemd/network/99-default.link\n\
    # SPDX-License-Identifier: MIT-0\n#\n\
    # This config file is installed as part of systemd.\n\n\
    [Match]\nOriginalName=*\n\n[Link]\n\
    NamePolicy=keep kernel database onboard slot path\n\
    AlternativeNamesPolicy=database onboard slot path\n\
    MACAddressPolicy=persistent\n";

/// The drop-in the EKS AMI adds on Amazon Linux 2023.
const NO_POLICY: &str = "\n# /etc/systemd/network/99-default.link.d/99-no-policy.conf\n\
    # Ensure MACAddressPolicy=none, the default from systemd is persistent.\n\
    [Link]\nMACAddressPolicy=none\n";

/// The last MACAddressPolicy= in a link file's merged configuration is
/// the one in force: the default's `persistent` set back to `none` by a
/// drop-in is no finding, alone it is, and one file's `none` does not
/// undo another file's `persistent`.
#[test]
fn a_link_policy_is_judged_by_its_last_setting_in_each_file() {
    let dir = Dir::new();
    let link = "networking/systemd-network/99-default.link";
    let scan = |name: &str, files: &[(&str, String)]| {
        for (rel, text) in files {
            dir.write(&format!("{name}/{rel}"), text);
        }
        run(&dir, &["scan", "--fail-on", "warning", name])
    };
    let al2023 =
        scan("al2023", &[(link, format!("{DEFAULT_LINK}{NO_POLICY}"))]);
    assert_eq!(al2023.code, 0, "{}", al2023.stdout);
    assert!(findings(&al2023.report()).is_empty(), "{}", al2023.stdout);

    let veth = "# /etc/systemd/network/50-veth.link\n[Match]\nDriver=veth\n\n\
                [Link]\nMACAddressPolicy=none\n";
    let reset_first = format!(
        "{NO_POLICY}\n# a later drop-in\n[Link]\nMACAddressPolicy=random\n"
    );
    for (name, files, policy) in [
        ("ubuntu", vec![(link, DEFAULT_LINK.to_string())], "persistent"),
        (
            "other-file",
            vec![
                (link, DEFAULT_LINK.to_string()),
                ("networking/systemd-network/50-veth.link", veth.to_string()),
            ],
            "persistent",
        ),
        ("set-again", vec![(link, reset_first)], "random"),
    ] {
        let out = scan(name, &files);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        let report = out.report();
        let setting = format!("MACAddressPolicy={policy}");
        let at = files[0].1.lines().position(|l| l == setting).unwrap_or(0);
        let at = at as u64 + 1;
        eqnice!(
            findings(&report),
            vec![(
                "mac-address-policy-not-none".to_string(),
                format!("{name}/{link}"),
                1,
                at,
                at,
            )]
        );
        assert_eq!(
            report["findings"][0]["message"],
            format!("MACAddressPolicy={policy} is in force"),
            "{name}"
        );
    }
}

/// Every node logs its CNI not ready while aws-node starts, with its
/// pods' errors: a minute of it is a healthy boot, under the threshold;
/// two and a half minutes are the failure. A folded pod event counts its
/// repeats.
#[test]
fn a_cni_down_for_a_boot_is_no_finding_and_for_minutes_an_error() {
    let dir = Dir::new();
    let down = cni_down("ip-10-0-1-2", "");
    // A minute of the kubelet's status check, and 2 s after each a pod
    // that waits for the network: counted by how long it lasts.
    let boot: String = down
        .lines()
        .take(12)
        .enumerate()
        .map(|(i, l)| {
            let s = 9 + i * 5;
            let (m, s) = (50 + s / 60, s % 60);
            format!(
                "{l}\nNov 21 11:{m:02}:{s:02}.523456 ip-10-0-1-2 kubelet[3012]: \
                 E1121 11:{m:02}:{s:02}.523400    3012 pod_workers.go:1301] \
                 \"Error syncing pod, skipping\" err=\"network is not ready: \
                 container runtime network not ready: NetworkReady=false \
                 reason:NetworkPluginNotReady message:Network plugin returns \
                 error: cni plugin not initialized\" \
                 pod=\"kube-system/ebs-csi-node-x7k2p\"\n"
            )
        })
        .collect();
    dir.write("boot/kubelet/kubelet.log", &boot);
    let out = run(&dir, &["scan", "boot"]);
    assert_eq!(out.code, 0, "a healthy boot passes: {}", out.stderr);
    let r = out.report();
    assert_eq!(r["findings"], serde_json::json!([]), "not a finding");
    let below = &r["inputs"][0]["below_threshold"][0];
    assert_eq!(below["signature"], "network-plugin-not-ready");
    assert_eq!((&below["count"], &below["peak"]), (&24.into(), &12.into()));
    assert_eq!(
        (&below["threshold"], &below["within_seconds"]),
        (&24.into(), &300.into())
    );

    dir.write("down/kubelet/kubelet.log", &down);
    let out = run(&dir, &["scan", "down"]);
    assert_eq!(out.code, 1, "minutes of it fail: {}", out.stderr);
    let f = &out.report()["findings"][0];
    assert_eq!(
        (&f["signature"], &f["severity"]),
        (&"network-plugin-not-ready".into(), &"error".into())
    );
    assert_eq!(
        (&f["count"], &f["threshold"]["peak"]),
        (&30.into(), &24.into())
    );

    let event = |n: u32| {
        format!(
            "  Warning  NetworkNotReady  4m22s (x{n} over 4m54s)  kubelet  \
             network is not ready: container runtime network not ready: \
             NetworkReady=false reason:NetworkPluginNotReady message:Network \
             plugin not initialized\n"
        )
    };
    dir.write("few/describe.txt", event(17));
    let r = run(&dir, &["scan", "few"]).report();
    assert_eq!(r["findings"], serde_json::json!([]));
    assert_eq!(r["inputs"][0]["below_threshold"][0]["peak"], 17);
    dir.write("many/describe.txt", event(27));
    let out = run(&dir, &["scan", "many"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let f = &out.report()["findings"][0];
    assert_eq!(
        (&f["count"], &f["threshold"]["peak"]),
        (&1.into(), &27.into())
    );
}

/// A kubelet journal in which the node is not found `n` times, 100 ms
/// apart from 09:00:00.
fn not_found(n: u64) -> String {
    (0..n)
        .map(|i| {
            let (s, ms) = (i / 10, (i % 10) * 100);
            format!(
                "Nov 21 09:{:02}:{:02} ip-10-0-1-2 kubelet[3012]: E1121 09:{:02}:{:02}.{ms:03}000    \
                 3012 kubelet.go:2448] \"Error getting node\" err=\"node \\\"ip-10-0-1-2.ec2.internal\\\" not found\"\n",
                s / 60,
                s % 60,
                s / 60,
                s % 60
            )
        })
        .collect()
}

/// While it registers, a kubelet logs its node not found for a few
/// seconds: said under the input, not a finding, and the run passes.
/// Minutes of it are an error.
#[test]
fn a_node_not_found_for_seconds_is_no_finding_and_for_minutes_an_error() {
    let dir = Dir::new();
    dir.write("boot/kubelet/kubelet.log", not_found(30));
    let out = run(&dir, &["scan", "boot"]);
    assert_eq!(
        out.code, 0,
        "under the threshold the run passes: {}",
        out.stderr
    );
    let r = out.report();
    assert_eq!(r["findings"], serde_json::json!([]), "not a finding");
    let below = &r["inputs"][0]["below_threshold"][0];
    assert_eq!(below["signature"], "node-not-found");
    assert_eq!((&below["count"], &below["peak"]), (&30.into(), &30.into()));
    assert_eq!(
        (&below["threshold"], &below["within_seconds"]),
        (&300.into(), &600.into())
    );
    let text =
        run(&dir, &["scan", "--format", "text", "--color", "never", "boot"])
            .stdout;
    assert!(
        text.contains("under threshold: node-not-found (30 lines, at most 30 within 10m; 300 make a finding)"),
        "{text}"
    );

    dir.write("stuck/kubelet/kubelet.log", not_found(400));
    let out = run(&dir, &["scan", "stuck"]);
    assert_eq!(out.code, 1, "at the threshold it fails: {}", out.stderr);
    let r = out.report();
    assert_eq!(r["findings"][0]["severity"], "error");
    assert_eq!(r["findings"][0]["threshold"]["peak"], 300);
    assert_eq!(r["occurrences"][0]["severity"], "error");
}

#[test]
fn the_report_says_what_decided_each_files_kind() {
    let dir = Dir::new();
    let b = "in/eks_i-0123456789abcdef0_2026-11-21_1200-UTC_0.7.9";
    dir.write(&format!("{b}/kubelet/kubelet.log"), kubelet());
    // ipamd's lines where the layout expects a command's output, with a
    // caller the first sniff did not know.
    let wait = IPAMD.replace("aws-k8s-agent/main.go:42", "wait/wait.go:109");
    dir.write(&format!("{b}/networking/dump.txt"), &wait);
    dir.write(
        &format!("{b}/networking/iptables-save.txt"),
        "*filter\n:INPUT ACCEPT [0:0]\n",
    );
    dir.write("loose/notes.txt", kubelet());
    let out = run(&dir, &["scan", "--fail-on", "never", "in", "loose"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let files = |i: usize| -> Vec<(String, String, String)> {
        report["inputs"][i]["coverage"]["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| {
                let s =
                    |k: &str| f[k].as_str().unwrap_or_default().to_string();
                let name = s("path")
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                (name, s("kind"), s("by"))
            })
            .collect()
    };
    let want = |n: &str, k: &str, by: &str| {
        (n.to_string(), k.to_string(), by.to_string())
    };
    eqnice!(
        files(0),
        vec![
            want("kubelet.log", "kubelet", "path"),
            want("dump.txt", "ipamd", "content"),
            want("iptables-save.txt", "command-output", "path"),
        ]
    );
    eqnice!(files(1), vec![want("notes.txt", "kubelet", "content")]);
    let ids: Vec<String> =
        findings(&report).into_iter().map(|f| f.0).collect();
    assert!(
        ids.contains(&"vpc-cni-apiserver-unreachable".to_string()),
        "{ids:?}"
    );

    // A kind the user gives wins, and the report says so.
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--source-kind",
            "kubelet",
            "loose/notes.txt",
        ],
    );
    let report = out.report();
    eqnice!(report["inputs"][0]["coverage"]["files"][0]["by"], "option");
}
