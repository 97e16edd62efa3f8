//! logsift's integration tests: one binary, run against the built `logsift`.
//!
//! Each module says what belongs in it. Every JSON report a test produces
//! is validated against `schema/report.schema.json` by the harness.

// The harness: temp folders, running the binary, schema validation.
mod harness;
// Bundles of each collector, built by code, that several tests scan.
mod scenes;

// One corpus in every container format gives the same findings.
mod containers;
// Same input, same bytes: thread counts and repeated runs.
mod determinism;
// Exit codes, stderr messages, broken and missing input.
mod errors;
// Hostile input: bombs, corrupt archives, huge lines, links, special files.
mod hostile;
// Redaction of secrets in every output format, and --no-redact.
mod redaction;
// Bundle recognition and the committed demo bundle.
mod bundles;
// The same lines anywhere in a bundle give the same findings.
mod placement;
// Signature packs: loading them, listing, showing, testing, linting.
mod packs;
// The default pack against the guides' error lines and a healthy node.
mod pack_quality;
// Real lines from public sources: ids, near misses, recall.
mod real_lines;
// Real multi-line excerpts, placed where the collector writes them.
mod excerpts;
// Output formats: text, SARIF, Markdown, JUnit, NDJSON; goldens and schema.
mod formats;
// Diagnoses, coverage and what could not be checked.
mod diagnoses;
// Line times: first/last seen, --since/--until, timelines, --source-kind.
mod times;
// Batch triage: --out-dir, --shard, merge, and memory over many bundles.
mod batch;
// Gating: suppressions in every format, --fail-on-incomplete.
mod gating;
// Lines the journal keeps and rsyslog copies count once.
mod mirrors;
// Error lines no signature knows, grouped into templates.
mod unrecognized;
// The HTML page of a report and of a fleet, in a headless browser.
mod html;
// ISA-L and zlib-rs give the same report.
mod inflate;
// Every format of a few scenes, byte for byte against fixtures/pinned/.
mod pinned;
// Shell completions and the man page, and --version.
mod generate;
// README's commands and CI jobs, run as printed (by `sh`, with symlinks).
#[cfg(unix)]
mod readme;
