//! `demo`: every group and every unit of the synthetic city appears in the output, with the
//! warnings, the sanctions and the city summary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use hotline_score::scheme::Scheme;
use hotline_score::synthetic::{CityConfig, CityGenerator};

#[test]
fn demo_lists_every_group_and_unit() {
    // A short period and few tickets keep the debug-build test fast; the units are the same.
    let o = run(&["demo", "--days", "30", "--tickets-per-day", "120"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let scheme = Scheme::preset("sanmenxia").unwrap();
    for g in scheme.groups() {
        assert!(out.contains(&g.name), "group {} missing:\n{out}", g.name);
        assert!(out.contains(&g.id), "group id {} missing", g.id);
    }
    let city = CityGenerator::new(&CityConfig::default()).unwrap();
    assert_eq!(city.units().len(), 60);
    for u in city.units() {
        assert!(out.contains(&u.name), "unit {} missing", u.name);
        assert!(
            out.contains(&format!(" {} ", u.id)),
            "unit id {} missing",
            u.id
        );
    }
    for label in [
        "City 全市",
        "办结率",
        "满意率",
        "Warnings 预警",
        "Sanctions 问责",
        "签收率",
        "按时办结率",
    ] {
        assert!(out.contains(label), "`{label}` missing");
    }
    // The default as_of is 20 days before the 30-day period ends: warnings are given.
    assert!(out.contains("as of 2026-01-11 00:00"), "{out}");
    assert!(out.contains("rescuable:"), "no rescuable tickets listed");
}

#[test]
fn demo_is_deterministic_and_seeded() {
    let args = [
        "demo",
        "--days",
        "10",
        "--tickets-per-day",
        "40",
        "--seed",
        "7",
    ];
    let a = stdout(&run(&args));
    let b = stdout(&run(&args));
    assert_eq!(a, b);
    let c = stdout(&run(&[
        "demo",
        "--days",
        "10",
        "--tickets-per-day",
        "40",
        "--seed",
        "8",
    ]));
    assert_ne!(a, c);
}

#[test]
fn demo_as_of_before_the_period_is_a_usage_error() {
    let o = run(&["demo", "--days", "10", "--as-of", "2025-12-01"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--as-of"));
}

/// The README's excerpt of `make demo`'s output is real: every line it shows appears, in order,
/// in the output of `hotline-score demo` (the lines it leaves out are marked `…`).
#[test]
fn readme_shows_the_demo_output_as_it_is() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let excerpt = readme
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("README has the demo's output in a ```text block");
    let out = stdout(&run(&["demo"]));
    let mut rest = out.as_str();
    for line in excerpt.lines().filter(|l| *l != "…") {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("README line not in the demo's output (in order): {line}"));
        rest = &rest[at + line.len()..];
    }
}
