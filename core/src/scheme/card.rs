//! Scoring results: scorecards per unit with their components, serializable byte-for-byte.
//!
//! Wire format (JSON, shared with Python and Node): points, totals and full marks are strings
//! with exactly the scheme's `decimals` places (`"14.83"`, `"25.00"`); values, numerators and
//! denominators are strings rounded half away from zero to [`VALUE_DECIMALS`] places with
//! trailing zeros removed (`"89.825"`, `"66.6667"`, `"4000"`), or `null` without data.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::file::{IndicatorKind, NoDataSpec};
use super::ratio::Ratio;
use super::round::{half_away_guarded, pow10, strip_zeros};
use crate::instant::Instant;
use crate::metrics::Adjustment;
use crate::unit::UnitId;

/// The place from the bottom of a unit ranked `rank` with `lower` units of its group below it:
/// `None` for units ranked first (see [`Scores::rank_from_bottom`]).
fn place_from_bottom(rank: u32, lower: usize) -> Option<u32> {
    (rank > 1).then(|| u32::try_from(lower).unwrap_or(u32::MAX).saturating_add(1))
}

/// Decimal places of reported values, numerators and denominators.
pub const VALUE_DECIMALS: u32 = 4;

/// The scores of every unit for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    /// The scheme's name.
    pub scheme: String,
    /// The scheme's hash.
    pub scheme_hash: String,
    /// The period's label.
    pub period: String,
    /// The instant the metrics were evaluated at.
    pub as_of: Instant,
    /// One scorecard per unit: groups in scheme order, then rank, then unit id.
    pub units: Vec<Scorecard>,
}

impl Scores {
    /// `card`'s place counted from the bottom of its group (`rank_from_bottom`, 1 = last): 1 +
    /// the units of the group with a strictly lower total, so units tied at the bottom share
    /// the lowest place and a bottom-N condition takes all of them. `None` for units ranked
    /// first (alone or tied): they are never "bottom", whatever N and the group's size — in a
    /// group tied throughout (every unit at full marks early in a period), with most units tied
    /// for first, or of N units or fewer (a sole unit in its group), nobody is a laggard for
    /// being level with the best. Warnings' and the sanctions ladder's bottom N both use it.
    ///
    /// One place costs a pass over the scores; for every unit's, see
    /// [`ranks_from_bottom`](Self::ranks_from_bottom).
    pub fn rank_from_bottom(&self, card: &Scorecard) -> Option<u32> {
        let lower = self
            .units
            .iter()
            .filter(|c| c.group == card.group && c.total < card.total)
            .count();
        place_from_bottom(card.rank, lower)
    }

    /// [`rank_from_bottom`](Self::rank_from_bottom) of every scorecard, in the order of
    /// `units`: each group's totals sorted once, each place found by binary search.
    pub fn ranks_from_bottom(&self) -> Vec<Option<u32>> {
        let mut totals: HashMap<&str, Vec<Decimal>> = HashMap::new();
        for c in &self.units {
            totals.entry(c.group.as_str()).or_default().push(c.total);
        }
        for group in totals.values_mut() {
            group.sort_unstable();
        }
        self.units
            .iter()
            .map(|c| {
                let lower = totals
                    .get(c.group.as_str())
                    .map_or(0, |group| group.partition_point(|t| *t < c.total));
                place_from_bottom(c.rank, lower)
            })
            .collect()
    }

