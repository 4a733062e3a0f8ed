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
//!
//! A component whose points stay the same while its shown fields move (a mean that moves inside
//! its band, as `overdue_hours` does with every query in office hours) is only marked: totals,
//! grades and ranks read points only, so [`GroupScoring::placings`] is current at once, and the
//! marked components are rebuilt when the scorecards are read ([`GroupScoring::cards`]).

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::card::{
    Component, IndicatorLabel, Scorecard, fixed, fixed_exact, reported, reported_exact,
};
use super::file::IndicatorKind;
use super::model::{Group, Indicator, Scheme};
use super::no_data::{NoDataOutcome, rescale_factor, resolve};
use super::rank::rank_group;
use super::ratio::Ratio;
use super::resolver::SlotSet;
use super::rule::Rule;
use super::total::Totals;
use super::value::Measured;
use super::workload::{pooled_rate, scored_value};
use crate::formula::Value;
use crate::metrics::UnitCounters;
use crate::unit::Unit;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// One indicator's evaluation for one unit, before rounding.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    measured: Measured,
    value: Option<Ratio>,
    shrunk: bool,
    exact: Option<Ratio>,
}

/// Cells measured anew since the last commit.
#[derive(Debug, Clone, Default)]
struct Pending {
    /// Row-major.
    cells: Vec<bool>,
    /// The columns holding such a cell.
    columns: Vec<bool>,
}

impl Pending {
    /// Nothing pending (or, with `all`, every cell) for `rows` × `n` cells.
    fn new(rows: usize, n: usize, all: bool) -> Self {
        Pending {
            cells: vec![all; rows * n],
            columns: vec![all; n],
        }
    }

    /// Marks cell `k` (row-major, `n` columns).
    fn mark(&mut self, k: usize, n: usize) {
        if let Some(c) = self.cells.get_mut(k) {
            *c = true;
        }
        if let Some(c) = self.columns.get_mut(k % n.max(1)) {
            *c = true;
        }
    }
}

/// What a column pass changes in the components (row-major flags; the components whose shown
/// fields alone moved are marked in [`GroupScoring::shown_stale`] instead).
struct Changes {
    /// Cells whose component must be rebuilt (its points may have moved).
    points: Vec<bool>,
    /// The rows holding such a cell.
    rows: Vec<bool>,
    /// The rows whose rescale factor may have moved.
    factor_stale: Vec<bool>,
}

/// The columns whose indicators read a set of moved slots (the last set asked about: between
/// two queries in office hours every member's moved set is the same).
#[derive(Debug, Clone, Default)]
struct Reading {
    moved: Option<SlotSet>,
    columns: Vec<usize>,
}

/// One member's place in its group: what the ranking reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placing<'a> {
    /// The unit.
    pub unit: &'a crate::unit::UnitId,
    /// Its total.
    pub total: Decimal,
    /// Its rank.
    pub rank: u32,
    /// Its grade.
    pub grade: &'a str,
}

/// One indicator's constants and statistics within the group.
#[derive(Debug, Clone)]
struct Column {
    /// Index into the scheme's indicators.
    ind: usize,
    target: Option<Decimal>,
    /// The red line the unit is flagged below.
    red_line: Option<Ratio>,
    /// The ordering of a value worse than the red line.
    worse: Ordering,
    /// Rounded full marks without rescaling (base with data, bonus); zero for deductions.
    max_points: Decimal,
    /// The pooled rate (shrinkage).
    pooled: Option<Decimal>,
    /// The largest value (volume rules).
    group_max: Option<Ratio>,
    /// The outcome for cells without points (when the group has such a cell).
    no_data: Option<NoDataOutcome>,
}

