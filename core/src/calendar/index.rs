//! The compiled interval index: sorted working intervals in epoch milliseconds with prefix sums
//! of working time, and a per-date table (first interval, running count of working days, kind,
//! coverage status). Every query is O(1) or O(log n); none walks a span.

use crate::calendar::rules::DayKind;
use crate::calendar::template::DayHours;
use crate::instant::MS_PER_DAY;

/// Whether the calendar knows a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayStatus {
    /// Covered by data (or by explicit coverage).
    Known,
    /// Not covered, but predicted from the weekly template (predict mode).
    Predicted,
    /// Outside coverage: any computation that needs it fails.
    Unknown,
}

#[derive(Debug, Clone, Copy)]
struct DayRec {
    /// Index of the first interval whose end is after this day's start.
    first_iv: u32,
    /// Working days from the first compiled day up to (excluding) this day.
    wd_before: u32,
    kind: DayKind,
    status: DayStatus,
}

/// One day's input to [`Index::build`].
pub(crate) struct DayPlan<'a> {
    pub kind: DayKind,
    pub status: DayStatus,
    pub hours: &'a DayHours,
}

/// The compiled calendar.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    offset_ms: i64,
    /// Day number (days since 1970-01-01 in the calendar's offset) of the first compiled day.
    lo: i64,
    /// One record per compiled day plus a sentinel.
    days: Vec<DayRec>,
    /// Merged working intervals `[starts[i], ends[i])`, sorted, as three dense columns.
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Working time up to the end of interval `i` (prefix sums).
    cum_end: Vec<i64>,
    /// Offsets (from `lo`) of the working days, in order.
    workdays: Vec<u32>,
    total: i64,
    /// Runs of `Unknown` days inside the compiled range (absolute day numbers, inclusive).
    gaps: Vec<(i64, i64)>,
    /// Runs of `Predicted` days (absolute day numbers, inclusive).
    predicted: Vec<(i64, i64)>,
}