    /// These scores with only the scorecards of `units` (in the scores' order): what to
    /// explain when only some units are asked about. `unit_not_scored` for a unit without a
    /// scorecard.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use hotline_score::{Calendar, Policy};
    /// use hotline_score::clocks::Evaluator;
    /// use hotline_score::metrics::{Scope, contributions, partial};
    /// use hotline_score::scheme::Scheme;
    /// use hotline_score::synthetic::{CityConfig, SyntheticCity};
    ///
    /// let config = CityConfig { days: 10, tickets_per_day: 40, units: 8, ..CityConfig::default() };
    /// let city = SyntheticCity::generate(&config)?;
    /// let ev = Evaluator::new(&Calendar::prc()?, Policy::builtin("henan")?, &city.units);
    /// let scheme = Scheme::preset("sanmenxia")?;
    /// let period = scheme.period_at(city.as_of)?;
    /// let scope = Scope::new(period.clone(), city.as_of);
    /// let metrics = partial(&city.tickets, &ev, &scope)?.finalize(&city.units, BTreeMap::new());
    /// let scores = scheme.score(&city.units, &metrics, &period, city.as_of)?;
    ///
    /// // Why is this unit where it is? Its own contributions explain its own scorecard.
    /// let unit = city.units[0].id.clone();
    /// let its = contributions(&city.tickets, &ev, &scope, &unit)?;
    /// let explained = scheme.explain(&scores.only(&[unit.clone()])?, &its)?;
    /// assert_eq!(explained.len(), 1);
    /// assert_eq!(explained[0].unit, unit);
    ///
    /// let err = scores.only(&["nobody".into()]).unwrap_err();
    /// assert_eq!(err.code(), "unit_not_scored");
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn only(&self, units: &[UnitId]) -> crate::Result<Scores> {
        if let Some(unit) = units
            .iter()
            .find(|u| !self.units.iter().any(|c| &c.unit == *u))
        {
            return Err(crate::Error::UnitNotScored { unit: unit.clone() });
        }
        Ok(Scores {
            scheme: self.scheme.clone(),
            scheme_hash: self.scheme_hash.clone(),
            period: self.period.clone(),
            as_of: self.as_of,
            units: self
                .units
                .iter()
                .filter(|c| units.contains(&c.unit))
                .cloned()
                .collect(),
        })
    }
}

/// One unit's result.
///
/// In JSON each component carries its indicator's id and name (`"indicator"`, `"name"`, then
/// the [`Component`] fields); in memory the cards of a group share one list of them
/// ([`Scorecard::indicators`]), so that scoring does not copy two texts into every component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    /// The unit.
    pub unit: UnitId,
    /// Its display name.
    pub name: String,
    /// Its group.
    pub group: String,
    /// Total: the sum of the rounded components, capped.
    pub total: Decimal,
    /// The group's full marks.
    pub full_marks: Decimal,
    /// Rank in the group (ties share a rank: 1, 2, 2, 4).
    pub rank: u32,
    /// Units in the group.
    pub group_size: u32,
    /// Grade by total.
    pub grade: String,
    /// One component per indicator that applies to the group, in scheme order.
    pub components: Vec<Component>,
    /// Each component's indicator, in the same order (one list shared by the group's cards).
    pub indicators: Arc<[IndicatorLabel]>,
    /// The scheme's hash.
    pub scheme_hash: String,
    /// The unit's external metrics as scored (`ext.<name>`, adjustments added); empty when none
    /// were given.
    pub external: BTreeMap<String, Decimal>,
    /// The unit's manual adjustments (人工加减分), with their reasons and approvers.
    pub adjustments: Vec<Adjustment>,
}

/// An indicator's id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorLabel {
    /// Indicator id (shared with the scheme's [`super::Indicator::id`]).
    pub id: Arc<str>,
    /// Indicator name (shared with the scheme's [`super::Indicator::name`]).
    pub name: Arc<str>,
}

impl Scorecard {
    /// The components with their indicators, in scheme order.
    pub fn labeled(&self) -> impl Iterator<Item = (&IndicatorLabel, &Component)> {
        self.indicators.iter().zip(&self.components)
    }

    /// The component of indicator `id`, if it applies to the unit's group.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.labeled()
            .find(|(label, _)| &*label.id == id)
            .map(|(_, c)| c)
    }
}

/// One indicator's contribution to a unit's total (its indicator: [`Scorecard::labeled`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Base, bonus or deduction.
    pub kind: IndicatorKind,
    /// The value scored (percent for ratios; after shrinkage and `rate_decimals`), or null.
    pub value: Option<Decimal>,
    /// The numerator (ratio, mean, count), or null.
    pub numerator: Option<Decimal>,
    /// The denominator (ratio, mean, count per 100), or null.
    pub denominator: Option<Decimal>,
    /// Points, rounded (negative for deductions).
    pub points: Decimal,
    /// The most this component can give (after `exclude` rescaling; 0 for deductions).
    pub max_points: Decimal,
    /// Points lost: `max_points − points` for base indicators, the amount deducted for
    /// deductions, 0 for bonuses.
    pub points_lost: Decimal,
    /// The no-data handling applied, if the value had no data.
    pub no_data: Option<NoDataSpec>,
    /// Whether small-sample shrinkage changed the value.
    pub shrunk: bool,
    /// Whether the value is worse than the indicator's red line.
    pub below_red_line: bool,
}

