//! Standings per group: the scheme's scoring of the counters at `as_of`, with each group's
//! scoring state cached: reused while the group's counters and external metrics are unchanged,
//! and updated for the members whose counters moved otherwise (re-measuring only the indicators
//! that read a moved counter; see `scheme/group.rs`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::live::LiveRows;
use super::{Board, External};
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::UnitCounters;
use crate::period::Period;
use crate::scheme::{GroupScoring, Scorecard, Scores, SlotSet};
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
    /// Each group's scorecards for `period` at `as_of`, in scheme group order.
    fn group_cards(
        &self,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
    ) -> Result<Vec<Arc<Vec<Scorecard>>>> {
        let key = (period.start.millis(), period.end.millis());
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let entry = cache.periods.entry(key).or_default();
        let out = self.cards_in(entry, period, as_of, events_upto);
        if out.is_err() {
            // A failed query may leave the counters and the scorings out of step.
            cache.periods.remove(&key);
        }
        out
    }

    fn cards_in(
        &self,
        cache: &mut PeriodCache,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
    ) -> Result<Vec<Arc<Vec<Scorecard>>>> {
        // Units whose counters (or external metrics) may differ from their group's scoring.
        let mut dirty = vec![false; self.units().len()];
        let mut mark = |u: usize| {
            if let Some(d) = dirty.get_mut(u) {
                *d = true;
            }
        };
        match self
            .periods
            .find_period(period)
            .and_then(|id| self.periods.get(id))
        {
            Some(slot) => cache.live.update(slot, &self.ev, as_of, &mut mark)?,
            None => {
                cache.live = LiveRows::default();
                (0..self.units().len()).for_each(&mut mark);
            }
        }
        let base = cache.live.rows();
        let base_row = |u: u32| base.get(u as usize).copied().unwrap_or_default();
        let mut overlay: BTreeMap<u32, UnitCounters> = BTreeMap::new();
        self.query_time(period, as_of, events_upto, &mut |u, role, c, a| {
            overlay
                .entry(u)
                .or_insert_with(|| base_row(u))
                .role_mut(role)
                .add(c, a);
        })?;
        for u in cache.special.iter().chain(overlay.keys()) {
            mark(*u as usize);
        }
        cache.special = overlay.keys().copied().collect();
        let key = (period.start.millis(), period.end.millis());
        let empty = External::new();
        let ext_all = self.external.get(&key).unwrap_or(&empty);
        if cache.external != *ext_all {
            (0..self.units().len()).for_each(&mut mark);
            cache.external = ext_all.clone();
        }
        let n = self.scheme.groups().len();
        let slots = &mut cache.groups;
        slots.resize_with(n, || None);
        let mut out = Vec::with_capacity(n);
        let indicators_of: Vec<_> = self
            .scheme
            .groups()
            .iter()
            .map(|g| self.scheme.group_indicators(g))
            .collect();
        let mut slots_buf = Vec::new();
        let mut moved = SlotSet::default();
        for (((g, members), slot), indicators) in self
            .groups
            .iter()
            .enumerate()
            .zip(slots.iter_mut())
            .zip(indicators_of.iter())
        {
            let row = |m: &u32| overlay.get(m).copied().unwrap_or_else(|| base_row(*m));
            let unit = |m: &u32| self.units().get(*m as usize);
            let ext = |m: &u32| unit(m).and_then(|u| ext_all.get(&u.id)).cloned();
            // Members whose counters or external metrics changed since the cached scoring; the
            // scoring is updated for those only (the cards are reused when there are none).
            if let Some(c) = slot
                && c.counters.len() == members.len()
                && c.external.len() == members.len()
            {
                for (i, m) in members.iter().enumerate() {
                    if !dirty.get(*m as usize).copied().unwrap_or(true) {
                        continue;
                    }
                    let now = row(m);
                    let external = unit(m).and_then(|u| ext_all.get(&u.id));
                    let (Some(k), Some(e)) = (c.counters.get_mut(i), c.external.get_mut(i)) else {
                        continue;
                    };
                    let external_changed = e.as_ref() != external;
                    if *k != now || external_changed {
                        // Only the indicators reading a counter that moved are measured again.
                        if self
                            .scheme
                            .moved_slots(k, &now, external_changed, &mut moved)
                        {
                            c.scoring.remeasure(
                                &self.scheme,
                                i,
                                &now,
                                external,
                                &moved,
                                &mut slots_buf,
                            );
                        }
                        *k = now;
                        *e = external.cloned();
                    }
                }
                c.scoring.commit(&self.scheme);
                out.push(Arc::clone(c.scoring.cards()));
                continue;
            }
            let counters: Vec<UnitCounters> = members.iter().map(row).collect();
            let external = members.iter().map(ext).collect();
            let mut measured = Vec::with_capacity(members.len() * indicators.len());
            for (m, k) in members.iter().zip(&counters) {
                let external = unit(m).and_then(|u| ext_all.get(&u.id));
                self.scheme
                    .measure_row(indicators, k, external, &mut slots_buf, &mut measured);
            }
            let units: Vec<Unit> = members.iter().filter_map(unit).cloned().collect();
            let scoring = GroupScoring::new(&self.scheme, g, units, &measured);
            out.push(Arc::clone(scoring.cards()));
            *slot = Some(GroupCache {
                counters,
                external,
                scoring,
            });
        }
        Ok(out)
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
        let groups = self.group_cards(period, as_of, events_upto)?;
        Ok(Scores {
            scheme: self.scheme.name().to_owned(),
            scheme_hash: self.scheme.hash().to_owned(),
            period: period.label.clone(),
            as_of,
            units: groups.iter().flat_map(|g| g.iter().cloned()).collect(),
        })
    }

    /// Full scores in the period containing `as_of`.
    pub fn scores(&self, as_of: Instant) -> Result<Scores> {
        self.scores_in(&self.period_at(as_of)?, as_of)
    }

    /// Standings per group for `period` at `as_of`.
    pub fn standings_in(&self, period: &Period, as_of: Instant) -> Result<Standings> {
        let groups = self.group_cards(period, as_of, as_of)?;
        Ok(Standings {
            scheme_hash: self.scheme.hash().to_owned(),
            period: period.label.clone(),
            as_of,
            groups: self
                .scheme
                .groups()
                .iter()
                .zip(groups.iter())
                .map(|(g, cards)| GroupStandings {
                    group: g.id.clone(),
                    units: cards
                        .iter()
                        .map(|c| Standing {
                            unit: c.unit.clone(),
                            total: c.total,
                            rank: c.rank,
                            grade: c.grade.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// Standings per group in the period containing `as_of` (the standings so far).
    pub fn standings(&self, as_of: Instant) -> Result<Standings> {
        self.standings_in(&self.period_at(as_of)?, as_of)
    }
}
