//! Malformed data files: a quoted cell never closed, Windows (`\r\n`) and old Mac (`\r`) line
//! ends, rows with the wrong number of cells and JSON rows of the wrong shape. Each problem is
//! placed on its own line; in lenient mode the ticket of a bad row is skipped whole, exactly as
//! if it had never been in the files, and nothing else is lost.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

use common::*;

const TICKETS: &str = "ticket_id,kind,received_at\n\
     T1,help,2026-03-02T09:00:00+08:00\n\
     T2,help,2026-03-02T09:00:00+08:00\n";
const UNITS: &str = "unit,group,name\nu1,counties,A\n";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `score` of `tickets` and `events` in `dir` (with the units table), JSON out.
fn score(dir: &Path, tickets: &str, events: &str, lenient: bool) -> std::process::Output {
    score_with(dir, tickets, events, lenient, &[])
}

/// [`score`] with `extra` arguments.
fn score_with(
    dir: &Path,
    tickets: &str,
    events: &str,
    lenient: bool,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "score",
        "--tickets",
        tickets,
        "--events",
        events,
        "--units",
        "units.csv",
        "--as-of",
        "2026-03-31",
        "--format",
        "json",
    ];
    if lenient {
        args.push("--lenient");
    }
    args.extend(extra);
    run_in(dir, &args)
}

