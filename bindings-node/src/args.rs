//! Options objects, checked: an unknown key is an error (a typo such as `satuday` or `modee`
//! must not leave the option at its default silently), and a value napi-rs cannot convert is
//! kept as the call's `invalid_argument` failure instead of being thrown during conversion. So
//! a function returning a `Promise` rejects on a bad options object instead of throwing, and
//! every bad option has the binding's `invalid_argument` code and a `field`.

use napi::bindgen_prelude::*;
use napi::sys;

use crate::errors::{Fallible, bad_arg};

/// The keys an options object may have (JavaScript names), and the argument it is.
pub trait Keys {
    /// The argument's name in errors (`options`, `config`, `period` …).
    const FIELD: &'static str;
    /// Every key the object may have.
    const KEYS: &'static [&'static str];

    /// Checks the object's nested objects (their keys), once its own keys are known good.
    fn check_nested(_object: &Object<'_>) -> Fallible<()> {
        Ok(())
    }

    /// The field a conversion failure of napi-rs is about, from its reason (which ends with
    /// `on Struct.field on Outer.field`), and what the field takes; `None`: the argument.
    fn field_of(_reason: &str) -> Option<(String, &'static str)> {
        None
    }
}

/// An options object read from JavaScript: its value, or why it cannot be used.
pub struct Opts<T>(Fallible<T>);

impl<T> Opts<T> {
    /// The options, or the failure they cause.
    pub fn get(&self) -> Fallible<&T> {
        self.0.as_ref().map_err(Clone::clone)
    }

    /// The options, owned.
    pub fn into_inner(self) -> Fallible<T> {
        self.0
    }
}

/// Optional options: absent, the options, or the failure they cause.
pub fn optional<T>(o: Option<&Opts<T>>) -> Fallible<Option<&T>> {
    o.map(Opts::get).transpose()
}

/// Optional options, owned.
pub fn optional_owned<T>(o: Option<Opts<T>>) -> Fallible<Option<T>> {
    o.map(Opts::into_inner).transpose()
}

/// Checks that `value` is a plain object whose own enumerable string keys are all in `T::KEYS`,
/// then what `T` checks of its nested objects.
fn check_keys<T: Keys>(value: &Unknown<'_>) -> Fallible<()> {
    let object = keys_in(value, T::FIELD, T::KEYS)?;
    T::check_nested(&object)
}

/// `value` as a plain object whose own enumerable string keys are all in `keys`; `field` names
/// it in errors (`options`, `period` …), an unknown key is the error's field.
fn keys_in<'e>(value: &Unknown<'e>, field: &str, keys: &[&str]) -> Fallible<Object<'e>> {
    let object = object_of(value, field)?;
    for name in key_names(&object, field)? {
        if !keys.contains(&name.as_str()) {
            return Err(bad_arg(
                &name,
                format!(
                    "`{field}` has no option `{name}` (it takes: {})",
                    keys.join(", ")
                ),
            ));
        }
    }
    Ok(object)
}

/// `value` as a plain object (not an array).
pub fn object_of<'e>(value: &Unknown<'e>, field: &str) -> Fallible<Object<'e>> {
    let not_object = || bad_arg(field, format!("`{field}` must be an object"));
    if value.get_type().ok() != Some(ValueType::Object) || value.is_array().unwrap_or(true) {
        return Err(not_object());
    }
    // SAFETY: the value's type was just checked.
    unsafe { value.cast::<Object<'_>>() }.map_err(|_| not_object())
}

/// The own enumerable string keys of `object` (symbol keys are not data: `JSON.stringify`
/// skips them too).
pub fn key_names(object: &Object<'_>, field: &str) -> Fallible<Vec<String>> {
    let unreadable = |e: Error| bad_arg(field, format!("`{field}`: {}", e.reason));
    let names = object
        .get_all_property_names(
            KeyCollectionMode::OwnOnly,
            KeyFilter::Enumerable,
            KeyConversion::NumbersToStrings,
        )
        .map_err(unreadable)?;
    let mut out = Vec::new();
    for i in 0..names.get_array_length().map_err(unreadable)? {
        let name: Unknown<'_> = names.get_element(i).map_err(unreadable)?;
        if name.get_type().ok() != Some(ValueType::String) {
            continue;
        }
        // SAFETY: the type was just checked.
        out.push(unsafe { name.cast::<String>() }.map_err(unreadable)?);
    }
    Ok(out)
}

