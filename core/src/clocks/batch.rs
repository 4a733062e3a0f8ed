//! A batch of tickets in compact, contiguous form: the fast path for evaluating many tickets.
//!
//! Units, channels and attribute sets are interned; each event is a small `Copy` record in one
//! vector; the few free-text cells (reasons, event ids) sit in a side table. Nothing is lost: every
//! ticket can be read back ([`TicketBatch::ticket`]). Build it once (from tickets, or straight from
//! table rows with [`Assembler::finish_batch`](crate::ticket::Assembler::finish_batch)) and
//! evaluate it for any number of periods and `as_of`s.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hash};
use std::ops::Range;

use crate::instant::Instant;
use crate::ticket::{Event, EventParts, Kind, Ticket, TicketHead, Urgency};
use crate::unit::UnitId;

use super::context::{Evaluator, FxHasher};
use super::texts::Texts;
use super::view::{Body, CEvent, NO_UNIT, TicketView, UnitNames, repeat_value};

mod json;
mod rows;

pub use json::BatchJson;

/// Room reserved for free text per event ([`TicketBatch::reserve_events`]): an event id of a
/// typical platform export (`SMX2026010100001-03` is 19 bytes) with some slack.
const TEXT_BYTES_PER_EVENT: usize = 24;

/// Keys (unit ids, channels, attribute sets) to their index.
type Interner<K = String> = HashMap<K, u32, BuildHasherDefault<FxHasher>>;

#[derive(Debug, Clone)]
struct Meta {
    received_at: Instant,
    start: usize,
    end: usize,
    kind: Kind,
    urgency: Urgency,
    channel: u32,
    attributes: u32,
    repeat: bool,
}

/// A ticket's own fields, its strings interned in a batch ([`TicketBatch::header`]).
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub id: String,
    received_at: Instant,
    kind: Kind,
    urgency: Urgency,
    channel: u32,
    attributes: u32,
    repeat: bool,
}

impl Header {
    /// When the ticket was received.
    pub(crate) fn received_at(&self) -> Instant {
        self.received_at
    }
}

/// Tickets in compact form (see the module docs).
///
/// ```
/// use hotline_score::clocks::TicketBatch;
/// use hotline_score::synthetic::{CityConfig, CityGenerator};
/// let generator = CityGenerator::new(&CityConfig { days: 2, tickets_per_day: 20, ..CityConfig::default() })?;
/// let mut batch = TicketBatch::new();
/// for t in generator.tickets() {
///     batch.push(&t);
/// }
/// assert_eq!(batch.len() as u64, generator.len());
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct TicketBatch {
    units: Vec<UnitId>,
    unit_index: Interner,
    /// The unit interned last ([`TicketBatch::intern_unit`]).
    last_unit: u32,
    channels: Vec<String>,
    channel_index: Interner,
    attribute_sets: Vec<BTreeMap<String, String>>,
    /// Attribute sets by their byte key ([`TicketBatch::intern_attributes`]).
    attribute_index: Interner<Vec<u8>>,
    /// The buffer attribute-set keys are built in.
    attribute_key: Vec<u8>,
    ids: Vec<String>,
    tickets: Vec<Meta>,
    events: Vec<CEvent>,
    /// Per event: its reason and event id, indices into `texts` ([`NO_TEXT`] for none).
    event_texts: Vec<(u32, u32)>,
    texts: Texts,
}

/// The content only: the lookup caches (`last_unit`, `attribute_key`) depend on the order of
/// past lookups, not on what the batch holds.
impl fmt::Debug for TicketBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketBatch")
            .field("units", &self.units)
            .field("unit_index", &self.unit_index)
            .field("channels", &self.channels)
            .field("channel_index", &self.channel_index)
            .field("attribute_sets", &self.attribute_sets)
            .field("attribute_index", &self.attribute_index)
            .field("ids", &self.ids)
            .field("tickets", &self.tickets)
            .field("events", &self.events)
            .field("event_texts", &self.event_texts)
            .field("texts", &self.texts)
            .finish_non_exhaustive()
    }
}

impl TicketBatch {
    /// An empty batch.
    pub fn new() -> Self {
        TicketBatch::default()
    }

    /// Makes room for `tickets` more tickets and `events` more events.
    pub(crate) fn reserve(&mut self, tickets: usize, events: usize) {
        self.ids.reserve(tickets);
        self.tickets.reserve(tickets);
        self.reserve_events(events);
    }

