//! The logsift report: its model and its renderers.
//!
//! # Brief overview
//!
//! A [`ReportBuilder`] is the engine's [`Sink`](logsift_engine::Sink):
//! it collects each input's results as they arrive, and [`ReportBuilder::finish`] turns them into a
//! [`Report`] whose every list is in a fixed order, so the same inputs give
//! the same bytes whatever the number of threads. Besides the findings it
//! rolls them up per input ([`Occurrence`]), orders them in time
//! ([`TimelineEntry`]), says what could not be checked ([`CoverageEntry`])
//! and names root causes ([`DiagnosisEntry`]). [`json::write`] renders it;
//! the report is the contract other tools build on.
//!
//! The other renderers ([`text`], [`html`], [`sarif`], [`markdown`],
//! [`junit`], [`ndjson`]) draw on the same report; [`Format::write`] picks one by
//! name, and [`fingerprint`] gives SARIF its stable result ids.
//!
//! [`suppress`] reads the findings people accepted, which the builder
//! marks ([`ReportBuilder::suppress`]) and `--fail-on` then ignores; and
//! [`fleet`] folds many inputs' reports, one at a time, into the summary
//! of a batch.

#![deny(missing_docs)]

mod build;
pub mod fingerprint;
pub mod fleet;
mod format;
mod gate;
mod model;
pub mod redact;
mod render;
pub mod suppress;
pub mod unrecognized;

pub use crate::{
    build::{ReportBuilder, prepare},
    format::Format,
    model::*,
    render::{html, json, junit, markdown, ndjson, sarif, text},
};
