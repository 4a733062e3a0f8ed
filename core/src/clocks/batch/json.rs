//! A batch's tickets as JSON, written straight from the batch: the exact text of the owned
//! tickets' serde, without reading them back.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};

use super::{Meta, TicketBatch};

static NO_ATTRIBUTES: BTreeMap<String, String> = BTreeMap::new();

/// Tickets of a batch, serialized as the array of their owned [`Ticket`](crate::ticket::Ticket)s
/// would be ([`TicketBatch::json`]).
#[derive(Debug, Clone)]
pub struct BatchJson<'a> {
    batch: &'a TicketBatch,
    range: Range<usize>,
}

impl TicketBatch {
    /// Tickets `range` (clamped to the batch) as a value that serializes exactly as the owned
    /// tickets would: `serde_json::to_string(&batch.json(..))` is the text of
    /// `serde_json::to_string(&tickets)`, with no ticket read back.
    ///
    /// ```
    /// use hotline_score::clocks::TicketBatch;
    /// use hotline_score::synthetic::{CityConfig, CityGenerator};
    /// let generator = CityGenerator::new(&CityConfig { days: 1, tickets_per_day: 5, ..CityConfig::default() })?;
    /// let tickets: Vec<_> = generator.tickets().collect();
    /// let batch = TicketBatch::from_tickets(&tickets);
    /// assert_eq!(
    ///     serde_json::to_string(&batch.json(1..3)).unwrap(),
    ///     serde_json::to_string(&tickets[1..3]).unwrap(),
    /// );
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn json(&self, range: Range<usize>) -> BatchJson<'_> {
        let end = range.end.min(self.len());
        BatchJson {
            batch: self,
            range: range.start.min(end)..end,
        }
    }
}

impl Serialize for BatchJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let metas = self
            .batch
            .tickets
            .get(self.range.clone())
            .unwrap_or_default();
        let ids = self.batch.ids.get(self.range.clone()).unwrap_or_default();
        let mut seq = s.serialize_seq(Some(metas.len()))?;
        for (meta, id) in metas.iter().zip(ids) {
            seq.serialize_element(&TicketJson {
                batch: self.batch,
                meta,
                id,
            })?;
        }
        seq.end()
    }
}

/// One ticket of a batch, serialized as its owned `Ticket` (the derived serde's fields, in
/// order).
struct TicketJson<'a> {
    batch: &'a TicketBatch,
    meta: &'a Meta,
    id: &'a str,
}

impl Serialize for TicketJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (b, m) = (self.batch, self.meta);
        let mut t = s.serialize_struct("Ticket", 7)?;
        t.serialize_field("id", self.id)?;
        t.serialize_field("kind", &m.kind)?;
        t.serialize_field("urgency", &m.urgency)?;
        let channel = b.channels.get(m.channel as usize);
        t.serialize_field("channel", channel.map_or("", String::as_str))?;
        t.serialize_field("received_at", &m.received_at)?;
        let attributes = b.attribute_sets.get(m.attributes as usize);
        t.serialize_field("attributes", attributes.unwrap_or(&NO_ATTRIBUTES))?;
        t.serialize_field("events", &EventsJson(self))?;
        t.end()
    }
}

/// A batch ticket's events, as the array of its owned `Event`s.
struct EventsJson<'a, 'b>(&'b TicketJson<'a>);

impl Serialize for EventsJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (b, m) = (self.0.batch, self.0.meta);
        let events = b.events.get(m.start..m.end).unwrap_or_default();
        let texts = b.event_texts.get(m.start..m.end).unwrap_or_default();
        let mut seq = s.serialize_seq(Some(events.len()))?;
        for (e, (reason, event_id)) in events.iter().zip(texts) {
            seq.serialize_element(&b.event_parts(e, *reason, *event_id))?;
        }
        seq.end()
    }
}
