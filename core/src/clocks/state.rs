//! What evaluation reports: one clock's state, an assignment's five clocks, extension records.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::amount::Amount;
use crate::instant::Instant;
use crate::policy::{Clock, Limit};
use crate::unit::{Role, UnitId};

/// A clock's outcome at `as_of` (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Finished at or before its due instant (or finished with no limit to miss).
    OnTime,
    /// Finished after its due instant.
    Late,
    /// Not finished, due instant at or after `as_of` (still running).
    Pending,
    /// Not finished, due instant strictly before `as_of` (or before the assignment ended).
    Overdue,
    /// The clock does not apply: no limit, never started, or its assignment ended first.
    NotApplicable,
}

crate::ticket::names!(Outcome {
    OnTime = "on_time",
    Late = "late",
    Pending = "pending",
    Overdue = "overdue",
    NotApplicable = "not_applicable",
});

/// Deadline status of a running clock at `as_of` (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// More than the yellow threshold remains.
    Normal,
    /// Remaining time ≤ the threshold (`as_of` ≥ `warning_at`).
    Yellow,
    /// Overdue.
    Red,
}

crate::ticket::names!(Status {
    Normal = "normal",
    Yellow = "yellow",
    Red = "red",
});

/// One clock of one assignment at `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    /// The limit that applied (`None`: no limit).
    pub limit: Option<Limit>,
    /// When the clock started (`None`: it never started).
    pub start: Option<Instant>,
    /// Due instant, after pauses and applied extensions (while paused: as if resumed at
    /// `as_of`).
    pub due: Option<Instant>,
    /// When the clock stopped (the finishing event), if it did.
    pub finished: Option<Instant>,
    /// Outcome at `as_of`.
    pub outcome: Outcome,
    /// Deadline status, for clocks still running at `as_of` (not for `return_window`).
    pub status: Option<Status>,
    /// When the clock turns yellow (inside working time of the limit's basis).
    pub warning_at: Option<Instant>,
    /// Whether the clock is paused at `as_of`.
    pub paused: bool,
    /// Time given back for pauses, on the limit's basis, in milliseconds.
    pub paused_ms: i64,
}

impl ClockState {
    /// A clock that does not apply.
    pub const NOT_APPLICABLE: ClockState = ClockState {
        limit: None,
        start: None,
        due: None,
        finished: None,
        outcome: Outcome::NotApplicable,
        status: None,
        warning_at: None,
        paused: false,
        paused_ms: 0,
    };
}

/// The five clocks of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clocks {
    /// 签收.
    pub sign: ClockState,
    /// 先行联系.
    pub contact: ClockState,
    /// 反馈.
    pub reply: ClockState,
    /// 办结.
    pub complete: ClockState,
    /// 退单 window.
    pub return_window: ClockState,
}

impl Default for Clocks {
    fn default() -> Self {
        Clocks {
            sign: ClockState::NOT_APPLICABLE,
            contact: ClockState::NOT_APPLICABLE,
            reply: ClockState::NOT_APPLICABLE,
            complete: ClockState::NOT_APPLICABLE,
            return_window: ClockState::NOT_APPLICABLE,
        }
    }
}

impl Clocks {
    /// The state of `clock`.
    pub fn get(&self, clock: Clock) -> &ClockState {
        match clock {
            Clock::Sign => &self.sign,
            Clock::Contact => &self.contact,
            Clock::Reply => &self.reply,
            Clock::Complete => &self.complete,
            Clock::ReturnWindow => &self.return_window,
        }
    }

    /// Mutable state of `clock`.
    pub fn get_mut(&mut self, clock: Clock) -> &mut ClockState {
        match clock {
            Clock::Sign => &mut self.sign,
            Clock::Contact => &mut self.contact,
            Clock::Reply => &mut self.reply,
            Clock::Complete => &mut self.complete,
            Clock::ReturnWindow => &mut self.return_window,
        }
    }
}

/// Why an approved extension was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Neither the decision nor the request gave an amount.
    NoAmount,
    /// Requested after the due instant while the policy requires requests before it.
    RequestedAfterDue,
    /// Approved after the due instant: the lateness stands.
    ApprovedAfterDue,
    /// The policy's `max_count` was already reached.
    MaxCount,
    /// Larger than the policy's `max_each` (or not comparable with it).
    MaxEach,
    /// Would exceed the policy's `max_total` (or is not comparable with it).
    MaxTotal,
    /// The extended clock has no limit (nothing to extend).
    NoLimit,
}

