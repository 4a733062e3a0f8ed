//! `hotline_score.Board`: the real-time scoreboard (SPEC §8) — ingest events one at a time or
//! in batches, ask standings, scorecards, deadline statuses, warnings and metrics at any `as_of`
//! (in the scheme's period containing it, or in a given period), set external metrics, close
//! periods, snapshot and restore. Every public method of the core's `Board` has its counterpart.

use std::sync::Arc;

use hotline_score::Calendar as CoreCalendar;
use hotline_score::board::{Board as CoreBoard, BoardBuilder, Ingest, Input, TicketHeader};
use hotline_score::ticket::{Event, Ticket, TicketSet};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::arrow::export::Table;
use crate::calendar::Calendar;
use crate::convert::{decimal_in, json_text};
use crate::errors::{enter, input_error, to_py};
use crate::instant;
use crate::metrics::{Evaluator, Metrics, Period, due_anchor_in, due_anchor_out};
use crate::policy::policy_in;
use crate::scheme::{Report, Scheme, Scores, period_or, scheme_in};
use crate::synthetic::units_table;
use crate::ticket::{Tickets, units_in};

/// A real-time scoreboard for one scheme, calendar, policy and units table.
#[pyclass(module = "hotline_score")]
pub struct Board {
    inner: CoreBoard,
}

impl Board {
    fn get(&self) -> PyResult<&CoreBoard> {
        Ok(&self.inner)
    }

    fn get_mut(&mut self) -> PyResult<&mut CoreBoard> {
        Ok(&mut self.inner)
    }

    /// `period`, or by default the scheme's period containing `as_of`.
    fn period(
        &self,
        py: Python<'_>,
        period: Option<Bound<'_, Period>>,
        as_of: hotline_score::Instant,
    ) -> PyResult<hotline_score::Period> {
        period_or(py, self.inner.scheme(), period, as_of)
    }
}

/// Reads a dict (or JSON text) in the core's JSON form of `what`.
fn from_json<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<T> {
    let text = json_text(py, value)?;
    serde_json::from_str(&text)
        .map_err(|e| input_error(py, "invalid_input", what, format!("`{what}`: {e}")))
}

/// Counts of outcomes, and every rejection with its error.
fn outcomes<'py>(py: Python<'py>, results: Vec<Ingest>) -> PyResult<Bound<'py, PyDict>> {
    let (mut accepted, mut duplicate) = (0usize, 0usize);
    let rejected = PyList::empty(py);
    for r in results {
        match r {
            Ingest::Accepted => accepted += 1,
            Ingest::Duplicate => duplicate += 1,
            Ingest::Rejected(e) => rejected.append(to_py(py, e).value(py))?,
        }
    }
    let out = PyDict::new(py);
    out.set_item("accepted", accepted)?;
    out.set_item("duplicate", duplicate)?;
    out.set_item("rejected", rejected)?;
    Ok(out)
}

/// One outcome per item, as the core reports them: `{"status": "accepted" | "duplicate"}` or
/// `{"status": "rejected", "error": <exception>}` (not raised).
fn per_item<'py>(py: Python<'py>, results: Vec<Ingest>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for r in results {
        let item = PyDict::new(py);
        match r {
            Ingest::Accepted => item.set_item("status", "accepted")?,
            Ingest::Duplicate => item.set_item("status", "duplicate")?,
            Ingest::Rejected(e) => {
                item.set_item("status", "rejected")?;
                item.set_item("error", to_py(py, e).value(py))?;
            }
        }
        out.append(item)?;
    }
    Ok(out)
}

