//! Vectorised operations: arrays of instants in (Arrow arrays / columns, or Python sequences),
//! one core call per element with the GIL released, arrays out in the shape they came in
//! (a list for a sequence, a pyarrow array for pyarrow input, a polars Series for polars, a
//! pandas Series with the input's index and name for pandas).

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, TimestampMillisecondArray};
use hotline_score::{Error, Instant};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::arrow::cells::{self, CellError, Instants};
use crate::arrow::export::ArrowArray;
use crate::arrow::import;
use crate::convert::int_in;
use crate::errors::input_error;
use crate::instant;

/// What to do when one element fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Raise the first error (default).
    Raise,
    /// Give `None` / null for that element.
    Null,
}

impl OnError {
    pub fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        match text {
            "raise" => Ok(OnError::Raise),
            "null" => Ok(OnError::Null),
            other => Err(input_error(
                py,
                "invalid_option",
                "errors",
                format!("`errors` must be one of {{\"raise\", \"null\"}}, got {other:?}"),
            )),
        }
    }
}

/// The kind of container the input was, for giving the result back alike.
#[derive(Debug)]
pub enum Shape {
    List,
    Pyarrow,
    Polars,
    /// A pandas Series: a Series back, with the input's index and name, so that
    /// `df["due"] = cal.add_working_array(df["t"], …)` lines up with the frame (in the input's zone).
    Pandas {
        index: Option<Py<PyAny>>,
        name: Option<Py<PyAny>>,
    },
}

/// One input instant: epoch ms of a typed instant (a timestamp, a `datetime`, an `int` already
/// read as an argument), a plain number of an integer column, or text for the core to parse.
pub enum Cell {
    Millis(i64),
    Number(i64),
    Text(String),
}

impl Cell {
    fn instant(&self) -> Result<Instant, Error> {
        match self {
            Cell::Millis(ms) => Ok(Instant::from_millis(*ms)),
            // An integer column says nothing of its unit: epoch seconds are refused, as an
            // `int` argument is (`Instant::from_epoch_argument`).
            Cell::Number(ms) => Instant::from_epoch_argument(*ms),
            Cell::Text(t) => Instant::parse(t),
        }
    }
}

fn shape_of(obj: &Bound<'_, PyAny>) -> Shape {
    let module = obj
        .get_type()
        .getattr("__module__")
        .and_then(|m| m.extract::<String>())
        .unwrap_or_default();
    if module.starts_with("polars") {
        Shape::Polars
    } else if module.starts_with("pandas") {
        let series = obj
            .get_type()
            .name()
            .is_ok_and(|n| n.to_cow().is_ok_and(|n| n == "Series"));
        let attr = |name: &str| obj.getattr(name).ok().map(Bound::unbind);
        Shape::Pandas {
            index: if series { attr("index") } else { None },
            name: attr("name"),
        }
    } else {
        Shape::Pyarrow
    }
}

fn cell_error(py: Python<'_>, what: &str, e: CellError, expect: &str) -> PyErr {
    let message = match e {
        CellError::Type(t) => format!("`{what}` has Arrow type {t}; expected {expect}"),
        CellError::Naive => format!(
            "`{what}` holds timestamps without a time zone; localize them first, e.g. \
             pandas `s.dt.tz_localize(\"Asia/Shanghai\")` or polars \
             `s.dt.replace_time_zone(\"Asia/Shanghai\")`"
        ),
        CellError::Overflow => format!("`{what}` holds a timestamp out of range"),
        CellError::SubMillis(row) => {
            // As a scalar instant with such digits is refused (`invalid_instant`).
            let fields = crate::errors::Fields {
                code: "invalid_instant",
                field: Some(what.to_owned()),
                row: Some(row),
                ..Default::default()
            };
            let message = format!(
                "`{what}[{row}]` has digits below the millisecond: precision is 1 ms, and an \
                 instant given as an argument must be whole milliseconds (floor the column \
                 first: pandas `s.dt.floor(\"ms\")`, polars `s.dt.truncate(\"1ms\")`, or cast it \
                 to `timestamp[ms]`)"
            );
            return crate::errors::raise(py, "InputError", &message, fields);
        }
    };
    input_error(py, "invalid_column_type", what, message)
}

