//! Scoring a per-unit metrics table with a scheme: values → workload adjustments → rules →
//! no-data handling → rescaling → rounding → totals → grades → ranks.
//!
//! Each component's exact points are rounded half away from zero to `decimals`; the total is the
//! sum of the rounded components (then capped); ranks use the rounded total.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::card::{Component, Scorecard, Scores, fixed, reported};
use super::file::IndicatorKind;
use super::model::{Group, Indicator, Scheme};
use super::no_data::{NoDataOutcome, rescale_factor, resolve};
use super::order::cmp;
use super::rank::rank_group;
use super::rule::Rule;
use super::total::{grade, total};
use super::value::Measured;
use super::workload::{pooled_rate, scored_value};
use crate::error::{Error, Result};
use crate::formula::Value;
use crate::instant::Instant;
use crate::metrics::{MetricsTable, UnitCounters};
use crate::period::Period;
use crate::unit::Unit;

/// One indicator's evaluation for one unit, before rounding.
#[derive(Debug, Clone, Copy)]
struct Cell {
    measured: Measured,
    value: Option<Decimal>,
    shrunk: bool,
    exact: Option<Decimal>,
}

impl Scheme {
    /// Scores `units` from their metrics for `period` (evaluated at `as_of`).
    ///
    /// Every unit is scored (a unit without metrics has all counters zero); metrics for units not
    /// listed, units of unknown groups and undeclared external metrics are errors.
    pub fn score(
        &self,
        units: &[Unit],
        metrics: &MetricsTable,
        period: &Period,
        as_of: Instant,
    ) -> Result<Scores> {
        self.check_inputs(units, metrics)?;
        let mut cards = Vec::with_capacity(units.len());
        for group in &self.groups {
            let mut members: Vec<&Unit> = units.iter().filter(|u| u.group == group.id).collect();
            members.sort_by(|a, b| a.id.cmp(&b.id));
            cards.extend(self.score_group(group, &members, metrics));
        }
        Ok(Scores {
            scheme: self.file.name.clone(),
            scheme_hash: self.hash.clone(),
            period: period.label.clone(),
            as_of,
            units: cards,
        })
    }

    fn check_inputs(&self, units: &[Unit], metrics: &MetricsTable) -> Result<()> {
        let mut ids = HashSet::with_capacity(units.len());
        for (row, u) in units.iter().enumerate() {
            if !ids.insert(&u.id) {
                return Err(Error::DuplicateUnit {
                    unit: u.id.to_string(),
                    row,
                });
            }
            if self.group(&u.group).is_none() {
                return Err(Error::UnitGroupUnknown {
                    unit: u.id.clone(),
                    group: u.group.clone(),
                    groups: self.groups.iter().map(|g| g.id.clone()).collect(),
                });
            }
        }
        for unit in metrics.units.keys().chain(metrics.external.keys()) {
            if !ids.contains(unit) {
                return Err(Error::MetricsForUnknownUnit { unit: unit.clone() });
            }
        }
        for (unit, ext) in &metrics.external {
            if let Some(name) = ext.keys().find(|n| !self.resolver.external().contains(n)) {
                return Err(Error::UnknownExternalMetric {
                    unit: unit.clone(),
                    name: name.clone(),
                });
            }
        }
        Ok(())
    }

    /// Scores and ranks one group's `members` (sorted by id).
    pub(crate) fn score_group(
        &self,
        group: &Group,
        members: &[&Unit],
        metrics: &MetricsTable,
    ) -> Vec<Scorecard> {
        let indicators = self.group_indicators(group);
        // Measure every (unit, indicator): row-major, one row of `n` cells per unit.
        let mut slots: Vec<Value> = Vec::new();
        let zero = UnitCounters::default();
        let mut measured: Vec<Measured> = Vec::with_capacity(members.len() * indicators.len());
        for u in members {
            let counters = metrics.units.get(&u.id).unwrap_or(&zero);
            self.measure_row(
                &indicators,
                counters,
                metrics.external.get(&u.id),
                &mut slots,
                &mut measured,
            );
        }
        self.score_measured(group, members, &indicators, &measured)
    }

    /// The indicators that apply to `group`, in scheme order.
    pub(crate) fn group_indicators(&self, group: &Group) -> Vec<&Indicator> {
        self.indicators
            .iter()
            .filter(|i| i.applies_to(&group.id))
            .collect()
    }

    /// Measures one unit's `indicators` (appended to `out`); `slots` is scratch space.
    pub(crate) fn measure_row(
        &self,
        indicators: &[&Indicator],
        counters: &UnitCounters,
        external: Option<&BTreeMap<String, Decimal>>,
        slots: &mut Vec<Value>,
        out: &mut Vec<Measured>,
    ) {
        self.resolver
            .fill_used(counters, external, &self.used_slots, slots);
        out.extend(indicators.iter().map(|ind| match &ind.value {
            Some(v) => v.measure(slots),
            None => Measured {
                value: ind.rule.checklist_value(slots),
                ..Measured::default()
            },
        }));
    }

