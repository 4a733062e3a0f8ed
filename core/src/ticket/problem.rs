//! What can be wrong with a ticket: the typed kinds of [`Error::InvalidTicket`], each with a
//! stable code (SPEC §3.2; the full list with examples is in `docs/semantics.md`).
//!
//! [`Error::InvalidTicket`]: crate::Error::InvalidTicket

use std::fmt;

use crate::instant::Instant;
use crate::unit::UnitId;

/// The rule a ticket or event breaks. [`TicketErrorKind::code`] is the stable code that
/// [`Error::code`](crate::Error::code) returns for [`Error::InvalidTicket`](crate::Error::InvalidTicket).
///
/// The enclosing error carries where: ticket id, event index, field and table row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TicketErrorKind {
    // --- fields ---
    /// A required field is absent or empty.
    MissingField,
    /// A field name that is not part of the schema (JSON input).
    UnknownField,
    /// A field the event's type does not take (e.g. `accepted` on `signed`).
    UnexpectedField {
        /// The event's type.
        event_type: String,
    },
    /// A value of the wrong type, or a boolean that is not `true`/`false`/`1`/`0`.
    MalformedValue {
        /// The value as given.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A timestamp that cannot be read (including one without a UTC offset).
    MalformedTimestamp {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An amount such as `5wd` that cannot be read.
    MalformedAmount {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An unknown event `type`.
    UnknownEventType {
        /// The value as given.
        value: String,
    },
    /// An unknown ticket `kind`.
    UnknownKind {
        /// The value as given.
        value: String,
    },
    /// An unknown `urgency`.
    UnknownUrgency {
        /// The value as given.
        value: String,
    },
    /// An unknown `role`.
    UnknownRole {
        /// The value as given.
        value: String,
    },
    /// An unknown `satisfaction` level.
    UnknownSatisfaction {
        /// The value as given.
        value: String,
    },
    /// A unit that is not in the units table (checked only when a units table is given).
    UnknownUnit {
        /// The unit.
        unit: UnitId,
    },
    // --- data set ---
    /// A ticket id that occurs earlier in the same data set.
    DuplicateTicket {
        /// Row (or array position) of the first occurrence, when known.
        first_row: Option<usize>,
    },
    /// Event rows whose `ticket_id` is not in the tickets table.
    UnknownTicket {
        /// How many event rows name this ticket id.
        rows: usize,
    },
    /// An `event_id` that occurs earlier in the same ticket.
    DuplicateEventId {
        /// The id.
        event_id: String,
        /// Index of the first event with this id.
        first_index: usize,
    },
    /// A ticket with more events than [`MAX_EVENTS_PER_TICKET`](crate::ticket::MAX_EVENTS_PER_TICKET)
    /// (reported at the first event past the limit).
    TooManyEvents {
        /// The limit.
        limit: usize,
    },
    // --- flow ---
    /// An event earlier than the event before it.
    EventsOutOfOrder {
        /// The previous event's instant.
        previous: Instant,
        /// This event's instant.
        at: Instant,
    },
    /// An event earlier than the ticket's `received_at`.
    EventBeforeReceived {
        /// The ticket's `received_at`.
        received_at: Instant,
        /// This event's instant.
        at: Instant,
    },
    /// An event about a unit that has not been dispatched.
    EventBeforeDispatch {
        /// The unit.
        unit: UnitId,
    },
    /// A dispatch to a unit whose assignment on this ticket is still open.
    AlreadyDispatched {
        /// The unit.
        unit: UnitId,
    },
    /// An event about a unit whose assignment ended (its return was accepted).
    AssignmentEnded {
        /// The unit.
        unit: UnitId,
    },
    /// `signed` while the unit's return is pending.
    SignAfterReturn {
        /// The unit.
        unit: UnitId,
    },
    /// A second `signed` in one assignment.
    AlreadySigned {
        /// The unit.
        unit: UnitId,
    },
    /// `returned` while an earlier return of the unit is still undecided.
    ReturnPending {
        /// The unit.
        unit: UnitId,
    },
    /// `return_decided` without a pending return of that unit.
    NoPendingReturn {
        /// The unit.
        unit: UnitId,
    },
    /// `paused` while already paused.
    AlreadyPaused {
        /// The unit.
        unit: UnitId,
    },
    /// `resumed` without `paused`.
    NotPaused {
        /// The unit.
        unit: UnitId,
    },
    /// `extension_requested` while an earlier request is still undecided.
    ExtensionPending {
        /// The unit.
        unit: UnitId,
    },
    /// `extension_decided` without a pending request.
    NoPendingExtension {
        /// The unit.
        unit: UnitId,
    },
    /// An event after `closed` other than `called_back`, `reopened`, `written_off`.
    EventAfterClose {
        /// The event's type.
        event_type: String,
    },
    /// `reviewed` with no earlier reply (of that unit, when the review names one).
    ReviewWithoutReply,
    /// `written_off` without an unsatisfied callback left to write off.
    NothingToWriteOff,
    /// A tickets-table column named like a fixed column but not exactly (`Urgency`,
    /// ` received_at`): it would be read as an attribute and the fixed column as absent.
    MisnamedColumn {
        /// The fixed column it resembles.
        column: &'static str,
    },
    /// An event without an `event_id` that repeats the event before it exactly (same instant,
    /// type and fields): a duplicated export row, which would count twice.
    RepeatedEvent,
}

impl TicketErrorKind {
    /// `malformed_value` for the JSON value `v` where `expected` was expected: a string as it
    /// is, any other value as its JSON text and type (`5 (a number)`).
    pub fn wrong_json(expected: &str, v: &serde_json::Value) -> Self {
        use serde_json::Value;
        let type_name = match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        TicketErrorKind::MalformedValue {
            value: match v {
                Value::String(s) => s.clone(),
                other => format!("{other} ({type_name})"),
            },
            expected: expected.to_owned(),
        }
    }

    /// Every code [`TicketErrorKind::code`] returns, in declaration order (kept equal to it by a
    /// unit test).
    pub const CODES: &'static [&'static str] = &[
        "missing_field",
        "unknown_field",
        "unexpected_field",
        "malformed_value",
        "malformed_timestamp",
        "malformed_amount",
        "unknown_event_type",
        "unknown_kind",
        "unknown_urgency",
        "unknown_role",
        "unknown_satisfaction",
        "unknown_unit",
        "duplicate_ticket",
        "unknown_ticket",
        "duplicate_event_id",
        "too_many_events",
        "events_out_of_order",
        "event_before_received",
        "event_before_dispatch",
        "already_dispatched",
        "assignment_ended",
        "sign_after_return",
        "already_signed",
        "return_pending",
        "no_pending_return",
        "already_paused",
        "not_paused",
        "extension_pending",
        "no_pending_extension",
        "event_after_close",
        "review_without_reply",
        "nothing_to_write_off",
        "misnamed_column",
        "repeated_event",
    ];

    /// The stable snake_case code.
    pub const fn code(&self) -> &'static str {
        use TicketErrorKind::*;
        match self {
            MissingField => "missing_field",
            UnknownField => "unknown_field",
            UnexpectedField { .. } => "unexpected_field",
            MalformedValue { .. } => "malformed_value",
            MalformedTimestamp { .. } => "malformed_timestamp",
            MalformedAmount { .. } => "malformed_amount",
            UnknownEventType { .. } => "unknown_event_type",
            UnknownKind { .. } => "unknown_kind",
            UnknownUrgency { .. } => "unknown_urgency",
            UnknownRole { .. } => "unknown_role",
            UnknownSatisfaction { .. } => "unknown_satisfaction",
            UnknownUnit { .. } => "unknown_unit",
            DuplicateTicket { .. } => "duplicate_ticket",
            UnknownTicket { .. } => "unknown_ticket",
            DuplicateEventId { .. } => "duplicate_event_id",
            TooManyEvents { .. } => "too_many_events",
            EventsOutOfOrder { .. } => "events_out_of_order",
            EventBeforeReceived { .. } => "event_before_received",
            EventBeforeDispatch { .. } => "event_before_dispatch",
            AlreadyDispatched { .. } => "already_dispatched",
            AssignmentEnded { .. } => "assignment_ended",
            SignAfterReturn { .. } => "sign_after_return",
            AlreadySigned { .. } => "already_signed",
            ReturnPending { .. } => "return_pending",
            NoPendingReturn { .. } => "no_pending_return",
            AlreadyPaused { .. } => "already_paused",
            NotPaused { .. } => "not_paused",
            ExtensionPending { .. } => "extension_pending",
            NoPendingExtension { .. } => "no_pending_extension",
            EventAfterClose { .. } => "event_after_close",
            ReviewWithoutReply => "review_without_reply",
            NothingToWriteOff => "nothing_to_write_off",
            MisnamedColumn { .. } => "misnamed_column",
            RepeatedEvent => "repeated_event",
        }
    }
}

