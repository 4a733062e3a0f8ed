//! Exact decimals from what JavaScript hands over: decimal strings and numbers (a number is read
//! as its shortest round-trip text), through the core's one exact reader
//! (`hotline_score::scheme::num::parse`: never rounded, exponents allowed).

use rust_decimal::Decimal;
use serde_json::Value;

use crate::errors::{Fallible, bad_arg};

/// `text` as an exact decimal; an error names `field`, its message `label` (the value's path).
pub fn from_text(field: &str, label: &str, text: &str) -> Fallible<Decimal> {
    hotline_score::scheme::num::parse(text)
        .map(|n| n.get())
        .map_err(|reason| bad_arg(field, format!("`{label}`: {reason}")))
}

/// A JSON number or decimal string as an exact decimal (see [`from_text`]).
pub fn from_json(field: &str, label: &str, value: &Value) -> Fallible<Decimal> {
    match value {
        Value::String(s) => from_text(field, label, s),
        Value::Number(n) => from_text(field, label, &n.to_string()),
        other => Err(bad_arg(
            field,
            format!("`{label}` must be a number or a decimal string, got {other}"),
        )),
    }
}
