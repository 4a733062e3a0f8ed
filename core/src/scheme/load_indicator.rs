//! Compiling one indicator of a scheme file: its value formulas (declarative forms lowered to
//! formula text), its rule and its options, with every problem positioned.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::file::{IndicatorKind, IndicatorSpec, NoDataSpec, RuleSpec, SchemeFile, ValueSpec};
use super::load::{Ctx, k, with};
use super::model::{Indicator, Shrink};
use super::node::Seg;
use super::problem::closest;
use super::resolver::MetricResolver;
use super::resolver::SlotSet;
use super::rule::{ChecklistItem, Rule};
use super::value::{IndicatorValue, ValueForm, lower};
use crate::formula::{Formula, ValueType};

impl Ctx<'_> {
    pub(super) fn indicator(
        &mut self,
        i: usize,
        spec: &IndicatorSpec,
        file: &SchemeFile,
        resolver: &MetricResolver,
    ) -> Option<Indicator> {
        let path = [k("indicators"), Seg::Index(i)];
        let at = |more: &[Seg]| with(&path, more);
        let before = self.problems.len();
        if file.indicators.iter().take(i).any(|x| x.id == spec.id) {
            self.problem(
                &at(&[k("id")]),
                "duplicate_id",
                format!("indicator {:?} is defined twice", spec.id),
                None,
            );
        }
        if spec.id.is_empty() {
            self.problem(
                &at(&[k("id")]),
                "invalid_value",
                "the id is empty".into(),
                None,
            );
        }
        let m = spec.points.0;
        if m < Decimal::ZERO {
            self.problem(
                &at(&[k("points")]),
                "invalid_value",
                "points must not be negative".into(),
                None,
            );
        }
        if spec.groups.as_ref().is_some_and(Vec::is_empty) {
            self.problem(
                &at(&[k("groups")]),
                "invalid_value",
                "`groups = []` puts the indicator in no group: name its groups, or leave the key \
                 out for every group"
                    .into(),
                None,
            );
        }
        for (j, g) in spec.groups.iter().flatten().enumerate() {
            if !file.groups.iter().any(|x| &x.id == g) {
                let s = closest(g, file.groups.iter().map(|x| x.id.as_str()));
                self.problem(
                    &at(&[k("groups"), Seg::Index(j)]),
                    "unknown_reference",
                    format!("no group {g:?}"),
                    s,
                );
            }
        }
        let checklist = matches!(spec.rule, RuleSpec::Checklist(_));
        let value = match (&spec.value, checklist) {
            (None, true) => None,
            (Some(_), true) => {
                self.problem(
                    &at(&[k("value")]),
                    "invalid_value",
                    "a checklist's value is the sum of its fulfilled items; remove `value`".into(),
                    None,
                );
                None
            }
            (None, false) => {
                self.problem(
                    &at(&[k("value")]),
                    "missing_key",
                    "missing required key \"value\"".into(),
                    None,
                );
                None
            }
            (Some(v), false) => self.value(&path, v, spec, resolver),
        };
        if spec.shrink.is_some() && !matches!(spec.value, Some(ValueSpec::Ratio(_))) {
            self.problem(
                &at(&[k("shrink")]),
                "invalid_value",
                "shrinkage applies to ratio values only".into(),
                None,
            );
        }
        if let Some(shrink) = &spec.shrink {
            // A weight ≤ 0 turned shrinkage upside down (a rate of −150 % or 350 %, or a zero
            // denominator that silently left the raw rate): both must be positive.
            for (key, value) in [
                ("min_sample", shrink.min_sample.0),
                ("weight", shrink.weight.0),
            ] {
                if value <= Decimal::ZERO {
                    self.problem(
                        &at(&[k("shrink"), k(key)]),
                        "invalid_value",
                        format!("the shrinkage's `{key}` must be greater than 0"),
                        None,
                    );
                }
            }
        }
        let rule = self.rule(&path, spec, resolver);
        let no_data = spec.when_no_data.unwrap_or(match spec.kind {
            IndicatorKind::Base => NoDataSpec::Full,
            _ => NoDataSpec::Zero,
        });
        if no_data == NoDataSpec::Exclude && spec.kind != IndicatorKind::Base {
            self.problem(
                &at(&[k("when_no_data")]),
                "invalid_value",
                "`exclude` rescales base indicators; bonuses and deductions use full or zero"
                    .into(),
                None,
            );
        }
        let targets: BTreeMap<String, Decimal> = file
            .groups
            .iter()
            .filter_map(|g| g.targets.get(&spec.id).map(|t| (g.id.clone(), t.0)))
            .collect();
        if self.problems.len() != before {
            return None;
        }
        Some(Indicator {
            id: spec.id.as_str().into(),
            name: spec.name.as_str().into(),
            kind: spec.kind,
            value,
            points: m,
            rule: rule?,
            no_data,
            groups: spec.groups.clone(),
            red_line: spec.red_line.map(|n| n.0),
            shrink: spec.shrink.as_ref().map(|s| Shrink {
                min_sample: s.min_sample.0,
                weight: s.weight.0,
            }),
            targets,
            reads: Vec::new(),
            reads_set: SlotSet::default(),
        })
        .map(|mut ind| {
            ind.reads = ind.slots_read();
            ind.reads_set = SlotSet::of(&ind.reads);
            ind
        })
    }

    fn value(
        &mut self,
        path: &[Seg],
        v: &ValueSpec,
        spec: &IndicatorSpec,
        resolver: &MetricResolver,
    ) -> Option<IndicatorValue> {
        let vp = with(path, &[k("value")]);
        let (form, tag, first, second) = match v {
            ValueSpec::Ratio(r) => (
                ValueForm::Ratio { percent: r.percent },
                "ratio",
                ("num", r.num.as_str()),
                Some(("den", r.den.as_str())),
            ),
            ValueSpec::Mean(m) => (
                ValueForm::Mean,
                "mean",
                ("sum", m.sum.as_str()),
                Some(("count", m.count.as_str())),
            ),
            ValueSpec::Count(c) => (ValueForm::Count, "count", ("", c.as_str()), None),
            ValueSpec::Formula(f) => (ValueForm::Formula, "formula", ("", f.as_str()), None),
        };
        let part_path = |key: &str| {
            if key.is_empty() {
                with(&vp, &[k(tag)])
            } else {
                with(&vp, &[k(tag), k(key)])
            }
        };
        let second = match (second, &spec.per_100) {
            (Some(s), None) => Some((part_path(s.0), s.1)),
            (None, Some(p)) if form == ValueForm::Count => {
                Some((with(path, &[k("per_100")]), p.as_str()))
            }
            (None, None) => None,
            (_, Some(_)) => {
                self.problem(
                    &with(path, &[k("per_100")]),
                    "invalid_value",
                    "per_100 applies to count values only".into(),
                    None,
                );
                None
            }
        };
        let lowered = lower(form, first.1, second.as_ref().map(|s| s.1));
        let num = self.formula(&part_path(first.0), first.1, resolver, ValueType::Number);
        let den = match &second {
            Some((p, src)) => Some(self.formula(p, src, resolver, ValueType::Number)?),
            None => None,
        };
        let num = num?;
        let value = if form == ValueForm::Formula {
            num.clone()
        } else {
            // Written by the loader around parts that compiled: the limits apply to those
            // ([`Formula::compile_wrapped`]).
            let src = &lowered.value;
            let wrapped = Formula::compile_wrapped(src, resolver, ValueType::Number);
            self.compiled(&vp, src, wrapped)?
        };
        Some(IndicatorValue {
            form,
            value,
            num: (form != ValueForm::Formula).then_some(num),
            den,
        })
    }

    fn rule(
        &mut self,
        path: &[Seg],
        spec: &IndicatorSpec,
        resolver: &MetricResolver,
    ) -> Option<Rule> {
        let m = spec.points.0;
        // Outside [0, M]; nothing is when M itself is negative (reported at `points`).
        let outside = |v: Decimal| m >= Decimal::ZERO && (v > m || v < Decimal::ZERO);
        let rp = with(path, &[k("rule")]);
        let base = spec.kind == IndicatorKind::Base;
        let rule = match &spec.rule {
            RuleSpec::LinearBelowTarget(l) => {
                if outside(l.floor.0) {
                    self.problem(
                        &with(&rp, &[k("linear_below_target"), k("floor")]),
                        "invalid_value",
                        format!("the floor must lie in [0, {}]", spec.points),
                        None,
                    );
                }
                if l.slope.0 < Decimal::ZERO {
                    self.problem(
                        &with(&rp, &[k("linear_below_target"), k("slope")]),
                        "invalid_value",
                        "the slope must not be negative".into(),
                        None,
                    );
                }
                Rule::LinearBelowTarget {
                    target: l.target.0,
                    slope: l.slope.0,
                    floor: l.floor.0,
                }
            }
            RuleSpec::Proportional(p) => {
                let percent = matches!(&spec.value, Some(ValueSpec::Ratio(r)) if r.percent);
                let of = p.of.map_or(
                    if percent {
                        Decimal::ONE_HUNDRED
                    } else {
                        Decimal::ONE
                    },
                    |n| n.0,
                );
                if of <= Decimal::ZERO {
                    self.problem(
                        &with(&rp, &[k("proportional"), k("of")]),
                        "invalid_value",
                        "`of` must be positive".into(),
                        None,
                    );
                }
                Rule::Proportional { of }
            }
            RuleSpec::Bands(bands) => {
                let bp = with(&rp, &[k("bands")]);
                if bands.is_empty() {
                    self.problem(
                        &bp,
                        "invalid_value",
                        "bands need at least one band".into(),
                        None,
                    );
                }
                let mins = bands.iter().filter(|b| b.min.is_some()).count();
                let mut out: Vec<(Decimal, Decimal)> = Vec::new();
                for (j, b) in bands.iter().enumerate() {
                    let here = with(&bp, &[Seg::Index(j)]);
                    match (b.min, b.max) {
                        (Some(x), None) | (None, Some(x)) => {
                            // Two bands from one threshold: which one a value gets would
                            // depend on their order in the file.
                            if out.iter().any(|(t, _)| *t == x.0) {
                                self.problem(
                                    &here,
                                    "invalid_value",
                                    format!("another band has the threshold {}", x.0.normalize()),
                                    None,
                                );
                            }
                            out.push((x.0, b.points.0));
                        }
                        _ => self.problem(
                            &here,
                            "invalid_value",
                            "give exactly one of `min` and `max`".into(),
                            None,
                        ),
                    }
                    if outside(b.points.0) {
                        self.problem(
                            &with(&here, &[k("points")]),
                            "invalid_value",
                            format!("band points must lie in [0, {}]", spec.points),
                            None,
                        );
                    }
                }
                if mins != 0 && mins != bands.len() {
                    self.problem(
                        &bp,
                        "invalid_value",
                        "use `min` in every band or `max` in every band".into(),
                        None,
                    );
                }
                Rule::Bands {
                    bands: out,
                    higher_better: mins > 0,
                }
            }
            RuleSpec::RedLine(r) => {
                if outside(r.below.0) {
                    self.problem(
                        &with(&rp, &[k("red_line"), k("below")]),
                        "invalid_value",
                        format!("`below` must lie in [0, {}]", spec.points),
                        None,
                    );
                }
                Rule::RedLine {
                    threshold: r.threshold.0,
                    below: r.below.0,
                }
            }
            RuleSpec::PerItem(p) => {
                let fp = with(&rp, &[k("per_item"), k("floor")]);
                if !base && p.floor.0 != Decimal::ZERO {
                    self.problem(
                        &fp,
                        "invalid_value",
                        "a floor applies to base indicators only".into(),
                        None,
                    );
                } else if outside(p.floor.0) {
                    self.problem(
                        &fp,
                        "invalid_value",
                        format!("the floor must lie in [0, {}]", spec.points),
                        None,
                    );
                }
                if p.each.0 < Decimal::ZERO {
                    self.problem(
                        &with(&rp, &[k("per_item"), k("each")]),
                        "invalid_value",
                        "`each` must not be negative: it is the points per item, a magnitude \
                         (the indicator's kind says whether they are lost or won)"
                            .into(),
                        None,
                    );
                }
                Rule::PerItem {
                    each: p.each.0,
                    floor: p.floor.0,
                }
            }
            RuleSpec::Checklist(items) => {
                let cp = with(&rp, &[k("checklist")]);
                let mut out = Vec::new();
                let mut sum = Decimal::ZERO;
                for (j, item) in items.iter().enumerate() {
                    sum = sum.saturating_add(item.points.0);
                    if item.points.0 < Decimal::ZERO {
                        self.problem(
                            &with(&cp, &[Seg::Index(j), k("points")]),
                            "invalid_value",
                            "an item's points must not be negative".into(),
                            None,
                        );
                    }
                    let when = self.formula(
                        &with(&cp, &[Seg::Index(j), k("when")]),
                        &item.when,
                        resolver,
                        ValueType::Bool,
                    );
                    if let Some(when) = when {
                        out.push(ChecklistItem {
                            item: item.item.clone(),
                            when,
                            points: item.points.0,
                        });
                    }
                }
                if sum != m {
                    self.problem(
                        &with(path, &[k("points")]),
                        "invalid_value",
                        format!(
                            "points are {} but the checklist items add up to {}",
                            spec.points,
                            sum.normalize()
                        ),
                        None,
                    );
                }
                Rule::Checklist { items: out }
            }
            RuleSpec::Volume(v) => Rule::Volume { curve: v.curve },
        };
        Some(rule)
    }
}
