//! A validated set of tickets in either form, the other form built on first use.

use std::ops::Range;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

use crate::clocks::{BatchJson, TicketBatch};
use crate::ticket::Ticket;

/// Validated tickets, read-only and shareable across threads, in two forms: owned [`Ticket`]s
/// (what explanations, warnings and exports walk) and a compact [`TicketBatch`] (what
/// aggregation runs on). The set is built in one form; the other is built on first use and
/// kept, so a big export loaded with
/// [`Assembler::finish_batch`](crate::ticket::Assembler::finish_batch) and only scored never
/// holds owned tickets.
///
/// ```
/// use hotline_score::ticket::TicketSet;
/// use hotline_score::synthetic::{CityConfig, CityGenerator};
/// let generator = CityGenerator::new(&CityConfig { days: 2, tickets_per_day: 20, ..CityConfig::default() })?;
/// let set = TicketSet::from_tickets(generator.tickets().collect());
/// assert_eq!(set.batch().len(), set.len());
/// assert_eq!(set.batch().ticket(0).as_ref(), set.tickets().first());
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct TicketSet {
    owned: OnceLock<Vec<Ticket>>,
    batch: OnceLock<TicketBatch>,
}

impl TicketSet {
    /// A set of owned tickets (assumed valid: see [`load_tickets`](crate::ticket::load_tickets)).
    pub fn from_tickets(tickets: Vec<Ticket>) -> Self {
        TicketSet {
            owned: OnceLock::from(tickets),
            batch: OnceLock::new(),
        }
    }

    /// A set of tickets in compact form.
    pub fn from_batch(batch: TicketBatch) -> Self {
        TicketSet {
            owned: OnceLock::new(),
            batch: OnceLock::from(batch),
        }
    }

    /// The tickets, owned (read back from the batch on first use if the set was built from one).
    pub fn tickets(&self) -> &[Ticket] {
        self.owned.get_or_init(|| {
            self.batch
                .get()
                .map(|b| b.tickets().collect())
                .unwrap_or_default()
        })
    }

    /// The tickets in compact form (built on first use if the set was built from owned tickets).
    pub fn batch(&self) -> &TicketBatch {
        self.batch.get_or_init(|| {
            self.owned
                .get()
                .map(TicketBatch::from_tickets)
                .unwrap_or_default()
        })
    }

    /// Number of tickets.
    pub fn len(&self) -> usize {
        self.held().len()
    }

    /// Whether the set holds no ticket.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Estimated heap bytes of the forms built so far (the other form, built on first use, adds
    /// to it): O(tickets).
    pub fn heap_bytes(&self) -> usize {
        let owned = self.owned.get().map_or(0, |t| {
            t.capacity() * std::mem::size_of::<Ticket>()
                + t.iter().map(Ticket::heap_bytes).sum::<usize>()
        });
        owned + self.batch.get().map_or(0, TicketBatch::heap_bytes)
    }

    /// Number of events over all tickets.
    pub fn event_count(&self) -> usize {
        match self.held() {
            TicketsRef::Owned(t) => t.iter().map(|t| t.events.len()).sum(),
            TicketsRef::Batch(b) => b.event_count(),
        }
    }

    /// The tickets in a form the set holds already, the batch first (its views are read in
    /// place, the faster walk): walks that read either form build nothing.
    pub fn held(&self) -> TicketsRef<'_> {
        match (self.batch.get(), self.owned.get()) {
            (Some(b), _) => TicketsRef::Batch(b),
            (None, Some(t)) => TicketsRef::Owned(t),
            (None, None) => TicketsRef::Batch(self.batch()),
        }
    }

    /// Tickets `range` (clamped) as a value that serializes exactly as the owned tickets do,
    /// from the form [`TicketSet::held`] gives (so a set built from a batch writes its JSON
    /// without building owned tickets).
    pub fn json(&self, range: Range<usize>) -> TicketsJson<'_> {
        match self.held() {
            TicketsRef::Owned(t) => {
                let end = range.end.min(t.len());
                TicketsJson::Owned(t.get(range.start.min(end)..end).unwrap_or_default())
            }
            TicketsRef::Batch(b) => TicketsJson::Batch(b.json(range)),
        }
    }

    /// The ticket ids, in order.
    pub fn ids(&self) -> Vec<&str> {
        match self.held() {
            TicketsRef::Owned(t) => t.iter().map(|t| t.id.as_str()).collect(),
            TicketsRef::Batch(b) => (0..b.len()).filter_map(|i| b.ticket_id(i)).collect(),
        }
    }
}

