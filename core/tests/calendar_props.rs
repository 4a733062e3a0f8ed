//! Property tests on random calendars (random templates with several intervals and 24:00 ends,
//! random date rules, random offsets) and random instants, including agreement with a
//! brute-force minute-by-minute oracle written here independently of the crate's index.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::calendar::{
    CalendarData, DateRange, DayEntry, DayHours, RuleName, TimeInterval, WeeklyTemplate,
};
use hotline_score::{Calendar, Error, Instant};
use proptest::prelude::*;
use time::{Date, Duration, Month, UtcOffset};

const MIN: i64 = 60_000;
const DAY_MIN: i64 = 1440;

/// Random hours of one day on a 30-minute grid: 0–3 intervals, possibly touching, possibly
/// starting at 00:00 or ending at 24:00.
fn day_hours() -> impl Strategy<Value = Vec<(u32, u32)>> {
    (
        proptest::collection::btree_set(0u32..=48, 0..=6),
        any::<bool>(),
    )
        .prop_map(|(cuts, split)| {
            let cuts: Vec<u32> = cuts.into_iter().map(|c| c * 30).collect();
            let mut ivs: Vec<(u32, u32)> = cuts.chunks_exact(2).map(|p| (p[0], p[1])).collect();
            // Split one interval into two touching ones (they must merge).
            if split
                && let Some(&(a, b)) = ivs.first()
                && b - a >= 60
            {
                let m = a + (b - a) / 60 * 30;
                ivs[0] = (a, m);
                ivs.insert(1, (m, b));
            }
            ivs
        })
}

#[derive(Debug, Clone)]
struct RuleSpec {
    day: i64,
    rule: u8, // 0 off, 1 off statutory, 2 on, 3 on with hours, 4 hours
    hours: Vec<(u32, u32)>,
}

#[derive(Debug, Clone)]
struct CalSpec {
    offset_min: i32,
    week: Vec<Vec<(u32, u32)>>,
    rules: Vec<RuleSpec>,
    days: i64,
    ignore_adjusted: bool,
}

fn cal_spec() -> impl Strategy<Value = CalSpec> {
    let rule = (0i64..21, 0u8..5, day_hours()).prop_map(|(day, rule, hours)| RuleSpec {
        day,
        rule,
        hours,
    });
    (
        prop_oneof![Just(480), Just(0), Just(-330), Just(345)],
        proptest::collection::vec(day_hours(), 7),
        proptest::collection::vec(rule, 0..6),
        14i64..21,
        any::<bool>(),
    )
        .prop_map(|(offset_min, week, rules, days, ignore_adjusted)| CalSpec {
            offset_min,
            week,
            rules,
            days,
            ignore_adjusted,
        })
}

fn first_date() -> Date {
    Date::from_calendar_date(2026, Month::February, 9).unwrap()
}

fn hours(ivs: &[(u32, u32)]) -> DayHours {
    DayHours::new(
        ivs.iter()
            .map(|&(a, b)| TimeInterval::new(a * 60_000, b * 60_000).unwrap())
            .collect(),
    )
    .unwrap()
}

