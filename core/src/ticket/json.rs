//! Reading a JSON array of tickets ticket by ticket, so that in lenient mode one bad ticket
//! (unknown field, wrong value type, bad event) is skipped and reported instead of failing the
//! whole file.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::error::{Error, FilePos, Result, json_reason};
use crate::instant::{EARLIEST_EPOCH_MILLIS, LATEST_EPOCH_MILLIS};
use crate::ticket::cells::{TicketCells, event_from_cells, read_ticket_head};
use crate::ticket::load::{Sink, check_ticket, known_units};
use crate::ticket::problem::Violation;
use crate::ticket::{EventRow, InstantCell, Loaded, Mode, Ticket, TicketErrorKind, load_tickets};
use crate::unit::Unit;

/// Loads a JSON array of tickets (the shape of [`Ticket`]'s serde).
///
/// Each ticket is read on its own: errors name the ticket id, the event index and the field,
/// with `row` = the ticket's position in the array. Text that is not a JSON array is
/// [`Error::InvalidTicketJson`] in either mode (an element that is not an object is a bad
/// ticket); a units table with an empty or duplicate unit is an error in either mode too
/// ([`Error::DuplicateUnit`], [`Error::InvalidUnitRow`]).
///
/// ```
/// use hotline_score::ticket::{load_json, Mode};
/// let text = r#"[
///   {"id": "A", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00",
///    "events": [{"at": "2026-03-02T09:10:00+08:00", "type": "signed", "unit": "u1"}]},
///   {"id": "B", "kind": "consult", "received_at": "2026-03-02T09:05:00+08:00"}
/// ]"#;
/// let loaded = load_json(text, None, Mode::Lenient)?;
/// assert_eq!(loaded.tickets.len(), 1);
/// assert_eq!(loaded.diagnostics[0].code, "event_before_dispatch");
/// assert_eq!(loaded.diagnostics[0].ticket_id, "A");
/// assert_eq!(loaded.diagnostics[0].event_index, Some(0));
/// assert_eq!(loaded.diagnostics[0].field, "unit");
/// assert_eq!(load_json(text, None, Mode::Strict).unwrap_err().code(), "event_before_dispatch");
/// # Ok::<(), hotline_score::Error>(())
/// ```
pub fn load_json(text: &str, units: Option<&[Unit]>, mode: Mode) -> Result<Loaded> {
    // Fast path: a well-formed file reads straight into typed tickets. The typed serde accepts
    // a subset of what the walk below accepts and reads it identically (where it might not,
    // `typed_as_walked` says so), so only the error reporting differs; any failure falls back
    // to reading ticket by ticket.
    if let Ok(tickets) = serde_json::from_str::<Vec<Ticket>>(text)
        && tickets.iter().all(typed_as_walked)
    {
        return load_tickets(tickets, units, mode);
    }
    // Read so that a key given twice in one object is an error at its place: JSON readers keep
    // the last, and a ticket's `kind` or an attribute given twice lost the first without a
    // word (a Node audit; partial states refuse it too).
    let values: Vec<UniqueKeys> = serde_json::from_str(text).map_err(|e| {
        let pos = FilePos::of_json_error(text, &e).unwrap_or(FilePos { line: 0, column: 0 });
        Error::InvalidTicketJson {
            reason: json_reason(&e),
            line: pos.line,
            column: pos.column,
        }
    })?;
    load_values(values.into_iter().map(|v| v.0).collect(), units, mode)
}

/// A JSON value read with every object's keys checked to be distinct.
struct UniqueKeys(Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let UniqueKeys(value) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "key `{key}` is given twice in one object (a JSON reader would keep the last)"
                )));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Whether a ticket read by the typed serde is what the walk ([`load_values`]) reads from the
/// same JSON. Not when it holds an empty attribute value (the walk leaves it out, as an empty
/// cell) or an instant before 1973 or after 9999 (the walk refuses such an epoch-milliseconds
/// number: seconds, an Excel day number, micro- or nanoseconds; the typed serde cannot tell a
/// number from text there):
/// such tickets take the walk, so that a ticket reads the same whatever else the file holds.
pub(crate) fn typed_as_walked(ticket: &Ticket) -> bool {
    let odd =
        |t: crate::Instant| !(EARLIEST_EPOCH_MILLIS..=LATEST_EPOCH_MILLIS).contains(&t.millis());
    !odd(ticket.received_at)
        && !ticket.events.iter().any(|e| odd(e.at))
        && !ticket.attributes.values().any(String::is_empty)
}