/// Reads an array of instants, and the time zone of a zone-aware timestamp array (results are
/// written in it: a polars `Datetime("ms", "Asia/Shanghai")` column compares with the result,
/// where a fixed `+08:00` zone was a `SchemaError`).
pub fn instants_in(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<(Vec<Option<Cell>>, Shape, Option<String>)> {
    if import::is_arrow(obj) {
        let (field, chunks) = import::read_column(py, obj, what)?;
        let zone = match field.data_type() {
            arrow_schema::DataType::Timestamp(_, Some(tz)) => Some(tz.to_string()),
            _ => None,
        };
        let expect = cells::Expect::Instant.describe();
        let cell = if field.data_type().is_integer() {
            Cell::Number
        } else {
            Cell::Millis
        };
        let out = match cells::instants(&chunks).map_err(|e| cell_error(py, what, e, expect))? {
            Instants::Millis(v) => v.into_iter().map(|x| x.map(cell)).collect(),
            Instants::Text(v) => v.into_iter().map(|x| x.map(Cell::Text)).collect(),
        };
        return Ok((out, shape_of(obj), zone));
    }
    if obj.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "`{what}` must be a sequence or an Arrow array of instants, not a string"
        )));
    }
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        out.push(if item.is_none() || is_missing(&item) {
            None
        } else if let Ok(s) = item.cast::<PyString>() {
            Some(Cell::Text(s.to_cow()?.into_owned()))
        } else {
            Some(Cell::Millis(instant::extract(py, &item)?.millis()))
        });
    }
    Ok((out, Shape::List, None))
}

/// Whether `item` of a sequence is one of the missing values pandas and numpy put in one
/// (`pd.NaT`, `pd.NA`, a float NaN of any width, `numpy.datetime64("NaT")`): null, as `None`
/// is.
fn is_missing(item: &Bound<'_, PyAny>) -> bool {
    if let Ok(f) = item.cast::<pyo3::types::PyFloat>() {
        return f.value().is_nan();
    }
    let kind = item.get_type();
    match kind.name().map(|n| n.to_string()).as_deref() {
        Ok("NaTType" | "NAType") => true,
        Ok("float32" | "float16") => item
            .str()
            .is_ok_and(|s| s.to_cow().is_ok_and(|s| s == "nan")),
        Ok("datetime64") => item
            .str()
            .is_ok_and(|s| s.to_cow().is_ok_and(|s| s == "NaT")),
        _ => false,
    }
}

/// An amount per element: one for all, or one each.
pub enum Amounts {
    All(i64),
    Each(Vec<Option<i64>>),
}

impl Amounts {
    fn get(&self, i: usize) -> Option<i64> {
        match self {
            Amounts::All(v) => Some(*v),
            Amounts::Each(v) => v.get(i).copied().flatten(),
        }
    }
}

/// Reads an int, or an array / sequence of ints of length `len`.
pub fn ints_in(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    what: &str,
    len: usize,
) -> PyResult<Amounts> {
    // A numpy array has `__index__` too (for its size-1 case): a scalar is what has no length
    // (a 0-d array has `__len__` but no length: `len()` fails on it).
    if obj.hasattr("__index__")?
        && obj.len().is_err()
        && !obj.is_instance_of::<pyo3::types::PyBool>()
    {
        return Ok(Amounts::All(int_in(py, obj, what)?));
    }
    let values: Vec<Option<i64>> = if import::is_arrow(obj) {
        let (field, chunks) = import::read_column(py, obj, what)?;
        // An instant (a timestamp or date column) is no amount of time; integers, nulls and
        // the empty float columns pandas makes of missing values read as before.
        let t = field.data_type();
        if matches!(
            t,
            arrow_schema::DataType::Timestamp(..)
                | arrow_schema::DataType::Date32
                | arrow_schema::DataType::Date64
        ) {
            return Err(input_error(
                py,
                "invalid_column_type",
                what,
                format!("`{what}` must hold integers (milliseconds); got {t}"),
            ));
        }
        match cells::instants(&chunks).map_err(|e| cell_error(py, what, e, "int64 milliseconds"))? {
            Instants::Millis(v) => v,
            Instants::Text(_) => {
                return Err(input_error(
                    py,
                    "invalid_column_type",
                    what,
                    format!("`{what}` must hold integers (milliseconds), not strings"),
                ));
            }
        }
    } else if obj.is_instance_of::<PyString>() {
        return Err(input_error(
            py,
            "invalid_argument",
            what,
            format!("`{what}` must be an int or a sequence of ints, not a string"),
        ));
    } else {
        let mut values = Vec::new();
        let items = obj.try_iter().map_err(|_| {
            input_error(
                py,
                "invalid_argument",
                what,
                format!(
                    "`{what}` must be an int or a sequence of ints; got a {}",
                    obj.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ),
            )
        })?;
        for (i, item) in items.enumerate() {
            let item = item?;
            values.push(if item.is_none() {
                None
            } else {
                Some(int_in(py, &item, &format!("{what}[{i}]"))?)
            });
        }
        values
    };
    same_len(py, len, values.len(), what)?;
    Ok(Amounts::Each(values))
}

