//! What produced each file, told from where it sits in a bundle.
//!
//! Collectors lay bundles out differently (eks-log-collector's `./var_log/`,
//! the node monitoring agent's bare `kubelet/`, logdog's
//! `bottlerocket-logs/`, Windows' `system\`), and people re-pack bundles
//! under an extra folder. So a member path is first cut down to its
//! bundle-relative form, starting at the first component that is a known
//! bundle root, and classified from that.

use logsift_signatures::SourceKind;

/// First-level folders of eks-log-collector and NodeDiagnostic bundles.
pub(crate) const ELC_DIRS: &[&str] = &[
    "automode",
    "bottlerocket",
    "cni",
    "containerd",
    "docker",
    "gpu",
    "ipamd",
    "kernel",
    "kubelet",
    "modinfo",
    "networking",
    "nodeadm",
    "sandbox-image",
    "storage",
    "sysctls",
    "system",
    "var_log",
];

/// The root folder of a Bottlerocket logdog bundle.
pub(crate) const LOGDOG_ROOT: &str = "bottlerocket-logs";

/// Cuts a member path down to its bundle-relative form: separators made
/// `/`, a leading `./` or `/` dropped, and any wrapper folders before the
/// first known bundle root removed. A path with no known root is returned
/// normalised but otherwise whole.
pub(crate) fn bundle_relative(path: &str) -> String {
    let norm = normalize(path);
    let parts: Vec<&str> = norm.split('/').collect();
    // Only folders count as roots: a file named `system` proves nothing.
    let root = parts[..parts.len().saturating_sub(1)]
        .iter()
        .position(|p| ELC_DIRS.contains(p) || *p == LOGDOG_ROOT);
    match root {
        Some(i) => parts[i..].join("/"),
        None => norm,
    }
}

