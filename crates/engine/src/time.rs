//! Reading the time of a log line, in every format the node collectors
//! write, and placing year-less times in the right year.
//!
//! Only lines that matched a signature are parsed, so these parsers are
//! written for clarity over speed. Times without a zone are taken as UTC,
//! which is what EKS AMIs run.

use jiff::{
    Timestamp,
    civil::{Date, DateTime, Time},
    tz::{Offset, TimeZone},
};

/// The time a line carries, before the year is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineTime {
    /// A complete instant.
    At(Timestamp),
    /// Month, day and time without a year (journald short, syslog, klog).
    NoYear { month: i8, day: i8, time: Time },
}

impl LineTime {
    /// The instant, with a missing year taken from `reference` (the
    /// bundle's collection time): its year, or the year before when the
    /// month is later than the reference's month, since logs precede
    /// their collection.
    pub(crate) fn resolve(self, reference: Timestamp) -> Option<Timestamp> {
        match self {
            LineTime::At(t) => Some(t),
            LineTime::NoYear { month, day, time } => {
                let r = reference.to_zoned(TimeZone::UTC);
                let year =
                    if month > r.month() { r.year() - 1 } else { r.year() };
                let date = Date::new(year, month, day).ok()?;
                utc(date.to_datetime(time))
            }
        }
    }
}

fn utc(dt: DateTime) -> Option<Timestamp> {
    TimeZone::UTC.to_timestamp(dt).ok()
}

