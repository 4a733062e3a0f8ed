//! The ticket model (SPEC §3.1): a ticket's fields, its attributes and its ordered events.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::instant::Instant;
use crate::ticket::validate::FlowCheck;
use crate::ticket::{EventBody, Kind, KnownUnits, Urgency};

/// One citizen request (工单) with its flow log (工单流转记录).
///
/// JSON shape: the fields below, `attributes` as a string map and `events` as an array of flat
/// event objects in time order. Unknown fields are rejected; `urgency` defaults to `normal`,
/// `channel` to `""`, `attributes` and `events` to empty.
///
/// ```
/// use hotline_score::ticket::{Ticket, EventBody};
/// let t: Ticket = serde_json::from_str(r#"{
///     "id": "T1", "kind": "complaint", "channel": "phone",
///     "received_at": "2026-03-02T09:00:00+08:00",
///     "attributes": {"district": "湖滨区"},
///     "events": [{"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "hubin"}]
/// }"#)?;
/// assert!(matches!(t.events[0].body, EventBody::Dispatched { .. }));
/// t.validate(None)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// Unique in a data set.
    pub id: String,
    /// 咨询, 求助, 投诉, …
    pub kind: Kind,
    /// 一般 or 紧急.
    #[serde(default)]
    pub urgency: Urgency,
    /// Free string: `phone`, `web`, `wechat`, `province`, …
    #[serde(default)]
    pub channel: String,
    /// When the center registered the ticket (受理).
    pub received_at: Instant,
    /// Attributes for rule predicates (district, topic code, `repeat`, …).
    #[serde(default, deserialize_with = "unique_attributes")]
    pub attributes: BTreeMap<String, String>,
    /// The flow log, in time order.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One entry of a ticket's flow log: when, an optional id for idempotent ingestion, and what.
///
/// Serialized as ONE flat object: `{"at": …, "type": "returned", "unit": …, "reason": …,
/// "event_id": …}` (fields of the type, absent optional fields omitted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When it happened.
    pub at: Instant,
    /// The source system's id of this event, if any (unique within its ticket).
    pub event_id: Option<String>,
    /// The type and its fields.
    pub body: EventBody,
}

impl Event {
    /// An event without an `event_id`.
    pub fn new(at: Instant, body: EventBody) -> Self {
        Event {
            at,
            event_id: None,
            body,
        }
    }
}

impl Ticket {
    /// Checks every per-ticket rule of SPEC §3.2 (the list is in `docs/semantics.md`); with
    /// `units`, also that every unit is in the units table.
    ///
    /// The first violation, in event order, is returned as
    /// [`Error::InvalidTicket`](crate::Error::InvalidTicket) with this ticket's id, the event
    /// index and the field.
    pub fn validate(&self, units: Option<&KnownUnits>) -> Result<()> {
        let mut check = FlowCheck::new(self, units).map_err(|v| v.into_error(&self.id, None))?;
        for (index, event) in self.events.iter().enumerate() {
            check
                .push(index, event)
                .map_err(|v| v.into_error(&self.id, None))?;
        }
        Ok(())
    }

    /// Estimated heap bytes of the ticket's strings and events (not counting the `Ticket`
    /// itself).
    pub(crate) fn heap_bytes(&self) -> usize {
        let strings = self.id.capacity()
            + self.channel.capacity()
            + self
                .attributes
                .iter()
                .map(|(k, v)| k.capacity() + v.capacity() + 48)
                .sum::<usize>();
        let events = self.events.capacity() * std::mem::size_of::<Event>()
            + self
                .events
                .iter()
                .map(|e| {
                    e.event_id.as_ref().map_or(0, String::capacity)
                        + e.body.unit().map_or(0, |u| u.0.capacity())
                })
                .sum::<usize>();
        strings + events
    }
}

/// Attributes with every name once: a map reader keeps the last of a name given twice, and the
/// first value was lost without a word.
fn unique_attributes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, String>, D::Error> {
    crate::unique_keys::map(d, "an object of attribute names and texts", |name| {
        format!("attribute `{name}` is given twice")
    })
}
