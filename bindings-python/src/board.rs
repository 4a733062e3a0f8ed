//! `hotline_score.Board`: the real-time scoreboard (SPEC §8) — ingest events one at a time or
//! in batches, ask standings, scorecards, deadline statuses and warnings at any `as_of`,
//! close periods, snapshot and restore.

use hotline_score::Calendar as CoreCalendar;
use hotline_score::board::{Board as CoreBoard, BoardBuilder, Ingest, Input, TicketHeader};
use hotline_score::metrics::DueAnchor;
use hotline_score::ticket::{Event, Ticket};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::calendar::Calendar;
use crate::convert::json_text;
use crate::errors::{enter, input_error, to_py};
use crate::instant;
use crate::metrics::Period;
use crate::policy::policy_in;
use crate::scheme::{Report, Scores, scheme_in};
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
}

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
    let rejected = pyo3::types::PyList::empty(py);
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

fn single(py: Python<'_>, r: Ingest) -> PyResult<&'static str> {
    match r {
        Ingest::Accepted => Ok("accepted"),
        Ingest::Duplicate => Ok("duplicate"),
        Ingest::Rejected(e) => Err(to_py(py, e)),
    }
}

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
    let due_anchor = match due_anchor {
        "due_date" => DueAnchor::DueDate,
        "due_or_closed" => DueAnchor::DueOrClosed,
        other => {
            return Err(input_error(
                py,
                "invalid_option",
                "due_anchor",
                format!(
                    "`due_anchor` must be one of {{\"due_date\", \"due_or_closed\"}}, got {other:?}"
                ),
            ));
        }
    };
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
        let r = py.detach(|| board.register(header));
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
        let r = py.detach(|| board.ingest(ticket_id, event));
        single(py, r)
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
        let results = py.detach(|| {
            let inputs = tickets.tickets().iter().flat_map(|t: &Ticket| {
                std::iter::once(Input::Ticket(TicketHeader::of(t))).chain(t.events.iter().map(
                    |e| Input::Event {
                        ticket_id: t.id.clone(),
                        event: e.clone(),
                    },
                ))
            });
            board.ingest_batch(inputs)
        });
        outcomes(py, results)
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
        let board = self.get()?;
        let scores = match period {
            Some(p) => {
                let p = p.get().inner.clone();
                enter(py, || board.scores_in(&p, t))?
            }
            None => enter(py, || board.scores(t))?,
        };
        Ok(Scores::new(scores, board.scheme().decimals()))
    }

    /// Standings per group at `as_of`.
    fn standings(&self, py: Python<'_>, as_of: Bound<'_, PyAny>) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let board = self.get()?;
        let s = enter(py, || board.standings(t))?;
        Report::of(py, &s)
    }

    /// One unit's scorecard with explanations at `as_of`.
    fn scorecard(&self, py: Python<'_>, unit: &str, as_of: Bound<'_, PyAny>) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let board = self.get()?;
        let s = enter(py, || board.scorecard(unit, t))?;
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

    /// Period warnings at `as_of`.
    fn warnings(&self, py: Python<'_>, as_of: Bound<'_, PyAny>) -> PyResult<Report> {
        let t = instant::extract(py, &as_of)?;
        let board = self.get()?;
        let s = enter(py, || board.warnings(t))?;
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

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Board>()?;
    Ok(())
}