/// One group's scoring state; members are owned units (the board) or borrowed ones (a batch
/// scoring, which need not copy them).
#[derive(Debug, Clone)]
pub(crate) struct GroupScoring<M = Unit> {
    /// Index into the scheme's groups.
    group: usize,
    /// The members, sorted by id.
    members: Vec<M>,
    columns: Vec<Column>,
    /// Row-major: one row of cells per member.
    cells: Vec<Cell>,
    /// Each column's indicator, shared by the cards.
    labels: Arc<[IndicatorLabel]>,
    /// Each member's rescale factor.
    factors: Vec<Ratio>,
    /// The ranked scorecards.
    cards: Arc<Vec<Scorecard>>,
    /// Each member's index in `cards`.
    position: Vec<usize>,
    /// Cells measured anew since the last refresh ([`Self::commit`]).
    pending: Pending,
    /// Components (row-major) whose shown fields are older than their cells (their points are
    /// current); rebuilt by [`Self::cards`].
    shown_stale: Vec<bool>,
    /// Whether any component is in `shown_stale`.
    any_shown_stale: bool,
    /// The columns [`Self::remeasure`] measured again last.
    reading: Reading,
}

/// Bit-for-bit equality (scale and sign included): what decides whether a cell changed.
fn same(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    a.map(|d| d.serialize()) == b.map(|d| d.serialize())
}

/// Whether a new measurement differs from the old one (value, or numerator or denominator bit
/// for bit).
fn remeasured(old: &Measured, new: &Measured) -> bool {
    old.value != new.value || !same(old.num, new.num) || !same(old.den, new.den)
}

/// Exact points of value `r`: on rationals, or — when they overflow, or a curve needs the float
/// of a fraction — on the decimals the values stand for ([`Ratio::to_decimal`]).
fn points(
    ind: &Indicator,
    r: Ratio,
    target: Option<Decimal>,
    group_max: Option<Ratio>,
) -> Option<Ratio> {
    let m = Ratio::from_decimal(ind.points);
    ind.rule
        .points(r, m, ind.kind, target, group_max)
        .or_else(|| {
            let max = match group_max {
                Some(x) => Some(x.to_decimal()?),
                None => None,
            };
            let r = r.to_decimal()?;
            let p = ind.rule.points(r, ind.points, ind.kind, target, max)?;
            Some(Ratio::from_decimal(p))
        })
}

impl<M: Borrow<Unit>> GroupScoring<M> {
    /// Scores group `group` (an index into the scheme's groups) for `members` (sorted by id) from
    /// their measured rows (row-major, [`Scheme::group_indicators`] order): every cell's exact
    /// points, but no scorecards yet ([`Self::fresh_cards`] and [`Self::install`] make them, on
    /// any threads).
    pub(crate) fn prepared(
        scheme: &Scheme,
        group: usize,
        members: Vec<M>,
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
                red_line: ind.red_line_for(&g.id).map(Ratio::from_decimal),
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
        let labels = columns
            .iter()
            .filter_map(|c| scheme.indicators.get(c.ind))
            .map(|ind| IndicatorLabel {
                id: Arc::clone(&ind.id),
                name: Arc::clone(&ind.name),
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
            labels,
            factors: vec![Ratio::ONE; rows],
            cards: Arc::new(Vec::new()),
            position: Vec::new(),
            pending: Pending::new(rows, n, false),
            shown_stale: vec![false; rows * n],
            any_shown_stale: false,
            reading: Reading::default(),
        };
        s.column_pass(scheme, &Pending::new(rows, n, true), true);
        s
    }

    /// Scores group `group` for `members` (sorted by id) from their measured rows
    /// ([`Self::prepared`]), with the scorecards.
    pub(crate) fn new(
        scheme: &Scheme,
        group: usize,
        members: Vec<M>,
        measured: &[Measured],
    ) -> Self {
        let mut s = Self::prepared(scheme, group, members, measured);
        let cards = s.fresh_cards(scheme, 0..s.members.len());
        s.install(cards);
        s
    }

    /// Number of members.
    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    fn empty(group: usize, members: Vec<M>) -> Self {
        GroupScoring {
            group,
            members,
            columns: Vec::new(),
            cells: Vec::new(),
            labels: Arc::from([]),
            factors: Vec::new(),
            cards: Arc::new(Vec::new()),
            position: Vec::new(),
            pending: Pending::default(),
            shown_stale: Vec::new(),
            any_shown_stale: false,
            reading: Reading::default(),
        }
    }

    /// The ranked scorecards, every component's shown fields brought up to date.
    pub(crate) fn cards(&mut self, scheme: &Scheme) -> &Arc<Vec<Scorecard>> {
        self.refresh_shown(scheme);
        &self.cards
    }

    /// The ranked scorecards, taken out.
    pub(crate) fn into_cards(mut self, scheme: &Scheme) -> Vec<Scorecard> {
        self.refresh_shown(scheme);
        Arc::try_unwrap(self.cards).unwrap_or_else(|shared| (*shared).clone())
    }

    /// Each member's unit, total, rank and grade, in rank order: current without rebuilding the
    /// components whose shown fields only moved.
    pub(crate) fn placings(&self) -> impl Iterator<Item = Placing<'_>> {
        self.cards.iter().map(|c| Placing {
            unit: &c.unit,
            total: c.total,
            rank: c.rank,
            grade: &c.grade,
        })
    }

