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
    // A column named twice (pyarrow and polars allow it) would be read once, the other copy
    // dropped: refused, as a CSV header naming a column twice is.
    for (i, f) in fields.iter().enumerate() {
        if fields.iter().take(i).any(|g| g.name() == f.name()) {
            return Err(errors::column_error(
                py,
                "duplicate_column",
                f.name(),
                format!("`{what}`: column `{}` appears twice", f.name()),
            ));
        }
    }
    // pandas writes its index as columns: an unnamed one as `__index_level_N__` (listed in the
    // schema's `pandas` metadata), which is not data; a named index (`set_index("ticket_id")`)
    // keeps its name and is read as the column it names.
    let keep: Vec<usize> = (0..fields.len())
        .filter(|i| fields.get(*i).is_some_and(|f| !is_pandas_index(f.name())))
        .collect();
    let kept: Vec<Field> = keep
        .iter()
        .filter_map(|i| fields.get(*i).map(|f| f.as_ref().clone()))
        .collect();
    let schema = Arc::new(Schema::new(kept));
    let mut batches = Vec::with_capacity(arrays.len());
    for array in arrays {
        let Some(s) = array.as_any().downcast_ref::<StructArray>() else {
            return Err(bad_stream(
                py,
                what,
                "a batch is not a struct array".to_owned(),
            ));
        };
        let columns = keep
            .iter()
            .filter_map(|i| s.columns().get(*i).cloned())
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| bad_stream(py, what, e.to_string()))?;
        batches.push(batch);
    }
    Ok(Table { schema, batches })
}

/// Whether `name` is the column pandas writes for an unnamed index level
/// (`__index_level_0__`, `__index_level_1__` …).
pub fn is_pandas_index(name: &str) -> bool {
    name.strip_prefix("__index_level_")
        .and_then(|rest| rest.strip_suffix("__"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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

/// The first name given twice in pandas' "Duplicate column names found: ['a', 'b', 'a']".
fn repeated_name(message: &str) -> Option<&str> {
    let (_, list) = message.split_once('[')?;
    let (list, _) = list.split_once(']')?;
    let names: Vec<&str> = list
        .split(", ")
        .map(|n| n.trim_matches(|c| c == '\'' || c == '"'))
        .collect();
    names
        .iter()
        .enumerate()
        .find(|(i, n)| names.get(..*i).is_some_and(|before| before.contains(n)))
        .map(|(_, n)| *n)
}

/// The producer's own failure to export a table (pandas converting an object column that
/// mixes text and numbers, as `read_excel` gives; pandas refusing duplicate column names) as a
/// `DataError` naming the column where the producer's message does, the original as its cause.
fn export_failed(py: Python<'_>, what: &str, e: PyErr) -> PyErr {
    // Only a producer's data errors (pyarrow's ArrowInvalid / ArrowTypeError are ValueError /
    // TypeError); a KeyboardInterrupt or MemoryError stays what it is.
    let data_error = e.is_instance_of::<pyo3::exceptions::PyValueError>(py)
        || e.is_instance_of::<pyo3::exceptions::PyTypeError>(py);
    if !data_error {
        return e;
    }
    let message = e.value(py).to_string();
    let column = message
        .split_once("Conversion failed for column ")
        .and_then(|(_, rest)| rest.split_once(" with type"))
        .map(|(c, _)| c.to_owned());
    let out = if message.contains("Duplicate column names") {
        let twice = repeated_name(&message);
        errors::column_error(
            py,
            "duplicate_column",
            twice.unwrap_or(what),
            format!("`{what}`: {message}: each column once"),
        )
    } else if let Some(column) = column {
        errors::column_error(
            py,
            "invalid_column_type",
            &column,
            format!(
                "`{what}`: column `{column}` cannot be exported to Arrow ({message}); a pandas \
                 object column must hold one type (text, or numbers, or booleans), e.g. \
                 `df[\"{column}\"] = df[\"{column}\"].astype(str)` for text"
            ),
        )
    } else {
        bad_stream(
            py,
            what,
            format!("the table could not export itself: {message}"),
        )
    };
    out.set_cause(py, Some(e));
    out
}

/// Reads the field and the chunks of an object with `__arrow_c_stream__` or `__arrow_c_array__`.
fn read(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<(Field, Vec<ArrayRef>)> {
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj
            .call_method0("__arrow_c_stream__")
            .map_err(|e| export_failed(py, what, e))?;
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
        let data =
            import_array(array, schema, field.data_type()).map_err(|e| bad_stream(py, what, e))?;
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
        let data = import_array(array, &schema, field.data_type())?;
        chunks.push(make_array(data));
    }
    Ok((field, chunks))
}

/// Imports one array of a producer whose schema is `schema` (of type `data_type`).
///
/// Null-typed arrays that declare one absent buffer are read as having none: the C data
/// interface gives a null array no buffers and arrow-rs refuses any, but polars exports its
/// `Null` columns with one (an absent validity bitmap). Their buffer count is set to 0 and left
/// so: the producers' release callbacks (pyarrow's, polars', arrow-rs') free through their
/// private data, not the counts, while writing the counts back after the import could touch
/// children already released — a batch of Null columns holds no buffer that keeps the import
/// alive (a review found that write).
///
/// A producer whose batch does not match the schema it declared (a Python generator behind
/// `RecordBatchReader.from_batches` yielding another layout) is this batch's error, never a
/// crash: the array's shape is walked first (children and dictionaries where the type has
/// them, nothing in a Null array), anything arrow's import still asserts is caught, and the
/// imported data is validated before a cell is read. A layout the C interface cannot tell apart
/// (a timestamp unit, a time zone) is the producer's to get right.
fn import_array(
    mut array: FFI_ArrowArray,
    schema: &FFI_ArrowSchema,
    data_type: &DataType,
) -> Result<arrow_data::ArrayData, String> {
    // SAFETY: `array` is a live array of the producer (not yet released); `prepare` follows its
    // pointers only as far as its own counts and `data_type` agree.
    unsafe { prepare(&mut array, data_type) }?;
    let imported = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: `array` and `schema` come from the same producer and describe each other as
        // far as `prepare` can tell; the data is validated below before a cell is read.
        unsafe { from_ffi(array, schema) }
    }));
    let data = match imported {
        Ok(Ok(data)) => data,
        Ok(Err(e)) => return Err(format!("{MISMATCH} ({e})")),
        Err(_) => return Err(MISMATCH.to_owned()),
    };
    // Offsets in bounds and increasing, dictionary keys in range, UTF-8 valid: the readers then
    // read cells without checks.
    data.validate_full()
        .map_err(|e| format!("{MISMATCH} ({e})"))?;
    Ok(data)
}

