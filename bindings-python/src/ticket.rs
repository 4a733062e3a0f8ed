//! Tickets in (SPEC §3): the flat `tickets` / `events` / `units` tables as Arrow tables or
//! lists of dicts, or JSON ticket arrays; validated by the core, strict or lenient.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, StringArray};
use hotline_score::Unit;
use hotline_score::ticket::{
    Assembler, Diagnostic, EventRow, EventRowRef, Loaded, LoadedBatch, TicketRow, TicketRowRef,
    TicketSet, load_json_parallel,
};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::arrow::cells::Expect;
use crate::arrow::export::Table;
use crate::arrow::import;
use crate::arrow::reader::CellReader;
use crate::convert::{json_out, json_text, mode_in, offset_in, threads};
use crate::errors::enter;
use crate::rows::{self, Columns, Layout};

const EVENTS: Layout = Layout {
    name: "events",
    columns: &[
        ("ticket_id", Expect::Id, true),
        ("at", Expect::Instant, true),
        ("type", Expect::Text, true),
        ("unit", Expect::Id, false),
        ("role", Expect::Text, false),
        ("reason", Expect::Text, false),
        ("accepted", Expect::Bool, false),
        ("approved", Expect::Bool, false),
        ("amount", Expect::Text, false),
        ("passed", Expect::Bool, false),
        ("satisfaction", Expect::Text, false),
        ("resolved", Expect::Bool, false),
        ("event_id", Expect::Id, false),
    ],
    extra: None,
};

const TICKETS: Layout = Layout {
    name: "tickets",
    columns: &[
        ("ticket_id", Expect::Id, true),
        ("kind", Expect::Text, true),
        ("urgency", Expect::Text, false),
        ("channel", Expect::Id, false),
        ("received_at", Expect::Instant, true),
    ],
    extra: Some(Expect::Attribute),
};

const UNITS: Layout = Layout {
    name: "units",
    columns: &[
        ("unit", Expect::Id, true),
        ("group", Expect::Id, true),
        ("name", Expect::Text, false),
    ],
    extra: None,
};

fn event_rows(mut c: Columns) -> Vec<EventRow> {
    (0..c.rows)
        .map(|i| EventRow {
            ticket_id: c.take("ticket_id", i).unwrap_or_default(),
            at: c.take("at", i).unwrap_or_default(),
            event_type: c.take("type", i).unwrap_or_default(),
            unit: c.take("unit", i),
            role: c.take("role", i),
            reason: c.take("reason", i),
            accepted: c.take("accepted", i),
            approved: c.take("approved", i),
            amount: c.take("amount", i),
            passed: c.take("passed", i),
            satisfaction: c.take("satisfaction", i),
            resolved: c.take("resolved", i),
            event_id: c.take("event_id", i),
        })
        .collect()
}

fn ticket_rows(mut c: Columns) -> Vec<TicketRow> {
    let fixed = TicketRow::COLUMNS;
    let attributes: Vec<String> = c
        .cells
        .keys()
        .filter(|k| !fixed.contains(&k.as_str()))
        .cloned()
        .collect();
    (0..c.rows)
        .map(|i| TicketRow {
            ticket_id: c.take("ticket_id", i).unwrap_or_default(),
            kind: c.take("kind", i).unwrap_or_default(),
            urgency: c.take("urgency", i),
            channel: c.take("channel", i),
            received_at: c.take("received_at", i).unwrap_or_default(),
            attributes: attributes
                .iter()
                .filter_map(|a| c.take(a, i).map(|v| (a.clone(), v)))
                .collect(),
        })
        .collect()
}

