//! The fixed catalog of base metrics (SPEC §5): per-unit integer counters, each with its meaning,
//! its period anchor and the roles it counts by default.
//!
//! Counters are kept separately for the `lead` and `assisting` roles so they stay integers. In a
//! formula, `lead.<name>` and `assisting.<name>` address one role; the bare `<name>` is the
//! default combination ([`Counter::default_roles`]): sign-for, reply and side events count for
//! every assigned unit, completion and satisfaction only for the lead unit.
//!
//! ```
//! use hotline_score::metrics::{Anchor, Counter};
//! let c = Counter::from_name("closed_on_time").unwrap();
//! assert_eq!(c.anchor(), Anchor::Due);
//! assert_eq!(Counter::ALL.len(), Counter::COUNT);
//! ```

use serde::{Deserialize, Serialize};

/// Which event puts an assignment into a period's count (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// **D**: the assignment was dispatched in the period.
    Dispatched,
    /// **Due** (应办结): the completion due instant lies in the period and strictly before
    /// `as_of` (or, with `due_anchor = "due_or_closed"`, the ticket closed early in the period).
    Due,
    /// **C**: the ticket was closed in the period.
    Closed,
    /// **V**: the callback (回访) happened in the period.
    Callback,
}

/// Which roles the bare metric name sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultRoles {
    /// Lead and assisting units alike (sign-for, reply, returns, side events).
    All,
    /// Only the lead unit (completion and satisfaction).
    LeadOnly,
}

macro_rules! counters {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $anchor:ident, $roles:ident; )*) => {
        /// One base metric of the catalog. The discriminant is the column index in the partial
        /// state (see `docs/partial-state.md`); append new counters at the end only.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[repr(u8)]
        pub enum Counter {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Counter {
            /// Every counter, in column order.
            pub const ALL: &'static [Counter] = &[ $( Counter::$variant, )* ];
            /// Number of counters (columns per role).
            pub const COUNT: usize = Self::ALL.len();

            /// The snake_case name used in formulas, scheme files and tables.
            pub const fn name(self) -> &'static str {
                match self { $( Counter::$variant => $name, )* }
            }

            /// The period anchor of this counter.
            pub const fn anchor(self) -> Anchor {
                match self { $( Counter::$variant => Anchor::$anchor, )* }
            }

            /// The roles the bare name sums.
            pub const fn default_roles(self) -> DefaultRoles {
                match self { $( Counter::$variant => DefaultRoles::$roles, )* }
            }

            /// The one-line meaning of this counter.
            pub const fn doc(self) -> &'static str {
                match self { $( Counter::$variant => concat!($($doc),*), )* }
            }
        }
    };
}

