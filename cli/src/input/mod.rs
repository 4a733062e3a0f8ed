//! Reading what the user gives: option values (instants, dates, periods), schemes, policies,
//! calendars, and data sets ([`data`]).

pub mod csv_text;
pub mod data;
pub mod encoding;
pub mod external;
pub mod json_pos;
pub mod locate;
pub mod place;

use std::path::Path;

use hotline_score::calendar::{CalendarBuilder, CalendarData, DayHours, WeeklyTemplate};
pub use hotline_score::config_file::is_json;
use hotline_score::config_file::{self, ConfigKind};
use hotline_score::instant::{CHINA_OFFSET, MS_PER_DAY};
use hotline_score::policy::BUILTIN;
use hotline_score::scheme::{PRESETS, Scheme};
use hotline_score::{Calendar, Error, Instant, Period, Policy};
use time::Date;

use crate::fail::{CliResult, Failure, describe};

/// Reads a whole text file, without the byte-order mark Notepad's "UTF-8 with BOM" writes (a
/// JSON data file with one was "1:1: expected value", while policy and calendar files and
/// CSV tables took it: a CLI audit); a missing or unreadable file is a usage failure.
pub fn read_text(path: &Path) -> CliResult<String> {
    let mut text = std::fs::read_to_string(path).map_err(|e| cannot_read(path, &e))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Opens a file to read it as it goes; a missing or unreadable file (a directory too) is a
/// usage failure.
pub fn open_file(path: &Path) -> CliResult<std::fs::File> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(path, &e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        let e = std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory");
        return Err(cannot_read(path, &e));
    }
    Ok(file)
}

/// The usage failure of a file that cannot be read.
pub fn cannot_read(path: &Path, e: &std::io::Error) -> Failure {
    Failure::usage(format!("cannot read {}: {e}", path.display()))
}

/// The text of a configuration file, read as every front end reads it (`config_file::read`:
/// its size limit, UTF-8); see [`config_failure`] for its errors.
pub fn read_config(path: &Path, kind: ConfigKind) -> CliResult<String> {
    config_file::read(path, kind).map_err(|e| config_failure(path, &e))
}

/// How an error reading or loading a configuration file is reported: a file that cannot be read
/// is a usage failure, any other problem a data failure placed in the file.
pub fn config_failure(path: &Path, e: &Error) -> Failure {
    let name = path.display().to_string();
    match e {
        Error::CannotRead { .. } => Failure::usage(e.to_string()),
        Error::SchemeInvalid { .. } => scheme_failure(&name, e),
        _ => Failure::data(positioned(&name, e)),
    }
}

/// A `YYYY-MM-DD` date (or `YYYY/M/D`, as Excel on a zh-CN system writes one).
pub fn parse_date(text: &str) -> CliResult<Date> {
    let fmt = time::macros::format_description!(
        version = 2,
        "[first [[year]-[month]-[day]] [[year]/[month padding:none]/[day padding:none]]]"
    );
    let bad = |why: String| {
        Failure::usage(format!(
            "`{text}` is not a date ({why}): write it as YYYY-MM-DD, e.g. 2026-03-09"
        ))
    };
    // `[year]` also reads a sign (`-2025-12-31`: year −2025).
    if !text.trim().starts_with(|c: char| c.is_ascii_digit()) {
        return Err(bad("a year has four digits, without a sign".into()));
    }
    Date::parse(text.trim(), fmt).map_err(|e| bad(e.to_string()))
}

/// An instant: RFC 3339 with an offset (`2026-03-09T09:00:00+08:00`), or a bare date meaning
/// 00:00 of that day in +08:00. A time without an offset is refused (SPEC §2.1), the message
/// giving it with the offset, ready to paste.
pub fn parse_instant(text: &str) -> CliResult<Instant> {
    match parse_date(text) {
        Ok(date) => return Ok(Instant::from_local(date, 0, CHINA_OFFSET)),
        // No time of day: a date, whose own error says what is wrong (a 30 February).
        Err(e) if !text.contains(':') => return Err(e),
        Err(_) => {}
    }
    Instant::parse(text).map_err(|e| match e {
        Error::MissingOffset { .. } => {
            let meant = Instant::parse_local(text, CHINA_OFFSET).map_or_else(
                |_| "2026-03-09T09:00:00+08:00".to_owned(),
                |i| i.to_string(),
            );
            Failure::usage(format!(
                "`{text}` has no UTC offset: write it with one, e.g. `{meant}` (China time)"
            ))
        }
        Error::InvalidInstant { reason, .. } => Failure::usage(format!(
            "`{text}` is not an instant ({reason}); write a date (2026-03-09) or RFC 3339 \
             with an offset (2026-03-09T09:00:00+08:00)"
        )),
        other => Failure::usage(format!("`{text}` is not an instant ({other})")),
    })
}

