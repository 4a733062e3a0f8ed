//! [`Calendar`]: the compiled, immutable working-time calendar and its instant operations.

use std::fmt;
use std::sync::Arc;

use time::{Date, UtcOffset};

use crate::calendar::builder::CalendarBuilder;
use crate::calendar::index::{DayPlan, Index};
use crate::calendar::template::DayHours;
use crate::error::{Error, Result};
use crate::instant::Instant;

/// Julian day number of 1970-01-01.
const EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// The day number (days since 1970-01-01) of a date.
/// A date's working-day flag and its working intervals in milliseconds from its midnight.
pub(crate) type DayHoursMs = (bool, Vec<(i64, i64)>);

pub(crate) fn day_number(date: Date) -> i64 {
    i64::from(date.to_julian_day()) - EPOCH_JULIAN_DAY
}

/// The date of a day number, clamped to the dates `time` can represent.
pub(crate) fn date_of(day: i64) -> Date {
    let julian = day.saturating_add(EPOCH_JULIAN_DAY);
    i32::try_from(julian)
        .ok()
        .and_then(|j| Date::from_julian_day(j).ok())
        .unwrap_or(if day < 0 { Date::MIN } else { Date::MAX })
}

/// The error for a day the calendar does not cover: `OutOfCoverage`, or `InstantOutOfRange`
/// (with the day's start, UTC) when the day is outside the dates `time` can represent — naming
/// the clamped date 9999-12-31 would send the caller looking for calendar data that exists.
pub(crate) fn out_of_coverage(day: i64) -> Error {
    let julian = day.saturating_add(EPOCH_JULIAN_DAY);
    match i32::try_from(julian)
        .ok()
        .and_then(|j| Date::from_julian_day(j).ok())
    {
        Some(date) => Error::OutOfCoverage { date },
        None => Error::InstantOutOfRange {
            millis: day.saturating_mul(crate::instant::MS_PER_DAY),
        },
    }
}

/// A compiled working-time calendar: immutable, `Send + Sync`, cheap to clone (shared inside).
///
/// Build one with [`Calendar::prc`] (PRC national data, office hours of calendar C1) or
/// [`Calendar::builder`]. Every operation costs O(1) or O(log n) in the number of working
/// intervals, whatever the span.
///
/// ```
/// use hotline_score::{Calendar, Instant};
/// let cal = Calendar::prc()?;
/// // Fri 16:30 + 2 working hours: Saturday 2026-02-14 is a make-up workday.
/// let t = Instant::parse("2026-02-13T16:30:00+08:00")?;
/// let due = cal.add_working(t, 2 * 3_600_000)?;
/// assert_eq!(due.format(cal.offset()), "2026-02-14T10:00:00+08:00");
/// assert_eq!(cal.working_between(t, due)?, 2 * 3_600_000);
/// assert_eq!(cal.sub_working(due, 2 * 3_600_000)?, t);
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Clone)]
pub struct Calendar {
    inner: Arc<Index>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("offset", &self.offset())
            .field("first_date", &date_of(self.ix().lo()))
            .field("last_date", &date_of(self.ix().hi()))
            .field("predicted_from", &self.predicted_from())
            .finish_non_exhaustive()
    }
}

impl Calendar {
    /// A builder: offset, weekly templates, data layers, version, options.
    pub fn builder() -> CalendarBuilder {
        CalendarBuilder::new()
    }

    pub(crate) fn from_index(index: Index) -> Self {
        Calendar {
            inner: Arc::new(index),
        }
    }

    pub(crate) fn ix(&self) -> &Index {
        &self.inner
    }

    /// The calendar's fixed UTC offset.
    pub fn offset(&self) -> UtcOffset {
        let secs = i32::try_from(self.ix().offset_ms() / 1000).unwrap_or(0);
        UtcOffset::from_whole_seconds(secs).unwrap_or(UtcOffset::UTC)
    }

    /// The first date the calendar covers (known or predicted).
    pub fn first_date(&self) -> Date {
        date_of(self.ix().lo())
    }

    /// The last date the calendar covers (known or predicted).
    pub fn last_date(&self) -> Date {
        date_of(self.ix().hi())
    }

    /// The first date that is predicted from the weekly template (predict mode), if any.
    pub fn predicted_from(&self) -> Option<Date> {
        self.ix().first_predicted().map(date_of)
    }

    /// Whether `date` is predicted from the weekly template rather than known from data.
    pub fn is_predicted(&self, date: Date) -> bool {
        let d = day_number(date);
        self.ix().any_predicted(d, d)
    }

    /// Whether a result computed over `[a, b)` (either order) used predicted days: call it with
    /// the input and the result of [`add_working`](Self::add_working) & co. to flag the result.
    pub fn uses_prediction(&self, a: Instant, b: Instant) -> bool {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let ix = self.ix();
        let last = if hi > lo {
            ix.day_of(hi.millis() - 1)
        } else {
            ix.day_of(hi.millis())
        };
        ix.any_predicted(ix.day_of(lo.millis()), last)
    }

    /// Per date from `first` to `last` (each covered): whether it is a working day, and its
    /// working intervals in milliseconds from its midnight — everything a clock depends on (a
    /// board snapshot's fingerprint compares it).
    pub(crate) fn day_hours(&self, first: Date, last: Date) -> Result<Vec<DayHoursMs>> {
        let ix = self.ix();
        let (d0, d1) = (day_number(first), day_number(last));
        let mut out = Vec::with_capacity(usize::try_from(d1 - d0 + 1).unwrap_or(0));
        for day in d0..=d1 {
            let kind = ix.kind(day).ok_or_else(|| out_of_coverage(day))?;
            let (start, end) = (ix.day_start(day), ix.day_start(day + 1));
            let hours = ix
                .intervals_in(start, end)
                .map(|(a, b)| (a - start, b - start))
                .collect();
            out.push((kind.is_working(), hours));
        }
        Ok(out)
    }

