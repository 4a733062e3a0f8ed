//! Instants and dates across the boundary.
//!
//! In: an instant is a `Date`, an RFC 3339 string with an offset, or a number of epoch
//! milliseconds (an integer); a date is a `YYYY-MM-DD` string or any instant (its date in the
//! calendar's offset). Out: instants are epoch-millisecond numbers, dates `YYYY-MM-DD` strings.
//! A value that is none of these becomes a core `invalid_instant` / `invalid_date` error, thrown
//! through the choke point like every other error.

use hotline_score::instant::CHINA_OFFSET;
use hotline_score::{Error as CoreError, Instant};
use napi::bindgen_prelude::*;
use napi::{JsDate, sys};
use napi_derive::napi;
use time::macros::format_description;
use time::{Date, UtcOffset};

use crate::args::Arg;
use crate::errors::{Fallible, enter};

/// An instant as JavaScript gives it; a bad value is kept as the core error it causes.
pub struct When(hotline_score::Result<Instant>);

impl When {
    /// The instant, or the core error the value causes.
    pub fn get(&self) -> hotline_score::Result<Instant> {
        self.0.clone()
    }
}

/// Epoch milliseconds from a JavaScript number: finite and whole.
pub fn from_millis(ms: f64) -> hotline_score::Result<Instant> {
    crate::errors::safe_whole(ms)
        .map(Instant::from_millis)
        .ok_or_else(|| CoreError::InvalidInstant {
            value: ms.to_string(),
            reason: "epoch milliseconds must be a whole, finite number".into(),
        })
}

fn not_an_instant(what: &str) -> CoreError {
    CoreError::InvalidInstant {
        value: what.to_owned(),
        reason: "expected a Date, an RFC 3339 string with an offset or epoch milliseconds".into(),
    }
}

impl TypeName for When {
    fn type_name() -> &'static str {
        "When"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for When {}

impl FromNapiValue for When {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: the caller's contract, passed on.
        unsafe { read_when(env, value, true) }.map(When)
    }
}

/// An instant to format: as [`When`], except that any number of epoch milliseconds is taken
/// (formatting `0` says what it is, 1970, as Python's `format_instant` does).
pub struct AnyWhen(hotline_score::Result<Instant>);

impl TypeName for AnyWhen {
    fn type_name() -> &'static str {
        "AnyWhen"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for AnyWhen {}

impl FromNapiValue for AnyWhen {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: the caller's contract, passed on.
        unsafe { read_when(env, value, false) }.map(AnyWhen)
    }
}

/// Reads an instant; `checked`: a number before 1973 is refused (see [`When`]).
///
/// # Safety
/// `env` and `value` must come from napi for this call.
unsafe fn read_when(
    env: sys::napi_env,
    value: sys::napi_value,
    checked: bool,
) -> Result<hotline_score::Result<Instant>> {
    // SAFETY: `env` and `value` come from napi for this call; each cast below follows the
    // type napi reported for the value.
    let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
    let parsed = match unknown.get_type()? {
        // A number says nothing of its unit: epoch seconds (`Date.now() / 1000`) or
        // microseconds are refused as data cells are; a `Date` is taken whatever its date.
        ValueType::Number => {
            from_millis(unsafe { f64::from_napi_value(env, value)? }).and_then(|t| {
                if checked {
                    Instant::from_epoch_argument(t.millis())
                } else {
                    Ok(t)
                }
            })
        }
        ValueType::String => Instant::parse(&unsafe { String::from_napi_value(env, value)? }),
        ValueType::Object => {
            let obj = unsafe { Object::from_napi_value(env, value)? };
            if obj.is_date()? {
                from_millis(unsafe { JsDate::from_napi_value(env, value)? }.value_of()?)
            } else {
                Err(not_an_instant("an object"))
            }
        }
        other => Err(not_an_instant(&format!("{other}").to_lowercase())),
    };
    Ok(parsed)
}

/// A calendar date as JavaScript gives it: `YYYY-MM-DD`, or an instant (its local date).
pub struct Day(DayArg);

enum DayArg {
    Date(Date),
    At(When),
    Bad(CoreError),
}

