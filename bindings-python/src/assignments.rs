//! Evaluated assignments (`Evaluator.evaluate`): one row per assignment (ticket × unit × role)
//! with its five clocks, as an Arrow table filled while the core lends the assignments
//! (`Evaluator::for_each_assignment`, which reads a loaded batch in place), and a table of their
//! extension records. The core's JSON of the same assignments on request.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::types::{Int8Type, Int32Type};
use arrow_array::{ArrayRef, DictionaryArray, Int8Array, Int32Array, Int64Array, StringArray};
use hotline_score::clocks::{
    AssignmentRef, ClockState, EndReason, Evaluator as CoreEvaluator, Outcome, Refusal, Status,
};
use hotline_score::policy::{Clock, TimeBasis};
use hotline_score::ticket::TicketSet;
use hotline_score::{Amount, Instant, Role};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrow::export::{Table, arrow_err, timestamps};
use crate::errors::enter;

/// More than the JSON text of one assignment takes (about 1.3 KB with five clocks).
const BYTES_PER_ASSIGNMENT: usize = 2048;

/// A dictionary column of a fieldless enum (a categorical in pandas and polars): each row a key
/// into the names of `all`.
struct EnumColumn<T: 'static> {
    all: &'static [T],
    name: fn(T) -> &'static str,
    keys: Vec<Option<i8>>,
}

impl<T: Copy + PartialEq> EnumColumn<T> {
    fn new(all: &'static [T], name: fn(T) -> &'static str) -> Self {
        EnumColumn {
            all,
            name,
            keys: Vec::new(),
        }
    }

    fn push(&mut self, value: Option<T>) {
        let key = value.and_then(|v| self.all.iter().position(|x| *x == v));
        self.keys.push(key.and_then(|k| i8::try_from(k).ok()));
    }

    fn finish(self) -> PyResult<ArrayRef> {
        let values = StringArray::from_iter_values(self.all.iter().map(|v| (self.name)(*v)));
        let array =
            DictionaryArray::<Int8Type>::try_new(Int8Array::from(self.keys), Arc::new(values))
                .map_err(arrow_err)?;
        Ok(Arc::new(array))
    }
}

/// A dictionary column of amounts written as in policy files (`24h`, `3wd`); a policy has few.
#[derive(Default)]
struct AmountColumn {
    seen: Vec<Amount>,
    keys: Vec<Option<i32>>,
}

impl AmountColumn {
    fn push(&mut self, amount: Option<Amount>) {
        let key = amount.map(|a| match self.seen.iter().position(|s| *s == a) {
            Some(k) => k,
            None => {
                self.seen.push(a);
                self.seen.len() - 1
            }
        });
        self.keys.push(key.and_then(|k| i32::try_from(k).ok()));
    }

    fn finish(self) -> PyResult<ArrayRef> {
        let values = StringArray::from_iter_values(self.seen.iter().map(Amount::to_string));
        let array =
            DictionaryArray::<Int32Type>::try_new(Int32Array::from(self.keys), Arc::new(values))
                .map_err(arrow_err)?;
        Ok(Arc::new(array))
    }
}

fn millis(t: Option<Instant>) -> Option<i64> {
    t.map(Instant::millis)
}

/// The ten columns of one clock.
struct ClockColumns {
    limit: AmountColumn,
    basis: EnumColumn<TimeBasis>,
    start: Vec<Option<i64>>,
    due: Vec<Option<i64>>,
    finished: Vec<Option<i64>>,
    outcome: EnumColumn<Outcome>,
    status: EnumColumn<Status>,
    warning_at: Vec<Option<i64>>,
    paused: BooleanBuilder,
    paused_ms: Vec<i64>,
}

impl ClockColumns {
    fn new() -> Self {
        ClockColumns {
            limit: AmountColumn::default(),
            basis: EnumColumn::new(TimeBasis::ALL, TimeBasis::name),
            start: Vec::new(),
            due: Vec::new(),
            finished: Vec::new(),
            outcome: EnumColumn::new(Outcome::ALL, Outcome::name),
            status: EnumColumn::new(Status::ALL, Status::name),
            warning_at: Vec::new(),
            paused: BooleanBuilder::new(),
            paused_ms: Vec::new(),
        }
    }

    fn push(&mut self, c: &ClockState) {
        self.limit.push(c.limit.map(|l| l.amount));
        self.basis.push(c.limit.map(|l| l.clock));
        self.start.push(millis(c.start));
        self.due.push(millis(c.due));
        self.finished.push(millis(c.finished));
        self.outcome.push(Some(c.outcome));
        self.status.push(c.status);
        self.warning_at.push(millis(c.warning_at));
        self.paused.append_value(c.paused);
        self.paused_ms.push(c.paused_ms);
    }

