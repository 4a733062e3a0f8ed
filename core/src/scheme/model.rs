//! The compiled scheme: groups, indicators with compiled values and rules, grades and totals,
//! ready to score. Built by [`super::load`]; immutable afterwards.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::card::Scores;
use super::file::{IndicatorKind, NoDataSpec, SchemeFile, WarningSpec};
use super::ratio::Ratio;
use super::resolver::{MetricResolver, SlotSet};
use super::rule::Rule;
use super::sanction::Ladder;
use super::value::{IndicatorValue, Measured};
use crate::error::{Error, Result};
use crate::formula::{Formula, Value};

/// A compiled, validated scoring scheme. Load one with [`Scheme::from_toml`],
/// [`Scheme::from_json`] or [`Scheme::preset`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub(crate) file: SchemeFile,
    pub(crate) hash: String,
    pub(crate) resolver: MetricResolver,
    pub(crate) groups: Vec<Group>,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) grades: Vec<Grade>,
    pub(crate) total_cap: Option<Decimal>,
    pub(crate) total_floor: Option<Decimal>,
    pub(crate) ladder: Option<Ladder>,
    /// Every metric slot the indicators' formulas read, ascending.
    pub(crate) used_slots: Vec<usize>,
    /// Values accepted but rarely meant, in file order ([`Scheme::suspicious_values`]).
    pub(crate) suspicious: Vec<super::SchemeProblem>,
}

/// A group of units ranked together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Group id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Full marks.
    pub full_marks: Decimal,
}

/// A grade: name and lowest total in percent of full marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// Name, e.g. 优秀.
    pub name: String,
    /// Lowest total, percent of full marks.
    pub min: Decimal,
}

/// Small-sample shrinkage parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shrink {
    /// Denominators below this are shrunk.
    pub min_sample: Decimal,
    /// Prior weight.
    pub weight: Decimal,
}

/// A compiled indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Identifier (shared by every scorecard component of this indicator).
    pub id: Arc<str>,
    /// Chinese name (shared by every scorecard component of this indicator).
    pub name: Arc<str>,
    /// Base, bonus or deduction.
    pub kind: IndicatorKind,
    /// The value (absent for checklists).
    pub value: Option<IndicatorValue>,
    /// Full marks or cap `M`.
    pub points: Decimal,
    /// The scoring rule.
    pub rule: Rule,
    /// No-data handling.
    pub no_data: NoDataSpec,
    /// Groups it applies to (`None`: all).
    pub groups: Option<Vec<String>>,
    /// Red-line flag threshold.
    pub red_line: Option<Decimal>,
    /// Small-sample shrinkage.
    pub shrink: Option<Shrink>,
    /// Per-group targets.
    pub targets: BTreeMap<String, Decimal>,
    /// The metric slots its formulas read, ascending ([`Indicator::formulas`]).
    pub(crate) reads: Vec<usize>,
    /// The same slots as a set.
    pub(crate) reads_set: SlotSet,
}

impl Indicator {
    /// Whether the indicator applies to units of `group`.
    pub fn applies_to(&self, group: &str) -> bool {
        self.groups
            .as_ref()
            .is_none_or(|g| g.iter().any(|x| x == group))
    }

    /// The group's target override, if any.
    pub fn target_for(&self, group: &str) -> Option<Decimal> {
        self.targets.get(group).copied()
    }

    /// The red line the unit is flagged below, for `group`.
    pub fn red_line_for(&self, group: &str) -> Option<Decimal> {
        self.rule.red_line(self.target_for(group)).or(self.red_line)
    }

    /// Its formulas: the value, numerator and denominator, or the checklist items' conditions.
    pub(crate) fn formulas(&self) -> impl Iterator<Item = &Formula> {
        let value = self.value.iter().flat_map(|v| {
            std::iter::once(&v.value)
                .chain(v.num.as_ref())
                .chain(v.den.as_ref())
        });
        let items = match &self.rule {
            Rule::Checklist { items } => items.as_slice(),
            _ => &[],
        };
        value.chain(items.iter().map(|i| &i.when))
    }

    /// The slots [`Self::formulas`] read, ascending, each once.
    pub(crate) fn slots_read(&self) -> Vec<usize> {
        let mut slots: Vec<usize> = self
            .formulas()
            .flat_map(|f| f.slots_used().iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// Whether the indicator reads a slot in `slots`.
    pub(crate) fn reads_any(&self, slots: &SlotSet) -> bool {
        self.reads_set.intersects(slots)
    }

    /// The indicator measured on a unit's slots (only the slots it reads need values).
    pub(crate) fn measure(&self, slots: &[Value]) -> Measured {
        match &self.value {
            Some(v) => v.measure(slots),
            None => Measured {
                value: self.rule.checklist_value(slots).map(Ratio::from_decimal),
                ..Measured::default()
            },
        }
    }

    /// Whether values are percentages.
    pub fn is_percent(&self) -> bool {
        self.value.as_ref().is_some_and(IndicatorValue::is_percent)
    }
}

impl Scheme {
    /// The scheme's stable hash (SHA-256 of its canonical JSON, hex).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// `scheme_mismatch` unless `scores` were computed with this scheme (explanations and
    /// sanctions read only their own scheme's scores).
    pub(crate) fn check_scores(&self, scores: &Scores) -> Result<()> {
        if scores.scheme_hash == self.hash {
            Ok(())
        } else {
            Err(Error::SchemeMismatch {
                expected: self.hash.clone(),
                found: scores.scheme_hash.clone(),
            })
        }
    }

    /// The scheme's name.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// The file model the scheme was loaded from.
    pub fn file(&self) -> &SchemeFile {
        &self.file
    }

    /// The canonical JSON the hash is taken over.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(&self.file).unwrap_or_default()
    }

    /// Decimal places of points and totals.
    pub fn decimals(&self) -> u32 {
        self.file.decimals
    }

    /// The groups, in file order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The indicators, in file order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// The grades, best first.
    pub fn grades(&self) -> &[Grade] {
        &self.grades
    }

    /// The warning settings, if the scheme has warnings.
    pub fn warnings(&self) -> Option<&WarningSpec> {
        self.file.warnings.as_ref()
    }

    /// The metric vocabulary of the scheme's formulas.
    pub fn resolver(&self) -> &MetricResolver {
        &self.resolver
    }

    /// The group called `id`.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }
}
