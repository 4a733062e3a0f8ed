//! Period warnings straight from tickets: the one place that assembles [`WarningData`] — the
//! open assignments at `as_of` and the period-end projection of the tickets **as known at
//! `as_of`** (events after `as_of` are not yet known, so they cannot rescue or sink anything).

use std::borrow::Cow;

use super::model::Scheme;
use super::warning::{UnitWarning, WarningData};
use crate::clocks::Evaluator;
use crate::error::Result;
use crate::instant::Instant;
use crate::metrics::{
    MetricsTable, Scope, open_assignments, open_assignments_of, partial, partial_of_views,
};
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
        let tickets = tickets.into();
        let open = open_assignments(tickets, ev, as_of)?;
        let end = Scope::new(period.clone(), period.end);
        let (at_end, open_at_end) = match tickets {
            TicketsRef::Owned(tickets) => {
                let known = known_at(tickets, as_of);
                (
                    partial(&known, ev, &end)?,
                    open_assignments(&*known, ev, period.end)?,
                )
            }
            TicketsRef::Batch(batch) => {
                let rows = batch.rows_for(ev);
                let known = || batch.views_known_at(&rows, as_of);
                (
                    partial_of_views(known(), ev, &end)?,
                    open_assignments_of(known(), ev, period.end)?,
                )
            }
        };
        let at_end = at_end.finalize(ev.units(), metrics.external.clone());
        let data = WarningData {
            metrics,
            open: &open,
            at_end: &at_end,
            open_at_end: &open_at_end,
        };
        self.period_warnings(ev.units(), period, as_of, &data)
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
