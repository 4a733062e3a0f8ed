//! One group's scoring, kept up to date: the group-level steps of [`Scheme::score`] (pooled
//! rates, shrinkage, group maxima, exact points, no-data handling, rescaling, rounding, totals,
//! grades, ranks) on measured rows, with every intermediate kept so that new measurements of a
//! few members redo only what they change.
//!
//! An update re-derives each column's group statistics (pooled rate, maximum, no-data outcome)
//! from all cells, recomputes a cell when its row was measured again or a statistic it reads
//! changed, rebuilds a component when its cell changed, and a unit's total when a component did;
//! a unit whose rescale factor (excluded base indicators) changed gets all its components
//! rebuilt. A fresh scoring is an update of every row, so batch and incremental scoring run the
//! same code.

use std::cmp::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::card::{Component, Scorecard, fixed, reported};
use super::file::IndicatorKind;
use super::model::{Group, Indicator, Scheme};
use super::no_data::{NoDataOutcome, rescale_factor, resolve};
use super::order::cmp;
use super::rank::rank_group;
use super::rule::Rule;
use super::total::{grade, total};
use super::value::Measured;
use super::workload::{pooled_rate, scored_value};
use crate::unit::Unit;

/// One indicator's evaluation for one unit, before rounding.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    measured: Measured,
    value: Option<Decimal>,
    shrunk: bool,
    exact: Option<Decimal>,
}

/// One indicator's constants and statistics within the group.
#[derive(Debug, Clone)]
struct Column {
    /// Index into the scheme's indicators.
    ind: usize,
    target: Option<Decimal>,
    /// The red line the unit is flagged below.
    red_line: Option<Decimal>,
    /// The ordering of a value worse than the red line.
    worse: Ordering,
    /// Rounded full marks without rescaling (base with data, bonus); zero for deductions.
    max_points: Decimal,
    /// The pooled rate (shrinkage).
    pooled: Option<Decimal>,
    /// The largest value (volume rules).
    group_max: Option<Decimal>,
    /// The outcome for cells without points (when the group has such a cell).
    no_data: Option<NoDataOutcome>,
}

/// One group's scoring state.
#[derive(Debug, Clone)]
pub(crate) struct GroupScoring {
    /// Index into the scheme's groups.
    group: usize,
    /// The members, sorted by id.
    members: Vec<Unit>,
    columns: Vec<Column>,
    /// Row-major: one row of cells per member.
    cells: Vec<Cell>,
    /// Each member's rescale factor.
    factors: Vec<Decimal>,
    /// The ranked scorecards.
    cards: Arc<Vec<Scorecard>>,
    /// Each member's index in `cards`.
    position: Vec<usize>,
}

/// Bit-for-bit equality (scale and sign included): what decides whether a cell changed.
fn same(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    a.map(|d| d.serialize()) == b.map(|d| d.serialize())
}

fn same_outcome(a: Option<NoDataOutcome>, b: Option<NoDataOutcome>) -> bool {
    match (a, b) {
        (Some(NoDataOutcome::Points(x)), Some(NoDataOutcome::Points(y))) => same(Some(x), Some(y)),
        _ => a == b,
    }
}

