//! One ticket's contributions, split into what no longer depends on `as_of` and what does.
//!
//! A ticket is evaluated once, just after the instant `L` of its last event (at `L + 1 ms`: an
//! event at exactly `as_of` counts, but a pause at `as_of` has not stopped anything yet, so `L`
//! itself is not representative). For every `as_of > L` its contributions (SPEC §5) are then:
//!
//! - **finished facts** ([`Fixed`]): everything `contribute` gives at `L` — dispatches, signs,
//!   replies, closings, callbacks, completions already due — except the due-anchored counters of
//!   completion clocks still running (those move to the entries below);
//! - **lapses** ([`Timed`]): a change that happens when a due instant `d` passes (`d < as_of`):
//!   - [`Lapse::Sign`]: a sign clock running and not yet due: `sign_pending` − 1,
//!     `sign_overdue` + 1 (in the period of the dispatch);
//!   - [`Lapse::DueOnTime`] / [`Lapse::DueOnTimeFirst`]: an assignment closed on time before its
//!     deadline is counted as `due`, `closed_on_time`, `due_closed` (and `closed_first_time`
//!     unless reopened) once the deadline passes (option `due_anchor = "due_date"`);
//!   - [`Lapse::DueOpen`]: a completion clock still running: `due` and `overdue_open` + 1 once it
//!     is due, and `overdue_working_ms` grows as `W(as_of) − W(d)` where `W` is the working time
//!     from the period start (so the sum over many clocks is `n·W(as_of) − Σ W(d)`).
//!
//! Nothing else moves with `as_of` while no new event arrives (see `docs/semantics.md`, "Real-time
//! board"). Running clocks also give [`Running`] entries for deadline statuses.
//!
//! Two cases are not decomposed: a paused clock (its due instant moves with `as_of`; it is pending
//! and constant when working time remains before its due instant, which [`pending_while_paused`]
//! checks — otherwise the ticket is **volatile** and evaluated at query time), and statuses of
//! paused clocks (the units in [`Record::paused`] are evaluated at query time).

use crate::amount::Amount;
use crate::clocks::{Converter, Detail, Evaluator, Outcome, Scratch, TicketView};
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::{Counter, DueAnchor, Scope, Sink, contribute};
use crate::policy::{Clock, TimeBasis};
use crate::ticket::{EventBody, Ticket};
use crate::unit::Role;

/// A change that happens when a due instant passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lapse {
    /// A running sign clock becomes overdue.
    Sign = 0,
    /// An assignment closed on time, not reopened, reaches its deadline.
    DueOnTimeFirst = 1,
    /// An assignment closed on time after a reopen reaches its deadline.
    DueOnTime = 2,
    /// A running completion clock becomes overdue (and its overdue time grows).
    DueOpen = 3,
}

/// Lapse kinds per role: `role_index * 4 + lapse`.
pub(crate) const KINDS: usize = 8;

const LAPSES: [Lapse; 4] = [
    Lapse::Sign,
    Lapse::DueOnTimeFirst,
    Lapse::DueOnTime,
    Lapse::DueOpen,
];

/// The kind index of `lapse` for `role`.
pub(crate) fn kind(role: Role, lapse: Lapse) -> u8 {
    let r = if role == Role::Assisting { 4 } else { 0 };
    r + lapse as u8
}

/// `(role, lapse)` of a kind index.
pub(crate) fn decode_kind(kind: u8) -> (Role, Lapse) {
    let role = if kind >= 4 {
        Role::Assisting
    } else {
        Role::Lead
    };
    let lapse = LAPSES
        .get(usize::from(kind % 4))
        .copied()
        .unwrap_or(Lapse::Sign);
    (role, lapse)
}

/// The counters a lapse changes (besides the growing `overdue_working_ms` of [`Lapse::DueOpen`]).
pub(crate) fn deltas(lapse: Lapse) -> &'static [(Counter, i64)] {
    match lapse {
        Lapse::Sign => &[(Counter::SignPending, -1), (Counter::SignOverdue, 1)],
        Lapse::DueOnTimeFirst => &[
            (Counter::Due, 1),
            (Counter::ClosedOnTime, 1),
            (Counter::DueClosed, 1),
            (Counter::ClosedFirstTime, 1),
        ],
        Lapse::DueOnTime => &[
            (Counter::Due, 1),
            (Counter::ClosedOnTime, 1),
            (Counter::DueClosed, 1),
        ],
        Lapse::DueOpen => &[(Counter::Due, 1), (Counter::OverdueOpen, 1)],
    }
}

