//! Period warnings (提前预警, SPEC §7): from `lead_days` calendar days before the period ends,
//! units that meet the scheme's warning conditions get a warning with the indicators that cost
//! them most and the **rescuable tickets**: open assignments
//! ([`crate::metrics::open_assignments`]) still pending and due in `[as_of, period end)`, each
//! with the points closing it on time would recover.
//!
//! Standing and conditions use the metrics at `as_of`. Recovered points are counted at the
//! period's end: the caller also passes the same tickets evaluated at the period end — what the
//! period will look like if nothing more is done ([`WarningData`]). A rescuable ticket is an
//! assignment pending at `as_of`, due in `[as_of, period end)`, and overdue at the period end if
//! nothing is done (one paused until after the end is not). Its points are the unit's rounded
//! total at the end with the ticket closed at `as_of` — every assignment of it still open at the
//! end moved ([`closing_moves`]), other units' too — minus its total in `at_end`, the whole group
//! re-scored (group means, pooled rates and maxima included); an unsigned assignment's sign
//! clock stops at the close too. Working time sums
//! (`complete_working_ms`, `overdue_working_ms`) are not adjusted, and the ticket is assumed
//! never reopened; closing it in the data then changes the unit's total by exactly the predicted
//! points for schemes without duration means.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::card::Scorecard;
use super::model::Scheme;
use super::rescue::{Move, Rescue};
use crate::clocks::Outcome;
use crate::error::{Error, Result};
use crate::instant::{Instant, MS_PER_DAY};
use crate::metrics::{Counter, MetricsTable, OpenAssignment};
use crate::period::Period;
use crate::unit::{Role, Unit, UnitId};

/// What period warnings read: the metrics and open assignments at `as_of`, and the same tickets
/// evaluated at the period end (if nothing more is done).
#[derive(Debug, Clone, Copy)]
pub struct WarningData<'a> {
    /// Metrics at `as_of`.
    pub metrics: &'a MetricsTable,
    /// Open assignments at `as_of` ([`crate::metrics::open_assignments`]).
    pub open: &'a [OpenAssignment],
    /// Metrics of the same tickets evaluated at the period end.
    pub at_end: &'a MetricsTable,
    /// Open assignments of the same tickets at the period end.
    pub open_at_end: &'a [OpenAssignment],
}

/// Why a unit is warned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum WarningReason {
    /// Among the bottom N of its group.
    Bottom {
        /// Place from the bottom of the group ([`Scores::rank_from_bottom`](super::Scores::rank_from_bottom)).
        rank_from_bottom: u32,
        /// The scheme's N.
        bottom: u32,
    },
    /// Total below the scheme's line.
    TotalBelow {
        /// The unit's total.
        total: Decimal,
        /// The line, in points.
        line: Decimal,
    },
    /// An indicator worse than its red line.
    BelowRedLine {
        /// The indicator.
        indicator: String,
        /// Its value.
        value: Option<Decimal>,
    },
}

/// An indicator that cost the unit points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostlyIndicator {
    /// Indicator id.
    pub indicator: String,
    /// Indicator name.
    pub name: String,
    /// Points lost.
    pub points_lost: Decimal,
}

/// A ticket whose on-time closing would recover points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescuableTicket {
    /// The ticket.
    pub ticket_id: String,
    /// The unit's role on it.
    pub role: Role,
    /// Its completion deadline.
    pub completion_due: Instant,
    /// Points closing it on time recovers (see the module docs).
    pub points: Decimal,
}

/// A unit-level period warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitWarning {
    /// The unit.
    pub unit: UnitId,
    /// Its group.
    pub group: String,
    /// Its total at `as_of`.
    pub total: Decimal,
    /// Its rank at `as_of`.
    pub rank: u32,
    /// Units in the group.
    pub group_size: u32,
    /// The conditions met.
    pub reasons: Vec<WarningReason>,
    /// The indicators that cost most, most first.
    pub costly: Vec<CostlyIndicator>,
    /// Rescuable tickets, most points first (then deadline, then id).
    pub rescuable: Vec<RescuableTicket>,
    /// The scheme's hash.
    pub scheme_hash: String,
}

impl Scheme {
    /// The first instant warnings are given for `period` (`lead_days` before its end, and not
    /// before the period starts: a lead longer than the period warns from its first instant), if
    /// the scheme has warnings.
    pub fn warning_start(&self, period: &Period) -> Option<Instant> {
        let days = i64::from(self.file.warnings.as_ref()?.lead_days);
        let start = Instant::from_millis(
            period
                .end
                .millis()
                .saturating_sub(days.saturating_mul(MS_PER_DAY)),
        );
        Some(start.max(period.start))
    }

