//! The two static types of the formula language and the runtime values.

use rust_decimal::Decimal;
use std::fmt;

/// The static type of a formula, a sub-expression or a resolved name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// An exact decimal number.
    Number,
    /// A truth value.
    Bool,
}

impl ValueType {
    /// The word used for this type in problem messages (`number`, `boolean`).
    pub fn word(self) -> &'static str {
        match self {
            ValueType::Number => "number",
            ValueType::Bool => "boolean",
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A runtime value: a slot's content or a formula's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// An exact decimal number.
    Number(Decimal),
    /// A truth value.
    Bool(bool),
    /// No data: a missing metric, a division by zero, an overflow, or anything computed from them.
    #[default]
    NoData,
}

impl Value {
    /// The number, if this is a number.
    pub fn as_number(self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(d),
            _ => None,
        }
    }

    /// The truth value, if this is a boolean.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Whether this is [`Value::NoData`].
    pub fn is_no_data(self) -> bool {
        matches!(self, Value::NoData)
    }

    /// The static type of this value (`None` for no data, which has every type).
    pub fn value_type(self) -> Option<ValueType> {
        match self {
            Value::Number(_) => Some(ValueType::Number),
            Value::Bool(_) => Some(ValueType::Bool),
            Value::NoData => None,
        }
    }
}

impl From<Decimal> for Value {
    fn from(d: Decimal) -> Self {
        Value::Number(d)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Option<Decimal>> for Value {
    fn from(d: Option<Decimal>) -> Self {
        d.map_or(Value::NoData, Value::Number)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(d) => write!(f, "{d}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::NoData => f.write_str("no data"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_and_conversions() {
        let n = Value::from(Decimal::new(85, 2));
        assert_eq!(n.as_number(), Some(Decimal::new(85, 2)));
        assert_eq!(n.as_bool(), None);
        assert_eq!(n.value_type(), Some(ValueType::Number));
        assert_eq!(Value::from(true).as_bool(), Some(true));
        assert!(Value::from(None::<Decimal>).is_no_data());
        assert_eq!(Value::default(), Value::NoData);
        assert_eq!(n.to_string(), "0.85");
        assert_eq!(Value::NoData.to_string(), "no data");
        assert_eq!(ValueType::Bool.to_string(), "boolean");
    }
}
