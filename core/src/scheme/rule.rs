//! Scoring rules: how an indicator's value `r` turns into points, exactly.
//!
//! Every rule's result is clamped to `[0, M]` (`M` = the indicator's `points`); bonuses and
//! deductions are magnitudes the total adds or subtracts. Arithmetic is checked: an overflow is
//! "no data", never a panic.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::cmp::Ordering::{self, Greater, Less};

use super::file::{Curve, IndicatorKind};
use super::order::cmp;
use super::ratio::Ratio;
use crate::formula::{Formula, Value};

/// A compiled scoring rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `clamp(M − slope·(target − r), floor, M)`.
    LinearBelowTarget {
        /// Target `T`.
        target: Decimal,
        /// Slope `k`.
        slope: Decimal,
        /// Floor `F`.
        floor: Decimal,
    },
    /// `M · r / of`.
    Proportional {
        /// The value worth full marks.
        of: Decimal,
    },
    /// Piecewise constant.
    Bands {
        /// `(bound, points)`: `r ≥ bound` when `higher_better`, else `r ≤ bound`.
        bands: Vec<(Decimal, Decimal)>,
        /// Bands are minimums (`true`) or maximums (`false`).
        higher_better: bool,
    },
    /// `M` at or above `threshold`, `below` under it.
    RedLine {
        /// The red line.
        threshold: Decimal,
        /// Points below it.
        below: Decimal,
    },
    /// Base `max(floor, M − each·r)`; bonus and deduction `min(M, each·r)`.
    PerItem {
        /// Points per item.
        each: Decimal,
        /// Floor of a base indicator.
        floor: Decimal,
    },
    /// Sum of the points of the fulfilled items (the value is that sum).
    Checklist {
        /// The items.
        items: Vec<ChecklistItem>,
    },
    /// `M · f(r) / f(r_max)` over the group.
    Volume {
        /// The curve `f`.
        curve: Curve,
    },
}

/// A compiled checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    /// What it checks.
    pub item: String,
    /// When it is fulfilled.
    pub when: Formula,
    /// Its points.
    pub points: Decimal,
}

/// Decimal places kept of a curve ratio computed in binary floating point (`sqrt`, `log`).
pub const CURVE_DECIMALS: u32 = 10;
const CURVE_SCALE: f64 = 1e10;

impl Rule {
    /// Whether the points' magnitude grows with the value.
    fn magnitude_increases(&self, kind: IndicatorKind) -> bool {
        match self {
            Rule::Bands { higher_better, .. } => *higher_better,
            Rule::PerItem { .. } => kind != IndicatorKind::Base,
            _ => true,
        }
    }

    /// Whether a higher value is better for the unit (more points, or less deducted).
    pub fn higher_is_better(&self, kind: IndicatorKind) -> bool {
        self.magnitude_increases(kind) != (kind == IndicatorKind::Deduction)
    }

    /// The rule's threshold for the red-line flag (`red_line` rules), with a group target.
    pub fn red_line(&self, group_target: Option<Decimal>) -> Option<Decimal> {
        match self {
            Rule::RedLine { threshold, .. } => Some(group_target.unwrap_or(*threshold)),
            _ => None,
        }
    }

    /// The value of a checklist on a unit's slots: the sum of the fulfilled items' points; no
    /// data (`None`) when an item's condition has none. Missing data propagates (SPEC §6.1): a
    /// checklist over external metrics a unit was not given is no data, which the indicator's
    /// `when_no_data` decides, not a list of unmet items worth 0.
    pub fn checklist_value(&self, slots: &[Value]) -> Option<Decimal> {
        let Rule::Checklist { items } = self else {
            return None;
        };
        items
            .iter()
            .try_fold(Decimal::ZERO, |acc, i| match i.when.eval(slots) {
                Value::Bool(true) => acc.checked_add(i.points),
                Value::Bool(false) => Some(acc),
                Value::Number(_) | Value::NoData => None,
            })
    }

    /// Exact points (a magnitude in `[0, m]`) for value `r`; `group_target` replaces the rule's
    /// target or threshold; `group_max` is the largest value in the group (`volume`). `None` when
    /// the result is undefined (overflow, empty group maximum).
    pub(crate) fn points<N: Arith>(
        &self,
        r: N,
        m: N,
        kind: IndicatorKind,
        group_target: Option<Decimal>,
        group_max: Option<N>,
    ) -> Option<N> {
        let raw = match self {
            Rule::LinearBelowTarget {
                target,
                slope,
                floor,
            } => {
                let t = N::of(group_target.unwrap_or(*target));
                let lost = N::of(*slope).mul(t.sub(r)?)?;
                larger(smaller(m.sub(lost)?, m), N::of(*floor))
            }
            Rule::Proportional { of } => m.mul(r)?.div(N::of(*of))?,
            Rule::Bands {
                bands,
                higher_better,
            } => {
                let hit = bands.iter().filter(|(b, _)| {
                    r.order(N::of(*b)) != if *higher_better { Less } else { Greater }
                });
                let best = if *higher_better {
                    hit.max_by_key(|(b, _)| *b)
                } else {
                    hit.min_by_key(|(b, _)| *b)
                };
                N::of(best.map_or(Decimal::ZERO, |(_, p)| *p))
            }
            Rule::RedLine { threshold, below } => {
                if r.order(N::of(group_target.unwrap_or(*threshold))) != Less {
                    m
                } else {
                    N::of(*below)
                }
            }
            Rule::PerItem { each, floor } => {
                let items = N::of(*each).mul(r)?;
                if kind == IndicatorKind::Base {
                    larger(m.sub(items)?, N::of(*floor))
                } else {
                    items
                }
            }
            Rule::Checklist { .. } => r,
            Rule::Volume { curve } => m.mul(curve_ratio(*curve, r, group_max?)?)?,
        };
        Some(smaller(larger(raw, N::of(Decimal::ZERO)), m))
    }
}

