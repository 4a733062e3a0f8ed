//! `hotline_score.Board`: the real-time scoreboard (SPEC §8) — ingest events one at a time or
//! in batches, ask standings, scorecards, deadline statuses, warnings and metrics at any `as_of`
//! (in the scheme's period containing it, or in a given period), set external metrics, close
//! periods, snapshot and restore. Every public method of the core's `Board` has its counterpart.
//!
//! The core board sits behind a lock, so one `Board` may be shared between threads: calls
//! serialize. The lock is only ever waited for with the GIL released (inside [`Board::with`]),
//! so a thread holding it can always get the GIL back.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hotline_score::Calendar as CoreCalendar;
use hotline_score::Error;
use hotline_score::board::{
    Batch, Board as CoreBoard, BoardBuilder, Ingest, Ingested, Input, TicketHeader,
};
use hotline_score::ticket::{Event, Mode, TicketSet, event_from_json, id_text, load_json};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString};
use serde_json::Value;

use crate::arrow::export::Table;
use crate::calendar::Calendar;
use crate::convert::{decimal_in, id_in, json_item};
use crate::errors::{Fields, enter, input_error, raise, to_py};
use crate::instant;
use crate::metrics::{Evaluator, Metrics, Period, due_anchor_in};
use crate::policy::policy_in;
use crate::scheme::{Report, Scheme, Scores, scheme_in};
use crate::synthetic::units_table;
use crate::ticket::{Tickets, units_in};

/// A real-time scoreboard for one scheme, calendar, policy and units table. Safe to share
/// between threads: calls serialize on the board's lock.
#[pyclass(module = "hotline_score", frozen)]
pub struct Board {
    inner: Mutex<CoreBoard>,
}

/// The board behind its lock. Ingestion is transactional, so a panic in a core call cannot
/// leave the board half-updated: a poisoned lock still guards a consistent board.
fn lock(board: &Mutex<CoreBoard>) -> MutexGuard<'_, CoreBoard> {
    board.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Board {
    fn wrap(board: CoreBoard) -> Self {
        Board {
            inner: Mutex::new(board),
        }
    }

    /// Runs `work` on the board with the GIL released, holding the board's lock (waited for
    /// without the GIL: a thread holding the lock never waits for a thread waiting for it).
    fn with<T: Send>(&self, py: Python<'_>, work: impl FnOnce(&mut CoreBoard) -> T + Send) -> T {
        py.detach(|| work(&mut lock(&self.inner)))
    }

    /// `with`, for work that returns a core error (converted to its exception).
    fn call<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut CoreBoard) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        enter(py, || work(&mut lock(&self.inner)))
    }
}

/// `period`, or by default the scheme's period containing `as_of`.
fn period_of(
    board: &CoreBoard,
    period: Option<hotline_score::Period>,
    as_of: hotline_score::Instant,
) -> Result<hotline_score::Period, Error> {
    match period {
        Some(p) => Ok(p),
        None => board.period_at(as_of),
    }
}

/// Why an item was not ingested: refused by the core (or by its readers, which name the
/// ticket, event and field), or not in the JSON form at all (`invalid_input`, naming the item).
enum Refusal {
    Core(Error),
    Input {
        field: String,
        message: String,
        ticket_id: Option<String>,
        row: Option<usize>,
    },
    /// A value Python could not convert (raised by the binding's converter).
    Python(PyErr),
}

impl Refusal {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Refusal::Core(e) => to_py(py, e),
            Refusal::Input {
                field,
                message,
                ticket_id,
                row,
            } => raise(
                py,
                "InputError",
                &message,
                Fields {
                    code: "invalid_input",
                    ticket_id,
                    field: Some(field),
                    row,
                    ..Fields::default()
                },
            ),
            Refusal::Python(e) => e,
        }
    }
}

/// Where an item sits in the call's argument, for messages: `header`, `inputs[2]` ….
#[derive(Clone)]
struct Spot {
    /// The argument and path, e.g. `inputs[2]`.
    name: String,
    /// The item's index in a batch argument.
    row: Option<usize>,
}

impl Spot {
    fn input(
        &self,
        field: &str,
        ticket_id: Option<&str>,
        reason: impl std::fmt::Display,
    ) -> Refusal {
        Refusal::Input {
            field: field.to_owned(),
            message: format!("`{}`: {reason}", self.name),
            ticket_id: ticket_id.map(str::to_owned),
            row: self.row,
        }
    }
}

