//! One clock: due instant (pauses, extensions), finish, outcome and deadline status.

use crate::amount::Amount;
use crate::error::Result;
use crate::instant::Instant;
use crate::policy::{Clock, ExtensionPolicy, Limit, Threshold, TimeBasis, same_kind};

use super::context::{DayCache, Evaluator};
use super::facts::ClockEvent;
use super::state::{ClockState, ExtensionRecord, Outcome, Refusal, Status};

/// What a clock is computed from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClockInput {
    pub clock: Clock,
    pub limit: Option<Limit>,
    /// When it starts (`None`: it never started).
    pub start: Option<Instant>,
    /// The finishing event, if it happened (at or before `as_of` and the end). For `sign` the
    /// caller passes the end of the assignment when the unit neither signed nor returned.
    pub finish: Option<Instant>,
    /// When the assignment stopped running for this clock (accepted return, ticket close).
    pub end: Option<Instant>,
    /// Whether approved extensions move this clock.
    pub extended: bool,
    /// Whether to compute `status` and `warning_at`.
    pub with_status: bool,
    /// With `with_status`: whether a finished or ended clock gets its `warning_at` too.
    pub finished_warnings: bool,
}

/// The running due instant: base due plus applied extensions plus paused time.
struct Due<'a> {
    ev: &'a Evaluator,
    days: &'a mut DayCache,
    limit: Limit,
    start: Instant,
    ext_days: u32,
    ext_basis_ms: i64,
    ext_office_ms: i64,
    pause_ms: i64,
    base: Instant,
    due: Instant,
}

impl Due<'_> {
    fn recompute(&mut self, days_changed: bool) -> Result<()> {
        if days_changed {
            self.base =
                self.ev
                    .base_due_cached(&self.limit, self.start, self.ext_days, self.days)?;
        }
        let mut due = self.base;
        let on_basis = self.ext_basis_ms.saturating_add(self.pause_ms);
        if on_basis != 0 {
            due = self.ev.add(self.limit.clock, due, on_basis)?;
        }
        if self.ext_office_ms != 0 {
            due = self.ev.add(TimeBasis::Office, due, self.ext_office_ms)?;
        }
        self.due = due;
        Ok(())
    }
}

/// Extensions applied so far, for the policy's limits.
#[derive(Default)]
struct Applied {
    count: u32,
    total: Option<Amount>,
}

fn magnitude(a: Amount) -> i64 {
    match a {
        Amount::Time { ms } | Amount::WorkingHours { ms } => ms,
        Amount::WorkingDays(n) => i64::from(n),
    }
}

fn plus(a: Amount, b: Amount) -> Amount {
    match (a, b) {
        (Amount::Time { ms: x }, Amount::Time { ms: y }) => Amount::Time {
            ms: x.saturating_add(y),
        },
        (Amount::WorkingHours { ms: x }, Amount::WorkingHours { ms: y }) => Amount::WorkingHours {
            ms: x.saturating_add(y),
        },
        (Amount::WorkingDays(x), Amount::WorkingDays(y)) => {
            Amount::WorkingDays(x.saturating_add(y))
        }
        (a, _) => a,
    }
}

impl Applied {
    fn check(&self, policy: &ExtensionPolicy, amount: Amount) -> Option<Refusal> {
        if policy.max_count.is_some_and(|m| self.count >= m) {
            return Some(Refusal::MaxCount);
        }
        if let Some(each) = policy.max_each
            && (!same_kind(each, amount) || magnitude(amount) > magnitude(each))
        {
            return Some(Refusal::MaxEach);
        }
        if let Some(total) = policy.max_total {
            let after = match self.total {
                None => Some(amount),
                Some(t) if same_kind(t, amount) => Some(plus(t, amount)),
                Some(_) => None,
            };
            match after {
                Some(a) if same_kind(a, total) && magnitude(a) <= magnitude(total) => {}
                _ => return Some(Refusal::MaxTotal),
            }
        }
        None
    }

    fn add(&mut self, amount: Amount) {
        self.count = self.count.saturating_add(1);
        self.total = Some(match self.total {
            Some(t) => plus(t, amount),
            None => amount,
        });
    }
}

