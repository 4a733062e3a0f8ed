//! The one conversion from core errors to Python exceptions, and the one choke point through
//! which every call into the core passes.
//!
//! Exception classes live in `hotline_score/_errors.py` (rooted at `HotlineScoreError`); the
//! family of a code decides the class, and the error's context becomes attributes.

use hotline_score::Error;
use pyo3::prelude::*;

/// The Python exception class name for a core error code.
fn class_for(code: &str) -> &'static str {
    match code {
        "invalid_instant"
        | "missing_offset"
        | "instant_out_of_range"
        | "invalid_amount"
        | "invalid_period" => "InputError",
        _ => "HotlineScoreError",
    }
}

/// Converts a core error into the matching `hotline_score` exception.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    match build(py, &err) {
        Ok(e) => e,
        Err(e) => e,
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let module = py.import("hotline_score._errors")?;
    let class = module.getattr(class_for(err.code()))?;
    let exc = class.call1((err.to_string(),))?;
    let ctx = err.context();
    exc.setattr("code", err.code())?;
    exc.setattr("ticket_id", ctx.ticket_id)?;
    exc.setattr("event_index", ctx.event_index)?;
    exc.setattr("field", ctx.field)?;
    exc.setattr("line", ctx.line)?;
    exc.setattr("column", ctx.column)?;
    Ok(PyErr::from_value(exc))
}

/// Runs `work` with the GIL released and converts its error: the one way into the core.
pub fn enter<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    py.detach(work).map_err(|e| to_py(py, e))
}
