//! Explanations: every published number traced to tickets (SPEC §6). For each unit and
//! component: the value, numerator, denominator, points, points lost, and the tickets that cost
//! them, computed from the [`Contribution`]s of the period, and what each of those tickets
//! counted on the indicators it cost ([`TicketCounters`]: `overdue_open`, `closed_late`,
//! `unsatisfied`, its `sign_working_ms` …), which says why.
//!
//! A ticket costs points on a component that lost points when, by the value's form and the
//! rule's direction:
//! - ratio, higher better: it counts in the denominator but not fully in the numerator
//!   (overdue, late sign-for, 不满意 …); lower better: it counts in the numerator;
//! - mean: its own mean is as bad as the unit's or worse;
//! - count: lower better (deductions): it counts; higher better: none;
//! - formula: leaving its contributions out would make the value better, or leave no value;
//! - checklist: none (items are not tickets).
//!
//! A component whose value reads external metrics lists them with the unit's values, and the
//! manual adjustments (人工加减分) added to them, each with its reason and approver.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::card::{Scorecard, Scores};
use super::model::{Indicator, Scheme};
use super::ticket_counters::{Shown, TicketCounters};
use super::value::{IndicatorValue, ValueForm};
use crate::clocks::{Evaluator, Facts, Scratch, TicketView};
use crate::error::{Error, Result};
use crate::formula::Value;
use crate::metrics::{Adjustment, Contribution, Counter, UnitCounters};
use crate::metrics::{Scope, Sink, evaluate_contributions};
use crate::parts::{balanced, in_parts, on_threads};
use crate::ticket::TicketsRef;
use crate::unit::{Role, UnitId};

/// One unit's explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The unit.
    pub unit: UnitId,
    /// Its group.
    pub group: String,
    /// Its total.
    pub total: Decimal,
    /// Its rank.
    pub rank: u32,
    /// One entry per component.
    pub components: Vec<ComponentExplanation>,
    /// Why each ticket listed in `components` cost points: what it counted at the unit on the
    /// indicators it cost, in ticket-id order ([`Explanation::counters_of`] finds one).
    #[serde(default)]
    pub ticket_counters: Vec<TicketCounters>,
    /// The scheme's hash.
    pub scheme_hash: String,
}

impl Explanation {
    /// What ticket `ticket_id` counted at the unit, when it is listed (found by its place in
    /// id order, or, in entries read from elsewhere that are not in that order, by a search).
    pub fn counters_of(&self, ticket_id: &str) -> Option<&TicketCounters> {
        let list = &self.ticket_counters;
        let at = list.binary_search_by(|t| t.ticket_id.as_str().cmp(ticket_id));
        at.ok()
            .and_then(|i| list.get(i))
            .or_else(|| list.iter().find(|t| t.ticket_id == ticket_id))
    }
}

/// One component explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentExplanation {
    /// Indicator id.
    pub indicator: String,
    /// Indicator name.
    pub name: String,
    /// The value scored.
    pub value: Option<Decimal>,
    /// The numerator.
    pub numerator: Option<Decimal>,
    /// The denominator.
    pub denominator: Option<Decimal>,
    /// The points.
    pub points: Decimal,
    /// The points lost.
    pub points_lost: Decimal,
    /// Whether small-sample shrinkage toward the group's rate changed the value: points it
    /// lost then come from the sample's size, not only from its tickets.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shrunk: bool,
    /// The tickets that cost points, by id.
    pub tickets: Vec<String>,
    /// The external metrics the value reads (`ext.<name>`), with the unit's values as scored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub external: BTreeMap<String, Decimal>,
    /// The manual adjustments added to those metrics, with their reasons and approvers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

/// Contributions a thread explains at least (fewer threads when there are fewer).
const CONTRIBUTIONS_PER_THREAD: usize = 50_000;

/// Tickets a thread evaluates at least when explaining straight from tickets.
const TICKETS_PER_THREAD: usize = 20_000;

/// What explaining reads of one contribution (to a scored unit): borrowed, no unit.
#[derive(Debug, Clone, Copy)]
struct Share<'a> {
    ticket_id: &'a str,
    role: Role,
    counter: Counter,
    amount: i64,
}

