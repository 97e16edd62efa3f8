//! Recognising which collector made a bundle, from its name and members.

use serde::{Deserialize, Serialize};

use crate::source::{ELC_DIRS, LOGDOG_ROOT};

/// The tool that produced a bundle.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Producer {
    /// The Linux `eks-log-collector.sh` (also shipped as
    /// `aws-cni-support.sh` since 2020).
    EksLogCollector,
    /// The Windows `eks-log-collector.ps1`.
    EksLogCollectorWindows,
    /// Bottlerocket's logdog.
    BottlerocketLogdog,
    /// The EKS node monitoring agent's `NodeDiagnostic` bundle.
    EksNodeDiagnostic,
    /// The VPC CNI's own `aws-cni-support.sh` from before 2020.
    AwsCniSupport,
}

impl std::fmt::Display for Producer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Producer {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Producer::EksLogCollector => "eks-log-collector",
            Producer::EksLogCollectorWindows => "eks-log-collector-windows",
            Producer::BottlerocketLogdog => "bottlerocket-logdog",
            Producer::EksNodeDiagnostic => "eks-node-diagnostic",
            Producer::AwsCniSupport => "aws-cni-support",
        }
    }
}

/// What is known about the bundle an input holds; `None` where unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleInfo {
    /// Which collector made it.
    pub producer: Option<Producer>,
    /// The EC2 instance id, from the name or `system/instance-id.txt`.
    pub instance_id: Option<String>,
    /// When it was collected, RFC 3339 in UTC.
    pub collected_at: Option<jiff::Timestamp>,
    /// The collector's version, from the name.
    pub collector_version: Option<String>,
}

/// Evidence about an input's bundle, gathered while it is scanned.
#[derive(Clone, Debug, Default)]
pub(crate) struct BundleClues {
    from_name: BundleInfo,
    elc_member_with_dot: bool,
    elc_member_bare: bool,
    logdog_member: bool,
    windows_member: bool,
    cni_support_member: bool,
    nma_member: bool,
    wrapped: bool,
    instance_id_file: Option<String>,
    curl_time: Option<jiff::Timestamp>,
}

/// Folders only the node monitoring agent's bundle has.
const NMA_ONLY_DIRS: &[&str] = &["automode", "bottlerocket"];

impl BundleClues {
    /// Clues from the input's own file or folder name.
    pub(crate) fn from_name(name: &str) -> BundleClues {
        BundleClues { from_name: parse_name(name), ..BundleClues::default() }
    }

    /// A member path as stored in the archive (or relative to a folder).
    pub(crate) fn member(&mut self, raw: &str) {
        let dot = raw.starts_with("./");
        let backslash = raw.contains('\\');
        let norm = crate::source::normalize(raw);
        let rel = crate::source::bundle_relative(raw);
        if rel.len() < norm.len() {
            // A wrapper folder, as when a bundle is unpacked and packed
            // again; its name is usually the original archive's.
            let wrapper = &norm[..norm.len() - rel.len()];
            let wrapper = wrapper.trim_end_matches('/').rsplit('/').next();
            if self.from_name.producer.is_none() {
                self.from_name = parse_name(wrapper.unwrap_or(""));
            }
            self.wrapped = true;
        }
        let mut parts = rel.split('/');
        let first = parts.next().unwrap_or("");
        let has_child = rel.contains('/');
        if first == LOGDOG_ROOT {
            self.logdog_member = true;
        } else if norm.starts_with("var/log/aws-routed-eni/") {
            self.cni_support_member = true;
        } else if first == "system" {
            // Both collectors write `system/`; only Windows' has event CSVs,
            // `sysinfo`, and backslashes from Windows PowerShell 5.1.
            let windows = backslash
                || rel.ends_with(".csv")
                || rel == "system/sysinfo"
                || rel.starts_with("system/network/hns/");
            self.windows_member |= windows;
        } else if has_child && NMA_ONLY_DIRS.contains(&first) {
            self.nma_member = true;
        } else if has_child && ELC_DIRS.contains(&first) {
            if dot {
                self.elc_member_with_dot = true;
            } else {
                self.elc_member_bare = true;
            }
        }
    }

