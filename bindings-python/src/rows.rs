//! Reading a flat table (SPEC §3.2a) into columns of text cells: from any Arrow table
//! (column-wise, no Python object per row) or from a list of dicts (small jobs).

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use time::UtcOffset;

use crate::arrow::cells::{self, CellError, Expect};
use crate::arrow::import;
use crate::arrow::reader::CellReader;
use crate::convert::is_missing;
use crate::errors::{Fields, column_error, raise};
use crate::instant;

/// The layout of one table: its fixed columns, which are required, and whether other
/// columns are allowed (as attributes).
pub struct Layout {
    /// `tickets`, `events` or `units`, for messages.
    pub name: &'static str,
    /// (column, expected type, required).
    pub columns: &'static [(&'static str, Expect, bool)],
    /// Whether other columns are kept (tickets-table attributes) or rejected.
    pub extra: Option<Expect>,
}

/// Columns of text cells, by name, all of length `rows`.
pub struct Columns {
    pub rows: usize,
    pub cells: BTreeMap<String, Vec<Option<String>>>,
}

impl Columns {
    /// Moves the cell out (absent if the column or the cell is).
    pub fn take(&mut self, column: &str, row: usize) -> Option<String> {
        self.cells
            .get_mut(column)
            .and_then(|c| c.get_mut(row))
            .and_then(Option::take)
    }
}

fn expect_of(layout: &Layout, column: &str) -> Option<Expect> {
    layout
        .columns
        .iter()
        .find(|(name, _, _)| *name == column)
        .map(|(_, e, _)| *e)
        .or(layout.extra)
}

fn unknown_column(py: Python<'_>, layout: &Layout, column: &str) -> PyErr {
    let known: Vec<&str> = layout.columns.iter().map(|(n, _, _)| *n).collect();
    column_error(
        py,
        "unknown_column",
        column,
        format!(
            "{} table: unknown column `{column}`; the columns are {}",
            layout.name,
            known.join(", ")
        ),
    )
}

fn check_required(py: Python<'_>, layout: &Layout, present: &[&str]) -> PyResult<()> {
    for (name, expect, required) in layout.columns {
        if *required && !present.contains(name) {
            // A spreadsheet's `Received At` for `received_at`.
            let like = present
                .iter()
                .find(|p| hotline_score::ticket::resembles(p, name))
                .map(|p| format!("; `{p}` looks like it: rename it"))
                .unwrap_or_default();
            return Err(column_error(
                py,
                "missing_column",
                name,
                format!(
                    "{} table has no column `{name}` (expected {}){like}",
                    layout.name,
                    expect.describe()
                ),
            ));
        }
    }
    Ok(())
}

/// Reads a table: an Arrow table (`__arrow_c_stream__`) or a list of dicts; instants without
/// an offset are local time in `local`, if given.
pub fn read(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    layout: &Layout,
    local: Option<UtcOffset>,
) -> PyResult<Columns> {
    if import::is_arrow(obj) {
        read_arrow(py, obj, layout, local)
    } else {
        read_dicts(py, obj, layout, local)
    }
}

fn read_arrow(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    layout: &Layout,
    local: Option<UtcOffset>,
) -> PyResult<Columns> {
    let table = import::read_table(py, obj, layout.name)?;
    let names: Vec<&str> = table
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    let rows = table.batches.iter().map(|b| b.num_rows()).sum();
    // An empty table needs no columns (a list of no dicts has none either).
    if rows > 0 || !names.is_empty() {
        check_required(py, layout, &names)?;
    }
    let mut out = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let expect = expect_of(layout, name)
            .ok_or_else(|| unknown_column(py, layout, name))?
            .localized(local);
        let mut cells = Vec::with_capacity(rows);
        for batch in &table.batches {
            let col = batch.column(i);
            cells::push_text(col.as_ref(), expect, &mut cells)
                .map_err(|e| type_error(py, layout, name, expect, e))?;
        }
        out.insert((*name).to_owned(), cells);
    }
    Ok(Columns { rows, cells: out })
}