#[test]
fn a_quoted_cell_never_closed_is_an_error_on_its_line() {
    let dir = scratch("unclosed-quote");
    write(&dir, "tickets.csv", TICKETS);
    write(&dir, "units.csv", UNITS);
    // Without the check, the quote took in the row after it (whose type is bad) and the run
    // succeeded on what was left.
    write(
        &dir,
        "events.csv",
        "ticket_id,at,type,unit,event_id\n\
         T1,2026-03-02T09:20:00+08:00,dispatched,u1,\"E1\n\
         T1,2026-03-02T09:25:00+08:00,bogus,u1,E2\n",
    );
    for lenient in [false, true] {
        let o = score(&dir, "tickets.csv", "events.csv", lenient);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("events.csv:2: the quoted cell opened on line 2 is never closed"),
            "{}",
            stderr(&o)
        );
    }
    let o = run_in(&dir, &["check", "tickets.csv", "events.csv", "units.csv"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("events.csv:2: the quoted cell"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn problems_after_windows_and_mac_line_ends_are_on_their_own_lines() {
    let dir = scratch("line-ends");
    // T1's channel is a quoted cell holding a line end: with `\r` alone it was not counted,
    // and T2's problem was placed on line 3 (a data audit).
    let tickets = "ticket_id,kind,received_at,channel\n\
         T1,help,2026-03-02T09:00:00+08:00,\"web\nform\"\n\
         T2,hlp,2026-03-02T09:00:00+08:00,phone\n";
    let events = "ticket_id,at,type,unit\n\
         T1,2026-03-02T09:20:00+08:00,dispatched,u1\n\
         T2,2026-03-02T09:20:00+08:00,dispatched,u1\n";
    for (name, end) in [("crlf", "\r\n"), ("cr", "\r"), ("lf", "\n")] {
        write(&dir, &format!("t-{name}.csv"), &tickets.replace('\n', end));
        write(&dir, &format!("e-{name}.csv"), &events.replace('\n', end));
        let (t, e) = (format!("t-{name}.csv"), format!("e-{name}.csv"));
        let o = run_in(&dir, &["check", &t, &e]);
        assert_eq!(code(&o), 1);
        assert!(
            stdout(&o).starts_with(&format!("{t}:4:4: ticket \"T2\", field `kind`")),
            "{name}: {}",
            stdout(&o)
        );
    }
}

/// Lenient `score` of the files, and of the same data without ticket T1 at all: the same
/// scores, summary and trend, and one problem.
fn skipped_like_never_there(dir: &Path, tickets: &str, events: &str, without_t1: (&str, &str)) {
    let o = score(dir, tickets, events, true);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let clean = score(dir, without_t1.0, without_t1.1, false);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    let (got, want): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&stdout(&o)).unwrap(),
        serde_json::from_str(&stdout(&clean)).unwrap(),
    );
    for key in ["scores", "summary", "trend"] {
        assert!(got[key] == want[key], "{key} differs; {}", stderr(&o));
    }
    assert_eq!(got["problems"].as_array().map(Vec::len), Some(1));
    // The ticket is a field of the problem, not only words of its message.
    assert_eq!(got["problems"][0]["ticket_id"], "T1", "{}", got["problems"]);
    assert!(
        stderr(&o).contains("1 problem(s) in the data"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lenient_mode_skips_the_ticket_of_a_row_with_the_wrong_number_of_cells() {
    let dir = scratch("ragged");
    write(&dir, "units.csv", UNITS);
    write(&dir, "tickets.csv", TICKETS);
    write(
        &dir,
        "only-t2.csv",
        "ticket_id,kind,received_at\nT2,help,2026-03-02T09:00:00+08:00\n",
    );
    let t2_events = "T2,2026-03-02T09:20:00+08:00,dispatched,u1\n";
    write(
        &dir,
        "events.csv",
        &format!(
            "ticket_id,at,type,unit\n\
             T1,2026-03-02T09:20:00+08:00,dispatched,u1\n\
             T1,2026-03-02T09:25:00+08:00,signed,u1\n\
             T1,2026-03-03T09:25:00+08:00,closed\n{t2_events}"
        ),
    );
    write(
        &dir,
        "t2-events.csv",
        &format!("ticket_id,at,type,unit\n{t2_events}"),
    );
    skipped_like_never_there(
        &dir,
        "tickets.csv",
        "events.csv",
        ("only-t2.csv", "t2-events.csv"),
    );
    let o = score(&dir, "tickets.csv", "events.csv", true);
    assert!(
        stderr(&o).contains(
            "events.csv:4: this row has 3 fields, the header has 4 (a cell holding a comma must \
             be quoted: \"a, b\"); ticket T1 is skipped"
        ),
        "{}",
        stderr(&o)
    );
    // A tickets row with too few cells: its events go with it (no orphan rows reported).
    write(
        &dir,
        "short-t1.csv",
        "ticket_id,kind,received_at\nT1,help\nT2,help,2026-03-02T09:00:00+08:00\n",
    );
    write(
        &dir,
        "t1-events.csv",
        &format!("ticket_id,at,type,unit\nT1,2026-03-02T09:20:00+08:00,dispatched,u1\n{t2_events}"),
    );
    skipped_like_never_there(
        &dir,
        "short-t1.csv",
        "t1-events.csv",
        ("only-t2.csv", "t2-events.csv"),
    );
}

/// A platform's export has columns the engine does not read: `--ignore-column` leaves them out
/// of each table that does not read them (CSV and JSON), giving the report of the tables
/// without them; without it the events table refuses them, saying how to leave them out.
/// `ticket_id`, read by both tables, cannot be left out.
#[test]
fn ignore_column_leaves_an_exports_other_columns_out() {
    let dir = scratch("ignore-column");
    write(&dir, "units.csv", UNITS);
    write(&dir, "tickets.csv", TICKETS);
    let events = "T1,2026-03-02T09:20:00+08:00,dispatched,u1\n\
                  T1,2026-03-02T09:25:00+08:00,signed,u1\n\
                  T2,2026-03-02T09:20:00+08:00,dispatched,u1\n";
    write(
        &dir,
        "events.csv",
        &format!("ticket_id,at,type,unit\n{events}"),
    );
    let export_events: String = events
        .lines()
        .map(|l| format!("{l},张三,\"已办理, 已回复\"\n"))
        .collect();
    write(
        &dir,
        "export-events.csv",
        &format!("ticket_id,at,type,unit,handler,opinion\n{export_events}"),
    );
    write(
        &dir,
        "export-tickets.csv",
        &TICKETS
            .replace("received_at\n", "received_at,caller_phone\n")
            .replace("+08:00\n", "+08:00,13800000000\n"),
    );
    let clean = score(&dir, "tickets.csv", "events.csv", false);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    let refused = score(&dir, "export-tickets.csv", "export-events.csv", false);
    assert_eq!(code(&refused), 1);
    assert!(
        stderr(&refused).contains("unknown events column `handler`")
            && stderr(&refused).contains("(or leave it out: --ignore-column handler)"),
        "{}",
        stderr(&refused)
    );
    let ignore = [
        "--ignore-column",
        "handler",
        "--ignore-column",
        "opinion",
        "--ignore-column",
        "caller_phone",
    ];
    let o = score_with(
        &dir,
        "export-tickets.csv",
        "export-events.csv",
        false,
        &ignore,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (got, want): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&stdout(&o)).unwrap(),
        serde_json::from_str(&stdout(&clean)).unwrap(),
    );
    for key in ["scores", "explanations", "summary", "problems"] {
        assert!(got[key] == want[key], "{key} differs");
    }
    // JSON tables alike, strict and lenient.
    let rows = |text: &str| {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<serde_json::Value> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                serde_json::Value::Object(
                    header
                        .iter()
                        .zip(r.iter())
                        .map(|(k, v)| (k.to_owned(), serde_json::Value::from(v)))
                        .collect(),
                )
            })
            .collect();
        serde_json::to_string(&rows).unwrap()
    };
    let tickets_csv = std::fs::read_to_string(dir.join("export-tickets.csv")).unwrap();
    let events_csv = std::fs::read_to_string(dir.join("export-events.csv")).unwrap();
    write(&dir, "export-tickets.json", &rows(&tickets_csv));
    write(&dir, "export-events.json", &rows(&events_csv));
    for lenient in [false, true] {
        let o = score_with(
            &dir,
            "export-tickets.json",
            "export-events.json",
            lenient,
            &ignore,
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let got: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        for key in ["scores", "explanations", "summary", "problems"] {
            assert!(got[key] == want[key], "{key} differs (lenient: {lenient})");
        }
    }
    // A JSON events row's extra key: the message says how to leave it out.
    let o = score(&dir, "export-tickets.json", "export-events.json", false);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("unknown field `handler`")
            && stderr(&o).contains("(or leave it out: --ignore-column handler)"),
        "{}",
        stderr(&o)
    );
    // A column one table reads is left out of the other only: an events export carrying the
    // ticket's `kind` (and a header named with a space, quoted in the hint, twice).
    let with_kind: String = events.lines().map(|l| format!("{l},help,x,y\n")).collect();
    write(
        &dir,
        "kind-events.csv",
        &format!("ticket_id,at,type,unit,kind,Handler Name,Handler Name\n{with_kind}"),
    );
    let o = score(&dir, "tickets.csv", "kind-events.csv", false);
    assert!(
        stderr(&o).contains("(or leave it out: --ignore-column kind)")
            && stderr(&o).contains("(or leave it out: --ignore-column 'Handler Name')"),
        "{}",
        stderr(&o)
    );
    let leave = ["--ignore-column", "kind", "--ignore-column", "Handler Name"];
    let o = score_with(&dir, "tickets.csv", "kind-events.csv", false, &leave);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        got["scores"] == want["scores"],
        "the tickets' kind is still read"
    );
    // `ticket_id` is read by both tables: it cannot be left out.
    let o = score_with(
        &dir,
        "tickets.csv",
        "events.csv",
        false,
        &["--ignore-column", " ticket_id"],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("`ticket_id` is a column the engine reads in both tables"),
        "{}",
        stderr(&o)
    );
}

