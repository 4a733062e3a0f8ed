//! One evaluation per ticket, several outputs: the partial states of many periods at one
//! `as_of` (a weekly trend, a quarter and its months), and every unit's contributions at once
//! (explanations of a whole ranking).
//!
//! Both give exactly what the one-period functions give — [`partial`](super::partial) per
//! period, [`contributions`](super::contributions) per unit — but evaluate each ticket's clocks
//! once instead of once per period or per unit.

use super::contribute::{
    DueAnchor, Scope, Sink, contribute, evaluate_contributions, first_dispatch, may_contribute,
};
use super::partial::Tally;
use super::{Contribution, Counter, Partial};
use crate::clocks::{Converter, Detail, Evaluator, Facts, Scratch, TicketView};
use crate::error::Result;
use crate::instant::Instant;
use crate::period::Period;
use crate::ticket::Ticket;

/// The partial state of `tickets` for each of `periods`, all evaluated at `as_of` with
/// `due_anchor`: element `i` equals `partial(tickets, ev, &Scope { period: periods[i], as_of,
/// due_anchor })`.
pub fn partials(
    tickets: &[Ticket],
    ev: &Evaluator,
    as_of: Instant,
    periods: &[Period],
    due_anchor: DueAnchor,
) -> Result<Vec<Partial>> {
    let scopes: Vec<Scope> = periods
        .iter()
        .map(|p| Scope {
            period: p.clone(),
            as_of,
            due_anchor,
        })
        .collect();
    let mut tallies = vec![Tally::new(ev); scopes.len()];
    let mut scratch = Scratch::default();
    let mut converter = Converter::default();
    for t in tickets {
        // Only tickets that can reach one of the periods are evaluated, as `partial` skips the
        // others (a ticket that reaches none, its deadline beyond the calendar, failed the
        // call where every one-period call succeeded: a shards audit).
        let first = first_dispatch(t);
        if !scopes.iter().any(|s| may_contribute(first, s)) {
            continue;
        }
        let view = converter.view(ev, t);
        ev.evaluate_into(&view, as_of, &mut scratch, Detail::default())?;
        for (scope, tally) in scopes.iter().zip(tallies.iter_mut()) {
            if may_contribute(first, scope) {
                contribute(ev, &view, &scratch, scope, tally)?;
            }
        }
    }
    Ok(tallies
        .into_iter()
        .zip(scopes)
        .map(|(t, scope)| t.finish(ev).scoped(scope))
        .collect())
}

struct Every {
    out: Vec<Contribution>,
}

impl Sink for Every {
    fn add(&mut self, ticket: &TicketView<'_>, f: &Facts, counter: Counter, amount: i64) {
        let Some(unit) = ticket.names.get(f.key) else {
            return;
        };
        self.out.push(Contribution {
            ticket_id: ticket.id.to_owned(),
            unit: unit.clone(),
            role: f.role,
            counter,
            amount,
        });
    }
}

