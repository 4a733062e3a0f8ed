//! What a scoring run produces, in one serializable value: the input of every output format
//! (terminal table, JSON, CSV, HTML).

use std::collections::BTreeMap;

use hotline_score::scheme::file::IndicatorKind;
use hotline_score::scheme::{Explanation, Sanction, Scores, UnitWarning};
use hotline_score::{Instant, Period, UnitId};
use rust_decimal::Decimal;
use serde::Serialize;

use super::text::{indicator_name, unit_name};
use crate::input::locate::Problem;
use crate::text::pct;

/// The result of scoring one data set for one period.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// A title for the report (the data set).
    pub title: String,
    /// The scheme.
    pub scheme: SchemeInfo,
    /// The policy's name.
    pub policy: String,
    /// The assessment period.
    pub period: Period,
    /// The evaluation instant.
    pub as_of: Instant,
    /// Whether the period is over at `as_of` (final results) or still running (standings so far).
    pub closed: bool,
    /// The first day the calendar predicted from its weekly template (`--predict`, beyond the
    /// calendar data), when the period or `as_of` reaches it: the results are then PREDICTED.
    pub predicted_from: Option<String>,
    /// Every unit's scorecard.
    pub scores: Scores,
    /// When period warnings start (`None`: the scheme has no warnings).
    pub warning_start: Option<Instant>,
    /// Period warnings at `as_of` (empty outside the warning window).
    pub warnings: Vec<UnitWarning>,
    /// The sanctions ladder, if the scheme has one.
    pub sanctions: Option<SanctionsView>,
    /// Per-unit explanations (empty when not asked for).
    pub explanations: Vec<Explanation>,
    /// Units of the units table with no counted activity in the period up to `as_of` (every
    /// counter zero, both roles): ranked by the scheme's no-data rules (`when_no_data`), which
    /// may give them full marks.
    pub idle_units: Vec<UnitId>,
    /// City-wide figures for the period.
    pub summary: CitySummary,
    /// The city's weekly rates in the period, up to `as_of`.
    pub trend: Vec<TrendPoint>,
    /// Problems met while loading the data (lenient mode).
    pub problems: Vec<Problem>,
}

/// What the report needs to know about the scheme.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeInfo {
    /// Name.
    pub name: String,
    /// Hash (every result carries it).
    pub hash: String,
    /// Groups, in scheme order.
    pub groups: Vec<GroupInfo>,
    /// Grades, best first: name and lowest total in percent of full marks.
    pub grades: Vec<(String, Decimal)>,
    /// Indicators, in scheme order.
    pub indicators: Vec<IndicatorInfo>,
    /// The indicators shown as key rates in tables (签收率, 按时办结率, 满意率 when present).
    pub key_indicators: Vec<String>,
}

/// A group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupInfo {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Full marks.
    pub full_marks: Decimal,
}

/// An indicator.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorInfo {
    /// Id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Base, bonus or deduction.
    pub kind: IndicatorKind,
    /// Whether its values are percentages.
    pub percent: bool,
    /// Its red line in each group that has one (group id → line; the warnings'
    /// `below_red_line` flags a value on the worse side of it).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub red_lines: BTreeMap<String, Decimal>,
}

/// The sanctions ladder run over the history and the current period.
#[derive(Debug, Clone, Serialize)]
pub struct SanctionsView {
    /// The periods the ladder ran over, oldest first (the last is the current one).
    pub periods: Vec<String>,
    /// Whether the current period is still running (levels as they would be if it closed now).
    pub projected: bool,
    /// Each unit's outcome for the current period.
    pub current: Vec<Sanction>,
    /// Each unit's level in the previous period (0 if none or no history).
    pub previous_level: BTreeMap<UnitId, u32>,
}

/// City-wide figures: lead-role counters summed over every unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CitySummary {
    /// Tickets received in the period up to `as_of`.
    pub tickets: u64,
    /// Assignments dispatched in the period (lead role).
    pub dispatched: i64,
    /// Assignments due (应办结).
    pub due: i64,
    /// Of those, closed (on time or late).
    pub due_closed: i64,
    /// Of those, closed on time.
    pub closed_on_time: i64,
    /// Valid callbacks.
    pub callbacks: i64,
    /// Callbacks 非常满意, 满意 or 基本满意.
    pub satisfied: i64,
    /// 办结率 = due_closed / due, in percent.
    pub closed_rate: Option<Decimal>,
    /// 满意率 = satisfied / callbacks, in percent.
    pub satisfied_rate: Option<Decimal>,
}

/// One week of the city's trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// Label (first day, `MM-DD`).
    pub label: String,
    /// First instant of the week.
    pub start: Instant,
    /// The city's figures for that week.
    pub summary: CitySummary,
}

/// The line that flags results resting on predicted days ([`Report::predicted_from`]).
pub fn predicted_note(first_day: &str) -> String {
    format!(
        "PREDICTED: the calendar data does not cover {first_day} and after; those days follow \
         the weekly template alone (--predict), without holidays or adjusted workdays"
    )
}

impl Report {
    /// Indicator `id` of the scheme.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorInfo> {
        self.scheme.indicators.iter().find(|i| i.id == id)
    }

    /// A value of indicator `id` as shown: a percentage for percent indicators (`92.3%`), the
    /// number as it is otherwise (a count, a mean in hours), `—` without a value.
    pub fn value_text(&self, id: &str, value: Option<Decimal>) -> String {
        match value {
            Some(v) if self.indicator(id).is_some_and(|i| i.percent) => pct(Some(v)),
            Some(v) => v.normalize().to_string(),
            None => "—".to_owned(),
        }
    }

    /// The line saying which units had no activity in the period (at most five named), or
    /// `None` when every unit had some: they are ranked by the scheme's no-data rules, which
    /// may put them first.
    pub fn idle_note(&self) -> Option<String> {
        const SHOWN: usize = 5;
        if self.idle_units.is_empty() {
            return None;
        }
        let names: Vec<&str> = self
            .idle_units
            .iter()
            .take(SHOWN)
            .map(|u| unit_name(self, u.as_str()))
            .collect();
        let more = self.idle_units.len().saturating_sub(SHOWN);
        Some(format!(
            "Without activity in the period: {} unit(s) ({}{}): ranked by the scheme's no-data \
             rules (when_no_data), which may give full marks",
            self.idle_units.len(),
            names.join(", "),
            if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            }
        ))
    }

    /// Whether `unit` had no activity in the period (see [`Report::idle_units`]).
    pub fn is_idle(&self, unit: &UnitId) -> bool {
        self.idle_units.contains(unit)
    }

    /// Why a unit of `group` is warned for indicator `id`'s `value`: on the worse side of
    /// its red line — below it for a rate, above it for a mean time where lower is better.
    pub fn red_line_reason(&self, group: &str, id: &str, value: Option<Decimal>) -> String {
        let name = indicator_name(self, id);
        let line = self
            .indicator(id)
            .and_then(|i| i.red_lines.get(group))
            .map(|l| format!(" {}", self.value_text(id, Some(*l))))
            .unwrap_or_default();
        format!(
            "{name} {} worse than its red line{line}",
            self.value_text(id, value)
        )
    }
}
