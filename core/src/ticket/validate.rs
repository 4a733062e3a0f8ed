//! The per-ticket rules of SPEC §3.2, checked event by event.
//!
//! Each dispatch opens an assignment of its unit; the checker tracks, per unit, the state of its
//! latest assignment (signed, return pending, paused, extension pending, replied, ended) and, per
//! ticket, whether it is closed, whether anything was replied, and how many unsatisfied callbacks
//! can still be written off. Every rule only looks back, so any prefix of a valid log is valid.

use std::collections::HashMap;

use crate::instant::Instant;
use crate::ticket::problem::Violation;
use crate::ticket::{Event, EventBody, KnownUnits, MAX_EVENTS_PER_TICKET, Ticket, TicketErrorKind};
use crate::unit::UnitId;

/// The state of one unit's latest assignment on the ticket.
#[derive(Debug, Clone, Copy)]
struct Assignment<'t> {
    unit: &'t UnitId,
    ended: bool,
    signed: bool,
    return_pending: bool,
    paused: bool,
    extension_pending: bool,
    replied: bool,
}

impl<'t> Assignment<'t> {
    fn open(unit: &'t UnitId) -> Self {
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

/// Event ids seen so far: a short list, a map once the ticket has many events.
#[derive(Debug)]
enum SeenIds<'t> {
    Few(Vec<(&'t str, usize)>),
    Many(HashMap<&'t str, usize>),
}

impl<'t> SeenIds<'t> {
    const SWITCH: usize = 32;

    /// Records `id` at `index`; the index of an earlier event with the same id, if any.
    fn insert(&mut self, id: &'t str, index: usize) -> Option<usize> {
        match self {
            SeenIds::Few(list) => {
                if let Some((_, first)) = list.iter().find(|(seen, _)| *seen == id) {
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

/// Incremental checker of one ticket's events (SPEC §3.2 rules).
#[derive(Debug)]
pub(crate) struct FlowCheck<'t> {
    received_at: Instant,
    last_at: Option<Instant>,
    closed: bool,
    any_reply: bool,
    unsatisfied_open: u32,
    assignments: Vec<Assignment<'t>>,
    /// Position of each unit in `assignments`, once a ticket has many units.
    unit_index: Option<HashMap<&'t str, usize>>,
    seen_ids: SeenIds<'t>,
    units: Option<&'t KnownUnits>,
}

impl<'t> FlowCheck<'t> {
    /// Starts checking `ticket`'s events; checks the ticket's own fields.
    pub(crate) fn new(ticket: &Ticket, units: Option<&'t KnownUnits>) -> Result<Self, Violation> {
        if ticket.id.is_empty() {
            return Err(Violation::ticket("id", TicketErrorKind::MissingField));
        }
        Ok(Self::start(ticket.received_at, units))
    }

    /// Starts checking the events of a ticket received at `received_at`.
    pub(crate) fn start(received_at: Instant, units: Option<&'t KnownUnits>) -> Self {
        FlowCheck {
            received_at,
            last_at: None,
            closed: false,
            any_reply: false,
            unsatisfied_open: 0,
            assignments: Vec::new(),
            unit_index: None,
            seen_ids: SeenIds::Few(Vec::new()),
            units,
        }
    }

    /// Checks the event at `index` against everything before it.
    pub(crate) fn push(&mut self, index: usize, event: &'t Event) -> Result<(), Violation> {
        self.push_with_id(index, event, event.event_id.as_deref())
    }

    /// [`FlowCheck::push`] for an event whose id is kept apart from it (compact stores).
    pub(crate) fn push_with_id(
        &mut self,
        index: usize,
        event: &'t Event,
        event_id: Option<&'t str>,
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
        let unit = event.body.unit();
        if let (Some(unit), Some(known)) = (unit, self.units) {
            if !known.contains(unit.as_str()) {
                return fail("unit", TicketErrorKind::UnknownUnit { unit: unit.clone() });
            }
        }
        if event.at < self.received_at {
            return fail(
                "at",
                TicketErrorKind::EventBeforeReceived {
                    received_at: self.received_at,
                    at: event.at,
                },
            );
        }
        if let Some(previous) = self.last_at {
            if event.at < previous {
                return fail(
                    "at",
                    TicketErrorKind::EventsOutOfOrder {
                        previous,
                        at: event.at,
                    },
                );
            }
        }
        if let Some((field, required)) = empty_text(event) {
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
        if let Some(id) = event_id {
            if let Some(first_index) = self.seen_ids.insert(id, index) {
                return fail(
                    "event_id",
                    TicketErrorKind::DuplicateEventId {
                        event_id: id.to_owned(),
                        first_index,
                    },
                );
            }
        }
        self.apply(index, &event.body)?;
        self.last_at = Some(event.at);
        Ok(())
    }

    /// Linear search while a ticket has few units; a map beyond.
    const MANY_UNITS: usize = 16;

    fn find(&mut self, unit: &UnitId) -> Option<&mut Assignment<'t>> {
        match &self.unit_index {
            Some(index) => {
                let i = *index.get(unit.as_str())?;
                self.assignments.get_mut(i)
            }
            None => self.assignments.iter_mut().find(|a| a.unit == unit),
        }
    }

    fn add(&mut self, unit: &'t UnitId) {
        self.assignments.push(Assignment::open(unit));
        let position = self.assignments.len() - 1;
        match &mut self.unit_index {
            Some(index) => {
                index.insert(unit.as_str(), position);
            }
            None if self.assignments.len() > Self::MANY_UNITS => {
                let index = self
                    .assignments
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.unit.as_str(), i))
                    .collect();
                self.unit_index = Some(index);
            }
            None => {}
        }
    }

    /// The assignment of `unit`, which must be open.
    fn open_assignment(
        &mut self,
        index: usize,
        unit: &UnitId,
    ) -> Result<&mut Assignment<'t>, Violation> {
        match self.find(unit) {
            None => Err(Violation::event(
                index,
                "unit",
                TicketErrorKind::EventBeforeDispatch { unit: unit.clone() },
            )),
            Some(a) if a.ended => Err(Violation::event(
                index,
                "unit",
                TicketErrorKind::AssignmentEnded { unit: unit.clone() },
            )),
            Some(a) => Ok(a),
        }
    }

    fn apply(&mut self, index: usize, body: &'t EventBody) -> Result<(), Violation> {
        let flow = |kind| Err(Violation::event(index, "type", kind));
        match body {
            EventBody::Dispatched { unit, .. } => match self.find(unit) {
                Some(a) if !a.ended => {
                    return Err(Violation::event(
                        index,
                        "unit",
                        TicketErrorKind::AlreadyDispatched { unit: unit.clone() },
                    ));
                }
                Some(a) => *a = Assignment::open(unit),
                None => self.add(unit),
            },
            EventBody::Signed { unit } => {
                let a = self.open_assignment(index, unit)?;
                if a.return_pending {
                    return flow(TicketErrorKind::SignAfterReturn { unit: unit.clone() });
                }
                if a.signed {
                    return flow(TicketErrorKind::AlreadySigned { unit: unit.clone() });
                }
                a.signed = true;
            }
            EventBody::Returned { unit, .. } => {
                let a = self.open_assignment(index, unit)?;
                if a.return_pending {
                    return flow(TicketErrorKind::ReturnPending { unit: unit.clone() });
                }
                a.return_pending = true;
            }
            EventBody::ReturnDecided { unit, accepted } => {
                let a = self.open_assignment(index, unit)?;
                if !a.return_pending {
                    return flow(TicketErrorKind::NoPendingReturn { unit: unit.clone() });
                }
                a.return_pending = false;
                a.ended = *accepted;
            }
            EventBody::ExtensionRequested { unit, .. } => {
                let a = self.open_assignment(index, unit)?;
                if a.extension_pending {
                    return flow(TicketErrorKind::ExtensionPending { unit: unit.clone() });
                }
                a.extension_pending = true;
            }
            EventBody::ExtensionDecided { unit, .. } => {
                let a = self.open_assignment(index, unit)?;
                if !a.extension_pending {
                    return flow(TicketErrorKind::NoPendingExtension { unit: unit.clone() });
                }
                a.extension_pending = false;
            }
            EventBody::Paused { unit, .. } => {
                let a = self.open_assignment(index, unit)?;
                if a.paused {
                    return flow(TicketErrorKind::AlreadyPaused { unit: unit.clone() });
                }
                a.paused = true;
            }
            EventBody::Resumed { unit, .. } => {
                let a = self.open_assignment(index, unit)?;
                if !a.paused {
                    return flow(TicketErrorKind::NotPaused { unit: unit.clone() });
                }
                a.paused = false;
            }
            EventBody::Replied { unit } => {
                self.open_assignment(index, unit)?.replied = true;
                self.any_reply = true;
            }
            EventBody::Contacted { unit }
            | EventBody::Urged { unit }
            | EventBody::Supervised { unit } => {
                self.open_assignment(index, unit)?;
            }
            EventBody::Reviewed { unit, .. } => {
                let replied = match unit {
                    Some(unit) => self.open_assignment(index, unit)?.replied,
                    None => self.any_reply,
                };
                if !replied {
                    return flow(TicketErrorKind::ReviewWithoutReply);
                }
            }
            EventBody::Reopened { unit } => {
                if let Some(unit) = unit {
                    self.open_assignment(index, unit)?;
                }
                self.closed = false;
            }
            EventBody::CalledBack { satisfaction, .. } => {
                if satisfaction.is_unsatisfied() {
                    self.unsatisfied_open = self.unsatisfied_open.saturating_add(1);
                }
            }
            EventBody::Closed => self.closed = true,
            EventBody::WrittenOff => {
                if self.unsatisfied_open == 0 {
                    return flow(TicketErrorKind::NothingToWriteOff);
                }
                self.unsatisfied_open -= 1;
            }
            EventBody::FlaggedDifficult => {}
        }
        Ok(())
    }
}

/// The first text field of `event` that is present but empty, and whether the event's type
/// requires it. The text forms (JSON, tables) read an empty value as an absent one, so a typed
/// event holding one (built in code, or decoded from snapshot bytes) would not survive being
/// written and read back.
fn empty_text(event: &Event) -> Option<(&'static str, bool)> {
    if event.body.unit().is_some_and(|u| u.0.is_empty()) {
        let required = !matches!(
            event.body,
            EventBody::Reviewed { .. } | EventBody::Reopened { .. }
        );
        return Some(("unit", required));
    }
    let reason = match &event.body {
        EventBody::Returned { reason, .. } | EventBody::Paused { reason, .. } => {
            Some((reason.as_str(), true))
        }
        EventBody::Resumed {
            reason: Some(reason),
            ..
        } => Some((reason.as_str(), false)),
        _ => None,
    };
    if let Some(("", required)) = reason {
        return Some(("reason", required));
    }
    if event.event_id.as_deref() == Some("") {
        return Some(("event_id", false));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Amount;
    use crate::Role;
    use crate::ticket::{Kind, Satisfaction, Urgency};

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
