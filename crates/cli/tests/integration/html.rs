//! The HTML page: a report's and a fleet's, self-contained (nothing
//! fetched, checked in the page and in a headless Chromium), log text shown
//! and never run, and a 300-bundle fleet page that stays small.

use std::{path::Path, process::Command};

use logsift_fixtures::{Entry, tar_gz};

use crate::{harness::*, scenes::cni_down};

/// Where the browser is: Debian's Chromium, which `.ci/run` installs.
const CHROMIUM: &str = "chromium";

/// The page's DOM after its script ran, with what the browser logged;
/// `None` where no Chromium is installed, which CI does not allow.
fn render(page: &Path) -> Option<(String, String)> {
    let shot = page.with_extension("png");
    let profile = page.with_extension("profile");
    let out = Command::new("timeout")
        .arg("120")
        .arg(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--window-size=1200,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o)
            if std::env::var_os("CI").is_none()
                && o.status.code() == Some(127) =>
        {
            eprintln!("skipped: no {CHROMIUM} to render the page");
            return None;
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: no {CHROMIUM} to render the page ({e})");
            return None;
        }
        other => {
            panic!("{CHROMIUM} failed to render {}: {other:?}", page.display())
        }
    };
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{}",
        png.len()
    );
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// What would make a browser fetch something: the page has none.
fn assert_self_contained(html: &str) {
    for bad in
        ["src=", "srcset=", "<link", "@import", "url(", "<iframe", "<object"]
    {
        assert!(!html.contains(bad), "the page holds {bad:?}");
    }
    assert!(
        html.contains(
            "Content-Security-Policy\" content=\"default-src 'none'"
        )
    );
    for href in html.split("href=\"").skip(1) {
        let target = &href[..href.find('"').expect("a closed attribute")];
        assert!(
            target.starts_with('#')
                || target.starts_with("https://")
                || !target.contains(':'),
            "a link out of the page's kinds: {target}"
        );
    }
}

/// The browser rendered the page without a request refused by its policy
/// (a fetch the page tried) or a script error.
fn assert_rendered_quietly(log: &str) {
    for bad in ["Refused to", "Uncaught", "net::ERR"] {
        assert!(!log.contains(bad), "the browser said {bad:?}:\n{log}");
    }
}

#[test]
fn the_demo_bundle_as_a_page() {
    let dir = Dir::new();
    let demo = demo_bundle();
    let out = run(
        &dir,
        &[
            "scan",
            "--fail-on",
            "never",
            "--format",
            "html",
            "-o",
            "demo.html",
            demo.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = dir.path().join("demo.html");
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&html);
    // Root causes first, with their evidence; then the findings with fix
    // steps and links, the timeline and the coverage.
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s:?}"));
    assert!(at("id=\"summary\"") < at("<h3>Root causes</h3>"));
    assert!(at("cni-cannot-reach-api-server") < at("<h3>Findings</h3>"));
    assert!(at("<h3>Findings</h3>") < at("<svg class=\"timeline\""));
    assert!(at("<svg class=\"timeline\"") < at("Coverage:"));
    assert!(html.contains("network-plugin-not-ready"));
    assert!(html.contains("<b>Fix:</b>"));
    assert!(html.contains("<a href=\"https://docs.aws.amazon.com/eks/"));
    // Fix steps keep their lines.
    assert!(!html.contains("\\x0a"));
    let Some((dom, log)) = render(&page) else { return };
    assert_rendered_quietly(&log);
    assert!(dom.contains("<h1>logsift report</h1>"));
    assert!(dom.contains("class=\"diag critical\""));
    assert!(dom.contains("<rect class=\"error\""));
}

#[test]
fn log_text_is_shown_never_run() {
    let dir = Dir::new();
    let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
    let kubelet = cni_down("ip-10-0-12-34", payload);
    let bundle = tar_gz(&[Entry {
        path: "eks_i-0abc/kubelet/kubelet.log".to_string(),
        data: kubelet.into_bytes(),
    }]);
    dir.write("b.tar.gz", bundle);
    let out = run(
        &dir,
        &["scan", "--fail-on", "never", "--format", "html", "b.tar.gz"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = &out.stdout;
    assert!(html.contains("network-plugin-not-ready"), "{html}");
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"
    ));
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img"));
    // One script in the page: its own table sorter.
    assert_eq!(html.matches("<script>").count(), 1);
}

/// A small bundle for node `n`, failing its CNI start.
fn node(n: u32) -> Vec<u8> {
    let kubelet = cni_down(&format!("ip-10-0-1-{n}"), "");
    tar_gz(&[Entry {
        path: format!(
            "eks_i-{n:017x}_2026-11-21_1200-UTC_0.7.9/kubelet/kubelet.log"
        ),
        data: kubelet.into_bytes(),
    }])
}

fn fleet(dir: &Dir, bundles: u32) -> String {
    for n in 0..bundles {
        dir.write(&format!("bundles/node-{n:03}.tar.gz"), node(n));
    }
    let out = run(
        dir,
        &["scan", "--fail-on", "never", "--out-dir", "out", "bundles"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::read_to_string(dir.path().join("out/summary.html"))
        .expect("summary.html")
}

#[test]
fn a_fleet_page_beside_the_summary_and_from_merge() {
    let dir = Dir::new();
    let html = fleet(&dir, 20);
    assert_self_contained(&html);
    assert!(html.contains("<h1>logsift fleet summary</h1>"));
    // Each bundle a row, linking to its own report in the folder.
    let bundles =
        &html[html.find("id=\"bundles\"").expect("the bundles table")..];
    let bundles = &bundles[..bundles.find("</table>").expect("its end")];
    assert_eq!(bundles.matches("<tr>").count(), 21);
    for href in bundles.split("<a href=\"").skip(1) {
        let name = &href[..href.find('"').expect("a closed attribute")];
        assert!(dir.path().join("out").join(name).is_file(), "{name}");
    }
    // The signature roll-up counts the bundles affected.
    let rollup = &html[html.find("id=\"signatures\"").expect("the roll-up")..];
    assert!(rollup.contains("<code>network-plugin-not-ready</code>"));
    assert!(rollup.contains("<td class=\"n\">20</td>"));
    // merge writes the same page from the same reports.
    let out = run(
        &dir,
        &["merge", "--html", "merged.html", "-o", "merged.json", "out"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let merged = std::fs::read_to_string(dir.path().join("merged.html"))
        .expect("merged.html");
    assert_eq!(merged, html);
    let Some((dom, log)) = render(&dir.path().join("out/summary.html")) else {
        return;
    };
    assert_rendered_quietly(&log);
    assert!(dom.contains("id=\"bundles\""));
}

#[test]
fn a_300_bundle_fleet_page_stays_small_and_renders() {
    let dir = Dir::new();
    let html = fleet(&dir, 300);
    assert!(html.len() < 3 << 20, "{} bytes", html.len());
    let rows = html.matches("<tr>").count();
    assert!(rows > 300, "{rows}");
    let Some((dom, log)) = render(&dir.path().join("out/summary.html")) else {
        return;
    };
    assert_rendered_quietly(&log);
    assert_eq!(dom.matches("<tr>").count(), rows);
}
