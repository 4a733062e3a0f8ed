//! The one conversion from core errors to Python exceptions, and the one choke point through
//! which every call into the core passes.
//!
//! Exception classes live in `hotline_score/_errors.py` (rooted at `HotlineScoreError`); the
//! core error family decides the class, and the error's context becomes attributes
//! (`code`, `ticket_id`, `event_index`, `field`, `line`, `column`, plus `row` and `date` where
//! the core error carries them).

use hotline_score::Error;
use pyo3::prelude::*;

/// The Python exception class of a core error: one class per section of the core's error enum,
/// except `clock_failed` (a clock the calendar cannot serve: `CalendarError`, with its `date`)
/// and `invalid_partial` (rows of a partial-state table: `DataError`).
fn class_for(err: &Error) -> &'static str {
    match err {
        Error::InvalidInstant { .. }
        | Error::MissingOffset { .. }
        | Error::InstantOutOfRange { .. }
        | Error::InvalidPeriod { .. }
        | Error::InvalidAmount { .. } => "InputError",
        Error::OutOfCoverage { .. }
        | Error::NoWorkingTime
        | Error::InvalidCalendar { .. }
        | Error::InvalidDate { .. }
        | Error::InvalidTimeOfDay { .. }
        | Error::IntervalEndsBeforeStart { .. }
        | Error::OverlappingIntervals { .. }
        | Error::UnknownCalendarKey { .. }
        | Error::InvalidCalendarData { .. }
        | Error::ConflictingDateRules { .. }
        | Error::ClockFailed { .. } => "CalendarError",
        Error::InvalidTicket { .. }
        | Error::InvalidTicketJson { .. }
        | Error::DuplicateUnit { .. }
        | Error::InvalidUnitRow { .. }
        | Error::InvalidCityConfig { .. }
        | Error::NoSuchUnit { .. }
        | Error::InvalidPartial { .. } => "DataError",
        Error::InvalidPolicy { .. } | Error::UnknownPolicy { .. } => "PolicyError",
        Error::SchemeInvalid { .. }
        | Error::UnknownPreset { .. }
        | Error::UnitGroupUnknown { .. }
        | Error::MetricsForUnknownUnit { .. }
        | Error::UnknownExternalMetric { .. }
        | Error::InvalidAdjustment { .. }
        | Error::SchemeLacks { .. }
        | Error::SchemeMismatch { .. }
        | Error::UnitNotScored { .. } => "SchemeError",
        Error::BoardCloseRefused { .. }
        | Error::BoardConfig { .. }
        | Error::BoardEventConflict { .. }
        | Error::BoardPeriodClosed { .. }
        | Error::BoardSnapshotCorrupt { .. }
        | Error::BoardSnapshotMismatch { .. }
        | Error::BoardSnapshotVersion { .. }
        | Error::BoardTicketConflict { .. }
        | Error::BoardUnknownTicket { .. }
        | Error::BoardUnknownUnit { .. } => "BoardError",
        Error::CannotRead { .. } => "FileError",
        _ => "HotlineScoreError",
    }
}

/// Attributes beyond the uniform context: the table row of data errors, the date of calendar
/// errors.
fn extra(err: &Error) -> (Option<usize>, Option<String>) {
    match err {
        Error::InvalidTicket { row, .. } => (*row, None),
        Error::DuplicateUnit { row, .. } | Error::InvalidUnitRow { row, .. } => (Some(*row), None),
        Error::OutOfCoverage { date } | Error::ConflictingDateRules { date, .. } => {
            (None, Some(date.to_string()))
        }
        Error::ClockFailed { source, .. } => extra(source),
        _ => (None, None),
    }
}