/// A period: `2026-Q1`, `2026-03`, `2026`, or `FIRST..LAST` (dates, both included), in +08:00.
pub fn parse_period(text: &str) -> CliResult<Period> {
    let t = text.trim();
    let bad = || {
        Failure::usage(format!(
            "`{text}` is not a period: write 2026-Q1, 2026-03, 2026 or 2026-01-01..2026-03-31"
        ))
    };
    let period = if let Some((a, b)) = t.split_once("..") {
        let (first, last) = (parse_date(a)?, parse_date(b)?);
        let end = last.next_day().ok_or_else(bad)?;
        Period::new(
            Instant::from_local(first, 0, CHINA_OFFSET),
            Instant::from_local(end, 0, CHINA_OFFSET),
            format!("{first}..{last}"),
        )
    } else if let Some((y, q)) = t.split_once("-Q").or_else(|| t.split_once("-q")) {
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        Period::quarter(year, q, CHINA_OFFSET)
    } else if let Some((y, m)) = t.split_once('-') {
        let year: i32 = y.parse().map_err(|_| bad())?;
        let m: u8 = m.parse().map_err(|_| bad())?;
        let month = time::Month::try_from(m).map_err(|_| bad())?;
        Period::month(year, month, CHINA_OFFSET)
    } else {
        let year: i32 = t.parse().map_err(|_| bad())?;
        Period::year(year, CHINA_OFFSET)
    };
    period.map_err(|e| Failure::usage(format!("`{text}`: {e}")))
}

/// The period before `p`: the scheme's previous period when `p` is one of the scheme's
/// periods and the scheme has one before it (a `range` scheme's one period has none); else, for
/// a calendar quarter, month or year, whatever its label (`2026-01-01..2026-03-31` is 2026-Q1),
/// the one before it (a monthly scheme scored by quarter got blocks of 90 days:
/// `2025-10-03..2025-12-31`, a warnings audit); else the block of the same length that ends
/// where `p` starts.
pub fn previous_period(scheme: &Scheme, p: &Period) -> CliResult<Period> {
    if scheme.period_at(p.start).ok().as_ref() == Some(p) {
        let before = Instant::from_millis(p.start.millis().saturating_sub(1));
        let before = scheme.period_at(before)?;
        if before.end == p.start {
            return Ok(before);
        }
    }
    if let Some(before) = previous_calendar_period(p) {
        return Ok(before);
    }
    let len = p.end.millis().saturating_sub(p.start.millis());
    let start = Instant::from_millis(p.start.millis().saturating_sub(len));
    let first = start.to_local(CHINA_OFFSET)?.0;
    let last = Instant::from_millis(p.start.millis().saturating_sub(MS_PER_DAY))
        .to_local(CHINA_OFFSET)?
        .0;
    Ok(Period::new(start, p.start, format!("{first}..{last}"))?)
}

/// The calendar quarter, month or year (in +08:00) before `p` when `p` spans one, told by its
/// start and end; `None` for any other span.
fn previous_calendar_period(p: &Period) -> Option<Period> {
    let date = p.start.to_local(CHINA_OFFSET).ok()?.0;
    let (year, month) = (date.year(), date.month());
    let spans =
        |c: hotline_score::Result<Period>| c.is_ok_and(|c| c.start == p.start && c.end == p.end);
    let quarter = (u8::from(month) - 1) / 3 + 1;
    let before = if spans(Period::quarter(year, quarter, CHINA_OFFSET)) {
        match quarter {
            1 => Period::quarter(year - 1, 4, CHINA_OFFSET),
            q => Period::quarter(year, q - 1, CHINA_OFFSET),
        }
    } else if spans(Period::month(year, month, CHINA_OFFSET)) {
        match month {
            time::Month::January => Period::month(year - 1, time::Month::December, CHINA_OFFSET),
            m => Period::month(year, m.previous(), CHINA_OFFSET),
        }
    } else if spans(Period::year(year, CHINA_OFFSET)) {
        Period::year(year - 1, CHINA_OFFSET)
    } else {
        return None;
    };
    before.ok()
}