    /// Rebuilds the components marked in `shown_stale` (their points do not move, so neither
    /// do the totals: [`Self::rebuild`] on those cells alone).
    fn refresh_shown(&mut self, scheme: &Scheme) {
        if !std::mem::take(&mut self.any_shown_stale) {
            return;
        }
        let n = self.columns.len().max(1);
        let points = std::mem::take(&mut self.shown_stale);
        let changes = Changes {
            rows: points.chunks(n).map(|r| r.contains(&true)).collect(),
            factor_stale: vec![false; self.members.len()],
            points,
        };
        self.shown_stale = vec![false; changes.points.len()];
        if self.rebuild(scheme, &changes) {
            self.rank();
        }
    }

    /// Measures member `member` again on its new `counters` (and `external` metrics): the
    /// indicators reading a slot flagged in `moved` ([`Scheme::moved_slots`]); `slots` is
    /// scratch space. What the cells that changed change is recomputed at [`Self::commit`].
    pub(crate) fn remeasure(
        &mut self,
        scheme: &Scheme,
        member: usize,
        counters: &UnitCounters,
        external: Option<&BTreeMap<String, Decimal>>,
        moved: &SlotSet,
        slots: &mut Vec<Value>,
    ) {
        if self.reading.moved.as_ref() != Some(moved) {
            self.reading.columns = (self.columns.iter().enumerate())
                .filter(|(_, c)| {
                    scheme
                        .indicators
                        .get(c.ind)
                        .is_some_and(|i| i.reads_any(moved))
                })
                .map(|(j, _)| j)
                .collect();
            self.reading.moved = Some(moved.clone());
        }
        let n = self.columns.len();
        let row = member.saturating_mul(n);
        for &j in &self.reading.columns {
            let (Some(col), Some(cell)) = (self.columns.get(j), self.cells.get_mut(row + j)) else {
                continue;
            };
            let Some(ind) = scheme.indicators.get(col.ind) else {
                continue;
            };
            scheme
                .resolver
                .fill_slots(counters, external, &ind.reads, slots);
            let m = ind.measure(slots);
            if remeasured(&cell.measured, &m) {
                cell.measured = m;
                self.pending.mark(row + j, n);
            }
        }
    }

    /// New measurements of some members: `(member index, row)`, then [`Self::commit`].
    #[cfg(test)]
    pub(crate) fn update(&mut self, scheme: &Scheme, rows: &[(usize, Vec<Measured>)]) {
        let n = self.columns.len();
        for (i, row) in rows {
            let cells = self.cells.iter_mut().enumerate().skip(i.saturating_mul(n));
            for ((k, cell), m) in cells.zip(row) {
                if remeasured(&cell.measured, m) {
                    cell.measured = *m;
                    self.pending.mark(k, n);
                }
            }
        }
        self.commit(scheme);
    }

