//! Bounds on what one input may expand to, so a decompression bomb stops
//! with an error naming the member instead of filling memory or time.
//!
//! Every decompressing reader is metered against two limits: the bytes
//! decompressed across the whole input, and the ratio of what a layer has
//! produced to the raw bytes read from the input so far. Deflate cannot
//! exceed about 1032:1 in one layer, so an overall ratio past the limit
//! means nested compression built to explode.

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

/// A decompressing reader, metered against the input's budget.
pub(crate) struct Metered<'b, R> {
    inner: R,
    budget: &'b Budget,
    produced: u64,
}

impl<'b, R> Metered<'b, R> {
    pub(crate) fn new(inner: R, budget: &'b Budget) -> Self {
        Metered { inner, budget, produced: 0 }
    }
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let b = self.budget;
        if b.exhausted() {
            return Err(io::Error::other(b.exhausted_kind().to_string()));
        }
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let total =
            b.expanded.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > b.max_bytes {
            b.exhausted.store(true, Ordering::Relaxed);
            return Err(io::Error::other(b.exhausted_kind().to_string()));
        }
        let raw = b.raw.load(Ordering::Relaxed).max(1);
        if self.produced >= RATIO_FLOOR && self.produced / raw > b.max_ratio {
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

    #[test]
    fn byte_budget_stops_and_says_why() {
        let b = Budget::new(1000, 1_000_000, 10);
        b.add_raw(10);
        let mut r = Metered::new(io::repeat(b'x').take(5000), &b);
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
        assert!(b.exhausted());
    }

    #[test]
    fn ratio_stops_a_bomb_but_not_ordinary_compression() {
        let b = Budget::new(u64::MAX, 1000, 10);
        b.add_raw(1024);
        let mut bomb = Metered::new(io::repeat(0).take(RATIO_FLOOR * 2), &b);
        let err = io::copy(&mut bomb, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("ratio above 1000:1"), "{err}");
        assert!(!b.exhausted(), "a bomb stops its member, not the input");

        let b = Budget::new(u64::MAX, 1000, 10);
        b.add_raw(RATIO_FLOOR / 10);
        let mut fine = Metered::new(io::repeat(0).take(RATIO_FLOOR + 1), &b);
        assert!(io::copy(&mut fine, &mut io::sink()).is_ok());
    }

    #[test]
    fn member_budget() {
        let b = Budget::new(u64::MAX, 1000, 2);
        assert!(b.take_member() && b.take_member());
        assert!(!b.take_member());
        assert_eq!(b.exhausted_kind(), ErrorKind::TooManyMembers { max: 2 });
    }
}
