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
            Ok(true) => Ingest::Accepted,
            Ok(false) => Ingest::Duplicate,
            Err(e) => Ingest::Rejected(e),
        }
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
        Ingest::from(self.try_ingest(ticket_id, event))
    }

    fn try_ingest(&mut self, ticket_id: &str, event: Event) -> Result<bool> {
        let index = *self
            .by_id
            .get(ticket_id)
            .ok_or_else(|| Error::BoardUnknownTicket {
                ticket_id: ticket_id.to_owned(),
            })?;
        let state =
            self.tickets
                .get_mut(index as usize)
                .ok_or_else(|| Error::BoardUnknownTicket {
                    ticket_id: ticket_id.to_owned(),
                })?;
        let events = &state.ticket.events;
        let hash = id_hash(event.event_id.as_deref());
        match &event.event_id {
            Some(id) => {
                let held = state
                    .words
                    .iter()
                    .zip(events.iter())
                    .enumerate()
                    .find(|(_, (w, e))| hash_of(**w) == hash && e.event_id.as_ref() == Some(id));
                if let Some((i, (_, held))) = held {
                    return if *held == event {
                        Ok(false)
                    } else {
                        Err(Error::BoardEventConflict {
                            ticket_id: ticket_id.to_owned(),
                            event_id: id.clone(),
                            event_index: i,
                        })
                    };
                }
            }
            None => {
                if events.contains(&event) {
                    return Ok(false);
                }
            }
        }
        if let Some(ct) = self.closed_through
            && event.at < ct
        {
            return Err(Error::BoardPeriodClosed {
                ticket_id: ticket_id.to_owned(),
                event_index: events.len(),
                at: event.at,
                closed_through: ct,
            });
        }
        // An event at the end of the log is checked against the rules' state after the last
        // one (on a copy); a late one re-checks the whole log once inserted.
        let at = event.at;
        let pos = events.partition_point(|e| e.at <= at);
        let late = pos < events.len();
        if !late {
            self.work.flow.clone_from(&state.flow);
            check::append(&self.ev, ticket_id, &mut self.work.flow, pos, &event)?;
        }
        // The event's word: keyed alone when it comes last, else the log is re-keyed.
        let key = if late {
            crate::clocks::NO_UNIT
        } else {
            key_for(events, &state.words, event.body.unit())
        };
        state.ticket.events.insert(pos, event);
        state.words.insert(pos, word(hash, key));
        let checked = if late {
            keys::rekey(
                &self.ev,
                &mut self.work.converter,
                &state.ticket,
                &mut state.words,
            );
            check::replay(&self.ev, &state.ticket, false, &mut self.work.flow)
        } else {
            Ok(())
        };
        let built = checked.and_then(|()| {
            let eval_at = record::decompose_at(&state.ticket).unwrap_or(at);
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
        if let Err(e) = built {
            state.ticket.events.remove(pos);
            state.words.remove(pos);
            if late {
                keys::rekey(
                    &self.ev,
                    &mut self.work.converter,
                    &state.ticket,
                    &mut state.words,
                );
            }
            return Err(e);
        }
        std::mem::swap(&mut state.flow, &mut self.work.flow);
        self.commit(index);
        self.latest = Some(self.latest.map_or(at, |l| l.max(at)));
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

    /// Ingests a batch in order; one outcome per item. Each item is its own transaction.
    pub fn ingest_batch(&mut self, inputs: impl IntoIterator<Item = Input>) -> Vec<Ingest> {
        inputs
            .into_iter()
            .map(|input| match input {
                Input::Ticket(header) => self.register(header),
                Input::Event { ticket_id, event } => self.ingest(&ticket_id, event),
            })
            .collect()
    }

    /// Registers `ticket`'s header and ingests its events in order; one outcome per item (the
    /// header first).
    pub fn ingest_ticket(&mut self, ticket: Ticket) -> Vec<Ingest> {
        let header = TicketHeader::of(&ticket);
        let id = ticket.id.clone();
        let mut out = Vec::with_capacity(ticket.events.len().saturating_add(1));
        out.push(self.register(header));
        for e in ticket.events {
            out.push(self.ingest(&id, e));
        }
        out
    }
}
