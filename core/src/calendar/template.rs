//! Working hours: time-of-day intervals, one day's hours, and the weekly template.
//!
//! Intervals are written `HH:MM-HH:MM` (or with seconds, `HH:MM:SS`), half-open, and may end at
//! `24:00`. One day's intervals must not overlap; touching intervals merge
//! (`09:00-12:00` + `12:00-18:00` is one interval `09:00-18:00`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Weekday;

use crate::calendar::data::encode_error;
use crate::error::{Error, Result};
use crate::instant::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};

/// One working interval of a day, `[start, end)` in milliseconds after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeInterval {
    start: u32,
    end: u32,
}

impl TimeInterval {
    /// The interval `[start_ms, end_ms)` after local midnight; `end_ms` may be 86 400 000 (24:00).
    pub fn new(start_ms: u32, end_ms: u32) -> Result<Self> {
        let iv = TimeInterval {
            start: start_ms,
            end: end_ms,
        };
        if i64::from(end_ms) > MS_PER_DAY {
            return Err(Error::InvalidTimeOfDay {
                value: iv.to_string(),
                reason: "an interval ends at 24:00 at the latest".to_owned(),
                pos: None,
            });
        }
        if end_ms <= start_ms {
            return Err(Error::IntervalEndsBeforeStart {
                value: iv.to_string(),
                pos: None,
            });
        }
        Ok(iv)
    }

    /// Parses `HH:MM-HH:MM` (seconds optional: `HH:MM:SS`); the end may be `24:00`.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidTimeOfDay {
            value: text.to_owned(),
            reason: reason.to_owned(),
            pos: None,
        };
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| bad("expected HH:MM-HH:MM, e.g. 09:00-12:00"))?;
        let start = parse_time_of_day(a.trim()).ok_or_else(|| bad("bad start time"))?;
        let end = parse_time_of_day(b.trim()).ok_or_else(|| bad("bad end time"))?;
        if i64::from(start) >= MS_PER_DAY {
            return Err(bad("an interval cannot start at 24:00"));
        }
        if end <= start {
            return Err(Error::IntervalEndsBeforeStart {
                value: text.to_owned(),
                pos: None,
            });
        }
        Ok(TimeInterval { start, end })
    }

    /// Start, in milliseconds after local midnight.
    pub fn start_ms(self) -> u32 {
        self.start
    }

    /// End (exclusive), in milliseconds after local midnight; at most 86 400 000 (24:00).
    pub fn end_ms(self) -> u32 {
        self.end
    }

    /// Length in milliseconds.
    pub fn len_ms(self) -> i64 {
        i64::from(self.end) - i64::from(self.start)
    }
}

/// Reads `HH:MM` or `HH:MM:SS` (hours 0–24; `24:00` only exactly) as milliseconds of the day.
fn parse_time_of_day(s: &str) -> Option<u32> {
    let mut parts = s.split(':');
    let field = |p: Option<&str>| -> Option<u32> {
        let p = p?;
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let h = field(parts.next())?;
    let m = field(parts.next())?;
    let sec = match parts.next() {
        Some(p) => field(Some(p))?,
        None => 0,
    };
    if parts.next().is_some() || m > 59 || sec > 59 || h > 24 || (h == 24 && (m, sec) != (0, 0)) {
        return None;
    }
    Some((h * 3600 + m * 60 + sec) * 1000)
}

fn write_time_of_day(f: &mut fmt::Formatter<'_>, ms: u32) -> fmt::Result {
    let ms = i64::from(ms);
    let (h, m) = (ms / MS_PER_HOUR, ms % MS_PER_HOUR / MS_PER_MINUTE);
    let s = ms % MS_PER_MINUTE / 1000;
    if s == 0 {
        write!(f, "{h:02}:{m:02}")
    } else {
        write!(f, "{h:02}:{m:02}:{s:02}")
    }
}

impl fmt::Display for TimeInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time_of_day(f, self.start)?;
        f.write_str("-")?;
        write_time_of_day(f, self.end)
    }
}

