//! Counters at any `as_of`: the period's finished facts and lapses, plus the few tickets that are
//! evaluated at query time (volatile ones, and those with events after the evaluation instant).

use std::borrow::Cow;
use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::periods::OnePeriod;
use super::record::Work;
use super::record::{self, decode_slot};
use super::{Board, External};
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::metrics::{Adjustment, Counter, MetricsTable, Scope, UnitCounters, fold_adjustments};
use crate::period::Period;
use crate::ticket::Ticket;
use crate::unit::Role;

impl Board {
    /// The position of `unit` in the units table.
    pub(crate) fn unit_index(&self, unit: &str) -> Result<u32> {
        self.ev
            .unit_index(unit)
            .ok_or_else(|| Error::BoardUnknownUnit {
                unit: unit.to_owned(),
            })
    }

    /// Tickets whose contributions at `events_upto` come from query-time evaluation: the volatile
    /// ones and those whose last event is at or after `events_upto` (records hold for `as_of`
    /// strictly after the last event).
    pub(crate) fn query_time_tickets(&self, events_upto: Instant) -> BTreeSet<u32> {
        let mut set = self.volatile.clone();
        let last = |t: u32| {
            self.tickets
                .get(t as usize)
                .and_then(|s| s.record.last)
                .map(Instant::millis)
        };
        set.extend(self.by_last.at_or_after(events_upto.millis(), last));
        set
    }

    /// Whether the board keeps counters for `period`: it is one of the scheme's periods (same
    /// start and end).
    pub(crate) fn keeps(&self, period: &Period) -> bool {
        self.periods.find_period(period).is_some()
            || self
                .scheme
                .period_at(period.start)
                .is_ok_and(|p| p.start == period.start && p.end == period.end)
    }

    /// Tickets whose contributions to `period` come from query-time evaluation: those of
    /// [`Board::query_time_tickets`] for one of the scheme's periods, and every ticket for any
    /// other period (a week, a month: the board keeps no counters for it, so it is evaluated like
    /// batch scoring; see `docs/semantics.md`, "Real-time board").
    pub(crate) fn query_time_tickets_in(
        &self,
        period: &Period,
        events_upto: Instant,
    ) -> BTreeSet<u32> {
        if self.keeps(period) {
            return self.query_time_tickets(events_upto);
        }
        let n = u32::try_from(self.tickets.len()).unwrap_or(u32::MAX);
        (0..n).collect()
    }

    /// The scheme's period containing `as_of`.
    pub fn period_at(&self, as_of: Instant) -> Result<Period> {
        self.scheme.period_at(as_of)
    }

    /// Every unit's counters (units-table order) for `period`, evaluated at `as_of` with the
    /// events up to `events_upto` (`as_of` itself except for period-end projections).
    pub(crate) fn rows(
        &self,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
    ) -> Result<Vec<UnitCounters>> {
        let slot = self
            .periods
            .find_period(period)
            .and_then(|id| self.periods.get(id));
        let mut rows = match slot {
            Some(s) => s.counters(&self.ev, as_of)?,
            None => vec![UnitCounters::default(); self.units().len()],
        };
        self.query_time(period, as_of, events_upto, &mut |u, role, c, a| {
            if let Some(row) = rows.get_mut(u as usize) {
                row.role_mut(role).add(c, a);
            }
        })?;
        Ok(rows)
    }

    /// What the query-time tickets change in `period`'s counters at `as_of` (with the events up
    /// to `events_upto`), as `out(unit, role, counter, amount)`: each one's recorded
    /// contributions taken out, its evaluation at `as_of` put in.
    pub(crate) fn query_time(
        &self,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
        out: &mut impl FnMut(u32, Role, Counter, i64),
    ) -> Result<()> {
        let special = self.query_time_tickets_in(period, events_upto);
        if special.is_empty() {
            return Ok(());
        }
        let id = self.periods.find_period(period);
        let mut w: Option<i64> = None;
        let mut w_as_of = || -> Result<i64> {
            if let Some(w) = w {
                return Ok(w);
            }
            let v = self.ev.working_ms(period.start, as_of)?;
            w = Some(v);
            Ok(v)
        };
        let mut work = Work::default();
        let mut one = OnePeriod {
            id: 0,
            scope: Scope {
                period: period.clone(),
                as_of,
                due_anchor: self.due_anchor,
            },
        };
        for t in special {
            let Some(state) = self.tickets.get(t as usize) else {
                continue;
            };
            if let Some(id) = id {
                state
                    .record
                    .value_at(id, as_of, &mut w_as_of, &mut |u, role, c, a| {
                        out(u, role, c, a.saturating_neg());
                    })?;
            }
            let truncated;
            let (ticket, words) =
                if state.record.last.is_some_and(|l| l > events_upto) && events_upto < as_of {
                    truncated = truncate(&state.ticket, events_upto);
                    (&truncated, None)
                } else {
                    (&state.ticket, Some((state.words.as_slice(), state.repeat)))
                };
            record::build(
                &self.ev,
                self.due_anchor,
                ticket,
                words,
                as_of,
                false,
                &mut work,
                &mut one,
            )?;
            for f in &work.rec.fixed {
                if let Some((role, c)) = decode_slot(f.slot()) {
                    out(f.unit(), role, c, f.amount);
                }
            }
        }
        Ok(())
    }

