//! Event types and their fields (SPEC §3.2).

use crate::amount::Amount;
use crate::ticket::{Satisfaction, names};
use crate::unit::{Role, UnitId};

/// What happened, with the fields of its type (SPEC §3.2). Serialized as part of one flat
/// [`Event`](crate::ticket::Event) object, tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventBody {
    /// 派单: the center assigns the ticket to `unit` in `role`; opens an assignment.
    Dispatched {
        /// The unit assigned.
        unit: UnitId,
        /// Lead (主办, the default) or assisting (协办).
        role: Role,
    },
    /// 签收: the unit acknowledges its assignment.
    Signed {
        /// The unit.
        unit: UnitId,
    },
    /// 退单: the unit sends the ticket back as "not ours".
    Returned {
        /// The unit.
        unit: UnitId,
        /// Why.
        reason: String,
    },
    /// 退单审核: the center accepts the pending return (assignment ends) or rejects it.
    ReturnDecided {
        /// The unit whose return is decided.
        unit: UnitId,
        /// Accepted (the assignment ends as returned) or rejected (the unit keeps the ticket).
        accepted: bool,
    },
    /// 先行联系: the unit first contacts the citizen.
    Contacted {
        /// The unit.
        unit: UnitId,
    },
    /// 延期申请: the unit asks for more time.
    ExtensionRequested {
        /// The unit.
        unit: UnitId,
        /// How much (e.g. `5wd`).
        amount: Amount,
    },
    /// 延期审核: the center approves or refuses the pending extension request.
    ExtensionDecided {
        /// The unit.
        unit: UnitId,
        /// Approved or refused.
        approved: bool,
        /// The amount approved, when it differs from the request (only with `approved`).
        amount: Option<Amount>,
    },
    /// 中止 / 挂起: the unit's clocks stop.
    Paused {
        /// The unit.
        unit: UnitId,
        /// Why (e.g. waiting for the citizen).
        reason: String,
    },
    /// The unit's clocks restart.
    Resumed {
        /// The unit.
        unit: UnitId,
        /// Why, if given.
        reason: Option<String>,
    },
    /// 反馈 / 答复: the unit reports its result.
    Replied {
        /// The unit.
        unit: UnitId,
    },
    /// 审核: the center checks a reply.
    Reviewed {
        /// Passed, or sent back (退回重办; the reply counts as non-compliant).
        passed: bool,
        /// The unit whose reply was reviewed, if given.
        unit: Option<UnitId>,
    },
    /// 重办: the ticket goes back for re-handling (after a review or a callback).
    Reopened {
        /// The unit that re-handles it, if given.
        unit: Option<UnitId>,
    },
    /// 回访: the center asks the citizen.
    CalledBack {
        /// The level, or `unreachable`.
        satisfaction: Satisfaction,
        /// Whether the citizen says the problem is solved, if asked.
        resolved: Option<bool>,
    },
    /// 办结: the ticket is closed.
    Closed,
    /// 催办: a reminder to the unit.
    Urged {
        /// The unit.
        unit: UnitId,
    },
    /// 督办: formal supervision of the unit.
    Supervised {
        /// The unit.
        unit: UnitId,
    },
    /// 疑难: the ticket goes to the difficult-ticket pool.
    FlaggedDifficult,
    /// 销号 / 甄别: the last 不满意 callback is removed from satisfaction counts.
    WrittenOff,
}

/// The type of an event, without its fields: the `type` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// `dispatched`
    Dispatched,
    /// `signed`
    Signed,
    /// `returned`
    Returned,
    /// `return_decided`
    ReturnDecided,
    /// `contacted`
    Contacted,
    /// `extension_requested`
    ExtensionRequested,
    /// `extension_decided`
    ExtensionDecided,
    /// `paused`
    Paused,
    /// `resumed`
    Resumed,
    /// `replied`
    Replied,
    /// `reviewed`
    Reviewed,
    /// `reopened`
    Reopened,
    /// `called_back`
    CalledBack,
    /// `closed`
    Closed,
    /// `urged`
    Urged,
    /// `supervised`
    Supervised,
    /// `flagged_difficult`
    FlaggedDifficult,
    /// `written_off`
    WrittenOff,
}

