//! Bounds on what one input may expand to, so a decompression bomb stops
//! with an error naming the member instead of filling memory or time.
//!
//! Every decompressing reader is metered against two limits: the bytes
//! decompressed across the whole input, and the ratio of what a layer has
//! produced to the raw bytes read from the input so far. Deflate cannot
//! exceed about 1032:1 in one layer, so an overall ratio past the limit
//! means nested compression built to explode. A layer that knows what it
//! took in (a zip member, a gzip file inside an archive) is also judged on
//! its own ratio from its first MiB, so a crowd of small bombs, each too
//! small for the input's ratio to notice, is stopped member by member
//! before it spends the byte budget the members after it need.

use std::{
    io::{self, Read, Seek, SeekFrom},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use crate::{
    error::ErrorKind,
    progress::{NoProgress, Progress},
};

/// A layer is not judged by its ratio before it has produced this much:
/// small, repetitive files compress very well and are harmless.
const RATIO_FLOOR: u64 = 64 * 1024 * 1024;

/// A layer's own ratio is judged once it has produced this much: by then
/// one deflate layer of zeros or of one short line repeated shows its
/// 1000:1 and more, while text stays far below.
const MEMBER_FLOOR: u64 = 1024 * 1024;

/// A decompressing layer that can tell how many compressed bytes it has
/// taken in, for its own ratio.
pub(crate) trait Packed {
    /// `None` where the layer cannot tell; only the input's ratio judges it.
    fn packed(&self) -> Option<u64> {
        None
    }
}

impl Packed for &mut dyn Read {}

/// The limits and the running totals of one input.
pub(crate) struct Budget {
    max_bytes: u64,
    max_ratio: u64,
    max_members: u64,
    raw: AtomicU64,
    expanded: AtomicU64,
    members: AtomicU64,
    exhausted: AtomicBool,
    /// Raw bytes read while staging is on, not yet charged (see
    /// [`Budget::stage_raw`]).
    staged: AtomicU64,
    staging: AtomicBool,
    /// Told of every raw byte, as the one place that sees them all.
    progress: Arc<dyn Progress>,
}

impl Budget {
    pub(crate) fn new(
        max_bytes: u64,
        max_ratio: u64,
        max_members: u64,
    ) -> Budget {
        Budget {
            max_bytes,
            max_ratio,
            max_members,
            raw: AtomicU64::new(0),
            expanded: AtomicU64::new(0),
            members: AtomicU64::new(0),
            exhausted: AtomicBool::new(false),
            staged: AtomicU64::new(0),
            staging: AtomicBool::new(false),
            progress: Arc::new(NoProgress),
        }
    }

    /// The same budget, reporting raw bytes to `progress`.
    pub(crate) fn with_progress(
        mut self,
        progress: Arc<dyn Progress>,
    ) -> Self {
        self.progress = progress;
        self
    }

    /// Whether the input's byte or member budget is spent, so nothing
    /// more of it is read.
    pub(crate) fn exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Relaxed)
    }

    /// Counts one more member; false once there are too many.
    pub(crate) fn take_member(&self) -> bool {
        let n = self.members.fetch_add(1, Ordering::Relaxed) + 1;
        if n > self.max_members {
            self.exhausted.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Why the input stopped, for the one error that says so.
    pub(crate) fn exhausted_kind(&self) -> ErrorKind {
        if self.members.load(Ordering::Relaxed) > self.max_members {
            ErrorKind::TooManyMembers { max: self.max_members }
        } else {
            ErrorKind::TooManyBytes { max: human(self.max_bytes) }
        }
    }

    /// While on, raw bytes read through [`Raw`] are only staged, for the
    /// reader that inflates ahead of the scan to charge them when the
    /// scan reaches the bytes they inflate to (`ahead.rs`). Turning it
    /// off drops what is staged: bytes read ahead that were never used.
    pub(crate) fn stage_raw(&self, on: bool) {
        self.staging.store(on, Ordering::Relaxed);
        if !on {
            self.staged.store(0, Ordering::Relaxed);
        }
    }

    /// The raw bytes staged since the last call.
    pub(crate) fn take_staged_raw(&self) -> u64 {
        self.staged.swap(0, Ordering::Relaxed)
    }

    /// Raw bytes read so far.
    #[cfg(test)]
    pub(crate) fn raw(&self) -> u64 {
        self.raw.load(Ordering::Relaxed)
    }

    /// Raw bytes read from the input itself.
    pub(crate) fn add_raw(&self, n: u64) {
        self.raw.fetch_add(n, Ordering::Relaxed);
        self.progress.bytes(n);
    }
}

fn human(bytes: u64) -> String {
    const GIB: u64 = 1 << 30;
    const MIB: u64 = 1 << 20;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// What one decompressing layer has produced and taken in so far, and
/// the layer it is nested in: a gzip inside a gzip member of a tar is
/// judged by what the two together made of the member's bytes.
pub(crate) struct Gauge<'g> {
    produced: AtomicU64,
    /// `u64::MAX` while the layer cannot tell.
    packed: AtomicU64,
    outer: Option<&'g Gauge<'g>>,
}

impl<'g> Gauge<'g> {
    /// A gauge for a layer read inside `outer`'s output.
    pub(crate) fn within(outer: Option<&'g Gauge<'g>>) -> Self {
        Gauge {
            produced: AtomicU64::new(0),
            packed: AtomicU64::new(u64::MAX),
            outer,
        }
    }

    /// How many times over this layer and the layers around it have
    /// inflated the bytes they took; layers that cannot tell count as 1.
    fn ratio(&self) -> f64 {
        let produced = self.produced.load(Ordering::Relaxed);
        let own = match self.packed.load(Ordering::Relaxed) {
            u64::MAX => 1.0,
            packed => produced as f64 / packed.max(1) as f64,
        };
        own * self.outer.map_or(1.0, Gauge::ratio)
    }
}

/// A decompressing reader, metered against the input's budget.
pub(crate) struct Metered<'b, R> {
    inner: R,
    budget: &'b Budget,
    gauge: &'b Gauge<'b>,
}

