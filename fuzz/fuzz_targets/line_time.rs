//! Arbitrary bytes as the start of a log line, through every timestamp
//! parser (journald, syslog, klog, RFC 3339, JSON and logfmt fields,
//! dmesg, Windows CSV) and year inference against references at the
//! edges of time; and as a `--since`/`--until` value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use logsift_engine::{TimeBound, Timestamp, fuzzing};

fuzz_target!(|data: &[u8]| {
    let references = [
        Timestamp::UNIX_EPOCH,
        Timestamp::MIN,
        Timestamp::MAX,
        Timestamp::from_second(1_795_262_400).unwrap_or(Timestamp::UNIX_EPOCH),
    ];
    for reference in references {
        let _ = fuzzing::line_time(data, reference);
    }
    if let Some((_, read)) = fuzzing::iso(data) {
        assert!(read <= data.len(), "iso read past the end");
    }
    if let Ok(s) = std::str::from_utf8(data)
        && let Ok(bound) = s.parse::<TimeBound>()
    {
        for reference in references {
            let _ = bound.resolve(reference);
        }
    }
});