crate::ticket::names!(Refusal {
    NoAmount = "no_amount",
    RequestedAfterDue = "requested_after_due",
    ApprovedAfterDue = "approved_after_due",
    MaxCount = "max_count",
    MaxEach = "max_each",
    MaxTotal = "max_total",
    NoLimit = "no_limit",
});

/// One extension decision (延期审核) and what it did to the extended clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRecord {
    /// When the unit asked (the request this decision answers), if any.
    pub requested_at: Option<Instant>,
    /// When the center decided.
    pub decided_at: Instant,
    /// The amount granted (the decision's amount, else the request's).
    pub amount: Option<Amount>,
    /// Whether the center approved it.
    pub approved: bool,
    /// Whether it moved the due instant.
    pub applied: bool,
    /// Why an approved extension was not applied.
    pub refusal: Option<Refusal>,
}

/// How an assignment ended before the ticket closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The center accepted the unit's return; the assignment ends at the return instant.
    Returned,
    /// The unit was dispatched the ticket again while this assignment was open (invalid data;
    /// validation rejects it): the old assignment ends at the new dispatch.
    Superseded,
}

crate::ticket::names!(EndReason {
    Returned = "returned",
    Superseded = "superseded",
});

/// An assignment's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AssignmentEnd {
    /// When it ended.
    pub at: Instant,
    /// Why.
    pub reason: EndReason,
}

/// One assignment (ticket × unit × role) evaluated at `as_of`. Its JSON is its
/// [`AssignmentRef`]'s.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Assignment {
    /// The ticket.
    pub ticket_id: String,
    /// The unit.
    pub unit: UnitId,
    /// Its role.
    pub role: Role,
    /// Index of the `dispatched` event in the ticket's log.
    pub event_index: usize,
    /// When it was dispatched.
    pub dispatched_at: Instant,
    /// How it ended early, if it did.
    pub ended: Option<AssignmentEnd>,
    /// The five clocks.
    pub clocks: Clocks,
    /// Extension decisions, judged against the first extended clock (`complete` by default).
    pub extensions: Vec<ExtensionRecord>,
}

/// One evaluated assignment, lent by
/// [`Evaluator::for_each_assignment`](super::Evaluator::for_each_assignment): an [`Assignment`]
/// whose texts, clocks and extension records are borrowed from the evaluation of its ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignmentRef<'a> {
    /// The ticket.
    pub ticket_id: &'a str,
    /// The unit.
    pub unit: &'a str,
    /// Its role.
    pub role: Role,
    /// Index of the `dispatched` event in the ticket's log.
    pub event_index: usize,
    /// When it was dispatched.
    pub dispatched_at: Instant,
    /// How it ended early, if it did.
    pub ended: Option<AssignmentEnd>,
    /// The five clocks.
    pub clocks: &'a Clocks,
    /// Extension decisions, judged against the first extended clock (`complete` by default).
    pub extensions: &'a [ExtensionRecord],
}

impl Assignment {
    /// This assignment, borrowed.
    pub fn borrowed(&self) -> AssignmentRef<'_> {
        AssignmentRef {
            ticket_id: &self.ticket_id,
            unit: self.unit.as_str(),
            role: self.role,
            event_index: self.event_index,
            dispatched_at: self.dispatched_at,
            ended: self.ended,
            clocks: &self.clocks,
            extensions: &self.extensions,
        }
    }
}

impl Serialize for Assignment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.borrowed().serialize(s)
    }
}

/// The one JSON writer of an assignment (owned ones write through it).
impl Serialize for AssignmentRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Assignment", 8)?;
        st.serialize_field("ticket_id", self.ticket_id)?;
        st.serialize_field("unit", self.unit)?;
        st.serialize_field("role", &self.role)?;
        st.serialize_field("event_index", &self.event_index)?;
        st.serialize_field("dispatched_at", &self.dispatched_at)?;
        st.serialize_field("ended", &self.ended)?;
        st.serialize_field("clocks", self.clocks)?;
        st.serialize_field("extensions", self.extensions)?;
        st.end()
    }
}

impl AssignmentRef<'_> {
    /// The owned assignment.
    pub fn to_assignment(&self) -> Assignment {
        Assignment {
            ticket_id: self.ticket_id.to_owned(),
            unit: UnitId::from(self.unit),
            role: self.role,
            event_index: self.event_index,
            dispatched_at: self.dispatched_at,
            ended: self.ended,
            clocks: *self.clocks,
            extensions: self.extensions.to_vec(),
        }
    }
}