/// Reads a units table (Arrow or list of dicts).
pub fn units_in(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<Unit>> {
    let mut c = rows::read(py, obj, &UNITS, None)?;
    Ok((0..c.rows)
        .map(|i| Unit {
            id: c.take("unit", i).unwrap_or_default().into(),
            group: c.take("group", i).unwrap_or_default(),
            name: c.take("name", i).unwrap_or_default(),
        })
        .collect())
}

/// A validated set of tickets, and the diagnostics of the tickets skipped in lenient mode.
#[pyclass(module = "hotline_score", frozen)]
pub struct Tickets {
    pub set: Arc<TicketSet>,
    pub diagnostics: Vec<Diagnostic>,
    pub units: Option<Arc<Vec<Unit>>>,
}

impl Tickets {
    pub fn new(loaded: Loaded, units: Option<Vec<Unit>>) -> Self {
        Tickets {
            set: Arc::new(TicketSet::from_tickets(loaded.tickets)),
            diagnostics: loaded.diagnostics,
            units: units.map(Arc::new),
        }
    }

    fn from_batch(loaded: LoadedBatch, units: Option<Vec<Unit>>) -> Self {
        Tickets {
            set: Arc::new(TicketSet::from_batch(loaded.batch)),
            diagnostics: loaded.diagnostics,
            units: units.map(Arc::new),
        }
    }
}

#[pymethods]
impl Tickets {
    /// Number of valid tickets.
    fn __len__(&self) -> usize {
        self.set.len()
    }

    /// The ids of the valid tickets, in input order.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.set.ids().into_iter().map(str::to_owned).collect()
    }

    /// Number of events over all valid tickets.
    #[getter]
    fn event_count(&self) -> usize {
        self.set.event_count()
    }

    /// One row per skipped ticket (lenient mode): `code, ticket_id, event_index, field, row,
    /// message` (empty in strict mode).
    #[getter]
    fn diagnostics(&self) -> PyResult<Table> {
        let d = &self.diagnostics;
        let text = |f: fn(&Diagnostic) -> &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(d.iter().map(f)))
        };
        // Null where the exception's attribute is `None`: no ticket id, no field.
        let known = |f: fn(&Diagnostic) -> &str| -> ArrayRef {
            Arc::new(StringArray::from_iter(
                d.iter().map(|x| Some(f(x)).filter(|v| !v.is_empty())),
            ))
        };
        let int = |f: fn(&Diagnostic) -> Option<usize>| -> ArrayRef {
            Arc::new(Int64Array::from_iter(
                d.iter().map(|x| f(x).and_then(|v| i64::try_from(v).ok())),
            ))
        };
        Table::new(vec![
            ("code", text(|x| &x.code)),
            ("ticket_id", known(|x| &x.ticket_id)),
            ("event_index", int(|x| x.event_index)),
            ("field", known(|x| &x.field)),
            ("row", int(|x| x.row)),
            ("message", text(|x| &x.message)),
        ])
    }

    /// The tickets as the flat tables of SPEC §3.2a: `(tickets, events)` (Arrow tables that
    /// `load_rows` reads back to the same tickets).
    fn to_tables(&self, py: Python<'_>) -> PyResult<(Table, Table)> {
        let set = self.set.clone();
        // Building the tables can only fail on the Arrow side: converted once the GIL is back.
        let (t, e) = enter(py, || {
            Ok((
                crate::ticket_out::tickets_table(set.batch()),
                crate::ticket_out::events_table(set.batch()),
            ))
        })?;
        Ok((t?, e?))
    }

    /// The tickets as the core's canonical JSON (byte-identical to the Rust library's).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        json_out(py, &*self.set)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hotline_score.Tickets {} tickets, {} events, {} skipped>",
            self.set.len(),
            self.event_count(),
            self.diagnostics.len()
        )
    }
}