    /// The first line of `system/instance-id.txt`.
    pub(crate) fn instance_id_file(&mut self, line: &str) {
        let id = line.trim();
        if is_instance_id(id) {
            self.instance_id_file = Some(id.to_string());
        }
    }

    /// The collection time the input's name gives.
    pub(crate) fn collected_at(&self) -> Option<jiff::Timestamp> {
        self.from_name.collected_at
    }

    /// The head of `networking/curl_api_server.txt`, whose first line ends
    /// with the time the collector ran (`... (1 of 5) 2022-08-23T16:39:00.123UTC`).
    pub(crate) fn curl_api_server(&mut self, head: &[u8]) {
        let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
        let Some(at) = memchr::memmem::find(first, b") ") else { return };
        if let Some((t, _)) = crate::time::iso(&first[at + 2..]) {
            let secs = t.as_second();
            if let Ok(t) = jiff::Timestamp::from_second(secs) {
                self.curl_time = Some(t);
            }
        }
    }

    /// Folds another part's clues (same input) into these.
    pub(crate) fn merge(&mut self, other: BundleClues) {
        self.elc_member_with_dot |= other.elc_member_with_dot;
        self.elc_member_bare |= other.elc_member_bare;
        self.logdog_member |= other.logdog_member;
        self.windows_member |= other.windows_member;
        self.cni_support_member |= other.cni_support_member;
        self.nma_member |= other.nma_member;
        self.wrapped |= other.wrapped;
        if self.instance_id_file.is_none() {
            self.instance_id_file = other.instance_id_file;
        }
        if self.curl_time.is_none() {
            self.curl_time = other.curl_time;
        }
    }

    /// What the clues add up to.
    pub(crate) fn conclude(self) -> BundleInfo {
        let mut info = self.from_name;
        if info.producer.is_none() {
            // The agent writes bare member names and no `./`; a re-packed
            // collector bundle loses its `./` too, but gains a wrapper.
            info.producer = if self.nma_member {
                Some(Producer::EksNodeDiagnostic)
            } else if self.elc_member_with_dot
                || (self.elc_member_bare && self.wrapped)
            {
                Some(Producer::EksLogCollector)
            } else if self.elc_member_bare {
                Some(Producer::EksNodeDiagnostic)
            } else if self.logdog_member {
                Some(Producer::BottlerocketLogdog)
            } else if self.windows_member {
                Some(Producer::EksLogCollectorWindows)
            } else if self.cni_support_member {
                Some(Producer::AwsCniSupport)
            } else {
                None
            };
        }
        if info.instance_id.is_none() {
            info.instance_id = self.instance_id_file;
        }
        if info.collected_at.is_none() {
            info.collected_at = self.curl_time;
        }
        info
    }
}

/// Whether the folder at `path` holds one extracted bundle: its name is a
/// collector's (`eks_i-…`, `bottlerocket-logs`), or at its top level sit at
/// least two of the folders a collector writes (`kubelet`, `var_log`,
/// `system`, …) or logdog's root. A wrapper folder around one bundle is
/// not one itself: it holds one bundle, as a folder of bundles does.
pub(crate) fn is_bundle_dir(path: &std::path::Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy());
    if name.is_some_and(|n| parse_name(&n).producer.is_some()) {
        return true;
    }
    let subdirs = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let looks = |dirs: &[String]| {
        dirs.iter().any(|d| d == LOGDOG_ROOT)
            || dirs.iter().filter(|d| ELC_DIRS.contains(&d.as_str())).count()
                >= 2
    };
    looks(&subdirs(path))
}

