//! The sanctions ladder (SPEC §7): evaluated at period close over the history of closed periods.
//!
//! Levels are data: each has an optional `base` condition and a `when` condition (default: the
//! base), boolean formulas over the unit's standing in one period:
//!
//! | name | meaning |
//! |---|---|
//! | `rank` | rank in the group (ties share, 1 = best) |
//! | `rank_from_bottom` | 1 + units of the group with a strictly lower total (1 = last); no data for units ranked first, which are never bottom ([`Scores::rank_from_bottom`](super::Scores::rank_from_bottom)) |
//! | `group_size` | units in the group |
//! | `total`, `full_marks`, `total_percent` | total, full marks, total in percent of full marks |
//! | `grade` | grade index, 1 = best grade of the scheme |
//! | `lowest_grade` | boolean: the unit has the scheme's lowest grade |
//! | `streak` | (`when` only, needs `base`) consecutive periods up to this one meeting the level's base |
//! | `previous_level` | (`when` only) the unit's level in the previous period, 0 if none |
//!
//! A unit gets the highest level whose `when` is true (no data counts as false). A unit missing
//! from a period breaks its streaks.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::card::{Scorecard, Scores};
use super::model::Scheme;
use crate::error::{Error, Result};
use crate::formula::{Formula, MapResolver, Value, ValueType};
use crate::period::check_follows;
use crate::unit::UnitId;

/// Names of one period's standing, in slot order.
const STANDING: [(&str, ValueType); 8] = [
    ("rank", ValueType::Number),
    ("rank_from_bottom", ValueType::Number),
    ("group_size", ValueType::Number),
    ("total", ValueType::Number),
    ("full_marks", ValueType::Number),
    ("total_percent", ValueType::Number),
    ("grade", ValueType::Number),
    ("lowest_grade", ValueType::Bool),
];

/// What `streak` is and where it can be read.
const STREAK_HINT: &str = "`streak` counts the consecutive periods the level's `base` held: it is \
                           read in the `when` of a level that has a `base`";

/// The resolver of `base` conditions.
pub fn base_resolver() -> MapResolver {
    MapResolver::new(STANDING)
        .with_hint("streak", STREAK_HINT)
        .with_hint(
            "previous_level",
            "`previous_level` (the unit's level in the period before) is read in `when` only",
        )
}

/// The resolver of `when` conditions (`with_streak`: the level has a base condition).
pub fn when_resolver(with_streak: bool) -> MapResolver {
    let streak = if with_streak { "streak" } else { "" };
    let extra = [
        (streak, ValueType::Number),
        ("previous_level", ValueType::Number),
    ];
    MapResolver::new(
        STANDING
            .into_iter()
            .chain(extra)
            .filter(|(n, _)| !n.is_empty()),
    )
    .with_hint("streak", STREAK_HINT)
}

/// A compiled ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// Levels, lowest first.
    pub levels: Vec<Level>,
}

/// A compiled level.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Level number.
    pub level: u32,
    /// Name, e.g. 约谈.
    pub name: String,
    /// Base condition (streaks count it).
    pub base: Option<Formula>,
    /// Condition of the level.
    pub when: Formula,
}

/// One unit's outcome in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanction {
    /// The unit.
    pub unit: UnitId,
    /// Its group.
    pub group: String,
    /// The level reached, 0 if none.
    pub level: u32,
    /// The level's name, if any level was reached.
    pub name: Option<String>,
    /// Why: the level's condition and the standing that met it.
    pub reason: Option<String>,
    /// The unit's streak for the level reached (0 if none or no base).
    pub streak: u32,
    /// Rank in the group.
    pub rank: u32,
    /// Place from the bottom ([`Scores::rank_from_bottom`](super::Scores::rank_from_bottom));
    /// `None` for units ranked first.
    pub rank_from_bottom: Option<u32>,
    /// Group size.
    pub group_size: u32,
    /// Total.
    pub total: Decimal,
    /// Grade.
    pub grade: String,
}

/// The outcomes of one closed period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodSanctions {
    /// The period's label.
    pub period: String,
    /// The scheme's hash.
    pub scheme_hash: String,
    /// One entry per unit, in the scores' order.
    pub units: Vec<Sanction>,
}

#[derive(Default)]
struct UnitState {
    streaks: Vec<u32>,
    level: u32,
}