/// Reads and checks tickets one JSON value at a time (the precise-error path).
fn load_values(values: Vec<Value>, units: Option<&[Unit]>, mode: Mode) -> Result<Loaded> {
    let known = known_units(units)?;
    let mut sink = Sink::new(mode);
    let mut first_row: HashMap<String, usize> = HashMap::with_capacity(values.len());
    for (row, value) in values.into_iter().enumerate() {
        let id = value.get("id").and_then(id_text).unwrap_or_default();
        if let Some(&first) = first_row.get(&id).filter(|_| !id.is_empty()) {
            let v = Violation::ticket(
                "id",
                TicketErrorKind::DuplicateTicket {
                    first_row: Some(first),
                },
            );
            sink.report(v.into_error(&id, Some(row)))?;
            continue;
        }
        if !id.is_empty() {
            first_row.insert(id.clone(), row);
        }
        match read_ticket(value) {
            Ok((ticket, failure)) => match check_ticket(&ticket, failure, known.as_ref()) {
                Ok(()) => sink.loaded.tickets.push(ticket),
                Err(v) => sink.report(v.into_error(&id, Some(row)))?,
            },
            Err(v) => sink.report(v.into_error(&id, Some(row)))?,
        }
    }
    Ok(sink.loaded)
}

/// A ticket id given as JSON: a string, or an integer written as its digits (what the JSON
/// form of a ticket takes for `id`; the bindings read board items' `ticket_id` with it).
///
/// ```
/// use hotline_score::ticket::id_text;
/// assert_eq!(id_text(&serde_json::json!(5)), Some("5".to_owned()));
/// assert_eq!(id_text(&serde_json::json!("T1")), Some("T1".to_owned()));
/// assert_eq!(id_text(&serde_json::json!(1.5)), None);
/// ```
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// Rewrites the cells of a JSON row object in `columns` (a table's id columns:
/// [`TicketRow::ID_COLUMNS`](crate::ticket::TicketRow::ID_COLUMNS),
/// [`EventRow::ID_COLUMNS`](crate::ticket::EventRow::ID_COLUMNS)) that hold a whole number as
/// its digits ([`id_text`]): a database's integer keys, read as a ticket's JSON form reads its
/// ids. The row types themselves read text only, so that a CSV's `007` stays `007`; other cells
/// are left as they are (and refused where text is due). Returns whether any cell was rewritten.
///
/// ```
/// use hotline_score::ticket::{EventRow, rows_ids_as_text};
/// let mut row = serde_json::json!({"ticket_id": 7, "at": 1772413200000_i64, "type": "dispatched", "unit": 12});
/// assert!(rows_ids_as_text(&mut row, &EventRow::ID_COLUMNS));
/// let row: EventRow = serde_json::from_value(row).unwrap();
/// assert_eq!((row.ticket_id.as_str(), row.unit.as_deref()), ("7", Some("12")));
/// ```
pub fn rows_ids_as_text(row: &mut Value, columns: &[&str]) -> bool {
    let Some(map) = row.as_object_mut() else {
        return false;
    };
    let mut rewritten = false;
    for column in columns {
        if let Some(cell) = map.get_mut(*column)
            && cell.is_number()
            && let Some(text) = id_text(cell)
        {
            *cell = Value::String(text);
            rewritten = true;
        }
    }
    rewritten
}

fn wrong(expected: &str, v: &Value) -> TicketErrorKind {
    TicketErrorKind::wrong_json(expected, v)
}

/// A text value: string (or null → absent). `ids` also accept integers.
fn text_value(v: Value, ids: bool) -> Result<Option<String>, TicketErrorKind> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(ref n) if ids && (n.is_i64() || n.is_u64()) => Ok(Some(n.to_string())),
        other => Err(wrong("a string", &other)),
    }
}

/// A scalar value kept as text: string, boolean or number (or null → absent).
fn scalar_value(v: Value) -> Result<Option<String>, TicketErrorKind> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Bool(b) => Ok(Some(b.to_string())),
        // A float as the typed rows read it (`OptScalar`: Rust's `f64` display, `1.0` → `1`),
        // so that a ticket reads the same on both paths of `load_json`.
        Value::Number(n) => Ok(Some(match n.as_f64().filter(|_| n.is_f64()) {
            Some(f) => f.to_string(),
            None => n.to_string(),
        })),
        other => Err(wrong("a string, boolean or number", &other)),
    }
}

fn object(v: Value, what: &str) -> Result<Map<String, Value>, TicketErrorKind> {
    match v {
        Value::Object(map) => Ok(map),
        other => Err(wrong(what, &other)),
    }
}

