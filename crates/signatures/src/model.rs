//! The signature model: what a known failure looks like and how to fix it.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error < Critical`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, not a failure by itself.
    Info,
    /// Degraded, or a failure that usually recovers.
    Warning,
    /// A failure that needs action.
    Error,
    /// The node or cluster cannot work until this is fixed.
    Critical,
}

impl Severity {
    /// Every severity, from the least to the most severe.
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Warning,
        Severity::Error,
        Severity::Critical,
    ];

    /// The lowercase name used in signature files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            format!(
                "unknown severity {s:?} (expected critical, error, warning \
                 or info)"
            )
        })
    }
}

macro_rules! source_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// What produced a file: the daemon or tool whose log it is.
        ///
        /// Signatures name the kinds they apply to; the engine classifies
        /// every scanned file into one kind.
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord,
            Hash, Serialize, Deserialize,
        )]
        pub enum SourceKind {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl SourceKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [SourceKind] =
                &[$(SourceKind::$variant,)*];

            /// The kebab-case name used in signature files and reports.
            pub fn as_str(self) -> &'static str {
                match self { $(SourceKind::$variant => $name,)* }
            }
        }
    };
}

source_kinds! {
    /// The kubelet's journal (`kubelet/kubelet.log`).
    Kubelet = "kubelet",
    /// kube-proxy's log.
    KubeProxy = "kube-proxy",
    /// containerd's journal or log.
    Containerd = "containerd",
    /// dockerd's journal or log.
    Docker = "docker",
    /// The VPC CNI's ipamd log (`aws-routed-eni/ipamd*.log`).
    Ipamd = "ipamd",
    /// The VPC CNI plugin and its siblings (`plugin.log`, egress, policy).
    CniPlugin = "cni-plugin",
    /// A whole-system journal (Bottlerocket `journalctl.log`).
    Journal = "journal",
    /// rsyslog's `/var/log/messages` or `syslog`.
    Messages = "messages",
    /// The kernel ring buffer.
    Dmesg = "dmesg",
    /// cloud-init and user-data output (bootstrap.sh runs there).
    CloudInit = "cloud-init",
    /// AL2023 nodeadm's journal.
    Nodeadm = "nodeadm",
    /// A pod's container log (CRI or docker json-file).
    Container = "container",
    /// Windows event log exported as CSV.
    WindowsEvents = "windows-events",
    /// Terraform output or `TF_LOG`.
    Terraform = "terraform",
    /// Ansible output.
    Ansible = "ansible",
    /// konvoy's own output.
    Konvoy = "konvoy",
    /// Output of a command run by the collector (`ps`, `iptables`, ...).
    CommandOutput = "command-output",
    /// A configuration file copied by the collector.
    Config = "config",
    /// Nothing says what produced it.
    #[default]
    Unknown = "unknown",
}

impl SourceKind {
    /// The kinds whose lines also appear inside a file of this kind.
    ///
    /// The system journal and syslog carry the lines of every systemd
    /// unit, and a container log carries what the CNI daemons print, so a
    /// signature for the kubelet must also look in `var_log/messages`.
    pub fn embeds(self) -> &'static [SourceKind] {
        use SourceKind::*;
        match self {
            Journal | Messages => &[
                Kubelet, KubeProxy, Containerd, Docker, Dmesg, CloudInit,
                Nodeadm,
            ],
            Container => &[Ipamd, CniPlugin, KubeProxy],
            // konvoy drives terraform and Ansible and prints their output.
            Konvoy => &[Terraform, Ansible],
            // kubectl describe and get events print the kubelet's events,
            // which quote the runtime's errors.
            CommandOutput => &[Kubelet, Containerd],
            _ => &[],
        }
    }

    /// Whether a file's path gives only this much: unknown, a config
    /// file or a command's output, which may still hold log lines.
    pub fn is_generic(self) -> bool {
        matches!(
            self,
            SourceKind::Unknown
                | SourceKind::Config
                | SourceKind::CommandOutput
        )
    }

    /// Whether a signature scoped to `wanted` applies to a file of this
    /// kind. A file of unknown kind gets every signature.
    pub fn admits(self, wanted: SourceKind) -> bool {
        self == SourceKind::Unknown
            || self == wanted
            || self.embeds().contains(&wanted)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SourceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SourceKind::ALL.iter().copied().find(|k| k.as_str() == s).ok_or_else(
            || {
                let names: Vec<&str> =
                    SourceKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown source kind {s:?} (expected one of {})",
                    names.join(", ")
                )
            },
        )
    }
}

/// Lines a signature must match, and near misses it must not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Examples {
    /// Lines that must produce a finding.
    #[serde(rename = "match")]
    pub matches: Vec<Example>,
    /// Lines that must not.
    pub no_match: Vec<Example>,
    /// Why fewer published pages than lint asks for show this failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rare: Option<String>,
    /// Where a failure of one's own fleet was seen (a local pack's
    /// signature, drafted from an unrecognised template): its lines come
    /// from one's own bundles, not from published pages, and it may have
    /// no public fix to link to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
}

/// One example line, and the page it was published on when it is a real
/// line rather than one written for the pack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The line, verbatim.
    pub line: String,
    /// An https URL of the public page that shows the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For a line no page publishes: an https URL of the program's source
    /// that writes it, the line being built as the program would print it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub built_from: Option<String>,
}