/// The working intervals of one day: sorted, non-overlapping, touching intervals merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DayHours(Vec<TimeInterval>);

impl DayHours {
    /// No working time.
    pub const fn none() -> Self {
        DayHours(Vec::new())
    }

    /// The whole day, `00:00-24:00`.
    pub fn whole_day() -> Self {
        DayHours(vec![TimeInterval {
            start: 0,
            end: 86_400_000,
        }])
    }

    /// Validates and normalizes intervals: sorts them, rejects overlaps, merges touching ones.
    pub fn new(mut intervals: Vec<TimeInterval>) -> Result<Self> {
        intervals.sort_unstable();
        let mut out: Vec<TimeInterval> = Vec::with_capacity(intervals.len());
        for iv in intervals {
            match out.last_mut() {
                Some(prev) if iv.start < prev.end => {
                    return Err(Error::OverlappingIntervals {
                        value: format!("{prev}, {iv}"),
                        pos: None,
                    });
                }
                Some(prev) if iv.start == prev.end => prev.end = iv.end,
                _ => out.push(iv),
            }
        }
        Ok(DayHours(out))
    }

    /// Parses intervals written `HH:MM-HH:MM`.
    ///
    /// ```
    /// use hotline_score::calendar::DayHours;
    /// let h = DayHours::parse(&["13:30-17:30", "09:00-12:00"])?;
    /// assert_eq!(h.to_string(), "09:00-12:00, 13:30-17:30");
    /// assert_eq!(DayHours::parse(&["09:00-12:00", "12:00-18:00"])?.to_string(), "09:00-18:00");
    /// assert_eq!(DayHours::parse(&["09:00-12:00", "11:00-13:00"]).unwrap_err().code(),
    ///            "overlapping_intervals");
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Self> {
        let ivs = specs
            .iter()
            .map(|s| TimeInterval::parse(s.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        Self::new(ivs)
    }

    /// The intervals, sorted and merged.
    pub fn intervals(&self) -> &[TimeInterval] {
        &self.0
    }

    /// Whether there is no working time.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Total working time in milliseconds.
    pub fn total_ms(&self) -> i64 {
        self.0.iter().map(|iv| iv.len_ms()).sum()
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, iv) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{iv}")?;
        }
        Ok(())
    }
}

impl Serialize for DayHours {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|iv| iv.to_string()))
    }
}

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let specs = Vec::<String>::deserialize(d)?;
        DayHours::parse(&specs).map_err(|e| serde::de::Error::custom(encode_error(&e)))
    }
}

static NO_HOURS: DayHours = DayHours::none();

/// Working hours per weekday, plus the hours of adjusted workdays (调休上班) that fall on days the
/// template does not work.
///
/// ```
/// use hotline_score::calendar::{DayHours, WeeklyTemplate};
/// use time::Weekday;
/// let t = WeeklyTemplate::office_hours();
/// assert_eq!(t.hours(Weekday::Monday).to_string(), "09:00-12:00, 13:30-17:30");
/// assert!(t.hours(Weekday::Saturday).is_empty());
/// // A make-up Saturday works the hours of the first working weekday (Monday) unless set.
/// assert_eq!(t.adjusted_workday_hours(), t.hours(Weekday::Monday));
/// let always = WeeklyTemplate::every_day(DayHours::whole_day());
/// assert_eq!(always.hours(Weekday::Sunday).total_ms(), 86_400_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WeeklyTemplate {
    /// Monday first.
    days: [DayHours; 7],
    adjusted: Option<DayHours>,
}

impl WeeklyTemplate {
    /// A template with no working time on any day.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The same hours Monday to Friday, nothing on the weekend.
    pub fn weekdays(hours: DayHours) -> Self {
        let mut t = Self::default();
        for wd in WEEKDAYS.iter().take(5) {
            t = t.with(*wd, hours.clone());
        }
        t
    }