/// Collects the contributions of the scored units as [`Share`]s, by scorecard.
struct ToCards<'a, 'm> {
    card_of: &'m HashMap<&'m str, usize>,
    /// The scorecard of each unit of the evaluator's units table, by position.
    card_of_slot: &'m [Option<usize>],
    /// The ticket being evaluated.
    ticket_id: &'a str,
    out: Vec<(usize, Share<'a>)>,
}

impl Sink for ToCards<'_, '_> {
    fn add(&mut self, ticket: &TicketView<'_>, f: &Facts, counter: Counter, amount: i64) {
        let card = match f.unit {
            Some(slot) => self.card_of_slot.get(slot as usize).copied().flatten(),
            None => ticket
                .names
                .get(f.key)
                .and_then(|u| self.card_of.get(u.as_str()).copied()),
        };
        if let Some(card) = card {
            let share = Share {
                ticket_id: self.ticket_id,
                role: f.role,
                counter,
                amount,
            };
            self.out.push((card, share));
        }
    }
}

impl Scheme {
    /// Explains `scores` (computed with this scheme) from the period's contributions.
    pub fn explain(
        &self,
        scores: &Scores,
        contributions: &[Contribution],
    ) -> Result<Vec<Explanation>> {
        self.explain_parallel(scores, contributions, 1)
    }

    /// [`Self::explain`] with the units dealt to up to `threads` threads by their numbers of
    /// contributions: the same explanations.
    pub fn explain_parallel(
        &self,
        scores: &Scores,
        contributions: &[Contribution],
        threads: usize,
    ) -> Result<Vec<Explanation>> {
        self.explain_in_parts(scores, contributions, threads, CONTRIBUTIONS_PER_THREAD)
    }

    /// [`Self::explain_parallel`] with at least `per_thread` contributions per thread.
    fn explain_in_parts(
        &self,
        scores: &Scores,
        contributions: &[Contribution],
        threads: usize,
        per_thread: usize,
    ) -> Result<Vec<Explanation>> {
        self.check_scores(scores)?;
        let card_of = cards_by_unit(scores);
        let mut per_card: Vec<Vec<Share<'_>>> = vec![Vec::new(); scores.units.len()];
        for c in contributions {
            let list = card_of
                .get(c.unit.as_str())
                .and_then(|&card| per_card.get_mut(card));
            if let Some(list) = list {
                list.push(Share {
                    ticket_id: &c.ticket_id,
                    role: c.role,
                    counter: c.counter,
                    amount: c.amount,
                });
            }
        }
        let threads = threads.min(contributions.len() / per_thread.max(1));
        Ok(self.explain_cards(scores, &card_of, per_card, threads))
    }

    /// Explains `scores` straight from the tickets they were computed from: what
    /// [`Self::explain`] gives with every contribution of `tickets` to the counters of `scope`
    /// ([`all_contributions`](crate::metrics::all_contributions)), without an owned
    /// contribution per counter. The tickets are evaluated in up to `threads` contiguous parts
    /// (at least 20,000 tickets each), and the units explained on up to `threads` threads.
    /// `tickets`: owned tickets or a batch ([`TicketsRef`]); the result is the same.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use hotline_score::{Calendar, Policy};
    /// use hotline_score::clocks::Evaluator;
    /// use hotline_score::metrics::{Scope, all_contributions, partial};
    /// use hotline_score::scheme::Scheme;
    /// use hotline_score::synthetic::{CityConfig, SyntheticCity};
    ///
    /// let config = CityConfig { days: 10, tickets_per_day: 40, units: 8, ..CityConfig::default() };
    /// let city = SyntheticCity::generate(&config)?;
    /// let ev = Evaluator::new(&Calendar::prc()?, Policy::builtin("henan")?, &city.units);
    /// let scheme = Scheme::preset("sanmenxia")?;
    /// let period = scheme.period_at(city.as_of)?;
    /// let scope = Scope::new(period.clone(), city.as_of);
    /// let metrics = partial(&city.tickets, &ev, &scope)?.finalize(&city.units, BTreeMap::new());
    /// let scores = scheme.score(&city.units, &metrics, &period, city.as_of)?;
    /// let explained = scheme.explain_tickets(&ev, &city.tickets, &scope, &scores, 2)?;
    /// let contributions = all_contributions(&city.tickets, &ev, &scope)?;
    /// assert_eq!(explained, scheme.explain(&scores, &contributions)?);
    /// assert!(explained.iter().any(|e| e.components.iter().any(|c| !c.tickets.is_empty())));
    /// // Why each listed ticket cost points: what it counted on the indicators it cost.
    /// let e = explained.iter().find(|e| !e.ticket_counters.is_empty()).expect("a costly ticket");
    /// let first = &e.ticket_counters[0];
    /// assert_eq!(e.counters_of(&first.ticket_id), Some(first));
    /// assert!(!first.lead.is_empty() || !first.assisting.is_empty());
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn explain_tickets<'a>(
        &self,
        ev: &Evaluator,
        tickets: impl Into<TicketsRef<'a>>,
        scope: &Scope,
        scores: &Scores,
        threads: usize,
    ) -> Result<Vec<Explanation>> {
        let per_thread = (TICKETS_PER_THREAD, CONTRIBUTIONS_PER_THREAD);
        self.explain_tickets_in_parts(ev, tickets.into(), scope, scores, threads, per_thread)
    }

