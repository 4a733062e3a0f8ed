//! Workload (兼顾工作量) and value adjustments before a rule sees the value: small-sample
//! shrinkage toward the group's rate and `rate_decimals` rounding. (The volume curve is a rule,
//! [`super::rule::Rule::Volume`]; per-100-tickets normalisation is part of the value formula,
//! [`super::value`].)

use rust_decimal::Decimal;

use super::model::{Indicator, Shrink};
use super::ratio::Ratio;
use super::value::Measured;

/// The group's pooled rate `Σ num / Σ den` over units with a positive denominator (a fraction,
/// not a percent); `None` if no unit has one.
pub(crate) fn pooled_rate<'a>(measures: impl IntoIterator<Item = &'a Measured>) -> Option<Decimal> {
    let (mut num, mut den) = (Decimal::ZERO, Decimal::ZERO);
    for m in measures {
        if let (Some(n), Some(d)) = (m.num, m.den) {
            if d > Decimal::ZERO {
                num = num.checked_add(n)?;
                den = den.checked_add(d)?;
            }
        }
    }
    if den > Decimal::ZERO {
        num.checked_div(den)
    } else {
        None
    }
}

/// `(num + weight·p) / (den + weight)` when `0 < den < min_sample` (a fraction); `None` otherwise.
pub(crate) fn shrunk_rate(
    m: &Measured,
    shrink: Shrink,
    pooled: Option<Decimal>,
) -> Option<Decimal> {
    let (n, d, p) = (m.num?, m.den?, pooled?);
    if d <= Decimal::ZERO || d >= shrink.min_sample {
        return None;
    }
    let top = n.checked_add(shrink.weight.checked_mul(p)?)?;
    top.checked_div(d.checked_add(shrink.weight)?)
}

/// The value the rule scores, and whether shrinkage changed it. A shrunk rate is computed in
/// decimals (and compared with the decimal quotient of the value); an unshrunk value stays exact.
pub(crate) fn scored_value(
    ind: &Indicator,
    m: &Measured,
    pooled: Option<Decimal>,
    rate_decimals: Option<u32>,
) -> (Option<Ratio>, bool) {
    let percent = ind.is_percent();
    let shrunk_to = ind
        .shrink
        .and_then(|s| shrunk_rate(m, s, pooled))
        .map(|rate| {
            if percent {
                rate.checked_mul(Decimal::ONE_HUNDRED)
            } else {
                Some(rate)
            }
        });
    let (value, shrunk) = match shrunk_to {
        Some(scaled) => {
            let before = m.value.and_then(Ratio::to_decimal);
            // Read at the guard places as every decimal value a rule reads (a shrunk rate is a
            // division that may not terminate: crate::formula::guarded).
            let guarded = scaled.map(|d| Ratio::from_decimal(crate::formula::guarded(d)));
            (guarded, scaled != before)
        }
        None => (m.value, false),
    };
    match (percent, rate_decimals, value) {
        (true, Some(dp), Some(v)) => (
            Some(Ratio::from_decimal(v.half_away_guarded(dp, dp))),
            shrunk,
        ),
        _ => (value, shrunk),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn m(num: i64, den: i64) -> Measured {
        Measured {
            value: None,
            num: Some(Decimal::from(num)),
            den: Some(Decimal::from(den)),
        }
    }

    #[test]
    fn pooled_and_shrunk() {
        let group = [m(90, 100), m(5, 10), m(0, 0)];
        let p = pooled_rate(&group).unwrap();
        assert_eq!(p, d("95") / d("110"));
        let s = Shrink {
            min_sample: d("30"),
            weight: d("20"),
        };
        // (5 + 20·0.9) / (10 + 20) with p = 0.9
        assert_eq!(
            shrunk_rate(&m(5, 10), s, Some(d("0.9"))),
            Some(d("23") / d("30"))
        );
        assert_eq!(shrunk_rate(&m(90, 100), s, Some(d("0.9"))), None);
        assert_eq!(shrunk_rate(&m(0, 0), s, Some(d("0.9"))), None);
    }
}