/// Every non-zero contribution of every unit to the counters of `scope`, in ticket order: the
/// union of [`contributions`](super::contributions) over all units, from one evaluation per
/// ticket.
pub fn all_contributions(
    tickets: &[Ticket],
    ev: &Evaluator,
    scope: &Scope,
) -> Result<Vec<Contribution>> {
    let mut scratch = Scratch::default();
    let mut converter = Converter::default();
    let mut sink = Every { out: Vec::new() };
    for t in tickets {
        let view = converter.view(ev, t);
        evaluate_contributions(ev, &view, scope, &mut scratch, &mut sink)?;
    }
    Ok(sink.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::instant::{CHINA_OFFSET, MS_PER_DAY};
    use crate::metrics::{contributions, partial};
    use crate::policy::Policy;
    use crate::synthetic::{CityConfig, SyntheticCity};

    fn city() -> (SyntheticCity, Evaluator) {
        let config = CityConfig {
            days: 21,
            tickets_per_day: 60,
            units: 12,
            ..CityConfig::default()
        };
        let city = SyntheticCity::generate(&config).unwrap();
        let ev = Evaluator::new(
            &Calendar::prc().unwrap(),
            Policy::henan().unwrap(),
            &city.units,
        );
        (city, ev)
    }

    #[test]
    fn partials_equal_one_period_at_a_time() {
        let (city, ev) = city();
        let start = Period::month(2026, time::Month::January, CHINA_OFFSET)
            .unwrap()
            .start;
        let weeks: Vec<Period> = (0..4)
            .map(|w| {
                let s = Instant::from_millis(start.millis() + w * 7 * MS_PER_DAY);
                let e = Instant::from_millis(s.millis() + 7 * MS_PER_DAY);
                Period::new(s, e, format!("w{w}")).unwrap()
            })
            .collect();
        let as_of = Instant::from_millis(start.millis() + 18 * MS_PER_DAY);
        for anchor in [DueAnchor::DueDate, DueAnchor::DueOrClosed] {
            let batch = partials(&city.tickets, &ev, as_of, &weeks, anchor).unwrap();
            for (week, got) in weeks.iter().zip(&batch) {
                let scope = Scope {
                    period: week.clone(),
                    as_of,
                    due_anchor: anchor,
                };
                let want = partial(&city.tickets, &ev, &scope).unwrap();
                assert_eq!(got, &want, "{}", week.label);
            }
        }
        assert!(
            partials(&city.tickets, &ev, as_of, &[], DueAnchor::DueDate)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn all_contributions_are_the_union_of_per_unit_ones() {
        let (city, ev) = city();
        let period = Period::month(2026, time::Month::January, CHINA_OFFSET).unwrap();
        let as_of = Instant::from_millis(period.start.millis() + 20 * MS_PER_DAY);
        let scope = Scope::new(period, as_of);
        let mut all = all_contributions(&city.tickets, &ev, &scope).unwrap();
        let mut per_unit = Vec::new();
        for u in &city.units {
            per_unit.extend(contributions(&city.tickets, &ev, &scope, &u.id).unwrap());
        }
        assert!(!all.is_empty());
        let key = |c: &Contribution| (c.ticket_id.clone(), c.unit.clone(), c.role, c.counter);
        all.sort_by_key(key);
        per_unit.sort_by_key(key);
        assert_eq!(all, per_unit);
    }

    /// A ticket that cannot reach the period is not evaluated by explanations either (a clocks
    /// audit: a December ticket whose deadline runs into the next year, beyond the calendar,
    /// failed every explanation of a March ranking that scored without it).
    #[test]
    fn explanations_skip_tickets_outside_the_period_as_scores_do() {
        let (city, ev) = city();
        let period = Period::month(2026, time::Month::January, CHINA_OFFSET).unwrap();
        let as_of = Instant::parse("2026-12-31T12:00:00+08:00").unwrap();
        let scope = Scope::new(period, as_of);
        let mut december = city.tickets[0].clone();
        december.id = "T-DEC".into();
        let late = Instant::parse("2026-12-28T10:00:00+08:00").unwrap();
        december.received_at = late;
        december.events.truncate(1);
        december.events[0].at = late;
        let one = std::slice::from_ref(&december);
        let alone = Scope::new(
            Period::month(2026, time::Month::December, CHINA_OFFSET).unwrap(),
            as_of,
        );
        assert!(
            ev.evaluate(&december, as_of).is_err(),
            "beyond the calendar"
        );
        assert!(partial(one, &ev, &alone).is_err());
        // The city's tickets that can be evaluated at the end of the year (some still open run
        // into the next), and the December one.
        let known: Vec<Ticket> = city
            .tickets
            .iter()
            .filter(|t| ev.evaluate(t, as_of).is_ok())
            .cloned()
            .collect();
        assert!(known.len() > 100);
        let mut tickets = known.clone();
        tickets.push(december);
        let unit = &city.units[0].id;
        assert_eq!(
            all_contributions(&tickets, &ev, &scope).unwrap(),
            all_contributions(&known, &ev, &scope).unwrap()
        );
        assert_eq!(
            contributions(&tickets, &ev, &scope, unit).unwrap(),
            contributions(&known, &ev, &scope, unit).unwrap()
        );
        assert_eq!(
            partial(&tickets, &ev, &scope).unwrap(),
            partial(&known, &ev, &scope).unwrap()
        );
        // Several periods at once skip it too: November (it came after) and January 2027
        // (not begun at as_of); each element is the one-period call's.
        let periods = [
            Period::month(2026, time::Month::November, CHINA_OFFSET).unwrap(),
            Period::month(2027, time::Month::January, CHINA_OFFSET).unwrap(),
        ];
        let several = partials(&tickets, &ev, as_of, &periods, DueAnchor::DueDate).unwrap();
        for (got, period) in several.iter().zip(&periods) {
            let one = Scope::new(period.clone(), as_of);
            assert_eq!(
                got,
                &partial(&tickets, &ev, &one).unwrap(),
                "{}",
                period.label
            );
        }
    }
}