/// A counter slot: `role_index * Counter::COUNT + counter.index()`.
pub(crate) fn slot(role: Role, counter: Counter) -> u16 {
    let r = if role == Role::Assisting {
        Counter::COUNT
    } else {
        0
    };
    u16::try_from(r + counter.index()).unwrap_or(u16::MAX)
}

/// `(role, counter)` of a slot.
pub(crate) fn decode_slot(slot: u16) -> Option<(Role, Counter)> {
    let s = usize::from(slot);
    let role = if s >= Counter::COUNT {
        Role::Assisting
    } else {
        Role::Lead
    };
    Counter::ALL.get(s % Counter::COUNT).map(|c| (role, *c))
}

/// A finished fact: `amount` on one counter of one unit in one period. Its `(period, unit,
/// slot)` is packed into one integer with the same order, the key records sort and diff on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fixed {
    key: u64,
    pub amount: i64,
}

impl Fixed {
    /// The fact `amount` on counter slot `slot` of `unit` in `period`.
    pub(crate) fn new(period: u16, unit: u32, slot: u16, amount: i64) -> Self {
        Fixed {
            key: (u64::from(period) << 48) | (u64::from(unit) << 16) | u64::from(slot),
            amount,
        }
    }

    /// `(period, unit, slot)` packed into one integer with the same order.
    pub(crate) fn key(&self) -> u64 {
        self.key
    }

    /// The period id.
    pub(crate) fn period(&self) -> u16 {
        (self.key >> 48) as u16
    }

    /// The unit's index in the units table.
    pub(crate) fn unit(&self) -> u32 {
        (self.key >> 16) as u32
    }

    /// The counter slot (see [`slot`]).
    pub(crate) fn slot(&self) -> u16 {
        self.key as u16
    }
}

/// A lapse at instant `at` (it applies when `at < as_of`); `w` = working ms from the period
/// start to `at` (for [`Lapse::DueOpen`]; 0 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Timed {
    pub period: u16,
    pub unit: u32,
    pub kind: u8,
    pub at: i64,
    pub w: i64,
}

/// A running, unpaused clock: its status is `red` once `due < as_of`, else `yellow` once
/// `warning_at <= as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Running {
    pub unit: u32,
    pub warning_at: Instant,
    pub assignment: u16,
    pub clock: u8,
    pub due: Instant,
    pub dispatched_at: Instant,
    pub role: Role,
}

/// One ticket's decomposed contributions (sorted vectors, so records diff cheaply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Record {
    pub fixed: Vec<Fixed>,
    pub timed: Vec<Timed>,
    pub running: Vec<Running>,
    /// Units with a paused running clock on this ticket (statuses evaluated at query time).
    pub paused: Vec<u32>,
    /// Not decomposable: evaluated at query time (and nothing of it is in the counters).
    pub volatile: bool,
    /// The instant of the ticket's last event.
    pub last: Option<Instant>,
}

/// Where contributions go: period ids, their scopes and working-time offsets.
pub(crate) trait Periods {
    /// The id of the period containing `t`, if any (may create it).
    fn period_of(&mut self, t: Instant) -> Result<Option<u16>>;
    /// The start and end of period `id`.
    fn bounds(&self, id: u16) -> Option<(Instant, Instant)>;
    /// The scope of period `id`, evaluated at `as_of`.
    fn scope(&mut self, id: u16, as_of: Instant) -> Option<&Scope>;
    /// Working milliseconds from the start of period `id` to `t`.
    fn offset(&mut self, ev: &Evaluator, id: u16, t: Instant) -> Result<i64>;
}

struct RecordSink<'a> {
    period: u16,
    /// Event indexes of assignments whose completion clock is a [`Lapse::DueOpen`].
    open: &'a [usize],
    out: &'a mut Vec<Fixed>,
}