    fn finish(mut self, clock: Clock, columns: &mut Vec<(String, ArrayRef)>) -> PyResult<()> {
        let name = |column: &str| format!("{}_{column}", clock.name());
        columns.extend([
            (name("limit"), self.limit.finish()?),
            (name("basis"), self.basis.finish()?),
            (name("start"), timestamps(self.start)),
            (name("due"), timestamps(self.due)),
            (name("finished"), timestamps(self.finished)),
            (name("outcome"), self.outcome.finish()?),
            (name("status"), self.status.finish()?),
            (name("warning_at"), timestamps(self.warning_at)),
            (name("paused"), Arc::new(self.paused.finish())),
            (
                name("paused_ms"),
                Arc::new(Int64Array::from(self.paused_ms)),
            ),
        ]);
        Ok(())
    }
}

/// The key of an assignment, first in both tables: `ticket_id, unit, role, event_index`.
struct KeyColumns {
    ticket_id: StringBuilder,
    unit: StringBuilder,
    role: EnumColumn<Role>,
    event_index: Vec<i64>,
}

impl KeyColumns {
    fn new() -> Self {
        KeyColumns {
            ticket_id: StringBuilder::new(),
            unit: StringBuilder::new(),
            role: EnumColumn::new(Role::ALL, Role::name),
            event_index: Vec::new(),
        }
    }

    fn push(&mut self, a: &AssignmentRef<'_>) {
        self.ticket_id.append_value(a.ticket_id);
        self.unit.append_value(a.unit);
        self.role.push(Some(a.role));
        self.event_index
            .push(i64::try_from(a.event_index).unwrap_or(i64::MAX));
    }

    fn finish(mut self, columns: &mut Vec<(String, ArrayRef)>) -> PyResult<()> {
        columns.extend([
            (
                "ticket_id".to_owned(),
                Arc::new(self.ticket_id.finish()) as ArrayRef,
            ),
            ("unit".to_owned(), Arc::new(self.unit.finish())),
            ("role".to_owned(), self.role.finish()?),
            (
                "event_index".to_owned(),
                Arc::new(Int64Array::from(self.event_index)),
            ),
        ]);
        Ok(())
    }
}

/// The extension records table, one row per record.
struct ExtensionColumns {
    key: KeyColumns,
    requested_at: Vec<Option<i64>>,
    decided_at: Vec<Option<i64>>,
    amount: AmountColumn,
    approved: BooleanBuilder,
    applied: BooleanBuilder,
    refusal: EnumColumn<Refusal>,
}

/// Both tables, filled one assignment at a time.
struct Builder {
    key: KeyColumns,
    dispatched_at: Vec<Option<i64>>,
    ended_at: Vec<Option<i64>>,
    end_reason: EnumColumn<EndReason>,
    clocks: [ClockColumns; 5],
    extensions: Vec<i64>,
    records: ExtensionColumns,
}

impl Builder {
    fn new() -> Self {
        Builder {
            key: KeyColumns::new(),
            dispatched_at: Vec::new(),
            ended_at: Vec::new(),
            end_reason: EnumColumn::new(EndReason::ALL, EndReason::name),
            clocks: [(); 5].map(|()| ClockColumns::new()),
            extensions: Vec::new(),
            records: ExtensionColumns {
                key: KeyColumns::new(),
                requested_at: Vec::new(),
                decided_at: Vec::new(),
                amount: AmountColumn::default(),
                approved: BooleanBuilder::new(),
                applied: BooleanBuilder::new(),
                refusal: EnumColumn::new(Refusal::ALL, Refusal::name),
            },
        }
    }

    fn push(&mut self, a: &AssignmentRef<'_>) {
        self.key.push(a);
        self.dispatched_at.push(Some(a.dispatched_at.millis()));
        self.ended_at.push(a.ended.map(|e| e.at.millis()));
        self.end_reason.push(a.ended.map(|e| e.reason));
        for (columns, clock) in self.clocks.iter_mut().zip(Clock::ALL) {
            columns.push(a.clocks.get(clock));
        }
        self.extensions
            .push(i64::try_from(a.extensions.len()).unwrap_or(i64::MAX));
        let r = &mut self.records;
        for e in a.extensions {
            r.key.push(a);
            r.requested_at.push(millis(e.requested_at));
            r.decided_at.push(Some(e.decided_at.millis()));
            r.amount.push(e.amount);
            r.approved.append_value(e.approved);
            r.applied.append_value(e.applied);
            r.refusal.push(e.refusal);
        }
    }