/// Reads one ticket: its fields, then its events up to the first one that cannot be read (that
/// failure is returned alongside, for [`check_ticket`] to order against flow errors).
fn read_ticket(value: Value) -> Result<(Ticket, Option<Violation>), Violation> {
    let map = object(value, "a JSON object (a ticket)").map_err(|k| Violation::ticket("", k))?;
    let (mut id, mut kind, mut received_at) = (String::new(), String::new(), String::new());
    let (mut urgency, mut channel) = (None, None);
    let mut attributes = BTreeMap::new();
    let mut events = Vec::new();
    for (key, v) in map {
        let bad = |k| Violation::ticket(&key, k);
        match key.as_str() {
            "id" => id = text_value(v, true).map_err(bad)?.unwrap_or_default(),
            "kind" => kind = text_value(v, false).map_err(bad)?.unwrap_or_default(),
            "urgency" => urgency = text_value(v, false).map_err(bad)?,
            "channel" => channel = text_value(v, false).map_err(bad)?,
            "received_at" => received_at = scalar_value(v).map_err(bad)?.unwrap_or_default(),
            "attributes" => {
                for (name, a) in object(v, "an object of strings").map_err(bad)? {
                    let a = text_value(a, false)
                        .map_err(|k| Violation::ticket(&format!("attributes.{name}"), k))?;
                    // A null or empty value is no value, as an empty cell of a tickets table.
                    if let Some(a) = a.filter(|a| !a.is_empty()) {
                        attributes.insert(name, a);
                    }
                }
            }
            "events" => match v {
                Value::Array(list) => events = list,
                Value::Null => {}
                other => return Err(bad(wrong("an array of events", &other))),
            },
            _ => return Err(Violation::ticket(&key, TicketErrorKind::UnknownField)),
        }
    }
    let cells = TicketCells {
        id: &id,
        kind: &kind,
        urgency: urgency.as_deref(),
        channel: channel.as_deref(),
        received_at: InstantCell::Text(&received_at),
    };
    let head = read_ticket_head(&cells, "id", None)?;
    let mut ticket = Ticket {
        id,
        kind: head.kind,
        urgency: head.urgency,
        channel: channel.unwrap_or_default(),
        received_at: head.received_at,
        attributes,
        events: Vec::new(),
    };
    ticket.events.reserve(events.len());
    for (index, value) in events.into_iter().enumerate() {
        match read_event(index, value) {
            Ok(event) => ticket.events.push(event),
            Err(v) => return Ok((ticket, Some(v))),
        }
    }
    Ok((ticket, None))
}

/// One event object in the JSON form of [`load_json`], read as event `index` of ticket
/// `ticket_id`: the checks and errors of an event inside a ticket (unknown fields such as
/// `ticket_id`, values of the wrong type, the fields of its type), for callers that take events
/// one at a time (the bindings' boards). The rules between events are the caller's.
pub fn event_from_json(
    ticket_id: &str,
    index: usize,
    value: Value,
) -> crate::Result<crate::ticket::Event> {
    read_event(index, value).map_err(|v| v.into_error(ticket_id, None))
}

