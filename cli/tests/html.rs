//! The HTML report rendered by headless Chromium (Debian package `chromium`): the rendered DOM
//! has one score bar per unit and the warnings panel, and a PNG screenshot is produced.
//!
//! Chromium is required: `make test-rust` installs it (`make chromium`). When it is missing this
//! test FAILS with that instruction — it never skips, so CI cannot pass without really
//! rendering the report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The flags that keep headless Chromium off the network and away from user state.
fn chromium(profile: &Path, extra: &[&str]) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `chromium` ({e}). Install it with `make chromium` \
                 (apt-get install -y chromium); this test renders the HTML report and must not be skipped"
            )
        })
}

#[test]
fn chromium_renders_the_demo_report() {
    let dir = scratch("html");
    let html = dir.join("demo.html");
    let o = run(&[
        "demo",
        "--days",
        "30",
        "--tickets-per-day",
        "120",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let url = format!("file://{}", html.display());

    let o = chromium(&dir.join("profile-dom"), &["--dump-dom", &url]);
    assert!(
        o.status.success(),
        "chromium --dump-dom failed: {}",
        stderr(&o)
    );
    let dom = stdout(&o);
    // One bar per unit of the synthetic city (60 units), each naming its unit.
    assert_eq!(
        dom.matches("<svg class=\"bar\"").count(),
        60,
        "bars in the DOM"
    );
    assert_eq!(dom.matches("class=\"bar-fill\"").count(), 60);
    // The warnings panel, with warned units and their rescuable tickets.
    assert!(dom.contains("id=\"warnings\""), "warnings panel missing");
    assert!(dom.contains("class=\"warning\""), "no warning in the panel");
    assert!(dom.contains("Rescuable tickets"));
    // Sanctions, drill-down and the trend chart are there too.
    assert!(dom.contains("id=\"sanctions\""));
    assert_eq!(dom.matches("<details id=\"unit-").count(), 60);
    assert!(dom.contains("<svg class=\"chart\""));

    let png = dir.join("demo.png");
    let o = chromium(
        &dir.join("profile-png"),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &url,
        ],
    );
    assert!(
        o.status.success(),
        "chromium --screenshot failed: {}",
        stderr(&o)
    );
    let bytes = std::fs::read(&png).expect("a screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // The IHDR chunk: 1280 × 2000 pixels.
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    assert!(bytes.len() > 20_000, "a blank page would be tiny");
}
