//! The one conversion from core errors to JavaScript `Error`s, and the one choke point through
//! which every call into the core passes.
//!
//! A thrown error has `code` (the core's stable code) and, where the core error has them,
//! `ticketId`, `eventIndex`, `field`, `line`, `column`, `row` and `date`
//! ([`hotline_score::Error::context`]); `problems` (every problem of an invalid scheme file) and
//! `cause` (the underlying error of a failed clock, itself with a `code`) where they apply.
//! Properties a variant has no value for are absent.
//!
//! An invalid formula (`Formula`) throws code `formula_invalid` with `problems` (every problem,
//! each with its own `code`, `message`, `line`, `column` and maybe `suggestion`) and the first
//! problem's `line` and `column`.
//!
//! Arguments the binding itself cannot read (an unknown option value, a malformed column) throw
//! an `Error` with code `invalid_argument` and `field` naming the argument.

use napi::bindgen_prelude::*;

use hotline_score::Error as CoreError;
use hotline_score::formula::Problem;

/// The JavaScript `Error` of a core error: `code` and the context properties.
fn error_object<'e>(env: &'e Env, err: &CoreError) -> Result<Object<'e>> {
    let ctx = err.context();
    let mut message = err.to_string();
    // A deadline past the calendar's data (every December, until next year's notice is
    // loaded): how to go on, in JavaScript terms.
    if err.beyond_coverage().is_some() {
        message.push_str(
            " (in Node, for a date after the data: new Calendar({ prc: true, predict: true }); \
             for any date: dataFiles with that year's notice, docs/calendar-data.md)",
        );
    }
    let mut obj = env.create_error(Error::new(Status::GenericFailure, message))?;
    obj.set_named_property("code", err.code())?;
    if let Some(v) = ctx.ticket_id {
        obj.set_named_property("ticketId", v)?;
    }
    if let Some(v) = ctx.event_index {
        obj.set_named_property("eventIndex", index(v))?;
    }
    if let Some(v) = ctx.field {
        obj.set_named_property("field", v)?;
    }
    if let Some(v) = ctx.line {
        obj.set_named_property("line", v)?;
    }
    if let Some(v) = ctx.column {
        obj.set_named_property("column", v)?;
    }
    if let Some(v) = ctx.row {
        obj.set_named_property("row", index(v))?;
    }
    if let Some(v) = ctx.date {
        obj.set_named_property("date", v)?;
    }
    match err {
        CoreError::SchemeInvalid { problems } => {
            obj.set_named_property("problems", env.to_js_value(problems)?)?;
        }
        CoreError::ClockFailed { source, .. } => {
            obj.set_named_property("cause", error_object(env, source)?)?;
        }
        _ => {}
    }
    Ok(obj)
}

/// An index as a JavaScript number (indices beyond 2^53 do not occur in practice).
#[allow(clippy::cast_precision_loss)]
fn index(v: usize) -> f64 {
    v as f64
}

/// Why a call failed: a core error, or an argument the binding could not read.
#[derive(Debug, Clone)]
pub enum Failure {
    /// A core error.
    Core(CoreError),
    /// A bad argument: the argument's name and what is wrong.
    Argument {
        /// The argument (or option) concerned.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A board batch item that is not in the item form (`invalid_input`, as in Python): the
    /// item's key at fault, its index in the batch and its ticket when known.
    Input {
        /// The item's key concerned (`input`, `ticket_id`, an unknown key …).
        field: String,
        /// What is wrong.
        message: String,
        /// The item's ticket, when it names one.
        ticket_id: Option<String>,
        /// The item's index in the batch.
        row: Option<usize>,
    },
    /// A formula that does not compile: every problem, ordered by position.
    Formula(Vec<Problem>),
    /// A failure of the binding itself, with its own code (`too_large`: a result longer than a
    /// JavaScript string can be).
    Binding {
        /// The stable code.
        code: &'static str,
        /// What went wrong, and what to do instead.
        message: String,
    },
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e)
    }
}

/// A call's result inside the binding.
pub type Fallible<T> = std::result::Result<T, Failure>;