    /// Makes room for `events` more events and their free texts: two strings each at most (a
    /// reason and an event id), an event id of up to [`TEXT_BYTES_PER_EVENT`] bytes each. Room
    /// never written is never touched, while growing past the room copies what was written.
    pub(crate) fn reserve_events(&mut self, events: usize) {
        self.events.reserve(events);
        self.event_texts.reserve(events);
        self.texts.reserve(
            events.saturating_mul(2),
            events.saturating_mul(TEXT_BYTES_PER_EVENT),
        );
    }

    /// A batch of `tickets`, in order.
    pub fn from_tickets<'a>(tickets: impl IntoIterator<Item = &'a Ticket>) -> Self {
        let mut b = TicketBatch::new();
        for t in tickets {
            b.push(t);
        }
        b
    }

    /// Appends a ticket (assumed valid: see `Ticket::validate`).
    pub fn push(&mut self, ticket: &Ticket) {
        let header = self.header(ticket);
        let start = self.events.len();
        for e in &ticket.events {
            let unit = e
                .body
                .unit()
                .map_or(NO_UNIT, |u| self.intern_unit(u.as_str()));
            let reason = self.push_text(e.body.reason());
            let event_id = self.push_text(e.event_id.as_deref());
            let event = CEvent {
                at: e.at,
                unit,
                body: Body::of(&e.body),
            };
            self.push_event(event, reason, event_id);
        }
        self.end_ticket(header, start);
    }

    /// The key of `unit` in this batch (interned on first use). A ticket's events mostly name
    /// the unit of the event before, so that unit is compared before any hashing.
    pub(crate) fn intern_unit(&mut self, unit: &str) -> u32 {
        if let Some(last) = self.units.get(self.last_unit as usize)
            && last.as_str() == unit
        {
            return self.last_unit;
        }
        let units = &mut self.units;
        let key = intern(&mut self.unit_index, unit, || {
            units.push(UnitId::from(unit))
        });
        self.last_unit = key;
        key
    }

    /// Takes the free texts of `other` (a batch that holds no tickets yet: a parallel reader's
    /// strings) into this one; returns the map from `other`'s text indices to this batch's.
    pub(crate) fn absorb_texts(&mut self, other: &TicketBatch) -> impl Fn(u32) -> u32 + use<> {
        self.texts.append(&other.texts)
    }

    /// The name of unit key `key`.
    pub(crate) fn unit_name(&self, key: u32) -> Option<&str> {
        self.units.get(key as usize).map(UnitId::as_str)
    }

    /// The typed event of compact event `e` with its free texts (indices from
    /// [`TicketBatch::push_text`]; [`NO_TEXT`] for none).
    pub(crate) fn event(&self, e: &CEvent, reason: u32, event_id: u32) -> Event {
        self.event_parts(e, reason, event_id).to_event()
    }

    /// The parts of compact event `e` with its free texts, borrowed from this batch.
    pub(crate) fn event_parts(&self, e: &CEvent, reason: u32, event_id: u32) -> EventParts<'_> {
        EventParts {
            at: e.at,
            body: e.body,
            unit: self.unit_name(e.unit),
            reason: self.text(reason),
            event_id: self.text(event_id),
        }
    }

    /// Stores a free text (reason, event id): its index, or [`NO_TEXT`] for none.
    pub(crate) fn push_text(&mut self, text: Option<&str>) -> u32 {
        self.texts.push(text)
    }

    /// The free text at `index`.
    pub(crate) fn text(&self, index: u32) -> Option<&str> {
        self.texts.get(index)
    }

    /// `ticket`'s own fields, its channel and attributes interned here.
    pub(crate) fn header(&mut self, ticket: &Ticket) -> Header {
        let head = TicketHead {
            kind: ticket.kind,
            urgency: ticket.urgency,
            received_at: ticket.received_at,
        };
        let attributes = ticket.attributes.iter();
        self.header_of(
            ticket.id.clone(),
            head,
            &ticket.channel,
            attributes.map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// The header of a ticket read from cells: `attributes` are `(name, value)` pairs in
    /// ascending name order, each name once.
    pub(crate) fn header_of<'a>(
        &mut self,
        id: String,
        head: TicketHead,
        channel: &str,
        attributes: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Header {
        let channel = self.intern_channel(channel);
        let repeat = attributes
            .clone()
            .find(|(name, _)| *name == "repeat")
            .is_some_and(|(_, v)| repeat_value(v));
        Header {
            id,
            received_at: head.received_at,
            kind: head.kind,
            urgency: head.urgency,
            channel,
            attributes: self.intern_attributes(attributes),
            repeat,
        }
    }

    /// The key of channel `name` in this batch, added if new.
    fn intern_channel(&mut self, name: &str) -> u32 {
        let channels = &mut self.channels;
        intern(&mut self.channel_index, name, || {
            channels.push(name.to_owned())
        })
    }

    /// The key of an attribute set (pairs in name order) in this batch, added if new. Sets are
    /// looked up by an unambiguous byte key (each name and value prefixed with its length) built
    /// in a buffer kept for it, so a known set costs no allocation.
    fn intern_attributes<'a>(
        &mut self,
        attributes: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) -> u32 {
        let mut key = std::mem::take(&mut self.attribute_key);
        key.clear();
        for (name, value) in attributes.clone() {
            for text in [name, value] {
                key.extend_from_slice(&(text.len() as u64).to_le_bytes());
                key.extend_from_slice(text.as_bytes());
            }
        }
        let sets = &mut self.attribute_sets;
        let i = intern(&mut self.attribute_index, key.as_slice(), || {
            sets.push(
                attributes
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            );
        });
        self.attribute_key = key;
        i
    }

    /// `header`, read into `from` (a batch that only interned its strings), with its channel and
    /// attribute set interned here instead; `adopted` maps `from`'s keys to this batch's as they
    /// are met, so the keys are given out in the order kept tickets first use them.
    pub(crate) fn adopt_header(
        &mut self,
        mut header: Header,
        from: &TicketBatch,
        adopted: &mut Adopted,
    ) -> Header {
        header.channel = adopt(&mut adopted.channels, header.channel, || {
            let name = from.channels.get(header.channel as usize);
            self.intern_channel(name.map_or("", String::as_str))
        });
        header.attributes = adopt(&mut adopted.attributes, header.attributes, || {
            let set = from.attribute_sets.get(header.attributes as usize);
            let pairs = set.into_iter().flatten();
            self.intern_attributes(pairs.map(|(n, v)| (n.as_str(), v.as_str())))
        });
        header
    }

    /// The owned ticket of `header` (interned here) and `events`.
    pub(crate) fn owned(&self, header: Header, events: Vec<Event>) -> Ticket {
        Ticket {
            id: header.id,
            kind: header.kind,
            urgency: header.urgency,
            channel: self
                .channels
                .get(header.channel as usize)
                .cloned()
                .unwrap_or_default(),
            received_at: header.received_at,
            attributes: self
                .attribute_sets
                .get(header.attributes as usize)
                .cloned()
                .unwrap_or_default(),
            events,
        }
    }

    /// Appends one event of the ticket being pushed (`reason`, `event_id` from
    /// [`TicketBatch::push_text`]).
    pub(crate) fn push_event(&mut self, event: CEvent, reason: u32, event_id: u32) {
        self.event_texts.push((reason, event_id));
        self.events.push(event);
    }

    /// Every ticket of this batch names its events by position in `events` and `texts` (staging
    /// columns, not yet this batch's, which has no events): copies them in, ticket by ticket.
    pub(crate) fn copy_events_from(&mut self, events: &[CEvent], texts: &[(u32, u32)]) {
        for m in &mut self.tickets {
            let start = self.events.len();
            for p in m.start..m.end {
                if let (Some(e), Some(t)) = (events.get(p), texts.get(p)) {
                    self.events.push(*e);
                    self.event_texts.push(*t);
                }
            }
            m.start = start;
            m.end = self.events.len();
        }
    }

    /// Like [`TicketBatch::copy_events_from`], taking the columns as they are when the tickets'
    /// positions ascend (the usual export): each ticket's events slid down over those no ticket
    /// names, the rest cut off.
    pub(crate) fn adopt_events(&mut self, mut events: Vec<CEvent>, mut texts: Vec<(u32, u32)>) {
        let n = events.len().min(texts.len());
        let mut end = 0usize;
        let ascending = self.events.is_empty()
            && self.tickets.iter().all(|m| {
                let ok = end <= m.start && m.start <= m.end && m.end <= n;
                end = m.end;
                ok
            });
        if !ascending {
            return self.copy_events_from(&events, &texts);
        }
        end = 0;
        for m in &mut self.tickets {
            let len = m.end - m.start;
            if m.start != end {
                events.copy_within(m.start..m.end, end);
                texts.copy_within(m.start..m.end, end);
            }
            m.start = end;
            end += len;
            m.end = end;
        }
        events.truncate(end);
        texts.truncate(end);
        self.events = events;
        self.event_texts = texts;
    }

    /// Ends the ticket whose events were pushed from event position `start` on.
    pub(crate) fn end_ticket(&mut self, header: Header, start: usize) {
        self.end_ticket_at(header, start, self.events.len());
    }

    /// Adds the ticket of `header` whose events are at positions `start..end`.
    pub(crate) fn end_ticket_at(&mut self, header: Header, start: usize, end: usize) {
        self.ids.push(header.id);
        self.tickets.push(Meta {
            received_at: header.received_at,
            start,
            end,
            kind: header.kind,
            urgency: header.urgency,
            channel: header.channel,
            attributes: header.attributes,
            repeat: header.repeat,
        });
    }

    /// Number of tickets.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// Whether the batch holds no ticket.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Number of events.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// Estimated heap bytes: the room of every column and table, and every string.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let strings = |v: &[String], room: usize| {
            room * size_of::<String>() + v.iter().map(String::capacity).sum::<usize>()
        };
        // A hash table entry: the key, its index, a control byte.
        let table = |entries: usize, key: usize| entries * (key + size_of::<u32>() + 1);
        strings(&self.ids, self.ids.capacity())
            + self.units.capacity() * size_of::<UnitId>()
            + self.units.iter().map(|u| u.0.capacity()).sum::<usize>()
            + table(self.unit_index.capacity(), size_of::<String>())
            + strings(&self.channels, self.channels.capacity())
            + table(self.channel_index.capacity(), size_of::<String>())
            + self
                .attribute_sets
                .iter()
                .flatten()
                .map(|(k, v)| k.capacity() + v.capacity() + 48)
                .sum::<usize>()
            + table(self.attribute_index.capacity(), size_of::<Vec<u8>>())
            + self.tickets.capacity() * size_of::<Meta>()
            + self.events.capacity() * size_of::<CEvent>()
            + self.event_texts.capacity() * size_of::<(u32, u32)>()
            + self.texts.heap_bytes()
    }

    /// The units named by the batch's events, in order of first appearance (a batch assembled
    /// from table rows also lists units named only by rows it rejected).
    pub fn units(&self) -> &[UnitId] {
        &self.units
    }

    /// The id of ticket `index`.
    pub fn ticket_id(&self, index: usize) -> Option<&str> {
        self.ids.get(index).map(String::as_str)
    }

    /// Ticket `index`, read back in full (equal to the ticket pushed).
    pub fn ticket(&self, index: usize) -> Option<Ticket> {
        let meta = self.tickets.get(index)?;
        let events = self.events.get(meta.start..meta.end)?;
        let texts = self.event_texts.get(meta.start..meta.end)?;
        let events = events
            .iter()
            .zip(texts)
            .map(|(e, (reason, event_id))| self.event(e, *reason, *event_id))
            .collect();
        Some(Ticket {
            id: self.ids.get(index)?.clone(),
            kind: meta.kind,
            urgency: meta.urgency,
            channel: self.channels.get(meta.channel as usize)?.clone(),
            received_at: meta.received_at,
            attributes: self.attribute_sets.get(meta.attributes as usize)?.clone(),
            events,
        })
    }

    /// Every ticket, read back in order (see [`TicketBatch::ticket`]).
    pub fn tickets(&self) -> impl Iterator<Item = Ticket> + '_ {
        (0..self.len()).filter_map(|i| self.ticket(i))
    }

    /// Batch unit key → position in `ev`'s units table.
    pub(crate) fn rows_for(&self, ev: &Evaluator) -> Vec<Option<u32>> {
        self.units
            .iter()
            .map(|u| ev.unit_index(u.as_str()))
            .collect()
    }

    /// Views of tickets `range` (clamped), with `rows` from [`TicketBatch::rows_for`].
    pub(crate) fn views<'a>(
        &'a self,
        rows: &'a [Option<u32>],
        range: Range<usize>,
    ) -> impl Iterator<Item = TicketView<'a>> + 'a {
        self.metas(range)
            .map(move |(m, id)| self.view(m, id, rows, None))
    }

    /// Views of the tickets of `range` as they were known at `as_of` (what `scheme::known_at`
    /// keeps of owned tickets): those received by then, each with its events up to then (a
    /// prefix: a ticket's events are in time order).
    pub(crate) fn views_known_at<'a>(
        &'a self,
        rows: &'a [Option<u32>],
        as_of: Instant,
        range: Range<usize>,
    ) -> impl Iterator<Item = TicketView<'a>> + 'a {
        self.metas(range)
            .filter(move |(m, _)| m.received_at <= as_of)
            .map(move |(m, id)| self.view(m, id, rows, Some(as_of)))
    }

    /// The tickets of `range` (clamped) with their ids.
    fn metas(&self, range: Range<usize>) -> impl Iterator<Item = (&Meta, &str)> {
        let metas = self.tickets.get(range.clone()).unwrap_or_default();
        let ids = self.ids.get(range).unwrap_or_default();
        metas.iter().zip(ids.iter().map(String::as_str))
    }

    /// The view of ticket `m`, its events cut after `until` if given.
    fn view<'a>(
        &'a self,
        m: &'a Meta,
        id: &'a str,
        rows: &'a [Option<u32>],
        until: Option<Instant>,
    ) -> TicketView<'a> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        let mut events = self.events.get(m.start..m.end).unwrap_or(&[]);
        if let Some(as_of) = until {
            let known = events.partition_point(|e| e.at <= as_of);
            events = events.get(..known).unwrap_or(&[]);
        }
        TicketView {
            id,
            kind: m.kind,
            urgency: m.urgency,
            channel: self
                .channels
                .get(m.channel as usize)
                .map_or("", String::as_str),
            attributes: self
                .attribute_sets
                .get(m.attributes as usize)
                .unwrap_or(&EMPTY),
            repeat: m.repeat,
            events,
            names: UnitNames::Table(&self.units),
            rows,
        }
    }
}

