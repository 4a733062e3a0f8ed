//! Scoring a per-unit metrics table with a scheme: values → workload adjustments → rules →
//! no-data handling → rescaling → rounding → totals → grades → ranks.
//!
//! Each component's exact points are rounded half away from zero to `decimals`; the total is the
//! sum of the rounded components (then capped); ranks use the rounded total.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use rust_decimal::Decimal;

use super::card::{Scorecard, Scores};
use super::group::GroupScoring;
use super::model::{Group, Indicator, Scheme};
use super::ratio::Ratio;
use super::resolver::SlotSet;
use super::value::Measured;
use crate::error::{Error, Result};
use crate::formula::Value;
use crate::instant::Instant;
use crate::metrics::{Adjustment, Counter, MetricsTable, UnitCounters};
use crate::parts::{balanced, in_parts, on_threads};
use crate::period::Period;
use crate::unit::{Unit, UnitId};

/// The fewest cells (member × indicator) worth a thread of [`Scheme::score_parallel`]. A scoped
/// thread takes about 25 µs to start and join here (about 200 cells' scoring), and the second
/// core of the 2-core benchmark machine gains far less than twice: on 300 units
/// `lianyungang-2022` (3,600 cells) gained nothing on two threads and `three-rates` (900 cells)
/// lost 40 %, while `sanmenxia` (9,900 cells) gained (BENCHMARKS.md, "Scoring").
const CELLS_PER_THREAD: usize = 4_000;

/// External metrics per unit, by name.
type ExternalValues = BTreeMap<UnitId, BTreeMap<String, Decimal>>;

