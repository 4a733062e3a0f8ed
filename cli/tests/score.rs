//! `score` on a small committed CSV export: the ranking of `tests/vectors/cli/score-small.json`
//! (computed by hand), in every output format; lenient mode lists every skipped ticket.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

fn small_args(v: &serde_json::Value) -> Vec<String> {
    strings(v, "args")
}

#[test]
fn score_gives_the_hand_computed_ranking() {
    let v = vector("score-small.json");
    let mut args = small_args(&v);
    args.extend(["--format".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(&vectors(), &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<serde_json::Value> = report["scores"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            serde_json::json!({
                "group": c["group"], "rank": c["rank"], "unit": c["unit"], "total": c["total"]
            })
        })
        .collect();
    assert_eq!(got, v["expected_ranking"].as_array().unwrap().clone());
    // Components of d2, with their numerators and denominators.
    let d2 = report["scores"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == "d2")
        .unwrap();
    for (id, want) in v["expected_components"]["d2"].as_object().unwrap() {
        let c = d2["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["indicator"] == id.as_str())
            .unwrap();
        for key in ["numerator", "denominator", "points"] {
            assert_eq!(c[key], want[key], "{id}.{key}");
        }
    }
    // The period is over at as_of: no warnings, final results, explanations present.
    assert_eq!(report["closed"], true);
    assert_eq!(report["explanations"].as_array().unwrap().len(), 6);
    assert_eq!(report["summary"]["tickets"], 7);
    // p2 and p3 have no ticket: named as units without activity (ranked by no-data rules).
    assert_eq!(report["idle_units"], serde_json::json!(["p2", "p3"]));
}

#[test]
fn score_table_and_csv_show_the_same_ranking() {
    let v = vector("score-small.json");
    let base = small_args(&v);
    let run_fmt = |fmt: &str| {
        let mut a: Vec<&str> = base.iter().map(String::as_str).collect();
        a.push("--format");
        a.extend(fmt.split(' '));
        let o = run_in(&vectors(), &a);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let table = run_fmt("table");
    for name in [
        "一区",
        "二区",
        "三区",
        "甲局",
        "乙局",
        "丙局",
        "66.67",
        "按时办结率",
        "满意率",
    ] {
        assert!(table.contains(name), "{name} missing from\n{table}");
    }
    assert!(
        table.contains("Without activity in the period: 2 unit(s) (乙局, 丙局)"),
        "{table}"
    );
    let csv = run_fmt("csv");
    // A byte-order mark first, for Excel (a Chinese Windows Excel reads UTF-8 without it as
    // GBK); `--no-bom` leaves it out.
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark")
        .to_owned();
    assert_eq!(run_fmt("csv --no-bom"), csv);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with(
        "period,as_of,status,predicted_from,group,rank,unit,name,total,full_marks,grade,\
         warning,sanction_level,idle,"
    ));
    // Every row names its run (the period is over at as_of: final results), so files of
    // several runs concatenate; the scheme has neither warnings nor a ladder: empty cells.
    for r in &rows[1..] {
        assert!(
            r.starts_with("2026-03,2026-04-01T00:00:00+08:00,final,,"),
            "{r}"
        );
        let f: Vec<&str> = r.split(',').collect();
        assert_eq!((f[11], f[12]), ("", ""), "{r}");
        // p2 and p3 have no ticket: `idle` says so (the ranking puts them by no-data rules).
        let idle = if ["p2", "p3"].contains(&f[6]) {
            "yes"
        } else {
            "no"
        };
        assert_eq!(f[13], idle, "{r}");
    }
    let ranking: Vec<String> = rows[1..]
        .iter()
        .map(|r| {
            let f: Vec<&str> = r.split(',').collect();
            format!("{} {} {}", f[5], f[6], f[8])
        })
        .collect();
    let want: Vec<String> = v["expected_ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["rank"],
                e["unit"].as_str().unwrap(),
                e["total"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ranking, want);
}

/// `--unit d2` (or its name, 二区): the table gains d2's drill-down (B3, closed late, cost it 20
/// of the 60 on-time points: hand calculation in the vector); JSON and HTML explain d2 alone; an
/// unknown unit or the CSV format is a usage error.
#[test]
fn score_explains_the_units_asked_about() {
    let v = vector("score-small.json");
    let base = small_args(&v);
    let run_with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.iter().map(String::as_str).collect();
        a.extend(extra);
        run_in(&vectors(), &a)
    };
    let o = run_with(&["--unit", "d2"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let table = stdout(&o);
    let drill = table
        .split("Unit 单位 二区 (d2, districts)")
        .nth(1)
        .expect(&table);
    assert!(
        drill.starts_with(" · rank 2/3 · total 66.67 / 100.00"),
        "{drill}"
    );
    let on_time = drill
        .lines()
        .find(|l| l.contains("closed_on_time"))
        .unwrap();
    assert!(
        on_time.contains("40.00 / 60.00") && on_time.contains("−20.00"),
        "{on_time}"
    );
    assert!(on_time.ends_with("1: B3"), "{on_time}");
    assert!(
        !table.contains("(d1, districts) · rank"),
        "d1 was not asked about"
    );

    let o = run_with(&["--unit", "d2", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let explained = report["explanations"].as_array().unwrap();
    assert_eq!(explained.len(), 1);
    assert_eq!(explained[0]["unit"], "d2");
    assert_eq!(report["scores"]["units"].as_array().unwrap().len(), 6);
    let html = stdout(&run_with(&["--unit", "d2", "--format", "html"]));
    assert_eq!(html.matches("<details id=\"unit-").count(), 1);
    assert!(html.contains("<details id=\"unit-d2\""));
    // Only d2 has a drill-down: only d2 is linked (links to the others led nowhere).
    assert_eq!(
        html.matches("href=\"#unit-").count(),
        html.matches("href=\"#unit-d2\"").count()
    );
    assert!(html.contains("href=\"#unit-d2\""));

    // By display name too.
    let by_name = stdout(&run_with(&["--unit", "二区", "--format", "json"]));
    let by_name: serde_json::Value = serde_json::from_str(&by_name).unwrap();
    assert_eq!(by_name["explanations"], report["explanations"]);

    // A name two units share names neither.
    let dir = scratch("score-unit-names");
    let units = dir.join("units.csv");
    let table = std::fs::read_to_string(vectors().join("small/units.csv")).unwrap();
    std::fs::write(
        &units,
        table.replace("p1,departments,甲局", "p1,departments,二区"),
    )
    .unwrap();
    let shared: Vec<String> = base
        .iter()
        .map(|a| match a.as_str() {
            "small/units.csv" => units.display().to_string(),
            _ => a.clone(),
        })
        .collect();
    let mut a: Vec<&str> = shared.iter().map(String::as_str).collect();
    a.extend(["--unit", "二区"]);
    let o = run_in(&vectors(), &a);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 units have this name; give one of their ids: d2, p1"),
        "{}",
        stderr(&o)
    );

    let o = run_with(&["--unit", "d9"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--unit d9: no scored unit"),
        "{}",
        stderr(&o)
    );
    let o = run_with(&["--unit", "d2", "--format", "csv"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("CSV has one row per unit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn score_writes_a_self_contained_html_report() {
    let v = vector("score-small.json");
    let dir = scratch("score-html");
    let out = dir.join("report.html");
    let mut a: Vec<String> = small_args(&v);
    a.extend([
        "--format".into(),
        "html".into(),
        "-o".into(),
        out.display().to_string(),
    ]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = run_in(&vectors(), &a);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("class=\"bar\"").count(), 6, "one bar per unit");
    for forbidden in ["<script", "http://", "https://", "<link", "@import", "url("] {
        assert!(
            !html.contains(forbidden),
            "external or scripted content: {forbidden}"
        );
    }
    assert!(html.contains("id=\"warnings\"") && html.contains("id=\"sanctions\""));
    // Units without activity are named under the cards and marked in the ranking (p2 and p3
    // have no ticket; the HTML ranked them without a word).
    assert!(
        html.contains("无业务单位 Without activity in the period: 2 unit(s) (乙局, 丙局)"),
        "{html}"
    );
    assert_eq!(html.matches("无业务 no activity</small>").count(), 2);
    assert_eq!(
        html.matches("<details id=\"unit-").count(),
        6,
        "one drill-down per unit"
    );
    // B3 closed late and its callback was 不满意: it is listed on both of d2's indicators, what
    // it counted there as its tooltip.
    let d2 = html.split("<details id=\"unit-d2\"").nth(1).unwrap();
    let d2 = d2.split("</details>").next().unwrap();
    // The scheme reads closed_on_time / due and the three satisfied levels / callbacks: B3
    // counted due 1 and closed_on_time 0 (it closed late), callbacks 1 and none satisfied (it
    // was unsatisfied).
    let b3 = "<span title=\"lead: due 1, closed_on_time 0, closed_late 1, callbacks 1, \
              very_satisfied 0, satisfied 0, basically_satisfied 0, unsatisfied 1\">B3</span>";
    assert_eq!(d2.matches(b3).count(), 2, "{d2}");
}

#[test]
fn lenient_mode_skips_and_lists_every_bad_ticket() {
    let o = run_in(
        &vectors(),
        &[
            "score",
            "--tickets",
            "bad/tickets.csv",
            "--events",
            "bad/events.csv",
            "--units",
            "bad/units.csv",
            "--scheme",
            "three-rates",
            "--period",
            "2026-03",
            "--lenient",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    for place in [
        "bad/tickets.csv:3:4:",
        "bad/tickets.csv:4:22:",
        "bad/tickets.csv:6:1:",
        "bad/events.csv:5:37:",
        "bad/events.csv:6:1:",
        "bad/events.csv:7:",
    ] {
        assert!(err.contains(place), "{place} missing from\n{err}");
    }
    assert!(err.contains("6 problem(s)"), "{err}");
    // Strict mode stops at the first bad row, with its place, exit code 1.
    let o = run_in(
        &vectors(),
        &[
            "score",
            "--tickets",
            "bad/tickets.csv",
            "--events",
            "bad/events.csv",
            "--units",
            "bad/units.csv",
            "--scheme",
            "three-rates",
            "--period",
            "2026-03",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("bad/events.csv:7:"), "{}", stderr(&o));
}

#[test]
fn single_group_schemes_need_no_units_table() {
    let o = run_in(
        &vectors(),
        &[
            "score",
            "--tickets",
            "small/tickets.csv",
            "--events",
            "small/events.csv",
            "--scheme",
            "three-rates",
            "--as-of",
            "2026-03-20",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["period"]["label"], "2026-03");
    let units: Vec<&str> = report["scores"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["unit"].as_str().unwrap())
        .collect();
    let mut sorted = units.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["d1", "d2", "d3", "p1"]);
    // A multi-group scheme without --units is a usage error that says what to do.
    let o = run_in(
        &vectors(),
        &[
            "score",
            "--tickets",
            "small/tickets.csv",
            "--events",
            "small/events.csv",
            "--period",
            "2026-03",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--units"), "{}", stderr(&o));
}

/// In December a deadline runs past the built-in calendar's data: the error names the ticket
/// and says what to do; with `--predict` the quarter scores.
#[test]
fn a_deadline_past_the_calendar_data_says_what_to_do() {
    let dir = scratch("score-december");
    let o = run_in(
        &dir,
        &[
            "generate",
            "--out",
            "q4",
            "--start",
            "2026-10-01",
            "--days",
            "92",
            "--units",
            "6",
            "--tickets-per-day",
            "20",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let score = [
        "score",
        "--tickets",
        "q4/tickets.csv",
        "--events",
        "q4/events.csv",
        "--units",
        "q4/units.csv",
        "--period",
        "2026-Q4",
        "--as-of",
        "2026-12-31T23:00:00+08:00",
    ];
    let o = run_in(&dir, &score);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("date 2027-01-01 is outside the calendar's coverage")
            && err.contains("hint: the calendar's data ends 2026-12-31: --calendar-data FILE")
            && err.contains("--predict"),
        "{err}"
    );
    let o = run_in(&dir, &[&score[..], &["--predict"]].concat());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("hint:"), "{}", stderr(&o));
}

#[test]
fn a_period_without_data_warns_and_names_the_datas() {
    // The monthly export of March scored for April: every unit ties on its no-data rules,
    // which reads like a result; stderr says why and which period the data is in.
    let v = vector("score-small.json");
    let mut args = small_args(&v);
    let at = args.iter().position(|a| a == "2026-03").unwrap();
    for (month, warned) in [("2026-03", false), ("2026-04", true)] {
        args[at] = month.to_owned();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_in(&vectors(), &argv);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(
            stderr(&o).contains("warning: no ticket counts"),
            warned,
            "{}",
            stderr(&o)
        );
        if warned {
            assert!(
                stderr(&o).contains("period 2026-04 (2026-04-01T00:00:00+08:00")
                    && stderr(&o).contains("the latest tickets' is --period 2026-03"),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn as_of_says_how_to_write_a_time_without_offset_and_what_is_wrong_with_a_date() {
    let v = vector("score-small.json");
    let base = small_args(&v);
    let run_as_of = |as_of: &str| {
        let mut a: Vec<&str> = base.iter().map(String::as_str).collect();
        a.extend(["--as-of", as_of, "--format", "json"]);
        run_in(&vectors(), &a)
    };
    // A time without an offset is refused (SPEC §2.1) with the value to paste, which works
    // (the hint used to suggest `2026-03-20 09:30+08:00`, itself refused).
    for local in ["2026-03-20 09:30", "2026/3/20 9:30", "2026-03-20T09:30:00"] {
        let o = run_as_of(local);
        assert_eq!(code(&o), 2, "{local}");
        assert!(
            stderr(&o).contains("write it with one, e.g. `2026-03-20T09:30:00+08:00` (China time)"),
            "{local}: {}",
            stderr(&o)
        );
    }
    assert_eq!(code(&run_as_of("2026-03-20T09:30:00+08:00")), 0);
    // Excel's date form is a date; a date that does not exist says why.
    assert_eq!(
        stdout(&run_as_of("2026/3/20")),
        stdout(&run_as_of("2026-03-20"))
    );
    let o = run_as_of("2026-02-30");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("day must be in the range 1..=28"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn csv_rows_carry_each_units_warning_and_sanction_level() {
    let dir = scratch("csv-ladder");
    let out = dir.join("data");
    let o = run(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--days",
        "31",
        "--tickets-per-day",
        "30",
        "--units",
        "12",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let score = |format: &str| {
        let options = [
            "--period",
            "2026-01",
            "--as-of",
            "2026-01-25",
            "--format",
            format,
            "--no-bom",
        ];
        let o = score_data(&out, "csv", &options);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let report: serde_json::Value = serde_json::from_str(&score("json")).unwrap();
    let csv = score("csv");
    let mut warned = 0;
    let mut sanctioned = 0;
    for row in csv.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        // Inside the warning window, before the close: standings so far.
        assert_eq!(
            &f[..4],
            &["2026-01", "2026-01-25T00:00:00+08:00", "standings", ""]
        );
        let unit = f[6];
        let in_warnings = report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["unit"] == unit);
        assert_eq!(f[11], if in_warnings { "yes" } else { "no" }, "{unit}");
        let level = report["sanctions"]["current"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unit"] == unit)
            .unwrap()["level"]
            .to_string();
        assert_eq!(f[12], level, "{unit}");
        warned += usize::from(in_warnings);
        sanctioned += usize::from(level != "0");
    }
    assert!(warned > 0 && sanctioned > 0, "{csv}");
}

/// Values are shown as their indicators read them: a mean in hours, a count and a `percent =
/// false` ratio as numbers, not percentages; a red line is "worse than", with the line, for a
/// mean where lower is better; a warning window longer than the period starts with it; the
/// drill-down's points lost are full marks less the total; a text cell a spreadsheet would run as
/// a formula is quoted with `'`.
#[test]
fn reports_show_values_as_their_indicators_read() {
    let dir = scratch("score-values");
    let scheme = dir.join("scheme.toml");
    std::fs::write(
        &scheme,
        r#"schema_version = 1
name = "values"
period = "month"
decimals = 2
[[groups]]
id = "districts"
name = "区"
full_marks = 100
[[groups]]
id = "departments"
name = "部门"
full_marks = 100
[[indicators]]
id = "sign_hours"
name = "平均签收时长"
value = { mean = { sum = "sign_working_ms / 3600000", count = "signed" } }
points = 50
rule = { bands = [{ max = 1, points = 50 }, { max = 8, points = 25 }] }
red_line = 1
[[indicators]]
id = "closed"
name = "办结量"
value = { count = "closed" }
points = 30
rule = { volume = { curve = "linear" } }
[[indicators]]
id = "satisfaction"
name = "满意率"
value = { ratio = { num = "very_satisfied + satisfied + basically_satisfied", den = "callbacks", percent = false } }
points = 20
rule = { proportional = {} }
[warnings]
below_red_line = true
"#,
    )
    .unwrap();
    let units = dir.join("units.csv");
    let table = std::fs::read_to_string(vectors().join("small/units.csv")).unwrap();
    std::fs::write(
        &units,
        table.replace("d3,districts,三区", "d3,districts,=HYPERLINK(\"x\")"),
    )
    .unwrap();
    let (scheme, units) = (scheme.display().to_string(), units.display().to_string());
    let run_fmt = |format: &str| {
        let args = [
            "score",
            "--tickets",
            "small/tickets.csv",
            "--events",
            "small/events.csv",
            "--units",
            &units,
            "--scheme",
            &scheme,
            "--policy",
            "henan",
            "--period",
            "2026-03-01..2026-03-14",
            "--as-of",
            "2026-03-12",
            "--format",
            format,
        ];
        let o = run_in(&vectors(), &args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let table = run_fmt("table");
    // d2's mean sign-for time is 4/3 h, over its red line of 1 h (a rate's would be below).
    assert!(
        table.contains("平均签收时长 1.3333 worse than its red line 1\n"),
        "{table}"
    );
    assert!(!table.contains("1.3333%"), "{table}");
    // The window (20 days before the end) is longer than the 14-day period: it starts with it.
    assert!(
        table.contains("Warnings 预警 — from 2026-03-01, 14 days before the period ends"),
        "{table}"
    );
    // Key columns: 办结量 a count, 满意率 a fraction (d1: 2 closed, 2 of 2 satisfied).
    let d1 = table.lines().find(|l| l.contains(" d1 ")).unwrap();
    assert!(d1.trim_end().ends_with("2       1"), "{d1}");
    let html = run_fmt("html");
    assert!(
        html.contains("未达红线 平均签收时长 1.3333 worse than its red line 1"),
        "{html}"
    );
    // d2 lost 25 of 50 points on sign-for time: 75.00 total, 25.00 lost.
    let d2 = html.split("<details id=\"unit-d2\"").nth(1).unwrap();
    assert!(
        d2.contains("总分 total <b>75.00</b> / 100.00")
            && d2.contains("失分 points lost <span class=\"lost\">25.00</span>"),
        "{d2}"
    );
    let csv = run_fmt("csv");
    let d3 = csv.lines().find(|l| l.contains(",d3,")).unwrap();
    assert!(d3.contains(",d3,\"'=HYPERLINK(\"\"x\"\")\","), "{d3}");
}

/// A file typed by hand with `, ` between cells, ids padded and a cell of spaces: every cell is
/// trimmed as the header is, so the scores are the clean file's (a cell of spaces was an
/// `unexpected_field`, ` d1 ` an unknown unit: a CLI audit).
#[test]
fn csv_cells_are_trimmed_as_the_header_is() {
    let dir = scratch("score-trimmed");
    for name in ["tickets", "events", "units"] {
        let text = std::fs::read_to_string(vectors().join(format!("small/{name}.csv"))).unwrap();
        let padded: String = text
            .lines()
            .map(|l| format!("{}\n", l.replace(',', ", ")))
            .collect();
        std::fs::write(dir.join(format!("{name}.csv")), padded).unwrap();
    }
    let scores = |dir: &std::path::Path| {
        let scheme = vectors().join("small/scheme.toml").display().to_string();
        let o = score_data(
            dir,
            "csv",
            &[
                "--scheme", &scheme, "--policy", "henan", "--period", "2026-03", "--format", "json",
            ],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        report["scores"].clone()
    };
    assert_eq!(scores(&dir), scores(&vectors().join("small")));
}

/// JSON tables saved by Notepad as "UTF-8 with BOM" read as without it (they were "1:1:
/// expected value", while CSV tables and policy files took the mark: a CLI audit).
#[test]
fn json_tables_may_start_with_a_byte_order_mark() {
    let dir = scratch("score-json-bom");
    let plain = dir.join("plain");
    generate(&plain, 5, 20, "json");
    let marked = dir.join("marked");
    std::fs::create_dir_all(&marked).unwrap();
    for name in ["tickets", "events", "units"] {
        let text = std::fs::read_to_string(plain.join(format!("{name}.json"))).unwrap();
        std::fs::write(
            marked.join(format!("{name}.json")),
            format!("\u{feff}{text}"),
        )
        .unwrap();
    }
    let score = |d: &std::path::Path| {
        let options = [
            "--period",
            "2026-Q1",
            "--as-of",
            "2026-01-06",
            "--format",
            "json",
        ];
        let o = score_data(d, "json", &options);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()["scores"].clone()
    };
    assert_eq!(score(&marked), score(&plain));
    let o = run(&[
        "check",
        marked.join("tickets.json").to_str().unwrap(),
        marked.join("events.json").to_str().unwrap(),
        marked.join("units.json").to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// `--history` periods without data are said on stderr: scored by the no-data rules, they break
/// every streak of the sanctions ladder (a warnings audit: the ladder ran over two empty
/// quarters without a word).
#[test]
fn empty_history_periods_are_said() {
    let dir = scratch("score-empty-history");
    generate(&dir, 3, 20, "csv");
    let o = score_data(
        &dir,
        "csv",
        &[
            "--scheme",
            "sanmenxia",
            "--period",
            "2026-Q1",
            "--history",
            "2",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no ticket counts in earlier period(s) 2025-Q3, 2025-Q4"),
        "{}",
        stderr(&o)
    );
    let o = score_data(
        &dir,
        "csv",
        &["--scheme", "sanmenxia", "--period", "2026-Q1"],
    );
    assert!(!stderr(&o).contains("earlier period"), "{}", stderr(&o));
}

/// The CSV header cells built from indicator ids get the formula guard the name, group and
/// grade cells get (an id `=x` made the header cell `=x.value`, run as a formula: a CLI audit).
#[test]
fn csv_header_cells_from_indicator_ids_are_not_formulas() {
    let dir = scratch("score-csv-header-formula");
    small_export(&dir, |t| t.as_bytes().to_vec());
    let scheme = dir.join("scheme.toml");
    let text = std::fs::read_to_string(&scheme).unwrap();
    std::fs::write(
        &scheme,
        text.replace("id = \"satisfaction\"", "id = \"=x\""),
    )
    .unwrap();
    let mut args = SMALL_SCORE.to_vec();
    args.extend(["--format", "csv", "--no-bom"]);
    let o = run_in(&dir, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let header = out.lines().next().unwrap();
    assert!(
        header.ends_with(",closed_on_time.value,closed_on_time.points,'=x.value,'=x.points"),
        "{header}"
    );
}

/// Control characters in names from the input files are printed as escapes in the table:
/// an ESC sequence could clear the terminal, a line end split a row (a CLI audit). The columns
/// are as wide as the escaped text.
#[test]
fn the_table_escapes_control_characters_from_the_data() {
    let dir = scratch("score-control-chars");
    small_export(&dir, |t| t.as_bytes().to_vec());
    let units = "unit,group,name\n\
                 d1,districts,\"a\u{1b}[2Jb\"\n\
                 d2,districts,\"c\nd\"\n\
                 d3,districts,\"e\tf\u{2028}g\u{85}h\"\n\
                 p1,departments,p\n\
                 p2,departments,\"x\u{1b}[31my\"\n\
                 p3,departments,z\n";
    std::fs::write(dir.join("units.csv"), units).unwrap();
    let o = run_in(&dir, &SMALL_SCORE);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        !table
            .chars()
            .any(|c| c != '\n' && (c.is_control() || c == '\u{2028}')),
        "{table:?}"
    );
    let row = |unit: &str| {
        table
            .lines()
            .find(|l| l.contains(&format!("  {unit}  ")))
            .unwrap_or_else(|| panic!("no row of {unit} in\n{table}"))
    };
    assert!(row("d1").contains("a\\u{1b}[2Jb"), "{}", row("d1"));
    assert!(row("d2").contains("c\\nd"), "{}", row("d2"));
    assert!(
        row("d3").contains("e\\tf\\u{2028}g\\u{85}h"),
        "{}",
        row("d3")
    );
    // One row each, the ids in one column (every name is ASCII: a character is a cell).
    let id_column = |unit: &str| {
        let r = row(unit);
        r[..r.find(&format!("  {unit}  ")).unwrap()].chars().count()
    };
    assert_eq!(id_column("d1"), id_column("d2"));
    assert_eq!(id_column("d1"), id_column("d3"));
    assert!(row("d2").contains("66.67"), "{}", row("d2"));
    // Lines outside the tables too: the units without activity.
    assert!(
        table.contains("Without activity in the period: 2 unit(s) (x\\u{1b}[31my, z)"),
        "{table}"
    );
}

/// With `--as-of` at the period's start nothing has happened yet: the note says so, instead of
/// advising the `--period` already given (an audit: the advice went round in a circle).
#[test]
fn a_period_scored_at_its_start_says_nothing_has_happened_yet() {
    let v = vector("score-small.json");
    let mut args = small_args(&v);
    args.extend(["--as-of".into(), "2026-03-01".into()]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(&vectors(), &argv);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "--as-of 2026-03-01T00:00:00+08:00 is at the period's start: nothing has happened \
             in it yet"
        ) && err.contains("give an --as-of inside the period, or --period alone"),
        "{err}"
    );
    assert!(!err.contains("--period 2026-03"), "{err}");
}

/// A period whose only activity is a closure (the ticket received, dispatched and due the
/// month before) counts for its unit: no "no ticket counts" warning (an audit: the warning
/// looked at four city counters only, and said every unit was on its no-data rules).
#[test]
fn a_period_with_only_a_closure_is_not_empty() {
    let dir = scratch("score-closure-only");
    small_export(&dir, |t| t.as_bytes().to_vec());
    std::fs::write(
        dir.join("tickets.csv"),
        "ticket_id,kind,urgency,channel,received_at\n\
         K1,help,normal,phone,2026-01-20T10:00:00+08:00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("events.csv"),
        "ticket_id,at,type,unit\n\
         K1,2026-01-20T10:00:00+08:00,dispatched,d1\n\
         K1,2026-01-20T11:00:00+08:00,signed,d1\n\
         K1,2026-02-03T10:00:00+08:00,closed,\n",
    )
    .unwrap();
    let mut args = SMALL_SCORE.to_vec();
    for (month, warned) in [("2026-02", false), ("2026-03", true)] {
        args[10] = month;
        let o = run_in(&dir, &[&args[..], &["--format", "json"]].concat());
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(
            stderr(&o).contains("warning: no ticket counts"),
            warned,
            "{month}: {}",
            stderr(&o)
        );
        let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let d1_idle = strings(&report, "idle_units").contains(&"d1".to_owned());
        assert_eq!(d1_idle, warned, "{month}");
    }
}

/// The small export in a fresh folder, its scheme with `period` and a sanctions ladder (the
/// bottom unit of each group is reminded), scored with `extra` as JSON.
fn small_ladder(name: &str, period: &str, extra: &[&str]) -> serde_json::Value {
    let dir = scratch(name);
    small_export(&dir, |t| t.as_bytes().to_vec());
    let scheme = dir.join("scheme.toml");
    let text = std::fs::read_to_string(&scheme).unwrap();
    std::fs::write(
        &scheme,
        format!(
            "{}\n[[sanctions.levels]]\nlevel = 1\nname = \"提醒\"\nbase = \"rank_from_bottom <= 1\"\n",
            text.replace("period = \"month\"", &format!("period = {period}"))
        ),
    )
    .unwrap();
    let mut args = SMALL_SCORE[..9].to_vec();
    args.extend(extra);
    args.extend(["--format", "json"]);
    let o = run_in(&dir, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// A `range` scheme's one period, taken from `--as-of`, steps back by blocks of its length
/// (the scheme's "previous period" was the range itself: "it is in the history twice").
#[test]
fn history_before_a_range_schemes_period_is_blocks_of_its_length() {
    let range = r#"{ range = { start = "2026-03-01T00:00:00+08:00", end = "2026-03-15T00:00:00+08:00", label = "H" } }"#;
    let report = small_ladder(
        "score-range-history",
        range,
        &["--as-of", "2026-03-10", "--history", "2"],
    );
    assert_eq!(
        report["sanctions"]["periods"],
        serde_json::json!(["2026-02-01..2026-02-14", "2026-02-15..2026-02-28", "H"])
    );
}

/// A range that spans a calendar month (quarter, year) steps back by months, as the month does
/// (decided 2026-12-02; it stepped back by 31-day blocks, told by its label).
#[test]
fn history_before_a_range_spanning_a_month_is_the_month_before() {
    let report = small_ladder(
        "score-month-range-history",
        "\"month\"",
        &["--period", "2026-03-01..2026-03-31", "--history", "2"],
    );
    assert_eq!(
        report["sanctions"]["periods"],
        serde_json::json!(["2026-01", "2026-02", "2026-03-01..2026-03-31"])
    );
}

/// With `--as-of` before the period starts, the earlier periods are scored as known at `as_of`
/// too: March's levels in the history of April at 03-06 are March's standings at 03-06 (they
/// were March's final levels, from events after `as_of`).
#[test]
fn history_periods_are_scored_as_known_at_as_of() {
    let levels = |report: &serde_json::Value| -> serde_json::Value {
        report["sanctions"]["current"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["unit"].as_str().unwrap().to_owned(), s["level"].clone()))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let march = |as_of: &str| {
        levels(&small_ladder(
            "score-history-march",
            "\"month\"",
            &["--period", "2026-03", "--as-of", as_of],
        ))
    };
    let april = small_ladder(
        "score-history-april",
        "\"month\"",
        &[
            "--period",
            "2026-04",
            "--as-of",
            "2026-03-06",
            "--history",
            "1",
        ],
    );
    assert_eq!(april["sanctions"]["previous_level"], march("2026-03-06"));
    assert_ne!(march("2026-03-06"), march("2026-04-01"));
}

/// A ticket received exactly at `as_of` is counted among the period's tickets (and its week's),
/// as the core counts it (`received_at <= as_of`); it was left out while its dispatch counted.
#[test]
fn a_ticket_received_at_as_of_is_counted() {
    let v = vector("score-small.json");
    let mut args = small_args(&v);
    // A1 is the first ticket, received 2026-03-02 09:00.
    args.extend(["--as-of", "2026-03-02T09:00:00+08:00", "--format", "json"].map(String::from));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(&vectors(), &argv);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["summary"]["tickets"], 1);
    assert_eq!(report["trend"][0]["summary"]["tickets"], 1);
}

/// `--external` and `--adjustments`: the sanmenxia preset's external metrics (实例拨测) and
/// manual 加减分 from CSV or JSON, scored as the bindings score them (each adjustment listed with
/// its reason and approver); rows of another period go to that period of `--history`, and rows
/// of a period not scored are named on stderr; every bad row is a problem with its line.
#[test]
fn external_metrics_and_adjustments_from_files() {
    let dir = scratch("external-files");
    generate(&dir, 20, 30, "csv");
    let unit = "hubin-district";
    std::fs::write(
        dir.join("ext.csv"),
        format!("unit,metric,value\n{unit},mystery_calls,10\n{unit},mystery_passed,9\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("adj.json"),
        format!(
            r#"[{{"unit":"{unit}","metric":"manual_bonus","amount":"1.5","reason":"防汛期间连续值守","approver":"市热线办"}},
               {{"unit":"{unit}","metric":"manual_deduction","amount":2,"reason":"推诿扯皮","approver":"督查科","period":"2025-Q4"}},
               {{"unit":"{unit}","metric":"manual_deduction","amount":1,"reason":"x","approver":"y","period":"2024-Q1"}}]"#
        ),
    )
    .unwrap();
    let file = |n: &str| dir.join(n).display().to_string();
    let (ext, adj) = (file("ext.csv"), file("adj.json"));
    let scored = |extra: &[&str]| {
        let mut args = vec!["--period", "2026-Q1", "--format", "json", "--history", "1"];
        args.extend(extra);
        let o = score_data(&dir, "csv", &args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        (report, stderr(&o))
    };
    let card = |r: &serde_json::Value| {
        r["scores"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["unit"] == unit)
            .unwrap()
            .clone()
    };
    let (plain, _) = scored(&[]);
    let (given, err) = scored(&["--external", &ext, "--adjustments", &adj]);
    let (before, after) = (card(&plain), card(&given));
    assert_eq!(
        after["external"],
        serde_json::json!({"manual_bonus": "1.5", "mystery_calls": "10", "mystery_passed": "9"})
    );
    assert_eq!(after["adjustments"][0]["approver"], "市热线办");
    assert_eq!(after["adjustments"].as_array().unwrap().len(), 1);
    let points = |c: &serde_json::Value, id: &str| {
        c["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["indicator"] == id)
            .unwrap()["points"]
            .clone()
    };
    assert_eq!(points(&after, "manual_bonus"), "1.50");
    assert_ne!(
        points(&after, "mystery_calls"),
        points(&before, "mystery_calls")
    );
    // The 2025-Q4 row went to that period of the history (its scores are not in the report, but
    // its unit's explanation of this period does not list it), the 2024-Q1 row to none.
    assert!(err.contains("2024-Q1 are not used"), "{err}");
    assert!(!err.contains("2025-Q4 are not used"), "{err}");
    let explained = given["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["unit"] == unit)
        .unwrap();
    let bonus = explained["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["indicator"] == "manual_bonus")
        .unwrap();
    assert_eq!(bonus["adjustments"][0]["reason"], "防汛期间连续值守");
    // The table's drill-down lists it too.
    let o = score_data(
        &dir,
        "csv",
        &["--period", "2026-Q1", "--adjustments", &adj, "--unit", unit],
    );
    assert!(
        stdout(&o).contains(
            "Adjustment 人工加减分 manual_bonus +1.5 · 防汛期间连续值守 · approved by 审批 市热线办"
        ),
        "{}",
        stdout(&o)
    );

    // The HTML drill-down lists them, escaped.
    std::fs::write(
        dir.join("html-adj.csv"),
        format!(
            "unit,metric,amount,reason,approver\n{unit},manual_bonus,2,<b>见义勇为</b>,热线办\n"
        ),
    )
    .unwrap();
    let report = dir.join("r.html");
    let o = score_data(
        &dir,
        "csv",
        &[
            "--period",
            "2026-Q1",
            "--adjustments",
            &file("html-adj.csv"),
            "--format",
            "html",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<tr><td>manual_bonus</td><td class=\"num\">+2</td><td>&lt;b&gt;见义勇为&lt;/b&gt;</td><td>热线办</td></tr>"),
        "no adjustments table"
    );

    // Numbers exactly as written, in CSV and in JSON (never through a binary float).
    std::fs::write(
        dir.join("exact.csv"),
        format!("unit,metric,amount,reason,approver\n{unit},manual_bonus,0.12345678901234567890123,r,a\n{unit},manual_bonus,1.50,r,a\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("exact.json"),
        format!(r#"[{{"unit":"{unit}","metric":"manual_bonus","amount":18446744073709551616,"reason":"r","approver":"a"}}]"#),
    )
    .unwrap();
    for (name, amounts) in [
        ("exact.csv", vec!["0.12345678901234567890123", "1.50"]),
        ("exact.json", vec!["18446744073709551616"]),
    ] {
        let (r, _) = scored(&["--adjustments", &file(name)]);
        let listed: Vec<serde_json::Value> = card(&r)["adjustments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["amount"].clone())
            .collect();
        assert_eq!(listed, amounts, "{name}");
    }

    // Bad rows: each a problem with its file and line, in file order.
    std::fs::write(
        dir.join("bad.csv"),
        format!(
            "unit,metric,value\n{unit},mystery_calls,10\nnobody,mystery_calls,1\n\
             {unit},bribes,1\n{unit},mystery_calls,3\n{unit},kb_updates,1.2.3\n"
        ),
    )
    .unwrap();
    // A value for the scored period given without its label and with it is given twice.
    std::fs::write(
        dir.join("twice.csv"),
        format!("unit,metric,value,period\n{unit},praise,1,\n{unit},praise,4,2026-Q1\n"),
    )
    .unwrap();
    let o = score_data(
        &dir,
        "csv",
        &["--period", "2026-Q1", "--external", &file("twice.csv")],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("twice.csv:3: metric `praise` of unit hubin-district is given twice"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.join("bad-adj.csv"),
        format!("unit,metric,amount,reason,approver\n{unit},manual_bonus,1,,x\n"),
    )
    .unwrap();
    let o = score_data(
        &dir,
        "csv",
        &[
            "--period",
            "2026-Q1",
            "--external",
            &file("bad.csv"),
            "--adjustments",
            &file("bad-adj.csv"),
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    for (i, (at, code)) in [
        ("bad-adj.csv:2:", "[invalid_adjustment]"),
        ("bad.csv:3:", "[metrics_for_unknown_unit]"),
        ("bad.csv:4:", "[unknown_external_metric]"),
        ("bad.csv:5:", "[invalid_external]"),
        ("bad.csv:6:", "[invalid_external]"),
    ]
    .into_iter()
    .enumerate()
    {
        let line = lines.get(i).copied().unwrap_or_default();
        assert!(line.contains(at) && line.ends_with(code), "{i}: {err}");
    }
}
