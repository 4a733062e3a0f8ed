//! Period warnings straight from tickets: the one place that assembles [`WarningData`] — the
//! open assignments at `as_of` and the period-end projection of the tickets **as known at
//! `as_of`** (events after `as_of` are not yet known, so they cannot rescue or sink anything).

use std::borrow::Cow;
use std::ops::Range;

use super::model::Scheme;
use super::warning::{UnitWarning, WarningData};
use crate::clocks::Evaluator;
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::{
    MetricsTable, OpenAssignment, Partial, Scope, open_assignments, open_assignments_of, partial,
    partial_of_views,
};
use crate::parts::in_parts;
use crate::period::Period;
use crate::ticket::{Ticket, TicketsRef};

impl Scheme {
    /// Period warnings of `tickets` at `as_of` ([`Scheme::period_warnings`]), with `metrics` the
    /// tickets' metrics at `as_of` (external metrics included; they carry over to the
    /// projection). The evaluator's units are the scored units. `tickets`: owned tickets or a
    /// batch ([`TicketsRef`]; a batch is read in place, cut to what was known at `as_of`); the
    /// result is the same.
    pub fn period_warnings_from_tickets<'a>(
        &self,
        ev: &Evaluator,
        tickets: impl Into<TicketsRef<'a>>,
        metrics: &MetricsTable,
        period: &Period,
        as_of: Instant,
    ) -> Result<Vec<UnitWarning>> {
        self.period_warnings_from_tickets_parallel(ev, tickets, metrics, period, as_of, 1)
    }

    /// [`period_warnings_from_tickets`](Self::period_warnings_from_tickets) on up to `threads`
    /// threads, each over a contiguous part of the tickets (at least 20,000 each), the parts'
    /// results combined: the same warnings. When several tickets fail to evaluate, the error
    /// names one of them, which may depend on the parts.
    pub fn period_warnings_from_tickets_parallel<'a>(
        &self,
        ev: &Evaluator,
        tickets: impl Into<TicketsRef<'a>>,
        metrics: &MetricsTable,
        period: &Period,
        as_of: Instant,
        threads: usize,
    ) -> Result<Vec<UnitWarning>> {
        // Outside the window nothing is evaluated (projecting to the period's end can need
        // calendar data the answer does not).
        if !self.warns_at(period, as_of)? {
            return Ok(Vec::new());
        }
        let tickets = tickets.into();
        let parts = threads.min(tickets.len() / MIN_TICKETS_PER_THREAD).max(1);
        let passes = Passes::in_parts(tickets, ev, period, as_of, parts)?;
        let mut at_end = passes.at_end.finalize(ev.units(), metrics.external.clone());
        at_end.adjustments.clone_from(&metrics.adjustments);
        let data = WarningData {
            metrics,
            open: &passes.open,
            at_end: &at_end,
            open_at_end: &passes.open_at_end,
        };
        self.period_warnings(ev.units(), period, as_of, &data)
    }
}

/// Fewer tickets than this per thread are not worth a thread.
const MIN_TICKETS_PER_THREAD: usize = 20_000;

/// Owned tickets are cut to what was known at `as_of` (cloned) this many at a time.
const KNOWN_AT_CHUNK: usize = 4096;

/// What the warnings read of the tickets: the open assignments at `as_of`, and the projection
/// to the period's end of the tickets as known at `as_of` (its partial state and open
/// assignments).
struct Passes {
    open: Vec<OpenAssignment>,
    at_end: Partial,
    open_at_end: Vec<OpenAssignment>,
}

