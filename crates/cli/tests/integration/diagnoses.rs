//! Every shipped diagnosis fires on a bundle built to trigger it and stays
//! silent on near misses; coverage says what could not be checked.
//!
//! The bundles are built here from the signatures' own example lines,
//! placed where the Linux collector puts each source, beside healthy
//! kubelet lines.

use logsift_fixtures::{Entry, tar_gz};
use logsift_signatures::{Pack, Signature, SourceKind};
use serde_json::Value;

use crate::harness::*;

const HEALTHY_KUBELET: &str = "Nov 20 10:00:38 ip-10-0-12-34.us-west-2.compute.internal kubelet[3012]: \
     I1120 10:00:38.484868    3012 memory_manager.go:170] \"Starting memorymanager\" policy=\"None\"\n";

/// Where the collector puts a file of this kind.
fn home_path(sig: &Signature) -> &'static str {
    use SourceKind::*;
    match sig.sources.first().copied().unwrap_or(Unknown) {
        Kubelet => "kubelet/kubelet.log",
        KubeProxy => "var_log/kube-proxy.log",
        Containerd => "containerd/containerd-log.txt",
        Docker => "docker/docker.log",
        Ipamd => "var_log/aws-routed-eni/ipamd.log",
        CniPlugin => "var_log/aws-routed-eni/plugin.log",
        Journal => "sandbox-image/sandbox-image-log.txt",
        Messages => "var_log/messages",
        Dmesg => "kernel/dmesg.current",
        CloudInit => "var_log/cloud-init-output.log",
        Nodeadm => "nodeadm/nodeadm-run.log",
        Container => "var_log/kube-system_aws-node-abcde_0123/aws-node/0.log",
        Terraform => "terraform-apply.log",
        Ansible => "ansible.log",
        Konvoy => "konvoy-up.log",
        CommandOutput => "networking/ifconfig.txt",
        WindowsEvents | Config | Unknown => "notes/output.log",
    }
}

/// A collector-shaped bundle holding the first example line of each named
/// signature, and healthy kubelet lines.
fn bundle(pack: &Pack, ids: &[&str]) -> Vec<u8> {
    let mut files: Vec<(String, String)> =
        vec![("kubelet/kubelet.log".to_string(), HEALTHY_KUBELET.to_string())];
    for id in ids {
        let sig = pack.get(id).unwrap_or_else(|| panic!("no signature {id}"));
        let line = sig
            .examples
            .matches
            .first()
            .map(|e| &e.line)
            .unwrap_or_else(|| panic!("{id} has no example"));
        let path = home_path(sig).to_string();
        // A threshold signature is a finding only when its line repeats.
        let times = sig.threshold.map_or(1, |t| t.count as usize);
        let lines = format!("{line}\n").repeat(times);
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, text)) => text.push_str(&lines),
            None => files.push((path, lines)),
        }
    }
    let entries: Vec<Entry> = files
        .into_iter()
        .map(|(p, t)| Entry { path: format!("./{p}"), data: t.into_bytes() })
        .collect();
    tar_gz(&entries)
}

