//! The same input gives the same bytes, whatever the thread count.

use logsift_fixtures::{BundleSpec, bundle_entries, write_bundle};

use crate::harness::*;

#[test]
fn thread_counts_give_identical_reports() {
    let dir = Dir::new();
    let spec = BundleSpec::demo();
    let mut bundle = Vec::new();
    write_bundle(&spec, &mut bundle).expect("bundle");
    dir.write(&spec.file_name(), &bundle);
    // The same bundle extracted, so folder files are scanned in parallel.
    let (entries, _) = bundle_entries(&spec);
    for e in &entries {
        dir.write(&format!("extracted/{}", e.path), &e.data);
    }
    let name = spec.file_name();
    let args = |threads: &'static str| -> Vec<String> {
        let mut a: Vec<String> =
            vec!["scan".into(), "--fail-on".into(), "never".into()];
        if !threads.is_empty() {
            a.extend(["--threads".into(), threads.into()]);
        }
        a.extend([name.clone(), "extracted".into(), name.clone()]);
        a
    };
    let run_with = |threads: &'static str| {
        let a = args(threads);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let out = run(&dir, &a);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.report();
        out.stdout
    };
    let one = run_with("1");
    assert!(
        one.contains("network-plugin-not-ready"),
        "the bundle has findings"
    );
    assert_eq!(one, run_with(""), "--threads 1 vs default");
    assert_eq!(one, run_with("2"), "--threads 1 vs 2");
    assert_eq!(one, run_with("7"), "--threads 1 vs 7");
}
