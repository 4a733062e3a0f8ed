//! Arrow-backed results: [`Table`] (what every tabular result is) and [`ArrowArray`] (the
//! result of a vectorised calendar operation), both exported through the Arrow PyCapsule
//! interface so pyarrow, polars and pandas read them without copying row by row.

use std::ffi::CStr;
use std::sync::Arc;

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

/// An Arrow error as a Python `ValueError`.
pub fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Instants (epoch milliseconds) as a `timestamp[ms, +08:00]` column: China Standard Time, the
/// zone the platform's tables are written in.
pub fn timestamps(values: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from(values).with_timezone("+08:00"))
}

/// A table of results held in Arrow memory. Read it with `to_pyarrow()`, `to_pandas()`,
/// `to_polars()` or `to_pylist()`, or hand it to any library that reads `__arrow_c_stream__`.
#[pyclass(module = "hotline_score", frozen)]
#[derive(Clone)]
pub struct Table {
    schema: SchemaRef,
    batch: RecordBatch,
}

impl Table {
    /// A table of the given named columns (all of one length).
    pub fn new(columns: Vec<(&str, ArrayRef)>) -> PyResult<Self> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let arrays = columns.into_iter().map(|(_, a)| a).collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(arrow_err)?;
        Ok(Table { schema, batch })
    }

    fn stream(&self) -> FFI_ArrowArrayStream {
        let reader = RecordBatchIterator::new(vec![Ok(self.batch.clone())], self.schema.clone());
        FFI_ArrowArrayStream::new(Box::new(reader))
    }
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
        self.batch.num_rows()
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
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        format!(
            "<hotline_score.Table {} rows: {}>",
            self.batch.num_rows(),
            self.column_names().join(", ")
        )
    }

    /// This table as a `pyarrow.Table` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }

    /// This table as a `pandas.DataFrame` (needs pandas and pyarrow).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::to_pyarrow(slf)?.call_method0("to_pandas")
    }

    /// This table as a `polars.DataFrame` (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("polars")?.call_method1("DataFrame", (slf,))
    }

    /// The rows as a list of dicts (no dependency). Timestamps are epoch milliseconds.
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let names = self.column_names();
        let columns: Vec<Vec<Bound<'py, PyAny>>> = self
            .batch
            .columns()
            .iter()
            .map(|c| values(py, c.as_ref()))
            .collect::<PyResult<_>>()?;
        let rows = PyList::empty(py);
        for i in 0..self.batch.num_rows() {
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
        let col = self
            .batch
            .column_by_name(name)
            .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(format!("no column {name:?}")))?;
        PyList::new(py, values(py, col.as_ref())?)
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
            // `normalized_keys` asserts the values are not empty (a column of nulls has none).
            let keys = if names.is_empty() {
                Vec::new()
            } else {
                dict.normalized_keys()
            };
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
