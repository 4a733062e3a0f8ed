//! Ingestion: registering tickets and adding events, one at a time or in batches.
//!
//! - A ticket is **created by registering its header** ([`TicketHeader`]: kind, urgency, channel,
//!   received_at, attributes), before its first event — in a batch, the [`Input::Ticket`] comes
//!   first. An event for an unknown ticket is refused ([`Error::BoardUnknownTicket`]); the
//!   header decides the ticket's limits, so the board never guesses it.
//! - **Transactional**: the event is inserted in time order, checked with the tickets module's
//!   rules (SPEC §3.2) — against the rules' state after the last event when it comes last, over
//!   the whole log when it is late — and the ticket evaluated; only then are the counters and the
//!   rules' state changed. A refused event leaves no trace.
//! - **Idempotent**: an event whose `event_id` the ticket already holds is a [`Ingest::Duplicate`]
//!   when identical and an [`Error::BoardEventConflict`] otherwise. Without an `event_id`, an event
//!   identical (instant, type and fields) to one already held without id is a duplicate.
//! - **Late events** (older than the ticket's last event) are inserted in order and the ticket is
//!   re-evaluated; they are refused only when the log they make is invalid, or when they fall in
//!   a closed period ([`Error::BoardPeriodClosed`]).
//! - **Together**: [`Board::ingest_together`] takes several events of a ticket as one
//!   transaction (a late return and its decision, each alone invalid); [`Board::ingest_batch`]
//!   tries the events the rules refused again at its end, each ticket's together.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::check::{self, TicketFlow};
use super::periods::TablePeriods;
use super::record;

use super::keys::{self, hash_of, id_hash, key_for, word};
use super::{Board, TicketState};
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::ticket::{Event, Kind, Ticket, Urgency};

/// What a ticket is, without its events: registered before (or with) its first event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketHeader {
    /// The ticket id.
    pub id: String,
    /// 咨询, 求助, 投诉, …
    pub kind: Kind,
    /// 一般 or 紧急.
    #[serde(default)]
    pub urgency: Urgency,
    /// `phone`, `web`, …
    #[serde(default)]
    pub channel: String,
    /// When the center registered it.
    pub received_at: Instant,
    /// Attributes for policy predicates and counters (`repeat`, district, …).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl TicketHeader {
    /// A normal-urgency header without channel or attributes.
    pub fn new(id: impl Into<String>, kind: Kind, received_at: Instant) -> Self {
        TicketHeader {
            id: id.into(),
            kind,
            urgency: Urgency::Normal,
            channel: String::new(),
            received_at,
            attributes: BTreeMap::new(),
        }
    }

    /// The header of `ticket`.
    pub fn of(ticket: &Ticket) -> Self {
        TicketHeader {
            id: ticket.id.clone(),
            kind: ticket.kind,
            urgency: ticket.urgency,
            channel: ticket.channel.clone(),
            received_at: ticket.received_at,
            attributes: ticket.attributes.clone(),
        }
    }

    /// The first field in which `ticket` differs from this header.
    fn differs(&self, ticket: &Ticket) -> Option<&'static str> {
        [
            ("kind", self.kind == ticket.kind),
            ("urgency", self.urgency == ticket.urgency),
            ("channel", self.channel == ticket.channel),
            ("received_at", self.received_at == ticket.received_at),
            ("attributes", self.attributes == ticket.attributes),
        ]
        .into_iter()
        .find(|(_, same)| !same)
        .map(|(f, _)| f)
    }
}

/// One item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// Registers a ticket.
    Ticket(TicketHeader),
    /// An event of a registered ticket.
    Event {
        /// The ticket.
        ticket_id: String,
        /// The event.
        event: Event,
    },
}

/// The outcome of one ingested item.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingest {
    /// Applied: the counters now include it.
    Accepted,
    /// Already held (same `event_id` and content, or the same header): nothing changed.
    Duplicate,
    /// Refused with the reason; nothing changed.
    Rejected(Error),
}

impl Ingest {
    fn from(r: Result<bool>) -> Self {
        match r {
            Ok(new) => Ingest::applied(new),
            Err(e) => Ingest::Rejected(e),
        }
    }

    /// `Accepted` when something was new, else `Duplicate`.
    fn applied(new: bool) -> Self {
        if new {
            Ingest::Accepted
        } else {
            Ingest::Duplicate
        }
    }
}

