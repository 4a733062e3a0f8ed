//! Day-level operations: day kinds, working-day counts and "N working days" limits.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::compiled::{Calendar, date_of, day_number, out_of_coverage};
use crate::calendar::rules::DayKind;
use crate::error::{Error, Result};
use crate::instant::Instant;

/// Where an "N working days" limit ends on its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineAt {
    /// The end of the last working interval of the N-th working day (17:30 in calendar C1).
    #[default]
    EndOfOfficeHours,
    /// 24:00 of the N-th working day (the next midnight).
    Midnight,
}

/// Day-count conventions of an "N working days" limit (SPEC §2.3).
///
/// The default counts from the day after the start day (次日起算) and ends at the end of office
/// hours of the N-th working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DayCount {
    /// Count the start day as day 1 when it is a working day (含本数).
    pub count_start_day: bool,
    /// Where the limit ends on its last day.
    pub deadline_at: DeadlineAt,
}

impl Calendar {
    /// The kind of `date` (`OutOfCoverage` when the calendar does not cover it).
    ///
    /// ```
    /// use hotline_score::{Calendar, DayKind};
    /// use time::macros::date;
    /// let cal = Calendar::prc()?;
    /// assert_eq!(cal.day_kind(date!(2026-02-17))?, DayKind::Holiday);
    /// assert_eq!(cal.day_kind(date!(2026-02-20))?, DayKind::InLieu);
    /// assert_eq!(cal.day_kind(date!(2026-02-14))?, DayKind::AdjustedWorkday);
    /// assert_eq!(cal.day_kind(date!(2026-03-07))?, DayKind::Weekend);
    /// assert_eq!(cal.day_kind(date!(2027-01-04)).unwrap_err().code(), "out_of_coverage");
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn day_kind(&self, date: Date) -> Result<DayKind> {
        let day = day_number(date);
        self.ix().kind(day).ok_or_else(|| out_of_coverage(day))
    }

    /// Whether `date` has working time (kind `workday` or `adjusted_workday`).
    pub fn is_workday(&self, date: Date) -> Result<bool> {
        self.day_kind(date).map(DayKind::is_working)
    }

    /// The `n`-th working day after `date` (`n > 0`), before it (`n < 0`), or `date` (`n == 0`).
    /// `date` itself is not counted.
    ///
    /// ```
    /// use hotline_score::Calendar;
    /// use time::macros::date;
    /// let cal = Calendar::prc()?;
    /// assert_eq!(cal.add_working_days(date!(2026-02-13), 1)?, date!(2026-02-14));
    /// assert_eq!(cal.add_working_days(date!(2026-02-14), 1)?, date!(2026-02-24));
    /// assert_eq!(cal.add_working_days(date!(2026-02-24), -1)?, date!(2026-02-14));
    /// // Needs 2027 data: an error naming the first date not covered, never a guess.
    /// let err = cal.add_working_days(date!(2026-12-24), 10).unwrap_err();
    /// assert_eq!(err.to_string().contains("2027-01-01"), true);
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn add_working_days(&self, date: Date, n: i64) -> Result<Date> {
        let ix = self.ix();
        let d = day_number(date);
        if n == 0 {
            return Ok(date);
        }
        // As `add_working`: a calendar without any working time never reaches a working day,
        // and more data would not help (not `out_of_coverage`).
        if ix.has_no_working_time() && ix.workdays_before(ix.hi() + 1) == Some(0) {
            return Err(Error::NoWorkingTime);
        }
        if n > 0 {
            // Working days in [lo, d]; the answer is the (that + n)-th working day.
            let before = ix
                .workdays_before(d.saturating_add(1).clamp(ix.lo(), ix.hi() + 1))
                .unwrap_or(0);
            let found = before
                .checked_add(n - 1)
                .and_then(|j| ix.nth_workday(j))
                .filter(|_| d >= ix.lo() - 1);
            return match found {
                Some(e) => match ix.first_unknown(d + 1, e) {
                    Some(u) => Err(out_of_coverage(u)),
                    None => Ok(date_of(e)),
                },
                None => Err(out_of_coverage(
                    ix.first_unknown(d.saturating_add(1), i64::MAX)
                        .unwrap_or(ix.hi() + 1),
                )),
            };
        }
        let m = n.checked_neg().unwrap_or(i64::MAX);
        let before = ix
            .workdays_before(d.clamp(ix.lo(), ix.hi() + 1))
            .unwrap_or(0);
        let found = before
            .checked_sub(m)
            .and_then(|j| ix.nth_workday(j))
            .filter(|_| d <= ix.hi() + 1);
        match found {
            Some(e) => match ix.last_unknown(e, d - 1) {
                Some(u) => Err(out_of_coverage(u)),
                None => Ok(date_of(e)),
            },
            None => Err(out_of_coverage(
                ix.last_unknown(i64::MIN, d.saturating_sub(1))
                    .unwrap_or(ix.lo() - 1),
            )),
        }
    }