names!(EventType {
    Dispatched = "dispatched",
    Signed = "signed",
    Returned = "returned",
    ReturnDecided = "return_decided",
    Contacted = "contacted",
    ExtensionRequested = "extension_requested",
    ExtensionDecided = "extension_decided",
    Paused = "paused",
    Resumed = "resumed",
    Replied = "replied",
    Reviewed = "reviewed",
    Reopened = "reopened",
    CalledBack = "called_back",
    Closed = "closed",
    Urged = "urged",
    Supervised = "supervised",
    FlaggedDifficult = "flagged_difficult",
    WrittenOff = "written_off",
});

/// An event field other than `at`, `type` and `event_id`: the optional columns of the events
/// table, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Unit,
    Role,
    Reason,
    Accepted,
    Approved,
    Amount,
    Passed,
    Satisfaction,
    Resolved,
}

impl Field {
    /// Every field, in column order.
    pub(crate) const ALL: [Field; 9] = [
        Field::Unit,
        Field::Role,
        Field::Reason,
        Field::Accepted,
        Field::Approved,
        Field::Amount,
        Field::Passed,
        Field::Satisfaction,
        Field::Resolved,
    ];

    /// The column name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Field::Unit => "unit",
            Field::Role => "role",
            Field::Reason => "reason",
            Field::Accepted => "accepted",
            Field::Approved => "approved",
            Field::Amount => "amount",
            Field::Passed => "passed",
            Field::Satisfaction => "satisfaction",
            Field::Resolved => "resolved",
        }
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Whether a field is required or optional for an event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    Required,
    Optional,
    NotAllowed,
}

impl EventType {
    /// (required, optional) field bit sets of this type.
    const fn field_sets(self) -> (u16, u16) {
        const U: u16 = Field::Unit.bit();
        match self {
            EventType::Dispatched => (U, Field::Role.bit()),
            EventType::Signed
            | EventType::Contacted
            | EventType::Replied
            | EventType::Urged
            | EventType::Supervised => (U, 0),
            EventType::Returned | EventType::Paused => (U | Field::Reason.bit(), 0),
            EventType::ReturnDecided => (U | Field::Accepted.bit(), 0),
            EventType::ExtensionRequested => (U | Field::Amount.bit(), 0),
            EventType::ExtensionDecided => (U | Field::Approved.bit(), Field::Amount.bit()),
            EventType::Resumed => (U, Field::Reason.bit()),
            EventType::Reviewed => (Field::Passed.bit(), U),
            EventType::Reopened => (0, U),
            EventType::CalledBack => (Field::Satisfaction.bit(), Field::Resolved.bit()),
            EventType::Closed | EventType::FlaggedDifficult | EventType::WrittenOff => (0, 0),
        }
    }

    /// Whether `field` is required, optional or not allowed for this type.
    pub(crate) const fn presence(self, field: Field) -> Presence {
        let (required, optional) = self.field_sets();
        if required & field.bit() != 0 {
            Presence::Required
        } else if optional & field.bit() != 0 {
            Presence::Optional
        } else {
            Presence::NotAllowed
        }
    }

    /// Whether an event of this type may follow `closed` (SPEC §3.2).
    pub const fn allowed_after_close(self) -> bool {
        matches!(
            self,
            EventType::CalledBack | EventType::Reopened | EventType::WrittenOff
        )
    }
}

impl EventBody {
    /// The amount the event carries (an extension request, or the amount an approval grants).
    pub fn amount(&self) -> Option<Amount> {
        match self {
            EventBody::ExtensionRequested { amount, .. } => Some(*amount),
            EventBody::ExtensionDecided { amount, .. } => *amount,
            _ => None,
        }
    }