/// A JSON table's whole-number ids (a database's integer keys) are read as their digits: the
/// same report as with the ids written as strings; a fraction is not an id.
#[test]
fn json_rows_read_whole_number_ids_as_their_digits() {
    let dir = scratch("json-integer-ids");
    write(&dir, "units.csv", "unit,group,name\n12,counties,A\n");
    let tables = |id: &str, unit: &str| {
        let ticket = format!(
            r#"[{{"ticket_id":{id},"kind":"help","received_at":"2026-03-02T09:00:00+08:00"}}]"#
        );
        let events = format!(
            r#"[{{"ticket_id":{id},"at":"2026-03-02T09:20:00+08:00","type":"dispatched","unit":{unit},"event_id":31}},
{{"ticket_id":{id},"at":"2026-03-02T09:25:00+08:00","type":"signed","unit":{unit}}}]"#
        );
        (ticket, events)
    };
    let (t, e) = tables("7", "12");
    write(&dir, "numbers.json", &t);
    write(&dir, "number-events.json", &e);
    let (t, e) = tables(r#""7""#, r#""12""#);
    write(&dir, "strings.json", &t);
    write(&dir, "string-events.json", &e.replace("31", r#""31""#));
    let numbers = score(&dir, "numbers.json", "number-events.json", false);
    assert_eq!(code(&numbers), 0, "{}", stderr(&numbers));
    let lenient = score(&dir, "numbers.json", "number-events.json", true);
    assert_eq!(stdout(&lenient), stdout(&numbers), "{}", stderr(&lenient));
    let strings = score(&dir, "strings.json", "string-events.json", false);
    assert_eq!(code(&strings), 0, "{}", stderr(&strings));
    let (got, want): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&stdout(&numbers)).unwrap(),
        serde_json::from_str(&stdout(&strings)).unwrap(),
    );
    for key in ["scores", "explanations", "summary", "problems"] {
        assert!(got[key] == want[key], "{key} differs");
    }
    assert_eq!(got["scores"]["units"][0]["unit"], "12");
    assert_eq!(got["explanations"][0]["components"][3]["tickets"][0], "7");
    // A fraction is not an id: strict mode stops at its row, lenient mode skips its ticket.
    write(&dir, "fraction.json", &tables("7.5", "12").0);
    let o = score(&dir, "fraction.json", "number-events.json", false);
    assert_eq!(code(&o), 1);
    let refused = "fraction.json:1:17: invalid type: floating point `7.5`, expected a string";
    assert!(stderr(&o).contains(refused), "{}", stderr(&o));
    let o = score(&dir, "fraction.json", "number-events.json", true);
    assert!(stderr(&o).contains(refused), "{}", stderr(&o));
}

