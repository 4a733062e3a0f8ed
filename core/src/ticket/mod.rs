//! Tickets (工单) and their event logs (工单流转记录), SPEC §3.
//!
//! - [`Ticket`], [`Event`], [`EventBody`]: the typed model, with serde in the JSON shape of the
//!   SPEC (a ticket is its fields, an `attributes` map and an ordered `events` array; an event is
//!   one flat object `{"at": …, "type": "dispatched", "unit": …}`).
//! - [`TicketRow`], [`EventRow`]: the flat tables of SPEC §3.2a (CSV, DataFrames, JSON rows);
//!   [`TicketRowRef`], [`EventRowRef`]: the same rows with borrowed cells, for columns in memory.
//! - [`load_tickets`], [`load_json`], [`load_rows`] / [`Assembler`]: turn input into validated
//!   tickets, in [`Mode::Strict`] or [`Mode::Lenient`] (every skipped ticket reported as a
//!   [`Diagnostic`]).
//! - [`Ticket::validate`]: the rules of SPEC §3.2; every failure is an
//!   [`Error::InvalidTicket`](crate::Error::InvalidTicket) whose [`TicketErrorKind`] gives the
//!   stable code. The rules are listed in `docs/semantics.md`, "Tickets and events".

use serde::{Deserialize, Serialize};

mod assemble;
mod borrowed;
mod cells;
mod event;
mod event_serde;
mod flow;
mod json;
mod json_parts;
mod load;
mod model;
mod problem;
mod rows;
mod set;
mod stage;
mod units;
mod validate;
mod verdict;

pub use assemble::{Assembler, load_rows};
pub use borrowed::{EventRowRef, InstantCell, TicketRowRef};
pub(crate) use cells::EventParts;
pub(crate) use cells::TicketHead;
pub use event::{EventBody, EventType};
pub(crate) use flow::{Flow, FlowKeys, check_header};
pub use json::{event_from_json, id_text, load_json, rows_ids_as_text};
pub use json_parts::{load_json_arrays, load_json_parallel};
pub use load::{Diagnostic, Loaded, LoadedBatch, Mode, load_tickets};
pub use model::{Event, Ticket};
pub use problem::TicketErrorKind;
pub(crate) use problem::whereabouts;
pub use rows::{EventRow, TicketRow, resembles};
pub use set::{TicketSet, TicketsJson, TicketsRef};
pub use units::{KnownUnits, check_units};
pub(crate) use validate::SeenIds;

/// The most events one ticket may have (`too_many_events` beyond). Real tickets have tens of
/// events and the longest-running ones a few hundred; the limit is far above that, and keeps the
/// cost of one ticket bounded where it grows faster than its log (the real-time board
/// re-evaluates a ticket's whole log on every event it ingests, and re-checks it for late ones).
pub const MAX_EVENTS_PER_TICKET: usize = 10_000;

/// Implements `ALL`, `name()` and `from_name()` for a fieldless enum whose serde names are the
/// given snake_case strings; `Variant = "name" | "别名"` also reads the aliases (the glossary's
/// Chinese names, as a center's export writes them) in `from_name`, never in `name()`.
macro_rules! names {
    ($ty:ident { $($variant:ident = $name:literal $(| $alias:literal)*),* $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The snake_case name used in files and tables.
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),*
                }
            }

            /// The value named `name` (exact snake_case spelling, or an alias), if any.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name $(| $alias)* => Some($ty::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
pub(crate) use names;

/// The kind of request (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 咨询
    Consult,
    /// 求助
    Help,
    /// 投诉
    Complaint,
    /// 举报
    Report,
    /// 建议
    Suggestion,
    /// 表扬
    Praise,
    /// 其他
    Other,
}

names!(Kind {
    Consult = "consult" | "咨询",
    Help = "help" | "求助",
    Complaint = "complaint" | "投诉",
    Report = "report" | "举报",
    Suggestion = "suggestion" | "建议",
    Praise = "praise" | "表扬",
    Other = "other" | "其他",
});

/// Urgency of a ticket.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 一般
    #[default]
    Normal,
    /// 紧急
    Urgent,
}

