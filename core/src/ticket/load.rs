//! Loading tickets: strict or lenient, with every skipped ticket reported.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasherDefault;

use serde::{Deserialize, Serialize};

use crate::clocks::{FxHasher, TicketBatch};
use crate::error::{Error, Result};
use crate::ticket::problem::Violation;
use crate::ticket::validate::FlowCheck;
use crate::ticket::{KnownUnits, Ticket, TicketErrorKind, check_units};
use crate::unit::Unit;

/// What to do with a bad ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The first bad ticket is an error.
    #[default]
    Strict,
    /// Bad tickets are skipped, and every skipped ticket is reported as a [`Diagnostic`].
    Lenient,
}

/// One skipped ticket (or group of orphan event rows) in lenient mode: the error's code and
/// context, flattened for tables and bindings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The stable error code ([`Error::code`]).
    pub code: String,
    /// The ticket skipped.
    pub ticket_id: String,
    /// The event concerned, if any (index within the ticket).
    pub event_index: Option<usize>,
    /// The field concerned.
    pub field: String,
    /// 0-based row in the input table or array, when known (see [`Error::InvalidTicket`]).
    pub row: Option<usize>,
    /// The full message.
    pub message: String,
}

impl From<&Error> for Diagnostic {
    fn from(error: &Error) -> Self {
        let (ticket_id, event_index, field, row) = match error {
            Error::InvalidTicket {
                ticket_id,
                event_index,
                field,
                row,
                ..
            } => (ticket_id.clone(), *event_index, field.clone(), *row),
            _ => (String::new(), None, String::new(), None),
        };
        Diagnostic {
            code: error.code().to_owned(),
            ticket_id,
            event_index,
            field,
            row,
            message: error.to_string(),
        }
    }
}

/// The valid tickets, in input order, and one diagnostic per skipped ticket (empty in strict
/// mode).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The tickets that passed every check.
    pub tickets: Vec<Ticket>,
    /// One entry per skipped ticket or orphan event group, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Like [`Loaded`], with the valid tickets in compact form
/// ([`Assembler::finish_batch`](crate::ticket::Assembler::finish_batch)).
#[derive(Debug, Clone, Default)]
pub struct LoadedBatch {
    /// The tickets that passed every check, in input order.
    pub batch: TicketBatch,
    /// One entry per skipped ticket or orphan event group, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where errors go: returned at once (strict) or recorded (lenient).
#[derive(Debug)]
pub(crate) struct Sink {
    mode: Mode,
    pub(crate) loaded: Loaded,
}

impl Sink {
    pub(crate) fn new(mode: Mode) -> Self {
        Sink {
            mode,
            loaded: Loaded::default(),
        }
    }

    /// Reports a bad ticket: an error in strict mode, a diagnostic in lenient mode.
    pub(crate) fn report(&mut self, error: Error) -> Result<()> {
        match self.mode {
            Mode::Strict => Err(error),
            Mode::Lenient => {
                self.loaded.diagnostics.push(Diagnostic::from(&error));
                Ok(())
            }
        }
    }
}

/// The known units of an optional units table, after checking the table.
pub(crate) fn known_units(units: Option<&[Unit]>) -> Result<Option<KnownUnits>> {
    units
        .map(|u| check_units(u).map(|()| KnownUnits::new(u)))
        .transpose()
}

/// Checks a ticket whose events were read up to a possible conversion failure (`failure`, at
/// index `ticket.events.len()`): the first violation in event order.
pub(crate) fn check_ticket(
    ticket: &Ticket,
    failure: Option<Violation>,
    units: Option<&KnownUnits>,
) -> Result<(), Violation> {
    let mut check = FlowCheck::new(ticket, units)?;
    for (index, event) in ticket.events.iter().enumerate() {
        check.push(index, event)?;
    }
    failure.map_or(Ok(()), Err)
}

/// Validates typed tickets (from serde, the synthetic generator or a binding): ticket ids unique
/// in the set (a later duplicate is the bad one), units in `units` when given, and every rule of
/// [`Ticket::validate`]. `row` in errors is the position in `tickets`.
///
/// A units table with an empty or duplicate unit is an error in either mode.
pub fn load_tickets(tickets: Vec<Ticket>, units: Option<&[Unit]>, mode: Mode) -> Result<Loaded> {
    let known = known_units(units)?;
    let verdicts = tickets
        .iter()
        .map(|ticket| check_ticket(ticket, None, known.as_ref()))
        .collect();
    keep_unique(vec![(tickets, verdicts)], mode)
}

/// Tickets read in order, each with what [`check_ticket`] said of it.
pub(crate) type CheckedTickets = (Vec<Ticket>, Vec<Result<(), Violation>>);

/// Keeps the checked tickets of `parts` (read in order as one list, each ticket with its
/// verdict) whose ids are unique so far (a later duplicate is the bad one) and whose verdict is
/// good; reports the others with `row` = the position in that list.
pub(crate) fn keep_unique(parts: Vec<CheckedTickets>, mode: Mode) -> Result<Loaded> {
    // Find duplicates by reference first (ids are borrowed, not copied), then move.
    let count = parts.iter().map(|(tickets, _)| tickets.len()).sum();
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    {
        let mut first_row: HashMap<&str, usize, BuildHasherDefault<FxHasher>> =
            HashMap::with_capacity_and_hasher(count, BuildHasherDefault::default());
        let ids = parts.iter().flat_map(|(tickets, _)| tickets.iter());
        for (row, ticket) in ids.enumerate() {
            if ticket.id.is_empty() {
                continue;
            }
            match first_row.entry(&ticket.id) {
                Entry::Occupied(first) => duplicates.push((row, *first.get())),
                Entry::Vacant(slot) => {
                    slot.insert(row);
                }
            }
        }
    }
    let mut sink = Sink::new(mode);
    let mut duplicates = duplicates.into_iter().peekable();
    sink.loaded.tickets.reserve(count);
    let checked = parts
        .into_iter()
        .flat_map(|(tickets, verdicts)| tickets.into_iter().zip(verdicts));
    for (row, (ticket, verdict)) in checked.enumerate() {
        let verdict = match duplicates.next_if(|(r, _)| *r == row) {
            Some((_, first)) => Err(Violation::ticket(
                "id",
                TicketErrorKind::DuplicateTicket {
                    first_row: Some(first),
                },
            )),
            None => verdict,
        };
        match verdict {
            Ok(()) => sink.loaded.tickets.push(ticket),
            Err(v) => sink.report(v.into_error(&ticket.id, Some(row)))?,
        }
    }
    Ok(sink.loaded)
}