/// A scheme: a preset name (`sanmenxia`, …) or a TOML/JSON file.
pub fn load_scheme(arg: &str) -> CliResult<Scheme> {
    if PRESETS.iter().any(|(n, _)| *n == arg) {
        return Ok(Scheme::preset(arg)?);
    }
    let path = Path::new(arg);
    if !path.exists() {
        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        return Err(Failure::usage(format!(
            "scheme `{arg}` is neither a preset ({}) nor an existing file",
            names.join(", ")
        )));
    }
    Scheme::from_path(path).map_err(|e| config_failure(path, &e))
}

/// A scheme loading error with every problem as `file:line:column: …`.
pub fn scheme_failure(file: &str, e: &Error) -> Failure {
    match e {
        Error::SchemeInvalid { problems } => {
            let lines: Vec<String> = problems.iter().map(|p| format!("{file}:{p}")).collect();
            Failure::data(lines.join("\n"))
        }
        other => Failure::in_file(file, other),
    }
}

/// A policy: a built-in name (`henan`, …) or a TOML/JSON file.
pub fn load_policy(arg: &str) -> CliResult<Policy> {
    if BUILTIN.iter().any(|(n, _)| *n == arg) {
        return Ok(Policy::builtin(arg)?);
    }
    let path = Path::new(arg);
    if !path.exists() {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        return Err(Failure::usage(format!(
            "policy `{arg}` is neither a built-in policy ({}) nor an existing file",
            names.join(", ")
        )));
    }
    Policy::from_path(path).map_err(|e| config_failure(path, &e))
}

/// Calendar data from a file: JSON when its extension is `json`, TOML otherwise.
pub fn load_calendar_data(path: &Path) -> CliResult<CalendarData> {
    let text = read_config(path, ConfigKind::CalendarData)?;
    let data = if is_json(path) {
        CalendarData::from_json(&text)
    } else {
        CalendarData::from_toml(&text)
    };
    data.map_err(|e| Failure::data(positioned(&path.display().to_string(), &e)))
}

/// How to build the calendar (shared by `score` and `calendar`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CalendarOptions {
    /// Extra calendar data (TOML/JSON: later years, local days off); repeatable, applied in order.
    #[arg(
        long = "calendar-data",
        visible_alias = "data",
        value_name = "FILE",
        global = true
    )]
    pub data: Vec<std::path::PathBuf>,
    /// Build the calendar as it was known on this date (YYYY-MM-DD): later notices are ignored.
    #[arg(long, value_name = "DATE", global = true)]
    pub as_known_on: Option<String>,
    /// Ignore make-up workdays (调休上班): those weekend days stay days off.
    #[arg(long, global = true)]
    pub ignore_adjusted_workdays: bool,
    /// Beyond the data, predict days with the weekly template alone (results are flagged).
    #[arg(long, global = true)]
    pub predict: bool,
    /// Office hours of a working day, e.g. `09:00-12:00,13:30-17:30` (the default).
    #[arg(long, value_name = "INTERVALS", global = true)]
    pub hours: Option<String>,
    /// Every day of the week is a working day (with --hours 00:00-24:00: a 24/7 clock).
    #[arg(long, global = true)]
    pub every_day: bool,
    /// No national holiday data: the weekly template alone, over 2000–2099.
    #[arg(long, global = true)]
    pub no_holidays: bool,
}

impl CalendarOptions {
    /// The office-hours calendar: built-in PRC data, then the extra files.
    pub fn build(&self) -> CliResult<Calendar> {
        let mut b = CalendarBuilder::new();
        if self.no_holidays {
            let (from, through) = (
                time::macros::date!(2000 - 01 - 01),
                time::macros::date!(2099 - 12 - 31),
            );
            b = b.coverage(from, through);
        } else {
            b = b.prc_data();
        }
        if self.hours.is_some() || self.every_day {
            let hours = match &self.hours {
                Some(h) => {
                    let specs: Vec<&str> = h.split(',').map(str::trim).collect();
                    DayHours::parse(&specs).map_err(|e| {
                        Failure::usage(format!(
                            "--hours {h}: {e}; write e.g. 09:00-12:00,13:30-17:30"
                        ))
                    })?
                }
                None => WeeklyTemplate::office_hours()
                    .hours(time::Weekday::Monday)
                    .clone(),
            };
            b = b.template(if self.every_day {
                WeeklyTemplate::every_day(hours)
            } else {
                WeeklyTemplate::weekdays(hours)
            });
        }
        if let Some(d) = &self.as_known_on {
            b = b.as_known_on(parse_date(d)?);
        }
        b = b
            .ignore_adjusted_workdays(self.ignore_adjusted_workdays)
            .predict(self.predict);
        let base = b.clone();
        let mut files = Vec::with_capacity(self.data.len());
        for path in &self.data {
            let data = load_calendar_data(path)?;
            b = b.data(data.clone());
            files.push((path, data));
        }
        b.build().map_err(|e| {
            // A problem found only when the layers are combined (a date two holidays rule
            // differently, a notice year out of range): the first file that has it alone.
            let culprit = files.iter().find(|(_, data)| {
                base.clone().data(data.clone()).build().err().as_ref() == Some(&e)
            });
            match culprit {
                Some((path, _)) => Failure::data(positioned(&path.display().to_string(), &e)),
                None => e.into(),
            }
        })
    }