impl Day {
    /// The date, taking an instant's date in `offset`.
    pub fn get(&self, offset: UtcOffset) -> hotline_score::Result<Date> {
        match &self.0 {
            DayArg::Date(d) => Ok(*d),
            DayArg::At(w) => Ok(w.get()?.to_local(offset)?.0),
            DayArg::Bad(e) => Err(e.clone()),
        }
    }
}

/// Parses `YYYY-MM-DD` as calendar files do (a signed year such as `-2030-12-31` was taken).
pub fn parse_date(text: &str) -> hotline_score::Result<Date> {
    hotline_score::calendar::date_from_text(text)
}

/// An optional `YYYY-MM-DD` option.
pub fn opt_date(text: Option<&String>) -> hotline_score::Result<Option<Date>> {
    text.map(|t| parse_date(t)).transpose()
}

impl TypeName for Day {
    fn type_name() -> &'static str {
        "Day"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Day {}

impl FromNapiValue for Day {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: as for `When`.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        if unknown.get_type()? == ValueType::String {
            let text = unsafe { String::from_napi_value(env, value)? };
            if text.len() == 10 {
                return Ok(Day(match parse_date(&text) {
                    Ok(d) => DayArg::Date(d),
                    Err(e) => DayArg::Bad(e),
                }));
            }
        }
        Ok(Day(DayArg::At(unsafe {
            When::from_napi_value(env, value)?
        })))
    }
}

/// A UTC offset written `+08:00`, `-05:30` or `Z`.
pub fn parse_offset(text: &str) -> hotline_score::Result<UtcOffset> {
    if text == "Z" {
        return Ok(UtcOffset::UTC);
    }
    UtcOffset::parse(
        text,
        format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .map_err(|e| CoreError::InvalidCalendar {
        reason: format!("offset {text:?}: {e} (write it as +08:00)"),
    })
}

/// Writes an offset as `+08:00`.
pub fn format_offset(offset: UtcOffset) -> String {
    let (h, m, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// Epoch milliseconds of an instant (a `Date`, an RFC 3339 string with an offset, or epoch
/// milliseconds): the form every instant the library returns has.
#[napi(catch_unwind)]
pub fn parse_instant(
    env: Env,
    #[napi(ts_arg_type = "Date | string | number")] value: When,
) -> Result<i64> {
    enter(&env, || Ok(value.get()?.millis()))
}

/// Checks an amount as written in policy files and events (`30m`, `2h`, `2wh`, `3wd`) and returns
/// its canonical form (`"120m"` → `"2h"`); anything else throws `invalid_amount`.
#[napi(catch_unwind)]
pub fn parse_amount(env: Env, #[napi(ts_arg_type = "string")] text: Arg<String>) -> Result<String> {
    enter(&env, || {
        Ok(text
            .get("text")?
            .parse::<hotline_score::Amount>()?
            .to_string())
    })
}

/// RFC 3339 text of an instant, in `offset` (default `+08:00`; milliseconds only when not zero).
#[napi(catch_unwind)]
pub fn format_instant(
    env: Env,
    #[napi(ts_arg_type = "Date | string | number")] value: AnyWhen,
    #[napi(ts_arg_type = "string | undefined | null")] offset: Option<Arg<String>>,
) -> Result<String> {
    enter(&env, || {
        let offset = offset_or_china(offset)?;
        Ok(value.0.clone()?.format(offset))
    })
}

/// Epoch milliseconds of a local timestamp without offset (`2026-02-13T16:30:00` or
/// `2026-02-13 16:30:00`), read in `offset` (default `+08:00`): the explicit opt-in for timestamps
/// without an offset.
#[napi(catch_unwind)]
pub fn parse_local_instant(
    env: Env,
    #[napi(ts_arg_type = "string")] text: Arg<String>,
    #[napi(ts_arg_type = "string | undefined | null")] offset: Option<Arg<String>>,
) -> Result<i64> {
    enter(&env, || {
        let offset = offset_or_china(offset)?;
        Ok(Instant::parse_local(&text.get("text")?, offset)?.millis())
    })
}

/// The `offset` argument (`+08:00` when absent).
fn offset_or_china(offset: Option<Arg<String>>) -> Fallible<UtcOffset> {
    match offset {
        Some(o) => Ok(parse_offset(&o.get("offset")?)?),
        None => Ok(CHINA_OFFSET),
    }
}
