//! The scheme file model (考核方案): what a TOML or JSON scheme file holds, key by key.
//!
//! These types are the single source of the file format: loading deserializes into them, the
//! scheme hash is taken over their canonical JSON, and `schemas/scheme.schema.json` is generated
//! from them (feature `json-schema`). The doc comments become the schema's descriptions.
//! `docs/scheme-format.md` is the prose reference.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::num::Num;

/// A scoring scheme file (考核方案).
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeFile {
    /// Version of the file format; this library reads version 1.
    pub schema_version: u32,
    /// Name of the scheme, e.g. `连云港市12345热线考核（2022）`.
    #[serde(default)]
    pub name: String,
    /// Free text: source, validity, remarks.
    #[serde(default)]
    pub description: String,
    /// Assessment period: `month`, `quarter`, `year`, or `{ range = { start, end } }`.
    pub period: PeriodSpec,
    /// Decimal places of every component's points and of totals (rounded half away from zero).
    #[serde(default = "default_decimals")]
    pub decimals: u32,
    /// If set, percentage values (ratios) are rounded to this many decimal places of a percent
    /// before scoring, as some centers do. Off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_decimals: Option<u32>,
    /// Names of the external metrics formulas may use as `ext.<name>` (knowledge-base updates,
    /// mystery calls, manual adjustments …). Undeclared names are errors.
    #[serde(default)]
    pub external: Vec<String>,
    /// Unit groups, each ranked separately with its own full marks.
    pub groups: Vec<GroupSpec>,
    /// The indicators (指标), in display order.
    pub indicators: Vec<IndicatorSpec>,
    /// How components add up to the total.
    #[serde(default)]
    pub total: TotalSpec,
    /// Grades by total, best first; empty or absent: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格
    /// (minimums in percent of the group's full marks).
    #[serde(default)]
    pub grades: Vec<GradeSpec>,
    /// Period warnings (提前预警); none if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<WarningSpec>,
    /// Sanctions ladder; none if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanctions: Option<SanctionSpec>,
}

fn default_decimals() -> u32 {
    2
}

/// The default grades (Bengbu): 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below, in percent of
/// the group's full marks.
pub fn default_grades() -> Vec<GradeSpec> {
    [("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)]
        .into_iter()
        .map(|(name, min)| GradeSpec {
            name: name.to_owned(),
            min: Num(Decimal::from(min)),
        })
        .collect()
}

/// The assessment period of a scheme.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PeriodSpec {
    /// Calendar months (+08:00).
    Month,
    /// Calendar quarters (+08:00).
    Quarter,
    /// Calendar years (+08:00).
    Year,
    /// One explicit range of instants.
    Range(RangeSpec),
}

/// An explicit period `[start, end)`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// First instant, RFC 3339 with offset.
    pub start: String,
    /// First instant after the period, RFC 3339 with offset.
    pub end: String,
    /// Label used in results (default `start/end`).
    #[serde(default)]
    pub label: String,
}

/// A group of units ranked together.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Group id, as in the units table's `group` column.
    pub id: String,
    /// Display name, e.g. 县区.
    #[serde(default)]
    pub name: String,
    /// Full marks: the sum of the `points` of the base indicators that apply to the group.
    pub full_marks: Num,
    /// Per-group targets (分档分类评价): indicator id → target replacing the rule's `target`
    /// (`linear_below_target`) or `threshold` (`red_line`).
    #[serde(default)]
    pub targets: std::collections::BTreeMap<String, Num>,
}

/// One indicator (指标).
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Identifier (snake_case), used in results and in group targets.
    pub id: String,
    /// Chinese name, e.g. 按时办结率.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// `base` points count toward full marks; `bonus` points are added; `deduction` points are
    /// subtracted.
    #[serde(default)]
    pub kind: IndicatorKind,
    /// The measured value. Required except for `checklist` rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ValueSpec>,
    /// Full marks of a base indicator; the cap of a bonus or deduction.
    pub points: Num,
    /// How the value turns into points.
    pub rule: RuleSpec,
    /// What a unit gets when the value has no data (denominator 0, missing external metric).
    /// Default `full` for base indicators, `zero` for bonuses and deductions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_no_data: Option<NoDataSpec>,
    /// Groups the indicator applies to (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// Flags a unit whose value is worse than this (percent for ratios); used by warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_line: Option<Num>,
    /// Small-sample shrinkage toward the group's rate (ratio values only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrink: Option<ShrinkSpec>,
    /// Normalises a count per 100 of this metric (e.g. `dispatched`): value = count·100/metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_100: Option<String>,
}

/// How an indicator's points enter the total.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// Counts toward the group's full marks.
    #[default]
    Base,
    /// Added to the total (加分).
    Bonus,
    /// Subtracted from the total (扣分).
    Deduction,
}

/// The value of an indicator; every form lowers to one formula.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueSpec {
    /// A rate `num / den` (in percent unless `percent = false`).
    Ratio(RatioSpec),
    /// A mean `sum / count` (e.g. working milliseconds per ticket).
    Mean(MeanSpec),
    /// A count (or any number) given by a formula.
    Count(String),
    /// Any formula over metrics (the escape hatch).
    Formula(String),
}

/// A rate.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatioSpec {
    /// Numerator formula, e.g. `closed_on_time`.
    pub num: String,
    /// Denominator formula, e.g. `due`.
    pub den: String,
    /// Express the rate in percent (default true): thresholds and targets are then percents.
    #[serde(default = "yes")]
    pub percent: bool,
}

fn yes() -> bool {
    true
}

/// A mean.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeanSpec {
    /// Formula of the sum, e.g. `sign_working_ms / 3600000`.
    pub sum: String,
    /// Formula of the count, e.g. `signed`.
    pub count: String,
}