/// A ticket header (the JSON form of a ticket without `events`), read by the core's ticket
/// reader so that its errors are those of `load_json` (`unknown_kind` naming the ticket and
/// field …); a null cell is absent.
fn header_of(value: Value, at: &Spot) -> Result<TicketHeader, Refusal> {
    let Value::Object(map) = value else {
        return Err(at.input("header", None, "a ticket header must be a dict"));
    };
    let id = map.get("id").and_then(id_text);
    if map.contains_key("events") {
        return Err(at.input(
            "events",
            id.as_deref(),
            "a header has no `events` (Board.ingest_ticket takes a whole ticket)",
        ));
    }
    let text = Value::Array(vec![Value::Object(map)]).to_string();
    match load_json(&text, None, Mode::Strict) {
        Ok(loaded) => loaded
            .tickets
            .first()
            .map(TicketHeader::of)
            .ok_or_else(|| at.input("header", id.as_deref(), "no ticket header")),
        Err(mut e) => {
            // The core reads the header as the first ticket of an array; its place is the item's.
            if let Error::InvalidTicket { row, .. } = &mut e {
                *row = at.row;
            }
            Err(Refusal::Core(e))
        }
    }
}

/// An event of `ticket_id` (the JSON form: `{"at": …, "type": …, …}`), read as event `index` of
/// its ticket (the index it takes when appended on the board), so that errors name the ticket,
/// the field and the event.
fn event_of(ticket_id: &str, index: usize, value: Value, at: &Spot) -> Result<Event, Refusal> {
    event_from_json(ticket_id, index, value).map_err(|mut e| {
        if let Error::InvalidTicket { row, .. } = &mut e {
            *row = at.row;
        }
        Refusal::Core(e)
    })
}

/// A batch item: `{"input": "ticket", <header>}` or `{"input": "event", "ticket_id": …,
/// "event": {…}}`.
fn input_of(value: Value, at: &Spot, index_of: &dyn Fn(&str) -> usize) -> Result<Input, Refusal> {
    match value.get("input").and_then(Value::as_str) {
        Some("ticket") => {
            let Value::Object(mut map) = value else {
                return Err(at.input("input", None, "an item must be a dict"));
            };
            map.remove("input");
            header_of(Value::Object(map), at).map(Input::Ticket)
        }
        Some("event") => {
            let Value::Object(mut map) = value else {
                return Err(at.input("input", None, "an item must be a dict"));
            };
            // An unknown key first: a camelCase `ticketId` is named as such.
            let named = map.get("ticket_id").and_then(id_text);
            if let Some(k) = map
                .keys()
                .find(|k| !matches!(k.as_str(), "input" | "ticket_id" | "event"))
            {
                return Err(at.input(
                    k,
                    named.as_deref(),
                    format!(
                        "unknown key `{k}`; an event item has `input`, `ticket_id` and `event`"
                    ),
                ));
            }
            let ticket_id = named.ok_or_else(|| {
                at.input(
                    "ticket_id",
                    None,
                    "an event item needs a `ticket_id` (a string, or an integer)",
                )
            })?;
            let Some(event) = map.remove("event") else {
                return Err(at.input(
                    "event",
                    Some(&ticket_id),
                    "an event item needs an `event` dict",
                ));
            };
            let spot = Spot {
                name: format!("{}[\"event\"]", at.name),
                row: at.row,
            };
            let event = event_of(&ticket_id, index_of(&ticket_id), event, &spot)?;
            Ok(Input::Event { ticket_id, event })
        }
        // Said as Node says it (serde's "expected internally tagged enum Input" named a Rust
        // type; a cross-language audit).
        _ if !value.is_object() => Err(at.input(
            "input",
            None,
            "an item must be a dict with `input` 'ticket' or 'event'",
        )),
        _ => Err(at.input(
            "input",
            None,
            format!(
                "`input` must be 'ticket' or 'event', got {}",
                value
                    .get("input")
                    .map_or("nothing".to_owned(), Value::to_string)
            ),
        )),
    }
}

