//! Working-time calendars (SPEC §2): weekly templates, date rules and day kinds, calendar data
//! files with versions, the built-in PRC national data, and the compiled [`Calendar`] whose every
//! operation costs O(1) or O(log n).
//!
//! ```
//! use hotline_score::{Calendar, Instant};
//! let cal = Calendar::prc()?;
//! let mon = Instant::parse("2026-03-09T09:00:00+08:00")?;
//! // A deadline that uses up the day's last minute is that day's 17:30, not tomorrow 09:00.
//! let due = cal.add_working(mon, 7 * 3_600_000)?;
//! assert_eq!(due.format(cal.offset()), "2026-03-09T17:30:00+08:00");
//! # Ok::<(), hotline_score::Error>(())
//! ```

pub mod builder;
pub mod compiled;
pub mod data;
pub mod days;
mod index;
pub mod prc;
mod problems;
pub mod rules;
pub mod span;
pub mod template;

pub use builder::CalendarBuilder;
pub use compiled::Calendar;
pub(crate) use data::parse_date;
pub use data::{CalendarData, DateRange, DayEntry, HolidayEntry, Notice, RuleName, date_from_text};
pub use days::{DayCount, DeadlineAt};
pub use rules::{DateRule, DayKind};
pub use template::{DayHours, TimeInterval, WeeklyTemplate};
