//! Evaluating a ticket: the assignments it opened and their five clocks at `as_of`.

use std::ops::Range;

use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::policy::{Clock, CompleteOn, Limits, Redispatch, StartAt};
use crate::ticket::{MAX_EVENTS_PER_TICKET, Ticket, TicketErrorKind, TicketsRef};
use crate::unit::UnitId;

use super::context::Evaluator;
use super::facts::{Facts, Scratch, role_index};
use super::state::{Assignment, AssignmentEnd, AssignmentRef, Clocks, Outcome};
use super::timer::{ClockInput, run};
use super::view::{Converter, TicketView};

fn min_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// What to compute besides outcomes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Detail {
    /// Deadline status and warning instants.
    pub status: bool,
    /// With `status`: warning instants of finished or ended clocks too (without, only running
    /// clocks get one; they are the only ones with a status).
    pub finished_warnings: bool,
    /// Extension records.
    pub records: bool,
}

/// Everything: deadline statuses, warning instants of every clock, extension records.
const FULL: Detail = Detail {
    status: true,
    finished_warnings: true,
    records: true,
};

impl Evaluator {
    /// Evaluates every assignment of `ticket` at `as_of`, in dispatch order, with deadline
    /// statuses and extension records. Only events at or before `as_of` are taken into account.
    ///
    /// The ticket is assumed valid (see `Ticket::validate`); on invalid input this never
    /// panics, but the result is unspecified.
    pub fn evaluate(&self, ticket: &Ticket, as_of: Instant) -> Result<Vec<Assignment>> {
        let mut converter = Converter::default();
        let view = converter.view(self, ticket);
        let mut out = Vec::new();
        self.lend(&view, as_of, &mut Scratch::default(), &mut |a| {
            out.push(a.to_assignment());
        })?;
        Ok(out)
    }

    /// [`evaluate`](Self::evaluate) of every ticket of `tickets` (owned tickets or a compact
    /// batch, read in place: [`TicketsRef`]), each assignment lent to `f` in ticket then
    /// dispatch order. Nothing is kept: this is the walk to write a big quarter's assignments
    /// out (a table, a file) without holding them all.
    ///
    /// ```
    /// use hotline_score::{Calendar, Instant, Policy, Unit, UnitId};
    /// use hotline_score::clocks::{Evaluator, Outcome};
    /// use hotline_score::ticket::{load_json, Mode};
    ///
    /// let units = [Unit { id: UnitId::from("water"), group: "departments".into(), name: "水务局".into() }];
    /// let text = r#"[{"id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00",
    ///   "events": [{"at": "2026-03-02T09:10:00+08:00", "type": "dispatched", "unit": "water"},
    ///              {"at": "2026-03-02T10:00:00+08:00", "type": "signed", "unit": "water"}]}]"#;
    /// let tickets = load_json(text, Some(&units), Mode::Strict)?.tickets;
    /// let ev = Evaluator::new(&Calendar::prc()?, Policy::builtin("henan")?, &units);
    /// let as_of = Instant::parse("2026-03-03T12:00:00+08:00")?;
    /// let mut signed_on_time = Vec::new();
    /// ev.for_each_assignment(&tickets, as_of, |a| {
    ///     if a.clocks.sign.outcome == Outcome::OnTime {
    ///         signed_on_time.push((a.ticket_id.to_owned(), a.unit.to_owned()));
    ///     }
    /// })?;
    /// assert_eq!(signed_on_time, [("T1".to_owned(), "water".to_owned())]);
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn for_each_assignment<'a>(
        &self,
        tickets: impl Into<TicketsRef<'a>>,
        as_of: Instant,
        mut f: impl FnMut(&AssignmentRef<'_>),
    ) -> Result<()> {
        let mut scratch = Scratch::default();
        self.each_view(tickets.into(), |view| {
            self.lend(view, as_of, &mut scratch, &mut f)
        })
    }

