//! Times: first and last seen, `--since` / `--until` windows, the
//! timeline, and forcing a source kind.

use serde_json::Value;

use crate::harness::*;

const DEMO: &str = "eks_i-0abc1234def567890_2026-11-21_1200-UTC_0.7.9.tar.gz";

fn demo(args: &[&str]) -> Value {
    let path = root().join("fixtures/demo").join(DEMO);
    let mut all = vec!["scan", "--fail-on", "never"];
    all.extend_from_slice(args);
    let path = path.to_str().unwrap().to_string();
    all.push(&path);
    let out = run_in(&root(), &all, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.report()
}

/// (signature, member, count, first_seen, last_seen)
fn rows(report: &Value) -> Vec<(String, String, u64, Value, Value)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["signature"].as_str().unwrap().to_string(),
                f["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('!')
                    .next()
                    .unwrap()
                    .to_string(),
                f["count"].as_u64().unwrap(),
                f["first_seen"].clone(),
                f["last_seen"].clone(),
            )
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    v
}

fn find<'a>(
    rows: &'a [(String, String, u64, Value, Value)],
    sig: &str,
    member: &str,
) -> Option<&'a (String, String, u64, Value, Value)> {
    rows.iter().find(|r| r.0 == sig && r.1 == member)
}

#[test]
fn first_and_last_seen_come_from_line_times() {
    let r = rows(&demo(&[]));
    let kubelet =
        find(&r, "network-plugin-not-ready", "kubelet/kubelet.log").unwrap();
    assert_eq!(kubelet.2, 30);
    assert_eq!(kubelet.3, "2026-11-20T10:00:42Z");
    assert_eq!(kubelet.4, "2026-11-20T10:03:07Z");
    // ipamd's JSON carries milliseconds and a zone.
    let ipamd = r
        .iter()
        .find(|x| x.0 == "tls-handshake-timeout" && x.1.ends_with(".log.gz"))
        .unwrap();
    assert_eq!(ipamd.3, "2026-11-20T10:01:05.005Z");
    // bootstrap.sh's output has no time on that line.
    let cloud = find(&r, "too-many-requests", "var_log/cloud-init-output.log")
        .unwrap();
    assert_eq!(cloud.3, Value::Null);
}

#[test]
fn since_and_until_keep_lines_inside_the_window() {
    let r = rows(&demo(&["--since", "2026-11-20T10:00:50Z"]));
    let kubelet =
        find(&r, "network-plugin-not-ready", "kubelet/kubelet.log").unwrap();
    assert_eq!(
        (kubelet.2, kubelet.3.clone()),
        (28, Value::from("2026-11-20T10:00:52Z"))
    );
    assert!(find(&r, "node-name-empty", "kubelet/kubelet.log").is_none());
    // A line without a time cannot be placed, so it is kept.
    assert!(
        find(&r, "too-many-requests", "var_log/cloud-init-output.log")
            .is_some()
    );

    let report = demo(&["--until", "2026-11-20T10:00:45Z"]);
    let r = rows(&report);
    // One of the CNI's lines is inside: under its threshold, a healthy
    // boot's share.
    assert!(
        find(&r, "network-plugin-not-ready", "kubelet/kubelet.log").is_none()
    );
    let under = &report["inputs"][0]["below_threshold"][0];
    assert_eq!(under["signature"], "network-plugin-not-ready");
    assert_eq!((&under["count"], &under["peak"]), (&2.into(), &1.into()));
    assert_eq!(
        find(&r, "node-name-empty", "kubelet/kubelet.log").unwrap().2,
        2
    );
    assert!(
        find(&r, "tls-handshake-timeout", "kubelet/kubelet.log").is_none()
    );
}

#[test]
fn relative_since_counts_back_from_collection_time() {
    // Collected 2026-11-21 12:00; the failures are from 2026-11-20 10:00.
    let r = rows(&demo(&["--since", "25h"]));
    let timed: Vec<_> = r.iter().filter(|x| !x.3.is_null()).collect();
    assert!(timed.is_empty(), "{timed:?}");
    let r = rows(&demo(&["--since", "27h"]));
    assert!(find(&r, "node-name-empty", "kubelet/kubelet.log").is_some());
}

