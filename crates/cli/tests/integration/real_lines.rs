//! Real lines, copied from public issues and docs with their source
//! (`fixtures/real/lines.tsv`), each scanned from a file of its own by the
//! built binary. A line labelled with signature ids is found under exactly
//! those ids at warning or worse; a healthy near miss (`none`) is found
//! under none; a line of a multi-line report whose failure line is another
//! one (a call trace's `RIP:`) is `context` and is found under none too; a
//! failure the pack does not know yet is labelled `miss`, so the gap stays
//! in sight, and recall over the failure lines may only rise. A `miss` line
//! that starts being found must be relabelled. A line of a threshold
//! signature counts as found when it is recognised under its count.

use std::collections::BTreeSet;

use crate::harness::*;

/// Found failure lines over all failure lines, as last measured; raise it
/// with the labels when signatures are added.
const RECALL_FLOOR: f64 = 0.98;

struct Line {
    expected: String,
    family: String,
    source: String,
    text: String,
}

fn corpus() -> Vec<Line> {
    let path = root().join("fixtures/real/lines.tsv");
    let text =
        std::fs::read_to_string(&path).expect("fixtures/real/lines.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut p = l.splitn(4, '\t');
            let mut next = || p.next().expect("four columns").to_string();
            Line {
                expected: next(),
                family: next(),
                source: next(),
                text: next(),
            }
        })
        .collect()
}

#[test]
fn real_lines_are_found_under_their_ids_and_near_misses_are_not() {
    let lines = corpus();
    assert!(lines.len() >= 400, "{} lines", lines.len());
    for (i, l) in lines.iter().enumerate() {
        assert!(l.source.starts_with("https://"), "line {i}: {}", l.source);
    }
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    // At warning or worse: an info finding fails nothing. A threshold
    // signature's line under its count is recognised, not a finding.
    let found: Vec<(BTreeSet<String>, BTreeSet<String>)> =
        scan_each_line(&texts)
            .into_iter()
            .map(|f| {
                let loud = |(_, severity): &&(String, String)| {
                    severity != "info" && severity != BELOW_THRESHOLD
                };
                let findings =
                    f.iter().filter(loud).map(|(id, _)| id.clone()).collect();
                let known = f
                    .iter()
                    .filter(|(_, severity)| severity != "info")
                    .map(|(id, _)| id.clone())
                    .collect();
                (findings, known)
            })
            .collect();
    let (mut hits, mut failures, mut context) = (0, 0, 0);
    let (mut false_positives, mut wrong, mut newly) =
        (Vec::new(), Vec::new(), Vec::new());
    for (i, l) in lines.iter().enumerate() {
        let (findings, known) = found[i].clone();
        match l.expected.as_str() {
            "none" | "context" if !findings.is_empty() => {
                false_positives.push((i, findings, &l.text))
            }
            "none" => {}
            "context" => context += 1,
            "miss" => {
                failures += 1;
                if !known.is_empty() {
                    newly.push((i, known, &l.family));
                }
            }
            ids => {
                failures += 1;
                hits += 1;
                let want: BTreeSet<String> =
                    ids.split('+').map(String::from).collect();
                if known != want {
                    wrong.push((i, want, known));
                }
            }
        }
    }
    let recall = hits as f64 / failures as f64;
    let exact = (hits - wrong.len()) as f64 / hits as f64;
    eprintln!(
        "real lines: {} ({failures} failures, {} near misses, {context} context); \
         recall {recall:.3}, exact id {exact:.3}, false positives {}",
        lines.len(),
        lines.len() - failures - context,
        false_positives.len()
    );
    assert!(
        false_positives.is_empty(),
        "near misses found: {false_positives:#?}"
    );
    assert!(wrong.is_empty(), "found under other ids (want, got): {wrong:#?}");
    // The corpus the detection issue asks for: 250 failure lines of 90
    // failures or more, and 100 healthy near misses.
    let classes: BTreeSet<&str> = lines
        .iter()
        .filter(|l| {
            !matches!(l.expected.as_str(), "none" | "context" | "miss")
        })
        .flat_map(|l| l.expected.split('+'))
        .collect();
    let near_misses = lines.iter().filter(|l| l.expected == "none").count();
    assert!(failures >= 250, "{failures} failure lines");
    assert!(classes.len() >= 90, "{} failure classes", classes.len());
    assert!(near_misses >= 100, "{near_misses} near misses");
    assert!(newly.is_empty(), "now found, relabel them: {newly:#?}");
    assert!(recall >= RECALL_FLOOR, "recall {recall:.3} under {RECALL_FLOOR}");
}