    /// Every assignment of `tickets` at `as_of`, owned, in ticket then dispatch order: what
    /// [`evaluate`](Self::evaluate) gives for each ticket, one after the other.
    pub fn evaluate_all<'a>(
        &self,
        tickets: impl Into<TicketsRef<'a>>,
        as_of: Instant,
    ) -> Result<Vec<Assignment>> {
        let mut out = Vec::new();
        self.for_each_assignment(tickets, as_of, |a| out.push(a.to_assignment()))?;
        Ok(out)
    }

    /// Calls `f` with the view of every ticket of `tickets`, in order (owned tickets are
    /// converted one at a time; a batch's are read in place).
    pub(crate) fn each_view(
        &self,
        tickets: TicketsRef<'_>,
        mut f: impl FnMut(&TicketView<'_>) -> Result<()>,
    ) -> Result<()> {
        self.each_view_in(tickets, 0..tickets.len(), |_, view| f(view))
    }

    /// Calls `f` with the position and view of every ticket of `tickets` in `range`, in order.
    pub(crate) fn each_view_in(
        &self,
        tickets: TicketsRef<'_>,
        range: Range<usize>,
        mut f: impl FnMut(usize, &TicketView<'_>) -> Result<()>,
    ) -> Result<()> {
        let start = range.start;
        match tickets {
            TicketsRef::Owned(tickets) => {
                let mut converter = Converter::default();
                for (i, t) in tickets.get(range).unwrap_or_default().iter().enumerate() {
                    f(start + i, &converter.view(self, t))?;
                }
            }
            TicketsRef::Batch(batch) => {
                let rows = batch.rows_for(self);
                for (i, view) in batch.views(&rows, range).enumerate() {
                    f(start + i, &view)?;
                }
            }
        }
        Ok(())
    }

    /// Evaluates `view` fully and lends each of its assignments to `f`.
    fn lend(
        &self,
        view: &TicketView<'_>,
        as_of: Instant,
        scratch: &mut Scratch,
        f: &mut impl FnMut(&AssignmentRef<'_>),
    ) -> Result<()> {
        self.evaluate_into(view, as_of, scratch, FULL)?;
        for (i, (a, clocks)) in scratch.assignments.iter().zip(&scratch.clocks).enumerate() {
            f(&AssignmentRef {
                ticket_id: view.id,
                unit: view.names.get(a.key).map_or("", UnitId::as_str),
                role: a.role,
                event_index: a.event_index,
                dispatched_at: a.dispatched_at,
                ended: a.ended.map(|(at, reason)| AssignmentEnd { at, reason }),
                clocks,
                extensions: scratch.extensions_of(i),
            });
        }
        Ok(())
    }

    /// Scans `ticket` and computes the clocks of every assignment into `scratch`.
    pub(crate) fn evaluate_into(
        &self,
        ticket: &TicketView<'_>,
        as_of: Instant,
        scratch: &mut Scratch,
        detail: Detail,
    ) -> Result<()> {
        if ticket.events.len() > MAX_EVENTS_PER_TICKET {
            return Err(Error::InvalidTicket {
                ticket_id: ticket.id.to_owned(),
                event_index: Some(MAX_EVENTS_PER_TICKET),
                field: "events".to_owned(),
                row: None,
                kind: Box::new(TicketErrorKind::TooManyEvents {
                    limit: MAX_EVENTS_PER_TICKET,
                }),
            });
        }
        scratch.scan(ticket, as_of);
        scratch
            .clocks
            .resize(scratch.assignments.len(), Clocks::default());
        scratch.extension_starts.clear();
        for i in 0..scratch.assignments.len() {
            let Some(f) = scratch.assignments.get(i).copied() else {
                break;
            };
            scratch
                .extension_starts
                .push(scratch.extension_records.len());
            let limits = self.limits_for_view(ticket, f.unit);
            self.assignment_clocks(scratch, i, &f, &limits, as_of, detail)
                .map_err(|e| Error::ClockFailed {
                    ticket_id: ticket.id.to_owned(),
                    event_index: f.event_index,
                    source: Box::new(e),
                })?;
        }
        Ok(())
    }

    fn assignment_clocks(
        &self,
        scratch: &mut Scratch,
        i: usize,
        f: &Facts,
        limits: &Limits,
        as_of: Instant,
        detail: Detail,
    ) -> Result<()> {
        let policy = self.policy();
        let end_a = f.ended.map(|e| e.0);
        let end_any = min_opt(end_a, scratch.closed_at);
        let from = |clock: Clock| {
            limits
                .get(clock)
                .and_then(|l| l.from)
                .unwrap_or(clock.default_start())
        };
        let start_of = |clock: Clock| match from(clock) {
            StartAt::Dispatched => Some(f.dispatched_at),
            StartAt::Signed => f.signed_at,
        };
        let complete_start = match (start_of(Clock::Complete), policy.redispatch) {
            (Some(s), Redispatch::Continue) if s == f.dispatched_at && f.after_return => scratch
                .first_dispatch
                .get(role_index(f.role))
                .copied()
                .flatten()
                .or(Some(s)),
            (s, _) => s,
        };
        let (complete_finish, complete_end) = match policy.complete_on {
            CompleteOn::Closed => (scratch.closed_at.filter(|_| end_a.is_none()), end_a),
            CompleteOn::PassedReply => (f.passed_reply_at, end_any),
        };
        let record_clock = if policy.extension.applies_to(Clock::Complete) {
            Some(Clock::Complete)
        } else {
            policy.extension.applies_to.iter().copied().min()
        };
        let inputs = [
            (
                Clock::Sign,
                Some(f.dispatched_at),
                min_opt(f.signed_at, f.first_return_at),
                end_any,
            ),
            (
                Clock::Contact,
                start_of(Clock::Contact),
                f.contacted_at,
                end_any,
            ),
            (
                Clock::Reply,
                start_of(Clock::Reply),
                f.first_reply_at,
                end_any,
            ),
            (
                Clock::Complete,
                complete_start,
                complete_finish,
                complete_end,
            ),
            (
                Clock::ReturnWindow,
                start_of(Clock::ReturnWindow),
                f.first_return_at,
                end_any,
            ),
        ];
        let Scratch {
            clocks,
            clock_events,
            extension_records,
            days,
            ..
        } = scratch;
        let Some(clocks) = clocks.get_mut(i) else {
            return Ok(());
        };
        let mut records = Vec::new();
        for (clock, start, finish, end) in inputs {
            // A clock from sign-for starts at the sign-for or at the sign-for's due instant,
            // whichever is first: not signing, or signing late, buys no time. Unsigned, its due
            // instant is known from the dispatch on (and shown while it runs), so it does not
            // change with `as_of` between events. A clock that stopped (finished, or its
            // assignment ended) by the sign-for's due instant, unsigned, never started, as
            // before. Without a limit of its own, the clock keeps the sign-for as its start.
            // (`inputs` runs `sign` first.)
            let sign_due = clocks.sign.due.filter(|_| limits.get(clock).is_some());
            let start = match (clock, from(clock), sign_due) {
                (Clock::Sign, _, _) | (_, StartAt::Dispatched, _) | (_, _, None) => start,
                (_, StartAt::Signed, Some(sign_due)) => match start {
                    Some(signed) if signed <= sign_due => Some(signed),
                    _ => {
                        let stopped = min_opt(finish, end).is_some_and(|x| x <= sign_due);
                        (!stopped).then_some(sign_due)
                    }
                },
            };
            let input = ClockInput {
                clock,
                limit: limits.get(clock).copied(),
                start,
                finish,
                end,
                extended: policy.extension.applies_to(clock),
                with_status: detail.status,
                finished_warnings: detail.finished_warnings,
            };
            let events = clock_events.iter().filter(|(a, _)| *a == i).map(|(_, e)| e);
            let keep = detail.records && record_clock == Some(clock);
            run(
                self,
                &input,
                events,
                as_of,
                keep.then_some(&mut records),
                clocks.get_mut(clock),
                days,
            )?;
            // A return after the sign-for was due, unsigned, stops the sign clock as the
            // assignment's end does: overdue, not "signed late" (`signed_late` means it signed).
            let sign = &mut clocks.sign;
            if clock == Clock::Sign
                && sign.outcome == Outcome::Late
                && f.signed_at
                    .is_none_or(|s| sign.finished.is_some_and(|x| s > x))
            {
                sign.outcome = Outcome::Overdue;
            }
        }
        extension_records.extend(records);
        Ok(())
    }
}