/// The time at the start of `line` (or in its `ts`/`time` field for JSON
/// and logfmt lines), if it has one in a known format.
pub(crate) fn parse_line(line: &[u8]) -> Option<LineTime> {
    let line = trim_start(line);
    let first = *line.first()?;
    match first {
        b'0'..=b'9' => iso(line)
            .map(|(t, _)| LineTime::At(t))
            .or_else(|| slash_date(line).map(LineTime::At))
            .or_else(|| windows_csv(line).map(LineTime::At))
            .or_else(|| logfmt_time(line)),
        b'"' => windows_csv(&line[1..]).map(LineTime::At),
        b'{' => json_time(line),
        b'[' => ctime(line).map(LineTime::At),
        b'I' | b'W' | b'E' | b'F' if klog(line).is_some() => klog(line),
        b'A'..=b'Z' => syslog(line).or_else(|| logfmt_time(line)),
        _ => logfmt_time(line),
    }
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

/// `n` ASCII digits at `s[at..]`.
fn digits(s: &[u8], at: usize, n: usize) -> Option<i64> {
    let d = s.get(at..at + n)?;
    d.iter().try_fold(0i64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

/// Fractional seconds starting at `s[at]` (after the `.` or `,`): the
/// nanoseconds and how many bytes were read.
fn fraction(s: &[u8], at: usize) -> (i32, usize) {
    let mut nanos: i64 = 0;
    let mut n = 0;
    while let Some(&b) = s.get(at + n) {
        if !b.is_ascii_digit() {
            break;
        }
        if n < 9 {
            nanos = nanos * 10 + i64::from(b - b'0');
        }
        n += 1;
    }
    for _ in n..9 {
        nanos *= 10;
    }
    (nanos as i32, n)
}

/// `HH:MM:SS` with optional `.fff` / `,fff` at `s[at..]`.
fn clock(s: &[u8], at: usize) -> Option<(Time, usize)> {
    let h = digits(s, at, 2)?;
    let m = digits(s, at + 3, 2)?;
    let sec = digits(s, at + 6, 2)?;
    if s.get(at + 2) != Some(&b':') || s.get(at + 5) != Some(&b':') {
        return None;
    }
    let mut end = at + 8;
    let mut nanos = 0;
    if matches!(s.get(end), Some(b'.' | b',')) {
        let (ns, n) = fraction(s, end + 1);
        if n > 0 {
            nanos = ns;
            end += 1 + n;
        }
    }
    let t = Time::new(h as i8, m as i8, sec.min(59) as i8, nanos).ok()?;
    Some((t, end))
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM| UTC]`: RFC 3339, ISO
/// 8601, CRI, journald short-iso-precise, hclog, cloud-init, seelog.
/// Returns the instant and the bytes read.
pub(crate) fn iso(s: &[u8]) -> Option<(Timestamp, usize)> {
    let y = digits(s, 0, 4)?;
    let mo = digits(s, 5, 2)?;
    let d = digits(s, 8, 2)?;
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    if !matches!(s.get(10), Some(b'T' | b' ')) {
        return None;
    }
    let (time, mut end) = clock(s, 11)?;
    let date = Date::new(y as i16, mo as i8, d as i8).ok()?;
    let dt = date.to_datetime(time);
    let offset = match s.get(end) {
        Some(b'Z') => {
            end += 1;
            Offset::UTC
        }
        Some(&sign @ (b'+' | b'-')) => {
            let hh = digits(s, end + 1, 2)?;
            let (mm, n) = if s.get(end + 3) == Some(&b':') {
                (digits(s, end + 4, 2)?, 6)
            } else {
                // `+HH` alone is read as whole hours; only minutes that
                // are there count as read.
                digits(s, end + 3, 2).map_or((0, 3), |mm| (mm, 5))
            };
            end += n;
            let secs = (hh * 3600 + mm * 60) as i32;
            Offset::from_seconds(if sign == b'-' { -secs } else { secs })
                .ok()?
        }
        _ if s[end..].starts_with(b"UTC") => {
            end += 3;
            Offset::UTC
        }
        _ => Offset::UTC,
    };
    let ts = offset.to_timestamp(dt).ok()?;
    Some((ts, end))
}

/// `YYYY/MM/DD HH:MM:SS`: Go's `log` prefix (terraform before 0.15).
fn slash_date(s: &[u8]) -> Option<Timestamp> {
    let y = digits(s, 0, 4)?;
    let mo = digits(s, 5, 2)?;
    let d = digits(s, 8, 2)?;
    if s.get(4) != Some(&b'/')
        || s.get(7) != Some(&b'/')
        || s.get(10) != Some(&b' ')
    {
        return None;
    }
    let (time, _) = clock(s, 11)?;
    utc(Date::new(y as i16, mo as i8, d as i8).ok()?.to_datetime(time))
}

/// `M/D/YYYY h:mm:ss AM`: .NET's en-US `DateTime.ToString()` in the
/// Windows collector's event CSVs.
fn windows_csv(s: &[u8]) -> Option<Timestamp> {
    let text = std::str::from_utf8(s.get(..s.len().min(32))?).ok()?;
    let mut parts = text.splitn(4, [' ', '"']);
    let date = parts.next()?;
    let clock_s = parts.next()?;
    let ampm = parts.next().unwrap_or("");
    let mut dp = date.split('/');
    let mo: i8 = dp.next()?.parse().ok()?;
    let d: i8 = dp.next()?.parse().ok()?;
    let y: i16 = dp.next()?.parse().ok()?;
    let mut cp = clock_s.split(':');
    let mut h: i8 = cp.next()?.parse().ok()?;
    let mi: i8 = cp.next()?.parse().ok()?;
    let se: i8 = cp.next()?.parse().ok()?;
    match ampm {
        "PM" if h < 12 => h += 12,
        "AM" if h == 12 => h = 0,
        _ => {}
    }
    utc(Date::new(y, mo, d).ok()?.to_datetime(Time::new(h, mi, se, 0).ok()?))
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep",
    b"Oct", b"Nov", b"Dec",
];

fn month(s: &[u8]) -> Option<i8> {
    let m = s.get(..3)?;
    MONTHS.iter().position(|name| name.as_slice() == m).map(|i| i as i8 + 1)
}

/// `Mmm dd HH:MM:SS[.ffffff]`: journald short and short-precise (day
/// zero-padded) and rsyslog (day space-padded).
fn syslog(s: &[u8]) -> Option<LineTime> {
    syslog_stamp(s).map(|(t, _)| t)
}

/// [`syslog`]'s time and the bytes it took.
fn syslog_stamp(s: &[u8]) -> Option<(LineTime, usize)> {
    let month = month(s)?;
    if s.get(3) != Some(&b' ') {
        return None;
    }
    let day = match (s.get(4), s.get(5)) {
        (Some(b' '), Some(d)) if d.is_ascii_digit() => i64::from(d - b'0'),
        _ => digits(s, 4, 2)?,
    };
    if s.get(6) != Some(&b' ') {
        return None;
    }
    let (time, end) = clock(s, 7)?;
    Some((LineTime::NoYear { month, day: day as i8, time }, end))
}

/// What follows the time of a journal or syslog line (journald short,
/// short-precise and short-iso-precise, rsyslog), from the space before
/// the host name on; `None` for lines of other shapes.
pub(crate) fn after_journal_time(line: &[u8]) -> Option<&[u8]> {
    let end = match line.first()? {
        b'0'..=b'9' => iso(line)?.1,
        _ => syslog_stamp(line)?.1,
    };
    let rest = &line[end..];
    rest.starts_with(b" ").then_some(rest)
}

/// `Lmmdd hh:mm:ss.uuuuuu`: klog's header (no year, no zone).
fn klog(s: &[u8]) -> Option<LineTime> {
    let month = digits(s, 1, 2)? as i8;
    let day = digits(s, 3, 2)? as i8;
    if s.get(5) != Some(&b' ') || !(1..=12).contains(&month) {
        return None;
    }
    let (time, _) = clock(s, 6)?;
    Some(LineTime::NoYear { month, day, time })
}

/// `[Www Mmm dD HH:MM:SS YYYY]`: `dmesg --ctime`. The monotonic
/// `[  161.000001]` form has no wall-clock time.
fn ctime(s: &[u8]) -> Option<Timestamp> {
    let month = month(s.get(5..)?)?;
    let day = match (s.get(9), s.get(10)) {
        (Some(b' '), Some(d)) if d.is_ascii_digit() => i64::from(d - b'0'),
        _ => digits(s, 9, 2)?,
    };
    let (time, end) = clock(s, 12)?;
    let year = digits(s, end + 1, 4)?;
    utc(Date::new(year as i16, month, day as i8).ok()?.to_datetime(time))
}

/// The `ts`, `time`, `timestamp` or `@timestamp` field of a JSON line:
/// an RFC 3339 string (zap ISO8601, docker json-file, hclog JSON) or epoch
/// seconds as a number (zap's production encoder, old nodeadm).
fn json_time(s: &[u8]) -> Option<LineTime> {
    for key in
        [&b"\"ts\":"[..], b"\"time\":", b"\"timestamp\":", b"\"@timestamp\":"]
    {
        let Some(at) = memchr::memmem::find(s, key) else { continue };
        let v = trim_start(&s[at + key.len()..]);
        match v.first() {
            Some(b'"') => {
                if let Some((t, _)) = iso(&v[1..]) {
                    return Some(LineTime::At(t));
                }
            }
            Some(b'0'..=b'9') => {
                // Read the digits as text: a float would turn .123 into
                // .122999907.
                let whole_len =
                    v.iter().take_while(|b| b.is_ascii_digit()).count();
                let secs = digits(v, 0, whole_len.min(12))?;
                let nanos = if v.get(whole_len) == Some(&b'.') {
                    fraction(v, whole_len + 1).0
                } else {
                    0
                };
                return Timestamp::new(secs, nanos).ok().map(LineTime::At);
            }
            _ => {}
        }
    }
    None
}

/// logrus' `time="<RFC 3339>"` (containerd), anywhere in the line.
fn logfmt_time(s: &[u8]) -> Option<LineTime> {
    let at = memchr::memmem::find(s, b"time=\"")?;
    iso(&s[at + 6..]).map(|(t, _)| LineTime::At(t))
}

/// Widens the span `first..=last` to take in `t`: the least and the
/// greatest rather than the first and the last, since rotated and merged
/// logs are not always in order.
pub(crate) fn widen(
    first: &mut Option<Timestamp>,
    last: &mut Option<Timestamp>,
    t: Timestamp,
) {
    *first = Some(first.map_or(t, |f| f.min(t)));
    *last = Some(last.map_or(t, |l| l.max(t)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: &str) -> String {
        match parse_line(line.as_bytes()) {
            Some(LineTime::At(t)) => t.to_string(),
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    fn resolved(line: &str, reference: &str) -> String {
        let r: Timestamp = reference.parse().unwrap();
        parse_line(line.as_bytes())
            .and_then(|t| t.resolve(r))
            .unwrap()
            .to_string()
    }

    const COLLECTED: &str = "2026-11-21T12:00:00Z";

    #[test]
    fn journald_short_and_precise() {
        assert_eq!(
            resolved(
                "Nov 21 11:50:02 ip-10-0-12-34 kubelet[3012]: I1121 ok",
                COLLECTED
            ),
            "2026-11-21T11:50:02Z"
        );
        assert_eq!(
            resolved(
                "Nov 02 11:50:02.123456 ip-10-0-1-2 kubelet[3012]: x",
                COLLECTED
            ),
            "2026-11-02T11:50:02.123456Z"
        );
    }

    #[test]
    fn journald_short_iso_precise() {
        assert_eq!(
            at("2024-11-06T10:09:36.442123+0000 ip-10-0-1-2 kubelet[3012]: x"),
            "2024-11-06T10:09:36.442123Z"
        );
        assert_eq!(
            at("2024-11-06T10:09:36.442123+0130 host x"),
            "2024-11-06T08:39:36.442123Z"
        );
    }

    #[test]
    fn rsyslog_space_padded_day() {
        assert_eq!(
            resolved(
                "Feb  9 03:00:00 host kubelet: E0209 03:00:00.1 x",
                "2026-03-01T00:00:00Z"
            ),
            "2026-02-09T03:00:00Z"
        );
    }

    #[test]
    fn klog_header_without_prefix() {
        assert_eq!(
            resolved(
                r#"E1121 08:30:05.001234    5120 kubelet.go:2424] "Error getting node""#,
                COLLECTED
            ),
            "2026-11-21T08:30:05.001234Z"
        );
    }

    #[test]
    fn year_is_inferred_across_new_year() {
        // Collected in January: December lines are from the year before.
        assert_eq!(
            resolved(
                "Dec 31 23:59:58 host kubelet[1]: x",
                "2027-01-01T00:10:00Z"
            ),
            "2026-12-31T23:59:58Z"
        );
        assert_eq!(
            resolved(
                "Jan 01 00:00:01 host kubelet[1]: x",
                "2027-01-01T00:10:00Z"
            ),
            "2027-01-01T00:00:01Z"
        );
        assert_eq!(
            resolved(
                "E1231 23:59:59.999999    1 x.go:1] x",
                "2027-01-02T00:00:00Z"
            ),
            "2026-12-31T23:59:59.999999Z"
        );
    }

    #[test]
    fn ipamd_zap_json_and_network_policy_agent() {
        assert_eq!(
            at(
                r#"{"level":"error","ts":"2021-12-02T04:10:11.512Z","caller":"ipamd/ipamd.go:934","msg":"x"}"#
            ),
            "2021-12-02T04:10:11.512Z"
        );
        assert_eq!(
            at(
                r#"{"level":"info","ts":"2022-09-05T08:00:01.250+0200","msg":"x"}"#
            ),
            "2022-09-05T06:00:01.25Z"
        );
        assert_eq!(
            at(
                r#"{"level":"info","timestamp":"2023-09-27T12:00:00.001Z","logger":"ebpf"}"#
            ),
            "2023-09-27T12:00:00.001Z"
        );
    }

    #[test]
    fn nodeadm_epoch_ts() {
        assert_eq!(
            at(
                r#"{"level":"info","ts":1707782400.123,"caller":"init/init.go:65","msg":"Loading configuration.."}"#
            ),
            "2024-02-13T00:00:00.123Z"
        );
    }

    #[test]
    fn containerd_logfmt_inside_journald_uses_the_prefix() {
        let line = r#"Oct 13 07:01:22 ip-192-168-1-10 containerd[1711]: time="2023-10-13T07:01:22.104391882Z" level=info msg="Start event monitor""#;
        assert_eq!(
            resolved(line, "2023-10-14T00:00:00Z"),
            "2023-10-13T07:01:22Z"
        );
        assert_eq!(
            at(r#"time="2023-10-13T07:01:22.104391882Z" level=info msg="x""#),
            "2023-10-13T07:01:22.104391882Z"
        );
    }

    #[test]
    fn dmesg_ctime_and_monotonic() {
        assert_eq!(
            at("[Tue Mar 24 01:02:03 2020] eth0: link up"),
            "2020-03-24T01:02:03Z"
        );
        assert_eq!(at("[Sat Nov  7 01:02:03 2026] x"), "2026-11-07T01:02:03Z");
        assert_eq!(parse_line(b"[  161.000001] eth0: link up"), None);
    }

    #[test]
    fn cri_and_docker_json_container_logs() {
        assert_eq!(
            at(
                "2024-05-01T12:00:00.123456789Z stderr F I0501 12:00:00.123400       1 server.go:1] x"
            ),
            "2024-05-01T12:00:00.123456789Z"
        );
        assert_eq!(
            at(
                r#"{"log":"x\n","stream":"stderr","time":"2020-03-24T01:03:00.123456789Z"}"#
            ),
            "2020-03-24T01:03:00.123456789Z"
        );
    }

    #[test]
    fn terraform_hclog_and_go_log() {
        assert_eq!(
            at(
                "2025-08-20T09:01:02.345-0700 [INFO]  Terraform version: 1.9.5"
            ),
            "2025-08-20T16:01:02.345Z"
        );
        assert_eq!(
            at("2020/09/17 11:00:00 [TRACE] Meta.Backend"),
            "2020-09-17T11:00:00Z"
        );
        assert_eq!(
            at(
                r#"{"@level":"error","@message":"x","@timestamp":"2021-05-25T13:35:08.482210+02:00"}"#
            ),
            "2021-05-25T11:35:08.48221Z"
        );
    }

    #[test]
    fn cloud_init_and_bootstrap() {
        assert_eq!(
            at("2018-07-03 07:00:00,123 - util.py[DEBUG]: x"),
            "2018-07-03T07:00:00.123Z"
        );
        assert_eq!(
            at("2023-04-24T12:00:00+0000 [eks-bootstrap] INFO: starting..."),
            "2023-04-24T12:00:00Z"
        );
        assert_eq!(
            at("2020-03-16T16:40:01.007Z [INFO]\tStarting CNI Plugin"),
            "2020-03-16T16:40:01.007Z"
        );
    }

    #[test]
    fn windows_event_csv() {
        assert_eq!(
            at(r#""8/6/2024 10:21:56 AM","Error","EC2AMAZ","x""#),
            "2024-08-06T10:21:56Z"
        );
        assert_eq!(
            at(r#""8/6/2024 1:21:56 PM","Error","EC2AMAZ","x""#),
            "2024-08-06T13:21:56Z"
        );
    }

    #[test]
    fn lines_without_time() {
        for line in [
            "",
            "hello",
            "Error: something",
            "{\"msg\":\"no time\"}",
            "1234",
            "Foo 12 10:00:00 x",
        ] {
            assert_eq!(parse_line(line.as_bytes()), None, "{line:?}");
        }
    }

    #[test]
    fn offset_without_minutes_is_read_as_hours_within_the_text() {
        // Found by fuzzing (fuzz/ line_time): `+HH` followed by one digit
        // or nothing claimed five bytes, past the end of the text.
        let cases: [(&[u8], &str); 2] = [
            (b"2024-11-06T10:09:36.4+020", "2024-11-06T08:09:36.4Z"),
            (b"2024-11-06T10:09:36+02", "2024-11-06T08:09:36Z"),
        ];
        for (s, want) in cases {
            let (t, read) = iso(s).unwrap();
            assert!(read <= s.len(), "{read} > {}", s.len());
            assert_eq!(t.to_string(), want);
        }
        let s = b"2024-11-06T10:09:36+0230 x";
        assert_eq!(iso(s).map(|(_, n)| n), Some(24));
    }

    #[test]
    fn curl_api_server_collection_time() {
        let line = b"curling https://x.gr7.us-west-2.eks.amazonaws.com/livez?verbose (1 of 5) 2022-08-23T16:39:00.123UTC";
        let at = memchr::memmem::find(line, b") ").unwrap() + 2;
        assert_eq!(
            iso(&line[at..]).unwrap().0.to_string(),
            "2022-08-23T16:39:00.123Z"
        );
    }
}
