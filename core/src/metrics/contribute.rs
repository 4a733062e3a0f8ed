//! Each assignment's contributions to the counters of its unit and role (SPEC §5 anchors).

use serde::{Deserialize, Serialize};

use super::Counter;
use crate::clocks::{Body, Clocks, Detail, Evaluator, Facts, Outcome, Scratch, TicketView};
use crate::error::{Error, Result};
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

crate::ticket::names!(DueAnchor {
    DueDate = "due_date",
    DueOrClosed = "due_or_closed",
});

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
        // A duration the calendar cannot measure (a date it does not cover) names the ticket
        // and the assignment, as a clock that cannot run does.
        let failed = |e: Error| Error::ClockFailed {
            ticket_id: ticket.id.to_owned(),
            event_index: f.event_index,
            source: Box::new(e),
        };
        if in_period(f.dispatched_at) {
            dispatched(ev, ticket, f, c, scratch, i, repeat, &mut add).map_err(failed)?;
        }
        due(ev, f, c, scratch, scope, &mut add).map_err(failed)?;
        let complete = &c.complete;
        // Closed counts with or without a completion limit (the finish is the close itself).
        if let (Some(finished), Some(start)) = (complete.finished, complete.start)
            && in_period(finished)
        {
            add(Counter::Closed, 1);
            let ms = ev.working_ms(start, finished).map_err(failed)?;
            add(Counter::CompleteWorkingMs, ms);
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

#[cfg(test)]
mod tests {
    use crate::clocks::Evaluator;
    use crate::metrics::{Counter, Partial, Scope, partial};
    use crate::ticket::{Mode, Ticket, load_json};
    use crate::{Calendar, Error, Instant, Period, Policy, Unit, UnitId};

    fn units() -> Vec<Unit> {
        ["a", "b"]
            .map(|id| Unit {
                id: UnitId::from(id),
                group: "g".into(),
                name: String::new(),
            })
            .to_vec()
    }

    fn at(text: &str) -> Instant {
        Instant::parse(text).unwrap()
    }

    /// `id` received at `received` and dispatched to `unit` at `dispatched` (+08:00 times).
    fn dispatched(id: &str, day: &str, dispatched: &str, unit: &str) -> Ticket {
        let text = format!(
            r#"[{{"id": "{id}", "kind": "help", "received_at": "{day}T08:00:00+08:00",
                "events": [{{"at": "{day}T{dispatched}+08:00", "type": "dispatched", "unit": "{unit}"}}]}}]"#
        );
        let mut loaded = load_json(&text, Some(&units()), Mode::Strict)
            .unwrap()
            .tickets;
        loaded.pop().unwrap()
    }

    fn scope(start: &str, end: &str, as_of: &str) -> Scope {
        Scope::new(Period::new(at(start), at(end), "p").unwrap(), at(as_of))
    }

    fn due_of(p: &Partial, unit: &str) -> (i64, i64) {
        let lead = &p.units[&UnitId::from(unit)].lead;
        (lead.get(Counter::Due), lead.get(Counter::OverdueOpen))
    }

    /// A `0wd` completion limit is due at its start instant: a ticket's due instant does not
    /// depend on the tickets evaluated before it (a cached `0wd` deadline gave a later ticket
    /// of the same day the first one's due instant: overdue when scored after it, not yet due
    /// alone; a metrics audit).
    #[test]
    fn a_zero_working_day_limit_is_due_at_its_own_start() {
        let policy = Policy::from_toml_str(
            "schema_version = 1\nname = \"zero\"\n[[rules]]\nlimits.complete = \"0wd\"\n",
        )
        .unwrap();
        let ev = Evaluator::new(&Calendar::prc().unwrap(), policy, &units());
        let first = dispatched("T1", "2026-03-02", "09:10:00", "a");
        let second = dispatched("T2", "2026-03-02", "10:00:00", "b");
        let s = scope(
            "2026-03-01T00:00:00+08:00",
            "2026-04-01T00:00:00+08:00",
            "2026-03-02T10:00:00+08:00",
        );
        let both = partial(&[first.clone(), second.clone()], &ev, &s).unwrap();
        let alone = partial(std::slice::from_ref(&second), &ev, &s).unwrap();
        // T2 is due at 10:00, which is `as_of`: not yet due (SPEC §5); T1 is overdue.
        assert_eq!(due_of(&alone, "b"), (0, 0));
        assert_eq!(due_of(&both, "b"), (0, 0));
        assert_eq!(due_of(&both, "a"), (1, 1));
        let reversed = partial(&[second, first], &ev, &s).unwrap();
        assert_eq!(reversed, both);
    }

    /// An open assignment whose overdue time runs into a date the calendar does not cover is
    /// `clock_failed` naming the ticket and its dispatch, as a clock that cannot run is (it was
    /// the bare `out_of_coverage`, with no ticket).
    #[test]
    fn a_duration_the_calendar_cannot_measure_names_its_ticket() {
        let ev = Evaluator::new(
            &Calendar::prc().unwrap(),
            Policy::builtin("henan").unwrap(),
            &units(),
        );
        let open = dispatched("T1", "2026-12-01", "09:10:00", "a");
        let s = scope(
            "2026-12-01T00:00:00+08:00",
            "2027-01-01T00:00:00+08:00",
            "2027-01-05T00:00:00+08:00",
        );
        let e = partial(&[open], &ev, &s).unwrap_err();
        assert_eq!(e.code(), "clock_failed", "{e}");
        assert_eq!(e.context().ticket_id.as_deref(), Some("T1"), "{e}");
        assert_eq!(e.context().event_index, Some(0), "{e}");
        assert!(
            matches!(e, Error::ClockFailed { ref source, .. } if source.code() == "out_of_coverage"),
            "{e}"
        );
    }
}