/// `load_rows(tickets, events, units=None, *, mode="strict", local_offset=None)`: the flat
/// tables of SPEC §3.2a. An Arrow events table is streamed row by row into the core's assembler
/// through one reused row buffer (GIL released); lists of dicts go through columns of cells.
/// With `local_offset` (`"+08:00"`), timestamps without one (naive timestamp columns and
/// datetimes, text such as `2026-03-02 09:30:00`) are local time in it.
#[pyfunction]
#[pyo3(name = "load_rows", signature = (tickets, events, units=None, *, mode="strict", local_offset=None))]
fn load_rows_py(
    py: Python<'_>,
    tickets: Bound<'_, PyAny>,
    events: Bound<'_, PyAny>,
    units: Option<Bound<'_, PyAny>>,
    mode: &str,
    local_offset: Option<&str>,
) -> PyResult<Tickets> {
    let mode = mode_in(py, mode)?;
    let local = local_offset
        .map(|o| offset_in(py, o, "local_offset"))
        .transpose()?;
    let units = units.map(|u| units_in(py, &u)).transpose()?;
    let assembler = || {
        let asm = Assembler::new(units.as_deref(), mode)?;
        Ok::<_, hotline_score::Error>(match local {
            Some(offset) => asm.with_local_offset(offset),
            None => asm,
        })
    };
    // Arrow tickets tables are streamed row by row into the assembler (no table of rows).
    let ticket_table = if import::is_arrow(&tickets) {
        Some(import::read_table(py, &tickets, TICKETS.name)?)
    } else {
        None
    };
    let ticket_source = match &ticket_table {
        Some(table) => {
            let names: Vec<String> = table
                .schema
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            TicketSource::Arrow(rows::readers(py, table, &TICKETS, local)?, names)
        }
        None => TicketSource::Rows(ticket_rows(rows::read(py, &tickets, &TICKETS, local)?)),
    };
    if import::is_arrow(&events) {
        let table = import::read_table(py, &events, EVENTS.name)?;
        let readers = rows::readers(py, &table, &EVENTS, local)?;
        let loaded = enter(py, || {
            let mut asm = assembler()?.with_threads(threads());
            asm.reserve(ticket_source.len(), readers.iter().map(|(n, _)| *n).sum());
            ticket_source.feed(&mut asm);
            let rows = readers.iter().map(|(n, _)| *n).sum();
            asm.add_events_parallel(rows, |range, sink| {
                read_events(&readers, range, sink);
            });
            asm.finish_batch()
        })?;
        Ok(Tickets::from_batch(loaded, units))
    } else {
        let e = event_rows(rows::read(py, &events, &EVENTS, local)?);
        let loaded = enter(py, || {
            let mut asm = assembler()?;
            ticket_source.feed(&mut asm);
            for row in &e {
                asm.add_event(row);
            }
            asm.finish()
        })?;
        Ok(Tickets::new(loaded, units))
    }
}

/// Where tickets-table rows come from: an Arrow table's streaming readers (with the column
/// names), or rows already read.
enum TicketSource<'a> {
    Arrow(rows::Readers<'a>, Vec<String>),
    Rows(Vec<TicketRow>),
}

impl TicketSource<'_> {
    fn len(&self) -> usize {
        match self {
            TicketSource::Arrow(readers, _) => readers.iter().map(|(n, _)| *n).sum(),
            TicketSource::Rows(rows) => rows.len(),
        }
    }

    /// Adds every row to `asm`, in order.
    fn feed(self, asm: &mut Assembler) {
        match self {
            TicketSource::Rows(rows) => rows.into_iter().for_each(|row| asm.add_ticket(row)),
            TicketSource::Arrow(readers, names) => {
                let rows = readers.iter().map(|(n, _)| *n).sum();
                asm.add_tickets_parallel(rows, |range, sink| {
                    read_tickets(&readers, &names, range, sink);
                });
            }
        }
    }
}

/// Hands rows `range` of a tickets table (numbered across its batches) to `sink`, in order.
fn read_tickets(
    readers: &rows::Readers<'_>,
    names: &[String],
    range: std::ops::Range<usize>,
    sink: &mut dyn FnMut(&TicketRowRef<'_>),
) {
    let columns = readers.iter().map(|(_, cols)| cols.len()).max();
    let mut scratch: Vec<String> = vec![String::new(); columns.unwrap_or(0)];
    each_row(readers, range, |cols, i| {
        let mut attributes = Vec::new();
        let mut row = ticket_row(cols, i, names, &mut scratch, &mut attributes);
        row.attributes = &attributes;
        sink(&row);
    });
}

/// Calls `each(columns, i)` for rows `range` of a table read in batches (rows numbered across
/// the batches; `i` within its batch), in order.
fn each_row<'r, 'a>(
    readers: &'r rows::Readers<'a>,
    range: std::ops::Range<usize>,
    mut each: impl FnMut(&'r [(usize, CellReader<'a>)], usize),
) {
    let mut first = 0usize;
    for (len, cols) in readers {
        let end = first.saturating_add(*len);
        for i in range.start.max(first)..range.end.min(end) {
            each(cols, i - first);
        }
        first = end;
    }
}

