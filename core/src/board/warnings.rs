//! Period warnings (SPEC §7) at `as_of`: the scheme's warning rules over the board's metrics now
//! and projected to the period end, with the rescuable tickets read from the completion-lapse
//! index (running completion clocks due in `[as_of, period end)`).

use std::collections::{BTreeSet, HashSet};

use super::Board;
use super::record::{Lapse, kind};
use crate::clocks::Outcome;
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::{MetricsTable, OpenAssignment, open_assignments};
use crate::period::Period;
use crate::policy::Clock;
use crate::scheme::{UnitWarning, WarningData};
use crate::unit::{Role, UnitId};

impl Board {
    /// Period warnings in the period containing `as_of` (empty outside the warning window).
    pub fn warnings(&self, as_of: Instant) -> Result<Vec<UnitWarning>> {
        self.warnings_in(&self.period_at(as_of)?, as_of)
    }

    /// Period warnings for `period` at `as_of`: exactly what
    /// [`crate::scheme::Scheme::period_warnings`] gives on the batch data of the board's tickets.
    pub fn warnings_in(&self, period: &Period, as_of: Instant) -> Result<Vec<UnitWarning>> {
        let units = self.units();
        let in_window = self
            .scheme
            .warning_start(period)
            .is_some_and(|start| as_of >= start && as_of < period.end);
        if !in_window {
            let empty = MetricsTable::default();
            let data = WarningData {
                metrics: &empty,
                open: &[],
                at_end: &empty,
                open_at_end: &[],
            };
            // Empty outside the window, or the scheme's typed error when it has no warnings.
            return self.scheme.period_warnings(units, period, as_of, &data);
        }
        let now = self.metrics_with(period, as_of, as_of)?;
        let at_end = self.metrics_with(period, period.end, as_of)?;
        // First pass: which units are warned (rescuable tickets do not change that).
        let data = WarningData {
            metrics: &now,
            open: &[],
            at_end: &at_end,
            open_at_end: &[],
        };
        let warned = self.scheme.period_warnings(units, period, as_of, &data)?;
        if warned.is_empty() {
            return Ok(warned);
        }
        // The warned units' candidates: from the lapse index, then from the tickets evaluated
        // at query time (each of those cut and evaluated once for all the units). The scheme
        // reads them unit by unit, each unit's in this order.
        let special = self.query_time_tickets_in(period, as_of);
        let mut open = Vec::new();
        for w in &warned {
            self.indexed_candidates(period, &w.unit, as_of, &special, &mut open)?;
        }
        self.query_time_candidates(period, &warned, as_of, &special, &mut open)?;
        // Closing a candidate's ticket moves every assignment of it still open at the period
        // end, other units' too: each such ticket, as known at `as_of`, evaluated at the end.
        let mut open_at_end = Vec::new();
        let mut seen = HashSet::new();
        for a in &open {
            if !seen.insert(a.ticket_id.as_str()) {
                continue;
            }
            let Some(state) = self
                .by_id
                .get(a.ticket_id.as_str())
                .and_then(|t| self.tickets.get(*t as usize))
            else {
                continue;
            };
            let upto = known_at(&state.ticket, as_of);
            open_at_end.extend(open_assignments(
                std::slice::from_ref(&upto),
                &self.ev,
                period.end,
            )?);
        }
        let data = WarningData {
            metrics: &now,
            open: &open,
            at_end: &at_end,
            open_at_end: &open_at_end,
        };
        self.scheme.period_warnings(units, period, as_of, &data)
    }

    /// `unit`'s assignments pending at `as_of`, due in `[as_of, period end)` and overdue at the
    /// period end if nothing more happens, read from the lapse index (tickets evaluated at query
    /// time, `special`, left out).
    fn indexed_candidates(
        &self,
        period: &Period,
        unit: &UnitId,
        as_of: Instant,
        special: &BTreeSet<u32>,
        out: &mut Vec<OpenAssignment>,
    ) -> Result<()> {
        let u = self.unit_index(unit.as_str())?;
        let in_range = |due: Instant| as_of <= due && due < period.end;
        let mut seen = BTreeSet::new();
        if let Some(slot) = self
            .periods
            .find_period(period)
            .and_then(|id| self.periods.get(id))
            && let Some(kinds) = slot.lapses.get(u as usize)
        {
            for role in [Role::Lead, Role::Assisting] {
                let Some(idx) = kinds.get(usize::from(kind(role, Lapse::DueOpen))) else {
                    continue;
                };
                for (_, t) in idx.range(as_of.millis(), period.end.millis()) {
                    if special.contains(&t) || !seen.insert(t) {
                        continue;
                    }
                    let Some(state) = self.tickets.get(t as usize) else {
                        continue;
                    };
                    for r in state.record.running.iter().filter(|r| {
                        r.unit == u
                            && usize::from(r.clock) == Clock::Complete.index()
                            && in_range(r.due)
                    }) {
                        out.push(OpenAssignment {
                            ticket_id: state.ticket.id.clone(),
                            unit: unit.clone(),
                            role: r.role,
                            dispatched_at: r.dispatched_at,
                            due: r.due,
                            outcome: Outcome::Pending,
                            // A candidate's sign state is not read: what closing it moves
                            // comes from its ticket evaluated at the period end.
                            unsigned: false,
                            sign_due: None,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The same candidates among the tickets evaluated at query time (`special`), for every
    /// warned unit at once.
    fn query_time_candidates(
        &self,
        period: &Period,
        warned: &[UnitWarning],
        as_of: Instant,
        special: &BTreeSet<u32>,
        out: &mut Vec<OpenAssignment>,
    ) -> Result<()> {
        let units: HashSet<&UnitId> = warned.iter().map(|w| &w.unit).collect();
        let in_range = |due: Instant| as_of <= due && due < period.end;
        for t in special {
            let Some(state) = self.tickets.get(*t as usize) else {
                continue;
            };
            let ticket = &state.ticket;
            let mentions =
                |e: &crate::ticket::Event| e.body.unit().is_some_and(|u| units.contains(u));
            if !ticket.events.iter().any(mentions) {
                continue;
            }
            let upto = known_at(ticket, as_of);
            let now = self.ev.evaluate(&upto, as_of)?;
            let end = self.ev.evaluate(&upto, period.end)?;
            for (a, e) in now.iter().zip(end.iter()) {
                let c = &a.clocks.complete;
                if let (true, Outcome::Pending, Some(due), Outcome::Overdue) = (
                    units.contains(&a.unit),
                    c.outcome,
                    c.due,
                    e.clocks.complete.outcome,
                ) && in_range(due)
                {
                    out.push(OpenAssignment {
                        ticket_id: ticket.id.clone(),
                        unit: a.unit.clone(),
                        role: a.role,
                        dispatched_at: a.dispatched_at,
                        due,
                        outcome: Outcome::Pending,
                        unsigned: false,
                        sign_due: None,
                    });
                }
            }
        }
        Ok(())
    }
}

/// `ticket` as known at `as_of`: its events up to that instant.
fn known_at(ticket: &crate::ticket::Ticket, as_of: Instant) -> crate::ticket::Ticket {
    crate::ticket::Ticket {
        events: ticket
            .events
            .iter()
            .filter(|e| e.at <= as_of)
            .cloned()
            .collect(),
        ..ticket.clone()
    }
}