    /// Whether `as_of` is in `period`'s warning window; `scheme_lacks` when the scheme has no
    /// warnings.
    pub(crate) fn warns_at(&self, period: &Period, as_of: Instant) -> Result<bool> {
        let start = self.warning_start(period).ok_or(Error::SchemeLacks {
            feature: "warnings".into(),
        })?;
        Ok(start <= as_of && as_of < period.end)
    }

    /// Period warnings at `as_of`: empty before the warning window or after the period.
    pub fn period_warnings(
        &self,
        units: &[Unit],
        period: &Period,
        as_of: Instant,
        data: &WarningData<'_>,
    ) -> Result<Vec<UnitWarning>> {
        let spec = self.file.warnings.as_ref().ok_or(Error::SchemeLacks {
            feature: "warnings".into(),
        })?;
        if !self.warns_at(period, as_of)? {
            return Ok(Vec::new());
        }
        let scores = self.score(units, data.metrics, period, as_of)?;
        // The period-end metrics with their adjustments added (the rescue reads values only).
        let at_end = data.at_end.folded()?;
        let mut rescue = Rescue::new(self, units, &at_end);
        let overdue_at_end: HashSet<AssignmentKey<'_>> = data
            .open_at_end
            .iter()
            .filter(|e| e.outcome == Outcome::Overdue)
            .map(AssignmentKey::of)
            .collect();
        // What closing each ticket moves: every assignment of it still open at the end.
        let mut closing: Closing<'_> = HashMap::new();
        for a in data.open_at_end {
            closing
                .entry(a.ticket_id.as_str())
                .or_default()
                .push((a, closing_moves(a, period, as_of)));
        }
        // The candidates for rescue, by unit (in their order): still pending at `as_of`, due
        // before the period ends, overdue there if nothing is done.
        let mut pending: HashMap<&UnitId, Vec<&OpenAssignment>> = HashMap::new();
        for a in data.open {
            if a.outcome == Outcome::Pending
                && as_of <= a.due
                && a.due < period.end
                && overdue_at_end.contains(&AssignmentKey::of(a))
            {
                pending.entry(&a.unit).or_default().push(a);
            }
        }
        let mut out = Vec::new();
        for (card, from_bottom) in scores.units.iter().zip(scores.ranks_from_bottom()) {
            let mut reasons = Vec::new();
            if let Some(n) = spec.bottom {
                if let Some(from_bottom) = from_bottom
                    && from_bottom <= n
                {
                    reasons.push(WarningReason::Bottom {
                        rank_from_bottom: from_bottom,
                        bottom: n,
                    });
                }
            }
            if let Some(pct) = spec.total_below {
                let line = card
                    .full_marks
                    .checked_mul(pct.0)
                    .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED));
                if let Some(line) = line.filter(|l| card.total < *l) {
                    reasons.push(WarningReason::TotalBelow {
                        total: card.total,
                        line: super::card::fixed(line, self.file.decimals),
                    });
                }
            }
            if spec.below_red_line {
                reasons.extend(card.labeled().filter(|(_, c)| c.below_red_line).map(
                    |(label, c)| WarningReason::BelowRedLine {
                        indicator: label.id.to_string(),
                        value: c.value,
                    },
                ));
            }
            if reasons.is_empty() {
                continue;
            }
            let mut costly: Vec<CostlyIndicator> = card
                .labeled()
                .filter(|(_, c)| c.points_lost > Decimal::ZERO)
                .map(|(label, c)| CostlyIndicator {
                    indicator: label.id.to_string(),
                    name: label.name.to_string(),
                    points_lost: c.points_lost,
                })
                .collect();
            costly.sort_by_key(|c| std::cmp::Reverse(c.points_lost));
            costly.truncate(usize::try_from(spec.reasons).unwrap_or(usize::MAX));
            let candidates = pending.get(&card.unit).map_or(&[][..], Vec::as_slice);
            let rescuable = self.rescuable(card, candidates, &closing, &mut rescue);
            out.push(UnitWarning {
                unit: card.unit.clone(),
                group: card.group.clone(),
                total: card.total,
                rank: card.rank,
                group_size: card.group_size,
                reasons,
                costly,
                rescuable,
                scheme_hash: self.hash.clone(),
            });
        }
        Ok(out)
    }

    /// The unit's rescuable tickets among `candidates` (its pending assignments that will be
    /// overdue at the period's end), most points first.
    fn rescuable<'s>(
        &'s self,
        card: &Scorecard,
        candidates: &[&OpenAssignment],
        closing: &Closing<'_>,
        rescue: &mut Rescue<'s>,
    ) -> Vec<RescuableTicket> {
        let Some(group) = self.group(&card.group) else {
            return Vec::new();
        };
        let at_end = rescue.group(group);
        let Some(lapsed) = at_end.lapsed(&card.unit) else {
            return Vec::new();
        };
        // Tickets whose closing moves the same counters (the moves that can change the unit's
        // total: its own, and those of units of a group scored relative to each other) recover
        // the same points: one group scoring per distinct set of moves (most tickets of a role
        // share the unit's own move alone).
        let mut totals: HashMap<Vec<Move<'_>>, Option<Decimal>> = HashMap::new();
        let mut out: Vec<RescuableTicket> = candidates
            .iter()
            .filter_map(|a| {
                let mut moves: Vec<Move<'_>> = closing
                    .get(a.ticket_id.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|(b, _)| at_end.moves_total_of(&card.unit, &b.unit))
                    .map(|(b, changes)| (&b.unit, b.role, changes.as_slice()))
                    .collect();
                moves.sort_unstable();
                let closed = *totals
                    .entry(moves)
                    .or_insert_with_key(|moves| at_end.closed(&card.unit, moves));
                let closed = closed?;
                Some(RescuableTicket {
                    ticket_id: a.ticket_id.clone(),
                    role: a.role,
                    completion_due: a.due,
                    points: super::card::fixed(
                        closed.checked_sub(lapsed).unwrap_or_default(),
                        self.file.decimals,
                    ),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.points
                .cmp(&a.points)
                .then(a.completion_due.cmp(&b.completion_due))
                .then_with(|| a.ticket_id.cmp(&b.ticket_id))
        });
        out
    }
}

/// Per ticket, each of its assignments still open at the period end with the counters closing
/// the ticket moves ([`closing_moves`]).
type Closing<'a> = HashMap<&'a str, Vec<(&'a OpenAssignment, Vec<(Counter, i64)>)>>;

/// An assignment's identity across the two evaluations (at `as_of` and at the period end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct AssignmentKey<'a> {
    ticket_id: &'a str,
    unit: &'a UnitId,
    role: Role,
    dispatched_at: Instant,
}

impl<'a> AssignmentKey<'a> {
    fn of(a: &'a OpenAssignment) -> Self {
        AssignmentKey {
            ticket_id: &a.ticket_id,
            unit: &a.unit,
            role: a.role,
            dispatched_at: a.dispatched_at,
        }
    }
}

/// How closing a ticket at `as_of` moves one of its assignments `a` still open at the period
/// end (as evaluated there) in the period's counters: `closed` + 1; when it is overdue at the
/// end and due in the period, `overdue_open` − 1, `due_closed` and `closed_first_time` + 1,
/// and `closed_on_time` + 1 if its due instant is not yet past at `as_of`, else `closed_late`;
/// and when the unit has not signed for it by the end and it was dispatched in the period, the
/// close stops its sign clock: from `sign_overdue` (or `sign_pending`: not yet due, or no sign
/// limit) at the end to `signed_on_time` unless the sign due instant is already past at
/// `as_of` (`sign_overdue`).
pub(crate) fn closing_moves(
    a: &OpenAssignment,
    period: &Period,
    as_of: Instant,
) -> Vec<(Counter, i64)> {
    let mut moves = vec![(Counter::Closed, 1)];
    if a.unsigned && period.contains(a.dispatched_at) {
        // A sign clock without a limit is pending at the end and stopped on time by the close.
        let at_end = match a.sign_due {
            Some(due) if due < period.end => Counter::SignOverdue,
            _ => Counter::SignPending,
        };
        let closed = match a.sign_due {
            Some(due) if due < as_of => Counter::SignOverdue,
            _ => Counter::SignedOnTime,
        };
        if at_end != closed {
            moves.extend([(at_end, -1), (closed, 1)]);
        }
    }
    if a.outcome == Outcome::Overdue && period.contains(a.due) {
        let closed = if a.due >= as_of {
            Counter::ClosedOnTime
        } else {
            Counter::ClosedLate
        };
        moves.extend([
            (Counter::OverdueOpen, -1),
            (closed, 1),
            (Counter::DueClosed, 1),
            (Counter::ClosedFirstTime, 1),
        ]);
    }
    moves
}