impl GroupScoring {
    /// Scores group `group` (an index into the scheme's groups) for `members` (sorted by id) from
    /// their measured rows (row-major, [`Scheme::group_indicators`] order).
    pub(crate) fn new(
        scheme: &Scheme,
        group: usize,
        members: Vec<Unit>,
        measured: &[Measured],
    ) -> Self {
        let Some(g) = scheme.groups.get(group) else {
            return Self::empty(group, members);
        };
        let dp = scheme.file.decimals;
        let zero = fixed(Decimal::ZERO, dp);
        let columns: Vec<Column> = scheme
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.applies_to(&g.id))
            .map(|(k, ind)| Column {
                ind: k,
                target: ind.target_for(&g.id),
                red_line: ind.red_line_for(&g.id),
                worse: if ind.rule.higher_is_better(ind.kind) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                },
                max_points: match ind.kind {
                    IndicatorKind::Base | IndicatorKind::Bonus => fixed(ind.points, dp),
                    IndicatorKind::Deduction => zero,
                },
                pooled: None,
                group_max: None,
                no_data: None,
            })
            .collect();
        let n = columns.len();
        let mut cells = vec![Cell::default(); members.len() * n];
        for (cell, m) in cells.iter_mut().zip(measured) {
            cell.measured = *m;
        }
        let rows = members.len();
        let mut s = GroupScoring {
            group,
            members,
            columns,
            cells,
            factors: vec![Decimal::ONE; rows],
            cards: Arc::new(Vec::new()),
            position: Vec::new(),
        };
        s.refresh(scheme, &vec![true; rows * n], true);
        s
    }

    fn empty(group: usize, members: Vec<Unit>) -> Self {
        GroupScoring {
            group,
            members,
            columns: Vec::new(),
            cells: Vec::new(),
            factors: Vec::new(),
            cards: Arc::new(Vec::new()),
            position: Vec::new(),
        }
    }

    /// The ranked scorecards.
    pub(crate) fn cards(&self) -> &Arc<Vec<Scorecard>> {
        &self.cards
    }

    /// The ranked scorecards, taken out.
    pub(crate) fn into_cards(self) -> Vec<Scorecard> {
        Arc::try_unwrap(self.cards).unwrap_or_else(|shared| (*shared).clone())
    }

    /// One member's measured row (in [`Scheme::group_indicators`] order).
    pub(crate) fn measured_row(&self, member: usize) -> Vec<Measured> {
        let n = self.columns.len();
        self.cells
            .iter()
            .skip(member.saturating_mul(n))
            .take(n)
            .map(|c| c.measured)
            .collect()
    }

    /// New measurements of some members: `(member index, row)`; then everything the cells that
    /// changed change is recomputed.
    pub(crate) fn update(&mut self, scheme: &Scheme, rows: &[(usize, Vec<Measured>)]) {
        let n = self.columns.len();
        let mut dirty = vec![false; self.members.len() * n];
        let mut any = false;
        for (i, row) in rows {
            let cells = self.cells.iter_mut().skip(i.saturating_mul(n)).take(n);
            let flags = dirty.iter_mut().skip(i.saturating_mul(n)).take(n);
            for ((cell, m), flag) in cells.zip(row).zip(flags) {
                let moved = !same(cell.measured.value, m.value)
                    || !same(cell.measured.num, m.num)
                    || !same(cell.measured.den, m.den);
                cell.measured = *m;
                *flag = moved;
                any |= moved;
            }
        }
        if any {
            self.refresh(scheme, &dirty, false);
        }
    }

    /// Recomputes what the cells marked `dirty` (measured anew, row-major) change; `fresh`:
    /// nothing computed yet.
    fn refresh(&mut self, scheme: &Scheme, dirty: &[bool], fresh: bool) {
        let Some(group) = scheme.groups.get(self.group) else {
            return;
        };
        let n = self.columns.len();
        let step = n.max(1);
        let rows = self.members.len();
        // Which cells' components must be rebuilt.
        let mut changed = vec![false; rows * n];
        let mut value_moved = vec![false; rows];
        for (j, col) in self.columns.iter_mut().enumerate() {
            let Some(ind) = scheme.indicators.get(col.ind) else {
                continue;
            };
            let pooled = ind.shrink.and_then(|_| {
                pooled_rate(self.cells.iter().skip(j).step_by(step).map(|c| &c.measured))
            });
            let pooled_moved = fresh || !same(pooled, col.pooled);
            col.pooled = pooled;
            value_moved.fill(false);
            for (i, cell) in self.cells.iter_mut().skip(j).step_by(step).enumerate() {
                let cell_dirty = dirty.get(i * n + j).copied().unwrap_or(true);
                if cell_dirty || (pooled_moved && ind.shrink.is_some()) {
                    let (value, shrunk) =
                        scored_value(ind, &cell.measured, pooled, scheme.file.rate_decimals);
                    let moved = fresh || !same(value, cell.value) || shrunk != cell.shrunk;
                    (cell.value, cell.shrunk) = (value, shrunk);
                    if let Some(v) = value_moved.get_mut(i) {
                        *v = moved || cell_dirty;
                    }
                }
            }
            let group_max = match ind.rule {
                Rule::Volume { .. } => self
                    .cells
                    .iter()
                    .skip(j)
                    .step_by(step)
                    .filter_map(|c| c.value)
                    .max(),
                _ => None,
            };
            let max_moved = fresh || !same(group_max, col.group_max);
            col.group_max = group_max;
            let mut missing = false;
            for (i, cell) in self.cells.iter_mut().skip(j).step_by(step).enumerate() {
                let moved = value_moved.get(i).copied().unwrap_or(true);
                if moved || max_moved {
                    let exact = cell.value.and_then(|r| {
                        ind.rule
                            .points(r, ind.points, ind.kind, col.target, group_max)
                    });
                    let exact_moved = fresh || !same(exact, cell.exact);
                    cell.exact = exact;
                    if let Some(c) = changed.get_mut(i * n + j) {
                        *c = fresh || moved || exact_moved;
                    }
                }
                missing |= cell.exact.is_none();
            }
            // The no-data outcome depends on the group's points with data only.
            let no_data = missing.then(|| {
                let with_data: Vec<Decimal> = self
                    .cells
                    .iter()
                    .skip(j)
                    .step_by(step)
                    .filter_map(|c| c.exact)
                    .collect();
                resolve(ind.no_data, ind.kind, ind.points, &with_data)
            });
            if !same_outcome(no_data, col.no_data) {
                for (i, cell) in self.cells.iter().skip(j).step_by(step).enumerate() {
                    if cell.exact.is_none()
                        && let Some(c) = changed.get_mut(i * n + j)
                    {
                        *c = true;
                    }
                }
            }
            col.no_data = no_data;
        }
        let k = CardConstants {
            group,
            dp: scheme.file.decimals,
            zero: fixed(Decimal::ZERO, scheme.file.decimals),
            full_marks: fixed(group.full_marks, scheme.file.decimals),
        };
        let GroupScoring {
            members,
            columns,
            cells,
            factors,
            cards,
            position,
            ..
        } = self;
        let cards = Arc::make_mut(cards);
        let row_of = |i: usize| cells.get(i * n..(i + 1) * n).unwrap_or_default();
        let build = |row: &[Cell], factor: Decimal| -> Vec<Component> {
            let mut out = Vec::with_capacity(n);
            out.extend(
                columns
                    .iter()
                    .zip(row)
                    .filter_map(|(col, cell)| component(scheme, &k, col, cell, factor)),
            );
            out
        };
        if fresh || cards.len() != rows || position.len() != rows {
            *cards = members
                .iter()
                .enumerate()
                .map(|(i, unit)| {
                    let row = row_of(i);
                    let factor = row_factor(scheme, &k, columns, row);
                    if let Some(f) = factors.get_mut(i) {
                        *f = factor;
                    }
                    let mut c = card(scheme, &k, unit, build(row, factor));
                    settle(scheme, &k, &mut c);
                    c
                })
                .collect();
        } else {
            // Whether a total moved (the ranks read the totals only).
            let mut any = false;
            for i in 0..rows {
                let row_changed = changed.get(i * n..(i + 1) * n).unwrap_or_default();
                if !row_changed.iter().any(|c| *c) {
                    continue;
                }
                let Some(c) = position.get(i).and_then(|p| cards.get_mut(*p)) else {
                    continue;
                };
                let row = row_of(i);
                let factor = row_factor(scheme, &k, columns, row);
                let all = factors.get(i).is_none_or(|f| !same(Some(*f), Some(factor)));
                if let Some(f) = factors.get_mut(i) {
                    *f = factor;
                }
                // The total and grade read the components' points only.
                let mut points_moved = true;
                if all || c.components.len() != n {
                    c.components = build(row, factor);
                } else {
                    points_moved = false;
                    for ((comp, (col, cell)), ch) in c
                        .components
                        .iter_mut()
                        .zip(columns.iter().zip(row))
                        .zip(row_changed)
                    {
                        if *ch && let Some(new) = component(scheme, &k, col, cell, factor) {
                            points_moved |= !same(Some(new.points), Some(comp.points));
                            *comp = new;
                        }
                    }
                }
                if points_moved {
                    let before = c.total;
                    settle(scheme, &k, c);
                    any |= c.total != before;
                }
            }
            if !any {
                return;
            }
        }
        rank_group(cards);
        // Members are sorted by id: each card's member index by binary search.
        position.clear();
        position.resize(rows, 0);
        for (p, c) in cards.iter().enumerate() {
            if let Ok(i) = members.binary_search_by(|u| u.id.cmp(&c.unit))
                && let Some(slot) = position.get_mut(i)
            {
                *slot = p;
            }
        }
    }
}

