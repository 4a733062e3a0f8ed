//! Calendar data files. The first byte picks TOML or JSON, whether the data is layered over
//! the built-in PRC data, and predict mode; the rest is the file. Reading and compiling never
//! panic; data that reads writes back as JSON and TOML that read to equal data; a compiled
//! calendar answers queries consistently: `working_between(a, b) == -working_between(b, a)`
//! and `working_between(t, add_working(t, ms)) == ms`.
#![no_main]

use hotline_score::calendar::{CalendarBuilder, CalendarData};
use hotline_score::instant::MS_PER_DAY;
use hotline_score::{Calendar, Instant};
use libfuzzer_sys::fuzz_target;

fn queries(cal: &Calendar) {
    let offset = cal.offset();
    let first = Instant::from_local(cal.first_date(), 0, offset).millis();
    let last = Instant::from_local(cal.last_date(), MS_PER_DAY, offset).millis();
    let span = last.saturating_sub(first).max(1);
    let at = |k: i64| Instant::from_millis(first.saturating_add(span / 7 * k + k * 3_700_000));
    let points: Vec<Instant> = (0..8).map(at).collect();
    for (i, a) in points.iter().enumerate() {
        for b in points.iter().skip(i) {
            if let (Ok(ab), Ok(ba)) = (cal.working_between(*a, *b), cal.working_between(*b, *a)) {
                assert_eq!(ab, -ba, "{a:?} {b:?}");
            }
        }
        for ms in [1, 60_000, 3_600_000, 8 * 3_600_000, 40 * 3_600_000] {
            if let Ok(x) = cal.add_working(*a, ms) {
                assert!(x > *a);
                if let Ok(w) = cal.working_between(*a, x) {
                    assert_eq!(w, ms, "add_working({a:?}, {ms}) = {x:?}");
                }
            }
            if let Ok(x) = cal.sub_working(*a, ms) {
                assert!(x < *a);
                if let Ok(w) = cal.working_between(x, *a) {
                    assert_eq!(w, ms, "sub_working({a:?}, {ms}) = {x:?}");
                }
            }
        }
        let _ = cal.next_working_instant(*a);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let parsed = if first & 1 == 0 {
        CalendarData::from_toml(text)
    } else {
        CalendarData::from_json(text)
    };
    let Ok(parsed) = parsed else {
        return;
    };
    let json = serde_json::to_string(&parsed).unwrap_or_default();
    match CalendarData::from_json(&json) {
        Ok(again) => assert_eq!(again, parsed, "{json}"),
        Err(e) => panic!("calendar data written as JSON does not read: {e}\n{json}"),
    }
    match toml::to_string(&parsed) {
        Ok(t) => match CalendarData::from_toml(&t) {
            Ok(again) => assert_eq!(again, parsed, "{t}"),
            Err(e) => panic!("calendar data written as TOML does not read: {e}\n{t}"),
        },
        Err(e) => panic!("calendar data cannot be written as TOML: {e}"),
    }
    let mut builder = CalendarBuilder::new();
    if first & 2 != 0 {
        builder = builder.prc_data();
    }
    let builder = builder.data(parsed).predict(first & 4 != 0);
    if let Ok(cal) = builder.build() {
        queries(&cal);
    }
});