    /// Recomputes everything the cells measured anew since the last commit change.
    pub(crate) fn commit(&mut self, scheme: &Scheme) {
        if self.pending.columns.contains(&true) {
            let mut pending = std::mem::take(&mut self.pending);
            self.refresh(scheme, &pending);
            pending.cells.fill(false);
            pending.columns.fill(false);
            self.pending = pending;
        }
    }

    /// Recomputes what the cells measured anew (`dirty`) change.
    fn refresh(&mut self, scheme: &Scheme, dirty: &Pending) {
        let changes = self.column_pass(scheme, dirty, false);
        let rows = self.members.len();
        if self.cards.len() != rows || self.position.len() != rows {
            let cards = self.fresh_cards(scheme, 0..rows);
            self.install(cards);
        } else if self.rebuild(scheme, &changes) {
            self.rank();
        }
    }

    /// Recomputes each column's statistics and cells from the cells marked `dirty` (`fresh`:
    /// nothing computed yet). Returns which components' points may have moved and which rows'
    /// rescale factors; marks the components whose shown fields alone moved as stale.
    fn column_pass(&mut self, scheme: &Scheme, dirty: &Pending, fresh: bool) -> Changes {
        let n = self.columns.len();
        let step = n.max(1);
        let rows = self.members.len();
        let mut changes = Changes {
            points: vec![false; rows * n],
            rows: vec![false; rows],
            // A cell gained or lost its points, or its column's no-data outcome changed.
            factor_stale: vec![fresh; rows],
        };
        let mark_points = |changes: &mut Changes, i: usize, j: usize| {
            if let (Some(c), Some(r)) = (changes.points.get_mut(i * n + j), changes.rows.get_mut(i))
            {
                (*c, *r) = (true, true);
            }
        };
        let mut value_moved = vec![false; rows];
        // A column's statistics and cells depend on its own cells only: a column without a
        // dirty cell is unchanged (when only `as_of` moved, that is all but one or two).
        for ((j, col), _) in self
            .columns
            .iter_mut()
            .enumerate()
            .zip(&dirty.columns)
            .filter(|(_, d)| **d)
        {
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
                let cell_dirty = dirty.cells.get(i * n + j).copied().unwrap_or(true);
                if cell_dirty || (pooled_moved && ind.shrink.is_some()) {
                    let (value, shrunk) =
                        scored_value(ind, &cell.measured, pooled, scheme.file.rate_decimals);
                    let moved = fresh || value != cell.value || shrunk != cell.shrunk;
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
            let max_moved = fresh || group_max != col.group_max;
            col.group_max = group_max;
            let mut missing = false;
            for (i, cell) in self.cells.iter_mut().skip(j).step_by(step).enumerate() {
                let moved = value_moved.get(i).copied().unwrap_or(true);
                if moved || max_moved {
                    let exact = cell
                        .value
                        .and_then(|r| points(ind, r, col.target, group_max));
                    let exact_moved = fresh || exact != cell.exact;
                    if exact.is_some() != cell.exact.is_some()
                        && let Some(f) = changes.factor_stale.get_mut(i)
                    {
                        *f = true;
                    }
                    cell.exact = exact;
                    if fresh || exact_moved {
                        mark_points(&mut changes, i, j);
                    } else if moved && let Some(s) = self.shown_stale.get_mut(i * n + j) {
                        // The same points: the shown fields are refreshed when read.
                        *s = true;
                        self.any_shown_stale = true;
                    }
                }
                missing |= cell.exact.is_none();
            }
            // The no-data outcome depends on the group's points with data only.
            let no_data = missing.then(|| {
                let with_data: Vec<Ratio> = self
                    .cells
                    .iter()
                    .skip(j)
                    .step_by(step)
                    .filter_map(|c| c.exact)
                    .collect();
                resolve(ind.no_data, ind.kind, ind.points, &with_data)
            });
            if no_data != col.no_data {
                for (i, cell) in self.cells.iter().skip(j).step_by(step).enumerate() {
                    if cell.exact.is_none() {
                        mark_points(&mut changes, i, j);
                        if let Some(f) = changes.factor_stale.get_mut(i) {
                            *f = true;
                        }
                    }
                }
            }
            col.no_data = no_data;
        }
        changes
    }

    /// The constants of the group's scorecards.
    fn constants<'a>(&self, scheme: &'a Scheme) -> Option<CardConstants<'a>> {
        let group = scheme.groups.get(self.group)?;
        let dp = scheme.file.decimals;
        Some(CardConstants {
            group,
            dp,
            zero: fixed(Decimal::ZERO, dp),
            full_marks: fixed(group.full_marks, dp),
            totals: Totals::new(
                group.full_marks,
                scheme.total_cap,
                scheme.total_floor,
                &scheme.grades,
                dp,
            ),
            labels: Arc::clone(&self.labels),
            inds: self
                .columns
                .iter()
                .filter_map(|c| scheme.indicators.get(c.ind))
                .collect(),
        })
    }

    /// One member's cells.
    fn row(&self, i: usize) -> &[Cell] {
        let n = self.columns.len();
        self.cells.get(i * n..(i + 1) * n).unwrap_or_default()
    }

    /// The scorecards (settled, unranked) of the members in `rows`, each with its rescale
    /// factor, for [`Self::install`]. Reads the cells only: parts of a group can be built on
    /// different threads.
    pub(crate) fn fresh_cards(
        &self,
        scheme: &Scheme,
        rows: Range<usize>,
    ) -> Vec<(Scorecard, Ratio)> {
        let Some(k) = self.constants(scheme) else {
            return Vec::new();
        };
        let members = self.members.get(rows.clone()).unwrap_or_default();
        rows.zip(members)
            .map(|(i, unit)| {
                let row = self.row(i);
                let factor = row_factor(&k, &self.columns, row);
                let mut c = card(
                    scheme,
                    &k,
                    unit.borrow(),
                    build(&k, &self.columns, row, factor),
                );
                settle(&k, &mut c);
                (c, factor)
            })
            .collect()
    }

    /// Takes every member's scorecard and rescale factor ([`Self::fresh_cards`], in member
    /// order) and ranks them.
    pub(crate) fn install(&mut self, built: Vec<(Scorecard, Ratio)>) {
        let (cards, factors): (Vec<Scorecard>, Vec<Ratio>) = built.into_iter().unzip();
        *Arc::make_mut(&mut self.cards) = cards;
        self.factors = factors;
        self.shown_stale.fill(false);
        self.any_shown_stale = false;
        self.rank();
    }

    /// Rebuilds the components whose points may have moved (and a whole card when its rescale
    /// factor moved) and re-settles the cards whose points moved; whether a total moved.
    fn rebuild(&mut self, scheme: &Scheme, changes: &Changes) -> bool {
        let Some(k) = self.constants(scheme) else {
            return false;
        };
        let n = self.columns.len();
        let GroupScoring {
            columns,
            cells,
            factors,
            cards,
            position,
            shown_stale,
            ..
        } = self;
        let cards = Arc::make_mut(cards);
        // Whether a total moved (the ranks read the totals only).
        let mut any = false;
        for (i, _) in changes.rows.iter().enumerate().filter(|(_, r)| **r) {
            let Some(c) = position.get(i).and_then(|p| cards.get_mut(*p)) else {
                continue;
            };
            let row = cells.get(i * n..(i + 1) * n).unwrap_or_default();
            let row_changed = changes.points.get(i * n..(i + 1) * n).unwrap_or_default();
            let stale = shown_stale.get_mut(i * n..(i + 1) * n).unwrap_or_default();
            let factor = match factors.get(i) {
                Some(f) if !changes.factor_stale.get(i).copied().unwrap_or(true) => *f,
                _ => row_factor(&k, columns, row),
            };
            let all = factors.get(i).is_none_or(|f| *f != factor);
            if let Some(f) = factors.get_mut(i) {
                *f = factor;
            }
            // The total and grade read the components' points only.
            let mut points_moved = true;
            if all || c.components.len() != n {
                c.components = build(&k, columns, row, factor);
                stale.fill(false);
            } else {
                points_moved = false;
                let cols = columns.iter().zip(&k.inds).zip(row);
                for (((comp, ((col, ind), cell)), ch), s) in c
                    .components
                    .iter_mut()
                    .zip(cols)
                    .zip(row_changed)
                    .zip(stale.iter_mut())
                {
                    if *ch {
                        let new = component(ind, &k, col, cell, factor);
                        points_moved |= new.points != comp.points;
                        *comp = new;
                        *s = false;
                    }
                }
            }
            if points_moved {
                let before = c.total;
                settle(&k, c);
                any |= c.total != before;
            }
        }
        any
    }

    /// Ranks the cards and finds each member's card.
    fn rank(&mut self) {
        let GroupScoring {
            members,
            cards,
            position,
            ..
        } = self;
        let cards = Arc::make_mut(cards);
        rank_group(cards);
        // Members are sorted by id: each card's member index by binary search.
        position.clear();
        position.resize(members.len(), 0);
        for (p, c) in cards.iter().enumerate() {
            if let Ok(i) = members.binary_search_by(|u| u.borrow().id.cmp(&c.unit))
                && let Some(slot) = position.get_mut(i)
            {
                *slot = p;
            }
        }
    }
}

