//! [`CalendarBuilder`]: offset, templates, data layers, version and options → a [`Calendar`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use time::{Date, Month, UtcOffset};

use crate::calendar::compiled::{Calendar, date_of, day_number};
use crate::calendar::data::{CalendarData, DateRange, DateValue, RuleName};
use crate::calendar::index::{DayPlan, DayStatus, Index};
use crate::calendar::prc;
use crate::calendar::rules::{DateRule, ResolvedRule, classify};
use crate::calendar::template::WeeklyTemplate;
use crate::error::{Error, Result};
use crate::instant::CHINA_OFFSET;

/// The most days one calendar may span (about 200 years): guards memory against hostile input.
pub const MAX_DAYS: i64 = 200 * 366;

/// How far predict mode extends coverage when no end date is given: 10 years after the last
/// covered year.
pub const DEFAULT_PREDICT_YEARS: i32 = 10;

#[derive(Debug, Clone)]
enum Layer {
    Prc,
    Data(Arc<CalendarData>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predict {
    Off,
    Default,
    Through(Date),
}

/// Builds a [`Calendar`].
///
/// Defaults: offset +08:00, the office hours of calendar C1
/// ([`WeeklyTemplate::office_hours`]), no data, all notices in force, make-up workdays honoured,
/// coverage from the data, no prediction.
///
/// ```
/// use hotline_score::{Calendar, Instant};
/// use hotline_score::calendar::{CalendarData, DayHours, WeeklyTemplate};
/// use time::macros::date;
/// let hours = DayHours::parse(&["08:30-12:00", "14:30-18:00"])?;
/// let extra = CalendarData::from_toml(r#"
/// [[days]]
/// dates = ["2026-03-09"]
/// rule = "off"
/// name = "Local extra day off"
/// "#)?;
/// let cal = Calendar::builder()
///     .template(WeeklyTemplate::weekdays(hours))
///     .prc_data()
///     .data(extra)
///     .build()?;
/// assert!(!cal.is_workday(date!(2026-03-09))?);
/// // The 2019 Labour Day revision (published 2019-03-22), as known the day before:
/// let before = Calendar::builder().prc_data().as_known_on(date!(2019-03-21)).build()?;
/// assert!(before.is_workday(date!(2019-05-02))?);
/// assert!(!Calendar::prc()?.is_workday(date!(2019-05-02))?);
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CalendarBuilder {
    offset: UtcOffset,
    template: WeeklyTemplate,
    dated: Vec<(Date, WeeklyTemplate)>,
    layers: Vec<Layer>,
    as_known_on: Option<Date>,
    ignore_adjusted: bool,
    coverage: Option<(Date, Date)>,
    predict: Predict,
}

impl Default for CalendarBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CalendarBuilder {
    /// A builder with the defaults above.
    pub fn new() -> Self {
        CalendarBuilder {
            offset: CHINA_OFFSET,
            template: WeeklyTemplate::office_hours(),
            dated: Vec::new(),
            layers: Vec::new(),
            as_known_on: None,
            ignore_adjusted: false,
            coverage: None,
            predict: Predict::Off,
        }
    }

    /// The calendar's fixed UTC offset (default +08:00), in whole minutes ([`build`](Self::build)
    /// refuses one with seconds).
    pub fn offset(mut self, offset: UtcOffset) -> Self {
        self.offset = offset;
        self
    }

    /// The weekly template in force where no effective-dated template applies.
    pub fn template(mut self, template: WeeklyTemplate) -> Self {
        self.template = template;
        self
    }

    /// A template in force from `from` on, until the next effective-dated template (summer and
    /// winter hours: add one per switch date).
    pub fn template_from(mut self, from: Date, template: WeeklyTemplate) -> Self {
        self.dated.push((from, template));
        self
    }

    /// Adds the built-in PRC national data (State Council notices 2017–2026, with revisions) as
    /// a layer.
    pub fn prc_data(mut self) -> Self {
        self.layers.push(Layer::Prc);
        self
    }

    /// Adds a data layer; later layers are merged over earlier ones.
    pub fn data(mut self, data: CalendarData) -> Self {
        self.layers.push(Layer::Data(Arc::new(data)));
        self
    }

    /// Uses only notices and rules published on or before `date` (those without a publication
    /// date always apply): the calendar as it was known that day.
    pub fn as_known_on(mut self, date: Date) -> Self {
        self.as_known_on = Some(date);
        self
    }

    /// Ignores make-up workdays on days the template does not work (some finance units).
    pub fn ignore_adjusted_workdays(mut self, ignore: bool) -> Self {
        self.ignore_adjusted = ignore;
        self
    }

    /// Sets coverage explicitly to `[from, through]`, replacing the years the data covers: you
    /// assert that the rules you gave are complete for that range.
    pub fn coverage(mut self, from: Date, through: Date) -> Self {
        self.coverage = Some((from, through));
        self
    }

    /// Predict mode: dates after coverage (up to the end of the 10th following year) and gaps
    /// in coverage are predicted from the weekly template; results can be flagged with
    /// [`Calendar::uses_prediction`].
    pub fn predict(mut self, on: bool) -> Self {
        self.predict = if on { Predict::Default } else { Predict::Off };
        self
    }

    /// Predict mode up to and including `through`.
    pub fn predict_through(mut self, through: Date) -> Self {
        self.predict = Predict::Through(through);
        self
    }

    /// Resolves the data and compiles the calendar.
    pub fn build(&self) -> Result<Calendar> {
        // RFC 3339 writes offsets in whole minutes: one with seconds would print instants
        // that read back as others.
        if self.offset.seconds_past_minute() != 0 {
            return Err(Error::InvalidCalendar {
                reason: format!(
                    "offset {} has seconds; a calendar's UTC offset is whole minutes (e.g. +08:00)",
                    self.offset
                ),
            });
        }
        let mut datas: Vec<&CalendarData> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            datas.push(match layer {
                Layer::Prc => prc::prc_data()?,
                Layer::Data(d) => {
                    crate::calendar::span::check_layer(d)?;
                    d
                }
            });
        }
        let (rules, years) = self.resolve(&datas)?;
        let known = self.known_ranges(&years)?;
        let (Some(first), Some(last)) = (known.first(), known.last()) else {
            return Err(Error::InvalidCalendar {
                reason: "no coverage: add calendar data (notices) or set coverage explicitly"
                    .to_owned(),
            });
        };
        let lo = first.0;
        let predict_end = match self.predict {
            Predict::Off => None,
            Predict::Through(d) => Some(day_number(d)),
            Predict::Default => {
                let year = date_of(last.1).year().saturating_add(DEFAULT_PREDICT_YEARS);
                Date::from_calendar_date(year, Month::December, 31)
                    .ok()
                    .map(day_number)
            }
        };
        let hi = predict_end.map_or(last.1, |p| p.max(last.1));
        if hi - lo + 1 > MAX_DAYS {
            return Err(Error::InvalidCalendar {
                reason: format!(
                    "the calendar spans {} to {}: more than {MAX_DAYS} days",
                    date_of(lo),
                    date_of(hi)
                ),
            });
        }
        let mut dated = self.dated.clone();
        dated.sort_by_key(|(d, _)| *d);
        let mut next_dated = dated.iter().peekable();
        let mut template = &self.template;
        let mut known_iter = known.iter().peekable();
        let mut plans = Vec::with_capacity(usize::try_from(hi - lo + 1).unwrap_or(0));
        for day in lo..=hi {
            let date = date_of(day);
            while let Some((from, t)) = next_dated.peek() {
                if *from > date {
                    break;
                }
                template = t;
                next_dated.next();
            }
            while known_iter.peek().is_some_and(|r| r.1 < day) {
                known_iter.next();
            }
            let status = if known_iter.peek().is_some_and(|r| r.0 <= day) {
                DayStatus::Known
            } else if predict_end.is_some_and(|end| day <= end) {
                // Gaps in the data after `predict_through` stay unknown (a calendar audit:
                // they were predicted too).
                DayStatus::Predicted
            } else {
                DayStatus::Unknown
            };
            let (kind, hours) = classify(
                template.hours(date.weekday()),
                template.adjusted_workday_hours(),
                rules.get(&day),
                self.ignore_adjusted,
            );
            plans.push(DayPlan {
                kind,
                status,
                hours,
            });
        }
        let offset_ms = i64::from(self.offset.whole_seconds()) * 1000;
        Ok(Calendar::from_index(Index::build(
            offset_ms,
            lo,
            plans.into_iter(),
        )))
    }

    fn applies(&self, published: Option<DateValue>) -> bool {
        match (published, self.as_known_on) {
            (Some(p), Some(known)) => p.0 <= known,
            _ => true,
        }
    }

    /// Coverage as sorted, merged runs of day numbers.
    fn known_ranges(&self, years: &BTreeSet<i32>) -> Result<Vec<(i64, i64)>> {
        if let Some((from, through)) = self.coverage {
            if through < from {
                return Err(Error::InvalidCalendar {
                    reason: format!("coverage ends ({through}) before it starts ({from})"),
                });
            }
            return Ok(vec![(day_number(from), day_number(through))]);
        }
        let mut runs: Vec<(i64, i64)> = Vec::new();
        for year in years {
            let (Ok(a), Ok(b)) = (
                Date::from_calendar_date(*year, Month::January, 1),
                Date::from_calendar_date(*year, Month::December, 31),
            ) else {
                return Err(Error::InvalidCalendar {
                    reason: format!("notice year {year} is out of range"),
                });
            };
            let (a, b) = (day_number(a), day_number(b));
            match runs.last_mut() {
                Some(run) if run.1 + 1 == a => run.1 = b,
                _ => runs.push((a, b)),
            }
        }
        Ok(runs)
    }

    /// Merges the layers into one rule per date, and collects the covered years.
    fn resolve(
        &self,
        datas: &[&CalendarData],
    ) -> Result<(BTreeMap<i64, ResolvedRule>, BTreeSet<i32>)> {
        type Key = (usize, Option<DateValue>, usize);
        let mut years = BTreeSet::new();
        let mut chosen: BTreeMap<(i32, &str), (Key, &crate::calendar::data::HolidayEntry)> =
            BTreeMap::new();
        for (li, data) in datas.iter().enumerate() {
            for (ni, notice) in data.notices.iter().enumerate() {
                if !self.applies(notice.published) {
                    continue;
                }
                years.insert(notice.year);
                let key = (li, notice.published, ni);
                for h in &notice.holidays {
                    let slot = chosen.entry((notice.year, h.name.as_str()));
                    slot.and_modify(|cur| {
                        if key >= cur.0 {
                            *cur = (key, h);
                        }
                    })
                    .or_insert((key, h));
                }
            }
        }
        let mut rules: BTreeMap<i64, ResolvedRule> = BTreeMap::new();
        // The holiday that set each day first: a conflict names both holidays.
        let mut set_by: BTreeMap<i64, &str> = BTreeMap::new();
        for ((_, name), (_, h)) in &chosen {
            let sets: [(&[DateRange], bool, bool); 3] = [
                (&h.statutory, false, true),
                (&h.off, false, false),
                (&h.on, true, false),
            ];
            for (ranges, on, statutory) in sets {
                for date in ranges.iter().flat_map(|r| r.dates()) {
                    let day = day_number(date);
                    let new = if on {
                        DateRule::On(None)
                    } else {
                        DateRule::Off
                    };
                    match rules.get_mut(&day) {
                        Some(cur) if cur.rule != new => {
                            let first = set_by.get(&day).copied().unwrap_or(name);
                            let reason = if first == *name {
                                format!("{name}: both off and on in the notices in force")
                            } else {
                                let (off, on) = if on { (first, *name) } else { (*name, first) };
                                format!(
                                    "{off} makes it a day off, {on} a working day, in the \
                                     notices in force"
                                )
                            };
                            return Err(Error::ConflictingDateRules { date, reason });
                        }
                        Some(cur) => cur.statutory |= statutory,
                        None => {
                            set_by.insert(day, name);
                            rules.insert(
                                day,
                                ResolvedRule {
                                    rule: new,
                                    statutory,
                                },
                            );
                        }
                    }
                }
            }
        }
        let mut overrides: BTreeMap<i64, (usize, ResolvedRule)> = BTreeMap::new();
        for (li, data) in datas.iter().enumerate() {
            for entry in data.days.iter().filter(|e| self.applies(e.published)) {
                let rule = match entry.rule {
                    RuleName::Off => DateRule::Off,
                    RuleName::On => DateRule::On(entry.hours.clone()),
                    RuleName::Hours => DateRule::Hours(entry.hours.clone().unwrap_or_default()),
                };
                let new = ResolvedRule {
                    rule,
                    statutory: entry.statutory,
                };
                for date in entry.dates.iter().flat_map(|r| r.dates()) {
                    let day = day_number(date);
                    if overrides
                        .get(&day)
                        .is_some_and(|(layer, cur)| *layer == li && *cur != new)
                    {
                        return Err(Error::ConflictingDateRules {
                            date,
                            reason: "two different date rules in one data layer".to_owned(),
                        });
                    }
                    overrides.insert(day, (li, new.clone()));
                }
            }
        }
        for (day, (_, rule)) in overrides {
            rules.insert(day, rule);
        }
        Ok((rules, years))
    }
}

impl Calendar {
    /// The built-in PRC national calendar (latest versions of the notices 2017–2026), offset
    /// +08:00, office hours Monday–Friday 09:00–12:00 and 13:30–17:30 (calendar C1).
    ///
    /// Compiled once per process and shared: calling it again is a cheap clone.
    ///
    /// It covers dates through 2026-12-31: a deadline that runs past it (a ticket dispatched in
    /// the last days of December) is `out_of_coverage` until the next year's notice is added as
    /// data (`docs/calendar-data.md`), or unless predict mode is on:
    ///
    /// ```
    /// use hotline_score::calendar::{CalendarBuilder, DayCount};
    /// use hotline_score::{Calendar, Instant};
    /// let late = Instant::parse("2026-12-29T09:30:00+08:00")?;
    /// let due = |c: &Calendar| c.working_days_deadline(late, 5, DayCount::default());
    /// assert_eq!(due(&Calendar::prc()?).unwrap_err().code(), "out_of_coverage");
    /// let predicting = CalendarBuilder::new().prc_data().predict(true).build()?;
    /// assert!(predicting.uses_prediction(late, due(&predicting)?));
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn prc() -> Result<Calendar> {
        static PRC: std::sync::OnceLock<Result<Calendar>> = std::sync::OnceLock::new();
        PRC.get_or_init(|| CalendarBuilder::new().prc_data().build())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instant::Instant;
    use time::macros::date;

    fn notice(year: i32) -> String {
        format!("[[notices]]\nyear = {year}\n")
    }

    #[test]
    fn gaps_in_coverage_are_out_of_coverage_unless_predicted() {
        let data = CalendarData::from_toml(&(notice(2017) + &notice(2019))).unwrap();
        let cal = CalendarBuilder::new().data(data.clone()).build().unwrap();
        assert!(cal.is_workday(date!(2017 - 12 - 29)).unwrap());
        let err = cal.day_kind(date!(2018 - 06 - 01)).unwrap_err();
        assert_eq!(
            err,
            Error::OutOfCoverage {
                date: date!(2018 - 06 - 01)
            }
        );
        let a = Instant::parse("2017-12-29T09:00:00+08:00").unwrap();
        let b = Instant::parse("2019-01-02T09:00:00+08:00").unwrap();
        assert_eq!(
            cal.working_between(a, b).unwrap_err(),
            Error::OutOfCoverage {
                date: date!(2018 - 01 - 01)
            }
        );
        assert_eq!(
            cal.add_working(a, 8 * 3_600_000).unwrap_err(),
            Error::OutOfCoverage {
                date: date!(2018 - 01 - 01)
            }
        );
        assert_eq!(
            cal.sub_working(b, 8 * 3_600_000).unwrap_err(),
            Error::OutOfCoverage {
                date: date!(2018 - 12 - 31)
            }
        );
        assert_eq!(
            cal.add_working_days(date!(2017 - 12 - 29), 1).unwrap_err(),
            Error::OutOfCoverage {
                date: date!(2018 - 01 - 01)
            }
        );
        assert_eq!(
            cal.add_working_days(date!(2019 - 01 - 02), -2).unwrap_err(),
            Error::OutOfCoverage {
                date: date!(2018 - 12 - 31)
            }
        );
        // Predict mode fills the gap from the template and flags what used it.
        let p = CalendarBuilder::new()
            .data(data)
            .predict(true)
            .build()
            .unwrap();
        assert_eq!(p.predicted_from(), Some(date!(2018 - 01 - 01)));
        assert!(p.is_predicted(date!(2018 - 06 - 01)));
        assert!(!p.is_predicted(date!(2019 - 06 - 03)));
        assert!(p.is_workday(date!(2029 - 12 - 31)).unwrap());
        assert!(p.day_kind(date!(2030 - 01 - 01)).is_err());
        let x = p.add_working(a, 8 * 3_600_000).unwrap();
        assert!(p.uses_prediction(a, x));
        assert!(!p.uses_prediction(a, Instant::parse("2017-12-30T00:00:00+08:00").unwrap()));
    }

    #[test]
    fn versions_follow_publication_dates() {
        let text = r#"
[[notices]]
year = 2030
published = "2029-11-01"
[[notices.holidays]]
name = "H"
off = ["2030-05-01..2030-05-03"]
[[notices]]
year = 2030
published = "2030-03-01"
[[notices.holidays]]
name = "H"
off = ["2030-05-01"]
"#;
        let data = CalendarData::from_toml(text).unwrap();
        let at = |d: Date| {
            CalendarBuilder::new()
                .data(data.clone())
                .as_known_on(d)
                .build()
        };
        assert!(at(date!(2029 - 10 - 31)).is_err()); // nothing published yet: no coverage
        let first = at(date!(2029 - 11 - 01)).unwrap();
        assert!(!first.is_workday(date!(2030 - 05 - 02)).unwrap());
        let revised = at(date!(2030 - 03 - 01)).unwrap();
        assert!(revised.is_workday(date!(2030 - 05 - 02)).unwrap());
    }

    #[test]
    fn later_layers_win_and_conflicts_are_typed() {
        let off = CalendarData::from_toml("[[days]]\ndates = [\"2026-03-09\"]\nrule = \"off\"\n")
            .unwrap();
        let on = CalendarData::from_toml(
            "[[days]]\ndates = [\"2026-03-09\"]\nrule = \"hours\"\nhours = [\"09:00-10:00\"]\n",
        )
        .unwrap();
        let cal = CalendarBuilder::new()
            .prc_data()
            .data(off.clone())
            .data(on)
            .build()
            .unwrap();
        let t = Instant::parse("2026-03-09T00:00:00+08:00").unwrap();
        let u = Instant::parse("2026-03-10T00:00:00+08:00").unwrap();
        assert_eq!(cal.working_between(t, u).unwrap(), 3_600_000);
        let both = CalendarData::from_toml(
            "[[days]]\ndates = [\"2026-03-09\"]\nrule = \"off\"\n[[days]]\ndates = [\"2026-03-08..2026-03-10\"]\nrule = \"on\"\n",
        )
        .unwrap();
        let err = CalendarBuilder::new()
            .prc_data()
            .data(both)
            .build()
            .unwrap_err();
        assert_eq!(err.code(), "conflicting_date_rules");
        let clash = CalendarData::from_toml(
            "[[notices]]\nyear = 2031\n[[notices.holidays]]\nname = \"A\"\noff = [\"2031-01-04\"]\n[[notices.holidays]]\nname = \"B\"\non = [\"2031-01-04\"]\n",
        )
        .unwrap();
        let err = CalendarBuilder::new().data(clash).build().unwrap_err();
        assert_eq!(
            err,
            Error::ConflictingDateRules {
                date: date!(2031 - 01 - 04),
                reason: "A makes it a day off, B a working day, in the notices in force".to_owned()
            }
        );
        let itself = CalendarData::from_toml(
            "[[notices]]\nyear = 2031\n[[notices.holidays]]\nname = \"A\"\noff = [\"2031-01-04\"]\non = [\"2031-01-04\"]\n",
        )
        .unwrap();
        let err = CalendarBuilder::new().data(itself).build().unwrap_err();
        assert_eq!(
            err.to_string(),
            "date 2031-01-04 has conflicting rules: A: both off and on in the notices in force"
        );
    }

    /// `predict_through(d)` predicts the gaps up to `d` only: a gap in the data after it stays
    /// out of coverage (a calendar audit: 2027 was predicted whole, with a notice for 2028
    /// loaded and prediction asked through March).
    #[test]
    fn prediction_stops_at_its_end_even_before_later_data() {
        let later = CalendarData::from_toml("[[notices]]\nyear = 2028\n").unwrap();
        let cal = CalendarBuilder::new()
            .prc_data()
            .data(later)
            .predict_through(date!(2027 - 03 - 31))
            .build()
            .unwrap();
        assert!(cal.is_predicted(date!(2027 - 03 - 31)));
        assert!(!cal.is_predicted(date!(2027 - 04 - 01)));
        assert_eq!(
            cal.day_kind(date!(2027 - 10 - 08)).unwrap_err().code(),
            "out_of_coverage"
        );
        assert!(cal.day_kind(date!(2028 - 01 - 04)).is_ok());
    }

    #[test]
    fn bad_builds_are_typed_errors() {
        let e = CalendarBuilder::new().build().unwrap_err();
        assert_eq!(e.code(), "invalid_calendar");
        let e = CalendarBuilder::new()
            .coverage(date!(2026 - 02 - 01), date!(2026 - 01 - 01))
            .build()
            .unwrap_err();
        assert_eq!(e.code(), "invalid_calendar");
        let e = CalendarBuilder::new()
            .coverage(date!(1800 - 01 - 01), date!(2100 - 01 - 01))
            .build()
            .unwrap_err();
        assert_eq!(e.code(), "invalid_calendar");
        let e = CalendarBuilder::new()
            .coverage(date!(2026 - 01 - 01), date!(2026 - 12 - 31))
            .predict_through(date!(9999 - 12 - 31))
            .build()
            .unwrap_err();
        assert_eq!(e.code(), "invalid_calendar");
    }
}
