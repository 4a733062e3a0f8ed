//! Standings per group: the scheme's scoring of the counters at `as_of`, with each group's
//! scoring state cached: reused while the group's counters and external metrics are unchanged,
//! and updated for the members whose counters moved otherwise (re-measuring only the indicators
//! that read a moved counter; see `scheme/group.rs`). Standings read the placings only, so a
//! component whose points did not move is rebuilt when a scorecard is next asked for.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::live::{LiveRows, Moved};
use super::{Board, External};
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::{Counter, UnitCounters};
use crate::period::Period;
use crate::scheme::{GroupScoring, Scorecard, Scores, SlotSet, attach_external};
use crate::unit::{Unit, UnitId};

/// One unit's place in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// The unit.
    pub unit: UnitId,
    /// Its total.
    pub total: Decimal,
    /// Its rank in the group (ties share: 1, 2, 2, 4).
    pub rank: u32,
    /// Its grade.
    pub grade: String,
}

/// One group's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStandings {
    /// The group id.
    pub group: String,
    /// Its units in rank order, then unit id.
    pub units: Vec<Standing>,
}

/// The ranking of every group at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standings {
    /// The scheme's hash.
    pub scheme_hash: String,
    /// The period's label.
    pub period: String,
    /// The evaluation instant.
    pub as_of: Instant,
    /// Groups in scheme order.
    pub groups: Vec<GroupStandings>,
}

/// One group's last scoring: its members' counters and external metrics, and the scoring state
/// (measured rows, group statistics, ranked cards) that new counters update incrementally.
#[derive(Debug)]
struct GroupCache {
    counters: Vec<UnitCounters>,
    external: Vec<Option<BTreeMap<String, Decimal>>>,
    scoring: GroupScoring,
}

/// One period's cached state: its counters at the last query and each group's scoring from
/// them. Every query updates both, so a unit whose counters did not move since the last query
/// has the counters its group's scoring was made from.
#[derive(Debug, Default)]
struct PeriodCache {
    /// The period's counters at the last query, without the query-time tickets.
    live: LiveRows,
    /// Units whose counters the query-time tickets changed at the last query.
    special: Vec<u32>,
    /// The period's external metrics at the last query.
    external: External,
    groups: Vec<Option<GroupCache>>,
}

/// Cached group scorings per period `(start, end)`.
#[derive(Debug, Default)]
pub(crate) struct StandingsCache {
    periods: HashMap<(i64, i64), PeriodCache>,
}

impl Board {
    /// Brings each group's scoring for `period` up to `as_of`, then gives them to `read`, in
    /// scheme group order.
    fn with_scorings<T>(
        &self,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
        read: impl FnOnce(&mut dyn Iterator<Item = &mut GroupScoring>) -> T,
    ) -> Result<T> {
        let key = (period.start.millis(), period.end.millis());
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let entry = cache.periods.entry(key).or_default();
        match self.update(entry, period, as_of, events_upto) {
            Ok(()) => Ok(read(
                &mut entry.groups.iter_mut().flatten().map(|g| &mut g.scoring),
            )),
            Err(e) => {
                // A failed query may leave the counters and the scorings out of step.
                cache.periods.remove(&key);
                Err(e)
            }
        }
    }