fn build(spec: &CalSpec) -> Calendar {
    let mut template = WeeklyTemplate::empty();
    for (i, wd) in [
        time::Weekday::Monday,
        time::Weekday::Tuesday,
        time::Weekday::Wednesday,
        time::Weekday::Thursday,
        time::Weekday::Friday,
        time::Weekday::Saturday,
        time::Weekday::Sunday,
    ]
    .into_iter()
    .enumerate()
    {
        template = template.with(wd, hours(&spec.week[i]));
    }
    let mut data = CalendarData::default();
    for r in &spec.rules {
        let date = first_date() + Duration::days(r.day);
        let (rule, h, statutory) = match r.rule {
            0 => (RuleName::Off, None, false),
            1 => (RuleName::Off, None, true),
            2 => (RuleName::On, None, false),
            3 => (RuleName::On, Some(hours(&r.hours)), false),
            _ => (RuleName::Hours, Some(hours(&r.hours)), false),
        };
        data.days.push(DayEntry {
            dates: vec![DateRange {
                first: date,
                last: date,
            }],
            rule,
            hours: h,
            statutory,
            name: None,
            published: None,
        });
    }
    // Several rules on one date inside one layer conflict unless equal: keep the last one.
    let mut seen = std::collections::BTreeSet::new();
    data.days.reverse();
    data.days.retain(|e| seen.insert(e.dates[0].first));
    Calendar::builder()
        .offset(UtcOffset::from_whole_seconds(spec.offset_min * 60).unwrap())
        .template(template)
        .data(data)
        .ignore_adjusted_workdays(spec.ignore_adjusted)
        .coverage(first_date(), first_date() + Duration::days(spec.days - 1))
        .build()
        .unwrap()
}

/// The brute-force oracle: one flag per minute of the coverage (local time), computed from the
/// documented rules without the crate's index.
struct Oracle {
    start_ms: i64,
    /// working[m]: whether minute m (from the first local midnight) is working time.
    working: Vec<bool>,
    /// prefix[m]: working minutes before minute m.
    prefix: Vec<i64>,
    workday: Vec<bool>,
}

impl Oracle {
    fn new(spec: &CalSpec) -> Self {
        let start_ms = (first_date() - Date::from_calendar_date(1970, Month::January, 1).unwrap())
            .whole_days()
            * 86_400_000
            - i64::from(spec.offset_min) * MIN;
        let adjusted: Vec<(u32, u32)> = spec
            .week
            .iter()
            .find(|h| !h.is_empty())
            .cloned()
            .unwrap_or_default();
        let mut working = Vec::new();
        let mut workday = Vec::new();
        for d in 0..spec.days {
            let date = first_date() + Duration::days(d);
            let wd = usize::from(date.weekday().number_days_from_monday());
            let template = &spec.week[wd];
            let normal = !template.is_empty();
            let rule = spec.rules.iter().rev().find(|r| r.day == d);
            let mut h: Vec<(u32, u32)> = match rule.map(|r| (r.rule, &r.hours)) {
                None => template.clone(),
                Some((0 | 1, _)) => vec![],
                Some((2, _)) => {
                    if normal {
                        template.clone()
                    } else {
                        adjusted.clone()
                    }
                }
                Some((_, own)) => own.clone(),
            };
            if spec.ignore_adjusted && !normal {
                h.clear();
            }
            workday.push(!h.is_empty());
            for m in 0..DAY_MIN as u32 {
                working.push(h.iter().any(|&(a, b)| a <= m && m < b));
            }
        }
        let mut prefix = vec![0];
        for w in &working {
            prefix.push(prefix.last().unwrap() + i64::from(*w));
        }
        Oracle {
            start_ms,
            working,
            prefix,
            workday,
        }
    }

    fn minutes(&self) -> i64 {
        self.working.len() as i64
    }

    fn at(&self, m: i64) -> Instant {
        Instant::from_millis(self.start_ms + m * MIN)
    }

    fn between(&self, a: i64, b: i64) -> i64 {
        (self.prefix[b as usize] - self.prefix[a as usize]) * MIN
    }

    /// Earliest minute x >= t with d working minutes in [t, x).
    fn add(&self, t: i64, d: i64) -> Option<i64> {
        (t..=self.minutes()).find(|&x| self.prefix[x as usize] - self.prefix[t as usize] == d)
    }

    /// Latest minute x <= t with d working minutes in [x, t).
    fn sub(&self, t: i64, d: i64) -> Option<i64> {
        (0..=t)
            .rev()
            .find(|&x| self.prefix[t as usize] - self.prefix[x as usize] == d)
    }

