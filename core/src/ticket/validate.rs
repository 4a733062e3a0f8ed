//! Checking a log once (files, tables, [`Ticket::validate`](crate::ticket::Ticket::validate)):
//! the rules of SPEC §3.2 ([`Flow`]) with units named by their borrowed ids, checked against the
//! units table when one is given, and every event id remembered.

use crate::instant::Instant;
use std::collections::HashMap;

use crate::ticket::TicketErrorKind;
use crate::ticket::flow::{Flow, FlowKeys, check_header};
use crate::ticket::problem::Violation;
use crate::ticket::{Event, EventParts, KnownUnits, Ticket};

/// Event ids seen so far: a short list, a map once the ticket has many events.
#[derive(Debug)]
pub(crate) enum SeenIds<'t> {
    Few(Vec<(&'t str, usize)>),
    Many(HashMap<&'t str, usize>),
}

impl<'t> SeenIds<'t> {
    const SWITCH: usize = 32;

    /// None seen.
    pub(crate) fn new() -> Self {
        SeenIds::Few(Vec::new())
    }

    /// None seen again, keeping the short list's room.
    fn clear(&mut self) {
        match self {
            SeenIds::Few(list) => list.clear(),
            SeenIds::Many(_) => *self = SeenIds::new(),
        }
    }

    /// Records `id` at `index`; the index of an earlier event with the same id, if any.
    pub(crate) fn insert(&mut self, id: &'t str, index: usize) -> Option<usize> {
        match self {
            SeenIds::Few(list) => {
                // Ids of one ticket's events mostly share a prefix (`<ticket id>-<nn>`) and
                // differ at the end: comparing the last bytes first spares most full compares.
                let last = id.as_bytes().last();
                let same = |seen: &&str| seen.as_bytes().last() == last && *seen == id;
                if let Some((_, first)) = list.iter().find(|(seen, _)| same(seen)) {
                    return Some(*first);
                }
                if list.len() >= Self::SWITCH {
                    let mut map: HashMap<&'t str, usize> = list.drain(..).collect();
                    map.insert(id, index);
                    *self = SeenIds::Many(map);
                } else {
                    list.push((id, index));
                }
                None
            }
            SeenIds::Many(map) => match map.get(id) {
                Some(first) => Some(*first),
                None => {
                    map.insert(id, index);
                    None
                }
            },
        }
    }
}

/// Units by borrowed id (checked against `units` when given); event ids in a [`SeenIds`].
#[derive(Debug)]
struct Borrowed<'t> {
    units: Option<&'t KnownUnits>,
    seen: SeenIds<'t>,
}

impl<'t> FlowKeys<'t> for Borrowed<'t> {
    type Unit = &'t str;

    fn unit(&mut self, unit: &'t str) -> Option<&'t str> {
        match self.units {
            Some(known) if !known.contains(unit) => None,
            _ => Some(unit),
        }
    }

    fn seen(&mut self, id: &'t str, index: usize) -> Option<usize> {
        self.seen.insert(id, index)
    }
}

/// Incremental checker of one ticket's events (SPEC §3.2 rules).
#[derive(Debug)]
pub(crate) struct FlowCheck<'t> {
    flow: Flow<&'t str>,
    keys: Borrowed<'t>,
    /// The event checked last.
    last: Option<EventParts<'t>>,
}

impl<'t> FlowCheck<'t> {
    /// Starts checking `ticket`'s events; checks the ticket's own fields.
    pub(crate) fn new(ticket: &Ticket, units: Option<&'t KnownUnits>) -> Result<Self, Violation> {
        check_header(ticket)?;
        Ok(Self::start(ticket.received_at, units))
    }

    /// Starts checking the events of a ticket received at `received_at`.
    pub(crate) fn start(received_at: Instant, units: Option<&'t KnownUnits>) -> Self {
        FlowCheck {
            flow: Flow::start(received_at),
            keys: Borrowed {
                units,
                seen: SeenIds::new(),
            },
            last: None,
        }
    }

    /// Starts over with the events of another ticket, received at `received_at`, keeping the
    /// buffers (checking many tickets one after another).
    pub(crate) fn restart(&mut self, received_at: Instant) {
        self.flow.restart(received_at);
        self.keys.seen.clear();
        self.last = None;
    }

    /// Checks the event at `index` against everything before it.
    pub(crate) fn push(&mut self, index: usize, event: &'t Event) -> Result<(), Violation> {
        self.push_parts(index, EventParts::of(event))
    }

    /// [`FlowCheck::push`] for an event given as borrowed parts (compact stores: no owned
    /// event is built).
    pub(crate) fn push_parts(
        &mut self,
        index: usize,
        event: EventParts<'t>,
    ) -> Result<(), Violation> {
        check_not_repeated(index, self.last, event)?;
        self.flow.push(index, event, &mut self.keys)?;
        self.last = Some(event);
        Ok(())
    }
}

