//! `check` lists every problem of files with several problems, each with its file, line and
//! (where known) column: `tests/vectors/cli/check-bad.json`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

#[test]
fn check_lists_every_problem_with_its_place() {
    let v = vector("check-bad.json");
    let args = strings(&v, "args");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(&vectors(), &args);
    assert_eq!(i64::from(code(&o)), v["exit_code"].as_i64().unwrap());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let expected = v["expected"].as_array().unwrap();
    for e in expected {
        let mut place = format!("{}:{}:", e["file"].as_str().unwrap(), e["line"]);
        if let Some(col) = e.get("column") {
            place = format!("{place}{col}:");
        }
        let code = format!("[{}]", e["code"].as_str().unwrap());
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&place) && l.contains(&code)),
            "no line `{place} … {code}` ({}) in\n{out}",
            e["why"]
        );
    }
    // Nothing else is reported: one line per problem.
    let problems = lines
        .iter()
        .filter(|l| l.contains(": ") && l.contains(" ["))
        .count();
    assert_eq!(problems, expected.len(), "{out}");
    assert!(stderr(&o).contains(&format!("{} problem(s)", expected.len())));
}

#[test]
fn check_accepts_the_shipped_files() {
    let o = run(&[
        "check",
        "presets/sanmenxia.toml",
        "presets/lianyungang-2022.toml",
        "policies/henan.toml",
        "examples/calendar-2027-example.toml",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o).matches(": ok (").count(), 4);
    let o = run_in(
        &vectors(),
        &[
            "check",
            "small/tickets.csv",
            "small/events.csv",
            "small/units.csv",
            "small/scheme.toml",
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("small/tickets.csv: ok (7 tickets, 6 units)"));
}

#[test]
fn check_says_what_it_cannot_recognise() {
    let dir = scratch("check-unknown");
    std::fs::write(dir.join("mystery.toml"), "answer = 42\n").unwrap();
    let o = run_in(&dir, &["check", "mystery.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--as"), "{}", stderr(&o));
    let o = run_in(&dir, &["check", "--as", "policy", "mystery.toml"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("mystery.toml:1:1:"), "{}", stdout(&o));
}