    /// The group-level steps on measured values (row-major, one row per member, in `members`
    /// order): pooled rates, shrinkage, group maxima, exact points, no-data handling, rounding,
    /// totals, grades and ranks.
    pub(crate) fn score_measured(
        &self,
        group: &Group,
        members: &[&Unit],
        indicators: &[&Indicator],
        measured: &[Measured],
    ) -> Vec<Scorecard> {
        let n = indicators.len();
        let step = n.max(1);
        let mut cells: Vec<Cell> = measured
            .iter()
            .map(|m| Cell {
                measured: *m,
                value: None,
                shrunk: false,
                exact: None,
            })
            .collect();
        let dp = self.file.decimals;
        let zero = fixed(Decimal::ZERO, dp);
        let mut columns = Vec::with_capacity(n);
        // Group-level steps per indicator: pooled rate, shrinkage, group maximum, exact points.
        for (j, ind) in indicators.iter().enumerate() {
            let pooled = ind
                .shrink
                .and_then(|_| pooled_rate(cells.iter().skip(j).step_by(step).map(|c| &c.measured)));
            for cell in cells.iter_mut().skip(j).step_by(step) {
                (cell.value, cell.shrunk) =
                    scored_value(ind, &cell.measured, pooled, self.file.rate_decimals);
            }
            let group_max = match ind.rule {
                Rule::Volume { .. } => cells
                    .iter()
                    .skip(j)
                    .step_by(step)
                    .filter_map(|c| c.value)
                    .max(),
                _ => None,
            };
            let target = ind.target_for(&group.id);
            let mut missing = false;
            for cell in cells.iter_mut().skip(j).step_by(step) {
                cell.exact = cell
                    .value
                    .and_then(|r| ind.rule.points(r, ind.points, ind.kind, target, group_max));
                missing |= cell.exact.is_none();
            }
            // The no-data outcome depends on the group's points with data only: once per column.
            let no_data = missing.then(|| {
                let with_data: Vec<Decimal> = cells
                    .iter()
                    .skip(j)
                    .step_by(step)
                    .filter_map(|c| c.exact)
                    .collect();
                resolve(ind.no_data, ind.kind, ind.points, &with_data)
            });
            columns.push(Column {
                ind,
                red_line: ind.red_line_for(&group.id),
                worse: if ind.rule.higher_is_better(ind.kind) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                },
                max_points: match ind.kind {
                    IndicatorKind::Base | IndicatorKind::Bonus => fixed(ind.points, dp),
                    IndicatorKind::Deduction => zero,
                },
                no_data,
            });
        }
        let constants = CardConstants {
            group,
            dp,
            zero,
            full_marks: fixed(group.full_marks, dp),
        };
        let mut cards: Vec<Scorecard> = members
            .iter()
            .enumerate()
            .map(|(i, unit)| {
                let row = cells.get(i * n..(i + 1) * n).unwrap_or_default();
                self.card(&constants, unit, &columns, row)
            })
            .collect();
        rank_group(&mut cards);
        cards
    }

    /// One unit's scorecard from its row of cells.
    fn card(
        &self,
        k: &CardConstants<'_>,
        unit: &Unit,
        columns: &[Column<'_>],
        row: &[Cell],
    ) -> Scorecard {
        let dp = k.dp;
        // The exact points and no-data handling of a cell.
        let outcome = |col: &Column<'_>, cell: &Cell| match (cell.exact, col.no_data) {
            (Some(p), _) => (Some(p), None),
            (None, Some(NoDataOutcome::Points(p))) => (Some(p), Some(col.ind.no_data)),
            (None, _) => (None, Some(col.ind.no_data)),
        };
        // The rescale factor of excluded base indicators.
        let excluded = columns
            .iter()
            .zip(row)
            .filter(|(col, cell)| outcome(col, cell).0.is_none())
            .fold(Decimal::ZERO, |acc, (col, _)| {
                acc.saturating_add(col.ind.points)
            });
        let factor = rescale_factor(k.group.full_marks, excluded);
        let rescaled = factor != Decimal::ONE;
        let components: Vec<Component> = columns
            .iter()
            .zip(row)
            .map(|(col, cell)| {
                let ind = col.ind;
                let (exact, no_data) = outcome(col, cell);
                let scale = |d: Decimal| {
                    if ind.kind == IndicatorKind::Base && rescaled {
                        d.checked_mul(factor).unwrap_or(Decimal::ZERO)
                    } else {
                        d
                    }
                };
                let magnitude = fixed(exact.map_or(Decimal::ZERO, scale), dp);
                let max_points = match (ind.kind, exact) {
                    (IndicatorKind::Base, Some(_)) if rescaled => fixed(scale(ind.points), dp),
                    (IndicatorKind::Base, None) => k.zero,
                    _ => col.max_points,
                };
                let (points, lost) = match ind.kind {
                    IndicatorKind::Base => (
                        magnitude,
                        fixed(max_points.checked_sub(magnitude).unwrap_or_default(), dp),
                    ),
                    IndicatorKind::Bonus => (magnitude, k.zero),
                    IndicatorKind::Deduction => (fixed(-magnitude, dp), magnitude),
                };
                let below_red_line = match (cell.value, col.red_line) {
                    (Some(v), Some(t)) => cmp(v, t) == col.worse,
                    _ => false,
                };
                Component {
                    indicator: Arc::clone(&ind.id),
                    name: Arc::clone(&ind.name),
                    kind: ind.kind,
                    value: cell.value.map(reported),
                    numerator: cell.measured.num.map(reported),
                    denominator: cell.measured.den.map(reported),
                    points,
                    max_points,
                    points_lost: lost,
                    no_data,
                    shrunk: cell.shrunk,
                    below_red_line,
                }
            })
            .collect();
        let t = total(
            components.iter().map(|c| c.points),
            k.group.full_marks,
            self.total_cap,
            self.total_floor,
            dp,
        );
        Scorecard {
            unit: unit.id.clone(),
            name: unit.name.clone(),
            group: k.group.id.clone(),
            total: t,
            full_marks: k.full_marks,
            rank: 0,
            group_size: 0,
            grade: grade(t, k.group.full_marks, &self.grades),
            components,
            scheme_hash: self.hash.clone(),
        }
    }
}

