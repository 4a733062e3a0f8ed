//! Row objects (`Tickets.fromRows`) whose cells the core's row types cannot hold:
//! a value of the wrong JavaScript type in a column (a number in a text column other than an
//! id, a fraction in an id column, an object where a timestamp goes). Such a cell is the ticket's problem, as it is in `fromObjects`: a
//! `malformed_value` naming the ticket, the event (its index within the ticket), the field and
//! the row, and lenient loading skips that ticket with a diagnostic in report order.

use std::collections::{HashMap, HashSet};

use hotline_score::Error as CoreError;
use hotline_score::ticket::{
    Assembler, Diagnostic, EventRow, Loaded, Mode, TicketErrorKind, TicketRow, id_text,
    rows_ids_as_text,
};
use serde_json::Value;

use crate::errors::{Fallible, bad_arg};

/// What a column holds (as the core's row types read it).
#[derive(Clone, Copy)]
enum Cell {
    /// Text only (enumerations, attributes).
    Text,
    /// Text, or a whole number, which [`rows_ids_as_text`] has written as its digits
    /// (`ticket_id`, `unit`, `event_id`).
    Id,
    /// Text, a boolean or a number (instants, booleans).
    Scalar,
}

/// The kind of a tickets-table column.
fn ticket_cell(column: &str) -> Cell {
    match column {
        "received_at" => Cell::Scalar,
        "ticket_id" => Cell::Id,
        _ => Cell::Text,
    }
}

/// The kind of an events-table column (`None`: not a column of the table).
fn event_cell(column: &str) -> Option<Cell> {
    match column {
        "at" | "accepted" | "approved" | "passed" | "resolved" => Some(Cell::Scalar),
        "ticket_id" | "unit" | "event_id" => Some(Cell::Id),
        c if EventRow::COLUMNS.contains(&c) => Some(Cell::Text),
        _ => None,
    }
}

/// The core's `malformed_value` for `v` where `expected` was expected.
fn wrong(expected: &str, v: &Value) -> TicketErrorKind {
    TicketErrorKind::wrong_json(expected, v)
}

/// The problem of a cell of kind `cell` holding `v`, if it has one.
fn cell_problem(cell: Cell, v: &Value) -> Option<TicketErrorKind> {
    match (cell, v) {
        (_, Value::Null | Value::String(_)) | (Cell::Scalar, Value::Bool(_) | Value::Number(_)) => {
            None
        }
        (Cell::Text, _) => Some(wrong("a string", v)),
        (Cell::Id, _) => Some(wrong("a string or a whole number", v)),
        (Cell::Scalar, _) => Some(wrong("a string, boolean or number", v)),
    }
}

/// The ticket error the core would give.
fn problem(
    ticket_id: &str,
    event_index: Option<usize>,
    field: String,
    row: Option<usize>,
    kind: TicketErrorKind,
) -> CoreError {
    CoreError::InvalidTicket {
        ticket_id: ticket_id.to_owned(),
        event_index,
        field,
        row,
        kind: Box::new(kind),
    }
}

/// The ticket id of a row object, when it has one (a whole number as its digits).
fn id_of(v: &Value) -> String {
    v.get("ticket_id").and_then(id_text).unwrap_or_default()
}

/// The first cell of a tickets-table row object that no `TicketRow` can hold, as the ticket's
/// error (`row`: the row's position, when it is in a table).
pub fn ticket_problem(v: &Value, row: Option<usize>) -> Option<CoreError> {
    let Value::Object(map) = v else {
        return Some(problem(
            "",
            None,
            String::new(),
            row,
            wrong("a JSON object (a ticket row)", v),
        ));
    };
    map.iter().find_map(|(column, value)| {
        let kind = cell_problem(ticket_cell(column), value)?;
        let field = if TicketRow::COLUMNS.contains(&column.as_str()) {
            column.clone()
        } else {
            format!("attributes.{column}")
        };
        Some(problem(&id_of(v), None, field, row, kind))
    })
}

/// The first cell of an events-table row object that no `EventRow` can hold, as the error of
/// event `index` of ticket `ticket_id` (unknown columns are left to serde: a table error).
pub fn event_problem(
    ticket_id: &str,
    index: usize,
    v: &Value,
    row: Option<usize>,
) -> Option<CoreError> {
    let Value::Object(map) = v else {
        return Some(problem(
            ticket_id,
            Some(index),
            String::new(),
            row,
            wrong("a JSON object (an event)", v),
        ));
    };
    map.iter().find_map(|(column, value)| {
        let kind = cell_problem(event_cell(column)?, value)?;
        Some(problem(ticket_id, Some(index), column.clone(), row, kind))
    })
}

/// A row object as `T` (a table error, naming `table[i]`, when serde refuses it otherwise).
fn typed<T: serde::de::DeserializeOwned>(table: &str, i: usize, v: Value) -> Fallible<T> {
    serde_json::from_value(v).map_err(|e| bad_arg(table, format!("`{table}[{i}]`: {e}")))
}

/// A table's rows, each read or refused as its ticket's problem.
type Read<T> = Vec<Result<T, (String, CoreError)>>;

/// Reads the tickets table's rows one by one (the slow path, after the typed read failed).
fn ticket_rows(text: &str) -> Fallible<Read<TicketRow>> {
    let values: Vec<Value> =
        serde_json::from_str(text).map_err(|e| bad_arg("tickets", format!("`tickets`: {e}")))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, mut v)| {
            rows_ids_as_text(&mut v, &TicketRow::ID_COLUMNS);
            match ticket_problem(&v, Some(i)) {
                Some(e) => Ok(Err((id_of(&v), e))),
                None => typed("tickets", i, v).map(Ok),
            }
        })
        .collect()
}

