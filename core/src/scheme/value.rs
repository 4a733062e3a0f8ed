//! Indicator values: the declarative forms (`ratio`, `mean`, `count`, with `per_100`) lowered to
//! formula text, so every value is one compiled [`Formula`] — one validator, one evaluator, one
//! explanation path.
//!
//! | form | value formula | numerator | denominator |
//! |---|---|---|---|
//! | `ratio { num = N, den = D }` | `(N) * 100 / (D)` (`(N) / (D)` with `percent = false`) | `N` | `D` |
//! | `mean { sum = S, count = K }` | `(S) / (K)` | `S` | `K` |
//! | `count = X` | `(X)` | `X` | — |
//! | `count = X`, `per_100 = P` | `(X) * 100 / (P)` | `X` | `P` |
//! | `formula = F` | `F` | — | — |

use rust_decimal::Decimal;

use crate::formula::{Formula, Value, divide, multiply};

/// Which declarative form a value was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueForm {
    /// A rate; `percent` if expressed in percent.
    Ratio {
        /// Expressed in percent.
        percent: bool,
    },
    /// A mean.
    Mean,
    /// A count (possibly per 100 of a volume metric).
    Count,
    /// A free formula.
    Formula,
}

/// The formula texts of a value: the value itself and, where the form has them, its numerator
/// and denominator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lowered {
    /// The value formula.
    pub value: String,
    /// The numerator formula.
    pub num: Option<String>,
    /// The denominator formula.
    pub den: Option<String>,
}

/// Lowers a declarative form to formula text.
pub fn lower(form: ValueForm, first: &str, second: Option<&str>) -> Lowered {
    let value = match (form, second) {
        (ValueForm::Ratio { percent: true }, Some(d)) | (ValueForm::Count, Some(d)) => {
            format!("({first}) * 100 / ({d})")
        }
        (ValueForm::Ratio { percent: false } | ValueForm::Mean, Some(d)) => {
            format!("({first}) / ({d})")
        }
        (ValueForm::Count, None) => format!("({first})"),
        _ => first.to_owned(),
    };
    let (num, den) = match form {
        ValueForm::Formula => (None, None),
        _ => (Some(first.to_owned()), second.map(str::to_owned)),
    };
    Lowered { value, num, den }
}

/// A compiled indicator value.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    /// The form it was written in.
    pub form: ValueForm,
    /// The value formula.
    pub value: Formula,
    /// The numerator formula (ratio, mean, count).
    pub num: Option<Formula>,
    /// The denominator formula (ratio, mean, count per 100).
    pub den: Option<Formula>,
}

/// A value measured on one unit's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measured {
    /// The value, or `None` for no data.
    pub value: Option<Decimal>,
    /// The numerator, if the form has one.
    pub num: Option<Decimal>,
    /// The denominator, if the form has one.
    pub den: Option<Decimal>,
}

impl IndicatorValue {
    /// Whether values are percentages (thresholds and targets in percent).
    pub fn is_percent(&self) -> bool {
        matches!(self.form, ValueForm::Ratio { percent: true })
    }

    /// Evaluates the value (and numerator and denominator) on a unit's slots.
    ///
    /// A declarative value is computed from its evaluated numerator and denominator with the
    /// operations of its lowering ([`lower`]) — the same VM arithmetic in the same order, so the
    /// same exact result as evaluating the value formula — instead of evaluating both again.
    pub fn measure(&self, slots: &[Value]) -> Measured {
        let num = self.num.as_ref().map(|f| f.eval(slots));
        let den = self.den.as_ref().map(|f| f.eval(slots));
        let value = match (self.form, num, den) {
            (ValueForm::Ratio { percent: true } | ValueForm::Count, Some(n), Some(d)) => {
                divide(multiply(n, Value::Number(Decimal::ONE_HUNDRED)), d)
            }
            (ValueForm::Ratio { percent: false } | ValueForm::Mean, Some(n), Some(d)) => {
                divide(n, d)
            }
            (ValueForm::Formula, ..) | (_, None, _) => self.value.eval(slots),
            (_, Some(n), None) => n,
        };
        Measured {
            value: value.as_number(),
            num: num.and_then(Value::as_number),
            den: den.and_then(Value::as_number),
        }
    }

    /// The reference evaluation: the value formula itself (tests compare [`Self::measure`]).
    #[cfg(test)]
    fn measure_reference(&self, slots: &[Value]) -> Measured {
        let eval = |f: &Formula| f.eval(slots).as_number();
        Measured {
            value: eval(&self.value),
            num: self.num.as_ref().and_then(eval),
            den: self.den.as_ref().and_then(eval),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{PRESETS, Scheme};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// The shortcut of `measure` agrees with evaluating every value formula of every preset,
        /// on random slots (zeros, large counts, fractions, negatives, no data).
        #[test]
        fn measure_equals_the_value_formula(
            raw in proptest::collection::vec((0u8..6, any::<i64>(), 0u32..6), 256),
        ) {
            let slots: Vec<Value> = raw
                .iter()
                .map(|(kind, n, scale)| match kind {
                    0 => Value::NoData,
                    1 => Value::Number(Decimal::ZERO),
                    2 => Value::Number(Decimal::new(*n, *scale)),
                    _ => Value::Number(Decimal::from(n.rem_euclid(5000))),
                })
                .collect();
            for (name, _) in PRESETS {
                let scheme = Scheme::preset(name).unwrap();
                for ind in &scheme.indicators {
                    if let Some(v) = &ind.value {
                        prop_assert_eq!(v.measure(&slots), v.measure_reference(&slots), "{}", ind.id);
                        let (a, b) = (v.measure(&slots).value, v.measure_reference(&slots).value);
                        prop_assert_eq!(a.map(|d| d.to_string()), b.map(|d| d.to_string()));
                    }
                }
            }
        }
    }

    #[test]
    fn lowering_texts() {
        let l = lower(
            ValueForm::Ratio { percent: true },
            "closed_on_time",
            Some("due"),
        );
        assert_eq!(l.value, "(closed_on_time) * 100 / (due)");
        assert_eq!(l.num.as_deref(), Some("closed_on_time"));
        assert_eq!(lower(ValueForm::Mean, "a", Some("b")).value, "(a) / (b)");
        assert_eq!(lower(ValueForm::Count, "urged", None).value, "(urged)");
        assert_eq!(
            lower(ValueForm::Count, "urged", Some("dispatched")).value,
            "(urged) * 100 / (dispatched)"
        );
        let f = lower(ValueForm::Formula, "a + b", None);
        assert_eq!((f.value.as_str(), f.num, f.den), ("a + b", None, None));
    }
}
