//! `Num`: an exact decimal as written in a scheme file.
//!
//! Files write numbers as TOML/JSON numbers (`25`, `0.5`) or decimal strings (`"0.5"`); the
//! loader hands their text over unchanged so `0.1` is exactly one tenth, never a binary float. Serialized (for the canonical
//! JSON the scheme hash is taken over) as the normalized decimal string (`"12.5"`, `"25"`).

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal number of a scheme file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Num(pub Decimal);

impl Num {
    /// The decimal value.
    pub fn get(self) -> Decimal {
        self.0
    }
}

impl From<i64> for Num {
    fn from(v: i64) -> Self {
        Num(Decimal::from(v))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Num, E> {
                // A whole number past 2^53 came as a float (JSON's integers stop at 2^64):
                // its digits are already lost (18446744073709551616 read as …552000).
                if v.fract() == 0.0 && v.abs() >= 9_007_199_254_740_992.0 {
                    return Err(E::custom(format!(
                        "{v} is beyond what a JSON number carries exactly (2^53); write it as a \
                         decimal string"
                    )));
                }
                // Shortest round-trip text of the float, then exact parsing: 0.1 stays 0.1.
                parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Num, E> {
                parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a number as written in TOML, JSON or by Python's `Decimal` (`25`, `-0.5`, `1_000`,
/// `1e3`, `1E+3`; surrounding spaces ignored) exactly: a number with more digits than a decimal
/// holds (28 after the point, a 96-bit coefficient) is an error, never rounded. The bindings read
/// every decimal they are given with it.
pub fn parse(text: &str) -> Result<Num, String> {
    let clean: String = text.trim().chars().filter(|c| *c != '_').collect();
    let parsed = if clean.contains(['e', 'E']) {
        exact_scientific(&clean)
    } else {
        Decimal::from_str_exact(&clean).ok()
    };
    parsed.map(Num).ok_or_else(|| {
        let trimmed = text.trim();
        match trimmed.strip_suffix(['%', '％']) {
            Some(number) => format!(
                "{text:?} is not a number: write {:?} without the percent sign (a ratio's values, \
                 and the targets, bands and lines scored against them, are percents already)",
                number.trim()
            ),
            None => format!("{text:?} is not a decimal number this library can represent"),
        }
    })
}

/// `<decimal>e<exponent>` exactly: the coefficient keeps its digits and only the scale moves
/// (`Decimal::from_scientific` rounds a coefficient with too many digits).
fn exact_scientific(text: &str) -> Option<Decimal> {
    let (coefficient, exponent) = text.split_once(['e', 'E'])?;
    let mut d = Decimal::from_str_exact(coefficient).ok()?;
    let scale = i64::from(d.scale()).checked_sub(exponent.parse::<i64>().ok()?)?;
    match u32::try_from(scale) {
        Ok(scale) => d.set_scale(scale).ok().map(|()| d),
        Err(_) => {
            let shift = u32::try_from(scale.checked_neg()?).ok()?;
            let mantissa = d.mantissa().checked_mul(10i128.checked_pow(shift)?)?;
            Decimal::try_from_i128_with_scale(mantissa, 0).ok()
        }
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number; exact decimals may also be written as strings (\"0.1\").",
            "type": ["number", "string"],
            "format": "decimal"
        })
    }
    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_sign_says_to_leave_it_out() {
        for text in ["95%", " 98.5 ％"] {
            let e = parse(text).unwrap_err();
            assert!(e.contains("without the percent sign"), "{e}");
        }
        assert!(
            parse("9x")
                .unwrap_err()
                .contains("this library can represent")
        );
    }

    #[test]
    fn exact_text_and_normalized_output() {
        assert_eq!(parse("0.1").unwrap().0, Decimal::new(1, 1));
        assert_eq!(parse("1_000").unwrap().0, Decimal::from(1000));
        assert_eq!(parse("1e3").unwrap().0, Decimal::from(1000));
        assert_eq!(parse("25.0").unwrap().to_string(), "25");
        assert!(parse("nan").is_err());
        assert_eq!(parse(" 1E+3 ").unwrap().0, Decimal::from(1000));
        assert_eq!(parse("-2.50").unwrap().0, Decimal::new(-25, 1));
        // 28 digits after the point fit; a 29th would have to be rounded away: refused.
        assert!(parse("0.1234567890123456789012345678").is_ok());
        assert!(parse("0.12345678901234567890123456789").is_err());
        assert!(parse("123456789012345678901234567890").is_err());
        assert!(parse("1e-29").is_err());
        assert_eq!(parse("2.5e1").unwrap().0, Decimal::from(25));
        assert_eq!(parse("-1.5E-2").unwrap().0, Decimal::new(-15, 3));
        assert_eq!(parse("1e-28").unwrap().0, Decimal::new(1, 28));
        // An exponent does not make room for a coefficient that would have to be rounded.
        assert!(parse("0.12345678901234567890123456789e1").is_err());
        assert!(parse("7.9228162514264337593543950336e28").is_err());
        assert_eq!(
            parse("7.9228162514264337593543950335e28").unwrap().0,
            Decimal::MAX
        );
        assert!(parse("1e").is_err() && parse("e3").is_err());
        let n: Num = serde_json::from_str("12.5").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"12.5\"");
        let n: Num = serde_json::from_str("\"0.30\"").unwrap();
        assert_eq!(n.to_string(), "0.3");
        // A JSON integer past 2^64 arrives as a float whose digits are lost: refused, with how
        // to give it; one up to 2^64 − 1 and the same number as text are exact.
        let e = serde_json::from_str::<Num>("18446744073709551616").unwrap_err();
        assert!(
            e.to_string().contains("write it as a decimal string"),
            "{e}"
        );
        let n: Num = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(n.to_string(), "18446744073709551615");
        let n: Num = serde_json::from_str("\"18446744073709551616\"").unwrap();
        assert_eq!(n.to_string(), "18446744073709551616");
    }
}
