//! Working-time calendar: `working_between` and `add_working` for spans of 1 hour … 5 years on
//! the built-in PRC calendar with office hours 08:30–12:00 / 14:30–18:00, and the cost of
//! compiling the 10-year calendar (SPEC §12).
//!
//! Run: `cargo bench -p hotline-score-benches --bench calendar`

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hotline_score::calendar::{CalendarData, DayHours, WeeklyTemplate, prc};
use hotline_score::{Calendar, Instant};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn template() -> WeeklyTemplate {
    WeeklyTemplate::weekdays(DayHours::parse(&["08:30-12:00", "14:30-18:00"]).unwrap())
}

fn calendar() -> Calendar {
    Calendar::builder()
        .template(template())
        .prc_data()
        .build()
        .unwrap()
}

/// 256 start instants spread over 2017-01-01 … 2021-12-31 (a deterministic LCG), so that
/// the measured cost is not that of one cached lookup; every start + 5 years stays in 2017–2026.
fn starts() -> Vec<Instant> {
    let base = Instant::parse("2017-01-01T00:00:00+08:00")
        .unwrap()
        .millis();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..256)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let off = i64::try_from((x >> 33) % (5 * 365 * DAY as u64)).unwrap();
            Instant::from_millis(base + off)
        })
        .collect()
}

fn spans() -> [(&'static str, i64); 5] {
    [
        ("1h", HOUR),
        ("1d", DAY),
        ("1mo", 30 * DAY),
        ("1y", 365 * DAY),
        ("5y", 5 * 365 * DAY),
    ]
}

fn bench_ops(c: &mut Criterion) {
    let cal = calendar();
    let starts = starts();
    let mut between = c.benchmark_group("calendar/working_between");
    for (name, span) in spans() {
        let pairs: Vec<(Instant, Instant)> = starts
            .iter()
            .map(|a| (*a, Instant::from_millis(a.millis() + span)))
            .collect();
        let mut i = 0usize;
        between.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) & 255;
                let (a, z) = pairs[i];
                cal.working_between(black_box(a), black_box(z)).unwrap()
            })
        });
    }
    between.finish();
    let mut add = c.benchmark_group("calendar/add_working");
    for (name, span) in spans() {
        // The working time of the span from each start, so that results land `span` away.
        let inputs: Vec<(Instant, i64)> = starts
            .iter()
            .map(|a| {
                let z = Instant::from_millis(a.millis() + span);
                (*a, cal.working_between(*a, z).unwrap().max(1))
            })
            .collect();
        let mut i = 0usize;
        add.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) & 255;
                let (t, ms) = inputs[i];
                cal.add_working(black_box(t), black_box(ms)).unwrap()
            })
        });
    }
    add.finish();
}

fn bench_compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("calendar/compile");
    g.bench_function("prc_10y", |b| {
        b.iter(|| {
            Calendar::builder()
                .template(black_box(template()))
                .prc_data()
                .build()
                .unwrap()
        })
    });
    g.bench_function("prc_10y_from_toml_text", |b| {
        b.iter(|| {
            let data = CalendarData::from_toml(black_box(prc::PRC_TOML)).unwrap();
            Calendar::builder()
                .template(template())
                .data(data)
                .build()
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_ops, bench_compile);
criterion_main!(benches);
