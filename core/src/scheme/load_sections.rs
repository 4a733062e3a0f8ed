//! Compiling the scheme-wide sections of a file: groups and their targets, the full-marks check,
//! grades and the sanctions ladder, with every problem positioned.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::file::{IndicatorKind, RuleSpec, SanctionSpec, SchemeFile, default_grades};
use super::load::{Ctx, k, with};
use super::model::{Grade, Group};
use super::node::Seg;
use super::problem::closest;
use super::sanction::{self, Ladder, Level};
use crate::formula::ValueType;

impl Ctx<'_> {
    pub(super) fn ladder(&mut self, spec: &SanctionSpec) -> Ladder {
        let mut levels = Vec::new();
        for (i, l) in spec.levels.iter().enumerate() {
            let path = [k("sanctions"), k("levels"), Seg::Index(i)];
            if i > 0 && spec.levels.get(i - 1).is_some_and(|p| p.level >= l.level) {
                self.problem(
                    &with(&path, &[k("level")]),
                    "invalid_value",
                    "levels must be listed lowest first with increasing numbers".into(),
                    None,
                );
            }
            let base = l.base.as_ref().and_then(|src| {
                self.formula(
                    &with(&path, &[k("base")]),
                    src,
                    &sanction::base_resolver(),
                    ValueType::Bool,
                )
            });
            let when_src = match (&l.when, &l.base) {
                (Some(w), _) => Some((k("when"), w)),
                (None, Some(b)) => Some((k("base"), b)),
                (None, None) => None,
            };
            let Some((key, src)) = when_src else {
                self.problem(
                    &path,
                    "missing_key",
                    "a level needs `base` or `when`".into(),
                    None,
                );
                continue;
            };
            let when = if l.when.is_none() {
                // `when` is `base`: compiled once (its problems reported once). The `when`
                // names extend the standing names, so base's slots are a prefix of when's.
                base.clone()
            } else {
                let resolver = sanction::when_resolver(l.base.is_some());
                self.formula(&with(&path, &[key]), src, &resolver, ValueType::Bool)
            };
            if let Some(when) = when {
                levels.push(Level {
                    level: l.level,
                    name: l.name.clone(),
                    base,
                    when,
                });
            }
        }
        Ladder { levels }
    }

    pub(super) fn groups(&mut self, file: &SchemeFile) -> Vec<Group> {
        if file.groups.is_empty() {
            self.problem(
                &[k("groups")],
                "invalid_value",
                "a scheme needs at least one group".into(),
                None,
            );
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, g) in file.groups.iter().enumerate() {
            let path = [k("groups"), Seg::Index(i)];
            if !seen.insert(g.id.as_str()) {
                self.problem(
                    &with(&path, &[k("id")]),
                    "duplicate_id",
                    format!("group {:?} is defined twice", g.id),
                    None,
                );
            }
            if g.full_marks.0 <= Decimal::ZERO {
                self.problem(
                    &with(&path, &[k("full_marks")]),
                    "invalid_value",
                    "full marks must be positive".into(),
                    None,
                );
            }
            out.push(Group {
                id: g.id.clone(),
                name: g.name.clone(),
                full_marks: g.full_marks.0,
            });
        }
        out
    }

    pub(super) fn group_targets(&mut self, file: &SchemeFile) {
        for (i, g) in file.groups.iter().enumerate() {
            for id in g.targets.keys() {
                let path = [k("groups"), Seg::Index(i), k("targets"), k(id)];
                match file.indicators.iter().find(|x| &x.id == id) {
                    None => {
                        let s = closest(id, file.indicators.iter().map(|x| x.id.as_str()));
                        self.problem(
                            &path,
                            "unknown_reference",
                            format!("no indicator {id:?}"),
                            s,
                        );
                    }
                    Some(ind)
                        if !matches!(
                            ind.rule,
                            RuleSpec::LinearBelowTarget(_) | RuleSpec::RedLine(_)
                        ) =>
                    {
                        self.problem(&path, "invalid_value", format!("indicator {id:?} has no target (only linear_below_target and red_line rules do)"), None);
                    }
                    Some(ind) if ind.groups.as_ref().is_some_and(|gs| !gs.contains(&g.id)) => {
                        self.problem(
                            &path,
                            "invalid_value",
                            format!("indicator {id:?} does not apply to group {:?}", g.id),
                            None,
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }

    pub(super) fn full_marks(&mut self, file: &SchemeFile) {
        for (i, g) in file.groups.iter().enumerate() {
            let sum: Decimal = file
                .indicators
                .iter()
                .filter(|x| x.kind == IndicatorKind::Base)
                .filter(|x| x.groups.as_ref().is_none_or(|gs| gs.contains(&g.id)))
                .fold(Decimal::ZERO, |acc, x| acc.saturating_add(x.points.0));
            if sum != g.full_marks.0 {
                self.problem(
                    &[k("groups"), Seg::Index(i), k("full_marks")],
                    "full_marks_mismatch",
                    format!(
                        "full marks are {} but the base indicators of group {:?} add up to {}",
                        g.full_marks,
                        g.id,
                        sum.normalize()
                    ),
                    None,
                );
            }
        }
    }

    pub(super) fn grades(&mut self, file: &SchemeFile) -> Vec<Grade> {
        let specs = if file.grades.is_empty() {
            default_grades()
        } else {
            file.grades.clone()
        };
        for (i, g) in specs.iter().enumerate() {
            // The ladder's `grade`/`lowest_grade` find a grade by name: a name given twice
            // made a unit of the last grade not `lowest_grade` (a scoring audit).
            if specs.iter().take(i).any(|earlier| earlier.name == g.name) {
                self.problem(
                    &[k("grades"), Seg::Index(i), k("name")],
                    "duplicate_id",
                    format!("grade {:?} is defined twice", g.name),
                    None,
                );
            }
        }
        for (i, pair) in specs.windows(2).enumerate() {
            if let [a, b] = pair {
                if b.min >= a.min {
                    self.problem(
                        &[k("grades"), Seg::Index(i + 1), k("min")],
                        "invalid_value",
                        "grades must be listed best first with decreasing minimums".into(),
                        None,
                    );
                }
            }
        }
        specs
            .into_iter()
            .map(|g| Grade {
                name: g.name,
                min: g.min.0,
            })
            .collect()
    }
}
