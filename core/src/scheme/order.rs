//! Exact ordering of decimals on their `i128` mantissas, for the rules' comparisons on decimals.
//!
//! Scored values often carry 28 decimal places while targets, floors and full marks have none;
//! comparing them with `Decimal`'s `Ord` rescales through 96-bit word arithmetic. Here equal
//! scales compare mantissas directly, opposite signs and zeros decide at once, and otherwise the
//! smaller-scale magnitude is multiplied up in `u128` (an overflow means it is the larger). The
//! result equals `Decimal`'s `cmp` (checked by the property test below).

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::round::pow10;

/// `a.cmp(&b)`, exactly.
pub fn cmp(a: Decimal, b: Decimal) -> Ordering {
    let (ma, mb) = (a.mantissa(), b.mantissa());
    let (sa, sb) = (a.scale(), b.scale());
    if sa == sb || ma == 0 || mb == 0 || (ma < 0) != (mb < 0) {
        // Same scale, or the signs (a zero mantissa is zero whatever its sign) decide.
        return if sa == sb {
            ma.cmp(&mb)
        } else {
            ma.signum().cmp(&mb.signum())
        };
    }
    let (ua, ub) = (ma.unsigned_abs(), mb.unsigned_abs());
    let scaled = |m: u128, by: u32| pow10(by).and_then(|p| m.checked_mul(p));
    let magnitude = if sa < sb {
        scaled(ua, sb - sa).map_or(Ordering::Greater, |x| x.cmp(&ub))
    } else {
        scaled(ub, sa - sb).map_or(Ordering::Less, |x| ua.cmp(&x))
    };
    if ma < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Decimals of every scale and magnitude, small ones, and 28-digit quotients.
    pub(crate) fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<bool>(),
                0u32..=28
            )
                .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
            (-1000i64..1000, 0u32..=28).prop_map(|(n, s)| Decimal::new(n, s)),
            (-100i64..100, 1i64..1000)
                .prop_map(|(n, d)| Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(d)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn equals_the_library(a in decimal(), b in decimal()) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
        }
    }

    #[test]
    fn zeros_signs_and_scales() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(cmp(d("0.00"), -Decimal::ZERO), Ordering::Equal);
        assert_eq!(cmp(d("1.0"), d("1")), Ordering::Equal);
        assert_eq!(cmp(d("-0.5"), d("-0.01")), Ordering::Less);
        assert_eq!(
            cmp(Decimal::MAX, d("0.0000000000000000000000000001")),
            Ordering::Greater
        );
        assert_eq!(
            cmp(d("-79228162514264337593543950335"), d("-0.1")),
            Ordering::Less
        );
    }
}
