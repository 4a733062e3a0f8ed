//! Explanations: every published number traced to tickets (SPEC §6). For each unit and
//! component: the value, numerator, denominator, points, points lost, and the tickets that cost
//! them, computed from the [`Contribution`]s of the period.
//!
//! A ticket costs points on a component that lost points when, by the value's form and the
//! rule's direction:
//! - ratio, higher better: it counts in the denominator but not fully in the numerator
//!   (overdue, late sign-for, 不满意 …); lower better: it counts in the numerator;
//! - mean: its own mean is worse than the unit's;
//! - count: lower better (deductions): it counts; higher better: none;
//! - formula: leaving its contributions out would make the value better;
//! - checklist: none (items are not tickets).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::card::{Scorecard, Scores};
use super::model::{Indicator, Scheme};
use super::value::{IndicatorValue, ValueForm};
use crate::error::{Error, Result};
use crate::formula::Value;
use crate::metrics::{Contribution, UnitCounters};
use crate::unit::UnitId;

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
    /// The scheme's hash.
    pub scheme_hash: String,
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
    /// The tickets that cost points, by id.
    pub tickets: Vec<String>,
}

impl Scheme {
    /// Explains `scores` (computed with this scheme) from the period's contributions.
    pub fn explain(
        &self,
        scores: &Scores,
        contributions: &[Contribution],
    ) -> Result<Vec<Explanation>> {
        if scores.scheme_hash != self.hash {
            return Err(Error::SchemeMismatch {
                expected: self.hash.clone(),
                found: scores.scheme_hash.clone(),
            });
        }
        // Per unit: the sum of its contributions and each ticket's share.
        let mut per_unit: BTreeMap<&UnitId, (UnitCounters, BTreeMap<&str, UnitCounters>)> =
            BTreeMap::new();
        for c in contributions {
            let (total, tickets) = per_unit.entry(&c.unit).or_default();
            total.role_mut(c.role).add(c.counter, c.amount);
            tickets
                .entry(c.ticket_id.as_str())
                .or_default()
                .role_mut(c.role)
                .add(c.counter, c.amount);
        }
        let empty = (UnitCounters::default(), BTreeMap::new());
        Ok(scores
            .units
            .iter()
            .map(|card| {
                let (total, tickets) = per_unit.get(&card.unit).unwrap_or(&empty);
                self.explain_unit(card, total, tickets)
            })
            .collect())
    }

    fn explain_unit(
        &self,
        card: &Scorecard,
        total: &UnitCounters,
        tickets: &BTreeMap<&str, UnitCounters>,
    ) -> Explanation {
        let mut unit_slots = Vec::new();
        self.resolver.fill(total, None, &mut unit_slots);
        let ticket_slots: Vec<(&str, Vec<Value>, Vec<Value>)> = tickets
            .iter()
            .map(|(id, own)| {
                let mut slots = Vec::new();
                self.resolver.fill(own, None, &mut slots);
                let mut rest = *total;
                rest.merge(&negated(own));
                let mut without = Vec::new();
                self.resolver.fill(&rest, None, &mut without);
                (*id, slots, without)
            })
            .collect();
        let components = card
            .labeled()
            .map(|(label, comp)| {
                let ind = self.indicators.iter().find(|i| i.id == label.id);
                let costly = comp.points_lost > Decimal::ZERO;
                let tickets = match (ind, costly) {
                    (Some(ind), true) => ticket_slots
                        .iter()
                        .filter(|(_, own, without)| costs(ind, &unit_slots, own, without))
                        .map(|(id, _, _)| (*id).to_owned())
                        .collect(),
                    _ => Vec::new(),
                };
                ComponentExplanation {
                    indicator: label.id.to_string(),
                    name: label.name.to_string(),
                    value: comp.value,
                    numerator: comp.numerator,
                    denominator: comp.denominator,
                    points: comp.points,
                    points_lost: comp.points_lost,
                    tickets,
                }
            })
            .collect();
        Explanation {
            unit: card.unit.clone(),
            group: card.group.clone(),
            total: card.total,
            rank: card.rank,
            components,
            scheme_hash: self.hash.clone(),
        }
    }
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
            if higher { mine < all } else { mine > all }
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
        _ => false,
    }
}
