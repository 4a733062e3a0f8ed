//! Loading a scheme: text → spanned tree → schema check → file model → compiled [`Scheme`],
//! collecting **every** problem with its line, column and key path.
//!
//! Formula problems point inside the formula string as written in the file (the string's
//! position plus the position within the formula, escapes accounted for).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::file::{
    IndicatorKind, IndicatorSpec, NoDataSpec, PeriodSpec, RuleSpec, SanctionSpec, SchemeFile,
    ValueSpec, default_grades,
};
use super::hash::sha256_hex;
use super::model::{Grade, Group, Indicator, Scheme, Shrink};
use super::node::{self, Node, Seg, path_string};
use super::problem::{SchemeProblem, closest, offset_in_string};
use super::resolver::MetricResolver;
use super::rule::{ChecklistItem, Rule};
use super::sanction::{self, Ladder, Level};
use super::value::{IndicatorValue, ValueForm, lower};
use super::{json, schema};
use crate::formula::{Formula, Resolver, ValueType};
use crate::instant::Instant;

/// The file formats a scheme can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// The largest `decimals` / `rate_decimals` accepted.
pub const MAX_DECIMALS: u32 = 10;

/// Loads and compiles a scheme, or returns every problem found.
pub fn load(text: &str, format: Format) -> Result<Scheme, Vec<SchemeProblem>> {
    let root = match format {
        Format::Toml => node::from_toml(text).map_err(|errs| {
            errs.into_iter()
                .map(|(msg, span)| {
                    SchemeProblem::at(text, span.start, "syntax", String::new(), msg)
                })
                .collect::<Vec<_>>()
        })?,
        Format::Json => json::parse(text).map_err(|(msg, span)| {
            vec![SchemeProblem::at(
                text,
                span.start,
                "syntax",
                String::new(),
                msg,
            )]
        })?,
    };
    let checked = schema::check(text, &root);
    let mut problems = checked.problems;
    // Unknown keys alone do not stop loading: they are left out and the rest is checked too.
    if problems.len() != checked.unknown_keys.len() {
        sort(&mut problems);
        return Err(problems);
    }
    let file: SchemeFile =
        match serde_json::from_value(root.to_json_skipping(&checked.unknown_keys)) {
            Ok(file) => file,
            Err(e) => {
                problems.push(SchemeProblem::at(
                    text,
                    0,
                    "invalid_value",
                    String::new(),
                    e.to_string(),
                ));
                sort(&mut problems);
                return Err(problems);
            }
        };
    let mut cx = Ctx {
        text,
        root: &root,
        problems,
    };
    let scheme = cx.compile(file);
    let mut problems = cx.problems;
    match scheme {
        Some(s) if problems.is_empty() => Ok(s),
        _ => {
            sort(&mut problems);
            Err(problems)
        }
    }
}

fn sort(problems: &mut [SchemeProblem]) {
    problems.sort_by(|a, b| (a.line, a.column, &a.key).cmp(&(b.line, b.column, &b.key)));
}

fn k(s: &str) -> Seg {
    Seg::Key(s.to_owned())
}

fn with(path: &[Seg], more: &[Seg]) -> Vec<Seg> {
    path.iter().chain(more).cloned().collect()
}

struct Ctx<'a> {
    text: &'a str,
    root: &'a Node,
    problems: Vec<SchemeProblem>,
}