#[test]
fn timeline_puts_the_first_failure_first() {
    let report = demo(&[]);
    let timeline = report["inputs"][0]["timeline"].as_array().unwrap();
    assert_eq!(timeline[0]["signature"], "network-plugin-not-ready");
    assert_eq!(timeline[0]["first_seen"], "2026-11-20T10:00:33Z");
    let times: Vec<&str> =
        timeline.iter().filter_map(|t| t["first_seen"].as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    // Untimed entries come last.
    assert!(timeline.last().unwrap()["first_seen"].is_null());
    let occ = report["occurrences"].as_array().unwrap();
    let npnr = occ
        .iter()
        .find(|o| o["signature"] == "network-plugin-not-ready")
        .unwrap();
    assert_eq!(npnr["count"], 31);
    assert_eq!(npnr["files"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_time_flags_are_usage_errors() {
    let dir = Dir::new();
    dir.write("a.log", "x\n");
    let out = run(&dir, &["scan", "--since", "yesterday", "a.log"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--since"), "{}", out.stderr);
}

#[test]
fn source_kind_scopes_inputs_given_directly() {
    let dir = Dir::new();
    dir.write(
        "node.txt",
        "E0524 14:01:03.447195    3567 kubelet.go:2240] node \"\" not found\n",
    );
    let ids = |kind: &str| -> Vec<String> {
        let out = run(
            &dir,
            &["scan", "--fail-on", "never", "--source-kind", kind, "node.txt"],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        findings(&out.report()).into_iter().map(|f| f.0).collect()
    };
    assert_eq!(ids("kubelet"), ["node-name-empty"]);
    assert!(ids("ipamd").is_empty());
    let out = run(&dir, &["scan", "--source-kind", "kubelett", "node.txt"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unknown source kind"), "{}", out.stderr);
}

#[test]
fn an_inverted_window_is_a_usage_error() {
    let dir = Dir::new();
    dir.write("a.log", "fine\n");
    for (since, until) in
        [("2026-11-21", "2026-11-20T12:00:00Z"), ("30m", "2h")]
    {
        let out =
            run(&dir, &["scan", "--since", since, "--until", until, "a.log"]);
        assert_eq!(out.code, 2, "{since}..{until}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr.contains("--since is after --until"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn the_window_is_recorded_in_the_report() {
    let dir = Dir::new();
    dir.write("a.log", "fine\n");
    let args =
        ["scan", "--since", "90m", "--until", "2026-11-21T11:00:00Z", "a.log"];
    let report = run(&dir, &args).report();
    assert_eq!(
        report["window"],
        serde_json::json!({
            "since": "1h 30m before collection",
            "until": "2026-11-21T11:00:00Z"
        })
    );
    let text = run(&dir, &[&args[..], &["--format", "text"]].concat()).stdout;
    assert!(
        text.starts_with("lines kept: stamped since 1h 30m before collection until 2026-11-21T11:00:00Z; lines without a time are kept\n"),
        "{text}"
    );
    let md =
        run(&dir, &[&args[..], &["--format", "markdown"]].concat()).stdout;
    assert!(
        md.contains("Lines kept: stamped since 1h 30m before collection"),
        "{md}"
    );
    let open = run(&dir, &["scan", "a.log"]).report();
    assert_eq!(open["window"], serde_json::Value::Null);
}

/// A window of a duration and a time can only be judged per input: here
/// it holds an hour for the node collected at 12:00 and no time at all
/// for the one collected at 14:00, which says so and is not passed off
/// as healthy.
#[test]
fn a_mixed_window_empty_for_one_input_says_so_there() {
    let dir = Dir::new();
    let line = "Nov 21 11:30:00 ip-10-0-1-2 kubelet[3012]: E1121 11:30:00.000000    \
                3012 kubelet.go:2240] node \"\" not found\n";
    let early = "eks_i-0aaa0000000000001_2026-11-21_1200-UTC_0.7.9";
    let late = "eks_i-0bbb0000000000002_2026-11-21_1400-UTC_0.7.9";
    dir.write(&format!("{early}/kubelet/kubelet.log"), line);
    dir.write(&format!("{late}/kubelet/kubelet.log"), line);
    let out = run(
        &dir,
        &[
            "scan",
            "--since",
            "2h",
            "--until",
            "2026-11-21T11:45:00Z",
            early,
            late,
        ],
    );
    assert_eq!(out.code, 2, "an input not scanned as asked: {}", out.stderr);
    let r = out.report();
    assert_eq!(r["inputs"][0]["errors"], serde_json::json!([]));
    assert_eq!(r["findings"][0]["input"], early);
    assert_eq!(r["findings"].as_array().map(Vec::len), Some(1));
    let errors = r["inputs"][1]["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0]["message"],
        "the time window holds no time for this input: --since \
         (2026-11-21T12:00:00Z) is after --until (2026-11-21T11:45:00Z); \
         only lines without a time were checked"
    );
    assert!(
        out.stderr.contains("the time window holds no time for this input"),
        "{}",
        out.stderr
    );
}