    /// The unit this event is about, if any.
    pub fn unit(&self) -> Option<&UnitId> {
        match self {
            EventBody::Dispatched { unit, .. }
            | EventBody::Signed { unit }
            | EventBody::Returned { unit, .. }
            | EventBody::ReturnDecided { unit, .. }
            | EventBody::Contacted { unit }
            | EventBody::ExtensionRequested { unit, .. }
            | EventBody::ExtensionDecided { unit, .. }
            | EventBody::Paused { unit, .. }
            | EventBody::Resumed { unit, .. }
            | EventBody::Replied { unit }
            | EventBody::Urged { unit }
            | EventBody::Supervised { unit } => Some(unit),
            EventBody::Reviewed { unit, .. } | EventBody::Reopened { unit } => unit.as_ref(),
            EventBody::CalledBack { .. }
            | EventBody::Closed
            | EventBody::FlaggedDifficult
            | EventBody::WrittenOff => None,
        }
    }

    /// The free-text reason of a `returned`, `paused` or `resumed` event, if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            EventBody::Returned { reason, .. } | EventBody::Paused { reason, .. } => Some(reason),
            EventBody::Resumed { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }

    /// The event's type.
    pub const fn event_type(&self) -> EventType {
        match self {
            EventBody::Dispatched { .. } => EventType::Dispatched,
            EventBody::Signed { .. } => EventType::Signed,
            EventBody::Returned { .. } => EventType::Returned,
            EventBody::ReturnDecided { .. } => EventType::ReturnDecided,
            EventBody::Contacted { .. } => EventType::Contacted,
            EventBody::ExtensionRequested { .. } => EventType::ExtensionRequested,
            EventBody::ExtensionDecided { .. } => EventType::ExtensionDecided,
            EventBody::Paused { .. } => EventType::Paused,
            EventBody::Resumed { .. } => EventType::Resumed,
            EventBody::Replied { .. } => EventType::Replied,
            EventBody::Reviewed { .. } => EventType::Reviewed,
            EventBody::Reopened { .. } => EventType::Reopened,
            EventBody::CalledBack { .. } => EventType::CalledBack,
            EventBody::Closed => EventType::Closed,
            EventBody::Urged { .. } => EventType::Urged,
            EventBody::Supervised { .. } => EventType::Supervised,
            EventBody::FlaggedDifficult => EventType::FlaggedDifficult,
            EventBody::WrittenOff => EventType::WrittenOff,
        }
    }

    /// The `type` name (`"dispatched"`, `"return_decided"`, …).
    pub const fn type_name(&self) -> &'static str {
        self.event_type().name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_tables_follow_the_spec() {
        use Presence::*;
        assert_eq!(EventType::Dispatched.presence(Field::Unit), Required);
        assert_eq!(EventType::Dispatched.presence(Field::Role), Optional);
        assert_eq!(EventType::Dispatched.presence(Field::Reason), NotAllowed);
        assert_eq!(EventType::Reviewed.presence(Field::Unit), Optional);
        assert_eq!(EventType::Reviewed.presence(Field::Passed), Required);
        assert_eq!(
            EventType::ExtensionDecided.presence(Field::Amount),
            Optional
        );
        assert_eq!(
            EventType::ExtensionRequested.presence(Field::Amount),
            Required
        );
        assert_eq!(EventType::Closed.presence(Field::Unit), NotAllowed);
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.name()), Some(*t));
        }
        assert_eq!(EventType::ALL.len(), 18);
    }

    #[test]
    fn unit_and_type_name() {
        let b = EventBody::Reviewed {
            passed: true,
            unit: None,
        };
        assert_eq!(b.unit(), None);
        assert_eq!(b.type_name(), "reviewed");
        let s = EventBody::Signed { unit: "u1".into() };
        assert_eq!(s.unit().map(UnitId::as_str), Some("u1"));
    }
}