impl Scheme {
    /// Runs the sanctions ladder over closed periods, oldest first; one result per period. A
    /// period label given twice, or a standard label (`2026-Q1`, `2026-03`, `2026`) that does not
    /// follow the one before, is `invalid_period`.
    pub fn sanctions(&self, history: &[Scores]) -> Result<Vec<PeriodSanctions>> {
        let ladder = self.ladder.as_ref().ok_or(Error::SchemeLacks {
            feature: "sanctions".into(),
        })?;
        let mut state: BTreeMap<UnitId, UnitState> = BTreeMap::new();
        let mut out = Vec::with_capacity(history.len());
        for (i, scores) in history.iter().enumerate() {
            self.check_scores(scores)?;
            // A period given twice would count twice in every streak.
            if history
                .get(..i)
                .unwrap_or_default()
                .iter()
                .any(|s| s.period == scores.period)
            {
                return Err(Error::InvalidPeriod {
                    label: scores.period.clone(),
                    reason: "it is in the history twice; each closed period counts once".into(),
                });
            }
            if let Some(previous) = i.checked_sub(1).and_then(|j| history.get(j)) {
                check_follows(&previous.period, &scores.period)?;
            }
            let present: HashSet<&UnitId> = scores.units.iter().map(|c| &c.unit).collect();
            state.retain(|unit, _| present.contains(unit));
            let mut units = Vec::with_capacity(scores.units.len());
            for (card, rank_from_bottom) in scores.units.iter().zip(scores.ranks_from_bottom()) {
                let slots = self.standing(card, rank_from_bottom);
                let st = state.entry(card.unit.clone()).or_default();
                st.streaks.resize(ladder.levels.len(), 0);
                for (lv, streak) in ladder.levels.iter().zip(st.streaks.iter_mut()) {
                    let met = lv
                        .base
                        .as_ref()
                        .is_some_and(|b| b.eval(&slots) == Value::Bool(true));
                    *streak = if met { streak.saturating_add(1) } else { 0 };
                }
                let mut reached = None;
                for (lv, streak) in ladder.levels.iter().zip(st.streaks.iter()) {
                    let mut s = slots.clone();
                    if lv.base.is_some() {
                        s.push(Value::Number(Decimal::from(*streak)));
                    }
                    s.push(Value::Number(Decimal::from(st.level)));
                    if lv.when.eval(&s) == Value::Bool(true) {
                        reached = Some((lv, *streak));
                    }
                }
                st.level = reached.map_or(0, |(lv, _)| lv.level);
                units.push(Sanction {
                    unit: card.unit.clone(),
                    group: card.group.clone(),
                    level: st.level,
                    name: reached.map(|(lv, _)| lv.name.clone()),
                    reason: reached.map(|(lv, streak)| {
                        format!(
                            "{}: {} (rank {} of {}, {}, total {}, grade {}, streak {})",
                            lv.name,
                            lv.when.source(),
                            card.rank,
                            card.group_size,
                            rank_from_bottom.map_or_else(
                                || "not counted from the bottom".to_owned(),
                                |n| format!("{n} from the bottom")
                            ),
                            card.total,
                            card.grade,
                            streak
                        )
                    }),
                    streak: reached.map_or(0, |(_, s)| s),
                    rank: card.rank,
                    rank_from_bottom,
                    group_size: card.group_size,
                    total: card.total,
                    grade: card.grade.clone(),
                });
            }
            out.push(PeriodSanctions {
                period: scores.period.clone(),
                scheme_hash: self.hash.clone(),
                units,
            });
        }
        Ok(out)
    }

    /// The standing slots of one scorecard placed `rank_from_bottom` (see [`STANDING`]).
    fn standing(&self, card: &Scorecard, rank_from_bottom: Option<u32>) -> Vec<Value> {
        let num = |d: Decimal| Value::Number(d);
        let grade_index = self
            .grades
            .iter()
            .position(|g| g.name == card.grade)
            .map_or(0, |i| i + 1);
        let percent = card
            .total
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|t| t.checked_div(card.full_marks));
        vec![
            num(Decimal::from(card.rank)),
            rank_from_bottom.map_or(Value::NoData, |n| num(Decimal::from(n))),
            num(Decimal::from(card.group_size)),
            num(card.total),
            num(card.full_marks),
            percent.map_or(Value::NoData, num),
            num(Decimal::from(grade_index)),
            Value::Bool(grade_index == self.grades.len()),
        ]
    }
}