fn read_event(index: usize, value: Value) -> Result<crate::ticket::Event, Violation> {
    let map =
        object(value, "a JSON object (an event)").map_err(|k| Violation::event(index, "", k))?;
    let mut row = EventRow::default();
    for (key, v) in map {
        let bad = |k| Violation::event(index, &key, k);
        let slot = match key.as_str() {
            "at" => {
                row.at = scalar_value(v).map_err(bad)?.unwrap_or_default();
                continue;
            }
            "type" => {
                row.event_type = text_value(v, false).map_err(bad)?.unwrap_or_default();
                continue;
            }
            "unit" => (&mut row.unit, true, false),
            "role" => (&mut row.role, false, false),
            "reason" => (&mut row.reason, false, false),
            "accepted" => (&mut row.accepted, false, true),
            "approved" => (&mut row.approved, false, true),
            "amount" => (&mut row.amount, false, false),
            "passed" => (&mut row.passed, false, true),
            "satisfaction" => (&mut row.satisfaction, false, false),
            "resolved" => (&mut row.resolved, false, true),
            "event_id" => (&mut row.event_id, true, false),
            // A null or empty `ticket_id` is no ticket id, as the typed path reads it.
            "ticket_id" if v.is_null() || v.as_str() == Some("") => continue,
            _ => return Err(Violation::event(index, &key, TicketErrorKind::UnknownField)),
        };
        let (cell, ids, scalar) = slot;
        *cell = if scalar {
            scalar_value(v)
        } else {
            text_value(v, ids)
        }
        .map_err(bad)?
        .filter(|s| !s.is_empty());
    }
    event_from_cells(index, &row.cells())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{CityConfig, SyntheticCity};

    /// A key given twice in one object — a ticket's field, an attribute, an event's field — is an
    /// error at its place in both modes (JSON readers keep the last: the first was lost).
    #[test]
    fn keys_given_twice_are_refused() {
        let head = r#"[{"id":"T1","received_at":"2026-03-02T09:00:00+08:00","#;
        for body in [
            r#""kind":"help","kind":"consult"}]"#,
            r#""kind":"help","attributes":{"repeat":"true","repeat":"false"}}]"#,
            "\"kind\":\"help\",\n\"events\":[{\"at\":\"2026-03-02T09:10:00+08:00\",\"type\":\"dispatched\",\"unit\":\"a\",\"unit\":\"b\"}]}]",
        ] {
            let text = format!("{head}{body}");
            for mode in [Mode::Strict, Mode::Lenient] {
                let e = load_json(&text, None, mode).unwrap_err();
                assert_eq!(e.code(), "invalid_ticket_json", "{text}");
                assert!(e.to_string().contains("given twice"), "{e}");
                assert!(e.context().line.is_some_and(|l| l >= 1), "{e}");
            }
        }
    }

    /// An array element that is no ticket object is named by its position, not by an empty
    /// id and an empty field.
    #[test]
    fn an_element_that_is_no_object_is_named_by_its_row() {
        let text = r#"[{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00"}, 5]"#;
        let e = load_json(text, None, Mode::Strict).unwrap_err();
        assert_eq!(e.code(), "malformed_value");
        assert_eq!(
            e.to_string(),
            r#"ticket without an id (row 1): "5 (a number)" is not a JSON object (a ticket)"#
        );
        let e = load_json(r#"[{"id":"T2","bogus":1}]"#, None, Mode::Strict).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ticket \"T2\" (row 0), field `bogus`: unknown field"
        );
    }

    /// A null or empty attribute is absent, on both paths, as an empty tickets-table cell.
    #[test]
    fn empty_attributes_are_absent() {
        let text = r#"[{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00",
            "attributes":{"a":"","b":null,"c":"x"}}]"#;
        let fast = load_json(text, None, Mode::Strict).unwrap();
        let keys: Vec<&str> = fast.tickets[0]
            .attributes
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["c"]);
        let values: Vec<Value> = serde_json::from_str(text).unwrap();
        assert_eq!(load_values(values, None, Mode::Strict).unwrap(), fast);
    }

    /// A ticket reads the same alone (the typed fast path) and next to a bad ticket (the walk):
    /// an empty attribute is absent, epoch seconds are refused (an audit of the Node binding).
    #[test]
    fn a_ticket_reads_the_same_whatever_else_the_file_holds() {
        let bad = r#"{"id":"T2","kind":"hlp","received_at":"2026-03-02T09:00:00+08:00"}"#;
        for ticket in [
            r#"{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00","attributes":{"a":"","c":"x"}}"#,
            r#"{"id":"T1","kind":"help","received_at":1772413200}"#,
            r#"{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00","events":[{"at":1772413500,"type":"dispatched","unit":"u1"}]}"#,
            r#"{"id":"T1","kind":"help","received_at":"1972-06-01T00:00:00+08:00"}"#,
            r#"{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00","events":[{"at":"2026-03-02T09:05:00+08:00","type":"dispatched","unit":"u1","ticket_id":null}]}"#,
            r#"{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00","events":[{"at":"2026-03-02T09:05:00+08:00","type":"dispatched","unit":"u1"},{"at":"2026-03-02T10:05:00+08:00","type":"reviewed","passed":1.0}]}"#,
            r#"{"id":"T1","kind":"help","received_at":"2026-03-02T09:00:00+08:00","events":[{"at":1772413500000.0,"type":"dispatched","unit":"u1","ticket_id":"T1"}]}"#,
        ] {
            let alone = load_json(&format!("[{ticket}]"), None, Mode::Lenient).unwrap();
            let with_bad = load_json(&format!("[{ticket},{bad}]"), None, Mode::Lenient).unwrap();
            assert_eq!(alone.tickets, with_bad.tickets, "{ticket}");
            assert_eq!(
                alone.diagnostics,
                with_bad.diagnostics[..alone.diagnostics.len()],
                "{ticket}"
            );
            let parts =
                crate::ticket::load_json_parallel(&format!("[{ticket}]"), None, Mode::Lenient, 2)
                    .unwrap();
            assert_eq!(parts, alone, "{ticket}");
        }
    }

    #[test]
    fn fast_and_precise_paths_agree() {
        let city = SyntheticCity::generate(&CityConfig {
            days: 1,
            tickets_per_day: 200,
            ..CityConfig::default()
        })
        .unwrap();
        let text = serde_json::to_string(&city.tickets).unwrap();
        let fast = load_json(&text, Some(&city.units), Mode::Strict).unwrap();
        let values: Vec<Value> = serde_json::from_str(&text).unwrap();
        let precise = load_values(values, Some(&city.units), Mode::Strict).unwrap();
        assert_eq!(fast, precise);
        assert_eq!(fast.tickets, city.tickets);
    }
}
