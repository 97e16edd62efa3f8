//! What every walk of a scan shares: the matcher, the limits, the
//! progress listener and how many inputs are being scanned now.
//!
//! It sits below both the walk and the [`Scanner`](crate::scanner::Scanner)
//! facade, so the walk never reaches up into the facade.

use std::sync::{Arc, atomic::AtomicUsize};

use logsift_signatures::Matcher;

use crate::{
    config::Config,
    progress::{NoProgress, Progress},
};

/// The shared state of one scan.
pub(crate) struct Context<'m> {
    /// The compiled signatures.
    pub(crate) matcher: &'m Matcher,
    /// Limits and knobs.
    pub(crate) config: Config,
    /// Hears how the scan advances.
    pub(crate) progress: Arc<dyn Progress>,
    /// Inputs being scanned now: a thread of the pool not busy with one
    /// can inflate a compressed input ahead of its scan.
    pub(crate) active: AtomicUsize,
}

impl<'m> Context<'m> {
    /// A context that reports progress to no one.
    pub(crate) fn new(matcher: &'m Matcher, config: Config) -> Context<'m> {
        Context {
            matcher,
            config,
            progress: Arc::new(NoProgress),
            active: AtomicUsize::new(0),
        }
    }
}