/// The error of a batch whose buffers do not fit the type its stream declared.
const MISMATCH: &str = "a batch does not match the schema its stream declared";

/// Checks that `array` has the children and dictionary `data_type` gives it, at every level,
/// and sets the buffer count of Null-typed arrays that declare one absent buffer to 0.
///
/// # Safety
/// `array` must be a live C data array.
unsafe fn prepare(array: &mut FFI_ArrowArray, data_type: &DataType) -> Result<(), String> {
    let mismatch = || Err(MISMATCH.to_owned());
    if matches!(data_type, DataType::Null) && array.n_buffers > 0 {
        // SAFETY: `buffers` holds `n_buffers` pointers (the C data interface).
        let absent = array.n_buffers == 1
            && !array.buffers.is_null()
            && unsafe { (*array.buffers).is_null() };
        if !absent {
            return mismatch();
        }
        array.n_buffers = 0;
    }
    let children: Vec<&DataType> = match data_type {
        DataType::Struct(fields) => fields.iter().map(|f| f.data_type()).collect(),
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::Map(f, _) => vec![f.data_type()],
        DataType::Union(fields, _) => fields.iter().map(|(_, f)| f.data_type()).collect(),
        DataType::RunEndEncoded(ends, values) => vec![ends.data_type(), values.data_type()],
        _ => Vec::new(),
    };
    let n = usize::try_from(array.n_children).unwrap_or(usize::MAX);
    if n != children.len() || (n > 0 && array.children.is_null()) {
        return mismatch();
    }
    for (i, child_type) in children.into_iter().enumerate() {
        // SAFETY: `children` holds `n_children` pointers (the C data interface).
        let child = unsafe { *array.children.add(i) };
        // SAFETY: a child of a live array, if not null.
        unsafe { visit(child, child_type) }?;
    }
    match (data_type, array.dictionary.is_null()) {
        (DataType::Dictionary(_, values), false) => {
            // SAFETY: the dictionary of a live dictionary-encoded array.
            unsafe { visit(array.dictionary, values) }
        }
        (DataType::Dictionary(..), true) | (_, false) => mismatch(),
        _ => Ok(()),
    }
}

/// [`prepare`] of one child (or dictionary) `array`, which must not be missing.
///
/// # Safety
/// `array` must be null or point to a live C data array.
unsafe fn visit(array: *mut FFI_ArrowArray, data_type: &DataType) -> Result<(), String> {
    // SAFETY: null or a live array (the caller's contract).
    match unsafe { array.as_mut() } {
        // SAFETY: as above.
        Some(child) => unsafe { prepare(child, data_type) },
        None => Err(MISMATCH.to_owned()),
    }
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