/// A bad-argument failure.
pub fn bad_arg(field: &str, message: impl Into<String>) -> Failure {
    Failure::Argument {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`, 2^53 − 1):
/// every integer up to it is exact in an `f64` and fits in an `i64`.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// `v` as the integer it is, when it is a whole number no further from 0 than
/// [`MAX_SAFE_INTEGER`] (`1.5`, `NaN`, `1e300` are `None`, never truncated).
#[allow(clippy::cast_possible_truncation)]
pub fn safe_whole(v: f64) -> Option<i64> {
    const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    (v.is_finite() && v.fract() == 0.0 && v.abs() < LIMIT).then_some(v as i64)
}

/// A whole number argument (JavaScript numbers are floats: `1.5`, `NaN` or `1e300` are refused
/// rather than truncated).
pub fn whole(field: &str, v: f64) -> Fallible<i64> {
    safe_whole(v)
        .ok_or_else(|| bad_arg(field, format!("`{field}` must be a whole number, got {v}")))
}

/// A whole number argument in `0..=u32::MAX`.
pub fn count(field: &str, v: f64) -> Fallible<u32> {
    u32::try_from(whole(field, v)?).map_err(|_| {
        bad_arg(
            field,
            format!("`{field}` must be between 0 and 4294967295, got {v}"),
        )
    })
}

/// Reads an option whose values are the core's serde names (`"midnight"`, `"lenient"` …); the
/// message lists the allowed values.
pub fn named<T: serde::de::DeserializeOwned>(field: &str, value: &str) -> Fallible<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|e| bad_arg(field, format!("`{field}`: {e}")))
}

/// The JavaScript `Error` object of a failure (for results that carry errors, like batch
/// ingestion outcomes).
pub fn failure_object<'e>(env: &'e Env, failure: &Failure) -> Result<Object<'e>> {
    match failure {
        Failure::Core(e) => error_object(env, e),
        Failure::Argument { field, message } => {
            let mut obj = env.create_error(Error::new(Status::InvalidArg, message.clone()))?;
            obj.set_named_property("code", "invalid_argument")?;
            obj.set_named_property("field", field.as_str())?;
            Ok(obj)
        }
        Failure::Input {
            field,
            message,
            ticket_id,
            row,
        } => {
            let mut obj = env.create_error(Error::new(Status::InvalidArg, message.clone()))?;
            obj.set_named_property("code", "invalid_input")?;
            obj.set_named_property("field", field.as_str())?;
            if let Some(t) = ticket_id {
                obj.set_named_property("ticketId", t.as_str())?;
            }
            if let Some(r) = row {
                obj.set_named_property("row", u32::try_from(*r).unwrap_or(u32::MAX))?;
            }
            Ok(obj)
        }
        Failure::Formula(problems) => formula_error(env, problems),
        Failure::Binding { code, message } => {
            let mut obj = env.create_error(Error::new(Status::GenericFailure, message.clone()))?;
            obj.set_named_property("code", *code)?;
            Ok(obj)
        }
    }
}

/// The `formula_invalid` error of a formula's problems.
fn formula_error<'e>(env: &'e Env, problems: &[Problem]) -> Result<Object<'e>> {
    let message = problems
        .iter()
        .map(|p| format!("{}:{}: {}", p.line, p.column, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    let mut obj = env.create_error(Error::new(
        Status::GenericFailure,
        format!("invalid formula: {message}"),
    ))?;
    obj.set_named_property("code", "formula_invalid")?;
    if let Some(first) = problems.first() {
        obj.set_named_property("line", first.line)?;
        obj.set_named_property("column", first.column)?;
    }
    let mut list = env.create_array(u32::try_from(problems.len()).unwrap_or(u32::MAX))?;
    for (i, p) in problems.iter().enumerate() {
        let mut item = Object::new(env)?;
        item.set_named_property("code", p.code)?;
        item.set_named_property("message", p.message.as_str())?;
        item.set_named_property("line", p.line)?;
        item.set_named_property("column", p.column)?;
        if let Some(s) = &p.suggestion {
            item.set_named_property("suggestion", s.as_str())?;
        }
        list.set(u32::try_from(i).unwrap_or(u32::MAX), item)?;
    }
    obj.set_named_property("problems", list)?;
    Ok(obj)
}

fn failure_to_js(env: &Env, failure: &Failure) -> Error {
    match failure_object(env, failure) {
        Ok(obj) => Error::from(obj.to_unknown()),
        Err(e) => e,
    }
}

/// Runs `work` and converts its error: the one way into the core on the JavaScript thread.
pub fn enter<T>(env: &Env, work: impl FnOnce() -> Fallible<T>) -> Result<T> {
    work().map_err(|e| failure_to_js(env, &e))
}

/// What a call into the core running off the JavaScript thread gives: its value, a core error
/// (converted on the JavaScript thread, where an `Error` object can be made), or a panic.
pub enum Outcome<T> {
    /// The core's answer.
    Done(T),
    /// A core error or a bad argument.
    Failed(Failure),
    /// A panic (a bug): reported as an `Error` with code `internal`, never an abort.
    Panicked(String),
}

/// Runs `work` on a worker thread, catching unwinds: napi-rs calls `compute` from C, where an
/// unwinding panic would abort the process.
pub fn guarded<T>(work: impl FnOnce() -> Fallible<T>) -> Outcome<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(Ok(v)) => Outcome::Done(v),
        Ok(Err(e)) => Outcome::Failed(e),
        Err(payload) => Outcome::Panicked(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "panic in hotline-score".to_owned()),
        ),
    }
}

impl<T> Outcome<T> {
    /// The value, or the thrown `Error`.
    pub fn into_result(self, env: &Env) -> Result<T> {
        match self {
            Outcome::Done(v) => Ok(v),
            Outcome::Failed(e) => Err(failure_to_js(env, &e)),
            Outcome::Panicked(msg) => {
                let mut obj = env.create_error(Error::new(Status::GenericFailure, msg))?;
                obj.set_named_property("code", "internal")?;
                Err(Error::from(obj.to_unknown()))
            }
        }
    }
}
