//! What logsift's criterion benches and `benches/compare.sh` share: the
//! inflate-only baseline and a synthetic signature pack.
//!
//! The baseline decompresses a bundle the way logsift reads it (the outer
//! gzip stream, then every gzip member inside the tar) with logsift's own
//! gzip reader and library (ISA-L or zlib-rs), and searches nothing, so
//! "how much slower than just inflating" is a like-for-like ratio. The synthetic pack grows the
//! default pack with signatures whose literals look like real ones but
//! never occur in a generated bundle, to measure how the scan's cost
//! follows the number of signatures.

use std::io::{self, Read};

use logsift_engine::{Inflate, fuzzing::gzip_members};

/// Bytes produced by [`inflate_bundle`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inflated {
    /// Raw bytes read from the input.
    pub raw: u64,
    /// Bytes the outer stream expanded to (the tar, or a single log).
    pub outer: u64,
    /// Bytes the gzip members inside the tar expanded to.
    pub inner: u64,
    /// gzip members found inside the tar.
    pub members: u64,
}

/// Decompresses `input` as logsift would read a `.tar.gz` bundle, without
/// searching: the outer gzip stream (all its members), then, if it holds
/// a tar, each tar member that starts with the gzip magic, inflated by
/// `inflate`. Output is discarded in 256 KiB pieces, the size logsift
/// scans in.
pub fn inflate_bundle(
    input: impl Read,
    inflate: Inflate,
) -> io::Result<Inflated> {
    inflate_bundle_into(input, inflate, &mut |_| {}, false)
}

/// As [`inflate_bundle`], handing `sink` every piece of inflated text in
/// turn; with `every_member`, the pieces of every tar member (each inner
/// gzip member's inflated), read in the same 256 KiB pieces, where
/// [`inflate_bundle`] lets the tar reader skip the members that are not
/// gzip.
pub fn inflate_bundle_into(
    input: impl Read,
    inflate: Inflate,
    sink: &mut dyn FnMut(&[u8]),
    every_member: bool,
) -> io::Result<Inflated> {
    let mut raw = CountingReader { inner: input, read: 0 };
    let mut gz =
        CountingReader { inner: gzip_members(&mut raw, inflate), read: 0 };
    let mut head = [0u8; 512];
    let n = read_up_to(&mut gz, &mut head)?;
    let is_tar = n == 512 && &head[257..262] == b"ustar";
    let mut rest = io::Cursor::new(head[..n].to_vec()).chain(&mut gz);
    let mut out = Inflated::default();
    if is_tar {
        let mut archive = tar::Archive::new(&mut rest);
        for entry in archive.entries()? {
            let mut entry = entry?;
            let mut magic = [0u8; 2];
            let m = read_up_to(&mut entry, &mut magic)?;
            let member =
                io::Cursor::new(magic[..m].to_vec()).chain(&mut entry);
            if m == 2 && magic == [0x1f, 0x8b] {
                let inner = gzip_members(member, inflate);
                out.inner += discard(inner, &mut *sink)?;
                out.members += 1;
            } else if every_member {
                discard(member, &mut *sink)?;
            }
        }
    }
    // The rest of the stream (tar padding, or the whole of a plain log).
    if is_tar {
        discard(&mut rest, &mut |_| {})?;
    } else {
        discard(&mut rest, sink)?;
    }
    drop(rest);
    out.outer = gz.read;
    drop(gz);
    out.raw = raw.read;
    Ok(out)
}

fn discard(mut r: impl Read, sink: &mut dyn FnMut(&[u8])) -> io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0;
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                sink(&buf[..n]);
                total += n as u64
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

struct CountingReader<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// A deterministic pseudo-random sequence (splitmix64): the synthetic pack
/// is the same on every machine and every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