names!(Urgency {
    Normal = "normal" | "一般",
    Urgent = "urgent" | "紧急",
});

/// A callback's satisfaction level (5-level scale; 3-level data uses the middle three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 非常满意
    VerySatisfied,
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意
    Unsatisfied,
    /// 非常不满意
    VeryUnsatisfied,
    /// The citizen could not be reached; not a valid callback.
    Unreachable,
}

names!(Satisfaction {
    VerySatisfied = "very_satisfied" | "非常满意",
    Satisfied = "satisfied" | "满意",
    BasicallySatisfied = "basically_satisfied" | "基本满意",
    Unsatisfied = "unsatisfied" | "不满意",
    VeryUnsatisfied = "very_unsatisfied" | "非常不满意",
    Unreachable = "unreachable",
});

impl Satisfaction {
    /// Whether this is a valid callback (the citizen was reached).
    pub const fn is_valid(self) -> bool {
        !matches!(self, Satisfaction::Unreachable)
    }

    /// Whether this level is 不满意 or worse (what a `written_off` can remove).
    pub const fn is_unsatisfied(self) -> bool {
        matches!(
            self,
            Satisfaction::Unsatisfied | Satisfaction::VeryUnsatisfied
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of a `names!` enum: its name is its serde text and reads back.
    fn names_are_serde<T: Serialize + Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        name: fn(T) -> &'static str,
        from_name: fn(&str) -> Option<T>,
    ) {
        for v in all {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", name(*v)));
            assert_eq!(from_name(name(*v)), Some(*v));
        }
    }

    #[test]
    fn names_match_serde() {
        use crate::clocks::{EndReason, Outcome, Refusal, Status};
        use crate::unit::Role;
        names_are_serde(Kind::ALL, Kind::name, Kind::from_name);
        names_are_serde(
            Satisfaction::ALL,
            Satisfaction::name,
            Satisfaction::from_name,
        );
        names_are_serde(Urgency::ALL, Urgency::name, Urgency::from_name);
        names_are_serde(Role::ALL, Role::name, Role::from_name);
        names_are_serde(Outcome::ALL, Outcome::name, Outcome::from_name);
        names_are_serde(Status::ALL, Status::name, Status::from_name);
        names_are_serde(EndReason::ALL, EndReason::name, EndReason::from_name);
        names_are_serde(Refusal::ALL, Refusal::name, Refusal::from_name);
        use crate::policy::TimeBasis;
        names_are_serde(TimeBasis::ALL, TimeBasis::name, TimeBasis::from_name);
        assert_eq!(Kind::from_name("Consult"), None);
        // The glossary's Chinese names read as aliases; the name stays the snake_case one.
        for (alias, kind) in [
            ("咨询", Kind::Consult),
            ("求助", Kind::Help),
            ("投诉", Kind::Complaint),
            ("举报", Kind::Report),
            ("建议", Kind::Suggestion),
            ("表扬", Kind::Praise),
            ("其他", Kind::Other),
        ] {
            assert_eq!(Kind::from_name(alias), Some(kind));
        }
        assert_eq!(Urgency::from_name("紧急"), Some(Urgency::Urgent));
        assert_eq!(Urgency::from_name("一般"), Some(Urgency::Normal));
        assert_eq!(Role::from_name("主办"), Some(Role::Lead));
        assert_eq!(Role::from_name("协办"), Some(Role::Assisting));
        for (alias, level) in [
            ("非常满意", Satisfaction::VerySatisfied),
            ("满意", Satisfaction::Satisfied),
            ("基本满意", Satisfaction::BasicallySatisfied),
            ("不满意", Satisfaction::Unsatisfied),
            ("非常不满意", Satisfaction::VeryUnsatisfied),
        ] {
            assert_eq!(Satisfaction::from_name(alias), Some(level));
            assert_eq!(Satisfaction::from_name(level.name()), Some(level));
        }
        assert_eq!(Kind::from_name("咨询").map(Kind::name), Some("consult"));
        assert!(Satisfaction::VeryUnsatisfied.is_unsatisfied());
        assert!(!Satisfaction::Unreachable.is_valid());
    }
}