/// The outcome of one item: its name, or the refusal raised.
fn single(py: Python<'_>, r: Ingest) -> PyResult<&'static str> {
    match r {
        Ingest::Accepted => Ok("accepted"),
        Ingest::Duplicate => Ok("duplicate"),
        Ingest::Rejected(e) => Err(to_py(py, e)),
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
        Ok(Board { inner: board })
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
        let board = if let Ok(bytes) = snapshot.cast::<PyBytes>() {
            let bytes = bytes.as_bytes().to_vec();
            enter(py, || b.restore(&bytes))?
        } else {
            let text: String = snapshot.extract()?;
            enter(py, || b.restore_json(&text))?
        };
        Ok(Board { inner: board })
    }

    /// Registers a ticket from its header dict (`id, kind, urgency, channel, received_at,
    /// attributes`): `"accepted"` or `"duplicate"`; a refusal raises.
    fn register(&mut self, py: Python<'_>, header: Bound<'_, PyAny>) -> PyResult<&'static str> {
        let header: TicketHeader = from_json(py, &header, "header")?;
        let board = self.get_mut()?;
        let r = enter(py, || Ok(board.register(header)))?;
        single(py, r)
    }

    /// Ingests one event of a registered ticket (the JSON form: `{"at": …, "type": …, …}`):
    /// `"accepted"` or `"duplicate"` (same `event_id`); a refusal raises and changes nothing.
    fn ingest(
        &mut self,
        py: Python<'_>,
        ticket_id: &str,
        event: Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let event: Event = from_json(py, &event, "event")?;
        let board = self.get_mut()?;
        let r = enter(py, || Ok(board.ingest(ticket_id, event)))?;
        single(py, r)
    }

    /// Ingests a batch in order, each item its own transaction: dicts in the core's JSON form,
    /// `{"input": "ticket", <header>}` or `{"input": "event", "ticket_id": …, "event": {…}}`.
    /// One outcome per item (a rejected item does not stop the batch).
    fn ingest_batch<'py>(
        &mut self,
        py: Python<'py>,
        inputs: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let inputs: Vec<Input> = from_json(py, &inputs, "inputs")?;
        let board = self.get_mut()?;
        let results = enter(py, || Ok(board.ingest_batch(inputs)))?;
        per_item(py, results)
    }

    /// Registers one ticket (a dict in the JSON form of `load_json`, events included) and
    /// ingests its events in order: one outcome per item, the header's first.
    fn ingest_ticket<'py>(
        &mut self,
        py: Python<'py>,
        ticket: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ticket: Ticket = from_json(py, &ticket, "ticket")?;
        let board = self.get_mut()?;
        let results = enter(py, || Ok(board.ingest_ticket(ticket)))?;
        per_item(py, results)
    }

    /// Ingests whole tickets (header then events, in order):
    /// `{"accepted": n, "duplicate": n, "rejected": [errors]}`.
    fn ingest_tickets<'py>(
        &mut self,
        py: Python<'py>,
        tickets: Bound<'py, Tickets>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let tickets = tickets.get().set.clone();
        let board = self.get_mut()?;
        let results = enter(py, || {
            let inputs = tickets.tickets().iter().flat_map(|t: &Ticket| {
                std::iter::once(Input::Ticket(TicketHeader::of(t))).chain(t.events.iter().map(
                    |e| Input::Event {
                        ticket_id: t.id.clone(),
                        event: e.clone(),
                    },
                ))
            });
            Ok(board.ingest_batch(inputs))
        })?;
        outcomes(py, results)
    }

    /// Sets the external metric `name` (declared in the scheme's `external` list) of `unit` for
    /// `period`; `value` is a `Decimal`, an `int` or a decimal string.
    fn set_external(
        &mut self,
        py: Python<'_>,
        period: Bound<'_, Period>,
        unit: &str,
        name: &str,
        value: Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let value = decimal_in(py, &value, "value")?;
        let p = period.get().inner.clone();
        let board = self.get_mut()?;
        enter(py, || board.set_external(&p, unit, name, value))
    }

    /// The scheme's period containing `as_of`.
    fn period_at(&self, py: Python<'_>, as_of: Bound<'_, PyAny>) -> PyResult<Period> {
        let t = instant::extract(py, &as_of)?;
        let board = self.get()?;
        Ok(Period {
            inner: enter(py, || board.period_at(t))?,
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
        let p = self.period(py, period, t)?;
        let board = self.get()?;
        let table = enter(py, || board.metrics(&p, t))?;
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
        let p = self.period(py, period, t)?;
        let board = self.get()?;
        let scores = enter(py, || board.scores_in(&p, t))?;
        Ok(Scores::new(scores, board.scheme().decimals()))
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
        let p = self.period(py, period, t)?;
        let board = self.get()?;
        let s = enter(py, || board.standings_in(&p, t))?;
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
        let p = self.period(py, period, t)?;
        let board = self.get()?;
        let s = enter(py, || board.scorecard_in(&p, unit, t))?;
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
        let board = self.get()?;
        let s = enter(py, || board.deadline_statuses(unit, t))?;
        Report::of(py, &s)
    }

    /// Period warnings at `as_of`, in the scheme's period containing it (or in `period`); empty
    /// outside the warning window.
    #[pyo3(signature = (as_of, *, period=None))]
    fn warnings(
        &self,
        py: Python<'_>,
        as_of: Bound<'_, PyAny>,
        period: Option<Bound<'_, Period>>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let p = self.period(py, period, t)?;
        let board = self.get()?;
        let s = enter(py, || board.warnings_in(&p, t))?;
        Report::of(py, &s)
    }

    /// Closes `period` at `as_of` (its scores join the history the sanctions read).
    fn close_period(
        &mut self,
        py: Python<'_>,
        period: Bound<'_, Period>,
        as_of: Bound<'_, PyAny>,
    ) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let p = period.get().inner.clone();
        let board = self.get_mut()?;
        let closed = enter(py, || board.close_period(&p, t))?;
        Report::of(py, &closed)
    }

    /// The frozen scores of the closed periods, oldest first.
    fn history(&self) -> PyResult<Vec<Scores>> {
        let board = self.get()?;
        let decimals = board.scheme().decimals();
        Ok(board
            .history()
            .iter()
            .map(|s| Scores::new(s.clone(), decimals))
            .collect())
    }

    /// The sanctions ladder over the closed periods.
    fn sanctions(&self, py: Python<'_>) -> PyResult<Report> {
        let board = self.get()?;
        let s = enter(py, || board.sanctions())?;
        Report::of(py, &s)
    }

    /// Counts of what the board holds.
    fn stats(&self, py: Python<'_>) -> PyResult<Report> {
        Report::of(py, &self.get()?.stats())
    }

    /// The scheme the board scores with.
    fn scheme(&self) -> PyResult<Scheme> {
        Ok(Scheme {
            inner: Arc::new(self.get()?.scheme().clone()),
        })
    }

    /// The board's evaluator (calendar, policy and units), for batch evaluation of its tickets.
    fn evaluator(&self, py: Python<'_>) -> PyResult<Evaluator> {
        let board = self.get()?;
        let (ev, units) = enter(py, || {
            Ok((board.evaluator().clone(), board.units().to_vec()))
        })?;
        Ok(Evaluator {
            inner: Arc::new(ev),
            units: Arc::new(units),
        })
    }

    /// The units table (`unit, group, name`).
    fn units(&self) -> PyResult<Table> {
        units_table(self.get()?.units())
    }

    /// The period anchor of due-anchored counters: `"due_date"` or `"due_or_closed"`.
    #[getter]
    fn due_anchor(&self) -> PyResult<&'static str> {
        Ok(due_anchor_out(self.get()?.due_anchor()))
    }

    /// One ticket as the board holds it (header and events in time order, the core's JSON
    /// form), or `None` if it is not registered.
    fn ticket(&self, py: Python<'_>, ticket_id: &str) -> PyResult<Option<Report>> {
        self.get()?
            .ticket(ticket_id)
            .map(|t| Report::of(py, t))
            .transpose()
    }

    /// Every ticket, in registration order, with the board's units table.
    fn tickets(&self, py: Python<'_>) -> PyResult<Tickets> {
        let board = self.get()?;
        let (set, units) = enter(py, || {
            Ok((
                TicketSet::from_tickets(board.tickets().cloned().collect()),
                board.units().to_vec(),
            ))
        })?;
        Ok(Tickets {
            set: Arc::new(set),
            diagnostics: Vec::new(),
            units: Some(Arc::new(units)),
        })
    }

    /// The latest event instant ingested (epoch ms), or `None` before the first.
    #[getter]
    fn latest_event(&self) -> PyResult<Option<i64>> {
        Ok(self
            .get()?
            .latest_event()
            .map(hotline_score::Instant::millis))
    }

    /// End of the last closed period (epoch ms; earlier events are refused), or `None`.
    #[getter]
    fn closed_through(&self) -> PyResult<Option<i64>> {
        Ok(self
            .get()?
            .closed_through()
            .map(hotline_score::Instant::millis))
    }

    /// The whole state as bytes (restore with `restore`).
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let board = self.get()?;
        let bytes = enter(py, || board.snapshot())?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The whole state as JSON.
    fn snapshot_json(&self, py: Python<'_>) -> PyResult<String> {
        let board = self.get()?;
        enter(py, || board.snapshot_json())
    }
}

/// Adds `Board` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Board>()?;
    Ok(())
}
