//! The default pack against the troubleshooting guides' own error lines
//! and against a healthy node's logs.

use logsift_fixtures::{BundleSpec, write_bundle};
use serde_json::Value;

use crate::harness::*;

#[derive(Debug)]
struct GuideLine {
    guide: String,
    text: String,
    expect: String,
}

fn guide_lines() -> Vec<GuideLine> {
    let path = root().join("fixtures/guides/guide-lines.toml");
    let text = std::fs::read_to_string(&path)
        .expect("fixtures/guides/guide-lines.toml");
    let doc: toml::Table =
        toml::from_str(&text).expect("guide-lines.toml parses");
    doc["line"]
        .as_array()
        .expect("[[line]] entries")
        .iter()
        .map(|l| GuideLine {
            guide: l["guide"].as_str().unwrap_or_default().to_string(),
            text: l["text"].as_str().unwrap_or_default().to_string(),
            expect: l["expect"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

#[test]
fn every_error_line_quoted_in_the_guides_is_found() {
    let lines = guide_lines();
    assert!(lines.len() >= 40, "only {} guide lines", lines.len());
    // One file per line, named so that nothing tells its kind: every
    // signature applies, as to a log passed in directly.
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let mut missing = Vec::new();
    for (l, found) in lines.iter().zip(scan_each_line(&texts)) {
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        if !ids.contains(&l.expect.as_str()) {
            missing.push(format!(
                "{}: expected {}, got {:?}: {}",
                l.guide, l.expect, ids, l.text
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "guide lines not found:\n{}",
        missing.join("\n")
    );
}

#[test]
fn healthy_bundle_has_no_finding_of_warning_or_worse() {
    let spec = BundleSpec { scale: 5_000, seed: 7, ..BundleSpec::healthy() };
    let mut bundle = Vec::new();
    write_bundle(&spec, &mut bundle).expect("bundle");
    let dir = Dir::new();
    dir.write(&spec.file_name(), &bundle);
    let out = run(&dir, &["scan", "--fail-on", "warning", &spec.file_name()]);
    let report = out.report();
    let loud: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(loud.is_empty(), "findings on a healthy node: {loud:#?}");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(report["inputs"][0]["files_scanned"].as_u64().unwrap() > 20);
}

/// Every failure the two guides name has its signature, by these ids.
const REQUIRED: &[&str] = &[
    "insufficient-capacity",
    "node-name-empty",
    "nodes-fail-to-join",
    "kubectl-could-not-get-token",
    "kubectl-unauthorized",
    "kubectl-no-resource-type",
    "hostname-doesnt-match",
    "docker-cidr-no-route-to-host",
    "instances-failed-to-join",
    "not-authorized-for-images",
    "node-not-ready",
    "network-plugin-not-ready",
    "node-register-unauthorized",
    "tls-handshake-timeout",
    "invalid-client-token-id",
    "admission-webhook-failed",
    "nodegroup-version-mismatch",
    "too-many-requests",
    "service-account-token-expired",
    "backend-tls-internal-error",
    "aws-expired-token",
    "ansible-host-unreachable",
    "terraform-provider-error",
    "nodegroup-access-denied",
    "nodegroup-ami-id-not-found",
    "nodegroup-asg-not-found",
    "nodegroup-cluster-unreachable",
    "nodegroup-ec2-security-group-not-found",
    "nodegroup-ec2-security-group-deletion-failure",
    "nodegroup-ec2-launch-template-not-found",
    "nodegroup-ec2-launch-template-version-mismatch",
    "nodegroup-iam-instance-profile-not-found",
    "nodegroup-iam-node-role-not-found",
    "nodegroup-asg-instance-launch-failures",
    "nodegroup-node-creation-failure",
    "nodegroup-instance-limit-exceeded",
    "nodegroup-insufficient-free-addresses",
    "nodegroup-internal-failure",
    "cluster-health-subnet-not-found",
    "cluster-health-security-group-not-found",
    "cluster-health-ip-not-available",
    "cluster-health-vpc-not-found",
    "cluster-health-assume-role-access-denied",
    "cluster-health-permission-access-denied",
    "cluster-health-assume-role-access-denied-using-slr",
    "cluster-health-permission-access-denied-using-slr",
    "cluster-health-opt-in-required",
    "cluster-health-sts-regional-endpoint-disabled",
    "cluster-health-kms-key-disabled",
    "cluster-health-kms-key-not-found",
    "cluster-health-kms-grant-revoked",
];

#[test]
fn every_required_id_exists_and_the_pack_goes_beyond_the_guides() {
    let dir = Dir::new();
    let out = run(&dir, &["signatures", "list", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let items: Value = serde_json::from_str(&out.stdout).expect("json");
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    let missing: Vec<&&str> =
        REQUIRED.iter().filter(|r| !ids.contains(r)).collect();
    assert!(missing.is_empty(), "missing required ids: {missing:?}");
    // Markers record healthy events and are not failures.
    let failures = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["marker"].as_bool() != Some(true))
        .count();
    assert!(failures >= REQUIRED.len() + 40, "{failures} failure signatures");
}

/// `docs/coverage.md` stays current: each reason a signature or a
/// diagnosis finds names one the pack has, each row has a status, and the
/// totals are those of the rows.
#[test]
fn the_coverage_table_names_real_ids_and_adds_up() {
    let pack = logsift_signatures::Pack::embedded().expect("pack");
    let text = std::fs::read_to_string(root().join("docs/coverage.md"))
        .expect("docs/coverage.md");
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let (Some(reason), Some(&status), Some(why)) =
            (cells.first(), cells.get(1), cells.get(2))
        else {
            continue;
        };
        let reason = reason.trim_start_matches("| ");
        if reason == "reason" || reason.starts_with("---") {
            continue;
        }
        assert!(
            ["yes", "part", "todo", "no"].contains(&status),
            "{reason}: status {status:?}"
        );
        *counts.entry(status).or_default() += 1;
        if status == "yes" || status == "part" {
            let id = why.split('`').nth(1).unwrap_or_default();
            assert!(
                pack.get(id).is_some() || pack.diagnosis(id).is_some(),
                "{reason} names {id:?}, which the pack does not have"
            );
        }
    }
    let total: usize = counts.values().sum();
    let want = format!(
        "{} yes, {} part, {} todo, {} no.",
        counts.get("yes").unwrap_or(&0),
        counts.get("part").unwrap_or(&0),
        counts.get("todo").unwrap_or(&0),
        counts.get("no").unwrap_or(&0)
    );
    let totals = text.split("## Totals").nth(1).expect("a Totals section");
    let totals = totals.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(totals.contains(&format!("Of the {total} reasons")), "{totals}");
    assert!(totals.contains(&want), "{want} in {totals}");
}
