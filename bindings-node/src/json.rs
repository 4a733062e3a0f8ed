//! Plain objects across the boundary, through JSON text.
//!
//! Out: a core value is serialized by the core's serde (`serde_json`) and handed to
//! `JSON.parse`, so `JSON.stringify(result)` gives back exactly the core's bytes (outputs hold
//! integers and strings, never floats). In: objects go through `JSON.stringify` (a `Date`
//! becomes an RFC 3339 string in UTC, which the core reads) into the core's JSON readers, so
//! they are checked exactly as JSON files are. Both directions are one engine call each, far
//! cheaper than walking the objects property by property over N-API.

use napi::bindgen_prelude::*;
use napi::sys;
use serde::Serialize;

use crate::errors::{Failure, Fallible};

/// The core's JSON text of `value`.
pub fn text<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::new(Status::GenericFailure, format!("serializing a result: {e}")))
}

/// V8's longest string, in UTF-16 code units (`buffer.constants.MAX_STRING_LENGTH` on 64-bit
/// Node).
const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

/// The core's JSON text of `value`, to be returned as a JavaScript string: a `too_large`
/// failure, suggesting `instead`, when no JavaScript string can be that long.
pub fn string_text<T: Serialize>(value: &T, instead: &str) -> Fallible<String> {
    let text = serde_json::to_string(value).map_err(|e| Failure::Binding {
        code: "internal",
        message: format!("serializing a result: {e}"),
    })?;
    fitting(text, instead)
}

/// `text`, to be returned as a JavaScript string: a `too_large` failure, suggesting `instead`,
/// when no JavaScript string can be that long (N-API's own failure has no code).
pub fn fitting(text: String, instead: &str) -> Fallible<String> {
    fitting_in(text, instead, MAX_STRING_LENGTH)
}

/// [`fitting`] with a string length limit of `max` UTF-16 code units.
fn fitting_in(text: String, instead: &str, max: usize) -> Fallible<String> {
    // UTF-8 takes at least as many bytes as UTF-16 takes code units: count only when needed.
    if text.len() > max && text.encode_utf16().count() > max {
        return Err(Failure::Binding {
            code: "too_large",
            message: format!(
                "the JSON text is {} MB, longer than a JavaScript string can be \
                 ({max} UTF-16 code units); use {instead}",
                text.len() / 1_000_000
            ),
        });
    }
    Ok(text)
}

fn json_function<'e>(env: &'e Env, name: &str) -> Result<Function<'e, Unknown<'e>, Unknown<'e>>> {
    let json: Object<'e> = env.get_global()?.get_named_property("JSON")?;
    json.get_named_property(name)
}

/// `JSON.parse(text)`.
pub fn parse<'e>(env: &'e Env, text: &str) -> Result<Unknown<'e>> {
    let s = env.create_string(text)?.to_unknown();
    json_function(env, "parse")?.call(s)
}

/// A core value as a plain JavaScript value (see the module docs).
pub fn plain<'e, T: Serialize>(env: &'e Env, value: &T) -> Result<Unknown<'e>> {
    parse(env, &text(value)?)
}

/// Elements per `JSON.stringify` / `JSON.parse` call for large arrays: V8 strings are limited to
/// about 512 MiB, so a million tickets go through in slices.
pub const SLICE: u32 = 4_096;

/// `JSON.stringify` of a JavaScript array, slice by slice (no size limit): one JSON array per
/// slice of [`SLICE`] elements, their elements in order those of `array`.
pub fn stringify_slices(env: &Env, array: &Object<'_>) -> Result<Vec<String>> {
    let len = array.get_array_length()?;
    if len <= SLICE {
        return Ok(vec![stringify(env, array.to_unknown())?]);
    }
    let mut out = Vec::with_capacity(len.div_ceil(SLICE) as usize);
    let mut start = 0u32;
    while start < len {
        let end = start.saturating_add(SLICE).min(len);
        out.push(stringify_range(env, array, start, end)?);
        start = end;
    }
    Ok(out)
}

