//! `calendar day | add | sub | between | deadline` on the golden cases of CALENDAR_CASES.md
//! (`tests/vectors/cli/calendar.json`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

#[test]
fn calendar_subcommands_reproduce_the_golden_cases() {
    let v = vector("calendar.json");
    let mut seen = std::collections::BTreeSet::new();
    for case in v["cases"].as_array().unwrap() {
        let args = strings(case, "args");
        const SUBS: [&str; 5] = ["day", "add", "sub", "between", "deadline"];
        if let Some(sub) = args.iter().find(|a| SUBS.contains(&a.as_str())) {
            seen.insert(sub.clone());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        let want_code = case.get("exit_code").and_then(|c| c.as_i64()).unwrap_or(0);
        assert_eq!(
            i64::from(code(&o)),
            want_code,
            "case {} {args:?}: {}{}",
            case["case"],
            stdout(&o),
            stderr(&o)
        );
        let out = stdout(&o);
        if let Some(p) = case.get("stdout_starts_with") {
            let p = p.as_str().unwrap();
            assert!(
                out.starts_with(p),
                "case {} {args:?}: `{out}` does not start with `{p}`",
                case["case"]
            );
        }
        if let Some(p) = case.get("stdout_contains") {
            let p = p.as_str().unwrap();
            assert!(
                out.contains(p),
                "case {} {args:?}: `{out}` lacks `{p}`",
                case["case"]
            );
        }
        if let Some(p) = case.get("stderr_contains") {
            let p = p.as_str().unwrap();
            assert!(
                stderr(&o).contains(p),
                "case {} {args:?}: stderr lacks `{p}`",
                case["case"]
            );
        }
    }
    for sub in ["day", "add", "sub", "between", "deadline"] {
        assert!(seen.contains(sub), "no case for `{sub}`");
    }
}
