//! One unit's scorecard with its explanation: the tickets behind each component's lost points,
//! from the contributions of the tickets that touch the unit in the period.

use serde::{Deserialize, Serialize};

use super::Board;
use super::periods::OnePeriod;
use super::record::Work;
use super::record::{self, decode_slot};
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::metrics::{Contribution, Scope};
use crate::period::Period;
use crate::scheme::{Explanation, Scorecard, Scores};
use crate::unit::UnitId;

/// A unit's scorecard and its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitReport {
    /// The scorecard (total, rank, components).
    pub card: Scorecard,
    /// Each component traced to tickets.
    pub explanation: Explanation,
}

impl Board {
    /// `unit`'s scorecard and explanation in the period containing `as_of`.
    pub fn scorecard(&self, unit: &str, as_of: Instant) -> Result<UnitReport> {
        self.scorecard_in(&self.period_at(as_of)?, unit, as_of)
    }

    /// `unit`'s scorecard and explanation for `period` at `as_of`.
    pub fn scorecard_in(&self, period: &Period, unit: &str, as_of: Instant) -> Result<UnitReport> {
        let u = self.unit_index(unit)?;
        let scores = self.scores_in(period, as_of)?;
        let card = scores
            .units
            .into_iter()
            .find(|c| c.unit.as_str() == unit)
            .ok_or_else(|| Error::BoardUnknownUnit {
                unit: unit.to_owned(),
            })?;
        let contributions = self.contributions(period, u, as_of)?;
        let one = Scores {
            scheme: scores.scheme,
            scheme_hash: scores.scheme_hash,
            period: scores.period,
            as_of,
            units: vec![card.clone()],
        };
        let explanation = self
            .scheme
            .explain(&one, &contributions)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::BoardUnknownUnit {
                unit: unit.to_owned(),
            })?;
        Ok(UnitReport { card, explanation })
    }

    /// Every contribution of the tickets touching unit `u` in `period` at `as_of`.
    fn contributions(&self, period: &Period, u: u32, as_of: Instant) -> Result<Vec<Contribution>> {
        let unit_id = self
            .units()
            .get(u as usize)
            .map(|x| x.id.clone())
            .unwrap_or_else(|| UnitId(String::new()));
        let special = self.query_time_tickets_in(period, as_of);
        let id = self.periods.find_period(period);
        let mut out = Vec::new();
        let mut w: Option<i64> = None;
        let mut w_as_of = || -> Result<i64> {
            if let Some(w) = w {
                return Ok(w);
            }
            let v = self.ev.working_ms(period.start, as_of)?;
            w = Some(v);
            Ok(v)
        };
        if let Some(id) = id
            && let Some(set) = self.periods.get(id).and_then(|s| s.tickets.get(u as usize))
        {
            for t in set.iter().filter(|t| !special.contains(t)) {
                let Some(state) = self.tickets.get(*t as usize) else {
                    continue;
                };
                state.record.value_at(
                    id,
                    as_of,
                    &mut w_as_of,
                    &mut |unit, role, counter, amount| {
                        if unit == u && amount != 0 {
                            out.push(Contribution {
                                ticket_id: state.ticket.id.clone(),
                                unit: unit_id.clone(),
                                role,
                                counter,
                                amount,
                            });
                        }
                    },
                )?;
            }
        }
        let mut work = Work::default();
        let mut one = OnePeriod {
            id: 0,
            scope: Scope {
                period: period.clone(),
                as_of,
                due_anchor: self.due_anchor,
            },
        };
        for t in &special {
            let Some(state) = self.tickets.get(*t as usize) else {
                continue;
            };
            record::build(
                &self.ev,
                self.due_anchor,
                &state.ticket,
                Some((&state.words, state.repeat)),
                as_of,
                false,
                &mut work,
                &mut one,
            )?;
            for f in work.rec.fixed.iter().filter(|f| f.unit() == u) {
                if let Some((role, counter)) = decode_slot(f.slot()) {
                    out.push(Contribution {
                        ticket_id: state.ticket.id.clone(),
                        unit: unit_id.clone(),
                        role,
                        counter,
                        amount: f.amount,
                    });
                }
            }
        }
        Ok(out)
    }
}
