//! `calendar day | add | sub | between | deadline` on the golden cases of docs/CALENDAR_CASES.md
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

/// Every result that rests on days predicted from the weekly template says so: the date forms
/// of `add`, `sub` and `between` as the instant forms, and `score`'s report.
#[test]
fn predicted_results_are_flagged() {
    const FLAG: &str = "PREDICTED: beyond the calendar data";
    for (args, flagged) in [
        (vec!["add", "2026-12-24", "10wd"], true),
        (vec!["sub", "2027-01-07", "10wd"], true),
        (vec!["between", "2026-12-24", "2027-01-07"], true),
        (vec!["add", "2026-12-24T10:00:00+08:00", "70h"], true),
        (vec!["add", "2026-12-10", "5wd"], false),
        (vec!["between", "2026-12-01", "2026-12-08"], false),
    ] {
        let mut all = vec!["calendar", "--predict"];
        all.extend(&args);
        let o = run(&all);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert_eq!(
            stdout(&o).contains(FLAG),
            flagged,
            "{args:?}: {}",
            stdout(&o)
        );
    }
    // Calendar options may come after the subcommand too.
    let o = run(&["calendar", "add", "2026-12-24", "10wd", "--predict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains(FLAG), "{}", stdout(&o));
    let dir = scratch("predicted-score");
    let d = dir.to_str().unwrap();
    let o = run(&[
        "generate",
        "--out",
        d,
        "--start",
        "2027-03-01",
        "--days",
        "3",
        "--tickets-per-day",
        "5",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let score = |extra: &[&str]| {
        let mut args = vec![
            "score",
            "--tickets",
            "tickets.csv",
            "--events",
            "events.csv",
            "--units",
            "units.csv",
            "--as-of",
            "2027-03-10",
        ];
        args.extend(extra);
        run_in(&dir, &args)
    };
    let o = score(&["--predict"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("PREDICTED: the calendar data does not cover 2027-01-01 and after"),
        "{}",
        stdout(&o)
    );
    let o = score(&["--predict", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["predicted_from"], "2027-01-01");
    let o = score(&["--predict", "--format", "html", "--output", "r.html"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(html.contains("class=\"state predicted\">PREDICTED"));
    // Without --predict such a quarter is out of the calendar's coverage.
    assert_eq!(code(&score(&[])), 1);
}

/// A date before the calendar's data fails with or without `--predict` (predicting extends the
/// data forward only): the hint says so instead of suggesting `--predict`.
#[test]
fn a_date_before_the_data_is_not_predicted() {
    let dir = scratch("before-coverage");
    let d = dir.to_str().unwrap();
    let o = run(&[
        "generate",
        "--out",
        d,
        "--start",
        "2015-03-02",
        "--days",
        "3",
        "--tickets-per-day",
        "5",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let score = |extra: &[&str]| {
        let mut args = vec![
            "score",
            "--tickets",
            "tickets.csv",
            "--events",
            "events.csv",
            "--units",
            "units.csv",
            "--as-of",
            "2015-03-10",
        ];
        args.extend(extra);
        run_in(&dir, &args)
    };
    let o = score(&["--predict"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("outside the calendar's coverage"), "{err}");
    assert!(
        err.contains(
            "hint: the calendar's data starts 2017-01-01: --predict extends it forward only"
        ),
        "{err}"
    );
    // Without --predict too: predicting would not help.
    let o = score(&[]);
    let err = stderr(&o);
    assert!(
        err.contains("hint: the calendar's data starts 2017-01-01"),
        "{err}"
    );
    assert!(!err.contains("or --predict extends it"), "{err}");
}

/// A problem the calendar finds only when its layers are combined names the data file that has
/// it (a calendar audit: with several `--calendar-data` files the message named none).
#[test]
fn conflicting_dates_name_their_file() {
    let dir = scratch("conflicting-dates");
    let good = "[[days]]\ndates = [\"2027-05-06\"]\nrule = \"off\"\n";
    let bad = "[[notices]]\nyear = 2027\n[[notices.holidays]]\nname = \"A\"\noff = [\"2027-01-01\"]\n\
               [[notices.holidays]]\nname = \"B\"\non = [\"2027-01-01\"]\n";
    std::fs::write(dir.join("good.toml"), good).unwrap();
    std::fs::write(dir.join("bad.toml"), bad).unwrap();
    let o = run_in(
        &dir,
        &[
            "calendar",
            "--calendar-data",
            "good.toml",
            "--calendar-data",
            "bad.toml",
            "day",
            "2027-01-04",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "bad.toml: date 2027-01-01 has conflicting rules: A makes it a day off, B a working day"
        ) && !err.contains("good.toml"),
        "{err}"
    );
}

/// A date argument with a signed year is a usage error (`-2025-12-31` was read as year −2025).
#[test]
fn signed_years_are_not_dates() {
    let o = run(&["calendar", "--as-known-on=-2025-12-31", "day", "2026-03-02"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("without a sign"), "{}", stderr(&o));
}

/// A stage the policy sets no limit for is a data error with its code, as every error is
/// (`error: <what> [<code>]`; it had none).
#[test]
fn a_stage_without_a_limit_is_no_limit() {
    let o = run(&[
        "calendar",
        "deadline",
        "2026-03-02T09:00:00+08:00",
        "--policy",
        "henan",
        "--kind",
        "complaint",
        "--stage",
        "return_window",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sets no return_window limit") && stderr(&o).contains("[no_limit]"),
        "{}",
        stderr(&o)
    );
}
