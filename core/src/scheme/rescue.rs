//! Points a rescuable ticket recovers (SPEC §7): a unit's rounded total at the period end with
//! one overdue assignment of a role closed on time instead, minus its total if nothing is done.
//!
//! Each group's period-end metrics are measured once. Closing a ticket moves the counters of
//! each of its assignments still open at the end ([`super::warning::closing_moves`]); only the
//! rows of the group's members it moves are measured again, and the group-level steps (pooled
//! rates, maxima, no-data means, ranks) run on the group — the same arithmetic as scoring the
//! whole group afresh, without re-measuring the other units.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::file::NoDataSpec;
use super::model::{Group, Indicator, Scheme};
use super::rule::Rule;
use super::value::Measured;
use crate::formula::Value;
use crate::metrics::{Counter, MetricsTable, UnitCounters};
use crate::unit::{Role, Unit, UnitId};

/// One assignment's counters moved by closing its ticket: the unit, its role, and each
/// counter's change.
pub(crate) type Move<'m> = (&'m UnitId, Role, &'m [(Counter, i64)]);

/// The period-end scoring of the groups, built group by group as warnings need them.
pub(crate) struct Rescue<'a> {
    scheme: &'a Scheme,
    units: &'a [Unit],
    at_end: &'a MetricsTable,
    groups: HashMap<&'a str, GroupAtEnd<'a>>,
}

/// One group measured on the period-end metrics, with every member's total if nothing is done.
pub(crate) struct GroupAtEnd<'a> {
    scheme: &'a Scheme,
    at_end: &'a MetricsTable,
    group: &'a Group,
    /// Members sorted by id.
    members: Vec<&'a Unit>,
    indicators: Vec<&'a Indicator>,
    /// Row-major, one row per member.
    measured: Vec<Measured>,
    /// Totals if nothing more is done.
    lapsed: HashMap<&'a UnitId, Decimal>,
    /// Whether a member's total depends on the others' counters (shrinkage toward the pooled
    /// rate, a volume curve against the busiest, `group_mean` no data).
    relative: bool,
}

impl<'a> Rescue<'a> {
    /// Warnings' rescue points for `units` on the period-end metrics `at_end`.
    pub(crate) fn new(scheme: &'a Scheme, units: &'a [Unit], at_end: &'a MetricsTable) -> Self {
        Rescue {
            scheme,
            units,
            at_end,
            groups: HashMap::new(),
        }
    }

    /// `group` measured at the period end (measured on first use).
    pub(crate) fn group(&mut self, group: &'a Group) -> &GroupAtEnd<'a> {
        let (scheme, units, at_end) = (self.scheme, self.units, self.at_end);
        self.groups
            .entry(group.id.as_str())
            .or_insert_with(|| GroupAtEnd::new(scheme, units, at_end, group))
    }
}

impl<'a> GroupAtEnd<'a> {
    fn new(
        scheme: &'a Scheme,
        units: &'a [Unit],
        at_end: &'a MetricsTable,
        group: &'a Group,
    ) -> Self {
        let mut members: Vec<&Unit> = units.iter().filter(|u| u.group == group.id).collect();
        members.sort_by(|a, b| a.id.cmp(&b.id));
        let indicators = scheme.group_indicators(group);
        let mut measured = Vec::with_capacity(members.len() * indicators.len());
        let mut slots = Vec::new();
        for u in &members {
            let counters = at_end.units.get(&u.id).copied().unwrap_or_default();
            scheme.measure_row(
                &indicators,
                &counters,
                at_end.external.get(&u.id),
                &mut slots,
                &mut measured,
            );
        }
        let relative = indicators.iter().any(|i| {
            i.shrink.is_some()
                || matches!(i.rule, Rule::Volume { .. })
                || i.no_data == NoDataSpec::GroupMean
        });
        let mut g = GroupAtEnd {
            scheme,
            at_end,
            group,
            members,
            indicators,
            measured,
            lapsed: HashMap::new(),
            relative,
        };
        let cards = scheme.score_measured(group, &g.members, &g.measured);
        g.lapsed = g
            .members
            .iter()
            .filter_map(|u| {
                let card = cards.iter().find(|c| c.unit == u.id)?;
                Some((&u.id, card.total))
            })
            .collect();
        g
    }

    /// `unit`'s total at the period end if nothing more is done.
    pub(crate) fn lapsed(&self, unit: &UnitId) -> Option<Decimal> {
        self.lapsed.get(unit).copied()
    }

    /// Whether moving `other`'s counters can change `unit`'s total: `other` is `unit`, or a
    /// member of a group whose scores are relative to each other.
    pub(crate) fn moves_total_of(&self, unit: &UnitId, other: &UnitId) -> bool {
        other == unit || (self.relative && self.members.iter().any(|u| &u.id == other))
    }