/// Where a signature was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The pack file, as named when it was loaded.
    pub file: String,
    /// 1-based line of the signature's `[[signature]]` header.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One known failure: how to find it and how to fix it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Signature {
    /// Permanent id, kebab-case, unique across all loaded packs.
    pub id: String,
    /// One line saying what failed.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// A family such as `networking`, `auth` or `node-join`.
    pub category: String,
    /// The kinds of file it applies to; empty means every kind.
    pub sources: Vec<SourceKind>,
    /// What it means, in a sentence or two.
    pub summary: String,
    /// Literals; a line containing any of them is a candidate.
    pub patterns: Vec<String>,
    /// Confirms a candidate line when present.
    pub regex: Option<String>,
    /// A template for the finding's message: `{name}` is replaced by the
    /// regex's capture group of that name on the first matching line.
    pub message: Option<String>,
    /// Literals that veto a candidate line.
    pub exclude: Vec<String>,
    /// Signatures that take a line this one also matches: one failure
    /// written on one line gets one id (a pull refused with 401 is the
    /// pause image's failure when the line says the sandbox image failed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub yields_to: Vec<String>,
    /// Signatures whose line, later in the same file, undoes this one's:
    /// for a setting whose last assignment wins (a drop-in that sets
    /// `MACAddressPolicy=none` after the default's `persistent`), this
    /// one's lines are no match when one of these comes after them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overridden_by: Vec<String>,
    /// Steps that fix it.
    pub fix: String,
    /// https links to the exact section of the official docs.
    pub links: Vec<String>,
    /// Test lines.
    pub examples: Examples,
    /// A marker records a healthy event (a node registered) for diagnoses
    /// to reason about; it is never reported as a finding.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub marker: bool,
    /// For a line that states a number (`pps_allowance_exceeded: 784`): the
    /// regex's capture group holding it, and the value it must exceed for
    /// the line to count; or for a line that states a number and its limit
    /// (`fs.file-nr = 1184 0 9223372036854775807`), the fraction of the
    /// limit it must exceed. A line at or under it is no match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
    /// For a failure whose single lines are normal (a node not found
    /// while it registers): how many matching lines within how long make
    /// it the signature's severity; fewer are reported as info.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Threshold>,
    /// Where it was defined; not part of its identity.
    #[serde(skip)]
    pub origin: Origin,
}

/// At least `count` matching lines within `within_seconds`, each at
/// least `apart_seconds` after the last one counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Threshold {
    /// How many lines.
    pub count: u64,
    /// Within how many seconds of each other.
    pub within_seconds: u64,
    /// Lines closer than this to the last one counted do not count, so a
    /// condition that several writers log at once (the kubelet's status
    /// check, and every pod it cannot start) counts by how long it
    /// lasts; 0 counts every line.
    #[serde(skip_serializing_if = "is_zero")]
    pub apart_seconds: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a number a matching line states must be above for the line to
/// count. Each reads the regex's capture groups of one match.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Counter {
    /// `counter = { group = "n", above = 5 }`: the number in `group` is
    /// above `above`.
    Value {
        /// The capture group that holds the number.
        group: String,
        /// The line counts when the number is above this.
        above: u64,
    },
    /// `ratio = { of = "used", to = "max", above = 0.7 }`: the number in
    /// `of` is above `above` times the number in `to`, which must be
    /// above zero.
    Ratio {
        /// The capture group of the part (allocated file handles).
        of: String,
        /// The capture group of the whole it is a part of (the maximum).
        to: String,
        /// The fraction of the whole the part must exceed.
        above: f64,
    },
}

impl Counter {
    /// The capture groups it reads.
    pub fn groups(&self) -> Vec<&str> {
        match self {
            Counter::Value { group, .. } => vec![group],
            Counter::Ratio { of, to, .. } => vec![of, to],
        }
    }
}

/// A root cause named from a combination of findings on one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// Permanent id, kebab-case, unique among signatures and diagnoses.
    pub id: String,
    /// One line naming the root cause.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// Why these findings together point at this cause.
    pub summary: String,
    /// Every one of these signatures must have a finding.
    pub all_of: Vec<String>,
    /// At least one of these must (when not empty).
    pub any_of: Vec<String>,
    /// None of these may, and each must have been checked: a source that
    /// was not in the input proves no absence.
    pub none_of: Vec<String>,
    /// Two signatures that must both be found, on different numbers of
    /// lines: two listings of one set of things that disagree (the GPUs
    /// the kernel driver probed, and those nvidia-smi lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts_differ: Vec<String>,
    /// The required findings must have started within this many seconds
    /// of each other, where their lines carry times.
    pub within_seconds: Option<u64>,
    /// Steps that fix the cause.
    pub fix: String,
    /// https links to the official fix.
    pub links: Vec<String>,
    /// Where it was defined.
    #[serde(skip)]
    pub origin: Origin,
}

impl Signature {
    /// Whether this signature applies to a file of `kind`.
    pub fn applies_to(&self, kind: SourceKind) -> bool {
        self.sources.is_empty() || self.sources.iter().any(|&s| kind.admits(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::Error);
        assert!(Severity::Warning > Severity::Info);
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
        }
        assert!("fatal".parse::<Severity>().is_err());
    }

    #[test]
    fn source_kind_names_round_trip() {
        for &k in SourceKind::ALL {
            assert_eq!(k.as_str().parse::<SourceKind>(), Ok(k));
        }
    }

    #[test]
    fn messages_admit_kubelet_but_kubelet_does_not_admit_ipamd() {
        assert!(SourceKind::Messages.admits(SourceKind::Kubelet));
        assert!(SourceKind::Unknown.admits(SourceKind::Ipamd));
        assert!(!SourceKind::Kubelet.admits(SourceKind::Ipamd));
    }
}
