//! The compact event form evaluation runs on: events as small `Copy` records with units
//! interned to integers, and a borrowed view of one ticket over them.
//!
//! A [`TicketBatch`](super::TicketBatch) stores many tickets this way, contiguously; a single
//! [`Ticket`] is converted on the fly into a reused buffer ([`Converter`]). Both paths run the
//! same evaluation code.

use std::collections::{BTreeMap, HashMap};

use crate::amount::Amount;
use crate::instant::Instant;
use crate::ticket::{
    Event, EventBody, EventType, Kind, MAX_EVENTS_PER_TICKET, Satisfaction, Ticket, Urgency,
};
use crate::unit::{Role, UnitId};

use super::context::Evaluator;

/// "This event names no unit."
pub(crate) const NO_UNIT: u32 = u32::MAX;

/// An event's type and the fields evaluation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    Dispatched(Role),
    Signed,
    Returned,
    ReturnDecided(bool),
    Contacted,
    ExtensionRequested(Amount),
    ExtensionDecided(bool, Option<Amount>),
    Paused,
    Resumed,
    Replied,
    Reviewed(bool),
    Reopened,
    CalledBack(Satisfaction, Option<bool>),
    Closed,
    Urged,
    Supervised,
    FlaggedDifficult,
    WrittenOff,
}

impl Body {
    pub(crate) fn of(body: &EventBody) -> Body {
        match body {
            EventBody::Dispatched { role, .. } => Body::Dispatched(*role),
            EventBody::Signed { .. } => Body::Signed,
            EventBody::Returned { .. } => Body::Returned,
            EventBody::ReturnDecided { accepted, .. } => Body::ReturnDecided(*accepted),
            EventBody::Contacted { .. } => Body::Contacted,
            EventBody::ExtensionRequested { amount, .. } => Body::ExtensionRequested(*amount),
            EventBody::ExtensionDecided {
                approved, amount, ..
            } => Body::ExtensionDecided(*approved, *amount),
            EventBody::Paused { .. } => Body::Paused,
            EventBody::Resumed { .. } => Body::Resumed,
            EventBody::Replied { .. } => Body::Replied,
            EventBody::Reviewed { passed, .. } => Body::Reviewed(*passed),
            EventBody::Reopened { .. } => Body::Reopened,
            EventBody::CalledBack {
                satisfaction,
                resolved,
            } => Body::CalledBack(*satisfaction, *resolved),
            EventBody::Closed => Body::Closed,
            EventBody::Urged { .. } => Body::Urged,
            EventBody::Supervised { .. } => Body::Supervised,
            EventBody::FlaggedDifficult => Body::FlaggedDifficult,
            EventBody::WrittenOff => Body::WrittenOff,
        }
    }
}

impl Body {
    /// The amount of an extension request, or of an extension decision that sets one.
    pub(crate) const fn amount(self) -> Option<Amount> {
        match self {
            Body::ExtensionRequested(amount) => Some(amount),
            Body::ExtensionDecided(_, amount) => amount,
            _ => None,
        }
    }

    /// The event's type.
    pub(crate) const fn event_type(self) -> EventType {
        match self {
            Body::Dispatched(_) => EventType::Dispatched,
            Body::Signed => EventType::Signed,
            Body::Returned => EventType::Returned,
            Body::ReturnDecided(_) => EventType::ReturnDecided,
            Body::Contacted => EventType::Contacted,
            Body::ExtensionRequested(_) => EventType::ExtensionRequested,
            Body::ExtensionDecided(..) => EventType::ExtensionDecided,
            Body::Paused => EventType::Paused,
            Body::Resumed => EventType::Resumed,
            Body::Replied => EventType::Replied,
            Body::Reviewed(_) => EventType::Reviewed,
            Body::Reopened => EventType::Reopened,
            Body::CalledBack(..) => EventType::CalledBack,
            Body::Closed => EventType::Closed,
            Body::Urged => EventType::Urged,
            Body::Supervised => EventType::Supervised,
            Body::FlaggedDifficult => EventType::FlaggedDifficult,
            Body::WrittenOff => EventType::WrittenOff,
        }
    }

