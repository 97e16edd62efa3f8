//! One problem, one count: a line the journal keeps in
//! `kubelet/kubelet.log` and rsyslog copies into `var_log/messages` is
//! one occurrence with two locations, in every format and in the fleet
//! summary; only lines that are really the same are folded.

use logsift_fixtures::{Entry, tar_gz};
use serde_json::Value;

use crate::{eqnice, harness::*};

const NAME: &str = "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz";

/// The kubelet's message at `hh:mm:ss`: its start, or a lookup of a node
/// with an empty name (the DHCP options diagnosis needs both).
fn klog(time: &str, start: bool) -> String {
    if start {
        format!(
            "I1121 {time}.449328    3012 kubelet.go:2321] \
             \"Starting kubelet main sync loop\""
        )
    } else {
        format!(
            "E1121 {time}.001234    3012 kubelet.go:2424] \"Error getting \
             node\" err=\"node \\\"\\\" not found\""
        )
    }
}

/// A bundle whose kubelet journal holds a start and three failures, and
/// whose `messages` holds rsyslog's copies of them (short host name, no
/// pid) plus one failure of its own, a second later than any other.
fn bundle() -> Vec<u8> {
    let host = "ip-10-0-12-34.us-west-2.compute.internal";
    let times = [("09:00:00", true), ("09:15:01", false), ("09:15:02", false)];
    let mut journal = String::new();
    let mut messages = String::new();
    for (t, start) in times.into_iter().chain([("09:15:03", false)]) {
        let k = klog(t, start);
        journal.push_str(&format!("Nov 21 {t} {host} kubelet[3012]: {k}\n"));
        messages.push_str(&format!("Nov 21 {t} ip-10-0-12-34 kubelet: {k}\n"));
    }
    let own = klog("09:15:04", false);
    messages
        .push_str(&format!("Nov 21 09:15:04 ip-10-0-12-34 kubelet: {own}\n"));
    tar_gz(&[
        Entry { path: "./kubelet/kubelet.log".into(), data: journal.into() },
        Entry { path: "./var_log/messages".into(), data: messages.into() },
    ])
}

fn by_path<'a>(report: &'a Value, sig: &str) -> Vec<(&'a str, u64, Value)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["signature"] == sig)
        .map(|f| {
            let path = f["path"].as_str().expect("path");
            let path = path.rsplit_once('!').map_or(path, |(_, p)| p);
            (path, f["count"].as_u64().expect("count"), f["mirror"].clone())
        })
        .collect()
}