/// Computes one clock at `as_of` into `state`. `events` are the assignment's pause/extension
/// events in log order; `records`, when given, receives one record per extension decision.
pub(crate) fn run<'e>(
    ev: &Evaluator,
    input: &ClockInput,
    events: impl Iterator<Item = &'e ClockEvent>,
    as_of: Instant,
    mut records: Option<&mut Vec<ExtensionRecord>>,
    state: &mut ClockState,
    days: &mut DayCache,
) -> Result<()> {
    *state = ClockState {
        limit: input.limit,
        start: input.start,
        finished: input.finish,
        ..ClockState::NOT_APPLICABLE
    };
    let Some(start) = input.start else {
        // Stopped before it started (by the sign-for's due instant, unsigned): on time, if it
        // has a limit to be on time for; without one it is `not_applicable`, as below (a
        // clocks audit: a unit that contacted without ever signing got 先行联系率 on time
        // while one that signed first got `not_applicable`).
        if input.finish.is_some() && input.limit.is_some() {
            state.outcome = Outcome::OnTime;
        }
        return Ok(());
    };
    let Some(limit) = input.limit else {
        // The sign clock is never `not_applicable`, so that every dispatch is counted in
        // exactly one sign outcome: without a limit, signing is on time.
        state.outcome = match (input.clock, input.finish.or(input.end)) {
            (Clock::Sign, Some(_)) => Outcome::OnTime,
            (Clock::Sign, None) => Outcome::Pending,
            _ => Outcome::NotApplicable,
        };
        no_limit_extensions(events, records);
        return Ok(());
    };
    let base = ev.base_due_cached(&limit, start, 0, days)?;
    let mut due = Due {
        ev,
        days,
        limit,
        start,
        ext_days: 0,
        ext_basis_ms: 0,
        ext_office_ms: 0,
        pause_ms: 0,
        base,
        due: base,
    };
    // Pauses only count while the clock runs: until it finishes, ends, or `as_of`.
    let stop = input.finish.or(input.end).map_or(as_of, |s| s.min(as_of));
    let policy = &ev.policy().extension;
    let mut paused_since: Option<Instant> = None;
    let mut request: Option<(Instant, Amount, bool)> = None;
    let mut applied = Applied::default();
    for event in events {
        match *event {
            ClockEvent::Pause(p) => {
                // A pause at or after the due instant does not undo the breach.
                if paused_since.is_none() && p < due.due && p < stop {
                    paused_since = Some(p.max(start));
                }
            }
            ClockEvent::Resume(r) => {
                if let Some(p) = paused_since.take() {
                    let until = r.min(stop);
                    if until > p {
                        due.pause_ms =
                            due.pause_ms
                                .saturating_add(ev.between(limit.clock, p, until)?);
                        due.recompute(false)?;
                    }
                }
            }
            ClockEvent::Request(t, amount) => {
                let after_due = paused_since.is_none() && t > due.due;
                request = Some((t, amount, after_due));
            }
            ClockEvent::Decision(t, approved, amount) => {
                let req = request.take();
                if !input.extended {
                    continue;
                }
                let amount = amount.or(req.map(|r| r.1));
                let refusal = if !approved {
                    None
                } else if let Some(a) = amount {
                    if policy.must_request_before_due && req.is_some_and(|r| r.2) {
                        Some(Refusal::RequestedAfterDue)
                    } else if paused_since.is_none() && t > due.due {
                        Some(Refusal::ApprovedAfterDue)
                    } else {
                        applied.check(policy, a)
                    }
                } else {
                    Some(Refusal::NoAmount)
                };
                let apply = approved && refusal.is_none();
                if let (true, Some(a)) = (apply, amount) {
                    applied.add(a);
                    match a {
                        Amount::WorkingDays(n) => due.ext_days = due.ext_days.saturating_add(n),
                        Amount::Time { ms } => {
                            due.ext_basis_ms = due.ext_basis_ms.saturating_add(ms)
                        }
                        Amount::WorkingHours { ms } => {
                            due.ext_office_ms = due.ext_office_ms.saturating_add(ms);
                        }
                    }
                    due.recompute(matches!(a, Amount::WorkingDays(_)))?;
                }
                if let Some(out) = records.as_deref_mut() {
                    out.push(ExtensionRecord {
                        requested_at: req.map(|r| r.0),
                        decided_at: t,
                        amount,
                        approved,
                        applied: apply,
                        refusal,
                    });
                }
            }
        }
    }
    if let Some(p) = paused_since {
        if stop > p {
            due.pause_ms = due
                .pause_ms
                .saturating_add(ev.between(limit.clock, p, stop)?);
            due.recompute(false)?;
        }
        state.paused = input.finish.is_none() && input.end.is_none();
    }
    state.due = Some(due.due);
    state.paused_ms = due.pause_ms;
    let d = due.due;
    state.outcome = match (input.finish, input.end) {
        (Some(f), _) => {
            if f <= d {
                Outcome::OnTime
            } else {
                Outcome::Late
            }
        }
        (None, Some(e)) => match input.clock {
            Clock::ReturnWindow => Outcome::NotApplicable,
            _ if d < e => Outcome::Overdue,
            // Every dispatch has one sign outcome: ended unsigned before it was due, no breach.
            Clock::Sign => Outcome::OnTime,
            _ => Outcome::NotApplicable,
        },
        (None, None) if d < as_of => match input.clock {
            Clock::ReturnWindow => Outcome::NotApplicable,
            _ => Outcome::Overdue,
        },
        (None, None) => Outcome::Pending,
    };
    let running = input.finish.is_none() && input.end.is_none();
    if input.with_status
        && input.clock != Clock::ReturnWindow
        && (running || input.finished_warnings)
    {
        let warn = warning_at(ev, &limit, start, base, d)?;
        state.warning_at = Some(warn);
        if running {
            state.status = Some(if d < as_of {
                Status::Red
            } else if warn <= as_of {
                Status::Yellow
            } else {
                Status::Normal
            });
        }
    }
    Ok(())
}