/// Refuses `event` (at `index`) when it repeats the event before it (`previous`) exactly and has
/// no event id: a duplicated export row, which would count twice
/// ([`TicketErrorKind::RepeatedEvent`]). The board answers such an event `Duplicate` instead
/// (a re-sent event is idempotent there) and never reaches this check.
fn check_not_repeated(
    index: usize,
    previous: Option<EventParts<'_>>,
    event: EventParts<'_>,
) -> Result<(), Violation> {
    if event.event_id.is_none() && previous == Some(event) {
        return Err(Violation::event(
            index,
            "event_id",
            TicketErrorKind::RepeatedEvent,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Amount;
    use crate::Role;
    use crate::UnitId;
    use crate::ticket::{EventBody, Kind, Satisfaction, TicketErrorKind, Urgency};

    fn at(h: i64) -> Instant {
        Instant::from_millis(1_767_225_600_000 + h * 3_600_000)
    }

    fn ticket(events: Vec<(i64, EventBody)>) -> Ticket {
        Ticket {
            id: "T".into(),
            kind: Kind::Help,
            urgency: Urgency::Normal,
            channel: "phone".into(),
            received_at: at(0),
            attributes: Default::default(),
            events: events
                .into_iter()
                .map(|(h, b)| Event::new(at(h), b))
                .collect(),
        }
    }

    fn u(s: &str) -> UnitId {
        s.into()
    }

    #[test]
    fn an_event_repeated_exactly_without_an_id_is_refused() {
        let urged = || EventBody::Urged { unit: u("a") };
        let dispatched = EventBody::Dispatched {
            unit: u("a"),
            role: Role::Lead,
        };
        let twice = ticket(vec![(1, dispatched.clone()), (2, urged()), (2, urged())]);
        let e = twice.validate(None).unwrap_err();
        assert_eq!(e.code(), "repeated_event");
        assert_eq!(e.context().event_index, Some(2));
        // Two real urges: apart in time, or told apart by their event ids.
        let apart = ticket(vec![(1, dispatched.clone()), (2, urged()), (3, urged())]);
        assert!(apart.validate(None).is_ok());
        let mut ids = twice.clone();
        ids.events[1].event_id = Some("U1".into());
        ids.events[2].event_id = Some("U2".into());
        assert!(ids.validate(None).is_ok());
        // Not adjacent: another event of the same instant in between.
        let between = ticket(vec![
            (1, dispatched),
            (2, urged()),
            (2, EventBody::Supervised { unit: u("a") }),
            (2, urged()),
        ]);
        assert!(between.validate(None).is_ok());
    }

    #[test]
    fn full_flow_is_valid() {
        let t = ticket(vec![
            (
                1,
                EventBody::Dispatched {
                    unit: u("a"),
                    role: Role::Lead,
                },
            ),
            (
                2,
                EventBody::Returned {
                    unit: u("a"),
                    reason: "not ours".into(),
                },
            ),
            (
                3,
                EventBody::ReturnDecided {
                    unit: u("a"),
                    accepted: true,
                },
            ),
            (
                4,
                EventBody::Dispatched {
                    unit: u("b"),
                    role: Role::Lead,
                },
            ),
            (5, EventBody::Signed { unit: u("b") }),
            (6, EventBody::Replied { unit: u("b") }),
            (
                7,
                EventBody::Reviewed {
                    passed: true,
                    unit: None,
                },
            ),
            (8, EventBody::Closed),
            (
                9,
                EventBody::CalledBack {
                    satisfaction: Satisfaction::Unsatisfied,
                    resolved: Some(false),
                },
            ),
            (10, EventBody::WrittenOff),
            (
                11,
                EventBody::Dispatched {
                    unit: u("a"),
                    role: Role::Assisting,
                },
            ),
        ]);
        // The last dispatch follows `closed`.
        let e = t.validate(None).unwrap_err();
        assert_eq!(e.code(), "event_after_close");
        let mut ok = t.clone();
        ok.events.pop();
        ok.validate(None).unwrap();
    }

    #[test]
    fn empty_texts_are_refused_like_the_text_forms_refuse_them() {
        // Found by the board_snapshot fuzz target: snapshot bytes holding `event_id: ""`
        // restored, but the JSON snapshot reads `""` as absent and did not restore.
        let dispatched = EventBody::Dispatched {
            unit: u("a"),
            role: Role::Lead,
        };
        let mut t = ticket(vec![
            (1, dispatched.clone()),
            (2, EventBody::Signed { unit: u("a") }),
        ]);
        t.validate(None).unwrap();
        t.events[1].event_id = Some(String::new());
        let e = t.validate(None).unwrap_err();
        assert_eq!(e.code(), "malformed_value");
        assert_eq!(e.context().field.as_deref(), Some("event_id"));
        let cases = [
            (EventBody::Signed { unit: u("") }, "missing_field", "unit"),
            (
                EventBody::Paused {
                    unit: u("a"),
                    reason: String::new(),
                },
                "missing_field",
                "reason",
            ),
            (
                EventBody::Reopened { unit: Some(u("")) },
                "malformed_value",
                "unit",
            ),
        ];
        for (body, code, field) in cases {
            let t = ticket(vec![(1, dispatched.clone()), (2, body)]);
            let e = t.validate(None).unwrap_err();
            assert_eq!(
                (e.code(), e.context().field.as_deref()),
                (code, Some(field))
            );
        }
    }

    #[test]
    fn amounts_without_a_text_form_are_malformed() {
        let dispatched = EventBody::Dispatched {
            unit: u("a"),
            role: Role::Lead,
        };
        let request = |amount| EventBody::ExtensionRequested {
            unit: u("a"),
            amount,
        };
        let ok = ticket(vec![
            (1, dispatched.clone()),
            (2, request(Amount::WorkingDays(3))),
        ]);
        ok.validate(None).unwrap();
        // Built in code: 90.001 s, or 1.5 working hours, would be written `1m` / `90wm`.
        for amount in [
            Amount::Time { ms: 90_001 },
            Amount::WorkingHours { ms: 5_400_000 },
        ] {
            let t = ticket(vec![(1, dispatched.clone()), (2, request(amount))]);
            let e = t.validate(None).unwrap_err();
            assert_eq!(e.code(), "malformed_amount");
            let cx = e.context();
            assert_eq!(
                (cx.event_index, cx.field.as_deref()),
                (Some(1), Some("amount"))
            );
        }
        let approval = EventBody::ExtensionDecided {
            unit: u("a"),
            approved: true,
            amount: Some(Amount::Time { ms: -60_000 }),
        };
        let t = ticket(vec![
            (1, dispatched),
            (2, request(Amount::WorkingDays(3))),
            (3, approval),
        ]);
        assert_eq!(t.validate(None).unwrap_err().code(), "malformed_amount");
    }

    #[test]
    fn redispatch_after_accepted_return_reopens_the_unit() {
        let t = ticket(vec![
            (
                1,
                EventBody::Dispatched {
                    unit: u("a"),
                    role: Role::Lead,
                },
            ),
            (
                2,
                EventBody::Returned {
                    unit: u("a"),
                    reason: "x".into(),
                },
            ),
            (
                3,
                EventBody::ReturnDecided {
                    unit: u("a"),
                    accepted: true,
                },
            ),
            (4, EventBody::Signed { unit: u("a") }),
        ]);
        assert_eq!(t.validate(None).unwrap_err().code(), "assignment_ended");
        let mut again = t.clone();
        again.events.insert(
            3,
            Event::new(
                at(3),
                EventBody::Dispatched {
                    unit: u("a"),
                    role: Role::Lead,
                },
            ),
        );
        again.validate(None).unwrap();
    }

    #[test]
    fn many_units_switch_to_a_map() {
        let mut events = Vec::new();
        for i in 0..40 {
            events.push((
                1,
                EventBody::Dispatched {
                    unit: u(&format!("u{i}")),
                    role: Role::Assisting,
                },
            ));
        }
        for i in 0..40 {
            events.push((
                2,
                EventBody::Signed {
                    unit: u(&format!("u{i}")),
                },
            ));
        }
        let mut t = ticket(events);
        t.validate(None).unwrap();
        t.events
            .push(Event::new(at(3), EventBody::Signed { unit: u("u39") }));
        assert_eq!(t.validate(None).unwrap_err().code(), "already_signed");
        t.events.pop();
        t.events
            .push(Event::new(at(3), EventBody::Signed { unit: u("u40") }));
        assert_eq!(
            t.validate(None).unwrap_err().code(),
            "event_before_dispatch"
        );
        t.events.pop();
        t.events.push(Event::new(
            at(3),
            EventBody::Dispatched {
                unit: u("u7"),
                role: Role::Lead,
            },
        ));
        assert_eq!(t.validate(None).unwrap_err().code(), "already_dispatched");
    }

    #[test]
    fn many_event_ids_switch_to_a_map() {
        let mut events = vec![(
            0,
            EventBody::Dispatched {
                unit: u("a"),
                role: Role::Lead,
            },
        )];
        for _ in 0..100 {
            events.push((1, EventBody::Urged { unit: u("a") }));
        }
        let mut t = ticket(events);
        for (i, e) in t.events.iter_mut().enumerate() {
            e.event_id = Some(format!("e{i}"));
        }
        t.validate(None).unwrap();
        t.events[90].event_id = Some("e50".into());
        let e = t.validate(None).unwrap_err();
        match e {
            crate::Error::InvalidTicket {
                event_index, kind, ..
            } => {
                assert_eq!(event_index, Some(90));
                assert_eq!(
                    *kind,
                    TicketErrorKind::DuplicateEventId {
                        event_id: "e50".into(),
                        first_index: 50
                    }
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
