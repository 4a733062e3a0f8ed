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

/// JSON settings files are recognised with a byte-order mark and when they do not parse (the
/// syntax problem is then listed), and their positions count characters, as TOML's do, in
/// `check` and in the loaders (serde_json counts bytes).
#[test]
fn broken_json_settings_are_recognised_and_placed_in_characters() {
    let dir = scratch("check-json-settings");
    let write = |name: &str, text: &[u8]| std::fs::write(dir.join(name), text).unwrap();
    write(
        "calendar.json",
        "\u{feff}{\"format\": 1, \"days\": [{\"dates\": [\"2027-03-01\"], \"rule\": \"off\"}]}"
            .as_bytes(),
    );
    write(
        "policy.json",
        br#"{"name": "x", "rules": [{"limits": {"complete": "5wd"},}]}"#,
    );
    write(
        "scheme.json",
        br#"{"schema_version": 1, "name": "t" "period": "quarter", "groups": []}"#,
    );
    let o = run_in(
        &dir,
        &["check", "calendar.json", "policy.json", "scheme.json"],
    );
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(out.contains("calendar.json: ok (calendar data"), "{out}");
    assert!(
        out.contains("policy.json:1:56: invalid policy (json): trailing comma"),
        "{out}"
    );
    assert!(
        out.contains("scheme.json:1:35: expected ',' or '}' [syntax]"),
        "{out}"
    );
    // `按时办结率` is 5 characters and 15 bytes: the bad amount's closing quote is at
    // character 57 (byte 67).
    write(
        "cjk.json",
        r#"{"name": "按时办结率", "rules": [{"limits": {"complete": "5xd"}}]}"#.as_bytes(),
    );
    let o = run_in(&dir, &["check", "cjk.json"]);
    assert!(stdout(&o).starts_with("cjk.json:1:57: "), "{}", stdout(&o));
    let o = run_in(
        &dir,
        &[
            "calendar",
            "deadline",
            "2026-03-02T10:00:00+08:00",
            "--policy",
            "cjk.json",
        ],
    );
    assert!(
        stderr(&o).starts_with("error: cjk.json:1:57: "),
        "{}",
        stderr(&o)
    );
}