    /// [`Self::explain_tickets`] with at least `per_thread.0` tickets per evaluating thread and
    /// `per_thread.1` contributions per explaining thread.
    fn explain_tickets_in_parts<'a>(
        &self,
        ev: &Evaluator,
        tickets: TicketsRef<'a>,
        scope: &Scope,
        scores: &Scores,
        threads: usize,
        per_thread: (usize, usize),
    ) -> Result<Vec<Explanation>> {
        self.check_scores(scores)?;
        // The tickets are evaluated in `scope`: another one would explain other numbers (a
        // card losing points with no ticket behind them; an explanations audit).
        if scope.period.label != scores.period || scope.as_of != scores.as_of {
            return Err(Error::InvalidPeriod {
                label: scope.period.label.clone(),
                reason: format!(
                    "the scores were computed for period {} at {}; explain them with that \
                     period and as_of (this scope is {} at {})",
                    scores.period, scores.as_of, scope.period.label, scope.as_of
                ),
            });
        }
        let card_of = cards_by_unit(scores);
        let card_of_slot: Vec<Option<usize>> = ev
            .units()
            .iter()
            .map(|u| card_of.get(u.id.as_str()).copied())
            .collect();
        let part = |range: Range<usize>| -> Result<Vec<(usize, Share<'a>)>> {
            let mut scratch = Scratch::default();
            let mut sink = ToCards {
                card_of: &card_of,
                card_of_slot: &card_of_slot,
                ticket_id: "",
                out: Vec::new(),
            };
            ev.each_view_in(tickets, range, |i, view| {
                sink.ticket_id = tickets.ticket_id(i).unwrap_or_default();
                evaluate_contributions(ev, view, scope, &mut scratch, &mut sink)
            })?;
            Ok(sink.out)
        };
        let parts = threads.min(tickets.len() / per_thread.0.max(1)).max(1);
        let (first, rest) = in_parts(tickets.len(), parts, part, part);
        let mut per_card: Vec<Vec<Share<'a>>> = vec![Vec::new(); scores.units.len()];
        let mut count = 0;
        for shares in std::iter::once(first).chain(rest) {
            for (card, share) in shares? {
                if let Some(list) = per_card.get_mut(card) {
                    list.push(share);
                    count += 1;
                }
            }
        }
        let threads = threads.min(count / per_thread.1.max(1));
        Ok(self.explain_cards(scores, &card_of, per_card, threads))
    }

    /// Every scorecard explained from its contributions (in ticket order), the cards dealt to
    /// up to `threads` threads by their numbers of contributions.
    fn explain_cards(
        &self,
        scores: &Scores,
        card_of: &HashMap<&str, usize>,
        mut per_card: Vec<Vec<Share<'_>>>,
        threads: usize,
    ) -> Vec<Explanation> {
        // A unit with two cards (scores read from elsewhere) has its shares on the first; the
        // others get a copy, as each card is explained from all of its unit's contributions.
        for (i, card) in scores.units.iter().enumerate() {
            if let Some(&first) = card_of.get(card.unit.as_str())
                && first != i
            {
                let copy = per_card.get(first).cloned().unwrap_or_default();
                if let Some(list) = per_card.get_mut(i) {
                    *list = copy;
                }
            }
        }
        let sizes: Vec<usize> = per_card.iter().map(Vec::len).collect();
        let mut lists = balanced(&sizes, threads.max(1)).into_iter();
        // Each thread takes its cards' contributions.
        let mut take = |cards: Vec<usize>| -> Vec<(usize, &Scorecard, Vec<Share<'_>>)> {
            cards
                .into_iter()
                .filter_map(|i| {
                    let shares = std::mem::take(per_card.get_mut(i)?);
                    Some((i, scores.units.get(i)?, shares))
                })
                .collect()
        };
        let head = take(lists.next().unwrap_or_default());
        let others: Vec<_> = lists.map(&mut take).collect();
        let shown_by: Vec<Shown> = self.indicators.iter().map(Shown::for_indicator).collect();
        let explain = |cards: Vec<(usize, &Scorecard, Vec<Share<'_>>)>| {
            cards
                .into_iter()
                .map(|(i, card, mut shares)| {
                    // By ticket id; a stable sort keeps each ticket's shares together, and
                    // shares come in ticket order (sorted runs sort fast).
                    shares.sort_by(|a, b| a.ticket_id.cmp(b.ticket_id));
                    (i, self.explain_unit(card, &shares, &shown_by))
                })
                .collect::<Vec<_>>()
        };
        let (first, rest) = on_threads(|| explain(head), others, explain);
        let mut all: Vec<(usize, Explanation)> = first
            .into_iter()
            .chain(rest.into_iter().flatten())
            .collect();
        all.sort_unstable_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, e)| e).collect()
    }

    /// One unit's explanation from its contributions, sorted by ticket id (`shown_by`: what a
    /// ticket that cost each indicator shows, in the scheme's order).
    fn explain_unit(
        &self,
        card: &Scorecard,
        contributions: &[Share<'_>],
        shown_by: &[Shown],
    ) -> Explanation {
        let mut total = UnitCounters::default();
        for c in contributions {
            total.role_mut(c.role).add(c.counter, c.amount);
        }
        let mut unit_slots = Vec::new();
        // The unit's external metrics as scored: a formula mixing them with counters is
        // measured as it was scored (without them it had no value, and no ticket cost it).
        let external = Some(&card.external);
        self.resolver.fill(&total, external, &mut unit_slots);
        // The components that lost points, each with its indicator and the tickets found so far.
        let none = Shown::default();
        let mut costly: Vec<(usize, &Indicator, &Shown, Vec<String>)> = card
            .labeled()
            .enumerate()
            .filter(|(_, (_, comp))| comp.points_lost > Decimal::ZERO)
            .filter_map(|(k, (label, _))| {
                let at = self.indicators.iter().position(|i| i.id == label.id)?;
                let ind = self.indicators.get(at)?;
                Some((k, ind, shown_by.get(at).unwrap_or(&none), Vec::new()))
            })
            .collect();
        let mut ticket_counters = Vec::new();
        if !costly.is_empty() {
            let (mut own_slots, mut without) = (Vec::new(), Vec::new());
            for ticket in contributions.chunk_by(|a, b| a.ticket_id == b.ticket_id) {
                let mut own = UnitCounters::default();
                for c in ticket {
                    own.role_mut(c.role).add(c.counter, c.amount);
                }
                self.resolver.fill(&own, None, &mut own_slots);
                let mut rest = total;
                rest.merge(&negated(&own));
                self.resolver.fill(&rest, external, &mut without);
                let id = ticket.first().map_or("", |c| c.ticket_id);
                let mut shown = Shown::default();
                let mut cost = false;
                for (_, ind, read, tickets) in &mut costly {
                    if costs(ind, &unit_slots, &own_slots, &without) {
                        tickets.push(id.to_owned());
                        shown.add(read);
                        cost = true;
                    }
                }
                if cost {
                    ticket_counters.push(TicketCounters::of(id, &own, &shown));
                }
            }
        }
        let mut costly = costly.into_iter().peekable();
        let components = card
            .labeled()
            .enumerate()
            .map(|(k, (label, comp))| {
                let external = self.external_read(&label.id, &card.external);
                let adjustments = (card.adjustments.iter())
                    .filter(|a| external.contains_key(&a.metric))
                    .cloned()
                    .collect();
                ComponentExplanation {
                    indicator: label.id.to_string(),
                    name: label.name.to_string(),
                    value: comp.value,
                    numerator: comp.numerator,
                    denominator: comp.denominator,
                    points: comp.points,
                    points_lost: comp.points_lost,
                    shrunk: comp.shrunk,
                    tickets: costly
                        .next_if(|(at, _, _, _)| *at == k)
                        .map(|(_, _, _, tickets)| tickets)
                        .unwrap_or_default(),
                    external,
                    adjustments,
                }
            })
            .collect();
        Explanation {
            unit: card.unit.clone(),
            group: card.group.clone(),
            total: card.total,
            rank: card.rank,
            components,
            ticket_counters,
            scheme_hash: self.hash.clone(),
        }
    }
}

