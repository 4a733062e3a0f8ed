//! Instants across the boundary: timezone-aware `datetime`, RFC 3339 strings with an offset, or
//! integer epoch milliseconds.

use hotline_score::instant::CHINA_OFFSET;
use hotline_score::{Error, Instant};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyString};

use crate::convert::offset_in;
use crate::errors::{enter, enter_hinted};

/// Reads an instant from a Python value.
pub fn extract(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Instant> {
    if value.is_instance_of::<pyo3::types::PyInt>()
        && !value.is_instance_of::<pyo3::types::PyBool>()
    {
        // Epoch milliseconds; past i64 an `invalid_argument` naming the range, not a TypeError.
        // Epoch seconds (`time.time()`) or microseconds are refused, as in data cells.
        let ms = crate::convert::int_in::<i64>(py, value, "instant")?;
        return enter(py, || Instant::from_epoch_argument(ms));
    }
    if let Ok(ms) = value.extract::<i64>()
        && !value.is_instance_of::<pyo3::types::PyBool>()
    {
        return enter(py, || Instant::from_epoch_argument(ms));
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        return parse(py, &text, |t| {
            format!(
                "timestamp {t:?} has no UTC offset; write one (e.g. \"2026-03-02T09:00:00+08:00\"), \
                 or pass a timezone-aware datetime (tzinfo=ZoneInfo(\"Asia/Shanghai\")) or epoch \
                 milliseconds"
            )
        });
    }
    if value.is_instance_of::<PyDateTime>() {
        // A naive datetime's ISO form has no offset: the core refuses it as `missing_offset`.
        let text: String = value.call_method0("isoformat")?.extract()?;
        // `datetime.now(tz)` has microseconds: refused as any sub-millisecond instant, with the
        // Python way to drop them.
        let micros: u32 = value.getattr("microsecond")?.extract()?;
        let aware = !value.getattr("tzinfo")?.is_none();
        if aware && !micros.is_multiple_of(1000) {
            return enter_hinted(
                py,
                || Instant::parse(&text),
                |_| {
                    Some(format!(
                        "datetime {text} has microseconds: instants are whole milliseconds; drop \
                     them with value.replace(microsecond=value.microsecond // 1000 * 1000)"
                    ))
                },
            );
        }
        return parse(py, &text, |t| {
            format!(
                "datetime {t} is naive (no tzinfo); attach a timezone: datetime(2026, 3, 2, 9, 0, \
                 tzinfo=ZoneInfo(\"Asia/Shanghai\")) or value.replace(tzinfo=ZoneInfo(\"Asia/Shanghai\")), \
                 or pass an RFC 3339 string with an offset (\"2026-03-02T09:00:00+08:00\"), or epoch \
                 milliseconds"
            )
        });
    }
    let type_name = value.get_type().name()?;
    if type_name.to_cow()? == "datetime64" {
        // numpy's datetime64 has no time zone (pandas keeps UTC in it): say how to pass it.
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "expected an instant; a numpy.datetime64 has no time zone: if it is UTC (as pandas \
             stores timestamps), pass pd.Timestamp(value, tz=\"UTC\") or epoch milliseconds \
             (int(value.astype(\"datetime64[ms]\").astype(\"int64\")))",
        ));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "expected an instant: a timezone-aware datetime, an RFC 3339 string with offset, or epoch milliseconds; got {type_name}"
    )))
}

/// Reads an instant as [`extract`] does, except that a naive `datetime`, or text without an
/// offset (`2026-03-02 09:30:00`, `2026/3/2 9:30`), is local time in `offset`
/// (`local_offset=...`).
pub fn extract_local(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    offset: time::UtcOffset,
) -> PyResult<Instant> {
    let text: String = if value.is_instance_of::<PyDateTime>() {
        value.call_method0("isoformat")?.extract()?
    } else if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        return extract(py, value);
    };
    enter(py, || Instant::parse_local(&text, offset))
}

/// Parses RFC 3339 text with the core; a missing offset is the core's `missing_offset` error
/// with `fix(text)` as its message (how to write the value in Python).
fn parse(py: Python<'_>, text: &str, fix: impl FnOnce(&str) -> String) -> PyResult<Instant> {
    enter_hinted(
        py,
        || Instant::parse(text),
        |e| matches!(e, Error::MissingOffset { .. }).then(|| fix(text)),
    )
}

/// `parse_instant(value, *, local_offset=None) -> int`: epoch milliseconds of an aware
/// datetime, RFC 3339 string or int; with `local_offset` (`"+08:00"`), a naive datetime or text
/// without an offset is local time in it.
#[pyfunction]
#[pyo3(signature = (value, *, local_offset=None))]
fn parse_instant(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    local_offset: Option<&str>,
) -> PyResult<i64> {
    match local_offset {
        None => extract(py, value),
        Some(o) => extract_local(py, value, offset_in(py, o, "local_offset")?),
    }
    .map(Instant::millis)
}

/// `format_instant(ms, offset="+08:00") -> str`: RFC 3339 in `offset` (`"+08:00"`, `"-05:00"` …),
/// milliseconds only when non-zero.
#[pyfunction]
#[pyo3(signature = (ms, offset=None))]
fn format_instant(py: Python<'_>, ms: &Bound<'_, PyAny>, offset: Option<&str>) -> PyResult<String> {
    let ms = crate::convert::int_in::<i64>(py, ms, "ms")?;
    let offset = match offset {
        Some(o) => offset_in(py, o, "offset")?,
        None => CHINA_OFFSET,
    };
    Ok(Instant::from_millis(ms).format(offset))
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