    /// `unit`'s total at the period end with the counters of `moves` moved (moves of units
    /// outside the group change nothing here and are skipped).
    pub(crate) fn closed(&self, unit: &UnitId, moves: &[Move<'_>]) -> Option<Decimal> {
        let mut moved: Vec<(usize, UnitCounters)> = Vec::new();
        for (who, role, changes) in moves {
            let Some(i) = self.members.iter().position(|u| &u.id == *who) else {
                continue;
            };
            let at = match moved.iter().position(|(j, _)| *j == i) {
                Some(at) => at,
                None => {
                    let counters = self.at_end.units.get(*who).copied().unwrap_or_default();
                    moved.push((i, counters));
                    moved.len() - 1
                }
            };
            let row = moved.get_mut(at)?.1.role_mut(*role);
            for (c, d) in *changes {
                row.add(*c, *d);
            }
        }
        let n = self.indicators.len();
        let mut measured = self.measured.clone();
        let mut own = Vec::with_capacity(n);
        let mut slots: Vec<Value> = Vec::new();
        for (i, counters) in &moved {
            own.clear();
            let id = &self.members.get(*i)?.id;
            self.scheme.measure_row(
                &self.indicators,
                counters,
                self.at_end.external.get(id),
                &mut slots,
                &mut own,
            );
            let target = measured.iter_mut().skip(i.saturating_mul(n)).take(n);
            for (cell, m) in target.zip(own.drain(..)) {
                *cell = m;
            }
        }
        let i = self.members.iter().position(|u| &u.id == unit)?;
        self.scheme
            .total_measured(self.group, &self.members, &measured, i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::PRESETS;

    /// An overdue assignment closed on time, and one closed late.
    const RESCUE: [(Counter, i64); 5] = [
        (Counter::OverdueOpen, -1),
        (Counter::ClosedOnTime, 1),
        (Counter::DueClosed, 1),
        (Counter::ClosedFirstTime, 1),
        (Counter::Closed, 1),
    ];
    const LATE: [(Counter, i64); 5] = [
        (Counter::OverdueOpen, -1),
        (Counter::ClosedLate, 1),
        (Counter::DueClosed, 1),
        (Counter::ClosedFirstTime, 1),
        (Counter::Closed, 1),
    ];

    /// A few units per group with varied counters (some with none, some tiny: shrinkage and
    /// no-data handling), deterministic.
    fn table(scheme: &Scheme) -> (Vec<Unit>, MetricsTable) {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |m: i64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            i64::try_from(state % u64::try_from(m).unwrap()).unwrap()
        };
        let mut units = Vec::new();
        let mut metrics = MetricsTable::default();
        for (g, group) in scheme.groups().iter().enumerate() {
            for i in 0..7 {
                let id = format!("{g}-{i}");
                units.push(Unit {
                    id: id.as_str().into(),
                    group: group.id.clone(),
                    name: String::new(),
                });
                if i == 0 {
                    continue;
                }
                let mut c = UnitCounters::default();
                for role in [Role::Lead, Role::Assisting] {
                    let row = c.role_mut(role);
                    let scale = if i == 1 { 3 } else { 400 };
                    for counter in Counter::ALL {
                        row.add(*counter, next(scale));
                    }
                }
                metrics.units.insert(id.as_str().into(), c);
                let ext = scheme
                    .resolver()
                    .external()
                    .iter()
                    .map(|e| (e.clone(), Decimal::from(next(5))))
                    .collect();
                metrics.external.insert(id.as_str().into(), ext);
            }
        }
        (units, metrics)
    }

    /// The per-(unit, role) totals equal scoring the whole group afresh on the moved counters.
    #[test]
    fn totals_equal_rescoring_the_group() {
        for (name, _) in PRESETS {
            let scheme = Scheme::preset(name).unwrap();
            let (units, metrics) = table(&scheme);
            let mut rescue = Rescue::new(&scheme, &units, &metrics);
            for group in scheme.groups() {
                let mut members: Vec<&Unit> =
                    units.iter().filter(|u| u.group == group.id).collect();
                members.sort_by(|a, b| a.id.cmp(&b.id));
                let fresh = |unit: &UnitId, role: Option<Role>| {
                    let mut t = metrics.clone();
                    if let Some(role) = role {
                        let row = t.units.entry(unit.clone()).or_default().role_mut(role);
                        for (c, d) in RESCUE {
                            row.add(c, d);
                        }
                        // A second unit of the group on the same ticket, closed late.
                        if let Some(other) = members.iter().find(|m| &m.id != unit) {
                            let row = t.units.entry(other.id.clone()).or_default().role_mut(role);
                            for (c, d) in LATE {
                                row.add(c, d);
                            }
                        }
                    }
                    scheme
                        .score_group(group, &members, &t)
                        .into_iter()
                        .find(|c| &c.unit == unit)
                        .map(|c| c.total)
                };
                let at_end = rescue.group(group);
                for u in &members {
                    assert_eq!(at_end.lapsed(&u.id), fresh(&u.id, None), "{name} {}", u.id);
                    for role in [Role::Lead, Role::Assisting] {
                        let mut moves: Vec<Move<'_>> = vec![(&u.id, role, &RESCUE[..])];
                        if let Some(other) = members.iter().find(|m| m.id != u.id) {
                            moves.push((&other.id, role, &LATE[..]));
                        }
                        let got = at_end.closed(&u.id, &moves);
                        assert_eq!(got, fresh(&u.id, Some(role)), "{name} {} {role:?}", u.id);
                        assert!(got.is_some());
                    }
                }
            }
        }
    }
}