fn diagnoses_of(dir: &Dir, name: &str, data: &[u8]) -> Vec<String> {
    dir.write(name, data);
    let out = run(dir, &["scan", "--fail-on", "never", name]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.report()["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["diagnosis"].as_str().unwrap().to_string())
        .collect()
}

/// The report on `input` in `format`, text without colour; a SARIF log
/// is checked against the official schema.
fn rendered(dir: &Dir, format: &str, input: &str) -> String {
    let out =
        run(dir, &["scan", "--format", format, "--color", "never", input]);
    if format == "sarif" {
        let sarif: Value = serde_json::from_str(&out.stdout).expect("sarif");
        crate::formats::validate_sarif(&sarif);
    }
    out.stdout
}

#[test]
fn every_diagnosis_triggers_and_near_misses_do_not() {
    let pack = Pack::embedded().unwrap();
    assert!(pack.diagnoses().len() >= 8, "ship at least 8 diagnoses");
    let dir = Dir::new();
    for (n, d) in pack.diagnoses().iter().enumerate() {
        let mut trigger: Vec<&str> =
            d.all_of.iter().map(String::as_str).collect();
        trigger.extend(d.any_of.first().map(String::as_str));
        // Two listings that disagree: the first twice, the second once.
        let listings: Vec<&str> =
            d.counts_differ.iter().map(String::as_str).collect();
        if let [a, b] = listings[..] {
            trigger.extend([a, a, b]);
        }
        let name = format!(
            "eks_i-0abc1234def5678{n:02}_2026-11-21_1200-UTC_0.7.9.tar.gz"
        );
        let got = diagnoses_of(&dir, &name, &bundle(&pack, &trigger));
        assert!(
            got.contains(&d.id),
            "{} did not fire on {trigger:?}: {got:?}",
            d.id
        );

        let mut misses: Vec<(String, Vec<&str>)> = Vec::new();
        for skip in d.all_of.iter() {
            let rest =
                trigger.iter().copied().filter(|id| id != skip).collect();
            misses.push((format!("without {skip}"), rest));
        }
        if !d.any_of.is_empty() {
            let rest = d.all_of.iter().map(String::as_str).collect();
            misses.push(("without any of any_of".into(), rest));
        }
        for marker in &d.none_of {
            let mut with = trigger.clone();
            with.push(marker);
            misses.push((format!("with {marker}"), with));
        }
        if let [a, b] = listings[..] {
            misses.push(("with as many of each".into(), vec![a, b]));
            misses.push((format!("without {b}"), vec![a, a]));
            misses.push((format!("without {a}"), vec![b]));
        }
        assert!(!misses.is_empty(), "{} has no near miss", d.id);
        for (why, ids) in misses {
            let got = diagnoses_of(&dir, &name, &bundle(&pack, &ids));
            assert!(!got.contains(&d.id), "{} fired {why}: {ids:?}", d.id);
        }
    }
}

#[test]
fn diagnosis_lists_its_findings_and_ranks_first() {
    let pack = Pack::embedded().unwrap();
    let dir = Dir::new();
    let data = bundle(
        &pack,
        &["network-plugin-not-ready", "node-register-unauthorized"],
    );
    dir.write(
        "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz",
        data,
    );
    let out = run(
        &dir,
        &["scan", "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz"],
    );
    assert_eq!(out.code, 1);
    let report = out.report();
    let d = &report["diagnoses"][0];
    assert_eq!(d["diagnosis"], "node-role-not-mapped");
    assert_eq!(d["severity"], "critical");
    let rest: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["signature"].as_str().unwrap())
        .collect();
    assert_eq!(
        rest,
        ["network-plugin-not-ready", "node-register-unauthorized"]
    );
    assert_eq!(report["summary"]["diagnoses"], 1);
    // Markers are never findings.
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["signature"] != "node-registered")
    );
}

