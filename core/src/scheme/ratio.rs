//! `Ratio`: an exact rational `num / den` in `i128` — the value, rule and rounding steps of
//! scoring run on it (SPEC §6: points are rounded on the exact value).
//!
//! A ratio of two counts (`signed_on_time * 100 / dispatched`) never needs the 28-digit quotient
//! `rust_decimal` would compute: it stays a pair of integers until it is rounded for the wire,
//! with one `u128` division. Every decimal is a ratio (`mantissa / 10^scale`), so values computed
//! in decimals elsewhere convert without loss. An operation whose result does not fit (`i128`, or
//! beyond the decimal range) returns `None`; scoring then takes the decimal path for that cell
//! ([`super::rule::Arith`]), so nothing overflows silently.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::round::{half_away_guarded, pow10};

/// An exact rational number (`den > 0`, not necessarily in lowest terms).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ratio {
    num: i128,
    den: i128,
}

/// Magnitudes below this fit a decimal's 96-bit mantissa (`Decimal::MAX` = 2^96 − 1).
const LIMIT: u128 = (1 << 96) - 1;

impl Ratio {
    /// Zero.
    pub(crate) const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub(crate) const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den`; `None` when `den` is zero or the value is outside the decimal range.
    #[inline]
    pub(crate) fn new(num: i128, den: i128) -> Option<Ratio> {
        let (num, den) = match den.cmp(&0) {
            Ordering::Greater => (num, den),
            Ordering::Less => (num.checked_neg()?, den.checked_neg()?),
            Ordering::Equal => return None,
        };
        let m = num.unsigned_abs();
        let fits = m < LIMIT || m / den.unsigned_abs() < LIMIT;
        fits.then_some(Ratio { num, den })
    }

    /// The decimal's exact value.
    #[inline]
    pub(crate) fn from_decimal(d: Decimal) -> Ratio {
        // `10^scale ≤ 10^28` fits `i128`, so the cast is exact.
        let den = pow10(d.scale()).map_or(1, |p| p as i128);
        Ratio {
            num: d.mantissa(),
            den,
        }
    }

    /// The value as a decimal: exactly when the denominator is a power of ten, else the
    /// quotient `rust_decimal` computes (what dividing the decimals `num` and `den` gives).
    pub(crate) fn to_decimal(self) -> Option<Decimal> {
        let den = self.den.unsigned_abs();
        let scale = den.ilog10();
        if pow10(scale) == Some(den)
            && let Ok(d) = Decimal::try_from_i128_with_scale(self.num, scale)
        {
            return Some(d);
        }
        let num = Decimal::try_from_i128_with_scale(self.num, 0).ok()?;
        let den = Decimal::try_from_i128_with_scale(self.den, 0).ok()?;
        num.checked_div(den)
    }

    /// `Some(n)` for an integer `n / 1`.
    #[inline]
    pub(crate) fn integer(self) -> Option<i128> {
        (self.den == 1).then_some(self.num)
    }

    /// Numerator and denominator, when both fit 64 bits.
    #[inline]
    fn small(self) -> Option<(i64, i64)> {
        Some((i64::try_from(self.num).ok()?, i64::try_from(self.den).ok()?))
    }

    /// `self + o`.
    #[inline]
    pub(crate) fn checked_add(self, o: Ratio) -> Option<Ratio> {
        if self.den == o.den {
            return Ratio::new(self.num.checked_add(o.num)?, self.den);
        }
        if let (Some((a, b)), Some((c, d))) = (self.small(), o.small()) {
            // Each product is below 2^126 in magnitude, so neither they nor their sum overflow.
            let num = i128::from(a) * i128::from(d) + i128::from(c) * i128::from(b);
            return Ratio::new(num, i128::from(b) * i128::from(d));
        }
        let num = mul(self.num, o.den)?.checked_add(mul(o.num, self.den)?)?;
        Ratio::new(num, mul(self.den, o.den)?)
    }

    /// `self − o`.
    #[inline]
    pub(crate) fn checked_sub(self, o: Ratio) -> Option<Ratio> {
        self.checked_add(Ratio {
            num: o.num.checked_neg()?,
            den: o.den,
        })
    }

    /// `self × o`.
    #[inline]
    pub(crate) fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(mul(self.num, o.num)?, mul(self.den, o.den)?)
    }

    /// The same value in lowest terms (sums of many units' points keep every denominator's
    /// factors: a product that then overflows may not once they are cancelled).
    pub(crate) fn reduced(self) -> Ratio {
        let (mut a, mut b) = (self.num.unsigned_abs(), self.den.unsigned_abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        // `a` is the gcd (≥ 1 as `den > 0`, ≤ `den`, so it fits `i128`).
        match i128::try_from(a) {
            Ok(g) if g > 1 => Ratio {
                num: self.num / g,
                den: self.den / g,
            },
            _ => self,
        }
    }

    /// `self / o`; `None` for a zero divisor.
    #[inline]
    pub(crate) fn checked_div(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(mul(self.num, o.den)?, mul(self.den, o.num)?)
    }

    /// The value rounded half away from zero to `guard` places, then to `dp` places (as
    /// [`half_away_guarded`] on a decimal; `dp ≤ guard ≤ 28`), at scale `dp`.
    pub(crate) fn half_away_guarded(self, guard: u32, dp: u32) -> Decimal {
        let dp = dp.min(guard);
        self.round_exactly(guard, dp)
            .or_else(|| {
                // A decimal's ratio (`mantissa / 10^scale`): the decimal rounding.
                let scale = self.den.unsigned_abs().ilog10();
                let exact = pow10(scale) == Some(self.den.unsigned_abs());
                let d = Decimal::try_from_i128_with_scale(self.num, scale).ok();
                d.filter(|_| exact).map(|d| half_away_guarded(d, guard, dp))
            })
            .or_else(|| self.round_slowly(guard, dp))
            .unwrap_or_else(|| {
                // Denominators beyond 10^37: the decimal quotient, or of a coarser ratio.
                let coarse = Ratio::new(self.num / 10i128.pow(12), self.den / 10i128.pow(12));
                let d = self.to_decimal().or_else(|| coarse?.to_decimal());
                half_away_guarded(d.unwrap_or(Decimal::ZERO), guard, dp)
            })
    }

    /// With `x·10^dp = kept + rem/q`, the guard step rounds the fraction `f = rem/q` to
    /// `k = guard − dp` digits half up, and the final step adds one when that reaches one half:
    /// `⌊f·10^k + ½⌋ ≥ 10^k/2`, i.e. `2·rem·10^k ≥ q·(10^k − 1)` (`10^k` even), or `2·rem ≥ q`
    /// for `k = 0`. `None` when a product does not fit `u128` (denominators beyond 2^64).
    fn round_exactly(self, guard: u32, dp: u32) -> Option<Decimal> {
        if let Some(d) = self.round_in_64_bits(guard, dp) {
            return Some(d);
        }
        let q = self.den.unsigned_abs();
        let scaled = self.num.unsigned_abs().checked_mul(pow10(dp)?)?;
        let (kept, rem) = divide(scaled, q);
        let k = pow10(guard - dp)?;
        let up = if k == 1 {
            rem >= q - rem
        } else {
            rem.checked_mul(2 * k)? >= q.checked_mul(k - 1)?
        };
        let m = i128::try_from(kept + u128::from(up)).ok()?;
        let signed = if self.num < 0 { -m } else { m };
        Decimal::try_from_i128_with_scale(signed, dp).ok()
    }
}

impl Ratio {
    /// [`Self::round_exactly`] when `|num|·10^dp` and `den` fit 64 bits (the usual case): one
    /// 64-bit division and two products of 64-bit factors.
    #[inline]
    fn round_in_64_bits(self, guard: u32, dp: u32) -> Option<Decimal> {
        let q = u64::try_from(self.den).ok()?;
        let p = u64::try_from(pow10(dp)?).ok()?;
        let k = u64::try_from(pow10(guard - dp)?).ok()?;
        let scaled = u64::try_from(self.num.unsigned_abs())
            .ok()?
            .checked_mul(p)?;
        let (kept, rem) = (scaled / q, scaled % q);
        let up = if k == 1 {
            rem >= q - rem
        } else {
            u128::from(rem) * (2 * u128::from(k)) >= u128::from(q) * u128::from(k - 1)
        };
        let m = u128::from(kept) + u128::from(up);
        let (lo, hi) = (m as u32, (m >> 32) as u32);
        let hi2 = (m >> 64) as u32;
        Some(Decimal::from_parts(lo, hi, hi2, self.num < 0, dp))
    }

    /// [`Self::round_exactly`] for denominators up to 10^37: the guard digits by long division.
    fn round_slowly(self, guard: u32, dp: u32) -> Option<Decimal> {
        let q = self.den.unsigned_abs();
        let u = self.num.unsigned_abs();
        let (whole, mut rest) = (u / q, u % q);
        let mut digits: u128 = 0;
        for _ in 0..guard {
            let x = rest.checked_mul(10)?;
            digits = digits * 10 + x / q;
            rest = x % q;
        }
        if rest >= q - rest {
            digits += 1;
        }
        let step = pow10(guard - dp)?;
        let (mut kept, dropped) = (digits / step, digits % step);
        if step > 1 && dropped >= step - dropped {
            kept += 1;
        }
        let m = whole.checked_mul(pow10(dp)?)?.checked_add(kept)?;
        let m = i128::try_from(m).ok()?;
        let signed = if self.num < 0 { -m } else { m };
        Decimal::try_from_i128_with_scale(signed, dp).ok()
    }
}

/// `(a / b, a % b)`, in 64 bits when both fit (`b > 0`).
#[inline]
fn divide(a: u128, b: u128) -> (u128, u128) {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => (u128::from(a / b), u128::from(a % b)),
        _ => (a / b, a % b),
    }
}

/// `a × b`, without the 128-bit overflow check when both fit 64 bits.
#[inline]
fn mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(x), Ok(y)) => Some(i128::from(x) * i128::from(y)),
        _ => a.checked_mul(b),
    }
}

/// `a × b` as a 256-bit `(high, low)` pair.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const LO: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & LO);
    let (b1, b0) = (b >> 64, b & LO);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & LO) + (p10 & LO);
    let low = (p00 & LO) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

impl Ratio {
    /// The exact order of two values (by value: no round trip through memory).
    #[inline]
    pub(crate) fn compare(self, o: Ratio) -> Ordering {
        if self.den == o.den {
            return self.num.cmp(&o.num);
        }
        if let (Some((a, b)), Some((c, d))) = (self.small(), o.small()) {
            // Products of 64-bit factors fit 128 bits (`b`, `d` > 0).
            return (i128::from(a) * i128::from(d)).cmp(&(i128::from(c) * i128::from(b)));
        }
        // Against an integer (band limits, full marks): one product.
        if o.den == 1
            && let Some(y) = o.num.checked_mul(self.den)
        {
            return self.num.cmp(&y);
        }
        if self.den == 1
            && let Some(x) = self.num.checked_mul(o.den)
        {
            return x.cmp(&o.num);
        }
        let (sa, sb) = (self.num.signum(), o.num.signum());
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let magnitude = match (mul(self.num, o.den), mul(o.num, self.den)) {
            (Some(x), Some(y)) => return x.cmp(&y),
            _ => wide_mul(self.num.unsigned_abs(), o.den.unsigned_abs())
                .cmp(&wide_mul(o.num.unsigned_abs(), self.den.unsigned_abs())),
        };
        if sa < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl Ord for Ratio {
    fn cmp(&self, o: &Ratio) -> Ordering {
        self.compare(*o)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, o: &Ratio) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Equal values (`1/2 = 2/4`).
impl PartialEq for Ratio {
    fn eq(&self, o: &Ratio) -> bool {
        self.compare(*o) == Ordering::Equal
    }
}

impl Eq for Ratio {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::order::tests::decimal;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;

    fn ratio() -> impl Strategy<Value = Ratio> {
        prop_oneof![
            decimal().prop_map(Ratio::from_decimal),
            (-10_000_000i64..10_000_000, 1i64..10_000_000).prop_map(|(n, d)| Ratio::new(
                n.into(),
                d.into()
            )
            .unwrap()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// Ordering and arithmetic on decimals' ratios agree with the decimals' where the
        /// decimal result is exact.
        #[test]
        fn decimals_round_trip(a in decimal(), b in decimal()) {
            let (x, y) = (Ratio::from_decimal(a), Ratio::from_decimal(b));
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x.to_decimal(), Some(a));
            // A sum kept at the wider scale is exact (else the decimal sum was rounded).
            let exact = |s: &Decimal| s.scale() == a.scale().max(b.scale());
            if let (Some(s), Some(r)) = (a.checked_add(b).filter(exact), x.checked_add(y)) {
                prop_assert_eq!(r.cmp(&Ratio::from_decimal(s)), Ordering::Equal);
            }
            for (guard, dp) in [(20, 2), (20, 4), (20, 0), (3, 3)] {
                prop_assert_eq!(x.half_away_guarded(guard, dp), half_away_guarded(a, guard, dp));
            }
        }

        /// Rounding a quotient of counts exactly gives the guarded rounding of its 28-digit
        /// decimal quotient (SPEC §6; the guard's purpose), and the order of two ratios is the
        /// order of their quotients.
        #[test]
        fn quotients_round_as_their_decimals(
            n in -10_000_000i64..10_000_000, d in 1i64..10_000_000, scale in 0u32..4,
            dp in 0u32..=6, other in ratio(),
        ) {
            let x = Ratio::new(i128::from(n) * 100, i128::from(d) * 10i128.pow(scale)).unwrap();
            let q = Decimal::from(n * 100) / (Decimal::from(d) * Decimal::from(10i64.pow(scale)));
            prop_assert_eq!(x.to_decimal(), Some(q));
            let want = half_away_guarded(q, 20, dp);
            prop_assert_eq!(x.half_away_guarded(20, dp), want);
            let want = q.round_dp_with_strategy(20, MidpointAwayFromZero)
                .round_dp_with_strategy(dp, MidpointAwayFromZero);
            prop_assert_eq!(x.half_away_guarded(20, dp), want);
            if let Some(o) = other.to_decimal().filter(|_| x.cmp(&other) != Ordering::Equal) {
                // Distinct values: the decimal quotient orders the same way.
                prop_assert_eq!(x.cmp(&other), q.cmp(&o));
            }
        }

        #[test]
        fn order_is_exact_beyond_i128_products(
            a in 1i128..i128::MAX / 4, b in 1i128..i128::MAX / 4, k in 1i128..1000,
        ) {
            let (x, y) = (Ratio { num: a, den: b }, Ratio { num: a * 2, den: b * 2 });
            prop_assert_eq!(x.cmp(&y), Ordering::Equal);
            let z = Ratio { num: a + k, den: b };
            prop_assert_eq!(z.cmp(&x), Ordering::Greater);
            let neg = Ratio { num: -a, den: b };
            prop_assert_eq!(neg.cmp(&Ratio { num: -a * 2, den: b * 2 }), Ordering::Equal);
            prop_assert_eq!(neg.cmp(&x), Ordering::Less);
        }
    }

    #[test]
    fn ties_round_on_the_exact_value() {
        // 35 × 53/56 = 33.125 exactly: away from zero at 2 places.
        let x = Ratio::new(35 * 53, 56).unwrap();
        assert_eq!(x.half_away_guarded(20, 2).to_string(), "33.13");
        assert_eq!(
            Ratio::new(-35 * 53, 56)
                .unwrap()
                .half_away_guarded(20, 2)
                .to_string(),
            "-33.13"
        );
        assert_eq!(
            Ratio::new(200, 3)
                .unwrap()
                .half_away_guarded(20, 4)
                .to_string(),
            "66.6667"
        );
        assert_eq!(
            Ratio::new(5, 1)
                .unwrap()
                .half_away_guarded(20, 2)
                .to_string(),
            "5.00"
        );
        // A denominator too large for the `u128` products takes the long division.
        let big = Ratio::new(10i128.pow(30) + 5 * 10i128.pow(26), 10i128.pow(30) * 3).unwrap();
        assert_eq!(big.half_away_guarded(20, 4).to_string(), "0.3335");
        assert_eq!(big.round_slowly(20, 4), Some(Decimal::new(3335, 4)));
        let huge = Ratio::new(10i128.pow(38), 10i128.pow(38) - 1).unwrap();
        assert_eq!(huge.half_away_guarded(20, 2).to_string(), "1.00");
    }

    #[test]
    fn reduced_keeps_the_value_in_lowest_terms() {
        let r = Ratio::new(-84, 36).unwrap().reduced();
        assert_eq!((r.num, r.den), (-7, 3));
        assert_eq!(Ratio::new(0, 5).unwrap().reduced(), Ratio::ZERO);
        let big = Ratio::new(i128::MAX / 1000 * 6, i128::MAX / 1000 * 4)
            .unwrap()
            .reduced();
        assert_eq!((big.num, big.den), (3, 2));
    }

    #[test]
    fn construction_and_range() {
        assert!(Ratio::new(1, 0).is_none());
        assert_eq!(Ratio::new(1, -2), Ratio::new(-1, 2));
        assert!(Ratio::new(i128::MAX, 1).is_none());
        assert!(Ratio::new(i128::MAX, 1 << 40).is_some());
        assert_eq!(Ratio::new(3, 6), Ratio::new(1, 2));
        assert!(Ratio::ONE.checked_div(Ratio::ZERO).is_none());
        assert_eq!(Ratio::new(7, 1).unwrap().integer(), Some(7));
        assert_eq!(Ratio::new(14, 2).unwrap().integer(), None);
        assert_eq!(
            Ratio::new(1, 3).unwrap().to_decimal(),
            Some(Decimal::ONE / Decimal::from(3))
        );
    }
}
