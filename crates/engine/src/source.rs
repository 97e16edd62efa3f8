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

/// Separators made `/`, leading `./` and `/` dropped, empty and `.`
/// components removed.
pub(crate) fn normalize(path: &str) -> String {
    path.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Classifies a bundle-relative path (see [`bundle_relative`]).
pub(crate) fn classify(rel: &str) -> SourceKind {
    use SourceKind::*;
    let lower = rel.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let name = parts.last().copied().unwrap_or("");
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