/// Gives each scorecard its unit's external metrics as scored (adjustments added) and its
/// adjustments: what its explanation shows, and what the formulas reading them are
/// explained with.
pub(crate) fn attach_external(
    cards: &mut [Scorecard],
    external: &ExternalValues,
    adjustments: &[Adjustment],
) {
    for card in cards {
        card.external = external.get(&card.unit).cloned().unwrap_or_default();
        card.adjustments = adjustments
            .iter()
            .filter(|a| a.unit == card.unit)
            .cloned()
            .collect();
    }
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
        self.score_parallel(units, metrics, period, as_of, 1)
    }

    /// [`Self::score`] on up to `threads` threads (the calling thread and `threads − 1` scoped
    /// ones). Measuring and each column's points need a whole group, so groups are dealt to the
    /// threads by size; the scorecards (most of the work) are then built in equal parts of all
    /// members. Small jobs use fewer threads (one per 4,000 cells of member × indicator). The
    /// result is the same for every `threads`; the core never reads the machine (callers pass,
    /// say, [`std::thread::available_parallelism`]).
    pub fn score_parallel(
        &self,
        units: &[Unit],
        metrics: &MetricsTable,
        period: &Period,
        as_of: Instant,
        threads: usize,
    ) -> Result<Scores> {
        self.score_in_parts(units, metrics, period, as_of, threads, CELLS_PER_THREAD)
    }

    /// [`Self::score_parallel`] with at least `cells_per_thread` cells per thread.
    fn score_in_parts(
        &self,
        units: &[Unit],
        metrics: &MetricsTable,
        period: &Period,
        as_of: Instant,
        threads: usize,
        cells_per_thread: usize,
    ) -> Result<Scores> {
        let external = metrics.external_values()?;
        self.check_inputs(units, metrics, &external)?;
        let groups: Vec<(&Group, Vec<&Unit>)> = self
            .groups
            .iter()
            .map(|group| {
                let mut members: Vec<&Unit> =
                    units.iter().filter(|u| u.group == group.id).collect();
                members.sort_by(|a, b| a.id.cmp(&b.id));
                (group, members)
            })
            .collect();
        let sizes: Vec<usize> = groups.iter().map(|(_, m)| m.len()).collect();
        // A thread costs about as much as scoring a few thousand cells: fewer threads when the
        // cells (member × indicator) are few.
        let cells: usize = groups
            .iter()
            .map(|(g, m)| m.len().saturating_mul(self.group_indicators(g).len()))
            .sum();
        let threads = threads.min(cells / cells_per_thread.max(1)).max(1);
        let mut lists = balanced(&sizes, threads).into_iter();
        let prepare = |list: Vec<usize>| -> Vec<(usize, GroupScoring<&Unit>)> {
            list.into_iter()
                .filter_map(|g| {
                    let (group, members) = groups.get(g)?;
                    let measured = self.measure_group(group, members, metrics, &external);
                    Some((
                        g,
                        GroupScoring::prepared(self, g, members.clone(), &measured),
                    ))
                })
                .collect()
        };
        let head = lists.next().unwrap_or_default();
        let (first, rest) = on_threads(|| prepare(head), lists.collect(), prepare);
        let mut prepared: Vec<(usize, GroupScoring<&Unit>)> = first
            .into_iter()
            .chain(rest.into_iter().flatten())
            .collect();
        prepared.sort_by_key(|(g, _)| *g);
        // Member `m` of all groups in order: the cards of a range of them, group by group.
        let total: usize = prepared.iter().map(|(_, s)| s.len()).sum();
        let build = |range: Range<usize>| -> Vec<(Scorecard, Ratio)> {
            let mut out = Vec::with_capacity(range.len());
            let mut start = 0;
            for (_, s) in &prepared {
                let end = start + s.len();
                let (a, b) = (range.start.max(start), range.end.min(end));
                if a < b {
                    out.extend(s.fresh_cards(self, a - start..b - start));
                }
                start = end;
            }
            out
        };
        let (first, rest) = in_parts(total, threads, build, build);
        let mut built = first.into_iter().chain(rest.into_iter().flatten());
        let mut cards = Vec::with_capacity(total);
        for (_, mut s) in prepared {
            s.install(built.by_ref().take(s.len()).collect());
            cards.extend(s.into_cards(self));
        }
        attach_external(&mut cards, &external, &metrics.adjustments);
        Ok(Scores {
            scheme: self.file.name.clone(),
            scheme_hash: self.hash.clone(),
            period: period.label.clone(),
            as_of,
            units: cards,
        })
    }

    /// Checks the units table and the metrics (`external`: the external metrics with the
    /// adjustments added, so an adjustment's unit and metric are checked too).
    fn check_inputs(
        &self,
        units: &[Unit],
        metrics: &MetricsTable,
        external: &ExternalValues,
    ) -> Result<()> {
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
        for unit in metrics.units.keys().chain(external.keys()) {
            if !ids.contains(unit) {
                return Err(Error::MetricsForUnknownUnit { unit: unit.clone() });
            }
        }
        for (unit, ext) in external {
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
    #[cfg(test)]
    pub(crate) fn score_group(
        &self,
        group: &Group,
        members: &[&Unit],
        metrics: &MetricsTable,
    ) -> Vec<Scorecard> {
        let measured = self.measure_group(group, members, metrics, &metrics.external);
        self.score_measured(group, members, &measured)
    }

    /// Measures every (member, indicator) of `group`: row-major, one row per member.
    fn measure_group(
        &self,
        group: &Group,
        members: &[&Unit],
        metrics: &MetricsTable,
        external: &ExternalValues,
    ) -> Vec<Measured> {
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
                external.get(&u.id),
                &mut slots,
                &mut measured,
            );
        }
        measured
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
        out.extend(indicators.iter().map(|ind| ind.measure(slots)));
    }

    /// Sets `moved` to the slots that differ between a unit's `old` and `new` counters (every
    /// slot when `external_changed`); whether any does. Only the indicators reading a flagged
    /// slot need measuring again ([`GroupScoring::remeasure`]): an indicator's value depends on
    /// the slots it reads only.
    pub(crate) fn moved_slots(
        &self,
        old: &UnitCounters,
        new: &UnitCounters,
        external_changed: bool,
        moved: &mut SlotSet,
    ) -> bool {
        moved.reset(self.resolver.slot_count(), external_changed);
        let mut any = external_changed;
        let pairs = old.lead.0.iter().zip(&new.lead.0);
        let pairs = pairs.zip(old.assisting.0.iter().zip(&new.assisting.0));
        for (k, ((a, b), (c, d))) in pairs.enumerate() {
            if a != b || c != d {
                any = true;
                insert_counter(k, moved);
            }
        }
        any
    }

    /// Sets `moved` to the slots of `counter`: the slots a move of that counter alone moves.
    pub(crate) fn counter_slots(&self, counter: Counter, moved: &mut SlotSet) {
        moved.reset(self.resolver.slot_count(), false);
        insert_counter(counter.index(), moved);
    }

    /// The group-level steps on measured values (row-major, one row per member, in `members`
    /// order): pooled rates, shrinkage, group maxima, exact points, no-data handling, rounding,
    /// totals, grades and ranks ([`GroupScoring`]).
    pub(crate) fn score_measured(
        &self,
        group: &Group,
        members: &[&Unit],
        measured: &[Measured],
    ) -> Vec<Scorecard> {
        let index = self
            .groups
            .iter()
            .position(|g| g.id == group.id)
            .unwrap_or(usize::MAX);
        GroupScoring::new(self, index, members.to_vec(), measured).into_cards(self)
    }

    /// The total of `members[i]` as [`Scheme::score_measured`] gives it, without the other
    /// members' scorecards (the group-level steps still read every row).
    pub(crate) fn total_measured(
        &self,
        group: &Group,
        members: &[&Unit],
        measured: &[Measured],
        i: usize,
    ) -> Option<Decimal> {
        let index = self
            .groups
            .iter()
            .position(|g| g.id == group.id)
            .unwrap_or(usize::MAX);
        let scoring = GroupScoring::prepared(self, index, members.to_vec(), measured);
        let card = scoring
            .fresh_cards(self, i..i.saturating_add(1))
            .into_iter()
            .next();
        card.map(|(c, _)| c.total)
    }
}

