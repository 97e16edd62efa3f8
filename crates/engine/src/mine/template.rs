//! Error lines grouped into templates, in the manner of Drain (He et al.,
//! "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS
//! 2017): a line's message is cut from its prefix, split into tokens, its
//! variable tokens (numbers, ids, addresses, quoted strings) masked; lines
//! with the same number of tokens and the same first tokens are compared
//! token by token, and a line at least half the same as a group's
//! template joins it, the positions that differ becoming wildcards.

use std::collections::HashMap;

/// What a variable token becomes.
pub(crate) const WILDCARD: &str = "<*>";

/// How many leading tokens route a line to its groups.
const ROUTE: usize = 2;

/// The share of a group's tokens a line must have at the same places to
/// join it.
const SIMILARITY: f64 = 0.5;

/// The most tokens a template keeps; the rest of a long line is one
/// wildcard.
const MAX_TOKENS: usize = 40;

/// A group of lines and the template they share.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) tokens: Vec<String>,
    /// Lines that joined it.
    pub(crate) count: u64,
}

impl Group {
    pub(crate) fn template(&self) -> String {
        self.tokens.join(" ")
    }
}

/// The groups of one file.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    /// By token count and a hash of the leading tokens, the indexes into
    /// `all` (a collision only costs a comparison).
    routes: HashMap<(usize, u64), Vec<usize>>,
    pub(crate) all: Vec<Group>,
}

impl Groups {
    /// Adds the masked tokens of one line; returns its group's index, or
    /// `None` when it would need a new group and there are `max` already.
    pub(crate) fn add(
        &mut self,
        tokens: &[&str],
        max: usize,
    ) -> Option<usize> {
        let key = (tokens.len(), route(tokens));
        let candidates = self.routes.entry(key).or_default();
        let best = candidates
            .iter()
            .map(|&i| (i, similarity(&self.all[i].tokens, tokens)))
            .filter(|&(i, s)| {
                // Same route, same leading tokens: a hash collision is no
                // reason to join.
                let lead = &self.all[i].tokens;
                s >= SIMILARITY
                    && lead.iter().zip(tokens).take(ROUTE).all(|(a, b)| a == b)
            })
            // The most similar; among equals, the oldest.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((i, similar)) = best {
            let group = &mut self.all[i];
            // A line the template already covers leaves it as it is.
            if similar < 1.0 {
                for (t, l) in group.tokens.iter_mut().zip(tokens) {
                    if t != l && t != WILDCARD {
                        *t = WILDCARD.to_string();
                    }
                }
            }
            group.count += 1;
            return Some(i);
        }
        if self.all.len() >= max {
            return None;
        }
        let index = self.all.len();
        candidates.push(index);
        let tokens = tokens.iter().map(|t| t.to_string()).collect();
        self.all.push(Group { tokens, count: 1 });
        Some(index)
    }
}

/// A hash of the leading tokens (FNV-1a): the route is looked up for
/// every error line, and a collision only costs a comparison.
fn route(tokens: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in tokens.iter().take(ROUTE) {
        for &b in t.as_bytes().iter().chain(&[0xff]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The share of positions where the template and the line agree, a
/// wildcard agreeing with anything.
fn similarity(template: &[String], line: &[&str]) -> f64 {
    if template.is_empty() {
        return 1.0;
    }
    let same = template
        .iter()
        .zip(line)
        .filter(|(t, l)| t == *l || *t == WILDCARD)
        .count();
    same as f64 / template.len() as f64
}

/// The message's tokens, variables masked. Quoted text is not one
/// variable: klog's structured lines quote their message, and an error's
/// words are what tells one failure from another; words that vary become
/// wildcards as lines join.
pub(crate) fn tokens(message: &str) -> Vec<&str> {
    // One allocation a line, not one for each doubling.
    let mut out = Vec::with_capacity(MAX_TOKENS + 1);
    for raw in message.split_ascii_whitespace() {
        if out.len() == MAX_TOKENS {
            push_wildcard(&mut out);
            break;
        }
        if is_variable(raw) {
            push_wildcard(&mut out);
        } else {
            out.push(raw);
        }
    }
    out
}

/// Adds a wildcard, once for a run of variables.
fn push_wildcard(out: &mut Vec<&str>) {
    if out.last() != Some(&WILDCARD) {
        out.push(WILDCARD);
    }
}

/// Whether a token varies from line to line: it holds a digit (numbers,
/// times, addresses, versions, most ids and pod names), or it is a long
/// run of hex letters or base64 (hashes, tokens).
fn is_variable(token: &str) -> bool {
    // A digit is never trimmed, so it is looked for before trimming.
    if token.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    if token.len() < 16 {
        return false;
    }
    let t = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    t.len() >= 16
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && t.bytes().any(|b| b.is_ascii_uppercase())
        && t.bytes().any(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        tokens(s).join(" ")
    }

    #[test]
    fn variables_are_masked() {
        assert_eq!(
            t(
                r#"failed to attach eni-0a1b2c3d to i-0123 at 10.0.1.2:443 after 3 tries"#
            ),
            "failed to attach <*> to <*> at <*> after <*> tries"
        );
        assert_eq!(
            t(
                r#""Failed to attach" pod="coredns-5d78c9869d-x" err="no such host""#
            ),
            r#""Failed to attach" <*> err="no such host""#
        );
        assert_eq!(
            t("uuid 6f1c0a2e-... and 1 2 3 numbers"),
            "uuid <*> and <*> numbers"
        );
    }

    #[test]
    fn similar_lines_join_and_differences_become_wildcards() {
        let mut g = Groups::default();
        let a = g.add(&tokens("cannot mount volume data on node alpha"), 10);
        let b = g.add(&tokens("cannot mount volume logs on node beta"), 10);
        let c =
            g.add(&tokens("quota exceeded for project gamma today ok"), 10);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(g.all[0].template(), "cannot mount volume <*> on node <*>");
        assert_eq!(g.all[0].count, 2);
        assert_eq!(
            g.add(&tokens("something else entirely new here x"), 2),
            None
        );
    }
}
