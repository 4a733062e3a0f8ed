//! Plain local-time arithmetic for the generator (China Standard Time): when do people at the
//! center and at units work. Rest days are the PRC calendar's where its data reaches (public
//! holidays off, 调休 Saturdays and Sundays worked), weekends beyond; the arithmetic itself is
//! independent of the calendar module's working-time operations.

use std::sync::OnceLock;

use crate::calendar::Calendar;
use crate::instant::{CHINA_OFFSET, Instant, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};
use crate::synthetic::rng::Rng;

/// `+08:00` in milliseconds.
const OFFSET_MS: i64 = 8 * MS_PER_HOUR;
/// Office hours start at 08:30 …
pub(crate) const OPEN_MS: i64 = 8 * MS_PER_HOUR + 30 * MS_PER_MINUTE;
/// … and end at 18:00.
pub(crate) const CLOSE_MS: i64 = 18 * MS_PER_HOUR;

/// Local day number (days since 1970-01-01 in `+08:00`) and milliseconds into that day.
pub(crate) fn local(t: i64) -> (i64, i64) {
    let l = t.saturating_add(OFFSET_MS);
    (l.div_euclid(MS_PER_DAY), l.rem_euclid(MS_PER_DAY))
}

/// The instant of local `day` at `ms` into it.
pub(crate) fn at_local(day: i64, ms: i64) -> i64 {
    day.saturating_mul(MS_PER_DAY)
        .saturating_add(ms)
        .saturating_sub(OFFSET_MS)
}

/// Whether local `day` is a Saturday or Sunday (1970-01-01 was a Thursday).
pub(crate) fn is_weekend(day: i64) -> bool {
    (day + 3).rem_euclid(7) >= 5
}

/// The built-in PRC calendar's days: the first local day number, and whether each day is a
/// rest day (weekend or holiday; an adjusted workday is not).
fn prc_rest_days() -> &'static (i64, Vec<bool>) {
    static DAYS: OnceLock<(i64, Vec<bool>)> = OnceLock::new();
    DAYS.get_or_init(|| {
        let Ok(cal) = Calendar::prc() else {
            return (0, Vec::new());
        };
        let (first, last) = (cal.first_date(), cal.last_date());
        let day_of = |d: time::Date| local(Instant::from_local(d, 0, CHINA_OFFSET).millis()).0;
        let rest = std::iter::successors(Some(first), |d| d.next_day())
            .take_while(|d| *d <= last)
            .map(|d| {
                cal.day_kind(d)
                    .map_or_else(|_| is_weekend(day_of(d)), |k| !k.is_working())
            })
            .collect();
        (day_of(first), rest)
    })
}

/// Whether local `day` is a rest day: the PRC calendar's where its data reaches (Spring
/// Festival off, its 调休 Saturday worked), Saturday and Sunday beyond.
pub(crate) fn is_rest_day(day: i64) -> bool {
    let (first, rest) = prc_rest_days();
    usize::try_from(day - first)
        .ok()
        .and_then(|i| rest.get(i).copied())
        .unwrap_or_else(|| is_weekend(day))
}

/// How people work: the chance of working on a weekend day, and of working outside office
/// hours at all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Habits {
    /// Chance that a rest day (weekend, holiday) is worked (else the work moves to the next
    /// day).
    pub weekend: f64,
    /// Chance that work due outside office hours is done then anyway (overtime, night shift).
    pub after_hours: f64,
}

/// Units: mostly office hours on weekdays.
pub(crate) const UNIT: Habits = Habits {
    weekend: 0.2,
    after_hours: 0.03,
};

/// The hotline center: staffed every day, with a small night shift.
pub(crate) const CENTER: Habits = Habits {
    weekend: 0.85,
    after_hours: 0.12,
};

/// The first moment at or after `t` when someone with `habits` does the work: `t` itself inside
/// office hours on a worked day, else in the next working morning (08:30 to 11:30: work left
/// overnight is taken up through the morning, not all at the opening).
pub(crate) fn next_work(t: i64, habits: Habits, rng: &mut Rng) -> i64 {
    let (mut day, tod) = local(t);
    if rng.chance(habits.after_hours) {
        return t;
    }
    let jitter = |rng: &mut Rng| OPEN_MS + rng.below(3 * MS_PER_HOUR as u64) as i64;
    let mut ms = if tod < OPEN_MS {
        jitter(rng)
    } else if tod >= CLOSE_MS {
        day += 1;
        jitter(rng)
    } else {
        tod
    };
    // At most a Spring Festival's worth of skipping (eight rest days and a margin).
    for _ in 0..10 {
        if !is_rest_day(day) || rng.chance(habits.weekend) {
            break;
        }
        day += 1;
        ms = jitter(rng);
    }
    at_local(day, ms).max(t)
}

/// `t` plus a working-style delay: `delay` ms later, then moved to when people work.
pub(crate) fn after(t: i64, delay: f64, habits: Habits, rng: &mut Rng) -> i64 {
    let d = if delay.is_finite() && delay > 0.0 {
        delay.min(365.0 * MS_PER_DAY as f64) as i64
    } else {
        0
    };
    next_work(t.saturating_add(d), habits, rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-03-02 is a Monday.
    const MON: i64 = 20514;

    #[test]
    fn local_days() {
        assert!(!is_weekend(MON));
        assert!(is_weekend(MON + 5) && is_weekend(MON + 6) && !is_weekend(MON + 7));
        let t = at_local(MON, 9 * MS_PER_HOUR);
        assert_eq!(t, 1_772_413_200_000, "2026-03-02T09:00:00+08:00");
        assert_eq!(local(t), (MON, 9 * MS_PER_HOUR));
    }

    #[test]
    fn work_moves_into_office_hours() {
        let never = Habits {
            weekend: 0.0,
            after_hours: 0.0,
        };
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            // Friday 19:00 → Monday morning.
            let fri_evening = at_local(MON + 4, 19 * MS_PER_HOUR);
            let t = next_work(fri_evening, never, &mut rng);
            let (d, ms) = local(t);
            assert_eq!(d, MON + 7);
            assert!((OPEN_MS..OPEN_MS + 3 * MS_PER_HOUR).contains(&ms));
            // Inside office hours: unchanged.
            let inside = at_local(MON + 1, 11 * MS_PER_HOUR);
            assert_eq!(next_work(inside, never, &mut rng), inside);
            // Never earlier than asked.
            assert!(next_work(inside, CENTER, &mut rng) >= inside);
        }
    }
}