impl Scheme {
    /// The external metrics indicator `id` reads, with the unit's values (`external`).
    fn external_read(
        &self,
        id: &str,
        external: &BTreeMap<String, Decimal>,
    ) -> BTreeMap<String, Decimal> {
        let Some(ind) = self.indicators.iter().find(|i| i.id.as_ref() == id) else {
            return BTreeMap::new();
        };
        ind.reads
            .iter()
            .filter_map(|&slot| self.resolver.external_of_slot(slot))
            .filter_map(|name| Some((name.to_owned(), *external.get(name)?)))
            .collect()
    }
}

/// The position of each scored unit's (first) card.
fn cards_by_unit(scores: &Scores) -> HashMap<&str, usize> {
    let mut cards = HashMap::with_capacity(scores.units.len());
    for (i, card) in scores.units.iter().enumerate() {
        cards.entry(card.unit.as_str()).or_insert(i);
    }
    cards
}

fn negated(c: &UnitCounters) -> UnitCounters {
    let mut out = *c;
    for v in out.lead.0.iter_mut().chain(out.assisting.0.iter_mut()) {
        *v = v.saturating_neg();
    }
    out
}

/// Whether one ticket (its own slots, and the unit's slots without it) cost `ind` points.
fn costs(ind: &Indicator, unit: &[Value], own: &[Value], without: &[Value]) -> bool {
    let Some(v) = &ind.value else {
        return false;
    };
    let higher = ind.rule.higher_is_better(ind.kind);
    let m = v.measure(own);
    let pos = |d: Option<Decimal>| d.is_some_and(|d| d > Decimal::ZERO);
    match v.form {
        ValueForm::Ratio { .. } => match (m.num, m.den) {
            (n, Some(d)) if higher => d > Decimal::ZERO && n.unwrap_or_default() < d,
            (n, _) => !higher && pos(n),
        },
        ValueForm::Count => !higher && pos(m.num),
        ValueForm::Mean => {
            let (Some(mine), Some(all)) = (m.value, v.measure(unit).value) else {
                return false;
            };
            // As bad as the unit's or worse: a unit whose tickets are all alike (one ticket)
            // lost its points on every one of them.
            if higher { mine <= all } else { mine >= all }
        }
        ValueForm::Formula => better_without(v, unit, without, higher),
    }
}

