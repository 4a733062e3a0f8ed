//! Runs the language-neutral ticket vectors in `tests/vectors/tickets/`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use hotline_score::Error;
use hotline_score::Unit;
use hotline_score::ticket::{
    Diagnostic, EventRow, Loaded, Mode, Ticket, TicketErrorKind, TicketRow, load_json, load_rows,
};
use serde_json::{Value, json};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/tickets/");

mod golden;
fn read(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{DIR}{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn units_of(case: &Value) -> Option<Vec<Unit>> {
    case.get("units")
        .map(|u| serde_json::from_value(u.clone()).unwrap())
}

/// Loads a case's input (JSON tickets or flat tables).
fn load(case: &Value, mode: Mode) -> Result<Loaded, Error> {
    let units = units_of(case);
    if let Some(tickets) = case.get("tickets") {
        load_json(&tickets.to_string(), units.as_deref(), mode)
    } else {
        load_tables(case, mode)
    }
}

fn load_tables(case: &Value, mode: Mode) -> Result<Loaded, Error> {
    let units = units_of(case);
    let trows: Vec<TicketRow> = serde_json::from_value(case["ticket_rows"].clone()).unwrap();
    let erows: Vec<EventRow> = serde_json::from_value(case["event_rows"].clone()).unwrap();
    load_rows(trows, erows, units.as_deref(), mode)
}

fn error_json(e: &Error) -> Value {
    match e {
        Error::InvalidTicket {
            ticket_id,
            event_index,
            field,
            row,
            ..
        } => json!({"code": e.code(), "ticket_id": ticket_id, "event_index": event_index,
                    "field": field, "row": row}),
        other => json!({"code": other.code(), "ticket_id": null, "event_index": null,
                        "field": null, "row": null}),
    }
}

fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({"code": d.code, "ticket_id": d.ticket_id, "event_index": d.event_index,
           "field": d.field, "row": d.row})
}

#[test]
fn every_rule_has_a_failing_case() {
    let doc = read("errors.json");
    let cases = doc["cases"].as_array().unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let err = match load(case, Mode::Strict) {
            Ok(l) => panic!(
                "{name}: expected an error, loaded {} tickets",
                l.tickets.len()
            ),
            Err(e) => e,
        };
        assert_eq!(error_json(&err), case["expect"], "{name}: {err}");
        // The message names the ticket and the field.
        if let Error::InvalidTicket {
            ticket_id, field, ..
        } = &err
        {
            let msg = err.to_string();
            let who = match ticket_id.as_str() {
                "" => "ticket without an id".to_owned(),
                id => format!("ticket {id:?}"),
            };
            assert!(msg.starts_with(&who), "{name}: {msg}");
            assert!(msg.contains(&format!("`{field}`")), "{name}: {msg}");
        }
        // Lenient mode skips the ticket and reports it (unit-table errors stay errors).
        match load(case, Mode::Lenient) {
            Ok(loaded) => {
                let first = loaded.diagnostics.first().map(diagnostic_json);
                assert_eq!(first.as_ref(), Some(&case["expect"]), "{name}");
            }
            Err(e) => assert!(
                matches!(
                    e,
                    Error::DuplicateUnit { .. } | Error::InvalidUnitRow { .. }
                ),
                "{name}: {e}"
            ),
        }
        codes.insert(case["expect"]["code"].as_str().unwrap().to_owned());
    }
    // Every ticket error kind is exercised (a 10,001-event ticket for `too_many_events`, and
    // `misnamed_column`, which only tables have, are in the error catalog,
    // tests/vectors/errors/), and both units-table errors.
    let kinds = TicketErrorKind::CODES
        .iter()
        .filter(|c| !matches!(**c, "too_many_events" | "misnamed_column"));
    for code in kinds.chain(&["duplicate_unit", "invalid_unit_row"]) {
        assert!(codes.contains(*code), "no vector for {code}");
    }
}

#[test]
fn valid_data_round_trips() {
    let doc = read("valid.json");
    let from_json = load_json(&doc["tickets"].to_string(), None, Mode::Strict).unwrap();
    assert_eq!(from_json.tickets.len(), 4);
    assert!(from_json.diagnostics.is_empty());
    assert_eq!(
        serde_json::to_value(&from_json.tickets).unwrap(),
        doc["tickets"]
    );
    assert_eq!(from_json.tickets[0].events.len(), 31);
    let mut out = golden::Outputs::new(
        "tickets",
        "Rust's JSON of the tickets loaded from tests/vectors/tickets/ (key: the file)",
    );
    out.add(
        "valid.json",
        serde_json::to_string(&from_json.tickets).unwrap(),
    );
    out.check();

    // serde and load_json agree.
    let via_serde: Vec<Ticket> = serde_json::from_value(doc["tickets"].clone()).unwrap();
    assert_eq!(via_serde, from_json.tickets);

    // The flat tables give the same tickets.
    let from_rows = load_tables(&doc, Mode::Strict).unwrap();
    assert_eq!(from_rows.tickets, from_json.tickets);

    // Ticket::to_rows and back.
    let mut t_rows = Vec::new();
    let mut e_rows = Vec::new();
    for t in &from_json.tickets {
        let (tr, ers) = t.to_rows();
        t_rows.push(tr);
        e_rows.extend(ers);
    }
    let again = load_rows(t_rows, e_rows, None, Mode::Strict).unwrap();
    assert_eq!(again.tickets, from_json.tickets);
}

#[test]
fn lenient_reports_every_skip() {
    let doc = read("lenient.json");
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let loaded = load(case, Mode::Lenient).unwrap();
        let ids: Vec<&str> = loaded.tickets.iter().map(|t| t.id.as_str()).collect();
        let expected: Vec<&str> = case["expect_ticket_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(ids, expected, "{name}");
        let diags: Vec<Value> = loaded.diagnostics.iter().map(diagnostic_json).collect();
        assert_eq!(Value::Array(diags), case["expect_diagnostics"], "{name}");
        for d in &loaded.diagnostics {
            assert!(!d.message.is_empty());
        }
        let strict = load(case, Mode::Strict).unwrap_err();
        assert_eq!(error_json(&strict), case["expect_diagnostics"][0], "{name}");
    }
}