    /// Updates the period's counters and every group's scoring to `as_of`.
    fn update(
        &self,
        cache: &mut PeriodCache,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
    ) -> Result<()> {
        // What may differ, per unit, between its counters (or external metrics) and its group's
        // scoring.
        let mut dirty = vec![Moved::Nothing; self.units().len()];
        let mut mark = |u: usize, what: Moved| {
            if let Some(d) = dirty.get_mut(u) {
                *d = (*d).max(what);
            }
        };
        let mark_all = |mark: &mut dyn FnMut(usize, Moved)| {
            (0..self.units().len()).for_each(|u| mark(u, Moved::Any));
        };
        match self
            .periods
            .find_period(period)
            .and_then(|id| self.periods.get(id))
        {
            Some(slot) => cache.live.update(slot, &self.ev, as_of, &mut mark)?,
            None => {
                cache.live = LiveRows::default();
                mark_all(&mut mark);
            }
        }
        let base = cache.live.rows();
        let zero = UnitCounters::default();
        let base_row = |u: u32| base.get(u as usize).unwrap_or(&zero);
        let mut overlay: BTreeMap<u32, UnitCounters> = BTreeMap::new();
        self.query_time(period, as_of, events_upto, &mut |u, role, c, a| {
            overlay
                .entry(u)
                .or_insert_with(|| *base_row(u))
                .role_mut(role)
                .add(c, a);
        })?;
        for u in cache.special.iter().chain(overlay.keys()) {
            mark(*u as usize, Moved::Any);
        }
        cache.special = overlay.keys().copied().collect();
        let ext_all = self.external_in(period)?;
        let ext_all: &External = &ext_all;
        if cache.external != *ext_all {
            mark_all(&mut mark);
            cache.external = ext_all.clone();
        }
        let n = self.scheme.groups().len();
        let slots = &mut cache.groups;
        slots.resize_with(n, || None);
        let indicators_of: Vec<_> = self
            .scheme
            .groups()
            .iter()
            .map(|g| self.scheme.group_indicators(g))
            .collect();
        let mut slots_buf = Vec::new();
        let mut moved = SlotSet::default();
        // The slots a move of the overdue time alone moves.
        let mut overdue_time = SlotSet::default();
        self.scheme
            .counter_slots(Counter::OverdueWorkingMs, &mut overdue_time);
        for (((g, members), slot), indicators) in self
            .groups
            .iter()
            .enumerate()
            .zip(slots.iter_mut())
            .zip(indicators_of.iter())
        {
            let row = |m: &u32| overlay.get(m).unwrap_or_else(|| base_row(*m));
            let unit = |m: &u32| self.units().get(*m as usize);
            let ext = |m: &u32| unit(m).and_then(|u| ext_all.get(&u.id)).cloned();
            // Members whose counters or external metrics changed since the cached scoring; the
            // scoring is updated for those only (the cards are reused when there are none).
            if let Some(c) = slot
                && c.counters.len() == members.len()
                && c.external.len() == members.len()
            {
                for (i, m) in members.iter().enumerate() {
                    let what = dirty.get(*m as usize).copied().unwrap_or(Moved::Any);
                    if what == Moved::Nothing {
                        continue;
                    }
                    let now = row(m);
                    let external = unit(m).and_then(|u| ext_all.get(&u.id));
                    let (Some(k), Some(e)) = (c.counters.get_mut(i), c.external.get_mut(i)) else {
                        continue;
                    };
                    if what == Moved::OverdueTime {
                        // Its scoring was made from its last counters, which differ from these
                        // in the overdue time only.
                        c.scoring.remeasure(
                            &self.scheme,
                            i,
                            now,
                            external,
                            &overdue_time,
                            &mut slots_buf,
                        );
                        *k = *now;
                        continue;
                    }
                    let external_changed = e.as_ref() != external;
                    // Only the indicators reading a counter that moved are measured again.
                    if self
                        .scheme
                        .moved_slots(k, now, external_changed, &mut moved)
                    {
                        c.scoring
                            .remeasure(&self.scheme, i, now, external, &moved, &mut slots_buf);
                        *k = *now;
                        *e = external.cloned();
                    }
                }
                c.scoring.commit(&self.scheme);
                continue;
            }
            let counters: Vec<UnitCounters> = members.iter().map(|m| *row(m)).collect();
            let external = members.iter().map(ext).collect();
            let mut measured = Vec::with_capacity(members.len() * indicators.len());
            for (m, k) in members.iter().zip(&counters) {
                let external = unit(m).and_then(|u| ext_all.get(&u.id));
                self.scheme
                    .measure_row(indicators, k, external, &mut slots_buf, &mut measured);
            }
            let units: Vec<Unit> = members.iter().filter_map(unit).cloned().collect();
            let scoring = GroupScoring::new(&self.scheme, g, units, &measured);
            *slot = Some(GroupCache {
                counters,
                external,
                scoring,
            });
        }
        Ok(())
    }

    /// Full scores (every unit's scorecard) for `period` at `as_of`: exactly what
    /// [`crate::scheme::Scheme::score`] gives on the batch metrics of the board's tickets.
    pub fn scores_in(&self, period: &Period, as_of: Instant) -> Result<Scores> {
        self.scores_with(period, as_of, as_of)
    }

    pub(crate) fn scores_with(
        &self,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
    ) -> Result<Scores> {
        let mut units: Vec<Scorecard> =
            self.with_scorings(period, as_of, events_upto, |groups| {
                groups
                    .flat_map(|g| g.cards(&self.scheme).iter().cloned())
                    .collect()
            })?;
        let external = self.external_in(period)?;
        let adjustments = self.adjustments.get(&super::query::period_key(period));
        if !external.is_empty() {
            attach_external(
                &mut units,
                &external,
                adjustments.map_or(&[], Vec::as_slice),
            );
        }
        Ok(Scores {
            scheme: self.scheme.name().to_owned(),
            scheme_hash: self.scheme.hash().to_owned(),
            period: period.label.clone(),
            as_of,
            units,
        })
    }

    /// Full scores in the period containing `as_of`.
    pub fn scores(&self, as_of: Instant) -> Result<Scores> {
        self.scores_in(&self.period_at(as_of)?, as_of)
    }

    /// Standings per group for `period` at `as_of`.
    pub fn standings_in(&self, period: &Period, as_of: Instant) -> Result<Standings> {
        // The placings only: components whose shown fields alone moved are not rebuilt.
        let groups = self.with_scorings(period, as_of, as_of, |groups| {
            (self.scheme.groups().iter().zip(groups))
                .map(|(g, scoring)| GroupStandings {
                    group: g.id.clone(),
                    units: scoring
                        .placings()
                        .map(|p| Standing {
                            unit: p.unit.clone(),
                            total: p.total,
                            rank: p.rank,
                            grade: p.grade.to_owned(),
                        })
                        .collect(),
                })
                .collect()
        })?;
        Ok(Standings {
            scheme_hash: self.scheme.hash().to_owned(),
            period: period.label.clone(),
            as_of,
            groups,
        })
    }

    /// Standings per group in the period containing `as_of` (the standings so far).
    pub fn standings(&self, as_of: Instant) -> Result<Standings> {
        self.standings_in(&self.period_at(as_of)?, as_of)
    }
}