/// The arithmetic of the rules, on exact decimals or on exact rationals ([`Ratio`]): checked
/// operations (`None` on overflow or division by zero) and exact ordering.
pub(crate) trait Arith: Copy {
    /// The decimal's value.
    fn of(d: Decimal) -> Self;
    /// `self − o`.
    fn sub(self, o: Self) -> Option<Self>;
    /// `self × o`.
    fn mul(self, o: Self) -> Option<Self>;
    /// `self / o`.
    fn div(self, o: Self) -> Option<Self>;
    /// The exact ordering.
    fn order(self, o: Self) -> Ordering;
    /// The value as a binary float (curves), if this representation gives it exactly as the
    /// decimal would.
    fn to_float(self) -> Option<f64>;
}

/// The checked operations of [`Arith`], by the types' own `checked_*` methods.
macro_rules! checked_ops {
    () => {
        fn sub(self, o: Self) -> Option<Self> {
            self.checked_sub(o)
        }
        fn mul(self, o: Self) -> Option<Self> {
            self.checked_mul(o)
        }
        fn div(self, o: Self) -> Option<Self> {
            self.checked_div(o)
        }
    };
}

impl Arith for Decimal {
    checked_ops!();
    fn of(d: Decimal) -> Self {
        d
    }
    fn order(self, o: Self) -> Ordering {
        cmp(self, o)
    }
    fn to_float(self) -> Option<f64> {
        self.to_f64()
    }
}

impl Arith for Ratio {
    checked_ops!();
    fn of(d: Decimal) -> Self {
        Ratio::from_decimal(d)
    }
    fn order(self, o: Self) -> Ordering {
        self.compare(o)
    }
    /// Integers below 2^53 only (exact in both representations); otherwise the caller scores on
    /// decimals.
    fn to_float(self) -> Option<f64> {
        let n = self.integer()?;
        (n.unsigned_abs() < 1 << 53).then_some(n as f64)
    }
}

/// `a` unless `b` is smaller.
fn smaller<N: Arith>(a: N, b: N) -> N {
    if a.order(b) == Greater { b } else { a }
}

/// `a` unless `b` is larger.
fn larger<N: Arith>(a: N, b: N) -> N {
    if a.order(b) == Less { b } else { a }
}