    /// The full event body: this body with its unit and free-text reason put back. Inverse of
    /// [`Body::of`] given `body.unit()` and the body's reason; a unit missing where the type
    /// requires one (never the case for parts read from a valid event) becomes the empty id.
    pub(crate) fn into_event_body(self, unit: Option<UnitId>, reason: Option<String>) -> EventBody {
        let required = |u: Option<UnitId>| u.unwrap_or_else(|| UnitId(String::new()));
        match self {
            Body::Dispatched(role) => EventBody::Dispatched {
                unit: required(unit),
                role,
            },
            Body::Signed => EventBody::Signed {
                unit: required(unit),
            },
            Body::Returned => EventBody::Returned {
                unit: required(unit),
                reason: reason.unwrap_or_default(),
            },
            Body::ReturnDecided(accepted) => EventBody::ReturnDecided {
                unit: required(unit),
                accepted,
            },
            Body::Contacted => EventBody::Contacted {
                unit: required(unit),
            },
            Body::ExtensionRequested(amount) => EventBody::ExtensionRequested {
                unit: required(unit),
                amount,
            },
            Body::ExtensionDecided(approved, amount) => EventBody::ExtensionDecided {
                unit: required(unit),
                approved,
                amount,
            },
            Body::Paused => EventBody::Paused {
                unit: required(unit),
                reason: reason.unwrap_or_default(),
            },
            Body::Resumed => EventBody::Resumed {
                unit: required(unit),
                reason,
            },
            Body::Replied => EventBody::Replied {
                unit: required(unit),
            },
            Body::Reviewed(passed) => EventBody::Reviewed { passed, unit },
            Body::Reopened => EventBody::Reopened { unit },
            Body::CalledBack(satisfaction, resolved) => EventBody::CalledBack {
                satisfaction,
                resolved,
            },
            Body::Closed => EventBody::Closed,
            Body::Urged => EventBody::Urged {
                unit: required(unit),
            },
            Body::Supervised => EventBody::Supervised {
                unit: required(unit),
            },
            Body::FlaggedDifficult => EventBody::FlaggedDifficult,
            Body::WrittenOff => EventBody::WrittenOff,
        }
    }
}

/// One event: when, which unit (an interned key, or [`NO_UNIT`]), what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CEvent {
    pub at: Instant,
    pub unit: u32,
    pub body: Body,
}

/// How unit keys map to names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UnitNames<'a> {
    /// Keys index a batch's unit table.
    Table(&'a [UnitId]),
    /// Keys index `first`: the event of `ticket` that first names the unit.
    Ticket {
        ticket: &'a Ticket,
        first: &'a [u32],
    },
}

impl<'a> UnitNames<'a> {
    pub(crate) fn get(&self, key: u32) -> Option<&'a UnitId> {
        match *self {
            UnitNames::Table(t) => t.get(key as usize),
            UnitNames::Ticket { ticket, first } => first
                .get(key as usize)
                .and_then(|i| ticket.events.get(*i as usize))
                .and_then(|e| e.body.unit()),
        }
    }
}

/// One ticket as evaluation sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TicketView<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub urgency: Urgency,
    pub channel: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    /// Attribute `repeat` set (see `metrics::is_repeat`).
    pub repeat: bool,
    pub events: &'a [CEvent],
    pub names: UnitNames<'a>,
    /// Unit key → position in the evaluator's units table.
    pub rows: &'a [Option<u32>],
}

impl<'a> TicketView<'a> {
    /// The evaluator row of unit `key`.
    pub(crate) fn row(&self, key: u32) -> Option<u32> {
        self.rows.get(key as usize).copied().flatten()
    }
}

/// Whether `attributes` mark a repeat ticket ([`repeat_value`] of its `repeat` attribute).
pub(crate) fn is_repeat(attributes: &BTreeMap<String, String>) -> bool {
    attributes.get("repeat").is_some_and(|v| repeat_value(v))
}

/// Whether a `repeat` attribute value means "yes" (anything but empty, `false`, `0`, `no`, `n`,
/// `f`, `否`; case aside: the Y/N and T/F columns of exports).
pub(crate) fn repeat_value(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || ["false", "no", "n", "f"]
            .iter()
            .any(|no| v.eq_ignore_ascii_case(no))
        || v == "0"
        || v == "否")
}

/// Converts single tickets into the compact form, reusing its buffers.
#[derive(Debug, Default)]
pub(crate) struct Converter {
    events: Vec<CEvent>,
    rows: Vec<Option<u32>>,
    first: Vec<u32>,
    /// Unit → key, once a ticket names more than [`Converter::MANY`] units.
    keys: HashMap<String, u32>,
}

impl Converter {
    /// Units per ticket beyond which keys are looked up in a map (a linear search serves the
    /// usual few).
    const MANY: usize = 16;