/// The instant the clock turns yellow: `due` minus the policy's threshold.
fn warning_at(
    ev: &Evaluator,
    limit: &Limit,
    start: Instant,
    base: Instant,
    due: Instant,
) -> Result<Instant> {
    match ev.policy().status.yellow {
        Threshold::Percent(p) => {
            // `base` is `start` plus the limit: a time limit on the clock's own basis is its
            // length (`between` inverts `add`), others are measured.
            let length = match limit.amount {
                Amount::Time { ms } => ms,
                Amount::WorkingHours { ms } if limit.clock == TimeBasis::Office => ms,
                _ => ev.between(limit.clock, start, base)?,
            }
            .max(0);
            let ms = length.saturating_mul(i64::from(p)) / 100;
            ev.sub(limit.clock, due, ms)
        }
        Threshold::Remaining(Amount::WorkingHours { ms }) => ev.sub(TimeBasis::Office, due, ms),
        Threshold::Remaining(Amount::Time { ms }) => ev.sub(limit.clock, due, ms),
        Threshold::Remaining(Amount::WorkingDays(_)) => Ok(due),
    }
}

/// Records decisions on a clock without a limit: approved ones are refused with `no_limit`.
fn no_limit_extensions<'e>(
    events: impl Iterator<Item = &'e ClockEvent>,
    records: Option<&mut Vec<ExtensionRecord>>,
) {
    let Some(out) = records else { return };
    let mut request: Option<(Instant, Amount)> = None;
    for event in events {
        match *event {
            ClockEvent::Request(t, a) => request = Some((t, a)),
            ClockEvent::Decision(t, approved, amount) => {
                let req = request.take();
                out.push(ExtensionRecord {
                    requested_at: req.map(|r| r.0),
                    decided_at: t,
                    amount: amount.or(req.map(|r| r.1)),
                    approved,
                    applied: false,
                    refusal: approved.then_some(Refusal::NoLimit),
                });
            }
            _ => {}
        }
    }
}
