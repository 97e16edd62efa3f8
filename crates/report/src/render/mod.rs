//! The renderers: the same report as JSON (the contract), NDJSON, text
//! and HTML for people, Markdown for a job summary, JUnit and SARIF for
//! CI.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod ndjson;
pub(crate) mod sanitize;
pub mod sarif;
pub mod text;