/// A batch gathered item by item from a caller's own format, where an item may fail to read
/// (a binding's dict without `kind`, a malformed JSON line): the items read go to
/// [`Board::ingest_batch`] together, and each outcome comes back to its item, the unread ones
/// keeping their own error.
///
/// ```
/// use hotline_score::board::{Batch, Board, Ingest, Input, TicketHeader};
/// use hotline_score::scheme::Scheme;
/// use hotline_score::ticket::{Event, EventBody, Kind};
/// use hotline_score::{Calendar, Instant, Policy, Role, Unit};
///
/// let units = vec![Unit { id: "hubin".into(), group: "units".into(), name: "湖滨区".into() }];
/// let mut board = Board::builder()
///     .calendar(Calendar::prc()?)
///     .policy(Policy::henan()?)
///     .scheme(Scheme::preset("three-rates")?)
///     .units(units)
///     .build()?;
/// let at = Instant::parse("2026-03-02T09:30:00+08:00")?;
/// let mut batch: Batch<String> = Batch::new();
/// batch.push(Ok(Input::Ticket(TicketHeader::new("T1", Kind::Help, at))));
/// // An event's index, for a reader's error messages: the events held plus those read.
/// assert_eq!(batch.next_event_index(&board, "T1"), 0);
/// let body = EventBody::Dispatched { unit: "hubin".into(), role: Role::Lead };
/// batch.push(Ok(Input::Event { ticket_id: "T1".into(), event: Event::new(at, body) }));
/// batch.push(Err("line 3: not JSON".into()));
/// let outcomes = batch.ingest(&mut board);
/// assert_eq!(outcomes[1], Ok(Ingest::Accepted));
/// assert_eq!(outcomes[2], Err("line 3: not JSON".to_owned()));
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug)]
pub struct Batch<E> {
    inputs: Vec<Input>,
    items: Vec<std::result::Result<(), E>>,
    /// Events gathered so far per ticket.
    events: std::collections::HashMap<String, usize>,
}

impl<E> Default for Batch<E> {
    fn default() -> Self {
        Batch {
            inputs: Vec::new(),
            items: Vec::new(),
            events: std::collections::HashMap::new(),
        }
    }
}

impl<E> Batch<E> {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index the next event of `ticket_id` takes when it comes last: the events `board`
    /// holds plus those gathered here (what a reader's errors name as the event index).
    pub fn next_event_index(&self, board: &Board, ticket_id: &str) -> usize {
        board.next_event_index(ticket_id) + self.events.get(ticket_id).copied().unwrap_or(0)
    }

    /// Adds the next item: read, or the error reading it.
    pub fn push(&mut self, item: std::result::Result<Input, E>) {
        let item = item.map(|input| {
            if let Input::Event { ticket_id, .. } = &input {
                *self.events.entry(ticket_id.clone()).or_default() += 1;
            }
            self.inputs.push(input);
        });
        self.items.push(item);
    }

    /// Ingests the items read with [`Board::ingest_batch`]: one outcome per item pushed, in
    /// order.
    pub fn ingest(self, board: &mut Board) -> Vec<std::result::Result<Ingest, E>> {
        let mut outcomes = board.ingest_batch(self.inputs).into_iter();
        self.items
            .into_iter()
            .map(|item| item.map(|()| outcomes.next().unwrap_or(Ingest::Duplicate)))
            .collect()
    }
}

/// What a bulk load ([`Board::ingest_tickets`]) did: how many items went in, how many were held
/// already, and every rejection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingested {
    /// Items applied.
    pub accepted: usize,
    /// Items already held.
    pub duplicate: usize,
    /// Every refusal, in the order of the items.
    pub rejected: Vec<Error>,
}

impl FromIterator<Ingest> for Ingested {
    fn from_iter<I: IntoIterator<Item = Ingest>>(outcomes: I) -> Self {
        let mut out = Ingested::default();
        for outcome in outcomes {
            match outcome {
                Ingest::Accepted => out.accepted = out.accepted.saturating_add(1),
                Ingest::Duplicate => out.duplicate = out.duplicate.saturating_add(1),
                Ingest::Rejected(e) => out.rejected.push(e),
            }
        }
        out
    }
}

