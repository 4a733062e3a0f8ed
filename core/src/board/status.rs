//! Ticket deadline statuses (SPEC §3.3): every `yellow` or `red` running clock of a unit at
//! `as_of`, read from a per-unit index ordered by the instant each clock turns yellow.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Board;
use super::record::{Record, Running};
use crate::clocks::{Assignment, Status};
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::policy::Clock;
use crate::unit::{Role, UnitId};

/// A running clock that is `yellow` (deadline near) or `red` (overdue) at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    /// The ticket.
    pub ticket_id: String,
    /// The unit.
    pub unit: UnitId,
    /// Its role.
    pub role: Role,
    /// The clock (`sign`, `contact`, `reply`, `complete`).
    pub clock: Clock,
    /// When the assignment was dispatched.
    pub dispatched_at: Instant,
    /// The clock's due instant (for a paused clock: as if resumed at `as_of`).
    pub due: Instant,
    /// When it turns (turned) yellow.
    pub warning_at: Instant,
    /// `yellow` or `red`.
    pub status: Status,
}

impl DeadlineStatus {
    /// The `yellow` / `red` clocks of one evaluated assignment of `ticket_id`.
    pub fn of_assignment<'a>(
        ticket_id: &'a str,
        a: &'a Assignment,
    ) -> impl Iterator<Item = DeadlineStatus> + 'a {
        [Clock::Sign, Clock::Contact, Clock::Reply, Clock::Complete]
            .into_iter()
            .filter_map(move |clock| {
                let st = a.clocks.get(clock);
                match (st.status, st.due, st.warning_at) {
                    (
                        Some(status @ (Status::Yellow | Status::Red)),
                        Some(due),
                        Some(warning_at),
                    ) => Some(DeadlineStatus {
                        ticket_id: ticket_id.to_owned(),
                        unit: a.unit.clone(),
                        role: a.role,
                        clock,
                        dispatched_at: a.dispatched_at,
                        due,
                        warning_at,
                        status,
                    }),
                    _ => None,
                }
            })
    }

    /// Sorts statuses in report order: by due instant, then ticket, dispatch, clock and role.
    pub fn sort(statuses: &mut [DeadlineStatus]) {
        statuses.sort_by(|a, b| {
            (
                a.due,
                &a.ticket_id,
                a.dispatched_at,
                a.clock.index(),
                a.role,
            )
                .cmp(&(
                    b.due,
                    &b.ticket_id,
                    b.dispatched_at,
                    b.clock.index(),
                    b.role,
                ))
        });
    }
}

/// Per unit: running unpaused clocks by `(warning_at, ticket, assignment, clock)`, and the
/// tickets with a paused running clock (evaluated at query time).
#[derive(Debug, Clone)]
pub(crate) struct StatusIndex {
    running: Vec<BTreeSet<(i64, u32, u16, u8)>>,
    paused: Vec<BTreeSet<u32>>,
}

fn key(ticket: u32, r: &Running) -> (i64, u32, u16, u8) {
    (r.warning_at.millis(), ticket, r.assignment, r.clock)
}

impl StatusIndex {
    /// An empty index for `units` units.
    pub(crate) fn new(units: usize) -> Self {
        StatusIndex {
            running: vec![BTreeSet::new(); units],
            paused: vec![BTreeSet::new(); units],
        }
    }

    /// Replaces `ticket`'s running clocks and paused units `old` by `new`.
    pub(crate) fn apply(&mut self, ticket: u32, old: &Record, new: &Record) {
        for r in old.running.iter().filter(|r| !new.running.contains(r)) {
            if let Some(set) = self.running.get_mut(r.unit as usize) {
                set.remove(&key(ticket, r));
            }
        }
        for r in new.running.iter().filter(|r| !old.running.contains(r)) {
            if let Some(set) = self.running.get_mut(r.unit as usize) {
                set.insert(key(ticket, r));
            }
        }
        for u in old.paused.iter().filter(|u| !new.paused.contains(u)) {
            if let Some(set) = self.paused.get_mut(*u as usize) {
                set.remove(&ticket);
            }
        }
        for u in new.paused.iter().filter(|u| !old.paused.contains(u)) {
            if let Some(set) = self.paused.get_mut(*u as usize) {
                set.insert(ticket);
            }
        }
    }

    /// Running clocks indexed.
    pub(crate) fn len(&self) -> usize {
        self.running.iter().map(BTreeSet::len).sum()
    }

    /// Heap bytes held (estimated: two keys per B-tree entry).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.running
            .iter()
            .map(|s| s.len() * 2 * std::mem::size_of::<(i64, u32, u16, u8)>())
            .sum::<usize>()
            + self
                .paused
                .iter()
                .map(|s| s.len() * 2 * std::mem::size_of::<u32>())
                .sum::<usize>()
    }
}

impl Board {
    /// Every `yellow` or `red` running clock of `unit` at `as_of`, ordered by due instant, then
    /// ticket id, dispatch, clock.
    pub fn deadline_statuses(&self, unit: &str, as_of: Instant) -> Result<Vec<DeadlineStatus>> {
        let u = self.unit_index(unit)?;
        let mut special = self.query_time_tickets(as_of);
        if let Some(p) = self.status.paused.get(u as usize) {
            special.extend(p.iter().copied());
        }
        let mut out = Vec::new();
        let set = self
            .status
            .running
            .get(u as usize)
            .ok_or(Error::BoardUnknownUnit {
                unit: unit.to_owned(),
            })?;
        let upto = (as_of.millis(), u32::MAX, u16::MAX, u8::MAX);
        for (_, t, a, c) in set.range(..=upto) {
            if special.contains(t) {
                continue;
            }
            let Some(state) = self.tickets.get(*t as usize) else {
                continue;
            };
            let Some(r) = state
                .record
                .running
                .iter()
                .find(|r| r.unit == u && r.assignment == *a && r.clock == *c)
            else {
                continue;
            };
            out.push(DeadlineStatus {
                ticket_id: state.ticket.id.clone(),
                unit: UnitId::from(unit),
                role: r.role,
                clock: Clock::ALL
                    .get(usize::from(*c))
                    .copied()
                    .unwrap_or(Clock::Sign),
                dispatched_at: r.dispatched_at,
                due: r.due,
                warning_at: r.warning_at,
                status: if r.due < as_of {
                    Status::Red
                } else {
                    Status::Yellow
                },
            });
        }
        for t in &special {
            let Some(state) = self.tickets.get(*t as usize) else {
                continue;
            };
            let ticket = &state.ticket;
            if !ticket
                .events
                .iter()
                .any(|e| e.body.unit().is_some_and(|x| x.as_str() == unit))
            {
                continue;
            }
            for a in self.ev.evaluate(ticket, as_of)? {
                if a.unit.as_str() != unit {
                    continue;
                }
                out.extend(DeadlineStatus::of_assignment(&ticket.id, &a));
            }
        }
        DeadlineStatus::sort(&mut out);
        Ok(out)
    }
}
