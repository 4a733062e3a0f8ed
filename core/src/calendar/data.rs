//! Calendar data files: State Council notices and local date rules, in TOML or JSON.
//!
//! The format is described in `docs/calendar-data.md`; the built-in PRC data
//! (`core/data/prc.toml`) is written in it. A malformed file gives a typed error naming the line
//! (and column) and the offending value.
//!
//! ```
//! use hotline_score::calendar::CalendarData;
//! let data = CalendarData::from_toml(r#"
//! [[notices]]
//! year = 2027
//! published = "2026-11-01"
//!
//! [[notices.holidays]]
//! name = "New Year's Day"
//! statutory = ["2027-01-01"]
//! off = ["2027-01-01..2027-01-03"]
//! "#)?;
//! assert_eq!(data.notices[0].holidays[0].off[0].last.to_string(), "2027-01-03");
//! let err = CalendarData::from_toml("[[notices]]\nyear = 2027\nyeer = 1\n").unwrap_err();
//! assert_eq!(err.code(), "unknown_calendar_key");
//! assert!(err.to_string().contains("line 3"));
//! # Ok::<(), hotline_score::Error>(())
//! ```

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::calendar::template::DayHours;
use crate::config_file::{self, ConfigKind};
use crate::document::Syntax;
use crate::error::{Error, FilePos, Result, json_error_offset, json_reason};

/// The version of the data format this crate reads.
pub const FORMAT_VERSION: u32 = 1;

/// One calendar data file: notices (national or regional holiday arrangements, by year) and
/// date rules (local overrides).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarData {
    /// Format version; `1` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<u32>,
    /// A name for the data set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Notices, each covering one year.
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// Date rules that override notices (local extra days off, half days …).
    #[serde(default)]
    pub days: Vec<DayEntry>,
}

/// One notice (通知): the holiday arrangements of one year, or a revision of some of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// The year the notice arranges; a published notice puts the whole year in coverage.
    pub year: i32,
    /// Title, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Document number, e.g. 国办发明电〔2023〕7号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Publication date; a calendar built "as known on" an earlier date ignores the notice.
    /// Absent: always in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateValue>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The holidays it arranges; a later notice's holiday of the same name and year replaces it.
    #[serde(default)]
    pub holidays: Vec<HolidayEntry>,
}

/// The arrangement of one holiday in a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    /// Name, e.g. `Spring Festival`; revisions replace entries by (year, name).
    pub name: String,
    /// Statutory days (法定节假日); they are off and have kind `holiday`.
    #[serde(default)]
    pub statutory: Vec<DateRange>,
    /// Rest days (放假调休) including statutory and weekend days.
    #[serde(default)]
    pub off: Vec<DateRange>,
    /// Make-up workdays (调休上班); they work the template's hours.
    #[serde(default)]
    pub on: Vec<DateRange>,
}

/// A date rule in a data file: `rule = "off" | "on" | "hours"` for the listed dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayEntry {
    /// The dates (or ranges) the rule applies to.
    pub dates: Vec<DateRange>,
    /// What the rule does.
    pub rule: RuleName,
    /// Working hours: required with `hours`, optional with `on`, not allowed with `off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<DayHours>,
    /// Whether the dates are statutory holidays (kind `holiday`); only with `off`.
    #[serde(default)]
    pub statutory: bool,
    /// A name, e.g. `Provincial extra day off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Publication date, for calendars built "as known on" a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateValue>,
}

/// The rule names of a [`DayEntry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleName {
    /// No working time.
    Off,
    /// Worked (adjusted workday), with the template's hours unless `hours` is given.
    On,
    /// Exactly the given hours.
    Hours,
}

/// The largest calendar data file read, in bytes (4 MiB; the built-in PRC data for ten years is
/// about 13 KiB, so two centuries of notices fit many times over). Larger text is refused before
/// it is parsed.
pub const MAX_DATA_BYTES: usize = 4 << 20;

