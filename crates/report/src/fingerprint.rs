//! Stable fingerprints of findings, for tools that track a result across
//! runs (SARIF `partialFingerprints`).
//!
//! The same failure on another node, or on the same node an hour later,
//! differs only in timestamps, addresses, process and pod ids: [`mask`]
//! replaces those volatile tokens with placeholders so [`fingerprint`]
//! gives both the same value, while a different failure keeps its own.

use std::sync::LazyLock;

use regex::{Captures, Regex};
use sha2::{Digest, Sha256};

/// The name of the fingerprint in SARIF's `partialFingerprints`; the
/// version changes whenever [`mask`] changes what it replaces.
pub const NAME: &str = "logsift/v1";

/// One masking rule: what to find and what to put in its place.
struct Rule {
    regex: Regex,
    replace: fn(&Captures<'_>) -> String,
}

fn rule(pattern: &str, replace: fn(&Captures<'_>) -> String) -> Rule {
    // The patterns are constants checked by the tests below, so a failure
    // here is a programming error, caught on the first run of any test.
    let regex = Regex::new(pattern).expect("fingerprint pattern compiles");
    Rule { regex, replace }
}

/// The rules in the order they run: longer, more specific shapes first,
/// so a timestamp is gone before its pieces could look like an address.
static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        // RFC 3339 / ISO 8601 dates and times, as in `time="..."`.
        rule(
            concat!(
                r"\b\d{4}-\d{2}-\d{2}",
                r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?",
                r"(?:Z|[+-]\d{2}:?\d{2})?",
            ),
            |_| "<ts>".into(),
        ),
        // The syslog prefix `Nov 20 10:00:42`.
        rule(
            concat!(
                r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
                r" +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?",
            ),
            |_| "<ts>".into(),
        ),
        // The klog header `E0524 14:01:03.447195    3567 kubelet.go:2240]`:
        // keep the level and the file, mask date, time, pid and line (the
        // line moves between kubelet versions).
        rule(
            r"\b([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+ +\d+ ([^\s:\]]+):\d+\]",
            |c| format!("{}<ts> <n> {}:<n>]", &c[1], &c[2]),
        ),
        // Any other time of day.
        rule(r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b", |_| "<ts>".into()),
        // UUIDs, pod UIDs included; cgroup paths write them with `_` and
        // glue them to `pod`, hence no leading word boundary.
        rule(
            concat!(
                r"[0-9a-fA-F]{8}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}",
                r"[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{12}\b",
            ),
            |_| "<uuid>".into(),
        ),
        // EC2 instance ids and the other AWS resource ids logs carry.
        rule(
            concat!(
                r"\b(i|eni|vol|snap|subnet|sg|vpc|ami|igw|nat|rtb|eipalloc)",
                r"-[0-9a-f]{8,17}\b",
            ),
            |c| format!("{}-<id>", &c[1]),
        ),
        // EC2 private DNS names: `ip-10-0-12-34`.
        rule(r"\bip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b", |_| "ip-<ip>".into()),
        // MAC addresses, before IPv6 could take their pieces.
        rule(r"\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\b", |_| "<mac>".into()),
        // IPv6, full or compressed; a compressed match without a digit
        // (`Abc::Def`, a scope in some languages) is kept.
        rule(
            concat!(
                r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b",
                r"|\b(?:[0-9a-fA-F]{1,4}:)+:",
                r"(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?",
            ),
            |c| {
                if c[0].bytes().any(|b| b.is_ascii_digit()) {
                    "<ip>".into()
                } else {
                    c[0].to_string()
                }
            },
        ),
        // IPv4, with an optional prefix length.
        rule(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b", |_| "<ip>".into()),
        // Container ids, digests and other hex of 12 digits or more.
        rule(r"\b[0-9a-fA-F]{12,}\b", |_| "<hex>".into()),
        // The pid in a syslog tag: `kubelet[3012]:`.
        rule(r"\[\d+\]:", |_| "[<n>]:".into()),
    ]
});

/// `text` with its volatile tokens (timestamps, IPv4 and IPv6 addresses,
/// MAC addresses, UUIDs and pod UIDs, hex ids of 12 digits or more, EC2
/// instance and other resource ids, pids and line numbers in klog and
/// syslog headers) replaced by placeholders such as `<ts>` and `<ip>`.
/// Secrets (and numbered redaction placeholders) become `[REDACTED
/// <kind>]` first (see [`crate::redact::mask`]): like timestamps, they
/// differ between nodes with the same failure.
pub fn mask(text: &str) -> String {
    let mut out = crate::redact::mask(text).into_owned();
    for r in RULES.iter() {
        let replaced = r.regex.replace_all(&out, r.replace);
        if let std::borrow::Cow::Owned(s) = replaced {
            out = s;
        }
    }
    out
}

/// Compiles the rules now, ahead of the first fingerprint.
pub(crate) fn prepare() {
    LazyLock::force(&RULES);
}

/// Hex sha256 of the signature id and the masked evidence line: the same
/// failure gives the same value on any node and at any time.
pub fn fingerprint(signature: &str, evidence: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(signature.as_bytes());
    // A separator no id contains, so ("a", "bc") and ("ab", "c") differ.
    hasher.update([0]);
    hasher.update(mask(evidence).as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE_A: &str = "Nov 20 10:00:42 ip-10-0-12-34.us-west-2.compute.\
        internal kubelet[3012]: E1120 10:00:42.001023    3012 \
        kubelet.go:3002] \"Error syncing pod\" \
        pod=\"kube-system/aws-node-x\" \
        podUID=\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\" \
        container=\"3f4e5d6c7b8a9f0e1d2c3b4a59687766\" \
        instance=\"i-0abc1234def567890\" addr=\"10.0.12.34:443\" \
        v6=\"fd00:ec2::23\" time=\"2026-11-20T10:00:42.040891237Z\"";

    const NODE_B: &str = "Dec  3 23:59:01 ip-172-31-5-9.us-west-2.compute.\
        internal kubelet[987]: E1203 23:59:01.999999    987 \
        kubelet.go:3010] \"Error syncing pod\" \
        pod=\"kube-system/aws-node-x\" \
        podUID=\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\" \
        container=\"0123456789abcdef0123\" \
        instance=\"i-0fedcba9876543210\" addr=\"172.31.5.9:443\" \
        v6=\"2600:1f14:abc:de00::1\" time=\"2026-12-03T23:59:01Z\"";

    #[test]
    fn lines_differing_only_in_volatile_tokens_match() {
        assert_eq!(mask(NODE_A), mask(NODE_B));
        assert_eq!(fingerprint("x", NODE_A), fingerprint("x", NODE_B));
    }

    #[test]
    fn different_failures_differ() {
        let tls = "I1121 11:50:02.000000    3012 x.go:1] net/http: TLS \
                   handshake timeout";
        let empty = "E0524 14:01:03.447195    3567 kubelet.go:2240] node \
                     \"\" not found";
        assert_ne!(fingerprint("a", tls), fingerprint("a", empty));
        // The same line under another signature is another result.
        assert_ne!(fingerprint("a", tls), fingerprint("b", tls));
        // What the failure says is kept: another port, another reason.
        assert_ne!(
            mask("dial tcp 10.0.0.1:443: i/o timeout"),
            mask("dial tcp 10.0.0.1:10250: connection refused")
        );
    }

    #[test]
    fn each_volatile_token_is_masked() {
        let cases = [
            ("at 2026-11-20T10:00:42.04Z ok", "at <ts> ok"),
            ("Nov 20 10:00:42 host", "<ts> host"),
            (
                "E0524 14:01:03.447195    3567 kubelet.go:2240] boom",
                "E<ts> <n> kubelet.go:<n>] boom",
            ),
            ("from 10.0.12.34/16", "from <ip>"),
            ("from fe80::1ff:fe23:4567:890a", "from <ip>"),
            ("uid 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "uid <uuid>"),
            (
                "kubepods-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice",
                "kubepods-pod<uuid>.slice",
            ),
            ("id 3f4e5d6c7b8a", "id <hex>"),
            ("node i-0abc1234def567890 eni-0123abcd", "node i-<id> eni-<id>"),
            ("host ip-10-0-12-34.ec2", "host ip-<ip>.ec2"),
            ("mac 0a:1b:2c:3d:4e:5f", "mac <mac>"),
            ("containerd[2871]: x", "containerd[<n>]: x"),
        ];
        for (input, want) in cases {
            assert_eq!(mask(input), want, "{input:?}");
        }
    }

    #[test]
    fn ordinary_text_is_kept() {
        for s in [
            "net/http: TLS handshake timeout",
            "Foo::Bar happened",
            "short hex abcdef is kept",
            "exit status 137",
        ] {
            assert_eq!(mask(s), s);
        }
    }

    #[test]
    fn fingerprint_is_hex_sha256() {
        let f = fingerprint("sig", "line");
        assert_eq!(f.len(), 64);
        assert!(f.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