impl<T: Keys> TypeName for Opts<T> {
    fn type_name() -> &'static str {
        T::FIELD
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl<T: Keys> ValidateNapiValue for Opts<T> {}

impl<T: Keys + FromNapiValue> FromNapiValue for Opts<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: `env` and `value` come from napi for this call.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        let read = check_keys::<T>(&unknown).and_then(|()| {
            // SAFETY: as above; `T`'s own conversion checks the value's shape.
            let converted = unsafe { T::from_napi_value(env, value) };
            // A conversion that threw in JavaScript (a property read on `null`: "Cannot
            // convert undefined or null to object"; a getter that throws) left its exception
            // pending, and it, not the error below with its code and field, would reach the
            // caller: it is cleared here, its message kept in ours.
            let thrown = if converted.is_err() {
                // SAFETY: `env` is this call's.
                unsafe { take_exception_message(env) }
            } else {
                None
            };
            let reason = |e: &Error| match &thrown {
                Some(message) => format!("{}: it threw {message}", e.reason),
                None => e.reason.clone(),
            };
            converted.map_err(|e| match T::field_of(&e.reason) {
                Some((field, takes)) => bad_arg(
                    &field,
                    format!("`{}.{field}` must be {takes} ({})", T::FIELD, reason(&e)),
                ),
                None => bad_arg(T::FIELD, format!("`{}`: {}", T::FIELD, reason(&e))),
            })
        });
        Ok(Opts(read))
    }
}

/// A positional argument napi-rs converts (text, a number, bytes, the units table), its
/// conversion failure kept for the call to report as `invalid_argument` naming the argument,
/// as an options object's is ([`Opts`]). Thrown by napi-rs before the call, the failure had
/// napi-rs's own code (`InvalidArg`, `StringExpected`, `NumberExpected`) and no `field`: a
/// backend's `err.code === 'invalid_argument'` missed a units row without its `group` given to
/// `new Evaluator(rows)`, and caught the same row given in `scoreSync`'s options.
pub struct Arg<T>(std::result::Result<T, String>);

impl<T> Arg<T> {
    /// The value, or `invalid_argument` on `field` (the argument's name) saying why it could not
    /// be read.
    pub fn get(self, field: &str) -> Fallible<T> {
        self.0
            .map_err(|reason| bad_arg(field, format!("`{field}`: {reason}")))
    }
}

impl<T: TypeName> TypeName for Arg<T> {
    fn type_name() -> &'static str {
        T::type_name()
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl<T: TypeName> ValidateNapiValue for Arg<T> {}

impl<T: FromNapiValue + TypeName> FromNapiValue for Arg<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: `env` and `value` come from napi for this call; `T` checks the value's shape.
        let given = unsafe { Unknown::from_raw_unchecked(env, value) }.get_type();
        let wanted = match (T::value_type(), T::type_name()) {
            (ValueType::String, _) => Some("a string"),
            (ValueType::Number, _) => Some("a number"),
            (ValueType::Object, "Vec<u8>" | "Buffer") => Some("a Buffer"),
            (ValueType::Object, _) => Some("an array"),
            _ => None,
        };
        if let (Some(wanted), Ok(given)) = (wanted, given)
            && given != T::value_type()
        {
            return Ok(Arg(Err(format!(
                "must be {wanted}, got {}",
                js_type(given)
            ))));
        }
        let converted = unsafe { T::from_napi_value(env, value) };
        Ok(Arg(converted.map_err(|e| {
            // A conversion that threw in JavaScript (a getter) left its exception pending: it
            // is cleared, its message kept (as `Opts` does).
            // SAFETY: `env` is this call's.
            match unsafe { take_exception_message(env) } {
                Some(message) => format!("{}: it threw {message}", e.reason),
                None => e.reason.clone(),
            }
        })))
    }
}

/// The `typeof` name of a JavaScript value's type (`null` for null).
fn js_type(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::BigInt => "bigint",
        _ => "an unknown type",
    }
}

/// Clears the JavaScript exception pending on `env`, if one is, and returns its text (`String(e)`,
/// quoted; `None` when nothing was pending or the text cannot be had: a `toString` that throws
/// too is cleared as well).
///
/// # Safety
/// `env` must be the environment of the current call.
unsafe fn take_exception_message(env: sys::napi_env) -> Option<String> {
    let mut pending = false;
    let mut exception = std::ptr::null_mut();
    // SAFETY: `env` is the caller's; the out-parameters are valid locals.
    unsafe {
        if sys::napi_is_exception_pending(env, &mut pending) != sys::Status::napi_ok
            || !pending
            || sys::napi_get_and_clear_last_exception(env, &mut exception) != sys::Status::napi_ok
        {
            return None;
        }
        let mut text = std::ptr::null_mut();
        if sys::napi_coerce_to_string(env, exception, &mut text) != sys::Status::napi_ok {
            let mut again = std::ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut again);
            return None;
        }
        String::from_napi_value(env, text)
            .ok()
            .map(|t| format!("{t:?}"))
    }
}

/// A JavaScript string read strictly: N-API's UTF-8 conversion writes a lone surrogate (half of
/// a broken emoji, `'😀'.slice(0, 1)`) as U+FFFD silently, so an id `'B3\ud800'` would become
/// `'B3\ufffd'`, another ticket's id. A string whose conversion holds U+FFFD is read again as
/// UTF-16 to tell a real U+FFFD from a replaced surrogate (the check costs nothing otherwise).
#[derive(Clone, Debug)]
pub struct Text(std::result::Result<String, usize>);