/// `f(r) / f(max)`, in `[0, 1]`; `None` when `f(max) ≤ 0`.
fn curve_ratio<N: Arith>(curve: Curve, r: N, max: N) -> Option<N> {
    let zero = N::of(Decimal::ZERO);
    let r = smaller(larger(r, zero), max);
    if max.order(zero) != Greater {
        return None;
    }
    if curve == Curve::Linear {
        return r.div(max);
    }
    let (x, top) = (r.to_float()?, max.to_float()?);
    let (fx, ftop) = match curve {
        Curve::Sqrt => (x.sqrt(), top.sqrt()),
        _ => (x.ln_1p(), top.ln_1p()),
    };
    // floor(q · 10^10 + 0.5) in IEEE doubles: q ∈ [0, 1], so this is half away from zero and
    // the same in every language (sqrt is correctly rounded; ln is the platform's).
    let scaled = (fx / ftop * CURVE_SCALE + 0.5).floor();
    if !scaled.is_finite() {
        return None;
    }
    Some(N::of(Decimal::new(scaled.to_i64()?, CURVE_DECIMALS)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::card::{fixed, fixed_exact, reported, reported_exact};
    use crate::scheme::{PRESETS, Scheme};
    use proptest::prelude::*;

    /// The presets, loaded once.
    fn presets() -> &'static [Scheme] {
        static SCHEMES: std::sync::OnceLock<Vec<Scheme>> = std::sync::OnceLock::new();
        SCHEMES.get_or_init(|| {
            PRESETS
                .iter()
                .map(|(name, _)| Scheme::preset(name).unwrap())
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Every preset's rules score a quotient of counts on exact ratios exactly as on the
        /// 28-digit decimal quotient (what scoring computed before): the same points and values
        /// for the wire. Where the ratio path declines (a curve of a fraction), scoring takes
        /// the decimal path, so only its answers are compared.
        #[test]
        fn ratios_score_as_decimals(
            n in 0i64..10_000_000,
            den in prop_oneof![Just(1i64), 1i64..10_000_000],
            max in 1i64..10_000_000,
            percent in any::<bool>(),
            target in proptest::option::of(0i64..=100),
        ) {
            let top = if percent { n * 100 } else { n };
            let r = Ratio::new(top.into(), den.into()).unwrap();
            let dec = r.to_decimal().unwrap();
            prop_assert_eq!(reported_exact(r), reported(dec));
            let t = target.map(Decimal::from);
            for scheme in presets() {
                for ind in &scheme.indicators {
                    let m = Ratio::from_decimal(ind.points);
                    let group_max = Some(Ratio::new(max.into(), 1).unwrap());
                    let Some(x) = ind.rule.points(r, m, ind.kind, t, group_max) else {
                        continue;
                    };
                    let old = ind.rule.points(dec, ind.points, ind.kind, t, Some(Decimal::from(max)));
                    for dp in [0, 2, 4] {
                        prop_assert_eq!(Some(fixed_exact(x, dp)), old.map(|o| fixed(o, dp)), "{}", ind.id);
                    }
                }
            }
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn linear_below_target_matches_lianyungang() {
        let on_time = Rule::LinearBelowTarget {
            target: d("100"),
            slope: d("1"),
            floor: d("0"),
        };
        let base = IndicatorKind::Base;
        let p = |r: &str| on_time.points(d(r), d("25"), base, None, None).unwrap();
        assert_eq!(p("80"), d("5"));
        assert_eq!(p("89.825"), d("14.825"));
        assert_eq!(p("66.67"), d("0"));
        assert_eq!(p("100"), d("25"));
        let sat = Rule::LinearBelowTarget {
            target: d("98"),
            slope: d("0.5"),
            floor: d("12.5"),
        };
        assert_eq!(
            sat.points(d("87.5"), d("25"), base, None, None),
            Some(d("19.75"))
        );
        assert_eq!(
            sat.points(d("71.43"), d("25"), base, None, None),
            Some(d("12.5"))
        );
        // A per-group target replaces the rule's.
        assert_eq!(
            on_time.points(d("90"), d("25"), base, Some(d("95")), None),
            Some(d("20"))
        );
    }

    #[test]
    fn other_rules() {
        let base = IndicatorKind::Base;
        let prop = Rule::Proportional { of: d("100") };
        assert_eq!(
            prop.points(d("93.2"), d("35"), base, None, None),
            Some(d("32.62"))
        );
        let bands = Rule::Bands {
            bands: vec![(d("95"), d("10")), (d("90"), d("8")), (d("0"), d("4"))],
            higher_better: true,
        };
        assert_eq!(
            bands.points(d("92"), d("10"), base, None, None),
            Some(d("8"))
        );
        assert_eq!(
            bands.points(d("95"), d("10"), base, None, None),
            Some(d("10"))
        );
        let max_bands = Rule::Bands {
            bands: vec![(d("4"), d("5")), (d("8"), d("3"))],
            higher_better: false,
        };
        assert_eq!(
            max_bands.points(d("6"), d("5"), base, None, None),
            Some(d("3"))
        );
        assert_eq!(
            max_bands.points(d("9"), d("5"), base, None, None),
            Some(d("0"))
        );
        let red = Rule::RedLine {
            threshold: d("80"),
            below: d("0"),
        };
        assert_eq!(
            red.points(d("79.99"), d("5"), base, None, None),
            Some(d("0"))
        );
        assert_eq!(red.red_line(Some(d("85"))), Some(d("85")));
        let per = Rule::PerItem {
            each: d("0.5"),
            floor: d("1"),
        };
        assert_eq!(per.points(d("3"), d("5"), base, None, None), Some(d("3.5")));
        assert_eq!(per.points(d("30"), d("5"), base, None, None), Some(d("1")));
        let bonus = IndicatorKind::Bonus;
        assert_eq!(
            per.points(d("3"), d("5"), bonus, None, None),
            Some(d("1.5"))
        );
        assert_eq!(per.points(d("30"), d("5"), bonus, None, None), Some(d("5")));
        assert!(!per.higher_is_better(base));
        assert!(per.higher_is_better(bonus));
        assert!(!per.higher_is_better(IndicatorKind::Deduction));
        let vol = Rule::Volume {
            curve: Curve::Linear,
        };
        assert_eq!(
            vol.points(d("50"), d("10"), base, None, Some(d("200"))),
            Some(d("2.5"))
        );
        assert_eq!(vol.points(d("50"), d("10"), base, None, Some(d("0"))), None);
        let log = Rule::Volume { curve: Curve::Log };
        // ln(1+99)/ln(1+999) = 2/3 exactly in theory → 0.6666666667 after rounding.
        assert_eq!(
            log.points(d("99"), d("3"), base, None, Some(d("999"))),
            Some(d("2.0000000001"))
        );
        let overflow = Rule::LinearBelowTarget {
            target: Decimal::MAX,
            slope: Decimal::MAX,
            floor: d("0"),
        };
        assert_eq!(overflow.points(d("0"), d("5"), base, None, None), None);
    }
}
