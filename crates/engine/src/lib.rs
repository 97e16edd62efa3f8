//! The logsift engine: reads inputs, finds signature hits, tallies them.
//!
//! # Brief overview
//!
//! A [`Scanner`] takes [`Input`]s (files, folders, archives, stdin), walks
//! into archives and compressed members without extracting anything,
//! recognises the bundle layout and what each file is, streams every text
//! file through the compiled [`logsift_signatures::Matcher`], and pushes
//! one [`InputReport`] per input into a [`Sink`]. It knows nothing of
//! output formats: those live in `logsift-report`.
//!
//! Work is spread over the current rayon thread pool: inputs in parallel,
//! and the files of a folder in parallel. What reaches the sink is the same
//! whatever the number of threads: every list in an [`InputReport`] is
//! sorted.

#![deny(missing_docs)]

mod ahead;
mod budget;
mod bundle;
mod config;
mod context;
mod coverage;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod gz;
mod io;
mod mine;
mod mirror;
mod model;
mod progress;
mod scan;
mod scanner;
mod sniff;
mod source;
#[cfg(test)]
mod tester;
mod time;
mod walk;

pub use jiff::{SignedDuration, Timestamp};

pub use crate::{
    bundle::{BundleInfo, Producer},
    config::{Config, TimeBound},
    coverage::{ClassifiedFile, KindReason, SourceCoverage, SourceStatus},
    error::{ErrorKind, NoteKind, SkipReason},
    gz::Inflate,
    mine::PROBE_SETS as MINING_PROBE_SETS,
    model::{
        Evidence, FileFinding, Input, InputKind, InputReport, Mined, Note,
        ScanError, Skipped, Unrecognized,
    },
    progress::{NoProgress, Progress},
    scanner::{Scanner, Sink, archive_kind, bundle_dir},
};