/// A row's components (in column order) with its rescale factor.
fn build(k: &CardConstants<'_>, columns: &[Column], row: &[Cell], factor: Ratio) -> Vec<Component> {
    columns
        .iter()
        .zip(&k.inds)
        .zip(row)
        .map(|((col, ind), cell)| component(ind, k, col, cell, factor))
        .collect()
}

/// The rescale factor of a row's excluded base indicators.
fn row_factor(k: &CardConstants<'_>, columns: &[Column], row: &[Cell]) -> Ratio {
    let excluded = columns
        .iter()
        .zip(&k.inds)
        .zip(row)
        .filter(|((col, ind), cell)| outcome(ind, col, cell).0.is_none())
        .fold(Decimal::ZERO, |acc, ((_, ind), _)| {
            acc.saturating_add(ind.points)
        });
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
    /// Totals and grades.
    totals: Totals<'a>,
    /// Each column's indicator.
    inds: Vec<&'a Indicator>,
    /// Each column's indicator, for the cards.
    labels: Arc<[IndicatorLabel]>,
}

/// The exact points and no-data handling of a cell.
fn outcome(
    ind: &Indicator,
    col: &Column,
    cell: &Cell,
) -> (Option<Ratio>, Option<super::file::NoDataSpec>) {
    let spec = Some(ind.no_data);
    match (cell.exact, col.no_data) {
        (Some(p), _) => (Some(p), None),
        (None, Some(NoDataOutcome::Points(p))) => (Some(p), spec),
        (None, _) => (None, spec),
    }
}