impl Passes {
    /// The passes over `tickets` in exactly `parts` contiguous parts (at least one), each on its
    /// own thread; the parts' open assignments joined in ticket order, their states merged.
    fn in_parts(
        tickets: TicketsRef<'_>,
        ev: &Evaluator,
        period: &Period,
        as_of: Instant,
        parts: usize,
    ) -> Result<Passes> {
        let end = Scope::new(period.clone(), period.end);
        let rows = match tickets {
            TicketsRef::Batch(batch) => batch.rows_for(ev),
            TicketsRef::Owned(_) => Vec::new(),
        };
        let part = |range: Range<usize>| -> Result<Passes> {
            match tickets {
                TicketsRef::Owned(all) => {
                    let some = all.get(range).unwrap_or_default();
                    let mut passes = Passes {
                        open: open_assignments(some, ev, as_of)?,
                        at_end: Partial::default(),
                        open_at_end: Vec::new(),
                    };
                    // The cut clones tickets: a few thousand at a time.
                    for chunk in some.chunks(KNOWN_AT_CHUNK) {
                        let known = known_at(chunk, as_of);
                        passes.at_end.merge(partial(&known, ev, &end)?)?;
                        passes
                            .open_at_end
                            .extend(open_assignments(&*known, ev, period.end)?);
                    }
                    Ok(passes)
                }
                TicketsRef::Batch(batch) => {
                    let known = || batch.views_known_at(&rows, as_of, range.clone());
                    Ok(Passes {
                        open: open_assignments_of(batch.views(&rows, range.clone()), ev, as_of)?,
                        at_end: partial_of_views(known(), ev, &end)?,
                        open_at_end: open_assignments_of(known(), ev, period.end)?,
                    })
                }
            }
        };
        let (first, rest) = in_parts(tickets.len(), parts, part, part);
        let mut whole = first?;
        for p in rest {
            let p = p?;
            whole.open.extend(p.open);
            whole.at_end.merge(p.at_end)?;
            whole.open_at_end.extend(p.open_at_end);
        }
        Ok(whole)
    }
}

/// The tickets as they were known at `as_of`: received by then, with the events up to then
/// (borrowed when nothing is later).
pub fn known_at(tickets: &[Ticket], as_of: Instant) -> Cow<'_, [Ticket]> {
    let later = |t: &Ticket| t.received_at > as_of || t.events.iter().any(|e| e.at > as_of);
    if !tickets.iter().any(later) {
        return Cow::Borrowed(tickets);
    }
    Cow::Owned(
        tickets
            .iter()
            .filter(|t| t.received_at <= as_of)
            .map(|t| {
                let mut t = t.clone();
                t.events.retain(|e| e.at <= as_of);
                t
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{CityConfig, SyntheticCity};

    /// The warnings' passes in parts on threads, from owned tickets or from a batch, equal one
    /// pass over all the tickets, mid-period and at the end of the data.
    #[test]
    fn passes_in_parts_equal_one_pass_from_either_form() {
        use crate::clocks::TicketBatch;
        let (city, ev) = crate::synthetic::test_city(20, 60, 9);
        let batch = TicketBatch::from_tickets(&city.tickets);
        let period = Period::new(
            Instant::parse("2026-01-01T00:00:00+08:00").unwrap(),
            Instant::parse("2026-04-01T00:00:00+08:00").unwrap(),
            "2026-Q1",
        )
        .unwrap();
        let mid = city.tickets[city.tickets.len() / 2].received_at;
        for as_of in [mid, city.as_of] {
            let whole =
                Passes::in_parts(TicketsRef::from(&city.tickets), &ev, &period, as_of, 1).unwrap();
            assert!(!whole.open.is_empty() && !whole.open_at_end.is_empty());
            for parts in 1..=4 {
                for tickets in [TicketsRef::from(&city.tickets), TicketsRef::from(&batch)] {
                    let got = Passes::in_parts(tickets, &ev, &period, as_of, parts).unwrap();
                    assert_eq!(got.open, whole.open, "{parts} parts");
                    assert_eq!(got.at_end, whole.at_end, "{parts} parts");
                    assert_eq!(got.open_at_end, whole.open_at_end, "{parts} parts");
                }
            }
        }
    }

    #[test]
    fn known_at_drops_what_was_not_yet_known() {
        let city = SyntheticCity::generate(&CityConfig {
            days: 3,
            tickets_per_day: 40,
            ..CityConfig::default()
        })
        .unwrap();
        let all = &city.tickets;
        // At the end of the data nothing is later: the same slice, borrowed.
        assert!(matches!(known_at(all, city.as_of), Cow::Borrowed(_)));
        // Mid-way: only tickets received by then, each with only its events up to then.
        let mid = all[all.len() / 2].received_at;
        let known = known_at(all, mid);
        assert!(known.len() < all.len());
        assert!(known.iter().all(|t| t.received_at <= mid));
        assert!(known.iter().all(|t| t.events.iter().all(|e| e.at <= mid)));
        let cut = known.iter().any(|k| {
            let full = all.iter().find(|t| t.id == k.id).unwrap();
            full.events.len() > k.events.len()
        });
        assert!(cut, "some ticket had events after the cut");
    }
}