    fn next_working(&self, t: i64) -> Option<i64> {
        (t..self.minutes()).find(|&x| self.working[x as usize])
    }
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn agrees_with_minute_oracle(
        spec in cal_spec(),
        t in 0i64..(20 * DAY_MIN),
        u in 0i64..(20 * DAY_MIN),
        d in 0i64..(4 * DAY_MIN),
    ) {
        let cal = build(&spec);
        let o = Oracle::new(&spec);
        let n = o.minutes();
        let (t, u) = (t % (n + 1), u % (n + 1));
        let (ti, ui) = (o.at(t), o.at(u));
        prop_assert_eq!(cal.working_between(ti, ui).unwrap(), o.between(t.min(u), t.max(u)) * if u < t { -1 } else { 1 });
        let total = o.prefix[n as usize];
        match cal.add_working(ti, d * MIN) {
            Ok(x) => prop_assert_eq!(Some(x), o.add(t, d).map(|m| o.at(m))),
            Err(Error::NoWorkingTime) => prop_assert_eq!(total, 0),
            Err(Error::OutOfCoverage { date }) => {
                prop_assert_eq!(o.add(t, d), None);
                prop_assert_eq!(date, first_date() + Duration::days(spec.days));
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
        match cal.sub_working(ti, d * MIN) {
            Ok(x) => prop_assert_eq!(Some(x), o.sub(t, d).map(|m| o.at(m))),
            Err(Error::NoWorkingTime) => prop_assert_eq!(total, 0),
            Err(Error::OutOfCoverage { date }) => {
                prop_assert_eq!(o.sub(t, d), None);
                prop_assert_eq!(date, first_date() - Duration::days(1));
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
        // Amounts that end exactly on an interval boundary (the "Friday 17:30, not Monday
        // 09:00" rule) and start exactly on one (the mirror).
        let (lo_m, hi_m) = (t.min(u), t.max(u));
        let exact = o.between(lo_m, hi_m) / MIN;
        if exact > 0 {
            prop_assert_eq!(cal.add_working(o.at(lo_m), exact * MIN).unwrap(), o.at(o.add(lo_m, exact).unwrap()));
            prop_assert_eq!(cal.sub_working(o.at(hi_m), exact * MIN).unwrap(), o.at(o.sub(hi_m, exact).unwrap()));
        }
        if t < n {
            match cal.next_working_instant(ti) {
                Ok(x) => prop_assert_eq!(Some(x), o.next_working(t).map(|m| o.at(m))),
                Err(_) => prop_assert_eq!(o.next_working(t), None),
            }
        }
        // Day level: kinds and working-day counts.
        let days = spec.days;
        for day in 0..days {
            let date = first_date() + Duration::days(day);
            prop_assert_eq!(cal.is_workday(date).unwrap(), o.workday[day as usize], "{}", date);
        }
        let (da, db) = ((t / DAY_MIN).min(days), (u / DAY_MIN).min(days));
        let count = |a: i64, b: i64| o.workday[a as usize..b as usize].iter().filter(|w| **w).count() as i64;
        let want = if da <= db { count(da, db) } else { -count(db, da) };
        prop_assert_eq!(
            cal.working_days_between(first_date() + Duration::days(da), first_date() + Duration::days(db)).unwrap(),
            want
        );
    }

    #[test]
    fn add_and_between_are_inverse_monotonic_and_additive(
        spec in cal_spec(),
        t1 in 0i64..(14 * 86_400_000),
        t2 in 0i64..(14 * 86_400_000),
        d1 in 0i64..(3 * 86_400_000),
        d2 in 0i64..(3 * 86_400_000),
    ) {
        let cal = build(&spec);
        let o = Oracle::new(&spec);
        let base = o.start_ms;
        let (a, b) = (Instant::from_millis(base + t1.min(t2)), Instant::from_millis(base + t1.max(t2)));
        let (dl, dh) = (d1.min(d2), d1.max(d2));
        // working_between is additive over any split point.
        let mid = Instant::from_millis((a.millis() + b.millis()) / 2 + 7);
        let whole = cal.working_between(a, b).unwrap();
        prop_assert_eq!(whole, cal.working_between(a, mid).unwrap() + cal.working_between(mid, b).unwrap());
        prop_assert_eq!(cal.working_between(b, a).unwrap(), -whole);
        if let (Ok(x), Ok(y)) = (cal.add_working(a, dl), cal.add_working(a, dh)) {
            // Inverse, and monotonic in d.
            prop_assert_eq!(cal.working_between(a, x).unwrap(), dl);
            prop_assert_eq!(cal.working_between(a, y).unwrap(), dh);
            prop_assert!(x <= y);
            // Earliest: one millisecond less is not enough.
            if dl > 0 {
                prop_assert_eq!(cal.working_between(a, Instant::from_millis(x.millis() - 1)).unwrap(), dl - 1);
            }
            // Monotonic in t.
            if let Ok(z) = cal.add_working(b, dl) {
                prop_assert!(x <= z);
            }
            // sub_working mirrors add_working: the latest instant with dl before x.
            let s = cal.sub_working(x, dl).unwrap();
            prop_assert!(s >= a);
            prop_assert_eq!(cal.working_between(s, x).unwrap(), dl);
            if dl > 0 {
                prop_assert_eq!(cal.working_between(Instant::from_millis(s.millis() + 1), x).unwrap(), dl - 1);
            }
            // x is the earliest instant with dl after a, and s ≥ a: the earliest with dl after
            // s is x itself.
            prop_assert_eq!(cal.add_working(s, dl).unwrap(), x);
            prop_assert_eq!(cal.add_working(x, -dl).unwrap(), s);
        }
        // Whole-day clock: working time is a whole number of days on working days.
        let w = cal.whole_day();
        let day0 = Instant::from_millis(base);
        let end = Instant::from_millis(base + spec.days * 86_400_000);
        let n = cal.working_days_between(first_date(), first_date() + Duration::days(spec.days)).unwrap();
        prop_assert_eq!(w.working_between(day0, end).unwrap(), n * 86_400_000);
    }
}

#[test]
fn calendar_is_send_sync_and_cheap_to_clone() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Calendar>();
    let cal = Calendar::prc().unwrap();
    let other = cal.clone();
    let t = Instant::parse("2026-03-09T09:00:00+08:00").unwrap();
    let h = std::thread::spawn(move || other.add_working(t, 3_600_000).unwrap());
    assert_eq!(h.join().unwrap(), cal.add_working(t, 3_600_000).unwrap());
}

#[test]
fn huge_amounts_fail_fast_and_never_panic() {
    let cal = Calendar::prc().unwrap();
    let t = Instant::parse("2026-03-09T09:00:00+08:00").unwrap();
    for ms in [i64::MAX, i64::MIN, i64::MAX / 2, -(i64::MAX / 2)] {
        assert_eq!(
            cal.add_working(t, ms).unwrap_err().code(),
            "out_of_coverage"
        );
        assert_eq!(
            cal.sub_working(t, ms).unwrap_err().code(),
            "out_of_coverage"
        );
    }
    for t in [
        Instant::from_millis(i64::MIN),
        Instant::from_millis(i64::MAX),
    ] {
        assert!(cal.add_working(t, 1).is_err());
        assert!(cal.sub_working(t, 1).is_err());
        assert!(cal.next_working_instant(t).is_err());
        assert!(cal.working_between(t, Instant::from_millis(0)).is_err());
        let _ = cal.uses_prediction(t, Instant::from_millis(0));
    }
    let d = Date::MAX;
    assert!(cal.add_working_days(d, i64::MAX).is_err());
    assert!(cal.add_working_days(Date::MIN, i64::MIN).is_err());
    assert!(cal.working_days_between(Date::MIN, Date::MAX).is_err());
    assert!(cal.day_kind(d).is_err());
    assert!(
        cal.working_days_deadline(t, u32::MAX, Default::default())
            .is_err()
    );
}
