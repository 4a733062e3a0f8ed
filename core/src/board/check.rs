//! The board's check of each ticket's log (SPEC §3.2), resumed after the last event.
//!
//! Each ticket keeps the rules' state after its last event ([`TicketFlow`]): an event appended
//! at the end of the log is checked against that state alone, on a copy that replaces it only
//! once the whole ingestion succeeded; a late event (inserted before the last one) re-checks the
//! whole log. Units are keyed by their index in the units table. Event ids are not tracked on
//! ingestion: the board answers an id it already holds before checking (`Duplicate` or
//! `BoardEventConflict`), so the ids of its logs are unique. A restore, which reads logs it did
//! not check, tracks them.

use crate::clocks::Evaluator;
use crate::error::Result;
use crate::ticket::{Event, EventParts, Flow, FlowKeys, SeenIds, Ticket, check_header};

/// The state of the rules after a ticket's last event.
pub(crate) type TicketFlow = Flow<u32>;

/// Units by index in the units table; event ids tracked only when `seen` is given.
struct Indexed<'a, 't> {
    ev: &'a Evaluator,
    seen: Option<SeenIds<'t>>,
}

impl<'t> FlowKeys<'t> for Indexed<'_, 't> {
    type Unit = u32;

    fn unit(&mut self, unit: &'t str) -> Option<u32> {
        self.ev.unit_index(unit)
    }

    fn seen(&mut self, id: &'t str, index: usize) -> Option<usize> {
        self.seen.as_mut().and_then(|s| s.insert(id, index))
    }
}

/// Checks `event`, appended as event `index` of ticket `ticket_id` whose state after its last
/// event is `flow`; on success `flow` is the state after `event`, on failure it is unchanged.
pub(crate) fn append(
    ev: &Evaluator,
    ticket_id: &str,
    flow: &mut TicketFlow,
    index: usize,
    event: &Event,
) -> Result<()> {
    let mut keys = Indexed { ev, seen: None };
    flow.push(index, EventParts::of(event), &mut keys)
        .map_err(|v| v.into_error(ticket_id, None))
}

/// Checks `ticket`'s id and whole log, with its event ids when `ids`; `flow` becomes the state
/// after its last event (meaningless on failure).
pub(crate) fn replay(
    ev: &Evaluator,
    ticket: &Ticket,
    ids: bool,
    flow: &mut TicketFlow,
) -> Result<()> {
    check_header(ticket).map_err(|v| v.into_error(&ticket.id, None))?;
    flow.restart(ticket.received_at);
    let mut keys = Indexed {
        ev,
        seen: ids.then(SeenIds::new),
    };
    for (index, event) in ticket.events.iter().enumerate() {
        flow.push(index, EventParts::of(event), &mut keys)
            .map_err(|v| v.into_error(&ticket.id, None))?;
    }
    Ok(())
}
