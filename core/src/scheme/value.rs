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

use super::ratio::Ratio;
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
pub(crate) struct Measured {
    /// The exact value, or `None` for no data.
    pub value: Option<Ratio>,
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
    /// operations of its lowering ([`lower`]) instead of evaluating both again: a quotient of
    /// integers below 2^63 exactly, as a [`Ratio`] (no 28-digit division); anything else with
    /// the VM's arithmetic in the same order, so the same decimal as the value formula.
    pub(crate) fn measure(&self, slots: &[Value]) -> Measured {
        if let Some(m) = self.measure_counts(slots) {
            return m;
        }
        let num = self.num.as_ref().map(|f| f.eval(slots));
        // A sum of counters is read as an integer, without the VM (the same number).
        let den = self.den.as_ref().map(|f| {
            f.eval_integer(slots)
                .map_or_else(|| f.eval(slots), |d| Value::Number(Decimal::from(d)))
        });
        let percent = self.is_percent_scaled();
        let value = match (self.form, num, den) {
            (ValueForm::Formula, ..) | (_, None, _) => decimal(self.value.eval(slots)),
            (_, Some(n), None) => decimal(n),
            (_, Some(n), Some(d)) => quotient(n, d, percent).unwrap_or_else(|| {
                let n = if percent {
                    multiply(n, Value::Number(Decimal::ONE_HUNDRED))
                } else {
                    n
                };
                decimal(divide(n, d))
            }),
        };
        Measured {
            value,
            num: num.and_then(Value::as_number),
            den: den.and_then(Value::as_number),
        }
    }

    /// [`Self::measure`] when the numerator and denominator are sums of counters (most forms):
    /// integers straight from the slots, the value their exact quotient, no VM.
    fn measure_counts(&self, slots: &[Value]) -> Option<Measured> {
        if self.form == ValueForm::Formula {
            return None;
        }
        let n = self.num.as_ref()?.eval_integer(slots)?;
        let (value, den) = match &self.den {
            None => (Ratio::new(n.into(), 1), None),
            Some(f) => {
                let d = f.eval_integer(slots)?;
                let top = i128::from(n) * if self.is_percent_scaled() { 100 } else { 1 };
                (Ratio::new(top, d.into()), Some(Decimal::from(d)))
            }
        };
        Some(Measured {
            value,
            num: Some(Decimal::from(n)),
            den,
        })
    }

    /// Whether the value is `num × 100 / den` (percent rates, counts per 100).
    fn is_percent_scaled(&self) -> bool {
        matches!(
            self.form,
            ValueForm::Ratio { percent: true } | ValueForm::Count
        )
    }

    /// The reference evaluation: the value formula itself, in decimals (tests compare
    /// [`Self::measure`]).
    #[cfg(test)]
    fn measure_reference(&self, slots: &[Value]) -> (Option<Decimal>, Measured) {
        let eval = |f: &Formula| f.eval(slots).as_number();
        let value = eval(&self.value);
        let m = Measured {
            value: value.map(Ratio::from_decimal),
            num: self.num.as_ref().and_then(eval),
            den: self.den.as_ref().and_then(eval),
        };
        (value, m)
    }
}

/// A value the decimals decided, as the rules read it: at the guard places (see
/// [`crate::formula::guarded`]), so that a band, red line or target reached exactly is
/// reached by a formula whose division does not terminate (`closed_on_time / due * 60` at 20
/// missed `min = 20` by 1e-26 while the result showed 20: a formula audit).
fn decimal(v: Value) -> Option<Ratio> {
    v.as_number()
        .map(|d| Ratio::from_decimal(crate::formula::guarded(d)))
}

/// `n (× 100) / d` exactly when both are integers below 2^63 (`Some(None)` for a zero `d`, as
/// the VM's no data); `None` when the decimals must decide (fractions, larger magnitudes, no
/// data).
#[allow(clippy::option_option)]
fn quotient(n: Value, d: Value, percent: bool) -> Option<Option<Ratio>> {
    let int = |v: Value| {
        v.as_number()
            .filter(|x| x.scale() == 0)
            .and_then(|x| i64::try_from(x.mantissa()).ok())
    };
    let (n, d) = (i128::from(int(n)?), i128::from(int(d)?));
    Some(Ratio::new(if percent { n * 100 } else { n }, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::card::{reported, reported_exact};
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
                        // The same numerator and denominator; the value exact (or the decimal
                        // at the guard places), so equal to the decimal quotient at the guard
                        // places and rounding like it for the wire.
                        let (fast, (reference, slow)) = (v.measure(&slots), v.measure_reference(&slots));
                        prop_assert_eq!((fast.num, fast.den), (slow.num, slow.den), "{}", ind.id);
                        prop_assert_eq!(fast.value.is_some(), reference.is_some(), "{}", ind.id);
                        if let (Some(x), Some(d)) = (fast.value, reference) {
                            let guarded = crate::formula::guarded;
                            prop_assert_eq!(x.to_decimal().map(guarded), Some(guarded(d)), "{}", ind.id);
                            prop_assert_eq!(reported_exact(x), reported(d), "{}", ind.id);
                        }
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
