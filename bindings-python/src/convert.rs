//! Conversions of plain Python values: dates, JSON-like dicts, offsets, modes and paths.

use hotline_score::calendar::DateRange;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyString};
use rust_decimal::Decimal;
use serde::Serialize;
use time::{Date, UtcOffset};

use crate::errors::{enter, input_error};

/// Reads a date: a `datetime.date` (not a `datetime`) or a `YYYY-MM-DD` string.
pub fn date_in(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Date> {
    let datetime = py.import("datetime")?;
    if value.is_instance(&datetime.getattr("datetime")?)? {
        return Err(input_error(
            py,
            "invalid_date",
            what,
            format!("`{what}` must be a date, not a datetime: pass value.date() or \"YYYY-MM-DD\""),
        ));
    }
    if value.is_instance(&datetime.getattr("date")?)? {
        let y: i32 = value.getattr("year")?.extract()?;
        let m: u8 = value.getattr("month")?.extract()?;
        let d: u8 = value.getattr("day")?.extract()?;
        let month = time::Month::try_from(m)
            .map_err(|e| input_error(py, "invalid_date", what, e.to_string()))?;
        return Date::from_calendar_date(y, month, d)
            .map_err(|e| input_error(py, "invalid_date", what, e.to_string()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        let range = enter(py, || DateRange::parse(&text))?;
        if range.first == range.last {
            return Ok(range.first);
        }
    }
    Err(input_error(
        py,
        "invalid_date",
        what,
        format!("`{what}` must be a datetime.date or a \"YYYY-MM-DD\" string"),
    ))
}

/// A `datetime.date`.
pub fn date_out<'py>(py: Python<'py>, date: Date) -> PyResult<Bound<'py, PyAny>> {
    py.import("datetime")?
        .getattr("date")?
        .call1((date.year(), u8::from(date.month()), date.day()))
}

/// JSON text of a dict / list (via `json.dumps`), or the string itself if given one.
pub fn json_text(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("ensure_ascii", false)?;
    kwargs.set_item("default", py.import("builtins")?.getattr("str")?)?;
    py.import("json")?
        .call_method("dumps", (value,), Some(&kwargs))?
        .extract()
}

/// The core's JSON of `value` (its `serde_json` bytes), serialized with the GIL released.
pub fn json_out<T: Serialize + Sync + ?Sized>(py: Python<'_>, value: &T) -> PyResult<String> {
    enter(py, || Ok(serde_json::to_string(value)))?
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Reads an exact number: a `Decimal`, an `int` or a decimal string; floats are refused
/// (`invalid_value`, naming `what`).
pub fn decimal_in(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Decimal> {
    let text = if value.is_instance_of::<PyString>() {
        value.extract::<String>()?
    } else if value.is_instance_of::<PyFloat>() {
        return Err(input_error(
            py,
            "invalid_value",
            what,
            format!("`{what}`: floats are not exact; pass a Decimal, an int or a decimal string"),
        ));
    } else {
        value.str()?.extract::<String>()?
    };
    hotline_score::scheme::num::parse(&text)
        .map(|n| n.get())
        .map_err(|reason| input_error(py, "invalid_value", what, format!("`{what}`: {reason}")))
}

/// Reads a fixed UTC offset written `+HH:MM`, given as argument `field` (an `InputError`
/// naming it otherwise).
pub fn offset_in(py: Python<'_>, text: &str, field: &str) -> PyResult<UtcOffset> {
    let fmt = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    UtcOffset::parse(text, fmt).map_err(|_| {
        input_error(
            py,
            "invalid_offset",
            field,
            format!("`{field}` {text:?} must be written like \"+08:00\""),
        )
    })
}

/// Formats a UTC offset as `+HH:MM`.
pub fn offset_out(offset: UtcOffset) -> String {
    let (h, m, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// Reads `strict` / `lenient`.
pub fn mode_in(py: Python<'_>, mode: &str) -> PyResult<hotline_score::ticket::Mode> {
    match mode {
        "strict" => Ok(hotline_score::ticket::Mode::Strict),
        "lenient" => Ok(hotline_score::ticket::Mode::Lenient),
        other => Err(input_error(
            py,
            "invalid_mode",
            "mode",
            format!("`mode` must be one of {{\"strict\", \"lenient\"}}, got {other:?}"),
        )),
    }
}

/// Reads a filesystem path (`str` or `os.PathLike`).
pub fn path_in(value: &Bound<'_, PyAny>) -> PyResult<std::path::PathBuf> {
    value.extract()
}

/// Threads for the core's big jobs (reading a large events table, evaluating a large batch):
/// every core this process may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
