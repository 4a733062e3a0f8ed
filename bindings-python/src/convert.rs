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
        // An argument's bad date is an `InputError` naming it, whatever form it came in (the
        // core's own `invalid_date` is a `CalendarError`: a date in calendar data).
        let range = DateRange::parse(&s.to_cow()?)
            .map_err(|e| input_error(py, "invalid_date", what, e.to_string()))?;
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

/// JSON text of a dict / list (converted by [`json_value`]), or the string itself if given
/// one. `what` names the argument in errors.
pub fn json_text(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    let v = json_value(py, value, what)?;
    serde_json::to_string(&v).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A `T` from its JSON form given as text or a dict (argument `what`): `InputError` `code`
/// naming the argument, with `expected` and serde's reason, when it is not that JSON.
pub fn json_arg<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    what: &str,
    code: &'static str,
    expected: &str,
) -> PyResult<T> {
    let text = json_text(py, data, what)?;
    serde_json::from_str(&text).map_err(|e| {
        let reason = hotline_score::json_reason(&e);
        input_error(py, code, what, format!("`{what}`: {expected}: {reason}"))
    })
}

/// [`json_text`] of a configuration dict ([`json_config`]).
pub fn config_text(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    let v = json_config(py, value, what)?;
    serde_json::to_string(&v).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Whether `value` marks a missing value: `None`, a float NaN (what pandas writes for missing
/// numbers, and since pandas 3 for missing cells of `to_dict("records")`), `pd.NA` or `pd.NaT`.
pub fn is_missing(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    if value.is_none() {
        return Ok(true);
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(f.value().is_nan());
    }
    let ty = value.get_type();
    let name = ty.name()?;
    if name == "NAType" || name == "NaTType" {
        let module: String = ty.getattr("__module__")?.extract()?;
        return Ok(module.starts_with("pandas"));
    }
    Ok(false)
}

/// How deep dicts and lists may nest in a JSON-form argument (a cycle would nest forever).
const MAX_DEPTH: usize = 128;

/// The argument a JSON-form value is read from: its name, and for one item of a larger
/// argument the item's path, row and event index (errors report them).
#[derive(Default)]
struct Base<'a> {
    what: &'a str,
    path: String,
    row: Option<usize>,
    event_index: Option<usize>,
    /// Configuration (a calendar template, a policy, a scheme): NaN, `pd.NA` and `pd.NaT` are
    /// errors there, not absent values (`None` is still `null`).
    config: bool,
}

/// One step down into a value: a dict's key (with the dict, whose `id` / `ticket_id` names
/// the ticket in errors) or a list's index. Steps link to their parent, so that the place of
/// a value is only spelled out when there is an error to report.
struct Step<'a, 'py> {
    parent: Option<&'a Step<'a, 'py>>,
    at: At<'a, 'py>,
}

enum At<'a, 'py> {
    Key(&'a str, &'a Bound<'py, pyo3::types::PyDict>),
    Index(usize),
}

/// A Python value as the JSON value the core reads: `dict` (keys `str`, or `int` written in
/// decimal) → object, `list` / `tuple` → array, `str`, `bool`, `int` (within the 64-bit
/// range), finite `float`, `Decimal` → its decimal string, `datetime` / `date` → ISO 8601 text,
/// numpy scalars as the Python value they hold. `None`, `pd.NA`, `pd.NaT` and float NaN are
/// `null` (the core reads a null cell as absent). Any other value is an `InputError`
/// (`invalid_json_value`) naming the argument and path, the key (`field`), and the ticket, row
/// and event where the shape says so (an `id` / `ticket_id` of an enclosing dict, the index in
/// a top-level list, the index in an `events` list) — never showing the value itself.
pub fn json_value(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<serde_json::Value> {
    let base = Base {
        what,
        ..Base::default()
    };
    walk(py, value, &base, None, 0)
}

/// [`json_value`] of a configuration dict (calendar template or data, policy, scheme): a
/// missing marker other than `None` (NaN, `pd.NA`, `pd.NaT`) is an error there, never `null`.
pub fn json_config(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<serde_json::Value> {
    let base = Base {
        what,
        config: true,
        ..Base::default()
    };
    walk(py, value, &base, None, 0)
}

/// [`json_value`] of one item of argument `what`, at `path` inside it (`[2]`, `["events"][0]`),
/// with the row (the item's index) and event index errors report.
pub fn json_item(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    what: &str,
    path: String,
    row: Option<usize>,
    event_index: Option<usize>,
) -> PyResult<serde_json::Value> {
    let base = Base {
        what,
        path,
        row,
        event_index,
        config: false,
    };
    walk(py, value, &base, None, 1)
}

fn id_of(dict: &Bound<'_, pyo3::types::PyDict>) -> Option<String> {
    ["ticket_id", "id"].iter().find_map(|k| {
        let v = dict.get_item(k).ok().flatten()?;
        if let Ok(s) = v.cast::<PyString>() {
            return s.to_cow().ok().map(|c| c.into_owned());
        }
        if v.is_instance_of::<pyo3::types::PyBool>() {
            return None;
        }
        v.cast::<pyo3::types::PyInt>().ok().map(|i| i.to_string())
    })
}

fn json_error(
    py: Python<'_>,
    base: &Base<'_>,
    step: Option<&Step<'_, '_>>,
    problem: &str,
) -> PyErr {
    let mut steps = Vec::new();
    let mut at = step;
    while let Some(s) = at {
        steps.push(s);
        at = s.parent;
    }
    steps.reverse();
    let mut path = base.path.clone();
    let (mut key, mut ticket_id) = (None, None);
    let (mut row, mut event_index) = (base.row, base.event_index);
    let mut after_events = false;
    for (depth, s) in steps.iter().enumerate() {
        match &s.at {
            At::Key(k, dict) => {
                path.push_str(&format!("[{k:?}]"));
                key = Some((*k).to_owned());
                ticket_id = id_of(dict).or(ticket_id);
                after_events = *k == "events";
            }
            At::Index(i) => {
                path.push_str(&format!("[{i}]"));
                if depth == 0 && base.path.is_empty() {
                    row = Some(*i);
                }
                if after_events {
                    event_index = Some(*i);
                }
                after_events = false;
            }
        }
    }
    let what = base.what;
    let mut message = format!("`{what}{path}`: {problem}");
    if let Some(id) = &ticket_id {
        message.push_str(&format!(" (ticket {id:?})"));
    }
    let fields = crate::errors::Fields {
        code: "invalid_json_value",
        ticket_id,
        event_index,
        field: Some(key.unwrap_or_else(|| what.to_owned())),
        row,
        ..Default::default()
    };
    crate::errors::raise(py, "InputError", &message, fields)
}

/// The entries of `dict` as they are now: a copy, so that Python code run while they are read
/// (a value's conversion such as a `datetime` subclass's `isoformat`, another thread getting
/// the GIL meanwhile) may change the dict without breaking the reading — PyO3's dict iterator
/// panics then (`PanicException`, a `BaseException`: a concurrency audit, 2026-12-02).
pub fn entries<'py>(
    dict: &Bound<'py, pyo3::types::PyDict>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    dict.items().iter().map(|item| item.extract()).collect()
}

fn walk<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    base: &Base<'_>,
    step: Option<&Step<'_, 'py>>,
    depth: usize,
) -> PyResult<serde_json::Value> {
    use pyo3::types::{PyBool, PyDate, PyDict, PyInt, PyList, PyTuple};
    use serde_json::Value;
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = value.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::from(v));
        }
        return Err(json_error(
            py,
            base,
            step,
            "an int beyond the 64-bit range; write it as a string",
        ));
    }
    if depth > MAX_DEPTH {
        return Err(json_error(
            py,
            base,
            step,
            &format!(
                "nested more than {MAX_DEPTH} levels deep (a dict or list containing itself?)"
            ),
        ));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut out = serde_json::Map::with_capacity(dict.len());
        for (k, v) in entries(dict)? {
            let key = if let Ok(s) = k.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else if let (Ok(i), false) = (k.cast::<PyInt>(), k.is_instance_of::<PyBool>()) {
                i.to_string()
            } else {
                return Err(json_error(
                    py,
                    base,
                    step,
                    &format!(
                        "a dict key of type {}; keys must be strings",
                        k.get_type().name()?
                    ),
                ));
            };
            let here = Step {
                parent: step,
                at: At::Key(&key, dict),
            };
            let v = walk(py, &v, base, Some(&here), depth + 1)?;
            out.insert(key, v);
        }
        return Ok(Value::Object(out));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut out = Vec::with_capacity(value.len().unwrap_or(0));
        for (i, item) in value.try_iter()?.enumerate() {
            let here = Step {
                parent: step,
                at: At::Index(i),
            };
            out.push(walk(py, &item?, base, Some(&here), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if is_missing(value)? {
        if base.config {
            return Err(json_error(
                py,
                base,
                step,
                "a missing value (NaN, pd.NA or pd.NaT) where a value is needed; leave the key \
                 out or use None",
            ));
        }
        return Ok(Value::Null);
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| json_error(py, base, step, "an infinite float"));
    }
    if value.is_instance_of::<PyDate>() {
        // datetime (a date subclass) and date: their ISO 8601 text, which the core reads.
        let text: String = value.call_method0("isoformat")?.extract()?;
        return Ok(Value::String(text));
    }
    let ty = value.get_type();
    let module: String = ty.getattr("__module__")?.extract().unwrap_or_default();
    let name = ty.name()?.to_string();
    if module == "decimal" && name == "Decimal" {
        let finite: bool = value.call_method0("is_finite")?.extract()?;
        if finite {
            return Ok(Value::String(value.str()?.to_cow()?.into_owned()));
        }
        return Err(json_error(py, base, step, "a Decimal that is not finite"));
    }
    if module == "numpy" {
        // numpy scalars (from a DataFrame's values): as the Python value they stand for.
        if let Ok(item) = value.call_method0("item")
            && !item.get_type().is(&ty)
        {
            return walk(py, &item, base, step, depth);
        }
    }
    if let Ok(mapping) = value.cast::<pyo3::types::PyMapping>() {
        // Any other mapping (a `MappingProxyType`, a custom `Mapping`, as the stubs promise)
        // reads as the dict of its items (checked last: `isinstance(…, Mapping)` is slow).
        let dict = PyDict::new(py);
        dict.update(mapping)?;
        return walk(py, dict.as_any(), base, step, depth);
    }
    Err(json_error(
        py,
        base,
        step,
        &format!(
            "a value of type {name} has no JSON form; expected None, a bool, int, float, str, \
             Decimal, date, datetime, list or dict"
        ),
    ))
}

/// The core's JSON of `value` (its `serde_json` bytes), serialized with the GIL released.
pub fn json_out<T: Serialize + Sync + ?Sized>(py: Python<'_>, value: &T) -> PyResult<String> {
    enter(py, || Ok(serde_json::to_string(value)))?
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Refuses a `float` where an exact number is read (`invalid_value`, naming `what`).
pub fn refuse_float(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<()> {
    if !value.is_instance_of::<PyFloat>() {
        return Ok(());
    }
    Err(input_error(
        py,
        "invalid_value",
        what,
        format!("`{what}`: floats are not exact; pass a Decimal, an int or a decimal string"),
    ))
}

/// Reads an exact number: a `Decimal`, an `int` or a decimal string; floats are refused
/// ([`refuse_float`]).
pub fn decimal_in(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Decimal> {
    refuse_float(py, value, what)?;
    let text = if value.is_instance_of::<PyString>() {
        value.extract::<String>()?
    } else {
        value.str()?.extract::<String>()?
    };
    hotline_score::scheme::num::parse(&text)
        .map(|n| n.get())
        .map_err(|reason| input_error(py, "invalid_value", what, format!("`{what}`: {reason}")))
}

/// Reads a whole-number argument `what` of Rust type `T` (an `int`, or a numpy integer): an
/// `InputError` (`invalid_argument`, naming it and the range) for any other value or one out of
/// range, never a bare `OverflowError` / `TypeError`.
pub fn int_in<T>(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<T>
where
    T: TryFrom<i128> + Bounded,
{
    let (lo, hi) = (T::LOW, T::HIGH);
    match whole_number(value) {
        Some(Some(n)) => T::try_from(n).map_err(|_| {
            input_error(
                py,
                "invalid_argument",
                what,
                format!("`{what}` must be a whole number from {lo} to {hi}; got {n}"),
            )
        }),
        Some(None) => Err(input_error(
            py,
            "invalid_argument",
            what,
            format!("`{what}` must be a whole number from {lo} to {hi}"),
        )),
        None => Err(input_error(
            py,
            "invalid_argument",
            what,
            format!(
                "`{what}` must be a whole number (an int) from {lo} to {hi}; got a {}",
                value.get_type().name()?
            ),
        )),
    }
}

/// Reads a ticket id argument `what`: a `str`, or a whole number (an `int`, a numpy integer:
/// a database key) as its digits, as ticket dicts read `id` (`board.ingest(55, …)` raised a
/// bare `TypeError` for a ticket `register({"id": 55, …})` had taken).
pub fn id_in(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if value.is_instance_of::<PyString>() {
        return value.extract::<String>();
    }
    match whole_number(value).flatten() {
        Some(n) => Ok(n.to_string()),
        None => Err(input_error(
            py,
            "invalid_argument",
            what,
            format!(
                "`{what}` must be a str or a whole number; got a {}",
                value.get_type().name()?
            ),
        )),
    }
}

/// `value` as the integer it is when it is a whole number (an `int` but not a `bool`, or
/// anything with `__index__`: numpy integers): `None` for any other value, `Some(None)` for a
/// whole number beyond `i128`.
fn whole_number(value: &Bound<'_, PyAny>) -> Option<Option<i128>> {
    let whole = !value.is_instance_of::<pyo3::types::PyBool>()
        && value.hasattr("__index__").unwrap_or(false);
    whole.then(|| value.extract::<i128>().ok())
}

/// The range of an integer type, for [`int_in`]'s messages.
pub trait Bounded {
    const LOW: i128;
    const HIGH: i128;
}

macro_rules! bounded {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            const LOW: i128 = <$t>::MIN as i128;
            const HIGH: i128 = <$t>::MAX as i128;
        }
    )*};
}
bounded!(i64, u32, u64, usize);

/// Reads a fixed UTC offset written `+HH:MM`, given as argument `field` (an `InputError`
/// naming it otherwise).
pub fn offset_in(py: Python<'_>, text: &str, field: &str) -> PyResult<UtcOffset> {
    // `Z` is UTC, as RFC 3339 writes it (and as the Node binding takes it).
    if text == "Z" {
        return Ok(UtcOffset::UTC);
    }
    let fmt = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    UtcOffset::parse(text, fmt).map_err(|_| {
        input_error(
            py,
            "invalid_offset",
            field,
            format!("`{field}` {text:?} must be written like \"+08:00\" (or \"Z\")"),
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