fn check_size(text: &str) -> Result<()> {
    ConfigKind::CalendarData.check_size(text, "")
}

/// The longest date range one entry may write (guards against hostile input).
const MAX_RANGE_DAYS: i64 = 366;

/// A date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateValue(pub Date);

/// An inclusive date range written `YYYY-MM-DD..YYYY-MM-DD`, or one date `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    /// First date.
    pub first: Date,
    /// Last date (inclusive).
    pub last: Date,
}

impl DateRange {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self> {
        let (a, b) = match text.split_once("..") {
            Some((a, b)) => (a, b),
            None => (text, text),
        };
        let first = parse_date(a.trim()).map_err(|reason| bad_date(text, reason))?;
        let last = parse_date(b.trim()).map_err(|reason| bad_date(text, reason))?;
        if last < first {
            return Err(bad_date(text, "the range ends before it starts"));
        }
        if (last - first).whole_days() >= MAX_RANGE_DAYS {
            return Err(bad_date(text, "a range spans at most 366 days"));
        }
        Ok(DateRange { first, last })
    }

    /// The dates of the range, in order.
    pub fn dates(self) -> impl Iterator<Item = Date> {
        std::iter::successors(Some(self.first), |d| d.next_day())
            .take_while(move |d| *d <= self.last)
    }
}

fn bad_date(text: &str, reason: &str) -> Error {
    Error::InvalidDate {
        value: text.to_owned(),
        reason: reason.to_owned(),
        pos: None,
    }
}

/// A `YYYY-MM-DD` date as calendar files write dates: a four-digit year without sign, exactly
/// (what every front end takes for a date argument).
///
/// ```
/// use hotline_score::calendar::date_from_text;
/// assert_eq!(date_from_text("2026-02-14")?.to_string(), "2026-02-14");
/// assert_eq!(date_from_text("-2026-02-14").unwrap_err().code(), "invalid_date");
/// # Ok::<(), hotline_score::Error>(())
/// ```
pub fn date_from_text(text: &str) -> Result<Date> {
    parse_date(text).map_err(|reason| bad_date(text, reason))
}

/// Parses a `YYYY-MM-DD` date.
pub(crate) fn parse_date(s: &str) -> std::result::Result<Date, &'static str> {
    const BAD: &str = "expected an existing date written YYYY-MM-DD";
    // `[year]` also reads a sign (`+2026-03-09`, `-2026-03-09`: year −2026, silently outside
    // every calendar) and five or more digits.
    if s.len() != 10 || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(BAD);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, fmt).map_err(|_| BAD)
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}..{}", self.first, self.last)
        }
    }
}

impl Serialize for DateRange {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads the text of a date or date range. TOML reads an unquoted `2026-11-01` as a date-time
/// (a map to serde): the error says to quote it instead of "invalid type: map".
struct DateText;

impl<'de> serde::de::Visitor<'de> for DateText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date in quotes, \"YYYY-MM-DD\" (a range: \"YYYY-MM-DD..YYYY-MM-DD\")")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        _: A,
    ) -> std::result::Result<String, A::Error> {
        Err(serde::de::Error::custom(
            "write the date in quotes, as \"2026-11-01\": unquoted, TOML reads it as a date-time, \
             not as text",
        ))
    }
}

impl<'de> Deserialize<'de> for DateRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = d.deserialize_string(DateText)?;
        DateRange::parse(&s).map_err(|e| serde::de::Error::custom(encode_error(&e)))
    }
}

impl Serialize for DateValue {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = d.deserialize_string(DateText)?;
        parse_date(s.trim())
            .map(DateValue)
            .map_err(|reason| serde::de::Error::custom(encode_error(&bad_date(&s, reason))))
    }
}

