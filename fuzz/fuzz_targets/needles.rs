//! Arbitrary literals and text through the matcher's needle search,
//! checked against the plain answer: the candidate lines found by
//! walking the text with `Matcher::candidates` (one cursor, as the
//! engine walks) are exactly the lines holding a literal.
//!
//! The input is the literals, one per line, then a NUL byte, then the
//! text; a pack with many literals gets several needle searchers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use logsift_signatures::{
    Examples, Matcher, Origin, Severity, Signature, SourceKind,
};

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else { return };
    let (head, text) = (&data[..split], &data[split + 1..]);
    let Ok(head) = std::str::from_utf8(head) else { return };
    let mut literals: Vec<&str> =
        head.split('\n').filter(|l| !l.is_empty()).collect();
    literals.sort_unstable();
    literals.dedup();
    // Thousands of literals are plenty; more only slow the fuzzer.
    literals.truncate(2000);
    let signatures: Vec<Signature> = literals
        .iter()
        .enumerate()
        .map(|(i, lit)| Signature {
            id: format!("s{i}"),
            title: String::new(),
            severity: Severity::Error,
            category: String::new(),
            sources: Vec::new(),
            summary: String::new(),
            patterns: vec![lit.to_string()],
            regex: None,
            message: None,
            exclude: Vec::new(),
            yields_to: Vec::new(),
            overridden_by: Vec::new(),
            fix: String::new(),
            links: Vec::new(),
            examples: Examples::default(),
            marker: false,
            counter: None,
            threshold: None,
            origin: Origin { file: String::new(), line: 0 },
        })
        .collect();
    let matcher = Matcher::new(&signatures);
    let mut found = Vec::new();
    let mut cursor = matcher.candidates(text, SourceKind::Unknown);
    let mut pos = 0;
    while let Some(hit) = cursor.next_from(pos) {
        assert!(hit >= pos, "went back: {hit} < {pos}");
        let start =
            text[..hit].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let end = text[hit..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| hit + i);
        found.push(start);
        pos = end + 1;
    }
    let mut want = Vec::new();
    let mut start = 0;
    for line in text.split(|&b| b == b'\n') {
        let holds = literals
            .iter()
            .any(|l| line.windows(l.len()).any(|w| w == l.as_bytes()));
        if holds {
            want.push(start);
        }
        start += line.len() + 1;
    }
    assert_eq!(
        found,
        want,
        "{} literals, {} searchers",
        literals.len(),
        matcher.searchers(SourceKind::Unknown)
    );
});
