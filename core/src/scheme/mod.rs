//! Scoring schemes (考核方案, SPEC §6–§7): rules as data, scored with exact decimals.
//!
//! A scheme is a TOML or JSON file ([`file::SchemeFile`]; reference: `docs/scheme-format.md`,
//! JSON Schema: `schemas/scheme.schema.json`). Loading validates it and reports **every** problem
//! with its line, column and key path ([`SchemeProblem`]); declarative values and formulas are
//! compiled once to the formula bytecode ([`crate::formula`]).
//!
//! ```
//! use hotline_score::metrics::{Counter, MetricsTable, UnitCounters};
//! use hotline_score::scheme::Scheme;
//! use hotline_score::{Instant, Period, Unit};
//!
//! let scheme = Scheme::preset("lianyungang-2022")?;
//! let unit = Unit { id: "haizhou".into(), group: "districts".into(), name: "海州区".into() };
//! let mut c = UnitCounters::default();
//! c.lead.add(Counter::Due, 4000);
//! c.lead.add(Counter::ClosedOnTime, 3593);
//! let mut metrics = MetricsTable::default();
//! metrics.units.insert(unit.id.clone(), c);
//! let as_of = Instant::parse("2022-07-01T00:00:00+08:00")?;
//! let period = scheme.period_at(as_of)?;
//! let scores = scheme.score(&[unit], &metrics, &period, as_of)?;
//! let card = &scores.units[0];
//! assert_eq!(&*card.indicators[0].name, "按时办结率");
//! let on_time = card.component("closed_on_time").unwrap();
//! assert_eq!(on_time.value.unwrap().to_string(), "89.825");
//! assert_eq!(on_time.points.to_string(), "14.83"); // 25 − (100 − 89.825) = 14.825 → 14.83
//! # Ok::<(), hotline_score::Error>(())
//! ```

mod card;
mod explain;
pub mod file;
mod group;
mod hash;
pub(crate) mod json;
mod load;
mod load_indicator;
mod load_sections;
mod model;
mod no_data;
pub(crate) mod node;
pub mod num;
mod order;
mod preset;
mod problem;
mod rank;
mod ratio;
mod rescue;
mod resolver;
mod round;
mod rule;
mod sanction;
mod schema;
mod score;
mod suspicious;
mod ticket_counters;
mod total;
mod value;
mod warning;
mod warning_tickets;
mod workload;

pub(crate) use card::GUARD_DECIMALS;
pub use card::{Component, IndicatorLabel, Scorecard, Scores, VALUE_DECIMALS};
pub use explain::{ComponentExplanation, Explanation};
pub(crate) use group::GroupScoring;
pub use load::{Format, MAX_DECIMALS, MAX_SCHEME_BYTES};
pub use model::{Grade, Group, Indicator, Scheme};
pub use preset::PRESETS;
pub use problem::{MAX_PROBLEMS, SchemeProblem};
pub use resolver::MetricResolver;
pub(crate) use resolver::SlotSet;
pub(crate) use round::half_away;
pub use sanction::{PeriodSanctions, Sanction};
pub use schema::SCHEME_SCHEMA;
#[cfg(feature = "json-schema")]
pub use schema::generate as generate_json_schema;
pub(crate) use score::attach_external;
pub use suspicious::SUSPICIOUS_VALUE;
pub use ticket_counters::TicketCounters;
pub use warning::{CostlyIndicator, RescuableTicket, UnitWarning, WarningData, WarningReason};
pub use warning_tickets::known_at;

use crate::error::{Error, Result};
use crate::instant::{CHINA_OFFSET, Instant};
use crate::period::Period;
use file::PeriodSpec;

impl Scheme {
    /// Loads a scheme from TOML text.
    pub fn from_toml(text: &str) -> Result<Scheme> {
        Self::load(text, Format::Toml)
    }

    /// Loads a scheme from JSON text.
    pub fn from_json(text: &str) -> Result<Scheme> {
        Self::load(text, Format::Json)
    }

    /// Reads a scheme file: JSON when its extension is `json`, TOML otherwise; read with its size
    /// limit, as every front end reads it ([`config_file`](crate::config_file)).
    ///
    /// ```
    /// let err = hotline_score::scheme::Scheme::from_path("no/such/scheme.toml").unwrap_err();
    /// assert_eq!(err.code(), "cannot_read");
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Scheme> {
        let path = path.as_ref();
        let text = crate::config_file::read(path, crate::config_file::ConfigKind::Scheme)?;
        let format = if crate::config_file::is_json(path) {
            Format::Json
        } else {
            Format::Toml
        };
        Self::load(&text, format)
    }

    /// Loads a scheme from text in `format`; [`Error::SchemeInvalid`] lists every problem.
    pub fn load(text: &str, format: Format) -> Result<Scheme> {
        load::load(text, format).map_err(|problems| Error::SchemeInvalid { problems })
    }

    /// A built-in preset (`sanmenxia`, `lianyungang-2022`, `three-rates`); see [`PRESETS`].
    pub fn preset(name: &str) -> Result<Scheme> {
        let text = preset::text(name).ok_or_else(|| Error::UnknownPreset {
            name: name.to_owned(),
            available: PRESETS.iter().map(|(n, _)| (*n).to_owned()).collect(),
        })?;
        Self::from_toml(text)
    }

    /// The scheme's period containing `as_of` (months, quarters and years in +08:00), or its
    /// explicit range.
    pub fn period_at(&self, as_of: Instant) -> Result<Period> {
        let (date, _) = as_of.to_local(CHINA_OFFSET)?;
        match &self.file.period {
            PeriodSpec::Month => Period::month(date.year(), date.month(), CHINA_OFFSET),
            PeriodSpec::Quarter => {
                let q = (u8::from(date.month()) - 1) / 3 + 1;
                Period::quarter(date.year(), q, CHINA_OFFSET)
            }
            PeriodSpec::Year => Period::year(date.year(), CHINA_OFFSET),
            PeriodSpec::Range(r) => {
                let label = if r.label.is_empty() {
                    format!("{}/{}", r.start, r.end)
                } else {
                    r.label.clone()
                };
                Period::new(Instant::parse(&r.start)?, Instant::parse(&r.end)?, label)
            }
        }
    }
}

/// One line per problem, for error messages.
pub fn problems_summary(problems: &[SchemeProblem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("; ")
}