impl CalendarData {
    /// Reads TOML calendar data.
    pub fn from_toml(text: &str) -> Result<Self> {
        check_size(text)?;
        let data: CalendarData = toml::from_str(text).map_err(|e| {
            let pos = e
                .span()
                .map(|s| FilePos::from_offset(text, value_offset(text, e.message(), s.start)));
            decode_error(e.message(), pos)
        })?;
        data.check()
            .map_err(|e| super::problems::placed(text, Syntax::Toml, e))?;
        crate::calendar::span::check(&data, text, false)?;
        Ok(data)
    }

    /// Reads JSON calendar data.
    pub fn from_json(text: &str) -> Result<Self> {
        check_size(text)?;
        let data: CalendarData = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        data.check()
            .map_err(|e| super::problems::placed(text, Syntax::Json, e))?;
        crate::calendar::span::check(&data, text, true)?;
        Ok(data)
    }

    /// Reads calendar data from a JSON value built in memory (a binding's dict or object):
    /// errors as [`CalendarData::from_json`], without a file position (there is no file).
    pub fn from_value(value: &serde_json::Value) -> Result<Self> {
        let data = CalendarData::deserialize(value).map_err(|e| json_error("", &e))?;
        data.check()?;
        Ok(data)
    }

    /// Reads a `.toml` or `.json` file (chosen by extension, in any case), with its size limit,
    /// as every front end reads it ([`config_file`]); any other extension
    /// is `invalid_calendar_data`.
    pub fn from_path(path: &Path) -> Result<Self> {
        let toml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if !toml && !config_file::is_json(path) {
            return Err(Error::InvalidCalendarData {
                reason: format!("{}: expected a .toml or .json file", path.display()),
                pos: None,
            });
        }
        let text = config_file::read(path, ConfigKind::CalendarData)?;
        if toml {
            Self::from_toml(&text)
        } else {
            Self::from_json(&text)
        }
    }

    /// Checks what the shape alone does not: the format version and each rule's hours.
    fn check(&self) -> Result<()> {
        if let Some(reason) = format_problem(self.format) {
            return Err(Error::InvalidCalendarData { reason, pos: None });
        }
        for (i, n) in self.notices.iter().enumerate() {
            if let Some(p) = n.problem() {
                return Err(Error::InvalidCalendarData {
                    reason: format!("notices[{i}]: {p}"),
                    pos: None,
                });
            }
        }
        for (i, e) in self.days.iter().enumerate() {
            if let Some(p) = e.problem() {
                return Err(Error::InvalidCalendarData {
                    reason: format!("days[{i}]: {p}"),
                    pos: None,
                });
            }
        }
        Ok(())
    }
}

/// What is wrong with a `format` value, if anything.
pub(super) fn format_problem(format: Option<u32>) -> Option<String> {
    format
        .filter(|v| *v != FORMAT_VERSION)
        .map(|v| format!("format {v} is not supported (this version reads format 1)"))
}

impl Notice {
    /// A holiday named twice in the notice, if any: a later notice replaces a holiday by its
    /// name, so one of the two would be dropped without a word.
    pub(super) fn problem(&self) -> Option<String> {
        let names: Vec<&str> = self.holidays.iter().map(|h| h.name.as_str()).collect();
        let (_, twice) = names
            .iter()
            .enumerate()
            .find(|(i, n)| names.get(..*i).is_some_and(|before| before.contains(n)))?;
        Some(listed_twice(twice))
    }
}

/// The problem of a holiday named twice in one notice.
pub(super) fn listed_twice(name: &str) -> String {
    format!(
        "holiday {name:?} is listed twice in one notice: give its dates in one entry (a later \
         notice's holiday of that name replaces it)"
    )
}

impl DayEntry {
    /// What is wrong with the rule's combination of `rule`, `hours` and `statutory`, if anything.
    pub(super) fn problem(&self) -> Option<&'static str> {
        match (self.rule, &self.hours, self.statutory) {
            _ if self.dates.is_empty() => Some("a rule without `dates` applies to no day"),
            (RuleName::Hours, None, _) => Some("rule \"hours\" needs `hours`"),
            (RuleName::On | RuleName::Hours, Some(hours), _) if hours.is_empty() => {
                Some("`hours = []` is no working time: write rule \"off\" for a day off")
            }
            (RuleName::Off, Some(_), _) => Some("rule \"off\" takes no `hours`"),
            (RuleName::On | RuleName::Hours, _, true) => {
                Some("only rule \"off\" can be `statutory`")
            }
            _ => None,
        }
    }
}