/// The JSON form of a scorecard: each component with its indicator's id and name.
#[derive(Serialize, Deserialize)]
struct WireScorecard<L, C> {
    unit: UnitId,
    name: String,
    group: String,
    total: Decimal,
    full_marks: Decimal,
    rank: u32,
    group_size: u32,
    grade: String,
    components: Vec<WireComponent<L, C>>,
    scheme_hash: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    external: BTreeMap<String, Decimal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    adjustments: Vec<Adjustment>,
}

/// A component with its indicator's id and name, first (`L`: the label text, `C`: the
/// component, borrowed to write and owned to read).
#[derive(Serialize, Deserialize)]
struct WireComponent<L, C> {
    indicator: L,
    name: L,
    #[serde(flatten)]
    component: C,
}

impl Serialize for Scorecard {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WireScorecard {
            unit: self.unit.clone(),
            name: self.name.clone(),
            group: self.group.clone(),
            total: self.total,
            full_marks: self.full_marks,
            rank: self.rank,
            group_size: self.group_size,
            grade: self.grade.clone(),
            components: self
                .labeled()
                .map(|(label, component)| WireComponent {
                    indicator: &*label.id,
                    name: &*label.name,
                    component,
                })
                .collect(),
            scheme_hash: self.scheme_hash.clone(),
            external: self.external.clone(),
            adjustments: self.adjustments.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Scorecard {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = WireScorecard::<String, Component>::deserialize(d)?;
        let (indicators, components) = w
            .components
            .into_iter()
            .map(|c| {
                let label = IndicatorLabel {
                    id: c.indicator.into(),
                    name: c.name.into(),
                };
                (label, c.component)
            })
            .unzip::<_, _, Vec<_>, Vec<_>>();
        Ok(Scorecard {
            unit: w.unit,
            name: w.name,
            group: w.group,
            total: w.total,
            full_marks: w.full_marks,
            rank: w.rank,
            group_size: w.group_size,
            grade: w.grade,
            components,
            indicators: indicators.into(),
            scheme_hash: w.scheme_hash,
            external: w.external,
            adjustments: w.adjustments,
        })
    }
}

/// Guard decimals: a value is first rounded to this many places before it is rounded for the
/// wire, so that a true tie reached through a non-terminating division (35 × 53/56 = 33.125,
/// computed as 33.1249999…9 in 28 digits) rounds as exact arithmetic would. Counts below 10^7
/// and scheme constants with at most 6 decimals never put a non-tie within 10^-20 of a tie, so
/// nothing else changes (docs/semantics.md, "Schemes and scoring").
pub const GUARD_DECIMALS: u32 = 20;

/// Rounds half away from zero to `dp` places and fixes the scale to exactly `dp` (no `-0`).
pub fn fixed(d: Decimal, dp: u32) -> Decimal {
    widened(half_away_guarded(d, GUARD_DECIMALS, dp), dp)
}

/// [`fixed`] of an exact value.
pub(crate) fn fixed_exact(x: Ratio, dp: u32) -> Decimal {
    widened(x.half_away_guarded(GUARD_DECIMALS, dp), dp)
}

/// `r` (rounded to at most `dp` places) at scale `dp`, zero unsigned.
fn widened(mut r: Decimal, dp: u32) -> Decimal {
    if r.scale() < dp {
        // Widen by multiplying the mantissa (what `rescale` does, without its general search).
        let widened = pow10(dp - r.scale())
            .and_then(|p| i128::try_from(p).ok())
            .and_then(|p| r.mantissa().checked_mul(p))
            .and_then(|m| Decimal::try_from_i128_with_scale(m, dp).ok());
        match widened {
            Some(w) => r = w,
            None => r.rescale(dp),
        }
    }
    unsigned(r)
}

/// Zero without a sign.
fn unsigned(mut r: Decimal) -> Decimal {
    if r.is_zero() {
        r.set_sign_positive(true);
    }
    r
}

/// Rounds half away from zero to [`VALUE_DECIMALS`] and removes trailing zeros.
pub fn reported(d: Decimal) -> Decimal {
    // An integer (most numerators and denominators) has nothing to round or strip.
    unsigned(if d.scale() == 0 {
        d
    } else {
        strip_zeros(half_away_guarded(d, GUARD_DECIMALS, VALUE_DECIMALS))
    })
}

/// [`reported`] of an exact value.
pub(crate) fn reported_exact(x: Ratio) -> Decimal {
    let integer = x
        .integer()
        .and_then(|n| Decimal::try_from_i128_with_scale(n, 0).ok());
    unsigned(
        integer.unwrap_or_else(|| strip_zeros(x.half_away_guarded(GUARD_DECIMALS, VALUE_DECIMALS))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In JSON every component carries its indicator's id and name first; read back, the cards
    /// equal the scored ones, the labels paired with the same components.
    #[test]
    fn scorecards_round_trip_through_json_with_their_labels() {
        use crate::metrics::MetricsTable;
        use crate::scheme::Scheme;
        use crate::{Instant, Unit};
        let scheme = Scheme::preset("three-rates").unwrap();
        let as_of = Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
        let period = scheme.period_at(as_of).unwrap();
        let units: Vec<Unit> = ["a", "b"]
            .iter()
            .map(|id| Unit {
                id: (*id).into(),
                group: "units".into(),
                name: String::new(),
            })
            .collect();
        let scores = scheme
            .score(&units, &MetricsTable::default(), &period, as_of)
            .unwrap();
        let card = &scores.units[0];
        assert_eq!(card.components.len(), 3);
        assert_eq!(card.indicators.len(), 3);
        let text = serde_json::to_string(card).unwrap();
        let label = &card.indicators[0];
        let head = format!(
            r#""components":[{{"indicator":"{}","name":"{}","kind":"#,
            label.id, label.name
        );
        assert!(text.contains(&head), "{text}");
        assert_eq!(
            card.component(&card.indicators[2].id),
            Some(&card.components[2])
        );
        assert_eq!(card.component("nope"), None);
        let back: Scores = serde_json::from_str(&serde_json::to_string(&scores).unwrap()).unwrap();
        assert_eq!(back, scores);
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    proptest::proptest! {
        /// The fast paths of `fixed` and `reported` print exactly what the library's rounding,
        /// rescaling and normalising print.
        #[test]
        fn fast_paths_equal_the_library(
            n in proptest::prelude::any::<i64>(), scale in 0u32..=28, den in 1i64..100_000,
            divide in proptest::prelude::any::<bool>(), dp in 0u32..=6,
        ) {
            use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
            let x = Decimal::new(n, scale);
            let x = if divide { x / Decimal::from(den) } else { x };
            let g = x.round_dp_with_strategy(GUARD_DECIMALS, MidpointAwayFromZero);
            let mut want = g.round_dp_with_strategy(dp, MidpointAwayFromZero);
            want.rescale(dp);
            let want = if want.is_zero() { want.abs() } else { want };
            proptest::prop_assert_eq!(fixed(x, dp).to_string(), want.to_string());
            let want = g.round_dp_with_strategy(VALUE_DECIMALS, MidpointAwayFromZero).normalize();
            proptest::prop_assert_eq!(reported(x).to_string(), want.to_string());
        }
    }

    #[test]
    fn ties_reached_through_division_round_as_exact_arithmetic() {
        // 35 × 53/56 is exactly 33.125; in 28-digit decimals it is 33.1249999…
        let points = Decimal::from(35) * (Decimal::from(53) / Decimal::from(56));
        assert!(points < d("33.125"));
        assert_eq!(fixed(points, 2).to_string(), "33.13");
        let negative = -points;
        assert_eq!(fixed(negative, 2).to_string(), "-33.13");
        // A value that is not a tie keeps its rounding.
        assert_eq!(fixed(d("33.12499999999999"), 2).to_string(), "33.12");
        // 100 × 1/3 stays 33.3333 (no tie anywhere near).
        let third = Decimal::from(100) * (Decimal::ONE / Decimal::from(3));
        assert_eq!(reported(third).to_string(), "33.3333");
    }

    #[test]
    fn wire_formats() {
        assert_eq!(fixed(d("14.825"), 2).to_string(), "14.83");
        assert_eq!(fixed(d("-14.825"), 2).to_string(), "-14.83");
        assert_eq!(fixed(d("5"), 2).to_string(), "5.00");
        assert_eq!(fixed(d("-0.001"), 2).to_string(), "0.00");
        assert_eq!(fixed(d("17.665"), 2).to_string(), "17.67");
        assert_eq!(reported(d("89.82500")).to_string(), "89.825");
        assert_eq!(
            reported(d("66.666666666666666666666666667")).to_string(),
            "66.6667"
        );
        assert_eq!(reported(d("100.0000")).to_string(), "100");
        assert_eq!(reported(d("-0.00001")).to_string(), "0");
        let json = serde_json::to_string(&fixed(d("25"), 2)).unwrap();
        assert_eq!(json, "\"25.00\"");
    }
}
