//! Exit codes: 0 success, 1 data problems, 2 usage problems; messages say what to do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

#[test]
fn usage_problems_exit_2() {
    for args in [
        vec!["frobnicate"],
        vec!["score", "--tickets"],
        vec!["calendar", "add", "2026-03-09T09:00:00+08:00", "5 days"],
        vec!["calendar", "day", "2026-02-30"],
        vec![
            "score",
            "--tickets",
            "no-such-file.csv",
            "--events",
            "x.csv",
            "--period",
            "2026-03",
        ],
        vec![
            "score",
            "--tickets",
            "t.csv",
            "--events",
            "e.csv",
            "--scheme",
            "no-such-scheme",
        ],
        vec![
            "score",
            "--tickets",
            "t.csv",
            "--events",
            "e.csv",
            "--period",
            "2026-13",
        ],
        vec!["check", "no-such-file.toml"],
        // `wh` is office time; `deadline` takes its clock from --clock.
        vec![
            "calendar",
            "add",
            "2026-03-06T16:30:00+08:00",
            "2wh",
            "--whole-day",
        ],
        vec![
            "calendar",
            "deadline",
            "2026-03-06T16:30:00+08:00",
            "2h",
            "--whole-day",
        ],
        // A directory is not a table (its units were read as none before).
        vec![
            "score",
            "--tickets",
            "tests/vectors/cli/small/tickets.csv",
            "--events",
            "tests/vectors/cli/small/events.csv",
            "--units",
            "docs",
            "--period",
            "2026-03",
        ],
        vec![
            "score",
            "--tickets",
            "docs",
            "--events",
            "tests/vectors/cli/small/events.csv",
            "--period",
            "2026-03",
        ],
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
        if args.contains(&"docs") {
            assert!(
                stderr(&o).contains("cannot read docs: it is a directory"),
                "{}",
                stderr(&o)
            );
        }
    }
    let o = run(&[
        "score",
        "--tickets",
        "t.csv",
        "--events",
        "e.csv",
        "--scheme",
        "nope",
        "--period",
        "2026-03",
    ]);
    assert!(
        stderr(&o).contains("sanmenxia"),
        "lists the presets: {}",
        stderr(&o)
    );
}

#[test]
fn data_problems_exit_1() {
    let o = run(&["calendar", "add", "2026-12-24", "10wd"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("out_of_coverage"), "{}", stderr(&o));
    let o = run_in(&vectors(), &["check", "bad/scheme.toml"]);
    assert_eq!(code(&o), 1);
    let o = run_in(
        &vectors(),
        &[
            "score",
            "--tickets",
            "small/tickets.csv",
            "--events",
            "small/events.csv",
            "--units",
            "small/units.csv",
            "--scheme",
            "bad/scheme.toml",
            "--period",
            "2026-03",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("bad/scheme.toml:12:28:"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn success_exits_0_and_help_lists_every_command() {
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    for sub in ["demo", "score", "calendar", "check", "generate"] {
        assert!(stdout(&o).contains(sub), "{sub} missing from --help");
    }
    let o = run(&["calendar", "day", "2026-01-01"]);
    assert_eq!(code(&o), 0);
}

#[test]
fn generate_writes_tables_that_score_reads() {
    let dir = scratch("generate");
    for format in ["csv", "json"] {
        let out = dir.join(format);
        let o = run(&[
            "generate",
            "--out",
            out.to_str().unwrap(),
            "--format",
            format,
            "--days",
            "5",
            "--tickets-per-day",
            "30",
            "--units",
            "12",
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let o = score_data(&out, format, &["--as-of", "2026-01-06", "--format", "csv"]);
        assert_eq!(code(&o), 0, "{format}: {}", stderr(&o));
        assert_eq!(
            stdout(&o).lines().count(),
            1 + 12,
            "{format}: one row per unit"
        );
    }
    // Both formats carry the same data: the same scores.
    let score = |format: &str| {
        stdout(&score_data(
            &dir.join(format),
            format,
            &["--as-of", "2026-01-06", "--format", "csv"],
        ))
    };
    assert_eq!(score("csv"), score("json"));
}

/// `-o FILE` is written whole or not at all: a write that fails (here the file-size limit, as
/// on a full disk) leaves the earlier report as it was, with no temporary file beside it, and
/// exits 1 like a failed write to stdout (it truncated the report and exited 2, a "usage"
/// problem: a CLI audit).
#[cfg(unix)]
#[test]
fn a_failed_output_write_keeps_the_earlier_report() {
    let dir = scratch("output-write-failure");
    let report = dir.join("report.html");
    std::fs::write(&report, "the earlier report").unwrap();
    let small = vectors().join("small");
    // The small export's `score` (not lenient), in its folder, as HTML into the report.
    let score: Vec<&str> = SMALL_SCORE[..SMALL_SCORE.len() - 1]
        .iter()
        .copied()
        .chain(["--format", "html", "-o", report.to_str().unwrap()])
        .collect();
    // The shell ignores SIGXFSZ, so the write past the limit fails with EFBIG.
    let o = std::process::Command::new("sh")
        .current_dir(&small)
        .args(["-c", "trap '' XFSZ; ulimit -f 1; exec \"$@\"", "sh"])
        .arg(env!("CARGO_BIN_EXE_hotline-score"))
        .args(&score)
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("cannot write the output to {}", report.display())),
        "{err}"
    );
    assert!(!err.contains("--help"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        "the earlier report"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    // Without the limit the report replaces the earlier one.
    let o = run_in(&small, &score);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}