/// Parses collector file names:
/// `eks_<iid>_<YYYY-MM-DD_HHMM>-UTC_<version>.tar.gz` (Linux, the instance
/// id may be empty or free text), `eks_<iid>_<yyyyMMddTHHmmssffff>Z.zip`
/// (Windows) and `bottlerocket-logs.tar.gz`. A re-packed bundle's folder
/// carries the same name without the extension.
pub(crate) fn parse_name(name: &str) -> BundleInfo {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.starts_with(LOGDOG_ROOT) {
        return BundleInfo {
            producer: Some(Producer::BottlerocketLogdog),
            ..BundleInfo::default()
        };
    }
    let Some(rest) = base.strip_prefix("eks_") else {
        return BundleInfo::default();
    };
    let stem = [".tar.gz", ".tgz", ".tar", ".zip"]
        .iter()
        .find_map(|ext| rest.strip_suffix(ext))
        .unwrap_or(rest);
    parse_linux_name(stem)
        .or_else(|| parse_windows_name(stem))
        .unwrap_or_default()
}

/// The date and time of an eks-log-collector bundle name that has the
/// collector's shape but names no real instant (`2025-02-30_2561-UTC`).
pub(crate) fn impossible_time(name: &str) -> Option<String> {
    let info = parse_name(name);
    if info.producer != Some(Producer::EksLogCollector)
        || info.collected_at.is_some()
    {
        return None;
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (rest, _version) = base.rsplit_once('_')?;
    let (rest, hhmm_tz) = rest.rsplit_once('_')?;
    let (_, date) = rest.rsplit_once('_')?;
    hhmm_tz.ends_with("-UTC").then(|| format!("{date} {hhmm_tz}"))
}

/// `<iid>_<YYYY-MM-DD>_<HHMM>-<TZ>_<version>`, split from the right since
/// the instance id is free text.
fn parse_linux_name(stem: &str) -> Option<BundleInfo> {
    let (rest, version) = stem.rsplit_once('_')?;
    let (rest, hhmm_tz) = rest.rsplit_once('_')?;
    let (iid, date) = rest.rsplit_once('_')?;
    let (hhmm, tz) = hhmm_tz.split_once('-')?;
    let version_ok = version.split('.').count() == 3
        && version.split('.').all(|p| !p.is_empty() && all_digits(p));
    let d = date.as_bytes();
    let date_ok = d.len() == 10
        && d[4] == b'-'
        && d[7] == b'-'
        && all_digits(&date[..4])
        && all_digits(&date[5..7])
        && all_digits(&date[8..]);
    if !version_ok || !date_ok || hhmm.len() != 4 || !all_digits(hhmm) {
        return None;
    }
    // The collector always runs `date --utc`, so the zone is UTC.
    let collected_at = (tz == "UTC")
        .then(|| format!("{date}T{}:{}:00Z", &hhmm[..2], &hhmm[2..]))
        .and_then(|t| t.parse().ok());
    Some(BundleInfo {
        producer: Some(Producer::EksLogCollector),
        instance_id: (!iid.is_empty()).then(|| iid.to_string()),
        collected_at,
        collector_version: Some(version.to_string()),
    })
}

/// `<iid>_<yyyyMMddTHHmmssffff>Z`.
fn parse_windows_name(stem: &str) -> Option<BundleInfo> {
    let (iid, ts) = stem.rsplit_once('_')?;
    let ts = ts.strip_suffix('Z')?;
    let (date, time) = ts.split_once('T')?;
    if date.len() != 8
        || time.len() < 6
        || !all_digits(date)
        || !all_digits(time)
    {
        return None;
    }
    Some(BundleInfo {
        producer: Some(Producer::EksLogCollectorWindows),
        instance_id: (!iid.is_empty()).then(|| iid.to_string()),
        collected_at: format!(
            "{}-{}-{}T{}:{}:{}Z",
            &date[..4],
            &date[4..6],
            &date[6..],
            &time[..2],
            &time[2..4],
            &time[4..6]
        )
        .parse()
        .ok(),
        collector_version: None,
    })
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_instance_id(s: &str) -> bool {
    s.strip_prefix("i-").is_some_and(|h| {
        (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracted_bundles_are_told_from_other_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let mk =
            |rel: &str| std::fs::create_dir_all(tmp.path().join(rel)).unwrap();
        mk("node-a/kubelet");
        mk("node-a/var_log");
        mk("wrapped/eks_x/kubelet");
        mk("wrapped/eks_x/system");
        mk("eks_i-0abc_2026-11-21_1200-UTC_0.7.9");
        mk("bottlerocket-logs");
        mk("logs/kubelet");
        mk("logs/other");
        let is = |rel: &str| is_bundle_dir(&tmp.path().join(rel));
        assert!(is("node-a"));
        assert!(!is("wrapped"));
        assert!(is("wrapped/eks_x"));
        assert!(is("eks_i-0abc_2026-11-21_1200-UTC_0.7.9"));
        assert!(is("bottlerocket-logs"));
        assert!(!is("logs"));
        assert!(!is("missing"));
    }

    #[test]
    fn linux_collector_name() {
        let info = parse_name("eks_i-0abc_2026-11-21_1200-UTC_0.7.9.tar.gz");
        assert_eq!(info.producer, Some(Producer::EksLogCollector));
        assert_eq!(info.instance_id.as_deref(), Some("i-0abc"));
        assert_eq!(
            info.collected_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-21T12:00:00Z")
        );
        assert_eq!(info.collector_version.as_deref(), Some("0.7.9"));
    }

    #[test]
    fn linux_collector_name_without_instance_id() {
        let info = parse_name("dir/eks__2025-01-07_0930-UTC_0.7.8.tar.gz");
        assert_eq!(info.producer, Some(Producer::EksLogCollector));
        assert_eq!(info.instance_id, None);
        assert_eq!(
            info.collected_at.map(|t| t.to_string()).as_deref(),
            Some("2025-01-07T09:30:00Z")
        );
    }

    #[test]
    fn windows_collector_name() {
        let info =
            parse_name("eks_i-0b318f704c74b6ab2_20200101T0620179658Z.zip");
        assert_eq!(info.producer, Some(Producer::EksLogCollectorWindows));
        assert_eq!(info.instance_id.as_deref(), Some("i-0b318f704c74b6ab2"));
        assert_eq!(
            info.collected_at.map(|t| t.to_string()).as_deref(),
            Some("2020-01-01T06:20:17Z")
        );
        assert_eq!(info.collector_version, None);
    }

    #[test]
    fn unrelated_names_are_unknown() {
        assert_eq!(parse_name("kubelet.log"), BundleInfo::default());
        assert_eq!(parse_name("eks_notes.txt"), BundleInfo::default());
    }

    #[test]
    fn members_tell_the_producer() {
        let mut c = BundleClues::from_name("upload.tar.gz");
        c.member("kubelet/kubelet.log");
        c.instance_id_file("i-0123456789abcdef0\n");
        let info = c.conclude();
        assert_eq!(info.producer, Some(Producer::EksNodeDiagnostic));
        assert_eq!(info.instance_id.as_deref(), Some("i-0123456789abcdef0"));

        let mut c = BundleClues::from_name("upload.tar.gz");
        c.member("eks_i-0abc_2026-11-21_1200-UTC_0.7.9/kubelet/kubelet.log");
        let info = c.conclude();
        assert_eq!(info.producer, Some(Producer::EksLogCollector));
        assert_eq!(info.collector_version.as_deref(), Some("0.7.9"));

        let mut c = BundleClues::from_name("x.zip");
        c.member("system\\kubelet\\kubelet-service.csv");
        assert_eq!(
            c.conclude().producer,
            Some(Producer::EksLogCollectorWindows)
        );

        let mut c = BundleClues::from_name("x.zip");
        c.member("system/sysinfo");
        c.member("system/volumes");
        assert_eq!(
            c.conclude().producer,
            Some(Producer::EksLogCollectorWindows)
        );

        let mut c = BundleClues::from_name("x.tar.gz");
        c.member("bottlerocket-logs/journalctl.log");
        assert_eq!(c.conclude().producer, Some(Producer::BottlerocketLogdog));
    }
}
