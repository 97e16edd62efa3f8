//! Signatures of known failures in Kubernetes node and provisioning logs.
//!
//! # Brief overview
//!
//! A [`Signature`] says what a failure looks like (literals, an optional
//! confirming regex, the [`SourceKind`]s it applies to) and how to fix it.
//! A [`Pack`] loads signatures from strict TOML files, the default pack
//! being embedded at build time from the workspace's `signatures/` folder.
//! [`Pack::compile`] builds the [`Matcher`] that the engine runs over logs.
//!
//! ```
//! use logsift_signatures::{Pack, SourceKind};
//!
//! let pack = Pack::embedded().unwrap();
//! let matcher = pack.compile();
//! let line = br#"E0524 14:01:03.447195 3567 kubelet.go:2240] node "" not found"#;
//! let mut hits = Vec::new();
//! matcher.match_line(line, SourceKind::Kubelet, &mut hits);
//! assert_eq!(pack.signatures()[hits[0]].id, "node-name-empty");
//! ```

#![deny(missing_docs)]

mod error;
mod lint;
mod matcher;
mod model;
mod needles;
mod pack;

pub use crate::{
    error::{Diagnostic, LoadError, line_col},
    lint::{clashes, lint},
    matcher::{Candidates, Hit, Matcher},
    model::{
        Counter, Diagnosis, Example, Examples, Origin, Severity, Signature,
        SourceKind,
    },
    pack::{Pack, did_you_mean, suggestions_note},
};