/// `JSON.stringify` of elements `start..end` of a JavaScript array, cut by
/// `Array.prototype.slice` in one call, as a packed array (which `JSON.stringify` reads faster
/// than an array filled element by element over N-API).
pub fn stringify_range(env: &Env, array: &Object<'_>, start: u32, end: u32) -> Result<String> {
    let array_class = env
        .get_global()?
        .get_named_property::<Unknown<'_>>("Array")?;
    let slice: Function<'_, FnArgs<(u32, u32)>, Unknown<'_>> = Object::from_unknown(array_class)?
        .get_named_property::<Object<'_>>("prototype")?
        .get_named_property("slice")?;
    stringify(
        env,
        slice.apply(array.to_unknown(), FnArgs::from((start, end)))?,
    )
}

/// `JSON.stringify` of a JavaScript array as one text (no size limit).
pub fn stringify_array(env: &Env, array: &Object<'_>) -> Result<String> {
    Ok(join_slices(stringify_slices(env, array)?))
}

/// The JSON arrays of consecutive slices (as `JSON.stringify` writes them) as one array.
pub fn join_slices(mut slices: Vec<String>) -> String {
    if slices.len() == 1 {
        return slices.pop().unwrap_or_default();
    }
    let inner: Vec<&str> = slices
        .iter()
        .filter_map(|s| s.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
        .filter(|inner| !inner.is_empty())
        .collect();
    format!("[{}]", inner.join(","))
}

/// A slice of core values as a JavaScript array of plain values, parsed slice by slice.
pub fn plain_array<'e, T: Serialize>(env: &'e Env, items: &[T]) -> Result<Unknown<'e>> {
    plain_slices(env, items.len(), |range| {
        items.get(range).unwrap_or_default()
    })
}

/// `len` core values as a JavaScript array of plain values: `slice(range)` serializes as the
/// JSON array of the values in `range`, parsed [`SLICE`] values at a time.
pub fn plain_slices<'e, T: Serialize>(
    env: &'e Env,
    len: usize,
    slice: impl Fn(std::ops::Range<usize>) -> T,
) -> Result<Unknown<'e>> {
    let step = SLICE as usize;
    if len <= step {
        return plain(env, &slice(0..len));
    }
    let mut out = env.create_array(u32::try_from(len).unwrap_or(u32::MAX))?;
    let mut k = 0u32;
    for start in (0..len).step_by(step) {
        let parsed = parse(
            env,
            &text(&slice(start..start.saturating_add(step).min(len)))?,
        )?;
        let arr = Object::from_unknown(parsed)?;
        for i in 0..arr.get_array_length()? {
            out.set(k, arr.get_element::<Unknown<'_>>(i)?)?;
            k = k.saturating_add(1);
        }
    }
    Ok(out.to_unknown())
}

/// The replacer of every `JSON.stringify` of data going in. `JSON.stringify` alone drops a
/// symbol or function property (the field would be absent), writes `NaN`, ±∞ and an invalid
/// `Date` as `null` (absent again) and a lone surrogate as a `\ud800` escape, which no JSON
/// reader takes. The replacer writes each such value so that the core's reader refuses it with
/// its ticket, event and field: in a timestamp field (`at`, `received_at`) as text
/// (`malformed_timestamp` "NaN"), anywhere else as an array holding a description
/// (`malformed_value`; an object under `events`, so that the field named is `events`). A
/// `BigInt` (a database driver's 64-bit key or epoch milliseconds) is written as its decimal
/// digits in a string, which every field that takes a whole number reads exactly (`JSON.stringify`
/// alone throws on it, an error without a code). A `Map` or `Set` (written as `{}`, its entries
/// lost) is refused the same way. Keys
/// are not values: a lone surrogate in an attribute *name* still makes the text unreadable
/// (`invalid_ticket_json`, or `invalid_argument` for rows).
const REPLACER: &str = r#"(function () {
  const lone = /\p{Cs}/u
  const whole = String.prototype.isWellFormed
    ? (s) => s.isWellFormed()
    : (s) => !lone.test(s)
  const times = new Set(['at', 'received_at'])
  const bad = (key, text) => key === 'events' ? { [text]: null } : [text]
  return function (key, value) {
    switch (typeof value) {
      case 'string':
        return whole(value) ? value : bad(key,
          'a string with a lone surrogate (half of a UTF-16 pair: a broken character) at index ' +
          value.search(lone))
      case 'number':
        if (Number.isFinite(value)) return value
        return times.has(key) ? String(value) : bad(key, 'the JavaScript number ' + value)
      case 'bigint':
        return value.toString()
      case 'symbol':
        return bad(key, 'a JavaScript symbol, ' + String(value))
      case 'function':
        return bad(key, 'a JavaScript function')
      case 'object':
        if (value === null && this[key] instanceof Date) {
          return times.has(key) ? 'Invalid Date' : bad(key, 'an invalid Date')
        }
        // JSON.stringify writes a Map or a Set as `{}`: its entries would be dropped.
        if (value instanceof Map || value instanceof Set) {
          return bad(key, 'a JavaScript ' + (value instanceof Map ? 'Map' : 'Set') +
            ' (give a plain object or array)')
        }
        return value
      default:
        return value
    }
  }
})()"#;

