//! The real-time scoreboard (SPEC §8): a long-lived object that ingests events one at a time or
//! in batches and answers standings, scorecards with explanations, deadline statuses, period
//! warnings and sanctions at any `as_of`, without rescanning history.
//!
//! ```
//! use hotline_score::board::{Board, Ingest, TicketHeader};
//! use hotline_score::scheme::Scheme;
//! use hotline_score::ticket::{Event, EventBody, Kind};
//! use hotline_score::{Calendar, Instant, Policy, Role, Unit};
//!
//! let units = vec![Unit { id: "hubin".into(), group: "units".into(), name: "湖滨区".into() }];
//! let mut board = Board::builder()
//!     .calendar(Calendar::prc()?)
//!     .policy(Policy::henan()?)
//!     .scheme(Scheme::preset("three-rates")?)
//!     .units(units)
//!     .build()?;
//! let at = |s: &str| Instant::parse(s);
//! let header = TicketHeader::new("T1", Kind::Help, at("2026-03-02T09:00:00+08:00")?);
//! assert_eq!(board.register(header), Ingest::Accepted);
//! let dispatch = Event::new(
//!     at("2026-03-02T09:30:00+08:00")?,
//!     EventBody::Dispatched { unit: "hubin".into(), role: Role::Lead },
//! );
//! assert_eq!(board.ingest("T1", dispatch.clone()), Ingest::Accepted);
//! let standings = board.standings(at("2026-03-02T10:00:00+08:00")?)?;
//! assert_eq!(standings.groups[0].units[0].rank, 1);
//! # Ok::<(), hotline_score::Error>(())
//! ```
//!
//! How it stays fast and exact (details in `docs/semantics.md`, "Real-time board"):
//! - each ticket is evaluated once per accepted event, just after its last event; its contributions are
//!   split into **finished facts** (per-unit counters, updated by subtracting the ticket's old
//!   contribution and adding its new one) and **lapses**: changes that happen when a due instant
//!   passes, kept per period, unit and kind in sorted indexes, so "how many are due before
//!   `as_of`" is a binary search;
//! - running clocks are indexed by the instant they turn yellow, per unit, for deadline statuses;
//! - the rare tickets that cannot be decomposed (a paused clock without working time left before
//!   its due instant), and tickets with events after a query's `as_of`, are evaluated at query
//!   time, so every query is exact at any `as_of`;
//! - scoring reuses the scheme ([`Scheme::score`]); a group's scoring state is cached and, when
//!   some members' counters move, updated for the indicators and cells they change only.
//!
//! Ingestion is transactional per event, idempotent by `event_id`, and inserts late events in
//! time order; every outcome is an [`Ingest`].
//!
//! Tickets are found by id through a fast hash that is not keyed against deliberate collisions:
//! ticket ids are the hotline platform's own, not text chosen by the public.

mod builder;
mod card;
mod check;
mod checksum;
mod close;
mod codec;
mod index;
mod ingest;
mod keys;
mod latest;
mod live;
mod periods;
mod query;
mod record;
mod snapshot;
mod standings;
mod status;
mod warnings;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use builder::BoardBuilder;
pub use card::UnitReport;
pub use close::ClosedPeriod;
pub use ingest::{Batch, Ingest, Ingested, Input, TicketHeader};
pub use snapshot::SNAPSHOT_VERSION;
pub use standings::{GroupStandings, Standing, Standings};
pub use status::DeadlineStatus;

use crate::clocks::{Evaluator, FxHasher};
use crate::instant::Instant;
use crate::metrics::{Adjustment, DueAnchor};
use crate::scheme::{Scheme, Scores};
use crate::ticket::{KnownUnits, Ticket};
use crate::unit::{Unit, UnitId};
use builder::Fingerprint;
use check::TicketFlow;
use latest::LastEvents;
use periods::PeriodTable;
use record::{Record, Work};
use standings::StandingsCache;
use status::StatusIndex;

/// One ticket on the board: its header and log, and its current contributions.
#[derive(Debug, Clone)]
struct TicketState {
    ticket: Ticket,
    record: Record,
    /// Per event (parallel to the log), its id hash and unit key (see `keys`): duplicate
    /// checks and evaluation read this short vector instead of the events' strings.
    words: Vec<u64>,
    /// Whether the attributes mark a repeat (`clocks::is_repeat`; attributes never change).
    repeat: bool,
    /// The rules' state after the last event (see `check`).
    flow: TicketFlow,
}

impl TicketState {
    /// A ticket whose log was checked, `flow` the rules' state after its last event and
    /// `words` its events' words (`keys::words`).
    fn new(ticket: Ticket, flow: TicketFlow, words: Vec<u64>) -> Self {
        TicketState {
            repeat: crate::clocks::is_repeat(&ticket.attributes),
            ticket,
            record: Record::default(),
            words,
            flow,
        }
    }
}

/// External metrics of one period: per unit, by name.
type External = BTreeMap<UnitId, BTreeMap<String, Decimal>>;

/// Ticket index by id. Fx-hashed: ticket ids are assigned by the center's platform, not chosen
/// by callers, and SipHash cost about 2 % of an event's ingestion.
type TicketIds = HashMap<String, u32, std::hash::BuildHasherDefault<FxHasher>>;