    /// The same hours every day of the week.
    pub fn every_day(hours: DayHours) -> Self {
        let mut t = Self::default();
        for wd in WEEKDAYS {
            t = t.with(wd, hours.clone());
        }
        t
    }

    /// Chinese government office hours, calendar C1: Monday to Friday 09:00–12:00 and 13:30–17:30.
    pub fn office_hours() -> Self {
        Self::weekdays(DayHours(vec![
            TimeInterval {
                start: 9 * 3_600_000,
                end: 12 * 3_600_000,
            },
            TimeInterval {
                start: 13 * 3_600_000 + 30 * 60_000,
                end: 17 * 3_600_000 + 30 * 60_000,
            },
        ]))
    }

    /// This template with `hours` on `weekday`.
    pub fn with(mut self, weekday: Weekday, hours: DayHours) -> Self {
        if let Some(slot) = self
            .days
            .get_mut(usize::from(weekday.number_days_from_monday()))
        {
            *slot = hours;
        }
        self
    }

    /// This template with explicit hours for adjusted workdays on non-working weekdays.
    pub fn with_adjusted_workday_hours(mut self, hours: DayHours) -> Self {
        self.adjusted = Some(hours);
        self
    }

    /// The working hours of `weekday`.
    pub fn hours(&self, weekday: Weekday) -> &DayHours {
        self.days
            .get(usize::from(weekday.number_days_from_monday()))
            .unwrap_or(&NO_HOURS)
    }

    /// The hours of an adjusted workday (`on` rule without own hours) that falls on a weekday the
    /// template does not work: the explicit setting, else the hours of the first working weekday
    /// counting from Monday, else none.
    pub fn adjusted_workday_hours(&self) -> &DayHours {
        if let Some(h) = &self.adjusted {
            return h;
        }
        self.days
            .iter()
            .find(|h| !h.is_empty())
            .unwrap_or(&NO_HOURS)
    }

    /// Whether no day of the week has working time.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(DayHours::is_empty)
    }

    /// The same days, each working weekday worked 00:00–24:00 (the whole-day clock).
    pub fn whole_day(&self) -> Self {
        let mut t = Self::default();
        for (wd, h) in WEEKDAYS.iter().zip(self.days.iter()) {
            if !h.is_empty() {
                t = t.with(*wd, DayHours::whole_day());
            }
        }
        if !self.adjusted_workday_hours().is_empty() {
            t.adjusted = Some(DayHours::whole_day());
        }
        t
    }

    /// Reads a template from JSON (the serde form: see [`WeeklyTemplate`]'s `Deserialize`).
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| crate::calendar::data::json_error(text, &e))
    }

    /// Reads a template from a JSON value built in memory (a binding's dict or object): errors
    /// as [`WeeklyTemplate::from_json`], without a file position (there is no file).
    pub fn from_value(value: &serde_json::Value) -> Result<Self> {
        Self::deserialize(value).map_err(|e| crate::calendar::data::json_error("", &e))
    }
}

/// Monday to Sunday.
pub(crate) const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The serde form of a template: `weekdays`, `weekend` and `every_day` set groups of days,
/// `mon` … `sun` set single days (applied after the groups), `adjusted_workday` the hours of
/// adjusted workdays on non-working weekdays.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TemplateForm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    every_day: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weekdays: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weekend: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mon: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tue: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wed: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    thu: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fri: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sat: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sun: Option<DayHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    adjusted_workday: Option<DayHours>,
}