impl<'b, R> Metered<'b, R> {
    pub(crate) fn new(
        inner: R,
        budget: &'b Budget,
        gauge: &'b Gauge<'b>,
    ) -> Self {
        Metered { inner, budget, gauge }
    }
}

impl<R: Read + Packed> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let b = self.budget;
        if b.exhausted() {
            return Err(io::Error::other(b.exhausted_kind().to_string()));
        }
        let n = self.inner.read(buf)?;
        let g = self.gauge;
        let produced =
            g.produced.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if let Some(packed) = self.inner.packed() {
            g.packed.store(packed, Ordering::Relaxed);
        }
        let total =
            b.expanded.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > b.max_bytes {
            b.exhausted.store(true, Ordering::Relaxed);
            return Err(io::Error::other(b.exhausted_kind().to_string()));
        }
        let raw = b.raw.load(Ordering::Relaxed).max(1);
        let input_bomb =
            produced >= RATIO_FLOOR && produced / raw > b.max_ratio;
        let member_bomb =
            produced >= MEMBER_FLOOR && g.ratio() > b.max_ratio as f64;
        if input_bomb || member_bomb {
            return Err(io::Error::other(format!(
                "stopped at a compression ratio above {}:1, likely a \
                 decompression bomb (see --max-ratio)",
                b.max_ratio
            )));
        }
        Ok(n)
    }
}

/// The input's own bytes, counted as they are read.
pub(crate) struct Raw<'b, R> {
    inner: R,
    budget: &'b Budget,
}

impl<'b, R> Raw<'b, R> {
    pub(crate) fn new(inner: R, budget: &'b Budget) -> Self {
        Raw { inner, budget }
    }
}