/// Converts a core error into the matching `hotline_score` exception.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let mut message = err.to_string();
    // A deadline past the calendar's data (every December, until next year's notice is
    // loaded): how to go on, in Python terms.
    if err.beyond_coverage().is_some() {
        message.push_str(
            " (in Python, for a date after the data: hs.Calendar(predict=True); for any date: \
             data_files=[...] with that year's notice, docs/calendar-data.md)",
        );
    }
    // A table's or dict's timestamp without an offset (a naive `datetime` in a dict row, text
    // as database exports write it): how to fix it in Python, as scalar instants say.
    if err.lacks_offset() && matches!(err, Error::InvalidTicket { .. }) {
        message.push_str(
            " (in Python: attach a tzinfo to datetimes, e.g. ZoneInfo(\"Asia/Shanghai\"), or \
             write the offset; flat tables read with load_rows(..., local_offset=\"+08:00\") \
             take timestamps without one as local time)",
        );
    }
    convert(py, err, &message)
}

/// `to_py` with the core's message replaced by `message` (same class, code and context).
fn convert(py: Python<'_>, err: Error, message: &str) -> PyErr {
    let ctx = err.context();
    let (row, date) = extra(&err);
    let fields = Fields {
        code: err.code(),
        ticket_id: ctx.ticket_id,
        event_index: ctx.event_index,
        field: ctx.field,
        line: ctx.line,
        column: ctx.column,
        row,
        date,
    };
    let exc = raise(py, class_for(&err), message, fields);
    if let Error::SchemeInvalid { problems } = &err {
        // Every problem, as dicts (`code, message, line, column, key, suggestion`).
        let set = || -> PyResult<()> {
            let text = serde_json::to_string(problems)
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            let list = py.import("json")?.call_method1("loads", (text,))?;
            exc.value(py).setattr("problems", list)
        };
        if let Err(e) = set() {
            return e;
        }
    }
    exc
}

/// The attributes of an exception.
#[derive(Default)]
pub struct Fields {
    pub code: &'static str,
    pub ticket_id: Option<String>,
    pub event_index: Option<usize>,
    pub field: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub row: Option<usize>,
    pub date: Option<String>,
}

/// Builds an exception of class `class` (a name in `hotline_score._errors`).
pub fn raise(py: Python<'_>, class: &str, message: &str, f: Fields) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module = py.import("hotline_score._errors")?;
        let exc = module.getattr(class)?.call1((message,))?;
        exc.setattr("code", f.code)?;
        exc.setattr("ticket_id", f.ticket_id)?;
        exc.setattr("event_index", f.event_index)?;
        exc.setattr("field", f.field)?;
        exc.setattr("line", f.line)?;
        exc.setattr("column", f.column)?;
        exc.setattr("row", f.row)?;
        exc.setattr("date", f.date)?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// A `DataError` raised by the binding itself (table columns), naming the column.
pub fn column_error(py: Python<'_>, code: &'static str, column: &str, message: String) -> PyErr {
    let fields = Fields {
        code,
        field: Some(column.to_owned()),
        ..Fields::default()
    };
    raise(py, "DataError", &message, fields)
}

/// An `InputError` raised by the binding itself for an argument it cannot read.
pub fn input_error(py: Python<'_>, code: &'static str, field: &str, message: String) -> PyErr {
    let fields = Fields {
        code,
        field: Some(field.to_owned()),
        ..Fields::default()
    };
    raise(py, "InputError", &message, fields)
}

/// Runs `work` with the GIL released and converts its error: the one way into the core.
///
/// Work that cannot fail returns `Ok(…)`; work whose failure is not a core error (serializing a
/// result, building an Arrow table) returns its own `Result` inside the `Ok`, converted by the
/// caller once the GIL is held again.
pub fn enter<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    enter_hinted(py, work, |_| None)
}

/// `enter`, with the message of the errors for which `hint` gives one replaced by it: how to
/// fix the input in Python terms where the core's message speaks of Rust calls.
pub fn enter_hinted<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, Error> + Send,
    hint: impl FnOnce(&Error) -> Option<String>,
) -> PyResult<T> {
    py.detach(work).map_err(|e| match hint(&e) {
        Some(message) => convert(py, e, &message),
        None => to_py(py, e),
    })
}
