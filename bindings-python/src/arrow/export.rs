//! Arrow-backed results: [`Table`] (what every tabular result is) and [`ArrowArray`] (the
//! result of a vectorised calendar operation), both exported through the Arrow PyCapsule
//! interface so pyarrow, polars and pandas read them without copying row by row.
//!
//! A table is a stream of record batches. Text columns whose bytes grow with the data are
//! written through [`Texts`], which starts a new Arrow `string` array before one would pass
//! 2 GiB (its offsets are 32-bit); [`Table::from_chunks`] cuts the table's batches wherever any
//! column's arrays end, so every text column is `string` whatever the table's size.

use std::ffi::CStr;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::types::{Decimal128Type, Float64Type, Int64Type, TimestampMillisecondType};
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchIterator, TimestampMillisecondArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList, PyTuple};

const STREAM: &CStr = c"arrow_array_stream";
const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// The most bytes of text one Arrow `string` array holds (its offsets are `i32`).
const STRING_BYTES: usize = i32::MAX as usize;

/// An Arrow error as a Python `ValueError`.
pub fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Instants (epoch milliseconds) as a `timestamp[ms, +08:00]` column: China Standard Time, the
/// zone the platform's tables are written in.
pub fn timestamps(values: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from(values).with_timezone("+08:00"))
}

/// A text column of a table with a row per ticket or event, written as one or more `string`
/// arrays: a new one starts before the current one would pass 2 GiB (a year of 工单 texts).
pub struct Texts {
    done: Vec<ArrayRef>,
    current: StringBuilder,
    /// Bytes announced and not yet written (reserved for the next array when one is started).
    expected: usize,
    /// The first row whose text alone is over 2 GiB (written as null, reported by `finish`).
    too_long: Option<usize>,
}

impl Texts {
    /// A column of about `rows` rows and `bytes` bytes of text (room reserved; grown as needed).
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        Texts {
            done: Vec::new(),
            current: StringBuilder::with_capacity(rows, bytes.min(STRING_BYTES)),
            expected: bytes,
            too_long: None,
        }
    }

    /// Appends a cell.
    pub fn append_value(&mut self, v: &str) {
        self.append_option(Some(v));
    }

    /// Appends a cell or a null.
    pub fn append_option(&mut self, v: Option<&str>) {
        let room = STRING_BYTES - self.current.values_slice().len();
        if v.map_or(0, str::len) > room {
            self.append_past_room(v);
        } else {
            self.current.append_option(v);
        }
    }

    /// Appends a cell the current array has no room for: in a new array, or, longer than any
    /// array holds, as a null that `finish` reports.
    #[cold]
    fn append_past_room(&mut self, v: Option<&str>) {
        if v.map_or(0, str::len) > STRING_BYTES {
            let row = self.done.iter().map(|a| a.len()).sum::<usize>() + self.current.len();
            self.too_long.get_or_insert(row);
            self.current.append_null();
            return;
        }
        let written = self.current.values_slice().len();
        self.expected = self.expected.saturating_sub(written);
        let full = std::mem::replace(
            &mut self.current,
            StringBuilder::with_capacity(0, self.expected.min(STRING_BYTES)),
        );
        self.push_done(full);
        self.current.append_option(v);
    }

    fn push_done(&mut self, mut b: StringBuilder) {
        self.done.push(Arc::new(b.finish()));
    }

    /// The column's arrays, in row order; an error naming the first row (0-based) whose text
    /// no Arrow `string` holds.
    pub fn finish(mut self, column: &str) -> PyResult<Vec<ArrayRef>> {
        if let Some(row) = self.too_long {
            return Err(PyValueError::new_err(format!(
                "column {column:?}, row {row}: the text is longer than an Arrow string holds \
                 ({STRING_BYTES} bytes)"
            )));
        }
        let last = std::mem::take(&mut self.current);
        self.push_done(last);
        Ok(self.done)
    }
}

/// A table of results held in Arrow memory. Read it with `to_pyarrow()`, `to_pandas()`,
/// `to_polars()` or `to_pylist()`, or hand it to any library that reads `__arrow_c_stream__`.
#[pyclass(module = "hotline_score", frozen)]
#[derive(Clone)]
pub struct Table {
    schema: SchemaRef,
    /// At least one batch (so an empty table still carries its columns).
    batches: Vec<RecordBatch>,
    rows: usize,
}

impl Table {
    /// A table of the given named columns (all of one length), one batch.
    pub fn new(columns: Vec<(&str, ArrayRef)>) -> PyResult<Self> {
        Table::from_chunks(columns.into_iter().map(|(n, a)| (n, vec![a])).collect())
    }