/// Separators made `/`, leading `./` and `/` dropped, empty, `.` and
/// `..` components removed: what is left names a place inside the
/// archive or folder, never above it.
pub(crate) fn normalize(path: &str) -> String {
    path.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a stored name points outside the archive it is in (a leading
/// `/`, a `..` part), so [`normalize`] changes what it says and not only
/// how it is written.
pub(crate) fn escapes(path: &str) -> bool {
    path.starts_with(['/', '\\']) || path.split(['/', '\\']).any(|c| c == "..")
}

/// Classifies a bundle-relative path (see [`bundle_relative`]).
pub(crate) fn classify(rel: &str) -> SourceKind {
    use SourceKind::*;
    let lower = rel.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    // A compressed copy (`kubelet/kubelet.log.gz`) holds what its name
    // without `.gz` would.
    let name = parts.last().copied().unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    let dir = if parts.len() > 1 { parts[0] } else { "" };
    let under = |p: &[&str]| parts.len() > p.len() && parts.starts_with(p);

    if under(&["var_log", "aws-routed-eni"])
        || under(&["var", "log", "aws-routed-eni"])
    {
        return if name.starts_with("ipamd") { Ipamd } else { CniPlugin };
    }
    if dir == LOGDOG_ROOT {
        return match name {
            "journalctl.log" | "journalctl.errors" | "kube-status" => Journal,
            "dmesg" => Dmesg,
            "ipamd.log" => Ipamd,
            "plugin.log" => CniPlugin,
            n if n.contains("config") || n.ends_with(".json") => Config,
            _ => CommandOutput,
        };
    }
    match dir {
        "kubelet" => match name {
            "kubelet.log" => Kubelet,
            "kubeproxy.log" => KubeProxy,
            "svc.log" => CommandOutput,
            _ => Config,
        },
        "containerd" if name == "containerd-log.txt" => Containerd,
        "containerd" if name.ends_with("-log.txt") => Journal,
        "containerd" if name.contains("config") => Config,
        "containerd" => CommandOutput,
        "docker" if name == "docker.log" => Docker,
        "docker" => CommandOutput,
        "kernel" if name.starts_with("dmesg") => Dmesg,
        "kernel" => CommandOutput,
        "nodeadm" => Nodeadm,
        "sandbox-image" | "automode" => Journal,
        "networking" if name == "configure-multicard-interfaces.txt" => {
            Journal
        }
        "cni" => Config,
        "system" => classify_windows_or_system(&parts, name),
        "networking" | "storage" | "sysctls" | "ipamd" | "modinfo" | "gpu" => {
            CommandOutput
        }
        "var_log" => classify_var_log(&parts, name),
        _ => classify_by_name(name),
    }
}

fn classify_windows_or_system(parts: &[&str], name: &str) -> SourceKind {
    use SourceKind::*;
    if name.ends_with(".csv") {
        return WindowsEvents;
    }
    match parts.get(1).copied() {
        Some("containerd_log") => Containerd,
        Some("eks") | Some("gmsa") => Unknown,
        Some("kubelet") | Some("cni") => Config,
        _ => CommandOutput,
    }
}

fn classify_var_log(parts: &[&str], name: &str) -> SourceKind {
    use SourceKind::*;
    let sub = parts.get(1).copied().unwrap_or("");
    if parts.len() > 2
        && (sub == "containers" || sub == "pods" || sub.contains('_'))
    {
        return Container;
    }
    match name {
        n if n.starts_with("messages") || n.starts_with("syslog") => Messages,
        n if n.starts_with("cron") => Messages,
        n if n.starts_with("cloud-init") || n.starts_with("user-data") => {
            CloudInit
        }
        n if n.starts_with("kube-proxy") && !n.contains('_') => KubeProxy,
        n if n.contains('_') && n.contains(".log") => Container,
        n => classify_by_name(n),
    }
}

/// Names that say what they are wherever they sit.
fn classify_by_name(name: &str) -> SourceKind {
    use SourceKind::*;
    if name.starts_with("terraform") || name.starts_with("tf-") {
        Terraform
    } else if name.starts_with("konvoy") {
        Konvoy
    } else if name.starts_with("ansible") {
        Ansible
    } else if name.starts_with("cloud-init") || name.starts_with("user-data") {
        CloudInit
    } else if name == "messages" || name == "syslog" {
        Messages
    } else if name.starts_with("kube-proxy") && name.contains(".log") {
        KubeProxy
    } else if name.starts_with("kubelet") && name.contains(".log") {
        Kubelet
    } else if name.starts_with("ipamd") && name.contains(".log") {
        Ipamd
    } else if name.starts_with("dmesg") {
        Dmesg
    } else {
        Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SourceKind::*;

    #[test]
    fn relative_paths_drop_prefixes_and_wrappers() {
        assert_eq!(
            bundle_relative("./kernel/dmesg.boot"),
            "kernel/dmesg.boot"
        );
        assert_eq!(
            bundle_relative(
                "eks_i-0abc_2026-11-21_1200-UTC_0.7.9/var_log/messages"
            ),
            "var_log/messages"
        );
        assert_eq!(
            bundle_relative("system\\kubelet\\kubelet-service.csv"),
            "system/kubelet/kubelet-service.csv"
        );
        assert_eq!(bundle_relative("notes/app.log"), "notes/app.log");
        assert_eq!(bundle_relative("system"), "system");
    }

    #[test]
    fn linux_collector_members() {
        for (path, kind) in [
            ("kubelet/kubelet.log", Kubelet),
            ("kubelet/kubelet_service.txt", Config),
            ("var_log/aws-routed-eni/ipamd.log", Ipamd),
            (
                "var_log/aws-routed-eni/ipamd-2024-01-01T00-00-00.000.log.gz",
                Ipamd,
            ),
            ("var_log/aws-routed-eni/plugin.log", CniPlugin),
            ("containerd/containerd-log.txt", Containerd),
            ("containerd/containerd-config.txt", Config),
            ("kernel/dmesg.current", Dmesg),
            ("kernel/uname.txt", CommandOutput),
            ("var_log/messages", Messages),
            ("kubelet/kubelet.log.gz", Kubelet),
            ("kube-proxy.log", KubeProxy),
            ("containerd/containerd-log.txt.gz", Containerd),
            ("var_log/cloud-init-output.log", CloudInit),
            ("nodeadm/nodeadm-run.log", Nodeadm),
            ("networking/iptables-save.txt", CommandOutput),
            ("ipamd/metrics.json", CommandOutput),
            (
                "var_log/kube-system_aws-node-abcde_0123/aws-node/0.log.20231020-102030.gz",
                Container,
            ),
            (
                "var_log/aws-node-abcde_kube-system_aws-node-0123abcd.log",
                Container,
            ),
            ("sandbox-image/sandbox-image-log.txt", Journal),
        ] {
            assert_eq!(classify(path), kind, "{path}");
        }
    }

    #[test]
    fn other_producers() {
        assert_eq!(classify("bottlerocket-logs/journalctl.log"), Journal);
        assert_eq!(classify("bottlerocket-logs/ipamd.log"), Ipamd);
        assert_eq!(
            classify("system/kubelet/kubelet-service.csv"),
            WindowsEvents
        );
        assert_eq!(classify("system/containerd_log/panic.log"), Containerd);
        assert_eq!(
            classify("var/log/aws-routed-eni/ipamd.log.2018-05-16-01"),
            Ipamd
        );
        assert_eq!(classify("corpus.log"), Unknown);
        assert_eq!(classify("terraform-apply.log"), Terraform);
    }
}

/// Tells a file's kind from its first lines, for files whose path says
/// nothing (a log passed directly, a journal dump named `.txt`). Returns
/// `Unknown` unless the lines agree on one producer, so that a file keeps
/// every signature when in doubt.
pub(crate) fn classify_content(head: &[u8]) -> SourceKind {
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let head = Head {
        lines: text
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty() && !l.starts_with("-- "))
            .take(12)
            .collect(),
    };
    if head.lines.is_empty() {
        return SourceKind::Unknown;
    }
    // A journal or syslog dump first: the lines of the tools below
    // also appear inside one.
    head.journal()
        .or_else(|| head.tool_output())
        .or_else(|| head.line_shape())
        .unwrap_or(SourceKind::Unknown)
}

/// A file's first lines, for [`classify_content`].
struct Head<'a> {
    lines: Vec<&'a str>,
}

impl Head<'_> {
    /// Whether a line holds one of `needles`.
    fn any(&self, needles: &[&str]) -> bool {
        self.lines.iter().any(|l| needles.iter().any(|n| l.contains(n)))
    }

    /// Whether most lines are like `f` says.
    fn most(&self, f: impl Fn(&str) -> bool) -> bool {
        self.lines.iter().filter(|l| f(l)).count() * 2 > self.lines.len()
    }

    /// A journal or syslog dump: of one unit when every line names it.
    fn journal(&self) -> Option<SourceKind> {
        use SourceKind::*;
        let idents: Vec<&str> =
            self.lines.iter().filter_map(|l| journal_ident(l)).collect();
        if idents.len() * 2 <= self.lines.len() {
            return None;
        }
        let same = idents.iter().all(|i| *i == idents[0]);
        Some(match idents[0] {
            "kubelet" if same => Kubelet,
            "containerd" if same => Containerd,
            "dockerd" | "docker" if same => Docker,
            "nodeadm" if same => Nodeadm,
            "kube-proxy" if same => KubeProxy,
            "cloud-init" if same => CloudInit,
            "kernel" if same => Dmesg,
            _ => Journal,
        })
    }

    /// The output of a provisioning tool, told by its banner lines.
    fn tool_output(&self) -> Option<SourceKind> {
        use SourceKind::*;
        if self.any(&["PLAY [", "TASK [", "PLAY RECAP"]) {
            return Some(Ansible);
        }
        let konvoy = [
            "konvoy up",
            "konvoy deploy",
            "konvoy provision",
            "Konvoy version",
        ];
        if self.any(&konvoy) {
            return Some(Konvoy);
        }
        if self.any(&[
            "Terraform v",
            "Terraform version:",
            "Initializing the backend",
            "Initializing provider plugins",
            "terraform-provider-",
            "│ Error:",
        ]) {
            return Some(Terraform);
        }
        if self.any(&["Cloud-init v.", "[CLOUDINIT]", "util.py["]) {
            return Some(CloudInit);
        }
        None
    }

    /// A log told by the shape of most of its lines: container log
    /// lines, JSON of a known caller, dmesg, logrus, klog.
    fn line_shape(&self) -> Option<SourceKind> {
        use SourceKind::*;
        if self.most(|l| l.starts_with("{\"log\":") || is_cri(l)) {
            return Some(Container);
        }
        if self.most(|l| l.starts_with('{')) {
            // ipamd logs from most of the VPC CNI's packages, and the
            // aws-node entrypoint in the same shape.
            let ipamd = [
                "\"caller\":\"ipamd/",
                "\"caller\":\"aws-k8s-agent/",
                "\"caller\":\"datastore/",
                "\"caller\":\"awsutils/",
                "\"caller\":\"networkutils/",
                "\"caller\":\"eniconfig/",
                "\"caller\":\"k8sapi/",
                "\"caller\":\"wait/wait.go",
                "\"caller\":\"retry/retry.go",
                "\"caller\":\"entrypoint.sh\"",
            ];
            let plugin = [
                "\"caller\":\"routed-eni-cni-plugin/",
                "\"caller\":\"driver/",
            ];
            return if self.any(&ipamd) {
                Some(Ipamd)
            } else if self.any(&plugin) {
                Some(CniPlugin)
            } else {
                // JSON of some other program: no line shape below fits.
                Some(Unknown)
            };
        }
        if self.most(|l| {
            l.starts_with('[')
                && l[1..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
        }) {
            return Some(Dmesg);
        }
        if self.most(|l| l.starts_with("time=\"") && l.contains(" level=")) {
            return Some(Containerd);
        }
        if self.most(|l| {
            crate::time::parse_line(l.as_bytes()).is_some() && is_klog(l)
        }) {
            return Some(Kubelet);
        }
        None
    }
}

/// `<time> <stdout|stderr> <F|P> `: a CRI container log line.
fn is_cri(l: &str) -> bool {
    let mut parts = l.splitn(4, ' ');
    let (Some(t), Some(stream), Some(tag)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    crate::time::iso(t.as_bytes()).is_some()
        && matches!(stream, "stdout" | "stderr")
        && matches!(tag, "F" | "P")
}

fn is_klog(l: &str) -> bool {
    l.starts_with(['I', 'W', 'E', 'F'])
        && l.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
}

/// The identifier of a journald or syslog line: `kubelet` in
/// `Nov 21 11:50:02 host kubelet[3012]: ...` (also with an ISO time).
fn journal_ident(l: &str) -> Option<&str> {
    crate::time::parse_line(l.as_bytes())?;
    let rest = if l.starts_with(|c: char| c.is_ascii_digit()) {
        l.split_once(' ')?.1
    } else {
        // `Mmm dd HH:MM:SS[.ffffff]`, the day possibly space-padded.
        let after_month = l.get(4..)?.trim_start();
        after_month.split_once(' ')?.1.split_once(' ')?.1
    };
    let (_host, rest) = rest.split_once(' ')?;
    let (tag, _) = rest.split_once(':')?;
    let ident = tag.split('[').next()?;
    (!ident.is_empty() && !ident.contains(' ')).then_some(ident)
}

#[cfg(test)]
mod content_tests {
    use super::*;
    use SourceKind::*;

    #[test]
    fn journal_dumps_by_their_idents() {
        let kubelet = "-- Logs begin at Tue 2020-03-24 00:58:10 UTC, end at x --\n\
            Nov 21 11:50:02 ip-10-0-1-2 kubelet[3012]: I1121 11:50:02.1 1 a.go:1] x\n\
            Nov 21 11:50:03 ip-10-0-1-2 kubelet[3012]: I1121 11:50:03.1 1 a.go:1] y\n";
        assert_eq!(classify_content(kubelet.as_bytes()), Kubelet);
        let mixed = "Nov  1 11:50:02 ip-10-0-1-2 kubelet: I1101 x\n\
            Nov  1 11:50:03 ip-10-0-1-2 systemd[1]: Started x.\n\
            Nov  1 11:50:04 ip-10-0-1-2 cloud-init[2301]: Cloud-init v. 19.3 running\n";
        assert_eq!(classify_content(mixed.as_bytes()), Journal);
        let iso = "2024-11-06T10:09:36.442123+0000 ip-10-0-1-2 containerd[1711]: time=\"x\" level=info\n";
        assert_eq!(classify_content(iso.as_bytes()), Containerd);
    }

    #[test]
    fn other_formats() {
        let cases: &[(&str, SourceKind)] = &[
            (
                "{\"level\":\"info\",\"ts\":\"2022-09-05T08:00:01.250Z\",\"caller\":\"ipamd/ipamd.go:1\",\"msg\":\"x\"}\n",
                Ipamd,
            ),
            ("{\"level\":\"info\",\"msg\":\"x\"}\n", Unknown),
            (
                "{\"level\":\"error\",\"ts\":\"2025-03-24T06:01:41.092Z\",\"caller\":\"wait/wait.go:109\",\"msg\":\"Unable to reach API Server\"}\n",
                Ipamd,
            ),
            (
                "{\"level\":\"info\",\"ts\":\"2022-03-16T07:55:09.739Z\",\"caller\":\"entrypoint.sh\",\"msg\":\"Retrying waiting for IPAM-D\"}\n",
                Ipamd,
            ),
            ("2024-05-01T12:00:00.123456789Z stderr F I0501 x\n", Container),
            (
                "{\"log\":\"x\\n\",\"stream\":\"stderr\",\"time\":\"2020-03-24T01:03:00Z\"}\n",
                Container,
            ),
            (
                "time=\"2023-10-13T07:01:22Z\" level=info msg=\"x\"\n",
                Containerd,
            ),
            (
                "I1121 11:50:02.123456    3012 kubelet.go:1] x\nE1121 11:50:03.1 3012 a.go:2] y\n",
                Kubelet,
            ),
            ("PLAY [all] ****\nTASK [Gathering Facts] ****\n", Ansible),
            ("Initializing the backend...\nTerraform v1.9.5\n", Terraform),
            ("Cloud-init v. 19.3-44.amzn2 running 'init-local'\n", CloudInit),
            ("[    0.000000] Linux version 5.10\n[    1.000000] x\n", Dmesg),
            ("just some text\nmore text\n", Unknown),
            ("", Unknown),
        ];
        for (text, kind) in cases {
            assert_eq!(classify_content(text.as_bytes()), *kind, "{text:?}");
        }
    }
}
