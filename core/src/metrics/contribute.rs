//! Each assignment's contributions to the counters of its unit and role (SPEC §5 anchors).

use serde::{Deserialize, Serialize};

use super::Counter;
use crate::clocks::{Body, Clocks, Detail, Evaluator, Facts, Outcome, Scratch, TicketView};
use crate::error::Result;
use crate::instant::Instant;
use crate::period::Period;
use crate::policy::CompleteOn;
use crate::ticket::{Satisfaction, Urgency};

/// Which period a completion (应办结) is counted in (SPEC §5 option `due_anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueAnchor {
    /// The period of the completion due instant, once that instant is strictly before `as_of`
    /// (default; what published rankings use).
    #[default]
    DueDate,
    /// As `due_date`, except that an assignment closed on time is counted in the period it was
    /// closed, at once (real-time views).
    DueOrClosed,
}

/// What a metrics computation looks at: the period, the evaluation instant and the options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// The assessment period.
    pub period: Period,
    /// Evaluation instant: events after it are ignored.
    pub as_of: Instant,
    /// Period anchor of the due-anchored counters.
    #[serde(default)]
    pub due_anchor: DueAnchor,
}

impl Scope {
    /// A scope with the default options.
    pub fn new(period: Period, as_of: Instant) -> Self {
        Scope {
            period,
            as_of,
            due_anchor: DueAnchor::default(),
        }
    }
}