impl fmt::Display for TicketErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TicketErrorKind::*;
        match self {
            MissingField => f.write_str("required field is missing or empty"),
            UnknownField => f.write_str("unknown field"),
            UnexpectedField { event_type } => {
                write!(
                    f,
                    "an event of type `{event_type}` does not take this field"
                )
            }
            MalformedValue { value, expected } => write!(f, "{value:?} is not {expected}"),
            MalformedTimestamp { value, reason } => {
                write!(f, "invalid timestamp {value:?}: {reason}")
            }
            MalformedAmount { value, reason } => write!(f, "invalid amount {value:?}: {reason}"),
            UnknownEventType { value } => {
                let names = crate::ticket::EventType::ALL.iter().map(|t| t.name());
                write!(f, "unknown event type {value:?}")?;
                if let Some(s) = crate::formula::suggest::closest(value.trim(), names.clone()) {
                    write!(f, " (did you mean {s:?}?)")?;
                }
                write!(
                    f,
                    "; expected one of {}",
                    names.collect::<Vec<_>>().join(", ")
                )
            }
            UnknownKind { value } => write!(
                f,
                "unknown kind {value:?}; expected one of consult, help, complaint, report, suggestion, praise, other (or 咨询, 求助, 投诉, 举报, 建议, 表扬, 其他)"
            ),
            UnknownUrgency { value } => {
                write!(
                    f,
                    "unknown urgency {value:?}; expected normal or urgent (一般, 紧急)"
                )
            }
            UnknownRole { value } => {
                write!(
                    f,
                    "unknown role {value:?}; expected lead or assisting (主办, 协办)"
                )
            }
            UnknownSatisfaction { value } => write!(
                f,
                "unknown satisfaction {value:?}; expected very_satisfied, satisfied, basically_satisfied, unsatisfied, very_unsatisfied or unreachable (or 非常满意, 满意, 基本满意, 不满意, 非常不满意)"
            ),
            UnknownUnit { unit } => write!(f, "unit {:?} is not in the units table", unit.0),
            DuplicateTicket { first_row: Some(r) } => {
                write!(f, "duplicate ticket id (first seen at row {r}); skipped")
            }
            DuplicateTicket { first_row: None } => f.write_str("duplicate ticket id; skipped"),
            TooManyEvents { limit } => {
                write!(
                    f,
                    "the ticket has more than {limit} events (the per-ticket limit)"
                )
            }
            UnknownTicket { rows } => {
                write!(
                    f,
                    "{rows} event row(s) name a ticket that is not in the tickets table"
                )
            }
            DuplicateEventId {
                event_id,
                first_index,
            } => write!(
                f,
                "event_id {event_id:?} already used by event {first_index} of this ticket"
            ),
            EventsOutOfOrder { previous, at } => {
                write!(
                    f,
                    "event at {at} is earlier than the event before it ({previous}); a ticket's \
                     events must be in time order (a table sorted by another column: sort it by \
                     ticket_id, then at)"
                )
            }
            EventBeforeReceived { received_at, at } => {
                write!(
                    f,
                    "event at {at} is earlier than the ticket's received_at ({received_at})"
                )
            }
            EventBeforeDispatch { unit } => {
                write!(f, "unit {:?} has not been dispatched", unit.0)
            }
            AlreadyDispatched { unit } => {
                write!(
                    f,
                    "unit {:?} already has an open assignment on this ticket",
                    unit.0
                )
            }
            AssignmentEnded { unit } => write!(
                f,
                "the assignment of unit {:?} ended (return accepted); dispatch it again first",
                unit.0
            ),
            SignAfterReturn { unit } => {
                write!(f, "unit {:?} signs while its return is pending", unit.0)
            }
            AlreadySigned { unit } => write!(f, "unit {:?} already signed", unit.0),
            ReturnPending { unit } => {
                write!(
                    f,
                    "unit {:?} returns again before its return is decided",
                    unit.0
                )
            }
            NoPendingReturn { unit } => write!(f, "unit {:?} has no pending return", unit.0),
            AlreadyPaused { unit } => write!(f, "unit {:?} is already paused", unit.0),
            NotPaused { unit } => write!(f, "unit {:?} is not paused", unit.0),
            ExtensionPending { unit } => write!(
                f,
                "unit {:?} requests an extension while one is still undecided",
                unit.0
            ),
            NoPendingExtension { unit } => {
                write!(f, "unit {:?} has no pending extension request", unit.0)
            }
            EventAfterClose { event_type } => write!(
                f,
                "`{event_type}` after `closed` (only called_back, reopened and written_off may follow)"
            ),
            ReviewWithoutReply => f.write_str("review without an earlier reply"),
            NothingToWriteOff => f.write_str("no unsatisfied callback left to write off"),
            MisnamedColumn { column } => write!(
                f,
                "this column looks like `{column}` but column names are exact (lower case, no \
                 spaces): rename it `{column}`; as it is, its values would be read as an \
                 attribute and `{column}` as absent"
            ),
            RepeatedEvent => f.write_str(
                "this event repeats the one before it exactly (same instant, type and fields) \
                 and has no event_id: a duplicated row would count twice; remove it, or give \
                 two real events event_ids",
            ),
        }
    }
}