impl Sink for RecordSink<'_> {
    fn add(&mut self, _: &TicketView<'_>, f: &crate::clocks::Facts, counter: Counter, amount: i64) {
        if matches!(
            counter,
            Counter::Due | Counter::OverdueOpen | Counter::OverdueWorkingMs
        ) && self.open.contains(&f.event_index)
        {
            return;
        }
        // Units outside the table cannot occur: the board validates every event's unit.
        let Some(unit) = f.unit else { return };
        self.out
            .push(Fixed::new(self.period, unit, slot(f.role, counter), amount));
    }
}

/// Whether a paused running clock stays `pending` for every `as_of ≥ at` (until the next event):
/// true when working time remains between `at` and its due instant on the clock's basis (its due
/// instant then runs ahead of `as_of`). A working-hours extension on another basis makes the due
/// instant a composition this argument does not cover: treated as not provable.
fn pending_while_paused(
    ev: &Evaluator,
    st: &crate::clocks::ClockState,
    at: Instant,
    working_hours_extension: bool,
) -> Result<bool> {
    let (Some(limit), Some(due)) = (st.limit, st.due) else {
        return Ok(true);
    };
    if st.outcome != Outcome::Pending
        || (limit.clock != TimeBasis::Office && working_hours_extension)
    {
        return Ok(false);
    }
    Ok(ev.between(limit.clock, at, due)? > 0)
}

fn has_working_hours_extension(ticket: &Ticket) -> bool {
    ticket.events.iter().any(|e| {
        matches!(
            e.body,
            EventBody::ExtensionRequested {
                amount: Amount::WorkingHours { .. },
                ..
            } | EventBody::ExtensionDecided {
                amount: Some(Amount::WorkingHours { .. }),
                ..
            }
        )
    })
}

/// Reusable buffers of evaluation and the record being built (kept by the board so that
/// ingestion does not allocate once they have grown).
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub scratch: Scratch,
    pub converter: Converter,
    /// The record [`build`] produced.
    pub rec: Record,
    open: Vec<usize>,
    ids: Vec<u16>,
    /// The rules' state being checked (it replaces a ticket's once ingestion succeeded).
    pub flow: super::check::TicketFlow,
}

/// The instant a ticket's record is evaluated at: 1 ms after its last event.
pub(crate) fn decompose_at(ticket: &Ticket) -> Option<Instant> {
    let last = ticket.events.last()?.at;
    Some(Instant::from_millis(last.millis().saturating_add(1)))
}