#[test]
fn lenient_mode_skips_the_ticket_of_a_json_row_of_the_wrong_shape() {
    let dir = scratch("json-rows");
    write(&dir, "units.csv", UNITS);
    let ticket = |id: &str| {
        format!(r#"{{"ticket_id":"{id}","kind":"help","received_at":"2026-03-02T09:00:00+08:00"}}"#)
    };
    let event = |id: &str, ty: &str, extra: &str| {
        format!(
            r#"{{"ticket_id":"{id}","at":"2026-03-02T09:2{}:00+08:00","type":"{ty}","unit":"u1"{extra}}}"#,
            if ty == "dispatched" { 0 } else { 5 }
        )
    };
    write(
        &dir,
        "tickets.json",
        &format!("[{},\n{}]", ticket("T1"), ticket("T2")),
    );
    write(&dir, "only-t2.json", &format!("[{}]", ticket("T2")));
    let t2 = [event("T2", "dispatched", ""), event("T2", "signed", "")];
    write(
        &dir,
        "events.json",
        &format!(
            "[{},\n{},\n{}]",
            event("T1", "dispatched", ""),
            event("T1", "signed", r#","note":"x""#),
            t2.join(",\n")
        ),
    );
    write(&dir, "t2-events.json", &format!("[{}]", t2.join(",\n")));
    skipped_like_never_there(
        &dir,
        "tickets.json",
        "events.json",
        ("only-t2.json", "t2-events.json"),
    );
    let o = score(&dir, "tickets.json", "events.json", true);
    assert!(
        stderr(&o).contains("events.json:2:85: unknown field `note`"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("; ticket T1 is skipped"),
        "{}",
        stderr(&o)
    );
    // Strict mode stops at the row, placed where serde stopped in it (the key's last byte).
    let o = score(&dir, "tickets.json", "events.json", false);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("events.json:2:85: unknown field `note`"),
        "{}",
        stderr(&o)
    );
    // A row whose ids were rewritten (an integer ticket_id) is placed at its start.
    write(
        &dir,
        "integer-events.json",
        &format!(
            "[{},\n  {}]",
            event("T2", "dispatched", ""),
            event("T2", "signed", r#","note":"x""#).replace(r#""T2""#, "2")
        ),
    );
    let o = score(&dir, "tickets.json", "integer-events.json", false);
    assert!(
        stderr(&o).contains("integer-events.json:2:3: unknown field `note`"),
        "{}",
        stderr(&o)
    );
}

/// A JSON events row whose ticket cannot be told (not an object; a `ticket_id` that is no id)
/// is one problem saying so, and lenient mode leaves out that row alone: the result is that of
/// the file without it (not a second problem for a row without a ticket).
#[test]
fn lenient_mode_skips_a_json_row_whose_ticket_cannot_be_told_alone() {
    let dir = scratch("json-row-without-ticket");
    write(&dir, "units.csv", UNITS);
    write(
        &dir,
        "tickets.json",
        r#"[{"ticket_id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00"}]"#,
    );
    let dispatched =
        r#"{"ticket_id":"T1","at":"2026-03-02T09:20:00+08:00","type":"dispatched","unit":"u1"}"#;
    let signed =
        r#"{"ticket_id":"T1","at":"2026-03-02T10:25:00+08:00","type":"signed","unit":"u1"}"#;
    write(&dir, "clean.json", &format!("[{dispatched},\n{signed}]"));
    for (name, bad) in [
        ("number.json", "42"),
        (
            "boolean-id.json",
            r#"{"ticket_id":true,"at":"2026-03-02T09:30:00+08:00"}"#,
        ),
    ] {
        write(&dir, name, &format!("[{dispatched},\n{bad},\n{signed}]"));
        let o = score(&dir, "tickets.json", name, true);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let clean = score(&dir, "tickets.json", "clean.json", false);
        let (got, want): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(&stdout(&o)).unwrap(),
            serde_json::from_str(&stdout(&clean)).unwrap(),
        );
        for key in ["scores", "summary", "trend"] {
            assert!(
                got[key] == want[key],
                "{name}: {key} differs; {}",
                stderr(&o)
            );
        }
        let problems = got["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{name}: {problems:?}");
        let message = problems[0]["message"].as_str().unwrap();
        assert!(
            message.ends_with("; its ticket cannot be told: this row alone is skipped"),
            "{name}: {message}"
        );
        assert_eq!(problems[0]["line"], 2, "{name}");
        // Strict mode stops at the row.
        let o = score(&dir, "tickets.json", name, false);
        assert_eq!(code(&o), 1, "{name}");
        assert!(stderr(&o).contains(&format!("{name}:2:")), "{}", stderr(&o));
    }
}

/// Whole tickets (each with its `events`) given with `--events` are a usage error that says to
/// give the file alone, as the tickets table or as the events table (it was a type error at
/// the first event: "invalid type: map, expected a string").
#[test]
fn whole_tickets_given_with_an_events_table_are_refused_saying_so() {
    let dir = scratch("whole-with-events");
    write(&dir, "units.csv", UNITS);
    write(&dir, "tickets.csv", TICKETS);
    write(
        &dir,
        "whole.json",
        r#"[{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00",
  "events":[{"at":"2026-03-02T09:20:00+08:00","type":"dispatched","unit":"u1"}]}]"#,
    );
    write(
        &dir,
        "events.csv",
        "ticket_id,at,type,unit\nT1,2026-03-02T09:20:00+08:00,dispatched,u1\n",
    );
    for (tickets, events, role) in [
        ("whole.json", "events.csv", "tickets"),
        ("tickets.csv", "whole.json", "events"),
    ] {
        let o = score(&dir, tickets, events, false);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "whole.json holds whole tickets with their `events`, not {role} rows: give it alone"
            )),
            "{}",
            stderr(&o)
        );
    }
    let o = run_in(
        &dir,
        &[
            "score",
            "--tickets",
            "whole.json",
            "--units",
            "units.csv",
            "--as-of",
            "2026-03-31",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// A JSON row is placed at the value that does not read: an array or object where text is due
/// at its opening bracket (serde stops before it), a number no JSON reader holds (`1e400`) at
/// its last digit, and such a row still names its ticket, which lenient mode skips whole.
#[test]
fn json_rows_are_placed_at_the_value_and_name_their_ticket() {
    let dir = scratch("json-row-places");
    write(&dir, "units.csv", UNITS);
    write(&dir, "tickets.csv", TICKETS);
    let row = |extra: &str| {
        format!(
            r#"{{"ticket_id":"T1","at":"2026-03-02T09:20:00+08:00","type":"dispatched","unit":"u1"{extra}}}"#
        )
    };
    for (name, extra, column) in [
        ("array.json", r#","role":  ["lead"]"#, 93),
        ("object.json", ",\"reason\":\n  {\"x\":1}", 3),
        ("huge.json", r#","amount":1e400"#, 97),
    ] {
        write(&dir, name, &format!("[\n{}]", row(extra)));
        let o = score(&dir, "tickets.csv", name, true);
        let problems: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let p = &problems["problems"][0];
        assert_eq!(p["column"], column, "{name}: {p}");
        assert_eq!(p["ticket_id"], "T1", "{name}: {p}");
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .ends_with("; ticket T1 is skipped"),
            "{name}: {p}"
        );
    }
}

/// A tickets table's attribute column may be named `events`: its rows are rows, not whole
/// tickets (the check for whole tickets given with `--events` looks for an `events` array in
/// an element without `ticket_id`).
#[test]
fn a_tickets_row_with_an_events_attribute_is_a_row() {
    let dir = scratch("events-attribute");
    write(&dir, "units.csv", UNITS);
    write(
        &dir,
        "tickets.json",
        r#"[{"ticket_id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00","events":"3"}]"#,
    );
    write(
        &dir,
        "events.csv",
        "ticket_id,at,type,unit\nT1,2026-03-02T09:20:00+08:00,dispatched,u1\n",
    );
    let o = score(&dir, "tickets.json", "events.csv", false);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn header_names_with_spaces_around_them_read_the_same_in_every_table() {
    // Excel users leave spaces after header names; the tickets and events tables read them,
    // and so does the units table (its rows were refused with "unknown field `unit `").
    let dir = scratch("spaced-headers");
    write(&dir, "tickets.csv", TICKETS);
    let events = "ticket_id,at,type,unit\n\
         T1,2026-03-02T09:20:00+08:00,dispatched,u1\n\
         T2,2026-03-02T09:20:00+08:00,dispatched,u1\n";
    write(&dir, "events.csv", events);
    write(&dir, "units.csv", UNITS);
    let want = score(&dir, "tickets.csv", "events.csv", false);
    assert_eq!(code(&want), 0, "{}", stderr(&want));
    write(&dir, "units.csv", "unit ,group , name \nu1,counties,A\n");
    let got = score(&dir, "tickets.csv", "events.csv", false);
    assert_eq!(code(&got), 0, "{}", stderr(&got));
    assert_eq!(stdout(&got), stdout(&want));
}

#[test]
fn a_tickets_column_named_almost_like_a_fixed_one_is_refused_at_its_cell() {
    // `Urgency` used to become an attribute: every urgent ticket scored as normal, silently. It
    // is the header's problem, once (it was every ticket's, one line each).
    let dir = scratch("misnamed-column");
    write(
        &dir,
        "tickets.csv",
        "ticket_id,kind,Urgency,received_at\nT1,help,urgent,2026-03-02T09:00:00+08:00\n",
    );
    write(
        &dir,
        "events.csv",
        "ticket_id,at,type,unit\nT1,2026-03-02T09:20:00+08:00,dispatched,u1\n",
    );
    write(&dir, "units.csv", UNITS);
    let o = score(&dir, "tickets.csv", "events.csv", false);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("tickets.csv:1:16: field `Urgency`: this column looks like `urgency`")
            && stderr(&o).contains("[misnamed_column]"),
        "{}",
        stderr(&o)
    );
    // A required column written another way leaves it missing: the header's problem names the
    // look-alike at its cell (CSV); a JSON row's key is the row's misnamed column, not a
    // missing `received_at`.
    write(
        &dir,
        "spaced.csv",
        "ticket_id,kind,Received At\nT1,help,2026-03-02T09:00:00+08:00\n",
    );
    let o = score(&dir, "spaced.csv", "events.csv", false);
    assert!(
        stderr(&o).contains(
            "spaced.csv:1:16: the header has no `received_at` column (`Received At` looks like it: rename it) [missing_column]"
        ),
        "{}",
        stderr(&o)
    );
    write(
        &dir,
        "spaced.json",
        r#"[{"ticket_id":"T1","kind":"help","Received At":"2026-03-02T09:00:00+08:00"}]"#,
    );
    let o = score(&dir, "spaced.json", "events.csv", false);
    assert!(
        stderr(&o).contains("spaced.json:1:48: ticket \"T1\" (row 0), field `Received At`")
            && stderr(&o).contains("[misnamed_column]"),
        "{}",
        stderr(&o)
    );
}

/// A lenient run's problems in JSON carry the ticket, the event's index and the field as
/// fields, as the bindings' diagnostics do, not only in the message (a data audit).
#[test]
fn json_problems_name_the_ticket_event_and_field() {
    let dir = scratch("problem-fields");
    write(&dir, "tickets.csv", TICKETS);
    write(&dir, "units.csv", UNITS);
    write(
        &dir,
        "events.csv",
        "ticket_id,at,type,unit\n\
         T1,2026-03-02T09:20:00+08:00,dispatched,u1\n\
         T1,2026-03-02T09:25:00+08:00,signed,nowhere\n",
    );
    let o = score(&dir, "tickets.csv", "events.csv", true);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let p = &got["problems"][0];
    assert_eq!(
        (&p["ticket_id"], &p["event_index"], &p["field"], &p["line"]),
        (&"T1".into(), &1.into(), &"unit".into(), &3.into()),
        "{p}"
    );
}