/// What a text named `what` broken at index `at` is told.
fn broken(what: &str, at: usize) -> String {
    format!("{what} has a lone surrogate (half of a UTF-16 pair: a broken character) at index {at}")
}

impl Text {
    /// The text, or `invalid_argument` on `field` naming the broken character's position.
    pub fn get(&self, field: &str) -> Fallible<&str> {
        self.0
            .as_deref()
            .map_err(|&at| bad_arg(field, broken(&format!("`{field}`"), at)))
    }

    /// The text, or N-API's `InvalidArg` naming `what` and the broken character's position
    /// (inside a value's own conversion, such as a units row's, where no field error fits).
    pub fn into_string(self, what: &str) -> Result<String> {
        self.0
            .map_err(|at| Error::new(Status::InvalidArg, broken(what, at)))
    }

    /// The text if it is whole (`None` for a broken one).
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref().ok()
    }

    /// The index of its broken character, if it has one.
    pub fn broken_at(&self) -> Option<usize> {
        self.0.as_ref().err().copied()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Ok(s))
    }
}

/// A ticket id as JavaScript gives one: text, or a whole number (a database key) written as its
/// digits, as ticket objects take `id` (`ingest(55, …)` threw N-API's `StringExpected`).
pub struct Id(pub Text);

impl TypeName for Id {
    fn type_name() -> &'static str {
        "string | number"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Id {}

impl FromNapiValue for Id {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: the caller's contract, passed on.
        unsafe { text_or_number(env, value, "a ticket id") }.map(Id)
    }
}

/// A string, or a whole number (up to `Number.MAX_SAFE_INTEGER`) as its digits: the ids of
/// tickets and units (`what`, in the error for any other number).
///
/// # Safety
/// `env` and `value` must come from napi for this call.
pub unsafe fn text_or_number(
    env: sys::napi_env,
    value: sys::napi_value,
    what: &str,
) -> Result<Text> {
    // SAFETY: the caller's contract; each read follows the type napi reports.
    let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
    if unknown.get_type()? == ValueType::Number {
        let n = unsafe { f64::from_napi_value(env, value)? };
        return crate::errors::safe_whole(n)
            .map(|n| Text::from(n.to_string()))
            .ok_or_else(|| {
                Error::new(
                    Status::InvalidArg,
                    format!("{what} must be a string or a whole number, got {n}"),
                )
            });
    }
    unsafe { Text::from_napi_value(env, value) }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "string"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {}

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: `env` and `value` come from napi for this call; both reads check the type.
        let text = unsafe { String::from_napi_value(env, value)? };
        if !text.contains('\u{FFFD}') {
            return Ok(Text(Ok(text)));
        }
        let units = unsafe { Utf16String::from_napi_value(env, value)? };
        let mut at = 0usize;
        for c in char::decode_utf16(units.iter().copied()) {
            match c {
                Ok(c) => at = at.saturating_add(c.len_utf16()),
                Err(_) => return Ok(Text(Err(at))),
            }
        }
        Ok(Text(Ok(text)))
    }
}

impl ToNapiValue for Text {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        // SAFETY: `env` comes from napi for this call.
        unsafe { String::to_napi_value(env, val.0.unwrap_or_default()) }
    }
}

/// An instance of the `#[napi]` class `T` given as an argument or an option, checked to be one
/// (`instanceof`) before it is read. napi-rs reads any object it wrapped as the class asked for,
/// so another class's instance in its place (`city` for `city.tickets`, a `Scheme` for a
/// `Policy`) was read as this one: a crash of the process, or wrong results. Any other value
/// is N-API's `InvalidArg`, as for a plain object.
pub struct Instance<'a, T: 'static>(&'a T);

impl<T> FromNapiValue for Instance<'_, T>
where
    T: FromNapiRef + 'static,
    &'static T: ValidateNapiValue,
{
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: `env` and `value` come from napi for this call; `validate` checks the value
        // is an instance of `T`'s constructor (`instanceof`) before it is unwrapped as a `T`.
        unsafe { <&'static T as ValidateNapiValue>::validate(env, value) }?;
        Ok(Instance(unsafe { T::from_napi_ref(env, value) }?))
    }
}

impl<T: 'static> TypeName for Instance<'_, T>
where
    &'static T: TypeName,
{
    fn type_name() -> &'static str {
        <&'static T as TypeName>::type_name()
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl<T: 'static> ValidateNapiValue for Instance<'_, T>
where
    &'static T: ValidateNapiValue,
{
    unsafe fn validate(env: sys::napi_env, value: sys::napi_value) -> Result<sys::napi_value> {
        // SAFETY: as in `from_napi_value`.
        unsafe { <&'static T as ValidateNapiValue>::validate(env, value) }
    }
}

impl<T> std::ops::Deref for Instance<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.0
    }
}