// Vocabulary of the synthetic literals: AWS and Kubernetes words, as in
// the real pack's error codes and messages, combined so that no generated
// bundle holds them. Plain lowercase phrases are included on purpose:
// they are the hard case for choosing what to search for.
const PREFIX: &[&str] = &[
    "Ebs",
    "Efs",
    "Elb",
    "Alb",
    "Nlb",
    "Ecr",
    "Ecs",
    "Sqs",
    "Sns",
    "Ssm",
    "Imds",
    "Route53",
    "Kinesis",
    "Lambda",
    "Fargate",
    "Karpenter",
    "Cilium",
    "Calico",
    "Istio",
    "Csi",
    "Coredns",
    "Kubeproxy",
    "Etcd",
    "Gpu",
];
const NOUN: &[&str] = &[
    "Volume",
    "Snapshot",
    "Listener",
    "TargetGroup",
    "Repository",
    "Queue",
    "Topic",
    "Parameter",
    "Record",
    "HostedZone",
    "Stream",
    "Function",
    "Provisioner",
    "Mesh",
    "Sidecar",
    "Driver",
    "Attachment",
    "Mount",
    "Lease",
    "Partition",
    "Certificate",
    "Replica",
];
const STATE: &[&str] = &[
    "NotFound",
    "LimitExceeded",
    "QuotaExceeded",
    "Throttled",
    "Unavailable",
    "Mismatch",
    "Conflict",
    "Expired",
    "Invalid",
    "Detached",
    "Orphaned",
    "Corrupted",
];
const SUBJECT: &[&str] = &[
    "csi driver",
    "ebs plugin",
    "efs mount helper",
    "load balancer controller",
    "karpenter",
    "cilium agent",
    "calico node",
    "istio sidecar",
    "coredns",
    "kube-proxy",
    "node problem detector",
    "fluent bit",
    "cloudwatch agent",
    "ssm agent",
    "nvidia device plugin",
    "image builder",
];
const ACTION: &[&str] = &[
    "failed to attach",
    "failed to detach",
    "could not mount",
    "unable to unmount",
    "timed out provisioning",
    "gave up reconciling",
    "refused to schedule",
    "lost the lease for",
    "cannot resolve",
    "rejected the update of",
    "stopped watching",
    "failed to rotate",
];
const OBJECT: &[&str] = &[
    "the persistent volume",
    "the target group",
    "the hosted zone record",
    "the volume snapshot",
    "the ingress listener",
    "the network policy",
    "the mesh certificate",
    "the gpu partition",
    "the log stream",
    "the parameter store secret",
    "the spot interruption queue",
    "the provisioner template",
];

/// The literals of one synthetic signature.
fn synthetic_literals(rng: &mut Rng) -> Vec<String> {
    // 1 to 4 literals, about 2.7 on average like the default pack.
    let count = [1, 2, 2, 3, 3, 3, 4, 4][(rng.next() % 8) as usize];
    (0..count)
        .map(|_| match rng.next() % 4 {
            0 | 1 => {
                format!(
                    "{}{}{}",
                    rng.pick(PREFIX),
                    rng.pick(NOUN),
                    rng.pick(STATE)
                )
            }
            2 => {
                let camel = format!(
                    "{}{}{}",
                    rng.pick(PREFIX),
                    rng.pick(NOUN),
                    rng.pick(STATE)
                );
                upper_snake(&camel)
            }
            _ => format!(
                "{} {} {}",
                rng.pick(SUBJECT),
                rng.pick(ACTION),
                rng.pick(OBJECT)
            ),
        })
        .collect()
}