counters! {
    // --- D: dispatched in the period -----------------------------------------------------
    /// Assignments dispatched (派单) to the unit.
    Dispatched = "dispatched", Dispatched, All;
    /// Assignments whose sign clock stopped within the sign limit: signed for (签收) in time, or
    /// returned or ended unsigned in time.
    SignedOnTime = "signed_on_time", Dispatched, All;
    /// Assignments signed for after the sign limit.
    SignedLate = "signed_late", Dispatched, All;
    /// Assignments whose sign clock passed the sign limit without a sign-for: still unsigned at
    /// `as_of`, or returned or ended unsigned after the limit.
    SignOverdue = "sign_overdue", Dispatched, All;
    /// Assignments not signed for and still within the sign limit at `as_of`.
    SignPending = "sign_pending", Dispatched, All;
    /// Assignments signed for, on time or late.
    Signed = "signed", Dispatched, All;
    /// Assignments whose first contact with the citizen (先行联系) was recorded.
    Contacted = "contacted", Dispatched, All;
    /// Assignments whose first contact was within the contact limit.
    ContactedOnTime = "contacted_on_time", Dispatched, All;
    /// Assignments with a reply (反馈).
    Replied = "replied", Dispatched, All;
    /// Assignments whose first reply was within the reply limit.
    RepliedOnTime = "replied_on_time", Dispatched, All;
    /// Returns (退单) made by the unit.
    Returned = "returned", Dispatched, All;
    /// Returns the center accepted.
    ReturnsAccepted = "returns_accepted", Dispatched, All;
    /// Returns the center rejected (invalid returns).
    ReturnsRejected = "returns_rejected", Dispatched, All;
    /// Returns made after the return window.
    ReturnsLate = "returns_late", Dispatched, All;
    /// Extension (延期) requests.
    ExtensionsRequested = "extensions_requested", Dispatched, All;
    /// Extension requests approved.
    ExtensionsApproved = "extensions_approved", Dispatched, All;
    /// Assignments of urgent tickets.
    Urgent = "urgent", Dispatched, All;
    /// Assignments of urgent tickets whose first reply met the urgent reply limit.
    UrgentRepliedOnTime = "urgent_replied_on_time", Dispatched, All;
    /// Reminders (催办) received.
    Urged = "urged", Dispatched, All;
    /// Formal supervisions (督办) received.
    Supervised = "supervised", Dispatched, All;
    /// Assignments of tickets flagged difficult (疑难).
    Difficult = "difficult", Dispatched, All;
    /// Assignments of tickets with attribute `repeat` set (重复件).
    Repeat = "repeat", Dispatched, All;
    /// Working milliseconds from dispatch to sign-for, summed over signed assignments.
    SignWorkingMs = "sign_working_ms", Dispatched, All;
    // --- Due: completion due in the period (应办结) --------------------------------------
    /// Assignments whose completion was due in the period, before `as_of`.
    Due = "due", Due, LeadOnly;
    /// Due assignments closed (办结) by their due instant.
    ClosedOnTime = "closed_on_time", Due, LeadOnly;
    /// Due assignments closed after their due instant.
    ClosedLate = "closed_late", Due, LeadOnly;
    /// Due assignments not closed by their due instant and not closed at all by `as_of` (still
    /// open, ended by an accepted return after it, or, under `complete_on = "passed_reply"`,
    /// without a passed reply).
    OverdueOpen = "overdue_open", Due, LeadOnly;
    /// Due assignments closed, on time or late (`closed_on_time + closed_late`).
    DueClosed = "due_closed", Due, LeadOnly;
    /// Due assignments closed without ever being reopened (一次办结).
    ClosedFirstTime = "closed_first_time", Due, LeadOnly;
    /// Working milliseconds past the due instant, summed over late and overdue assignments.
    OverdueWorkingMs = "overdue_working_ms", Due, LeadOnly;
    // --- C: closed in the period ---------------------------------------------------------
    /// Assignments whose completion clock stopped in the period: the ticket closed (办结), or under
    /// `complete_on = "passed_reply"` the unit's reply passed review.
    Closed = "closed", Closed, LeadOnly;
    /// Reopenings (重办) in the period.
    Reopened = "reopened", Closed, LeadOnly;
    /// Reviews (审核) of the unit's reply passed.
    ReviewPassed = "review_passed", Closed, All;
    /// Reviews failed: reply non-compliant (答复不规范), sent back.
    ReviewFailed = "review_failed", Closed, All;
    /// Working milliseconds from the completion clock's start (the dispatch; the first dispatch
    /// under `redispatch = "continue"`) to its stop, summed over closed assignments.
    CompleteWorkingMs = "complete_working_ms", Closed, LeadOnly;
    // --- V: callbacks in the period ------------------------------------------------------
    /// Valid callbacks (回访 that reached the citizen and recorded a level).
    Callbacks = "callbacks", Callback, LeadOnly;
    /// Callbacks rated 非常满意.
    VerySatisfied = "very_satisfied", Callback, LeadOnly;
    /// Callbacks rated 满意.
    Satisfied = "satisfied", Callback, LeadOnly;
    /// Callbacks rated 基本满意.
    BasicallySatisfied = "basically_satisfied", Callback, LeadOnly;
    /// Callbacks rated 不满意 (after write-offs).
    Unsatisfied = "unsatisfied", Callback, LeadOnly;
    /// Callbacks rated 非常不满意 (after write-offs).
    VeryUnsatisfied = "very_unsatisfied", Callback, LeadOnly;
    /// Callbacks that did not reach the citizen.
    CallbacksUnreachable = "callbacks_unreachable", Callback, LeadOnly;
    /// Unsatisfied callbacks written off (销号) as unreasonable.
    WrittenOff = "written_off", Callback, LeadOnly;
    /// Callbacks where the citizen said the problem was resolved.
    Resolved = "resolved", Callback, LeadOnly;
    /// Callbacks where the citizen said the problem was not resolved.
    Unresolved = "unresolved", Callback, LeadOnly;
    /// Tickets whose first callback was satisfied or better (初次满意).
    InitialSatisfied = "initial_satisfied", Callback, LeadOnly;
}

impl Counter {
    /// The counter called `name`, if any.
    pub fn from_name(name: &str) -> Option<Counter> {
        Counter::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The column index of this counter in a role's row of the partial state.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The counters this one is the sum of (SPEC §5's partitions: `dispatched`, `due`,
    /// `due_closed`, `callbacks`); empty for the others.
    pub const fn parts(self) -> &'static [Counter] {
        use Counter::*;
        match self {
            Dispatched => &[SignedOnTime, SignedLate, SignOverdue, SignPending],
            Due => &[ClosedOnTime, ClosedLate, OverdueOpen],
            DueClosed => &[ClosedOnTime, ClosedLate],
            Callbacks => &[
                VerySatisfied,
                Satisfied,
                BasicallySatisfied,
                Unsatisfied,
                VeryUnsatisfied,
            ],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<_> = Counter::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Counter::COUNT);
        for (i, c) in Counter::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Counter::from_name(c.name()), Some(*c));
            assert!(!c.doc().is_empty());
        }
        assert_eq!(Counter::from_name("no_such_metric"), None);
    }

    #[test]
    fn serde_uses_the_catalog_name() {
        for c in Counter::ALL {
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.name())
            );
        }
    }
}