/// The rescale factor of a row's excluded base indicators.
fn row_factor(scheme: &Scheme, k: &CardConstants<'_>, columns: &[Column], row: &[Cell]) -> Decimal {
    let excluded = columns
        .iter()
        .zip(row)
        .filter(|(col, cell)| outcome(scheme, col, cell).0.is_none())
        .filter_map(|(col, _)| scheme.indicators.get(col.ind))
        .fold(Decimal::ZERO, |acc, ind| acc.saturating_add(ind.points));
    rescale_factor(k.group.full_marks, excluded)
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

/// The exact points and no-data handling of a cell.
fn outcome(
    scheme: &Scheme,
    col: &Column,
    cell: &Cell,
) -> (Option<Decimal>, Option<super::file::NoDataSpec>) {
    let spec = scheme.indicators.get(col.ind).map(|i| i.no_data);
    match (cell.exact, col.no_data) {
        (Some(p), _) => (Some(p), None),
        (None, Some(NoDataOutcome::Points(p))) => (Some(p), spec),
        (None, _) => (None, spec),
    }
}

/// One component from its cell, with the row's rescale factor.
fn component(
    scheme: &Scheme,
    k: &CardConstants<'_>,
    col: &Column,
    cell: &Cell,
    factor: Decimal,
) -> Option<Component> {
    let ind: &Indicator = scheme.indicators.get(col.ind)?;
    let dp = k.dp;
    let rescaled = factor != Decimal::ONE;
    let (exact, no_data) = outcome(scheme, col, cell);
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
    Some(Component {
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
    })
}

/// One unit's scorecard (unranked, total not yet set) from its components.
fn card(
    scheme: &Scheme,
    k: &CardConstants<'_>,
    unit: &Unit,
    components: Vec<Component>,
) -> Scorecard {
    Scorecard {
        unit: unit.id.clone(),
        name: unit.name.clone(),
        group: k.group.id.clone(),
        total: Decimal::ZERO,
        full_marks: k.full_marks,
        rank: 0,
        group_size: 0,
        grade: String::new(),
        components,
        scheme_hash: scheme.hash.clone(),
    }
}

/// Sets a scorecard's total (the sum of its rounded components, capped) and grade.
fn settle(scheme: &Scheme, k: &CardConstants<'_>, card: &mut Scorecard) {
    let t = total(
        card.components.iter().map(|c| c.points),
        k.group.full_marks,
        scheme.total_cap,
        scheme.total_floor,
        k.dp,
    );
    card.total = t;
    card.grade = grade(t, k.group.full_marks, &scheme.grades);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Counter, UnitCounters};
    use crate::scheme::PRESETS;
    use crate::unit::Role;
    use proptest::prelude::*;

    fn measure(scheme: &Scheme, group: &Group, counters: &[UnitCounters]) -> Vec<Measured> {
        let indicators = scheme.group_indicators(group);
        let mut out = Vec::new();
        let mut slots = Vec::new();
        for c in counters {
            scheme.measure_row(&indicators, c, None, &mut slots, &mut out);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Updating a few members' rows gives exactly the cards of scoring the group afresh,
        /// after every step of a random sequence (small samples, empty units, busiest unit
        /// changing: shrinkage, no-data handling and volume maxima move).
        #[test]
        fn updates_equal_fresh_scoring(
            preset in 0usize..3,
            start in proptest::collection::vec(proptest::collection::vec(0i64..60, 8), 6),
            steps in proptest::collection::vec((0usize..6, 0usize..8, 0i64..40), 1..8),
        ) {
            let (name, _) = PRESETS[preset];
            let scheme = Scheme::preset(name).unwrap();
            let g = 0;
            let group = &scheme.groups[g];
            let members: Vec<Unit> = (0..6)
                .map(|i| Unit { id: format!("u{i}").into(), group: group.id.clone(), name: String::new() })
                .collect();
            let picks = [Counter::Dispatched, Counter::Due, Counter::ClosedOnTime, Counter::Callbacks,
                Counter::Satisfied, Counter::Signed, Counter::SignedOnTime, Counter::Urged];
            let mut counters: Vec<UnitCounters> = start
                .iter()
                .map(|row| {
                    let mut c = UnitCounters::default();
                    for (counter, v) in picks.iter().zip(row) {
                        c.role_mut(Role::Lead).add(*counter, *v);
                    }
                    c
                })
                .collect();
            let mut live = GroupScoring::new(&scheme, g, members.clone(), &measure(&scheme, group, &counters));
            for (unit, counter, amount) in steps {
                counters[unit].role_mut(Role::Lead).add(picks[counter], amount);
                let rows = measure(&scheme, group, &counters);
                let n = scheme.group_indicators(group).len();
                live.update(&scheme, &[(unit, rows[unit * n..(unit + 1) * n].to_vec())]);
                let fresh = GroupScoring::new(&scheme, g, members.clone(), &rows);
                prop_assert_eq!(live.cards().as_ref(), fresh.cards().as_ref());
                let json = |c: &Vec<Scorecard>| serde_json::to_string(c).unwrap();
                prop_assert_eq!(json(live.cards()), json(fresh.cards()));
            }
        }
    }
}