/// Where a new event goes among held events of its instant.
#[derive(Clone, Copy)]
enum Ties {
    /// After them (arrival order).
    After,
    /// Before them (when after them breaks a rule).
    Before,
}

/// A refusal, and the events it refused (to try again with others).
struct Refused {
    error: Error,
    events: Vec<Event>,
}

impl Refused {
    fn new(error: Error, events: Vec<Event>) -> Self {
        Refused { error, events }
    }
}

/// Whether `event` is held already: by its `event_id` (a held id with other content is a
/// conflict), or, without one, as an identical event.
fn held(events: &[Event], words: &[u64], ticket_id: &str, event: &Event) -> Result<bool> {
    let Some(id) = &event.event_id else {
        return Ok(events.contains(event));
    };
    let hash = id_hash(Some(id));
    let found = words
        .iter()
        .zip(events)
        .enumerate()
        .find(|(_, (w, e))| hash_of(**w) == hash && e.event_id.as_ref() == Some(id));
    match found {
        None => Ok(false),
        Some((_, (_, e))) if e == event => Ok(true),
        Some((i, _)) => Err(Error::BoardEventConflict {
            ticket_id: ticket_id.to_owned(),
            event_id: id.clone(),
            event_index: i,
        }),
    }
}

impl Board {
    /// Registers a ticket's header: [`Ingest::Accepted`] when new, [`Ingest::Duplicate`] when the
    /// same header is already registered, [`Error::BoardTicketConflict`] when it differs.
    pub fn register(&mut self, header: TicketHeader) -> Ingest {
        Ingest::from(self.try_register(header))
    }

    fn try_register(&mut self, header: TicketHeader) -> Result<bool> {
        if let Some(i) = self.by_id.get(&header.id) {
            let held = self.tickets.get(*i as usize).map(|s| &s.ticket);
            return match held.and_then(|t| header.differs(t)) {
                None => Ok(false),
                Some(field) => Err(Error::BoardTicketConflict {
                    ticket_id: header.id,
                    field: field.to_owned(),
                }),
            };
        }
        let ticket = Ticket {
            id: header.id,
            kind: header.kind,
            urgency: header.urgency,
            channel: header.channel,
            received_at: header.received_at,
            attributes: header.attributes,
            events: Vec::new(),
        };
        ticket.validate(Some(&self.known))?;
        let index = u32::try_from(self.tickets.len()).map_err(|_| Error::BoardConfig {
            field: "tickets".into(),
            reason: "more than 2^32 tickets on one board".into(),
        })?;
        self.by_id.insert(ticket.id.clone(), index);
        let flow = TicketFlow::start(ticket.received_at);
        self.tickets
            .push(TicketState::new(ticket, flow, Vec::new()));
        Ok(true)
    }

    /// Ingests one event of a registered ticket (see the module docs for the rules).
    pub fn ingest(&mut self, ticket_id: &str, event: Event) -> Ingest {
        Ingest::from(self.try_insert(ticket_id, vec![event]).map_err(|r| r.error))
    }

    /// Ingests several events of one registered ticket as one transaction: each is inserted in
    /// time order and the log is checked once, so events that are only valid together go in —
    /// a late return and its decision arriving after a held sign-for, which each alone would
    /// break. [`Ingest::Accepted`] when any event was new, [`Ingest::Duplicate`] when all were
    /// held; on a rejection none is kept.
    pub fn ingest_together(&mut self, ticket_id: &str, events: Vec<Event>) -> Ingest {
        Ingest::from(self.try_insert(ticket_id, events).map_err(|r| r.error))
    }

    /// Inserts the events of `events` the ticket does not hold yet, checks and evaluates the
    /// ticket, and commits; on a refusal nothing changes and the new events are given back.
    ///
    /// A new event goes after the held events of its instant (arrival order breaks ties); when
    /// the log is then refused by a rule between events and a new event shares its instant with
    /// a held one, it is tried before them: an export written to the second that delivers
    /// `closed` before the `reviewed` of the same second could never take the review (after
    /// `closed`, `event_after_close`), which batch scoring of the export accepts.
    fn try_insert(&mut self, ticket_id: &str, events: Vec<Event>) -> Result<bool, Refused> {
        let refused = match self.try_insert_placed(ticket_id, events, Ties::After) {
            Ok(new) => return Ok(new),
            Err(refused) => refused,
        };
        let ties = self
            .by_id
            .get(ticket_id)
            .and_then(|&i| self.tickets.get(i as usize))
            .is_some_and(|s| {
                refused
                    .events
                    .iter()
                    .any(|e| s.ticket.events.iter().any(|h| h.at == e.at))
            });
        if !ties || !matches!(refused.error, Error::InvalidTicket { .. }) {
            return Err(refused);
        }
        let Refused { error, events } = refused;
        self.try_insert_placed(ticket_id, events, Ties::Before)
            .map_err(|again| Refused::new(error, again.events))
    }