    /// Working days in `[a, b)`; negative when `b < a`.
    pub fn working_days_between(&self, a: Date, b: Date) -> Result<i64> {
        let ix = self.ix();
        let (da, db) = (day_number(a), day_number(b));
        if da == db {
            return Ok(0);
        }
        let (lo, hi) = if da < db { (da, db) } else { (db, da) };
        if let Some(u) = ix.first_unknown(lo, hi - 1) {
            return Err(out_of_coverage(u));
        }
        let count = |d: i64| ix.workdays_before(d).unwrap_or(0);
        Ok(count(db) - count(da))
    }

    /// Whether `start` is received *during* a working day (SPEC §2.3), so that its date is day 1
    /// of an "N working days" limit with `count_start_day` (含本数): the date is a working day
    /// and `start` is before the end of its working time. After office hours the next working
    /// day is day 1, as on a rest day (otherwise the limit would end before it started).
    pub(crate) fn start_day_counts(&self, start: Instant) -> Result<bool> {
        let ix = self.ix();
        let day = ix.day_of(start.millis());
        if !self.is_workday(date_of(day))? {
            return Ok(false);
        }
        Ok(ix.end_of_hours(day).is_some_and(|end| start.millis() < end))
    }

    /// Resolves an "N working days" limit started at `start` to an instant (SPEC §2.3).
    ///
    /// By default day 1 is the first working day after the start day, and the limit ends at the
    /// end of office hours of day N. With `count_start_day` a start during a working day (before
    /// its office hours end) makes that day day 1. With `DeadlineAt::Midnight` the limit ends at 24:00 of day N. `n == 0` gives
    /// `start`.
    ///
    /// ```
    /// use hotline_score::{Calendar, Instant};
    /// use hotline_score::calendar::{DayCount, DeadlineAt};
    /// let cal = Calendar::prc()?;
    /// let sat = Instant::parse("2026-02-14T17:00:00+08:00")?;
    /// let due = cal.working_days_deadline(sat, 1, DayCount::default())?;
    /// assert_eq!(due.format(cal.offset()), "2026-02-24T17:30:00+08:00");
    /// // 含本数: a start on a working day counts that day as day 1.
    /// let fri = Instant::parse("2026-02-13T10:00:00+08:00")?;
    /// let opts = DayCount { count_start_day: true, deadline_at: DeadlineAt::Midnight };
    /// let due = cal.working_days_deadline(fri, 1, opts)?;
    /// assert_eq!(due.format(cal.offset()), "2026-02-14T00:00:00+08:00");
    /// # Ok::<(), hotline_score::Error>(())
    /// ```
    pub fn working_days_deadline(&self, start: Instant, n: u32, opts: DayCount) -> Result<Instant> {
        if n == 0 {
            return Ok(start);
        }
        let ix = self.ix();
        let start_day = ix.day_of(start.millis());
        let start_date = date_of(start_day);
        let counted_today = opts.count_start_day && self.start_day_counts(start)?;
        let steps = i64::from(n) - i64::from(counted_today);
        let last = self.add_working_days(start_date, steps)?;
        let last_day = day_number(last);
        let end = match opts.deadline_at {
            DeadlineAt::Midnight => Some(ix.day_start(last_day + 1)),
            DeadlineAt::EndOfOfficeHours => ix.end_of_hours(last_day),
        };
        end.map(Instant::from_millis)
            .ok_or_else(|| out_of_coverage(last_day))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::date;

    use super::*;
    use crate::calendar::WeeklyTemplate;

    /// A calendar without any working time: working days are `no_working_time` (CALENDAR_CASES
    /// 22), as `add_working` is, not `out_of_coverage` (which asks for data that cannot help).
    #[test]
    fn no_working_time_at_all_is_its_own_error() {
        let cal = Calendar::builder()
            .template(WeeklyTemplate::empty())
            .coverage(date!(2026 - 01 - 01), date!(2026 - 12 - 31))
            .build()
            .unwrap();
        let t = Instant::parse("2026-03-09T10:00:00+08:00").unwrap();
        let code = |r: Result<Instant>| r.unwrap_err().code();
        assert_eq!(code(cal.add_working(t, 1)), "no_working_time");
        assert_eq!(
            code(cal.working_days_deadline(t, 1, DayCount::default())),
            "no_working_time"
        );
        let err = cal.add_working_days(date!(2026 - 03 - 09), -1).unwrap_err();
        assert_eq!(err.code(), "no_working_time");
        assert_eq!(
            cal.add_working_days(date!(2026 - 03 - 09), 0).unwrap(),
            date!(2026 - 03 - 09)
        );
    }
}