/// Where contributions go.
pub(crate) trait Sink {
    fn add(&mut self, ticket: &TicketView<'_>, facts: &Facts, counter: Counter, amount: i64);
}

/// The instant of `ticket`'s first dispatch, if it has one.
pub(crate) fn first_dispatch(ticket: &crate::ticket::Ticket) -> Option<Instant> {
    ticket
        .events
        .iter()
        .find(|e| matches!(e.body, crate::ticket::EventBody::Dispatched { .. }))
        .map(|e| e.at)
}

/// Whether any assignment of a ticket first dispatched at `first` can reach the period of
/// `scope`: every anchor is at or after a dispatch and at or before `as_of`.
pub(crate) fn may_contribute(first: Option<Instant>, scope: &Scope) -> bool {
    first.is_some_and(|at| at < scope.period.end && at <= scope.as_of)
        && scope.as_of >= scope.period.start
}

/// Evaluates the ticket `view` shows at the scope's `as_of` into `scratch` and adds its
/// contributions to `sink`. A ticket that cannot reach the period ([`may_contribute`]) is left
/// unevaluated: its clocks may need dates the calendar does not cover (a December ticket
/// scored for March), which its counters never ask for — scores, partial states and
/// explanations all skip it alike.
pub(crate) fn evaluate_contributions<S: Sink>(
    ev: &Evaluator,
    view: &TicketView<'_>,
    scope: &Scope,
    scratch: &mut Scratch,
    sink: &mut S,
) -> Result<()> {
    let first = view
        .events
        .iter()
        .find(|e| matches!(e.body, Body::Dispatched(_)))
        .map(|e| e.at);
    if !may_contribute(first, scope) {
        return Ok(());
    }
    ev.evaluate_into(view, scope.as_of, scratch, Detail::default())?;
    contribute(ev, view, scratch, scope, sink)
}

/// Adds the contributions of every assignment of `ticket` (already evaluated into `scratch`).
pub(crate) fn contribute<S: Sink>(
    ev: &Evaluator,
    ticket: &TicketView<'_>,
    scratch: &Scratch,
    scope: &Scope,
    sink: &mut S,
) -> Result<()> {
    let in_period = |t: Instant| scope.period.contains(t);
    let repeat = ticket.repeat;
    for (i, (f, c)) in scratch
        .assignments
        .iter()
        .zip(scratch.clocks.iter())
        .enumerate()
    {
        let mut add = |counter: Counter, amount: i64| {
            if amount != 0 {
                sink.add(ticket, f, counter, amount);
            }
        };
        if in_period(f.dispatched_at) {
            dispatched(ev, ticket, f, c, scratch, i, repeat, &mut add)?;
        }
        due(ev, f, c, scratch, scope, &mut add)?;
        let complete = &c.complete;
        // Closed counts with or without a completion limit (the finish is the close itself).
        if let (Some(finished), Some(start)) = (complete.finished, complete.start)
            && in_period(finished)
        {
            add(Counter::Closed, 1);
            add(Counter::CompleteWorkingMs, ev.working_ms(start, finished)?);
        }
        for r in scratch.reopens.iter().filter(|r| r.assignment == Some(i)) {
            if in_period(r.at) {
                add(Counter::Reopened, 1);
            }
        }
        for r in scratch.reviews.iter().filter(|r| r.assignment == Some(i)) {
            if in_period(r.at) {
                add(
                    if r.what {
                        Counter::ReviewPassed
                    } else {
                        Counter::ReviewFailed
                    },
                    1,
                );
            }
        }
        for cb in scratch.callbacks.iter().filter(|c| c.assignment == Some(i)) {
            if !in_period(cb.at) {
                continue;
            }
            let v = &cb.what;
            let level = match v.satisfaction {
                Satisfaction::VerySatisfied => Some(Counter::VerySatisfied),
                Satisfaction::Satisfied => Some(Counter::Satisfied),
                Satisfaction::BasicallySatisfied => Some(Counter::BasicallySatisfied),
                Satisfaction::Unsatisfied => Some(Counter::Unsatisfied),
                Satisfaction::VeryUnsatisfied => Some(Counter::VeryUnsatisfied),
                Satisfaction::Unreachable => None,
            };
            match level {
                None => add(Counter::CallbacksUnreachable, 1),
                Some(_) if v.written_off => add(Counter::WrittenOff, 1),
                Some(level) => {
                    add(Counter::Callbacks, 1);
                    add(level, 1);
                }
            }
            // An unreachable citizen said nothing about resolution (an export's default
            // `resolved` cell on such a row is not an answer).
            match v.resolved.filter(|_| level.is_some()) {
                Some(true) => add(Counter::Resolved, 1),
                Some(false) => add(Counter::Unresolved, 1),
                None => {}
            }
            if v.first_valid
                && matches!(
                    v.satisfaction,
                    Satisfaction::VerySatisfied | Satisfaction::Satisfied
                )
            {
                add(Counter::InitialSatisfied, 1);
            }
        }
    }
    Ok(())
}

/// D-anchored counters of one assignment dispatched in the period.
#[allow(clippy::too_many_arguments)]
fn dispatched(
    ev: &Evaluator,
    ticket: &TicketView<'_>,
    f: &Facts,
    c: &Clocks,
    scratch: &Scratch,
    i: usize,
    repeat: bool,
    add: &mut impl FnMut(Counter, i64),
) -> Result<()> {
    add(Counter::Dispatched, 1);
    add(
        match c.sign.outcome {
            Outcome::OnTime => Counter::SignedOnTime,
            Outcome::Late => Counter::SignedLate,
            Outcome::Overdue => Counter::SignOverdue,
            Outcome::Pending | Outcome::NotApplicable => Counter::SignPending,
        },
        1,
    );
    if let Some(signed) = f.signed_at {
        add(Counter::Signed, 1);
        add(
            Counter::SignWorkingMs,
            ev.working_ms(f.dispatched_at, signed)?,
        );
    }
    if f.contacted_at.is_some() {
        add(Counter::Contacted, 1);
    }
    if c.contact.outcome == Outcome::OnTime && f.contacted_at.is_some() {
        add(Counter::ContactedOnTime, 1);
    }
    let replied_on_time = f.first_reply_at.is_some() && c.reply.outcome == Outcome::OnTime;
    if f.first_reply_at.is_some() {
        add(Counter::Replied, 1);
    }
    if replied_on_time {
        add(Counter::RepliedOnTime, 1);
    }
    add(Counter::Returned, f.returns);
    add(Counter::ReturnsAccepted, f.returns_accepted);
    add(Counter::ReturnsRejected, f.returns_rejected);
    if let Some(window) = c.return_window.due {
        let late = scratch
            .returns
            .iter()
            .filter(|(a, at)| *a == i && *at > window)
            .count();
        add(
            Counter::ReturnsLate,
            i64::try_from(late).unwrap_or(i64::MAX),
        );
    }
    add(Counter::ExtensionsRequested, f.extensions_requested);
    add(Counter::ExtensionsApproved, f.extensions_approved);
    if ticket.urgency == Urgency::Urgent {
        add(Counter::Urgent, 1);
        if replied_on_time {
            add(Counter::UrgentRepliedOnTime, 1);
        }
    }
    add(Counter::Urged, f.urged);
    add(Counter::Supervised, f.supervised);
    if scratch.difficult {
        add(Counter::Difficult, 1);
    }
    if repeat {
        add(Counter::Repeat, 1);
    }
    Ok(())
}

/// The instant that puts an assignment's completion in a period's `due` count, if any.
pub(crate) fn due_anchor(c: &Clocks, scope: &Scope) -> Option<Instant> {
    let complete = &c.complete;
    let due = complete.due?;
    match complete.outcome {
        Outcome::OnTime if scope.due_anchor == DueAnchor::DueOrClosed => complete.finished,
        Outcome::OnTime | Outcome::Late | Outcome::Overdue if due < scope.as_of => Some(due),
        _ => None,
    }
}

/// Due-anchored counters (应办结).
fn due(
    ev: &Evaluator,
    f: &Facts,
    c: &Clocks,
    scratch: &Scratch,
    scope: &Scope,
    add: &mut impl FnMut(Counter, i64),
) -> Result<()> {
    let Some(anchor) = due_anchor(c, scope) else {
        return Ok(());
    };
    if !scope.period.contains(anchor) {
        return Ok(());
    }
    let complete = &c.complete;
    let Some(due) = complete.due else {
        return Ok(());
    };
    add(Counter::Due, 1);
    match (complete.outcome, complete.finished) {
        (Outcome::OnTime, Some(_)) => {
            add(Counter::ClosedOnTime, 1);
            add(Counter::DueClosed, 1);
        }
        (Outcome::Late, Some(finished)) => {
            add(Counter::ClosedLate, 1);
            add(Counter::DueClosed, 1);
            add(Counter::OverdueWorkingMs, ev.working_ms(due, finished)?);
        }
        _ => {
            add(Counter::OverdueOpen, 1);
            let mut stop = scope.as_of;
            if let Some((ended, _)) = f.ended {
                stop = stop.min(ended);
            }
            if ev.policy().complete_on == CompleteOn::PassedReply
                && let Some(closed) = scratch.closed_at
            {
                stop = stop.min(closed);
            }
            add(Counter::OverdueWorkingMs, ev.working_ms(due, stop)?);
        }
    }
    if complete.finished.is_some() && !scratch.reopened {
        add(Counter::ClosedFirstTime, 1);
    }
    Ok(())
}