/// The collector's `ifconfig` lists the interfaces that are up: one
/// without `lo` is a node with no loopback interface, said with what the
/// cause rests on and what it found missing; with `lo`, or without an
/// interface list at all, nothing is said.
#[test]
fn an_interface_list_without_the_loopback_interface_is_a_cause() {
    let eth = "eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 9001\n        \
               inet 10.0.12.34  netmask 255.255.255.0  broadcast 10.0.12.255\n        \
               ether 02:8e:3f:5a:1b:2c  txqueuelen 1000  (Ethernet)\n\n\
               eth1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 9001\n        \
               ether 02:8e:3f:5a:1b:2d  txqueuelen 1000  (Ethernet)\n\n";
    let lo = "lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        \
              inet 127.0.0.1  netmask 255.0.0.0\n        \
              loop  txqueuelen 1000  (Local Loopback)\n\n";
    let dir = Dir::new();
    let node = |name: &str, ifconfig: Option<String>| {
        let b = format!(
            "{name}/eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9"
        );
        dir.write(&format!("{b}/kubelet/kubelet.log"), HEALTHY_KUBELET);
        if let Some(text) = ifconfig {
            dir.write(&format!("{b}/networking/ifconfig.txt"), text);
        }
    };
    node("without", Some(eth.to_string()));
    node("with", Some(format!("{eth}{lo}")));
    node("unlisted", None);

    let out = run(&dir, &["scan", "without"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.report();
    let d = &report["diagnoses"][0];
    assert_eq!(d["diagnosis"], "loopback-interface-missing");
    assert_eq!(d["findings"][0]["signature"], "ifconfig-interface-listed");
    assert_eq!(d["findings"][0]["count"], 2);
    assert_eq!(d["absent"], serde_json::json!(["ifconfig-loopback-listed"]));
    assert_eq!(
        report["findings"],
        serde_json::json!([]),
        "markers are no findings"
    );
    let text = rendered(&dir, "text", "without");
    assert!(
        text.contains("because: ifconfig-interface-listed (2), without ifconfig-loopback-listed"),
        "{text}"
    );
    let md = rendered(&dir, "markdown", "without");
    assert!(md.contains(", without `ifconfig-loopback-listed`"), "{md}");
    let sarif: Value =
        serde_json::from_str(&rendered(&dir, "sarif", "without")).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "loopback-interface-missing");
    assert_eq!(
        result["properties"]["absent"],
        serde_json::json!(["ifconfig-loopback-listed"])
    );

    // Markers are never findings, so a suppression names one to accept
    // the cause resting on it.
    dir.write(
        "s.toml",
        "[[suppression]]\nsignature = \"ifconfig-interface-listed\"\n\
         reason = \"lab node, lo managed elsewhere\"\n",
    );
    let out = run(&dir, &["scan", "--suppressions", "s.toml", "without"]);
    assert_eq!(out.code, 0, "a suppressed cause passes: {}", out.stderr);
    assert_eq!(
        out.report()["diagnoses"][0]["suppressed"]["reason"],
        "ifconfig-interface-listed is suppressed: lab node, lo managed elsewhere"
    );

    for quiet in ["with", "unlisted"] {
        let out = run(&dir, &["scan", quiet]);
        assert_eq!(out.code, 0, "{quiet}: {}", out.stdout);
        assert_eq!(
            out.report()["diagnoses"],
            serde_json::json!([]),
            "{quiet}"
        );
    }
}

/// An NVIDIA bug report as nvidia-bug-report.sh writes it, for a node
/// whose driver probed `probed` GPUs: their `information` dumps, then
/// nvidia-smi -q, which opens the first `opened` and says so of the rest,
/// with `replays` PCIe replays on the first GPU.
fn bug_report(probed: usize, opened: usize, replays: u32) -> Vec<u8> {
    let bus = |i: usize| format!("0000:{:02x}:00.0", 0x10 + i);
    let mut text = String::from(
        "nvidia-bug-report.sh Version: 37062940\n\n\
         ____________________________________________\n\n",
    );
    for i in 0..probed {
        text += &format!(
            "*** /proc/driver/nvidia/gpus/{0}/power\n\
             *** ls: -r--r--r-- 1 root root 0 2026-11-21 12:00:01.000000000 +0000 \
             /proc/driver/nvidia/gpus/{0}/power\nRuntime D3 status:          Not supported\n\n",
            bus(i)
        );
    }
    for i in 0..probed {
        text += &format!(
            "____________________________________________\n\n\
             *** /proc/driver/nvidia/gpus/{0}/information\n\
             *** ls: -r--r--r-- 1 root root 0 2026-11-21 12:00:01.000000000 +0000 \
             /proc/driver/nvidia/gpus/{0}/information\n\
             Model: \t\t NVIDIA A10G\nBus Location: \t {0}\n\n",
            bus(i)
        );
    }
    text += "____________________________________________\n\n\
             /usr/bin/nvidia-smi --query\n\n";
    for i in opened..probed {
        text += &format!(
            "Unable to determine the device handle for GPU{}: Unknown Error\n",
            bus(i).to_uppercase()
        );
    }
    text += &format!(
        "\n==============NVSMI LOG==============\n\n\
         Driver Version                            : 580.95.05\n\n\
         Attached GPUs                             : {probed}\n"
    );
    for i in 0..opened {
        let count = if i == 0 { replays } else { 0 };
        text += &format!(
            "GPU 0000{}\n    Product Name                          : NVIDIA A10G\n    PCI\n\
             \x20       Replays Since Reset               : {count}\n\
             \x20       Replay Number Rollovers           : 0\n",
            bus(i).to_uppercase()
        );
    }
    logsift_fixtures::gzip(text.as_bytes())
}

/// A GPU the kernel driver probed but nvidia-smi cannot open: the
/// report's two listings disagree (a cause, with both counts), and
/// nvidia-smi's own line says which GPU; PCIe replays are counted. A
/// report whose listings agree, with no replays, says nothing.
#[test]
fn a_gpu_the_driver_probed_but_nvidia_smi_cannot_open_is_a_cause() {
    let dir = Dir::new();
    let node = |name: &str, report: Vec<u8>| {
        let b = format!(
            "{name}/eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9"
        );
        dir.write(&format!("{b}/kubelet/kubelet.log"), HEALTHY_KUBELET);
        dir.write(&format!("{b}/gpu/nvidia-bug-report.log.gz"), report);
    };
    node("lost", bug_report(8, 7, 3));
    node("healthy", bug_report(8, 8, 0));

    let out = run(&dir, &["scan", "lost"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.report();
    let d = &report["diagnoses"][0];
    assert_eq!(d["diagnosis"], "nvidia-gpu-count-mismatch");
    assert_eq!(d["counts_differ"], true);
    // Each entry's signature, with one of its fields as text.
    let pairs = |list: &Value, field: &str| -> Vec<(String, String)> {
        let list = list.as_array().expect("a list");
        let text = |v: &Value| v.as_str().map_or(v.to_string(), String::from);
        list.iter().map(|f| (text(&f["signature"]), text(&f[field]))).collect()
    };
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    assert_eq!(
        pairs(&d["findings"], "count"),
        owned(&[
            ("nvidia-driver-gpu-listed", "8"),
            ("nvidia-smi-gpu-listed", "7")
        ])
    );
    assert_eq!(
        pairs(&report["findings"], "message"),
        owned(&[
            (
                "nvidia-gpu-handle-unavailable",
                "GPU 0000:17:00.0: Unknown Error"
            ),
            ("nvidia-pcie-replays", "GPU PCIe replays: 3"),
        ])
    );
    let text = rendered(&dir, "text", "lost");
    assert!(
        text.contains(
            "because: nvidia-driver-gpu-listed (8) vs nvidia-smi-gpu-listed (7), which differ"
        ),
        "{text}"
    );

    let sarif: Value =
        serde_json::from_str(&rendered(&dir, "sarif", "lost")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let result = results
        .iter()
        .find(|r| r["ruleId"] == "nvidia-gpu-count-mismatch")
        .expect("the cause is a result");
    assert_eq!(result["properties"]["counts_differ"], true);
    let md = rendered(&dir, "markdown", "lost");
    assert!(md.contains("(7), which differ"), "{md}");

    let out = run(&dir, &["scan", "--fail-on", "info", "healthy"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report = out.report();
    assert_eq!(report["diagnoses"], serde_json::json!([]));
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn missing_kubelet_log_is_reported_and_its_signatures_not_evaluated() {
    let entries = vec![
        Entry {
            path: "./containerd/containerd-log.txt".into(),
            data: b"Nov 20 10:00:31 ip-10-0-12-34 containerd[2810]: time=\"2026-11-20T10:00:31Z\" level=info msg=\"ok\"\n".to_vec(),
        },
        Entry { path: "./var_log/aws-routed-eni/ipamd.log".into(), data: b"{\"level\":\"info\",\"ts\":\"2026-11-20T10:00:55.000Z\",\"msg\":\"ok\"}\n".to_vec() },
        Entry { path: "./docker/docker.log".into(), data: b"-- No entries --\n".to_vec() },
    ];
    let dir = Dir::new();
    let name = "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz";
    dir.write(name, tar_gz(&entries));
    let report = run(&dir, &["scan", name]).report();
    let cov = &report["inputs"][0]["coverage"];
    let status = |kind: &str| -> Value {
        cov["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind)
            .map(|s| s["status"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(status("kubelet"), "missing");
    assert_eq!(status("containerd"), "present");
    assert_eq!(status("docker"), "empty");
    let not_evaluated: Vec<&str> = cov["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(not_evaluated.contains(&"node-name-empty"), "{not_evaluated:?}");
    assert!(
        !not_evaluated.contains(&"network-plugin-not-ready"),
        "containerd was read"
    );
    assert!(
        !not_evaluated.contains(&"node-registered"),
        "markers are not listed"
    );
}

#[test]
fn truncated_messages_are_reported_and_still_scanned() {
    let mut messages = "\u{e9}t cut mid-character and mid-line by tail -c\n"
        .as_bytes()[1..]
        .to_vec();
    messages.extend_from_slice(
        b"Nov 20 10:00:44 ip-10-0-12-34 kubelet: E1120 10:00:44.204118    3012 kubelet.go:2240] node \"\" not found\n",
    );
    let entries =
        vec![Entry { path: "./var_log/messages".into(), data: messages }];
    let dir = Dir::new();
    let name = "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz";
    dir.write(name, tar_gz(&entries));
    let out = run(&dir, &["scan", "--fail-on", "never", name]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.report();
    let sources =
        report["inputs"][0]["coverage"]["sources"].as_array().unwrap().clone();
    let messages = sources.iter().find(|s| s["kind"] == "messages").unwrap();
    assert_eq!(messages["status"], "truncated");
    assert_eq!(report["findings"][0]["signature"], "node-name-empty");
    assert_eq!(report["findings"][0]["first_line"], 2);
    assert_eq!(report["findings"][0]["first_seen"], "2026-11-20T10:00:44Z");
}

/// An empty folder, a folder of nothing readable and empty standard
/// input: the report says nothing was scanned and checks no signature;
/// `--fail-on-incomplete` fails on it.
#[test]
fn nothing_scanned_is_not_no_findings() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
    dir.write("binaries/core", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    dir.write("binaries/.hidden.bin", b"\0\0\0\0");
    let signatures = {
        let out = run(&dir, &["signatures", "list", "--format", "json"]);
        let list: serde_json::Value =
            serde_json::from_str(&out.stdout).expect("list");
        list.as_array()
            .expect("array")
            .iter()
            .filter(|s| s["marker"] != true)
            .count()
    };
    // (input as reported, arguments, standard input)
    type Case<'a> = (&'a str, &'a [&'a str], Option<&'a [u8]>);
    let cases: [Case<'_>; 3] = [
        ("empty", &["empty"], None),
        ("binaries", &["binaries"], None),
        ("-", &["-"], Some(b"")),
    ];
    for (name, inputs, stdin) in cases {
        let mut args = vec!["scan", "--format", "json"];
        args.extend_from_slice(inputs);
        let out = run_in(dir.path(), &args, stdin);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let report = out.report();
        let input = &report["inputs"][0];
        assert_eq!(input["nothing_scanned"], true, "{name}: {input}");
        let not = input["coverage"]["not_evaluated"].as_array().expect("list");
        assert_eq!(not.len(), signatures, "{name}: every signature unchecked");

        let mut args = vec!["scan", "--format", "text", "--color", "never"];
        args.extend_from_slice(inputs);
        let text = run_in(dir.path(), &args, stdin).stdout;
        assert!(
            text.contains("nothing scanned: no log in this input"),
            "{name}: {text}"
        );
        assert!(!text.contains("no findings"), "{name}: {text}");

        let mut args = vec!["scan", "--fail-on-incomplete"];
        args.extend_from_slice(inputs);
        let out = run_in(dir.path(), &args, stdin);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "logsift: incomplete: nothing scanned: {name}"
            )),
            "{name}: {}",
            out.stderr
        );
    }
}

/// A node bundle never holds provisioning logs: their signatures are not
/// applicable there, in one line, not "not checked" noise; a loose folder
/// could hold them, so there they stay not checked.
#[test]
fn provisioning_signatures_do_not_apply_to_a_node_bundle() {
    let demo = demo_bundle();
    let dir = Dir::new();
    dir.write("bundle.tar.gz", std::fs::read(&demo).expect("demo"));
    dir.write("loose/kubelet.log", "I1121 fine\n");
    let report =
        run(&dir, &["scan", "--fail-on", "never", "bundle.tar.gz"]).report();
    let coverage = &report["inputs"][0]["coverage"];
    assert_eq!(coverage["not_evaluated"], serde_json::json!([]), "{coverage}");
    let na: Vec<&str> = coverage["not_applicable"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(na.contains(&"terraform-provider-error"), "{na:?}");
    assert!(
        na.iter()
            .all(|id| id.starts_with("ansible-")
                || id.starts_with("terraform-")),
        "{na:?}"
    );
    let text = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--format",
            "text",
            "--color",
            "never",
            "bundle.tar.gz",
        ],
    )
    .stdout;
    assert_eq!(text.matches("not applicable:").count(), 1, "{text}");
    assert!(!text.contains("not checked"), "{text}");
    let xml = run(
        &dir,
        &["scan", "--fail-on", "never", "--format", "junit", "bundle.tar.gz"],
    )
    .stdout;
    assert!(
        xml.contains("<skipped message=\"not applicable: provisioning logs"),
        "{xml}"
    );

    let loose = run(&dir, &["scan", "--fail-on", "never", "loose"]).report();
    let coverage = &loose["inputs"][0]["coverage"];
    assert_eq!(coverage["not_applicable"], serde_json::json!([]));
    let not = coverage["not_evaluated"].as_array().expect("list");
    assert!(not.iter().any(|v| v == "terraform-provider-error"), "{coverage}");
    let xml = run(
        &dir,
        &["scan", "--fail-on", "never", "--format", "junit", "loose"],
    )
    .stdout;
    assert!(
        xml.contains("<skipped message=\"not checked: no ansible log was read in this input\"/>"),
        "{xml}"
    );
}