impl<R: Read> Read for Raw<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.budget.staging.load(Ordering::Relaxed) {
            self.budget.staged.fetch_add(n as u64, Ordering::Relaxed);
        } else {
            self.budget.add_raw(n as u64);
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for Raw<'_, R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `len` zero bytes from a layer that took `packed` bytes in.
    struct Layer {
        zeros: io::Take<io::Repeat>,
        packed: Option<u64>,
    }

    fn layer(len: u64, packed: Option<u64>) -> Layer {
        Layer { zeros: io::repeat(0).take(len), packed }
    }

    impl Read for Layer {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.zeros.read(buf)
        }
    }

    impl Packed for Layer {
        fn packed(&self) -> Option<u64> {
            self.packed
        }
    }

    #[test]
    fn byte_budget_stops_and_says_why() {
        let b = Budget::new(1000, 1_000_000, 10);
        b.add_raw(10);
        let g = Gauge::within(None);
        let mut r = Metered::new(layer(5000, None), &b, &g);
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
        assert!(b.exhausted());
    }

    #[test]
    fn ratio_stops_a_bomb_but_not_ordinary_compression() {
        let b = Budget::new(u64::MAX, 1000, 10);
        b.add_raw(1024);
        let g = Gauge::within(None);
        let mut bomb = Metered::new(layer(RATIO_FLOOR * 2, None), &b, &g);
        let err = io::copy(&mut bomb, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("ratio above 1000:1"), "{err}");
        assert!(!b.exhausted(), "a bomb stops its member, not the input");

        let b = Budget::new(u64::MAX, 1000, 10);
        b.add_raw(RATIO_FLOOR / 10);
        let g = Gauge::within(None);
        let mut fine = Metered::new(layer(RATIO_FLOOR + 1, None), &b, &g);
        assert!(io::copy(&mut fine, &mut io::sink()).is_ok());
    }

    #[test]
    fn a_layer_that_knows_its_input_is_judged_from_its_first_mib() {
        // The input looks harmless: its ratio is far below the limit.
        let b = Budget::new(u64::MAX, 1000, 10);
        b.add_raw(RATIO_FLOOR);
        let g = Gauge::within(None);
        let mut small_bomb =
            Metered::new(layer(MEMBER_FLOOR * 8, Some(1024)), &b, &g);
        let mut out = Vec::new();
        let err = small_bomb.read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("ratio above 1000:1"), "{err}");
        assert!(out.len() as u64 <= MEMBER_FLOOR * 2, "{}", out.len());
        assert!(!b.exhausted());

        let g = Gauge::within(None);
        let mut text =
            Metered::new(layer(MEMBER_FLOOR * 8, Some(100_000)), &b, &g);
        assert!(io::copy(&mut text, &mut io::sink()).is_ok());
    }

    #[test]
    fn nested_layers_are_judged_by_what_they_made_together() {
        let b = Budget::new(u64::MAX, 1000, 10);
        b.add_raw(RATIO_FLOOR);
        // An outer layer that made 50 times what it took, and inside it
        // one that makes 40 times: 2000 times the member's bytes.
        let outer = Gauge::within(None);
        let mut first =
            Metered::new(layer(MEMBER_FLOOR / 2, Some(10_486)), &b, &outer);
        io::copy(&mut first, &mut io::sink()).unwrap();
        let inner = Gauge::within(Some(&outer));
        let mut bomb = Metered::new(
            layer(MEMBER_FLOOR * 8, Some(MEMBER_FLOOR / 40)),
            &b,
            &inner,
        );
        let err = io::copy(&mut bomb, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("ratio above 1000:1"), "{err}");
        // Either alone is ordinary compression.
        let alone = Gauge::within(None);
        let mut ok = Metered::new(
            layer(MEMBER_FLOOR * 8, Some(MEMBER_FLOOR / 40)),
            &b,
            &alone,
        );
        assert!(io::copy(&mut ok, &mut io::sink()).is_ok());
    }

    #[test]
    fn member_budget() {
        let b = Budget::new(u64::MAX, 1000, 2);
        assert!(b.take_member() && b.take_member());
        assert!(!b.take_member());
        assert_eq!(b.exhausted_kind(), ErrorKind::TooManyMembers { max: 2 });
    }
}