/// A JSON tickets table of rows given alone asks for its events table, as a CSV one does
/// (it was read as whole tickets and refused for its columns).
#[test]
fn a_json_tickets_table_alone_asks_for_its_events() {
    let dir = scratch("check-json-rows");
    std::fs::write(
        dir.join("tickets.json"),
        r#"[{"ticket_id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00", "district": "湖滨区"}]"#,
    )
    .unwrap();
    let o = run_in(&dir, &["check", "tickets.json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("tickets.json is a JSON tickets table (rows with `ticket_id`")
            && stderr(&o).contains("give its events table too"),
        "{}",
        stderr(&o)
    );
}

/// A unit in a group the scheme does not define: `score` and `check` (given the scheme) both
/// refuse it at its line of the units file. Whole-ticket JSON that is not JSON is placed in
/// its file.
#[test]
fn units_in_unknown_groups_and_broken_json_are_placed() {
    let dir = scratch("check-groups");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "tickets.csv",
        "ticket_id,kind,received_at\nT1,help,2026-03-02T09:00:00+08:00\n",
    );
    write(
        "events.csv",
        "ticket_id,at,type,unit\nT1,2026-03-02T09:20:00+08:00,dispatched,u2\n",
    );
    write("units.csv", "unit,group,name\nu1,counties,A\nu2,county,B\n");
    let scheme = root().join("presets/sanmenxia.toml");
    let scheme = scheme.to_str().unwrap();
    let want = "units.csv:3: unit u2 is in group \"county\", which the scheme does not define";
    let o = run_in(
        &dir,
        &["check", "units.csv", "tickets.csv", "events.csv", scheme],
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains(want), "{}", stdout(&o));
    // The units table alone with the scheme: its problem, and no "ok" line for it too.
    let o = run_in(&dir, &["check", "units.csv", scheme]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains(want), "{}", stdout(&o));
    assert!(!stdout(&o).contains("units.csv: ok"), "{}", stdout(&o));
    let o = run_in(
        &dir,
        &[
            "score",
            "--tickets",
            "tickets.csv",
            "--events",
            "events.csv",
            "--units",
            "units.csv",
            "--scheme",
            scheme,
            "--period",
            "2026-03",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    write("whole.json", "[{\"id\":\"T1\",}]");
    let o = run_in(
        &dir,
        &["score", "--tickets", "whole.json", "--period", "2026-03"],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).starts_with("error: whole.json:1:13: invalid ticket JSON"),
        "{}",
        stderr(&o)
    );
}

/// A units table's header problems are on its first line, at the column's place.
#[test]
fn units_header_problems_are_on_the_header_line() {
    let dir = scratch("check-units-header");
    for (name, text, want) in [
        (
            "twice.csv",
            "unit,group,name,name\nu1,counties,A,B\n",
            "twice.csv:1:17: column `name` appears twice [duplicate_column]",
        ),
        (
            "typo.csv",
            "unit,group,nmae\nu1,counties,A\n",
            "typo.csv:1:12: unknown units column `nmae`",
        ),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
        let o = run_in(&dir, &["check", "--as", "units", name]);
        assert_eq!(code(&o), 1);
        assert!(stdout(&o).starts_with(want), "{}", stdout(&o));
    }
}

/// A fraction where a percent is read is a warning, placed, and the check passes.
#[test]
fn suspicious_values_are_warnings() {
    let dir = scratch("check-suspicious");
    std::fs::write(
        dir.join("frac.toml"),
        "schema_version = 1\nperiod = \"month\"\n\n[[groups]]\nid = \"g\"\nfull_marks = 10\n\n\
         [[indicators]]\nid = \"x\"\nname = \"X\"\npoints = 10\n\
         value = { ratio = { num = \"closed_on_time\", den = \"due\" } }\n\
         rule = { linear_below_target = { target = 0.95, slope = 1 } }\n",
    )
    .unwrap();
    let o = run_in(&dir, &["check", "frac.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "frac.toml:13:43: warning: indicators[0].rule.linear_below_target.target: the target \
             0.95 reads as 0.95 %"
        ),
        "{}",
        stdout(&o)
    );
}

/// A policy rule for a group no unit is in never applies: its tickets silently took a later
/// rule's limits (a policy audit: `group = "countys"`). `check` and `score` refuse it.
#[test]
fn a_policy_group_no_unit_is_in_is_refused() {
    let dir = scratch("policy-groups");
    let o = run_in(
        &dir,
        &[
            "generate",
            "--days",
            "3",
            "--tickets-per-day",
            "10",
            "--out",
            "city",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::write(
        dir.join("g.toml"),
        "name = \"g\"\n[[rules]]\nwhen = { group = \"countys\" }\nlimits.complete = \"10wd\"\n\
         [[rules]]\nlimits.complete = \"3wd\"\n",
    )
    .unwrap();
    let o = run_in(&dir, &["check", "g.toml", "city/units.csv"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains("no unit is in group \"countys\""), "{out}");
    let o = run_in(
        &dir,
        &[
            "score",
            "--tickets",
            "city/tickets.csv",
            "--events",
            "city/events.csv",
            "--units",
            "city/units.csv",
            "--policy",
            "g.toml",
            "--as-of",
            "2026-01-04",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("[invalid_policy]"), "{}", stderr(&o));
}

/// A tickets table whose optional column is written another way (`Channel`) is one problem on
/// the header, not one per ticket (1,485 lines for a quarter; `score --lenient` skipped every
/// ticket and reported nothing: a CLI audit).
#[test]
fn a_misnamed_tickets_column_is_one_header_problem() {
    let dir = scratch("check-misnamed");
    let data = dir.join("data");
    generate(&data, 3, 20, "csv");
    let tickets = data.join("tickets.csv");
    let text = std::fs::read_to_string(&tickets).unwrap();
    let header = text.lines().next().unwrap();
    let start = header.find("channel").unwrap() + 1;
    std::fs::write(&tickets, text.replacen("channel", "Channel", 1)).unwrap();
    let file = |n: &str| data.join(format!("{n}.csv")).display().to_string();
    let o = run(&["check", &file("tickets"), &file("events"), &file("units")]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    let lines: Vec<String> = out
        .lines()
        .filter(|l| l.contains("[misnamed_column]"))
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("{}:1:{start}: field `Channel`", file("tickets"))),
        "{}",
        lines[0]
    );
    let o = score_data(&data, "csv", &["--lenient", "--period", "2026-Q1"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

/// A file is recognised by its columns as a spreadsheet may write them, and an unparsable JSON
/// table by the keys of its first row: the table's own reader then places the problem (an
/// events header with `Type` was taken for a units table, and an events JSON with a trailing
/// comma for a tickets table: "two … tables given", exit 2; a CLI audit).
#[test]
fn a_broken_table_is_still_recognised_and_its_problem_placed() {
    let dir = scratch("check-recognised");
    for format in ["csv", "json"] {
        generate(&dir.join(format), 2, 5, format);
    }
    // `check` on a data set's three files: its exit code and all it printed.
    let check = |file: &dyn Fn(&str) -> std::path::PathBuf| {
        let files: Vec<String> = ["tickets", "events", "units"]
            .iter()
            .map(|n| file(n).display().to_string())
            .collect();
        let mut args = vec!["check"];
        args.extend(files.iter().map(String::as_str));
        let o = run(&args);
        (code(&o), format!("{}{}", stdout(&o), stderr(&o)))
    };
    let csv = |n: &str| dir.join("csv").join(format!("{n}.csv"));
    let events = std::fs::read_to_string(csv("events")).unwrap();
    std::fs::write(csv("events"), events.replacen(",type,", ",Type,", 1)).unwrap();
    let (status, out) = check(&csv);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("events.csv:1:14: the header has no `type` column (`Type` looks like it"),
        "{out}"
    );
    // A tickets table with an attribute named `unit` is still the tickets table (`ticket_id`
    // and `unit` alone would make an events table).
    std::fs::write(csv("events"), events.clone()).unwrap();
    let tickets = std::fs::read_to_string(csv("tickets")).unwrap();
    let with_unit: String = tickets
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { "unit" } else { "x" }))
        .collect();
    std::fs::write(csv("tickets"), with_unit).unwrap();
    let (status, out) = check(&csv);
    assert_eq!(status, 0, "{out}");
    let json = |n: &str| dir.join("json").join(format!("{n}.json"));
    let text = std::fs::read_to_string(json("events")).unwrap();
    let cut = text.trim_end().strip_suffix(']').unwrap().trim_end();
    std::fs::write(json("events"), format!("{cut},\n]")).unwrap();
    let line = cut.lines().count() + 1;
    let (status, out) = check(&json);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(&format!("events.json:{line}:1: trailing comma")),
        "{out}"
    );
}

/// A preset is checked by name with `--as scheme`, as a built-in policy is with `--as policy`
/// (`cannot read sanmenxia` before).
#[test]
fn presets_and_built_in_policies_are_checked_by_name() {
    for (kind, name) in [("scheme", "sanmenxia"), ("policy", "henan")] {
        let o = run(&["check", "--as", kind, name]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(
            stdout(&o).starts_with(&format!("{name}: ok ({kind} `")),
            "{}",
            stdout(&o)
        );
    }
    let o = run(&["check", "--as", "scheme", "nosuch"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("neither a preset"), "{}", stderr(&o));
}

/// `check` runs the deadline clocks of every valid ticket as `score` does: a December export
/// whose deadlines fall in a year the calendar's data does not hold yet is a `clock_failed`
/// problem per ticket, with `score`'s hint (it said ok, then `score` stopped at the first such
/// ticket); the next year's calendar data checked alongside, or `--predict`, lets it through.
#[test]
fn check_runs_the_deadline_clocks_as_score_does() {
    let dir = scratch("check-clocks");
    let out = dir.display().to_string();
    let o = run(&[
        "generate",
        "--out",
        &out,
        "--start",
        "2026-12-20",
        "--days",
        "12",
        "--tickets-per-day",
        "5",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let files: Vec<String> = ["tickets", "events", "units"]
        .iter()
        .map(|n| dir.join(format!("{n}.csv")).display().to_string())
        .collect();
    let check = |extra: &[&str]| {
        let mut args = vec!["check"];
        args.extend(extra);
        args.extend(files.iter().map(String::as_str));
        run(&args)
    };
    let o = check(&[]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    let late: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("[clock_failed]"))
        .collect();
    assert!(!late.is_empty(), "{out}");
    for line in &late {
        assert!(
            line.starts_with(&format!("{}: ticket \"", files[0])),
            "{line}"
        );
        assert!(line.contains("outside the calendar's coverage"), "{line}");
    }
    assert!(
        stderr(&o).contains("hint: the calendar's data ends 2026-12-31")
            && stderr(&o).contains(&format!("{} problem(s) in 1 file(s)", late.len())),
        "{}",
        stderr(&o)
    );
    // `score` stops on the same data.
    let o = score_data(&dir, "csv", &["--period", "2026-12"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("[clock_failed]"), "{}", stderr(&o));
    for extra in [&["--predict"][..], &["examples/calendar-2027-example.toml"]] {
        let o = check(extra);
        assert_eq!(code(&o), 0, "{extra:?}: {}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("tickets.csv: ok ("), "{}", stdout(&o));
    }
    // The policy the clocks run under must exist.
    let o = check(&["--policy", "nosuch"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // Clocks that cannot be set up are said, never run on another calendar or policy: a
    // calendar file with problems (reported), several policy files without --policy.
    let bad = dir.join("bad-calendar.toml");
    std::fs::write(&bad, "format = 1\n[[days]]\nbogus = 1\n").unwrap();
    let o = check(&[bad.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("[unknown_calendar_key]"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("[clock_failed]"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("the deadline clocks were not run"),
        "{}",
        stderr(&o)
    );
    let o = check(&["policies/henan.toml", "policies/guangdong.toml"]);
    assert!(
        stderr(&o).contains("name the one with --policy"),
        "{}",
        stderr(&o)
    );
    let o = check(&[
        "--policy",
        "henan",
        "policies/henan.toml",
        "policies/guangdong.toml",
    ]);
    assert!(stdout(&o).contains("[clock_failed]"), "{}", stdout(&o));
    // A broken --calendar-data file is one more problem; the data's own are kept.
    let o = check(&["--calendar-data", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("[unknown_calendar_key]"),
        "{}",
        stdout(&o)
    );
}

/// External metrics and adjustments tables are recognised by their `metric` column and checked
/// as `score` reads them: against the units table and the scheme checked alongside, every bad
/// row a problem at its line (an adjustments table was taken for a units table).
#[test]
fn external_metrics_and_adjustments_tables_are_checked() {
    let dir = scratch("check-external");
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let units = file("units.csv", "unit,group,name\nu1,counties,一区\n");
    let ext = file("ext.csv", "unit,metric,value\nu1,mystery_calls,10\n");
    let adj = file(
        "adj.csv",
        "unit,metric,amount,reason,approver\nu1,manual_bonus,1.5,防汛值守,热线办\n",
    );
    let o = run(&["check", &ext, &adj, &units]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("ext.csv, "), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("adj.csv: ok (2 rows)"),
        "{}",
        stdout(&o)
    );
    let bad = file(
        "bad-adj.csv",
        "unit,metric,amount,reason,approver\nu9,manual_bonus,1,r,a\nu1,bribes,1,r,a\nu1,manual_bonus,1,,a\n",
    );
    // Without a scheme alongside, the metric is not checked (the other two are problems).
    let o = run(&["check", &bad, &units]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        !stdout(&o).contains("[unknown_external_metric]"),
        "{}",
        stdout(&o)
    );
    let scheme = dir.join("scheme.toml");
    std::fs::copy(root().join("presets/sanmenxia.toml"), &scheme).unwrap();
    let o = run(&["check", &bad, &units, scheme.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    for (line, problem) in [
        (2, "[metrics_for_unknown_unit]"),
        (3, "[unknown_external_metric]"),
        (4, "[invalid_adjustment]"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("bad-adj.csv:{line}:")) && l.ends_with(problem)),
            "{out}"
        );
    }
}