/// Row `i` of a tickets table, its cells borrowed from the readers (`scratch`: one buffer per
/// column for integer cells), its attribute cells pushed to `attributes` (`names`: the table's
/// column names, attributes after the fixed columns).
fn ticket_row<'s>(
    cols: &'s [(usize, CellReader<'_>)],
    i: usize,
    names: &'s [String],
    scratch: &'s mut [String],
    attributes: &mut Vec<(&'s str, &'s str)>,
) -> TicketRowRef<'s> {
    let fixed = TICKETS.columns.len();
    let mut row = TicketRowRef::default();
    for ((slot, r), buf) in cols.iter().zip(scratch.iter_mut()) {
        if *slot == 4 {
            row.received_at = r.instant(i, buf);
            continue;
        }
        let cell = r.cell(i, buf);
        match slot {
            0 => row.ticket_id = cell.unwrap_or_default(),
            1 => row.kind = cell.unwrap_or_default(),
            2 => row.urgency = cell,
            3 => row.channel = cell,
            extra => {
                if let (Some(v), Some(name)) = (cell, names.get(extra - fixed)) {
                    attributes.push((name.as_str(), v));
                }
            }
        }
    }
    row
}

/// Hands rows `range` of an events table (numbered across its batches) to `sink`, in order.
fn read_events(
    readers: &rows::Readers<'_>,
    range: std::ops::Range<usize>,
    sink: &mut dyn FnMut(&EventRowRef<'_>),
) {
    let mut scratch: Vec<String> = vec![String::new(); EVENTS.columns.len()];
    each_row(readers, range, |cols, i| {
        sink(&event_row(cols, i, &mut scratch));
    });
}

/// Row `i` of an events table, its cells borrowed from the readers (`scratch`: one buffer per
/// column of `EVENTS.columns` for integer cells).
fn event_row<'s>(
    cols: &'s [(usize, CellReader<'_>)],
    i: usize,
    scratch: &'s mut [String],
) -> EventRowRef<'s> {
    let mut row = EventRowRef::default();
    for ((slot, r), buf) in cols.iter().zip(scratch.iter_mut()) {
        if *slot == 1 {
            row.at = r.instant(i, buf);
            continue;
        }
        let cell = r.cell(i, buf);
        match slot {
            0 => row.ticket_id = cell.unwrap_or_default(),
            2 => row.event_type = cell.unwrap_or_default(),
            3 => row.unit = cell,
            4 => row.role = cell,
            5 => row.reason = cell,
            6 => row.accepted = cell,
            7 => row.approved = cell,
            8 => row.amount = cell,
            9 => row.passed = cell,
            10 => row.satisfaction = cell,
            11 => row.resolved = cell,
            _ => row.event_id = cell,
        }
    }
    row
}

/// `load_json(source, units=None, *, mode="strict")`: a JSON array of tickets (text, or a list
/// of ticket dicts).
#[pyfunction]
#[pyo3(name = "load_json", signature = (source, units=None, *, mode="strict"))]
fn load_json_py(
    py: Python<'_>,
    source: Bound<'_, PyAny>,
    units: Option<Bound<'_, PyAny>>,
    mode: &str,
) -> PyResult<Tickets> {
    let mode = mode_in(py, mode)?;
    let units = units.map(|u| units_in(py, &u)).transpose()?;
    let text = if source.is_instance_of::<PyString>() {
        source.extract::<String>()?
    } else {
        json_text(py, &source, "source")?
    };
    let loaded = enter(py, || {
        load_json_parallel(&text, units.as_deref(), mode, threads())
    })?;
    Ok(Tickets::new(loaded, units))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Tickets>()?;
    m.add_function(wrap_pyfunction!(load_rows_py, m)?)?;
    m.add_function(wrap_pyfunction!(load_json_py, m)?)?;
    Ok(())
}
