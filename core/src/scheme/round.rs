//! Rounding half away from zero, exactly, on the 96-bit mantissa as one `u128` division.
//!
//! Scoring rounds every component's value and points (SPEC §6: on the exact decimal value), and
//! those values often carry 28 significant digits after a division. `rust_decimal`'s general
//! rounding divides word by word; for half away from zero a single `u128` quotient and remainder
//! give the same digits at a fraction of the cost. The result equals
//! `Decimal::round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)` (a zero result
//! may differ in sign only; every caller makes zeros unsigned). The property test below checks
//! this against the library on random decimals of every scale.

use rust_decimal::{Decimal, RoundingStrategy};

/// `10^exp` for the exponents of decimal scales (`0..=28`), from a table.
pub fn pow10(exp: u32) -> Option<u128> {
    const TABLE: [u128; 29] = [
        1,
        10,
        100,
        1000,
        10000,
        100000,
        1000000,
        10000000,
        100000000,
        1000000000,
        10000000000,
        100000000000,
        1000000000000,
        10000000000000,
        100000000000000,
        1000000000000000,
        10000000000000000,
        100000000000000000,
        1000000000000000000,
        10000000000000000000,
        100000000000000000000,
        1000000000000000000000,
        10000000000000000000000,
        100000000000000000000000,
        1000000000000000000000000,
        10000000000000000000000000,
        100000000000000000000000000,
        1000000000000000000000000000,
        10000000000000000000000000000,
    ];
    TABLE.get(usize::try_from(exp).ok()?).copied()
}

/// `d` rounded half away from zero to at most `dp` decimal places (unchanged if it has fewer).
pub fn half_away(d: Decimal, dp: u32) -> Decimal {
    let scale = d.scale();
    if scale <= dp {
        return d;
    }
    let Some(divisor) = pow10(scale - dp) else {
        return reference(d, dp);
    };
    let magnitude = d.mantissa().unsigned_abs();
    let quotient = magnitude / divisor;
    let remainder = magnitude - quotient * divisor;
    // `remainder ≥ divisor / 2`, without halving an odd divisor.
    let rounded = if remainder >= divisor - remainder {
        quotient + 1
    } else {
        quotient
    };
    signed(d, rounded, dp).unwrap_or_else(|| reference(d, dp))
}

/// The magnitude `rounded` at scale `dp` with `d`'s sign (`None` if it does not fit).
fn signed(d: Decimal, rounded: u128, dp: u32) -> Option<Decimal> {
    let v = i128::try_from(rounded).ok()?;
    let v = if d.is_sign_negative() { -v } else { v };
    Decimal::try_from_i128_with_scale(v, dp).ok()
}

/// `half_away(half_away(d, guard), dp)` for `dp < guard`: the double rounding of the wire
/// formats (guard digits first, then the reported places) with one division.
///
/// With `m = q·10^(s−dp) + r` (`s` = the scale), the guard step rounds `r / 10^(s−guard)` half
/// up and the final step adds one exactly when that reaches half of `10^(guard−dp)`, which is
/// `r + 10^(s−guard)/2 ≥ 10^(s−dp)/2` (both halves are integers since `s > guard > dp`).
pub fn half_away_guarded(d: Decimal, guard: u32, dp: u32) -> Decimal {
    let scale = d.scale();
    if scale <= guard || dp >= guard {
        return half_away(half_away(d, guard), dp);
    }
    let (Some(step), Some(guard_step)) = (pow10(scale - dp), pow10(scale - guard)) else {
        return half_away(half_away(d, guard), dp);
    };
    let magnitude = d.mantissa().unsigned_abs();
    let quotient = magnitude / step;
    let remainder = magnitude - quotient * step;
    let rounded = if remainder + guard_step / 2 >= step / 2 {
        quotient + 1
    } else {
        quotient
    };
    signed(d, rounded, dp).unwrap_or_else(|| half_away(half_away(d, guard), dp))
}