    /// [`Board::try_insert`] with new events placed by `ties` among held events of their instant.
    fn try_insert_placed(
        &mut self,
        ticket_id: &str,
        events: Vec<Event>,
        ties: Ties,
    ) -> Result<bool, Refused> {
        let unknown = || Error::BoardUnknownTicket {
            ticket_id: ticket_id.to_owned(),
        };
        let Some(&index) = self.by_id.get(ticket_id) else {
            return Err(Refused::new(unknown(), events));
        };
        let Some(state) = self.tickets.get_mut(index as usize) else {
            return Err(Refused::new(unknown(), events));
        };
        // What the ticket holds already (or `events` repeat) is dropped; an event in a closed
        // period, or a held id with other content, refuses them all.
        let mut new: Vec<Event> = Vec::with_capacity(events.len());
        let mut rest = events.into_iter();
        while let Some(event) = rest.next() {
            let refusal = match held(&state.ticket.events, &state.words, ticket_id, &event) {
                Ok(true) => continue,
                Ok(false) if new.contains(&event) => continue,
                Ok(false) => match self.closed_through {
                    Some(ct) if event.at < ct => Some(Error::BoardPeriodClosed {
                        ticket_id: ticket_id.to_owned(),
                        event_index: state.ticket.events.len(),
                        at: event.at,
                        closed_through: ct,
                    }),
                    _ => None,
                },
                Err(e) => Some(e),
            };
            new.push(event);
            if let Some(error) = refusal {
                new.extend(rest);
                return Err(Refused::new(error, new));
            }
        }
        let Some(latest) = new.iter().map(|e| e.at).max() else {
            return Ok(false);
        };
        // One event at the end of the log is checked against the rules' state after the last
        // one (on a copy); otherwise the whole log is re-checked once the events are in.
        let events = &state.ticket.events;
        let appended = match (new.as_slice(), ties) {
            ([e], Ties::After) => events.last().is_none_or(|last| last.at <= e.at),
            ([e], Ties::Before) => events.last().is_none_or(|last| last.at < e.at),
            _ => false,
        };
        if appended {
            self.work.flow.clone_from(&state.flow);
            let first = new
                .first()
                .map(|e| check::append(&self.ev, ticket_id, &mut self.work.flow, events.len(), e));
            if let Some(Err(error)) = first {
                return Err(Refused::new(error, new));
            }
        }
        // Several new events are checked against each other's ids too (one is checked against
        // the held ones above).
        let several = new.len() > 1;
        let mut inserted = Vec::with_capacity(new.len());
        if let Ties::Before = ties {
            // Each goes before the events of its instant held so far: in reverse, the new
            // events of one instant keep their order.
            new.reverse();
        }
        for event in new {
            let pos = match ties {
                Ties::After => state.ticket.events.partition_point(|e| e.at <= event.at),
                Ties::Before => state.ticket.events.partition_point(|e| e.at < event.at),
            };
            // The event's word: keyed alone when it comes last, else the log is re-keyed.
            let key = if appended {
                key_for(&state.ticket.events, &state.words, event.body.unit())
            } else {
                crate::clocks::NO_UNIT
            };
            let hash = id_hash(event.event_id.as_deref());
            state.ticket.events.insert(pos, event);
            state.words.insert(pos, word(hash, key));
            inserted.push(pos);
        }
        let checked = if appended {
            Ok(())
        } else {
            keys::rekey(
                &self.ev,
                &mut self.work.converter,
                &state.ticket,
                &mut state.words,
            );
            check::replay(&self.ev, &state.ticket, several, &mut self.work.flow)
        };
        let built = checked.and_then(|()| {
            let eval_at = record::decompose_at(&state.ticket).unwrap_or(latest);
            record::build(
                &self.ev,
                self.due_anchor,
                &state.ticket,
                Some((&state.words, state.repeat)),
                eval_at,
                true,
                &mut self.work,
                &mut TablePeriods {
                    table: &mut self.periods,
                    scheme: &self.scheme,
                },
            )
        });
        if let Err(error) = built {
            // Out in the reverse order of insertion, which leaves the log as it was.
            let mut back = Vec::with_capacity(inserted.len());
            for pos in inserted.into_iter().rev() {
                back.push(state.ticket.events.remove(pos));
                state.words.remove(pos);
            }
            // In insertion order, which `Ties::Before` reversed: given back as they came.
            if let Ties::After = ties {
                back.reverse();
            }
            if !appended {
                keys::rekey(
                    &self.ev,
                    &mut self.work.converter,
                    &state.ticket,
                    &mut state.words,
                );
            }
            return Err(Refused::new(error, back));
        }
        std::mem::swap(&mut state.flow, &mut self.work.flow);
        self.commit(index);
        self.latest = Some(self.latest.map_or(latest, |l| l.max(latest)));
        Ok(true)
    }