/// The real-time scoreboard. Build it with [`Board::builder`]; see the module docs.
#[derive(Debug)]
pub struct Board {
    ev: Evaluator,
    scheme: Scheme,
    known: KnownUnits,
    due_anchor: DueAnchor,
    fingerprint: Fingerprint,
    /// Per scheme group (scheme order): member unit indexes sorted by unit id.
    groups: Vec<Vec<u32>>,
    tickets: Vec<TicketState>,
    by_id: TicketIds,
    /// Tickets by last event instant (those at or after a query's `as_of`).
    by_last: LastEvents,
    /// Tickets evaluated at query time.
    volatile: BTreeSet<u32>,
    periods: PeriodTable,
    status: StatusIndex,
    /// End of the last closed period: earlier events are refused.
    closed_through: Option<Instant>,
    /// Frozen results of the closed periods, oldest first.
    history: Vec<Scores>,
    /// External metrics per period `(start, end)`.
    external: BTreeMap<(i64, i64), External>,
    /// Manual adjustments per period `(start, end)`, in the order they were made.
    adjustments: BTreeMap<(i64, i64), Vec<Adjustment>>,
    /// The latest event instant ingested.
    latest: Option<Instant>,
    work: Work,
    cache: Mutex<StandingsCache>,
}

impl Clone for Board {
    fn clone(&self) -> Self {
        Board {
            ev: self.ev.clone(),
            scheme: self.scheme.clone(),
            known: self.known.clone(),
            due_anchor: self.due_anchor,
            fingerprint: self.fingerprint.clone(),
            groups: self.groups.clone(),
            tickets: self.tickets.clone(),
            by_id: self.by_id.clone(),
            by_last: self.by_last.clone(),
            volatile: self.volatile.clone(),
            periods: self.periods.clone(),
            status: self.status.clone(),
            closed_through: self.closed_through,
            history: self.history.clone(),
            external: self.external.clone(),
            adjustments: self.adjustments.clone(),
            latest: self.latest,
            work: Work::default(),
            cache: Mutex::default(),
        }
    }
}

/// Sizes of a board's state (for capacity planning; heap bytes are estimated from capacities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardStats {
    /// Tickets registered.
    pub tickets: usize,
    /// Tickets with a running clock (open assignments).
    pub open_tickets: usize,
    /// Events held.
    pub events: usize,
    /// Lapse entries in the period indexes.
    pub lapse_entries: usize,
    /// Running clocks in the deadline-status index.
    pub running_clocks: usize,
    /// Tickets evaluated at query time.
    pub volatile_tickets: usize,
    /// Estimated heap bytes of tickets, records and indexes.
    pub heap_bytes: usize,
}

impl Board {
    /// A builder.
    pub fn builder() -> BoardBuilder {
        BoardBuilder::default()
    }

    /// The units table.
    pub fn units(&self) -> &[Unit] {
        self.ev.units()
    }

    /// The scheme.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The evaluator (calendar, policy, units).
    pub fn evaluator(&self) -> &Evaluator {
        &self.ev
    }

    /// The period anchor of due-anchored counters.
    pub fn due_anchor(&self) -> DueAnchor {
        self.due_anchor
    }

    /// A ticket as the board holds it (header and events in time order).
    pub fn ticket(&self, id: &str) -> Option<&Ticket> {
        let i = *self.by_id.get(id)?;
        self.tickets.get(i as usize).map(|s| &s.ticket)
    }

    /// The index the next event of ticket `id` takes when it comes last: the events it holds
    /// (0 for a ticket not registered). What readers of events name as the event index.
    pub fn next_event_index(&self, id: &str) -> usize {
        self.ticket(id).map_or(0, |t| t.events.len())
    }

    /// The number of tickets held.
    pub fn ticket_count(&self) -> usize {
        self.tickets.len()
    }

    /// Every ticket, in registration order.
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.iter().map(|s| &s.ticket)
    }

    /// The latest event instant ingested.
    pub fn latest_event(&self) -> Option<Instant> {
        self.latest
    }

    /// End of the last closed period (events before it are refused).
    pub fn closed_through(&self) -> Option<Instant> {
        self.closed_through
    }

    /// Sizes of the state.
    pub fn stats(&self) -> BoardStats {
        let events: usize = self.tickets.iter().map(|t| t.ticket.events.len()).sum();
        let open_tickets = self
            .tickets
            .iter()
            .filter(|t| !t.record.running.is_empty() || !t.record.paused.is_empty())
            .count();
        let ticket_bytes: usize = self
            .tickets
            .iter()
            .map(|t| {
                std::mem::size_of::<TicketState>()
                    + t.record.heap_bytes()
                    + t.flow.heap_bytes()
                    + t.ticket.heap_bytes()
            })
            .sum();
        BoardStats {
            tickets: self.tickets.len(),
            open_tickets,
            events,
            lapse_entries: self.periods.lapse_entries(),
            running_clocks: self.status.len(),
            volatile_tickets: self.volatile.len(),
            heap_bytes: ticket_bytes
                + self.periods.heap_bytes()
                + self.status.heap_bytes()
                + self.by_id.capacity() * (std::mem::size_of::<(String, u32)>() + 16)
                + self.by_last.heap_bytes(),
        }
    }
}