impl<'de> Deserialize<'de> for WeeklyTemplate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let f = TemplateForm::deserialize(d)?;
        if f.adjusted_workday.as_ref().is_some_and(DayHours::is_empty) {
            // As `hours = []` on an `on` rule (docs/semantics.md, "Date rules that can do
            // nothing are refused").
            return Err(serde::de::Error::custom(
                "`adjusted_workday = []` makes every adjusted workday (调休上班) a rest day: \
                 leave it out (the first working weekday's hours) or give hours; to not work \
                 them, build the calendar with ignore_adjusted_workdays",
            ));
        }
        let mut t = WeeklyTemplate::default();
        let mut set = |from: usize, to: usize, h: &Option<DayHours>| {
            if let Some(h) = h {
                for wd in WEEKDAYS.iter().take(to).skip(from) {
                    t = std::mem::take(&mut t).with(*wd, h.clone());
                }
            }
        };
        set(0, 7, &f.every_day);
        set(0, 5, &f.weekdays);
        set(5, 7, &f.weekend);
        for (i, h) in [&f.mon, &f.tue, &f.wed, &f.thu, &f.fri, &f.sat, &f.sun]
            .into_iter()
            .enumerate()
        {
            set(i, i + 1, h);
        }
        t.adjusted = f.adjusted_workday;
        Ok(t)
    }
}

impl Serialize for WeeklyTemplate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (key, h) in DAY_KEYS.iter().zip(self.days.iter()) {
            m.serialize_entry(key, h)?;
        }
        if let Some(h) = &self.adjusted {
            m.serialize_entry("adjusted_workday", h)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_intervals() {
        let iv = TimeInterval::parse("08:30-24:00").unwrap();
        assert_eq!(iv.start_ms(), 30_600_000);
        assert_eq!(iv.end_ms(), 86_400_000);
        assert_eq!(iv.to_string(), "08:30-24:00");
        assert_eq!(
            TimeInterval::parse("09:00:30-10:00").unwrap().to_string(),
            "09:00:30-10:00"
        );
        for bad in [
            "9-12",
            "09:00",
            "24:00-24:00",
            "09:60-10:00",
            "25:00-26:00",
            "24:30-",
            "x",
        ] {
            assert!(TimeInterval::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TimeInterval::parse("12:00-09:00").unwrap_err().code(),
            "interval_ends_before_start"
        );
        assert_eq!(
            TimeInterval::parse("09:00-09:00").unwrap_err().code(),
            "interval_ends_before_start"
        );
        assert_eq!(
            TimeInterval::new(0, 86_400_001).unwrap_err().code(),
            "invalid_time_of_day"
        );
    }

    #[test]
    fn template_serde_groups_and_days() {
        let t = WeeklyTemplate::from_json(
            r#"{"weekdays": ["09:00-12:00"], "sat": ["10:00-11:00"], "fri": []}"#,
        )
        .unwrap();
        assert_eq!(t.hours(Weekday::Monday).to_string(), "09:00-12:00");
        assert!(t.hours(Weekday::Friday).is_empty());
        assert_eq!(t.hours(Weekday::Saturday).to_string(), "10:00-11:00");
        let back: WeeklyTemplate =
            serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        let e = WeeklyTemplate::from_json(r#"{"weekday": []}"#).unwrap_err();
        assert_eq!(e.code(), "unknown_calendar_key");
        let e =
            WeeklyTemplate::from_json(r#"{"mon": ["09:00-12:00", "10:00-11:00"]}"#).unwrap_err();
        assert_eq!(e.code(), "overlapping_intervals");
    }

    /// `adjusted_workday = []` is refused, as `hours = []` on an `on` rule: it made every
    /// 调休上班 day a rest day (a calendar audit).
    #[test]
    fn no_hours_for_adjusted_workdays_is_refused() {
        let e =
            WeeklyTemplate::from_json(r#"{"weekdays": ["09:00-17:00"], "adjusted_workday": []}"#)
                .unwrap_err();
        assert!(e.to_string().contains("ignore_adjusted_workdays"), "{e}");
        assert!(
            WeeklyTemplate::from_json(
                r#"{"weekdays": ["09:00-17:00"], "adjusted_workday": ["09:00-12:00"]}"#
            )
            .is_ok()
        );
    }

    #[test]
    fn whole_day_keeps_working_weekdays() {
        let t = WeeklyTemplate::office_hours().whole_day();
        assert_eq!(t.hours(Weekday::Friday).to_string(), "00:00-24:00");
        assert!(t.hours(Weekday::Sunday).is_empty());
    }
}