    /// The per-unit metrics table of `period` at `as_of` (every unit of the units table, and the
    /// period's external metrics): exactly what batch evaluation of the board's tickets gives.
    /// For one of the scheme's periods it reads the kept counters; any other period is evaluated
    /// from every held ticket.
    pub fn metrics(&self, period: &Period, as_of: Instant) -> Result<MetricsTable> {
        self.metrics_with(period, as_of, as_of)
    }

    pub(crate) fn metrics_with(
        &self,
        period: &Period,
        as_of: Instant,
        events_upto: Instant,
    ) -> Result<MetricsTable> {
        let rows = self.rows(period, as_of, events_upto)?;
        // In id order, so that building the map moves no row around.
        let units = self.units();
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_unstable_by(|a, b| {
            units
                .get(*a)
                .map(|u| &u.id)
                .cmp(&units.get(*b).map(|u| &u.id))
        });
        let mut sorted = Vec::with_capacity(order.len());
        sorted.extend(
            order
                .into_iter()
                .filter_map(|i| Some((units.get(i)?.id.clone(), *rows.get(i)?))),
        );
        Ok(MetricsTable {
            units: sorted.into_iter().collect(),
            external: self
                .external
                .get(&period_key(period))
                .cloned()
                .unwrap_or_default(),
            adjustments: self
                .adjustments
                .get(&period_key(period))
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// The external metrics of `period` as formulas read them: the values set, with the
    /// period's adjustments added (borrowed when there is none).
    pub(crate) fn external_in(&self, period: &Period) -> Result<Cow<'_, External>> {
        let key = period_key(period);
        let empty = || Cow::Owned(External::new());
        let values = self.external.get(&key).map_or_else(empty, Cow::Borrowed);
        match self.adjustments.get(&key) {
            Some(list) if !list.is_empty() => fold_adjustments(&values, list).map(Cow::Owned),
            _ => Ok(values),
        }
    }

    /// Adds a manual adjustment (人工加减分) to `period`: its amount is added to the unit's
    /// external metric, and it is listed, with its reason and approver, on the unit's scorecard
    /// and in its explanation ([`Adjustment`]). The unit must be on the board
    /// (`board_unknown_unit`), the metric declared in the scheme's `external` list
    /// (`unknown_external_metric`), the reason and the approver given (`invalid_adjustment`
    /// naming `adjustments[i]`, `i` its place among the period's adjustments). A refused
    /// adjustment leaves nothing behind.
    pub fn add_adjustment(&mut self, period: &Period, adjustment: Adjustment) -> Result<()> {
        self.unit_index(adjustment.unit.as_str())?;
        let declared = self.scheme.resolver().external();
        if !declared.contains(&adjustment.metric) {
            return Err(Error::UnknownExternalMetric {
                unit: adjustment.unit.clone(),
                name: adjustment.metric.clone(),
            });
        }
        let key = period_key(period);
        let mut list = self.adjustments.get(&key).cloned().unwrap_or_default();
        list.push(adjustment);
        let values = self.external.get(&key).cloned().unwrap_or_default();
        fold_adjustments(&values, &list)?;
        self.adjustments.insert(key, list);
        Ok(())
    }

    /// Sets an external metric (`ext.<name>`) of `unit` for `period`. The name must be declared
    /// in the scheme's `external` list.
    pub fn set_external(
        &mut self,
        period: &Period,
        unit: &str,
        name: &str,
        value: Decimal,
    ) -> Result<()> {
        let u = self.unit_index(unit)?;
        let id = self
            .units()
            .get(u as usize)
            .map(|x| x.id.clone())
            .ok_or_else(|| Error::BoardUnknownUnit {
                unit: unit.to_owned(),
            })?;
        if !self.scheme.resolver().external().iter().any(|n| n == name) {
            return Err(Error::UnknownExternalMetric {
                unit: id,
                name: name.to_owned(),
            });
        }
        self.external
            .entry(period_key(period))
            .or_default()
            .entry(id)
            .or_default()
            .insert(name.to_owned(), value);
        Ok(())
    }
}

/// The key of `period` in the board's per-period maps.
pub(crate) fn period_key(period: &Period) -> (i64, i64) {
    (period.start.millis(), period.end.millis())
}

/// `ticket` with only its events at or before `upto`.
fn truncate(ticket: &Ticket, upto: Instant) -> Ticket {
    Ticket {
        events: ticket
            .events
            .iter()
            .filter(|e| e.at <= upto)
            .cloned()
            .collect(),
        ..ticket.clone()
    }
}
