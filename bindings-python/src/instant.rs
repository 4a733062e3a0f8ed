//! Instants across the boundary: timezone-aware `datetime`, RFC 3339 strings with an offset, or
//! integer epoch milliseconds.

use hotline_score::Instant;
use hotline_score::instant::CHINA_OFFSET;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyString};

use crate::errors::enter;

/// Reads an instant from a Python value.
pub fn extract(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Instant> {
    if let Ok(ms) = value.extract::<i64>()
        && !value.is_instance_of::<pyo3::types::PyBool>()
    {
        return Ok(Instant::from_millis(ms));
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        return enter(py, || Instant::parse(&text));
    }
    if value.is_instance_of::<PyDateTime>() {
        let text: String = value.call_method0("isoformat")?.extract()?;
        return enter(py, || Instant::parse(&text));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "expected an instant: a timezone-aware datetime, an RFC 3339 string with offset, or epoch milliseconds; got {}",
        value.get_type().name()?
    )))
}

/// `parse_instant(value) -> int`: epoch milliseconds of an aware datetime, RFC 3339 string or int.
#[pyfunction]
fn parse_instant(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<i64> {
    extract(py, value).map(Instant::millis)
}

/// `format_instant(ms) -> str`: RFC 3339 in +08:00, milliseconds only when non-zero.
#[pyfunction]
fn format_instant(ms: i64) -> String {
    Instant::from_millis(ms).format(CHINA_OFFSET)
}

/// `parse_amount(text) -> str`: checks an amount as written in policy files and events (`30m`,
/// `2h`, `2wh`, `3wd`) and returns its canonical form (`"120m"` → `"2h"`).
#[pyfunction]
fn parse_amount(py: Python<'_>, text: &str) -> PyResult<String> {
    enter(py, || {
        Ok(text.parse::<hotline_score::Amount>()?.to_string())
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_amount, m)?)?;
    m.add_function(wrap_pyfunction!(parse_instant, m)?)?;
    m.add_function(wrap_pyfunction!(format_instant, m)?)?;
    Ok(())
}