fn better_without(v: &IndicatorValue, unit: &[Value], without: &[Value], higher: bool) -> bool {
    match (
        v.value.eval(unit).as_number(),
        v.value.eval(without).as_number(),
    ) {
        (Some(with), Some(w)) => {
            if higher {
                w > with
            } else {
                w < with
            }
        }
        // Without them the formula has no value: they are what it lost its points on.
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::clocks::TicketBatch;
    use crate::error::Error;
    use crate::metrics::{all_contributions, partial};

    /// Explaining straight from tickets (owned or a batch, evaluated in parts) and from the
    /// contributions (units on threads) gives the same explanations, with tickets that cost
    /// points; a scheme's own scores only.
    #[test]
    fn explaining_from_tickets_or_contributions_in_parts_is_the_same() {
        let (city, ev) = crate::synthetic::test_city(20, 60, 9);
        let batch = TicketBatch::from_tickets(&city.tickets);
        let scheme = Scheme::preset("sanmenxia").unwrap();
        let period = scheme.period_at(city.as_of).unwrap();
        let scope = Scope::new(period.clone(), city.as_of);
        let metrics = partial(&city.tickets, &ev, &scope)
            .unwrap()
            .finalize(&city.units, BTreeMap::new());
        let scores = scheme
            .score(&city.units, &metrics, &period, city.as_of)
            .unwrap();
        let contributions = all_contributions(&city.tickets, &ev, &scope).unwrap();
        let whole = scheme.explain(&scores, &contributions).unwrap();
        assert_eq!(whole.len(), city.units.len());
        let costly = whole
            .iter()
            .flat_map(|e| &e.components)
            .filter(|c| !c.tickets.is_empty())
            .count();
        assert!(costly > 10, "{costly} components with tickets");
        // Every listed ticket's own counters, and only theirs: added up with the other
        // tickets' contributions they give the unit's metrics; the JSON reads back the same.
        for e in &whole {
            let listed: std::collections::BTreeSet<&String> =
                e.components.iter().flat_map(|c| &c.tickets).collect();
            let described = e.ticket_counters.iter().map(|t| &t.ticket_id);
            assert!(listed.iter().copied().eq(described), "{}", e.unit);
            for counters in &e.ticket_counters {
                let id = &counters.ticket_id;
                assert_eq!(e.counters_of(id), Some(counters));
                let mut own = UnitCounters::default();
                let theirs = contributions
                    .iter()
                    .filter(|c| c.unit == e.unit && c.ticket_id == *id);
                for c in theirs {
                    own.role_mut(c.role).add(c.counter, c.amount);
                }
                let shown = [Role::Lead, Role::Assisting].map(|r| (r, counters.role(r)));
                assert!(
                    shown.iter().any(|(_, c)| !c.is_empty()),
                    "{} / {id}",
                    e.unit
                );
                for (role, list) in shown {
                    for (counter, amount) in list {
                        assert_eq!(own.role(role).get(*counter), *amount, "{} / {id}", e.unit);
                    }
                    // Catalog order, each counter once.
                    assert!(list.windows(2).all(|w| w[0].0.index() < w[1].0.index()));
                }
            }
        }
        let text = serde_json::to_string(&whole).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<Explanation>>(&text).unwrap(),
            whole
        );
        for threads in 1..=4 {
            let got = scheme
                .explain_in_parts(&scores, &contributions, threads, 1)
                .unwrap();
            assert_eq!(got, whole, "contributions, {threads} threads");
            for tickets in [TicketsRef::from(&city.tickets), TicketsRef::from(&batch)] {
                let got = scheme
                    .explain_tickets_in_parts(&ev, tickets, &scope, &scores, threads, (1, 1))
                    .unwrap();
                assert_eq!(got, whole, "tickets, {threads} threads");
            }
        }
        // Some units (`Scores::only`): their entries of the whole, in the scores' order, from
        // their own contributions, from everyone's, or from the tickets.
        let some: Vec<UnitId> = [7, 2].map(|i| scores.units[i].unit.clone()).into();
        let expected: Vec<&Explanation> = whole.iter().filter(|e| some.contains(&e.unit)).collect();
        assert_eq!(expected.len(), 2);
        let only = scores.only(&some).unwrap();
        let theirs: Vec<Contribution> = contributions
            .iter()
            .filter(|c| some.contains(&c.unit))
            .cloned()
            .collect();
        for got in [
            scheme.explain(&only, &theirs),
            scheme.explain(&only, &contributions),
            scheme.explain_tickets(&ev, &city.tickets, &scope, &only, 2),
        ] {
            assert_eq!(got.unwrap().iter().collect::<Vec<_>>(), expected);
        }
        assert!(matches!(
            scores.only(&["nobody".into()]),
            Err(Error::UnitNotScored { unit }) if unit.as_str() == "nobody"
        ));
        // A unit scored twice is explained twice, alike.
        assert!(whole[0].components.iter().any(|c| !c.tickets.is_empty()));
        let mut twice = scores.clone();
        twice.units.push(scores.units[0].clone());
        let got = scheme
            .explain_tickets(&ev, &city.tickets, &scope, &twice, 2)
            .unwrap();
        assert_eq!(got[..whole.len()], whole[..]);
        assert_eq!(got.last(), whole.first());
        let other = Scheme::preset("three-rates").unwrap();
        assert!(matches!(
            other.explain_tickets(&ev, &city.tickets, &scope, &scores, 2),
            Err(Error::SchemeMismatch { .. })
        ));
        // Another scope than the scores' is refused, not explained with other numbers.
        let earlier = city.as_of.checked_add_millis(-86_400_000).unwrap();
        let e = scheme
            .explain_tickets(&ev, &city.tickets, &Scope::new(period, earlier), &scores, 2)
            .unwrap_err();
        assert_eq!(e.code(), "invalid_period");
        assert!(
            e.to_string()
                .contains("explain them with that period and as_of"),
            "{e}"
        );
    }
}