/// `d` without trailing zeros in its fraction, and zero unsigned (as `Decimal::normalize`).
pub fn strip_zeros(d: Decimal) -> Decimal {
    let mut scale = d.scale();
    let Ok(mut m) = u64::try_from(d.mantissa().unsigned_abs()) else {
        return d.normalize();
    };
    if m == 0 {
        return Decimal::ZERO;
    }
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    let mut out = Decimal::from(m);
    // `scale` is at most `d`'s scale (≤ 28), so this cannot fail.
    if out.set_scale(scale).is_err() {
        return d.normalize();
    }
    out.set_sign_negative(d.is_sign_negative());
    out
}

/// The library's rounding (the fallback, and the reference of the tests).
fn reference(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn powers_of_ten() {
        for e in 0..=28 {
            assert_eq!(pow10(e), 10u128.checked_pow(e));
        }
        assert_eq!(pow10(29), None);
    }

    #[test]
    fn midpoints_go_away_from_zero() {
        assert_eq!(half_away(d("14.825"), 2).to_string(), "14.83");
        assert_eq!(half_away(d("-14.825"), 2).to_string(), "-14.83");
        assert_eq!(half_away(d("14.8249999"), 2).to_string(), "14.82");
        assert_eq!(half_away(d("0.5"), 0).to_string(), "1");
        assert_eq!(half_away(d("2.5"), 5).to_string(), "2.5");
        let third = Decimal::ONE_HUNDRED / Decimal::from(3);
        assert_eq!(half_away(third, 4).to_string(), "33.3333");
        assert_eq!(half_away(Decimal::MAX, 0), Decimal::MAX);
        let tiny = Decimal::new(5, 28);
        assert_eq!(half_away(tiny, 27), Decimal::new(1, 27));
        assert_eq!(half_away(tiny, 0), Decimal::ZERO);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn equals_the_library(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            negative in any::<bool>(), scale in 0u32..=28, dp in 0u32..=30,
        ) {
            let x = Decimal::from_parts(lo, mid, hi, negative, scale);
            let (fast, slow) = (half_away(x, dp), reference(x, dp));
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(fast.scale(), slow.scale());
            if !fast.is_zero() {
                prop_assert_eq!(fast.to_string(), slow.to_string());
            }
        }

        #[test]
        fn guarded_rounding_equals_two_roundings(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            negative in any::<bool>(), scale in 0u32..=28, guard in 0u32..=28, dp in 0u32..=28,
        ) {
            let x = Decimal::from_parts(lo, mid, hi, negative, scale);
            let (fast, slow) = (half_away_guarded(x, guard, dp), half_away(half_away(x, guard), dp));
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(fast.scale(), slow.scale());
            let ties = Decimal::from(lo % 1000) + Decimal::new(5, 21) - Decimal::new(i64::from(mid % 3), 27);
            prop_assert_eq!(half_away_guarded(ties, 20, 2), half_away(half_away(ties, 20), 2));
        }

        #[test]
        fn strip_zeros_equals_normalize(n in any::<i64>(), scale in 0u32..=28, zeros in 0u32..=9) {
            let m = i128::from(n) * 10i128.pow(zeros);
            let x = Decimal::from_i128_with_scale(m, scale);
            prop_assert_eq!(strip_zeros(x).to_string(), x.normalize().to_string());
            prop_assert_eq!(strip_zeros(x).is_sign_negative(), x.normalize().is_sign_negative());
        }

        #[test]
        fn equals_the_library_on_quotients(n in 0i64..10_000_000, den in 1i64..10_000_000, dp in 0u32..=6) {
            let x = Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(den);
            prop_assert_eq!(half_away(x, dp), reference(x, dp));
            prop_assert_eq!(half_away(-x, dp), reference(-x, dp));
            if !x.is_zero() {
                prop_assert_eq!(half_away(x, dp).to_string(), reference(x, dp).to_string());
            }
        }
    }
}