/// Adds the slots of counter `k` in any role: its default, lead and assisting slots.
fn insert_counter(k: usize, moved: &mut SlotSet) {
    let count = Counter::COUNT;
    for slot in [k, k + count, k + 2 * count] {
        moved.insert(slot);
    }
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

    /// Groups dealt to threads and cards built in parts across groups give exactly the
    /// sequential result, for every preset and any number of threads (more threads than groups
    /// included); unequal group sizes.
    #[test]
    fn scoring_on_threads_equals_scoring_on_one() {
        use crate::unit::Role;
        let as_of = Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
        for (name, _) in crate::scheme::PRESETS {
            let scheme = Scheme::preset(name).unwrap();
            let period = scheme.period_at(as_of).unwrap();
            let mut units = Vec::new();
            let mut metrics = MetricsTable::default();
            let mut state = 7u64;
            for (g, group) in scheme.groups().iter().enumerate() {
                for i in 0..(3 + 5 * g) {
                    let u = unit(&format!("{}-{i}", group.id), &group.id);
                    let mut c = UnitCounters::default();
                    for counter in Counter::ALL {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1);
                        let amount = i64::try_from(state >> 58).unwrap();
                        c.role_mut(Role::Lead).add(*counter, amount);
                    }
                    metrics.units.insert(u.id.clone(), c);
                    units.push(u);
                }
            }
            units.reverse();
            let one = scheme.score(&units, &metrics, &period, as_of).unwrap();
            assert_eq!(one.units.len(), units.len());
            for threads in 0..=4 {
                // One cell per thread at least: the small groups are cut across too.
                let many = scheme
                    .score_in_parts(&units, &metrics, &period, as_of, threads, 1)
                    .unwrap();
                assert_eq!(many, one, "{name} on {threads} threads");
            }
        }
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