    /// A table of the given named columns, each as consecutive arrays (all columns of one
    /// length in all); a batch ends wherever any column's array does.
    pub fn from_chunks(columns: Vec<(&str, Vec<ArrayRef>)>) -> PyResult<Self> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, chunks)| {
                let t = chunks
                    .first()
                    .map_or(DataType::Null, |a| a.data_type().clone());
                Field::new(*name, t, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let mut ends: Vec<usize> = columns
            .iter()
            .flat_map(|(_, chunks)| {
                chunks.iter().scan(0, |end, a| {
                    *end += a.len();
                    Some(*end)
                })
            })
            .collect();
        ends.sort_unstable();
        ends.dedup();
        let rows = ends.last().copied().unwrap_or_default();
        let mut ranges: Vec<Range<usize>> = Vec::with_capacity(ends.len());
        for end in ends {
            let start = ranges.last().map_or(0, |r| r.end);
            if end > start || ranges.is_empty() {
                ranges.push(start..end);
            }
        }
        let batches = ranges
            .into_iter()
            .map(|range| {
                let arrays = columns
                    .iter()
                    .map(|(_, chunks)| rows_of(chunks, range.clone()))
                    .collect();
                RecordBatch::try_new(schema.clone(), arrays).map_err(arrow_err)
            })
            .collect::<PyResult<_>>()?;
        Ok(Table {
            schema,
            batches,
            rows,
        })
    }

    fn stream(&self) -> FFI_ArrowArrayStream {
        let batches = self.batches.clone().into_iter().map(Ok);
        FFI_ArrowArrayStream::new(Box::new(RecordBatchIterator::new(
            batches,
            self.schema.clone(),
        )))
    }

    /// The Python values of column `index`, all batches.
    fn column_values<'py>(
        &self,
        py: Python<'py>,
        index: usize,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let mut out = Vec::with_capacity(self.rows);
        for batch in &self.batches {
            out.extend(values(py, batch.column(index).as_ref())?);
        }
        Ok(out)
    }
}

/// Rows `range` of a column given as consecutive arrays, when one array holds them all (a
/// table's batches never straddle its columns' arrays): that array, or a slice of it; else
/// an empty array, which the batch's length check refuses.
fn rows_of(chunks: &[ArrayRef], range: Range<usize>) -> ArrayRef {
    let mut start = 0;
    for a in chunks {
        let end = start + a.len();
        if start <= range.start && range.end <= end {
            return if range.len() == a.len() {
                a.clone()
            } else {
                a.slice(range.start - start, range.len())
            };
        }
        start = end;
    }
    arrow_array::new_empty_array(chunks.first().map_or(&DataType::Null, |a| a.data_type()))
}

#[pymethods]
impl Table {
    /// The Arrow PyCapsule stream interface.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        PyCapsule::new_with_value(py, self.stream(), STREAM)
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.rows
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    fn __len__(&self) -> usize {
        self.rows
    }

    fn __repr__(&self) -> String {
        format!(
            "<hotline_score.Table {} rows: {}>",
            self.rows,
            self.column_names().join(", ")
        )
    }

    /// This table as a `pyarrow.Table` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }

    /// This table as a `pandas.DataFrame` (needs pandas and pyarrow). An integer or boolean
    /// column with nulls comes out as pandas' nullable `Int64` / `boolean` (pyarrow's default
    /// made it `float64` with NaN, or `object`, which cannot mask a frame: a data-out audit);
    /// columns without nulls keep numpy's dtypes.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let table = Self::to_pyarrow(slf)?;
        let frame = table.call_method0("to_pandas")?;
        // The integer and boolean columns that have nulls.
        let nullable: Vec<String> = {
            let this = slf.borrow();
            this.schema
                .fields()
                .iter()
                .enumerate()
                .filter(|(c, f)| {
                    matches!(f.data_type(), DataType::Int64 | DataType::Boolean)
                        && this.batches.iter().any(|b| b.column(*c).null_count() > 0)
                })
                .map(|(_, f)| f.name().clone())
                .collect()
        };
        if nullable.is_empty() {
            return Ok(frame);
        }
        // Those columns again, converted by pyarrow with pandas' nullable dtypes (vectorised).
        let pandas = py.import("pandas")?;
        let pa = py.import("pyarrow")?;
        let mapping = pyo3::types::PyDict::new(py);
        mapping.set_item(
            pa.call_method0("int64")?,
            pandas.call_method0("Int64Dtype")?,
        )?;
        mapping.set_item(
            pa.call_method0("bool_")?,
            pandas.call_method0("BooleanDtype")?,
        )?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("types_mapper", mapping.getattr("get")?)?;
        let part = table
            .call_method1("select", (nullable.clone(),))?
            .call_method("to_pandas", (), Some(&kwargs))?;
        for name in nullable {
            frame.set_item(name.as_str(), part.get_item(name.as_str())?)?;
        }
        Ok(frame)
    }

    /// This table as a `polars.DataFrame` (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("polars")?.call_method1("DataFrame", (slf,))
    }

    /// The rows as a list of dicts (no dependency). Timestamps are epoch milliseconds.
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let names = self.column_names();
        let columns: Vec<Vec<Bound<'py, PyAny>>> = (0..names.len())
            .map(|c| self.column_values(py, c))
            .collect::<PyResult<_>>()?;
        let rows = PyList::empty(py);
        for i in 0..self.rows {
            let row = PyDict::new(py);
            for (name, col) in names.iter().zip(columns.iter()) {
                if let Some(v) = col.get(i) {
                    row.set_item(name, v)?;
                }
            }
            rows.append(row)?;
        }
        Ok(rows)
    }

    /// The values of one column as a list.
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        let index = self
            .schema
            .index_of(name)
            .map_err(|_| pyo3::exceptions::PyKeyError::new_err(format!("no column {name:?}")))?;
        PyList::new(py, self.column_values(py, index)?)
    }
}