#[test]
fn journal_lines_copied_into_messages_count_once() {
    let dir = Dir::new();
    dir.write(NAME, bundle());
    let out = run(&dir, &["scan", "--fail-on", "never", NAME]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = out.report();

    // Each file keeps its own finding; messages says which lines are
    // copies, and of which file.
    let of = format!("{NAME}!kubelet/kubelet.log");
    let mut got = by_path(&r, "node-name-empty");
    got.sort_by_key(|f| f.0);
    eqnice!(
        vec![
            ("kubelet/kubelet.log", 3, Value::Null),
            ("var_log/messages", 4, serde_json::json!({"of": of, "lines": 3})),
        ],
        got
    );
    // The start line is all copies in messages: listed, counted once.
    let started = by_path(&r, "kubelet-started");
    assert!(started.is_empty(), "markers are no findings: {started:?}");

    // One occurrence of 3 + 1 lines in two files, not 7.
    let occ: Vec<&Value> = r["occurrences"]
        .as_array()
        .expect("occurrences")
        .iter()
        .filter(|o| o["signature"] == "node-name-empty")
        .collect();
    assert_eq!(occ.len(), 1);
    assert_eq!(occ[0]["count"], 4);
    assert_eq!(occ[0]["files"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["inputs"][0]["timeline"][0]["count"], 4);

    // The diagnosis rests on 4 lines, not 7.
    let d = &r["diagnoses"][0];
    assert_eq!(d["diagnosis"], "dhcp-options-missing-domain-name");
    let rests: Vec<(String, u64)> = d["findings"]
        .as_array()
        .expect("diagnosis findings")
        .iter()
        .map(|f| {
            (
                f["signature"].as_str().unwrap_or("").into(),
                f["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(rests.contains(&("node-name-empty".into(), 4)), "{rests:?}");
    assert_eq!(r["summary"]["findings"], 2);
    assert_eq!(r["summary"]["mirrors"], 0);
}

#[test]
fn a_finding_that_is_all_copies_is_listed_but_not_counted() {
    let dir = Dir::new();
    let host = "ip-10-0-12-34.us-west-2.compute.internal";
    let mut journal = String::new();
    let mut messages = String::new();
    for t in ["09:15:01", "09:15:02"] {
        let k = klog(t, false);
        journal.push_str(&format!("Nov 21 {t} {host} kubelet[3012]: {k}\n"));
        messages.push_str(&format!("Nov 21 {t} ip-10-0-12-34 kubelet: {k}\n"));
    }
    dir.write("b/kubelet/kubelet.log", &journal);
    dir.write("b/var_log/messages", &messages);
    let json = run(&dir, &["scan", "b"]);
    assert_eq!(
        json.code, 1,
        "an error finding fails the run: {}",
        json.stderr
    );
    let r = json.report();
    assert_eq!(r["summary"]["findings"], 1);
    assert_eq!(r["summary"]["mirrors"], 1);
    assert_eq!(r["summary"]["by_severity"]["error"], 1);
    assert_eq!(r["findings"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["occurrences"][0]["count"], 2);

    // Text: one block, both files, the copy said as such.
    let text =
        run(&dir, &["scan", "--format", "text", "--color", "never", "b"]);
    assert!(text.stdout.contains("-- error: 1 finding\n"), "{}", text.stdout);
    assert!(
        text.stdout.contains("b/var_log/messages:1  2 matching lines (1-2), copies of b/kubelet/kubelet.log"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("1 more only repeat another file"),
        "{}",
        text.stdout
    );

    // SARIF: one result, the copy one more location of it.
    let sarif = run(&dir, &["scan", "--format", "sarif", "b"]);
    let s: Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let results = s["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:#?}");
    let related = results[0]["relatedLocations"].as_array().expect("related");
    assert!(
        related
            .iter()
            .any(|l| l["message"]["text"] == "the same 2 lines, copied here"),
        "{related:#?}"
    );

    // JUnit: the case fails on 2 lines in 2 files.
    let junit = run(&dir, &["scan", "--format", "junit", "b"]);
    assert!(
        junit.stdout.contains("2 matching lines in 2 files"),
        "{}",
        junit.stdout
    );

    // Markdown: the copy's count cell says so.
    let md = run(&dir, &["scan", "--format", "markdown", "b"]);
    assert!(md.stdout.contains("| 2<br>2 copied |"), "{}", md.stdout);

    // The fleet summary counts the lines once too.
    let out = run(&dir, &["scan", "--out-dir", "out", "b"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let summary = dir.json("out/summary.json");
    validate_summary(&summary);
    assert_eq!(summary["totals"]["findings"], 1, "{summary:#}");
    assert_eq!(summary["by_signature"][0]["count"], 2, "{summary:#}");
}

#[test]
fn lines_that_differ_in_time_process_or_text_are_not_copies() {
    let dir = Dir::new();
    let host = "ip-10-0-12-34.us-west-2.compute.internal";
    let k = klog("09:15:01", false);
    dir.write(
        "b/kubelet/kubelet.log",
        format!("Nov 21 09:15:01 {host} kubelet[3012]: {k}\n"),
    );
    dir.write(
        "b/var_log/messages",
        format!(
            "Nov 21 09:15:02 ip-10-0-12-34 kubelet: {k}\n\
             Nov 21 09:15:01 ip-10-0-12-34 kubelet-wrapper: {k}\n\
             Nov 21 09:15:01 ip-10-0-12-34 kubelet: {k} (retry)\n\
             {k}\n"
        ),
    );
    let r = run(&dir, &["scan", "--fail-on", "never", "b"]).report();
    let got = by_path(&r, "node-name-empty");
    assert!(got.iter().all(|f| f.2.is_null()), "{got:?}");
    assert_eq!(r["occurrences"][0]["count"], 5);
}