/// Builds `ticket`'s record evaluated at `at` into `work.rec`. With `decompose`, `at` must be
/// [`decompose_at`] and the record, valid for every `as_of ≥ at`, holds lapses and running
/// clocks; without, it holds the plain contributions at `at` (query-time evaluation). `keyed`,
/// when given, is the board's words of `ticket`'s events (see `keys`) and whether its
/// attributes mark a repeat: its unit keys are then read from the words instead of comparing
/// unit names, and its attributes are not read.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build<P: Periods>(
    ev: &Evaluator,
    due_anchor: DueAnchor,
    ticket: &Ticket,
    keyed: Option<(&[u64], bool)>,
    at: Instant,
    decompose: bool,
    work: &mut Work,
    periods: &mut P,
) -> Result<()> {
    let Work {
        scratch,
        converter,
        rec,
        open,
        ids,
        ..
    } = work;
    rec.clear();
    open.clear();
    ids.clear();
    rec.last = ticket.events.last().map(|e| e.at);
    let view = match keyed {
        Some((w, repeat)) => converter.view_keyed(
            ev,
            ticket,
            w.iter().map(|w| super::keys::key_of(*w)),
            repeat,
        ),
        None => converter.view(ev, ticket),
    };
    ev.evaluate_into(
        &view,
        at,
        scratch,
        Detail {
            status: decompose,
            // The record reads the warning instants of running clocks only.
            finished_warnings: false,
            records: false,
        },
    )?;
    if decompose {
        let wh = has_working_hours_extension(ticket);
        for (i, (f, c)) in scratch
            .assignments
            .iter()
            .zip(scratch.clocks.iter())
            .enumerate()
        {
            let Some(unit) = f.unit else { continue };
            let assignment = u16::try_from(i).unwrap_or(u16::MAX);
            let mut paused = false;
            for clock in [Clock::Sign, Clock::Contact, Clock::Reply, Clock::Complete] {
                let st = c.get(clock);
                if st.status.is_none() {
                    continue;
                }
                if st.paused {
                    paused = true;
                    if matches!(clock, Clock::Sign | Clock::Complete)
                        && !pending_while_paused(ev, st, at, wh)?
                    {
                        rec.volatile = true;
                    }
                    continue;
                }
                let (Some(due), Some(warning_at)) = (st.due, st.warning_at) else {
                    continue;
                };
                rec.running.push(Running {
                    unit,
                    warning_at,
                    assignment,
                    clock: u8::try_from(clock.index()).unwrap_or(0),
                    due,
                    dispatched_at: f.dispatched_at,
                    role: f.role,
                });
                match clock {
                    Clock::Sign if st.outcome == Outcome::Pending => {
                        if let Some(p) = periods.period_of(f.dispatched_at)? {
                            rec.timed.push(Timed {
                                period: p,
                                unit,
                                kind: kind(f.role, Lapse::Sign),
                                at: due.millis(),
                                w: 0,
                            });
                        }
                    }
                    Clock::Complete => {
                        open.push(f.event_index);
                        if let Some(p) = periods.period_of(due)? {
                            rec.timed.push(Timed {
                                period: p,
                                unit,
                                kind: kind(f.role, Lapse::DueOpen),
                                at: due.millis(),
                                w: periods.offset(ev, p, due)?,
                            });
                        }
                    }
                    _ => {}
                }
            }
            if paused {
                rec.paused.push(unit);
            }
            let cs = &c.complete;
            if due_anchor == DueAnchor::DueDate
                && cs.outcome == Outcome::OnTime
                && cs.finished.is_some()
                && let Some(due) = cs.due
                && due >= at
                && let Some(p) = periods.period_of(due)?
            {
                let lapse = if scratch.reopened {
                    Lapse::DueOnTime
                } else {
                    Lapse::DueOnTimeFirst
                };
                rec.timed.push(Timed {
                    period: p,
                    unit,
                    kind: kind(f.role, lapse),
                    at: due.millis(),
                    w: 0,
                });
            }
        }
        if rec.volatile {
            let last = rec.last;
            rec.clear();
            rec.volatile = true;
            rec.last = last;
            return Ok(());
        }
    }
    // Every period an anchor can fall in: event instants and completion due instants.
    let instants = ticket
        .events
        .iter()
        .map(|e| e.at)
        .filter(|t| *t <= at)
        .chain(scratch.clocks.iter().filter_map(|c| c.complete.due));
    let mut last: Option<(Instant, Instant)> = None;
    for t in instants {
        // Event instants come in order: most fall in the period found last.
        if last.is_some_and(|(start, end)| start <= t && t < end) {
            continue;
        }
        if let Some(p) = periods.period_of(t)? {
            last = periods.bounds(p);
            if !ids.contains(&p) {
                ids.push(p);
            }
        }
    }
    for p in ids.iter().copied() {
        let Some(scope) = periods.scope(p, at) else {
            continue;
        };
        let mut sink = RecordSink {
            period: p,
            open,
            out: &mut rec.fixed,
        };
        contribute(ev, &view, scratch, scope, &mut sink)?;
    }
    rec.fixed.sort_unstable_by_key(Fixed::key);
    rec.fixed.dedup_by(|b, a| {
        if a.key() == b.key() {
            a.amount = a.amount.saturating_add(b.amount);
            true
        } else {
            false
        }
    });
    rec.fixed.retain(|f| f.amount != 0);
    rec.timed.sort_unstable();
    rec.running.sort_unstable();
    rec.paused.sort_unstable();
    rec.paused.dedup();
    Ok(())
}

impl Record {
    /// Empties the record, keeping its buffers.
    pub(crate) fn clear(&mut self) {
        self.fixed.clear();
        self.timed.clear();
        self.running.clear();
        self.paused.clear();
        self.volatile = false;
        self.last = None;
    }