    /// What to do about a date outside `calendar`'s data: past its end (every December, until
    /// next year's notice is loaded), load the data or `--predict`; before its start (always,
    /// with `--predict`), load data, since predicting extends the data forward only.
    pub fn coverage_hint(&self, calendar: &Calendar, before_start: bool) -> String {
        if self.predict || before_start {
            format!(
                "hint: the calendar's data starts {}: --predict extends it forward only; \
                 data before that (--calendar-data FILE, docs/calendar-data.md) is needed for \
                 tickets that old, or leave them out of the export",
                calendar.first_date()
            )
        } else {
            format!(
                "hint: the calendar's data ends {}: --calendar-data FILE adds the next year's \
                 holidays (docs/calendar-data.md), or --predict extends it with the weekly \
                 template (results that rest on predicted days are flagged PREDICTED)",
                calendar.last_date()
            )
        }
    }
}

/// `file:line:column: message [code]` when the error carries a position, else `file: …`.
pub fn positioned(file: &str, e: &Error) -> String {
    let pos = match e {
        Error::InvalidPolicy { pos, .. }
        | Error::InvalidCalendarData { pos, .. }
        | Error::InvalidDate { pos, .. }
        | Error::InvalidTimeOfDay { pos, .. }
        | Error::IntervalEndsBeforeStart { pos, .. }
        | Error::OverlappingIntervals { pos, .. }
        | Error::UnknownCalendarKey { pos, .. } => *pos,
        Error::InvalidTicketJson { line, column, .. } => Some(hotline_score::FilePos {
            line: *line,
            column: *column,
        }),
        _ => None,
    };
    match pos {
        // The core's message says " at line L, column C" too: once is enough.
        Some(p) => format!(
            "{file}:{}:{}: {}",
            p.line,
            p.column,
            describe(e).replacen(&format!(" at {p}"), "", 1)
        ),
        None => format!("{file}: {}", describe(e)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The period before a calendar quarter, month or year is the one before it, whatever the
    /// scheme's own period (a monthly scheme scored by quarter stepped back by 90-day blocks);
    /// any other period steps back by a block of its length.
    #[test]
    fn history_steps_back_by_calendar_periods() {
        let monthly = load_scheme("three-rates").unwrap();
        let quarterly = load_scheme("sanmenxia").unwrap();
        let before = |scheme: &Scheme, label: &str| {
            previous_period(scheme, &parse_period(label).unwrap())
                .unwrap()
                .label
        };
        assert_eq!(before(&monthly, "2026-Q1"), "2025-Q4");
        assert_eq!(before(&monthly, "2026-01"), "2025-12");
        assert_eq!(before(&quarterly, "2026-03"), "2026-02");
        assert_eq!(before(&quarterly, "2026-10"), "2026-09");
        assert_eq!(before(&monthly, "2026"), "2025");
        assert_eq!(before(&quarterly, "2026-Q1"), "2025-Q4");
        assert_eq!(
            before(&monthly, "2026-03-01..2026-03-10"),
            "2026-02-19..2026-02-28"
        );
        // A range that spans a calendar quarter, month or year is that period.
        assert_eq!(before(&quarterly, "2026-01-01..2026-03-31"), "2025-Q4");
        assert_eq!(before(&quarterly, "2026-03-01..2026-03-31"), "2026-02");
        assert_eq!(before(&monthly, "2026-01-01..2026-12-31"), "2025");
    }
}
