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

/// The core's JSON text of `value`.
pub fn text<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::new(Status::GenericFailure, format!("serializing a result: {e}")))
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

/// `JSON.stringify(value)`; `undefined` (or a function) gives `null`.
pub fn stringify(env: &Env, value: Unknown<'_>) -> Result<String> {
    let out = json_function(env, "stringify")?.call(value)?;
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