    /// Records `unit`'s new `key`: into the map once the ticket names many units (building it
    /// from the units met so far when the threshold is crossed).
    fn index_keys(&mut self, ticket: &Ticket, unit: &str, key: u32) {
        if self.first.len() <= Self::MANY {
            return;
        }
        if self.keys.is_empty() {
            for (k, j) in self.first.iter().enumerate() {
                let name = ticket.events.get(*j as usize).and_then(|x| x.body.unit());
                if let (Some(name), Ok(k)) = (name, u32::try_from(k)) {
                    self.keys.insert(name.0.clone(), k);
                }
            }
        } else {
            self.keys.insert(unit.to_owned(), key);
        }
    }

    /// The view of `ticket` whose events' unit keys are already known: `keys` gives, in log
    /// order, each event's key as [`Converter::view`] assigns it (in order of first mention;
    /// [`NO_UNIT`] for an event naming none). No unit name is compared: a unit's name is read
    /// once, at its first mention, to look it up in the evaluator's table. `repeat` is
    /// [`is_repeat`] of the ticket's attributes (kept by the caller: the map is not read).
    pub(crate) fn view_keyed<'a>(
        &'a mut self,
        ev: &Evaluator,
        ticket: &'a Ticket,
        keys: impl Iterator<Item = u32>,
        repeat: bool,
    ) -> TicketView<'a> {
        for (i, (e, unit)) in self.start(ticket).zip(keys).enumerate() {
            if unit != NO_UNIT && unit as usize >= self.first.len() {
                self.first.push(u32::try_from(i).unwrap_or(u32::MAX));
                self.rows
                    .push(e.body.unit().and_then(|u| ev.unit_index(u.as_str())));
            }
            self.events.push(CEvent {
                at: e.at,
                unit,
                body: Body::of(&e.body),
            });
        }
        self.finish(ticket, repeat)
    }

    /// Empties the buffers for a new view; the ticket's events to convert. Past the per-ticket
    /// limit evaluation refuses the ticket (see `evaluate_into`): one event more than the limit
    /// is enough to tell.
    fn start<'a>(&mut self, ticket: &'a Ticket) -> impl Iterator<Item = &'a Event> + use<'a> {
        self.events.clear();
        self.rows.clear();
        self.first.clear();
        self.keys.clear();
        ticket
            .events
            .iter()
            .take(MAX_EVENTS_PER_TICKET.saturating_add(1))
    }

    /// The view of `ticket` over the converted events.
    fn finish<'a>(&'a self, ticket: &'a Ticket, repeat: bool) -> TicketView<'a> {
        TicketView {
            id: &ticket.id,
            kind: ticket.kind,
            urgency: ticket.urgency,
            channel: &ticket.channel,
            attributes: &ticket.attributes,
            repeat,
            events: &self.events,
            names: UnitNames::Ticket {
                ticket,
                first: &self.first,
            },
            rows: &self.rows,
        }
    }

    /// The view of `ticket`; units are keyed in order of first mention (compared as strings,
    /// looked up in the evaluator's table once per unit).
    pub(crate) fn view<'a>(&'a mut self, ev: &Evaluator, ticket: &'a Ticket) -> TicketView<'a> {
        for (i, e) in self.start(ticket).enumerate() {
            let unit = match e.body.unit() {
                None => NO_UNIT,
                Some(u) => {
                    let known = if self.first.len() > Self::MANY {
                        self.keys.get(u.as_str()).map(|k| *k as usize)
                    } else {
                        self.first.iter().position(|j| {
                            ticket
                                .events
                                .get(*j as usize)
                                .and_then(|x| x.body.unit())
                                .is_some_and(|x| x == u)
                        })
                    };
                    match known {
                        Some(k) => u32::try_from(k).unwrap_or(NO_UNIT),
                        None => {
                            self.first.push(u32::try_from(i).unwrap_or(u32::MAX));
                            self.rows.push(ev.unit_index(u.as_str()));
                            let key = u32::try_from(self.first.len() - 1).unwrap_or(NO_UNIT);
                            self.index_keys(ticket, u.as_str(), key);
                            key
                        }
                    }
                }
            };
            self.events.push(CEvent {
                at: e.at,
                unit,
                body: Body::of(&e.body),
            });
        }
        self.finish(ticket, is_repeat(&ticket.attributes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_attribute() {
        let mut a = BTreeMap::new();
        assert!(!is_repeat(&a));
        for (v, want) in [
            ("true", true),
            ("1", true),
            ("是", true),
            ("yes", true),
            ("FALSE", false),
            ("0", false),
            ("", false),
            ("否", false),
            ("no", false),
            // Y/N and T/F exports (an `N` counted as a repeat until 2026-12-01).
            ("Y", true),
            ("N", false),
            ("n", false),
            ("T", true),
            ("F", false),
        ] {
            a.insert("repeat".to_owned(), v.to_owned());
            assert_eq!(is_repeat(&a), want, "{v:?}");
        }
    }
}