fn type_error(
    py: Python<'_>,
    layout: &Layout,
    column: &str,
    expect: Expect,
    e: CellError,
) -> PyErr {
    let message = match e {
        CellError::Type(t) => {
            // pandas turns a column with empty cells into floats: say how to keep its values.
            let floats = if t.is_floating() {
                " (pandas makes a column with empty cells float64: read the CSV with \
                 `dtype=str`, or convert the column, e.g. `.astype(\"Int64\")` for whole \
                 numbers, `.astype(\"boolean\")` for 0/1 flags)"
            } else {
                ""
            };
            format!(
                "{} table: column `{column}` has Arrow type {t}; expected {}{floats}",
                layout.name,
                expect.describe()
            )
        }
        CellError::Naive => format!(
            "{} table: column `{column}` holds timestamps without a time zone; localize them \
             first (pandas: `df[\"{column}\"] = df[\"{column}\"].dt.tz_localize(\"Asia/Shanghai\")`; \
             polars: `pl.col(\"{column}\").dt.replace_time_zone(\"Asia/Shanghai\")`), or \
             read them as local time with `load_rows(..., local_offset=\"+08:00\")`",
            layout.name
        ),
        CellError::Overflow => format!(
            "{} table: column `{column}` holds a timestamp out of range",
            layout.name
        ),
        // Not raised for tables, whose cells are floored to the millisecond.
        CellError::SubMillis(row) => format!(
            "{} table: column `{column}`, row {row}: digits below the millisecond",
            layout.name
        ),
    };
    column_error(py, "invalid_column_type", column, message)
}

fn read_dicts(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    layout: &Layout,
    local: Option<UtcOffset>,
) -> PyResult<Columns> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "the {} table must be an Arrow table (pyarrow, polars, pandas >= 2.2 …) or a list of dicts",
            layout.name
        )));
    }
    if obj.hasattr("collect")? && obj.get_type().name()?.to_cow()? == "LazyFrame" {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "the {} table is a polars LazyFrame: call .collect() first",
            layout.name
        )));
    }
    let mut out: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    let mut rows = 0usize;
    for item in obj.try_iter()? {
        let item = item?;
        let dict = item.cast::<PyDict>().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "{} table row {rows}: expected a dict, got {}",
                layout.name,
                item.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        for (key, value) in crate::convert::entries(dict)? {
            let column: String = key.extract().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "{} table row {rows}: column names are strings; got the key {}",
                    layout.name,
                    key.repr().map(|r| r.to_string()).unwrap_or_default()
                ))
            })?;
            let expect = expect_of(layout, &column)
                .ok_or_else(|| unknown_column(py, layout, &column))?
                .localized(local);
            let cell = py_cell(py, &value, expect, layout, &column, rows)?;
            let col = out.entry(column).or_insert_with(|| vec![None; rows]);
            col.resize(rows, None);
            col.push(cell);
        }
        rows = rows.saturating_add(1);
    }
    for col in out.values_mut() {
        col.resize(rows, None);
    }
    if rows > 0 {
        let present: Vec<&str> = out.keys().map(String::as_str).collect();
        check_required(py, layout, &present)?;
    }
    Ok(Columns { rows, cells: out })
}