/// `EbsVolumeNotFound` as `EBS_VOLUME_NOT_FOUND`.
fn upper_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A TOML signature pack of `count` synthetic signatures (ids
/// `synthetic-0001`, ...), none of whose literals equals, contains or is
/// contained in one of `taken` (the literals already loaded) or another
/// synthetic literal, so they add search work but never a finding on a
/// generated bundle.
pub fn synthetic_pack(count: usize, seed: u64, taken: &[String]) -> String {
    let mut rng = Rng(seed);
    let mut seen: Vec<String> = taken.to_vec();
    let clash = |lit: &str, seen: &[String]| {
        seen.iter().any(|s| s.contains(lit) || lit.contains(s.as_str()))
    };
    let mut out = String::from(
        "# Synthetic signatures for benchmarks (logsift-benches synth-pack).\n\
         # Realistic-looking literals that never occur in a generated bundle.\n",
    );
    for i in 1..=count {
        let mut literals = Vec::new();
        while literals.is_empty() {
            for lit in synthetic_literals(&mut rng) {
                if !clash(&lit, &seen) {
                    seen.push(lit.clone());
                    literals.push(lit);
                }
            }
        }
        let quoted: Vec<String> =
            literals.iter().map(|l| format!("{l:?}")).collect();
        out.push_str(&format!(
            "\n[[signature]]\n\
             id = \"synthetic-{i:04}\"\n\
             title = \"Synthetic signature {i} for benchmarks\"\n\
             severity = \"warning\"\n\
             category = \"synthetic\"\n\
             patterns = [{}]\n\
             fix = \"Nothing to fix: this signature only exists to be searched for.\"\n",
            quoted.join(", ")
        ));
    }
    out
}

/// Every distinct literal of the built-in pack.
pub fn embedded_literals() -> Vec<String> {
    let pack = match logsift_signatures::Pack::embedded() {
        Ok(p) => p,
        Err(e) => panic!("embedded signatures: {e}"),
    };
    let mut all: Vec<String> = pack
        .signatures()
        .iter()
        .flat_map(|s| s.patterns.iter().cloned())
        .collect();
    all.sort();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use logsift_signatures::SourceKind;

    use super::*;

    #[test]
    fn synthetic_pack_loads_and_is_deterministic() {
        let taken = embedded_literals();
        let toml = synthetic_pack(50, 7, &taken);
        assert_eq!(toml, synthetic_pack(50, 7, &taken));
        let mut pack = logsift_signatures::Pack::new();
        pack.add_toml("synthetic.toml", &toml).unwrap();
        assert_eq!(pack.len(), 50);
        let literals: usize =
            pack.signatures().iter().map(|s| s.patterns.len()).sum();
        assert!(literals > 100, "{literals}");
    }

    /// The packs `compare.sh` measures: the built-in one takes one or two
    /// needle searchers, the tripled one at least as many.
    #[test]
    fn tripled_pack_takes_as_many_searchers_or_more() {
        let base = logsift_signatures::Pack::embedded().unwrap();
        let passes = base.compile().searchers(SourceKind::Unknown);
        assert!((1..=2).contains(&passes), "{passes}");
        let mut pack = logsift_signatures::Pack::embedded().unwrap();
        let toml = synthetic_pack(2 * base.len(), 1, &embedded_literals());
        pack.add_toml("synthetic.toml", &toml).unwrap();
        assert!(pack.compile().searchers(SourceKind::Unknown) >= passes);
    }

    #[test]
    fn inflate_bundle_reads_inner_members() {
        let text = b"line one\nline two\n".repeat(100);
        let gz = {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(
                Vec::new(),
                flate2::Compression::default(),
            );
            e.write_all(&text).unwrap();
            e.finish().unwrap()
        };
        let mut tar = tar::Builder::new(Vec::new());
        for (name, data) in [("a.log", &text[..]), ("b.log.gz", &gz[..])] {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, name, data).unwrap();
        }
        let tar = tar.into_inner().unwrap();
        let tgz = {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(
                Vec::new(),
                flate2::Compression::default(),
            );
            e.write_all(&tar).unwrap();
            e.finish().unwrap()
        };
        for inflate in
            [Some(Inflate::zlib()), Inflate::isal()].into_iter().flatten()
        {
            let got = inflate_bundle(&tgz[..], inflate).unwrap();
            assert_eq!(got.raw, tgz.len() as u64, "{inflate}");
            assert_eq!(got.outer, tar.len() as u64, "{inflate}");
            assert_eq!(got.inner, text.len() as u64, "{inflate}");
            assert_eq!(got.members, 1, "{inflate}");
            // The search floor's pieces: both members' text, in order,
            // and nothing of the tar's headers.
            let mut seen = Vec::new();
            let again = inflate_bundle_into(
                &tgz[..],
                inflate,
                &mut |piece| seen.extend_from_slice(piece),
                true,
            )
            .unwrap();
            assert_eq!(again, got, "{inflate}");
            assert_eq!(seen, text.repeat(2), "{inflate}");
            let mut none = 0;
            inflate_bundle_into(
                &tgz[..],
                inflate,
                &mut |p| none += p.len(),
                false,
            )
            .unwrap();
            assert_eq!(none, text.len(), "only the inner member: {inflate}");
        }
    }
}