/// Reads the events table's rows one by one (the slow path, after the typed read failed).
fn event_rows(text: &str) -> Fallible<Read<EventRow>> {
    let values: Vec<Value> =
        serde_json::from_str(text).map_err(|e| bad_arg("events", format!("`events`: {e}")))?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    values
        .into_iter()
        .enumerate()
        .map(|(i, mut v)| {
            rows_ids_as_text(&mut v, &EventRow::ID_COLUMNS);
            let id = id_of(&v);
            let count = seen.entry(id.clone()).or_insert(0);
            let index = *count;
            *count = count.saturating_add(1);
            match event_problem(&id, index, &v, Some(i)) {
                Some(e) => Ok(Err((id, e))),
                None => typed("events", i, v).map(Ok),
            }
        })
        .collect()
}

/// Where a problem comes in report order: tickets in tickets-table order, then orphan event
/// groups (`first`: each ticket id's first tickets-table row).
fn order(first: &HashMap<String, usize>, e: &CoreError) -> usize {
    let ctx = e.context();
    if e.code() == "unknown_ticket" {
        return usize::MAX;
    }
    match (ctx.event_index, ctx.row) {
        (None, Some(row)) => row,
        _ => ctx
            .ticket_id
            .and_then(|id| first.get(&id).copied())
            .unwrap_or(usize::MAX),
    }
}

/// [`order`] of a diagnostic.
fn diagnostic_order(first: &HashMap<String, usize>, d: &Diagnostic) -> usize {
    if d.code == "unknown_ticket" {
        return usize::MAX;
    }
    match (d.event_index, d.row) {
        (None, Some(row)) => row,
        _ => first.get(&d.ticket_id).copied().unwrap_or(usize::MAX),
    }
}

/// Loads the tables (JSON arrays of row objects) with `assembler`: typed at once, or, when a
/// row does not read, row by row (whole-number ids as their digits), each unreadable row its
/// ticket's problem.
pub fn load(assembler: Assembler, mode: Mode, tickets: &str, events: &str) -> Fallible<Loaded> {
    let typed_tickets = serde_json::from_str::<Vec<TicketRow>>(tickets);
    let typed_events = serde_json::from_str::<Vec<EventRow>>(events);
    match (typed_tickets, typed_events) {
        (Ok(t), Ok(e)) => Ok(assembler.load_rows(t, &e)?),
        (t, e) => {
            let t = match t {
                Ok(rows) => rows.into_iter().map(Ok).collect(),
                Err(_) => ticket_rows(tickets)?,
            };
            let e = match e {
                Ok(rows) => rows.into_iter().map(Ok).collect(),
                Err(_) => event_rows(events)?,
            };
            load_read(assembler, mode, t, e)
        }
    }
}

/// Loads rows some of which did not read (see [`load`]).
fn load_read(
    mut asm: Assembler,
    mode: Mode,
    tickets: Read<TicketRow>,
    events: Read<EventRow>,
) -> Fallible<Loaded> {
    let mut first: HashMap<String, usize> = HashMap::new();
    // The binding's problems, one per ticket (its first), with their places in report order.
    let mut bad: Vec<(usize, CoreError)> = Vec::new();
    let mut reported: HashSet<String> = HashSet::new();
    for (i, row) in tickets.into_iter().enumerate() {
        match row {
            Ok(row) => {
                first.entry(row.ticket_id.clone()).or_insert(i);
                asm.add_ticket(row);
            }
            Err((id, e)) => {
                asm.add_unreadable_ticket(&id);
                if !id.is_empty() {
                    first.entry(id.clone()).or_insert(i);
                }
                reported.insert(id);
                bad.push((i, e));
            }
        }
    }
    for row in events {
        match row {
            Ok(row) => asm.add_event(&row),
            Err((id, e)) if id.is_empty() => {
                // A row of no ticket (not an object, or no id beside its unreadable cell):
                // it keeps its number and is reported as the binding's own, among the
                // orphan rows' problems (as the CLI's JSON reader does).
                asm.add_unreadable_event();
                bad.push((usize::MAX, e));
            }
            Err((id, e)) => {
                asm.skip_ticket(&id);
                // The row still counts: as an event of the skipped ticket, or an orphan row
                // (reported by the core as the orphan group's).
                asm.add_event(&EventRow {
                    ticket_id: id.clone(),
                    ..EventRow::default()
                });
                if let Some(&at) = first.get(&id)
                    && reported.insert(id)
                {
                    bad.push((at, e));
                }
            }
        }
    }
    bad.sort_by_key(|(at, _)| *at);
    match mode {
        Mode::Lenient => {
            let mut loaded = asm.finish()?;
            let mut all: Vec<(usize, Diagnostic)> = loaded
                .diagnostics
                .drain(..)
                .map(|d| (diagnostic_order(&first, &d), d))
                .collect();
            all.extend(bad.iter().map(|(at, e)| (*at, Diagnostic::from(e))));
            all.sort_by_key(|(at, _)| *at);
            loaded.diagnostics = all.into_iter().map(|(_, d)| d).collect();
            Ok(loaded)
        }
        Mode::Strict => {
            let own = bad.into_iter().next();
            match (asm.finish(), own) {
                (Err(core), Some((at, e))) if at < order(&first, &core) => Err(e.into()),
                (Err(core), _) => Err(core.into()),
                (Ok(_), Some((_, e))) => Err(e.into()),
                (Ok(loaded), None) => Ok(loaded),
            }
        }
    }
}
