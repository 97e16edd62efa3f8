//! How a scan tells a progress display what it does; it draws nothing.

/// Hears how a scan advances, for a progress display; the engine calls it
/// from its worker threads and draws nothing itself.
///
/// Both methods do nothing by default, so an implementation takes only
/// what it shows.
pub trait Progress: Send + Sync {
    /// `n` more bytes were read from the inputs themselves (compressed
    /// bytes as they are on disk, not what they expand to), so the total
    /// to expect is the inputs' size.
    fn bytes(&self, n: u64) {
        let _ = n;
    }

    /// One more input was scanned and handed to the sink.
    fn input_done(&self) {}
}

/// A [`Progress`] that ignores everything: the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
