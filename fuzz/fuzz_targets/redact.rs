//! Arbitrary text through the redactor, as a whole line and as one cut
//! short: no panic, and nothing the redactor recognises is left in what
//! it returns (a second pass finds no secret), so no secret survives
//! next to a placeholder.

#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use logsift_report::redact::{Redactor, mask};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut redactor = Redactor::new();
    let whole = redactor.redact(&text).into_owned();
    let again = Redactor::new().redact(&whole).into_owned();
    assert!(again == whole, "{text:?} -> {whole:?} -> {again:?}");
    let cut = redactor.redact_cut(&text).into_owned();
    let again = Redactor::new().redact_cut(&cut).into_owned();
    assert!(again == cut, "{text:?} -> {cut:?} -> {again:?}");
    let _ = redactor.counts();
    if let Cow::Owned(masked) = mask(&text) {
        assert!(masked.contains("[REDACTED "), "{masked:?}");
    }
});