impl Index {
    /// Compiles consecutive days starting at day number `lo`.
    pub fn build<'a>(offset_ms: i64, lo: i64, plans: impl Iterator<Item = DayPlan<'a>>) -> Self {
        let mut ix = Index {
            offset_ms,
            lo,
            days: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            cum_end: Vec::new(),
            workdays: Vec::new(),
            total: 0,
            gaps: Vec::new(),
            predicted: Vec::new(),
        };
        let mut wd_before = 0u32;
        for (offset, plan) in plans.enumerate() {
            let off = i64::try_from(offset).unwrap_or(i64::MAX);
            let day = lo.saturating_add(off);
            let day_start = ix.day_start(day);
            let mut first_iv = u32::try_from(ix.starts.len()).unwrap_or(u32::MAX);
            let working = plan.status != DayStatus::Unknown && plan.kind.is_working();
            if working {
                for tiv in plan.hours.intervals() {
                    let start = day_start + i64::from(tiv.start_ms());
                    let end = day_start + i64::from(tiv.end_ms());
                    match ix.ends.last_mut() {
                        Some(last) if *last == start => {
                            if start == day_start {
                                first_iv = first_iv.saturating_sub(1);
                            }
                            *last = end;
                        }
                        _ => {
                            ix.starts.push(start);
                            ix.ends.push(end);
                        }
                    }
                }
                ix.workdays.push(u32::try_from(offset).unwrap_or(u32::MAX));
            }
            ix.days.push(DayRec {
                first_iv,
                wd_before,
                kind: plan.kind,
                status: plan.status,
            });
            if working {
                wd_before = wd_before.saturating_add(1);
            }
            let runs = match plan.status {
                DayStatus::Known => None,
                DayStatus::Predicted => Some(&mut ix.predicted),
                DayStatus::Unknown => Some(&mut ix.gaps),
            };
            if let Some(runs) = runs {
                match runs.last_mut() {
                    Some(run) if run.1 + 1 == day => run.1 = day,
                    _ => runs.push((day, day)),
                }
            }
        }
        let mut cum = 0i64;
        for (start, end) in ix.starts.iter().zip(ix.ends.iter()) {
            cum = cum.saturating_add(end - start);
            ix.cum_end.push(cum);
        }
        ix.total = cum;
        ix.days.push(DayRec {
            first_iv: u32::try_from(ix.starts.len()).unwrap_or(u32::MAX),
            wd_before,
            kind: DayKind::Weekend,
            status: DayStatus::Unknown,
        });
        ix
    }

    /// The calendar's offset in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// First compiled day number.
    pub fn lo(&self) -> i64 {
        self.lo
    }

    /// Last compiled day number.
    pub fn hi(&self) -> i64 {
        self.lo + self.len_days() - 1
    }

    fn len_days(&self) -> i64 {
        i64::try_from(self.days.len()).unwrap_or(i64::MAX) - 1
    }

    /// The day number of instant `t` (ms) in the calendar's offset.
    pub fn day_of(&self, t: i64) -> i64 {
        t.saturating_add(self.offset_ms).div_euclid(MS_PER_DAY)
    }

    /// Local midnight of day number `day`, in epoch ms.
    pub fn day_start(&self, day: i64) -> i64 {
        day.saturating_mul(MS_PER_DAY)
            .saturating_sub(self.offset_ms)
    }

    fn rec(&self, day: i64) -> Option<&DayRec> {
        let k = usize::try_from(day.checked_sub(self.lo)?).ok()?;
        self.days.get(k).filter(|_| day <= self.hi())
    }

    /// Kind of a known or predicted day.
    pub fn kind(&self, day: i64) -> Option<DayKind> {
        self.rec(day)
            .filter(|r| r.status != DayStatus::Unknown)
            .map(|r| r.kind)
    }

    /// Total working time of the compiled calendar.
    pub fn total(&self) -> i64 {
        self.total
    }

    /// Whether the calendar has no working interval at all.
    pub fn has_no_working_time(&self) -> bool {
        self.starts.is_empty()
    }

    /// Index of the first interval whose end is after `t`.
    fn iv_after(&self, t: i64) -> usize {
        let day = self.day_of(t);
        let mut i = if day < self.lo {
            0
        } else {
            let k = usize::try_from(day - self.lo).unwrap_or(usize::MAX);
            match self.days.get(k) {
                Some(r) => r.first_iv as usize,
                None => self.ends.len(),
            }
        };
        while let Some(end) = self.ends.get(i) {
            if *end > t {
                break;
            }
            i += 1;
        }
        i
    }

    /// `(start, end, working time before start)` of interval `i`.
    fn iv(&self, i: usize) -> Option<(i64, i64, i64)> {
        let (s, e, c) = (self.starts.get(i)?, self.ends.get(i)?, self.cum_end.get(i)?);
        Some((*s, *e, c - (e - s)))
    }

    /// Working time from the start of the compiled range up to `t`.
    pub fn worked_before(&self, t: i64) -> i64 {
        match self.iv(self.iv_after(t)) {
            Some((start, _, cum)) => cum + t.saturating_sub(start).max(0),
            None => self.total,
        }
    }

    /// The first interval `i` with `!below(cum_end[i])` (`cum_end` is sorted and `below` is
    /// monotone). Starts at the interval where `target` would be if working time were spread
    /// evenly and gallops from there: a few neighbouring cache lines instead of a search over
    /// the whole array.
    fn search_cum(&self, target: i64, below: impl Fn(i64) -> bool) -> usize {
        let n = self.cum_end.len();
        let at = |i: usize| self.cum_end.get(i).copied().unwrap_or(i64::MAX);
        if n == 0 || self.total <= 0 {
            return 0;
        }
        let guess = i128::from(target.clamp(0, self.total)) * (n as i128) / i128::from(self.total);
        let guess = usize::try_from(guess).unwrap_or(n).min(n - 1);
        // Find a bracket [lo, hi] with below(at(lo - 1)) and !below(at(hi)).
        let (mut lo, mut hi);
        if below(at(guess)) {
            lo = guess + 1;
            let mut step = 1usize;
            hi = lo;
            while hi < n && below(at(hi)) {
                lo = hi + 1;
                hi = hi.saturating_add(step).min(n);
                step = step.saturating_mul(2);
            }
        } else {
            hi = guess;
            let mut step = 1usize;
            lo = hi;
            while lo > 0 && !below(at(lo - 1)) {
                hi = lo - 1;
                lo = lo.saturating_sub(step);
                step = step.saturating_mul(2);
            }
        }
        // Binary search inside the bracket.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if below(at(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The earliest instant `x` with `worked_before(x) == target`, for `0 < target <= total`.
    pub fn earliest_at(&self, target: i64) -> Option<i64> {
        let i = self.search_cum(target, |c| c < target);
        self.iv(i).map(|(start, _, cum)| start + (target - cum))
    }

    /// The latest instant `x` with `worked_before(x) == target`, for `0 <= target < total`.
    pub fn latest_at(&self, target: i64) -> Option<i64> {
        let i = self.search_cum(target, |c| c <= target);
        self.iv(i).map(|(start, _, cum)| start + (target - cum))
    }

    /// `t` if it is inside a working interval, else the start of the next one.
    pub fn next_working(&self, t: i64) -> Option<i64> {
        self.starts.get(self.iv_after(t)).map(|s| (*s).max(t))
    }

    /// The working intervals overlapping `[a, b)`, clipped to it.
    pub fn intervals_in(&self, a: i64, b: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
        let i = self.iv_after(a);
        let starts = self.starts.get(i..).unwrap_or_default();
        let ends = self.ends.get(i..).unwrap_or_default();
        starts
            .iter()
            .zip(ends)
            .take_while(move |(s, _)| **s < b)
            .map(move |(s, e)| ((*s).max(a), (*e).min(b)))
    }

    /// The end of the last working interval of day `day`, capped at the day's 24:00.
    pub fn end_of_hours(&self, day: i64) -> Option<i64> {
        let day_end = self.day_start(day + 1);
        let i = self.starts.partition_point(|s| *s < day_end);
        let end = *self.ends.get(i.checked_sub(1)?)?;
        (end > self.day_start(day)).then_some(end.min(day_end))
    }

    /// Working days in `[lo, day)`, for `lo <= day <= hi + 1`.
    pub fn workdays_before(&self, day: i64) -> Option<i64> {
        let k = usize::try_from(day.checked_sub(self.lo)?).ok()?;
        self.days.get(k).map(|r| i64::from(r.wd_before))
    }

    /// The day number of the `j`-th (0-based) working day of the compiled range.
    pub fn nth_workday(&self, j: i64) -> Option<i64> {
        let j = usize::try_from(j).ok()?;
        self.workdays.get(j).map(|off| self.lo + i64::from(*off))
    }

    /// The first day of `[d0, d1]` the calendar does not know (neither known nor predicted).
    pub fn first_unknown(&self, d0: i64, d1: i64) -> Option<i64> {
        if d0 > d1 {
            return None;
        }
        if d0 < self.lo {
            return Some(d0);
        }
        let g = self.gaps.partition_point(|g| g.1 < d0);
        if let Some(&(a, _)) = self.gaps.get(g).filter(|g| g.0 <= d1) {
            return Some(a.max(d0));
        }
        (d1 > self.hi()).then(|| (self.hi() + 1).max(d0))
    }

    /// The last day of `[d0, d1]` the calendar does not know.
    pub fn last_unknown(&self, d0: i64, d1: i64) -> Option<i64> {
        if d0 > d1 {
            return None;
        }
        if d1 > self.hi() {
            return Some(d1);
        }
        let g = self.gaps.partition_point(|g| g.0 <= d1);
        if let Some(&(_, b)) = g
            .checked_sub(1)
            .and_then(|g| self.gaps.get(g))
            .filter(|g| g.1 >= d0)
        {
            return Some(b.min(d1));
        }
        (d0 < self.lo).then(|| (self.lo - 1).min(d1))
    }

    /// Whether any day of `[d0, d1]` is predicted.
    pub fn any_predicted(&self, d0: i64, d1: i64) -> bool {
        let p = self.predicted.partition_point(|p| p.1 < d0);
        self.predicted.get(p).is_some_and(|p| p.0 <= d1)
    }

    /// The first predicted day, if any.
    pub fn first_predicted(&self) -> Option<i64> {
        self.predicted.first().map(|p| p.0)
    }

    /// The kinds and statuses of all compiled days, for re-compiling with other hours.
    pub fn day_table(&self) -> impl Iterator<Item = (DayKind, DayStatus)> + '_ {
        self.days
            .iter()
            .take(self.days.len().saturating_sub(1))
            .map(|r| (r.kind, r.status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(kind: DayKind, hours: &DayHours) -> DayPlan<'_> {
        DayPlan {
            kind,
            status: DayStatus::Known,
            hours,
        }
    }

    #[test]
    fn whole_days_merge_across_midnight() {
        let all = DayHours::whole_day();
        let ix = Index::build(
            0,
            10,
            [
                plan(DayKind::Workday, &all),
                plan(DayKind::Workday, &all),
                plan(DayKind::Weekend, &all),
            ]
            .into_iter(),
        );
        assert_eq!(ix.starts.len(), 1);
        assert_eq!(ix.total(), 2 * MS_PER_DAY);
        let d11 = ix.day_start(11);
        assert_eq!(ix.worked_before(d11 + 5), MS_PER_DAY + 5);
        assert_eq!(ix.end_of_hours(10), Some(d11));
        assert_eq!(ix.end_of_hours(11), Some(ix.day_start(12)));
        assert_eq!(ix.end_of_hours(12), None);
        assert_eq!(ix.workdays_before(12), Some(2));
        assert_eq!(ix.nth_workday(1), Some(11));
    }

    #[test]
    fn unknown_days_and_lookups() {
        let h = DayHours::parse(&["09:00-10:00"]).unwrap();
        let mk = |status| DayPlan {
            kind: DayKind::Workday,
            status,
            hours: &h,
        };
        let ix = Index::build(
            0,
            0,
            [
                mk(DayStatus::Known),
                mk(DayStatus::Unknown),
                mk(DayStatus::Unknown),
                mk(DayStatus::Known),
                mk(DayStatus::Predicted),
            ]
            .into_iter(),
        );
        assert_eq!(ix.total(), 3 * 3_600_000);
        assert_eq!(ix.first_unknown(0, 0), None);
        assert_eq!(ix.first_unknown(0, 3), Some(1));
        assert_eq!(ix.first_unknown(2, 9), Some(2));
        assert_eq!(ix.first_unknown(3, 9), Some(5));
        assert_eq!(ix.first_unknown(-3, 0), Some(-3));
        assert_eq!(ix.last_unknown(0, 3), Some(2));
        assert_eq!(ix.last_unknown(-2, 0), Some(-1));
        assert_eq!(ix.last_unknown(3, 4), None);
        assert!(ix.any_predicted(0, 4));
        assert!(!ix.any_predicted(0, 3));
        assert_eq!(ix.kind(1), None);
        assert_eq!(ix.kind(4), Some(DayKind::Workday));
    }
}
