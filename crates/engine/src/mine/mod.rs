//! Error lines no signature knows, grouped into templates: the lines that
//! are errors in their own format ([`level`]) and matched no signature
//! are masked and grouped ([`template`]) per file, then the files' groups
//! with the same template are joined per input.

mod level;
mod template;

use std::collections::BTreeMap;

use jiff::Timestamp;
use logsift_signatures::SourceKind;

pub use self::level::PROBE_SETS;
pub(crate) use self::level::{Format, format, message};
use self::template::{Groups, tokens};
use crate::{
    model::{Evidence, Unrecognized},
    time::widen,
};

/// The most groups one file keeps; lines that would need another are
/// counted as dropped. Memory stays bounded whatever the file's size.
pub(crate) const MAX_GROUPS: usize = 1000;

/// What one group has seen besides its template.
#[derive(Debug)]
struct Seen {
    first_seen: Option<Timestamp>,
    last_seen: Option<Timestamp>,
    example: Evidence,
}

/// The unrecognised error lines of one file.
#[derive(Debug, Default)]
pub(crate) struct Miner {
    groups: Groups,
    seen: Vec<Seen>,
    /// Error lines no signature matched.
    pub(crate) lines: u64,
    /// Those of them that found no group with room for them.
    pub(crate) dropped: u64,
}

impl Miner {
    /// The message of `line` if it is an error line to mine, in a file
    /// of `kind`.
    pub(crate) fn wants(line: &[u8], kind: SourceKind) -> Option<&[u8]> {
        level::error_message(line, kind)
    }

    /// Adds one unrecognised error line, numbered `number`, whose message
    /// is `message`.
    pub(crate) fn add(
        &mut self,
        line: &[u8],
        message: &[u8],
        number: u64,
        time: Option<Timestamp>,
        max_example: usize,
    ) {
        self.lines += 1;
        // Valid UTF-8 (nearly every line) is checked a word at a time.
        let text = std::str::from_utf8(message).map_or_else(
            |_| String::from_utf8_lossy(message),
            std::borrow::Cow::Borrowed,
        );
        let Some(i) = self.groups.add(&tokens(&text), MAX_GROUPS) else {
            self.dropped += 1;
            return;
        };
        if i == self.seen.len() {
            let cut = line.len().min(max_example);
            self.seen.push(Seen {
                first_seen: time,
                last_seen: time,
                example: Evidence {
                    line: number,
                    text: String::from_utf8_lossy(&line[..cut]).into_owned(),
                    truncated: cut < line.len(),
                },
            });
            return;
        }
        let seen = &mut self.seen[i];
        if let Some(t) = time {
            widen(&mut seen.first_seen, &mut seen.last_seen, t);
        }
    }

    /// The file's templates, as the input lists them.
    pub(crate) fn into_unrecognized(
        self,
        path: &str,
        source: SourceKind,
    ) -> Vec<Unrecognized> {
        self.groups
            .all
            .into_iter()
            .zip(self.seen)
            .map(|(g, s)| Unrecognized {
                template: g.template(),
                source,
                count: g.count,
                first_seen: s.first_seen,
                last_seen: s.last_seen,
                example: s.example,
                files: vec![path.to_string()],
            })
            .collect()
    }
}

/// Joins the templates of an input's files: one entry per template and
/// source kind, counts added, times widened, the first file's example
/// kept (files come in path order, so the example's file stays first in
/// `files`); most lines first.
pub(crate) fn join(all: Vec<Unrecognized>) -> Vec<Unrecognized> {
    let mut by: BTreeMap<(String, SourceKind), Unrecognized> = BTreeMap::new();
    for u in all {
        match by.get_mut(&(u.template.clone(), u.source)) {
            None => {
                by.insert((u.template.clone(), u.source), u);
            }
            Some(j) => {
                j.count += u.count;
                for t in [u.first_seen, u.last_seen].into_iter().flatten() {
                    widen(&mut j.first_seen, &mut j.last_seen, t);
                }
                for f in u.files {
                    if !j.files.contains(&f) {
                        j.files.push(f);
                    }
                }
            }
        }
    }
    let mut out: Vec<Unrecognized> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| a.template.cmp(&b.template))
    });
    out
}