    /// The assignments table and the extension records table.
    fn finish(self) -> PyResult<(Table, Table)> {
        let mut columns = Vec::with_capacity(8 + 10 * Clock::ALL.len());
        self.key.finish(&mut columns)?;
        columns.extend([
            ("dispatched_at".to_owned(), timestamps(self.dispatched_at)),
            ("ended_at".to_owned(), timestamps(self.ended_at)),
            ("end_reason".to_owned(), self.end_reason.finish()?),
        ]);
        for (c, clock) in self.clocks.into_iter().zip(Clock::ALL) {
            c.finish(clock, &mut columns)?;
        }
        columns.push((
            "extensions".to_owned(),
            Arc::new(Int64Array::from(self.extensions)),
        ));
        let mut r = self.records;
        let mut records = Vec::with_capacity(10);
        r.key.finish(&mut records)?;
        records.extend([
            ("requested_at".to_owned(), timestamps(r.requested_at)),
            ("decided_at".to_owned(), timestamps(r.decided_at)),
            ("amount".to_owned(), r.amount.finish()?),
            (
                "approved".to_owned(),
                Arc::new(r.approved.finish()) as ArrayRef,
            ),
            ("applied".to_owned(), Arc::new(r.applied.finish())),
            ("refusal".to_owned(), r.refusal.finish()?),
        ]);
        Ok((named(columns)?, named(records)?))
    }
}

fn named(columns: Vec<(String, ArrayRef)>) -> PyResult<Table> {
    Table::new(
        columns
            .iter()
            .map(|(n, a)| (n.as_str(), a.clone()))
            .collect(),
    )
}

/// Every assignment of a set of tickets evaluated at one instant, with its five clocks
/// (`Evaluator.evaluate`). Read it as a table (`to_table()`, one row per assignment; the
/// extension records in `extensions()`) or as the core's JSON (`to_json()`, `to_python()`).
#[pyclass(module = "hotline_score", frozen)]
pub struct Assignments {
    len: usize,
    table: Table,
    extensions: Table,
    tickets: Arc<TicketSet>,
    evaluator: Arc<CoreEvaluator>,
    as_of: Instant,
}

impl Assignments {
    /// Evaluates `tickets` at `as_of` into both tables (the GIL released).
    pub fn evaluate(
        py: Python<'_>,
        tickets: Arc<TicketSet>,
        evaluator: Arc<CoreEvaluator>,
        as_of: Instant,
    ) -> PyResult<Self> {
        let builder = enter(py, || {
            let mut b = Builder::new();
            evaluator.for_each_assignment(tickets.held(), as_of, |a| b.push(a))?;
            Ok(b)
        })?;
        let len = builder.key.event_index.len();
        let (table, extensions) = builder.finish()?;
        Ok(Assignments {
            len,
            table,
            extensions,
            tickets,
            evaluator,
            as_of,
        })
    }
}

#[pymethods]
impl Assignments {
    /// Number of assignments.
    fn __len__(&self) -> usize {
        self.len
    }

    /// One row per assignment, in ticket then dispatch order: `ticket_id, unit, role,
    /// event_index, dispatched_at, ended_at, end_reason`, then ten columns per clock (`sign`,
    /// `contact`, `reply`, `complete`, `return_window`): `<clock>_limit` (the amount, `24h`),
    /// `_basis` (`natural`, `office`, `workdays`), `_start, _due, _finished, _outcome, _status,
    /// _warning_at, _paused, _paused_ms`; last `extensions` (the number of extension records).
    fn to_table(&self) -> Table {
        self.table.clone()
    }

    /// One row per extension record: the assignment's `ticket_id, unit, role, event_index`, then
    /// `requested_at, decided_at, amount, approved, applied, refusal`.
    fn extensions(&self) -> Table {
        self.extensions.clone()
    }

    /// The core's JSON of the assignments (`Evaluator::evaluate_all`'s), byte for byte,
    /// evaluated again and written as the core lends them.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let (ev, tickets, as_of) = (&self.evaluator, &self.tickets, self.as_of);
        let (text, failed) = enter(py, || {
            // An array written element by element is serde_json's compact text of the whole.
            // Room for every assignment up front (untouched room costs no memory): growing the
            // text by doubling would copy a big quarter's gigabytes over and over.
            let mut text = Vec::with_capacity(self.len.saturating_mul(BYTES_PER_ASSIGNMENT));
            text.push(b'[');
            let mut failed = None;
            ev.for_each_assignment(tickets.held(), as_of, |a| {
                if text.len() > 1 {
                    text.push(b',');
                }
                if let Err(e) = serde_json::to_writer(&mut text, a) {
                    failed.get_or_insert(e);
                }
            })?;
            text.push(b']');
            Ok((text, failed))
        })?;
        if let Some(e) = failed {
            return Err(PyValueError::new_err(e.to_string()));
        }
        String::from_utf8(text).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The parsed JSON (`json.loads(self.to_json())`).
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.to_json(py)?;
        py.import("json")?.call_method1("loads", (text,))
    }
}
