//! The output formats, and one entry point that renders any of them, so
//! the binary dispatches on a value instead of knowing each renderer.

use std::{
    fmt,
    io::{self, Write},
    str::FromStr,
};

use logsift_signatures::Pack;

use crate::{html, json, junit, markdown, model::Report, ndjson, sarif, text};

/// A way to write a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The JSON report: the contract (see [`json`]).
    Json,
    /// For people at a terminal (see [`text`]).
    Text,
    /// SARIF 2.1.0 for code scanning (see [`sarif`]).
    Sarif,
    /// Markdown for step summaries and comments (see [`markdown`]).
    Markdown,
    /// JUnit XML for CI test reports (see [`junit`]).
    Junit,
    /// One finding per line (see [`ndjson`]).
    Ndjson,
    /// One self-contained page for people (see [`html`]).
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Text,
        Format::Sarif,
        Format::Markdown,
        Format::Junit,
        Format::Ndjson,
        Format::Html,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Text => "text",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Ndjson => "ndjson",
            Format::Html => "html",
        }
    }

    /// Writes `report`, made with the signatures of `pack`, in this
    /// format; `text` says how to render [`Format::Text`] and is ignored
    /// by the others.
    pub fn write<W: Write>(
        self,
        report: &Report,
        pack: &Pack,
        text: &text::Options,
        w: W,
    ) -> io::Result<()> {
        match self {
            Format::Json => json::write(report, w),
            Format::Text => text::write(report, text, w),
            Format::Sarif => sarif::write(report, pack, w),
            Format::Markdown => markdown::write(report, w),
            Format::Junit => junit::write(report, pack, w),
            Format::Ndjson => ndjson::write(report, w),
            Format::Html => html::write(report, w),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> =
                Format::ALL.iter().map(|f| f.as_str()).collect();
            format!(
                "unknown format {s:?} (expected one of {})",
                names.join(", ")
            )
        })
    }
}

/// What a diagnosis rests on, each part already written for the format:
/// `a (2) + b (3)`, or for two listings whose counts differ `a (8) vs b
/// (7), which differ`.
pub(crate) fn rests_on(parts: &[String], counts_differ: bool) -> String {
    if counts_differ {
        format!("{}, which differ", parts.join(" vs "))
    } else {
        parts.join(" + ")
    }
}

/// What a diagnosis rests on the absence of, after what it rests on:
/// `, without node-registered`, or nothing; `absent` is joined and
/// escaped for the format already.
pub(crate) fn without(absent: &str) -> String {
    if absent.is_empty() {
        String::new()
    } else {
        format!(", without {absent}")
    }
}

/// The window in words: `since X until Y; lines without a time are kept`.
pub(crate) fn window_text(win: &crate::model::Window) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &win.since {
        parts.push(format!("stamped since {s}"));
    }
    if let Some(u) = &win.until {
        parts.push(format!("until {u}"));
    }
    format!("{}; lines without a time are kept", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert!("xml".parse::<Format>().is_err());
    }
}