/// One item of a batch, converted from Python on its own (a value it cannot convert is that
/// item's refusal).
enum Item {
    Header(Result<Value, PyErr>),
    Event(String, Result<Value, PyErr>),
    Any(Result<Value, PyErr>),
}

/// Ingests `items` under the board's lock with the core's `ingest_batch` (in order, each its own
/// transaction, then the events the rules refused tried again, a ticket's together): one
/// outcome per item; an item that cannot be read is refused with its own error.
fn ingest_items(board: &mut CoreBoard, items: Vec<(Item, Spot)>) -> Vec<Result<Ingest, Refusal>> {
    let mut batch = Batch::new();
    for (item, at) in items {
        let index_of = |id: &str| batch.next_event_index(board, id);
        let input = match item {
            Item::Header(v) => v
                .map_err(Refusal::Python)
                .and_then(|v| header_of(v, &at))
                .map(Input::Ticket),
            Item::Event(ticket_id, v) => v
                .map_err(Refusal::Python)
                .and_then(|v| event_of(&ticket_id, index_of(&ticket_id), v, &at))
                .map(|event| Input::Event { ticket_id, event }),
            Item::Any(v) => v
                .map_err(Refusal::Python)
                .and_then(|v| input_of(v, &at, &index_of)),
        };
        batch.push(input);
    }
    batch.ingest(board)
}

/// Counts of outcomes, and every rejection with its error.
fn outcomes<'py>(py: Python<'py>, loaded: Ingested) -> PyResult<Bound<'py, PyDict>> {
    let rejected = PyList::empty(py);
    for e in loaded.rejected {
        rejected.append(to_py(py, e).value(py))?;
    }
    let out = PyDict::new(py);
    out.set_item("accepted", loaded.accepted)?;
    out.set_item("duplicate", loaded.duplicate)?;
    out.set_item("rejected", rejected)?;
    Ok(out)
}

/// One outcome per item: `{"status": "accepted" | "duplicate"}` or `{"status": "rejected",
/// "error": <exception>}` (not raised) — the core's refusal, or the item's own when it could
/// not be read; `rows`: the exception's `row` is the item's index when it names none.
fn per_item<'py>(
    py: Python<'py>,
    results: Vec<Result<Ingest, Refusal>>,
    rows: bool,
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for (i, r) in results.into_iter().enumerate() {
        let item = PyDict::new(py);
        let error = match r {
            Ok(Ingest::Accepted) => {
                item.set_item("status", "accepted")?;
                None
            }
            Ok(Ingest::Duplicate) => {
                item.set_item("status", "duplicate")?;
                None
            }
            Ok(Ingest::Rejected(e)) => Some(to_py(py, e)),
            Err(refusal) => Some(refusal.into_py(py)),
        };
        if let Some(error) = error {
            let error = error.value(py);
            // A batch's items are its rows: a rejection names its item unless it says a row.
            if rows && error.getattr("row")?.is_none() {
                error.setattr("row", i)?;
            }
            item.set_item("status", "rejected")?;
            item.set_item("error", error)?;
        }
        out.append(item)?;
    }
    Ok(out)
}