/// Python values of an array of the types results use (strings, int64, float64, booleans,
/// millisecond timestamps as epoch ms, dictionary-encoded strings as their strings).
pub fn values<'py>(py: Python<'py>, arr: &dyn Array) -> PyResult<Vec<Bound<'py, PyAny>>> {
    fn collect<'py, T: IntoPyObject<'py>>(
        py: Python<'py>,
        it: impl Iterator<Item = Option<T>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        it.map(|v| match v {
            Some(x) => x.into_bound_py_any(py),
            None => Ok(py.None().into_bound(py)),
        })
        .collect()
    }
    match arr.data_type() {
        DataType::Utf8 => collect(py, arr.as_string::<i32>().iter()),
        DataType::Int64 => collect(py, arr.as_primitive::<Int64Type>().iter()),
        DataType::Float64 => collect(py, arr.as_primitive::<Float64Type>().iter()),
        DataType::Timestamp(_, _) => {
            collect(py, arr.as_primitive::<TimestampMillisecondType>().iter())
        }
        DataType::Boolean => collect(py, arr.as_boolean().iter()),
        DataType::Decimal128(_, _) => {
            let dec = arr.as_primitive::<Decimal128Type>();
            let class = py.import("decimal")?.getattr("Decimal")?;
            (0..dec.len())
                .map(|i| {
                    if dec.is_null(i) {
                        Ok(py.None().into_bound(py))
                    } else {
                        class.call1((dec.value_as_string(i),))
                    }
                })
                .collect()
        }
        DataType::Null => Ok((0..arr.len()).map(|_| py.None().into_bound(py)).collect()),
        DataType::Dictionary(_, _) => {
            let dict = arr.as_any_dictionary();
            let names = values(py, dict.values().as_ref())?;
            let keys = super::cells::dictionary_keys(dict);
            Ok((0..arr.len())
                .map(|i| {
                    keys.get(i)
                        .filter(|_| arr.is_valid(i))
                        .and_then(|k| names.get(*k))
                        .cloned()
                        .unwrap_or_else(|| py.None().into_bound(py))
                })
                .collect())
        }
        other => Err(PyValueError::new_err(format!(
            "cannot convert Arrow type {other} to Python values"
        ))),
    }
}

/// One Arrow array (the result of a vectorised operation), readable by `pyarrow.array(...)`
/// and `polars.Series(...)` through the PyCapsule interface.
#[pyclass(module = "hotline_score", frozen)]
pub struct ArrowArray {
    array: ArrayRef,
}

impl ArrowArray {
    pub fn new(array: ArrayRef) -> Self {
        ArrowArray { array }
    }
}

#[pymethods]
impl ArrowArray {
    /// The Arrow PyCapsule array interface.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let field = Field::new("", self.array.data_type().clone(), true);
        let schema = FFI_ArrowSchema::try_from(&field).map_err(arrow_err)?;
        let array = FFI_ArrowArray::new(&self.array.to_data());
        let s = PyCapsule::new_with_value(py, schema, SCHEMA)?;
        let a = PyCapsule::new_with_value(py, array, ARRAY)?;
        PyTuple::new(py, [s.into_any(), a.into_any()])
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }

    /// The values as a list.
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, values(py, self.array.as_ref())?)
    }
}
