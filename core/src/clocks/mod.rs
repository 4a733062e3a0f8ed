//! Assignments and their stage clocks (SPEC §3.3).
//!
//! Each `dispatched` event opens an **assignment** (ticket × unit × role). Evaluating a ticket at
//! `as_of` gives, per assignment, five clocks — `sign`, `contact`, `reply`, `complete`,
//! `return_window` — each with its limit (from the [`Policy`](crate::Policy)), start, due
//! instant, finish instant, [`Outcome`] and, for running clocks, a deadline [`Status`] with the
//! exact instant it turns yellow.
//!
//! The rules, in short (every choice is listed in `docs/semantics.md`):
//! - only events at or before `as_of` count; finishing exactly at the due instant is on time, and
//!   a clock is overdue only when its due instant is strictly before `as_of`;
//! - a pause stops the clock on its limit's basis and gives the paused time back; a pause that
//!   starts at or after the due instant changes nothing (the breach stands);
//! - an approved extension adds to the original due instant (working days extend the day count);
//!   one approved after the due instant is recorded but not applied; the policy's `max_count`,
//!   `max_each`, `max_total` and `must_request_before_due` refuse extensions with a recorded
//!   [`Refusal`], never an error;
//! - the sign clock stops at `signed`, `returned`, or the end of the assignment; an accepted
//!   return ends the assignment at the return instant; clocks it leaves unfinished become
//!   `not_applicable`, unless already breached (`overdue`);
//! - the completion clock stops at the ticket's final `closed` (or the unit's last passed reply);
//!   a reopen reopens it against the same due instant.

mod batch;
mod context;
mod evaluate;
mod facts;
mod state;
mod texts;
mod timer;
mod view;

pub(crate) use batch::{Adopted, Header};
pub use batch::{BatchJson, TicketBatch};
pub use context::Evaluator;
pub(crate) use context::FxHasher;
pub(crate) use facts::Scratch;
pub use state::{
    Assignment, AssignmentEnd, AssignmentRef, ClockState, Clocks, EndReason, ExtensionRecord,
    Outcome, Refusal, Status,
};

pub(crate) use evaluate::Detail;
pub(crate) use facts::Facts;
pub(crate) use texts::NO_TEXT;
#[cfg(test)]
pub(crate) use view::UnitNames;
pub(crate) use view::{Body, CEvent, Converter, NO_UNIT, TicketView, is_repeat};

#[cfg(test)]
mod tests;
