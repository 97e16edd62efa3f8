//! The limits and knobs of a scan: the one place their defaults live.

use jiff::{SignedDuration, Timestamp};
use logsift_signatures::SourceKind;

use crate::gz::Inflate;

/// Limits and knobs of a scan.
#[derive(Clone, Debug)]
pub struct Config {
    /// Evidence lines kept per finding: the first ones and the last one.
    pub max_evidence: usize,
    /// How deep archives and compressed files may nest inside an input
    /// (a `.tar.gz` counts once; a `.gz` member inside it adds one).
    pub max_depth: u32,
    /// Bytes read before each search.
    pub chunk_size: usize,
    /// The most bytes of one line held in memory; longer lines are
    /// searched in overlapping fragments.
    pub max_line_bytes: usize,
    /// Bytes of one evidence line kept in the report.
    pub max_evidence_bytes: usize,
    /// The largest zip archive read into memory when it does not come from
    /// a file that can be read at random (stdin, a member of a tar).
    pub max_zip_in_memory: u64,
    /// Keep only lines stamped at or after this.
    pub since: Option<TimeBound>,
    /// Keep only lines stamped at or before this.
    pub until: Option<TimeBound>,
    /// The kind of every text file given directly as an input (not of the
    /// members of archives or folders, whose layout tells their kind).
    pub source_kind: Option<SourceKind>,
    /// The most bytes one input may decompress to, in all; past it the
    /// rest of the input is not read, and an error says so.
    pub max_bytes: u64,
    /// The largest ratio of decompressed to raw bytes a compressed layer
    /// may reach before it is stopped as a decompression bomb.
    pub max_ratio: u64,
    /// The most files and members one input may hold.
    pub max_members: u64,
    /// Follow symbolic links in folders (loops are detected and reported).
    pub follow_links: bool,
    /// Group the error lines no signature matches into templates.
    pub mine: bool,
    /// The library that inflates gzip streams.
    pub inflate: Inflate,
}

/// One end of a time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeBound {
    /// A fixed instant.
    At(Timestamp),
    /// This long before each input's collection time.
    BeforeCollection(SignedDuration),
}

/// `2026-11-21T10:00:00Z`, or `1h 30m before collection`: how reports
/// name a window's end.
impl std::fmt::Display for TimeBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeBound::At(t) => write!(f, "{t}"),
            TimeBound::BeforeCollection(d) => {
                write!(f, "{d:#} {BEFORE_COLLECTION}")
            }
        }
    }
}

const BEFORE_COLLECTION: &str = "before collection";

impl serde::Serialize for TimeBound {
    fn serialize<S: serde::Serializer>(
        &self,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for TimeBound {
    /// What [`Display`](std::fmt::Display) writes, read back.
    fn deserialize<D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<TimeBound, D::Error> {
        use serde::de::Error;
        let text = String::deserialize(d)?;
        match text.strip_suffix(BEFORE_COLLECTION) {
            Some(span) => span
                .trim()
                .parse()
                .map(TimeBound::BeforeCollection)
                .map_err(D::Error::custom),
            None => text.parse().map(TimeBound::At).map_err(D::Error::custom),
        }
    }
}

impl std::str::FromStr for TimeBound {
    type Err = String;

    /// A duration before each input's collection time, in jiff's
    /// friendly format (`2h`, `30m`, `90s`, `7d`, `1w`, `1h30m`), days
    /// taken as 24 hours; or an instant: RFC 3339
    /// (`2026-11-21T10:00:00Z`), or a date and time without a zone
    /// (`2026-11-21`, `2026-11-21T10:00`) taken as UTC.
    fn from_str(s: &str) -> Result<TimeBound, String> {
        let s = s.trim();
        if let Ok(span) = s.parse::<jiff::Span>() {
            if span.is_negative() {
                return Err(format!("{s:?}: a duration cannot be negative"));
            }
            return span
                .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .map(TimeBound::BeforeCollection)
                .map_err(|e| format!("{s:?}: {e}"));
        }
        if let Ok(t) = s.parse::<Timestamp>() {
            return Ok(TimeBound::At(t));
        }
        // A UTC time past the last instant jiff holds (the end of year
        // 9999 is a common "no limit") is read as its civil time.
        let utc = s.strip_suffix(['Z', 'z']).unwrap_or(s);
        let civil = utc.parse::<jiff::civil::DateTime>().or_else(|_| {
            utc.parse::<jiff::civil::Date>()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        });
        match civil {
            Ok(dt) => jiff::tz::TimeZone::UTC
                .to_timestamp(dt)
                .or_else(|e| match dt.year() {
                    9999 => Ok(Timestamp::MAX),
                    -9999 => Ok(Timestamp::MIN),
                    _ => Err(e),
                })
                .map(TimeBound::At)
                .map_err(|e| format!("{s:?}: {e}")),
            Err(_) => Err(format!(
                "{s:?} is not a time: use a duration such as 2h, 30m or 7d, \
                 or a time such as 2026-11-21T10:00:00Z"
            )),
        }
    }
}

impl TimeBound {
    /// The instant, for an input collected at `reference`.
    pub fn resolve(self, reference: Timestamp) -> Timestamp {
        match self {
            TimeBound::At(t) => t,
            TimeBound::BeforeCollection(d) => {
                reference.checked_sub(d).unwrap_or(Timestamp::MIN)
            }
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_evidence: 3,
            max_depth: 4,
            chunk_size: 256 * 1024,
            max_line_bytes: 4 * 1024 * 1024,
            max_evidence_bytes: 2048,
            max_zip_in_memory: 256 * 1024 * 1024,
            since: None,
            until: None,
            source_kind: None,
            max_bytes: 16 << 30,
            max_ratio: 1000,
            max_members: 200_000,
            follow_links: false,
            mine: false,
            inflate: Inflate::zlib(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_bounds_parse() {
        let t: Timestamp = "2026-11-21T12:00:00Z".parse().unwrap();
        let b =
            |s: &str| s.parse::<TimeBound>().unwrap().resolve(t).to_string();
        assert_eq!(b("2h"), "2026-11-21T10:00:00Z");
        assert_eq!(b("30m"), "2026-11-21T11:30:00Z");
        assert_eq!(b("7d"), "2026-11-14T12:00:00Z");
        assert_eq!(b("1w"), "2026-11-14T12:00:00Z");
        assert_eq!(b("1h30m"), "2026-11-21T10:30:00Z");
        assert_eq!(b("2026-11-20T08:00:00Z"), "2026-11-20T08:00:00Z");
        assert_eq!(b("2026-11-20T08:00:00+02:00"), "2026-11-20T06:00:00Z");
        assert_eq!(b("2026-11-20"), "2026-11-20T00:00:00Z");
        assert_eq!(b("2026-11-20T08:30"), "2026-11-20T08:30:00Z");
        // The end of year 9999 is past jiff's last instant: the last one.
        assert_eq!(b("9999-12-31T23:59:59Z"), Timestamp::MAX.to_string());
        assert_eq!(b("9999-12-31"), Timestamp::MAX.to_string());
        for bad in ["", "soon", "-2h", "2x", "2026-13-01", "1y"] {
            assert!(bad.parse::<TimeBound>().is_err(), "{bad:?}");
        }
    }
}
