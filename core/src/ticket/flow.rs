//! The per-ticket rules of SPEC §3.2 as a resumable state: [`Flow`] is what the rules remember
//! after some events, and [`Flow::push`] checks the next event against it.
//!
//! Per unit the state is that of its latest assignment (signed, return pending, paused, extension
//! pending, replied, ended); per ticket, whether it is closed, whether anything was replied, and
//! how many unsatisfied callbacks can still be written off. Every rule only looks back, so any
//! prefix of a valid log is valid, and a state kept after a log's last event checks an appended
//! event exactly as re-checking the whole log would. [`Flow::push`] changes nothing when it
//! refuses an event.
//!
//! Units are named by a key chosen by the caller ([`FlowKeys`]): a borrowed id when a log is
//! checked once, an index in the units table when the state is kept (the real-time board).

use std::collections::HashMap;
use std::hash::Hash;

use crate::clocks::Body;
use crate::instant::Instant;
use crate::ticket::EventParts;
use crate::ticket::problem::Violation;
use crate::ticket::{MAX_EVENTS_PER_TICKET, Ticket, TicketErrorKind, TicketRow};

/// How a check names units and remembers event ids.
pub(crate) trait FlowKeys<'e> {
    /// The key of a unit.
    type Unit: Copy + Eq + Hash;
    /// The key of unit id `unit`; `None` when it is not in the units table.
    fn unit(&mut self, unit: &'e str) -> Option<Self::Unit>;
    /// Records event id `id` at `index`; the index of an earlier event with the same id, if any.
    fn seen(&mut self, id: &'e str, index: usize) -> Option<usize>;
}

/// The state of one unit's latest assignment on the ticket.
#[derive(Debug, Clone, Copy)]
struct Assignment<K> {
    unit: K,
    ended: bool,
    signed: bool,
    return_pending: bool,
    paused: bool,
    extension_pending: bool,
    replied: bool,
}

impl<K> Assignment<K> {
    fn open(unit: K) -> Self {
        Assignment {
            unit,
            ended: false,
            signed: false,
            return_pending: false,
            paused: false,
            extension_pending: false,
            replied: false,
        }
    }
}

/// What the rules of SPEC §3.2 remember of a ticket's events so far.
#[derive(Debug)]
pub(crate) struct Flow<K> {
    received_at: Instant,
    last_at: Option<Instant>,
    closed: bool,
    any_reply: bool,
    unsatisfied_open: u32,
    assignments: Vec<Assignment<K>>,
    /// Position of each unit in `assignments`, once a ticket has many units (boxed: the
    /// real-time board keeps one state per ticket, and few tickets have many units).
    #[allow(clippy::box_collection)]
    unit_index: Option<Box<HashMap<K, usize>>>,
}

impl<K: Copy + Eq + Hash> Clone for Flow<K> {
    fn clone(&self) -> Self {
        Flow {
            received_at: self.received_at,
            last_at: self.last_at,
            closed: self.closed,
            any_reply: self.any_reply,
            unsatisfied_open: self.unsatisfied_open,
            assignments: self.assignments.clone(),
            unit_index: self.unit_index.clone(),
        }
    }

    /// Reuses this state's buffers.
    fn clone_from(&mut self, source: &Self) {
        self.received_at = source.received_at;
        self.last_at = source.last_at;
        self.closed = source.closed;
        self.any_reply = source.any_reply;
        self.unsatisfied_open = source.unsatisfied_open;
        self.assignments.clone_from(&source.assignments);
        self.unit_index.clone_from(&source.unit_index);
    }
}

/// A placeholder (a scratch state before its first use).
impl<K: Copy + Eq + Hash> Default for Flow<K> {
    fn default() -> Self {
        Flow::start(Instant::from_millis(0))
    }
}

/// Checks the fields of `ticket` the rules read besides its events.
pub(crate) fn check_header(ticket: &Ticket) -> Result<(), Violation> {
    if ticket.id.is_empty() {
        return Err(Violation::ticket("id", TicketErrorKind::MissingField));
    }
    // In a tickets table an attribute is a column: one named like a ticket's own column would
    // stand for it there.
    if let Some(name) = ticket
        .attributes
        .keys()
        .find(|k| TicketRow::COLUMNS.contains(&k.as_str()))
    {
        return Err(Violation::ticket(
            &format!("attributes.{name}"),
            TicketErrorKind::MalformedValue {
                value: name.clone(),
                expected: format!(
                    "an attribute name ({} are the tickets table's own columns)",
                    TicketRow::COLUMNS.join(", ")
                ),
            },
        ));
    }
    Ok(())
}

/// Sets an assignment's `flag` to `to`: refused (`kind()`) when it already is.
fn set(
    index: usize,
    flag: &mut bool,
    to: bool,
    kind: impl FnOnce() -> TicketErrorKind,
) -> Result<(), Violation> {
    if *flag == to {
        return Err(Violation::event(index, "type", kind()));
    }
    *flag = to;
    Ok(())
}

/// A unit event whose unit has no key (never the case: the key is looked up first).
fn missing_unit(index: usize) -> Violation {
    Violation::event(index, "unit", TicketErrorKind::MissingField)
}

impl<K: Copy + Eq + Hash> Flow<K> {
    /// The state before the first event of a ticket received at `received_at`.
    pub(crate) fn start(received_at: Instant) -> Self {
        Flow {
            received_at,
            last_at: None,
            closed: false,
            any_reply: false,
            unsatisfied_open: 0,
            assignments: Vec::new(),
            unit_index: None,
        }
    }

    /// Makes this the state before the first event of a ticket received at `received_at`,
    /// keeping its buffers.
    pub(crate) fn restart(&mut self, received_at: Instant) {
        self.received_at = received_at;
        self.last_at = None;
        self.closed = false;
        self.any_reply = false;
        self.unsatisfied_open = 0;
        self.assignments.clear();
        self.unit_index = None;
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.assignments.capacity() * std::mem::size_of::<Assignment<K>>()
            + self.unit_index.as_ref().map_or(0, |m| {
                m.capacity() * (std::mem::size_of::<(K, usize)>() + 1)
            })
    }

    /// Checks `event`, the ticket's event number `index` (borrowed parts: an owned event's or a
    /// compact store's, no copy), against everything before it, and remembers it. A refused
    /// event changes nothing here.
    pub(crate) fn push<'e, X: FlowKeys<'e, Unit = K>>(
        &mut self,
        index: usize,
        event: EventParts<'e>,
        keys: &mut X,
    ) -> Result<(), Violation> {
        let fail = |field: &str, kind| Err(Violation::event(index, field, kind));
        if index >= MAX_EVENTS_PER_TICKET {
            return fail(
                "events",
                TicketErrorKind::TooManyEvents {
                    limit: MAX_EVENTS_PER_TICKET,
                },
            );
        }
        let key = match event.unit {
            Some(unit) => match keys.unit(unit) {
                Some(key) => Some(key),
                None => {
                    return fail("unit", TicketErrorKind::UnknownUnit { unit: unit.into() });
                }
            },
            None => None,
        };
        if event.at < self.received_at {
            return fail(
                "at",
                TicketErrorKind::EventBeforeReceived {
                    received_at: self.received_at,
                    at: event.at,
                },
            );
        }
        if let Some(previous) = self.last_at
            && event.at < previous
        {
            return fail(
                "at",
                TicketErrorKind::EventsOutOfOrder {
                    previous,
                    at: event.at,
                },
            );
        }
        if let Some((field, required)) = empty_text(&event) {
            return if required {
                fail(field, TicketErrorKind::MissingField)
            } else {
                fail(
                    field,
                    TicketErrorKind::MalformedValue {
                        value: String::new(),
                        expected: "a non-empty text (in files, an empty value is an absent one)"
                            .to_owned(),
                    },
                )
            };
        }
        if let Some(Err(e)) = event.body.amount().map(|a| a.check()) {
            let (value, reason) = match e {
                crate::Error::InvalidAmount { value, reason } => (value, reason),
                other => (String::new(), other.to_string()),
            };
            return fail("amount", TicketErrorKind::MalformedAmount { value, reason });
        }
        let event_type = event.body.event_type();
        if self.closed && !event_type.allowed_after_close() {
            return fail(
                "type",
                TicketErrorKind::EventAfterClose {
                    event_type: event_type.name().to_owned(),
                },
            );
        }
        if let Some(id) = event.event_id
            && let Some(first_index) = keys.seen(id, index)
        {
            return fail(
                "event_id",
                TicketErrorKind::DuplicateEventId {
                    event_id: id.to_owned(),
                    first_index,
                },
            );
        }
        self.apply(index, event.body, event.unit, key)?;
        self.last_at = Some(event.at);
        Ok(())
    }

    /// Linear search while a ticket has few units; a map beyond.
    const MANY_UNITS: usize = 16;

    fn find(&mut self, unit: K) -> Option<&mut Assignment<K>> {
        match &self.unit_index {
            Some(index) => {
                let i = *index.get(&unit)?;
                self.assignments.get_mut(i)
            }
            None => self.assignments.iter_mut().find(|a| a.unit == unit),
        }
    }

    fn add(&mut self, unit: K) {
        self.assignments.push(Assignment::open(unit));
        let position = self.assignments.len() - 1;
        match &mut self.unit_index {
            Some(index) => {
                index.insert(unit, position);
            }
            None if self.assignments.len() > Self::MANY_UNITS => {
                let index = self
                    .assignments
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.unit, i))
                    .collect();
                self.unit_index = Some(Box::new(index));
            }
            None => {}
        }
    }

    /// The assignment of `unit` (key `key`), which must be open.
    fn open_assignment(
        &mut self,
        index: usize,
        unit: &str,
        key: Option<K>,
    ) -> Result<&mut Assignment<K>, Violation> {
        let key = key.ok_or_else(|| missing_unit(index))?;
        match self.find(key) {
            None => Err(Violation::event(
                index,
                "unit",
                TicketErrorKind::EventBeforeDispatch { unit: unit.into() },
            )),
            Some(a) if a.ended => Err(Violation::event(
                index,
                "unit",
                TicketErrorKind::AssignmentEnded { unit: unit.into() },
            )),
            Some(a) => Ok(a),
        }
    }

    /// Applies `body`, naming `unit` (key `key`): every check comes before any change.
    fn apply(
        &mut self,
        index: usize,
        body: Body,
        unit: Option<&str>,
        key: Option<K>,
    ) -> Result<(), Violation> {
        let flow = |kind| Err(Violation::event(index, "type", kind));
        // Every type but `reviewed` and `reopened` names its unit (the reader requires it).
        let named = unit.unwrap_or_default();
        match body {
            Body::Dispatched(_) => {
                let key = key.ok_or_else(|| missing_unit(index))?;
                match self.find(key) {
                    Some(a) if !a.ended => {
                        return Err(Violation::event(
                            index,
                            "unit",
                            TicketErrorKind::AlreadyDispatched { unit: named.into() },
                        ));
                    }
                    Some(a) => *a = Assignment::open(key),
                    None => self.add(key),
                }
            }
            Body::Signed => {
                let a = self.open_assignment(index, named, key)?;
                if a.return_pending {
                    return flow(TicketErrorKind::SignAfterReturn { unit: named.into() });
                }
                let refusal = || TicketErrorKind::AlreadySigned { unit: named.into() };
                set(index, &mut a.signed, true, refusal)?;
            }
            Body::Returned => {
                let a = self.open_assignment(index, named, key)?;
                let refusal = || TicketErrorKind::ReturnPending { unit: named.into() };
                set(index, &mut a.return_pending, true, refusal)?;
            }
            Body::ReturnDecided(accepted) => {
                let a = self.open_assignment(index, named, key)?;
                let refusal = || TicketErrorKind::NoPendingReturn { unit: named.into() };
                set(index, &mut a.return_pending, false, refusal)?;
                a.ended = accepted;
            }
            Body::ExtensionRequested(_) => {
                let a = self.open_assignment(index, named, key)?;
                let refusal = || TicketErrorKind::ExtensionPending { unit: named.into() };
                set(index, &mut a.extension_pending, true, refusal)?;
            }
            Body::ExtensionDecided(..) => {
                let a = self.open_assignment(index, named, key)?;
                let refusal = || TicketErrorKind::NoPendingExtension { unit: named.into() };
                set(index, &mut a.extension_pending, false, refusal)?;
            }
            Body::Paused => {
                let a = self.open_assignment(index, named, key)?;
                let refusal = || TicketErrorKind::AlreadyPaused { unit: named.into() };
                set(index, &mut a.paused, true, refusal)?;
            }
            Body::Resumed => {
                let a = self.open_assignment(index, named, key)?;
                let refusal = || TicketErrorKind::NotPaused { unit: named.into() };
                set(index, &mut a.paused, false, refusal)?;
            }
            Body::Replied => {
                self.open_assignment(index, named, key)?.replied = true;
                self.any_reply = true;
            }
            Body::Contacted | Body::Urged | Body::Supervised => {
                self.open_assignment(index, named, key)?;
            }
            Body::Reviewed(_) => {
                let replied = match unit {
                    Some(unit) => self.open_assignment(index, unit, key)?.replied,
                    None => self.any_reply,
                };
                if !replied {
                    return flow(TicketErrorKind::ReviewWithoutReply);
                }
            }
            Body::Reopened => {
                if let Some(unit) = unit {
                    self.open_assignment(index, unit, key)?;
                }
                self.closed = false;
            }
            Body::CalledBack(satisfaction, _) => {
                if satisfaction.is_unsatisfied() {
                    self.unsatisfied_open = self.unsatisfied_open.saturating_add(1);
                }
            }
            Body::Closed => self.closed = true,
            Body::WrittenOff => {
                if self.unsatisfied_open == 0 {
                    return flow(TicketErrorKind::NothingToWriteOff);
                }
                self.unsatisfied_open -= 1;
            }
            Body::FlaggedDifficult => {}
        }
        Ok(())
    }
}

/// The first text field of `event` that is present but empty, and whether the event's type
/// requires it. The text forms (JSON, tables) read an empty value as an absent one, so a typed
/// event holding one (built in code, or decoded from snapshot bytes) would not survive being
/// written and read back.
fn empty_text(event: &EventParts<'_>) -> Option<(&'static str, bool)> {
    if event.unit == Some("") {
        let required = !matches!(event.body, Body::Reviewed(_) | Body::Reopened);
        return Some(("unit", required));
    }
    let reason = match event.body {
        Body::Returned | Body::Paused => Some((event.reason.unwrap_or_default(), true)),
        Body::Resumed => event.reason.map(|reason| (reason, false)),
        _ => None,
    };
    if let Some(("", required)) = reason {
        return Some(("reason", required));
    }
    if event.event_id == Some("") {
        return Some(("event_id", false));
    }
    None
}