/// A scoring rule (`M` = the indicator's `points`, `r` = its value).
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleSpec {
    /// `clamp(M − slope·(target − r), floor, M)`.
    LinearBelowTarget(LinearSpec),
    /// `clamp(M · r / of, 0, M)`; `of` defaults to 100 for percentages, 1 otherwise.
    Proportional(ProportionalSpec),
    /// Piecewise constant: bands `{ min, points }` (r ≥ min) or `{ max, points }` (r ≤ max);
    /// the tightest matching band wins, 0 if none matches.
    Bands(Vec<BandSpec>),
    /// `M` at or above `threshold`, `below` under it; the unit is flagged below its red line.
    RedLine(RedLineSpec),
    /// Per item: base `max(floor, M − each·r)`; bonus and deduction `min(M, each·r)`.
    PerItem(PerItemSpec),
    /// Fixed points per fulfilled item; `points` must equal the sum of the items' points.
    Checklist(Vec<ChecklistItemSpec>),
    /// Workload: `M · f(r) / f(r_max)` with `r_max` the largest value in the group.
    Volume(VolumeSpec),
}

/// Parameters of `linear_below_target`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearSpec {
    /// Target `T` (percent for ratios).
    pub target: Num,
    /// Slope `k`: points lost per unit (percentage point) below target.
    pub slope: Num,
    /// Floor `F` (default 0).
    #[serde(default)]
    pub floor: Num,
}

/// Parameters of `proportional`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProportionalSpec {
    /// The value that earns full marks (default 100 for percentages, 1 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Num>,
}

/// One band of a `bands` rule: give exactly one of `min` and `max`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    /// The band applies when the value is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Num>,
    /// The band applies when the value is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Num>,
    /// Points of the band.
    pub points: Num,
}

/// Parameters of `red_line`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedLineSpec {
    /// The red line.
    pub threshold: Num,
    /// Points below the red line (default 0).
    #[serde(default)]
    pub below: Num,
}

/// Parameters of `per_item`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerItemSpec {
    /// Points per item.
    pub each: Num,
    /// Lowest points of a base indicator (default 0).
    #[serde(default)]
    pub floor: Num,
}

/// One item of a checklist.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemSpec {
    /// What the item checks, e.g. 知识库按时更新.
    pub item: String,
    /// Boolean formula: the item is fulfilled when it is true (no data: the checklist is no data).
    pub when: String,
    /// Points for the item.
    pub points: Num,
}

/// Parameters of `volume`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeSpec {
    /// The curve `f`.
    pub curve: Curve,
}

/// A workload curve.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Curve {
    /// `f(x) = x`.
    Linear,
    /// `f(x) = √x`.
    Sqrt,
    /// `f(x) = ln(1 + x)`.
    Log,
}

/// What an indicator without data scores.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoDataSpec {
    /// Best points: `M` for base and bonus, nothing deducted for deductions.
    Full,
    /// Zero points.
    Zero,
    /// Left out; the unit's other base indicators are rescaled to the group's full marks.
    Exclude,
    /// The mean of the exact points of the group's units that have data (`full` if none has).
    GroupMean,
}

/// Small-sample shrinkage: below `min_sample` (denominator), the rate becomes
/// `(num + weight·p_group) / (den + weight)`.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShrinkSpec {
    /// Denominators below this are shrunk.
    pub min_sample: Num,
    /// Prior weight `m` (pseudo-tickets at the group's rate).
    pub weight: Num,
}

/// Totals: base − deductions + bonuses, then capped.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalSpec {
    /// Highest total, in percent of the group's full marks (e.g. 100: bonuses cannot exceed
    /// full marks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Num>,
    /// Lowest total, in percent of the group's full marks (e.g. 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Num>,
}

/// A grade.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeSpec {
    /// Name, e.g. 优秀.
    pub name: String,
    /// Lowest total of the grade, in percent of the group's full marks.
    pub min: Num,
}

/// Period warnings (提前预警).
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningSpec {
    /// Warnings start this many calendar days before the period ends (default 20; at least 1:
    /// with 0 the window opens when the period ends and no unit is ever warned).
    #[serde(default = "default_lead_days")]
    #[cfg_attr(feature = "json-schema", schemars(range(min = 1)))]
    pub lead_days: u32,
    /// Warn the bottom N units of each group (at least 1: 0 warns no unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "json-schema", schemars(range(min = 1)))]
    pub bottom: Option<u32>,
    /// Warn units whose total is below this, in percent of full marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_below: Option<Num>,
    /// Warn units with an indicator below its red line.
    #[serde(default)]
    pub below_red_line: bool,
    /// How many costliest indicators a warning lists (default 3).
    #[serde(default = "default_reasons")]
    pub reasons: u32,
}

fn default_lead_days() -> u32 {
    20
}

fn default_reasons() -> u32 {
    3
}

/// The sanctions ladder (问责).
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionSpec {
    /// Levels, lowest first; a unit gets the highest level whose condition holds.
    pub levels: Vec<LevelSpec>,
}

/// One level of the ladder.
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    /// Level number (1, 2, 3 …), increasing (level 0 is a unit without a sanction).
    #[cfg_attr(feature = "json-schema", schemars(range(min = 1)))]
    pub level: u32,
    /// Name, e.g. 短信提醒.
    pub name: String,
    /// Base condition (boolean formula over `rank`, `rank_from_bottom`, `group_size`, `total`,
    /// `total_percent`, `grade`, `lowest_grade`); `streak` counts consecutive periods meeting it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Condition of the level (may also use `streak` and `previous_level`); default: `base`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}