    /// Makes this record a copy of `other`, reusing its buffers.
    pub(crate) fn assign(&mut self, other: &Record) {
        self.fixed.clear();
        self.fixed.extend_from_slice(&other.fixed);
        self.timed.clear();
        self.timed.extend_from_slice(&other.timed);
        self.running.clear();
        self.running.extend_from_slice(&other.running);
        self.paused.clear();
        self.paused.extend_from_slice(&other.paused);
        self.volatile = other.volatile;
        self.last = other.last;
    }

    /// Adds this record's contributions to period `period` at `as_of` into `out(unit, role,
    /// counter, amount)`; `w_as_of` gives `W(as_of)` (asked only when a running completion clock
    /// is overdue).
    pub(crate) fn value_at(
        &self,
        period: u16,
        as_of: Instant,
        w_as_of: &mut impl FnMut() -> Result<i64>,
        out: &mut impl FnMut(u32, Role, Counter, i64),
    ) -> Result<()> {
        for f in self.fixed.iter().filter(|f| f.period() == period) {
            if let Some((role, counter)) = decode_slot(f.slot()) {
                out(f.unit(), role, counter, f.amount);
            }
        }
        for t in self
            .timed
            .iter()
            .filter(|t| t.period == period && t.at < as_of.millis())
        {
            let (role, lapse) = decode_kind(t.kind);
            for (counter, d) in deltas(lapse) {
                out(t.unit, role, *counter, *d);
            }
            if lapse == Lapse::DueOpen {
                let w = w_as_of()?;
                out(
                    t.unit,
                    role,
                    Counter::OverdueWorkingMs,
                    w.saturating_sub(t.w),
                );
            }
        }
        Ok(())
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.fixed.capacity() * std::mem::size_of::<Fixed>()
            + self.timed.capacity() * std::mem::size_of::<Timed>()
            + self.running.capacity() * std::mem::size_of::<Running>()
            + self.paused.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_keep_period_unit_and_slot_in_key_order() {
        let a = Fixed::new(3, 70_000, 41, -2);
        assert_eq!(
            (a.period(), a.unit(), a.slot(), a.amount),
            (3, 70_000, 41, -2)
        );
        let b = Fixed::new(3, 70_001, 0, 1);
        let c = Fixed::new(4, 0, 0, 1);
        assert!(a.key() < b.key() && b.key() < c.key());
        let max = Fixed::new(u16::MAX, u32::MAX, u16::MAX, 0);
        assert_eq!(
            (max.period(), max.unit(), max.slot()),
            (u16::MAX, u32::MAX, u16::MAX)
        );
    }

    #[test]
    fn slots_and_kinds_round_trip() {
        for role in [Role::Lead, Role::Assisting] {
            for c in Counter::ALL {
                assert_eq!(decode_slot(slot(role, *c)), Some((role, *c)));
            }
            for l in LAPSES {
                assert_eq!(decode_kind(kind(role, l)), (role, l));
                assert!(usize::from(kind(role, l)) < KINDS);
            }
        }
    }

    #[test]
    fn lapses_keep_the_partitions() {
        // sign: dispatched = on_time + late + overdue + pending stays balanced.
        let sum: i64 = deltas(Lapse::Sign).iter().map(|d| d.1).sum();
        assert_eq!(sum, 0);
        // due = closed_on_time + closed_late + overdue_open; due_closed = on_time + late.
        for l in [Lapse::DueOnTimeFirst, Lapse::DueOnTime, Lapse::DueOpen] {
            let get = |c: Counter| {
                deltas(l)
                    .iter()
                    .filter(|d| d.0 == c)
                    .map(|d| d.1)
                    .sum::<i64>()
            };
            assert_eq!(
                get(Counter::Due),
                get(Counter::ClosedOnTime) + get(Counter::ClosedLate) + get(Counter::OverdueOpen)
            );
            assert_eq!(
                get(Counter::DueClosed),
                get(Counter::ClosedOnTime) + get(Counter::ClosedLate)
            );
        }
    }
}
