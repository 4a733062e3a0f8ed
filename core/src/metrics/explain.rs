//! What explanations and warnings need: one unit's contributions ticket by ticket, and the
//! assignments still open with their completion due instants.

use serde::{Deserialize, Serialize};

use super::contribute::{Scope, Sink, contribute};
use super::{Contribution, Counter};
use crate::clocks::{Converter, Detail, Evaluator, Facts, Outcome, Scratch, TicketView};
use crate::error::Result;
use crate::instant::Instant;
use crate::ticket::Ticket;
use crate::unit::{Role, UnitId};

struct ForUnit<'a> {
    unit: &'a str,
    out: Vec<Contribution>,
}

impl Sink for ForUnit<'_> {
    fn add(&mut self, ticket: &TicketView<'_>, f: &Facts, counter: Counter, amount: i64) {
        let Some(unit) = ticket.names.get(f.key) else {
            return;
        };
        if unit.as_str() != self.unit {
            return;
        }
        self.out.push(Contribution {
            ticket_id: ticket.id.to_owned(),
            unit: unit.clone(),
            role: f.role,
            counter,
            amount,
        });
    }
}

/// Every non-zero contribution of `unit`'s assignments to the counters of `scope`, ticket by
/// ticket, in ticket order. Summing them gives exactly that unit's row of the partial state.
pub fn contributions(
    tickets: &[Ticket],
    ev: &Evaluator,
    scope: &Scope,
    unit: &UnitId,
) -> Result<Vec<Contribution>> {
    let mut scratch = Scratch::default();
    let mut converter = Converter::default();
    let mut sink = ForUnit {
        unit: unit.as_str(),
        out: Vec::new(),
    };
    for t in tickets {
        let mentions = t
            .events
            .iter()
            .any(|e| e.body.unit().is_some_and(|u| u == unit));
        if !mentions {
            continue;
        }
        let view = converter.view(ev, t);
        ev.evaluate_into(&view, scope.as_of, &mut scratch, Detail::default())?;
        contribute(ev, &view, &scratch, scope, &mut sink)?;
    }
    Ok(sink.out)
}

/// An assignment whose completion clock is still open at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAssignment {
    /// The ticket.
    pub ticket_id: String,
    /// The unit.
    pub unit: UnitId,
    /// Its role.
    pub role: Role,
    /// When it was dispatched.
    pub dispatched_at: Instant,
    /// Completion due instant (after pauses and extensions).
    pub due: Instant,
    /// `pending` (still rescuable) or `overdue`.
    pub outcome: Outcome,
}

/// Every assignment whose completion clock has a limit and is unfinished at `as_of` (pending or
/// overdue), in ticket order then dispatch order. Warnings pick the pending ones due before the
/// period ends (the rescuable tickets).
pub fn open_assignments(
    tickets: &[Ticket],
    ev: &Evaluator,
    as_of: Instant,
) -> Result<Vec<OpenAssignment>> {
    let mut scratch = Scratch::default();
    let mut converter = Converter::default();
    let mut out = Vec::new();
    for t in tickets {
        let view = converter.view(ev, t);
        ev.evaluate_into(&view, as_of, &mut scratch, Detail::default())?;
        for (f, c) in scratch.assignments.iter().zip(scratch.clocks.iter()) {
            let complete = &c.complete;
            let (Some(due), Outcome::Pending | Outcome::Overdue) = (complete.due, complete.outcome)
            else {
                continue;
            };
            let Some(unit) = view.names.get(f.key) else {
                continue;
            };
            out.push(OpenAssignment {
                ticket_id: t.id.clone(),
                unit: unit.clone(),
                role: f.role,
                dispatched_at: f.dispatched_at,
                due,
                outcome: complete.outcome,
            });
        }
    }
    Ok(out)
}
