//! What explanations and warnings need: one unit's contributions ticket by ticket, and the
//! assignments still open with their completion due instants.

use serde::{Deserialize, Serialize};

use super::contribute::{Scope, Sink, evaluate_contributions};
use super::{Contribution, Counter};
use crate::clocks::{Detail, Evaluator, Facts, Outcome, Scratch, TicketView};
use crate::error::Result;
use crate::instant::Instant;
use crate::ticket::TicketsRef;
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
/// `tickets`: owned tickets or a batch ([`TicketsRef`]); the result is the same.
///
/// Errors: [`Error::NoSuchUnit`](crate::Error::NoSuchUnit) for a unit not in the evaluator's
/// units table (when it has one), with the closest unit as a suggestion; a clock that cannot be
/// evaluated.
pub fn contributions<'a>(
    tickets: impl Into<TicketsRef<'a>>,
    ev: &Evaluator,
    scope: &Scope,
    unit: &UnitId,
) -> Result<Vec<Contribution>> {
    if !ev.units().is_empty() && ev.unit_index(unit.as_str()).is_none() {
        return Err(crate::Error::NoSuchUnit {
            unit: unit.as_str().to_owned(),
            suggestion: crate::formula::suggest::closest(
                unit.as_str(),
                ev.units().iter().map(|u| u.id.as_str()),
            ),
        });
    }
    let mut scratch = Scratch::default();
    let mut sink = ForUnit {
        unit: unit.as_str(),
        out: Vec::new(),
    };
    ev.each_view(tickets.into(), |view| {
        let mentions = view
            .events
            .iter()
            .any(|e| view.names.get(e.unit).is_some_and(|u| u == unit));
        if mentions {
            evaluate_contributions(ev, view, scope, &mut scratch, &mut sink)?;
        }
        Ok(())
    })?;
    Ok(sink.out)
}

/// An assignment whose completion clock is still open at `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// Whether the unit has not signed for (签收) the ticket yet (its sign clock still running):
    /// closing the ticket stops that clock too, on time unless `sign_due` is already past.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
    /// The running sign clock's due instant (absent once signed, and for a sign clock without a
    /// limit, which closing stops on time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_due: Option<Instant>,
}

/// Every assignment whose completion clock has a limit and is unfinished at `as_of` (pending or
/// overdue), in ticket order then dispatch order. Warnings pick the pending ones due before the
/// period ends (the rescuable tickets). `tickets`: owned tickets or a batch ([`TicketsRef`]); the
/// result is the same.
pub fn open_assignments<'a>(
    tickets: impl Into<TicketsRef<'a>>,
    ev: &Evaluator,
    as_of: Instant,
) -> Result<Vec<OpenAssignment>> {
    let mut open = OpenAt::new(as_of);
    ev.each_view(tickets.into(), |view| open.push(ev, view))?;
    Ok(open.out)
}

/// [`open_assignments`] of the tickets `views` show (e.g. a batch as known at some instant).
pub(crate) fn open_assignments_of<'v>(
    views: impl Iterator<Item = TicketView<'v>>,
    ev: &Evaluator,
    as_of: Instant,
) -> Result<Vec<OpenAssignment>> {
    let mut open = OpenAt::new(as_of);
    for view in views {
        open.push(ev, &view)?;
    }
    Ok(open.out)
}

/// Open assignments at `as_of`, collected ticket by ticket.
struct OpenAt {
    as_of: Instant,
    scratch: Scratch,
    out: Vec<OpenAssignment>,
}

impl OpenAt {
    fn new(as_of: Instant) -> Self {
        OpenAt {
            as_of,
            scratch: Scratch::default(),
            out: Vec::new(),
        }
    }

    /// Evaluates `view` and keeps its open assignments.
    fn push(&mut self, ev: &Evaluator, view: &TicketView<'_>) -> Result<()> {
        ev.evaluate_into(view, self.as_of, &mut self.scratch, Detail::default())?;
        for (f, c) in self
            .scratch
            .assignments
            .iter()
            .zip(self.scratch.clocks.iter())
        {
            let complete = &c.complete;
            let (Some(due), Outcome::Pending | Outcome::Overdue) = (complete.due, complete.outcome)
            else {
                continue;
            };
            let Some(unit) = view.names.get(f.key) else {
                continue;
            };
            let unsigned = matches!(c.sign.outcome, Outcome::Pending | Outcome::Overdue);
            self.out.push(OpenAssignment {
                ticket_id: view.id.to_owned(),
                unit: unit.clone(),
                role: f.role,
                dispatched_at: f.dispatched_at,
                due,
                outcome: complete.outcome,
                unsigned,
                sign_due: c.sign.due.filter(|_| unsigned),
            });
        }
        Ok(())
    }
}