/// One indicator's constants within a group.
struct Column<'a> {
    ind: &'a Indicator,
    /// The red line the unit is flagged below.
    red_line: Option<Decimal>,
    /// The ordering of a value worse than the red line.
    worse: Ordering,
    /// Rounded full marks without rescaling (base with data, bonus); zero for deductions.
    max_points: Decimal,
    /// The outcome for cells without points (computed when the group has such a cell).
    no_data: Option<NoDataOutcome>,
}

/// A group's constants for its scorecards.
struct CardConstants<'a> {
    group: &'a Group,
    dp: u32,
    /// Zero with `dp` places.
    zero: Decimal,
    /// The group's full marks with `dp` places.
    full_marks: Decimal,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::scheme::file::{NoDataSpec, SchemeFile};

    fn unit(id: &str, group: &str) -> Unit {
        Unit {
            id: id.into(),
            group: group.into(),
            name: String::new(),
        }
    }

    fn setup() -> (Scheme, Period, Instant) {
        let scheme = Scheme::preset("three-rates").unwrap();
        let as_of = Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
        let period = scheme.period_at(as_of).unwrap();
        (scheme, period, as_of)
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let (scheme, period, as_of) = setup();
        let m = MetricsTable::default();
        let code = |units: &[Unit], m: &MetricsTable| {
            scheme.score(units, m, &period, as_of).unwrap_err().code()
        };
        assert_eq!(
            code(&[unit("a", "units"), unit("a", "units")], &m),
            "duplicate_unit"
        );
        assert_eq!(code(&[unit("a", "nope")], &m), "unit_group_unknown");
        let mut stray = MetricsTable::default();
        stray.units.insert("b".into(), UnitCounters::default());
        assert_eq!(
            code(&[unit("a", "units")], &stray),
            "metrics_for_unknown_unit"
        );
        let mut ext = MetricsTable::default();
        ext.external.insert(
            "a".into(),
            BTreeMap::from([("kb".to_owned(), Decimal::ONE)]),
        );
        assert_eq!(code(&[unit("a", "units")], &ext), "unknown_external_metric");
        assert_eq!(period.label, "2026-03");
    }

    #[test]
    fn a_unit_without_metrics_scores_its_no_data_points() {
        let (scheme, period, as_of) = setup();
        let s = scheme
            .score(
                &[unit("a", "units")],
                &MetricsTable::default(),
                &period,
                as_of,
            )
            .unwrap();
        let card = &s.units[0];
        assert_eq!(card.total.to_string(), "100.00");
        assert!(
            card.components
                .iter()
                .all(|c| c.no_data == Some(NoDataSpec::Full))
        );
        assert_eq!(card.scheme_hash, scheme.hash());
    }

    #[test]
    fn the_hash_ignores_format_comments_and_key_order() {
        let toml_scheme = Scheme::preset("three-rates").unwrap();
        let json = serde_json::to_string_pretty(toml_scheme.file()).unwrap();
        let file: SchemeFile = serde_json::from_str(&json).unwrap();
        assert_eq!(&file, toml_scheme.file());
        let from_json = Scheme::from_json(&json).unwrap();
        assert_eq!(from_json.hash(), toml_scheme.hash());
        let edited = crate::scheme::preset::text("three-rates").unwrap().replace(
            "points = 35\nrule = { proportional = {} }\n\n[[indicators]]\nid = \"satisfaction\"",
            "points = 35\nrule = { proportional = {} }\n\n[[indicators]]\nid = \"satisfactio\"",
        );
        assert_ne!(
            Scheme::from_toml(&edited).unwrap().hash(),
            toml_scheme.hash()
        );
    }
}