impl Ctx<'_> {
    /// Records a problem at the value of `path` (or the nearest key that exists).
    fn problem(&mut self, path: &[Seg], code: &str, msg: String, suggestion: Option<String>) {
        let offset = self
            .root
            .at(path)
            .map_or_else(|| self.root.key_span(path).start, |n| n.span.start);
        self.problems.push(
            SchemeProblem::at(self.text, offset, code, path_string(path), msg).suggest(suggestion),
        );
    }

    fn formula(
        &mut self,
        path: &[Seg],
        src: &str,
        resolver: &dyn Resolver,
        ty: ValueType,
    ) -> Option<Formula> {
        match Formula::compile(src, resolver, ty) {
            Ok(f) => Some(f),
            Err(problems) => {
                let span = self.root.at(path).map(|n| n.span.clone());
                for p in problems {
                    let offset = span
                        .as_ref()
                        .map_or(0, |s| offset_in_string(self.text, s, src, p.line, p.column));
                    self.problems.push(
                        SchemeProblem::at(self.text, offset, p.code, path_string(path), p.message)
                            .suggest(p.suggestion),
                    );
                }
                None
            }
        }
    }

    fn compile(&mut self, file: SchemeFile) -> Option<Scheme> {
        if file.schema_version != 1 {
            self.problem(
                &[k("schema_version")],
                "invalid_value",
                format!(
                    "schema_version {} is not supported; this library reads version 1",
                    file.schema_version
                ),
                None,
            );
        }
        for (key, v) in [
            ("decimals", Some(file.decimals)),
            ("rate_decimals", file.rate_decimals),
        ] {
            if v.is_some_and(|d| d > MAX_DECIMALS) {
                self.problem(
                    &[k(key)],
                    "invalid_value",
                    format!("at most {MAX_DECIMALS} decimal places"),
                    None,
                );
            }
        }
        if let PeriodSpec::Range(r) = &file.period {
            let path = [k("period"), k("range")];
            let start = Instant::parse(&r.start);
            let end = Instant::parse(&r.end);
            for (key, res) in [("start", &start), ("end", &end)] {
                if let Err(e) = res {
                    self.problem(
                        &with(&path, &[k(key)]),
                        "invalid_value",
                        e.to_string(),
                        None,
                    );
                }
            }
            if let (Ok(s), Ok(e)) = (start, end) {
                if e <= s {
                    self.problem(
                        &with(&path, &[k("end")]),
                        "invalid_value",
                        "the period's end is not after its start".into(),
                        None,
                    );
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, name) in file.external.iter().enumerate() {
            let ok = !name.is_empty()
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if !ok {
                self.problem(
                    &[k("external"), Seg::Index(i)],
                    "invalid_value",
                    format!("{name:?} is not a valid metric name (letters, digits, _)"),
                    None,
                );
            }
            if !seen.insert(name.as_str()) {
                self.problem(
                    &[k("external"), Seg::Index(i)],
                    "duplicate_id",
                    format!("external metric {name:?} is declared twice"),
                    None,
                );
            }
        }
        let resolver = MetricResolver::new(file.external.clone());
        let groups = self.groups(&file);
        let indicators: Vec<Option<Indicator>> = file
            .indicators
            .iter()
            .enumerate()
            .map(|(i, spec)| self.indicator(i, spec, &file, &resolver))
            .collect();
        self.group_targets(&file);
        self.full_marks(&file);
        let grades = self.grades(&file);
        let (total_cap, total_floor) = (file.total.cap.map(|n| n.0), file.total.floor.map(|n| n.0));
        if let (Some(c), Some(f)) = (total_cap, total_floor) {
            if f > c {
                self.problem(
                    &[k("total"), k("floor")],
                    "invalid_value",
                    "the total's floor is above its cap".into(),
                    None,
                );
            }
        }
        if let Some(w) = &file.warnings {
            if w.bottom.is_none() && w.total_below.is_none() && !w.below_red_line {
                self.problem(
                    &[k("warnings")],
                    "invalid_value",
                    "warnings need at least one condition: bottom, total_below or below_red_line"
                        .into(),
                    None,
                );
            }
        }
        let ladder = file.sanctions.as_ref().map(|s| self.ladder(s));
        let indicators: Vec<Indicator> = indicators.into_iter().flatten().collect();
        if !self.problems.is_empty() || indicators.len() != file.indicators.len() {
            return None;
        }
        let hash = sha256_hex(serde_json::to_string(&file).unwrap_or_default().as_bytes());
        let mut used_slots: Vec<usize> = indicators
            .iter()
            .flat_map(|ind| {
                let value = ind.value.iter().flat_map(|v| {
                    std::iter::once(&v.value)
                        .chain(v.num.as_ref())
                        .chain(v.den.as_ref())
                });
                let items: Vec<&Formula> = match &ind.rule {
                    Rule::Checklist { items } => items.iter().map(|i| &i.when).collect(),
                    _ => Vec::new(),
                };
                value
                    .chain(items)
                    .flat_map(|f| f.slots_used().iter().copied())
                    .collect::<Vec<_>>()
            })
            .collect();
        used_slots.sort_unstable();
        used_slots.dedup();
        Some(Scheme {
            hash,
            resolver,
            groups,
            indicators,
            grades,
            total_cap,
            total_floor,
            ladder,
            used_slots,
            file,
        })
    }

    fn ladder(&mut self, spec: &SanctionSpec) -> Ladder {
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
            let resolver = sanction::when_resolver(l.base.is_some());
            let when = self.formula(&with(&path, &[key]), src, &resolver, ValueType::Bool);
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

    fn groups(&mut self, file: &SchemeFile) -> Vec<Group> {
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

    fn group_targets(&mut self, file: &SchemeFile) {
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

    fn full_marks(&mut self, file: &SchemeFile) {
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

    fn grades(&mut self, file: &SchemeFile) -> Vec<Grade> {
        let specs = if file.grades.is_empty() {
            default_grades()
        } else {
            file.grades.clone()
        };
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

    fn indicator(
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
            id: spec.id.clone(),
            name: spec.name.clone(),
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
            self.formula(&vp, &lowered.value, resolver, ValueType::Number)?
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
        let rp = with(path, &[k("rule")]);
        let base = spec.kind == IndicatorKind::Base;
        let rule = match &spec.rule {
            RuleSpec::LinearBelowTarget(l) => {
                if l.floor.0 > m || l.floor.0 < Decimal::ZERO {
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
                let mut out = Vec::new();
                for (j, b) in bands.iter().enumerate() {
                    let here = with(&bp, &[Seg::Index(j)]);
                    match (b.min, b.max) {
                        (Some(x), None) | (None, Some(x)) => out.push((x.0, b.points.0)),
                        _ => self.problem(
                            &here,
                            "invalid_value",
                            "give exactly one of `min` and `max`".into(),
                            None,
                        ),
                    }
                    if b.points.0 > m || b.points.0 < Decimal::ZERO {
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
                if r.below.0 > m || r.below.0 < Decimal::ZERO {
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
                } else if p.floor.0 > m || p.floor.0 < Decimal::ZERO {
                    self.problem(
                        &fp,
                        "invalid_value",
                        format!("the floor must lie in [0, {}]", spec.points),
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

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
schema_version = 1
period = "month"

[[groups]]
id = "all"
full_marks = 25

[[indicators]]
id = "on_time"
name = "按时办结率"
value = { ratio = { num = "closed_on_time", den = "due" } }
points = 25
rule = { linear_below_target = { target = 100, slope = 1 } }
"#;

    #[test]
    fn loads_a_minimal_scheme() {
        let s = load(MINI, Format::Toml).unwrap();
        assert_eq!(s.indicators.len(), 1);
        assert_eq!(s.hash.len(), 64);
        let v = s.indicators[0].value.as_ref().unwrap();
        assert_eq!(v.value.source(), "(closed_on_time) * 100 / (due)");
    }

    #[test]
    fn reports_unknown_keys_with_suggestions_and_positions() {
        let text = MINI.replace("slope = 1", "slop = 1");
        let problems = load(&text, Format::Toml).unwrap_err();
        let p = problems.iter().find(|p| p.code == "unknown_key").unwrap();
        assert_eq!(p.key, "indicators[0].rule.linear_below_target.slop");
        assert_eq!(p.suggestion.as_deref(), Some("slope"));
        let line = text.lines().position(|l| l.contains("slop =")).unwrap() as u32 + 1;
        assert_eq!(p.line, line);
        assert!(
            problems.iter().any(|p| p.code == "missing_key"
                && p.key == "indicators[0].rule.linear_below_target.slope")
        );
    }

    #[test]
    fn formula_problems_point_into_the_file() {
        let text = MINI.replace("num = \"closed_on_time\"", "num = \"closed_on_tme\"");
        let problems = load(&text, Format::Toml).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(p.code, "formula_unknown_name");
        assert_eq!(p.suggestion.as_deref(), Some("closed_on_time"));
        let line_text = text.lines().find(|l| l.contains("closed_on_tme")).unwrap();
        let col = line_text.find("closed_on_tme").unwrap() as u32 + 1;
        assert_eq!(p.column, col);
    }

    #[test]
    fn numbers_may_be_decimal_strings() {
        let text = MINI.replace("points = 25", "points = \"25.0\"");
        assert!(load(&text, Format::Toml).is_ok());
        let text = MINI.replace("points = 25", "points = \"2x\"");
        let problems = load(&text, Format::Toml).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "invalid_value");
        assert_eq!(problems[0].key, "indicators[0].points");
        assert_eq!(problems[0].column, 10);
    }
}