    /// Fails with `OutOfCoverage` unless every day touched by `[a, b)` is known or predicted.
    fn check_span(&self, a: i64, b: i64) -> Result<()> {
        let ix = self.ix();
        match ix.first_unknown(ix.day_of(a), ix.day_of(b.saturating_sub(1))) {
            Some(day) => Err(out_of_coverage(day)),
            None => Ok(()),
        }
    }

    /// Working time in `[a, b)` in milliseconds; negative when `b < a`.
    ///
    /// Every date touched must be covered (`OutOfCoverage` otherwise); `a == b` gives 0.
    pub fn working_between(&self, a: Instant, b: Instant) -> Result<i64> {
        let (a, b) = (a.millis(), b.millis());
        if a == b {
            return Ok(0);
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        self.check_span(lo, hi)?;
        let ix = self.ix();
        Ok(ix.worked_before(b) - ix.worked_before(a))
    }

    /// The earliest instant with `ms` working time after `t` (a deadline that uses up the last
    /// minute of Friday's hours is Friday 17:30). `add_working(t, 0) == t`; a negative `ms` is
    /// [`sub_working`](Self::sub_working)`(t, -ms)`.
    ///
    /// Errors: `NoWorkingTime` when the calendar has no working time at all, `OutOfCoverage`
    /// naming the first date needed that is not covered.
    pub fn add_working(&self, t: Instant, ms: i64) -> Result<Instant> {
        if ms == 0 {
            return Ok(t);
        }
        if ms < 0 {
            return self.sub_working(t, ms.checked_neg().unwrap_or(i64::MAX));
        }
        let ix = self.ix();
        if ix.has_no_working_time() {
            return Err(Error::NoWorkingTime);
        }
        let t = t.millis();
        let start_day = ix.day_of(t);
        let target = ix.worked_before(t).checked_add(ms);
        let x = match target.filter(|v| *v <= ix.total()) {
            Some(target) => ix.earliest_at(target),
            None => None,
        };
        let Some(x) = x else {
            // Not enough working time in the compiled range: name the first unknown day on.
            let day = ix
                .first_unknown(start_day, i64::MAX)
                .unwrap_or(ix.hi().saturating_add(1));
            return Err(out_of_coverage(day));
        };
        self.check_span(t, x)?;
        Ok(Instant::from_millis(x))
    }

    /// The latest instant with `ms` working time before `t`; the mirror of
    /// [`add_working`](Self::add_working). `sub_working(t, 0) == t`; a negative `ms` adds.
    pub fn sub_working(&self, t: Instant, ms: i64) -> Result<Instant> {
        if ms == 0 {
            return Ok(t);
        }
        if ms < 0 {
            return self.add_working(t, ms.checked_neg().unwrap_or(i64::MAX));
        }
        let ix = self.ix();
        if ix.has_no_working_time() {
            return Err(Error::NoWorkingTime);
        }
        let t = t.millis();
        let end_day = ix.day_of(t.saturating_sub(1));
        let target = ix.worked_before(t) - ms;
        let x = if target >= 0 {
            ix.latest_at(target)
        } else {
            None
        };
        let Some(x) = x else {
            let day = ix
                .last_unknown(i64::MIN, end_day)
                .unwrap_or(ix.lo().saturating_sub(1));
            return Err(out_of_coverage(day));
        };
        let ix_day = ix.day_of(x);
        if let Some(day) = ix.last_unknown(ix_day, end_day) {
            return Err(out_of_coverage(day));
        }
        Ok(Instant::from_millis(x))
    }

    /// `t` if it is inside working hours, else the start of the next working interval.
    pub fn next_working_instant(&self, t: Instant) -> Result<Instant> {
        let ix = self.ix();
        if ix.has_no_working_time() {
            return Err(Error::NoWorkingTime);
        }
        let t = t.millis();
        let day = ix.day_of(t);
        match ix.next_working(t) {
            Some(x) => match ix.first_unknown(day, ix.day_of(x)) {
                Some(d) => Err(out_of_coverage(d)),
                None => Ok(Instant::from_millis(x)),
            },
            None => Err(out_of_coverage(
                ix.first_unknown(day, i64::MAX)
                    .unwrap_or(ix.hi().saturating_add(1)),
            )),
        }
    }

    /// The whole-day clock of this calendar: the same days, each working day worked
    /// 00:00–24:00 (Henan's "24 h, non-working days roll over").
    ///
    /// ```
    /// use hotline_score::{Calendar, Instant};
    /// let clock = Calendar::prc()?.whole_day();
    /// let t = Instant::parse("2026-03-06T15:00:00+08:00")?; // a Friday
    /// let due = clock.add_working(t, 24 * 3_600_000)?;
    /// assert_eq!(due.format(clock.offset()), "2026-03-09T15:00:00+08:00");
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn whole_day(&self) -> Calendar {
        let ix = self.ix();
        let all = DayHours::whole_day();
        let plans = ix.day_table().map(|(kind, status)| DayPlan {
            kind,
            status,
            hours: &all,
        });
        Calendar::from_index(Index::build(ix.offset_ms(), ix.lo(), plans))
    }
}