/// Tickets in either of a [`TicketSet`]'s forms, for the walks that read both (every
/// assignment's evaluation, a unit's contributions, open assignments, period warnings): owned
/// tickets, or a compact batch.
#[derive(Debug, Clone, Copy)]
pub enum TicketsRef<'a> {
    /// Owned tickets.
    Owned(&'a [Ticket]),
    /// A compact batch.
    Batch(&'a TicketBatch),
}

impl<'a> TicketsRef<'a> {
    /// Number of tickets.
    pub fn len(&self) -> usize {
        match self {
            TicketsRef::Owned(tickets) => tickets.len(),
            TicketsRef::Batch(batch) => batch.len(),
        }
    }

    /// Whether there are no tickets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id of ticket `index`.
    pub fn ticket_id(&self, index: usize) -> Option<&'a str> {
        match self {
            TicketsRef::Owned(tickets) => tickets.get(index).map(|t| t.id.as_str()),
            TicketsRef::Batch(batch) => batch.ticket_id(index),
        }
    }
}

impl<'a> From<&'a [Ticket]> for TicketsRef<'a> {
    fn from(tickets: &'a [Ticket]) -> Self {
        TicketsRef::Owned(tickets)
    }
}

impl<'a> From<&'a Vec<Ticket>> for TicketsRef<'a> {
    fn from(tickets: &'a Vec<Ticket>) -> Self {
        TicketsRef::Owned(tickets)
    }
}

impl<'a> From<&'a TicketBatch> for TicketsRef<'a> {
    fn from(batch: &'a TicketBatch) -> Self {
        TicketsRef::Batch(batch)
    }
}

/// Every ticket, as [`TicketSet::json`] writes them.
impl Serialize for TicketSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json(0..self.len()).serialize(s)
    }
}

/// Tickets of a [`TicketSet`] in whichever form it holds, serialized as the array of owned
/// tickets ([`TicketSet::json`]).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum TicketsJson<'a> {
    /// Owned tickets.
    Owned(&'a [Ticket]),
    /// A compact batch's tickets.
    Batch(BatchJson<'a>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{CityConfig, CityGenerator};

    #[test]
    fn heap_bytes_grow_with_the_tickets_and_the_forms_built() {
        let tickets = |days| {
            let config = CityConfig {
                days,
                tickets_per_day: 30,
                ..CityConfig::default()
            };
            CityGenerator::new(&config)
                .unwrap()
                .tickets()
                .collect::<Vec<Ticket>>()
        };
        let (small, big) = (tickets(2), tickets(20));
        let events: usize = big.iter().map(|t| t.events.len()).sum();
        let small = TicketSet::from_tickets(small);
        let big = TicketSet::from_tickets(big);
        let owned = big.heap_bytes();
        // At least the events and the tickets themselves.
        assert!(
            owned >= events * std::mem::size_of::<crate::ticket::Event>(),
            "{owned}"
        );
        assert!(small.heap_bytes() * 5 < owned);
        big.batch();
        let both = big.heap_bytes();
        assert!(both > owned);
        let batch = TicketSet::from_batch(TicketBatch::from_tickets(big.tickets()));
        assert_eq!(both - owned, batch.heap_bytes());
        assert!(batch.heap_bytes() < owned, "the compact form is smaller");
    }

    #[test]
    fn both_forms_agree_whichever_comes_first() {
        let config = CityConfig {
            days: 3,
            tickets_per_day: 30,
            ..CityConfig::default()
        };
        let tickets: Vec<Ticket> = CityGenerator::new(&config).unwrap().tickets().collect();
        let from_batch = TicketSet::from_batch(TicketBatch::from_tickets(&tickets));
        assert_eq!(from_batch.len(), tickets.len());
        assert_eq!(
            from_batch.event_count(),
            tickets.iter().map(|t| t.events.len()).sum::<usize>()
        );
        let ids: Vec<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(from_batch.ids(), ids);
        // JSON from the batch, without building owned tickets: the owned tickets' text.
        let text = serde_json::to_string(&tickets).unwrap();
        assert_eq!(serde_json::to_string(&from_batch).unwrap(), text);
        assert!(from_batch.owned.get().is_none());
        let owned = TicketSet::from_tickets(tickets.clone());
        assert!(matches!(owned.held(), TicketsRef::Owned(_)));
        assert_eq!(serde_json::to_string(&owned).unwrap(), text);
        // Once built, the batch is the form walks read; the JSON is the same.
        let _ = owned.batch();
        assert!(matches!(owned.held(), TicketsRef::Batch(_)));
        assert_eq!(serde_json::to_string(&owned).unwrap(), text);
        assert_eq!(
            serde_json::to_string(&owned.json(2..5)).unwrap(),
            serde_json::to_string(&from_batch.json(2..5)).unwrap()
        );
        assert_eq!(from_batch.tickets(), tickets.as_slice());
        let from_owned = TicketSet::from_tickets(tickets.clone());
        assert_eq!(from_owned.batch().len(), tickets.len());
        assert_eq!(from_owned.ids(), ids);
        assert!(TicketSet::default().is_empty());
        assert!(TicketSet::default().tickets().is_empty());
    }
}