    /// Replaces ticket `index`'s record by the one just built (`work.rec`), and updates every
    /// index that depends on it by the difference.
    pub(crate) fn commit(&mut self, index: u32) {
        let Some(state) = self.tickets.get_mut(index as usize) else {
            return;
        };
        let old = &state.record;
        let new = &self.work.rec;
        if old.volatile {
            self.volatile.remove(&index);
        }
        if new.volatile {
            self.volatile.insert(index);
        }
        let moved = (old.last != new.last).then_some((new.last, old.last.is_some()));
        self.periods.apply(index, old, new);
        self.status.apply(index, old, new);
        state.record.assign(new);
        if let Some((Some(last), had)) = moved {
            let tickets = &self.tickets;
            self.by_last.moved(index, last.millis(), had, |t| {
                tickets
                    .get(t as usize)
                    .and_then(|s| s.record.last)
                    .map(Instant::millis)
            });
        }
    }

    /// Ingests a batch in order; one outcome per item, each item its own transaction. Then the
    /// events the rules between events refused, and those of a ticket not registered yet, are
    /// tried again, a ticket's together ([`Board::ingest_together`]), once the rest of the batch
    /// is in: a batch can bring a ticket's events out of order (a sign-for before its dispatch,
    /// an event before its ticket's header), or a pair that is only valid together (a late
    /// return and its decision). Those accepted then are `Accepted`; the others are `Rejected`
    /// with the reason that holds at the batch's end (an event of a ticket registered since is
    /// refused for its own fault, not as `board_unknown_ticket`).
    ///
    /// The events after a header the batch refused (a ticket re-exported as 投诉 that the
    /// board holds as 求助: `board_ticket_conflict`) are refused with the header's error: they
    /// would be scored under the held header's limits.
    pub fn ingest_batch(&mut self, inputs: impl IntoIterator<Item = Input>) -> Vec<Ingest> {
        let mut out = Vec::new();
        // Per ticket: its refused items to try again (index in `out`, and the event).
        let mut again: Vec<(String, Vec<(usize, Event)>)> = Vec::new();
        let mut again_at: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        // The tickets whose header this batch refused, with the refusal.
        let mut refused_headers: std::collections::HashMap<String, Error> =
            std::collections::HashMap::new();
        for input in inputs {
            let outcome = match input {
                Input::Ticket(header) => {
                    let id = header.id.clone();
                    let outcome = self.register(header);
                    match &outcome {
                        Ingest::Rejected(error) => refused_headers.insert(id, error.clone()),
                        _ => refused_headers.remove(&id),
                    };
                    outcome
                }
                Input::Event { ticket_id, .. } if refused_headers.contains_key(&ticket_id) => {
                    let error = refused_headers.get(&ticket_id).cloned();
                    Ingest::Rejected(error.unwrap_or(Error::BoardUnknownTicket { ticket_id }))
                }
                Input::Event { ticket_id, event } => {
                    match self.try_insert(&ticket_id, vec![event]) {
                        Ok(new) => Ingest::applied(new),
                        Err(Refused { error, events }) => {
                            // Refused by the rules between events, or for a ticket whose
                            // header the batch may bring later.
                            if matches!(
                                error,
                                Error::InvalidTicket { .. } | Error::BoardUnknownTicket { .. }
                            ) {
                                let slot =
                                    *again_at.entry(ticket_id.clone()).or_insert_with(|| {
                                        again.push((ticket_id, Vec::new()));
                                        again.len() - 1
                                    });
                                if let Some((_, group)) = again.get_mut(slot) {
                                    group.extend(events.into_iter().map(|e| (out.len(), e)));
                                }
                            }
                            Ingest::Rejected(error)
                        }
                    }
                }
            };
            out.push(outcome);
        }
        for (ticket_id, group) in again {
            // Events refused before their ticket's header was refused are not tried again
            // into the ticket held under the old header either.
            if let Some(error) = refused_headers.get(&ticket_id) {
                for (i, _) in group {
                    if let Some(o) = out.get_mut(i) {
                        *o = Ingest::Rejected(error.clone());
                    }
                }
                continue;
            }
            self.try_again(&ticket_id, group, &mut out);
        }
        out
    }