/// How the channel and attribute keys of a batch that only interned map to another batch's
/// ([`TicketBatch::adopt_header`]).
#[derive(Debug, Default)]
pub(crate) struct Adopted {
    channels: Vec<Option<u32>>,
    attributes: Vec<Option<u32>>,
}

/// This batch's key for another batch's key `from` ([`Adopted`]): the one recorded, or the one
/// `intern` gives, then recorded.
fn adopt(keys: &mut Vec<Option<u32>>, from: u32, intern: impl FnOnce() -> u32) -> u32 {
    let i = from as usize;
    if let Some(Some(to)) = keys.get(i) {
        return *to;
    }
    let to = intern();
    if keys.len() <= i {
        keys.resize(i.saturating_add(1), None);
    }
    if let Some(slot) = keys.get_mut(i) {
        *slot = Some(to);
    }
    to
}

/// The index of `key`, added (and `on_new` called) if new.
fn intern<K>(index: &mut Interner<K::Owned>, key: &K, on_new: impl FnOnce()) -> u32
where
    K: ?Sized + ToOwned + Hash + Eq,
    K::Owned: Borrow<K> + Hash + Eq,
{
    if let Some(k) = index.get(key) {
        return *k;
    }
    let k = u32::try_from(index.len()).unwrap_or(NO_UNIT);
    index.insert(key.to_owned(), k);
    on_new();
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{CityConfig, CityGenerator};
    use crate::ticket::EventBody;

    #[test]
    fn every_ticket_reads_back_in_full() {
        let config = CityConfig {
            days: 5,
            tickets_per_day: 40,
            ..CityConfig::default()
        };
        let mut tickets: Vec<Ticket> = CityGenerator::new(&config).unwrap().tickets().collect();
        // Free text on some events: reasons and event ids.
        let t = tickets.first_mut().unwrap();
        t.events.iter_mut().enumerate().for_each(|(i, e)| {
            e.event_id = (i % 2 == 0).then(|| format!("E{i}"));
        });
        let at = t.events.last().unwrap().at;
        let unit = t.events.first().unwrap().body.unit().unwrap().clone();
        t.events.push(Event::new(
            at,
            EventBody::Returned {
                unit,
                reason: "不属于本单位职责".into(),
            },
        ));
        let batch = TicketBatch::from_tickets(&tickets);
        let read_back: Vec<Ticket> = batch.tickets().collect();
        assert_eq!(read_back, tickets);
        assert_eq!(batch.ticket(tickets.len()), None);
    }
}