/// One Python value as a text cell.
fn py_cell(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    expect: Expect,
    layout: &Layout,
    column: &str,
    row: usize,
) -> PyResult<Option<String>> {
    // None, NaN, pd.NA and pd.NaT (what `DataFrame.to_dict("records")` gives for a missing
    // cell) are absent cells, as nulls are in an Arrow table.
    if is_missing(value)? {
        return Ok(None);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()).filter(|s| !s.is_empty()));
    }
    if value.is_instance_of::<PyBool>() {
        if matches!(expect, Expect::Bool | Expect::Attribute) {
            let b: bool = value.extract()?;
            return Ok(Some(if b { "true" } else { "false" }.to_owned()));
        }
    } else if let Ok(i) = value.extract::<i64>() {
        if expect != Expect::Text {
            return Ok(Some(i.to_string()));
        }
    } else if let Ok(i) = value.cast::<PyInt>() {
        // Beyond i64: written in decimal all the same (an id or attribute keeps every digit; an
        // instant this large is the core's error, naming the ticket).
        if expect != Expect::Text {
            return Ok(Some(i.to_string()));
        }
    } else if expect.is_instant() && value.hasattr("isoformat")? {
        let read = match expect {
            Expect::LocalInstant(offset) => instant::extract_local(py, value, offset),
            _ => instant::extract(py, value),
        };
        // An instant that cannot be read (naive, a date) goes to the core as its ISO text,
        // which names the ticket, event and field — and lenient loading skips that ticket — as
        // for the same text in a string cell. One that can goes as RFC 3339 text, not epoch
        // milliseconds: a typed instant is taken whatever its date (the check before 1973 is
        // for numbers).
        return match read {
            Ok(t) => Ok(Some(t.to_string())),
            Err(_) => Ok(Some(value.call_method0("isoformat")?.extract()?)),
        };
    } else if let Ok(f) = value.cast::<PyFloat>()
        && (expect.is_instant() || expect == Expect::Bool)
    {
        // A float (a column with a missing cell through `to_dict("records")`): its text, read
        // by the core as a CSV cell is (`1772521200000.0` is epoch ms, `1.0` a boolean's error
        // naming the ticket).
        return Ok(Some(f.str()?.to_cow()?.into_owned()));
    }
    // Not a plain Python value (checked last: this is the per-cell path): a numpy scalar
    // (`np.bool_` …) as the Python value it holds; not a `datetime64`, whose `item()` can be
    // naive or nanoseconds (its own error says what to do).
    let kind = value.get_type();
    let text = |t: PyResult<Bound<'_, PyString>>| {
        t.and_then(|t| Ok(t.to_cow()?.into_owned()))
            .unwrap_or_default()
    };
    let (module, name) = (text(kind.module()), text(kind.name()));
    let numpy = module == "numpy" && !(name.contains("time") && name.ends_with("64"));
    if numpy && value.hasattr("item")? {
        let item = value.call_method0("item")?;
        if !item.get_type().is(&kind) {
            return py_cell(py, &item, expect, layout, column, row);
        }
    }
    Err(raise(
        py,
        "DataError",
        &format!(
            "{} table row {row}, column `{column}`: got a {}; expected {}",
            layout.name,
            value.get_type().name()?,
            expect.describe()
        ),
        Fields {
            code: "invalid_cell_type",
            field: Some(column.to_owned()),
            row: Some(row),
            ..Fields::default()
        },
    ))
}

/// The batches of an Arrow table as streaming readers: per batch, its row count and, per column,
/// the column's index in `layout.columns` (for an attribute column: `layout.columns.len()` + its
/// position in the table) and its reader. Columns are checked (required,
/// unknown, type) exactly as by [`read`].
pub type Readers<'a> = Vec<(usize, Vec<(usize, CellReader<'a>)>)>;

pub fn readers<'a>(
    py: Python<'_>,
    table: &'a import::Table,
    layout: &Layout,
    local: Option<UtcOffset>,
) -> PyResult<Readers<'a>> {
    let names: Vec<&str> = table
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    let rows: usize = table.batches.iter().map(|b| b.num_rows()).sum();
    if rows > 0 || !names.is_empty() {
        check_required(py, layout, &names)?;
    }
    let mut slots = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let slot = match layout.columns.iter().position(|(n, _, _)| n == name) {
            Some(slot) => slot,
            // An attribute column (tickets table): slot `columns.len() + table position`.
            None if layout.extra.is_some() => layout.columns.len() + i,
            None => return Err(unknown_column(py, layout, name)),
        };
        slots.push(slot);
    }
    let mut out = Vec::with_capacity(table.batches.len());
    for batch in &table.batches {
        let mut cols = Vec::with_capacity(names.len());
        for ((name, slot), col) in names.iter().zip(&slots).zip(batch.columns()) {
            let expect = layout
                .columns
                .get(*slot)
                .map(|c| c.1)
                .or(layout.extra)
                .unwrap_or(Expect::Text)
                .localized(local);
            let reader = CellReader::new(col.as_ref(), expect)
                .map_err(|e| type_error(py, layout, name, expect, e))?;
            cols.push((*slot, reader));
        }
        out.push((batch.num_rows(), cols));
    }
    Ok(out)
}