/// One failure, one id: a pause (sandbox) image that cannot be pulled is
/// `sandbox-image-pull-failed` alone, whatever the registry answered, in
/// the kubelet's sandbox wording and in its image-service wording; the
/// same answer for an application image keeps its own id.
#[test]
fn a_pause_image_pull_failure_gives_one_id_whatever_the_cause() {
    let sandbox = |image: &str, cause: &str| {
        format!(
            "Warning  FailedCreatePodSandBox  9s (x3 over 31s)  kubelet            \
             Failed to create pod sandbox: rpc error: code = Unknown desc = \
             failed to get sandbox image \"{image}\": failed to pull image \
             \"{image}\": failed to pull and unpack image \"{image}\": \
             failed to resolve reference \"{image}\": {cause}"
        )
    };
    let service = |image: &str, cause: &str| {
        format!(
            "E0728 19:17:10.699880    1584 remote_image.go:242] \"PullImage \
             from image service failed\" err=\"rpc error: code = Unknown desc \
             = failed to pull and unpack image \\\"{image}\\\": failed to \
             resolve reference \\\"{image}\\\": {cause}\" image=\"{image}\""
        )
    };
    let pause = "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.5";
    let app =
        "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3";
    let manifest = "https://602401143452.dkr.ecr.us-west-2.amazonaws.com/v2/eks/pause/manifests/3.5";
    // The registry's answer, and the id it gets for an application image.
    let causes = [
        (
            "pull access denied, repository does not exist or may require \
             authorization: authorization failed: no basic auth credentials"
                .to_string(),
            "ecr-no-basic-auth-credentials",
        ),
        (
            format!(
                "unexpected status from HEAD request to {manifest}: 401 Unauthorized"
            ),
            "registry-unauthorized",
        ),
        (
            format!(
                "unexpected status from HEAD request to {manifest}: 403 Forbidden"
            ),
            "ecr-pull-forbidden",
        ),
        (
            format!(
                "failed to do request: Head \\\"{manifest}\\\": dial tcp \
                 10.0.0.1:443: i/o timeout"
            ),
            "registry-pull-timeout",
        ),
        (
            format!(
                "unexpected status code {manifest}: 429 Too Many Requests"
            ),
            "registry-rate-limited",
        ),
        (format!("{pause}: not found"), "image-not-found"),
    ];
    let mut lines = Vec::new();
    let mut want = Vec::new();
    for (cause, id) in &causes {
        for form in [sandbox, service] {
            lines.push(form(pause, cause));
            want.push(vec!["sandbox-image-pull-failed".to_string()]);
        }
        lines.push(service(app, &cause.replace(pause, app)));
        want.push(vec![id.to_string()]);
    }
    // The corpus's own pause-image lines.
    let corpus = corpus();
    for l in
        corpus.iter().filter(|l| l.expected == "sandbox-image-pull-failed")
    {
        lines.push(l.text.clone());
        want.push(vec!["sandbox-image-pull-failed".to_string()]);
    }
    let texts: Vec<&str> = lines.iter().map(String::as_str).collect();
    let got: Vec<Vec<String>> = scan_each_line(&texts)
        .into_iter()
        .map(|f| f.into_iter().map(|(id, _)| id).collect())
        .collect();
    let wrong: Vec<_> = lines
        .iter()
        .zip(want.iter().zip(&got))
        .filter(|(_, (w, g))| w != g)
        .map(|(l, (w, g))| (w, g, l))
        .collect();
    assert!(wrong.is_empty(), "(want, got, line): {wrong:#?}");
}