/// `" at line L, column C"` for an optional file position (used in error messages).
pub(crate) fn at_pos(pos: &Option<FilePos>) -> String {
    match pos {
        Some(p) => format!(" at {p}"),
        None => String::new(),
    }
}

/// Maps a serde_json error to a typed error with the file position.
pub(crate) fn json_error(text: &str, e: &serde_json::Error) -> Error {
    let msg = json_reason(e);
    let pos = (e.line() > 0)
        .then(|| FilePos::from_offset(text, value_offset(text, &msg, json_error_offset(text, e))));
    decode_error(&msg, pos)
}

/// Where the value an encoded error ([`encode_error`]) names is written in `text`, when serde
/// gives the position of the whole list holding it (a bad date of a multi-line `dates` list
/// was placed at the list's `[` in TOML, at its `]` in JSON): the value's opening quote in that
/// list. `offset` otherwise: another error, a position that is not a list's bracket, a value
/// not written as it reads (escapes, intervals joined).
pub(super) fn value_offset(text: &str, msg: &str, offset: usize) -> usize {
    let Some((_, value, _)) = encoded(msg) else {
        return offset;
    };
    // A list of dates or intervals holds no brackets of its own.
    let list = match text.as_bytes().get(offset) {
        Some(b'[') => text
            .get(offset..)
            .and_then(|rest| rest.find(']'))
            .map(|end| offset..offset.saturating_add(end)),
        Some(b']') => text
            .get(..offset)
            .and_then(|head| head.rfind('['))
            .map(|start| start..offset),
        _ => None,
    };
    let Some(list) = list else {
        return offset;
    };
    let inside = text.get(list.clone()).unwrap_or_default();
    ['"', '\'']
        .iter()
        .filter_map(|q| inside.find(&format!("{q}{value}{q}")))
        .min()
        .map_or(offset, |at| list.start.saturating_add(at))
}

/// Encodes a typed error in a serde message so that the loader can rebuild it with a position.
///
/// The message stays readable where it surfaces unmapped: `[invalid_date] "2026-02-30": reason`.
pub(crate) fn encode_error(e: &Error) -> String {
    let (value, reason) = match e {
        Error::InvalidDate { value, reason, .. }
        | Error::InvalidTimeOfDay { value, reason, .. } => (value, reason.as_str()),
        Error::IntervalEndsBeforeStart { value, .. } => (value, "ends before it starts"),
        Error::OverlappingIntervals { value, .. } => (value, "intervals overlap"),
        other => return other.to_string(),
    };
    let quoted = serde_json::to_string(value).unwrap_or_default();
    format!("[{}] {quoted}: {reason}", e.code())
}

/// Rebuilds the typed error from a serde message (see [`encode_error`]).
pub(super) fn decode_error(msg: &str, pos: Option<FilePos>) -> Error {
    if let Some(e) = decode_typed(msg, pos) {
        return e;
    }
    if let Some((key, _)) = msg
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
    {
        return Error::UnknownCalendarKey {
            key: key.to_owned(),
            pos,
        };
    }
    Error::InvalidCalendarData {
        reason: msg.trim().to_owned(),
        pos,
    }
}

/// The code, value and reason of an encoded error ([`encode_error`]).
fn encoded(msg: &str) -> Option<(&str, String, String)> {
    let (code, rest) = msg.strip_prefix('[')?.split_once("] ")?;
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    let value = values.next()?.ok()?;
    let reason = rest
        .get(values.byte_offset()..)
        .and_then(|r| r.strip_prefix(": "))
        .unwrap_or("")
        .to_owned();
    Some((code, value, reason))
}