/// Fails unless two arrays have the same length.
pub fn same_len(py: Python<'_>, want: usize, got: usize, what: &str) -> PyResult<()> {
    if want == got {
        Ok(())
    } else {
        Err(input_error(
            py,
            "length_mismatch",
            what,
            format!("`{what}` has {got} elements; expected {want}"),
        ))
    }
}

fn settle(r: Result<Option<i64>, Error>, on_error: OnError) -> Result<Option<i64>, Error> {
    match (r, on_error) {
        (Ok(v), _) => Ok(v),
        (Err(_), OnError::Null) => Ok(None),
        (Err(e), OnError::Raise) => Err(e),
    }
}

type In = Result<Instant, Error>;

/// Applies `f` to every present element.
pub fn map1(
    xs: &[Option<Cell>],
    on_error: OnError,
    f: impl Fn(In) -> Result<Option<i64>, Error>,
) -> Result<Vec<Option<i64>>, Error> {
    xs.iter()
        .map(|x| match x {
            None => Ok(None),
            Some(c) => settle(f(c.instant()), on_error),
        })
        .collect()
}

/// Applies `f` to every pair of present elements.
pub fn map2(
    xs: &[Option<Cell>],
    ys: &[Option<Cell>],
    on_error: OnError,
    f: impl Fn(In, In) -> Result<Option<i64>, Error>,
) -> Result<Vec<Option<i64>>, Error> {
    xs.iter()
        .zip(ys.iter())
        .map(|(x, y)| match (x, y) {
            (Some(a), Some(b)) => settle(f(a.instant(), b.instant()), on_error),
            _ => Ok(None),
        })
        .collect()
}

/// Applies `f` to every present element and its amount.
pub fn map_shift(
    xs: &[Option<Cell>],
    amounts: &Amounts,
    on_error: OnError,
    f: impl Fn(In, i64) -> Result<Option<i64>, Error>,
) -> Result<Vec<Option<i64>>, Error> {
    xs.iter()
        .enumerate()
        .map(|(i, x)| match (x, amounts.get(i)) {
            (Some(c), Some(ms)) => settle(f(c.instant(), ms), on_error),
            _ => Ok(None),
        })
        .collect()
}

fn out<'py>(
    py: Python<'py>,
    values: Vec<Option<i64>>,
    shape: Shape,
    array: impl FnOnce(Vec<Option<i64>>) -> ArrayRef,
) -> PyResult<Bound<'py, PyAny>> {
    let module = match shape {
        Shape::List => return Ok(PyList::new(py, values)?.into_any()),
        Shape::Pyarrow | Shape::Pandas { .. } => ("pyarrow", "array"),
        Shape::Polars => ("polars", "Series"),
    };
    let holder = ArrowArray::new(array(values));
    let made = py.import(module.0)?.call_method1(module.1, (holder,))?;
    let Shape::Pandas { index, name } = shape else {
        return Ok(made);
    };
    // pyarrow's own conversion (a zone-aware `datetime64[ms, +08:00]` for instants, NaT for
    // nulls); durations as pandas' nullable `Int64` (not float64 with NaN for a null).
    let pandas = py.import("pandas")?;
    let int64 = py.import("pyarrow")?.call_method0("int64")?;
    let mapping = pyo3::types::PyDict::new(py);
    mapping.set_item(int64, pandas.call_method0("Int64Dtype")?)?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("types_mapper", mapping.getattr("get")?)?;
    let series = made.call_method("to_pandas", (), Some(&kwargs))?;
    if let Some(index) = index {
        series.setattr("index", index)?;
    }
    if let Some(name) = name {
        series.setattr("name", name)?;
    }
    Ok(series)
}

/// Instants out: epoch ms in a list, or `timestamp[ms, tz=<zone>]` arrays (the input's zone, else
/// the calendar's offset).
pub fn instants_out<'py>(
    py: Python<'py>,
    values: Vec<Option<i64>>,
    shape: Shape,
    zone: &str,
) -> PyResult<Bound<'py, PyAny>> {
    out(py, values, shape, |v| {
        Arc::new(TimestampMillisecondArray::from(v).with_timezone(zone.to_owned()))
    })
}

/// Durations out: milliseconds, in a list or an `int64` array.
pub fn durations_out<'py>(
    py: Python<'py>,
    values: Vec<Option<i64>>,
    shape: Shape,
) -> PyResult<Bound<'py, PyAny>> {
    out(py, values, shape, |v| Arc::new(Int64Array::from(v)))
}
