//! `--local-times`: an export whose timestamps carry no offset (`2026-03-02 09:30:00`, a
//! database's DATETIME) scores as the same export written in RFC 3339 with `+08:00`; without
//! the option such a timestamp is a bad value, and the error says which option reads it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

/// `text` (CSV without quoted commas) with every cell `YYYY-MM-DDTHH:MM:SS+08:00` written as
/// `YYYY-MM-DD HH:MM:SS`.
fn without_offsets(text: &str) -> String {
    rewrite(text, |date, time| format!("{date} {time}"))
}

/// The same as Excel writes it back in zh-CN (`2026/3/2 9:30`: no padding, no seconds; every
/// time in the small export is on a whole minute).
fn spreadsheet_form(text: &str) -> String {
    rewrite(text, |date, time| {
        let n = |s: &str| s.parse::<u32>().unwrap();
        let d: Vec<u32> = date.split('-').map(n).collect();
        let t: Vec<u32> = time.split(':').map(n).collect();
        assert_eq!(t[2], 0, "{time}");
        format!("{}/{}/{} {}:{:02}", d[0], d[1], d[2], t[0], t[1])
    })
}

/// `text` with every `YYYY-MM-DDTHH:MM:SS+08:00` cell written as `local(date, time)`.
fn rewrite(text: &str, local: impl Fn(&str, &str) -> String) -> String {
    let cell = |c: &str| match c.strip_suffix("+08:00") {
        Some(aware) if aware.get(10..11) == Some("T") => local(&aware[..10], &aware[11..]),
        _ => c.to_owned(),
    };
    text.lines()
        .map(|line| line.split(',').map(cell).collect::<Vec<_>>().join(",") + "\n")
        .collect()
}

#[test]
fn local_times_score_as_their_offset_originals() {
    let aware = scratch("local-times-aware");
    let local = scratch("local-times-local");
    let excel = scratch("local-times-excel");
    small_export(&aware, |t| t.as_bytes().to_vec());
    small_export(&local, |t| without_offsets(t).into_bytes());
    small_export(&excel, |t| spreadsheet_form(t).into_bytes());
    let tickets = std::fs::read_to_string(local.join("tickets.csv")).unwrap();
    assert!(
        tickets.contains(",2026-03-02 09:00:00") && !tickets.contains("+08:00"),
        "{tickets}"
    );
    let tickets = std::fs::read_to_string(excel.join("tickets.csv")).unwrap();
    assert!(tickets.contains(",2026/3/2 9:00,"), "{tickets}");
    for format in ["table", "json"] {
        let want = run_in(
            &aware,
            &[&SMALL_SCORE[..11], &["--format", format]].concat(),
        );
        assert_eq!(code(&want), 0, "{}", stderr(&want));
        for dir in [&local, &excel] {
            let got = run_in(
                dir,
                &[&SMALL_SCORE[..11], &["--format", format, "--local-times"]].concat(),
            );
            assert_eq!(code(&got), 0, "{}", stderr(&got));
            assert_eq!(stdout(&got), stdout(&want), "{format} in {}", dir.display());
        }
    }
    let o = run_in(
        &local,
        &[
            "check",
            "--local-times",
            "tickets.csv",
            "events.csv",
            "units.csv",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn without_the_option_the_error_names_it() {
    let local = scratch("local-times-refused");
    small_export(&local, |t| without_offsets(t).into_bytes());
    let o = run_in(&local, &SMALL_SCORE[..11]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("error: tickets.csv:2:")
            && lines[0].contains("\"2026-03-02 09:00:00\" has no UTC offset")
            && lines[0].ends_with("[malformed_timestamp]"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("hint: ") && lines[1].ends_with("--local-times"),
        "{err}"
    );
    // `check` lists every such ticket on stdout, and the hint once on stderr: advice, not a
    // problem.
    let o = run_in(&local, &["check", "tickets.csv", "events.csv", "units.csv"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let problems = out
        .lines()
        .filter(|l| l.contains("[malformed_timestamp]"))
        .count();
    assert_eq!(problems, 7, "{out}");
    assert!(!out.contains("hint: "), "{out}");
    let hints = stderr(&o)
        .lines()
        .filter(|l| l.starts_with("hint: "))
        .count();
    assert_eq!(hints, 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("7 problem(s) in 1 file(s)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn whole_ticket_json_refuses_the_option() {
    let dir = scratch("local-times-json");
    let tickets = r#"[{"id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00",
        "events": [{"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "u1"}]}]"#;
    std::fs::write(dir.join("tickets.json"), tickets).unwrap();
    let o = run_in(
        &dir,
        &[
            "score",
            "--tickets",
            "tickets.json",
            "--scheme",
            "three-rates",
            "--period",
            "2026-03",
            "--local-times",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("holds whole tickets"), "{}", stderr(&o));
}

/// The hint is about timestamps without an offset only: one that has an offset and is wrong
/// for another reason gets no hint, and `check` counts the files its problems are in.
#[test]
fn no_hint_for_a_bad_timestamp_with_an_offset() {
    let dir = scratch("hint-with-offset");
    std::fs::write(
        dir.join("t.csv"),
        "ticket_id,kind,received_at\nT1,help,2026-03-02T25:00:00+08:00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("e.csv"),
        "ticket_id,at,type,unit\nT9,2026-03-02T09:00:00+08:00,dispatched,u1\n",
    )
    .unwrap();
    let o = run_in(&dir, &["check", "t.csv", "e.csv"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("[malformed_timestamp]"),
        "{}",
        stdout(&o)
    );
    assert!(!stderr(&o).contains("hint: "), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 problem(s) in 2 file(s)"),
        "{}",
        stderr(&o)
    );
    let o = run_in(
        &dir,
        &[
            "score",
            "--tickets",
            "t.csv",
            "--events",
            "e.csv",
            "--period",
            "2026-03",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(!stderr(&o).contains("hint: "), "{}", stderr(&o));
}