fn decode_typed(msg: &str, pos: Option<FilePos>) -> Option<Error> {
    let (code, value, reason) = encoded(msg)?;
    Some(match code {
        "invalid_date" => Error::InvalidDate { value, reason, pos },
        "invalid_time_of_day" => Error::InvalidTimeOfDay { value, reason, pos },
        "interval_ends_before_start" => Error::IntervalEndsBeforeStart { value, pos },
        "overlapping_intervals" => Error::OverlappingIntervals { value, pos },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file past the limit is refused after reading the limit and one byte, however long it
    /// is (`/dev/zero` never ends).
    #[test]
    fn files_past_the_limit_are_refused_without_reading_them_whole() {
        let dir = std::env::temp_dir().join(format!("hs-calendar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.toml");
        std::fs::write(&big, vec![b'#'; MAX_DATA_BYTES + 10]).unwrap();
        let err = CalendarData::from_path(&big).unwrap_err().to_string();
        assert!(
            err.contains("the data is 4194314 bytes long; the limit is 4194304 (4 MiB)"),
            "{err}"
        );
        if Path::new("/dev/zero").exists() {
            // Named like a data file (the extension is checked before any reading).
            let endless = dir.join("endless.toml");
            std::os::unix::fs::symlink("/dev/zero", &endless).unwrap();
            let err = CalendarData::from_path(&endless).unwrap_err().to_string();
            assert!(
                err.contains("the data is more than 4194304 bytes long"),
                "{err}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn pos(e: &Error) -> Option<FilePos> {
        match e {
            Error::InvalidDate { pos, .. }
            | Error::InvalidTimeOfDay { pos, .. }
            | Error::IntervalEndsBeforeStart { pos, .. }
            | Error::OverlappingIntervals { pos, .. }
            | Error::UnknownCalendarKey { pos, .. }
            | Error::InvalidCalendarData { pos, .. } => *pos,
            _ => None,
        }
    }

    const HEAD: &str = "format = 1\n\n[[days]]\nname = \"x\"\n";

    /// An unquoted TOML date says to quote it (a calendar audit: "invalid type: map, expected a
    /// string"), in a list and alone; a number in JSON says what is expected.
    #[test]
    fn unquoted_dates_say_to_quote_them() {
        for text in [
            "[[days]]\ndates = [2026-03-09]\nrule = \"off\"\n",
            "[[notices]]\nyear = 2027\npublished = 2026-11-01\n",
        ] {
            let e = CalendarData::from_toml(text).unwrap_err().to_string();
            assert!(e.contains("write the date in quotes"), "{e}");
        }
        let e = CalendarData::from_json(r#"{"days": [{"dates": [20260309], "rule": "off"}]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("a date in quotes"), "{e}");
    }

    /// Dates are `YYYY-MM-DD` exactly: a signed or five-digit year is refused (a calendar
    /// audit: `-2026-03-09` loaded as year −2026, outside every calendar, without a word).
    #[test]
    fn dates_are_four_digit_years_without_sign() {
        for bad in [
            "+2026-03-09",
            "-2026-03-09",
            "02026-03-09",
            "2026-3-9",
            "2026-02-30",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
            assert!(DateRange::parse(bad).is_err(), "{bad}");
        }
        assert!(parse_date("2026-03-09").is_ok());
        assert!(DateRange::parse(" 2026-03-09 .. 2026-03-10").is_ok());
    }

    #[test]
    fn bad_date_names_line_and_value() {
        let text = format!("{HEAD}dates = [\"2026-02-30\"]\nrule = \"off\"\n");
        let e = CalendarData::from_toml(&text).unwrap_err();
        assert_eq!(e.code(), "invalid_date");
        assert_eq!(pos(&e).unwrap().line, 5);
        assert!(matches!(&e, Error::InvalidDate { value, .. } if value == "2026-02-30"));
        let json = "{\n  \"days\": [\n    {\"dates\": [\"2026-13-01\"], \"rule\": \"off\"}\n  ]\n}";
        let e = CalendarData::from_json(json).unwrap_err();
        assert_eq!(e.code(), "invalid_date");
        assert_eq!(pos(&e).unwrap().line, 3);
        assert!(e.to_string().contains("2026-13-01"), "{e}");
    }

    /// A date rule that can do nothing, or that says a day is worked without working time, is
    /// refused (it loaded, and `on` with `hours = []` made the day a rest day).
    #[test]
    fn empty_dates_or_hours_are_refused() {
        for (body, says) in [
            ("dates = []\nrule = \"off\"\n", "applies to no day"),
            (
                "dates = [\"2026-03-10\"]\nrule = \"on\"\nhours = []\n",
                "write rule \"off\"",
            ),
            (
                "dates = [\"2026-03-10\"]\nrule = \"hours\"\nhours = []\n",
                "write rule \"off\"",
            ),
        ] {
            let e = CalendarData::from_toml(&format!("{HEAD}{body}")).unwrap_err();
            assert_eq!(e.code(), "invalid_calendar_data", "{body}");
            assert!(e.to_string().contains(says), "{e}");
        }
    }

    /// A bad date in a list written over several lines is placed at the date (serde placed it
    /// at the list: its `[` in TOML, after its `]` in JSON), by the loaders and by `check`.
    #[test]
    fn a_bad_date_in_a_long_list_is_placed_at_the_date() {
        let toml =
            format!("{HEAD}rule = \"off\"\ndates = [\n  \"2027-03-01\",\n  \"2027-03-32\",\n]\n");
        let json = "{\"days\": [{\"rule\": \"off\", \"dates\": [\n  \"2027-03-01\",\n  \"2027-03-32\"\n]}]}";
        let at = |e: &Error| pos(e).map(|p| (p.line, p.column));
        let e = CalendarData::from_toml(&toml).unwrap_err();
        assert_eq!((e.code(), at(&e)), ("invalid_date", Some((8, 3))));
        assert_eq!(CalendarData::check_toml(&toml), [e]);
        let e = CalendarData::from_json(json).unwrap_err();
        assert_eq!((e.code(), at(&e)), ("invalid_date", Some((3, 3))));
        assert_eq!(CalendarData::check_json(json), [e]);
        // The same bad date in another rule, before or after, does not draw the place away.
        let twice = format!(
            "{HEAD}rule = \"off\"\ndates = [\"2027-03-32\"]\n\n[[days]]\nrule = \"off\"\n\
             dates = [\n  \"2027-03-01\",\n  \"2027-03-32\",\n]\n"
        );
        let places: Vec<_> = CalendarData::check_toml(&twice).iter().map(at).collect();
        assert_eq!(places, [Some((6, 10)), Some((12, 3))]);
        let json = "{\"days\": [{\"rule\": \"off\", \"dates\": [\n  \"2027-03-01\",\n  \"2027-03-32\"\n]},\n\
                    {\"rule\": \"off\", \"dates\": [\"2027-03-32\"]}]}";
        let e = CalendarData::from_json(json).unwrap_err();
        assert_eq!(at(&e), Some((3, 3)));
    }

    #[test]
    fn reversed_range_is_a_bad_date() {
        let text = format!("{HEAD}dates = [\"2026-05-05..2026-05-01\"]\nrule = \"off\"\n");
        let e = CalendarData::from_toml(&text).unwrap_err();
        assert_eq!(e.code(), "invalid_date");
        assert!(e.to_string().contains("2026-05-05..2026-05-01"));
    }

    #[test]
    fn overlapping_intervals_name_line_and_value() {
        let text = format!(
            "{HEAD}dates = [\"2026-03-09\"]\nrule = \"hours\"\nhours = [\"09:00-12:00\", \"11:00-13:00\"]\n"
        );
        let e = CalendarData::from_toml(&text).unwrap_err();
        assert_eq!(e.code(), "overlapping_intervals");
        assert_eq!(pos(&e).unwrap().line, 7);
        assert!(e.to_string().contains("09:00-12:00, 11:00-13:00"), "{e}");
    }

    #[test]
    fn interval_ending_before_start_names_line_and_value() {
        let text = format!(
            "{HEAD}dates = [\"2026-03-09\"]\nrule = \"hours\"\nhours = [\"12:00-09:00\"]\n"
        );
        let e = CalendarData::from_toml(&text).unwrap_err();
        assert_eq!(e.code(), "interval_ends_before_start");
        assert_eq!(pos(&e).unwrap().line, 7);
        assert!(e.to_string().contains("12:00-09:00"));
        let json = "{\"days\": [{\"dates\": [\"2026-03-09\"], \"rule\": \"hours\",\n \"hours\": [\"18:00-08:00\"]}]}";
        let e = CalendarData::from_json(json).unwrap_err();
        assert_eq!(e.code(), "interval_ends_before_start");
        assert_eq!(pos(&e).unwrap().line, 2);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let text = format!("{HEAD}dates = [\"2026-03-09\"]\nrule = \"off\"\nstatutary = true\n");
        let e = CalendarData::from_toml(&text).unwrap_err();
        assert_eq!(e.code(), "unknown_calendar_key");
        let p = pos(&e).unwrap();
        assert_eq!((p.line, p.column), (7, 1));
        assert!(matches!(&e, Error::UnknownCalendarKey { key, .. } if key == "statutary"));
        let e = CalendarData::from_json("{\"notices\": [],\n\"dayz\": []}").unwrap_err();
        assert_eq!(e.code(), "unknown_calendar_key");
        assert_eq!(pos(&e).unwrap().line, 2);
    }

    #[test]
    fn shape_errors() {
        let e = CalendarData::from_toml("[[notices]]\nyear = \"x\"\n").unwrap_err();
        assert_eq!(e.code(), "invalid_calendar_data");
        assert_eq!(pos(&e).unwrap().line, 2);
        let e = CalendarData::from_toml("format = 2\n").unwrap_err();
        assert_eq!(e.code(), "invalid_calendar_data");
        let e = CalendarData::from_toml("[[days]]\ndates = [\"2026-01-01\"]\nrule = \"hours\"\n")
            .unwrap_err();
        assert!(e.to_string().contains("needs `hours`"), "{e}");
        let e = CalendarData::from_json("{").unwrap_err();
        assert_eq!(e.code(), "invalid_calendar_data");
        let e = CalendarData::from_toml("[[days]]\ndates = [\"2026-01-01\"]\nrule = \"of\"\n")
            .unwrap_err();
        assert_eq!(pos(&e).unwrap().line, 3);
    }

    #[test]
    fn encoded_errors_read_well_and_decode_exactly() {
        let e = bad_date("2026-02-30 \"x\": y", "why");
        let msg = encode_error(&e);
        assert!(msg.starts_with("[invalid_date] \"2026-02-30"), "{msg}");
        assert_eq!(decode_error(&msg, None), e);
        let e = Error::OverlappingIntervals {
            value: "09:00-12:00, 11:00-13:00".into(),
            pos: None,
        };
        assert_eq!(decode_error(&encode_error(&e), None), e);
        assert_eq!(
            decode_error("[nope] \"x\": y", None).code(),
            "invalid_calendar_data"
        );
    }

    #[test]
    fn round_trips_through_json() {
        let text = "[[notices]]\nyear = 2027\npublished = \"2026-11-01\"\n[[notices.holidays]]\nname = \"A\"\noff = [\"2027-01-01..2027-01-03\"]\non = [\"2027-01-09\"]\n[[days]]\ndates = [\"2027-03-08\"]\nrule = \"hours\"\nhours = [\"09:00-12:00\"]\n";
        let d = CalendarData::from_toml(text).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(CalendarData::from_json(&json).unwrap(), d);
        let dates: Vec<_> = d.notices[0].holidays[0].off[0].dates().collect();
        assert_eq!(dates.len(), 3);
    }
}