/// `points × factor` (an `exclude` rescale): exactly, in lowest terms when the plain product
/// does not fit `i128` (a group mean over many units carries the product of their
/// denominators), else on decimals as every step that does not fit (it scored 0 points: a
/// scoring audit, 2026-12-02).
fn rescale(points: Ratio, factor: Ratio) -> Ratio {
    points
        .checked_mul(factor)
        .or_else(|| points.reduced().checked_mul(factor.reduced()))
        .or_else(|| {
            let product = points.to_decimal()?.checked_mul(factor.to_decimal()?)?;
            Some(Ratio::from_decimal(product))
        })
        .unwrap_or(points)
}

/// One component from its cell, with the row's rescale factor (inlined into the collecting
/// loop, so that the component is written in place).
#[inline(always)]
fn component(
    ind: &Indicator,
    k: &CardConstants<'_>,
    col: &Column,
    cell: &Cell,
    factor: Ratio,
) -> Component {
    let dp = k.dp;
    let rescaled = factor != Ratio::ONE;
    let (exact, no_data) = outcome(ind, col, cell);
    let scale = |d: Ratio| {
        if ind.kind == IndicatorKind::Base && rescaled {
            rescale(d, factor)
        } else {
            d
        }
    };
    let magnitude = fixed_exact(exact.map_or(Ratio::ZERO, scale), dp);
    let max_points = match (ind.kind, exact) {
        (IndicatorKind::Base, Some(_)) if rescaled => {
            fixed_exact(scale(Ratio::from_decimal(ind.points)), dp)
        }
        (IndicatorKind::Base, None) => k.zero,
        _ => col.max_points,
    };
    let (points, lost) = match ind.kind {
        IndicatorKind::Base => (magnitude, difference(max_points, magnitude, dp)),
        IndicatorKind::Bonus => (magnitude, k.zero),
        IndicatorKind::Deduction => (difference(k.zero, magnitude, dp), magnitude),
    };
    let below_red_line = match (cell.value, col.red_line) {
        (Some(v), Some(t)) => v.compare(t) == col.worse,
        _ => false,
    };
    Component {
        kind: ind.kind,
        value: cell.value.map(reported_exact),
        numerator: cell.measured.num.map(reported),
        denominator: cell.measured.den.map(reported),
        points,
        max_points,
        points_lost: lost,
        no_data,
        shrunk: cell.shrunk,
        below_red_line,
    }
}