/// The replacer function (see [`REPLACER`]).
fn replacer<'e>(env: &'e Env) -> Result<Unknown<'e>> {
    env.run_script(REPLACER)
}

/// `JSON.stringify(value)` of data going in (see [`REPLACER`]); `undefined` gives `null`.
pub fn stringify(env: &Env, value: Unknown<'_>) -> Result<String> {
    let json: Object<'_> = env.get_global()?.get_named_property("JSON")?;
    let stringify: Function<'_, FnArgs<(Unknown<'_>, Unknown<'_>)>, Unknown<'_>> =
        json.get_named_property("stringify")?;
    let out = stringify.call(FnArgs::from((value, replacer(env)?)))?;
    if out.get_type()? == ValueType::String {
        // SAFETY: the type was just checked.
        unsafe { out.cast::<String>() }
    } else {
        Ok("null".to_owned())
    }
}

/// A file's text, or an object of its JSON form (calendar data, schemes, policies).
#[derive(Clone, Debug)]
pub enum TextOrObject {
    /// Text (TOML unless the call says otherwise).
    Text(String),
    /// A plain object, as JSON.
    Object(serde_json::Value),
}

impl TypeName for TextOrObject {
    fn type_name() -> &'static str {
        "TextOrObject"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for TextOrObject {}

impl FromNapiValue for TextOrObject {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: `env` and `value` come from napi for this call; the cast follows the type.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        Ok(if unknown.get_type()? == ValueType::String {
            TextOrObject::Text(unsafe { String::from_napi_value(env, value)? })
        } else {
            TextOrObject::Object(unsafe { JsonValue::from_napi_value(env, value)? }.0)
        })
    }
}

/// Any JavaScript value read as JSON through `JSON.stringify` (N-API's own conversion would turn
/// integers above 2^32 into floats; `JSON.stringify` writes them exactly).
#[derive(Clone, Debug)]
pub struct JsonValue(pub serde_json::Value);

impl TypeName for JsonValue {
    fn type_name() -> &'static str {
        "JsonValue"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for JsonValue {}

impl FromNapiValue for JsonValue {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let js_env = Env::from_raw(env);
        // SAFETY: `env` and `value` come from napi for this call.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        let text = stringify(&js_env, unknown)?;
        serde_json::from_str(&text)
            .map(JsonValue)
            .map_err(|e| Error::new(Status::InvalidArg, format!("not JSON data: {e}")))
    }
}

impl ToNapiValue for JsonValue {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let js_env = Env::from_raw(env);
        Ok(parse(&js_env, &text(&val.0)?)?.raw())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_longer_than_a_javascript_string_is_too_large() {
        // Counted in UTF-16 code units: four CJK characters are 12 bytes but 4 units.
        assert!(fitting_in("湖滨区局".to_owned(), "x", 4).is_ok());
        let Err(Failure::Binding { code, message }) =
            fitting_in("abcde".to_owned(), "snapshot()", 4)
        else {
            panic!("expected too_large");
        };
        assert_eq!(code, "too_large");
        assert!(
            message.contains("(4 UTF-16 code units); use snapshot()"),
            "{message}"
        );
    }
}