/// The outcome of one item: its name, or the refusal raised.
fn single(py: Python<'_>, r: Result<Ingest, Refusal>) -> PyResult<&'static str> {
    match r {
        Ok(Ingest::Accepted) => Ok("accepted"),
        Ok(Ingest::Duplicate) => Ok("duplicate"),
        Ok(Ingest::Rejected(e)) => Err(to_py(py, e)),
        Err(refusal) => Err(refusal.into_py(py)),
    }
}

/// A builder configured from the constructor's arguments.
fn builder(
    py: Python<'_>,
    scheme: &Bound<'_, PyAny>,
    units: &Bound<'_, PyAny>,
    calendar: Option<Bound<'_, Calendar>>,
    policy: Option<Bound<'_, PyAny>>,
    due_anchor: &str,
) -> PyResult<BoardBuilder> {
    let scheme = scheme_in(py, scheme)?.as_ref().clone();
    let units = units_in(py, units)?;
    let calendar = match calendar {
        Some(c) => c.get().inner.clone(),
        None => enter(py, CoreCalendar::prc)?,
    };
    let policy = match policy {
        Some(p) => policy_in(py, &p)?,
        None => enter(py, hotline_score::Policy::henan)?,
    };
    let due_anchor = due_anchor_in(py, due_anchor)?;
    Ok(CoreBoard::builder()
        .calendar(calendar)
        .policy(policy)
        .scheme(scheme)
        .units(units)
        .due_anchor(due_anchor))
}

/// The items of a batch argument (`inputs`), each converted on its own.
fn batch_items(py: Python<'_>, inputs: &Bound<'_, PyAny>) -> PyResult<Vec<(Item, Spot)>> {
    if inputs.is_instance_of::<PyString>() || inputs.is_instance_of::<PyDict>() {
        return Err(crate::errors::input_error(
            py,
            "invalid_input",
            "inputs",
            "`inputs` must be a list of item dicts".to_owned(),
        ));
    }
    let mut items = Vec::new();
    for (i, item) in inputs.try_iter()?.enumerate() {
        let name = format!("inputs[{i}]");
        let value = json_item(py, &item?, "inputs", format!("[{i}]"), Some(i), None);
        items.push((Item::Any(value), Spot { name, row: Some(i) }));
    }
    Ok(items)
}

/// The items of a whole ticket (a dict in the JSON form of `load_json`): its header, then each
/// event, each converted on its own.
fn ticket_items(py: Python<'_>, ticket: &Bound<'_, PyAny>) -> PyResult<Vec<(Item, Spot)>> {
    let Ok(dict) = ticket.cast::<PyDict>() else {
        return Err(crate::errors::input_error(
            py,
            "invalid_input",
            "ticket",
            "`ticket` must be a dict (the JSON form of a ticket, with its `events`)".to_owned(),
        ));
    };
    let header = PyDict::new(py);
    let mut events = None;
    for (k, v) in crate::convert::entries(dict)? {
        if k.extract::<String>().is_ok_and(|k| k == "events") {
            events = Some(v);
        } else {
            header.set_item(k, v)?;
        }
    }
    let head = json_item(py, header.as_any(), "ticket", String::new(), None, None);
    let ticket_id = head
        .as_ref()
        .ok()
        .and_then(|h| h.get("id"))
        .and_then(id_text)
        .unwrap_or_default();
    let spot = |name: String| Spot { name, row: None };
    let mut items = vec![(Item::Header(head), spot("ticket".to_owned()))];
    if let Some(events) = events.filter(|e| !e.is_none()) {
        if events.is_instance_of::<PyString>() || events.is_instance_of::<PyDict>() {
            return Err(crate::errors::input_error(
                py,
                "invalid_input",
                "events",
                "`ticket[\"events\"]` must be a list of event dicts".to_owned(),
            ));
        }
        for (i, e) in events.try_iter()?.enumerate() {
            let path = format!("[\"events\"][{i}]");
            let value = json_item(py, &e?, "ticket", path.clone(), None, Some(i));
            items.push((
                Item::Event(ticket_id.clone(), value),
                spot(format!("ticket{path}")),
            ));
        }
    }
    Ok(items)
}

#[pymethods]
impl Board {
    /// `Board(scheme, units, *, calendar=None, policy="henan", due_anchor="due_date")`.
    #[new]
    #[pyo3(signature = (scheme, units, *, calendar=None, policy=None, due_anchor="due_date"))]
    fn new(
        py: Python<'_>,
        scheme: Bound<'_, PyAny>,
        units: Bound<'_, PyAny>,
        calendar: Option<Bound<'_, Calendar>>,
        policy: Option<Bound<'_, PyAny>>,
        due_anchor: &str,
    ) -> PyResult<Self> {
        let b = builder(py, &scheme, &units, calendar, policy, due_anchor)?;
        let board = enter(py, || b.build())?;
        Ok(Board::wrap(board))
    }

    /// A board restored from `snapshot()` bytes or `snapshot_json()` text, with the
    /// configuration it was taken with (same arguments as the constructor).
    #[staticmethod]
    #[pyo3(signature = (snapshot, scheme, units, *, calendar=None, policy=None, due_anchor="due_date"))]
    fn restore(
        py: Python<'_>,
        snapshot: Bound<'_, PyAny>,
        scheme: Bound<'_, PyAny>,
        units: Bound<'_, PyAny>,
        calendar: Option<Bound<'_, Calendar>>,
        policy: Option<Bound<'_, PyAny>>,
        due_anchor: &str,
    ) -> PyResult<Self> {
        let b = builder(py, &scheme, &units, calendar, policy, due_anchor)?;
        let board = if let Ok(text) = snapshot.cast::<PyString>() {
            let text = text.to_cow()?.into_owned();
            enter(py, || b.restore_json(&text))?
        } else if snapshot.is_instance_of::<PyBytes>()
            || snapshot.is_instance_of::<PyByteArray>()
            || snapshot.is_instance_of::<PyMemoryView>()
        {
            // `bytes(…)` copies any of them (a memoryview of a file read into a buffer).
            let bytes: Vec<u8> = py
                .get_type::<PyBytes>()
                .call1((snapshot,))?
                .cast_into::<PyBytes>()?
                .as_bytes()
                .to_vec();
            enter(py, || b.restore(&bytes))?
        } else {
            return Err(input_error(
                py,
                "invalid_argument",
                "snapshot",
                format!(
                    "`snapshot` must be bytes (snapshot()), a bytearray or memoryview of them, \
                     or str (snapshot_json()); got a {}",
                    snapshot.get_type().name()?
                ),
            ));
        };
        Ok(Board::wrap(board))
    }

    /// Registers a ticket from its header dict (`id, kind, urgency, channel, received_at,
    /// attributes`): `"accepted"` or `"duplicate"`; a refusal raises (a header the core's ticket
    /// reader refuses with the same error as `load_json`: `unknown_kind` naming ticket and field).
    fn register(&self, py: Python<'_>, header: Bound<'_, PyAny>) -> PyResult<&'static str> {
        let value = json_item(py, &header, "header", String::new(), None, None)?;
        let at = Spot {
            name: "header".to_owned(),
            row: None,
        };
        let r = self.with(py, |board| header_of(value, &at).map(|h| board.register(h)));
        single(py, r)
    }

    /// Ingests one event of a registered ticket (the JSON form: `{"at": …, "type": …, …}`):
    /// `"accepted"` or `"duplicate"` (same `event_id`); a refusal raises and changes nothing.
    fn ingest(
        &self,
        py: Python<'_>,
        ticket_id: Bound<'_, PyAny>,
        event: Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let ticket_id = id_in(py, &ticket_id, "ticket_id")?;
        let ticket_id = ticket_id.as_str();
        let value = json_item(py, &event, "event", String::new(), None, None)?;
        let at = Spot {
            name: "event".to_owned(),
            row: None,
        };
        let r = self.with(py, |board| {
            let index = board.next_event_index(ticket_id);
            event_of(ticket_id, index, value, &at).map(|e| board.ingest(ticket_id, e))
        });
        single(py, r)
    }

    /// Ingests a batch in order, each item its own transaction: dicts in the core's JSON form,
    /// `{"input": "ticket", <header>}` or `{"input": "event", "ticket_id": …, "event": {…}}`.
    /// One outcome per item: an item that cannot be read is rejected with its error (naming
    /// `inputs[i]`, `row` = i) and does not stop the batch. Events the rules between events
    /// refused, and events of a ticket whose header comes later in the batch, are tried again
    /// at the end, a ticket's together (out of order, or valid only together); those refused
    /// then carry the reason that holds at the end.
    fn ingest_batch<'py>(
        &self,
        py: Python<'py>,
        inputs: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let items = batch_items(py, &inputs)?;
        let results = self.with(py, |board| ingest_items(board, items));
        per_item(py, results, true)
    }

    /// Registers one ticket (a dict in the JSON form of `load_json`, events included) and
    /// ingests its events as `ingest_batch` does (events refused alone are tried again
    /// together): one outcome per item, the header's first; an item that cannot be read is
    /// rejected with its error.
    fn ingest_ticket<'py>(
        &self,
        py: Python<'py>,
        ticket: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let items = ticket_items(py, &ticket)?;
        let results = self.with(py, |board| ingest_items(board, items));
        per_item(py, results, false)
    }

    /// Ingests whole tickets (header then events, in order):
    /// `{"accepted": n, "duplicate": n, "rejected": [errors]}`, counting items (headers and
    /// events), not tickets. Each item is its own transaction: a ticket with one refused event
    /// is kept without it (lenient batch loading skips the whole ticket instead).
    fn ingest_tickets<'py>(
        &self,
        py: Python<'py>,
        tickets: Bound<'py, Tickets>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let tickets = tickets.get().set.clone();
        let loaded = self.with(py, |board| board.ingest_tickets(tickets.tickets()));
        outcomes(py, loaded)
    }

    /// Sets the external metric `name` (declared in the scheme's `external` list) of `unit` for
    /// `period`; `value` is a `Decimal`, an `int` or a decimal string.
    fn set_external(
        &self,
        py: Python<'_>,
        period: Bound<'_, Period>,
        unit: &str,
        name: &str,
        value: Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let value = decimal_in(py, &value, "value")?;
        let p = period.get().inner.clone();
        self.call(py, |board| board.set_external(&p, unit, name, value))
    }

    /// Adds a manual adjustment (人工加减分) to `period`: `{unit, metric, amount, reason,
    /// approver}`, its amount added to the unit's external metric `metric`, listed with its
    /// reason and approver on the scorecard and in the explanation.
    fn add_adjustment(
        &self,
        py: Python<'_>,
        period: Bound<'_, Period>,
        adjustment: Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let a = crate::metrics::adjustment_in(py, &adjustment, "adjustment")?;
        let p = period.get().inner.clone();
        self.call(py, |board| board.add_adjustment(&p, a))
    }

    /// The scheme's period containing `as_of`.
    fn period_at(&self, py: Python<'_>, as_of: Bound<'_, PyAny>) -> PyResult<Period> {
        let t = instant::extract(py, &as_of)?;
        Ok(Period {
            inner: self.call(py, |board| board.period_at(t))?,
        })
    }

    /// The per-unit metrics table (every unit, and the period's external metrics) at `as_of`,
    /// in the scheme's period containing it (or in `period`): what batch evaluation gives.
    #[pyo3(signature = (as_of, *, period=None))]
    fn metrics(
        &self,
        py: Python<'_>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Metrics> {
        let t = instant::extract(py, &as_of)?;
        let p = period.map(|p| p.get().inner.clone());
        let table = self.call(py, |board| board.metrics(&period_of(board, p, t)?, t))?;
        Ok(Metrics {
            inner: Arc::new(table),
        })
    }

    /// The scores of the scheme's period containing `as_of` (or of `period`).
    #[pyo3(signature = (as_of, *, period=None))]
    fn scores(
        &self,
        py: Python<'_>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Scores> {
        let t = instant::extract(py, &as_of)?;
        let p = period.map(|p| p.get().inner.clone());
        let (scores, decimals) = self.call(py, |board| {
            let scores = board.scores_in(&period_of(board, p, t)?, t)?;
            Ok((scores, board.scheme().decimals()))
        })?;
        Ok(Scores::new(scores, decimals))
    }

    /// Standings per group at `as_of`, in the scheme's period containing it (or in `period`).
    #[pyo3(signature = (as_of, *, period=None))]
    fn standings(
        &self,
        py: Python<'_>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let p = period.map(|p| p.get().inner.clone());
        let s = self.call(py, |board| board.standings_in(&period_of(board, p, t)?, t))?;
        Report::of(py, &s)
    }

    /// One unit's scorecard with explanations at `as_of`, in the scheme's period containing it
    /// (or in `period`).
    #[pyo3(signature = (unit, as_of, *, period=None))]
    fn scorecard(
        &self,
        py: Python<'_>,
        unit: &str,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let p = period.map(|p| p.get().inner.clone());
        let s = self.call(py, |board| {
            board.scorecard_in(&period_of(board, p, t)?, unit, t)
        })?;
        Report::of(py, &s)
    }

    /// Deadline statuses (normal / yellow / red) of one unit's running clocks at `as_of`.
    fn deadline_statuses(
        &self,
        py: Python<'_>,
        unit: &str,
        as_of: Bound<'_, PyAny>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let s = self.call(py, |board| board.deadline_statuses(unit, t))?;
        Report::of(py, &s)
    }

    /// Period warnings at `as_of`, in the scheme's period containing it (or in `period`); empty
    /// outside the warning window (`scheme_lacks` without `[warnings]`).
    #[pyo3(signature = (as_of, *, period=None))]
    fn warnings(
        &self,
        py: Python<'_>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let p = period.map(|p| p.get().inner.clone());
        let s = self.call(py, |board| board.warnings_in(&period_of(board, p, t)?, t))?;
        Report::of(py, &s)
    }

    /// Closes `period` at `as_of` (its scores join the history the sanctions read). Periods close
    /// in order and without gaps: after the first, a period starts where the last one ended.
    fn close_period(
        &self,
        py: Python<'_>,
        period: Bound<'_, Period>,
        as_of: Bound<'_, PyAny>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let p = period.get().inner.clone();
        let closed = self.call(py, |board| board.close_period(&p, t))?;
        Report::of(py, &closed)
    }

    /// The frozen scores of the closed periods, oldest first.
    fn history(&self, py: Python<'_>) -> Vec<Scores> {
        let (history, decimals) = self.with(py, |board| {
            (board.history().to_vec(), board.scheme().decimals())
        });
        history
            .into_iter()
            .map(|s| Scores::new(s, decimals))
            .collect()
    }

    /// The sanctions ladder over the closed periods.
    fn sanctions(&self, py: Python<'_>) -> PyResult<Report> {
        let s = self.call(py, |board| board.sanctions())?;
        Report::of(py, &s)
    }

    /// Counts of what the board holds.
    fn stats(&self, py: Python<'_>) -> PyResult<Report> {
        let stats = self.with(py, |board| board.stats());
        Report::of(py, &stats)
    }

    /// The scheme the board scores with.
    fn scheme(&self, py: Python<'_>) -> Scheme {
        Scheme {
            inner: Arc::new(self.with(py, |board| board.scheme().clone())),
        }
    }

    /// The board's evaluator (calendar, policy and units), for batch evaluation of its tickets.
    fn evaluator(&self, py: Python<'_>) -> Evaluator {
        let (ev, units) = self.with(py, |board| {
            (board.evaluator().clone(), board.units().to_vec())
        });
        Evaluator {
            inner: Arc::new(ev),
            units: Arc::new(units),
        }
    }

    /// The units table (`unit, group, name`).
    fn units(&self, py: Python<'_>) -> PyResult<Table> {
        let units = self.with(py, |board| board.units().to_vec());
        units_table(&units)
    }

    /// The period anchor of due-anchored counters: `"due_date"` or `"due_or_closed"`.
    #[getter]
    fn due_anchor(&self, py: Python<'_>) -> &'static str {
        self.with(py, |board| board.due_anchor()).name()
    }

    /// One ticket as the board holds it (header and events in time order, the core's JSON
    /// form), or `None` if it is not registered.
    fn ticket(&self, py: Python<'_>, ticket_id: Bound<'_, PyAny>) -> PyResult<Option<Report>> {
        let ticket_id = id_in(py, &ticket_id, "ticket_id")?;
        self.with(py, |board| board.ticket(&ticket_id).cloned())
            .map(|t| Report::of(py, &t))
            .transpose()
    }

    /// Every ticket, in registration order, with the board's units table.
    fn tickets(&self, py: Python<'_>) -> Tickets {
        let (set, units) = self.with(py, |board| {
            (
                TicketSet::from_tickets(board.tickets().cloned().collect()),
                board.units().to_vec(),
            )
        });
        Tickets {
            set: Arc::new(set),
            diagnostics: Vec::new(),
            units: Some(Arc::new(units)),
        }
    }

    /// The latest event instant ingested (epoch ms), or `None` before the first.
    #[getter]
    fn latest_event(&self, py: Python<'_>) -> Option<i64> {
        self.with(py, |board| board.latest_event())
            .map(hotline_score::Instant::millis)
    }

    /// End of the last closed period (epoch ms; earlier events are refused), or `None`.
    #[getter]
    fn closed_through(&self, py: Python<'_>) -> Option<i64> {
        self.with(py, |board| board.closed_through())
            .map(hotline_score::Instant::millis)
    }

    /// The whole state as bytes (restore with `restore`).
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.call(py, |board| board.snapshot())?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The whole state as JSON.
    fn snapshot_json(&self, py: Python<'_>) -> PyResult<String> {
        self.call(py, |board| board.snapshot_json())
    }
}

/// Adds `Board` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Board>()?;
    Ok(())
}
