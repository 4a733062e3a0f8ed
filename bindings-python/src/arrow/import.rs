//! Importing Arrow data from Python through the Arrow PyCapsule interface: any object with
//! `__arrow_c_stream__` (pyarrow Table / ChunkedArray, polars DataFrame / Series, pandas ≥ 2.2
//! DataFrame, duckdb …) or `__arrow_c_array__` (pyarrow Array, RecordBatch).
//!
//! The only `unsafe` of the binding lives here: taking the C structs out of their capsules and
//! driving the C stream callbacks, exactly as the Arrow C data / stream interface specifies.

#![allow(unsafe_code)]

use std::ffi::CStr;
use std::sync::Arc;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray, make_array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};

use crate::errors;

const STREAM: &CStr = c"arrow_array_stream";
const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// Whether `obj` speaks the Arrow PyCapsule interface.
pub fn is_arrow(obj: &Bound<'_, PyAny>) -> bool {
    obj.hasattr("__arrow_c_stream__").unwrap_or(false)
        || obj.hasattr("__arrow_c_array__").unwrap_or(false)
}

/// A table read from Python: its schema and record batches.
pub struct Table {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// Reads `obj` as a table (a stream of struct arrays). `what` names the argument in errors.
pub fn read_table(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Table> {
    let (field, arrays) = read(py, obj, what)?;
    let DataType::Struct(fields) = field.data_type() else {
        return Err(errors::input_error(
            py,
            "invalid_table",
            what,
            format!(
                "`{what}` must be a table (a DataFrame or pyarrow Table); its Arrow type is {}",
                field.data_type()
            ),
        ));
    };
    let schema = Arc::new(Schema::new(fields.clone()));
    let mut batches = Vec::with_capacity(arrays.len());
    for array in arrays {
        let Some(s) = array.as_any().downcast_ref::<StructArray>() else {
            return Err(bad_stream(
                py,
                what,
                "a batch is not a struct array".to_owned(),
            ));
        };
        let batch = RecordBatch::try_new(schema.clone(), s.columns().to_vec())
            .map_err(|e| bad_stream(py, what, e.to_string()))?;
        batches.push(batch);
    }
    Ok(Table { schema, batches })
}

/// Reads `obj` as one column (chunks of one array type). `what` names the argument in errors.
pub fn read_column(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<(Field, Vec<ArrayRef>)> {
    read(py, obj, what)
}

fn bad_stream(py: Python<'_>, what: &str, reason: String) -> PyErr {
    errors::input_error(
        py,
        "invalid_arrow_data",
        what,
        format!("`{what}`: cannot read its Arrow data: {reason}"),
    )
}

/// Reads the field and the chunks of an object with `__arrow_c_stream__` or `__arrow_c_array__`.
fn read(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<(Field, Vec<ArrayRef>)> {
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let ptr = capsule.pointer_checked(Some(STREAM))?;
        // SAFETY: the capsule named `arrow_array_stream` holds an `ArrowArrayStream` (Arrow
        // PyCapsule interface); `from_raw` moves it out and marks the original released, so the
        // capsule's destructor will not release it again.
        let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
        return drain(stream).map_err(|e| bad_stream(py, what, e));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema_capsule = pair.get_item(0)?;
        let array_capsule = pair.get_item(1)?;
        let schema_capsule = schema_capsule.cast::<PyCapsule>()?;
        let array_capsule = array_capsule.cast::<PyCapsule>()?;
        let schema_ptr = schema_capsule.pointer_checked(Some(SCHEMA))?;
        let array_ptr = array_capsule.pointer_checked(Some(ARRAY))?;
        // SAFETY: capsules of the Arrow PyCapsule interface: `arrow_schema` holds an
        // `ArrowSchema` (borrowed here, released by its capsule), `arrow_array` an `ArrowArray`
        // that `from_raw` moves out (marking the original released).
        let (schema, array) = unsafe {
            (
                &*schema_ptr.as_ptr().cast::<FFI_ArrowSchema>(),
                FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast()),
            )
        };
        let field = Field::try_from(schema).map_err(|e| bad_stream(py, what, e.to_string()))?;
        // SAFETY: `array` and `schema` come from the same producer and describe each other.
        let data =
            unsafe { from_ffi(array, schema) }.map_err(|e| bad_stream(py, what, e.to_string()))?;
        return Ok((field, vec![make_array(data)]));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "`{what}` must be an Arrow table or array (an object with __arrow_c_stream__ or \
         __arrow_c_array__: pyarrow, polars, pandas >= 2.2 …) or a list; got {}",
        obj.get_type().name()?
    )))
}

/// Drains a C stream: its field (the stream's schema) and every chunk.
fn drain(mut stream: FFI_ArrowArrayStream) -> Result<(Field, Vec<ArrayRef>), String> {
    let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
        return Err("the stream was already consumed".to_owned());
    };
    let mut schema = FFI_ArrowSchema::empty();
    // SAFETY: a live stream's `get_schema` callback with a valid output location.
    let rc = unsafe { get_schema(&mut stream, &mut schema) };
    if rc != 0 {
        return Err(last_error(&mut stream, rc));
    }
    let field = Field::try_from(&schema).map_err(|e| e.to_string())?;
    let mut chunks = Vec::new();
    loop {
        let mut array = FFI_ArrowArray::empty();
        // SAFETY: a live stream's `get_next` callback with a valid output location.
        let rc = unsafe { get_next(&mut stream, &mut array) };
        if rc != 0 {
            return Err(last_error(&mut stream, rc));
        }
        if array.is_released() {
            break;
        }
        // SAFETY: the array was produced by the stream whose schema is `schema`.
        let data = unsafe { from_ffi(array, &schema) }.map_err(|e| e.to_string())?;
        chunks.push(make_array(data));
    }
    Ok((field, chunks))
}

fn last_error(stream: &mut FFI_ArrowArrayStream, rc: i32) -> String {
    let Some(get_last_error) = stream.get_last_error else {
        return format!("stream error {rc}");
    };
    // SAFETY: `get_last_error` returns null or a NUL-terminated string owned by the stream,
    // valid until the next call on it; it is copied at once.
    unsafe {
        let ptr = get_last_error(stream);
        if ptr.is_null() {
            format!("stream error {rc}")
        } else {
            CStr::from_ptr(ptr).to_string_lossy().into_owned()
        }
    }
}