    /// Tries a ticket's refused events again at a batch's end (`group`: each item's index in
    /// `out` and its event): all together first; failing that, one by one in time order (a
    /// header registered since takes the valid ones, and each refusal is the current one, not
    /// the first), then those still refused together once more.
    fn try_again(&mut self, ticket_id: &str, mut group: Vec<(usize, Event)>, out: &mut [Ingest]) {
        let mut set = |i: usize, outcome: Ingest| {
            if let Some(o) = out.get_mut(i) {
                *o = outcome;
            }
        };
        let events: Vec<Event> = group.iter().map(|(_, e)| e.clone()).collect();
        let fresh = self.fresh(ticket_id, &events);
        if self.try_insert(ticket_id, events).is_ok() {
            for ((i, _), new) in group.into_iter().zip(fresh) {
                set(i, Ingest::applied(new));
            }
            return;
        }
        group.sort_by_key(|(_, e)| e.at);
        let mut still = Vec::new();
        for (i, event) in group {
            match self.try_insert(ticket_id, vec![event.clone()]) {
                Ok(new) => set(i, Ingest::applied(new)),
                Err(Refused { error, .. }) => {
                    set(i, Ingest::Rejected(error));
                    still.push((i, event));
                }
            }
        }
        if still.len() > 1 {
            let events: Vec<Event> = still.iter().map(|(_, e)| e.clone()).collect();
            let fresh = self.fresh(ticket_id, &events);
            if self.try_insert(ticket_id, events).is_ok() {
                for ((i, _), new) in still.into_iter().zip(fresh) {
                    set(i, Ingest::applied(new));
                }
            }
        }
    }

    /// For each of `events` (tried together), whether it would be new: neither held by the
    /// ticket nor a repeat of an earlier one of them (a batch that sent an event twice before
    /// its dispatch reported both copies `Accepted`; the second is a `Duplicate`).
    fn fresh(&self, ticket_id: &str, events: &[Event]) -> Vec<bool> {
        let state = self
            .by_id
            .get(ticket_id)
            .and_then(|&i| self.tickets.get(i as usize));
        events
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let is_held = state.is_some_and(|s| {
                    held(&s.ticket.events, &s.words, ticket_id, e).unwrap_or(false)
                });
                !is_held && !events.iter().take(k).any(|earlier| earlier == e)
            })
            .collect()
    }

    /// Registers `ticket`'s header and ingests its events as a batch ([`Board::ingest_batch`]:
    /// events the rules refuse alone are tried again together); one outcome per item (the header
    /// first).
    pub fn ingest_ticket(&mut self, ticket: Ticket) -> Vec<Ingest> {
        let header = TicketHeader::of(&ticket);
        let events = ticket.events.into_iter().map(|event| Input::Event {
            ticket_id: ticket.id.clone(),
            event,
        });
        self.ingest_batch(std::iter::once(Input::Ticket(header)).chain(events))
    }

    /// Ingests whole tickets (a quarter's export loaded into a fresh board, say), each as
    /// [`Board::ingest_ticket`] does.
    pub fn ingest_tickets<'t>(
        &mut self,
        tickets: impl IntoIterator<Item = &'t Ticket>,
    ) -> Ingested {
        tickets
            .into_iter()
            .flat_map(|t| self.ingest_ticket(t.clone()))
            .collect()
    }
}