/// `fixed(a − b)` for `a` and `b` with `dp` places: on the mantissas when both have exactly
/// `dp` places (the subtraction is then exact), else with decimal arithmetic.
fn difference(a: Decimal, b: Decimal, dp: u32) -> Decimal {
    let exact = (a.scale() == dp && b.scale() == dp)
        .then(|| a.mantissa().checked_sub(b.mantissa()))
        .flatten()
        .and_then(|m| Decimal::try_from_i128_with_scale(m, dp).ok());
    exact.unwrap_or_else(|| fixed(a.checked_sub(b).unwrap_or_default(), dp))
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
        indicators: Arc::clone(&k.labels),
        scheme_hash: scheme.hash.clone(),
        external: Default::default(),
        adjustments: Vec::new(),
    }
}

/// Sets a scorecard's total (the sum of its rounded components, capped) and grade.
fn settle(k: &CardConstants<'_>, card: &mut Scorecard) {
    card.total = k.totals.total(card.components.iter().map(|c| c.points));
    card.grade = k.totals.grade(card.total);
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
            start in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![Just(0i64), 0i64..60], 10),
                6,
            ),
            steps in proptest::collection::vec((0usize..6, 0usize..10, 0i64..40), 1..8),
        ) {
            let (name, _) = PRESETS[preset];
            let scheme = Scheme::preset(name).unwrap();
            let g = 0;
            let group = &scheme.groups[g];
            let members: Vec<Unit> = (0..6)
                .map(|i| Unit { id: format!("u{i}").into(), group: group.id.clone(), name: String::new() })
                .collect();
            let picks = [Counter::Dispatched, Counter::Due, Counter::ClosedOnTime, Counter::Callbacks,
                Counter::Satisfied, Counter::Signed, Counter::SignedOnTime, Counter::Urged,
                // `urgent` from zero: an excluded indicator gets data (the rescale factor moves).
                Counter::Urgent, Counter::UrgentRepliedOnTime];
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
                let mut fresh = GroupScoring::new(&scheme, g, members.clone(), &rows);
                // The placings are current before the cards are read (shown fields refreshed).
                let placings = |s: &GroupScoring| -> Vec<_> {
                    s.placings().map(|p| (p.unit.clone(), p.total, p.rank, p.grade.to_owned())).collect()
                };
                prop_assert_eq!(placings(&live), placings(&fresh));
                prop_assert_eq!(live.cards(&scheme).as_ref(), fresh.cards(&scheme).as_ref());
                let json = |c: &Vec<Scorecard>| serde_json::to_string(c).unwrap();
                prop_assert_eq!(json(live.cards(&scheme)), json(fresh.cards(&scheme)));
            }
        }
    }
}