/// A rule violation before the ticket id and table row are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub event_index: Option<usize>,
    pub field: String,
    pub kind: TicketErrorKind,
}

impl Violation {
    /// A violation in `field` of the ticket's own fields.
    pub(crate) fn ticket(field: &str, kind: TicketErrorKind) -> Self {
        Violation {
            event_index: None,
            field: field.to_owned(),
            kind,
        }
    }

    /// A violation in `field` of event `index`.
    pub(crate) fn event(index: usize, field: &str, kind: TicketErrorKind) -> Self {
        Violation {
            event_index: Some(index),
            field: field.to_owned(),
            kind,
        }
    }

    /// The full error, with ticket id and table row.
    pub(crate) fn into_error(self, ticket_id: &str, row: Option<usize>) -> crate::Error {
        crate::Error::InvalidTicket {
            ticket_id: ticket_id.to_owned(),
            event_index: self.event_index,
            field: self.field,
            row,
            kind: Box::new(self.kind),
        }
    }
}

/// Where an [`Error::InvalidTicket`](crate::Error::InvalidTicket) is, as its message opens:
/// ``ticket "T1", event 3 (row 17), field `unit` ``. A ticket whose id is not known (an array
/// element that is no ticket object, a row without an id) is `ticket without an id`; an empty
/// field (the element itself) is left out.
pub(crate) fn whereabouts(
    ticket_id: &str,
    event_index: Option<usize>,
    row: Option<usize>,
    field: &str,
) -> String {
    let mut out = if ticket_id.is_empty() {
        String::from("ticket without an id")
    } else {
        format!("ticket {ticket_id:?}")
    };
    match (event_index, row) {
        (Some(e), Some(r)) => out.push_str(&format!(", event {e} (row {r})")),
        (Some(e), None) => out.push_str(&format!(", event {e}")),
        (None, Some(r)) => out.push_str(&format!(" (row {r})")),
        (None, None) => {}
    }
    if !field.is_empty() {
        out.push_str(&format!(", field `{field}`"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lists_every_kind() {
        let u = || UnitId::from("u1");
        let t = Instant::from_millis(0);
        let s = || String::from("x");
        use TicketErrorKind::*;
        let all = [
            MissingField,
            UnknownField,
            UnexpectedField { event_type: s() },
            MalformedValue {
                value: s(),
                expected: s(),
            },
            MalformedTimestamp {
                value: s(),
                reason: s(),
            },
            MalformedAmount {
                value: s(),
                reason: s(),
            },
            UnknownEventType { value: s() },
            UnknownKind { value: s() },
            UnknownUrgency { value: s() },
            UnknownRole { value: s() },
            UnknownSatisfaction { value: s() },
            UnknownUnit { unit: u() },
            DuplicateTicket { first_row: None },
            UnknownTicket { rows: 1 },
            DuplicateEventId {
                event_id: s(),
                first_index: 0,
            },
            TooManyEvents { limit: 1 },
            EventsOutOfOrder { previous: t, at: t },
            EventBeforeReceived {
                received_at: t,
                at: t,
            },
            EventBeforeDispatch { unit: u() },
            AlreadyDispatched { unit: u() },
            AssignmentEnded { unit: u() },
            SignAfterReturn { unit: u() },
            AlreadySigned { unit: u() },
            ReturnPending { unit: u() },
            NoPendingReturn { unit: u() },
            AlreadyPaused { unit: u() },
            NotPaused { unit: u() },
            ExtensionPending { unit: u() },
            NoPendingExtension { unit: u() },
            EventAfterClose { event_type: s() },
            ReviewWithoutReply,
            NothingToWriteOff,
            MisnamedColumn { column: "urgency" },
            RepeatedEvent,
        ];
        // Exhaustive (no wildcard): a new kind stops this compiling until it has a sample.
        let ordinal = |k: &TicketErrorKind| match k {
            MissingField => 0,
            UnknownField => 1,
            UnexpectedField { .. } => 2,
            MalformedValue { .. } => 3,
            MalformedTimestamp { .. } => 4,
            MalformedAmount { .. } => 5,
            UnknownEventType { .. } => 6,
            UnknownKind { .. } => 7,
            UnknownUrgency { .. } => 8,
            UnknownRole { .. } => 9,
            UnknownSatisfaction { .. } => 10,
            UnknownUnit { .. } => 11,
            DuplicateTicket { .. } => 12,
            UnknownTicket { .. } => 13,
            DuplicateEventId { .. } => 14,
            TooManyEvents { .. } => 15,
            EventsOutOfOrder { .. } => 16,
            EventBeforeReceived { .. } => 17,
            EventBeforeDispatch { .. } => 18,
            AlreadyDispatched { .. } => 19,
            AssignmentEnded { .. } => 20,
            SignAfterReturn { .. } => 21,
            AlreadySigned { .. } => 22,
            ReturnPending { .. } => 23,
            NoPendingReturn { .. } => 24,
            AlreadyPaused { .. } => 25,
            NotPaused { .. } => 26,
            ExtensionPending { .. } => 27,
            NoPendingExtension { .. } => 28,
            EventAfterClose { .. } => 29,
            ReviewWithoutReply => 30,
            NothingToWriteOff => 31,
            MisnamedColumn { .. } => 32,
            RepeatedEvent => 33,
        };
        let ordinals: Vec<usize> = all.iter().map(ordinal).collect();
        assert_eq!(ordinals, (0..all.len()).collect::<Vec<_>>());
        let codes: Vec<&str> = all.iter().map(TicketErrorKind::code).collect();
        assert_eq!(codes, TicketErrorKind::CODES);
    }
}
